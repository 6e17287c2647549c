"""Figures, tested through what they plot: the artists' data, titles, labels and legends (not pixels)."""
import matplotlib.pyplot as plt
import pytest

from imr_analysis.report import figures, tables
from imr_analysis.report.language import t
from report_fixture import computed, data  # noqa: F401 (fixtures)


def _legend(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_deaths_by_cause_stacks_each_cause_per_puskesmas(data):
    fig = figures.deaths_by_cause_bar(tables.deaths_by_puskesmas_and_cause(data, 2023), "id")
    ax = fig.axes[0]
    assert ax.get_title() == t("title_deaths_by_cause", "id") and ax.get_ylabel() == "Jumlah kematian"
    bars = {c.get_label(): [p.get_height() for p in c.patches] for c in ax.containers}
    assert list(bars) == ["BBLR dan prematuritas", "Asfiksia", "Pneumonia", "Sepsis dan infeksi", "Lain-lain"]
    assert bars["Asfiksia"] == [6, 0] and bars["Lain-lain"] == [1, 0] and bars["Sepsis dan infeksi"] == [0, 1]
    bottoms = [p.get_y() for p in ax.containers[1].patches]  # asphyxia sits on LBW
    assert bottoms == [3, 0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["B", "A"]
    assert not plt.fignum_exists(fig.number)  # closed: a notebook shows it once


def test_imr_by_puskesmas_points_district_and_target_lines(computed):
    fig = figures.imr_by_puskesmas_plot(tables.imr_by_puskesmas(computed, 2023), "en")
    ax = fig.axes[0]
    points = ax.containers[0].lines[0]
    assert list(points.get_xdata()) == pytest.approx([10.0, 1000 * 11 / 300]) and list(points.get_ydata()) == ["A", "B"]
    vertical = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines() if line.get_label().endswith(")")}
    assert vertical == {"District value (30.0)": pytest.approx(30.0), "Target (16)": 16}
    assert ax.get_xlabel() == "Rate per 1000 live births" and ax.get_title() == "IMR by Puskesmas (95% CI)"


def test_causes_by_age_bars_are_the_shares(data):
    fig = figures.causes_by_age_bar(tables.causes_by_age(data, 2023), "en")
    ax = fig.axes[0]
    neonatal, post = ax.containers
    assert [p.get_height() for p in neonatal] == pytest.approx([30, 60, 0, 10, 0, 0, 0])
    assert [p.get_height() for p in post] == pytest.approx([0, 0, 50, 0, 50, 0, 0])
    assert [tick.get_text() for tick in ax.get_xticklabels()][:2] == ["Low birth weight and prematurity", "Birth asphyxia"]
    assert _legend(ax) == ["Neonatal (0-28 days)", "Post-neonatal (29 days-11 months)"]


def test_coverage_dot_plot_district_apart_target_line_and_localised_ticks(computed):
    fig = figures.coverage_bar(tables.coverage_by_puskesmas(computed, 2023), "id")
    ax = fig.axes[0]
    kn1, complete = [c for c in ax.collections if type(c).__name__ == "PathCollection"]
    points = {ax.get_yticklabels()[i].get_text(): None for i in range(len(ax.get_yticks()))}
    y_of = dict(zip([tick.get_text() for tick in ax.get_yticklabels()], ax.get_yticks()))
    assert list(points) == ["B", "A", "D"][::-1] or set(points) == {"B", "A", "D"}
    # KN lengkap: B 232/290 = 80%, A 99/110 = 90%, district 331/400 = 82.75%
    by_y = {y: x for x, y in complete.get_offsets()}
    assert [by_y[y_of[name]] for name in ("B", "A", "D")] == pytest.approx([80.0, 90.0, 82.75])
    # the district is drawn apart: below every Puskesmas, past a rule, in bold
    assert y_of["D"] < min(y_of["B"], y_of["A"]) - 1
    rule = [line for line in ax.get_lines() if list(line.get_ydata())[0] == list(line.get_ydata())[1]
            and line.get_ydata()[0] not in (0, 1)]
    assert len(rule) == 1 and y_of["D"] < rule[0].get_ydata()[0] < min(y_of["B"], y_of["A"])
    assert {tick.get_text(): tick.get_fontweight() for tick in ax.get_yticklabels()}["D"] == "bold"
    target = [line for line in ax.get_lines() if line.get_label() == "Target 100%"]
    assert len(target) == 1 and list(target[0].get_xdata()) == [100, 100]
    assert ax.get_xlim() == pytest.approx((70.0, 102.0))  # dots: a round 10 below the lowest value
    assert ax.xaxis.get_major_formatter()(82.5, 0) == "82,5"  # decimal comma in Indonesian


def test_causes_by_age_writes_the_count_above_each_share(data):
    fig = figures.causes_by_age_bar(tables.causes_by_age(data, 2023), "id")
    ax = fig.axes[0]
    labels = [text.get_text() for text in ax.texts]
    # 2023: neonatal LBW 3, asphyxia 6, sepsis 1 (of 10); post-neonatal pneumonia 1, congenital 1 (of 2); zeros unlabelled
    assert labels == ["3", "6", "", "1", "", "", "", "", "", "1", "", "1", "", ""]
    assert ax.get_legend().get_title().get_text() == t("bar_count_note", "id")


def test_funnel_names_only_the_puskesmas_outside_the_limits():
    import pandas as pd
    points = pd.DataFrame({"area": ["Near", "High", "Low", "Close"], "denominator": [300, 400, 500, 310],
                           "value": [10.0, 40.0, 0.0, 11.0],
                           "flag": ["within", "above 99.8%", "below 95%", "within"]})
    curve = pd.DataFrame({"denominator": [100, 600], "upper_95": [30, 20], "lower_95": [1, 3],
                          "upper_998": [40, 25], "lower_998": [0.5, 1]})
    notes = {"theta": 10.0, "years": [2023], "tau2": 0, "limits": "exact", "indicator": "imr"}
    fig = figures.funnel_plot(points, curve, notes, "id")
    assert sorted(text.get_text() for text in fig.axes[0].texts) == ["High", "Low"]


def test_frame_draws_title_and_source_line_in_the_figure(data):
    fig = figures.deaths_by_cause_bar(tables.deaths_by_puskesmas_and_cause(data, 2023), "id")
    fig = figures.frame(fig, "Kematian bayi menurut Puskesmas dan penyebab: D, 2023", "Sumber: uji")
    assert fig._suptitle.get_text() == "Kematian bayi menurut Puskesmas dan penyebab: D, 2023"
    assert fig.axes[0].get_title() == "" and [x.get_text() for x in fig.texts if x is not fig._suptitle] == ["Sumber: uji"]
    assert "text: Sumber: uji" in figures.describe(fig)


def test_trend_plot_lines_bands_and_targets(data):
    computed = tables.indicators_by_level(data, cause_grouping="report_group")
    fig = figures.trend_plot(tables.yearly_rates(computed, 2022, 2023), "id")
    ax = fig.axes[0]
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines["AKB"] == pytest.approx([20.0, 30.0]) and lines["AKN"] == pytest.approx([15.0, 25.0])
    assert lines["Target AKB 16"] == [16, 16] and lines["Target AKN 12"] == [12, 12]
    assert list(ax.get_xticks()) == [2022, 2023] and ax.get_ylim()[0] == 0


def test_heatmap_cells_and_cause_panels(data):
    computed = tables.indicators_by_level(data, cause_grouping="report_group")
    fig = figures.heatmap(tables.imr_heatmap(computed, 2022, 2023), "en")
    cells = fig.axes[0].collections[0].get_array().ravel()
    assert list(cells) == pytest.approx([20.0, 10.0, 20.0, 1000 * 11 / 300])  # A 2022, A 2023, B 2022, B 2023
    assert sorted(text.get_text() for text in fig.axes[0].texts) == ["10.0", "20.0", "20.0", "36.7"]
    by_year = tables.causes_by_year(computed, 2022, 2023)
    panels = [ax.get_title() for ax in figures.cause_trend_multiples(by_year, "en").axes if ax.get_visible()]
    assert panels == [t(c, "en") for c in tables.CAUSE_ORDER if c in set(by_year["cause"])]


def test_describe_and_save(data, tmp_path):
    fig = figures.deaths_by_cause_bar(tables.deaths_by_puskesmas_and_cause(data, 2023), "en")
    text = figures.describe(fig)
    assert "bars Birth asphyxia: [6.0, 0.0]" in text and text.startswith("panel: Infant deaths by Puskesmas and cause")
    path = figures.save(fig, tmp_path / "figs" / "deaths.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["deaths.png"]  # no temporary file left


def test_the_png_is_drawn_once_for_show_and_save_and_again_after_a_change(data, tmp_path, monkeypatch):
    import io

    fig = figures.deaths_by_cause_bar(tables.deaths_by_puskesmas_and_cause(data, 2023), "en")
    drawn = []
    savefig = fig.savefig
    monkeypatch.setattr(fig, "savefig", lambda *a, **k: (drawn.append(1), savefig(*a, **k))[1])
    shown = figures.png(fig)
    figures.describe(fig)   # reading what is plotted changes nothing
    saved = figures.save(fig, tmp_path / "deaths.png").read_bytes()
    assert saved == shown and len(drawn) == 1
    fig.axes[0].set_title("Another title")   # any change to the figure: drawn again, the change in it
    again = figures.png(fig)
    fresh = io.BytesIO()
    savefig(fresh, format="png", metadata={"Software": None})
    assert len(drawn) == 2 and again != shown and again == fresh.getvalue()

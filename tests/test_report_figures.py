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


def test_coverage_bars_target_line_and_localised_ticks(computed):
    fig = figures.coverage_bar(tables.coverage_by_puskesmas(computed, 2023), "id")
    ax = fig.axes[0]
    kn1, complete = ax.containers
    assert [p.get_height() for p in complete] == pytest.approx([80.0, 90.0, 82.75])
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["B", "A", "D"]
    target = [line for line in ax.get_lines() if line.get_label() == "Target 100%"]
    assert len(target) == 1 and list(target[0].get_ydata()) == [100, 100]
    assert ax.get_ylim() == pytest.approx((70.0, 105.0))  # 10 below the lowest bar
    assert ax.yaxis.get_major_formatter()(82.5, 0) == "82,5"  # decimal comma in Indonesian


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

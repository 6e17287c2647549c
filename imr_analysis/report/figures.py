"""Figures for the reports (matplotlib / seaborn), labelled in the report language.

Every function returns a closed Figure (so a notebook shows it once) and ``describe`` gives a
deterministic text account of what a figure plots, for readers and for regression checks.
"""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..outputs import write_atomic
from .language import fmt, t
from .tables import CAUSE_ORDER, REPORT_CAUSES

PALETTE = {"lbw_prematurity": "#1b9e77", "asphyxia": "#d95f02", "pneumonia": "#7570b3",
           "sepsis_infection": "#e7298a", "congenital": "#66a61e", "diarrhoea": "#e6ab02", "other": "#999999"}
plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 110, "font.size": 10, "axes.spines.top": False,
                     "axes.spines.right": False, "svg.hashsalt": "imr-analysis",
                     # names from the input are drawn as written: '$...$' is not mathtext, nor TeX
                     "text.parse_math": False, "text.usetex": False})


def _localise(axis, lang: str) -> None:
    """Tick labels in the report language: 12,5 in Indonesian, 12.5 in English."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v, lang, 0 if float(v).is_integer() else 1)))


def _done(fig):
    fig.tight_layout()
    plt.close(fig)
    return fig


def deaths_by_cause_bar(table: pd.DataFrame, lang: str = "id"):
    """Stacked bars: infant deaths by Puskesmas, stacked by report cause group."""
    data = table[table["puskesmas"] != "total"].set_index("puskesmas")[REPORT_CAUSES]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bottom = np.zeros(len(data))
    for cause in REPORT_CAUSES:
        ax.bar(data.index, data[cause], bottom=bottom, label=t(cause, lang), color=PALETTE[cause])
        bottom += data[cause].to_numpy()
    _localise(ax.yaxis, lang)
    ax.set_title(t("title_deaths_by_cause", lang))
    ax.set_ylabel(t("deaths_axis", lang))
    ax.set_xlabel(t("puskesmas", lang))
    ax.tick_params(axis="x", rotation=30)
    ax.legend(frameon=False, fontsize=8)
    return _done(fig)


def imr_by_puskesmas_plot(table: pd.DataFrame, lang: str = "id"):
    """AKB by Puskesmas with 95% CI bars, the district value and the target as vertical lines."""
    data = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.6))
    err = np.vstack([data["value"] - data["lower_95"], data["upper_95"] - data["value"]])
    ax.errorbar(data["value"], data["puskesmas"], xerr=err, fmt="o", color="#333333", capsize=3, label=t("imr", lang))
    ax.axvline(data["district_value"].iloc[0], color="#1f77b4", ls="--",
               label=f"{t('district_value', lang)} ({fmt(data['district_value'].iloc[0], lang)})")
    if data["target"].notna().any():
        ax.axvline(data["target"].iloc[0], color="#d62728", ls=":", label=f"{t('target', lang)} ({fmt(data['target'].iloc[0], lang, 0)})")
    _localise(ax.xaxis, lang)
    ax.set_title(t("title_imr_by_puskesmas", lang))
    ax.set_xlabel(t("rate_axis", lang))
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return _done(fig)


def causes_by_age_bar(table: pd.DataFrame, lang: str = "id"):
    """Cause shares (%), neonatal beside post-neonatal; the number of deaths is written above each bar."""
    data = table.set_index("cause")[["neonatal_share", "postneonatal_share"]].fillna(0)
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(data))
    counts = table.set_index("cause")[["neonatal", "postneonatal"]].fillna(0).astype(int)
    for age, shift, color in (("neonatal", -0.2, "#4c72b0"), ("postneonatal", 0.2, "#dd8452")):
        bars = ax.bar(x + shift, data[f"{age}_share"], width=0.4, label=t(age, lang), color=color)
        ax.bar_label(bars, labels=[str(n) if n else "" for n in counts[age]], fontsize=7, padding=1)
    ax.set_xticks(x, [t(c, lang) for c in data.index], rotation=30, ha="right")
    _localise(ax.yaxis, lang)
    ax.set_ylabel(t("share_pct", lang))
    ax.set_title(t("title_cause_by_age", lang))
    ax.legend(frameon=False, fontsize=8, title=t("bar_count_note", lang), title_fontsize=7)
    return _done(fig)


def coverage_bar(table: pd.DataFrame, lang: str = "id"):
    """KN1 and KN lengkap coverage (%) as a dot plot with the 100% target line.

    Puskesmas are sorted by KN lengkap coverage; the district is drawn apart below a rule, in bold.
    """
    pk = table[table["level"] == "puskesmas"]
    dist = table[table["level"] == "district"]
    rows = list(pk["area"]) + list(dist["area"])
    # top to bottom: the Puskesmas, a gap and a rule, then the district
    y = np.r_[len(dist) + 0.6 + np.arange(len(pk))[::-1], np.arange(len(dist))[::-1]]
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(rows) + 2.0))
    values = table[["kn1_coverage", "kn_lengkap_coverage"]].to_numpy(dtype=float)
    ax.scatter(table["kn1_coverage"], y, marker="o", facecolor="white", edgecolor="#4c72b0", zorder=3, label=t("kn1", lang))
    ax.scatter(table["kn_lengkap_coverage"], y, marker="o", color="#1b9e77", zorder=3, label=t("kn_lengkap", lang))
    ax.axvline(100, color="#d62728", ls=":", label=f"{t('target', lang)} 100%")
    if len(dist):
        ax.axhline(len(dist) - 0.2, color="#999999", lw=0.8)
    ax.set_yticks(y, rows)
    for tick, level in zip(ax.get_yticklabels(), list(pk["level"]) + list(dist["level"])):
        tick.set_fontweight("bold" if level == "district" else "normal")
    # dots, not bars: the axis may start above 0 without exaggerating; it starts at a round 10 below the lowest
    ax.set_xlim(max(0.0, 10 * np.floor(float(np.nanmin(values)) / 10) - 10), max(102.0, float(np.nanmax(values)) + 2))
    _localise(ax.xaxis, lang)
    ax.set_xlabel(t("coverage_pct", lang))
    ax.grid(axis="x", color="#eeeeee")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    return _done(fig)


def _partial_points(ax, d: pd.DataFrame, partial: dict, color: str, name: str) -> None:
    """A partial year's value as a hollow circle with its 95% CI, labelled with the year's label
    ('AKB 2025 (Januari s.d. Juni)'): a year to date, not joined to the full years' line."""
    for _, r in d[d["year"].isin(list(partial))].iterrows():
        ax.vlines(r["year"], r["lower_95"], r["upper_95"], color=color, lw=1)
        ax.plot([r["year"]], [r["value"]], marker="o", mfc="none", ls="none", color=color,
                label=f"{name} {partial[r['year']]}")


def _year_ticks(ax, years, partial: dict | None) -> None:
    """Ticks at the years; a partial year's tick shows its label ('2025\n(Januari s.d. Juni)')."""
    years = sorted(int(y) for y in years)
    ax.set_xticks(years)
    if partial and set(partial) & set(years):
        ax.set_xticklabels([partial[y].replace(" (", "\n(", 1) if y in partial else str(y) for y in years])


def trend_plot(table: pd.DataFrame, lang: str = "id", partial: dict | None = None):
    """AKB and AKN per year with 95% CI bands and their target lines.

    ``partial``: year -> label of the years with only some months of data, drawn apart (hollow circle)."""
    partial = partial or {}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for ind, color in (("imr", "#1f77b4"), ("nmr", "#ff7f0e")):
        d_all = table[table["indicator"] == ind].sort_values("year")
        if d_all.empty:
            continue
        d = d_all[~d_all["year"].isin(list(partial))]
        ax.plot(d["year"], d["value"], marker="o", color=color, label=t(ind, lang))
        ax.fill_between(d["year"], d["lower_95"], d["upper_95"], color=color, alpha=0.15)
        _partial_points(ax, d_all, partial, color, t(ind, lang))
        for target in sorted(set(d["target"].dropna())):
            ax.axhline(target, color=color, ls=":", lw=1, label=f"{t('target', lang)} {t(ind, lang)} {fmt(target, lang, 0)}")
    _year_ticks(ax, set(table["year"]), partial)
    _localise(ax.yaxis, lang)
    ax.set_ylabel(t("rate_axis", lang))
    ax.set_xlabel(t("year", lang))
    ax.set_title(t("title_trend", lang))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8)
    return _done(fig)


def fitted_trend_plot(series: pd.DataFrame, lang: str = "id", partial: dict | None = None):
    """Observed rates with CIs, the fitted trend line with its 95% band, and the target line.

    ``partial``: year -> label of the years left out of the fit, drawn as hollow circles."""
    partial = partial or {}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ind = series["indicator"].iloc[0]
    observed = series.dropna(subset=["value"])
    obs = observed[~observed["year"].isin(list(partial))]
    _partial_points(ax, observed, partial, "#333333", t(ind, lang))
    err = np.vstack([obs["value"] - obs["lower_95"], obs["upper_95"] - obs["value"]])
    ax.errorbar(obs["year"], obs["value"], yerr=err, fmt="o", color="#333333", capsize=3, label=t(ind, lang))
    ax.plot(series["year"], series["fitted"], color="#1f77b4", label=t("fitted_trend", lang))
    ax.fill_between(series["year"], series["fitted_lower"], series["fitted_upper"], color="#1f77b4", alpha=0.15)
    for target in sorted(set(series["target"].dropna())):
        ax.axhline(target, color="#d62728", ls=":", label=f"{t('target', lang)} {fmt(target, lang, 0)}")
    _year_ticks(ax, series["year"], partial)
    ax.tick_params(axis="x", rotation=45)
    _localise(ax.yaxis, lang)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(t("rate_axis", lang))
    ax.set_xlabel(t("year", lang))
    ax.set_title(f"{t(ind, lang)}: {t('title_fitted_trend', lang)}")
    ax.legend(frameon=False, fontsize=8)
    return _done(fig)


def funnel_plot(points: pd.DataFrame, curve: pd.DataFrame, notes: dict, lang: str = "id"):
    """Puskesmas rates against live births, with 95% and 99.8% limits around the district rate."""
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(curve["denominator"], curve["upper_95"], color="#ff7f0e", ls="--", label=t("limit_95", lang))
    ax.plot(curve["denominator"], curve["lower_95"], color="#ff7f0e", ls="--", label="_lower95")
    ax.plot(curve["denominator"], curve["upper_998"], color="#d62728", ls="-", label=t("limit_998", lang))
    ax.plot(curve["denominator"], curve["lower_998"], color="#d62728", ls="-", label="_lower998")
    ax.axhline(notes["theta"], color="#1f77b4", label=f"{t('district_value', lang)} ({fmt(notes['theta'], lang)})")
    ax.scatter(points["denominator"], points["value"], color="#333333", zorder=3, label=t("puskesmas", lang))
    _label_flagged(ax, points)
    _localise(ax.yaxis, lang)
    _localise(ax.xaxis, lang)
    years = notes["years"]
    period = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    kind = t("limits_exact", lang) if notes["tau2"] == 0 and "exact" in notes["limits"] else t("limits_overdispersed", lang)
    ax.set_title(f"{t('title_funnel', lang)} {t(notes['indicator'], lang)} {period} ({kind})")
    ax.set_xlabel(t("live_births", lang))
    ax.set_ylabel(t("rate_axis", lang))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8)
    return _done(fig)


def _label_flagged(ax, points: pd.DataFrame) -> None:
    """Name only the Puskesmas outside the limits (``flag`` other than 'within'), moved apart with adjustText."""
    flagged = points[points["flag"].ne("within")] if "flag" in points else points.iloc[0:0]
    labels = [ax.text(p["denominator"], p["value"], p["area"], fontsize=8) for _, p in flagged.iterrows()]
    if len(labels) > 1:
        from adjustText import adjust_text

        adjust_text(labels, ax=ax, arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5})


def causes_over_years(table: pd.DataFrame, measure: str = "deaths", lang: str = "id", partial: dict | None = None):
    """Deaths (stacked bars) or rates (lines) by cause group and year (``partial``: year -> label on its tick)."""
    wide = table.pivot_table(index="year", columns="cause", values=measure, aggfunc="sum").fillna(0)
    order = [c for c in CAUSE_ORDER if c in wide]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if measure == "deaths":
        bottom = np.zeros(len(wide))
        for c in order:
            ax.bar(wide.index, wide[c], bottom=bottom, label=t(c, lang), color=PALETTE[c])
            bottom += wide[c].to_numpy()
        ax.set_ylabel(t("deaths_axis", lang))
        ax.set_title(t("title_cause_counts", lang))
    else:
        for c in order:
            ax.plot(wide.index, wide[c], marker="o", label=t(c, lang), color=PALETTE[c])
        ax.set_ylabel(t("rate_axis", lang))
        ax.set_title(t("title_cause_rates", lang))
    _year_ticks(ax, wide.index, partial)
    _localise(ax.yaxis, lang)
    ax.set_xlabel(t("year", lang))
    ax.legend(frameon=False, fontsize=8, ncol=2)
    return _done(fig)


def heatmap(table: pd.DataFrame, lang: str = "id"):
    """AKB, Puskesmas x year."""
    import seaborn as sns  # loaded here (0.3 s): only this figure uses it

    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.8))
    annot = table.map(lambda v: fmt(v, lang))
    sns.heatmap(table, annot=annot, fmt="", cmap="Reds", cbar_kws={"label": t("rate_axis", lang)}, ax=ax)
    ax.set_title(t("title_heatmap", lang))
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("puskesmas", lang))
    return _done(fig)


def cause_trend_multiples(table: pd.DataFrame, lang: str = "id", partial: dict | None = None):
    """Small multiples: one panel per cause group, rate per year with its 95% CI (``partial``: year -> tick label)."""
    causes = [c for c in CAUSE_ORDER if c in set(table["cause"])]
    ncols = 4
    nrows = int(np.ceil(len(causes) / ncols)) or 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.6 * nrows), sharey=True, squeeze=False)
    for ax, cause in zip(axes.flat, causes):
        d = table[table["cause"] == cause].sort_values("year")
        ax.plot(d["year"], d["rate"], marker="o", color=PALETTE[cause])
        ax.fill_between(d["year"], d["lower_95"], d["upper_95"], color=PALETTE[cause], alpha=0.2)
        ax.set_title(t(cause, lang), fontsize=9)
        _year_ticks(ax, d["year"], partial)
        ax.tick_params(axis="x", labelsize=7, rotation=45)
    for ax in list(axes.flat)[len(causes):]:
        ax.set_visible(False)
    fig.suptitle(t("title_cause_trend", lang))
    return _done(fig)


def frame(fig, title: str, source: str):
    """Draw the figure's title (district and year in it) and its source line in the figure, so the PNG
    stands alone on a slide. One panel: the title replaces the panel's; several: it is the figure's."""
    import textwrap

    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    if len(panels) == 1:   # the figure's title stands for the panel's
        panels[0].set_title("")
    width = int(fig.get_figwidth() * 9)   # characters that fit at 12 pt
    fig.suptitle("\n".join(textwrap.wrap(title, width)), x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.text(0.01, 0.005, "\n".join(textwrap.wrap(source, int(width * 1.6))), ha="left", va="bottom", fontsize=7,
             color="#555555")
    fig.tight_layout(rect=(0, 0.035, 1, 1))
    return fig


def png(fig) -> bytes:
    """The figure as the report's PNG (default size and resolution, no 'Software' stamp).

    Drawn once: the bytes are kept on the figure while it is unchanged, so the PNG a notebook shows
    and the one ``save`` writes are one rendering. Any change to the figure or to an artist in it
    marks the figure ``stale`` (matplotlib passes the mark up to the figure), and the next call draws
    again; the figure is marked fresh after drawing, as ``savefig`` leaves it marked stale when it
    puts back the colours it drew with.
    """
    kept = getattr(fig, "_imr_png", None)
    if kept is not None and not fig.stale:
        return kept
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    fig._imr_png = buffer.getvalue()
    fig.stale = False
    return fig._imr_png


def save(fig, path: Path) -> Path:
    """Save a figure as PNG (atomic rename): the bytes of ``png``."""
    return write_atomic(Path(path), lambda tmp: Path(tmp).write_bytes(png(fig)))


def describe(fig) -> str:
    """What a figure plots, as text: titles, axis labels, and the plotted values (1 decimal)."""
    lines = []
    if fig._suptitle is not None:
        lines.append(f"figure: {fig._suptitle.get_text()}")
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        title = ax.get_title() or ax.get_title(loc="left")
        lines.append(f"panel: {title} | x: {ax.get_xlabel()} | y: {ax.get_ylabel()}")
        ticks = [tick.get_text() for tick in ax.get_yticklabels()] if len(ax.get_yticks()) and \
            ax.yaxis.get_major_formatter().__class__.__name__ == "FixedFormatter" else []
        if ticks:
            lines.append(f"  rows: {ticks}")
        for container in ax.containers:
            if hasattr(container, "has_xerr") and container.lines[0] is not None:
                xs = [v if isinstance(v, str) else round(float(v), 1) for v in container.lines[0].get_xdata()]
                ys = [v if isinstance(v, str) else round(float(v), 1) for v in container.lines[0].get_ydata()]
                pairs = dict(zip(map(str, ys), xs)) if container.has_xerr else dict(zip(map(str, xs), ys))
                lines.append(f"  points {container.get_label()}: {pairs}")
            elif hasattr(container, "patches") and container.patches:
                label = container.get_label()
                heights = [round(float(p.get_height()), 1) for p in container.patches]
                if not label.startswith("_"):
                    lines.append(f"  bars {label}: {heights}")
        for line in ax.get_lines():
            label = line.get_label()
            if any(line is c.lines[0] for c in ax.containers if hasattr(c, "has_xerr")):
                continue
            label = "" if label.startswith("_") else label
            try:
                y = [round(float(v), 1) for v in np.asarray(line.get_ydata(), dtype=float)]
            except ValueError:  # error-bar caps on a categorical axis: described with their points
                continue
            hollow = " (hollow marker)" if str(line.get_markerfacecolor()) == "none" and line.get_marker() not in ("", "None", None) else ""
            lines.append(f"  line {label}{hollow}: {y}")
        for coll in ax.collections:
            if hasattr(coll, "get_offsets") and coll.get_offsets().shape[0] and type(coll).__name__ == "PathCollection":
                pts = [(round(float(x), 1), round(float(y), 1)) for x, y in coll.get_offsets()]
                lines.append(f"  scatter {coll.get_label()}: {pts}")
                continue
            arr = coll.get_array() if hasattr(coll, "get_array") else None
            if arr is not None and getattr(arr, "ndim", 0) >= 1 and arr.size:
                lines.append(f"  cells: {[round(float(v), 1) for v in np.ma.filled(arr, np.nan).ravel()]}")
    lines += [f"text: {x.get_text()}" for x in fig.texts if x is not fig._suptitle]
    return "\n".join(lines)


def show(fig) -> None:
    """Show a figure in a notebook as a PNG, followed by its text description (checked by nbval).

    The PNG is rendered here, so the output is the same whatever matplotlib backend the kernel has.
    """
    from IPython.display import HTML, Image, display

    from .. import markup
    from .base import HIDE_OUTPUT_TAG

    numbered = getattr(fig, "figure", None)
    if numbered is not None:   # a report's numbered figure: the image, then its number and key sentence
        caption, fig = fig.caption, numbered
    if not isinstance(fig, plt.Figure):  # a note in place of a figure (no data for it)
        display(fig)
        return
    display(Image(data=png(fig), format="png"))
    if numbered is not None:
        display(HTML(f'<p class="{markup.NO_MATH} figure-caption"><b>{markup.text(caption)}</b></p>'))
    # the text account of what is plotted: checked by nbval, left out of the HTML report
    display({"text/plain": describe(fig)}, raw=True, metadata={"tags": [HIDE_OUTPUT_TAG]})

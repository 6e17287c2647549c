"""The trend report of one district over a range of years (notebook 03_trends).

The district's indicator table (report cause groups) is computed once, when the report opens, at
district and Puskesmas level for the years of the report; each table, model and figure slices it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from .. import config
from ..analysis.completeness import partial_years
from ..analysis.trends import fitted_series, project_targets, trend_table
from ..clean.store import unread_inputs
from . import figures, tables
from .base import Report, TitleBlock, data_sources, file_names, load
from .language import check_lang, fmt, fmt_ci, say, t, year_label, year_range
from .maternal import MATERNAL_COUNTS, MaternalSection, years_with_maternal_data


@dataclass
class TrendReport(MaternalSection, Report):
    data: dict[str, pd.DataFrame] = field(default_factory=dict)       # the district's processed tables, start-end
    computed: dict[str, pd.DataFrame] = field(default_factory=dict)   # their indicators by level (report cause groups)
    start: int = 0
    end: int = 0
    district: str = ""
    n_years: int = 0    # years with data between start and end
    partial: dict = field(default_factory=dict)   # year -> months, the years with only some months of data

    @classmethod
    def open(cls, start_year: int | None = None, end_year: int | None = None, district: str | None = None,
             lang: str = "id", processed_dir=None, output_dir=None):
        check_lang(lang)
        data, directory = load(processed_dir)
        district = tables.resolve_district(data, district)
        available = tables.years(data, district)
        start = int(start_year) if start_year else min(available)
        end = int(end_year) if end_year else max(available)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / "trends"
        mine = {k: v[(v["district"] == district) & v["year"].between(start, end)] for k, v in data.items()}
        return cls(lang=lang, output_dir=out, data=mine, computed=tables.indicators_by_level(mine, cause_grouping="report_group"),
                   start=start, end=end, district=district, n_years=len([y for y in available if start <= y <= end]),
                   unread=file_names(unread_inputs(directory, range(start, end + 1))),
                   partial=partial_years(mine, district))

    def year_text(self, year: int) -> str:
        """'2024'; a year with only some months of data '2025 (Januari s.d. Juni)' (``year_label``)."""
        return year_label(year, self.partial.get(year, range(1, 13)), self.lang)

    def partial_labels(self) -> dict[int, str]:
        """Year -> label of the partial years, for the figures (drawn apart, labelled)."""
        return {y: self.year_text(y) for y in sorted(self.partial)}

    def place(self) -> str:
        return f"{self.district}, {self.period()}"

    def period(self) -> str:
        """'2019-2024'; one year '2021'; a partial last year '2019-2025 (Januari s.d. Juni)'."""
        return year_range(self.start, self.end).replace(str(self.end), self.year_text(self.end))

    def source_line(self) -> str:
        return say("source_line", self.lang, place=self.place())

    def title_block(self) -> TitleBlock:
        return self._title_block(say("trends_title", self.lang, period=self.period(), district=self.district),
                                 self.district, self.period(),
                                 data_sources(self.data, range(self.start, self.end + 1)))

    def title(self):
        return self._heading(self.title_block())

    def build(self) -> None:
        """Every section in the notebook's order (fills ``table_list`` and ``figure_list``)."""
        for section in (self.yearly_rates, self.trend_figure, self.causes_by_year, self.cause_counts_figure,
                        self.cause_rates_figure, self.heatmap, self.cause_trend_figure, self.trend_models,
                        self.puskesmas_trends, lambda: self.fitted_trend_figure("imr"),
                        lambda: self.fitted_trend_figure("nmr"), self.targets,
                        *(lambda by=by: self.maternal_by(by) for by in MATERNAL_COUNTS), self.maternal_pooled):
            section()

    def partial_note(self) -> str:
        """The sentence naming the partial years left out of the trend models, or '' when there are none."""
        if not self.partial:
            return ""
        return say("partial_years_note", self.lang, years=", ".join(self.partial_labels().values()))

    def enough_years(self) -> Markdown:
        if self.n_years >= 3:
            years = ", ".join(self.year_text(y) for y in tables.years(self.data, self.district))
            text = say("years_with_data", self.lang, years=years)
            return Markdown(f"{text}\n\n{self.partial_note()}" if self.partial else text)
        return Markdown(f"**{t('not_enough_years', self.lang)}**")

    def yearly_rates(self) -> pd.DataFrame:
        d = self._keep_table("yearly_rates", tables.yearly_rates(self.computed, self.start, self.end))
        d = d.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_95"], d["upper_95"])],
                     year_text=d["year"].map(self.year_text))
        return self._table("yearly_rates", "title_trend", tables.present(
            d, self.lang, {"indicator": ("indicator", None), "year_text": ("year", None),
                           "numerator": ("deaths", 0), "denominator": ("live_births", 0),
                           "value": ("value", 1), "ci": ("ci_95", None), "target": ("target", 0),
                           "meets_target": ("meets_target", None)}, translate=("indicator",)))

    def _yearly(self) -> pd.DataFrame:
        return self._kept("yearly_rates", lambda: tables.yearly_rates(self.computed, self.start, self.end))

    def trend_figure(self):
        if self._yearly()["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        return self._figure("trend", "title_trend", lambda: figures.trend_plot(self._yearly(), self.lang,
                                                                                 self.partial_labels()))

    def _causes(self) -> pd.DataFrame:
        return self._kept("causes_by_year", lambda: tables.causes_by_year(self.computed, self.start, self.end))

    def causes_by_year(self):
        wide = self._causes().pivot_table(index="cause", columns="year", values="deaths", aggfunc="sum")
        wide.index = [t(c, self.lang) for c in wide.index]
        wide = wide.astype(int).map(lambda v: fmt(v, self.lang, 0))
        wide.columns = [self.year_text(c) for c in wide.columns]
        return self._table("causes_by_year", "title_cause_counts", wide.rename_axis(t("cause_group", self.lang)).reset_index())

    def cause_counts_figure(self):
        return self._figure("cause_counts", "title_cause_counts",
                            lambda: figures.causes_over_years(self._causes(), "deaths", self.lang, self.partial_labels()))

    def cause_rates_figure(self):
        return self._figure("cause_rates", "title_cause_rates",
                            lambda: figures.causes_over_years(self._causes(), "rate", self.lang, self.partial_labels()))

    def heatmap(self):
        h = tables.imr_heatmap(self.computed, self.start, self.end)
        self._keep_table("imr_heatmap", h.reset_index())
        if h.empty or h.isna().all().all():
            return Markdown(t("no_births_note", self.lang))
        shown = h.rename(columns=self.year_text) if self.partial else h   # a partial year's column says so
        return self._figure("imr_heatmap", "title_heatmap", lambda: figures.heatmap(shown, self.lang))

    def cause_trend_figure(self):
        return self._figure("cause_trends", "title_cause_trend", lambda: figures.cause_trend_multiples(self._causes(), self.lang,
                                                                                    self.partial_labels()))

    def trend_models(self):
        """APC with 95% CI, p-value, model and recent-trend marker: district, each indicator and cause."""
        tt = self._keep_table("trend_models", trend_table(self.data, "district", computed=self.computed))
        tt = tt.assign(name=[t(c, self.lang) if c else t(i, self.lang) for i, c in zip(tt["indicator"], tt["cause"])],
                       ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(tt["apc_lower_95"], tt["apc_upper_95"])])
        return self._table("trend_models", "title_trend_models", tables.present(tt, self.lang, {"name": ("indicator", None), "n_years": ("n_years", None),
                                              "apc": ("apc", 1), "ci": ("ci_95", None), "p_value": ("p_value", 3),
                                              "model": ("model", None), "trend_marker": ("trend_marker", None),
                                              **({"note": ("note", None)} if tt["note"].ne("").any() else {}),
                                              **({"left_out": ("partial_years_left_out", None)} if "left_out" in tt else {})},
                              translate=("model", "trend_marker", "note")))

    def puskesmas_trends(self):
        """AKB trend per Puskesmas (few deaths each: most are not significant)."""
        tt = trend_table(self.data, "puskesmas", computed=self.computed)
        tt = self._keep_table("puskesmas_trends", tt[(tt["indicator"] == "imr")].sort_values("area"))
        tt = tt.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(tt["apc_lower_95"], tt["apc_upper_95"])])
        return self._table("puskesmas_trends", "title_puskesmas_trends", tables.present(tt, self.lang, {"area": ("puskesmas", None), "apc": ("apc", 1), "ci": ("ci_95", None),
                                              "p_value": ("p_value", 3), "model": ("model", None),
                                              "trend_marker": ("trend_marker", None),
                                              **({"note": ("note", None)} if tt["note"].ne("").any() else {})},
                              translate=("model", "trend_marker", "note")))

    def fitted_trend_figure(self, indicator: str = "imr"):
        series = fitted_series(self.data, indicator, extend_to=2030, computed=self.computed)
        if series["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        self._keep_table(f"fitted_{indicator}", series)
        return self._figure(f"fitted_{indicator}", f"title_fitted_{indicator}",
                            lambda: figures.fitted_trend_plot(series, self.lang, self.partial_labels()))

    def targets(self):
        p = self._keep_table("target_projection", project_targets(self.data, self.district, computed=self.computed))
        if p.empty:
            return Markdown("-")
        p = p.assign(pi=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(p["pi_lower_95"], p["pi_upper_95"])],
                     target_text=[f"{fmt(v, self.lang, 0)} ({y})" for v, y in zip(p["target"], p["target_year"])])
        return self._table("target_projection", "title_projection", tables.present(p, self.lang, {"indicator": ("indicator", None), "target_text": ("target", None),
                                             "last_value": ("value", 1), "projected": ("projected", 1),
                                             "pi": ("pi_95", None), "status": ("status", None),
                                             "years_needed": ("years_needed", 0)}, translate=("indicator", "status")))

    # --- maternal deaths (report/maternal.py): counts by year, rolling pooled AKI, no trend model --------
    def maternal_years(self) -> list[int]:
        return list(range(self.start, self.end + 1))

    def pooled_end_years(self) -> list[int]:
        """Every year of the report that closes a window of years with maternal data."""
        return years_with_maternal_data(self.computed, self.maternal_years())

    def maternal_text(self) -> Markdown:
        """The key sentence of the last year with maternal data, the years without any, and whether AKI's trend was
        fitted (``too_few_deaths``: a handful of deaths a year is too few for a trend model)."""
        lang, years = self.lang, self.maternal_years()
        with_data = years_with_maternal_data(self.computed, years)
        parts = [self.maternal_sentence(with_data[-1])] if with_data else []
        missing = [y for y in years if y not in with_data]
        if missing:
            parts.append(self._no_data_text(missing))
        models = self.tables.get("trend_models")
        if models is None:
            models = self._keep_table("trend_models", trend_table(self.data, "district", computed=self.computed))
        row = models[(models["indicator"] == "mmr") & (models["cause"] == "")]
        if not row.empty and row.iloc[0]["note"] == "too_few_deaths":
            parts.append(f"{t('mmr', lang)}: {t('too_few_deaths', lang)}.")
        elif not row.empty:
            parts.append(describe_trend(row.iloc[0], row.iloc[:0], lang))
        return Markdown(" ".join(parts))

    def interpretation(self) -> Markdown:
        """Plain words from the results, e.g. 'AKB turun rata-rata 12% per tahun (IK 95% 3-20%); ...'."""
        tt = self.tables.get("trend_models")
        proj = self.tables.get("target_projection")
        if tt is None or proj is None:
            return Markdown("-")
        lines = []
        for indicator in ("imr", "nmr"):
            row = tt[(tt["indicator"] == indicator) & (tt["cause"] == "")]
            if row.empty:
                continue
            lines.append("- " + describe_trend(row.iloc[0], proj[proj["indicator"] == indicator], self.lang))
        if lines and self.partial:
            lines.append("- " + self.partial_note())
        return Markdown("\n".join(lines) if lines else "-")


def describe_trend(row: pd.Series, projections: pd.DataFrame, lang: str = "id") -> str:
    """One sentence for a meeting: direction and size of the APC with its CI, then each target's status."""
    name = t(row["indicator"], lang)
    if row["model"] == "not enough data":
        return f"{name}: {t('not enough data', lang)}."
    if row["model"] == "not fitted":
        return f"{name}: {t('not fitted', lang)} ({t(row['note'], lang)})."
    apc, lo, hi = row["apc"], row["apc_lower_95"], row["apc_upper_95"]
    falling = apc < 0
    text = say("trend_sentence", lang, name=name, direction=t("trend_fell" if falling else "trend_rose", lang),
               apc=fmt(abs(apc), lang, 0), lower=fmt(-hi if falling else lo, lang, 0),
               upper=fmt(-lo if falling else hi, lang, 0), start=row["start_year"], end=row["end_year"])
    if not row["p_value"] < 0.05:
        text += f", {t('trend_not_significant', lang)}"
    if row.get("note") == "apc_vs_marker":
        text += f" ({t('apc_vs_marker', lang)})"
    for _, p in projections.iterrows():
        text += "; " + say("target_status_clause", lang, year=p["target_year"], target=fmt(p["target"], lang, 0),
                           status=t(p["status"], lang))
    return text + "."

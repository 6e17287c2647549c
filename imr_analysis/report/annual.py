"""The annual report of one district and year (notebook 02_annual_report).

The district's indicator table is computed once, when the report opens, at district and
Puskesmas level for every year; each table and figure slices it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from .. import config, markup
from ..analysis import completeness
from ..analysis.compare import benchmark_table, funnel
from ..analysis.trends import year_on_year_table
from ..clean.store import check_year, unread_inputs
from . import figures, tables
from .base import Report, ReportFigure, TitleBlock, data_sources, file_names, load
from ..vocab.indicators import unit
from ..vocab.months import month_labels
from .language import check_lang, fmt, fmt_ci, months_phrase, rate_text, say, t, year_label
from .maternal import MATERNAL_COUNTS, MaternalSection


@dataclass
class AnnualReport(MaternalSection, Report):
    data: dict[str, pd.DataFrame] = field(default_factory=dict)       # the district's processed tables
    computed: dict[str, pd.DataFrame] = field(default_factory=dict)   # its indicators by level, every year
    year: int = 0
    district: str = ""
    ledger: pd.DataFrame = field(default_factory=pd.DataFrame)       # the cleaning ledger of the district
    partial: dict = field(default_factory=dict)   # year -> months, the district's years with only some months of data

    @classmethod
    def open(cls, year: int, district: str | None = None, lang: str = "id", processed_dir=None, output_dir=None):
        check_lang(lang)
        data, directory = load(processed_dir)
        district = tables.resolve_district(data, district)
        check_year(data, directory, int(year), district)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / str(year)
        mine = tables.only(data, district)
        ledger = pd.read_csv(directory / "ledger.csv", keep_default_na=False) if (directory / "ledger.csv").exists() \
            else pd.DataFrame()
        ledger = ledger[ledger["district"] == district] if "district" in ledger else ledger
        return cls(lang=lang, output_dir=out, data=mine, computed=tables.indicators_by_level(mine), year=int(year),
                   district=district, unread=file_names(unread_inputs(directory, [int(year)])), ledger=ledger,
                   partial=completeness.partial_years(mine, district))

    def year_text(self, year: int | None = None) -> str:
        """The year as the report names it: '2024', a partial year '2025 (Januari s.d. Juni)' (``year_label``)."""
        year = self.year if year is None else year
        return year_label(year, self.partial.get(year, range(1, 13)), self.lang)

    def comparison_note(self) -> str:
        """Why the year is not compared with the previous one (one of them covers only some months), or ''."""
        previous = self.year - 1
        if self.year in self.partial:
            return say("no_comparison_partial", self.lang, previous=previous, partial=self.year,
                       months=months_phrase(self.partial[self.year], self.lang))
        if previous in self.partial:
            return say("no_comparison_partial_previous", self.lang, previous=previous,
                       months=months_phrase(self.partial[previous], self.lang))
        return ""

    def place(self) -> str:
        return f"{self.district}, {self.year_text()}"

    def source_line(self) -> str:
        return say("source_line", self.lang, place=self.place())

    def title_block(self) -> TitleBlock:
        return self._title_block(say("annual_title", self.lang, year=self.year_text(), district=self.district),
                                 self.district, self.year_text(), data_sources(self.data, [self.year]))

    def title(self):
        return self._heading(self.title_block())

    def build(self) -> None:
        """Every section in the notebook's order (fills ``table_list`` and ``figure_list``)."""
        for section in (self.headline, self.deaths_by_cause, self.deaths_by_cause_figure, self.imr_by_puskesmas,
                        self.imr_by_puskesmas_figure, self.causes_by_age, self.causes_by_age_figure, self.coverage,
                        self.coverage_figure, self.benchmarks, self.funnel_figure, self.funnel_flags,
                        self.year_on_year, self.completeness, self.zero_deaths, self.missing_tables,
                        *(lambda by=by: self.maternal_by(by) for by in MATERNAL_COUNTS), self.maternal_pooled):
            section()

    def _headline(self) -> pd.DataFrame:
        def build():
            h = tables.headline(self.computed, self.year)
            if self.comparison_note():   # a year to date is never compared with a full year
                h[["previous_value", "change"]] = float("nan")
            return h
        return self._kept("headline", build)

    def headline(self):
        h = self._headline()
        h = h.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(h["lower_95"], h["upper_95"])],
                     unit=[unit(i, self.lang) for i in h["indicator"]])
        return self._table("headline", "title_headline", tables.present(
            h, self.lang, {"indicator": ("indicator", None), "numerator": ("count", 0),
                           "denominator": ("denominator", 0), "value": ("value", 1), "unit": ("unit", None),
                           "ci": ("ci_95", None), "target": ("target", 0), "meets_target": ("meets_target", None),
                           "previous_value": ("previous_year", 1), "change": ("change", 1)},
            translate=("indicator",)))

    def headline_text(self) -> Markdown:
        h = self._headline().set_index("indicator")
        if "imr" not in h.index:
            return Markdown("-")
        r = h.loc["imr"]
        lang = self.lang
        if pd.isna(r["value"]):
            return Markdown(f"{say('infant_deaths_sentence', lang, deaths=f'{r.numerator:.0f}', year=self.year_text())} "
                            f"{t('no_births_note', lang)}")
        parts = [say("headline_sentence", lang, year=self.year_text(), rate=rate_text(r["value"], lang),
                     deaths=f"{r['numerator']:.0f}", births=fmt(r["denominator"], lang, 0),
                     ci=fmt_ci(r["lower_95"], r["upper_95"], lang))]
        if pd.notna(r["target"]):
            key = "target_met_sentence" if r["meets_target"] else "target_not_met_sentence"
            parts.append(say(key, lang, target=fmt(r["target"], lang, 0)))
        if pd.notna(r["previous_value"]):
            parts.append(say("previous_year_sentence", lang, value=fmt(r["previous_value"], lang)))
        if self.comparison_note():
            parts.append(self.comparison_note())
        return Markdown(" ".join(parts))

    def _causes(self) -> pd.DataFrame:
        return self._kept("deaths_by_puskesmas_cause", lambda: tables.deaths_by_puskesmas_and_cause(self.data, self.year))

    def deaths_by_cause(self):
        shown = self._causes().rename(columns={c: t(c, self.lang) for c in tables.REPORT_CAUSES + ["total"]})
        shown["puskesmas"] = shown["puskesmas"].replace("total", t("total", self.lang))
        shown.columns.name = None
        shown = shown.rename(columns={"puskesmas": t("puskesmas", self.lang)})
        counts = shown.columns[1:]
        shown[counts] = shown[counts].map(lambda v: fmt(v, self.lang, 0))
        return self._table("deaths_by_cause", "title_deaths_table", shown)

    def deaths_by_cause_figure(self):
        return self._figure("deaths_by_cause", "title_deaths_by_cause",
                            lambda: figures.deaths_by_cause_bar(self._causes(), self.lang), self._leading_cause_point())

    def _imr(self) -> pd.DataFrame:
        return self._kept("imr_by_puskesmas", lambda: tables.imr_by_puskesmas(self.computed, self.year))

    def imr_by_puskesmas(self):
        d = self._imr()
        d = d.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_95"], d["upper_95"])],
                     ci998=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_998"], d["upper_998"])])
        return self._table("imr_by_puskesmas", "title_imr_table", tables.present(
            d, self.lang, {"puskesmas": ("puskesmas", None), "numerator": ("deaths", 0),
                           "denominator": ("live_births", 0), "value": ("imr", 1),
                           "ci": ("ci_95", None), "ci998": ("ci_998", None)}))

    def imr_by_puskesmas_figure(self):
        if self._imr()["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        return self._figure("imr_by_puskesmas", "title_imr_by_puskesmas",
                            lambda: figures.imr_by_puskesmas_plot(self._imr(), self.lang), self._highest_imr_point())

    def causes_by_age(self):
        d = self._keep_table("causes_by_age", tables.causes_by_age(self.data, self.year))
        lang = self.lang
        return self._table("causes_by_age", "title_causes_by_age_table", pd.DataFrame({
            t("cause_share", lang): d["cause"].map(lambda c: t(c, lang)),
            t("neonatal", lang): d["neonatal"].map(lambda v: fmt(v, lang, 0)),
            f"% {t('neonatal', lang)}": d["neonatal_share"].map(lambda v: fmt(v, lang, 1)),
            t("postneonatal", lang): d["postneonatal"].map(lambda v: fmt(v, lang, 0)),
            f"% {t('postneonatal', lang)}": d["postneonatal_share"].map(lambda v: fmt(v, lang, 1)),
        }))

    def causes_by_age_figure(self):
        return self._figure("causes_by_age", "title_cause_by_age",
                            lambda: figures.causes_by_age_bar(self._kept("causes_by_age", lambda: tables.causes_by_age(
                                self.data, self.year)), self.lang))

    def _coverage(self) -> pd.DataFrame:
        return self._kept("coverage", lambda: tables.coverage_by_puskesmas(self.computed, self.year))

    def coverage(self):
        d = self._coverage()
        if "kn_lengkap_coverage" not in d:
            return Markdown(t("no_kn_note", self.lang))
        d = d.assign(kind=d["denominator_kind"].map(lambda k: t(f"{k}_kind", self.lang) if isinstance(k, str) and k else "-"))
        return self._table("coverage", "title_coverage_table", tables.present(
            d, self.lang, {"area": ("area", None), "kn1_coverage": ("kn1_coverage", 2),
                           "kn_lengkap_coverage": ("kn_lengkap_coverage", 2),
                           "gap_to_target": ("gap_to_target", 2), "kind": ("denominator_kind", None)}))

    def coverage_figure(self):
        if "kn_lengkap_coverage" not in self._coverage() or self._coverage()["kn_lengkap_coverage"].isna().all():
            return Markdown(t("no_kn_note", self.lang))
        return self._figure("coverage", "title_coverage", lambda: figures.coverage_bar(self._coverage(), self.lang),
                            self._kn_point())

    def meeting_points(self):
        """Short points for the meeting; they name Puskesmas, so they are shown as text (``markup``)."""
        return markup.output(markup.bullets(self.meeting_point_list()))

    def meeting_point_list(self) -> list[str]:
        """Highest-rate Puskesmas, leading cause, coverage gaps: one sentence each (label templates)."""
        return [p for p in (self._highest_imr_point(), self._leading_cause_point(), self._kn_point()) if p]

    def _highest_imr_point(self) -> str:
        lang, imr = self.lang, self._imr()
        if imr.empty or not imr["value"].notna().any():
            return ""
        top = imr.iloc[0]
        above = top["lower_95"] > top["district_value"]
        return say("highest_imr_point", lang, puskesmas=top["puskesmas"], rate=rate_text(top["value"], lang),
                   deaths=f"{top['numerator']:.0f}", ci=fmt_ci(top["lower_95"], top["upper_95"], lang),
                   comparison=t("above_district" if above else "not_above_district", lang))

    def _leading_cause_point(self) -> str:
        lang, causes = self.lang, self._causes()
        if causes.empty:
            return ""
        total = causes[causes["puskesmas"] == "total"].iloc[0]
        counts = total[tables.REPORT_CAUSES[:-1]].astype(int)
        if counts.sum() == 0:
            return ""
        lead = counts.idxmax()
        return say("leading_cause_point", lang, cause=t(lead, lang), deaths=counts[lead],
                   total=total["total"], share=fmt(100 * counts[lead] / total["total"], lang))

    def _kn_point(self) -> str:
        lang, cov = self.lang, self._coverage()
        if "kn_lengkap_coverage" not in cov:
            return ""
        low = cov[(cov["level"] == "puskesmas") & (cov["kn_lengkap_coverage"] < 100)].head(3)
        dist = cov[cov["level"] == "district"].iloc[0]
        lowest = ", ".join(f"{r['area']} ({fmt(r['kn_lengkap_coverage'], lang, 2)}%)" for _, r in low.iterrows())
        return say("kn_coverage_point", lang, coverage=fmt(dist["kn_lengkap_coverage"], lang, 2), lowest=lowest)

    def benchmarks(self) -> pd.DataFrame:
        """Each Puskesmas against the district and the target (Fingertips: similar / better / worse)."""
        b = self._keep_table("benchmarks", benchmark_table(self.data, self.year, computed=self.computed))
        b = b[b["indicator"].isin(["imr", "nmr", "kn_lengkap_coverage"])]
        wide = b.pivot_table(index="area", columns="indicator", values=["vs_district_95", "vs_target_95"], aggfunc="first")
        wide = wide.map(lambda v: t(v, self.lang) if v else "-")
        wide.columns = [f"{t(ind, self.lang)}: {t(cmp, self.lang)}" for cmp, ind in wide.columns]
        return self._table("benchmarks", "title_benchmarks", wide.rename_axis(t("puskesmas", self.lang)).reset_index())

    def _funnel(self, pool_years: int = 1, overdispersion: bool = False):
        points, curve, notes = funnel(self.data, self.year, "imr", pool_years, overdispersion, computed=self.computed)
        self._keep_table("funnel", points)
        return points, curve, notes

    def funnel_figure(self, pool_years: int = 1, overdispersion: bool = False):
        points, curve, notes = self._funnel(pool_years, overdispersion)
        if points.empty:
            return Markdown(t("no_births_note", self.lang))
        outside = int(points["flag"].isin(["above 99.8%", "below 99.8%"]).sum()) if "flag" in points else 0
        return self._figure("funnel", "title_funnel_imr", lambda: figures.funnel_plot(points, curve, notes, self.lang),
                            f"{t('key_title_funnel', self.lang)} {say('funnel_key_sentence', self.lang, n=outside)}")

    def funnel_flags(self):
        f = self.tables["funnel"] if "funnel" in self.tables else self._funnel()[0]
        return self._table("funnel", "title_funnel_table", tables.present(
            f, self.lang, {"area": ("puskesmas", None), "numerator": ("deaths", 0), "denominator": ("live_births", 0),
                           "value": ("imr", 1), "flag": ("flag", None)}, translate=("flag",)))

    def year_on_year(self):
        y = self._keep_table("year_on_year", year_on_year_table(self.data, self.year, computed=self.computed))
        if y.empty:
            return Markdown(self.comparison_note() or "-")
        y = y.assign(ci=[fmt_ci(lo, hi, self.lang, 2) for lo, hi in zip(y["ratio_lower_95"], y["ratio_upper_95"])])
        return self._table("year_on_year", "title_year_on_year", tables.present(
            y, self.lang, {"indicator": ("indicator", None), "previous_value": ("previous_year", 1),
                           "value": ("value", 1), "rate_ratio": ("rate_ratio", 2), "ci": ("ci_95", None),
                           "p_value": ("p_value", 3)}, translate=("indicator",)))

    def year_on_year_text(self) -> Markdown:
        y = self.tables.get("year_on_year")
        if y is None or y.empty or "imr" not in set(y["indicator"]):
            return Markdown("-")   # a partial year: the table's place already says why
        r = y.set_index("indicator").loc["imr"]
        lang = self.lang
        sentence = say("year_on_year_sentence", lang, year=self.year, previous=self.year - 1,
                       ratio=fmt(r["rate_ratio"], lang, 2), ci=fmt_ci(r["ratio_lower_95"], r["ratio_upper_95"], lang, 2),
                       p=fmt(r["p_value"], lang, 2))
        verdict = t("change_significant" if r["p_value"] < 0.05 else "change_not_significant", lang)
        return Markdown(f"{sentence} {verdict}")

    # --- maternal deaths (report/maternal.py): counts first, then AKI pooled beside the targets ----------
    def maternal_years(self) -> list[int]:
        """The report year and up to four years before it that the district has data for."""
        return [y for y in range(self.year - 4, self.year + 1) if y >= min(tables.years(self.data, self.district))]

    def pooled_end_years(self) -> list[int]:
        return [self.year]

    def maternal_text(self) -> Markdown:
        """The section's key sentence: the year's maternal deaths and AKI pooled over 3 and 5 years with intervals."""
        return Markdown(self.maternal_sentence(self.year))

    # The figures in reading order with a key sentence each: what the slides and the document show (report/office.py).

    def figure_entries(self) -> list[tuple[str, str, object, str]]:
        """Every figure of the report in reading order, as (name, title, figure, key sentence).

        Each figure is built once (kept in ``figs`` for ``save``); a figure without data is None and its
        key sentence is the note the report shows in its place. Titles and sentences are in ``lang``.
        """
        self.causes_by_age()  # the table the causes-by-age figure draws
        steps = [("deaths_by_cause", "title_deaths_by_cause", self.deaths_by_cause_figure, self._deaths_key),
                 ("imr_by_puskesmas", "title_imr_by_puskesmas", self.imr_by_puskesmas_figure, self._imr_key),
                 ("causes_by_age", "title_cause_by_age", self.causes_by_age_figure, self._causes_by_age_key),
                 ("coverage", "title_coverage", self.coverage_figure, self._coverage_key),
                 ("funnel", "title_funnel", self.funnel_figure, self._funnel_key)]
        entries = []
        for name, title, build, key in steps:
            fig = self.figs.get(name)
            shown = fig if fig is not None else build()
            if isinstance(shown, ReportFigure):   # the numbered figure: its matplotlib figure goes on the slide
                shown = shown.figure
            if isinstance(shown, Markdown):
                entries.append((name, t(title, self.lang), None, shown.data))
            else:
                entries.append((name, t(title, self.lang), shown, key()))
        return entries

    def _most(self, counts: pd.Series) -> tuple[str, int]:
        """The label(s) of the largest count, ties joined ('A / B'), and that count; ('-', 0) without counts."""
        if counts.dropna().empty:
            return "-", 0
        top = counts.max()
        return " / ".join(t(k, self.lang) if k in tables.CAUSE_ORDER else str(k) for k in counts.index[counts == top]), int(top)

    def _deaths_key(self) -> str:
        causes = self._causes()
        by_pusk = causes[causes["puskesmas"] != "total"].set_index("puskesmas")["total"].dropna().astype(int)
        if by_pusk.empty:
            return say("key_no_cause_table", self.lang, year=self.year_text())
        names, deaths = self._most(by_pusk)
        return say("key_deaths_by_cause", self.lang, total=int(by_pusk.sum()), year=self.year_text(), n=len(by_pusk),
                   puskesmas=names, deaths=deaths)

    def _imr_key(self) -> str:
        d = self._imr().dropna(subset=["value"])
        differ = int(((d["lower_95"] > d["district_value"]) | (d["upper_95"] < d["district_value"])).sum())
        return say("key_imr_by_puskesmas", self.lang, low=fmt(d["value"].min(), self.lang),
                   high=fmt(d["value"].max(), self.lang), district=rate_text(d["district_value"].iloc[0], self.lang),
                   differ=differ, n=len(d))

    def _causes_by_age_key(self) -> str:
        d = self.tables["causes_by_age"].set_index("cause")
        parts = {}
        for age in ("neonatal", "postneonatal"):
            cause, deaths = self._most(d[age]) if d[age].sum() else ("-", 0)
            parts.update({f"{age}_total": int(d[age].sum()), f"{age}_cause": cause, f"{age}_deaths": deaths})
        return say("key_causes_by_age", self.lang, **parts)

    def _coverage_key(self) -> str:
        cov = self._coverage()
        pusk = cov[cov["level"] == "puskesmas"]
        dist = cov[cov["level"] == "district"].iloc[0]
        return say("key_coverage", self.lang, coverage=fmt(dist["kn_lengkap_coverage"], self.lang, 2),
                   below=int((pusk["kn_lengkap_coverage"] < 100).sum()), n=len(pusk))

    def _funnel_key(self) -> str:
        f = self.tables["funnel"]
        flagged = f[f["flag"] != "within"]
        names = "; ".join(f"{r['area']} ({t(r['flag'], self.lang)})" for _, r in flagged.iterrows())
        return say("key_funnel", self.lang, outside=len(flagged), n=len(f),
                   names=f": {names}" if names else "", outside_998=int(f["flag"].str.contains("99.8").sum()))

    # --- data completeness (analysis/completeness.py) ---------------------------------------------
    def section(self, key: str):
        if key == "completeness":
            from IPython.display import Markdown as Md

            intro = say("intro_completeness", self.lang, threshold=fmt(completeness.ZERO_DEATH_P, self.lang, 2),
                        ill_max=fmt(completeness.ILL_DEFINED_MAX, self.lang, 0))
            return Md(f"## {t('section_completeness', self.lang)}\n\n{intro}")
        return super().section(key)

    def _zero_deaths(self) -> pd.DataFrame:
        def build():
            imr = self._imr()
            rate = imr["district_value"].iloc[0] if not imr.empty else float("nan")
            return completeness.zero_death_puskesmas(imr, rate)
        return self._kept("zero_deaths", build)

    def completeness(self):
        """The completeness findings as sentences: zero-death Puskesmas flagged, ill-defined causes (markup: names)."""
        lang = self.lang
        z = self._zero_deaths()
        flagged = z[z["flagged"]]
        threshold = fmt(completeness.ZERO_DEATH_P, lang, 2)
        first = say("zero_deaths_sentence", lang, n=len(flagged), threshold=threshold,
                    names=", ".join(flagged["puskesmas"])) if len(flagged) else t("no_zero_death_flags", lang)
        ill = completeness.ill_defined_share(self.data["deaths_by_cause"], self.year)
        second = say("ill_defined_sentence", lang, ill=ill["ill_defined"], deaths=ill["deaths"],
                     share=fmt(ill["share"], lang), threshold=fmt(ill["threshold"], lang, 0))
        second += " " + t("ill_defined_flag" if ill["flagged"] else "ill_defined_ok", lang)
        return markup.output(markup.bullets([first, second]))

    def zero_deaths(self):
        z = self._zero_deaths()
        if z.empty:   # the completeness bullets already say no zero is unlikely: say why there is no table
            return Markdown(t("no_zero_death_puskesmas", self.lang))
        z = z.assign(p_text=[fmt(p, self.lang, 3) if p >= 0.001 else f"< {fmt(0.001, self.lang, 3)}" for p in z["p_zero"]])
        return self._table("zero_deaths", "title_zero_deaths", tables.present(
            z, self.lang, {"puskesmas": ("puskesmas", None), "live_births": ("live_births", 0),
                           "expected_deaths": ("expected_deaths", 1), "p_text": ("p_zero", None),
                           "flagged": ("flagged", None)}))

    def missing_tables(self):
        gone = completeness.missing_tables(self.data, self.year)
        months = completeness.missing_months(self.ledger, self.year)
        if gone.empty and months.empty:
            return Markdown(t("no_missing_tables", self.lang))
        rows = [(p, t(name, self.lang), "-") for p, name in zip(gone["puskesmas"], gone["table"])] + \
               [(p, t("monthly_reports", self.lang), ", ".join(month_label(m, self.lang) for m in ms))
                for p, ms in months.itertuples(index=False)]
        frame = pd.DataFrame(rows, columns=[t("puskesmas", self.lang), t("table", self.lang), t("missing_months", self.lang)])
        return self._table("missing_tables", "title_missing_tables", frame)


def month_label(month: int, lang: str) -> str:
    """A month's short name: 'Agu' (id) / 'Aug' (en), from vocab/month_labels.csv."""
    return month_labels(lang)[month - 1]

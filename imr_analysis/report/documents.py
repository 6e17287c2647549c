"""The annual, trend and data-quality reports as objects a notebook drives: load, call, show, save.

Each method returns what the notebook shows (a display table, a figure, Markdown, or HTML from
``markup`` when it shows text from the input: names, files) and keeps
the underlying table or figure so that ``save()`` writes them all: tables as CSV and as one XLSX
workbook, figures as PNG.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from ..analysis import compare, trends
from .. import config, outputs as io, markup
from . import figures, tables as summaries
from .labels import check_lang, fmt, fmt_ci, rate_text, t
from ..clean.store import check_year, input_errors, load_processed, run_clean, unread_inputs


def _file_names(errors: pd.DataFrame) -> list[str]:
    """The file names (no folders) of input_errors rows, each once, in order."""
    return list(dict.fromkeys(Path(f).name for f in errors["file"]))


def display_path(path: Path) -> str:
    """A path as shown in reports: relative to the project when inside it (no machine-specific parts)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return path.name


def load(processed_dir: str | Path | None = None) -> tuple[dict[str, pd.DataFrame], Path]:
    """The processed tables. When the default folder (data/processed) is still empty, as in a fresh
    clone, the bundled raw data are cleaned into it first, so every notebook also runs on its own
    (and shows the same output either way)."""
    directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    if processed_dir is None and not (directory / "births.parquet").exists():
        run_clean([config.RAW_DIR], directory, keep_going=True)
    return load_processed(directory), directory


def setup_display() -> None:
    """Fixed pandas display options, so stored notebook outputs are the same on every machine.

    Tables are HTML that pandas escapes; MathJax is told to leave them alone (``markup``).
    """
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 2)
    pd.set_option("display.html.use_mathjax", False)  # table cells hold input text: never typeset '$...$'


@dataclass
class _Report:
    lang: str
    output_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figs: dict[str, object] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)   # raw files that may hold this report's data but could not be read

    def _heading(self, title: str):
        """The report's title (HTML: input text in it escaped with ``markup.text``), and a warning naming
        the raw files whose data are missing from it."""
        blocks = [f"<h1>{title}</h1>"]
        if self.unread:
            blocks.append(f"<p><b>{t('unread_files_note', self.lang)}</b> "
                          + ", ".join(markup.code(name) for name in self.unread) + "</p>")
        return markup.output(*blocks)

    def _keep_table(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        self.tables[name] = df
        return df

    def _keep_fig(self, name: str, fig):
        self.figs[name] = fig
        return fig

    def save(self):
        """Write every table (CSV and one XLSX workbook) and every figure (PNG) to the output folder."""
        out = self.output_dir
        for name, df in self.tables.items():
            io.write_csv(df, out / "tables" / f"{name}.csv")
        if self.tables:
            io.write_xlsx(self.tables, out / "tables.xlsx")
        for name, fig in self.figs.items():
            figures.save(fig, out / "figures" / f"{name}.png")
        paths = [display_path(out / "tables.xlsx")] + \
                [display_path(out / "tables" / (n + ".csv")) for n in self.tables] + \
                [display_path(out / "figures" / (n + ".png")) for n in self.figs]
        head = "Tersimpan:" if self.lang == "id" else "Saved:"
        return markup.output(f"<p>{head}</p>", markup.bullets(paths, markup.code))


@dataclass
class AnnualReport(_Report):
    data: dict[str, pd.DataFrame] = field(default_factory=dict)
    year: int = 0
    district: str = ""

    @classmethod
    def open(cls, year: int, district: str | None = None, lang: str = "id", processed_dir=None, output_dir=None):
        check_lang(lang)
        data, directory = load(processed_dir)
        district = summaries.resolve_district(data, district)
        check_year(data, directory, int(year), district)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / str(year)
        return cls(lang=lang, output_dir=out, data=data, year=int(year), district=district,
                   unread=_file_names(unread_inputs(directory, [int(year)])))

    def title(self):
        if self.lang == "id":
            return self._heading(f"Laporan kematian bayi {self.year}: Kabupaten {markup.text(self.district)}")
        return self._heading(f"Infant mortality report {self.year}: {markup.text(self.district)} district")

    def headline(self) -> pd.DataFrame:
        h = self._keep_table("headline", summaries.headline(self.data, self.year, self.district))
        h = h.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(h["lower_95"], h["upper_95"])])
        return summaries.present(h, self.lang, {"indicator": ("indicator", None), "numerator": ("deaths", 0),
                                                "denominator": ("live_births", 0), "value": ("value", 1),
                                                "ci": ("ci_95", None), "target": ("target", 0),
                                                "meets_target": ("meets_target", None),
                                                "previous_value": ("previous_year", 1), "change": ("change", 1)},
                                 translate=("indicator",))

    def headline_text(self) -> Markdown:
        h = summaries.headline(self.data, self.year, self.district).set_index("indicator")
        if "imr" not in h.index:
            return Markdown("-")
        r = h.loc["imr"]
        if pd.isna(r["value"]):
            deaths = "kematian bayi" if self.lang == "id" else "infant deaths"
            return Markdown(f"**{r['numerator']:.0f} {deaths}** ({self.year}). {t('no_births_note', self.lang)}")
        lang = self.lang
        parts = [t("headline_sentence", lang).format(
            year=self.year, rate=rate_text(r["value"], lang), deaths=f"{r['numerator']:.0f}",
            births=fmt(r["denominator"], lang, 0), ci=fmt_ci(r["lower_95"], r["upper_95"], lang))]
        if pd.notna(r["target"]):
            key = "target_met_sentence" if r["meets_target"] else "target_not_met_sentence"
            parts.append(t(key, lang).format(target=fmt(r["target"], lang, 0)))
        if pd.notna(r["previous_value"]):
            parts.append(t("previous_year_sentence", lang).format(value=fmt(r["previous_value"], lang)))
        text = " ".join(parts)
        return Markdown(text)

    def deaths_by_cause(self) -> pd.DataFrame:
        d = self._keep_table("deaths_by_puskesmas_cause",
                             summaries.deaths_by_puskesmas_and_cause(self.data, self.year, self.district))
        shown = d.rename(columns={c: t(c, self.lang) for c in summaries.REPORT_CAUSES + ["total"]})
        shown["puskesmas"] = shown["puskesmas"].replace("total", t("total", self.lang))
        shown.columns.name = None
        return shown.rename(columns={"puskesmas": t("puskesmas", self.lang)})

    def deaths_by_cause_figure(self):
        return self._keep_fig("deaths_by_cause", figures.deaths_by_cause_bar(self.tables["deaths_by_puskesmas_cause"], self.lang))

    def imr_by_puskesmas(self) -> pd.DataFrame:
        d = self._keep_table("imr_by_puskesmas", summaries.imr_by_puskesmas(self.data, self.year, self.district))
        d = d.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_95"], d["upper_95"])],
                     ci998=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_998"], d["upper_998"])])
        return summaries.present(d, self.lang, {"puskesmas": ("puskesmas", None), "numerator": ("deaths", 0),
                                                "denominator": ("live_births", 0), "value": ("imr", 1),
                                                "ci": ("ci_95", None), "ci998": ("ci_998", None)})

    def imr_by_puskesmas_figure(self):
        if self.tables["imr_by_puskesmas"]["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        return self._keep_fig("imr_by_puskesmas", figures.imr_by_puskesmas_plot(self.tables["imr_by_puskesmas"], self.lang))

    def causes_by_age(self) -> pd.DataFrame:
        d = self._keep_table("causes_by_age", summaries.causes_by_age(self.data, self.year, self.district))
        lang = self.lang
        return pd.DataFrame({
            t("cause_share", lang): d["cause"].map(lambda c: t(c, lang)),
            t("neonatal", lang): d["neonatal"].map(lambda v: fmt(v, lang, 0)),
            f"% {t('neonatal', lang)}": d["neonatal_share"].map(lambda v: fmt(v, lang, 1)),
            t("postneonatal", lang): d["postneonatal"].map(lambda v: fmt(v, lang, 0)),
            f"% {t('postneonatal', lang)}": d["postneonatal_share"].map(lambda v: fmt(v, lang, 1)),
        })

    def causes_by_age_figure(self):
        return self._keep_fig("causes_by_age", figures.causes_by_age_bar(self.tables["causes_by_age"], self.lang))

    def coverage(self) -> pd.DataFrame:
        d = self._keep_table("coverage", summaries.coverage_by_puskesmas(self.data, self.year, self.district))
        if "kn_lengkap_coverage" not in d:
            return pd.DataFrame()
        d = d.assign(kind=d["denominator_kind"].map(lambda k: t(f"{k}_kind", self.lang) if isinstance(k, str) and k else "-"))
        return summaries.present(d, self.lang, {"area": ("area", None), "kn1_coverage": ("kn1_coverage", 2),
                                                "kn_lengkap_coverage": ("kn_lengkap_coverage", 2),
                                                "gap_to_target": ("gap_to_target", 2), "kind": ("denominator_kind", None)})

    def coverage_figure(self):
        if "kn_lengkap_coverage" not in self.tables["coverage"] or self.tables["coverage"]["kn_lengkap_coverage"].isna().all():
            return Markdown(t("no_kn_note", self.lang))
        return self._keep_fig("coverage", figures.coverage_bar(self.tables["coverage"], self.lang))

    def meeting_points(self):
        """Short points for the meeting; they name Puskesmas, so they are shown as text (``markup``)."""
        return markup.output(markup.bullets(summaries.meeting_points(self.data, self.year, self.district, self.lang)))

    def _district_data(self) -> dict[str, pd.DataFrame]:
        return {k: v[v["district"] == self.district] for k, v in self.data.items()}

    def benchmarks(self) -> pd.DataFrame:
        """Each Puskesmas against the district and the target (Fingertips: similar / better / worse)."""
        b = self._keep_table("benchmarks", compare.benchmark_table(self._district_data(), self.year))
        b = b[b["indicator"].isin(["imr", "nmr", "kn_lengkap_coverage"])]
        wide = b.pivot_table(index="area", columns="indicator", values=["vs_district_95", "vs_target_95"], aggfunc="first")
        wide = wide.map(lambda v: t(v, self.lang) if v else "-")
        wide.columns = [f"{t(ind, self.lang)}: {t(cmp, self.lang)}" for cmp, ind in wide.columns]
        return wide.rename_axis(t("puskesmas", self.lang))

    def funnel_figure(self, pool_years: int = 1, overdispersion: bool = False):
        points, curve, notes = compare.funnel(self._district_data(), self.year, "imr", pool_years, overdispersion)
        self._keep_table("funnel", points)
        if points.empty:
            return Markdown(t("no_births_note", self.lang))
        return self._keep_fig("funnel", figures.funnel_plot(points, curve, notes, self.lang))

    def funnel_flags(self) -> pd.DataFrame:
        f = self.tables["funnel"]
        return summaries.present(f, self.lang, {"area": ("puskesmas", None), "numerator": ("deaths", 0),
                                                "denominator": ("live_births", 0), "value": ("imr", 1),
                                                "flag": ("flag", None)}, translate=("flag",))

    def year_on_year(self) -> pd.DataFrame:
        y = self._keep_table("year_on_year", trends.year_on_year_table(self._district_data(), self.year))
        if y.empty:
            return y
        y = y.assign(ci=[fmt_ci(lo, hi, self.lang, 2) for lo, hi in zip(y["ratio_lower_95"], y["ratio_upper_95"])])
        return summaries.present(y, self.lang, {"indicator": ("indicator", None), "previous_value": ("previous_year", 1),
                                                "value": ("value", 1), "rate_ratio": ("rate_ratio", 2),
                                                "ci": ("ci_95", None), "p_value": ("p_value", 3)}, translate=("indicator",))

    def year_on_year_text(self) -> Markdown:
        y = self.tables.get("year_on_year")
        if y is None or y.empty or "imr" not in set(y["indicator"]):
            return Markdown("-")
        r = y.set_index("indicator").loc["imr"]
        sig = r["p_value"] < 0.05
        if self.lang == "id":
            text = (f"AKB {self.year} dibanding {self.year - 1}: rasio {fmt(r['rate_ratio'], 'id', 2)} "
                    f"(IK 95% {fmt_ci(r['ratio_lower_95'], r['ratio_upper_95'], 'id', 2)}; p = {fmt(r['p_value'], 'id', 2)}). "
                    + ("Perubahan ini bermakna secara statistik." if sig else
                       "Perubahan ini belum bermakna secara statistik: bisa jadi variasi acak."))
        else:
            text = (f"IMR {self.year} against {self.year - 1}: ratio {fmt(r['rate_ratio'], 'en', 2)} "
                    f"(95% CI {fmt_ci(r['ratio_lower_95'], r['ratio_upper_95'], 'en', 2)}; p = {fmt(r['p_value'], 'en', 2)}). "
                    + ("The change is statistically significant." if sig else
                       "The change is not statistically significant: it may be chance."))
        return Markdown(text)


@dataclass
class TrendReport(_Report):
    data: dict[str, pd.DataFrame] = field(default_factory=dict)
    start: int = 0
    end: int = 0
    district: str = ""

    @classmethod
    def open(cls, start_year: int | None = None, end_year: int | None = None, district: str | None = None,
             lang: str = "id", processed_dir=None, output_dir=None):
        check_lang(lang)
        data, directory = load(processed_dir)
        district = summaries.resolve_district(data, district)
        available = summaries.years(data, district)
        start = int(start_year) if start_year else min(available)
        end = int(end_year) if end_year else max(available)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / "trends"
        return cls(lang=lang, output_dir=out, data=data, start=start, end=end, district=district,
                   unread=_file_names(unread_inputs(directory, range(start, end + 1))))

    @property
    def n_years(self) -> int:
        return len([y for y in summaries.years(self.data, self.district) if self.start <= y <= self.end])

    def title(self):
        if self.lang == "id":
            return self._heading(f"Tren kematian bayi {self.start}-{self.end}: Kabupaten {markup.text(self.district)}")
        return self._heading(f"Infant mortality trends {self.start}-{self.end}: {markup.text(self.district)} district")

    def enough_years(self) -> Markdown:
        if self.n_years >= 3:
            years = ", ".join(str(y) for y in summaries.years(self.data, self.district) if self.start <= y <= self.end)
            return Markdown(("Tahun dengan data: " if self.lang == "id" else "Years with data: ") + years)
        return Markdown(f"**{t('not_enough_years', self.lang)}**")

    def yearly_rates(self) -> pd.DataFrame:
        d = self._keep_table("yearly_rates", summaries.yearly_rates(self.data, self.start, self.end, self.district))
        d = d.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(d["lower_95"], d["upper_95"])])
        return summaries.present(d, self.lang, {"indicator": ("indicator", None), "year": ("year", None),
                                                "numerator": ("deaths", 0), "denominator": ("live_births", 0),
                                                "value": ("value", 1), "ci": ("ci_95", None), "target": ("target", 0),
                                                "meets_target": ("meets_target", None)}, translate=("indicator",))

    def trend_figure(self):
        if self.tables["yearly_rates"]["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        return self._keep_fig("trend", figures.trend_plot(self.tables["yearly_rates"], self.lang))

    def causes_by_year(self) -> pd.DataFrame:
        d = self._keep_table("causes_by_year", summaries.causes_by_year(self.data, self.start, self.end, self.district))
        wide = d.pivot_table(index="cause", columns="year", values="deaths", aggfunc="sum")
        wide.index = [t(c, self.lang) for c in wide.index]
        return wide.astype(int)

    def cause_counts_figure(self):
        return self._keep_fig("cause_counts", figures.causes_over_years(self.tables["causes_by_year"], "deaths", self.lang))

    def cause_rates_figure(self):
        return self._keep_fig("cause_rates", figures.causes_over_years(self.tables["causes_by_year"], "rate", self.lang))

    def heatmap(self):
        h = summaries.imr_heatmap(self.data, self.start, self.end, self.district)
        self._keep_table("imr_heatmap", h.reset_index())
        if h.empty or h.isna().all().all():
            return Markdown(t("no_births_note", self.lang))
        return self._keep_fig("imr_heatmap", figures.heatmap(h, self.lang))

    def cause_trend_figure(self):
        return self._keep_fig("cause_trends", figures.cause_trend_multiples(self.tables["causes_by_year"], self.lang))

    def _district_data(self) -> dict[str, pd.DataFrame]:
        data = {k: v[(v["district"] == self.district) & v["year"].between(self.start, self.end)] for k, v in self.data.items()}
        return data

    def trend_models(self) -> pd.DataFrame:
        """APC with 95% CI, p-value, model and recent-trend marker: district, each indicator and cause."""
        tt = self._keep_table("trend_models", trends.trend_table(self._district_data(), "district"))
        tt = tt.assign(name=[t(c, self.lang) if c else t(i, self.lang) for i, c in zip(tt["indicator"], tt["cause"])],
                       ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(tt["apc_lower_95"], tt["apc_upper_95"])])
        return summaries.present(tt, self.lang, {"name": ("indicator", None), "n_years": ("n_years", None),
                                                 "apc": ("apc", 1), "ci": ("ci_95", None), "p_value": ("p_value", 3),
                                                 "model": ("model", None), "trend_marker": ("trend_marker", None),
                                                 **({"note": ("note", None)} if tt["note"].ne("").any() else {})},
                                 translate=("model", "trend_marker", "note"))

    def puskesmas_trends(self) -> pd.DataFrame:
        """AKB trend per Puskesmas (few deaths each: most are not significant)."""
        tt = trends.trend_table(self._district_data(), "puskesmas")
        tt = self._keep_table("puskesmas_trends", tt[(tt["indicator"] == "imr")].sort_values("area"))
        tt = tt.assign(ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(tt["apc_lower_95"], tt["apc_upper_95"])])
        return summaries.present(tt, self.lang, {"area": ("puskesmas", None), "apc": ("apc", 1), "ci": ("ci_95", None),
                                                 "p_value": ("p_value", 3), "model": ("model", None),
                                                 "trend_marker": ("trend_marker", None),
                                                 **({"note": ("note", None)} if tt["note"].ne("").any() else {})},
                                 translate=("model", "trend_marker", "note"))

    def fitted_trend_figure(self, indicator: str = "imr"):
        series = trends.fitted_series(self._district_data(), indicator, extend_to=2030)
        if series["value"].isna().all():
            return Markdown(t("no_births_note", self.lang))
        self._keep_table(f"fitted_{indicator}", series)
        return self._keep_fig(f"fitted_{indicator}", figures.fitted_trend_plot(series, self.lang))

    def targets(self) -> pd.DataFrame:
        p = self._keep_table("target_projection", trends.project_targets(self._district_data(), self.district))
        if p.empty:
            return p
        p = p.assign(pi=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(p["pi_lower_95"], p["pi_upper_95"])],
                     target_text=[f"{fmt(v, self.lang, 0)} ({y})" for v, y in zip(p["target"], p["target_year"])])
        return summaries.present(p, self.lang, {"indicator": ("indicator", None), "target_text": ("target", None),
                                                "last_value": ("value", 1), "projected": ("projected", 1),
                                                "pi": ("pi_95", None), "status": ("status", None),
                                                "years_needed": ("years_needed", 0)}, translate=("indicator", "status"))

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
            lines.append("- " + trends.describe_trend(row.iloc[0], proj[proj["indicator"] == indicator], self.lang))
        return Markdown("\n".join(lines) if lines else "-")


@dataclass
class DataQualityReport(_Report):
    run: object = None
    processed: Path | None = None

    @classmethod
    def clean(cls, raw_paths=None, processed_dir=None, lang: str = "id", run_cleaning: bool = True):
        check_lang(lang)
        raw = [Path(p) for p in raw_paths] if raw_paths else [config.RAW_DIR]
        directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
        run = run_clean(raw, directory, keep_going=True) if run_cleaning else None
        return cls(lang=lang, output_dir=directory, run=run, processed=directory)

    def _ledger(self) -> pd.DataFrame:
        return pd.read_csv(self.processed / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)

    def _findings(self) -> pd.DataFrame:
        return pd.read_csv(self.processed / "findings.csv", encoding="utf-8-sig", keep_default_na=False)

    def summary(self):
        """The row accounting in one sentence, and the files that could not be read (file names shown as text)."""
        led = self._ledger()
        n = led["state"].value_counts()
        if self.lang == "id":
            text = (f"Baris mentah dibaca: <b>{len(led)}</b> = {n.get('kept', 0)} dipakai apa adanya + "
                    f"{n.get('mapped', 0)} dipetakan dengan aturan + {n.get('set_aside', 0)} disisihkan + "
                    f"{n.get('reported', 0)} nilai yang dilaporkan (baris jumlah dan angka, diperiksa, tidak dihitung).")
        else:
            text = (f"Raw rows read: <b>{len(led)}</b> = {n.get('kept', 0)} kept as written + "
                    f"{n.get('mapped', 0)} mapped by a rule + {n.get('set_aside', 0)} set aside + "
                    f"{n.get('reported', 0)} reported values (total and rate rows, checked, not counted).")
        blocks = [f"<p>{text}</p>"]
        unread = _file_names(input_errors(self.processed))
        if unread:
            blocks.append("<p>" + ("Berkas yang tidak dapat dibaca (lihat temuan <code>unreadable_file</code>): "
                                   if self.lang == "id" else
                                   "Files that could not be read (see the <code>unreadable_file</code> findings): ")
                          + ", ".join(markup.code(name) for name in unread) + "</p>")
        return markup.output(*blocks)

    def ledger_by_state(self) -> pd.DataFrame:
        led = self._ledger()
        table = led.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row", aggfunc="count",
                                fill_value=0).reset_index()
        table["table"] = table["table"].map(lambda k: t("deaths_table" if k == "deaths" else k, self.lang) if k in ("births", "deaths", "causes", "kn") else k)
        return table.rename(columns={c: t(c, self.lang) for c in ("year", "table", "kept", "mapped", "set_aside", "reported") if c in table})

    def rules(self) -> pd.DataFrame:
        led = self._ledger()
        rules = led.loc[(led["row_kind"] == "data") & (led["rules"] != ""), "rules"].str.split("; ").explode()
        rules = rules.str.replace(r" \(\d+ cells?\)$", "", regex=True)
        rules = rules.where(~rules.str.startswith("name "), "Puskesmas name normalised or alias applied")
        return rules.value_counts().rename_axis(t("mapped", self.lang)).reset_index(name=t("rows", self.lang))

    def set_aside(self) -> pd.DataFrame:
        led = self._ledger()
        aside = led[led["state"] == "set_aside"]
        aside = aside.assign(file=aside["file"].map(lambda f: Path(f).name))
        grouped = aside.groupby(["row_kind", "reason"], dropna=False).size().rename(t("rows", self.lang)).reset_index()
        grouped["reason"] = grouped["reason"].str.slice(0, 160)
        return grouped.rename(columns={"reason": t("reason", self.lang)})

    def findings_by_severity(self) -> pd.DataFrame:
        f = self._findings()
        if f.empty:
            return pd.DataFrame()
        return f.groupby(["severity", "check"], dropna=False).size().rename(t("findings", self.lang)).reset_index() \
            .rename(columns={"severity": t("severity", self.lang), "check": t("check", self.lang)})

    def findings(self, severities=("error", "warning")) -> pd.DataFrame:
        f = self._findings()
        f = f[f["severity"].isin(severities)].assign(file=lambda d: d["file"].map(lambda p: Path(p).name if p else ""))
        cols = ["severity", "check", "file", "sheet", "row", "column", "year", "area", "message"]
        return f[cols].rename(columns={c: t(c, self.lang) for c in ("severity", "check", "file", "sheet", "row", "column",
                                                                   "year", "area", "message")}).reset_index(drop=True)

    def dropped_columns(self) -> pd.DataFrame:
        """Columns not read, by header name only: personal data (dropped at read time) and unused columns."""
        path = self.processed / "dropped_columns.csv"
        d = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False) if path.exists() else pd.DataFrame()
        if d.empty:
            return pd.DataFrame({t("message", self.lang): ["-"]})
        d = d.assign(file=d["file"].map(lambda f: Path(f).name))
        return d.rename(columns={"file": t("file", self.lang), "sheet": t("sheet", self.lang),
                                 "header": t("column", self.lang), "why": t("reason", self.lang)})

    def tables_received(self) -> pd.DataFrame:
        """Which tables each Puskesmas has, per year: the number of rows used (0 = not received)."""
        led = self._ledger()
        data = led[(led["row_kind"] == "data") & (led["state"] != "set_aside")]
        grid = data.pivot_table(index=["puskesmas", "year"], columns="table", values="row", aggfunc="count", fill_value=0)
        grid = grid.reindex(columns=[c for c in ("births", "deaths", "causes", "kn") if c in grid.columns])
        grid.columns = [t("deaths_table" if c == "deaths" else c, self.lang) for c in grid.columns]
        return grid

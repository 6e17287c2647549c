"""The quarterly brief for the Lokakarya Mini (notebooks/04_lokmin_brief.ipynb): one to two pages for one
Puskesmas, kecamatan or the district and one quarter, from the monthly reports by desa.

The figures come from ``analysis/brief.py``; this module words them in ``lang`` (vocab/labels.csv) as
numbered tables, and adds the follow-up plan (RTL): last quarter's items from the register
(``read/rtl.py``; an empty template is written when the register does not exist yet) and a new plan
pre-filled with the problems the quarter shows, its other columns blank for the meeting.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config
from ..analysis.brief import Brief, compute_brief
from ..clean.store import load_monthly_desa
from ..read.rtl import headers as rtl_headers, read_register, rtl_columns, rtl_statuses, write_template
from ..vocab.months import month_full_names
from .base import Report, display_path
from .language import fmt, fmt_ci, labels, say, t

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: The register a brief reads when none is given: beside the outputs of the processed folder's project.
DEFAULT_REGISTER = "rtl_register.csv"


@dataclass
class BriefReport(Report):
    """The quarterly brief: ``BriefReport.open(...)``, then ``build()`` (or the notebook's cells one by one)."""

    brief: Brief | None = None
    rtl_path: Path | None = None
    rtl_created: bool = False
    rtl_items: pd.DataFrame | None = None
    sources: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, year: int, quarter: int, puskesmas: str | None = None, kecamatan: str | None = None,
             district: str | None = None, lang: str = "id", processed_dir=None, output_dir=None,
             rtl_register=None) -> "BriefReport":
        """Read the monthly reports of ``processed_dir`` (default data/processed) and the RTL register
        (default ``<output_dir>/rtl_register.csv``; written as an empty template when it does not exist)."""
        processed = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
        monthly = load_monthly_desa(processed)
        brief = compute_brief(monthly, int(year), int(quarter), district, puskesmas, kecamatan,
                              set_aside=set_aside_monthly_rows(processed))
        out = Path(output_dir) if output_dir else config.PROJ_ROOT / "reports" / "brief"
        register = _resolve(Path(rtl_register)) if rtl_register else out / DEFAULT_REGISTER
        created = not register.exists()
        if created:
            write_template(register, lang)
        rows = monthly[(monthly["district"] == brief.district) & monthly["year"].isin([brief.year - 1, brief.year])]
        sources = sorted({Path(f).name for f in rows["source_file"]})
        return cls(lang=lang, output_dir=out, brief=brief, rtl_path=register, rtl_created=created,
                   rtl_items=read_register(register), sources=sources)

    # --- what the report says about itself --------------------------------------------------------
    def area_label(self) -> str:
        b = self.brief
        return say(f"brief_area_{b.level}", self.lang, name=b.area)

    def place(self) -> str:
        b = self.brief
        return say("brief_place", self.lang, area=self.area_label(), roman=ROMAN[b.quarter], quarter=b.quarter,
                   year=b.year)

    def source_line(self) -> str:
        return say("brief_source_line", self.lang, place=self.brief.district)

    def _values(self) -> dict:
        b = self.brief
        return {"roman": ROMAN[b.quarter], "quarter": b.quarter, "year": b.year}

    def title(self):
        """The title block: area and quarter, the date, the monthly report files it is computed from."""
        return self._heading(self.title_block())

    def title_block(self):
        b = self.brief
        names = month_full_names(self.lang)
        area = self.area_label() if b.level == "district" else f"{self.area_label()}, {b.district}"
        period = say("brief_period", self.lang, first=names[0], last=names[b.months_elapsed - 1], **self._values())
        return self._title_block(say("brief_title", self.lang, area=area, **self._values()), b.district, period,
                                 self.sources)

    def section(self, key: str):
        from IPython.display import Markdown

        text = f"## {t(f'brief_section_{key}', self.lang)}"
        intro = f"brief_intro_{key}"
        if intro in labels().index:
            text += "\n\n" + t(intro, self.lang)
        return Markdown(text)

    def build(self) -> None:
        for part in (self.counts, self.rates, self.causes, self.kn, self.desa, self.reporting, self.rtl_last,
                     self.rtl_new):
            part()

    # --- the tables ----------------------------------------------------------------------------------
    def _count(self, value) -> str:
        return t("brief_no_data", self.lang) if pd.isna(value) else fmt(int(value), self.lang, 0)

    def counts(self):
        """This quarter, the year to date, and the same periods last year (``no data`` when absent)."""
        b, v = self.brief, self._values()
        last = {**v, "year": b.year - 1}
        cols = {"quarter": say("brief_col_quarter", self.lang, **v), "year_to_date": say("brief_col_ytd", self.lang, **v),
                "quarter_last_year": say("brief_col_quarter", self.lang, **last),
                "year_to_date_last_year": say("brief_col_ytd", self.lang, **last)}
        frame = pd.DataFrame({t("brief_col_measure", self.lang): [t(f"measure_{m}", self.lang) for m in b.counts.index]})
        kept = frame.copy()
        for key, label in cols.items():
            frame[label] = [self._count(x) for x in b.counts[key]]
            kept[label] = pd.array(b.counts[key].round(), dtype="Int64")   # counts; blank where there are no data
        self._keep_table("counts", kept)
        return self._table("counts", "brief_table_counts", frame)

    def rates(self):
        """AKB, AKN, post-neonatal rate and stillbirth rate of the year to date, with 95% CIs."""
        r = self.brief.rates
        self._keep_table("rates", r.drop(columns=["multiplier"], errors="ignore"))   # the unit is in the indicator's label
        frame = pd.DataFrame({
            t("indicator", self.lang): [t(i, self.lang) for i in r["indicator"]],
            t("numerator", self.lang): [fmt(x, self.lang, 0) for x in r["numerator"]],
            t("denominator", self.lang): [fmt(x, self.lang, 0) for x in r["denominator"]],
            t("brief_col_rate", self.lang): [fmt(x, self.lang) for x in r["value"]],
            t("brief_col_ci", self.lang): [fmt_ci(lo, up, self.lang) for lo, up in zip(r["lower_95"], r["upper_95"])]})
        return self._table("rates", "brief_table_rates", frame)

    def causes(self):
        c = self.brief.causes
        self._keep_labelled("causes", c, {"quarter": say("brief_col_quarter", self.lang, **self._values()),
                                          "year_to_date": say("brief_col_ytd", self.lang, **self._values())})
        frame = pd.DataFrame({
            t("brief_col_age_group", self.lang): [t(f"age_{a}", self.lang) for a in c["age_group"]],
            t("brief_col_cause", self.lang): [t(x, self.lang) for x in c["cause"]],
            say("brief_col_quarter", self.lang, **self._values()): [fmt(x, self.lang, 0) for x in c["quarter"]],
            say("brief_col_ytd", self.lang, **self._values()): [fmt(x, self.lang, 0) for x in c["year_to_date"]]})
        return self._table("causes", "brief_table_causes", frame)

    def kn(self):
        """KN1 and KN lengkap of the year to date against the pro-rated target, and the newborns not yet served;
        a visit with no month counted (no column for it in the monthly reports) reads 'no data', never 0."""
        k = self.brief.visits
        self._keep_labelled("kn", k.drop(columns=["sasaran_parts", "left_out"]),
                            {"visit": t("brief_col_visit", self.lang), "served": t("brief_col_served", self.lang),
                             "annual_sasaran": t("brief_col_sasaran", self.lang),
                             "target": t("brief_col_target", self.lang),
                             "coverage_pct": t("brief_col_coverage", self.lang),
                             "unserved": t("brief_col_unserved", self.lang)})

        def shown(values, decimals=0):
            return [t("brief_no_data", self.lang) if pd.isna(served) else fmt(x, self.lang, decimals)
                    for x, served in zip(values, k["served"])]

        frame = pd.DataFrame({
            t("brief_col_visit", self.lang): [t(f"visit_{v}", self.lang) for v in k["visit"]],
            t("brief_col_served", self.lang): shown(k["served"]),
            t("brief_col_sasaran", self.lang): shown(k["annual_sasaran"]),
            t("brief_col_target", self.lang): shown(k["target"]),
            t("brief_col_coverage", self.lang): shown(k["coverage_pct"], 1),
            t("brief_col_unserved", self.lang): shown(k["unserved"])})
        return self._table("kn", "brief_table_kn", frame)

    def kn_method(self):
        """The pro-rating stated with this brief's numbers, the Puskesmas-months left out and why."""
        from IPython.display import Markdown

        return Markdown(self.kn_method_text())

    def kn_method_text(self) -> str:
        """The target's arithmetic (one sentence for both visits when KN1 and KN lengkap count the same
        Puskesmas-months, else one per visit) with the Puskesmas-months left out and why; then 'KN1: no data
        (the monthly reports have no KN1 column).' for a visit with no month counted."""
        v = self.brief.visits
        data = [(visit, self._visit_method(row)) for visit, (_, row) in zip(v["visit"], v.iterrows())
                if pd.notna(row["served"])]
        if len({text for _, text in data}) == 1:
            parts = [data[0][1]]
        else:
            parts = [say("brief_kn_method_visit", self.lang, visit=t(f"visit_{visit}", self.lang), text=text)
                     for visit, text in data]
        for _, row in v[v["served"].isna()].iterrows():
            reason = "no_column" if any(r == "no_column" for _, _, r in row["left_out"]) else "none_counted"
            parts.append(say(f"brief_kn_no_data_{reason}", self.lang, visit=t(f"visit_{row['visit']}", self.lang)) + ".")
        return " ".join(parts)

    def _visit_method(self, v: pd.Series) -> str:
        """The target's arithmetic of a visit with data, and the Puskesmas-months it leaves out."""
        visit = t(f"visit_{v['visit']}", self.lang)
        months = {n for _, _, n in v["sasaran_parts"]}
        if len(months) == 1:
            text = say("brief_kn_method", self.lang, sasaran=fmt(v["annual_sasaran"], self.lang, 0),
                       months=months.pop(), target=fmt(v["target"], self.lang, 0))
        else:
            parts = " + ".join(say("brief_kn_method_part", self.lang, sasaran=fmt(s, self.lang, 0), months=n,
                                   puskesmas=p) for p, s, n in v["sasaran_parts"])
            text = say("brief_kn_method_parts", self.lang, parts=parts, target=fmt(v["target"], self.lang, 0))
        left_out = self.left_out_text(v["left_out"], visit)
        return f"{text} {left_out}" if left_out else text

    def left_out_text(self, left_out: list[tuple], visit: str) -> str:
        """'Tidak dihitung, di pembilang maupun di penyebut: Muara Rupit Januari, Februari (laporan masuk, tetapi
        barisnya disisihkan saat pembersihan); Nibung Mei (laporan belum masuk).' ('' when none is left out)."""
        groups: dict[tuple[str, str], list[int]] = {}
        for puskesmas, month, reason in left_out:
            groups.setdefault((puskesmas, reason), []).append(month)
        items = [say("brief_left_out_item", self.lang, puskesmas=p, months=self.month_list(sorted(m)),
                     reason=say(f"brief_left_out_{r}", self.lang, visit=visit)) for (p, r), m in groups.items()]
        return say("brief_kn_left_out", self.lang, items="; ".join(items)) if items else ""

    def desa(self):
        d = self.brief.desa
        v = self._values()
        labels = {"puskesmas": t("brief_col_puskesmas", self.lang), "desa": t("brief_col_desa", self.lang),
                  "live_births_quarter": say("brief_col_lb_quarter", self.lang, **v),
                  "infant_deaths_quarter": say("brief_col_deaths_quarter", self.lang, **v),
                  "live_births": t("brief_col_lb_ytd", self.lang), "stillbirths": t("brief_col_still_ytd", self.lang),
                  "neonatal_deaths": t("brief_col_neo_ytd", self.lang),
                  "postneonatal_deaths": t("brief_col_post_ytd", self.lang),
                  "kn_lengkap": t("brief_col_knl_ytd", self.lang)}
        frame = pd.DataFrame({label: [x if key in ("puskesmas", "desa") else fmt(x, self.lang, 0) for x in d[key]]
                              for key, label in labels.items()})
        self._keep_labelled("desa", d, labels)
        if self.brief.level == "puskesmas":
            frame = frame.drop(columns=labels["puskesmas"])
        return self._table("desa", "brief_table_desa", frame)

    def check_list(self, checks: list[str]) -> str:
        """The kinds of check that set rows aside, as their labels ('teks di sel jumlah, jumlah negatif')."""
        names = [t(f"check_{c}", self.lang) if f"check_{c}" in labels().index else c for c in checks]
        return ", ".join(n[:1].lower() + n[1:] for n in names) or "-"

    def _keep_labelled(self, name: str, raw: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
        """Keep the brief's table ``name`` for its saved tables (CSV, XLSX) with the headers the brief shows:
        the values stay numbers (rounded and formatted when written); columns not in ``labels`` keep
        their code name for the exports' own labels (indicator, cause, age group)."""
        return self._keep_table(name, raw.rename(columns=labels))

    def month_list(self, months: list[int]) -> str:
        names = month_full_names(self.lang)
        return ", ".join(names[m - 1] for m in months)

    def reporting(self):
        r = self.brief.reporting
        frame = pd.DataFrame({
            t("brief_col_puskesmas", self.lang): r["puskesmas"],
            t("brief_col_received", self.lang): [fmt(x, self.lang, 0) for x in r["received"]],
            t("brief_col_expected", self.lang): [fmt(x, self.lang, 0) for x in r["expected"]],
            t("brief_col_missing", self.lang): [self.month_list(m) or "-" for m in r["missing"]]})
        if any(r["set_aside"]):   # the column only when a report came in with its rows set aside
            frame[t("brief_col_set_aside", self.lang)] = [self.month_list(m) or "-" for m in r["set_aside"]]
        saved = {t("brief_col_received", self.lang): r["received"].to_numpy(),
                 t("brief_col_expected", self.lang): r["expected"].to_numpy(),
                 t("brief_col_missing", self.lang): [self.month_list(m) for m in r["missing"]]}
        if any(r["set_aside"]):
            saved[t("brief_col_set_aside", self.lang)] = [self.month_list(m) for m in r["set_aside"]]
        self._keep_table("reporting", frame.assign(**saved))
        return self._table("reporting", "brief_table_reporting", frame)

    # --- the follow-up plan ------------------------------------------------------------------------------
    def rtl_note(self):
        """Where the register is, and whether it was just written as an empty template."""
        from IPython.display import Markdown

        if self.rtl_items is None or self.rtl_items.empty:
            return Markdown(say("brief_rtl_empty", self.lang, path=display_path(self.rtl_path)))
        return Markdown("")

    def rtl_last(self):
        """Last quarter's items from the register, with their status."""
        items = self.rtl_items if self.rtl_items is not None else pd.DataFrame(columns=["row", *rtl_columns().index])
        statuses = rtl_statuses()
        frame = pd.DataFrame({rtl_columns().loc[f, self.lang]: items[f] for f in rtl_columns().index})
        status_col = rtl_columns().loc["status", self.lang]
        frame[status_col] = [statuses.loc[s, self.lang] if s in statuses.index else "-" for s in items["status"]]
        self._keep_table("rtl_last", frame)
        table = self._table("rtl_last", "brief_table_rtl_last", frame)
        table.source = self.rtl_source_line()   # the items come from the register, not the monthly reports
        return table

    def rtl_source_line(self) -> str:
        """The source of the RTL status table: the register (its file name) the meeting keeps."""
        return say("brief_rtl_source_line", self.lang, file=Path(self.rtl_path).name, place=self.brief.district)

    def rtl_status_sentence(self) -> str:
        """'3 butir RTL triwulan lalu: 1 Selesai, 1 Sedang berjalan, 1 Belum dimulai.' (statuses in register order,
        those without a status as '-')."""
        statuses = rtl_statuses()
        codes = [s if s in statuses.index else "-" for s in self.rtl_items["status"]]
        order = [s for s in [*statuses.index, "-"] if s in codes]
        parts = [f"{codes.count(s)} {statuses.loc[s, self.lang] if s in statuses.index else '-'}" for s in order]
        return say("brief_rtl_status_sentence", self.lang, total=len(codes), statuses=", ".join(parts))

    def problem_texts(self) -> list[str]:
        """The problems of the quarter, one sentence each (labels ``problem_*``)."""
        out = []
        for p in self.brief.problems:
            if p["code"] == "kn_gap":
                out.append(say("problem_kn_gap", self.lang, visit=t(f"visit_{p['visit']}", self.lang),
                               coverage=fmt(p["coverage_pct"], self.lang, 0), unserved=p["unserved"]))
            elif p["code"] == "kn_no_data":
                out.append(say(f"brief_kn_no_data_{p['reason']}", self.lang, visit=t(f"visit_{p['visit']}", self.lang)))
            elif p["code"] == "missing_reports":
                out.append(say("problem_missing_reports", self.lang, puskesmas=p["puskesmas"],
                               months=self.month_list(p["months"])))
            elif p["code"] == "rows_set_aside":
                out.append(say("problem_rows_set_aside", self.lang, puskesmas=p["puskesmas"],
                               months=self.month_list(p["months"]), checks=self.check_list(p["checks"])))
            elif p["code"] == "deaths":
                cause = say("problem_deaths_cause", self.lang, cause=t(p["cause"], self.lang)) if p["cause"] else ""
                out.append(say("problem_deaths", self.lang, neonatal=p["neonatal"], postneonatal=p["postneonatal"],
                               cause=cause, **self._values()))
            elif p["code"] == "stillbirths":
                out.append(say("problem_stillbirths", self.lang, stillbirths=p["stillbirths"], **self._values()))
        return out

    def rtl_new(self):
        """The new plan: one row per problem of the quarter, the other columns blank for the meeting."""
        cols = rtl_headers(self.lang)
        problems = self.problem_texts()
        frame = pd.DataFrame({c: (problems if i == 0 else [""] * len(problems)) for i, c in enumerate(cols)})
        self._keep_table("rtl_new", frame)
        return self._table("rtl_new", "brief_table_rtl_new", frame)

    def meeting_point_list(self) -> list[str]:
        return self.problem_texts() or [t("brief_no_problems", self.lang)]

    def save(self):
        """The tables (CSV, one XLSX) and the new plan as a register to fill in (``rtl_new.xlsx``)."""
        super().save()
        from .. import outputs

        outputs.write_xlsx({"RTL": self.tables["rtl_new"]}, self.output_dir / "rtl_new.xlsx")

    def _shown(self, name: str, build):
        """The numbered table ``name`` as shown (built by ``build()`` when the notebook has not shown it yet)."""
        return next((x for x in self.table_list if x.name == name), None) or build()

    def office_content(self):
        """The deck's and the document's content (report/office.py): the counts table with the pro-rating method, the
        counts by desa, the status of last quarter's RTL items (or the sentence saying the register has none yet),
        and the new plan's problems as the meeting points; every table as the HTML shows it, with its source line."""
        from datetime import date

        from .office import Content, Table

        counts, desa = self._shown("counts", self.counts), self._shown("desa", self.desa)
        tables = [Table(desa.title, desa.frame, t("brief_intro_desa", self.lang), desa.source)]
        if self.rtl_items is None or self.rtl_items.empty:
            tables.append(Table(f"{t('brief_table_rtl_last', self.lang)}: {self.place()}", None, self.rtl_note().data))
        else:
            rtl = self._shown("rtl_last", self.rtl_last)
            tables.append(Table(rtl.title, rtl.frame, self.rtl_status_sentence(), rtl.source))
        return Content(lang=self.lang, title=self.title_block().title,
                       subtitle=say("office_subtitle", self.lang, date=date.today().isoformat()),
                       headline_title=counts.title, headline=counts.frame,
                       headline_sentence=self.kn_method_text(), figures=[],
                       meeting_title=t("brief_table_rtl_new", self.lang), points=self.meeting_point_list(),
                       district=self.area_label(), year=self.place().split(", ")[-1], tables=tables,
                       headline_heading=t("brief_table_counts", self.lang))


def set_aside_monthly_rows(processed: Path) -> pd.DataFrame | None:
    """The monthly-report rows the cleaning set aside (set_aside.csv of the processed folder), with the check of
    each (the error findings of findings.csv at the same file, sheet and row; one row per check): the brief tells
    a month whose report came in but whose rows were set aside from a month not received. None when the folder
    has no set_aside.csv (a folder written by other means)."""
    from ..analysis.brief import SET_ASIDE_COLUMNS

    path = Path(processed) / "set_aside.csv"
    if not path.exists():
        return None
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    kind = rows["format"] if "format" in rows else rows.get("table", pd.Series("", index=rows.index))
    rows = rows[kind == "monthly"]
    if rows.empty:
        return pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    keys = ["file", "sheet", "row"]
    found = Path(processed) / "findings.csv"
    checks = pd.read_csv(found, dtype=str, keep_default_na=False, encoding="utf-8-sig") if found.exists() else None
    if checks is not None and not checks.empty:
        checks = checks[checks["severity"] == "error"][[*keys, "check"]]
        checks["row"] = pd.to_numeric(checks["row"], errors="coerce")
        rows = rows.assign(row=pd.to_numeric(rows["row"], errors="coerce")).merge(checks, on=keys, how="left")
    rows = rows.assign(check=rows["check"].fillna("") if "check" in rows else "")
    return rows[SET_ASIDE_COLUMNS].reset_index(drop=True)


def _resolve(path: Path) -> Path:
    """A relative register path from the current folder, else from the project (a notebook runs in notebooks/)."""
    if path.is_absolute() or path.exists() or not (config.PROJ_ROOT / path).exists():
        return path
    return config.PROJ_ROOT / path

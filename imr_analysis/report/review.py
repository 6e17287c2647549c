"""The AMP-SR review report of one district and year (notebook 05_amp_sr): what the death reviews found,
and whether their recommendations were carried out.

Sections: deaths by place of death (table and figure), the share that died en route or after referral,
the three delays by Puskesmas, the share judged avoidable, birth weight against the recorded cause
(the findings of the cleaning), time from death to review, the follow-up of the recommendations
register as of a date, and a one-page summary for the Bupati (HTML here; slides and document with
``write_summary_office``). Small numbers: every share is shown after its count, with its 95% Wilson
interval (analysis/review.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, markup
from ..analysis.review import en_route_share, follow_up, follow_up_counts, review_table, time_to_review
from ..clean.store import load_reviews
from ..read.register import parse_as_of, read_register
from ..vocab.review import field_vocabulary, register_entry, review_vocab
from . import figures, tables
from .base import Report, TitleBlock, load
from .exports import saved_follow_up
from .language import check_lang, fmt, fmt_ci, say, t

#: Review checks of the cleaning shown in the report (clean/checks.py, clean/review.py).
REVIEW_CHECKS = ("lbw_cause_vs_weight", "implausible_birth_weight", "implausible_gestational_age", "review_date")
DELAYS = ("delay_decision", "delay_reaching", "delay_receiving")


def has_reviews(processed_dir, year: int, district: str | None = None) -> bool:
    """Whether the processed folder holds review records of ``year`` (of ``district`` when given)."""
    reviews = load_reviews(Path(processed_dir))
    mine = reviews[reviews["year"] == int(year)]
    return not (mine if district is None else mine[mine["district"] == district]).empty


def saved_time_to_review(d: pd.DataFrame, within: int, lang: str) -> pd.DataFrame:
    """The time to review (``analysis.review.time_to_review`` by Puskesmas) as the report saves it: columns named
    by their labels (vocab/labels.csv; the reviews later than ``within`` days by their header in ``lang``), the
    fewest and most days as numbers with blanks (a Puskesmas without a review date)."""
    return d.rename(columns={"area": "puskesmas", "reviewed": "review_reviewed", "median_days": "review_median",
                             "min_days": "review_min_days", "max_days": "review_max_days",
                             f"over_{within}_days": say("review_over_days", lang, days=within)}) \
        .astype({"review_min_days": "Float64", "review_max_days": "Float64"})


def answer_text(table: str, code: str, lang: str) -> str:
    """The label of an answer code of a review table ('place_of_death', 'en_route' -> 'Dalam perjalanan')."""
    return review_vocab()["answers"][field_vocabulary(table)][code][lang]


def share_text(count: int, total: int, share: float, lower: float, upper: float, lang: str) -> str:
    """'3 / 7 (42,9%; 15,8 - 75,0)': the count first, then the share and its 95% interval."""
    return f"{count} / {total} ({fmt(share, lang)}%; {fmt_ci(lower, upper, lang)})"


@dataclass
class ReviewReport(Report):
    reviews: pd.DataFrame = field(default_factory=pd.DataFrame)    # the district's review records of the year
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)   # the review findings of the cleaning
    register: pd.DataFrame | None = None                            # the register with its follow-up, or None
    as_of: dt.date = field(default_factory=dt.date.today)
    register_name: str = ""
    year: int = 0
    district: str = ""

    @classmethod
    def open(cls, year: int | None = None, district: str | None = None, lang: str = "id", processed_dir=None, output_dir=None,
             register=None, as_of=None):
        check_lang(lang)
        data, directory = load(processed_dir)
        district = tables.resolve_district(data, district)
        reviews = load_reviews(directory)
        reviews = reviews[reviews["district"] == district]
        if year is None:   # the last year with reviews
            year = int(reviews["year"].max()) if len(reviews) else max(tables.years(data, district))
        mine = reviews[reviews["year"] == int(year)]
        found = pd.read_csv(directory / "findings.csv", encoding="utf-8-sig") if (directory / "findings.csv").exists() \
            else pd.DataFrame(columns=["check", "file", "sheet", "row", "message", "year"])
        found = found[found["check"].isin(REVIEW_CHECKS) & (found["year"] == int(year))]
        when = parse_as_of(as_of)
        followed = None
        if register is not None and Path(register).exists():
            followed = follow_up(read_register(Path(register)), when)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / str(year) / "amp_sr"
        return cls(lang=lang, output_dir=out, reviews=mine.reset_index(drop=True), findings=found.reset_index(drop=True),
                   register=followed, as_of=when, register_name=Path(register).name if register else "",
                   year=int(year), district=district)

    def place(self) -> str:
        return f"{self.district}, {self.year}"

    def source_line(self) -> str:
        return say("review_source_line", self.lang, place=self.place())

    def title_block(self) -> TitleBlock:
        files = sorted({Path(f).name for f in self.reviews["file"]})
        return self._title_block(say("review_title", self.lang, district=self.district, year=self.year),
                                 self.district, str(self.year), files + ([self.register_name] if self.register_name else []))

    def title(self):
        return self._heading(self.title_block())

    def build(self) -> None:
        for section in (self.place_of_death, self.place_of_death_figure, self.en_route, self.delays_by_puskesmas,
                        self.avoidable, self.weight_vs_cause, self.review_time, self.follow_up_table):
            section()

    # --- the sections ---------------------------------------------------------------------------
    def _shares(self, name: str, table: str) -> pd.DataFrame:
        long = self._kept(name, lambda: review_table(self.reviews, self.year, "district", [table]))
        shown = long.assign(answer=[answer_text(table, c, self.lang) for c in long["category"]],
                            ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(long["lower_95"], long["upper_95"])])
        return tables.present(shown, self.lang, {"answer": ("review_answer", None), "count": ("deaths", 0),
                                                 "total": ("review_total", 0), "share": ("review_share", 1),
                                                 "ci": ("review_ci95", None)})

    def place_of_death(self):
        return self._table("place_of_death", "title_review_place", self._shares("place_of_death", "place_of_death"))

    def place_of_death_figure(self):
        long = self._kept("place_of_death", lambda: review_table(self.reviews, self.year, "district", ["place_of_death"]))

        def draw():
            fig, ax = plt.subplots(figsize=(8, 3.5))
            labels = [answer_text("place_of_death", c, self.lang) for c in long["category"]]
            ax.barh(labels, long["count"], color="#4c72b0", label=t("deaths", self.lang))
            ax.invert_yaxis()
            ax.set_xlabel(t("deaths_axis", self.lang))
            figures._localise(ax.xaxis, self.lang)
            plt.close(fig)
            return fig
        total = int(long["total"].max()) if len(long) else 0
        return self._figure("place_of_death", "title_review_place", draw,
                            say("key_review_place", self.lang, deaths=total))

    def en_route(self):
        long = self._kept("en_route_or_referred", lambda: en_route_share(self.reviews, self.year, "district"))
        shown = long.assign(what=[t(f"review_{c}", self.lang) for c in long["category"]],
                            ci=[fmt_ci(lo, hi, self.lang) for lo, hi in zip(long["lower_95"], long["upper_95"])])
        return self._table("en_route_or_referred", "title_review_en_route", tables.present(
            shown, self.lang, {"what": ("review_answer", None), "count": ("deaths", 0), "total": ("review_total", 0),
                               "share": ("review_share", 1), "ci": ("review_ci95", None)}))

    def delays_by_puskesmas(self):
        long = self._kept("delays_by_puskesmas", lambda: review_table(self.reviews, self.year, "puskesmas", list(DELAYS)))
        yes = long[long["category"] == "yes"]
        areas = sorted(set(self.reviews["puskesmas"]))
        rows = []
        for area in areas:
            row = {t("puskesmas", self.lang): area,
                   t("deaths", self.lang): fmt(int((self.reviews["puskesmas"] == area).sum()), self.lang, 0)}
            for delay in DELAYS:
                hit = yes[(yes["table"] == delay) & (yes["area"] == area)]
                row[t(f"review_{delay}", self.lang)] = "-" if hit.empty else share_text(
                    *hit.iloc[0][["count", "total", "share", "lower_95", "upper_95"]], lang=self.lang)
            rows.append(row)
        return self._table("delays_by_puskesmas", "title_review_delays", pd.DataFrame(rows))

    def avoidable(self):
        return self._table("avoidable", "title_review_avoidable", self._shares("avoidable", "avoidable"))

    def weight_vs_cause(self):
        f = self.findings
        found = self._keep_table("review_findings", f[["check", "file", "sheet", "row"]].assign(
            file=[Path(str(x)).name for x in f["file"]], review_finding=self._messages()))   # in the report's language
        shown = found.assign(row=[fmt(r, self.lang, 0) for r in found["row"]])
        return self._table("review_findings", "title_review_findings", tables.present(
            shown, self.lang, {"file": ("file", None), "sheet": ("sheet", None), "row": ("row", None),
                               "review_finding": ("review_finding", None)}))

    def _messages(self) -> list[str]:
        """The findings' messages in the report's language (vocab/findings.csv, from each finding's code and
        parameters; the stored English message when a finding has no code)."""
        from ..vocab.findings import render_stored

        f = self.findings
        codes = f["code"] if "code" in f else [""] * len(f)
        params = f["params"] if "params" in f else [""] * len(f)
        return [render_stored("" if pd.isna(c) else str(c), "" if pd.isna(p) else str(p), self.lang, str(m))
                for c, p, m in zip(codes, params, f["message"])]

    def review_time(self):
        within = int(review_vocab()["review_within_days"])
        d = time_to_review(self.reviews, self.year, "puskesmas", within)
        self._keep_table("time_to_review", saved_time_to_review(d, within, self.lang))
        shown = d.assign(range=[f"{fmt(a, self.lang, 0)} - {fmt(b, self.lang, 0)}" if pd.notna(a) else "-"
                                for a, b in zip(d["min_days"], d["max_days"])])
        table = tables.present(shown, self.lang, {"area": ("puskesmas", None), "deaths": ("deaths", 0),
                                                  "reviewed": ("review_reviewed", 0), "median_days": ("review_median", 0),
                                                  "range": ("review_range", None)})
        table[say("review_over_days", self.lang, days=within)] = [fmt(v, self.lang, 0) for v in d[f"over_{within}_days"]]
        return self._table("time_to_review", "title_review_time", table)

    def follow_up_table(self):
        if self.register is None:
            from IPython.display import Markdown
            return Markdown(say("review_no_register", self.lang))
        d = self.register
        self._keep_table("follow_up", saved_follow_up(d))
        states = register_entry("follow_up")
        units = register_entry("responsible")
        shown = d.assign(unit=[units[u][self.lang] if u in units else text
                               for u, text in zip(d["responsible"], self.register["responsible_text"])],
                         state=[states[s][self.lang] for s in d["follow_up"]],
                         deadline_text=[x.isoformat() for x in d["deadline"]])
        return self._table("follow_up", "title_review_follow_up", tables.present(
            shown, self.lang, {"recommendation": ("review_recommendation", None), "source": ("review_source", None),
                               "unit": ("review_responsible", None), "deadline_text": ("review_deadline", None),
                               "state": ("review_follow_up", None), "days_overdue": ("review_days_overdue", 0),
                               "evidence": ("review_evidence", None)}))

    # --- the summary for the Bupati -------------------------------------------------------------
    def summary_points(self) -> list[str]:
        """The main findings and the state of the recommendations, one plain sentence each (counts first)."""
        lang, n = self.lang, len(self.reviews)
        long = review_table(self.reviews, self.year, "district")
        route = en_route_share(self.reviews, self.year, "district").set_index("category")

        def part(table: str, code: str) -> str:
            hit = long[(long["table"] == table) & (long["category"] == code)]
            return share_text(0, n, 0.0, float("nan"), float("nan"), lang) if hit.empty else \
                share_text(*hit.iloc[0][["count", "total", "share", "lower_95", "upper_95"]], lang=lang)
        points = [say("summary_deaths", lang, deaths=n, year=self.year, district=self.district)]
        if n:
            r = route.loc["en_route_or_after_referral"]
            points += [say("summary_en_route", lang, share=share_text(r["count"], r["total"], r["share"],
                                                                     r["lower_95"], r["upper_95"], lang)),
                       say("summary_avoidable", lang, share=part("avoidable", "yes")),
                       say("summary_delays", lang, decision=part("delay_decision", "yes"),
                           reaching=part("delay_reaching", "yes"), receiving=part("delay_receiving", "yes"))]
        if len(self.findings):
            points.append(say("summary_findings", lang, n=len(self.findings)))
        if self.register is not None:
            counts = follow_up_counts(self.register).set_index("follow_up")["count"]
            points.append(say("summary_follow_up", lang, as_of=self.as_of.isoformat(), total=len(self.register),
                              **counts.to_dict()))
        return points

    def meeting_point_list(self) -> list[str]:
        return self.summary_points()

    def summary(self):
        """The one-page summary for the Bupati: the deaths, the main findings, and the recommendations with their
        state (the follow-up table when there is a register)."""
        title = say("summary_title", self.lang, district=self.district, year=self.year)
        blocks = [f"<h2>{markup.text(title)}</h2>", markup.bullets(self.summary_points())]
        if self.register is not None:
            blocks.append(self.follow_up_table()._repr_html_())
        return markup.output(*blocks)

    def save(self) -> None:
        """Every table and figure (Report.save), and the Bupati summary as slides and a document."""
        super().save()
        write_summary_office(self)


def write_summary_office(report: ReviewReport, out_dir=None) -> list[Path]:
    """The Bupati summary as slides and an editable document (``amp_sr_summary.pptx``, ``.docx``) in ``out_dir``
    (default: the report's output folder): the review counts as the headline table, the main findings and the
    state of the recommendations as the points, the follow-up table when there is a register."""
    from datetime import date

    from .office import Content, write_docx, write_pptx

    out = Path(out_dir) if out_dir else Path(report.output_dir)
    lang = report.lang
    headline = report.place_of_death().frame if report.register is None else report.follow_up_table().frame
    c = Content(lang=lang, title=say("summary_title", lang, district=report.district, year=report.year),
                subtitle=say("office_subtitle", lang, date=date.today().isoformat()),
                headline_title=t("title_review_follow_up" if report.register is not None else "title_review_place", lang),
                headline=headline, headline_sentence=report.summary_points()[0], figures=[],
                meeting_title=t("summary_points_title", lang), points=report.summary_points(),
                district=report.district, year=report.year)
    return [write_pptx(c, out / "amp_sr_summary.pptx"), write_docx(c, out / "amp_sr_summary.docx")]

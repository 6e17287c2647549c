"""The data-quality report (notebook 01_data_quality): the ledger of every raw row, the rules that
mapped rows, the rows set aside and why, the findings, and the tables received.

It cleans the raw data (unless told not to: the batch has cleaned already) and reads each file of
the processed folder it shows once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from .. import config, markup
from ..clean.store import input_errors, run_clean
from .base import Report, TitleBlock, file_names
from .language import check_lang, labels, say, t, year_range
from ..vocab.findings import render_stored

#: The canonical tables as the ledger names them, in report order.
TABLES = ("births", "deaths", "causes", "kn")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)


def _table_label(table: str, lang: str) -> str:
    """A ledger table code in ``lang``: the four analysis tables by their labels, the others
    (maternal, linelist, monthly ...) by ``ledger_table_<code>`` (labels.csv); a code without a label as it is."""
    if table in TABLES:
        return t("deaths_table" if table == "deaths" else table, lang)
    key = f"ledger_table_{table}"
    return t(key, lang) if key in labels().index else table


@dataclass
class DataQualityReport(Report):
    run: object = None
    processed: Path | None = None

    @classmethod
    def clean(cls, raw_paths=None, processed_dir=None, lang: str = "id", run_cleaning: bool = True):
        check_lang(lang)
        raw = [Path(p) for p in raw_paths] if raw_paths else [config.RAW_DIR]
        directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
        run = run_clean(raw, directory, keep_going=True, lang=lang) if run_cleaning else None
        return cls(lang=lang, output_dir=directory, run=run, processed=directory)

    @cached_property
    def ledger(self) -> pd.DataFrame:
        return _read(self.processed / "ledger.csv")

    @cached_property
    def found(self) -> pd.DataFrame:
        """The findings (findings.csv)."""
        return _read(self.processed / "findings.csv")

    def place(self) -> str:
        years = sorted({int(y) for y in pd.to_numeric(self.ledger["year"], errors="coerce").dropna()})
        districts = sorted({d for d in self.ledger.get("district", pd.Series(dtype=str)) if d})
        period = year_range(years[0], years[-1]) if years else "-"
        return f"{', '.join(districts) or '-'}, {period}"

    def source_line(self) -> str:
        return say("source_line", self.lang, place=self.place())

    def title_block(self) -> TitleBlock:
        district, _, period = self.place().rpartition(", ")
        files = sorted({Path(f).name for f in self.ledger["file"] if f})
        return self._title_block(say("quality_title", self.lang, place=self.place()), district, period, files)

    def build(self) -> None:
        for section in (self.ledger_by_state, self.rules, self.set_aside, self.dropped_columns,
                        self.findings_by_severity, self.findings, self.tables_received):
            section()

    def title(self):
        return self._heading(self.title_block())

    def summary(self):
        """The row accounting in one sentence, and the files that could not be read (file names shown as text)."""
        led = self.ledger
        n = led["state"].value_counts()
        text = say("ledger_sentence", self.lang, rows=len(led), kept=n.get("kept", 0), mapped=n.get("mapped", 0),
                   set_aside=n.get("set_aside", 0), reported=n.get("reported", 0))
        blocks = [f"<p>{text}</p>"]
        unread = file_names(input_errors(self.processed))
        if unread:
            blocks.append(f"<p>{t('unreadable_files', self.lang)} "
                          + ", ".join(markup.code(name) for name in unread) + "</p>")
        return markup.output(*blocks)

    def _label(self, key: str, prefix: str = "") -> str:
        """The label of a code (``prefix + key``) in ``lang``, or the code itself when it has none."""
        try:
            return t(prefix + key, self.lang)
        except KeyError:
            return key

    def ledger_by_state(self):
        table = self.ledger.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row",
                                        aggfunc="count", fill_value=0).reset_index()
        table["table"] = table["table"].map(lambda k: _table_label(k, self.lang))
        table["row_kind"] = table["row_kind"].map(lambda k: self._label(k, "row_kind_"))
        table["year"] = table["year"].astype(str)
        table.columns.name = None
        table = table.rename(columns={c: t(c, self.lang) for c in ("year", "table", "row_kind", "kept", "mapped",
                                                                     "set_aside", "reported") if c in table})
        return self._table("ledger", "title_ledger", table)

    def rules(self):
        led = self.ledger
        rules = led.loc[(led["row_kind"] == "data") & (led["rules"] != ""), "rules"].str.split("; ").explode()
        kinds = rules.map(rule_kind).map(lambda k: t(k, self.lang))
        table = kinds.value_counts().rename_axis(t("mapped", self.lang)).reset_index(name=t("rows", self.lang))
        return self._table("rules", "title_rules", table)

    def set_aside(self):
        """Rows set aside per table (the full reason of each row, in English, is in set_aside.csv)."""
        led = self.ledger
        aside = led[led["state"] == "set_aside"]
        if aside.empty:
            return Markdown(t("none_set_aside", self.lang))
        grouped = aside.groupby(["year", "table"], dropna=False).size().rename(t("rows", self.lang)).reset_index()
        grouped["table"] = grouped["table"].map(lambda k: _table_label(k, self.lang))
        grouped = grouped.rename(columns={"year": t("year", self.lang), "table": t("table", self.lang)})
        return self._table("set_aside", "title_set_aside", grouped)

    def findings_by_severity(self):
        f = self.found
        if f.empty:
            return Markdown(t("no_findings", self.lang))
        table = f.groupby(["severity", "check"], dropna=False).size().rename(t("findings", self.lang)).reset_index()
        table["severity"] = table["severity"].map(lambda k: t(k, self.lang))
        table["check"] = table["check"].map(lambda k: self._label(k, "check_"))
        return self._table("findings_by_severity", "title_findings_by_severity",
                           table.rename(columns={"severity": t("severity", self.lang), "check": t("check", self.lang)}))

    def findings(self, severities=("error", "warning")):
        """Errors and warnings with where they are and what is wrong, in the report's language
        (rendered from the finding's code and parameters, vocab/findings.csv)."""
        f = self.found
        f = f[f["severity"].isin(severities)].assign(file=lambda d: d["file"].map(lambda p: Path(p).name if p else ""))
        f = f.assign(message=[render_stored(c, p, self.lang, m) for c, p, m in zip(f["code"], f["params"], f["message"])])
        f = f.assign(severity=f["severity"].map(lambda k: t(k, self.lang)),
                     check=f["check"].map(lambda k: self._label(k, "check_")),
                     row=f["row"].map(lambda v: "" if v == "" else str(v)), year=f["year"].astype(str),
                     area=f["area"].str.replace("(total row)", f"({t('row_kind_total', self.lang)})", regex=False))
        cols = ["severity", "check", "file", "sheet", "row", "column", "year", "area", "message"]
        return self._table("findings", "title_findings", f[cols].rename(columns={c: t(c, self.lang) for c in cols}))

    def dropped_columns(self):
        """Columns not read, by header name only: personal data (dropped at read time) and unused columns."""
        path = self.processed / "dropped_columns.csv"
        d = _read(path) if path.exists() else pd.DataFrame()
        if d.empty:
            return Markdown(t("none_dropped_columns", self.lang))
        d = d.assign(file=d["file"].map(lambda f: Path(f).name), why=d["why"].map(lambda k: self._label(k, "why_")))
        return self._table("dropped_columns", "title_dropped_columns", d.rename(
            columns={"file": t("file", self.lang), "sheet": t("sheet", self.lang),
                     "header": t("column", self.lang), "why": t("reason", self.lang)}))

    def tables_received(self):
        """Which tables each Puskesmas has, per year: the number of rows used (0 = not received)."""
        led = self.ledger
        data = led[(led["row_kind"] == "data") & (led["state"] != "set_aside")]
        grid = data.pivot_table(index=["puskesmas", "year"], columns="table", values="row", aggfunc="count", fill_value=0)
        grid = grid.reindex(columns=[c for c in TABLES if c in grid.columns])
        grid.columns = [_table_label(c, self.lang) for c in grid.columns]
        grid = grid.reset_index().rename(columns={"puskesmas": t("puskesmas", self.lang), "year": t("year", self.lang)})
        grid[t("year", self.lang)] = grid[t("year", self.lang)].astype(str)
        return self._table("tables_received", "title_tables_received", grid)


def rule_kind(rule: str) -> str:
    """The label key of a ledger rule: 'name normalised -> ...' -> 'rule_name', "'-' -> 0 (3 cells)" -> 'rule_dash_zero'."""
    for start, key in (("name ", "rule_name"), ("'-' -> 0", "rule_dash_zero"), ("blank -> 0", "rule_blank_zero")):
        if rule.startswith(start):
            return key
    return "rule_other"

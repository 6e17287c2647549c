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

from .. import config, markup
from ..clean.store import input_errors, run_clean
from .base import Report, file_names
from .language import check_lang, say, t

#: The canonical tables as the ledger names them, in report order.
TABLES = ("births", "deaths", "causes", "kn")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)


def _table_label(table: str, lang: str) -> str:
    return t("deaths_table" if table == "deaths" else table, lang)


@dataclass
class DataQualityReport(Report):
    run: object = None
    processed: Path | None = None

    @classmethod
    def clean(cls, raw_paths=None, processed_dir=None, lang: str = "id", run_cleaning: bool = True):
        check_lang(lang)
        raw = [Path(p) for p in raw_paths] if raw_paths else [config.RAW_DIR]
        directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
        run = run_clean(raw, directory, keep_going=True) if run_cleaning else None
        return cls(lang=lang, output_dir=directory, run=run, processed=directory)

    @cached_property
    def ledger(self) -> pd.DataFrame:
        return _read(self.processed / "ledger.csv")

    @cached_property
    def found(self) -> pd.DataFrame:
        """The findings (findings.csv)."""
        return _read(self.processed / "findings.csv")

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

    def ledger_by_state(self) -> pd.DataFrame:
        table = self.ledger.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row",
                                        aggfunc="count", fill_value=0).reset_index()
        table["table"] = table["table"].map(lambda k: _table_label(k, self.lang) if k in TABLES else k)
        return table.rename(columns={c: t(c, self.lang) for c in ("year", "table", "kept", "mapped", "set_aside", "reported") if c in table})

    def rules(self) -> pd.DataFrame:
        led = self.ledger
        rules = led.loc[(led["row_kind"] == "data") & (led["rules"] != ""), "rules"].str.split("; ").explode()
        rules = rules.str.replace(r" \(\d+ cells?\)$", "", regex=True)
        rules = rules.where(~rules.str.startswith("name "), "Puskesmas name normalised or alias applied")
        return rules.value_counts().rename_axis(t("mapped", self.lang)).reset_index(name=t("rows", self.lang))

    def set_aside(self) -> pd.DataFrame:
        led = self.ledger
        aside = led[led["state"] == "set_aside"]
        aside = aside.assign(file=aside["file"].map(lambda f: Path(f).name))
        grouped = aside.groupby(["row_kind", "reason"], dropna=False).size().rename(t("rows", self.lang)).reset_index()
        grouped["reason"] = grouped["reason"].str.slice(0, 160)
        return grouped.rename(columns={"reason": t("reason", self.lang)})

    def findings_by_severity(self) -> pd.DataFrame:
        f = self.found
        if f.empty:
            return pd.DataFrame()
        return f.groupby(["severity", "check"], dropna=False).size().rename(t("findings", self.lang)).reset_index() \
            .rename(columns={"severity": t("severity", self.lang), "check": t("check", self.lang)})

    def findings(self, severities=("error", "warning")) -> pd.DataFrame:
        f = self.found
        f = f[f["severity"].isin(severities)].assign(file=lambda d: d["file"].map(lambda p: Path(p).name if p else ""))
        cols = ["severity", "check", "file", "sheet", "row", "column", "year", "area", "message"]
        return f[cols].rename(columns={c: t(c, self.lang) for c in cols}).reset_index(drop=True)

    def dropped_columns(self) -> pd.DataFrame:
        """Columns not read, by header name only: personal data (dropped at read time) and unused columns."""
        path = self.processed / "dropped_columns.csv"
        d = _read(path) if path.exists() else pd.DataFrame()
        if d.empty:
            return pd.DataFrame({t("message", self.lang): ["-"]})
        d = d.assign(file=d["file"].map(lambda f: Path(f).name))
        return d.rename(columns={"file": t("file", self.lang), "sheet": t("sheet", self.lang),
                                 "header": t("column", self.lang), "why": t("reason", self.lang)})

    def tables_received(self) -> pd.DataFrame:
        """Which tables each Puskesmas has, per year: the number of rows used (0 = not received)."""
        led = self.ledger
        data = led[(led["row_kind"] == "data") & (led["state"] != "set_aside")]
        grid = data.pivot_table(index=["puskesmas", "year"], columns="table", values="row", aggfunc="count", fill_value=0)
        grid = grid.reindex(columns=[c for c in TABLES if c in grid.columns])
        grid.columns = [_table_label(c, self.lang) for c in grid.columns]
        return grid

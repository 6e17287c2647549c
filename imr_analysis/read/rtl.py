"""The RTL register (rencana tindak lanjut): the follow-up plan a Lokakarya Mini agrees, kept as CSV or XLSX.

One row per item: masalah, penyebab, kegiatan, sasaran, penanggung jawab, lintas sektor, batas waktu,
status. The column names are in ``vocab/rtl.csv`` (Indonesian and English: either is read); the
statuses in ``vocab/rtl_status.csv``. ``write_template`` writes an empty register with the headers;
``read_register`` reads one, and stops on a bad row with a message naming the file, sheet, row and
column (a cell's text is described, never repeated: it may hold personal data).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..config import VOCAB_DIR
from ..errors import InputError, Location
from ..privacy import described_cell, looks_personal
from ..text import norm
from .grid import column_letter

#: The sheet of an XLSX register.
SHEET = "RTL"


@lru_cache(maxsize=1)
def rtl_columns() -> pd.DataFrame:
    """vocab/rtl.csv: field, id, en, required (yes/no), in register order."""
    return pd.read_csv(VOCAB_DIR / "rtl.csv", dtype=str, keep_default_na=False).set_index("field")


@lru_cache(maxsize=1)
def rtl_statuses() -> pd.DataFrame:
    """vocab/rtl_status.csv: status code, id and en labels."""
    return pd.read_csv(VOCAB_DIR / "rtl_status.csv", dtype=str, keep_default_na=False).set_index("status")


def headers(lang: str = "id") -> list[str]:
    """The register's column headers in ``lang``."""
    return list(rtl_columns()[lang])


def write_template(path: Path, lang: str = "id") -> Path:
    """An empty register with the headers in ``lang`` (CSV, or XLSX with one sheet 'RTL' by the suffix)."""
    from .. import outputs

    path = Path(path)
    empty = pd.DataFrame(columns=headers(lang))
    if path.suffix.lower() == ".xlsx":
        return outputs.write_xlsx({SHEET: empty}, path)
    return outputs.write_csv(empty, path)


def _status_code(value: str) -> str | None:
    """A status as written ('Selesai', 'done', 'SEDANG BERJALAN') -> its code; None when unknown."""
    wanted = norm(value)
    for code, row in rtl_statuses().iterrows():
        if wanted in {norm(code), norm(row["id"]), norm(row["en"])}:
            return code
    return None


def _load(path: Path) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        book = pd.read_excel(path, sheet_name=None, dtype=object, engine="calamine")
        sheet = SHEET if SHEET in book else next(iter(book))
        return book[sheet], sheet
    for sep in (",", ";"):
        frame = pd.read_csv(path, dtype=object, sep=sep, encoding="utf-8-sig", keep_default_na=False)
        if len(frame.columns) > 1:
            return frame, ""
    return frame, ""


def read_register(path: Path) -> pd.DataFrame:
    """The items of a register: columns = the fields of vocab/rtl.csv, ``status`` as its code, ``row`` (Excel row).

    Stops (InputError) on a missing required column, and on rows with no masalah, an unknown status or a
    deadline that is not a date, naming file, sheet, row and column.
    """
    path = Path(path)
    try:
        raw, sheet = _load(path)
    except Exception as exc:  # not a table at all
        raise InputError.from_key("rtl_unreadable", Location(file=path.name), error=type(exc).__name__) from None
    cols = rtl_columns()
    known = {norm(h): f for f in cols.index for h in (cols.loc[f, "id"], cols.loc[f, "en"], f)}
    found = {c: known[norm(str(c))] for c in raw.columns if norm(str(c)) in known}
    missing = [cols.loc[f, "id"] for f in cols.index if cols.loc[f, "required"] == "yes" and f not in found.values()]
    if missing:
        raise InputError.from_key("rtl_no_column", Location(file=path.name, sheet=sheet), missing=", ".join(missing),
                                  headers=", ".join(headers("id")))
    position = {c: j for j, c in enumerate(raw.columns)}
    letters = {f: column_letter(position[c]) for c, f in found.items()}
    items, problems = [], []
    for i, values in enumerate(raw.itertuples(index=False), start=2):
        row = {f: _text(values[position[c]]) for c, f in found.items()}
        if not any(row.values()):
            continue
        def problem(key: str, field: str, **params) -> dict:
            """One line of rtl_rows: the template rtl_<key> at the cell of ``field``."""
            where = Location(file=path.name, sheet=sheet, row=i, column=letters[field])
            return {"key": f"rtl_{key}", "params": {"where": {"location": where.to_dict()}, **params}}

        if not row.get("masalah"):
            problems.append(problem("no_masalah", "masalah"))
        if row.get("status"):
            code = _status_code(row["status"])
            if code is None:
                problems.append(problem("bad_status", "status", cell=described_cell(row["status"]),
                                        statuses=", ".join(rtl_statuses()["id"])))
            row["status"] = code or ""
        if row.get("batas_waktu") and _date(row["batas_waktu"]) is None:
            problems.append(problem("bad_date", "batas_waktu", cell=described_cell(row["batas_waktu"])))
        for f, value in row.items():
            if looks_personal(value):
                problems.append(problem("personal", f, cell=described_cell(value)))
        items.append({"row": i, **{f: row.get(f, "") for f in cols.index}})
    if problems:
        raise InputError.from_key("rtl_rows", Location(file=path.name, sheet=sheet), problems=problems)
    return pd.DataFrame(items, columns=["row", *cols.index])


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return " ".join(str(value).split())


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None

"""The AMP-SR recommendations register: one row per recommendation of a death review or meeting.

Columns (vocab/review.yaml ``register``; headers in Indonesian or English): recommendation, source
(the review or meeting it came from), responsible unit (Dinkes, Puskesmas, RS, an OPD such as
Bapperida), deadline, status (done / open), evidence. CSV (',' or ';') or XLSX, header in the first
row. ``write_template`` writes an empty register with the Indonesian or English headers.

A row that cannot be used (no recommendation, a deadline that is not a date, a status that is not in
the vocabulary, a responsible unit left blank) stops the reading with a message naming the file,
sheet, row and column: a register is short, and a follow-up table that silently loses a row would
report a recommendation as forgotten.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..errors import InputError, Location
from ..privacy import cell_text, described, scrub
from ..vocab.layout import lookup
from ..vocab.review import register_columns, register_entry, review_vocab
from .dates import parse_date
from .grid import column_letter

REGISTER_COLUMNS = list(register_columns())


def write_template(path: Path, lang: str = "id") -> Path:
    """An empty register at ``path`` (.csv or .xlsx) with the column headers in ``lang`` and one example row."""
    from .. import outputs

    path = Path(path)
    headers = [register_columns()[c][lang] for c in REGISTER_COLUMNS]
    example = {"recommendation": "", "source": "", "responsible": "", "deadline": "", "status": "", "evidence": ""}
    df = pd.DataFrame([example], columns=REGISTER_COLUMNS).iloc[:0]
    df.columns = headers
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        return outputs.write_xlsx({"Rekomendasi" if lang == "id" else "Recommendations": df}, path)
    return outputs.write_csv(df, path)


def _grid(path: Path) -> tuple[str, list[list[object]]]:
    """(sheet name, rows) of a register file."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        sheet = book.sheet_names[0]
        return sheet, [list(r) for r in book.get_sheet_by_name(sheet).to_python()]
    text = path.read_text(encoding="utf-8-sig")
    sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    import csv
    import io

    return "", [list(r) for r in csv.reader(io.StringIO(text), delimiter=sep)]


def read_register(path: Path) -> pd.DataFrame:
    """The register as a table: REGISTER_COLUMNS plus ``row`` (the file's row), ``status`` and ``responsible``
    as vocabulary codes, ``responsible_text`` as written (scrubbed of personal data), ``deadline`` a date."""
    path = Path(path)
    if not path.exists():
        raise InputError.from_key("register_missing", Location(file=str(path)))
    sheet, rows = _grid(path)
    if not rows:
        raise InputError.from_key("register_empty", Location(file=path.name, sheet=sheet))
    header = rows[0]
    options = {c: [e["id"], e["en"], *e["aliases"]] for c, e in register_columns().items()}
    where = {}
    for j, h in enumerate(header):
        key, _ = lookup(cell_text(h), options, fuzzy=False)
        if key and key not in where:
            where[key] = j
    missing = [c for c in review_vocab()["register"]["required"] if c not in where]
    if missing:
        names = ", ".join(register_columns()[c]["id"] + " / " + register_columns()[c]["en"] for c in missing)
        raise InputError.from_key("register_no_column", Location(file=path.name, sheet=sheet, row=1), names=names)
    records = []
    for i, cells in enumerate(rows[1:], start=2):
        values = {c: (cells[j] if j < len(cells) else None) for c, j in where.items()}
        if not any(cell_text(v) for v in values.values()):
            continue
        records.append(_record(values, i, path.name, sheet, where))
    out = pd.DataFrame(records, columns=["row", *REGISTER_COLUMNS, "responsible_text"])
    out["row"] = out["row"].astype(int)
    return out


def _record(values: dict, row: int, file: str, sheet: str, where: dict) -> dict:
    """One register row, checked (see module doc)."""
    def fail(column: str, key: str, **params) -> InputError:
        """register_<key> of vocab/input_errors.csv, at the cell of ``column``."""
        return InputError.from_key(f"register_{key}", Location(file=file, sheet=sheet, row=row,
                                                               column=column_letter(where[column])), **params)

    text = {c: cell_text(values.get(c)) for c in REGISTER_COLUMNS}
    if not text["recommendation"]:
        raise fail("recommendation", "recommendation_blank")
    deadline = parse_date(values.get("deadline"))
    if deadline is None:
        raise (fail("deadline", "deadline_blank") if not text["deadline"] else
               fail("deadline", "deadline_not_date", cell=described(text["deadline"])))
    status, _ = lookup(text["status"], {c: [e["id"], e["en"], *e["aliases"]] for c, e in register_entry("status").items()},
                       fuzzy=False)
    if status is None:
        allowed = ", ".join(e["id"] for e in register_entry("status").values())
        raise (fail("status", "status_blank") if not text["status"] else
               fail("status", "status_unknown", allowed=allowed, cell=described(text["status"])))
    if not text["responsible"]:
        raise fail("responsible", "responsible_blank")
    unit, _ = lookup(text["responsible"], {c: [e["id"], e["en"], *e["aliases"]]
                                           for c, e in register_entry("responsible").items()}, fuzzy=False)
    return {"row": row, "recommendation": scrub(text["recommendation"]), "source": scrub(text["source"]),
            "responsible": unit or "other", "deadline": deadline, "status": status,
            "evidence": scrub(text["evidence"]), "responsible_text": scrub(text["responsible"])}


def parse_as_of(text: str | dt.date | None) -> dt.date:
    """The follow-up date: a date, 'yyyy-mm-dd', or today when None."""
    if text is None:
        return dt.date.today()
    if isinstance(text, dt.date):
        return text
    found = parse_date(text)
    if found is None:
        raise InputError.from_key("as_of_not_date", text=described(text))
    return found

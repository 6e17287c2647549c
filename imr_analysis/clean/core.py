"""The shared accounting core of every input format: the context, ledger entries, cells and rule summaries.

Each raw row ends in one ledger entry (kept / mapped / set aside / reported, and why) and a set of
parsed cells in one long form, whatever its format (annex table, monthly report, line list), so the
canonical tables, checks and indicators treat the three alike. The accountants (annex.py,
monthly.py, linelist.py) build both through this module.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field

import pandas as pd

from .cells import CellBuilder
from .places import name_hash
from ..config import NEONATAL_MAX_DAYS
from ..read.flat import FlatTable
from ..vocab.puskesmas import Registry

LEDGER_COLUMNS = ["file", "sheet", "row", "table", "block", "row_kind", "year", "district", "name_hash", "name_matched",
                  "puskesmas", "state", "rules", "reason", "month", "format", "counts_missing"]
FORMATS = ("annex", "monthly", "linelist")


@dataclass
class Context:
    """What the accounting of every table shares: the registry, the period and district given, and what it collects."""

    registry: Registry
    year: int | None
    district: str | None
    neonatal_max_days: int = NEONATAL_MAX_DAYS
    today: dt.date = field(default_factory=dt.date.today)
    proposals: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def ledger_entry(table: FlatTable, row: int, year, district: str, name: object) -> dict:
    return {"file": table.file, "sheet": table.sheet, "row": row, "table": table.kind, "block": "main",
            "row_kind": "data", "year": year, "district": district, "name_hash": name_hash(name), "name_matched": "",
            "puskesmas": "", "state": "", "rules": "", "reason": "", "month": pd.NA, "format": table.kind}


def cell_row(builder: CellBuilder, table: FlatTable, row: int, year, month, geo: dict) -> int:
    return builder.row(table.file, table.sheet, row, "main", "data", year, geo, month, table.kind)


def add_cell(builder: CellBuilder, row_id: int | None, col, kind: str, measure: str, value: float,
          sex: str = "unspecified", age_group: str = "", cause: str = "", role: str = "count",
          denominator_kind: str = "", raw: object = None) -> None:
    """A cell of the row ``row_id`` (None: a row whose cells are not kept)."""
    if row_id is None:
        return
    column = builder.column(col.letter if col else "", col.label if col else "", kind, role, measure, sex,
                            age_group, cause, denominator_kind)
    builder.add(row_id, column, raw, value)


def close_entry(entry: dict, rules: list, reasons: list) -> dict:
    """Close a ledger entry; a row set aside (not as a duplicate or out of scope) has its counts missing."""
    entry["rules"] = "; ".join(rules)
    entry["counts_missing"] = bool(reasons) and entry.get("counts_missing", True)
    if reasons:
        entry["state"], entry["reason"] = "set_aside", "; ".join(reasons)
    else:
        entry["state"] = "mapped" if rules else "kept"
    return entry


def summarise_rules(rules: list[str]) -> list[str]:
    """'blank -> 0' x 5 becomes one entry 'blank -> 0 (5 cells)'."""
    counts: dict[str, int] = {}
    for rule in rules:
        key = "Indonesian number format" if rule.startswith("Indonesian number") else rule
        counts[key] = counts.get(key, 0) + 1
    return [f"{r} ({n} cell{'s' if n > 1 else ''})" for r, n in counts.items()]


def consume(rows: list):
    """The items of ``rows`` in order, each taken out of the list as it is used (so it is freed once accounted for)."""
    rows.reverse()
    while rows:
        yield rows.pop()


def ledger_record(entry: dict) -> tuple:
    """A ledger entry as a compact record in LEDGER_COLUMNS order (None where it has no value), kept until the
    ledger frame is built."""
    try:
        return _LEDGER_FIELDS(entry)
    except KeyError:
        return tuple(entry.get(c) for c in LEDGER_COLUMNS)


_LEDGER_FIELDS = operator.itemgetter(*LEDGER_COLUMNS)



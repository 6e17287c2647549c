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
from functools import lru_cache

import pandas as pd

from .cells import CellBuilder
from .. import schemas
from ..config import NEONATAL_MAX_DAYS
from ..privacy import cell_text, text_hash
from ..read.numbers import Parsed, parse_number
from ..vocab.findings import nested, render, to_json
from ..vocab.puskesmas import Registry

LEDGER_COLUMNS = list(schemas.ledger.columns)
FINDING_COLUMNS = list(schemas.findings.columns)
FORMATS = tuple(schemas.FORMATS)
#: A count above this is an ID or phone number typed into a number cell, not a count.
IMPLAUSIBLE_COUNT = 1e7


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
    desa: dict = field(default_factory=dict)   # monthly reports: (file, sheet, row) -> desa/kelurahan as named
    reviews: list = field(default_factory=list)   # one review record per line-list death counted (review.py)


# --- findings -------------------------------------------------------------------------------

def finding(severity: str, check: str, file: str, sheet: str, row, column: str, year, area: str, code: str, /,
            **params) -> dict:
    """A data-quality finding (FINDING_COLUMNS): where to look, the year and area, and what is wrong: the
    template ``code`` of vocab/findings.csv with ``params`` (the message is its English text).

    Severity: ``error`` (a number that cannot be right), ``warning`` (numbers that disagree, or a row
    set aside; check the source), ``info`` (worth knowing, not wrong).
    """
    return {"severity": severity, "check": check, "file": file, "sheet": sheet, "row": row, "column": column,
            "year": year, "area": area, "message": render(code, params), "code": code, "params": to_json(params)}


# --- ledger entries -------------------------------------------------------------------------

def name_hash(name: object) -> str:
    """The salted hash of a name cell ('' when empty): the ledger's way to point at the text without showing it."""
    return text_hash(name) if cell_text(name) else ""


def ledger_entry(table, row: int, year, district: str, name: object, fmt: str, block: str = "main",
                 row_kind: str = "data") -> dict:
    """The ledger entry of a raw row of ``table`` (its file, sheet and kind), open until ``close_entry``.

    ``name`` is the row's name cell (given by its hash only), ``fmt`` the input format (FORMATS),
    ``block`` 'main' or 'lanj.' (a continuation block), ``row_kind`` data, total or rate.
    """
    return {"file": table.file, "sheet": table.sheet, "row": row, "table": table.kind, "block": block,
            "row_kind": row_kind, "year": year, "district": district, "name_hash": name_hash(name),
            "name_matched": "", "puskesmas": "", "state": "", "rules": "", "reason": "", "month": pd.NA,
            "format": fmt, "counts_missing": False}


def close_entry(entry: dict, rules: list[str], reasons: list[str], counts_missing: bool = True) -> dict:
    """Close a ledger entry with its one state: ``reported`` (a total or rate row: checked against the data,
    never counted), ``set_aside`` (with the reasons), ``mapped`` (read after rules) or ``kept``.

    A data row set aside has its counts missing from the data, unless ``counts_missing`` is False (a
    duplicate whose first row is counted, or a row out of scope).
    """
    entry["rules"] = "; ".join(rules)
    entry["counts_missing"] = bool(reasons) and counts_missing and entry["row_kind"] == "data"
    if entry["row_kind"] != "data":
        entry["state"], entry["reason"] = "reported", "; ".join(reasons)
    elif reasons:
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
    """A ledger entry as a compact record in LEDGER_COLUMNS order, kept until the ledger frame is built."""
    return _LEDGER_FIELDS(entry)


_LEDGER_FIELDS = operator.itemgetter(*LEDGER_COLUMNS)


# --- cells ----------------------------------------------------------------------------------

def cell_row(builder: CellBuilder, table, row: int, year, month, geo: dict, fmt: str, block: str = "main",
             row_kind: str = "data") -> int:
    """Register a raw row of ``table`` for its cells; returns its id in ``builder``."""
    return builder.row(table.file, table.sheet, row, block, row_kind, year, geo, month, fmt)


def cell_column(builder: CellBuilder, col, table_kind: str, role: str, measure: str, sex: str = "unspecified",
                age_group: str = "", cause: str = "", denominator_kind: str = "") -> int:
    """The id of the cell column a raw column ``col`` (None: no column, e.g. a line list's one death) is read as."""
    return builder.column(col.letter if col else "", col.label if col else "", table_kind, role, measure, sex,
                          age_group, cause, denominator_kind)


def add_cell(builder: CellBuilder, row_id: int | None, col, kind: str, measure: str, value: float,
             sex: str = "unspecified", age_group: str = "", cause: str = "", role: str = "count",
             denominator_kind: str = "", raw: object = None) -> None:
    """A cell of the row ``row_id`` (None: a row whose cells are not kept)."""
    if row_id is None:
        return
    builder.add(row_id, cell_column(builder, col, kind, role, measure, sex, age_group, cause, denominator_kind),
                raw, value)


# --- the count check ------------------------------------------------------------------------

@lru_cache(maxsize=65536, typed=True)   # tables repeat the same few hundred cell texts
def read_cell(raw: object, blank_is_zero: bool, salt: str) -> tuple[Parsed, int, bool, bool]:
    """A cell read once per distinct text (and salt: a problem gives the text by its salted hash): its value,
    the decimals shown, whether it is implausibly large (an ID number?) and whether it is an odd count
    (negative or not whole)."""
    parsed = parse_number(raw, blank_is_zero=blank_is_zero)
    value = parsed.value
    implausible = not parsed.problem and value is not None and abs(value) > IMPLAUSIBLE_COUNT
    odd = value is not None and (value < 0 or not float(value).is_integer())
    return parsed, _decimals(raw), implausible, odd


def _decimals(raw: object) -> int:
    """Decimals shown in a reported value ('96,23' -> 2); floats from Excel count up to 2."""
    if raw is None:
        return 0
    text = str(raw).strip().rstrip("%")
    if isinstance(raw, float):
        text = repr(raw)
        return 0 if raw.is_integer() else min(len(text.split(".")[-1]), 2)
    for sep in (",", "."):
        if sep in text:
            tail = text.split(sep)[-1]
            if sep == "." and len(tail) == 3 and "," not in text:
                return 0  # '1.905' is a thousands separator
            return len(tail)
    return 0


@dataclass(frozen=True)
class CountIssue:
    """What is wrong with a cell read by ``read_cell``: the finding's severity, check and message, the reason
    that sets the row aside ('' when the row stays), and whether the value is kept (for the checks)."""

    severity: str
    check: str
    message: str
    reason: str
    value_kept: bool
    code: str = ""          # the message as a template of vocab/findings.csv, with its parameters
    params: tuple = ()      # (name, value) pairs

    def finding(self, file: str, sheet: str, row, column: str, year, area: str) -> dict:
        """The finding of this issue at a cell."""
        return finding(self.severity, self.check, file, sheet, row, column, year, area, self.code, **dict(self.params))


def count_issue(cell: tuple[Parsed, int, bool, bool], header: str, counts: bool) -> CountIssue | None:
    """The one count check of every format: None when the cell of column ``header`` (letter and label) is fine.

    Text, or an ID-sized number (above IMPLAUSIBLE_COUNT), in a cell that ``counts`` sets the row aside
    (error ``text_in_count`` or the reader's check, ``implausible_count``); in any other cell (a check
    total, a rate) the value is only left out of the checks (warning). A negative or non-integer count
    sets the row aside (``negative_count``, ``non_integer_count``); its value stays for the checks.
    """
    parsed, _, implausible, odd = cell
    if parsed.problem or implausible:
        what = ("implausibly large number (an ID number typed into a number cell?); correct the cell"
                if implausible else parsed.problem)
        what_param = nested("implausible") if implausible else nested(parsed.problem_key, **parsed.problem_params)
        if counts:
            return CountIssue("error", "implausible_count" if implausible else (parsed.check or "text_in_count"),
                              f"column {header}: {what}. The row is set aside.", f"column {header}: {what}", False,
                              "count_set_aside", (("column", header), ("what", what_param)))
        return CountIssue("warning", parsed.check or "unreadable_value",
                          f"column {header}: {what}; the value is left out of the checks.", "", False,
                          "value_left_out", (("column", header), ("what", what_param)))
    if not (counts and odd):
        return None
    value = parsed.value
    if value < 0:
        return CountIssue("error", "negative_count",
                          f"column {header}: negative count {value:g}. The row is set aside; correct the cell.",
                          f"column {header}: negative count {value:g}; counts cannot be below 0, correct the cell",
                          True, "negative_count", (("column", header), ("value", value)))
    return CountIssue("error", "non_integer_count",
                      f"column {header}: non-integer count {value:g}. The row is set aside; correct the cell.",
                      f"column {header}: non-integer count {value:g}; counts must be whole numbers, correct the cell",
                      True, "non_integer_count", (("column", header), ("value", value)))

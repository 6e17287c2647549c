"""Flat tables with one header row: monthly Puskesmas reports and AMP-SR death line lists.

The header row is found among the first rows (title lines may sit above it). Columns are
matched to fields through vocab/monthly.yaml or vocab/linelist.yaml. Personal-data columns are
dropped here, as the file is read. What travels on, for the cleaning report, is the vocabulary
term a dropped header matched ('NIK IBU'), or only the column letter: a header that was not
recognised is free text and is never written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..privacy import describe_text, personal_header_term, personal_columns
from ..text import norm
from ..vocab.causes import match_cause
from ..vocab.formats import flat_vocab
from ..vocab.layout import is_footer_text, lookup
from .grid import Grid, column_letter
from .numbers import parse_number
from .titles import title_district as district_in, title_year as year_in
from ..privacy import described
from ..vocab.findings import nested
from ..vocab.layout import rule_note


@dataclass
class FlatColumn:
    index: int
    header: str
    field: str = ""          # a field of the vocabulary, or 'cause' for monthly cause columns
    age_group: str = ""      # monthly cause columns
    cause: str = ""
    rule: str = ""
    rule_note: dict | None = None   # the rule as a template of vocab/findings.csv (vocab.findings.nested)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        """The field the column was recognised as ('live_births_male', 'cause / neonatal / asphyxia')."""
        return " / ".join(x for x in (self.field, self.age_group, self.cause) if x)


@dataclass
class FlatTable:
    kind: str                # monthly | linelist
    file: str
    sheet: str
    header_row: int          # Excel row number of the header
    columns: list[FlatColumn]
    rows: list[tuple[int, list[object]]]   # (Excel row, cells), personal-data cells removed
    dropped_personal: list[str] = field(default_factory=list)   # matched vocabulary term, or 'column X'
    dropped_other: list[str] = field(default_factory=list)
    title_year: int | None = None
    title_district: str | None = None
    footer_rows: list[int] = field(default_factory=list)
    title_district_cell: tuple[int, int] | None = None   # (Excel row, column index) of the title's district

    def col(self, name: str) -> FlatColumn | None:
        return next((c for c in self.columns if c.field == name), None)


def _score(row: list[object], kind: str) -> int:
    fields = flat_vocab(kind)["fields"]
    return sum(1 for c in row if isinstance(c, str) and lookup(c, fields, fuzzy=False)[0])


def detect(grid: Grid) -> str | None:
    """'monthly' or 'linelist' when a header row of that kind is among the first 15 rows."""
    for row in grid.rows[:15]:
        texts = {norm(c) for c in row if isinstance(c, str)}
        if not texts:
            continue
        monthly, linelist = flat_vocab("monthly")["detect"], flat_vocab("linelist")["detect"]
        if all(_holds(texts, words) for words in monthly.values()) and _score(row, "monthly") >= 4:
            return "monthly"
        if _score(row, "linelist") >= 3 and all(_holds(texts, words) for words in linelist.values()):
            return "linelist"
    return None


def _holds(texts: set[str], words: dict[str, list[str]]) -> bool:
    """Whether a cell text holds one of the ``contains`` words or is one of the ``equals`` words."""
    contains, equals = words.get("contains", ()), words.get("equals", ())
    return any(any(w in t for w in contains) or t in equals for t in texts)


def has_header(grid: Grid, kind: str) -> bool:
    """Whether a header row of this kind (at least 3 known columns) is among the first 15 rows."""
    return any(_score(row, kind) >= 3 for row in grid.rows[:15])


def read_flat(grid: Grid, kind: str) -> FlatTable:
    """The header, field columns and body rows of a monthly report or line list."""
    fields = flat_vocab(kind)["fields"]
    header_i = max(range(min(15, len(grid.rows))), key=lambda i: _score(grid.rows[i], kind))
    header = grid.rows[header_i]
    title_year = title_district = district_cell = None
    for i in range(header_i):
        text = norm(" ".join(str(c) for c in grid.rows[i] if isinstance(c, str)))
        if title_year is None:
            title_year = year_in(text)
        if title_district is None and (title_district := district_in(text)):
            district_cell = (i + 1, next(j for j, c in enumerate(grid.rows[i]) if isinstance(c, str)))
    body = grid.rows[header_i + 1:]
    # values are looked at only under headers that are not fields the tool reads (those are kept anyway)
    unknown = {j for j, h in enumerate(header) if not lookup(str(h or ""), fields, fuzzy=False)[0]}
    drop = set(personal_columns(header, body, unknown))
    columns, dropped_personal, dropped_other, used = [], [], [], set()
    for j, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        name = str(h).strip()
        known, _ = lookup(name, fields, fuzzy=False)
        personal = personal_header_term(name)
        if j in drop and (personal or not known):
            # a field the tool reads (a cause text, say) is kept: its text is never written
            dropped_personal.append(personal or f"column {column_letter(j)}")
            continue
        key, rule = lookup(name, fields)
        if key and key not in used:
            used.add(key)
            columns.append(FlatColumn(j, name, key, rule=rule, rule_note=rule_note(rule)))
            continue
        if kind == "monthly":
            cause_col = _monthly_cause(j, name)
            if cause_col is not None:
                columns.append(cause_col)
                continue
        dropped_other.append(f"column {column_letter(j)}" + (f" (a second {key} column)" if key else ""))
    rows, footer = [], []
    keep = {c.index for c in columns}
    for i, row in enumerate(body, start=header_i + 2):
        cells = [row[j] if (j < len(row) and j in keep) else None for j in range(len(header))]
        if all(c is None for c in cells):
            continue
        if is_footer_text(next((c for c in row if isinstance(c, str)), None)) and not _has_numbers(cells):
            footer.append(i)  # 'Sumber: ...' with no numbers; a Puskesmas named 'Sumber Harta' is data
            continue
        rows.append((i, cells))
    return FlatTable(kind, str(grid.file), grid.sheet, header_i + 1, columns, rows, dropped_personal,
                     dropped_other, title_year, title_district, footer, district_cell)


def _has_numbers(cells: list[object]) -> bool:
    """Whether any cell holds a number (an Excel number, or text that reads as one)."""
    return any(parse_number(c, blank_is_zero=False).value is not None for c in cells if c is not None)


def _monthly_cause(index: int, header: str) -> FlatColumn | None:
    """'PENYEBAB NEONATAL - BBLR' -> a neonatal cause column for lbw_prematurity."""
    parts = re.split(r"\s+-\s+|:\s*|/", header, maxsplit=1)
    if len(parts) != 2:
        return None
    section, _ = lookup(parts[0], flat_vocab("monthly")["cause_sections"])
    if not section:
        return None
    match = match_cause(parts[1])
    rule = "" if match.rule in ("exact", "alias") else match.rule
    note = match.note
    if match.rule == "unrecognised":
        rule = (f"cause header not in the cause vocabulary ({describe_text(parts[1])}); counted as 'other' "
                "(add an alias to cause_aliases.csv)")
        note = nested("cause_header_unknown", cell=described(parts[1]))
    return FlatColumn(index, header, "cause", section, match.code, rule, note)

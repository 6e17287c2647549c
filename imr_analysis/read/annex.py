"""Finding and laying out the Profil Kesehatan annex tables inside a grid.

A table is found by its title text (tables.yaml), never by sheet name or table number. Its
title block gives the district and year; the 2-4 merged header rows give each column's path
(e.g. JUMLAH KEMATIAN / LAKI LAKI / NEONATAL), which is interpreted into a measure, a sex,
an age group or a cause. The body is split into data rows, total rows (JUMLAH KAB.), rate
rows (ANGKA ... (DILAPORKAN)) and footer lines. '(lanj.)' continuation blocks are further
blocks of the same table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError, Location
from ..privacy import cell_text, describe_text
from ..text import norm
from ..vocab.causes import match_cause
from ..vocab.maternal import match_maternal_cause
from ..vocab.layout import first_group, is_footer_text, layout, lookup, table_label
from .grid import Grid, column_letter
from .titles import title_district, title_year
from ..privacy import described
from ..vocab.findings import nested
from ..vocab.layout import rule_note

_TABLE_NO = re.compile(r"^TABEL\s*\d+")


@dataclass
class Column:
    index: int
    header: str               # the header path joined with ' / '
    role: str = "ignored"     # count | check | pct | ignored
    measure: str = ""
    sex: str = ""             # male | female | total | '' (not split)
    age_group: str = ""       # causes: neonatal | postneonatal | child
    cause: str = ""
    denominator_kind: str = ""  # kn: live_births | sasaran
    rule: str = ""            # header mapping applied (typo fixed, alias), or why ignored
    rule_note: dict | None = None  # the rule as a template of vocab/findings.csv (vocab.findings.nested)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        """What the column was recognised as, in vocabulary terms ('deaths / neonatal / male'); never the header text."""
        return " / ".join(x for x in (self.measure, self.age_group, self.cause, self.sex) if x) or "not recognised"


@dataclass
class BodyRow:
    row: int                  # Excel row number (1-based)
    kind: str                 # data | total | rate
    label: str                # the Puskesmas name as written (or the total/rate label)
    kecamatan: str
    cells: dict[int, object]  # column index -> raw cell
    name_column: str = ""     # the letters of the Puskesmas and kecamatan columns, for messages
    kecamatan_column: str = ""


@dataclass
class Block:
    title_row: int
    continuation: bool
    columns: list[Column]
    rows: list[BodyRow]
    footer_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0
    sheet: str = ""           # a '(lanj.)' block may sit on another sheet than its table's first block
    edge: int = 0             # the table's columns are 0 .. edge-1
    outside: list[tuple[int, int]] = field(default_factory=list)  # (Excel row, column index) of values beyond edge
    district_cell: tuple[int, int] | None = None  # (Excel row, column index) of the title's KABUPATEN ... line


@dataclass
class AnnexTable:
    kind: str
    file: str
    sheet: str
    title: str
    year: int | None
    district: str | None
    blocks: list[Block]

    def location(self, row: int | None = None, column: str = "") -> Location:
        return Location(self.file, self.sheet, row, column)

    @property
    def columns(self) -> list[Column]:
        return [c for b in self.blocks for c in b.columns]


def _row_text(cells: list[object]) -> str:
    return norm(" ".join(str(c) for c in cells if isinstance(c, str)))


def _title_kind(text: str) -> str | None:
    for kind, spec in layout()["tables"].items():
        rule = spec["title"]
        if all(k in text for k in rule["all_of"]) and not any(k in text for k in rule["none_of"]):
            return kind
    return None


def find_tables(grid: Grid, finish: bool = True) -> list[AnnexTable]:
    """Every annex table in a grid, continuation blocks joined to their table.

    ``finish=False`` leaves the column roles undecided, for a caller that first joins '(lanj.)'
    blocks found on other sheets (then calls ``finish_table``).
    """
    titles: list[tuple[int, str, str]] = []
    for i, row in enumerate(grid.rows):
        strings = [c for c in row if isinstance(c, str)]
        if not strings or len(strings) > 3 or any(isinstance(c, (int, float)) for c in row):
            continue
        text = _row_text(row)
        if "JUMLAH" not in text and "CAKUPAN" not in text:
            continue
        kind = _title_kind(text)
        if kind:
            titles.append((i, kind, " ".join(strings)))
    tables: list[AnnexTable] = []
    for n, (i, kind, title) in enumerate(titles):
        end = titles[n + 1][0] if n + 1 < len(titles) else len(grid.rows)
        continuation = _is_continuation(grid, i)
        block, year, district = _read_block(grid, kind, i, end, continuation)
        tables.append(AnnexTable(kind, str(grid.file), grid.sheet, title, year, district, [block]))
    tables = join_continuations(tables)
    if finish:
        for table in tables:
            finish_table(table)
    return tables


def finish_table(table: AnnexTable) -> None:
    """Decide the column roles over all blocks of a table, and check it has the columns its indicators need."""
    _assign_roles(table)
    _check_required(table)


def join_continuations(tables: list[AnnexTable]) -> list[AnnexTable]:
    """Join '(lanj.)' tables of a file to their table: the nearest one of the same kind before them,
    else the first one after them (a continuation sheet placed before the main sheet)."""
    mains = [t for t in tables if not t.blocks[0].continuation]
    joined = []
    for n, table in enumerate(tables):
        if table in mains:
            joined.append(table)
            continue
        before = [m for m in tables[:n] if m in mains and m.kind == table.kind]
        target = before[-1] if before else next((m for m in tables[n:] if m in mains and m.kind == table.kind), None)
        if target is None:
            joined.append(table)
            continue
        target.blocks.extend(table.blocks)
        target.year = target.year or table.year
        target.district = target.district or table.district
    return joined


REQUIRED = {"births": [("live_births",)], "deaths": [("neonatal", "infant"), ("postneonatal", "infant")],
            "causes": [("deaths",)], "child_causes": [("deaths",)], "kn": [("denominator",), ("kn1", "kn_lengkap")],
            "maternal": [("pregnancy", "delivery", "postpartum", "all_periods")], "maternal_causes": [("deaths",)]}


def _check_required(table: AnnexTable) -> None:
    """A table must have the columns its indicators need, or the user is told which are missing."""
    measures = {c.measure for c in table.columns if c.role in ("count", "check", "pct")}
    for options in REQUIRED[table.kind]:
        if not measures & set(options):
            # the columns it needs, in words: the template required_<kind> of vocab/input_errors.csv
            raise InputError.from_key("missing_required_column", table.location(table.blocks[0].title_row),
                                      table=table_label(table.kind, "id"),
                                      required={"key": f"required_{table.kind}"})


def _is_continuation(grid: Grid, title_index: int) -> bool:
    lines = [_row_text(grid.rows[k]) for k in range(max(0, title_index - 2), title_index + 1)]
    return any(word in line.split() for line in lines for word in layout()["continuation"])


def _read_block(grid: Grid, kind: str, start: int, end: int, continuation: bool):
    year = district = district_cell = None
    header_start = None
    for i in range(start, min(end, start + 12)):
        text = _row_text(grid.rows[i])
        if year is None:
            year = title_year(text)
        if i > start and district is None and not _TABLE_NO.match(text) and (name := title_district(text)):
            district = name
            district_cell = (i + 1, next(j for j, c in enumerate(grid.rows[i]) if isinstance(c, str)))
        if i > start and _label_columns(grid.rows[i]):
            header_start = i
            break
    if header_start is None:
        raise InputError.from_key("no_header_row", Location(str(grid.file), grid.sheet, start + 1))
    number_row = _number_row(grid, header_start, end)
    header_end = number_row if number_row is not None else _first_data_row(grid, header_start, end)
    edge = _right_edge(grid, header_start, header_end, number_row)
    paths = _header_paths(grid, header_start, header_end)[:edge]
    labels = _label_columns_from_paths(paths)
    columns = [
        _interpret(kind, j, path)
        for j, path in enumerate(paths)
        if j not in labels.values() and any(path)
    ]
    body_start = (number_row + 1) if number_row is not None else header_end
    block = Block(start + 1, continuation, columns, [], sheet=grid.sheet, edge=edge, district_cell=district_cell)
    block.outside = [(i + 1, j) for i in range(header_start, body_start)
                     for j in range(edge, len(grid.rows[i])) if grid.rows[i][j] is not None]
    _read_body(grid, block, labels, body_start, end)
    return block, year, district


def _label_columns(row: list[object]) -> dict[str, int]:
    found = {}
    for j, cell in enumerate(row[:6]):
        if isinstance(cell, str):
            key, _ = lookup(cell, layout()["label_columns"], fuzzy=len(cell) > 4)
            if key and key not in found:
                found[key] = j
    return found if ("puskesmas" in found or "kecamatan" in found) else {}


def _label_columns_from_paths(paths: list[list[str]]) -> dict[str, int]:
    found = {}
    for j, path in enumerate(paths[:6]):
        if path:
            key, _ = lookup(path[0], layout()["label_columns"], fuzzy=len(path[0]) > 4)
            if key and key not in found:
                found[key] = j
    return found


def _number_row(grid: Grid, header_start: int, end: int) -> int | None:
    """The row of column numbers (1, 2, 3, ...) under the header, if any."""
    for i in range(header_start + 1, min(end, header_start + 7)):
        if _number_run(grid.rows[i]) is not None:
            return i
    return None


def _number_run(row: list[object]) -> int | None:
    """The column of the last number when a row's cells start 1, 2, 3, ... (at least three), else None.

    Cells after the run (a junk block beside the table) do not stop the row being the column numbers.
    """
    expected, last = 1, None
    for j, c in enumerate(row):
        if c is None:
            continue
        try:
            number = float(str(c).strip("() "))
        except ValueError:
            break
        if number != expected:
            break
        last, expected = j, expected + 1
    return last if expected > 3 else None


def _right_edge(grid: Grid, header_start: int, header_end: int, number_row: int | None) -> int:
    """One past the table's last column: the last of its column numbers 1, 2, 3 ..., else its last header label.

    A merged label is carried to the right only within these columns, so a scratch column, a
    sum or a block of junk beside the table is never read as part of it.
    """
    if number_row is not None:
        return _number_run(grid.rows[number_row]) + 1
    last = -1
    for i in range(header_start, header_end):
        last = max([last] + [j for j, c in enumerate(grid.rows[i]) if c is not None])
    return last + 1


def _first_data_row(grid: Grid, header_start: int, end: int) -> int:
    for i in range(header_start + 1, end):
        if isinstance(grid.cell(i, 0), (int, float)):
            return i
    return header_start + 1


def _header_paths(grid: Grid, start: int, stop: int) -> list[list[str]]:
    """Column paths from merged header rows, filling a merged label across its span.

    A label fills to the right until the next label on its row or the edge of its parent's
    span (the label above), so 'LAKI-LAKI' covers NEONATAL, POST NEONATAL and BALITA beneath it.
    """
    width = max((len(grid.rows[i]) for i in range(start, stop)), default=0)
    paths: list[list[str]] = [[] for _ in range(width)]
    parent_ids = [0] * width
    for i in range(start, stop):
        row = grid.rows[i]
        current, current_parent, new_ids = None, None, [0] * width
        for j in range(width):
            cell = row[j] if j < len(row) else None
            text = str(cell).strip() if cell is not None else ""
            if text:
                current, current_parent = text, parent_ids[j]
                new_ids[j] = hash((parent_ids[j], i, j))
                paths[j].append(text)
            elif current is not None and parent_ids[j] == current_parent and not _is_label_col(paths[j]):
                paths[j].append(current)
                new_ids[j] = new_ids[j - 1]
            else:
                current = None
                new_ids[j] = parent_ids[j]
        parent_ids = new_ids
    return paths


def _is_label_col(path: list[str]) -> bool:
    return bool(path) and lookup(path[0], layout()["label_columns"], fuzzy=False)[0] is not None


def _read_body(grid: Grid, block: Block, labels: dict[str, int], start: int, end: int) -> None:
    lay = layout()
    footer = False
    kecamatan = ""
    value_cols = [c.index for c in block.columns]
    name_cols = [labels[k] for k in ("no", "kecamatan", "puskesmas") if k in labels]
    for i in range(start, end):
        row = grid.rows[i]
        block.outside += [(i + 1, j) for j in range(block.edge, len(row)) if row[j] is not None]
        if all(c is None for c in row[: block.edge]):
            block.blank_rows += 1
            continue
        label_area = row[: max(name_cols, default=2) + 2]
        texts = [norm(c) for c in label_area if isinstance(c, str)]
        first = texts[0] if texts else ""
        cells = {j: (row[j] if j < len(row) else None) for j in value_cols}
        number = row[labels["no"]] if "no" in labels and labels["no"] < len(row) else None
        if all(v is None for v in cells.values()) and not str(number or "").strip().isdigit() and \
                (footer or any(is_footer_text(c) for c in label_area)):
            footer = True  # the lines under a footer are footer too, as long as they hold no counts
            block.footer_rows.append(i + 1)
            continue
        name = row[labels["puskesmas"]] if "puskesmas" in labels and labels["puskesmas"] < len(row) else None
        kec = row[labels["kecamatan"]] if "kecamatan" in labels and labels["kecamatan"] < len(row) else None
        if any(t.split(" ")[0] in lay["rate_row_prefix"] for t in texts):
            block.rows.append(BodyRow(i + 1, "rate", " ".join(texts), "", cells))
            continue
        if any(_is_total_label(t) for t in texts):
            block.rows.append(BodyRow(i + 1, "total", first, "", cells))
            continue
        if kec is not None and str(kec).strip():
            kecamatan = cell_text(kec)
        label = cell_text(name)
        if not label and all(v is None for v in cells.values()):
            block.blank_rows += 1  # a numbered template row with nothing in it
            continue
        letters = {k: column_letter(labels[k]) if k in labels else "" for k in ("puskesmas", "kecamatan")}
        block.rows.append(BodyRow(i + 1, "data", label, kecamatan, cells, letters["puskesmas"], letters["kecamatan"]))


def _is_total_label(text: str) -> bool:
    totals = layout()["total_row"]
    return text in totals or text.startswith("JUMLAH") or text.startswith("TOTAL")


# --- column interpretation -------------------------------------------------------------

def _sex(path: list[str]) -> str:
    for element in path:
        key, _ = lookup(element, layout()["sex"], fuzzy=False)
        if key:
            return key
    return ""


def _interpret(kind: str, index: int, path: list[str]) -> Column:
    col = Column(index, " / ".join(path))
    measures = layout()["measures"]
    leaf = path[-1]
    if kind in ("births", "deaths"):
        col.measure, col.rule = lookup(leaf, measures[kind])
        col.rule_note = rule_note(col.rule)
        col.measure = col.measure or ""
        col.sex = _sex(path[:-1]) or _sex([leaf])
        if not col.measure:
            col.rule, col.rule_note = "column not recognised for this table; not used", nested("column_not_recognised")
            return col
        col.role = "count"
    elif kind in ("causes", "child_causes"):
        col.age_group = "child" if kind == "child_causes" else _cause_section(path[:-1])
        if not col.age_group:
            col.rule, col.rule_note = ("no neonatal / post-neonatal section above this column; not used",
                                       nested("column_no_section"))
            return col
        total, _ = lookup(leaf, {"total": measures["section_total"]}, fuzzy=False)
        if total:
            col.role, col.measure = "check", "section_total"
            return col
        match = match_cause(leaf)
        col.role, col.measure, col.cause = "count", "deaths", match.code
        if match.rule == "unrecognised":
            col.rule = (f"cause header not in the cause vocabulary ({describe_text(leaf)}); counted as 'other' "
                        "(add an alias to cause_aliases.csv)")
            col.rule_note = nested("cause_header_unknown", cell=described(leaf))
        elif match.rule.startswith("typo"):
            col.rule, col.rule_note = match.rule, match.note
    elif kind == "maternal":
        _interpret_maternal(col, path)
    elif kind == "maternal_causes":
        _interpret_maternal_cause(col, leaf)
    elif kind == "kn":
        group = _kn_group(path)
        col.sex = _sex(path)
        if group in (None, "ignored"):
            col.rule, col.rule_note = "column not used (not a KN count, percentage or denominator)", nested("column_not_kn")
            return col
        unit, _ = lookup(leaf, measures["kn_units"], fuzzy=False)
        col.measure = group
        if group == "denominator":
            col.denominator_kind = first_group(path, measures["kn_denominators"]) or "live_births"
        col.role = "pct" if unit == "pct" else "count"
    return col


def _interpret_maternal(col: Column, path: list[str]) -> None:
    """A column of the maternal-deaths table: measure = the period (pregnancy, delivery, postpartum or
    all_periods), age_group = the age group (or all_ages); only a period x age-group column is a count,
    the JUMLAH columns and the table's own JUMLAH LAHIR HIDUP are reported values to check."""
    measures = layout()["measures"]
    col.sex = "unspecified"
    if first_group(path, {"live_births": measures["maternal_live_births"]}):
        col.role, col.measure = "check", "live_births"
        return
    period = first_group(path, measures["maternal_periods"])
    age = first_group(path[-1:], measures["maternal_ages"]) if len(path) > 1 else None
    if not period or not age:
        col.rule = "column not recognised for this table (no period and age group); not used"
        col.rule_note = nested("column_not_maternal")
        return
    col.measure, col.age_group = period, age
    col.role = "count" if period != "all_periods" and age != "all_ages" else "check"


def _interpret_maternal_cause(col: Column, leaf: str) -> None:
    """A column of the maternal cause table: a cause (maternal_causes.csv) or the reported total."""
    col.sex = "unspecified"
    total, _ = lookup(leaf, {"total": layout()["measures"]["maternal_cause_total"]}, fuzzy=False)
    if total:
        col.role, col.measure = "check", "cause_total"
        return
    match = match_maternal_cause(leaf)
    col.role, col.measure, col.cause = "count", "deaths", match.code
    if match.rule == "unrecognised":
        col.rule = (f"cause header not in the maternal cause vocabulary ({describe_text(leaf)}); counted as 'other' "
                    "(add it to maternal_causes.csv)")
        col.rule_note = nested("maternal_cause_header_unknown", cell=described(leaf))
    elif match.rule.startswith("typo"):
        col.rule, col.rule_note = match.rule, match.note


def _cause_section(path: list[str]) -> str:
    """The age group of a cause column, from the section above it (tables.yaml ``cause_sections``); '' for none."""
    return first_group(path, layout()["measures"]["cause_sections"]) or ""


def _kn_group(path: list[str]) -> str | None:
    """The KN group of a column (tables.yaml ``kn_groups``): kn1, kn_lengkap, denominator, ignored, or None."""
    return first_group(path, layout()["measures"]["kn_groups"])


def _assign_roles(table: AnnexTable) -> None:
    """Decide which columns are canonical counts and which are reported checks.

    Where a measure has male and female columns, those are the counts and the L+P column is a
    reported total to check against them; where it has only a total, that total is the count
    (sex 'unspecified'). Derived columns (HIDUP + MATI, BAYI, JUMLAH TOTAL) are checks.
    """
    derived = {"total_births", "infant", "under5"}
    counts = [c for c in table.columns if c.role in ("count", "pct")]
    for col in counts:
        if col.measure in derived:
            col.role = "check"
    by_measure: dict[tuple[str, str], set[str]] = {}
    for col in counts:
        by_measure.setdefault((col.measure, col.role), set()).add(col.sex)
    if table.kind in ("births", "deaths", "kn"):
        for col in counts:
            sexes = by_measure[(col.measure, col.role)]
            if col.sex == "" and sexes & {"male", "female", "total"}:
                block = next(b for b in table.blocks if col in b.columns)
                raise InputError.from_key("sex_header_shifted", Location(table.file, block.sheet, block.title_row,
                                                                         col.letter),
                                          column=col.letter, measure=col.measure)
    for col in counts:
        sexes = by_measure[(col.measure, col.role)]
        split = {"male", "female"} <= sexes
        if col.sex == "total" and split and col.role == "count":
            col.role = "check"
        elif col.sex in ("total", "") and not split:
            col.sex = "unspecified"

"""Accounting for the annex tables: every body row of every table ends in one ledger state.

* ``kept``      read as it stands;
* ``mapped``    read after a rule: a Puskesmas alias, blank/'-' -> 0, an Indonesian number,
                a new district's name taken as written;
* ``set_aside`` not used, with a reason the user can act on (unknown Puskesmas, text or a
                negative number in a count cell, a duplicate);
* ``reported``  a total or rate row (JUMLAH KAB., ANGKA ... (DILAPORKAN)): kept as a reported
                value and checked against the data, never counted.

Free text of the input is never copied into the ledger, findings or notes (privacy.py): names
and cells are given by their column, length and salted hash, columns by what they were
recognised as, tables by their kind.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from .cells import CellBuilder
from .core import (Context, cell_column, cell_row, close_entry, consume, count_issue, finding, ledger_entry,
                   ledger_record, read_cell, summarise_rules)
from .places import check_title_district, resolve_puskesmas
from ..errors import InputError
from ..read.grid import column_letter
from ..privacy import current_salt, looks_like_place_name
from ..read.annex import AnnexTable, BodyRow, Column
from ..vocab.findings import nested
from ..vocab.puskesmas import Registry


def account_table(table: AnnexTable, t_year: int, t_district: str, ctx: Context, builder: CellBuilder,
                  seen_rows: dict[tuple, tuple], ledger_rows: list, notes: list) -> None:
    """Every body row of an annex table in ``ledger_rows`` (compact records), its cells in ``builder``, its
    column notes in ``notes``; the values outside its blocks, duplicates and cell problems in ``ctx.problems``."""
    for b, block in enumerate(table.blocks):
        on_sheet = replace(table, sheet=block.sheet or table.sheet)  # a '(lanj.)' block may be on another sheet
        notes += _column_notes(on_sheet, block.columns, t_year)
        if block.outside:
            ctx.problems.append(_outside_finding(on_sheet, block, t_year))
        plan = _BlockPlan(on_sheet, block.columns, builder)
        for body in consume(block.rows):
            entry = _account_row(on_sheet, b, plan, body, t_year, t_district, ctx, builder, seen_rows)
            ledger_rows.append(ledger_record(entry))


def resolve_period(table: AnnexTable, year: int | None, district: str | None, problems: list,
                    registry: Registry) -> tuple[int, str]:
    where = table.location(table.blocks[0].title_row)
    t_year = table.year or year
    if t_year is None:
        raise InputError.from_key("no_year", where)
    if table.year and year and table.year != year:
        problems.append(finding("warning", "year_mismatch", table.file, table.sheet, where.row, "", table.year, "",
                                "year_mismatch", title_year=table.year, year=year))
    t_district = table.district or district
    if table.district and not (registry.knows_district(table.district) or looks_like_place_name(table.district)):
        if not district:
            raise InputError.from_key("district_not_place", where)
        problems.append(finding("warning", "not_a_place_name", table.file, table.sheet, where.row, "", t_year, "",
                                "district_line_not_place"))
        t_district = district
    elif table.district and district:
        block = next(b for b in table.blocks if b.district_cell)
        check_title_district(table.file, block.sheet or table.sheet, block.district_cell, table.district, district,
                              t_year, problems)
    if not t_district:
        raise InputError.from_key("no_district", where)
    return t_year, t_district


class _BlockPlan:
    """What every row of a block shares: its columns (letter, header text, cell-column id) and their signature."""

    def __init__(self, table: AnnexTable, columns: list[Column], builder: CellBuilder):
        read = [c for c in columns if c.role != "ignored"]
        self.columns = [(col, col.letter, f"{col.letter} ({col.label})",
                         cell_column(builder, col, table.kind, col.role, col.measure, col.sex, col.age_group,
                                     col.cause, col.denominator_kind),
                         col.role == "count", col.role in ("count", "check")) for col in read]
        self.signature = tuple(sorted((c.measure, c.sex, c.age_group, c.cause, c.role) for c in read))
        self.salt = current_salt()


def _account_row(table: AnnexTable, block_no: int, plan: _BlockPlan, body: BodyRow, year: int,
                 district_raw: str, ctx: Context, builder: CellBuilder, seen_rows: dict[tuple, tuple]) -> dict:
    """The ledger entry for a body row; its parsed cells go to ``builder`` (not counted when set aside)."""
    registry, problems = ctx.registry, ctx.problems
    district = registry.district_name(district_raw)
    block = "lanj." if block_no else "main"
    entry = ledger_entry(table, body.row, year, district, body.label, "annex", block, body.kind)
    rules: list[str] = []
    reasons: list[str] = []
    geo = {"province": registry.province(district_raw), "district": district, "kecamatan": "", "puskesmas": ""}

    if body.kind == "total":
        reasons.append("district total row: kept as a reported value and checked against the sum of the Puskesmas rows")
    elif body.kind == "rate":
        reasons.append("reported rate row: kept as a reported value and checked against the recomputed rate")
    else:
        geo = resolve_puskesmas(ctx, district_raw, body.label, rules, reasons, table, entry, body.name_column,
                                body.kecamatan, body.kecamatan_column)
    row_id = cell_row(builder, table, body.row, year, pd.NA, geo, "annex", block, body.kind)

    values: list[tuple[str, float | None]] = []   # (column letter, value) for the duplicate check
    cell_rules: list[str] = []
    data, rate = body.kind == "data", body.kind == "rate"
    column_ids, raws, numbers, decimals = [], [], [], []
    for col, letter, header, column_id, is_count, blank_is_zero in plan.columns:
        raw = body.cells.get(col.index)
        cell = read_cell(raw, blank_is_zero and not rate, plan.salt)
        parsed, shown, implausible, odd = cell
        if parsed.problem or implausible or odd:
            issue = count_issue(cell, header, is_count and data)
            if issue is not None:
                if issue.reason:
                    reasons.append(issue.reason)
                problems.append(issue.finding(table.file, table.sheet, body.row, letter, year, geo["puskesmas"] or district))
                if not issue.value_kept:  # text or an ID number: kept nowhere, not even for the checks
                    continue
        if parsed.rule and data:
            cell_rules.append(parsed.rule)
        column_ids.append(column_id)
        raws.append(raw)
        numbers.append(parsed.value)
        decimals.append(shown)
        values.append((letter, parsed.value))
    builder.add_cells(row_id, column_ids, raws, numbers, decimals)
    rules.extend(summarise_rules(cell_rules))
    duplicate = False
    if data and geo["puskesmas"] and not reasons:
        _check_duplicate(table, plan.signature, body, values, district, year, geo, seen_rows, reasons, problems)
        duplicate = bool(reasons)
    if data and reasons:  # kept for the table-total checks only, never counted
        builder.set_used(row_id, False)
    # A data row set aside for anything but being a duplicate leaves its counts out of the data.
    return close_entry(entry, rules, reasons, counts_missing=not duplicate)


def _check_duplicate(table: AnnexTable, signature: tuple, body: BodyRow, cells: list[tuple[str, float | None]],
                     district: str, year: int, geo: dict, seen: dict, reasons: list, problems: list) -> None:
    """The same Puskesmas, year and columns read twice (same table or another file): the second is set aside.

    ``signature`` says which columns the row has; ``cells`` are its (column letter, value) pairs.
    When its numbers differ from the first, a 'conflicting_duplicate' warning asks which is right.
    """
    key = (table.kind, district, year, geo["puskesmas"], signature)
    values = tuple(v for _, v in sorted(cells))   # by column letter (one cell per column)
    first = seen.get(key)
    if first is None:
        seen[key] = (table.file, table.sheet, body.row, values)
        return
    f_file, f_sheet, f_row, f_values = first
    where = f"row {f_row}" if (f_file, f_sheet) == (table.file, table.sheet) else \
        f"{Path(f_file).name}" + (f", sheet '{f_sheet}'" if f_sheet else "") + f", row {f_row}"
    where_param = nested("where_row", row=f_row) if (f_file, f_sheet) == (table.file, table.sheet) else \
        nested("where_file_sheet_row", file=Path(f_file).name, sheet=f_sheet, row=f_row) if f_sheet else \
        nested("where_file_row", file=Path(f_file).name, row=f_row)
    same = "the same numbers" if f_values == values else "DIFFERENT numbers"
    reasons.append(f"second row for {geo['puskesmas']} {year} in this table (first at {where}, {same}); not counted twice")
    if f_values != values:
        problems.append(finding("warning", "conflicting_duplicate", table.file, table.sheet, body.row, "", year,
                                geo["puskesmas"], "conflicting_duplicate", area=geo["puskesmas"], year=year,
                                where=where_param))


def _column_notes(table: AnnexTable, columns: list[Column], year: int) -> list[dict]:
    """A note for each column read under a rule (a typo fixed, an unknown cause, not used); neighbouring
    columns with the same note (a block of unrecognised columns) share one note."""
    runs: list[list[Column]] = []
    for col in (c for c in columns if c.rule):
        if runs and runs[-1][-1].rule == col.rule and runs[-1][-1].index == col.index - 1:
            runs[-1].append(col)
        else:
            runs.append([col])
    notes = []
    for run in runs:
        first, last = run[0], run[-1]
        header, note, note_param = _recognised_as(first), first.rule, first.rule_note
        if len(run) > 1:
            header = f"{_recognised_as(first)} … {_recognised_as(last)}" if _recognised_as(first) else ""
            note = f"{first.rule} ({len(run)} neighbouring columns, {first.letter} to {last.letter})"
            note_param = nested("columns_run", note=first.rule_note, n=len(run), first=first.letter, last=last.letter)
        notes.append({"file": table.file, "sheet": table.sheet, "table": table.kind, "year": year,
                      "column": first.letter, "header": header, "note": note, "note_param": note_param})
    return notes


def _recognised_as(col: Column) -> str:
    """What a column was recognised as, for notes; '' for one that was not (its header text is never written)."""
    return "" if col.role == "ignored" else col.label


def _outside_finding(table: AnnexTable, block, year: int) -> dict:
    """One finding for the values beside a block, right of its last column (scratch sums, notes, junk)."""
    refs = [f"{column_letter(j)}{r}" for r, j in block.outside]
    rows, cols = [r for r, _ in block.outside], [j for _, j in block.outside]
    span = f"{column_letter(min(cols))}{min(rows)}:{column_letter(max(cols))}{max(rows)}"
    code = "outside_table_one" if len(refs) == 1 else "outside_table_more" if len(refs) > 10 else "outside_table"
    return finding("warning", "outside_table", table.file, table.sheet, min(rows), column_letter(min(cols)), year, "",
                   code, n=len(refs), edge=column_letter(block.edge - 1), span=span, shown=", ".join(refs[:10]),
                   more=len(refs) - 10)

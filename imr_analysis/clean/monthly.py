"""Accounting for monthly Puskesmas reports: one ledger entry per raw row, its counts as cells.

A monthly row gives births, deaths, causes and KN for one Puskesmas and month. Cells that were not
recognised are described by their column, length and a salted hash (privacy.py), never copied.
"""
from __future__ import annotations

import pandas as pd

from .cells import CellBuilder
from .core import (Context, add_cell, cell_row, close_entry, count_issue, finding, ledger_entry, read_cell,
                   summarise_rules)
from .places import district_of_row, resolve_puskesmas
from ..errors import InputError, Location
from ..privacy import current_salt, describe_cell, describe_text, looks_like_place_name
from ..read.dates import parse_month
from ..read.flat import FlatTable
from ..read.numbers import parse_number
from ..schemas import UNKNOWN


MONTHLY_COUNTS = {
    "live_births_male": ("births", "live_births", "male"),
    "live_births_female": ("births", "live_births", "female"),
    "live_births": ("births", "live_births", "unspecified"),
    "stillbirths": ("births", "stillbirths", "unspecified"),
    "postneonatal": ("deaths", "postneonatal", "unspecified"),
    "kn_lengkap": ("kn", "kn_lengkap", "unspecified"),
    "kn1": ("kn", "kn1", "unspecified"),
}


def account_monthly(table: FlatTable, ctx: Context, builder: CellBuilder) -> list[dict]:
    """Ledger entries for every row of a monthly report; its cells go to ``builder``."""
    ledger = []
    has_split = table.col("live_births_male") is not None and table.col("live_births_female") is not None
    seen: dict[tuple, int] = {}
    salt = current_salt()
    for row, cells in table.rows:
        rules, reasons = [], []
        counts_missing = True
        pkm_col = table.col("puskesmas")
        raw_name = cells[pkm_col.index] if pkm_col is not None else None
        year = _year(table, ctx, cells, reasons)
        month_col = table.col("month")
        month = parse_month(cells[month_col.index]) if month_col is not None else None
        if month is None:
            reasons.append(f"column {month_col.letter if month_col else '?'} (month): "
                           f"{describe_cell(cells[month_col.index]) if month_col else 'no month column'} is not a "
                           "month name or number 1-12; write it as Januari ... Desember or 1 ... 12")
        district_raw = district_of_row(table, ctx, cells, reasons)
        entry = ledger_entry(table, row, year, ctx.registry.district_name(district_raw), raw_name, table.kind)
        kec_col = table.col("kecamatan")
        geo = resolve_puskesmas(ctx, district_raw, raw_name, rules, reasons, table, entry,
                                pkm_col.letter if pkm_col else "",
                                cells[kec_col.index] if kec_col is not None else "", kec_col.letter if kec_col else "")
        entry["month"] = month if month else pd.NA
        desa = ctx.desa[(table.file, table.sheet, row)] = _desa(table, cells, rules)
        key = (geo["puskesmas"], year, month, desa)   # a report by desa has one row per desa and month
        if geo["puskesmas"] and month and not reasons:
            if key in seen:
                where = "" if desa == UNKNOWN else f" desa {desa}"
                reasons.append(f"second row for {geo['puskesmas']}{where} {month}/{year} (first at row {seen[key]}); "
                               "not counted twice")
                counts_missing = False  # the first row is counted
            else:
                seen[key] = row
        # a row without a year is in the ledger only: its cells cannot be compared with anything
        row_id = cell_row(builder, table, row, year, month, geo, table.kind) if year is not None else None
        cell_rules = []
        neonatal = 0.0
        neonatal_cols = [c for c in (table.col("neonatal_0_6"), table.col("neonatal_7_28")) if c is not None] \
            or [c for c in (table.col("neonatal"),) if c is not None]
        for col in table.columns:
            if col.field in ("month", "year", "puskesmas", "kecamatan", "desa", "district", "sasaran_puskesmas"):
                continue
            cell = read_cell(cells[col.index], True, salt)
            if (issue := count_issue(cell, f"{col.letter} ({col.label})", counts=True)) is not None:
                reasons.append(issue.reason)
                ctx.problems.append(issue.finding(table.file, table.sheet, row, col.letter, year, geo["puskesmas"]))
                if not issue.value_kept:
                    continue
            parsed, value = cell[0], cell[0].value
            if parsed.rule:
                cell_rules.append(parsed.rule)
            if col in neonatal_cols:
                neonatal += value
                continue
            if col.field == "cause":
                add_cell(builder, row_id, col, "causes", "deaths", value,
                         age_group=col.age_group, cause=col.cause, raw=cells[col.index])
            elif col.field == "infant":
                add_cell(builder, row_id, col, "deaths", "infant", value, role="check")
            elif col.field == "sasaran_pusdatin":
                add_cell(builder, row_id, col, "kn", "denominator", value, denominator_kind="sasaran")
            elif col.field == "live_births" and has_split:
                add_cell(builder, row_id, col, "births", "live_births", value, sex="total", role="check")
            elif col.field in MONTHLY_COUNTS:
                kind, measure, sex = MONTHLY_COUNTS[col.field]
                add_cell(builder, row_id, col, kind, measure, value, sex=sex)
        if neonatal_cols:
            add_cell(builder, row_id, neonatal_cols[0], "deaths", "neonatal", neonatal)
            if len(neonatal_cols) == 2:
                rules.append("neonatal deaths = 0-6 days + 7-28 days")
        rules += summarise_rules(cell_rules)
        ledger.append(close_entry(entry, rules, reasons, counts_missing))
        if row_id is not None:
            builder.set_used(row_id, not reasons)
    return ledger


def _desa(table: FlatTable, cells: list, rules: list) -> str:
    """The desa/kelurahan of a row as written (spaces tidied), or UNKNOWN when the report has no desa column,
    the cell is blank, or the text does not look like a place name (it is then never written: privacy.py)."""
    col = table.col("desa")
    if col is None or cells[col.index] is None or not str(cells[col.index]).strip():
        return UNKNOWN
    name = " ".join(str(cells[col.index]).split())
    if not looks_like_place_name(name):
        rules.append(f"column {col.letter} (desa): {describe_text(name)} does not look like a village name; "
                     f"its counts are shown under '{UNKNOWN}' in the counts by desa")
        return UNKNOWN
    return name


def require_year(table: FlatTable, ctx: Context) -> None:
    """Stop with an input error when a monthly report gives no year at all: no TAHUN column (or one blank in
    every row), no year in its title lines and no --year. Its rows could only be set aside, and its months
    would count for no year; the error names the file, sheet and header row, as an annex table without a
    year does (annex.resolve_period)."""
    if table.title_year or ctx.year:
        return
    col = table.col("year")
    if col is not None and any(cells[col.index] not in (None, "") and str(cells[col.index]).strip()
                               for _, cells in table.rows):
        return
    raise InputError.from_key("monthly_no_year", Location(file=table.file, sheet=table.sheet, row=table.header_row))


def _year(table: FlatTable, ctx: Context, cells: list, reasons: list):
    col = table.col("year")
    if col is not None and cells[col.index] is not None:
        parsed = parse_number(cells[col.index], blank_is_zero=False)
        if parsed.value and 1990 <= parsed.value <= ctx.today.year:
            return int(parsed.value)
        if parsed.value and float(parsed.value).is_integer() and ctx.today.year < parsed.value <= 2100:
            reasons.append(f"column {col.letter} ({col.label}): the year {parsed.value:.0f} is in the future; correct it")
            return None
        reasons.append(f"column {col.letter} ({col.label}): {describe_cell(cells[col.index])} is not a year")
        return None
    if table.title_year or ctx.year:
        return table.title_year or ctx.year
    reasons.append("no year: add a TAHUN column or title line, or pass --year")
    return None



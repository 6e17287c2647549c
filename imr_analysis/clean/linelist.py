"""Accounting for AMP-SR death line lists: one ledger entry per raw row, one death per row as cells.

The age group comes from the age at death, the cause from the text or the ICD-10 code. Dates of
birth and death are used to compute the age and are not written anywhere. The review fields of each
death counted go to ``ctx.reviews`` (clean/review.py). Nor is any free text
of the input (privacy.py): names, causes and cells that were not recognised are described by
their column, length and a salted hash.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import pandas as pd

from .cells import CellBuilder
from .core import Context, add_cell, cell_row, close_entry, finding, ledger_entry
from .places import district_of_row, resolve_puskesmas
from .review import review_record
from ..privacy import cell_text, current_salt, describe_text
from ..read.dates import DateOrder, date_order, parse_age_days, parse_date
from ..read.flat import FlatTable
from ..text import norm
from ..vocab.causes import aliases, match_cause
from ..vocab.maternal import match_maternal_cause
from ..vocab.formats import is_maternal_death, maternal_period, mother_age_group, sex_of
from ..vocab.findings import nested
from ..vocab.icd10 import icd10_ranges

_ICD = re.compile(r"\b([A-Z])(\d{2})(?:\.\d+)?\b")


def map_cause(text: object) -> tuple[str, str]:
    """(cause code, rule) from an ICD-10 code or free text in Indonesian or English.

    ICD-10 first (P07 -> lbw_prematurity, P20-P21 -> asphyxia, P36 -> sepsis_infection,
    J12-J18 -> pneumonia, A00-A09 -> diarrhoea, Q -> congenital; vocab/icd10.csv, first match),
    then the cause vocabulary (a known term inside the text, or a close spelling). What cannot
    be mapped is counted as 'other'. The rule names the code or vocabulary term that matched, and
    the text only by its length and hash: cause text often holds names and addresses.
    """
    return _map_cause(text, current_salt())


@lru_cache(maxsize=16384, typed=True)   # a line list repeats the same cause texts
def _map_cause(text: object, salt: str) -> tuple[str, str]:
    """``map_cause`` once per text (and salt: an unmapped text is given by its salted hash)."""
    raw = cell_text(text)
    if not raw:
        return "unspecified", "no cause given -> unspecified"
    upper = raw.upper()
    if m := _ICD.search(upper):
        code3 = f"{m.group(1)}{m.group(2)}"
        for first, last, code in icd10_ranges():
            if first <= code3 <= last:
                return code, f"ICD-10 {code3} -> {code}"
    key = norm(raw)
    table = aliases()
    words = f" {key} "
    contained = [a for a in table if len(a) >= 3 and f" {a} " in words]
    if contained:
        best = max(contained, key=len)
        return table[best], ("" if best == key else f"cause term '{best}' found in the text -> {table[best]}")
    match = match_cause(raw)
    if match.rule != "unrecognised":
        return match.code, f"cause text {match.rule} -> {match.code}"
    return "other", f"cause text not in the vocabulary ({describe_text(text)}) -> other"


def _date_orders(table: FlatTable, columns: dict, ctx: Context) -> dict[str, DateOrder]:
    """How each date column writes numeric dates (day or month first), decided by the whole column.

    A column whose own dates do not show the order takes the order the other date column shows,
    else the Indonesian day first. A finding names the column when the order mattered (some
    dates read both ways): read month first, read day first with nothing to show it, or not
    decidable (the column holds both orders; those dates are not read).
    """
    own = {n: date_order([(row, cells[col.index]) for row, cells in table.rows]) for n, col in columns.items()}
    shown = {o.order for o in own.values() if o.evidence and o.order}
    orders = {}
    for name, order in own.items():
        if not order.evidence and len(shown) == 1:
            order = replace(order, order=next(iter(shown)))
        orders[name] = order
        col = columns[name]
        rows = ", ".join(map(str, order.ambiguous_rows[:10])) + (" ..." if len(order.ambiguous_rows) > 10 else "")
        if order.order is None:
            ctx.problems.append(finding(
                "warning", "date_order", table.file, table.sheet, (order.ambiguous_rows or order.day_first_rows)[0],
                col.letter, table.title_year, "", "date_order_mixed", column=col.letter, header=col.header,
                day_row=order.day_first_rows[0], month_row=order.month_first_rows[0], rows=rows or nested("v_none")))
        elif order.ambiguous_rows and (order.order == "mdy" or not shown):
            because = (nested("because_row", row=order.month_first_rows[0]) if order.month_first_rows
                       else nested("because_other_column") if shown else nested("because_indonesian"))
            ctx.problems.append(finding(
                "info", "date_order", table.file, table.sheet, order.ambiguous_rows[0], col.letter, table.title_year, "",
                "date_order_read", column=col.letter, header=col.header,
                first="month" if order.order == "mdy" else "day", because=because, rows=rows))
    return orders


def account_linelist(table: FlatTable, ctx: Context, builder: CellBuilder) -> list[dict]:
    """Ledger entries for every row of an AMP-SR line list; its cells (one death each) go to ``builder``."""
    ledger = []
    c = {name: table.col(name) for name in ("sex", "date_of_birth", "date_of_death", "age_days", "age_months",
                                            "age", "cause", "icd10", "puskesmas")}

    def val(name, cells):
        return cells[c[name].index] if c[name] is not None else None

    orders = _date_orders(table, {n: c[n] for n in ("date_of_birth", "date_of_death") if c[n] is not None}, ctx)
    ambiguous = {n: set(o.ambiguous_rows) for n, o in orders.items()}  # looked up on every row
    for row, cells in table.rows:
        rules, reasons = [], []
        raw_name = val("puskesmas", cells)
        dob, dod = (parse_date(val(n, cells), orders[n].order if n in orders else "dmy")
                    for n in ("date_of_birth", "date_of_death"))
        undecided = [c[n].letter for n, o in orders.items() if row in ambiguous[n] and o.order is None]
        rules += [f"ambiguous date in column {c[n].letter} read {'month' if o.order == 'mdy' else 'day'} first, "
                  "as the column's dates" for n, o in orders.items() if row in ambiguous[n] and o.order]
        future = dod is not None and dod > ctx.today  # set aside below; its year is no year with data
        year = dod.year if dod and not future else (table.title_year or ctx.year)
        month = dod.month if dod and not future else None
        district_raw = district_of_row(table, ctx, cells, reasons)
        entry = ledger_entry(table, row, year, ctx.registry.district_name(district_raw), raw_name, table.kind)
        kec_col = table.col("kecamatan")
        geo = resolve_puskesmas(ctx, district_raw, raw_name, rules, reasons, table, entry,
                                c["puskesmas"].letter if c["puskesmas"] else "",
                                cells[kec_col.index] if kec_col is not None else "", kec_col.letter if kec_col else "")
        entry["month"] = month if month else pd.NA
        if val("date_of_death", cells) is not None and dod is None:
            rules.append(f"date of death in column {c['date_of_death'].letter} unreadable; age column used")
        if future:
            reasons.append(f"column {c['date_of_death'].letter}: the date of death is in the future; correct it")
        if is_maternal_death(val_of(table, "death_type", cells)):
            ledger.append(_account_maternal(table, row, cells, entry, year, month, geo, rules, reasons, builder))
            continue
        age = None
        if dob and dod:
            age = (dod - dob).days
            if age < 0:
                reasons.append(f"columns {c['date_of_birth'].letter}/{c['date_of_death'].letter}: the date of death "
                               "is before the date of birth; correct one of them")
        if age is None:
            for name, unit in (("age_days", "HARI"), ("age_months", "BULAN"), ("age", "")):
                if val(name, cells) is not None:
                    age = parse_age_days(val(name, cells), unit)
                    if age is None:
                        reasons.append(f"column {c[name].letter} ({c[name].label}): the age is not readable; "
                                       "write it as 5 hari / 3 bulan, or give both dates")
                    else:
                        rules.append(f"age taken from column {c[name].letter}")
                    break
        if age is None and undecided and not reasons:
            reasons.append(f"column {', '.join(undecided)}: the date reads day first or month first, and the column "
                           "holds dates of both orders; write it as yyyy-mm-dd (2023-04-03)")
        if age is None and not reasons:
            reasons.append("no age at death: give the dates of birth and death, or the age in days or months")
        if year is None and not reasons:
            reasons.append("no year of death: give the date of death, a TAHUN title line, or --year")
        age_group, counts_missing = "", True
        if age is not None and age >= 0:
            if age <= ctx.neonatal_max_days:
                age_group = "neonatal"
            elif age < 365.25:
                age_group = "postneonatal"
            elif age < 365.25 * 120:
                counts_missing = False  # out of scope, not missing
                reasons.append(f"age at death {age / 365.25:.1f} years: not an infant death (0-11 months); "
                               "it belongs in the under-five analysis")
            else:
                reasons.append("the age at death is not plausible (over 120 years); correct the age or the dates")
        sex = sex_of(val("sex", cells)) or "unspecified"
        if sex == "unspecified" and val("sex", cells) is not None:
            rules.append("sex not readable -> unspecified")
        cause_text = val("icd10", cells) if val("icd10", cells) else val("cause", cells)
        cause, cause_rule = map_cause(cause_text)
        if cause_rule:
            rules.append(cause_rule)
        if not reasons:  # the review fields of a death counted (clean/review.py)
            ctx.reviews.append(review_record(table, row, cells, geo, year, month, sex, age_group, cause, dod,
                                             orders["date_of_death"].order if "date_of_death" in orders else "dmy",
                                             rules, ctx.problems))
        ledger.append(close_entry(entry, rules, reasons, counts_missing))
        if reasons:
            continue
        row_id = cell_row(builder, table, row, year, month, geo, table.kind)
        add_cell(builder, row_id, c["date_of_death"] or c["age_days"], "deaths", age_group, 1.0, sex=sex)
        add_cell(builder, row_id, c["cause"] or c["icd10"], "causes", "deaths", 1.0, sex=sex, age_group=age_group, cause=cause)
    return ledger


def val_of(table: FlatTable, name: str, cells: list) -> object:
    """The cell of field ``name`` in a row (None when the line list has no such column)."""
    col = table.col(name)
    return cells[col.index] if col is not None else None


def _account_maternal(table: FlatTable, row: int, cells: list, entry: dict, year, month, geo: dict, rules: list,
                      reasons: list, builder: CellBuilder) -> dict:
    """A maternal death of a line list: one death in the maternal table, by period (when the line list
    gives it) and the mother's age group (UMUR IBU in years, when given); the ledger entry, closed."""
    if year is None and not reasons:
        reasons.append("no year of death: give the date of death, a TAHUN title line, or --year")
    rules.append("maternal death (death type column)")
    period = maternal_period(val_of(table, "maternal_period", cells))
    age_text = val_of(table, "mother_age", cells)
    days = parse_age_days(age_text, "TAHUN") if age_text is not None else None
    age_group = mother_age_group(days / 365.25 if days is not None else None)
    if age_text is not None and days is None:
        rules.append(f"mother's age in column {table.col('mother_age').letter} not readable -> age group unspecified")
    entry = close_entry(entry, rules, reasons, True)
    if not reasons:
        row_id = cell_row(builder, table, row, year, month, geo, table.kind)
        add_cell(builder, row_id, table.col("death_type"), "maternal", period, 1.0, age_group=age_group)
        cause_text = val_of(table, "cause", cells)
        if cause_text is not None:  # a free-text cause: mapped to a code, never kept as written
            add_cell(builder, row_id, table.col("cause"), "maternal_causes", "deaths", 1.0,
                     cause=match_maternal_cause(str(cause_text)).code)
    return entry

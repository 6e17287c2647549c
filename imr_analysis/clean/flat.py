"""Accounting for monthly Puskesmas reports and AMP-SR death line lists.

Each raw row becomes one ledger entry (kept / mapped / set aside) and a set of parsed cells in
the same long form as the annex tables, so the canonical tables, checks and indicators treat all
three formats alike. A monthly row gives births, deaths, causes and KN for one Puskesmas and
month; a line-list row is one death (age group from the age at death, cause from the text or the
ICD-10 code). Dates of birth and death are used to compute the age and are not written anywhere.
Nor is any free text of the input (privacy.py): names, causes and cells that were not recognised
are described by their column, length and a salted hash.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from .cells import CellBuilder
from ..config import NEONATAL_MAX_DAYS, VOCAB_DIR
from ..privacy import cell_text, current_salt, describe_cell, describe_text, looks_like_place_name, text_hash
from ..read.dates import DateOrder, date_order, parse_age_days, parse_date, parse_month
from ..read.flat import FlatTable
from ..read.numbers import parse_number
from ..text import invisible_changes, norm, visible
from ..vocab.causes import aliases, match_cause
from ..vocab.puskesmas import Registry, display_name, kecamatan_key, name_key

_ICD = re.compile(r"\b([A-Z])(\d{2})(?:\.\d+)?\b")


@dataclass
class FlatContext:
    registry: Registry
    year: int | None
    district: str | None
    neonatal_max_days: int = NEONATAL_MAX_DAYS
    today: dt.date = field(default_factory=dt.date.today)
    proposals: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def _entry(table: FlatTable, row: int, year, district: str, name: object) -> dict:
    return {"file": table.file, "sheet": table.sheet, "row": row, "table": table.kind, "block": "main",
            "row_kind": "data", "year": year, "district": district, "name_hash": name_hash(name), "name_matched": "",
            "puskesmas": "", "state": "", "rules": "", "reason": "", "month": pd.NA, "format": table.kind}


def name_hash(name: object) -> str:
    """The salted hash of a name cell ('' when empty): the ledger's way to point at the text without showing it."""
    return text_hash(name) if cell_text(name) else ""


def checked_district(registry, text: object) -> str | None:
    """A district name from the input, if the registry knows it or it looks like a place name; else None."""
    name = cell_text(text)
    if name and (registry.knows_district(name) or looks_like_place_name(name)):
        return name
    return None


def resolve_puskesmas(ctx: FlatContext, district_raw: str, raw_name: object, rules: list, reasons: list, table,
                      entry: dict, column: str = "", kecamatan_raw: object = "", kecamatan_column: str = "") -> dict:
    """The geography of a raw row: registry match (known district), or the name as written (new district).

    An unknown name in a known district is never guessed: a reason (with the nearest registry
    names, never the name itself) is added to ``reasons`` and a finding to ``ctx.problems``. For a
    new district the name is normalised and proposed for the registry, when it looks like a place
    name; otherwise the row is set aside. Sets ``entry['puskesmas']`` and ``entry['name_matched']``.
    """
    reg = ctx.registry
    district = reg.district_name(district_raw)
    geo = {"province": reg.province(district_raw), "district": district, "kecamatan": "", "puskesmas": ""}
    raw = cell_text(raw_name)
    where = f"column {column} ({describe_text(raw)})" if column else f"({describe_text(raw)})"
    for what, text in (("Puskesmas", raw), ("kecamatan", cell_text(kecamatan_raw))):
        if hidden := invisible_changes(text):
            rules.append(f"{what} name read without its invisible or non-standard characters ({', '.join(hidden)})")
    if not raw:
        reasons.append("no Puskesmas name in this row; write the name in the PUSKESMAS column")
    elif not district_raw:  # the reason is given where the district was looked for
        pass
    elif reg.knows_district(district_raw):
        m = reg.match(district_raw, raw)
        if m.found:
            geo.update(kecamatan=m.kecamatan, puskesmas=m.puskesmas)
            entry["name_matched"] = m.term
            if m.rule != "exact":
                rules.append(m.rule)
        else:
            hint = f"; nearest registry names: {', '.join(m.suggestions)}" if m.suggestions else ""
            reasons.append(f"unknown Puskesmas in {where} for {district}{hint}. If it is one of them, add the name "
                           "as written in that cell to its aliases in imr_analysis/vocab/puskesmas.csv; if it is new, "
                           "add a row")
            ctx.problems.append({"severity": "warning", "check": "unknown_puskesmas", "file": table.file,
                                 "sheet": table.sheet, "row": entry["row"], "column": column, "year": entry["year"],
                                 "area": district, "message": reasons[-1] + ". The row is set aside."})
    elif not looks_like_place_name(visible(raw)):
        reasons.append(f"the Puskesmas cell {where} does not look like a place name (it holds digits like an ID or "
                       "phone number, an e-mail, an address or a personal name): write the Puskesmas name only")
        ctx.problems.append({"severity": "warning", "check": "not_a_place_name", "file": table.file,
                             "sheet": table.sheet, "row": entry["row"], "column": column, "year": entry["year"],
                             "area": district, "message": reasons[-1] + "; the row is set aside."})
    else:
        name = display_name(name_key(raw))
        kecamatan = ""
        if cell_text(kecamatan_raw) and looks_like_place_name(visible(cell_text(kecamatan_raw))):
            kecamatan = display_name(kecamatan_key(kecamatan_raw))
        elif cell_text(kecamatan_raw):
            rules.append(f"kecamatan in column {kecamatan_column or '?'} ({describe_text(kecamatan_raw)}) does not "
                         "look like a place name; left blank")
        geo.update(kecamatan=kecamatan, puskesmas=name)
        entry["name_matched"] = name
        rules.append(f"new district: name taken as written -> '{name}'")
        prop = ctx.proposals.setdefault((district, name), {"province": geo["province"], "district": district, "kecamatan": kecamatan,
                                                           "puskesmas": name, "aliases": set()})
        if visible(raw).strip() != name:
            prop["aliases"].add(visible(raw).strip())
    entry["puskesmas"] = geo["puskesmas"]
    return geo


def _row(builder: CellBuilder, table: FlatTable, row: int, year, month, geo: dict) -> int:
    return builder.row(table.file, table.sheet, row, "main", "data", year, geo, month, table.kind)


def _cell(builder: CellBuilder, row_id: int | None, col, kind: str, measure: str, value: float,
          sex: str = "unspecified", age_group: str = "", cause: str = "", role: str = "count",
          denominator_kind: str = "", raw: object = None) -> None:
    """A cell of the row ``row_id`` (None: a row whose cells are not kept)."""
    if row_id is None:
        return
    column = builder.column(col.letter if col else "", col.label if col else "", kind, role, measure, sex,
                            age_group, cause, denominator_kind)
    builder.add(row_id, column, raw, value)


def _district_of(table: FlatTable, ctx: FlatContext, cells: list, reasons: list) -> str:
    """The district of a row: its district cell, else the title lines, else --district; '' with a reason when none."""
    col = table.col("district")
    if col is not None and cells[col.index]:
        if name := checked_district(ctx.registry, cells[col.index]):
            return name
        reasons.append(f"column {col.letter} (district: {describe_text(cells[col.index])}) does not look like a "
                       "district name; write the district name only")
        return ""
    if table.title_district and not ctx.district and not checked_district(ctx.registry, table.title_district):
        reasons.append("the district in the title lines above the header does not look like a place name; write "
                       "'KABUPATEN <name>' on a title line of its own, or pass --district")
        return ""
    name = (table.title_district if checked_district(ctx.registry, table.title_district) else None) or ctx.district
    if not name:
        reasons.append("no district: add a KABUPATEN column or title line, or pass --district")
    return name or ""


# --- monthly reports ----------------------------------------------------------------------

MONTHLY_COUNTS = {
    "live_births_male": ("births", "live_births", "male"),
    "live_births_female": ("births", "live_births", "female"),
    "live_births": ("births", "live_births", "unspecified"),
    "stillbirths": ("births", "stillbirths", "unspecified"),
    "postneonatal": ("deaths", "postneonatal", "unspecified"),
    "kn_lengkap": ("kn", "kn_lengkap", "unspecified"),
    "kn1": ("kn", "kn1", "unspecified"),
}


def account_monthly(table: FlatTable, ctx: FlatContext, builder: CellBuilder) -> list[dict]:
    """Ledger entries for every row of a monthly report; its cells go to ``builder``."""
    ledger = []
    has_split = table.col("live_births_male") is not None and table.col("live_births_female") is not None
    seen: dict[tuple, int] = {}
    for row, cells in table.rows:
        rules, reasons = [], []
        pkm_col = table.col("puskesmas")
        raw_name = cells[pkm_col.index] if pkm_col is not None else None
        year = _year(table, ctx, cells, reasons)
        month_col = table.col("month")
        month = parse_month(cells[month_col.index]) if month_col is not None else None
        if month is None:
            reasons.append(f"column {month_col.letter if month_col else '?'} (month): "
                           f"{describe_cell(cells[month_col.index]) if month_col else 'no month column'} is not a "
                           "month name or number 1-12; write it as Januari ... Desember or 1 ... 12")
        district_raw = _district_of(table, ctx, cells, reasons)
        entry = _entry(table, row, year, ctx.registry.district_name(district_raw), raw_name)
        kec_col = table.col("kecamatan")
        geo = resolve_puskesmas(ctx, district_raw, raw_name, rules, reasons, table, entry,
                                pkm_col.letter if pkm_col else "",
                                cells[kec_col.index] if kec_col is not None else "", kec_col.letter if kec_col else "")
        entry["month"] = month if month else pd.NA
        key = (geo["puskesmas"], year, month)
        if geo["puskesmas"] and month and not reasons:
            if key in seen:
                reasons.append(f"second row for {geo['puskesmas']} {month}/{year} (first at row {seen[key]}); not counted twice")
                entry["counts_missing"] = False  # the first row is counted
            else:
                seen[key] = row
        # a row without a year is in the ledger only: its cells cannot be compared with anything
        row_id = _row(builder, table, row, year, month, geo) if year is not None else None
        cell_rules = []
        neonatal = 0.0
        neonatal_cols = [c for c in (table.col("neonatal_0_6"), table.col("neonatal_7_28")) if c is not None] \
            or [c for c in (table.col("neonatal"),) if c is not None]
        for col in table.columns:
            if col.field in ("month", "year", "puskesmas", "kecamatan", "district", "sasaran_puskesmas"):
                continue
            parsed = parse_number(cells[col.index])
            header = f"{col.letter} ({col.label})"
            if parsed.problem:
                reasons.append(f"column {header}: {parsed.problem}")
                ctx.problems.append({"severity": "error", "check": parsed.check or "text_in_count", "file": table.file,
                                     "sheet": table.sheet, "row": row, "column": col.letter, "year": year,
                                     "area": geo["puskesmas"], "message": f"column {header}: {parsed.problem}. The row is set aside."})
                continue
            value = parsed.value
            if value < 0 or not float(value).is_integer() or value > 1e7:
                what = "negative" if value < 0 else ("implausibly large (an ID number?)" if value > 1e7 else "non-integer")
                reasons.append(f"column {header}: {what} count; correct the cell")
                check = "negative_count" if value < 0 else ("implausible_count" if value > 1e7 else "non_integer_count")
                ctx.problems.append({"severity": "error", "check": check,
                                     "file": table.file, "sheet": table.sheet, "row": row, "column": col.letter,
                                     "year": year, "area": geo["puskesmas"],
                                     "message": f"column {header}: {what} count. The row is set aside; correct the cell."})
                continue
            if parsed.rule:
                cell_rules.append(parsed.rule)
            if col in neonatal_cols:
                neonatal += value
                continue
            if col.field == "cause":
                _cell(builder, row_id, col, "causes", "deaths", value,
                      age_group=col.age_group, cause=col.cause, raw=cells[col.index])
            elif col.field == "infant":
                _cell(builder, row_id, col, "deaths", "infant", value, role="check")
            elif col.field == "sasaran_pusdatin":
                _cell(builder, row_id, col, "kn", "denominator", value, denominator_kind="sasaran")
            elif col.field == "live_births" and has_split:
                _cell(builder, row_id, col, "births", "live_births", value, sex="total", role="check")
            elif col.field in MONTHLY_COUNTS:
                kind, measure, sex = MONTHLY_COUNTS[col.field]
                _cell(builder, row_id, col, kind, measure, value, sex=sex)
        if neonatal_cols:
            _cell(builder, row_id, neonatal_cols[0], "deaths", "neonatal", neonatal)
            if len(neonatal_cols) == 2:
                rules.append("neonatal deaths = 0-6 days + 7-28 days")
        rules += summarise_rules(cell_rules)
        ledger.append(_finish(entry, rules, reasons))
        if row_id is not None:
            builder.set_used(row_id, not reasons)
    return ledger


def _year(table: FlatTable, ctx: FlatContext, cells: list, reasons: list):
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


def _finish(entry: dict, rules: list, reasons: list) -> dict:
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


# --- line lists ---------------------------------------------------------------------------

_SEX = {"L": "male", "LAKI LAKI": "male", "LAKI": "male", "M": "male", "MALE": "male", "PRIA": "male",
        "P": "female", "PEREMPUAN": "female", "F": "female", "FEMALE": "female", "WANITA": "female"}


@lru_cache(maxsize=1)
def _icd_ranges() -> pd.DataFrame:
    return pd.read_csv(VOCAB_DIR / "icd10.csv")


@lru_cache(maxsize=1)
def _icd_range_list() -> list[tuple[str, str, str]]:
    """(first, last, code) of each ICD-10 range, in the file's order (the first match counts)."""
    r = _icd_ranges()
    return list(zip(r["first"], r["last"], r["code"]))


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
        for first, last, code in _icd_range_list():
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


def _date_orders(table: FlatTable, columns: dict, ctx: FlatContext) -> dict[str, DateOrder]:
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
        where = {"file": table.file, "sheet": table.sheet, "column": col.letter, "year": table.title_year, "area": ""}
        if order.order is None:
            ctx.problems.append({**where, "severity": "warning", "check": "date_order",
                                 "row": (order.ambiguous_rows or order.day_first_rows)[0],
                                 "message": f"column {col.letter} ({col.header}) writes dates day first (row "
                                            f"{order.day_first_rows[0]}) and month first (row {order.month_first_rows[0]}); "
                                            f"dates that read both ways are not read (rows {rows or 'none'}): write "
                                            "them as yyyy-mm-dd."})
        elif order.ambiguous_rows and (order.order == "mdy" or not shown):
            because = (f"as row {order.month_first_rows[0]} shows (its second part is above 12)" if order.month_first_rows
                       else "as the other date column shows" if shown
                       else "as Indonesian dates are written: no date in the list shows the order")
            ctx.problems.append({**where, "severity": "info", "check": "date_order", "row": order.ambiguous_rows[0],
                                 "message": f"column {col.letter} ({col.header}): dates such as 03/04/2023 read "
                                            f"{'month' if order.order == 'mdy' else 'day'} first, {because}; "
                                            f"rows {rows}."})
    return orders


def account_linelist(table: FlatTable, ctx: FlatContext, builder: CellBuilder) -> list[dict]:
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
        district_raw = _district_of(table, ctx, cells, reasons)
        entry = _entry(table, row, year, ctx.registry.district_name(district_raw), raw_name)
        kec_col = table.col("kecamatan")
        geo = resolve_puskesmas(ctx, district_raw, raw_name, rules, reasons, table, entry,
                                c["puskesmas"].letter if c["puskesmas"] else "",
                                cells[kec_col.index] if kec_col is not None else "", kec_col.letter if kec_col else "")
        entry["month"] = month if month else pd.NA
        if val("date_of_death", cells) is not None and dod is None:
            rules.append(f"date of death in column {c['date_of_death'].letter} unreadable; age column used")
        if future:
            reasons.append(f"column {c['date_of_death'].letter}: the date of death is in the future; correct it")
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
        age_group = ""
        if age is not None and age >= 0:
            if age <= ctx.neonatal_max_days:
                age_group = "neonatal"
            elif age < 365.25:
                age_group = "postneonatal"
            elif age < 365.25 * 120:
                entry["counts_missing"] = False  # out of scope, not missing
                reasons.append(f"age at death {age / 365.25:.1f} years: not an infant death (0-11 months); "
                               "it belongs in the under-five analysis")
            else:
                reasons.append("the age at death is not plausible (over 120 years); correct the age or the dates")
        sex = _SEX.get(norm(val("sex", cells)), "unspecified")
        if sex == "unspecified" and val("sex", cells) is not None:
            rules.append("sex not readable -> unspecified")
        cause_text = val("icd10", cells) if val("icd10", cells) else val("cause", cells)
        cause, cause_rule = map_cause(cause_text)
        if cause_rule:
            rules.append(cause_rule)
        ledger.append(_finish(entry, rules, reasons))
        if reasons:
            continue
        row_id = _row(builder, table, row, year, month, geo)
        _cell(builder, row_id, c["date_of_death"] or c["age_days"], "deaths", age_group, 1.0, sex=sex)
        _cell(builder, row_id, c["cause"] or c["icd10"], "causes", "deaths", 1.0, sex=sex, age_group=age_group, cause=cause)
    return ledger

"""The canonical tidy tables, as pandera schemas.

Every table carries the geography (province, district, kecamatan, puskesmas) and the period
(year; ``month`` 1-12 only when the data are monthly: monthly reports, line lists). Counts are non-negative integers.

births            one row per Puskesmas x year x sex: live_births, stillbirths
deaths            one row per Puskesmas x year x sex x age_group: deaths
                  (age_group: neonatal 0-28 days, postneonatal 29 days-11 months,
                  child 12-59 months when the table has it)
deaths_by_cause   one row per Puskesmas x year x age_group x cause: deaths
                  (annex tables give causes without sex, so sex is 'unspecified')
neonatal_visits   one row per Puskesmas x year x sex x visit (kn1, kn_lengkap): visits,
                  denominator, denominator_kind (live_births or sasaran), reported_pct
maternal_deaths   one row per Puskesmas x year x period x age_group: deaths (maternal deaths;
                  period: pregnancy (hamil), delivery (bersalin), postpartum (nifas, 42 days),
                  or unspecified in a line list that does not say; age_group of the mother:
                  age_under_20, age_20_34, age_35_plus, unspecified)
maternal_causes   one row per Puskesmas x year x cause: deaths (maternal_causes.csv codes; the
                  older Profil edition's causes keep their codes, see vocab/maternal.py)
monthly_desa      (an extra table, not canonical) the monthly reports by desa/kelurahan: one row per
                  Puskesmas x desa x year x month x measure (live_births, stillbirths, neonatal_deaths,
                  postneonatal_deaths, cause_deaths by age_group and cause, kn1, kn_lengkap, sasaran).
                  Every usable monthly row, also where annex tables give the year's counts (the
                  quarterly brief needs the months). ``desa`` is 'unknown' when a report has none.
reviews           (not canonical; only where line lists were read) one row per line-list death
                  counted, with its AMP-SR review fields as vocabulary codes (vocab/review.yaml)
incomplete        one row per raw data row set aside for a problem, whose counts are therefore
                  missing: geography ('unknown' Puskesmas when its name was not resolved),
                  year, month, table and source. Indicators leave these Puskesmas-periods out
                  of numerator and denominator alike and flag the areas above them.

**The geography rule.** The four geography keys are never missing and never empty: a group-by
that skips missing keys would silently drop every row of an area. What the input does not say
is written as the explicit value ``UNKNOWN`` ('unknown'): the province of a district that
neither the Puskesmas registry nor the district vocabulary (vocab/districts.csv) knows, and a
blank kecamatan. The schemas below enforce it, so a violation fails loudly.

The accounting tables of the cleaning have schemas too (validated where they are built):

ledger            one row per raw body row: where it is, what it was read as, and its one state
                  (kept, mapped, set_aside, reported) with the rules applied and the reason
cells             one row per number read from a raw row (long form, text as categories)
findings          one row per data-quality finding: severity, check, where, year, area, message (English),
                  and code + params (JSON) to render the message in another language (vocab/findings.csv)

sex is 'male', 'female', or 'unspecified' when a table gives only L+P. Deaths by cause and
deaths by sex are two views of the same deaths: the annex tables never cross them, so they
are two tables, and data-quality checks compare their totals.
"""
from __future__ import annotations

from pandera.pandas import Check, Column, DataFrameSchema

from .vocab.causes import causes
from .vocab.maternal import maternal_causes as _maternal_causes

SEXES = ["male", "female", "unspecified"]
#: The explicit value of a geography key the input does not give (see the geography rule above).
UNKNOWN = "unknown"
GEOGRAPHY = ["province", "district", "kecamatan", "puskesmas"]
AGE_GROUPS = ["neonatal", "postneonatal", "child"]

_named = Check.str_length(min_value=1, error="a geography key is empty: write 'unknown' (schemas.UNKNOWN)")
_geo = {
    "province": Column(str, _named),
    "district": Column(str, _named),
    "kecamatan": Column(str, _named),
    "puskesmas": Column(str, _named),
    "year": Column(int, Check.in_range(1990, 2100)),
    "month": Column("Int64", Check.in_range(1, 12), nullable=True, required=False),
}


def _unique(*keys: str) -> Check:
    """No two rows share the keys (month included when the table has it)."""
    def check(df):
        present = [k for k in ("district", "puskesmas", "year", "month", *keys) if k in df]
        return not df.duplicated(present).any()
    return Check(check, error=f"duplicate rows for the same Puskesmas, period and {', '.join(keys)}")
_count = dict(checks=Check.ge(0), coerce=True)
_source = {
    "source_file": Column(str),
    "source_sheet": Column(str, nullable=True),
    "source_row": Column(int),
}

births = DataFrameSchema(
    {**_geo, "sex": Column(str, Check.isin(SEXES)),
     "live_births": Column(int, **_count), "stillbirths": Column(int, **_count), **_source},
    checks=_unique("sex"), strict=False, name="births",
)
deaths = DataFrameSchema(
    {**_geo, "sex": Column(str, Check.isin(SEXES)), "age_group": Column(str, Check.isin(AGE_GROUPS)),
     "deaths": Column(int, **_count), **_source},
    checks=_unique("sex", "age_group"), strict=False, name="deaths",
)


def _cause_codes() -> list[str]:
    return list(causes().index)


deaths_by_cause = DataFrameSchema(
    {**_geo, "sex": Column(str, Check.isin(SEXES)), "age_group": Column(str, Check.isin(AGE_GROUPS)),
     "cause": Column(str, Check.isin(_cause_codes())), "deaths": Column(int, **_count), **_source},
    checks=_unique("sex", "age_group", "cause"), strict=False, name="deaths_by_cause",
)
neonatal_visits = DataFrameSchema(
    {**_geo, "sex": Column(str, Check.isin(SEXES)), "visit": Column(str, Check.isin(["kn1", "kn_lengkap"])),
     "visits": Column(int, **_count), "denominator": Column(float, Check.ge(0), nullable=True),
     "denominator_kind": Column(str, Check.isin(["live_births", "sasaran"]), nullable=True),
     "reported_pct": Column(float, nullable=True), **_source},
    checks=_unique("sex", "visit"), strict=False, name="neonatal_visits",
)

MATERNAL_PERIODS = ["pregnancy", "delivery", "postpartum", "unspecified"]
MATERNAL_AGE_GROUPS = ["age_under_20", "age_20_34", "age_35_plus", "unspecified"]
maternal_deaths = DataFrameSchema(
    {**_geo, "period": Column(str, Check.isin(MATERNAL_PERIODS)),
     "age_group": Column(str, Check.isin(MATERNAL_AGE_GROUPS)), "deaths": Column(int, **_count), **_source},
    checks=_unique("period", "age_group"), strict=False, name="maternal_deaths",
)
maternal_causes = DataFrameSchema(
    {**_geo, "cause": Column(str, Check.isin(list(_maternal_causes().index))), "deaths": Column(int, **_count),
     **_source},
    checks=_unique("cause"), strict=False, name="maternal_causes",
)

incomplete = DataFrameSchema(
    {**_geo, "table": Column(str), "source_file": Column(str), "source_sheet": Column(str, nullable=True),
     "source_row": Column(int)},
    strict=False, name="incomplete",
)

#: The measures of the monthly reports by desa (``monthly_desa``).
MONTHLY_MEASURES = ["live_births", "stillbirths", "neonatal_deaths", "postneonatal_deaths", "cause_deaths", "kn1",
                    "kn_lengkap", "sasaran"]
monthly_desa = DataFrameSchema(
    {**{k: _geo[k] for k in GEOGRAPHY}, "desa": Column(str, _named), "year": _geo["year"],
     "month": Column(int, Check.in_range(1, 12)), "measure": Column(str, Check.isin(MONTHLY_MEASURES)),
     "age_group": Column(str), "cause": Column(str), "value": Column(int, **_count), **_source},
    checks=Check(lambda df: ~df.duplicated(["district", "puskesmas", "desa", "year", "month", "measure", "age_group",
                                            "cause"]).any(), error="duplicate rows for the same desa, month and measure"),
    strict=True, ordered=True, name="monthly_desa",
)


def _answers(field: str) -> Column:
    from .vocab.review import field_vocabulary, review_vocab
    return Column(None, Check.isin(list(review_vocab()["answers"][field_vocabulary(field)])))


def _review_schema() -> DataFrameSchema:
    """reviews: one row per line-list death counted, with the codes of its review fields (vocab/review.yaml),
    birth weight (g), gestational age (weeks) and days from death to review; no personal data, no free text."""
    from .vocab.review import review_fields
    return DataFrameSchema(
        {"file": Column(None), "sheet": Column(None, nullable=True), "row": Column(int, Check.ge(1)),
         **{k: Column(None, _named) for k in GEOGRAPHY}, "year": _geo["year"], "month": _geo["month"],
         "sex": Column(None, Check.isin(SEXES)), "age_group": Column(None, Check.isin(AGE_GROUPS)),
         "cause": Column(None, Check.isin(_cause_codes())), **{f: _answers(f) for f in review_fields()},
         "birth_weight_g": Column(float, Check.in_range(0, 10000), nullable=True),
         "gestational_age_weeks": Column(float, Check.in_range(0, 50), nullable=True),
         "days_to_review": Column("Int64", Check.ge(0), nullable=True)},
        strict=True, ordered=True, name="reviews")


reviews = _review_schema()

SCHEMAS = {"births": births, "deaths": deaths, "deaths_by_cause": deaths_by_cause,
           "neonatal_visits": neonatal_visits, "maternal_deaths": maternal_deaths,
           "maternal_causes": maternal_causes, "incomplete": incomplete}
#: The maternal tables: absent from a processed folder when the input has no maternal deaths.
MATERNAL_TABLES = ("maternal_deaths", "maternal_causes")


# --- the accounting tables of the cleaning ---------------------------------------------------

FORMATS = ["annex", "monthly", "linelist"]
TABLE_KINDS = ["births", "deaths", "causes", "child_causes", "kn", "maternal", "maternal_causes"]
ROW_KINDS = ["data", "total", "rate"]
STATES = ["kept", "mapped", "set_aside", "reported"]
SEVERITIES = ["error", "warning", "info"]
# Text columns are plain, pyarrow-backed or categorical (the cell table's, cells.py) text: their dtype is not fixed.
_period = {"year": Column(None, Check.in_range(1990, 2100), nullable=True),
           "month": Column("Int64", Check.in_range(1, 12), nullable=True)}

ledger = DataFrameSchema(
    {"file": Column(None), "sheet": Column(None, nullable=True), "row": Column(int, Check.ge(1)),
     "table": Column(None, Check.isin(TABLE_KINDS + FORMATS[1:])), "block": Column(None, Check.isin(["main", "lanj."])),
     "row_kind": Column(None, Check.isin(ROW_KINDS)), "year": _period["year"], "district": Column(None, nullable=True),
     "name_hash": Column(None), "name_matched": Column(None), "puskesmas": Column(None),
     "state": Column(None, Check.isin(STATES)), "rules": Column(None), "reason": Column(None),
     "month": _period["month"], "format": Column(None, Check.isin(FORMATS)), "counts_missing": Column(bool)},
    checks=Check(lambda df: ~(df["counts_missing"] & (df["state"] != "set_aside")),
                 error="only a row set aside can have its counts missing"),
    strict=True, ordered=True, name="ledger",
)
cells = DataFrameSchema(
    {"file": Column(None), "sheet": Column(None, nullable=True), "row": Column(int, Check.ge(1)),
     "column": Column(None), "header": Column(None), "table": Column(None, Check.isin(TABLE_KINDS)),
     "block": Column(None, Check.isin(["main", "lanj."])), "row_kind": Column(None, Check.isin(ROW_KINDS)),
     "year": _period["year"], **{k: Column(None) for k in GEOGRAPHY},
     "role": Column(None, Check.isin(["count", "check", "pct"])), "measure": Column(None),
     "sex": Column(None, Check.isin(SEXES + ["total"])), "age_group": Column(None), "cause": Column(None),
     "denominator_kind": Column(None), "raw": Column(None), "value": Column(None, nullable=True),
     "decimals": Column(int, Check.ge(0)), "used": Column(bool), "month": _period["month"],
     "format": Column(None, Check.isin(FORMATS)), "compared": Column(bool, required=False)},
    checks=Check(lambda df: ~(df["used"] & df["compared"]) if "compared" in df else True,
                 error="a cell compared with the counted source is not counted itself"),
    strict=True, ordered=True, name="cells",
)
findings = DataFrameSchema(
    {"severity": Column(None, Check.isin(SEVERITIES)), "check": Column(None, Check.str_length(min_value=1)),
     "file": Column(None, nullable=True), "sheet": Column(None, nullable=True),
     "row": Column("Int64", Check.ge(1), nullable=True), "column": Column(None, nullable=True),
     "year": Column("Int64", nullable=True), "area": Column(None, nullable=True), "message": Column(None),
     "code": Column(None, Check.str_length(min_value=1)), "params": Column(None)},
    strict=True, ordered=True, name="findings",
)
ACCOUNTING = {"ledger": ledger, "cells": cells, "findings": findings}

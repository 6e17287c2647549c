"""The review fields of an AMP-SR death line list: one review record per death counted.

A line list may carry what the district's review recorded (DOMAIN "AMP-SR: what a death review
records"): place of birth and of death, referral and its path, birth attendant, birth weight,
gestational age, the three delays, whether the death was judged avoidable, and the review date.
Each categorical answer is read through its vocabulary (vocab/review.yaml) as a code; a blank
cell is ``unknown``, text that matches no alias is ``other`` and is written only as its length
and salted hash (privacy.describe_text), never as itself. Numbers out of their plausible range
are not used (a finding names the cell). The record holds no personal data: no name, no date of
birth or death (the time to review is kept as a number of days), no free text.
"""
from __future__ import annotations

import pandas as pd

from .core import finding
from .. import schemas
from ..privacy import cell_text, describe_text, described_cell
from ..read.dates import parse_date
from ..read.numbers import parse_number
from ..schemas import UNKNOWN
from ..vocab.review import field_vocabulary, match_answer, review_fields, review_vocab

#: The columns of the processed reviews table (schemas.reviews), in order.
REVIEW_COLUMNS = ["file", "sheet", "row", "province", "district", "kecamatan", "puskesmas", "year", "month",
                  "sex", "age_group", "cause", *review_fields(), "birth_weight_g", "gestational_age_weeks",
                  "days_to_review"]


def has_review_columns(table) -> bool:
    """Whether a line list carries any review column (beyond place of death, which plain lists have too)."""
    return any(table.col(name) is not None for name in (*review_fields(), "birth_weight", "gestational_age",
                                                        "review_date"))


def answer(table, name: str, cells: list, rules: list[str]) -> str:
    """The code of a review field's cell: its vocabulary's code, ``unknown`` when blank or absent, ``other``
    (with a rule naming the column and the text's hash only) when it matches no alias."""
    col = table.col(name)
    raw = cells[col.index] if col is not None else None
    if not cell_text(raw):
        return "unknown"
    code = match_answer(field_vocabulary(name), raw)
    if code is None:
        rules.append(f"column {col.letter} ({name}): answer not in the vocabulary ({describe_text(raw)}) -> other")
        return "other"
    return code


def measure(table, name: str, cells: list, row: int, year, area: str, problems: list) -> float | None:
    """A birth weight in grams or a gestational age in weeks (vocab review.yaml ``numbers``); None when blank
    or not usable (unreadable or outside the plausible range: a finding names the cell)."""
    col = table.col(name)
    raw = cells[col.index] if col is not None else None
    if not cell_text(raw):
        return None
    rule = review_vocab()["numbers"][name]
    value = parse_number(raw, blank_is_zero=False).value
    if value is not None and "kg_below" in rule and 0 < value < rule["kg_below"]:
        value = value * 1000   # written in kg
    if value is None or not rule["min"] <= value <= rule["max"]:
        problems.append(finding(
            "warning", f"implausible_{name}", table.file, table.sheet, row, col.letter, year, area,
            f"implausible_{name}", column=col.letter, cell=described_cell(raw), min=rule["min"], max=rule["max"]))
        return None
    return float(value)


def days_to_review(table, cells: list, died, order: str | None, row: int, year, area: str,
                   problems: list) -> int | None:
    """Days from death to review (review date minus date of death); None without both dates. A review dated
    before the death is a finding, and is not used."""
    col = table.col("review_date")
    raw = cells[col.index] if col is not None else None
    if raw is None or died is None:
        return None
    reviewed = parse_date(raw, order)
    if reviewed is None:
        problems.append(finding("warning", "review_date", table.file, table.sheet, row, col.letter, year, area,
                                "review_date_unreadable", column=col.letter, cell=described_cell(raw)))
        return None
    days = (reviewed - died).days
    if days < 0:
        problems.append(finding("warning", "review_date", table.file, table.sheet, row, col.letter, year, area,
                                "review_before_death", column=col.letter, days=-days))
        return None
    return days


def review_record(table, row: int, cells: list, geo: dict, year, month, sex: str, age_group: str, cause: str,
                  died, order: str | None, rules: list[str], problems: list) -> dict:
    """The review record of a death counted from line-list row ``row`` (REVIEW_COLUMNS)."""
    area = geo["puskesmas"] or geo["district"]
    record = {"file": table.file, "sheet": table.sheet, "row": row,
              **{k: geo[k] or UNKNOWN for k in ("province", "district", "kecamatan", "puskesmas")},
              "year": year, "month": month, "sex": sex, "age_group": age_group, "cause": cause}
    for name in review_fields():
        record[name] = answer(table, name, cells, rules)
    record["birth_weight_g"] = measure(table, "birth_weight", cells, row, year, area, problems)
    record["gestational_age_weeks"] = measure(table, "gestational_age", cells, row, year, area, problems)
    record["days_to_review"] = days_to_review(table, cells, died, order, row, year, area, problems)
    return record


def review_frame(records: list[dict]) -> pd.DataFrame:
    """The reviews table (schemas.reviews) from the review records of a cleaning."""
    df = pd.DataFrame(records, columns=REVIEW_COLUMNS)
    df["row"] = df["row"].astype(int)
    df["year"] = df["year"].astype(int)
    df["month"] = df["month"].astype("Int64")
    for col in ("birth_weight_g", "gestational_age_weeks"):
        df[col] = df[col].astype(float)
    df["days_to_review"] = df["days_to_review"].astype("Int64")
    return schemas.reviews.validate(df)

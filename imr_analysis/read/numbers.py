"""Reading numbers as Indonesian tables write them.

'1.905' is one thousand nine hundred and five; '8,92' is eight point nine two; a blank cell
or '-' means zero in a count column. Anything else in a number cell is a problem to report; the
report never repeats the cell's text (it may be personal data), only its length and hash.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..privacy import current_salt, describe_cell, describe_text, described, described_cell
from .grid import UncomputedFormula

_INT = re.compile(r"^[+-]?\d+$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")
_ENGLISH_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DASHES = {"-", "–", "—", "--"}
_NO_DATA = {"TAD", "TD", "NA", "N/A", "T/A", "X", "?"}


@dataclass(frozen=True)
class Parsed:
    value: float | None
    rule: str = ""      # a mapping applied, e.g. "blank -> 0"; '' when read as it stands
    problem: str = ""   # why the cell cannot be read; '' when fine
    check: str = ""     # the finding's check for a problem other than text: 'formula_without_value'
    problem_key: str = ""   # the problem as a template of vocab/findings.csv, with its parameters
    problem_params: dict = field(default_factory=dict, compare=False)


def parse_number(cell: object, blank_is_zero: bool = True) -> Parsed:
    """Read one cell. Counts: blank or '-' -> 0, a percentage is a problem. Reported percentages: blank -> missing."""
    return _parse_number(cell, blank_is_zero, current_salt())


@lru_cache(maxsize=65536, typed=True)   # tables repeat the same few hundred cell texts
def _parse_number(cell: object, blank_is_zero: bool, salt: str) -> Parsed:
    """``parse_number`` once per cell text (and salt: a problem gives the text by its salted hash)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return Parsed(0.0, "blank -> 0") if blank_is_zero else Parsed(None)
    if isinstance(cell, UncomputedFormula):
        return Parsed(None, problem=f"the formula ({describe_text(str(cell))}) has no saved result (the workbook was written by a program "
                                    "or never opened in Excel); open the file in Excel and save it, or type the number",
                      check="formula_without_value", problem_key="problem_formula",
                      problem_params={"cell": described(str(cell))})
    if isinstance(cell, bool):
        return Parsed(None, problem=f"'{cell}' is not a number", problem_key="problem_bool", problem_params={"cell": str(cell)})
    if isinstance(cell, (int, float)):
        return Parsed(float(cell))
    text = str(cell).replace("\u00a0", " ").strip()
    if text == "":
        return Parsed(0.0, "blank -> 0") if blank_is_zero else Parsed(None)
    if text in _DASHES:
        return Parsed(0.0, f"'{text}' -> 0") if blank_is_zero else Parsed(None)
    if blank_is_zero and text.endswith("%"):
        return Parsed(None, problem=f"a percentage {describe_cell(text)} in a count cell; enter the count (the number of births, "
                                    "deaths or visits), not a percentage", check="percent_in_count",
                      problem_key="problem_percent", problem_params={"cell": described_cell(text)})
    compact = text.replace(" ", "").rstrip("%")
    if _INT.match(compact):
        return Parsed(float(compact))
    if _THOUSANDS_DOT.match(compact):
        return Parsed(float(compact.replace(".", "")), f"Indonesian number '{text}' -> {compact.replace('.', '')}")
    if _DECIMAL_COMMA.match(compact):
        return Parsed(float(compact.replace(".", "").replace(",", ".")))
    if _DECIMAL_POINT.match(compact):
        return Parsed(float(compact))
    if _ENGLISH_GROUPED.match(compact):
        if sum(ch.isdigit() for ch in compact) <= 7:  # a count, never a NIK or a phone number: shown as written
            return Parsed(None, problem=f"'{text}' uses a comma as thousands separator; write {compact.replace(',', '.')} or {compact.replace(',', '')}",
                          problem_key="problem_comma_short",
                          problem_params={"cell": text, "dots": compact.replace(",", "."), "plain": compact.replace(",", "")})
        return Parsed(None, problem=f"{describe_text(text)} uses a comma as thousands separator; write it with dots or without separators",
                      problem_key="problem_comma_long", problem_params={"cell": described(text)})
    if text.upper() in _NO_DATA:
        return Parsed(None, problem=f"'{text}' (no data) in a number cell; enter the count, or 0 if there were none",
                      problem_key="problem_no_data", problem_params={"cell": text})
    return Parsed(None, problem=f"text in a number cell ({describe_text(text)}); enter a number (blank or '-' mean 0)",
                  problem_key="problem_text", problem_params={"cell": described(text)})

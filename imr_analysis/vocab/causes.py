"""The cause-of-death vocabulary (causes.csv, cause_aliases.csv).

Canonical codes carry an Indonesian and an English label and a ``report_group``: the four
headline causes (LBW/prematurity, asphyxia, pneumonia, sepsis/infection), congenital,
diarrhoea, and other. Aliases cover the old Profil categories, the 2025 ICD-PM-style
categories, common misspellings and English terms.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from ..text import closest, norm
from .findings import nested


@lru_cache(maxsize=1)
def causes() -> pd.DataFrame:
    """The canonical cause codes, indexed by code."""
    df = pd.read_csv(VOCAB_DIR / "causes.csv", dtype=str, keep_default_na=False)
    df["headline"] = df["headline"].eq("true")
    df["ill_defined"] = df["ill_defined"].eq("true")
    return df.set_index("code")


def ill_defined_causes() -> list[str]:
    """Codes of ill-defined causes ('other', 'cause not determined'): counted by the cause-completeness check."""
    return list(causes().index[causes()["ill_defined"]])


@lru_cache(maxsize=1)
def alias_kinds() -> dict[str, str]:
    """Normalised alias text -> kind (profil, icd-pm, english, spelling, typo)."""
    table = pd.read_csv(VOCAB_DIR / "cause_aliases.csv", dtype=str, keep_default_na=False)
    return {norm(a): k for a, k in zip(table["alias"], table["kind"])}


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Normalised alias text -> code (each code's own labels included)."""
    table = pd.read_csv(VOCAB_DIR / "cause_aliases.csv", dtype=str, keep_default_na=False)
    mapping = {norm(a): c for a, c in zip(table["alias"], table["code"])}
    for code, row in causes().iterrows():
        mapping.setdefault(norm(row["label_id"]), code)
        mapping.setdefault(norm(row["label_en"]), code)
        mapping.setdefault(norm(code), code)
    unknown = set(mapping.values()) - set(causes().index)
    if unknown:
        raise ValueError(f"cause_aliases.csv names codes not in causes.csv: {sorted(unknown)}")
    return mapping


@dataclass(frozen=True)
class CauseMatch:
    code: str
    rule: str  # 'exact', 'alias' or 'typo fixed' (fuzzy) or 'unrecognised'
    note: dict | None = field(default=None, compare=False)  # a typo fixed as a template of findings.csv


def match_cause(text: str) -> CauseMatch:
    """Map a header or free-text cause to a code.

    Exact alias first; then a close spelling (difflib ratio >= 0.85), reported as a typo fixed
    (the rule names vocabulary terms only, never the text itself);
    otherwise code 'other' with rule 'unrecognised', which callers report so the user can add
    an alias to cause_aliases.csv.
    """
    key = norm(text)
    table = aliases()
    if key in table:
        if alias_kinds().get(key) in ("typo", "spelling"):
            return CauseMatch(table[key], f"typo fixed ('{key}' is a known misspelling of {table[key]})",
                              nested("typo_known", written=key, code=table[key]))
        return CauseMatch(table[key], "alias" if key != norm(table[key]) else "exact")
    near = closest(key, list(table))
    if near is not None:
        return CauseMatch(table[near], f"typo fixed (read as '{near}')", nested("typo_read_as", near=near))
    return CauseMatch("other", "unrecognised")


def label(code: str, lang: str = "id") -> str:
    """The label of a cause code in 'id' or 'en'."""
    return causes().loc[code, f"label_{lang}"]


def report_groups() -> list[str]:
    """The report's cause groups in report order: their order of first appearance in causes.csv."""
    return list(dict.fromkeys(causes()["report_group"]))


def headline_causes() -> list[str]:
    """The headline causes (``headline`` true in causes.csv), in file order: each is its own report group."""
    return list(causes().index[causes()["headline"]])


def report_group(codes: pd.Series) -> pd.Series:
    """Map cause codes to their report group (headline causes, congenital, diarrhoea, other)."""
    return codes.map(causes()["report_group"])

"""ICD-10 code ranges and the cause category each maps to (icd10.csv; its ``note`` column is for the reader)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def icd10_table() -> pd.DataFrame:
    """icd10.csv: ranges ``first``-``last`` of ICD-10 codes and the cause ``code`` each maps to."""
    return pd.read_csv(VOCAB_DIR / "icd10.csv")


@lru_cache(maxsize=1)
def icd10_ranges() -> list[tuple[str, str, str]]:
    """(first, last, cause code) of each ICD-10 range, in the file's order (the first match counts)."""
    r = icd10_table()
    return list(zip(r["first"], r["last"], r["code"]))

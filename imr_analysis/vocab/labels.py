"""The report languages and the label templates of vocab/labels.csv (one column per language)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR

LANGS = ("id", "en")


def check_lang(lang: str) -> str:
    """``lang`` when it is a language the reports and messages are written in ('id' or 'en')."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'id' or 'en', not '{lang}'")
    return lang


@lru_cache(maxsize=1)
def labels() -> pd.DataFrame:
    """vocab/labels.csv, indexed by key: one column per language."""
    return pd.read_csv(VOCAB_DIR / "labels.csv", dtype=str, keep_default_na=False).set_index("key")

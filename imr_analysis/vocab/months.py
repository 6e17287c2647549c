"""Month names: how raw files write a month (months.csv) and how findings name one (month_labels.csv)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def month_names() -> pd.DataFrame:
    """months.csv: each way a month is written (``name``, normalised) and its ``month`` number 1-12."""
    return pd.read_csv(VOCAB_DIR / "months.csv")


@lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    """Normalised month name as written ('JANUARI', 'JAN', 'JANUARY', 'MEI') -> month number 1-12."""
    df = month_names()
    return dict(zip(df["name"], df["month"]))


@lru_cache(maxsize=2)
def month_labels(lang: str = "id") -> list[str]:
    """The short label of each month in ``lang``, January first ('id': 'Jan', ..., 'Agu', ..., 'Des';
    'en': 'Jan', ..., 'Aug', ..., 'Dec')."""
    df = pd.read_csv(VOCAB_DIR / "month_labels.csv").sort_values("month")
    return list({"id": df["label_id"], "en": df["label_en"]}[lang])


@lru_cache(maxsize=2)
def month_full_names(lang: str = "id") -> list[str]:
    """The full name of each month in ``lang`` ('id': Januari ... Desember; 'en': January ... December)."""
    df = pd.read_csv(VOCAB_DIR / "month_labels.csv").sort_values("month")
    return list({"id": df["name_id"], "en": df["name_en"]}[lang])

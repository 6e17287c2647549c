"""Indicator metadata (indicators.csv): polarity, multiplier and labels.

Polarity says which direction is good: for mortality lower is better, for coverage higher is
better ('none' for shares, which are not judged).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def indicators() -> pd.DataFrame:
    return pd.read_csv(VOCAB_DIR / "indicators.csv").set_index("indicator")


def polarity(indicator: str) -> str:
    return indicators().loc[indicator, "polarity"]

"""Indicator metadata (indicators.csv): polarity, multiplier, unit and label of each indicator.

Polarity says which direction is good: for mortality lower is better, for coverage higher is
better ('none' for shares, which are not judged). The multiplier is the scale of the value
(1000: per 1,000; 100: %), and the unit is how the reports write it, in Indonesian and English.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def indicators() -> pd.DataFrame:
    return pd.read_csv(VOCAB_DIR / "indicators.csv", dtype={"multiplier": int}, keep_default_na=False).set_index("indicator")


def polarity(indicator: str) -> str:
    return indicators().loc[indicator, "polarity"]


def multiplier(indicator: str) -> int:
    """The scale of the indicator's value: 1000 (per 1,000) or 100 (%)."""
    return int(indicators().loc[indicator, "multiplier"])


def label(indicator: str, lang: str = "id") -> str:
    """The indicator's name in 'id' or 'en' (AKB / IMR)."""
    return indicators().loc[indicator, f"label_{lang}"]


def unit(indicator: str, lang: str = "id") -> str:
    """The unit of the indicator's value in 'id' or 'en' ('per 1.000 KH' / 'per 1000 live births')."""
    return indicators().loc[indicator, f"unit_{lang}"]

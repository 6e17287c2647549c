"""National targets (targets.csv), stored as data with their source and year."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def targets() -> pd.DataFrame:
    df = pd.read_csv(VOCAB_DIR / "targets.csv")
    for col in ("target_year", "applies_from", "applies_to"):
        df[col] = df[col].astype("Int64")
    return df


def join_targets(indicators: pd.DataFrame) -> pd.DataFrame:
    """Add ``target``, ``target_source`` and ``meets_target`` to an indicator table.

    A target applies to a data year between ``applies_from`` and ``applies_to`` (blank = open).
    ``meets_target`` is value <= target for mortality ('at_most') and value >= target for
    coverage ('at_least'); missing where the value or the target is missing.
    """
    t = targets()
    out = indicators.copy()
    out["target"] = np.nan
    out["target_source"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["meets_target"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    for _, row in t.iterrows():
        years = out["year"]
        applies = out["indicator"].eq(row["indicator"])
        if pd.notna(row["applies_from"]):
            applies &= years >= row["applies_from"]
        if pd.notna(row["applies_to"]):
            applies &= years <= row["applies_to"]
        out.loc[applies, "target"] = float(row["target"])
        out.loc[applies, "target_source"] = row["source"]
        values = out.loc[applies, "value"]
        meets = values <= row["target"] if row["comparison"] == "at_most" else values >= row["target"]
        out.loc[applies, "meets_target"] = meets.where(values.notna()).astype("boolean")
    return out

"""National targets (targets.csv), stored as data with their source and year."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..config import VOCAB_DIR


#: How a value is compared with its target (targets.csv ``comparison``).
COMPARISONS = {"at_most", "below", "at_least"}


@lru_cache(maxsize=1)
def targets() -> pd.DataFrame:
    df = pd.read_csv(VOCAB_DIR / "targets.csv")
    for col in ("target_year", "applies_from", "applies_to"):
        df[col] = df[col].astype("Int64")
    return df


def source_text(source: str, lang: str = "id") -> str:
    """A target's source as targets.csv writes it (``source``, English, the indicator tables' ``target_source``)
    in ``lang``: Indonesian from ``source_id``; a text that is no target's source as it is."""
    if lang == "en" or not isinstance(source, str):
        return source
    wording = targets().drop_duplicates("source").set_index("source")["source_id"]
    return wording.get(source, source)


def join_targets(indicators: pd.DataFrame) -> pd.DataFrame:
    """Add ``target``, ``target_source`` and ``meets_target`` to an indicator table (in place, returned).

    A target applies to a data year between ``applies_from`` and ``applies_to`` (blank = open).
    ``meets_target`` is value <= target for mortality ('at_most'), value < target for a target to
    stay under ('below': SDG 3.1, AKI below 70) and value >= target for coverage ('at_least');
    missing where the value or the target is missing. Vectorised (numpy).
    """
    t = targets()
    out = indicators
    ind = out["indicator"].to_numpy()
    years = out["year"].to_numpy(dtype=float)
    values = out["value"].to_numpy(dtype=float)
    target = np.full(len(out), np.nan)
    source = np.full(len(out), -1, dtype=np.int64)
    sources = list(dict.fromkeys(t["source"]))
    at_most = np.zeros(len(out), dtype=bool)
    below = np.zeros(len(out), dtype=bool)
    for _, row in t.iterrows():
        applies = ind == row["indicator"]
        if pd.notna(row["applies_from"]):
            applies &= years >= row["applies_from"]
        if pd.notna(row["applies_to"]):
            applies &= years <= row["applies_to"]
        target[applies] = float(row["target"])
        source[applies] = sources.index(row["source"])
        at_most[applies] = row["comparison"] == "at_most"
        below[applies] = row["comparison"] == "below"
    if not set(t["comparison"]) <= COMPARISONS:
        raise ValueError(f"targets.csv: comparison must be one of {sorted(COMPARISONS)}")
    meets = np.where(below, values < target, np.where(at_most, values <= target, values >= target))
    known = np.isfinite(values) & np.isfinite(target)
    out["target"] = target
    out["target_source"] = pd.Categorical.from_codes(source, categories=sources)
    out["meets_target"] = pd.arrays.BooleanArray(np.where(known, meets, False), ~known)
    return out

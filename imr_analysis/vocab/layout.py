"""The annex-table layout vocabulary (tables.yaml), loaded once."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import VOCAB_DIR
from ..text import closest, norm


@lru_cache(maxsize=1)
def layout() -> dict:
    with open(VOCAB_DIR / "tables.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def table_label(kind: str, lang: str = "en") -> str:
    """The label of an annex table kind, or of a flat format (monthly, linelist)."""
    spec = layout()["tables"].get(kind) or layout()["formats"][kind]
    return spec[f"label_{lang}"]


def lookup(text: str, options: dict[str, list[str]], fuzzy: bool = True) -> tuple[str | None, str]:
    """Which key of ``options`` a label means: exact (normalised) first, then a close spelling.

    Returns (key or None, rule) where rule is '' for an exact match and "header typo read as ..."
    for a close one (naming the vocabulary term only: the header itself may hold anything).
    """
    key = norm(text)
    if not key:
        return None, ""
    table = {norm(v): k for k, values in options.items() for v in values}
    if key in table:
        return table[key], ""
    if fuzzy and len(key) >= 5:
        near = closest(key, [v for v in table if len(v) >= 5], cutoff=0.85)
        if near is not None:
            return table[near], f"header typo read as '{near}'"
    return None, ""

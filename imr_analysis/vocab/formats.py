"""The vocabularies of the flat formats: monthly Puskesmas reports (monthly.yaml) and AMP-SR line lists
(linelist.yaml), loaded once each."""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import yaml

from ..config import VOCAB_DIR
from .layout import lookup


@lru_cache(maxsize=2)
def flat_vocab(kind: str) -> dict:
    """The vocabulary of a flat format ('monthly' or 'linelist')."""
    with open(VOCAB_DIR / f"{kind}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def sex_of(text: object) -> str | None:
    """'male' or 'female' for a line list's sex cell ('L', 'Perempuan', 'M' ...); None when it says neither."""
    return lookup(text, flat_vocab("linelist")["sex_values"], fuzzy=False)[0]


@lru_cache(maxsize=1)
def age_units() -> dict[str, Fraction]:
    """Days per age-unit word (linelist.yaml ``age_units``): 'HARI' -> 1, 'BULAN' -> 30.4375, 'JAM' -> 1/24,
    as exact fractions, so that an age is converted with one rounding (``float(number * days)``)."""
    return {word: Fraction(str(unit["days"])) for unit in flat_vocab("linelist")["age_units"].values()
            for word in unit["words"]}

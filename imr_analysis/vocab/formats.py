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


def is_maternal_death(text: object) -> bool:
    """Whether a line list's death-type cell names a maternal death (linelist.yaml ``death_type_values``)."""
    return lookup(text, flat_vocab("linelist")["death_type_values"], fuzzy=False)[0] == "maternal"


def maternal_period(text: object) -> str:
    """The period of a maternal death (pregnancy, delivery, postpartum) from its cell; 'unspecified' when unsaid."""
    return lookup(text, flat_vocab("linelist")["maternal_period_values"], fuzzy=False)[0] or "unspecified"


def mother_age_group(years: float | None) -> str:
    """The Profil age group of a mother's age in completed years (linelist.yaml ``mother_age_groups``);
    'unspecified' for none or one outside every group."""
    if years is None:
        return "unspecified"
    for group, (low, high) in flat_vocab("linelist")["mother_age_groups"].items():
        if low <= years < high:
            return group
    return "unspecified"

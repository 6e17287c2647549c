"""The vocabularies of AMP-SR death reviews (review.yaml): the answers of the review columns of a line
list, the review tables, and the columns and answers of the recommendations register."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import VOCAB_DIR
from .layout import lookup


@lru_cache(maxsize=1)
def review_vocab() -> dict:
    """review.yaml, loaded once."""
    with open(VOCAB_DIR / "review.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def answer_aliases(vocabulary: str) -> dict[str, list[str]]:
    """code -> aliases of one answer vocabulary ('place', 'yes_no', 'avoidable', 'attendant')."""
    return {code: entry["aliases"] for code, entry in review_vocab()["answers"][vocabulary].items()}


def answer_label(vocabulary: str, code: str, lang: str = "id") -> str:
    """The label of an answer code in ``lang`` ('en_route' -> 'Dalam perjalanan')."""
    return review_vocab()["answers"][vocabulary][code][lang]


def field_vocabulary(field: str) -> str:
    """The answer vocabulary of a review field ('place_of_death' -> 'place')."""
    return review_vocab()["fields"][field]


def review_fields() -> list[str]:
    """The categorical review fields of a line list, in order."""
    return list(review_vocab()["fields"])


def review_tables() -> list[str]:
    """The tables of the review, in order (each the field it counts)."""
    return list(review_vocab()["tables"])


def match_answer(vocabulary: str, text: object) -> str | None:
    """The code an answer cell means (exact normalised alias; no close spelling: a yes read as no would
    change a finding), or None when it matches no alias."""
    return lookup(text, answer_aliases(vocabulary), fuzzy=False)[0]


def register_columns() -> dict[str, dict]:
    """The register's columns: name -> {id, en, aliases}."""
    return review_vocab()["register"]["columns"]


def register_entry(name: str) -> dict[str, dict]:
    """An answer vocabulary of the register ('status', 'responsible', 'follow_up'): code -> entry."""
    return review_vocab()["register"][name]

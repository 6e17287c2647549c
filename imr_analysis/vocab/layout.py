"""The annex-table layout vocabulary (tables.yaml), loaded once."""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from ..config import VOCAB_DIR
from ..text import closest, norm
from .findings import nested


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
    table = _normalised(tuple((k, tuple(values)) for k, values in options.items()))
    if key in table:
        return table[key], ""
    if fuzzy and len(key) >= 5:
        near = closest(key, [v for v in table if len(v) >= 5], cutoff=0.85)
        if near is not None:
            return table[near], _HEADER_TYPO.format(near=near)
    return None, ""


_HEADER_TYPO = "header typo read as '{near}'"


def rule_note(rule: str) -> dict | None:
    """The rule of ``lookup`` ("header typo read as '...'") as a template of vocab/findings.csv (``header_typo``),
    for notes shown in either language; None for no rule."""
    prefix = _HEADER_TYPO.split("{")[0]
    return nested("header_typo", near=rule[len(prefix):-1]) if rule.startswith(prefix) else None


@lru_cache(maxsize=64)
def _normalised(options: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """normalised label -> key, built once per vocabulary (a wide sheet looks up thousands of headers)."""
    return {norm(v): k for k, values in options for v in values}


def first_group(path: list[str], groups: dict[str, dict[str, list[str]]]) -> str | None:
    """The first group (in the vocabulary's order) named by the first element of a header ``path`` that holds
    one of the group's ``contains`` words or is one of its ``equals`` words; None when no element does."""
    for element in path:
        text = norm(element)
        for group, words in groups.items():
            if any(w in text for w in words.get("contains", ())) or text in words.get("equals", ()):
                return group
    return None


@lru_cache(maxsize=1)
def _footer_prefix() -> re.Pattern:
    """A footer word followed by ':' or '.' at the start of a text (one pattern for all the words)."""
    return re.compile("(?:" + "|".join(re.escape(word) for word in layout()["footer_prefix"]) + r")\s*[:.]")


def is_footer_text(text: object) -> bool:
    """Whether a cell's text has the form of a footer line: 'Sumber: ...', 'Keterangan :', 'Sumber data ...'.

    Only the form counts ('SUMBER' followed by ':' or '.', or a footer phrase): a Puskesmas or
    kecamatan named 'Sumber' or 'Sumber Harta' is not a footer.
    """
    if not isinstance(text, str):
        return False
    raw = text.strip().upper()
    if _footer_prefix().match(raw):
        return True
    key = norm(raw)
    return any(key == phrase or key.startswith(phrase + " ") for phrase in layout()["footer_phrase"])

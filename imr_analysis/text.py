"""Normalising the free text of annex tables: headers, titles and names."""
from __future__ import annotations

import difflib
import re
import unicodedata

_PUNCT = re.compile(r"[.,;:/\\()\[\]\-_'\"`]+")
_SPACES = re.compile(r"\s+")


def visible(text: str) -> str:
    """The text as it reads: Unicode NFKC (no-break and other spaces -> ' ', full-width letters -> ASCII),
    a zero-width space read as a space, and without the other invisible format characters (joiners,
    byte-order mark, soft hyphen, direction marks: Unicode category Cf)."""
    if text.isascii():
        return text
    # a zero-width space marks a break between words ('Maju\u200bJaya' reads 'Maju Jaya'); other format
    # characters join or mark text and are dropped
    text = unicodedata.normalize("NFKC", text).replace("\u200b", " ")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def invisible_changes(text: str) -> list[str]:
    """The Unicode names of the characters ``visible`` removes or replaces, e.g. ['ZERO WIDTH SPACE']."""
    if text.isascii() or visible(text) == unicodedata.normalize("NFC", text):
        return []
    return sorted({unicodedata.name(ch, f"U+{ord(ch):04X}") for ch in text
                   if unicodedata.category(ch) == "Cf" or unicodedata.normalize("NFKC", ch) != ch})


def norm(text: object) -> str:
    """Upper-case, '+'/'&' kept as ' + ', other punctuation as spaces, spaces collapsed; read as ``visible``.

    'Laki - laki' -> 'LAKI LAKI'; 'LAKI-LAKI+PEREMPUAN' -> 'LAKI LAKI + PEREMPUAN'; 'Sungai\u200b Raya' -> 'SUNGAI RAYA'.
    """
    if text is None:
        return ""
    s = visible(str(text)).upper().replace("\n", " ")
    s = s.replace("+", " + ").replace("&", " + ")
    s = _PUNCT.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def closest(word: str, choices: list[str], cutoff: float = 0.85) -> str | None:
    """The closest choice by difflib ratio at or above ``cutoff``, or None."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def suggestions(word: str, choices: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` nearest choices, for messages that propose a fix."""
    return difflib.get_close_matches(word, choices, n=n, cutoff=0.4)

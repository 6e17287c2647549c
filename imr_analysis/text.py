"""Normalising the free text of annex tables: headers, titles and names."""
from __future__ import annotations

import difflib

#: '+' and '&' become ' + '; punctuation .,;:/\()[]-_'"` becomes a space (runs of spaces are collapsed after).
_TRANSLATE = str.maketrans({"+": " + ", "&": " + ", **{c: " " for c in ".,;:/\\()[]-_'\"`"}})


def norm(text: object) -> str:
    """Upper-case, '+'/'&' kept as ' + ', other punctuation as spaces, spaces collapsed.

    'Laki - laki' -> 'LAKI LAKI'; 'LAKI-LAKI+PEREMPUAN' -> 'LAKI LAKI + PEREMPUAN'.
    """
    if text is None:
        return ""
    return " ".join(str(text).upper().translate(_TRANSLATE).split())


def closest(word: str, choices: list[str], cutoff: float = 0.85) -> str | None:
    """The closest choice by difflib ratio at or above ``cutoff``, or None."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def suggestions(word: str, choices: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` nearest choices, for messages that propose a fix."""
    return difflib.get_close_matches(word, choices, n=n, cutoff=0.4)

"""The title lines above a table's header: the year ('TAHUN 2023') and the district ('KABUPATEN MUSI RAWAS UTARA').

One definition for annex tables and flat tables; the words are in vocab/tables.yaml (``title_year``,
``title_district``). Lines are matched after normalisation (text.norm).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..vocab.layout import layout


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    words = layout()
    year = "|".join(map(re.escape, words["title_year"]))
    # the longest district word first: 'KABUPATEN KOTA X' is district X, not 'KOTA X'
    district = "|".join(map(re.escape, sorted(words["title_district"], key=len, reverse=True)))
    return (re.compile(rf"\b(?:{year}) (\d{{4}})\b"),
            re.compile(rf"\b(?:{district}) (.+?)(?: (?:{year}) \d{{4}})?$"))


def title_year(line: str) -> int | None:
    """The year a normalised title line names ('... TAHUN 2023' -> 2023), else None."""
    m = _patterns()[0].search(line)
    return int(m.group(1)) if m else None


def title_district(line: str) -> str | None:
    """The district a normalised title line names ('KABUPATEN MUSI RAWAS UTARA TAHUN 2023' -> 'MUSI RAWAS UTARA'),
    wherever on the line it stands; None when the line names none."""
    m = _patterns()[1].search(line)
    return m.group(1).strip() if m else None

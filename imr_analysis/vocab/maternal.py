"""The maternal-death cause vocabulary (maternal_causes.csv).

The Profil table 'JUMLAH KEMATIAN IBU MENURUT PENYEBAB' has two editions:

* current (from about 2021): PERDARAHAN, GANGGUAN HIPERTENSI, INFEKSI, KELAINAN JANTUNG DAN
  PEMBULUH DARAH, GANGGUAN AUTOIMUN, GANGGUAN CEREBROVASKULAR, COVID-19, KOMPLIKASI PASCA
  KEGUGURAN (ABORTUS), LAIN-LAIN;
* older: PERDARAHAN, HIPERTENSI DALAM KEHAMILAN, INFEKSI, GANGGUAN SISTEM PEREDARAN DARAH,
  GANGGUAN METABOLIK, LAIN-LAIN.

Each code has an Indonesian and an English label, its column header in each edition
(``header_current``, ``header_older``; blank: the edition has no such column) and other
spellings read as it (``aliases``, '|' separated). Old to new: HIPERTENSI DALAM KEHAMILAN -> hypertension, GANGGUAN SISTEM PEREDARAN
DARAH -> cardiovascular; GANGGUAN METABOLIK keeps its own code ``metabolic``, whose
``current_code`` is ``other`` (the current edition counts it under LAIN-LAIN), so years of both
editions are compared on ``current_code``.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from ..text import closest, norm
from .findings import nested
from .causes import CauseMatch

EDITIONS = ("current", "older")


@lru_cache(maxsize=1)
def maternal_causes() -> pd.DataFrame:
    """The maternal cause codes, indexed by code (label_id, label_en, current_code, header_current,
    header_older, aliases)."""
    df = pd.read_csv(VOCAB_DIR / "maternal_causes.csv", dtype=str, keep_default_na=False).set_index("code")
    bad = set(df["current_code"]) - set(df.index)
    if bad:
        raise ValueError(f"maternal_causes.csv: current_code names codes not in the file: {sorted(bad)}")
    return df


@lru_cache(maxsize=1)
def _headers() -> dict[str, str]:
    """Normalised header text -> code (each code's headers and labels)."""
    mapping = {}
    for code, row in maternal_causes().iterrows():
        texts = [row["header_current"], row["header_older"], *row["aliases"].split("|"), row["label_id"],
                 row["label_en"], code]
        for text in filter(None, texts):
            mapping.setdefault(norm(text), code)
    return mapping


def match_maternal_cause(text: str) -> CauseMatch:
    """A maternal cause header to its code: exact first, then a close spelling ('typo fixed', naming the
    vocabulary term only); otherwise 'other' with rule 'unrecognised'."""
    key = norm(text)
    table = _headers()
    if key in table:
        return CauseMatch(table[key], "exact")
    near = closest(key, list(table))
    if near is not None:
        return CauseMatch(table[near], f"typo fixed (read as '{near}')", nested("typo_read_as", near=near))
    return CauseMatch("other", "unrecognised")


def current_code(codes: pd.Series) -> pd.Series:
    """Codes on the current edition's categories (older 'metabolic' -> 'other'), to compare editions."""
    return codes.map(maternal_causes()["current_code"])


def maternal_cause_label(code: str, lang: str = "id") -> str:
    return maternal_causes().loc[code, f"label_{lang}"]


def edition_headers(edition: str) -> list[str]:
    """The cause column headers of a Profil edition ('current' or 'older'), in file order."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}; got '{edition}'")
    return [h for h in maternal_causes()[f"header_{edition}"] if h]

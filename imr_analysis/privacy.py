"""Personal data (UU 27/2022 on personal data protection): found at read time, dropped, never written.

Columns are personal data when their header names them (names, NIK, addresses, phone numbers:
vocab/personal_data.yaml) or when their values look like it (a 16-digit NIK, a phone number,
an e-mail address). Such columns are dropped as the file is read; only their header names are
reported. Free text that is kept (a cause of death) is scrubbed of the same patterns.
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from .config import VOCAB_DIR
from .text import norm

REDACTED = "[data pribadi dihapus]"


@lru_cache(maxsize=1)
def _vocab() -> dict:
    with open(VOCAB_DIR / "personal_data.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _patterns() -> list[re.Pattern]:
    return [re.compile(p) for p in _vocab()["patterns"].values()]


def is_personal_header(header: object) -> bool:
    """'Nama Ibu', 'NIK', 'Alamat lengkap', 'No. HP' -> True; 'Puskesmas', 'Nama Puskesmas' -> False."""
    key = norm(header)
    if not key or "PUSKESMAS" in key or "KECAMATAN" in key or "KABUPATEN" in key or "FASKES" in key:
        return False
    words = _vocab()["headers"]
    return any(key == w or key.startswith(w + " ") for w in words)


def looks_personal(value: object) -> bool:
    """A value holding a NIK, a phone number or an e-mail address."""
    if value is None:
        return False
    if isinstance(value, float) and value.is_integer():
        value = f"{value:.0f}"
    text = str(value)
    return any(p.search(text) for p in _patterns())


def scrub(text: object) -> str:
    """Free text with NIK, phone numbers and e-mail addresses replaced."""
    out = "" if text is None else str(text)
    for p in _patterns():
        out = p.sub(REDACTED, out)
    return out


def personal_columns(header: list[object], rows: list[list[object]]) -> list[int]:
    """Indices of columns that are personal data, by header or by any value."""
    drop = []
    for j, h in enumerate(header):
        if is_personal_header(h):
            drop.append(j)
            continue
        if any(j < len(r) and looks_personal(r[j]) for r in rows):
            drop.append(j)
    return drop

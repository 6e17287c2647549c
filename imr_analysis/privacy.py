"""Personal data (UU 27/2022 on personal data protection): never written, never printed.

First line, an allow-list: free text from the input (cause text, unknown names, titles, headers
and cells that were not recognised) is never written anywhere. What is written is what the
vocabularies recognised (a code, a matched term, a resolved Puskesmas name), or a position, a
length and a short salted hash of the cell text (``describe_text``: "text of 23 characters,
#a1b2c3d4") that a user can match against their own file (``imr-analysis hash-text``). Names
taken as written for a district the registry does not know are written only when they look like
a place name (``looks_like_place_name``).

Second line, patterns (vocab/personal_data.yaml): columns whose header names personal data, or
whose values hold a NIK, a phone number, an e-mail address, an address or a name form, are dropped
when the file is read; and every text written or printed is scrubbed of the same patterns.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import math
import re
import secrets
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .vocab.personal_data import personal_data
from .text import norm

REDACTED = "[data pribadi dihapus]"
#: The salt of the text hashes, kept in the processed folder so re-runs give the same hashes.
SALT_FILE = "text_hash_salt.txt"
_SALT: contextvars.ContextVar[str | None] = contextvars.ContextVar("text_hash_salt", default=None)
_RUN_SALT = secrets.token_hex(8)   # outside a processed folder: one salt per run


@lru_cache(maxsize=1)
def _patterns() -> list[re.Pattern]:
    return [re.compile(p) for p in personal_data()["patterns"].values()]


@lru_cache(maxsize=1)
def _needs() -> list[tuple[int, tuple[str, ...]]]:
    """For each pattern, in order: the digits an ASCII text must hold, and the words of which it must hold one."""
    needs = personal_data()["pattern_needs"]
    return [(needs[name].get("digits", 0), tuple(needs[name].get("any_of", ()))) for name in personal_data()["patterns"]]


def _matches_any(text: str) -> bool:
    """Whether any pattern matches ``text``. An ASCII text is searched only with the patterns whose needs
    (vocab pattern_needs) it meets: the others cannot match it. Other text is searched with every pattern."""
    if not text.isascii():
        return any(p.search(text) for p in _patterns())
    low = text.lower()
    digits = sum(map(text.count, "0123456789"))
    return any(digits >= least and (not words or any(w in low for w in words)) and p.search(text)
               for p, (least, words) in zip(_patterns(), _needs()))


_REPEATED = re.compile(re.escape(REDACTED) + r"(?:[\s,;/]*" + re.escape(REDACTED) + ")+")


# --- personal data by header and by value ------------------------------------------------------

def personal_header_term(header: object) -> str | None:
    """The vocabulary word that makes a header personal data ('Nama Ibu Kandung' -> 'NAMA IBU'), else None."""
    key = norm(header)
    if not key or "PUSKESMAS" in key or "KECAMATAN" in key or "KABUPATEN" in key or "FASKES" in key:
        return None
    hits = [w for w in personal_data()["headers"] if key == w or key.startswith(w + " ")]
    return max(hits, key=len) if hits else None


def is_personal_header(header: object) -> bool:
    """'Nama Ibu', 'NIK', 'Alamat lengkap', 'No. HP' -> True; 'Puskesmas', 'Nama Puskesmas' -> False."""
    return personal_header_term(header) is not None


def looks_personal(value: object) -> bool:
    """A value holding a NIK, a phone number, an e-mail address, an address or a name form."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        if not (abs(value) >= 1e8 and float(value).is_integer()):  # too short for a NIK or a phone number
            return False
        value = f"{value:.0f}"
    elif not isinstance(value, str):  # a date or a time: not personal data by itself
        return False
    return _matches_any(value)


def scrub(text: object) -> str:
    """Text with NIK, phone numbers, e-mail addresses, addresses and name forms replaced."""
    out = "" if text is None else str(text)
    if not _matches_any(out):
        return out
    for p in _patterns():
        out = p.sub(REDACTED, out)
    return _REPEATED.sub(REDACTED, out)


def scrub_json(text: str) -> str:
    """JSON text (the ``params`` of a finding or an input error) with its strings scrubbed and every number whose
    whole part reads as personal data (a 16-digit NIK, a phone number) replaced; it stays valid JSON.

    ``scrub`` on the JSON text itself would take the decimals of a number for a NIK ('1.5384615384615385' holds
    16 digits in a row) and cut the JSON. Text that is not JSON is scrubbed as text.
    """
    def walk(value):
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            whole = str(int(value))
            return REDACTED if scrub(whole) != whole else value
        return value

    try:
        parsed = json.loads(text)
    except ValueError:
        return scrub(text)
    return json.dumps(walk(parsed), ensure_ascii=False, sort_keys=True)


def scrub_frame(df: pd.DataFrame, keep: tuple[str, ...] = ("file", "sheet"),
                json_columns: tuple[str, ...] = ("params",)) -> pd.DataFrame:
    """A copy with every text column scrubbed, but the columns in ``keep`` (file and sheet names); the columns in
    ``json_columns`` hold JSON and are scrubbed value by value (``scrub_json``).

    Each distinct text is scrubbed once, so a ledger of many rows with few distinct reasons is quick.
    """
    out = df.copy()
    for col in out.columns:
        if col in keep or not (out[col].dtype == object or pd.api.types.is_string_dtype(out[col])):
            continue
        texts = {v for v in out[col].unique() if isinstance(v, str)}
        changed = {v: (scrub_json(v) if col in json_columns else clean) for v in texts if (clean := scrub(v)) != v}
        changed = {v: clean for v, clean in changed.items() if clean != v}
        if changed:
            out[col] = out[col].map(lambda v: changed.get(v, v) if isinstance(v, str) else v)
    return out


def personal_columns(header: list[object], rows: list[list[object]], by_value: set[int] | None = None) -> list[int]:
    """Indices of columns that are personal data, by header or by any value (of the columns in ``by_value``, or all)."""
    drop = []
    for j, h in enumerate(header):
        if is_personal_header(h):
            drop.append(j)
            continue
        if by_value is not None and j not in by_value:
            continue
        if any(looks_personal(v) for v in {r[j] for r in rows if j < len(r)}):  # each distinct value once
            drop.append(j)
    return drop


# --- what may be written instead of free text ----------------------------------------------------

def folder_salt(folder: Path) -> str:
    """The salt kept in a processed folder (SALT_FILE), or a new random one when it has none yet."""
    path = Path(folder) / SALT_FILE
    if path.exists():
        salt = path.read_text(encoding="utf-8").strip()
        if salt:
            return salt
    return secrets.token_hex(8)


@contextlib.contextmanager
def salted(salt: str):
    """Hash cell texts with ``salt`` inside the block (the cleaning of one processed folder)."""
    token = _SALT.set(salt)
    try:
        yield salt
    finally:
        _SALT.reset(token)


def current_salt() -> str:
    return _SALT.get() or _RUN_SALT


def cell_text(value: object) -> str:
    """A cell as its user sees it: surrounding spaces removed, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value).strip()


def text_hash(value: object, salt: str | None = None) -> str:
    """'#' and the first 8 hex digits of sha256(salt + cell text): matches a cell without showing it."""
    return _hash(current_salt() if salt is None else salt, cell_text(value))


@lru_cache(maxsize=65536)  # the same names repeat on many rows
def _hash(salt: str, text: str) -> str:
    return "#" + hashlib.sha256((salt + text).encode("utf-8")).hexdigest()[:8]


def describe_text(value: object) -> str:
    """A cell's text described without showing it: 'text of 23 characters, #a1b2c3d4'."""
    text = cell_text(value)
    return f"text of {len(text)} character{'s' if len(text) != 1 else ''}, {text_hash(text)}"


def described(value: object) -> dict:
    """``describe_text`` as a message parameter (vocab/findings.csv renders it in the message's language)."""
    text = cell_text(value)
    if len(text) == 1:
        return {"key": "described_one", "params": {"hash": text_hash(text)}}
    return {"key": "described", "params": {"chars": len(text), "hash": text_hash(text)}}


_SHORT_NUMBER = re.compile(r"^[+-]?\d{1,6}(?:[.,]\d{1,3})?%?$")


def describe_cell(value: object) -> str:
    """A short number as written ('13'); any other text as ``describe_text``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e6:
        return f"'{cell_text(value)}'"
    text = cell_text(value)
    return f"'{text}'" if _SHORT_NUMBER.match(text) else describe_text(text)


def described_cell(value: object) -> str | dict:
    """``describe_cell`` as a message parameter: a short number as written, any other text ``described``."""
    shown = describe_cell(value)
    return shown if shown.startswith("'") else described(value)


@lru_cache(maxsize=65536)  # the same few names repeat on every row
def looks_like_place_name(text: object) -> bool:
    """A name that may be written as taken from the input: a place name, not a person, an address or a number.

    Markup is allowed (every report escapes it); what is refused is what personal data looks like.

    'Sungai Contoh', 'Puskesmas 23 Ilir' -> True; 'Muara Rupit (bidan Ani 0812-9876-5400)', 'Ny. Siti',
    '1605011234560001', 'a.b@contoh.id' -> False. The rules are in vocab/personal_data.yaml (place_names).
    """
    rules = personal_data()["place_names"]
    name = cell_text(text)
    if not name or len(name) > rules["max_length"] or not re.search(r"[^\W\d_]", name):
        return False
    if not re.match(rules["characters"], name) or looks_personal(name):
        return False
    runs = re.findall(r"\d+", name)
    if sum(map(len, runs)) > rules["max_digits"] or any(len(r) > rules["max_digit_run"] for r in runs):
        return False
    words = norm(name).split()
    return len(words) <= rules["max_words"] and not set(words) & set(rules["person_words"])

"""The district -> province vocabulary (districts.csv): the 514 kabupaten/kota with their Kemendagri codes.

Source, date and licence are in districts.PROVENANCE.md beside the CSV. A name is read as a
title block writes it: 'KABUPATEN MUSI RAWAS UTARA', 'Kab. Musi Rawas Utara', 'Kota Adm. Jakarta
Pusat', 'MURATARA'. The prefix alone decides between a kabupaten and a kota of the same name
(Kabupaten Bandung, Kota Bandung); without it such a name is not resolved and the match says
why. Unknown names are never guessed: the match suggests the nearest names.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..config import VOCAB_DIR
from ..text import norm, suggestions

DISTRICTS_FILE = VOCAB_DIR / "districts.csv"
COLUMNS = ("code", "province_code", "province", "district", "kind", "name", "aliases")
KINDS = ("kabupaten", "kota")
# Stacked prefixes are stripped one by one: 'KAB/KOTA: KOTA BANDUNG', 'KOTA ADM. JAKARTA PUSAT'.
_PREFIX = re.compile(r"^(?:(?P<either>KABUPATEN KOTA|KAB KOTA)|(?P<kabupaten>KABUPATEN|KAB)|(?P<kota>KOTA)"
                     r"|ADMINISTRASI|ADM)\b\s*")
_KEP = re.compile(r"\bKEP\b")


@lru_cache(maxsize=4)
def districts(path: Path = DISTRICTS_FILE) -> pd.DataFrame:
    """The vocabulary, one row per kabupaten/kota, every column a string."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"{path}: the district vocabulary lacks columns {sorted(missing)}")
    bad = sorted(set(df["kind"]) - set(KINDS))
    if bad:
        raise ValueError(f"{path}: kind must be one of {KINDS}, found {bad}")
    return df


def split_kind(name: object) -> tuple[str, str]:
    """The kind the prefix names and the matching key of the rest.

    'Kab. Musi Rawas Utara' -> ('kabupaten', 'MUSI RAWAS UTARA'); 'KOTA ADM. JAKARTA PUSAT' ->
    ('kota', 'JAKARTA PUSAT'); 'Kab/Kota Bandung' and 'BANDUNG' -> ('', 'BANDUNG');
    'Kep. Sula' -> ('', 'KEPULAUAN SULA').
    """
    text, kind = norm(name), ""
    while match := _PREFIX.match(text):
        if match.lastgroup in KINDS:
            kind = match.lastgroup
        text = text[match.end():]
    return kind, _KEP.sub("KEPULAUAN", text)


def _compact(key: str) -> str:
    """'LUBUK LINGGAU' -> 'LUBUKLINGGAU': spellings that differ only in spaces or hyphens meet."""
    return key.replace(" ", "")


@dataclass(frozen=True)
class _Index:
    rows: tuple[dict[str, str], ...]
    by_key: dict[str, list[int]]  # district and alias keys -> row positions
    by_compact: dict[str, list[int]]


@lru_cache(maxsize=4)
def _index(path: Path = DISTRICTS_FILE) -> _Index:
    rows = tuple(districts(path).to_dict("records"))
    by_key: dict[str, list[int]] = defaultdict(list)
    by_compact: dict[str, list[int]] = defaultdict(list)
    for pos, row in enumerate(rows):
        names = [row["district"], *filter(None, (a.strip() for a in row["aliases"].split("|")))]
        for key in dict.fromkeys(split_kind(n)[1] for n in names):
            by_key[key].append(pos)
            by_compact[_compact(key)].append(pos)
    return _Index(rows, dict(by_key), dict(by_compact))


@dataclass(frozen=True)
class DistrictMatch:
    """A resolved district, or the reason it was not resolved (``found`` False)."""

    found: bool
    code: str = ""  # Kemendagri code, '16.13'
    district: str = ""  # 'Musi Rawas Utara' (no Kabupaten/Kota prefix: see kind)
    province: str = ""  # also when the name is ambiguous but every candidate lies in one province
    kind: str = ""  # 'kabupaten' or 'kota'
    name: str = ""  # official name, 'Kabupaten Musi Rawas Utara'
    rule: str = ""  # how it matched, or why it did not
    candidates: tuple[str, ...] = ()  # official names: the ambiguous ones, or the nearest


def _found(row: dict[str, str], raw: str, key: str, how: str) -> DistrictMatch:
    if how == "exact" and key != split_kind(row["district"])[1]:
        how = "alias"
    rule = "exact" if how == "exact" else f"{how} '{raw.strip()}' -> '{row['name']}'"
    return DistrictMatch(True, row["code"], row["district"], row["province"], row["kind"], row["name"], rule)


def _described(row: dict[str, str]) -> str:
    return f"{row['name']} ({row['code']}, {row['province']})"


def resolve_district(name: object, path: Path = DISTRICTS_FILE) -> DistrictMatch:
    """The kabupaten/kota a title block names, with its Kemendagri code and province.

    Matching: the name and the aliases of districts.csv after `split_kind`; then the same
    with spaces ignored ('PAGARALAM' -> Kota Pagar Alam). A 'Kabupaten'/'Kota' prefix keeps
    only districts of that kind. Found only when exactly one district remains; a name that
    stays ambiguous ('BANDUNG') still gets the province when all its candidates share one.
    """
    index = _index(path)
    raw = "" if name is None else str(name)
    kind, key = split_kind(raw)
    if not key:
        return DistrictMatch(False, rule=f"'{raw.strip()}' names no district")
    positions, how = index.by_key.get(key, []), "exact"
    if not positions:
        positions, how = index.by_compact.get(_compact(key), []), "spelling"
    rows = [index.rows[pos] for pos in sorted(set(positions))]
    of_kind = [row for row in rows if row["kind"] == kind] if kind else rows
    if len(of_kind) == 1:
        return _found(of_kind[0], raw, key, how)
    if len(of_kind) > 1:
        names = " or ".join(_described(row) for row in of_kind)
        provinces = {row["province"] for row in of_kind}
        return DistrictMatch(False, province=provinces.pop() if len(provinces) == 1 else "",
                             rule=f"'{raw.strip()}' is ambiguous: it may be {names}; "
                                  "the name needs 'Kabupaten' or 'Kota' before it",
                             candidates=tuple(row["name"] for row in of_kind))
    if rows:
        others = " or ".join(_described(row) for row in rows)
        return DistrictMatch(False, rule=f"there is no {kind.capitalize()} {rows[0]['district']}, only {others}",
                             candidates=tuple(row["name"] for row in rows))
    near = [index.rows[index.by_key[k][0]]["name"] for k in suggestions(key, list(index.by_key))]
    return DistrictMatch(False, rule=f"'{raw.strip()}' is not one of the {len(index.rows)} kabupaten/kota of "
                                     "Indonesia", candidates=tuple(dict.fromkeys(near)))

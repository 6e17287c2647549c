"""The Puskesmas registry (puskesmas.csv): canonical name, kecamatan, district, province, aliases.

Names are matched after normalising case, spacing, punctuation and the PKM / Puskesmas /
UPTD / UPT prefixes. Unknown names are never guessed: callers set them aside with the nearest
registry names suggested.

The environment variable ``IMR_ANALYSIS_REGISTRY`` names another registry file (same columns),
for an office that keeps its own registry outside the package, or a test.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..config import VOCAB_DIR
from ..errors import InputError, Location
from ..text import norm, suggestions, visible
from .districts import resolve_district

REGISTRY_FILE = VOCAB_DIR / "puskesmas.csv"
REGISTRY_ENV = "IMR_ANALYSIS_REGISTRY"
_PREFIX = re.compile(r"^(UPTD|UPT|UPTD PUSKESMAS|UPT PUSKESMAS|PUSKESMAS|PKM|PUSK)\b\s*")
#: The same prefixes in the text as written, any case, with the punctuation that may follow them ('PKM.', 'Pusk:').
_WRITTEN_PREFIX = re.compile(r"^(UPTD|UPT|PUSKESMAS|PKM|PUSK)\b[.:-]?\s*", re.IGNORECASE)
_KECAMATAN_PREFIX = re.compile(r"^(KECAMATAN|KEC)\b\s*")
_DISTRICT_PREFIX = re.compile(r"^(KABUPATEN|KAB|KOTA|KAB KOTA)\b\s*")


def name_key(name: object) -> str:
    """Normalised matching key: 'UPTD Puskesmas  Muara-Rupit' -> 'MUARA RUPIT'."""
    key = norm(name)
    previous = None
    while key != previous:  # strip stacked prefixes: 'UPTD PUSKESMAS PKM X'
        previous = key
        key = _PREFIX.sub("", key).strip()
    return key


def kecamatan_key(name: object) -> str:
    """'Kec. Sungai Raya' -> 'SUNGAI RAYA'."""
    return _KECAMATAN_PREFIX.sub("", norm(name)).strip()


@lru_cache(maxsize=4096)
def district_key(name: object) -> str:
    """'KABUPATEN MUSI RAWAS UTARA' / 'Kab. Musi Rawas Utara' -> 'MUSI RAWAS UTARA'."""
    return _DISTRICT_PREFIX.sub("", norm(name)).strip()


def display_name(key: str) -> str:
    """A readable name from a key: 'MUARA RUPIT' -> 'Muara Rupit'."""
    return " ".join(w.capitalize() for w in key.split())


def written_name(name: object) -> str:
    """The name to show for a Puskesmas of a district the registry does not know, from the text as written.

    The UPTD / UPT / Puskesmas / PKM / Pusk prefixes and runs of spaces go, punctuation stays. A name
    written in one case is shown in title case, a name in mixed case as written:
    'UPTD Puskesmas  MUARA-RUPIT' -> 'Muara-Rupit'; 'PKM. Karang Dapo II' -> 'Karang Dapo II';
    '=SUM(A1)' -> '=Sum(A1)'; '<b>Pusk</b> & Co' -> '<b>Pusk</b> & Co'; '<b>x</b>' -> '<b>X</b>' (a tag's letter
    stays). Matching uses ``name_key``.
    """
    text = " ".join(visible(str(name)).split())
    previous = None
    while text != previous:  # stacked prefixes: 'UPTD Puskesmas PKM X'
        previous = text
        text = _WRITTEN_PREFIX.sub("", text).strip()
    if text.isupper() or text.islower():
        text = _TITLE_LETTER.sub(lambda m: m.group(0).upper(), text.lower())
    return text or display_name(name_key(name))


#: A letter that title case makes a capital (str.title's rule: after any non-letter), except the first letter of a
#: markup tag ('<b>', '</b>'), which stays as written: '<b>x</b>' -> '<b>X</b>', never '<B>X</B>'.
_TITLE_LETTER = re.compile(r"(?<![^\W\d_])(?<!<)(?<!</)[^\W\d_]")


def registry_file() -> Path:
    """The registry in use: the file named by IMR_ANALYSIS_REGISTRY, else the package's puskesmas.csv."""
    named = os.environ.get(REGISTRY_ENV)
    if not named:
        return REGISTRY_FILE
    path = Path(named)
    if not path.is_file():
        raise InputError.from_key("registry_env_missing", Location(file=named), env=REGISTRY_ENV,
                                  registry=REGISTRY_FILE.name)
    return path


@lru_cache(maxsize=4)
def registry(path: Path = REGISTRY_FILE) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = {"province", "district", "kecamatan", "puskesmas", "aliases"}
    missing = required - set(df.columns)
    if missing:
        raise ValueError(f"{path}: the registry lacks columns {sorted(missing)}")
    return df


@dataclass(frozen=True)
class PuskesmasMatch:
    found: bool
    puskesmas: str = ""
    kecamatan: str = ""
    district: str = ""
    province: str = ""
    rule: str = ""  # 'exact', "name normalised -> 'Muara Rupit'" or "name alias 'M RUPIT' -> 'Muara Rupit'"
    suggestions: tuple[str, ...] = ()
    term: str = ""  # the registry name or alias that matched (the input's spelling is never repeated)


class Registry:
    """Lookups in the registry for one run."""

    def __init__(self, path: Path | None = None):
        self.table = registry(Path(path) if path else registry_file())
        self._by_district: dict[str, dict[str, dict]] = {}
        self._provinces: dict[str, str] = {}  # district vocabulary look-ups, once per name (not per row)
        self._terms: dict[tuple[str, str], str] = {}  # (district key, name key) -> the registry's spelling
        self._matches: dict[tuple[str, str], PuskesmasMatch] = {}   # each name is looked up once per run
        self._district_names: dict[str, str] = {}
        for row in self.table.to_dict("records"):
            dkey = district_key(row["district"])
            names = self._by_district.setdefault(dkey, {})
            for term in [row["puskesmas"]] + [a.strip() for a in row["aliases"].split("|") if a.strip()]:
                names[name_key(term)] = row
                self._terms.setdefault((dkey, name_key(term)), term)

    def knows_district(self, district: str) -> bool:
        return district_key(district) in self._by_district

    def district_name(self, district: str) -> str:
        """The registry's spelling of a known district, else a readable form of the name."""
        found = self._district_names.get(district)
        if found is None:
            names = self._by_district.get(district_key(district))
            found = next(iter(names.values()))["district"] if names else display_name(district_key(district))
            self._district_names[district] = found
        return found

    def province(self, district: str) -> str:
        """The province: from the registry, else from the district vocabulary (districts.csv), else ''.

        '' is written as 'unknown' in the canonical tables (the geography rule, schemas.py).
        """
        names = self._by_district.get(district_key(district))
        if names:
            return next(iter(names.values()))["province"]
        if district not in self._provinces:
            self._provinces[district] = resolve_district(district).province
        return self._provinces[district]

    def match(self, district: str, raw_name: str) -> PuskesmasMatch:
        found = self._matches.get((district, raw_name))
        if found is None:
            found = self._matches[(district, raw_name)] = self._match(district, raw_name)
        return found

    def _match(self, district: str, raw_name: str) -> PuskesmasMatch:
        names = self._by_district.get(district_key(district), {})
        key = name_key(raw_name)
        row = names.get(key)
        if row is None:
            canon = sorted({r["puskesmas"] for r in names.values()})
            near = suggestions(key, [name_key(c) for c in canon])
            by_key = {name_key(c): c for c in canon}
            return PuskesmasMatch(False, suggestions=tuple(by_key[k] for k in near))
        canonical = row["puskesmas"]
        term = self._terms[(district_key(district), key)]
        if raw_name.strip() == canonical:
            rule = "exact"
        elif term == canonical:
            rule = f"name normalised -> '{canonical}'"
        else:
            rule = f"name alias '{term}' -> '{canonical}'"
        return PuskesmasMatch(True, canonical, row["kecamatan"], row["district"], row["province"], rule, term=term)

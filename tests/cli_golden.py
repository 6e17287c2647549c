"""What the command line writes, as fingerprints: the baseline that a refactor must not change.

``outputs(work)`` runs the CLI in-process on the bundled sample and on a small generated corpus
of districts the registry does not know, and returns one sha256 per file written and per console
stream. Workbooks are fingerprinted by their cell values and merged ranges (their zip members
carry creation times). Recorded in ``tests/golden/cli_outputs.json`` by

    .venv/bin/python scripts/record_cli_outputs.py

Re-record only on purpose, when a number or message is meant to change, and say why in the
commit; ``tests/test_cli_outputs.py`` compares against it.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "cli_outputs.json"
SALT = "0123456789abcdef"   # a fixed text-hash salt, so the ledger's hashes are reproducible
YEARS = "2021-2023"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _workbook_digest(path: Path) -> str:
    """sha256 of every sheet's cell values and merged ranges (not the zip, which holds times)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    parts = []
    for sheet in book.worksheets:
        parts.append(f"## {sheet.title} {sorted(str(r) for r in sheet.merged_cells.ranges)}")
        for row in sheet.iter_rows(values_only=True):
            parts.append(repr(row))
    return _digest("\n".join(parts).encode("utf-8"))


def _files(folder: Path, base: Path, into: dict[str, str]) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = path.relative_to(base).as_posix()
        into[key] = _workbook_digest(path) if path.suffix == ".xlsx" else _digest(path.read_bytes())


def _cli(into: dict[str, str], name: str, *args) -> None:
    """Run one command in-process; fingerprint its exit code, stdout and stderr."""
    from imr_analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    into[f"{name}.exit"] = str(code)
    for stream, text in (("stdout", out.getvalue()), ("stderr", err.getvalue())):
        # the package's own folder (where the registry lives) is the checkout's, not a fact of the output
        into[f"{name}.{stream}"] = _digest(text.replace(str(ROOT), "<checkout>").encode("utf-8"))


def _analyses(into: dict[str, str], tag: str, processed: Path, year: int) -> None:
    """indicators, trends and funnel on one processed folder, printed and written."""
    _cli(into, f"{tag}/indicators-print", "indicators", "--processed", processed, "--year", year,
         "--level", "district")
    _cli(into, f"{tag}/indicators-csv", "indicators", "--processed", processed, "--level", "puskesmas",
         "--by-sex", "--out", processed.parent / f"{tag}-indicators.csv")
    _cli(into, f"{tag}/indicators-groups", "indicators", "--processed", processed, "--level", "kecamatan",
         "--cause-grouping", "report_group", "--out", processed.parent / f"{tag}-groups.xlsx")
    _cli(into, f"{tag}/trends-print", "trends", "--processed", processed)
    _cli(into, f"{tag}/trends-csv", "trends", "--processed", processed, "--level", "puskesmas",
         "--out", processed.parent / f"{tag}-trends.csv")
    _cli(into, f"{tag}/funnel-csv", "funnel", "--processed", processed, "--year", year,
         "--out", processed.parent / f"{tag}-funnel.csv")
    _cli(into, f"{tag}/funnel-od", "funnel", "--processed", processed, "--year", year, "--pool-years", 3,
         "--overdispersion")


def _salted(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "text_hash_salt.txt").write_text(SALT + "\n", encoding="utf-8")
    return folder


def outputs(work: Path) -> dict[str, str]:
    """Fingerprints of every file and console stream the CLI writes in ``work`` (see module doc)."""
    import os

    work = Path(work)
    into: dict[str, str] = {}
    here = os.getcwd()
    os.chdir(work)   # every path the commands see is relative, so messages do not carry tmp paths
    try:
        # The bundled sample
        shutil.copytree(ROOT / "data" / "raw", "sample/raw")   # a relative path: file names carry no checkout path
        _salted(Path("sample/processed"))
        _cli(into, "sample/clean", "clean", "sample/raw", "--out", "sample/processed")
        _analyses(into, "sample", Path("sample/processed"), 2023)
        # Districts the registry does not know: annex, monthly and line-list layouts
        _cli(into, "unseen/synth", "synth", "--unseen", "--districts", 3, "--years", YEARS, "--seed", 11,
             "--out", "unseen/raw")
        _salted(Path("unseen/annex"))
        _cli(into, "unseen/clean-annex", "clean", "unseen/raw/annex", "--out", "unseen/annex")
        _analyses(into, "annex", Path("unseen/annex"), 2023)
        districts = _read_districts(Path("unseen/raw/districts.csv"))
        for fmt in ("monthly", "linelist"):
            folder, district = districts[fmt]
            out = _salted(Path(f"unseen/{fmt}"))
            _cli(into, f"unseen/clean-{fmt}", "clean", Path("unseen/raw") / folder, "--district", district,
                 "--out", out)
            _analyses(into, fmt, out, 2023)
        _cli(into, "unseen/clean-strict", "clean", "unseen/raw/annex", "--out", _salted(Path("unseen/strict")),
             "--strict")
    finally:
        os.chdir(here)
    _files(work, work, into)
    return dict(sorted(into.items()))


def _read_districts(path: Path) -> dict[str, tuple[str, str]]:
    import csv

    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["format"]: (row["folder"], row["district"]) for row in rows if row["format"] != "annex"}


def record(work: Path) -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(outputs(work), indent=1) + "\n", encoding="utf-8")


def recorded() -> dict[str, str]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))

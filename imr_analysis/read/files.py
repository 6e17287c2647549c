"""The input files: folders searched for workbooks and CSVs, and every table found in each file.

A file is read into grids (grid.py); each grid holds annex tables (found by their title text,
annex.py) or one flat table (a monthly report or line list, found by its header row, flat.py).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from tqdm import tqdm

from ..errors import InputError, Location
from ..vocab.findings import to_json
from ..vocab.layout import layout
from .annex import find_tables, finish_table, join_continuations
from .flat import FlatTable, detect as detect_flat, has_header, read_flat
from .grid import SUPPORTED, read_grids


def expand_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to read: given files as they are; folders searched recursively for workbooks and CSVs."""
    files, skipped = [], []
    for path in map(Path, paths):
        if not path.exists():
            raise InputError.from_key("path_missing", Location(file=str(path)))
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.name.startswith(("~$", ".")):
                    continue
                if child.suffix.lower() in SUPPORTED and "examples" not in child.relative_to(path).parts:
                    files.append(child)
                else:
                    skipped.append(str(child))
        else:
            files.append(path)
    files = sorted(dict.fromkeys(files), key=lambda p: str(p))  # a fixed reading order, whatever the argument order
    if not files:
        raise InputError.from_key("no_input_files", Location(file=", ".join(map(str, paths))))
    return files, skipped


#: The columns of input_errors.csv: ``message`` in English for scripts; ``code`` and ``params`` (JSON)
#: render it in either language (errors.InputError.from_stored).
INPUT_ERROR_COLUMNS = ["file", "year", "message", "code", "params"]
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


def read_tables(files: list[Path], engine: str = "calamine", errors: list | None = None,
                fmt: str | None = None) -> list:
    """Every annex table, monthly report and line list in every file; a file holding none is an input error.

    With ``errors`` (a list), a file that cannot be used is recorded there (with the year its
    name suggests) and the other files are still read, even when reading it failed in an
    unexpected way; without it, the first error is raised.
    ``fmt`` forces the format ('annex', 'monthly' or 'linelist') instead of recognising it.
    """
    tables = []
    # a progress bar over the files, drawn only on a terminal (tqdm's disable=None) and only for several files
    for path in tqdm(files, desc="files", unit="file", file=sys.stderr, leave=False,
                     disable=None if len(files) > 1 else True):
        try:
            tables.extend(_read_file(path, engine, fmt))
        except Exception as exc:
            if errors is None:
                raise
            if not isinstance(exc, InputError):
                exc = InputError.from_key("read_unexpected", Location(file=str(path)), error=type(exc).__name__,
                                          path=str(path))
            errors.append(file_error(path, exc))
    return tables


def file_error(path: Path | str, exc: InputError, year: int | None = None) -> dict:
    """An input_errors row: the file, the year it belongs to (given, else the one its name suggests), the message
    (English), and the error's template key and parameters (``code``, ``params``) that render it in either language."""
    if year is None and (m := _YEAR_IN_NAME.search(Path(path).name)):
        year = int(m.group(1))
    return {"file": str(path), "year": year, "message": str(exc), "code": exc.key,
            "params": to_json(exc.stored_params()) if exc.key else ""}


def _read_file(path: Path, engine: str, fmt: str | None = None) -> list:
    """The tables of one file; '(lanj.)' blocks on a sheet of their own join their table."""
    found: list = []
    for grid in read_grids(path, engine):
        annex = find_tables(grid, finish=False) if fmt in (None, "annex") else []
        if annex:
            found.extend(annex)
            continue
        kind = detect_flat(grid) if fmt is None else (fmt if fmt != "annex" and has_header(grid, fmt) else None)
        if kind:
            found.append(read_flat(grid, kind))
    if not found:
        titles = "; ".join(spec["label_id"] for spec in layout()["tables"].values())
        key = {"annex": "no_annex_table", "monthly": "no_monthly_header", "linelist": "no_linelist_header"}.get(
            fmt or "", "no_known_format")
        raise InputError.from_key(key, Location(file=str(path)), titles=titles)
    flat = [t for t in found if isinstance(t, FlatTable)]
    joined = join_continuations([t for t in found if not isinstance(t, FlatTable)])
    for table in joined:
        finish_table(table)
    return joined + flat



"""Writing outputs safely.

* Atomically: each file is written to a temporary file beside the target, then renamed; a set
  of outputs (a processed folder) is written into a staging folder and moved into place only
  when all of it is written, so an interrupted run leaves the previous outputs intact.
* Without formula injection: text cells of CSV and XLSX exports that begin with = + - @ (or a
  tab / carriage return) are prefixed with an apostrophe, so Excel shows them as text
  (OWASP, "CSV injection").
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be read as formulas by a spreadsheet."""
    changed = {}
    for col in df.columns:
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(values.cat.categories):
            values = changed[col] = values.astype(values.cat.categories.dtype)
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            at = np.flatnonzero(_starts_like_formula(values).to_numpy())
            if len(at):
                fixed = values.copy()
                fixed.iloc[at] = ("'" + values.iloc[at]).to_numpy()
                changed[col] = fixed
    return df.assign(**changed) if changed else df.copy()


def _starts_like_formula(values: pd.Series) -> pd.Series:
    """True where a cell is text that begins with = + - @ (or a tab / carriage return)."""
    try:
        return values.str.startswith(_FORMULA_START, na=False).astype(bool)
    except AttributeError:  # an object column that holds no text
        return values.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).astype(bool)


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, write) -> Path:
    """Write ``path`` atomically: ``write(tmp)`` fills a temporary file beside it, which is then renamed
    over ``path``; if ``write`` fails, ``path`` is left as it was. Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes it private (0600); give it the permissions of a new file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: Path, sep: str = ",", decimal: str = ".") -> Path:
    """CSV in UTF-8 with BOM so Excel opens it with the right characters; formulas neutralised.

    ``sep=";", decimal=","`` writes the convention of Excel set to Indonesian (or any locale whose
    decimal mark is a comma).
    """
    safe = neutralise(df)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write("\ufeff")  # the BOM, written once ('utf-8-sig' would run its Python encoder on every row)
            safe.to_csv(fh, index=False, sep=sep, decimal=decimal)
    return write_atomic(path, write)


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    return write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, finish=None) -> Path:
    """One sheet per table; ``finish(name, worksheet)``, when given, formats each written sheet (openpyxl)."""
    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in sheets.items():
                neutralise(df).to_excel(writer, sheet_name=name[:31], index=False)
                if finish is not None:
                    finish(name, writer.sheets[name[:31]])
    return write_atomic(path, write)


def write_table(df: pd.DataFrame, directory: Path, name: str) -> list[Path]:
    """A canonical table as Parquet (for the library) and CSV (for Excel users)."""
    directory = Path(directory)
    return [write_parquet(df, directory / f"{name}.parquet"), write_csv(df, directory / f"{name}.csv")]


@contextlib.contextmanager
def staged(directory: Path):
    """Write a set of outputs into a staging folder; move them into ``directory`` only if all succeed.

    Yields the staging folder. Stale staging folders of interrupted runs are removed first.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in directory.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        yield stage
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                target = directory / path.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

"""Writing outputs atomically: write to a temporary file beside the target, then rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """CSV in UTF-8 with BOM so Excel opens it with the right characters."""
    return _atomic(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8-sig"))


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    return _atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in sheets.items():
                df.to_excel(writer, sheet_name=name[:31], index=False)
    return _atomic(path, write)


def write_table(df: pd.DataFrame, directory: Path, name: str) -> list[Path]:
    """A canonical table as Parquet (for the library) and CSV (for Excel users)."""
    directory = Path(directory)
    return [write_parquet(df, directory / f"{name}.parquet"), write_csv(df, directory / f"{name}.csv")]

"""The parsed cells of every raw row, gathered column-wise: one builder for every input format.

A cell is one number read from a raw row (a count, a check total, a percentage). Its fields
come at three levels, and each level is stored once:

* the raw row it belongs to (file, sheet, row, geography, year, month, format) and whether the
  row is counted (``used``: a row set aside keeps its cells for the checks, never counted);
* the column it sits in (letter, header, which table, role, measure, sex, age group, cause);
* the cell itself (the raw text, the value read, the decimals shown).

A province's line list or annex table has hundreds of thousands of cells; holding them as
references to shared row and column records, not as one dictionary each, keeps cleaning fast
and small. ``frame()`` returns the long table with ``CELL_COLUMNS``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CELL_COLUMNS = ["file", "sheet", "row", "column", "header", "table", "block", "row_kind", "year",
                "province", "district", "kecamatan", "puskesmas", "role", "measure", "sex",
                "age_group", "cause", "denominator_kind", "raw", "value", "decimals", "used", "month", "format"]
ROW_FIELDS = ["file", "sheet", "row", "block", "row_kind", "year", "province", "district", "kecamatan",
              "puskesmas", "month", "format"]
COLUMN_FIELDS = ["column", "header", "table", "role", "measure", "sex", "age_group", "cause", "denominator_kind"]


class CellBuilder:
    """Collects cells row by row; ``frame()`` gives the long cell table."""

    def __init__(self) -> None:
        self._rows: list[tuple] = []
        self._used: list[bool] = []
        self._columns: dict[tuple, int] = {}
        self._cells: list[tuple] = []   # (row id, column id, raw, value, decimals)

    def row(self, file: str, sheet: str, row: int, block: str, row_kind: str, year, geo: dict, month,
            fmt: str) -> int:
        """Register a raw row (counted unless ``set_used`` says otherwise); returns its id."""
        self._rows.append((file, sheet, row, block, row_kind, year, geo["province"], geo["district"],
                           geo["kecamatan"], geo["puskesmas"], month, fmt))
        self._used.append(True)
        return len(self._rows) - 1

    def column(self, column: str, header: str, table: str, role: str, measure: str, sex: str = "unspecified",
               age_group: str = "", cause: str = "", denominator_kind: str = "") -> int:
        """The id of a column record (the same fields give the same id)."""
        key = (column, header, table, role, measure, sex, age_group, cause, denominator_kind)
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = len(self._columns)
        return found

    def add(self, row: int, column: int, raw: object, value: float | None, decimals: int = 0) -> None:
        """One cell: ``raw`` as written (None for an empty cell), ``value`` as read."""
        self._cells.append((row, column, "" if raw is None else str(raw), value, decimals))

    def set_used(self, row: int, used: bool) -> None:
        self._used[row] = used

    def __len__(self) -> int:
        return len(self._cells)

    def frame(self) -> pd.DataFrame:
        """The long table of every cell, one row per cell, columns ``CELL_COLUMNS`` in the order added."""
        if not self._cells:
            return pd.DataFrame(columns=CELL_COLUMNS)
        row_ix, col_ix, raw, value, decimals = (list(x) for x in zip(*self._cells))
        parts = [_take(self._rows, ROW_FIELDS, np.asarray(row_ix)), _take(list(self._columns), COLUMN_FIELDS, np.asarray(col_ix)),
                 pd.DataFrame({"raw": raw, "value": value, "decimals": decimals,
                               "used": np.asarray(self._used)[row_ix]})]
        return pd.concat(parts, axis=1)[CELL_COLUMNS]


def _take(records: list[tuple], fields: list[str], index: np.ndarray) -> pd.DataFrame:
    """``records[index]`` as a frame; dtypes are inferred from the records referenced, as pandas would
    infer them from one record per cell."""
    referenced = np.unique(index)
    table = pd.DataFrame([records[i] for i in referenced], columns=fields)
    return table.take(np.searchsorted(referenced, index)).reset_index(drop=True)

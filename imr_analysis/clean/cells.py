"""The parsed cells of every raw row, gathered column-wise: one builder for every input format.

A cell is one number read from a raw row (a count, a check total, a percentage). Its fields
come at three levels, and each level is stored once:

* the raw row it belongs to (file, sheet, row, geography, year, month, format) and whether the
  row is counted (``used``: a row set aside keeps its cells for the checks, never counted);
* the column it sits in (letter, header, which table, role, measure, sex, age group, cause);
* the cell itself (the raw text, the value read, the decimals shown).

A province's line list or annex table has hundreds of thousands of cells; holding them as
references to shared row and column records, not as one dictionary each, keeps cleaning fast
and small. ``frame()`` returns the long table with ``CELL_COLUMNS``: its text columns are
categorical (codes into the distinct values); the canonical tables and the files written hold
plain text.
"""
from __future__ import annotations

import math
from array import array

import numpy as np
import pandas as pd

from ..schemas import cells as _schema

#: The columns of ``frame()`` (schemas.cells; ``compared`` is added when the formats are compared).
CELL_COLUMNS = [c for c in _schema.columns if c != "compared"]
ROW_FIELDS = ["file", "sheet", "row", "block", "row_kind", "year", "province", "district", "kecamatan",
              "puskesmas", "month", "format"]
COLUMN_FIELDS = ["column", "header", "table", "role", "measure", "sex", "age_group", "cause", "denominator_kind"]


class CellBuilder:
    """Collects cells row by row; ``frame()`` gives the long cell table."""

    def __init__(self) -> None:
        self._rows: list[tuple] = []
        self._used: list[bool] = []
        self._columns: dict[tuple, int] = {}
        # one entry per cell, in parallel arrays (numbers unboxed)
        self._row = array("i")
        self._column = array("i")
        self._raw: list[str] = []
        self._texts: dict[str, str] = {}   # each distinct raw text held once
        self._value = array("d")
        self._decimals = array("i")
        self._any_value = False

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
        """One cell: ``raw`` as written (None for an empty cell), ``value`` as read (None: no value)."""
        self._row.append(row)
        self._column.append(column)
        self._raw.append(self._text(raw))
        if value is None:
            self._value.append(math.nan)
        else:
            self._value.append(value)
            self._any_value = True
        self._decimals.append(decimals)

    def add_cells(self, row: int, columns: list[int], raws: list, values: list, decimals: list[int]) -> None:
        """The cells of one row at once (the lists run in parallel), as ``add`` would add them one by one."""
        self._row.extend([row] * len(columns))
        self._column.extend(columns)
        held = self._texts.setdefault
        self._raw.extend([held(raw, raw) if raw.__class__ is str else self._text(raw) for raw in raws])
        if None in values:
            values = [math.nan if v is None else v for v in values]
        if any(v == v for v in values):
            self._any_value = True
        self._value.extend(values)
        self._decimals.extend(decimals)

    def _text(self, raw: object) -> str:
        """``raw`` as text ('' for an empty cell), each distinct text held once."""
        text = "" if raw is None else str(raw)
        return self._texts.setdefault(text, text)

    def set_used(self, row: int, used: bool) -> None:
        self._used[row] = used

    def __len__(self) -> int:
        return len(self._raw)

    def frame(self) -> pd.DataFrame:
        """The long table of every cell, one row per cell in the order added, columns ``CELL_COLUMNS``.

        Dtypes are those pandas infers from one record per cell: text as str, numbers as int64 or
        float64 (a value that was None is NaN; all None gives an object column).
        """
        if not self._raw:
            return pd.DataFrame(columns=CELL_COLUMNS)
        row = np.frombuffer(self._row, dtype=np.intc)
        column = np.frombuffer(self._column, dtype=np.intc)
        data = _take(self._rows, ROW_FIELDS, row) | _take(list(self._columns), COLUMN_FIELDS, column)
        data["raw"] = pd.Categorical(self._raw)
        value = np.array(self._value, dtype=np.float64)
        data["value"] = value if self._any_value else np.full(len(value), None, dtype=object)
        data["decimals"] = np.array(self._decimals, dtype=np.int64)
        data["used"] = np.asarray(self._used, dtype=bool)[row]
        return pd.DataFrame({name: data[name] for name in CELL_COLUMNS}, copy=False)


def _take(records: list[tuple], fields: list[str], index: np.ndarray) -> dict:
    """Columns of ``records[index]``; dtypes are inferred from the records referenced, as pandas would
    infer them from one record per cell. Text is categorical, so a file name repeated on a million
    cells is stored once."""
    referenced = np.unique(index)
    table = pd.DataFrame([records[i] for i in referenced], columns=fields)
    positions = np.searchsorted(referenced, index)
    out = {}
    for name in fields:
        column = table[name]
        if not isinstance(column.dtype, pd.StringDtype):
            out[name] = column.array.take(positions)
        else:
            per_record = pd.Categorical(column)
            out[name] = pd.Categorical.from_codes(per_record.codes[positions], dtype=per_record.dtype)
    return out

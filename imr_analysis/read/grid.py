"""Loading raw files into grids of cell values, one per sheet, with Excel row numbers kept.

Excel workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine by default, or openpyxl
(``engine="openpyxl"``). CSV exports are read with their separator (';', ',' or tab) and encoding
(UTF-8, UTF-8 with BOM, UTF-16 with BOM, or Latin-1) detected, whatever their line ends.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..privacy import scrub

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES


@dataclass
class Grid:
    """One sheet: ``rows[i][j]`` is the cell at Excel row i+1, column j+1 (None when empty)."""

    file: Path
    sheet: str
    rows: list[list[object]] = field(default_factory=list)

    def cell(self, i: int, j: int) -> object:
        row = self.rows[i]
        return row[j] if j < len(row) else None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class UncomputedFormula:
    """A formula cell whose result is not saved in the workbook (written by a program, or never opened
    in Excel): its value is unknown, never blank or 0."""

    formula: str

    def __str__(self) -> str:
        return self.formula


def column_letter(index: int) -> str:
    """0-based column index -> Excel column letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return float(value)
    return value


def read_grids(path: Path, engine: str = "calamine") -> list[Grid]:
    """All sheets of a workbook, or the one table of a CSV file, as grids."""
    path = Path(path)
    where = Location(file=str(path))
    if not path.exists():
        raise InputError.from_key("file_missing", where)
    if path.stat().st_size == 0:
        raise InputError.from_key("file_empty", where)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path)]
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, engine)
    if not path.suffix:
        raise InputError.from_key("no_extension", where)
    raise InputError.from_key("unsupported_type", where, suffix=path.suffix)


def _read_excel(path: Path, engine: str) -> list[Grid]:
    where = Location(file=str(path))
    head = path.read_bytes()[:8]
    if path.suffix.lower() in {".xlsx", ".xlsm", ".ods"} and not head.startswith(b"PK"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError.from_key("workbook_protected", where)
        raise InputError.from_key("not_a_workbook", where)
    try:
        if engine == "openpyxl":
            return _read_openpyxl(path)
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            grids.append(Grid(path, name, [[_clean(v) for v in row] for row in rows]))
        _mark_what_excel_shows(path, grids)
        return grids
    except InputError:
        raise
    except Exception as exc:  # the engines raise many types for damaged files
        raise InputError.from_key("workbook_unreadable", where, error=scrub(f"{type(exc).__name__}: {exc}")) from exc


def _read_openpyxl(path: Path) -> list[Grid]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    grids = []
    for ws in book.worksheets:
        rows = [[_clean(v) for v in row] for row in ws.iter_rows(values_only=True)]
        grids.append(Grid(path, ws.title, rows))
    book.close()
    _mark_what_excel_shows(path, grids)
    return grids


# a formula element followed by no value, or an empty one, before the cell closes
_FORMULA_WITHOUT_VALUE = re.compile(rb"(?:</f>|<f[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_NUM_FMT = re.compile(rb"<numFmt\b[^>]*>")
_CELL_XFS = re.compile(rb"<cellXfs\b.*?</cellXfs>", re.S)
_FMT_ID = re.compile(rb'numFmtId="(\d+)"')
_PERCENT_BUILTIN = {9, 10}  # 0% and 0.00%


def _uses_percent_format(styles: bytes) -> bool:
    """Whether any cell style of the workbook shows numbers as percentages."""
    percent = set(_PERCENT_BUILTIN)
    for element in _NUM_FMT.findall(styles):
        if (m := _FMT_ID.search(element)) and b"%" in element.split(b"formatCode=", 1)[-1]:
            percent.add(int(m.group(1)))
    xfs = _CELL_XFS.search(styles)
    return bool(xfs) and any(int(i) in percent for i in _FMT_ID.findall(xfs.group(0)))


def _percent_text(value: float) -> str:
    """A number shown with a percent format, as Excel shows it: 1 -> '100%', 0.9596 -> '95,96%'."""
    return f"{round(float(value) * 100, 10):.10g}".replace(".", ",") + "%"


def _mark_what_excel_shows(path: Path, grids: list[Grid]) -> None:
    """Cells of an .xlsx/.xlsm whose value alone says something else than Excel shows.

    * A formula without a saved result (a workbook written by a program, or never opened in
      Excel) reads as blank, i.e. 0: it becomes an UncomputedFormula.
    * A number with a percent format (typed '100%', stored 1) becomes the text Excel shows
      ('100%'), so a percentage in a count cell is found and a coverage column keeps its scale.

    openpyxl (formulas and formats kept) runs only when the workbook's XML holds a formula
    without a value or a percent format, so ordinary workbooks are not read twice.
    """
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        formulas = any(_FORMULA_WITHOUT_VALUE.search(archive.read(n)) for n in sheets)
        percents = "xl/styles.xml" in names and _uses_percent_format(archive.read("xl/styles.xml"))
    if not (formulas or percents):
        return
    import openpyxl

    by_name = {g.sheet: g for g in grids}
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for ws in book.worksheets:
            grid = by_name.get(ws.title)
            if grid is None:
                continue
            for i, row in enumerate(ws.iter_rows(max_row=len(grid.rows))):
                for j, cell in enumerate(row):
                    value, shown = getattr(cell.value, "text", cell.value), grid.cell(i, j)  # array formulas: .text
                    if formulas and shown is None and isinstance(value, str) and value.startswith("="):
                        grid.rows[i] += [None] * (j + 1 - len(grid.rows[i]))
                        grid.rows[i][j] = UncomputedFormula(value)
                    elif (percents and isinstance(shown, (int, float)) and not isinstance(shown, bool)
                          and "%" in (getattr(cell, "number_format", None) or "")):
                        grid.rows[i][j] = _percent_text(shown)
    finally:
        book.close()


def _decode(raw: bytes) -> str:
    """Bytes to text: UTF-16 with its byte-order mark (Excel's 'Unicode Text'), UTF-8, else Windows-1252/Latin-1."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1", errors="replace")


#: Control characters that never occur in a text export (tab, line ends and form feed do).
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\x0c"} | {"\x7f"}
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _check_text(raw: bytes, text: str, where: Location) -> None:
    """Refuse a '.csv' that is not text: a workbook under a CSV name, NUL bytes, or binary data."""
    if raw.startswith(_WORKBOOK_MAGIC):
        raise InputError.from_key("workbook_as_csv", where)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError.from_key("csv_nul_bytes", where, line=line)
    control = sum(text.count(c) for c in _CONTROL)
    if control > max(2, len(text) // 100):
        raise InputError.from_key("csv_not_text", where, control=control, length=len(text))


def _read_csv(path: Path) -> Grid:
    """The one table of a CSV export. Any line ends (CR, LF, CRLF) and fields of any length are read;
    a file that is not text is refused with an InputError naming it."""
    where = Location(file=str(path))
    raw = path.read_bytes()
    text = _decode(raw)
    if not text.strip():
        raise InputError.from_key("file_empty", where)
    _check_text(raw, text, where)
    sample = text[:20000]
    semicolons, commas = sample.count(";"), sample.count(",")
    delimiter = ";" if semicolons >= commas else ","
    if "\t" in sample and sample.count("\t") > max(semicolons, commas):
        delimiter = "\t"
    # newline="": the csv module sees every line end as written (also CR only, old Mac exports)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # no field is longer than the file
    try:
        rows = [[_clean(v) for v in row] for row in reader]
    except csv.Error as exc:
        raise InputError.from_key("csv_unreadable", where, line=reader.line_num, error=scrub(str(exc))) from None
    finally:
        csv.field_size_limit(limit)
    return Grid(path, "", rows)

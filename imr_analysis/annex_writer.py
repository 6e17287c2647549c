"""Annex tables written as districts keep them, to .xlsx sheets or ';' CSV exports.

One writer for everything that makes raw annex files: the seeded generators (``synth``), the
bundled sample (``scripts/make_sample_district.py``) and the test fixtures. A Profil Kesehatan
annex table ("lampiran") is laid out as

    TABEL 26                             number ('TABEL 27 (lanj.)' for a continuation block)
    JUMLAH KELAHIRAN MENURUT ...         title
    KABUPATEN MUSI RAWAS UTARA           district line (optional)
    TAHUN 2023                           year line (optional)
                                         blank
    NO | KECAMATAN | PUSKESMAS | ...     header rows, merged over their groups
    1 | 2 | 3 | ...                      column numbers (optional)
    body rows, a total row and a rate row (both optional)
                                         blank (optional)
    Sumber: ...                          footer lines

A header is given as a tree of labels: a text is one column; ``(label, [children])`` is a group
over its children's columns. ``header_grid`` turns the tree into header rows (each row ends at its
last label) and the merged ranges a spreadsheet draws for it: a group across its columns, a
column label down to the last header row when nothing stands below it.

The module imports no stage of the package (only the cause vocabulary): the seeded generators and
the report stage (``report/annex.py``, the annex compiled from processed data) both write with it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

TITLES = {
    "births": "JUMLAH KELAHIRAN MENURUT JENIS KELAMIN, KECAMATAN DAN PUSKESMAS",
    "deaths": "JUMLAH KEMATIAN NEONATAL, BAYI, DAN BALITA MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS",
    "causes": "JUMLAH KEMATIAN NEONATAL DAN POST NEONATAL MENURUT PENYEBAB UTAMA, KECAMATAN, DAN PUSKESMAS",
    "child_causes": "JUMLAH KEMATIAN ANAK BALITA MENURUT PENYEBAB UTAMA, KECAMATAN, DAN PUSKESMAS",
    "kn": "CAKUPAN KUNJUNGAN NEONATAL MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS",
    "maternal": "JUMLAH KEMATIAN IBU MENURUT KELOMPOK UMUR, KECAMATAN, DAN PUSKESMAS",
    "maternal_causes": "JUMLAH KEMATIAN IBU MENURUT PENYEBAB, KECAMATAN, DAN PUSKESMAS",
}
#: The table numbers of the Profil Kesehatan template (tables are found by title; numbers vary by year).
TABLE_NUMBERS = {"births": 26, "deaths": 27, "causes": 28, "child_causes": 29, "kn": 37, "maternal": 30,
                 "maternal_causes": 31}
#: The older editions' title of the maternal-deaths table.
MATERNAL_TITLE_OLDER = "JUMLAH KEMATIAN IBU MENURUT KELOMPOK UMUR"
PLACE_COLUMNS = ("NO", "KECAMATAN", "PUSKESMAS")
SEXES = ("LAKI-LAKI", "PEREMPUAN", "LAKI-LAKI + PEREMPUAN")
BIRTH_MEASURES = ("HIDUP", "MATI", "HIDUP + MATI")
#: Deaths by age as the Profil template heads them: neonatal, post-neonatal, and under-five split
#: into infant, child and total.
DEATH_MEASURES = ("NEONATAL", "POST NEONATAL", ("BALITA", ["BAYI", "ANAK BALITA", "JUMLAH TOTAL"]))
#: The cause columns of the Profil template (Tabel 28), in its order.
NEONATAL_CAUSE_COLUMNS = ("BBLR DAN PREMATURITAS", "ASFIKSIA", "TETANUS NEONATORUM", "INFEKSI", "KELAINAN KONGENITAL",
                          "COVID-19", "KELAINAN CARDIOVASKULAR DAN RESPIRATORI", "LAIN-LAIN")
POSTNEONATAL_CAUSE_COLUMNS = ("KONDISI PERINATAL", "PNEUMONIA", "DIARE", "KELAINAN KONGENITAL JANTUNG",
                              "KELAINAN KONGENITAL LAINNYA", "MENINGITIS", "PENYAKIT SARAF", "DEMAM BERDARAH", "LAIN-LAIN")
CAUSE_GROUPS = ("PENYEBAB KEMATIAN NEONATAL (0-28 HARI)", "PENYEBAB KEMATIAN POST NEONATAL (29 HARI-11 BULAN)")
#: The cause columns of the Profil table of deaths at 12-59 months (anak balita), in its order.
CHILD_CAUSE_COLUMNS = ("DIARE", "DEMAM BERDARAH", "PNEUMONIA", "KELAINAN KONGENITAL JANTUNG", "PD3I", "PENYAKIT SARAF",
                       "KELAINAN KONGENITAL LAINNYA", "TENGGELAM/CEDERA/KECELAKAAN", "INFEKSI PARASIT", "LAIN-LAIN")
CHILD_CAUSE_GROUP = "PENYEBAB KEMATIAN ANAK BALITA (12-59 BULAN)"
KN_GROUPS = ("KUNJUNGAN NEONATAL 1 KALI (KN1)", "KUNJUNGAN NEONATAL 3 KALI (KN LENGKAP)")
#: The maternal-deaths table: the periods (then their sum), each over the mother's age groups and their sum.
MATERNAL_PERIODS = ("KEMATIAN IBU HAMIL", "KEMATIAN IBU BERSALIN", "KEMATIAN IBU NIFAS")
MATERNAL_TOTAL = "JUMLAH KEMATIAN IBU"
MATERNAL_AGES = ("< 20 TAHUN", "20-34 TAHUN", "≥ 35 TAHUN", "JUMLAH")
MATERNAL_LIVE_BIRTHS = "JUMLAH LAHIR HIDUP"


# --- header trees for the tables ------------------------------------------------------

def births_header(sexes=SEXES, measures=BIRTH_MEASURES) -> list:
    """JUMLAH KELAHIRAN over sex groups over live / stillbirth (/ both) columns."""
    return [("JUMLAH KELAHIRAN", [(s, list(measures)) for s in sexes])]


def deaths_header(sexes=SEXES[:2], measures=DEATH_MEASURES) -> list:
    """JUMLAH KEMATIAN over sex groups over age groups (a measure may be a group itself)."""
    return [("JUMLAH KEMATIAN", [(s, list(measures)) for s in sexes])]


def causes_header(neonatal, postneonatal) -> list:
    """Neonatal causes under one group, post-neonatal causes under the other."""
    return [(CAUSE_GROUPS[0], list(neonatal)), (CAUSE_GROUPS[1], list(postneonatal))]


def child_causes_header(causes=CHILD_CAUSE_COLUMNS) -> list:
    """The causes of deaths at 12-59 months under one group."""
    return [(CHILD_CAUSE_GROUP, list(causes))]


def child_cause_columns() -> dict[str, str]:
    """{cause code: its column in the Profil table of deaths at 12-59 months}, codes in the table's order
    (the cause vocabulary reads each column: 'PD3I' -> vpd, 'KELAINAN KONGENITAL LAINNYA' -> congenital)."""
    from .vocab.causes import match_cause

    return {match_cause(column).code: column for column in CHILD_CAUSE_COLUMNS}


def kn_header(denominator: str, sexes=SEXES, pct: bool = True, groups=KN_GROUPS) -> list:
    """The denominator by sex, then KN1 and KN lengkap (``groups``) by sex, each as JUMLAH and % (``pct``)."""
    visits = [(g, [(s, ["JUMLAH", "%"]) for s in sexes] if pct else list(sexes)) for g in groups]
    return [(denominator, list(sexes))] + visits


def cause_label(code: str) -> str:
    """The Indonesian label of a cause code in the cause vocabulary ('Asfiksia'); Profil headers write it in capitals."""
    from .vocab.causes import causes

    return causes().loc[code, "label_id"]


def column_totals(values: list[list], kinds: list[str]) -> list:
    """Column sums of the body ``values``; a percentage column (kind ``pct:j``) is recomputed as 100 x the
    sum of the count column before it / the sum of column j (KN: its count and, in the same sex group,
    the denominator), to 2 decimals."""
    sums = [int(sum(row[j] or 0 for row in values)) if k == "count" else None for j, k in enumerate(kinds)]
    for j, k in enumerate(kinds):
        if k.startswith("pct:"):
            den = sums[int(k.split(":")[1])]
            sums[j] = round(100 * sums[j - 1] / den, 2) if den else None
    return sums


def maternal_header(periods=MATERNAL_PERIODS, ages=MATERNAL_AGES, total: bool = True,
                    live_births: bool = True) -> list:
    """JUMLAH LAHIR HIDUP, then each period (hamil, bersalin, nifas; then JUMLAH KEMATIAN IBU with
    ``total``) over the age groups (< 20, 20-34, >= 35 TAHUN, JUMLAH)."""
    groups = list(periods) + ([MATERNAL_TOTAL] if total else [])
    return ([MATERNAL_LIVE_BIRTHS] if live_births else []) + [(p, list(ages)) for p in groups]


def maternal_causes_header(edition: str = "current", total: bool = True) -> list:
    """The cause columns of an edition of the maternal cause table ('current' 9 causes, 'older' 6;
    vocab/maternal_causes.csv), then JUMLAH KEMATIAN IBU with ``total``."""
    from .vocab.maternal import edition_headers

    return edition_headers(edition) + ([MATERNAL_TOTAL] if total else [])


def _width(node) -> int:
    return 1 if isinstance(node, str) else sum(_width(child) for child in node[1])


def _depth(node) -> int:
    return 1 if isinstance(node, str) else 1 + max(_depth(child) for child in node[1])


def header_grid(tree: list, fill: bool = False) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Header rows (NO, KECAMATAN, PUSKESMAS, then the tree) and merged ranges
    (first row, first column, last row, last column; 1-based within the header).
    Each row ends at its last label; with ``fill`` the rows below the top one run to the last column."""
    nodes = list(PLACE_COLUMNS) + list(tree)
    depth = max(_depth(node) for node in nodes)
    width = sum(_width(node) for node in nodes)
    rows = [[None] * width for _ in range(depth)]
    merges = []

    def place(node, row: int, col: int) -> None:
        label = node if isinstance(node, str) else node[0]
        rows[row - 1][col - 1] = label
        last_row = depth if isinstance(node, str) else row
        last_col = col + _width(node) - 1
        if (last_row, last_col) != (row, col):
            merges.append((row, col, last_row, last_col))
        if not isinstance(node, str):
            for child in node[1]:
                place(child, row + 1, col)
                col += _width(child)

    col = 1
    for node in nodes:
        place(node, 1, col)
        col += _width(node)
    for i, row in enumerate(rows):
        while row and row[-1] is None and not (fill and i):
            row.pop()
    return rows, merges


# --- one table, stacked tables --------------------------------------------------------------

@dataclass
class AnnexTable:
    """One annex table (or one '(lanj.)' block of it) as a district lays it out."""

    number: str                        # 'TABEL 26', 'TABEL 27 (lanj.)'
    title: str
    header: list                       # the header tree (see the module doc)
    body: list[list] = field(default_factory=list)
    district: str | None = None        # the district line, None for none
    year: int | None = None            # the TAHUN line, None for none
    total: list | None = None
    rate: list | None = None
    footer: tuple = ()                 # lines under the table
    footer_gap: bool = True            # a blank row before the footer
    column_numbers: bool = True        # the row 1, 2, 3, ... under the header
    header_fill: bool = False          # header rows below the top one run to the last column (see header_grid)

    def parts(self) -> list[tuple[str, list[list]]]:
        """The table's rows in order, by part: title, header, numbers, body, total, rate, footer."""
        title = [[self.number], [self.title]] + ([[self.district]] if self.district else []) \
            + ([[f"TAHUN {self.year}"]] if self.year else []) + [[]]
        header, _ = header_grid(self.header, self.header_fill)
        width = sum(_width(node) for node in list(PLACE_COLUMNS) + list(self.header))
        footer = ([[]] if self.footer and self.footer_gap else []) + [[line] for line in self.footer]
        return [("title", title), ("header", header),
                ("numbers", [list(range(1, width + 1))] if self.column_numbers else []),
                ("body", self.body), ("total", [self.total] if self.total else []),
                ("rate", [self.rate] if self.rate else []), ("footer", footer)]

    def rows(self) -> list[list]:
        return [row for _, rows in self.parts() for row in rows]

    def merges(self) -> list[tuple[int, int, int, int]]:
        """Merged header ranges, 1-based rows of ``rows()``."""
        offset = len(self.parts()[0][1])
        return [(r1 + offset, c1, r2 + offset, c2) for r1, c1, r2, c2 in header_grid(self.header)[1]]


@dataclass
class Sheet:
    """Rows to write, the merged ranges among them, and what each row is ('body', 'total', ...;
    None for the blank rows between tables)."""

    rows: list[list]
    merges: list = field(default_factory=list)
    kinds: list = field(default_factory=list)


def stack(tables: list[AnnexTable], gap: int = 2) -> Sheet:
    """Tables one under another on one sheet, ``gap`` blank rows apart."""
    sheet = Sheet([], [], [])
    for i, table in enumerate(tables):
        if i:
            sheet.rows += [[] for _ in range(gap)]
            sheet.kinds += [None] * gap
        top = len(sheet.rows)
        sheet.merges += [(r1 + top, c1, r2 + top, c2) for r1, c1, r2, c2 in table.merges()]
        for kind, rows in table.parts():
            sheet.rows += rows
            sheet.kinds += [kind] * len(rows)
    return sheet


# --- files ----------------------------------------------------------------------------------

def id_number(value) -> str:
    """A cell as an Indonesian CSV export writes it: 1905 -> '1.905', 95.96 -> '95,96', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def write_xlsx(path: Path, sheets: dict, streamed: bool = False, merge: bool = False, column_width=None,
               formulas: bool = False) -> Path:
    """A workbook with one sheet per item of ``sheets`` (name -> ``Sheet`` or list of rows).

    ``streamed`` writes with openpyxl's write-only mode (a third of the time; no merges);
    ``merge`` draws each sheet's merged header ranges; ``column_width(j)`` sets column j's width
    for the sheet's columns. Blank cells (None) are left out. Text is always a text cell, also when
    it begins with '=' (a name such as '=Sehat' is never written as a formula), unless ``formulas``:
    then such text is written as a formula without a saved result, as a program writes one (the test
    fixtures of hand-made workbooks with formulas).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=streamed)
    if not streamed:
        book.remove(book.active)
    for name, sheet in sheets.items():
        sheet = sheet if isinstance(sheet, Sheet) else Sheet(sheet)
        ws = book.create_sheet(name)
        if streamed:
            for row in sheet.rows:
                ws.append([_text_cell(WriteOnlyCell(ws, value)) if _formula_like(value) and not formulas else value
                           for value in row])
            continue
        for i, row in enumerate(sheet.rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    cell = ws.cell(row=i, column=j, value=value)
                    if _formula_like(value) and not formulas:
                        _text_cell(cell)
        for r1, c1, r2, c2 in sheet.merges if merge else ():
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        if column_width:
            for j in range(1, max((len(r) for r in sheet.rows), default=0) + 1):
                ws.column_dimensions[get_column_letter(j)].width = column_width(j)
    book.save(path)
    return Path(path)


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _text_cell(cell):
    """The cell as text: openpyxl takes a string beginning with '=' for a formula."""
    cell.data_type = "s"
    return cell


def write_csv(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8",
              export: bool = False) -> Path:
    """Rows as a delimited text file, blank cells empty. ``export``: as an Indonesian spreadsheet
    export writes it, numbers in Indonesian format (``id_number``) and every row as wide as the widest."""
    width = max((len(r) for r in rows), default=0) if export else 0
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            if export:
                writer.writerow([id_number(v) for v in row] + [""] * (width - len(row)))
            else:
                writer.writerow(["" if v is None else v for v in row])
    return Path(path)

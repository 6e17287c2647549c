"""The annex writer: header trees become the rows and merged ranges a district's spreadsheet has,
and the bundled sample regenerated through it keeps the stored merges and column widths."""
import openpyxl

from conftest import ROOT, SAMPLE_RAW
from helpers import run_python
from imr_analysis.annex_writer import (AnnexTable, births_header, deaths_header, header_grid, kn_header, stack,
                                       write_csv, write_xlsx)


def test_births_header_rows_and_merges():
    rows, merges = header_grid(births_header())
    assert rows == [["NO", "KECAMATAN", "PUSKESMAS", "JUMLAH KELAHIRAN"],
                    [None, None, None, "LAKI-LAKI", None, None, "PEREMPUAN", None, None, "LAKI-LAKI + PEREMPUAN"],
                    [None, None, None] + ["HIDUP", "MATI", "HIDUP + MATI"] * 3]
    # NO / KECAMATAN / PUSKESMAS down the three header rows, the title group across 9 columns, a group per sex
    assert sorted(merges) == sorted([(1, 1, 3, 1), (1, 2, 3, 2), (1, 3, 3, 3), (1, 4, 1, 12),
                                     (2, 4, 2, 6), (2, 7, 2, 9), (2, 10, 2, 12)])


def test_deaths_header_nests_balita_and_drops_neonatal_columns_down():
    rows, merges = header_grid(deaths_header(["L", "P"]), fill=True)
    assert rows[2] == [None] * 3 + ["NEONATAL", "POST NEONATAL", "BALITA", None, None] * 2   # filled to 13 columns
    assert rows[3] == [None] * 3 + [None, None, "BAYI", "ANAK BALITA", "JUMLAH TOTAL"] * 2
    assert (3, 4, 4, 4) in merges and (3, 5, 4, 5) in merges and (3, 6, 3, 8) in merges and (2, 9, 2, 13) in merges
    assert len(merges) == 4 + 4 * 2


def test_kn_header_pairs_count_and_percent():
    rows, merges = header_grid(kn_header("SASARAN"))
    assert rows[0][3:] == ["SASARAN", None, None, "KUNJUNGAN NEONATAL 1 KALI (KN1)"] + [None] * 5 \
        + ["KUNJUNGAN NEONATAL 3 KALI (KN LENGKAP)"]
    assert rows[2] == [None] * 6 + ["JUMLAH", "%"] * 6
    assert {(2, 4, 3, 4), (2, 5, 3, 5), (2, 6, 3, 6), (1, 13, 1, 18)} <= set(merges)
    assert [m for m in merges if m[0] == 2 and m[1] >= 7] == [(2, c, 2, c + 1) for c in range(7, 19, 2)]


def test_a_table_is_written_as_a_district_lays_it_out(tmp_path):
    table = AnnexTable("TABEL 26", "JUDUL", births_header(), [[1, "Kec", "Pkm"] + [1905] * 9],
                       district="KABUPATEN CONTOH", year=2023, total=[None, "JUMLAH"] + [None] * 9 + [95.5],
                       footer=("Sumber: -",))
    rows = table.rows()
    assert rows[:5] == [["TABEL 26"], ["JUDUL"], ["KABUPATEN CONTOH"], ["TAHUN 2023"], []]
    assert rows[8] == list(range(1, 13)) and rows[9][3] == 1905 and rows[-2:] == [[], ["Sumber: -"]]
    sheet = stack([table, table])
    assert len(sheet.rows) == 2 * len(rows) + 2 and sheet.kinds.count("body") == 2
    assert sheet.merges[7] == (1 + len(rows) + 2 + 5, 1, 3 + len(rows) + 2 + 5, 1)   # second table's NO column
    text = write_csv(tmp_path / "t.csv", rows, export=True).read_text(encoding="utf-8").splitlines()
    assert text[0] == "TABEL 26" + ";" * 11 and text[9] == "1;Kec;Pkm" + ";1.905" * 9 and text[10].endswith(";95,50")
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "t.xlsx", {"S": sheet}, merge=True))
    assert "D6:L6" in {str(r) for r in book["S"].merged_cells.ranges} and book["S"]["D10"].value == 1905


def test_regenerated_sample_keeps_the_stored_merges_and_column_widths(tmp_path):
    made = run_python(ROOT / "scripts" / "make_sample_district.py", "--out", tmp_path)
    assert made.returncode == 0, made.stderr
    for fresh in sorted(tmp_path.glob("*.xlsx")):
        stored = openpyxl.load_workbook(SAMPLE_RAW / "musi_rawas_utara" / fresh.name)
        for new in openpyxl.load_workbook(fresh).worksheets:
            old = stored[new.title]
            assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, old.merged_cells.ranges)), new.title
            assert {k: d.width for k, d in new.column_dimensions.items()} == \
                {k: d.width for k, d in old.column_dimensions.items()}, new.title

"""Hand-made hostile workbooks: layouts real districts send that once gave a silently different number.

Each test builds its workbook, cleans it through the command line as a user runs it, and checks
the right number (hand-computed here) or a finding that names the file, sheet, row and column;
and that every raw body row is in the ledger.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import (births_table, causes_table, deaths_table, kn_table, linelist_rows, monthly_row, monthly_rows,
                     write_csv, write_xlsx)
from imr_analysis.cli import main
from imr_analysis.read.annex import find_tables
from imr_analysis.clean import load_processed
from imr_analysis.read.grid import read_grids
from imr_analysis.report.tables import years


@dataclass
class Cleaned:
    code: int
    text: str
    out: Path

    def csv(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.out / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False)

    def table(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.out / f"{name}.parquet")

    @property
    def ledger(self) -> pd.DataFrame:
        return self.csv("ledger")

    @property
    def findings(self) -> pd.DataFrame:
        return self.csv("findings")


def clean_cli(tmp_path: Path, paths: list[Path], *args: str, capsys=None) -> Cleaned:
    """`imr-analysis clean PATHS --out DIR ARGS`, in process."""
    out = tmp_path / "processed"
    code = main(["clean", *map(str, paths), "--out", str(out), *args])
    text = ""
    if capsys is not None:
        captured = capsys.readouterr()
        text = captured.out + captured.err
    assert "Traceback" not in text
    return Cleaned(code, text, out)


def births_by_puskesmas(run: Cleaned) -> dict[str, int]:
    b = run.table("births")
    return {k: int(v) for k, v in b.groupby("puskesmas")["live_births"].sum().items()}


# --- 1. 'Sumber ...' is a name; only 'Sumber: ...' is a footer ------------------------------------

SUMBER_BODY = [[1, "Sumber Harta", "Sumber Harta", 10, 0, 10, 9, 0, 9, 19, 0, 19],
               [2, "Sumber Harta", "PKM Sumber Harta Baru", 5, 1, 6, 5, 0, 5, 10, 1, 11],
               [3, "Karya Makmur", "Karya Makmur", 7, 0, 7, 8, 0, 8, 15, 0, 15]]
SUMBER_TOTAL = [None, "JUMLAH KAB.", None, 22, 1, 23, 22, 0, 22, 44, 1, 45]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_puskesmas_named_sumber_is_data_and_the_footer_is_still_a_footer(tmp_path, suffix, capsys):
    rows = births_table(SUMBER_BODY, total=SUMBER_TOTAL, district="KABUPATEN SUMBER JAYA")
    rows += [["Sumber data: Seksi Kesga"], ["Keterangan :"]]  # footers by their form, with no counts
    path = write_xlsx(tmp_path / "b.xlsx", {"Lampiran": rows}) if suffix == "xlsx" else write_csv(tmp_path / "b.csv", rows)
    run = clean_cli(tmp_path, [path], capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Sumber Harta": 19, "Sumber Harta Baru": 10, "Karya Makmur": 15}
    ledger = run.ledger
    assert list(ledger["row"]) == [10, 11, 12, 13]          # three Puskesmas rows and the total row
    assert list(ledger["row_kind"]) == ["data", "data", "data", "total"]
    assert (ledger.loc[ledger["row_kind"] == "data", "state"] != "set_aside").all()
    # the total row is read and agrees with the three rows: no 'rows vs total' finding
    assert not run.findings["check"].str.contains("total").any(), run.findings


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_puskesmas_named_sumber_without_deaths_is_a_row_of_zeros_not_a_footer(tmp_path, suffix, capsys):
    body = [[1, "Sumber", "Sumber", None, None, None, None, None, None, None, None, None, None],   # no deaths: blanks
            [2, "Sumber", "Sumber Harta", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]]
    rows = deaths_table(body, total=[None, "JUMLAH KAB.", None, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0],
                        district="KABUPATEN SUMBER JAYA")
    path = write_xlsx(tmp_path / "d.xlsx", {"Lampiran": rows}) if suffix == "xlsx" else write_csv(tmp_path / "d.csv", rows)
    run = clean_cli(tmp_path, [path], capsys=capsys)
    assert run.code == 0, run.text
    d = run.table("deaths").groupby("puskesmas")["deaths"].sum()
    assert d.to_dict() == {"Sumber": 0, "Sumber Harta": 1}
    assert list(zip(run.ledger["row"], run.ledger["row_kind"])) == [(11, "data"), (12, "data"), (13, "total")]
    assert "blank -> 0 (10 cells)" in run.ledger["rules"].iloc[0]


def test_monthly_rows_of_a_puskesmas_named_sumber_are_counted(tmp_path, capsys):
    rows = [monthly_row(m, pkm="Sumber Harta") for m in (1, 2, 3)] + [monthly_row(m, pkm="Karya Makmur") for m in (1, 2, 3)]
    for r in rows[:3]:
        r[2] = "Sumber Harta"  # the kecamatan too, written before the Puskesmas
    data = monthly_rows(rows, title="LAPORAN BULANAN KIA KABUPATEN SUMBER JAYA TAHUN 2023")
    data += [["Sumber: laporan LB3 KIA"], ["Sumber data Puskesmas"]]
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "m.xlsx", {"LB3": data})], capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Sumber Harta": 3 * (20 + 19), "Karya Makmur": 3 * (20 + 19)}
    assert list(run.ledger["row"]) == [4, 5, 6, 7, 8, 9]     # the two footer lines are not data rows
    assert set(run.ledger["state"]) == {"mapped"}


# --- 2. an analyst's scratch column beside a table is not part of it ----------------------------------

def test_unlabelled_numbers_right_of_a_table_are_not_counted_and_get_one_finding(tmp_path, capsys):
    body = [[1, "Rupit", "Muara Rupit", 2, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 2],
            [2, "Nibung", "Nibung", 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]
    rows = causes_table(body, total=[None, "JUMLAH KAB.", None, 2, 1, 0, 2, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 3])
    for r in rows[8:11]:          # rows 9-11: a blank column U, then the analyst's sum in V
        r += [None, sum(x for x in r[3:] if isinstance(x, int))]
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "c.xlsx", {"Tabel 28": rows})], capsys=capsys)
    assert run.code == 0, run.text
    c = run.table("deaths_by_cause").groupby(["puskesmas", "age_group", "cause"])["deaths"].sum()
    assert c[("Muara Rupit", "postneonatal", "other")] == 2       # not 2 + the scratch sum 10
    assert c[("Nibung", "postneonatal", "other")] == 1            # not 1 + 3
    assert c.sum() == 10 + 2                                      # the two rows as written
    outside = run.findings[run.findings["check"] == "outside_table"]
    assert len(outside) == 1
    f = outside.iloc[0]
    assert (f["file"].endswith("c.xlsx"), f["sheet"], int(f["row"]), f["column"]) == (True, "Tabel 28", 9, "V")
    assert "V9, V10, V11" in f["message"] and "last column T" in f["message"]
    assert list(run.ledger["row"]) == [9, 10, 11]


# --- 3. formula cells without a saved result ------------------------------------------------------

def _save_result(path: Path, formula: str, value: int) -> None:
    """Give one formula the saved result Excel would have written (openpyxl writes none)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    empty = [f"<f>{formula}</f>{v}".encode() for v in ("<v />", "<v></v>")]   # openpyxl without / with lxml
    old = next((e for e in empty if e in parts[name]), None)
    assert old is not None, parts[name]
    parts[name] = parts[name].replace(old, f"<f>{formula}</f><v>{value}</v>".encode())
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_formula_without_saved_result_sets_the_row_aside_never_zero(tmp_path, engine, capsys):
    body = [[1, "Rupit", "Muara Rupit", 300, 2, "=D10+E10", 290, 1, 291, 590, 3, 593],   # F10: a check column
            [2, "Nibung", "Nibung", "=100+5", 0, 105, 99, 0, 99, 204, 0, 204],          # D11: a count
            [3, "Pauh", "Pauh", "=40+2", 0, 42, 40, 0, 40, 82, 0, 82]]                  # D12: saved result 42
    path = write_xlsx(tmp_path / "script.xlsx", {"Lampiran 26": births_table(body)})
    _save_result(path, "40+2", 42)
    run = clean_cli(tmp_path, [path], "--engine", engine, capsys=capsys)
    assert run.code == 0, run.text
    # Nibung is set aside whole (both its sexes), never read as 0 live births; Pauh's saved result counts
    assert births_by_puskesmas(run) == {"Muara Rupit": 590, "Pauh": 82}
    ledger = run.ledger.set_index("row")
    assert ledger.loc[11, "state"] == "set_aside" and "the formula (text of 6 characters, #" in ledger.loc[11, "reason"]
    assert "has no saved result" in ledger.loc[11, "reason"] and "=100+5" not in ledger.loc[11, "reason"]
    assert ledger.loc[10, "state"] == "kept" and "blank" not in ledger.loc[10, "rules"]
    assert ledger.loc[12, "state"] == "kept"
    f = run.findings[run.findings["check"] == "formula_without_value"]
    assert sorted(zip(f["severity"], f["row"].astype(int), f["column"])) == [("error", 11, "D"), ("warning", 10, "F")]
    assert (f["sheet"] == "Lampiran 26").all() and f["file"].str.endswith("script.xlsx").all()


def test_monthly_formula_without_saved_result_sets_the_month_aside(tmp_path, capsys):
    rows = [monthly_row(m) for m in (1, 2)]
    rows[1][4] = "=10+10"                                  # LAHIR HIDUP L of February, never computed
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "m.xlsx", {"LB3": monthly_rows(rows)})], capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Pauh": 20 + 19}  # January only
    ledger = run.ledger.set_index("row")
    assert ledger.loc[5, "state"] == "set_aside" and "the formula (text of 6 characters, #" in ledger.loc[5, "reason"]
    assert "has no saved result" in ledger.loc[5, "reason"] and "=10+10" not in ledger.loc[5, "reason"]
    f = run.findings[run.findings["check"] == "formula_without_value"]
    assert list(zip(f["row"].astype(int), f["column"])) == [(5, "E")]


# --- 4. a percentage in a count cell ------------------------------------------------------------

PERCENT_BODY = [[1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593],
                [2, "Nibung", "Nibung", "100%", 0, 100, 99, 0, 99, 199, 0, 199]]


def _percent_formatted(path: Path, cells: dict[str, float], fmt: str = "0%") -> Path:
    """Type numbers with a percent format, as Excel stores '100%' (the value 1, shown 100%)."""
    book = load_workbook(path)
    ws = book.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
        ws[ref].number_format = fmt
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_percent_in_a_count_cell_is_a_finding_not_100(tmp_path, suffix, capsys):
    rows = births_table(PERCENT_BODY)
    if suffix == "csv":
        path = write_csv(tmp_path / "b.csv", rows)             # the text '100%'
    else:
        path = _percent_formatted(write_xlsx(tmp_path / "b.xlsx", {"Lampiran": rows}), {"D11": 1})  # stored 1, shown 100%
    run = clean_cli(tmp_path, [path], capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Muara Rupit": 590}    # Nibung neither 100 nor 1 live births
    ledger = run.ledger.set_index("row")
    assert ledger.loc[11, "state"] == "set_aside" and "a percentage" in ledger.loc[11, "reason"] \
        and "'100%'" in ledger.loc[11, "reason"] and "in a count cell" in ledger.loc[11, "reason"]
    f = run.findings[run.findings["check"] == "percent_in_count"]
    assert list(zip(f["severity"], f["row"].astype(int), f["column"])) == [("error", 11, "D")]
    assert f["file"].iloc[0].endswith(f"b.{suffix}")


def test_percent_formatted_coverage_columns_keep_their_scale(tmp_path, capsys):
    # KN1 190 of 200 = 95% (L), 180 of 190 = 94.74% (P): typed as percentages in Excel (0.95, 0.9474)
    body = [[1, "Rupit", "Muara Rupit", 200, 190, 390, 190, None, 180, None, 370, None,
             185, None, 176, None, 361, None]]
    path = write_xlsx(tmp_path / "kn.xlsx", {"Tabel 37": kn_table(body)})
    _percent_formatted(path, {"H10": 0.95, "J10": 0.9474, "L10": 0.9487, "N10": 0.925, "P10": 0.9263,
                              "R10": 0.9256}, fmt="0.00%")
    run = clean_cli(tmp_path, [path], capsys=capsys)
    assert run.code == 0, run.text
    v = run.table("neonatal_visits").set_index(["sex", "visit"])
    assert v.loc[("male", "kn1"), "reported_pct"] == pytest.approx(95.0)
    assert v.loc[("female", "kn_lengkap"), "reported_pct"] == pytest.approx(92.63)
    assert v.loc[("female", "kn_lengkap"), "visits"] == 176
    assert not run.findings["check"].isin(["coverage_pct", "percent_in_count"]).any(), run.findings


# --- 6. a table split over two sheets ---------------------------------------------------------------

@pytest.mark.parametrize("lanj_first", [False, True], ids=["main-sheet-first", "lanj-sheet-first"])
def test_lanj_block_on_another_sheet_keeps_its_sheet_and_is_a_check_not_a_count(tmp_path, lanj_first, capsys):
    main = deaths_table([[1, "Rupit", "Muara Rupit", 3, 1, 4, 0, 4, 2, None, 2, 1, 3],
                         [2, "Nibung", "Nibung", None, None, None, None, None, 1, 1, 2, 0, 2]],
                        total=[None, "JUMLAH (KAB/KOTA)", None, 3, 1, 4, 0, 4, 3, 1, 4, 1, 5])
    lanj = deaths_table([[1, "Rupit", "Muara Rupit", 5, 1, 6, 1, 7], [2, "Nibung", "Nibung", 1, 1, 2, 0, 2]],
                        total=[None, "JUMLAH (KAB/KOTA)", None, 6, 2, 8, 1, 9],
                        sexes=("LAKI-LAKI + PEREMPUAN",), continuation=True)
    sheets = {"Tabel 27": main, "Tabel 27 lanj": [[], [], []] + lanj}   # the (lanj.) block three rows lower
    if lanj_first:
        sheets = dict(reversed(sheets.items()))
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "d.xlsx", sheets)], capsys=capsys)
    assert run.code == 0, run.text
    d = run.table("deaths").groupby(["sex", "age_group"])["deaths"].sum()
    # the L+P block checks the L and P columns; it is not counted again as 'unspecified'
    assert d.to_dict() == {("female", "child"): 1, ("female", "neonatal"): 3, ("female", "postneonatal"): 1,
                           ("male", "child"): 0, ("male", "neonatal"): 3, ("male", "postneonatal"): 1}
    ledger = run.ledger
    assert list(zip(ledger["sheet"], ledger["row"], ledger["block"], ledger["row_kind"])) == [
        ("Tabel 27", 11, "main", "data"), ("Tabel 27", 12, "main", "data"), ("Tabel 27", 13, "main", "total"),
        ("Tabel 27 lanj", 14, "lanj.", "data"), ("Tabel 27 lanj", 15, "lanj.", "data"),
        ("Tabel 27 lanj", 16, "lanj.", "total")]
    checks = set(run.findings["check"])
    assert not checks & {"total_row", "sex_sum", "infant_sum", "under5_sum"}, run.findings


def test_kn_table_whose_lanj_sheet_holds_only_kn_lengkap(tmp_path, capsys):
    full = kn_table([[1, "Rupit", "Muara Rupit", 200, 190, 390, 190, 95.0, 180, 94.74, 370, 94.87,
                      185, 92.5, 176, 92.63, 361, 92.56]])
    header_end = 9  # title block (5 rows), 3 header rows, the column numbers
    main = [r[:12] for r in full[:header_end]] + [r[:12] for r in full[header_end:header_end + 1]]
    lanj = [["TABEL 37 (lanj.)"]] + full[1:5] + [["NO", "KECAMATAN", "PUSKESMAS", "KUNJUNGAN NEONATAL 3 KALI (KN LENGKAP)"],
                                                 [None] * 3 + full[6][12:], [None] * 3 + full[7][12:],
                                                 list(range(1, 10)), full[header_end][:3] + full[header_end][12:]]
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "kn.xlsx", {"Tabel 37": main, "Tabel 37 lanj": lanj})], capsys=capsys)
    assert run.code == 0, run.text
    v = run.table("neonatal_visits").set_index(["sex", "visit"])
    assert v.loc[("female", "kn_lengkap"), "visits"] == 176
    assert v.loc[("female", "kn_lengkap"), "denominator"] == 190      # the denominator from the first sheet
    assert v.loc[("male", "kn1"), "visits"] == 190
    assert list(zip(run.ledger["sheet"], run.ledger["row"])) == [("Tabel 37", 10), ("Tabel 37 lanj", 10)]


# --- 7. a block of 3,000 junk columns beside a table ------------------------------------------------

JUNK = 3000
JUNK_BODY = [[1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593],
             [2, "Nibung", "Nibung", 1005, 0, 1005, 990, 3, 993, 1995, 3, 1998]]
JUNK_TOTAL = [None, "JUMLAH KAB.", None, 1305, 2, 1307, 1280, 4, 1284, 2585, 6, 2591]


def _junk_workbook(path: Path, labelled: bool, numbered: bool) -> Path:
    rows = births_table(JUNK_BODY, total=JUNK_TOTAL)
    for i in (9, 10, 11):                      # the two Puskesmas rows and the total row: junk from column M on
        rows[i] = rows[i] + [(k * 7 + i) % 13 for k in range(JUNK)]
    if labelled:                               # the first header row: a label over every junk column
        rows[5] = rows[5] + [None] * (12 - len(rows[5])) + [f"KOLOM {k}" for k in range(JUNK)]
    if not numbered:
        del rows[8]                            # no row of column numbers
    return write_xlsx(path, {"Lampiran": rows})


@pytest.mark.parametrize("labelled, numbered, check", [(False, True, "outside_table"), (True, True, "outside_table"),
                                                       (False, False, "outside_table"), (True, False, "header")],
                         ids=["unlabelled", "labelled-with-column-numbers", "unlabelled-no-numbers",
                              "labelled-no-numbers"])
def test_junk_columns_beside_a_table_give_one_finding(tmp_path, labelled, numbered, check, capsys):
    path = _junk_workbook(tmp_path / "junk.xlsx", labelled, numbered)
    run = clean_cli(tmp_path, [path], capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Muara Rupit": 590, "Nibung": 1995}
    findings = run.findings[run.findings["check"] != "missing_table"]
    assert len(findings) == 1, findings                       # one finding for the block, not 3,000
    f = findings.iloc[0]
    assert (f["check"], f["column"]) == (check, "M")
    top, bottom = (6 if labelled else 10 if numbered else 9), (12 if numbered else 11)
    if check == "outside_table":
        cells = 3 * JUNK + (JUNK if labelled else 0)
        assert f"{cells} cells right of the table's last column L (M{top}:DKV{bottom}: " in f["message"]
        assert int(f["row"]) == top
    else:                                      # without column numbers the labels are the table's: one note
        assert f"({JUNK} neighbouring columns, M to DKV)" in f["message"]
    assert len(run.ledger) == 3 and (run.ledger["state"][:2] != "set_aside").all()
    # the junk is never interpreted as columns of the table (what made wide sheets slow)
    [table] = find_tables(read_grids(path)[0])
    assert len(table.columns) == 9 + (JUNK if check == "header" else 0)


# --- 8. invisible characters in names ----------------------------------------------------------------

def test_invisible_characters_do_not_make_two_puskesmas_of_one(tmp_path, capsys):
    births = births_table([[1, "Sungai Raya", "Sungai\u200b Raya", 10, 0, 10, 9, 0, 9, 19, 0, 19],       # zero-width space
                           [2, "Sungai\u00a0Raya", "PKM Kuala\u00a0Dua", 5, 0, 5, 5, 0, 5, 10, 0, 10]],  # no-break spaces
                          district="KABUPATEN KUBU RAYA BARU")
    deaths = deaths_table([[1, "Sungai Raya", "Sungai Raya\ufeff", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0],       # byte-order mark
                           [2, "Sungai Raya", "Kuala Dua\u200d", 0, 0, 0, 0, 0, 1, 0, 1, 0, 1],           # zero-width joiner
                           [3, "Sungai Raya", "ＳＵＮＧＡＩ ＲＡＹＡ", None, None, None, None, None, None, None, None, None, None]],
                          district="KABUPATEN KUBU RAYA BARU")
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "kr.xlsx", {"Lampiran 26": births, "Lampiran 27": deaths})],
                    capsys=capsys)
    assert run.code == 0, run.text
    assert births_by_puskesmas(run) == {"Sungai Raya": 19, "Kuala Dua": 10}
    assert set(run.table("deaths")["puskesmas"]) == {"Sungai Raya", "Kuala Dua"}
    assert set(run.table("births")["kecamatan"]) == {"Sungai Raya"}
    ledger = run.ledger.set_index(["sheet", "row"])
    assert "Puskesmas name read without its invisible or non-standard characters (ZERO WIDTH SPACE)" in \
        ledger.loc[("Lampiran 26", 10), "rules"]
    assert "(NO-BREAK SPACE)" in ledger.loc[("Lampiran 26", 11), "rules"]
    assert "kecamatan name read without" in ledger.loc[("Lampiran 26", 11), "rules"]
    assert "(ZERO WIDTH NO-BREAK SPACE)" in ledger.loc[("Lampiran 27", 11), "rules"]
    assert "(ZERO WIDTH JOINER)" in ledger.loc[("Lampiran 27", 12), "rules"]
    assert "FULLWIDTH LATIN CAPITAL LETTER A" in ledger.loc[("Lampiran 27", 13), "rules"]
    # the third deaths row is the same Puskesmas as the first: not counted twice
    assert ledger.loc[("Lampiran 27", 13), "state"] == "set_aside" and "second row for Sungai Raya" in \
        ledger.loc[("Lampiran 27", 13), "reason"]
    proposed = pd.read_csv(run.out / "registry_proposed_kubu_raya_baru.csv", encoding="utf-8-sig", keep_default_na=False)
    assert sorted(proposed["puskesmas"]) == ["Kuala Dua", "Sungai Raya"]
    assert proposed["aliases"].map(str.isascii).all()
    # one Puskesmas: its deaths and its births carry the same keys, so the rate can be built from them
    keys = ["district", "kecamatan", "puskesmas", "year"]
    d = run.table("deaths").groupby(keys)["deaths"].sum()
    b = run.table("births").groupby(keys)["live_births"].sum()
    joined = pd.concat([d, b], axis=1, join="inner")
    assert joined.loc[("Kubu Raya Baru", "Sungai Raya", "Sungai Raya", 2023)].tolist() == [1, 19]
    assert joined.loc[("Kubu Raya Baru", "Sungai Raya", "Kuala Dua", 2023)].tolist() == [1, 10]


# --- 9. a title that names another district than --district ------------------------------------------

@pytest.mark.parametrize("given, warned", [("Kubu Raya", True), ("Kab. Musi Rawas Utara", False)])
def test_title_naming_another_district_than_the_argument_is_a_warning_and_the_title_wins(tmp_path, given, warned,
                                                                                         capsys):
    annex = write_xlsx(tmp_path / "b.xlsx", {"Lampiran": births_table(PERCENT_BODY[:1])})  # KABUPATEN MUSI RAWAS UTARA
    monthly = write_xlsx(tmp_path / "m.xlsx", {"LB3": monthly_rows(
        [monthly_row(1, pkm="Karya Makmur")], title="LAPORAN BULANAN KIA KABUPATEN SUMBER JAYA TAHUN 2023")})
    run = clean_cli(tmp_path, [annex, monthly], "--district", given, capsys=capsys)
    assert run.code == 0, run.text
    assert set(run.table("births")["district"]) == {"Musi Rawas Utara", "Sumber Jaya"}   # each title's district
    f = run.findings[run.findings["check"] == "district_mismatch"]
    # the monthly title (Sumber Jaya) differs from both; the annex title only from Kubu Raya
    expected = ([("b.xlsx", "Lampiran", 3, "A")] if warned else []) + [("m.xlsx", "LB3", 1, "A")]
    assert sorted(zip(f["file"].map(lambda p: Path(p).name), f["sheet"], f["row"].astype(int), f["column"])) == expected
    assert (f["severity"] == "warning").all()
    assert f"the title names SUMBER JAYA but --district {given} was given; the title's district is used" in \
        " ".join(f["message"])
    assert ("the title names MUSI RAWAS UTARA" in " ".join(f["message"])) == warned


# --- 10. ambiguous numeric dates in line lists -------------------------------------------------------

def _linelist_run(tmp_path, deaths, capsys) -> Cleaned:
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "ll.xlsx", {"AMP": linelist_rows(deaths)})], capsys=capsys)
    assert run.code == 0, run.text
    return run


def _age_groups(run: Cleaned) -> dict[str, int]:
    return {k: int(v) for k, v in run.table("deaths").groupby("age_group")["deaths"].sum().items()}


def test_a_month_first_column_is_read_month_first(tmp_path, capsys):
    run = _linelist_run(tmp_path, [
        ("L", "03/01/2023", "03/04/2023", None, "BBLR", "Pauh"),      # 1 to 4 March: 3 days (day first: 90 days)
        ("P", "01/15/2023", "02/20/2023", None, "Asfiksia", "Pauh"),  # 15 Jan to 20 Feb: only month first reads it
    ], capsys)
    assert _age_groups(run) == {"neonatal": 1, "postneonatal": 1}
    f = run.findings[run.findings["check"] == "date_order"]
    assert list(zip(f["severity"], f["row"].astype(int), f["column"])) == [("info", 3, "H"), ("info", 3, "I")]
    assert "read month first, as row 4 shows" in f["message"].iloc[1]
    assert "read month first, as the column's dates" in run.ledger.set_index("row").loc[3, "rules"]


def test_a_day_first_column_is_read_day_first_without_a_word(tmp_path, capsys):
    run = _linelist_run(tmp_path, [
        ("L", "01/03/2023", "04/03/2023", None, "BBLR", "Pauh"),      # 1 to 4 March: 3 days
        ("P", "15/01/2023", "20/02/2023", None, "Asfiksia", "Pauh"),  # 36 days: shows the order
    ], capsys)
    assert _age_groups(run) == {"neonatal": 1, "postneonatal": 1}
    assert not (run.findings["check"] == "date_order").any()


def test_dates_that_show_no_order_are_read_day_first_with_a_note(tmp_path, capsys):
    run = _linelist_run(tmp_path, [("L", "01/03/2023", "04/03/2023", None, "BBLR", "Pauh")], capsys)
    assert _age_groups(run) == {"neonatal": 1}                      # 1 to 4 March (Indonesian usage)
    f = run.findings[run.findings["check"] == "date_order"]
    assert list(f["column"]) == ["H", "I"] and (f["severity"] == "info").all()
    assert "read day first, as Indonesian dates are written" in f["message"].iloc[0]


def test_a_column_with_both_orders_is_flagged_and_its_ambiguous_dates_not_read(tmp_path, capsys):
    run = _linelist_run(tmp_path, [
        ("L", "2023-01-10", "20/02/2023", None, "BBLR", "Pauh"),      # day first
        ("P", "2023-01-10", "02/21/2023", None, "BBLR", "Pauh"),      # month first
        ("L", "2023-03-01", "03/04/2023", None, "BBLR", "Pauh"),      # 3 April or 4 March: cannot say
        ("P", "2023-03-01", "03/05/2023", "4 hari", "BBLR", "Pauh"),  # cannot say, but the age is given
    ], capsys)
    assert _age_groups(run) == {"postneonatal": 2, "neonatal": 1}
    ledger = run.ledger.set_index("row")
    assert ledger.loc[5, "state"] == "set_aside"
    assert "column I: the date reads day first or month first" in ledger.loc[5, "reason"]
    assert ledger.loc[6, "state"] == "mapped" and "age taken from column J" in ledger.loc[6, "rules"]
    f = run.findings[run.findings["check"] == "date_order"]
    assert list(zip(f["severity"], f["row"].astype(int), f["column"])) == [("warning", 5, "I")]
    assert "day first (row 3) and month first (row 4)" in f["message"].iloc[0] and "rows 5, 6" in f["message"].iloc[0]


# --- 11. a date of death in the future ----------------------------------------------------------------

def test_a_future_date_of_death_adds_no_year(tmp_path, capsys):
    deaths = [("L", dt.date(2023, 3, 1), dt.date(2023, 3, 4), None, "BBLR", "Pauh"),
              ("P", dt.date(2099, 1, 1), dt.date(2099, 1, 5), None, "Asfiksia", "Pauh"),   # typed 2099 for 2023
              ("P", None, "2099-01-05", "4 hari", "Asfiksia", "Pauh")]
    monthly = [monthly_row(1), monthly_row(2, year=2099)]                                # TAHUN 2099 for 2023
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "ll.xlsx", {"AMP": linelist_rows(deaths)}),
                               write_xlsx(tmp_path / "m.xlsx", {"LB3": monthly_rows(monthly)})], capsys=capsys)
    assert run.code == 0, run.text
    ledger = run.ledger
    aside = ledger[ledger["state"] == "set_aside"].set_index(["table", "row"])
    assert aside.loc[("linelist", 4), "reason"] == "column I: the date of death is in the future; correct it"
    assert aside.loc[("linelist", 5), "reason"] == "column I: the date of death is in the future; correct it"
    assert "the year 2099 is in the future" in aside.loc[("monthly", 5), "reason"]
    # the rows stay in the ledger (under the title's year, or none), and 2099 is nowhere a year with data
    assert "2099" not in set(ledger["year"].astype(str))
    assert set(run.csv("sources")["year"].astype(str)) == {"2023"}
    assert "2099" not in (run.out / "findings.csv").read_text(encoding="utf-8-sig")
    assert years(load_processed(run.out)) == [2023]
    code = main(["indicators", "--processed", str(run.out), "--year", "2099"])
    assert code == 2 and "2099" in capsys.readouterr().err


def test_a_zero_width_space_between_words_reads_as_a_space(tmp_path):
    """'Maju\u200bJaya' (pasted from a web page) and 'Maju Jaya' are one Puskesmas, with one AKB."""
    from imr_analysis.analysis.indicators import compute_indicators
    from imr_analysis.clean import run_clean
    births = births_table([[1, "Harta", "Maju Jaya", 300, 0, 300, 379, 0, 379, 679, 0, 679]], district="KABUPATEN SUKA MAJU")
    deaths = deaths_table([[1, "Harta", "Maju\u200bJaya", 2, 1, 3, 0, 3, 1, 1, 2, 0, 2]], district="KABUPATEN SUKA MAJU")
    run = run_clean([write_xlsx(tmp_path / "sm.xlsx", {"T26": births, "T27": deaths})], tmp_path / "p")
    assert set(run.result.tables["deaths"]["puskesmas"]) == {"Maju Jaya"}
    ind = compute_indicators(run.result.tables, level="puskesmas")
    imr = ind[ind["indicator"] == "imr"].set_index("area")
    assert imr.loc["Maju Jaya", "value"] == pytest.approx(5 / 679 * 1000)

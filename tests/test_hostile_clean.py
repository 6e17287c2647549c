"""Cleaning survives input made to break it, and one bad cell gives one finding, not several misleading ones.

Each test writes its input here, cleans it through the command line as a user runs it (exit code,
console text in Indonesian and English) and checks the ledger's accounting of every raw row.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import MONTHLY_HEADER, births_table, deaths_table, monthly_row, write_xlsx
from imr_analysis.vocab.puskesmas import REGISTRY_ENV, REGISTRY_FILE
from test_hostile_layouts import clean_cli

# --- a births and a deaths table whose rows, totals and printed rates agree (hand-computed) ------------
# births: [no, kec, pkm] + L (hidup, mati, hidup+mati), P (...), L+P (...)
BIRTHS = [[1, "Rupit", "Muara Rupit", 150, 1, 151, 140, 0, 140, 290, 1, 291],
          [2, "Rawas Ilir", "Pauh", 100, 0, 100, 110, 1, 111, 210, 1, 211]]
BIRTHS_TOTAL = [None, "JUMLAH KAB.", None, 250, 1, 251, 250, 1, 251, 500, 2, 502]
# deaths: [no, kec, pkm] + L (neonatal, post-neonatal, bayi, anak balita, jumlah), P (...)
DEATHS = [[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1],
          [2, "Rawas Ilir", "Pauh", 1, 0, 1, 0, 1, 0, 1, 1, 0, 1]]
DEATHS_TOTAL = [None, "JUMLAH KAB.", None, 3, 1, 4, 0, 4, 1, 1, 2, 0, 2]
# per 1,000 live births of the same sex: L 3/250, 1/250, 4/250 ...; P 1/250, 1/250, 2/250 ...
DEATHS_RATE = ["ANGKA KEMATIAN (DILAPORKAN)", None, None, "12", "4", "16", "0", "16", "4", "4", "8", "0", "8"]
CELL_CHECKS = {"infant_sum", "sex_sum", "total_row", "reported_rate"}


def _profile(tmp_path: Path, births=BIRTHS, deaths=DEATHS, deaths_total=DEATHS_TOTAL) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir(exist_ok=True)
    return write_xlsx(folder / "profil_2023.xlsx",
                      {"Tabel 26": births_table([list(r) for r in births], total=BIRTHS_TOTAL),
                       "Tabel 27": deaths_table([list(r) for r in deaths], total=list(deaths_total),
                                                rate=list(DEATHS_RATE))})


def _accounted(run) -> pd.Series:
    """The ledger's states; every raw body row has exactly one."""
    ledger = run.ledger
    states = ledger["state"].value_counts()
    assert states.sum() == len(ledger) and set(states.index) <= {"kept", "mapped", "set_aside", "reported"}
    return states


def test_consistent_tables_give_no_cell_check_finding(tmp_path, capsys):
    run = clean_cli(tmp_path, [_profile(tmp_path)], capsys=capsys)
    assert run.code == 0, run.text
    assert not set(run.findings["check"]) & (CELL_CHECKS | {"totals_not_checked"})
    states = _accounted(run)
    # births: 2 rows + total; deaths: 2 rows + total + rate
    assert len(run.ledger) == 7 and states.get("set_aside", 0) == 0 and states["reported"] == 3


def test_one_negative_cell_gives_its_own_finding_and_the_tables_checks_say_rows_were_set_aside(tmp_path, capsys):
    deaths = [list(r) for r in DEATHS]
    deaths[0][3] = -2   # Muara Rupit, neonatal male: 2 -> -2
    run = clean_cli(tmp_path, [_profile(tmp_path, deaths=deaths)], "--lang", "en", capsys=capsys)
    assert run.code == 0, run.text
    f, ledger = run.findings, run.ledger
    row = int(ledger.loc[(ledger["table"] == "deaths") & (ledger["puskesmas"] == "Muara Rupit"), "row"].iloc[0])
    neg = f[f["check"] == "negative_count"]
    assert len(neg) == 1 and int(neg.iloc[0]["row"]) == row and neg.iloc[0]["column"] == "D"
    # before: infant_sum (-2 + 1 = -1 vs BAYI 3), total_row (rows -1 vs total 3) and reported_rate (-1/250)
    assert not set(f["check"]) & CELL_CHECKS, f[["check", "message"]].to_string()
    note = f[f["check"] == "totals_not_checked"]
    assert len(note) == 1 and note.iloc[0]["severity"] == "info" and note.iloc[0]["sheet"] == "Tabel 27"
    assert f"Puskesmas rows of this table set aside: 1 (row numbers {row}; see their findings)" in note.iloc[0]["message"]
    states = _accounted(run)
    assert len(ledger) == 7 and states["set_aside"] == 1 and states["reported"] == 3
    aside = ledger[ledger["state"] == "set_aside"]
    assert list(aside["row"]) == [row] and "negative count -2" in aside.iloc[0]["reason"]
    assert "Findings: 1 error, 0 warnings, 3 info" in run.text, run.text   # 2 missing tables + the note


def test_a_births_row_set_aside_stops_the_death_rates_check_but_not_the_death_total_check(tmp_path, capsys):
    births = [list(r) for r in BIRTHS]
    births[1][3] = "seratus"   # Pauh, live births male: text
    deaths_total = list(DEATHS_TOTAL)
    deaths_total[3] = 5   # neonatal male: the rows add up to 3
    run = clean_cli(tmp_path, [_profile(tmp_path, births=births, deaths_total=deaths_total)], capsys=capsys)
    assert run.code == 0, run.text
    f = run.findings
    assert list(f.loc[f["check"] == "text_in_count", "sheet"]) == ["Tabel 26"]
    total = f[f["check"] == "total_row"]
    assert list(total["sheet"]) == ["Tabel 27"] and list(total["column"]) == ["D"]
    assert "the Puskesmas rows add up to 3, the total row says 5" in total.iloc[0]["message"]
    # AKN male would be recomputed as 3 / 150 (Muara Rupit's births only) = 20, not the printed 12
    assert f[f["check"] == "reported_rate"].empty
    notes = f[f["check"] == "totals_not_checked"].set_index("sheet")
    assert set(notes.index) == {"Tabel 26", "Tabel 27"}
    assert notes.loc["Tabel 26", "code"] == "totals_not_checked"
    assert notes.loc["Tabel 27", "code"] == "rates_not_checked"
    assert "the reported rates of this table were not recomputed" in notes.loc["Tabel 27", "message"]
    assert _accounted(run)["set_aside"] == 1


# --- a monthly report without any year -----------------------------------------------------------------

def _monthly_without_year(path: Path) -> Path:
    """A monthly report with no TAHUN column and no year in its title (January to March for Pauh)."""
    year_at = MONTHLY_HEADER.index("TAHUN")
    header = [h for i, h in enumerate(MONTHLY_HEADER) if i != year_at]
    rows = [[v for i, v in enumerate(monthly_row(m)) if i != year_at] for m in ("Januari", "Februari", "Maret")]
    return write_xlsx(path, {"LB3": [["LAPORAN BULANAN KIA KABUPATEN MUSI RAWAS UTARA"], [], header] + rows})


@pytest.mark.parametrize("lang, words", [
    ("id", ("berkas ", "lembar 'LB3', baris 3", "laporan bulanan tidak memuat tahun", "Yang harus dilakukan",
            "beri --year")),
    ("en", ("file ", "sheet 'LB3', row 3", "the monthly report has no year", "What to do", "pass --year"))])
def test_monthly_report_without_a_year_stops_with_a_message_naming_the_sheet(tmp_path, capsys, lang, words):
    path = _monthly_without_year(tmp_path / "lb3.xlsx")
    run = clean_cli(tmp_path, [path], "--lang", lang, capsys=capsys)
    assert run.code == 2, run.text
    for w in words:
        assert w in run.text, run.text
    assert "lb3.xlsx" in run.text and not re.search(r"\bNone\b|\bnan\b", run.text)
    assert not run.out.exists()   # nothing written: no row was counted for no year


def test_monthly_report_without_a_year_is_cleaned_with_year_and_named_among_other_files(tmp_path, capsys):
    path = _monthly_without_year(tmp_path / "lb3.xlsx")
    run = clean_cli(tmp_path, [path], "--year", "2023", capsys=capsys)
    assert run.code == 0, run.text
    ledger = run.ledger
    assert len(ledger) == 3 and set(ledger["state"]) <= {"kept", "mapped"} and set(ledger["year"]) == {2023}
    assert "tahun 2023" in run.text and "None" not in run.text

    folder = tmp_path / "both"
    folder.mkdir()
    shutil.copy(path, folder / "lb3.xlsx")
    write_xlsx(folder / "profil_2023.xlsx", {"Tabel 26": births_table([list(r) for r in BIRTHS], total=BIRTHS_TOTAL)})
    run = clean_cli(tmp_path / "b", [folder], capsys=capsys)
    assert run.code == 2, run.text   # the other file is cleaned; the one not used is named
    errors = run.csv("input_errors")
    assert list(errors["code"]) == ["monthly_no_year"] and errors.iloc[0]["file"].endswith("lb3.xlsx")
    assert "laporan bulanan tidak memuat tahun" in run.text
    states = _accounted(run)
    assert len(run.ledger) == 3 and states["reported"] == 1 and set(run.ledger["file"]) == {str(folder / "profil_2023.xlsx")}


# --- a folder where no file can be used ------------------------------------------------------------------

@pytest.mark.parametrize("lang, words", [
    ("id", ("tidak ada berkas masukan yang dapat dipakai (2 berkas)", "bukan buku kerja Excel",
            "tidak ada format yang dikenal")),
    ("en", ("none of the input files could be used (2 files)", "not an Excel workbook",
            "none of the known formats was found"))])
def test_folder_of_unusable_files_lists_each_file_and_why(tmp_path, capsys, lang, words):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "profil_palsu_2023.xlsx").write_text("ini bukan buku kerja, hanya teks\n", encoding="utf-8")
    openpyxl.Workbook().save(folder / "kosong_2023.xlsx")
    run = clean_cli(tmp_path, [folder], "--lang", lang, capsys=capsys)
    assert run.code == 2, run.text
    for w in words:
        assert w in run.text, run.text
    assert "profil_palsu_2023.xlsx" in run.text and "kosong_2023.xlsx" in run.text
    assert "KeyError" not in run.text and "galat tak terduga" not in run.text and "unexpected" not in run.text
    assert not run.out.exists()


# --- the cleaning report --------------------------------------------------------------------------------

def test_cleaning_report_names_why_files_were_skipped_counts_rules_of_rows_counted_and_escapes_names(tmp_path, capsys):
    folder = tmp_path / "raw"
    (folder / "examples").mkdir(parents=True)
    births = [list(r) for r in BIRTHS]
    births[0][7] = None          # Muara Rupit: a blank (-> 0), the row is counted
    births[1][4] = None          # Pauh: a blank too, but the row is set aside for a negative count
    births[1][6] = -110
    write_xlsx(folder / "<script>alert(1)<script>_2023.xlsx", {"Tabel 26": births_table(births, total=BIRTHS_TOTAL)})
    write_xlsx(folder / "examples" / "contoh_2023.xlsx", {"Tabel 26": births_table([list(BIRTHS[0])])})
    (folder / "catatan.pdf").write_text("catatan", encoding="utf-8")
    run = clean_cli(tmp_path, [folder], "--lang", "en", capsys=capsys)
    assert run.code == 0, run.text
    report = (run.out / "cleaning_report.md").read_text(encoding="utf-8")
    assert "<script>" not in report and "&lt;script>alert(1)&lt;script>_2023.xlsx" in report
    examples = report.split("## Files not read because they are in an examples folder")[1].split("##")[0]
    others = report.split("## Files not read (not a workbook or CSV)")[1]
    assert "contoh_2023.xlsx" in examples and "catatan.pdf" not in examples
    assert "catatan.pdf" in others and "contoh_2023.xlsx" not in others
    rules = report.split("## Rules applied (mapped rows)")[1].split("\n## ")[0]
    assert re.search(r"\| blank -> 0 \| 1 \|", rules), rules   # Muara Rupit's blank only, not the row set aside
    states = _accounted(run)
    assert states["set_aside"] == 1 and states["mapped"] == 1 and states["reported"] == 1


# --- a new district: the office's own registry ------------------------------------------------------------

def _new_district(tmp_path: Path) -> Path:
    rows = births_table([[1, "Harta", "Sumber Harta", 10, 0, 10, 9, 0, 9, 19, 0, 19]], district="KABUPATEN SUKA MAJU")
    return write_xlsx(tmp_path / "suka_maju_2023.xlsx", {"Tabel 26": rows})


def test_new_district_advice_names_the_office_registry_variable(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    run = clean_cli(tmp_path, [_new_district(tmp_path)], "--lang", "en", capsys=capsys)
    assert run.code == 0, run.text
    assert f"name the copy with {REGISTRY_ENV}=PATH/puskesmas.csv" in run.text
    assert REGISTRY_ENV in (run.out / "cleaning_report.md").read_text(encoding="utf-8")

    own = tmp_path / "office" / "puskesmas.csv"
    own.parent.mkdir()
    shutil.copy(REGISTRY_FILE, own)
    monkeypatch.setenv(REGISTRY_ENV, str(own))
    run = clean_cli(tmp_path / "again", [_new_district(tmp_path)], capsys=capsys)
    assert run.code == 0, run.text
    assert f"salin barisnya ke registri kantor Anda {own} ({REGISTRY_ENV})" in run.text
    assert _accounted(run)["mapped"] + _accounted(run).get("kept", 0) == 1


def test_a_new_districts_name_in_markup_keeps_its_tags_as_written(tmp_path, capsys):
    rows = births_table([[1, "Harta", "<b>x</b>", 10, 0, 10, 9, 0, 9, 19, 0, 19],
                         [2, "Harta", "SUMBER HARTA", 5, 0, 5, 4, 0, 4, 9, 0, 9]], district="KABUPATEN SUKA MAJU")
    run = clean_cli(tmp_path, [write_xlsx(tmp_path / "suka_maju_2023.xlsx", {"Tabel 26": rows})], capsys=capsys)
    assert run.code == 0, run.text
    # one case is shown in title case; the letter that opens a tag stays as written (str.title gave '<B>X</B>')
    assert sorted(run.table("births")["puskesmas"].unique()) == ["<b>X</b>", "Sumber Harta"]
    assert _accounted(run)["mapped"] + _accounted(run).get("kept", 0) == 2

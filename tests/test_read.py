"""Reading each annex table, from .xlsx and from .csv, with the messiness of real files."""
import io
import sys

import pytest

from helpers import births_table, causes_table, deaths_table, kn_table, write_csv, write_xlsx
from imr_analysis.clean import clean
from imr_analysis.read.annex import find_tables
from imr_analysis.read.grid import read_grids

BIRTH_ROWS = [
    [1, "Rupit", "PKM M. Rupit", 300, 2, 302, 290, None, 290, 590, 2, 592],
    [2, "Nibung", "puskesmas  NIBUNG", "1.005", "-", "1.005", 990, 3, 993, "1.995", 3, "1.998"],
]


def _both_formats(tmp_path, rows, name="t"):
    """The same table as a workbook sheet (among unrelated sheets) and as a semicolon CSV export."""
    xlsx = write_xlsx(tmp_path / f"{name}.xlsx", {"Tabel 1": [["TABEL 1"], ["LUAS WILAYAH MENURUT KECAMATAN"]],
                                                 "Lampiran 9": rows})
    csv = write_csv(tmp_path / f"{name}.csv", rows)
    return [xlsx, csv]


@pytest.mark.parametrize("fmt", [0, 1], ids=["xlsx", "csv"])
def test_births_table_with_messy_numbers_totals_and_rate_row(tmp_path, fmt):
    rows = births_table(BIRTH_ROWS, total=[None, "JUMLAH KAB.", None, "1.305", 2, "1.307", "1.280", 3, "1.283", "2.585", 5, "2.590"],
                        rate=["ANGKA LAHIR MATI PER 1.000 KELAHIRAN (DILAPORKAN)", None, None, None, "1,53", None, None, "2,34"])
    path = _both_formats(tmp_path, rows)[fmt]
    result = clean([path])
    b = result.tables["births"].set_index(["puskesmas", "sex"])
    assert b.loc[("Nibung", "male"), "live_births"] == 1005      # '1.005' is one thousand and five
    assert b.loc[("Nibung", "male"), "stillbirths"] == 0          # '-' is zero
    assert b.loc[("Muara Rupit", "female"), "stillbirths"] == 0   # blank is zero
    assert b.loc[("Muara Rupit", "male"), "live_births"] == 300   # 'PKM M. Rupit' -> Muara Rupit
    assert set(b.reset_index()["year"]) == {2023}
    assert set(b.reset_index()["district"]) == {"Musi Rawas Utara"}
    ledger = result.ledger.set_index("row_kind")
    assert sorted(result.ledger["row_kind"]) == ["data", "data", "rate", "total"]
    assert ledger.loc["total", "state"] == "reported" and "reported value" in ledger.loc["total", "reason"]
    rules = " ".join(result.ledger["rules"])
    assert "name alias 'M RUPIT' -> 'Muara Rupit'" in rules and "'-' -> 0" in rules and "Indonesian number format" in rules
    assert "PKM M. Rupit" not in result.ledger.to_csv()  # the registry's spelling, never the cell's


def test_unrelated_sheets_and_tables_are_ignored(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"A": [["TABEL 30"], ["JUMLAH KASUS HIV MENURUT KELOMPOK UMUR, KECAMATAN"]],
                                            "B": births_table(BIRTH_ROWS)})
    tables = [t for g in read_grids(path) for t in find_tables(g)]
    assert [t.kind for t in tables] == ["births"]
    assert tables[0].sheet == "B"


@pytest.mark.parametrize("fmt", [0, 1], ids=["xlsx", "csv"])
def test_deaths_table_four_header_rows_and_continuation_block(tmp_path, fmt):
    main = deaths_table([[1, "Rupit", "Muara Rupit", 3, 1, 4, 0, 4, 2, None, 2, 1, 3],
                         [2, "Nibung", "Nibung", None, None, None, None, None, 1, 1, 2, 0, 2]],
                        total=[None, "JUMLAH (KAB/KOTA)", None, 3, 1, 4, 0, 4, 3, 1, 4, 1, 5])
    cont = deaths_table([[1, "Rupit", "Muara Rupit", 5, 1, 6, 1, 7], [2, "Nibung", "Nibung", 1, 1, 2, 0, 2]],
                        sexes=("LAKI-LAKI + PEREMPUAN",), continuation=True)
    path = _both_formats(tmp_path, main + [[], []] + cont)[fmt]
    result = clean([path])
    d = result.tables["deaths"].set_index(["puskesmas", "sex", "age_group"])["deaths"]
    assert d[("Muara Rupit", "male", "neonatal")] == 3
    assert d[("Muara Rupit", "female", "postneonatal")] == 0
    assert d[("Nibung", "female", "neonatal")] == 1
    assert d[("Muara Rupit", "female", "child")] == 1
    assert d.sum() == 3 + 1 + 0 + 2 + 0 + 1 + 1 + 1 + 0  # neonatal + post + child over both sexes
    # the L+P block is a check, not counted twice
    assert set(result.tables["deaths"]["sex"]) == {"male", "female"}
    assert sorted(set(result.ledger["block"])) == ["lanj.", "main"]


@pytest.mark.parametrize("fmt", [0, 1], ids=["xlsx", "csv"])
def test_causes_table_with_header_typos(tmp_path, fmt):
    neo = ["BBLR DAN PREMATURITAS", "ASFIKSI", "TETANUS NEONATRUM", "INFEKSI", "KELAINAN KONGINETAL", "COVID-19",
           "KELAINAN CARDIOVASKULAR DAN RESPIRATION", "LAIN-LAIN"]
    body = [[1, "Rupit", "Muara Rupit", 2, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 2]]
    path = _both_formats(tmp_path, causes_table(body, neo=neo))[fmt]
    result = clean([path])
    c = result.tables["deaths_by_cause"].set_index(["age_group", "cause"])["deaths"]
    assert c[("neonatal", "asphyxia")] == 1          # 'ASFIKSI' -> asphyxia (close spelling)
    assert c[("neonatal", "congenital")] == 1        # 'KONGINETAL' -> congenital (known typo)
    assert c[("neonatal", "tetanus")] == 0
    assert c[("postneonatal", "pneumonia")] == 1
    assert c[("postneonatal", "other")] == 2
    assert c.sum() == 10
    notes = " ".join(n["note"] for n in result.header_notes)
    assert "ASFIKSI" in notes and "KONGINETAL" in notes and "RESPIRATION" in notes


@pytest.mark.parametrize("fmt", [0, 1], ids=["xlsx", "csv"])
def test_kn_table_counts_denominators_and_percentages(tmp_path, fmt):
    body = [[1, "Rupit", "Muara Rupit", 200, 190, 390, 190, 95.0, 180, 94.74, 370, 94.87, 185, 92.5, 176, 92.63, 361, 92.56]]
    path = _both_formats(tmp_path, kn_table(body, denominator="SASARAN BAYI BARU LAHIR"))[fmt]
    result = clean([path])
    v = result.tables["neonatal_visits"].set_index(["sex", "visit"])
    assert v.loc[("male", "kn1"), "visits"] == 190
    assert v.loc[("female", "kn_lengkap"), "denominator"] == 190
    assert v.loc[("female", "kn_lengkap"), "reported_pct"] == pytest.approx(92.63)
    assert set(v["denominator_kind"]) == {"sasaran"}


def test_kecamatan_written_once_for_several_puskesmas_and_new_district(tmp_path):
    rows = births_table([[1, "Kec. Sungai Raya", "UPTD Puskesmas Sungai Raya Dalam", 10, 0, 10, 10, 0, 10, 20, 0, 20],
                         [2, None, "PKM Sungai Durian", 5, 0, 5, 5, 0, 5, 10, 0, 10]],
                        district="KABUPATEN KUBU RAYA")
    result = clean([write_xlsx(tmp_path / "kr.xlsx", {"T": rows})])
    b = result.tables["births"]
    assert sorted(set(b["puskesmas"])) == ["Sungai Durian", "Sungai Raya Dalam"]
    assert set(b["kecamatan"]) == {"Sungai Raya"}
    assert set(b["district"]) == {"Kubu Raya"}
    proposed = result.proposed_registry
    assert sorted(proposed["puskesmas"]) == ["Sungai Durian", "Sungai Raya Dalam"]


def test_year_and_district_from_arguments_when_title_lacks_them(tmp_path):
    rows = births_table(BIRTH_ROWS, year=None, district=None)
    path = write_csv(tmp_path / "b.csv", rows)
    result = clean([path], year=2021, district="Musi Rawas Utara")
    assert set(result.tables["births"]["year"]) == {2021}


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_both_excel_engines_read_the_same(tmp_path, engine):
    path = write_xlsx(tmp_path / "b.xlsx", {"S": births_table(BIRTH_ROWS)})
    result = clean([path], engine=engine)
    assert result.tables["births"]["live_births"].sum() == 300 + 290 + 1005 + 990


def test_comma_separated_csv_with_bom(tmp_path):
    path = write_csv(tmp_path / "b.csv", births_table(BIRTH_ROWS), delimiter=",", encoding="utf-8-sig")
    result = clean([path])
    assert result.tables["births"]["live_births"].sum() == 300 + 290 + 1005 + 990


def test_2025_icd_pm_cause_categories(tmp_path):
    neo = ["MALFORMASI KONGENITAL, DEFORMASI, DAN KELAINAN KROMOSOM", "GANGGUAN TERKAIT USIA KEHAMILAN DAN PERTUMBUHAN JANIN",
           "TRAUMA KELAHIRAN", "KOMPLIKASI PADA SAAT PERSALINAN (INTRAPARTUM)", "KEJANG DAN GANGGUAN STATUS SEREBRAL",
           "INFEKSI", "GANGGUAN PERNAPASAN DAN KARDIOVASKULAR", "KONDISI NEONATAL LAINNYA",
           "BERAT BADAN LAHIR RENDAH DAN PREMATURITAS", "KEMATIAN NEONATAL DENGAN PENYEBAB YANG TIDAK DITENTUKAN"]
    body = [[1, "Rupit", "Muara Rupit"] + list(range(1, 11)) + [0] * 9]
    result = clean([write_xlsx(tmp_path / "c.xlsx", {"S": causes_table(body, neo=neo)})])
    c = result.tables["deaths_by_cause"].query("age_group == 'neonatal'").set_index("cause")["deaths"]
    assert c.to_dict() == {"congenital": 1, "fetal_growth": 2, "birth_trauma": 3, "intrapartum": 4, "seizure_cerebral": 5,
                           "sepsis_infection": 6, "cardio_respiratory": 7, "other_neonatal": 8, "lbw_prematurity": 9,
                           "unspecified": 10}
    assert not [n for n in result.header_notes if "not in the cause vocabulary" in n["note"]]


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as a console is."""

    def isatty(self) -> bool:
        return True


def test_reading_several_files_shows_a_progress_bar_on_a_terminal_only(tmp_path, monkeypatch):
    from imr_analysis.read.files import read_tables

    body = [[1, "Rupit", "Muara Rupit", 10, 0, 10, 9, 0, 9, 19, 0, 19]]
    files = [write_xlsx(tmp_path / f"profil_{y}.xlsx", {"B": births_table(body, year=y)}) for y in (2022, 2023)]
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert len(read_tables(files)) == 2
    assert "files:" in terminal.getvalue() and "/2 [" in terminal.getvalue()   # the bar, over the 2 files
    logged = io.StringIO()   # a log file or a test capture: no bar
    monkeypatch.setattr(sys, "stderr", logged)
    assert len(read_tables(files)) == 2 and logged.getvalue() == ""

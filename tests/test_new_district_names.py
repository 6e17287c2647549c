"""Puskesmas names of a district the registry does not know are shown as written: prefixes and
spacing dropped, punctuation kept, one name per matching key (the first written form), through
``clean``, the HTML report, the indicator table and the Profil annex workbook."""
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from helpers import births_table, causes_table, deaths_table, run_cli, write_xlsx
from imr_analysis.vocab.puskesmas import written_name

DISTRICT = "Sungai Contoh"
#: (kecamatan, the name in the births table, the name in the deaths table, the name shown)
PLACES = [("Kec Satu", "=SUM(A1)", "=SUM(A1)", "=Sum(A1)"),
          ("Kec Satu", "<b>Pusk</b> & Co", "<b>Pusk</b> & Co", "<b>Pusk</b> & Co"),
          ("Kec Dua", "UPTD Puskesmas  KARANG-DAPO", "PKM. Karang-dapo", "Karang-Dapo"),
          ("Kec Dua", "Puskesmas Tanjung Agung II", "TANJUNG AGUNG II", "Tanjung Agung II")]


@pytest.mark.parametrize("written, shown", [
    ("UPTD Puskesmas  MUARA-RUPIT", "Muara-Rupit"), ("pkm. sungai lilin", "Sungai Lilin"),
    ("PKM Karang Dapo II", "Karang Dapo II"), ("Pusk: O'Neil Raya", "O'Neil Raya"), ("=SUM(A1)", "=Sum(A1)"),
    ("<b>Pusk</b> & Co", "<b>Pusk</b> & Co"), ("Pusking Raya", "Pusking Raya")])
def test_written_name(written, shown):
    assert written_name(written) == shown


@pytest.fixture(scope="module")
def district_run(tmp_path_factory):
    """The district's 2023 annex workbook (births, then deaths and causes with other spellings), run with
    reports."""
    raw = tmp_path_factory.mktemp("raw")
    line = f"KABUPATEN {DISTRICT.upper()}"
    births = [[i + 1, kec, name] + [300, 2, 302, 290, 1, 291, 590, 3, 593]
              for i, (kec, name, _, _) in enumerate(PLACES)]
    deaths = [[i + 1, kec, name] + [2, 1, 3, 0, 3, 1, 0, 1, 0, 1] for i, (kec, _, name, _) in enumerate(PLACES)]
    causes = [[i + 1, kec, name] + [1, 1] + [0] * 6 + [0, 1] + [0] * 7 for i, (kec, _, name, _) in enumerate(PLACES)]
    write_xlsx(raw / "profil_2023.xlsx", {"Tabel 26": births_table(births, district=line),
                                          "Tabel 27": deaths_table(deaths, district=line),
                                          "Tabel 28": causes_table(causes, district=line)})
    out, processed = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("processed")
    result = run_cli("run", "--raw", raw, "--district", DISTRICT, "--out", out, "--processed", processed)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return out, processed


def test_processed_tables_hold_one_name_per_puskesmas_as_written(district_run):
    _, processed = district_run
    shown = [p[3] for p in PLACES]
    for table in ("births", "deaths"):
        df = pd.read_parquet(processed / f"{table}.parquet")
        assert sorted(df["puskesmas"].unique()) == sorted(shown), table
    deaths = pd.read_parquet(processed / "deaths.parquet")
    assert deaths.groupby("puskesmas", dropna=False)["deaths"].sum().to_dict() == dict.fromkeys(shown, 4)
    proposed = pd.read_csv(next(processed.glob("registry_proposed_*.csv")), encoding="utf-8-sig", keep_default_na=False)
    # a CSV for Excel: a cell that would start a formula starts with ' (outputs.neutralise)
    assert sorted(proposed["puskesmas"]) == sorted("'" + n if n.startswith("=") else n for n in shown)
    aliases = dict(zip(proposed["puskesmas"], proposed["aliases"]))
    assert "PKM. Karang-dapo" in aliases["Karang-Dapo"] and PLACES[2][1] in aliases["Karang-Dapo"]


def test_html_report_shows_the_names_as_text(district_run):
    out, _ = district_run
    page = BeautifulSoup((out / "2023" / "annual_report.html").read_text(encoding="utf-8"), "html.parser")
    cells = {td.get_text(strip=True) for td in page.find_all(["td", "th"])}
    assert {p[3] for p in PLACES} <= cells
    assert not page.find_all("b", string="Pusk")        # the markup in a name is text, not an element


def test_xlsx_tables_hold_the_names_as_text_cells(district_run, tmp_path):
    _, processed = district_run
    table = tmp_path / "indikator.xlsx"
    r = run_cli("indicators", "--processed", processed, "--year", "2023", "--level", "puskesmas", "--out", table)
    assert r.returncode == 0, r.stderr
    cells = [c for row in load_workbook(table).active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"'=Sum(A1)", "<b>Pusk</b> & Co", "Karang-Dapo", "Tanjung Agung II"} <= values   # a formula-like name starts with '
    annex = tmp_path / "lampiran.xlsx"
    r = run_cli("annex", "--processed", processed, "--year", "2023", "--out", annex)
    assert r.returncode == 0, r.stderr
    names = {c.value: c for row in load_workbook(annex)["Tabel 27"].iter_rows() for c in row}
    assert {p[3] for p in PLACES} <= set(names) and names["=Sum(A1)"].data_type == "s"

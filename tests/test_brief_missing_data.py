"""The quarterly brief tells missing data apart from zero: a visit whose column the monthly reports do not have
is 'no data', never 0%; a Puskesmas-month whose rows were set aside in cleaning came in (it is not 'missing'),
and the KN coverage leaves the same Puskesmas-months out of its numerator and its denominator.

Hand counts from data/raw/examples/monthly_lb3_2023.xlsx (no KN1 column; SASARAN PUSDATIN 55 a month at Muara
Rupit, 46 at Nibung). KN lengkap, January-March: Muara Rupit 36 + 50 + 55 = 141, Nibung 34 + 33 + 40 = 107.
"""
from __future__ import annotations

import html
import re
import shutil

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT
from helpers import run_cli, write_xlsx

EXAMPLE = ROOT / "data" / "raw" / "examples" / "monthly_lb3_2023.xlsx"


def _text(page) -> str:
    """The words of an HTML page, tags and styles removed, entities decoded, spaces collapsed."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<style.*?</style>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def _clean_and_brief(base, raw, *brief_args, district=None):
    """``clean`` then ``brief`` (id and en) through the command; the briefs' page text by language."""
    extra = ["--district", district] if district else []
    done = run_cli("clean", raw, "--out", base / "processed", *extra)
    assert done.returncode == 0, done.stderr
    pages = {}
    for lang in ("id", "en"):
        done = run_cli("brief", *brief_args, "--processed", base / "processed", "--out", base / lang, "--lang", lang)
        assert done.returncode == 0, done.stderr
        (page,) = sorted((base / lang).glob("*/lokmin_brief.html"))
        pages[lang] = _text(page)
        pages[f"{lang}_folder"] = page.parent
    return pages


@pytest.fixture(scope="session")
def example_brief(tmp_path_factory):
    base = tmp_path_factory.mktemp("brief_no_kn1")
    shutil.copy(EXAMPLE, base / EXAMPLE.name)
    return _clean_and_brief(base, base / EXAMPLE.name, "--year", 2023, "--quarter", 1)


@pytest.fixture(scope="session")
def set_aside_brief(tmp_path_factory):
    """The example report with Muara Rupit's January-March rows broken (text in a count, a negative count)."""
    base = tmp_path_factory.mktemp("brief_set_aside")
    book = openpyxl.load_workbook(EXAMPLE)
    ws = book.active
    assert [ws.cell(r, 4).value for r in (4, 5, 6)] == ["PKM Muara Rupit", "MUARA RUPIT", "PKM Muara Rupit"]
    ws["E4"] = "12 bayi"         # January: text in a count cell
    ws["U5"] = "lima puluh"      # February: text in the KN lengkap cell
    ws["G6"] = -1                # March: a negative count
    (base / "raw").mkdir()
    book.save(base / "raw" / "lb3_2023.xlsx")
    pages = _clean_and_brief(base, base / "raw", "--year", 2023, "--quarter", 1)
    pages["findings"] = pd.read_csv(base / "processed" / "findings.csv", encoding="utf-8-sig")
    return pages


def test_kn1_without_a_column_is_no_data_in_table_sentence_and_rtl(example_brief):
    page = example_brief["id"]
    assert "KN1 tidak ada data tidak ada data tidak ada data tidak ada data tidak ada data" in page   # table row
    assert "KN1: tidak ada data (laporan bulanan tidak memuat kolom KN1)." in page                  # method sentence
    assert "KN1 0" not in page and "292 bayi" not in page and "KN1 0%" not in page
    # KN lengkap: 141 + 107 = 248 served; sasaran (55 + 46) x 12 = 1,212; 1,212 x 3 / 12 = 303; 303 - 248 = 55
    assert "KN lengkap 248 1.212 303 81,8 55" in page
    assert "Metode: target s.d. triwulan = sasaran 1.212 × 3 bulan / 12 = 303 bayi." in page
    assert "KN lengkap 82%, 55 bayi belum terlayani" in page
    assert "Tidak dihitung" not in page                      # every Puskesmas-month counted
    en = example_brief["en"]
    assert "KN1 no data no data no data no data no data" in en
    assert "KN1: no data (the monthly reports have no KN1 column)" in en and "KN1 0" not in en
    assert "Complete KN 1,212" not in en and "Complete KN 248 1,212 303 81.8 55" in en


def test_kn1_no_data_in_the_new_plan_and_the_slides(example_brief):
    from pptx import Presentation

    folder = example_brief["id_folder"]
    plan = pd.read_excel(folder / "rtl_new.xlsx", engine="openpyxl")
    problems = list(plan.iloc[:, 0])
    assert problems[:2] == ["KN1: tidak ada data (laporan bulanan tidak memuat kolom KN1)",
                            "KN lengkap 82%, 55 bayi belum terlayani"]
    slides = " ".join(s.text_frame.text for slide in Presentation(folder / "lokmin_brief.pptx").slides
                      for s in slide.shapes if s.has_text_frame)
    assert "KN1: tidak ada data" in slides and "KN1 0%" not in slides and "292" not in slides
    kn = pd.read_csv(folder / "tables" / "kn.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert kn.iloc[0, 1:].isna().sum() == kn.shape[1] - 3     # KN1: served, sasaran, target ... blank, never 0
    assert list(kn.iloc[1, [1, 2]]) == [248, 1212]           # KN lengkap: served, annual sasaran


def test_rows_set_aside_are_received_not_missing(set_aside_brief):
    page = set_aside_brief["id"]
    assert "Muara Rupit belum masuk" not in page
    # reporting table: Muara Rupit 3 of 3 received, its three months set aside; Nibung 3 of 3
    assert "Muara Rupit 3 3 - Januari, Februari, Maret Nibung 3 3 - -" in page
    assert ("Laporan bulanan Muara Rupit Januari, Februari, Maret sudah masuk, tetapi barisnya disisihkan saat "
            "pembersihan (jumlah negatif, teks di sel jumlah): perbaiki selnya (lihat set_aside.csv) lalu jalankan "
            "clean lagi") in page
    en = set_aside_brief["en"]
    assert "Monthly reports of Muara Rupit missing" not in en
    assert ("Monthly reports of Muara Rupit for January, February, March came in, but their rows were set aside in "
            "cleaning (negative count, text in a count cell): fix the cells") in en
    # the cleaning's own completeness finding agrees: every month of Muara Rupit came in
    f = set_aside_brief["findings"]
    done = f[(f["check"] == "monthly_completeness") & (f["area"] == "Muara Rupit")]
    assert list(done["message"]) == ["12 of 12 monthly reports received (100%) (threshold 90%)."]


def test_coverage_leaves_the_same_puskesmas_months_out_of_both_terms(set_aside_brief):
    page = set_aside_brief["id"]
    # Nibung alone: served 34 + 33 + 40 = 107; sasaran 46 x 12 = 552; 552 x 3 / 12 = 138; 107 / 138 = 77.5%
    assert "KN lengkap 107 552 138 77,5 31" in page
    assert ("Metode: target s.d. triwulan = sasaran 552 × 3 bulan / 12 = 138 bayi. Tidak dihitung, di pembilang "
            "maupun di penyebut: Muara Rupit Januari, Februari, Maret (laporan masuk, tetapi barisnya disisihkan "
            "saat pembersihan).") in page
    assert "KN lengkap 78%, 31 bayi belum terlayani" in page and "891" not in page
    en = set_aside_brief["en"]
    assert ("Left out of the numerator and the denominator alike: Muara Rupit January, February, March (report "
            "received, but its rows were set aside in cleaning).") in en


# --- a district the registry does not know --------------------------------------------------------------------

HEADER = ["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "DESA", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
          "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI", "KEMATIAN POST NEONATAL", "KEMATIAN BAYI",
          "SASARAN PUSDATIN", "KN LENGKAP"]
# (month, desa, live births L, P, sasaran, KN lengkap); May not sent; February's row has a negative stillbirth count
ALPHA = [(1, "Sumber Harta", 5, 5, 10, 8), (1, "Sumber Rejeki", 3, 2, 5, 4), (2, "Sumber Harta", 4, 4, 10, 7),
         (3, "Sumber Harta", 6, 6, 10, 9), (4, "Sumber Harta", 5, 4, 10, 8), (6, "Sumber Harta", 5, 5, 10, 9)]


def test_unseen_district_set_aside_and_missing_months_in_english(tmp_path):
    rows = [[m, 2025, "Satu", "Alpha", desa, lm, lp, -1 if m == 2 else 0, 0, 0, 0, 0, sasaran, knl]
            for m, desa, lm, lp, sasaran, knl in ALPHA]
    (tmp_path / "raw").mkdir()
    write_xlsx(tmp_path / "raw" / "lb3_2025.xlsx", {"LB3": [["LAPORAN BULANAN KIA TAHUN 2025"], [], HEADER] + rows})
    pages = _clean_and_brief(tmp_path, tmp_path / "raw", "--year", 2025, "--quarter", 2, "--puskesmas", "alpha",
                             district="Tanah Uji")
    en = pages["en"]
    # counted: January, March, April, June (February set aside, May not received). Annual sasaran from the months
    # kept: 15, 10, 10, 10 -> 12 x 11.25 = 135; target 135 x 4 / 12 = 45; served 12 + 9 + 8 + 9 = 38; 45 - 38 = 7
    assert "Complete KN 38 135 45 84.4 7" in en
    assert ("Method: year-to-date target = sasaran 135 × 4 months / 12 = 45 babies. Left out of the numerator and "
            "the denominator alike: Alpha February (report received, but its rows were set aside in cleaning); "
            "Alpha May (report not received).") in en
    assert "KN1: no data (the monthly reports have no KN1 column)." in en
    assert "Monthly reports of Alpha missing: May" in en
    assert "Monthly reports of Alpha for February came in, but their rows were set aside in cleaning (negative count)" in en
    assert "Alpha 5 6 May February" in en                   # received 5 of 6: February came in, May did not
    assert "Komplit KN" not in pages["id"] and "KN lengkap 38 135 45 84,4 7" in pages["id"]

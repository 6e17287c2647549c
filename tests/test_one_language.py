"""One language per output: what --lang id shows holds no English reason, field name, check or table code
(and --lang en keeps its English), through the command line and the report objects."""
import re
import shutil

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, SAMPLE_RAW
from helpers import run_cli
from imr_analysis.report import exports
from imr_analysis.report.data_quality import _table_label
from imr_analysis.vocab.findings import column_text, render
from imr_analysis.vocab.ledger_kinds import ledger_text
from imr_analysis.vocab.targets import source_text

MONTHLY = ROOT / "data" / "raw" / "examples" / "monthly_lb3_2023.xlsx"
FORMULA = ("column D (neonatal / male): the formula (text of 4 characters, #7a77ed64) has no saved result (the workbook "
           "was written by a program or never opened in Excel); open the file in Excel and save it, or type the number")
TEXT = "column E (live_births_male): text in a number cell (text of 7 characters, #9afb989f); enter a number (blank or '-' mean 0)"


def test_set_aside_reasons_are_indonesian_to_the_column_field():
    assert ledger_text(FORMULA, "id") == (
        "kolom D (neonatal / laki-laki): rumus (teks 4 karakter, #7a77ed64) tidak punya hasil tersimpan (buku kerja "
        "ditulis oleh program atau belum pernah dibuka di Excel); buka berkas di Excel lalu simpan, atau ketik angkanya")
    assert ledger_text(TEXT, "id") == ("kolom E (lahir hidup laki-laki): teks di sel angka (teks 7 karakter, #9afb989f); "
                                       "isikan angka (kosong atau '-' berarti 0)")
    assert ledger_text(FORMULA, "en") == FORMULA


def test_findings_name_the_column_field_in_the_language():
    params = {"column": "D (neonatal / male)", "value": -2}
    assert render("negative_count", params, "id").startswith("kolom D (neonatal / laki-laki): jumlah negatif -2.")
    assert render("negative_count", params, "en").startswith("column D (neonatal / male): negative count -2.")
    assert column_text("birth_weight", "id") == "berat lahir" and column_text("birth_weight", "en") == "birth_weight"
    assert column_text("V", "id") == "V"
    assert render("reported_rate", {"column": "D", "header": "neonatal / female", "reported": 8.21, "expected": 3.08},
                  "id") == "kolom D (neonatal / perempuan): angka yang dilaporkan 8,21, dihitung ulang dari jumlahnya 3,08"


def test_check_names_table_codes_and_target_sources_have_indonesian_labels():
    assert _table_label("maternal_causes", "id") == "Kematian ibu menurut penyebab"
    assert _table_label("monthly", "en") == "Monthly Puskesmas reports"
    assert _table_label("deaths", "id") == "Kematian menurut umur"
    source = "RPJMN 2020-2024 (baseline AKB 24 from SDKI 2017)"
    assert source_text(source, "id") == "RPJMN 2020-2024 (AKB awal 24 menurut SDKI 2017)"
    assert source_text(source, "en") == source
    table = pd.DataFrame({"target_source": [source]})
    shown, _ = exports.readable_report_table(table, "id")
    assert shown.iloc[0, 0] == "RPJMN 2020-2024 (AKB awal 24 menurut SDKI 2017)"


@pytest.fixture(scope="module")
def hostile_monthly(tmp_path_factory):
    """The example monthly report with a formula without a saved result (H5) and text in a count cell (E6)."""
    folder = tmp_path_factory.mktemp("hostile")
    wb = openpyxl.load_workbook(MONTHLY)
    ws = wb["LB3 KIA"]
    ws["H5"] = "=2+1"
    ws["E6"] = "12 bayi"
    wb.save(folder / "lb3_2023.xlsx")
    return folder


@pytest.mark.parametrize("lang", ["id", "en"])
def test_clean_console_set_aside_lines_in_one_language(hostile_monthly, tmp_path, lang):
    r = run_cli("clean", hostile_monthly, "--out", tmp_path / "p", "--lang", lang)
    assert r.returncode == 0, r.stderr
    aside = [line for line in r.stderr.splitlines() if "DISISIHKAN" in line or "SET ASIDE" in line]
    assert len(aside) == 2
    if lang == "id":
        assert "baris 5: kolom H (kematian neonatal 0-6 hari): rumus (teks 4 karakter, #" in aside[0]
        assert "baris 6: kolom E (lahir hidup laki-laki): teks di sel angka (teks 7 karakter, #" in aside[1]
        english = re.compile(r"\b(column|formula|text|number|cell|male|live_births\w*|neonatal_0_6)\b")
        assert not [line for line in aside if english.search(line)]
        report = (tmp_path / "p" / "cleaning_report.md").read_text(encoding="utf-8")
        assert "rumus (teks … karakter, #…) tidak punya hasil tersimpan" in report
        assert "has no saved result" not in report and "text in a number cell" not in report
    else:
        assert "row 5: column H (neonatal_0_6): the formula (text of 4 characters, #" in aside[0]
        assert "row 6: column E (live_births_male): text in a number cell (text of 7 characters, #" in aside[1]


@pytest.fixture(scope="module")
def sample_clean(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    out = tmp_path_factory.mktemp("proc")
    return out, run_cli("clean", raw, "--out", out, "--lang", "id")


def test_clean_names_the_puskesmas_of_monthly_completeness_and_what_it_did_not_print(sample_clean):
    out, r = sample_clean
    assert r.returncode == 0, r.stderr
    completeness = [line for line in r.stderr.splitlines() if "[monthly_completeness]" in line]
    areas = set(pd.read_csv(out / "findings.csv").query("check == 'monthly_completeness' and severity == 'warning'")["area"])
    assert completeness and len(completeness) == len(areas)
    assert {re.search(r"wilayah ([^:]+):", line).group(1) for line in completeness} == areas
    set_aside = len(pd.read_csv(out / "set_aside.csv"))
    printed = sum("DISISIHKAN" in line for line in r.stderr.splitlines())
    assert printed == 20 < set_aside
    assert f"… dan {set_aside - 20} baris disisihkan lainnya (semuanya di set_aside.csv)." in r.stderr


def test_indicators_console_table_in_the_language(sample_clean):
    out, _ = sample_clean
    shown = {lang: run_cli("indicators", "--processed", out, "--year", "2023", "--lang", lang).stdout
             for lang in ("id", "en")}
    first = {lang: next(line for line in text.splitlines() if line.strip().startswith(("AKB", "IMR")))
             for lang, text in shown.items()}
    assert shown["id"].split()[:3] == ["Indikator", "Tahun", "Wilayah"]
    assert "8,7 per 1.000 KH" in first["id"] and "3.795" in first["id"] and "6,0 - 12,2" in first["id"]
    assert first["id"].split()[-1] == "ya" and "Byar" in first["id"]
    assert "8.7 per 1,000 live births" in first["en"] and "3,795" in first["en"] and first["en"].split()[-1] == "yes"

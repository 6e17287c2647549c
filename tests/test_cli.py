"""The command line as users run it: the published figure, and clear messages for bad input."""

import pandas as pd
import pytest

from conftest import SAMPLE_RAW
from helpers import births_table, deaths_table, write_xlsx
from helpers import run_cli


def cli(*args, cwd=None, lang="en"):
    """The command in a subprocess; its console messages in English, as these tests read them."""
    return run_cli(*args, "--lang", lang, cwd=cwd)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("proc")
    r = cli("clean", SAMPLE_RAW, "--out", out)
    assert r.returncode == 0, r.stderr
    return out, r


def test_clean_prints_accounting_and_where_outputs_are(processed):
    out, r = processed
    assert "raw body rows =" in r.stdout and "kept +" in r.stdout and "set aside" in r.stdout
    assert str(out) in r.stdout
    for name in ("births", "deaths", "deaths_by_cause", "neonatal_visits"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    for name in ("ledger.csv", "findings.csv", "cleaning_report.md", "set_aside.csv", "sources.csv"):
        assert (out / name).exists()
    assert "96.23" in r.stderr  # the published SPM inconsistency is printed as a warning
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_published_akb_2023_through_the_cli(processed):
    out, _ = processed
    r = cli("indicators", "--processed", out, "--year", "2023", "--level", "district")
    assert r.returncode == 0, r.stderr
    line = next(l for l in r.stdout.splitlines() if l.strip().startswith("IMR "))
    assert "Musi Rawas Utara" in line and "33" in line and "3,795" in line
    assert "8.7 per 1,000 live births" in line and "6.0 - 12.2" in line


def test_indicators_to_xlsx_and_csv(processed, tmp_path):
    out, _ = processed
    r = cli("indicators", "--processed", out, "--level", "puskesmas", "--table", "data", "--out", tmp_path / "i.xlsx")
    assert r.returncode == 0, r.stderr
    df = pd.read_excel(tmp_path / "i.xlsx", engine="openpyxl")
    pauh = df[(df["indicator"] == "imr") & (df["area"] == "Pauh") & (df["year"] == 2023)].iloc[0]
    assert pauh["numerator"] == 2 and pauh["method"] == "exact"
    r = cli("indicators", "--processed", out, "--out", tmp_path / "i.csv", "--indicator", "imr,nmr", "--table", "data")
    assert set(pd.read_csv(tmp_path / "i.csv")["indicator"]) == {"imr", "nmr"}


def test_cleaning_report_reads_as_a_report(processed):
    out, _ = processed
    text = (out / "cleaning_report.md").read_text()
    assert "# Cleaning report" in text and "| M RUPIT | Muara Rupit |" in text and "SURULANGUN RAWAS" in text
    assert "KONGINETAL" in text


def _expect_error(result, code, *words):
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for w in words:
        assert w in result.stderr, result.stderr


def test_empty_file(tmp_path):
    (tmp_path / "kosong.xlsx").write_bytes(b"")
    _expect_error(cli("clean", tmp_path / "kosong.xlsx", "--out", tmp_path / "o"), 2, "kosong.xlsx", "empty", "What to do")


def test_wrong_file_type(tmp_path):
    (tmp_path / "profil.pdf").write_bytes(b"%PDF-1.4")
    _expect_error(cli("clean", tmp_path / "profil.pdf", "--out", tmp_path / "o"), 2, "profil.pdf", "'.pdf'", "What to do")
    (tmp_path / "fake.xlsx").write_text("NO;PUSKESMAS\n1;Pauh\n")
    _expect_error(cli("clean", tmp_path / "fake.xlsx", "--out", tmp_path / "o"), 2, "fake.xlsx", "not an Excel workbook")


def test_missing_table(tmp_path):
    path = write_xlsx(tmp_path / "lain.xlsx", {"Tabel 1": [["TABEL 1"], ["LUAS WILAYAH MENURUT KECAMATAN"], ["x"]]})
    _expect_error(cli("clean", path, "--out", tmp_path / "o"), 2, "lain.xlsx", "none of the known formats", "title")


def test_missing_year(tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", {"Lamp": births_table([[1, "Rupit", "Pauh", 1, 0, 1, 1, 0, 1, 2, 0, 2]], year=None)})
    _expect_error(cli("clean", path, "--out", tmp_path / "o"), 2, "b.xlsx", "sheet 'Lamp'", "row 2", "--year")


def _deaths_file(tmp_path, name_cell="Muara Rupit", count_cell=2):
    rows = deaths_table([[1, "Rupit", name_cell, count_cell, 1, 3, 0, 3, 1, 0, 1, 0, 1],
                         [2, "Nibung", "Nibung", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]])
    return write_xlsx(tmp_path / "d.xlsx", {"Tabel 27": rows})


def test_unknown_puskesmas_is_set_aside_with_suggestion(tmp_path):
    path = _deaths_file(tmp_path, name_cell="Muara Rupitt")
    r = cli("clean", path, "--out", tmp_path / "o")
    assert r.returncode == 0
    assert "d.xlsx, sheet 'Tabel 27', row 11: unknown Puskesmas in column C (text of 12 characters, #" in r.stderr
    assert "nearest registry names: Muara Rupit" in r.stderr and "puskesmas.csv" in r.stderr and "Rupitt" not in r.stderr
    aside = pd.read_csv(tmp_path / "o" / "set_aside.csv")
    assert len(aside) == 1 and aside.iloc[0]["row"] == 11
    assert cli("clean", path, "--out", tmp_path / "o", "--strict").returncode == 3


def test_text_in_number_cell(tmp_path):
    r = cli("clean", _deaths_file(tmp_path, count_cell="dua"), "--out", tmp_path / "o")
    assert r.returncode == 0
    assert "row 11" in r.stderr and "column D" in r.stderr and "text in a number cell (text of 3 characters, #" in r.stderr
    f = pd.read_csv(tmp_path / "o" / "findings.csv")
    hit = f[f["check"] == "text_in_count"].iloc[0]
    assert hit["row"] == 11 and hit["column"] == "D" and hit["severity"] == "error"
    assert cli("clean", _deaths_file(tmp_path, count_cell="dua"), "--out", tmp_path / "o", "--strict").returncode == 3


def test_negative_count(tmp_path):
    r = cli("clean", _deaths_file(tmp_path, count_cell=-3), "--out", tmp_path / "o")
    assert r.returncode == 0
    assert "row 11" in r.stderr and "column D" in r.stderr and "negative count -3" in r.stderr
    deaths = pd.read_csv(tmp_path / "o" / "deaths.csv")
    assert set(deaths["puskesmas"]) == {"Nibung"}


def test_new_district_gets_a_proposed_registry(tmp_path):
    rows = births_table([[1, "Sungai Raya", "UPTD Puskesmas Sungai Raya Dalam", 10, 0, 10, 10, 0, 10, 20, 0, 20]],
                        district="KABUPATEN KUBU RAYA")
    r = cli("clean", write_xlsx(tmp_path / "kr.xlsx", {"T": rows}), "--out", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    proposed = tmp_path / "o" / "registry_proposed_kubu_raya.csv"
    assert proposed.exists() and "New district" in r.stdout and str(proposed) in r.stdout
    reg = pd.read_csv(proposed)
    assert reg.iloc[0]["puskesmas"] == "Sungai Raya Dalam" and "UPTD Puskesmas Sungai Raya Dalam" in reg.iloc[0]["aliases"]


def test_indicators_without_processed_data(tmp_path):
    _expect_error(cli("indicators", "--processed", tmp_path), 2, "births.parquet", "imr-analysis clean")


def test_indicators_for_a_year_without_data(processed):
    out, _ = processed
    _expect_error(cli("indicators", "--processed", out, "--year", "2010"), 2, "2010", "2019")


def test_works_from_any_folder(processed, tmp_path):
    out, _ = processed
    r = cli("indicators", "--processed", out, "--year", "2023", cwd=tmp_path)
    assert r.returncode == 0 and "8.7 per 1,000" in r.stdout


def test_trends_command_columns_and_xlsx(processed, tmp_path):
    out, _ = processed
    r = cli("trends", "--processed", out, "--table", "data", "--out", tmp_path / "t.csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == ["indicator", "level", "district", "area", "cause", "start_year", "end_year", "n_years", "apc",
                                "apc_lower_95", "apc_upper_95", "p_value", "model", "trend_marker", "note", "left_out"]
    imr = df[df["indicator"] == "imr"].iloc[0]
    # 2019-2024: the sample's 2025 (January-June) is a year to date, left out of every fit and named
    assert set(df["left_out"].astype(str)) == {"2025"} and imr["end_year"] == 2024
    assert imr["n_years"] == 6 and float(imr["apc"]) < 0 and imr["model"] in ("poisson", "negative_binomial", "quasi_poisson")
    assert set(df.loc[df["indicator"] == "cause_rate", "cause"]) >= {"asphyxia", "lbw_prematurity", "pneumonia", "sepsis_infection"}
    r = cli("trends", "--processed", out, "--level", "puskesmas", "--out", tmp_path / "t.xlsx")
    assert r.returncode == 0 and len(pd.read_excel(tmp_path / "t.xlsx", engine="openpyxl")) > 8


def test_funnel_command(processed, tmp_path):
    out, _ = processed
    r = cli("funnel", "--processed", out, "--year", "2023", "--pool-years", "3", "--overdispersion", "--table", "data",
            "--out", tmp_path / "f.csv")
    assert r.returncode == 0, r.stderr
    assert "2021-2023" in r.stdout and "DerSimonian-Laird" in r.stdout
    df = pd.read_csv(tmp_path / "f.csv", encoding="utf-8-sig")
    assert list(df.columns) == ["area", "numerator", "denominator", "value", "benchmark", "lower_95", "upper_95",
                                "lower_998", "upper_998", "flag"]
    _expect_error(cli("funnel", "--processed", out, "--year", "2031"), 2, "2031")


def test_output_piped_to_a_reader_that_stops_early_ends_quietly(processed):
    """'imr-analysis indicators | head -1': the reader closes the pipe after one line; the command stops without
    an 'unexpected error' message, with the exit code of a broken pipe (141), as Unix tools do."""
    import subprocess
    import sys

    out, _ = processed
    shell = f"'{sys.executable}' -m imr_analysis indicators --processed '{out}' | head -1; exit ${{PIPESTATUS[0]}}"
    r = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
    assert r.stdout.split()[:2] == ["Indikator", "Tahun"]
    assert r.stderr == "" and r.returncode == 141

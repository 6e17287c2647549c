"""Maternal deaths and AKI: the Profil maternal tables read and accounted like the infant tables,
maternal deaths from line lists, AKI with its intervals against hand-computed values, pooled rates
and the small-count rule of the trend models."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from imr_analysis.analysis.intervals import rate_ci
from imr_analysis.analysis.pooled import pooled_rate
from imr_analysis.analysis.trends import fit_trend, trend_table
from imr_analysis.annex_writer import (TITLES, AnnexTable, maternal_causes_header, maternal_header, stack, write_csv,
                                       write_xlsx)
from imr_analysis.clean import run_clean
from imr_analysis.clean.checks import findings
from imr_analysis.clean.pipeline import clean
from imr_analysis.clean.store import load_processed

from conftest import ROOT

# The sample's maternal deaths (scripts/make_sample_district.py, MATERNAL), counted by hand.
SAMPLE_DEATHS = {2019: 3, 2020: 4, 2021: 5, 2022: 3, 2023: 2, 2024: 2}
SAMPLE_BIRTHS = {2021: 3905, 2022: 3831, 2023: 3795}


def _row(no, kec, pkm, lh, hamil, bersalin, nifas):
    """A maternal-table row: live births, then each period's age groups and their JUMLAH, then the sums."""
    parts = [hamil, bersalin, nifas]
    total = [sum(p[i] for p in parts) for i in range(3)]
    return [no, kec, pkm, lh] + [v for p in parts + [total] for v in p + [sum(p)]]


def _workbook(path, body, total=None, rate=None, cause_body=None, cause_total=None):
    width = len(body[0])
    total = total or ["", "JUMLAH KAB.", ""] + [sum(r[j] for r in body) for j in range(3, width)]
    tables = {"T30": stack([AnnexTable("TABEL 30", TITLES["maternal"], maternal_header(), body,
                                       "KABUPATEN MUSI RAWAS UTARA", 2023, total=total, rate=rate)])}
    if cause_body:
        tables["T31"] = stack([AnnexTable("TABEL 31", TITLES["maternal_causes"], maternal_causes_header(), cause_body,
                                          "KABUPATEN MUSI RAWAS UTARA", 2023, total=cause_total)])
    return write_xlsx(path, tables, merge=True)


BODY = [_row(1, "Rupit", "Muara Rupit", 500, [0, 1, 0], [0, 0, 0], [0, 0, 1]),
        _row(2, "Nibung", "Nibung", 300, [0, 0, 0], [1, 0, 0], [0, 0, 0])]


# --- AKI and its intervals, by hand ---------------------------------------------------------------

def test_aki_two_deaths_exact_poisson_limits_by_hand():
    # 2 / 3,795 x 100,000 = 52.70; exact Poisson: chi2(0.025; 4)/2 = 0.24221, chi2(0.975; 6)/2 = 7.22469
    ci = rate_ci(pd.Series([2.0]), pd.Series([3795.0]), 100_000).iloc[0]
    assert ci["value"] == pytest.approx(52.70, abs=0.01)
    assert ci["lower_95"] == pytest.approx(0.24221 / 3795 * 1e5, rel=1e-4) == pytest.approx(6.38, abs=0.01)
    assert ci["upper_95"] == pytest.approx(7.22469 / 3795 * 1e5, rel=1e-4) == pytest.approx(190.37, abs=0.01)
    assert ci["method"] == "exact"


def test_pooled_rate_over_three_years_uses_the_summed_counts():
    # 2021-2023 of the sample: 5 + 3 + 2 = 10 deaths of 3,905 + 3,831 + 3,795 = 11,531 births: 86.72 per
    # 100,000; 10 deaths is Byar's method: 10 (1 - 1/90 - 1.96/(3 sqrt 10))^3 = 4.7875 -> 41.52,
    # 11 (1 - 1/99 + 1.96/(3 sqrt 11))^3 = 18.3916 -> 159.50
    p = pooled_rate([2021, 2022, 2023], [5, 3, 2], [3905, 3831, 3795], window=3)
    assert len(p) == 1
    row = p.iloc[0]
    assert (row["start_year"], row["end_year"], row["deaths"], row["live_births"]) == (2021, 2023, 10, 11531)
    assert row["value"] == pytest.approx(86.72, abs=0.01)
    assert row["lower_95"] == pytest.approx(41.52, abs=0.01) and row["upper_95"] == pytest.approx(159.50, abs=0.01)
    assert row["method"] == "byar"


def test_pooled_rate_needs_every_year_of_its_window():
    p = pooled_rate([2019, 2020, 2022, 2023, 2024], [3, 4, 3, 2, 2], [3890, 3852, 3831, 3795, 3718], window=3)
    assert list(p["end_year"]) == [2024]  # 2021 missing: only 2022-2024 is a full window
    assert p.iloc[0]["deaths"] == 7


def test_trend_of_few_maternal_deaths_is_not_fitted():
    years = list(SAMPLE_DEATHS)
    fit = fit_trend(years, list(SAMPLE_DEATHS.values()), [3890, 3852, 3905, 3831, 3795, 3718], small_counts=True)
    assert fit.model == "not fitted" and fit.note == "too_few_deaths"  # 19 deaths < 20
    # the same counts are fitted when the small-count rule is not asked for (infant series)
    assert fit_trend(years, list(SAMPLE_DEATHS.values()), [3890, 3852, 3905, 3831, 3795, 3718]).model == "poisson"
    # zero-heavy: 40 deaths, but none in 4 of 6 years
    zero_heavy = fit_trend(years, [0, 0, 20, 0, 0, 20], [4000] * 6, small_counts=True)
    assert zero_heavy.note == "too_few_deaths"


# --- the sample ----------------------------------------------------------------------------------

def test_sample_maternal_tables_read_in_both_editions(sample_run):
    tables = sample_run.result.tables
    m = tables["maternal_deaths"]
    assert m.groupby("year")["deaths"].sum().to_dict() == SAMPLE_DEATHS
    one = m[(m["year"] == 2023) & (m["deaths"] > 0)].set_index("puskesmas")
    assert one.loc["Karang Jaya", ["period", "age_group"]].tolist() == ["delivery", "age_35_plus"]
    assert one.loc["Muara Kulam", ["period", "age_group"]].tolist() == ["postpartum", "age_20_34"]
    c = tables["maternal_causes"]
    c = c[c["deaths"] > 0].groupby(["year", "cause"])["deaths"].sum()
    # 2019, older edition: HIPERTENSI DALAM KEHAMILAN -> hypertension, GANGGUAN METABOLIK -> metabolic
    assert c[2019].to_dict() == {"haemorrhage": 1, "hypertension": 1, "metabolic": 1}
    assert c[2020].to_dict() == {"cardiovascular": 1, "haemorrhage": 1, "infection": 1, "other": 1}
    assert c[2021].to_dict() == {"covid19": 2, "haemorrhage": 2, "hypertension": 1}
    found = sample_run.findings
    assert not found["check"].str.startswith("maternal").any()
    assert not ((found["check"].isin(["total_row", "reported_rate"])) & found["sheet"].str.contains("30|31")).any()


def test_sample_ledger_has_every_row_of_the_maternal_tables(sample_run):
    ledger = sample_run.result.ledger
    for kind, per_year in (("maternal", {"data": 8, "total": 1, "rate": 1}), ("maternal_causes", {"data": 8, "total": 1})):
        rows = ledger[ledger["table"] == kind]
        assert sorted(rows["year"].unique()) == list(SAMPLE_DEATHS)
        for year, g in rows.groupby("year"):
            assert g["row_kind"].value_counts().to_dict() == per_year, (kind, year)
        assert set(rows["state"]) <= {"kept", "mapped", "reported"}


def test_cli_indicators_mmr_on_the_sample(sample_run):
    out = subprocess.run([sys.executable, "-m", "imr_analysis", "indicators", "--processed", str(sample_run.out),
                          "--indicator", "mmr", "--level", "district", "--lang", "en"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if " 2023 " in x)
    assert "52.7 per 100,000" in line and "6.4 - 190.4" in line and "exact" in line and "183" in line
    lines = [x for x in out.stdout.splitlines() if x.strip().startswith("MMR ")]
    assert " IMR " not in out.stdout and len(lines) == 7   # 2019-2025
    assert "no maternal data for this district and year" in next(x for x in lines if " 2025 " in x)   # never 0


def test_mmr_by_puskesmas_and_kecamatan_add_up(sample_run):
    from imr_analysis.analysis.indicators import compute_indicators

    tables = load_processed(sample_run.out)
    by = {lvl: compute_indicators(tables, level=lvl, year=2021) for lvl in ("puskesmas", "kecamatan", "district")}
    mmr = {lvl: df[df["indicator"] == "mmr"] for lvl, df in by.items()}
    assert mmr["puskesmas"]["numerator"].sum() == mmr["kecamatan"]["numerator"].sum() == 5
    district = mmr["district"].iloc[0]
    assert district["numerator"] == 5 and district["denominator"] == 3905
    assert district["value"] == pytest.approx(5 / 3905 * 1e5)
    rupit = mmr["kecamatan"].set_index("area").loc["Rawas Ilir"]  # Bingin Teluk + Pauh
    assert rupit["numerator"] == 1


def test_trend_table_says_maternal_counts_are_too_few(sample_run):
    tables = load_processed(sample_run.out)
    t = trend_table(tables, level="district")
    row = t[t["indicator"] == "mmr"].iloc[0]
    assert row["model"] == "not fitted" and row["note"] == "too_few_deaths" and np.isnan(row["apc"])


# --- bad inputs ----------------------------------------------------------------------------------

def test_wrong_total_bad_cell_and_wrong_aki_are_findings(tmp_path):
    body = [list(r) for r in BODY]
    body[1][4] = "tiga"            # Nibung, KEMATIAN IBU HAMIL / < 20 TAHUN (column E): text in a count cell
    body[0][5] = 2                 # Muara Rupit hamil 20-34 (column F): 2, but the row's JUMLAH says 1
    total = ["", "JUMLAH KAB.", "", 800] + [0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 3]
    total[-1] = 4                  # the total row says 4 maternal deaths; the rows say 3
    rate = ["", "ANGKA KEMATIAN IBU (DILAPORKAN)", ""] + [None] * 16 + [380.0]   # 3 / 800 x 100,000 = 375
    path = _workbook(tmp_path / "maternal.xlsx", body, total=total, rate=rate)
    result = clean([path])
    f = findings(result)
    text = f[(f["check"] == "text_in_count")].iloc[0]
    assert (text["sheet"], text["row"], text["column"]) == ("T30", 10, "E") and text["file"].endswith("maternal.xlsx")
    assert "tiga" not in f.to_csv()
    nibung = result.ledger[(result.ledger["table"] == "maternal") & (result.ledger["row"] == 10)].iloc[0]
    assert nibung["state"] == "set_aside" and nibung["counts_missing"]   # its counts are not used
    # with a row set aside, the total row and the reported AKI are not compared (they count that row): one note
    assert set(f["check"]) & {"total_row", "reported_rate"} == set()
    note = f[f["check"] == "totals_not_checked"]
    assert len(note) == 1 and "set aside: 1 (row numbers 10;" in note.iloc[0]["message"]
    # the same workbook with Nibung's cell a number: the wrong total and the wrong AKI are findings
    body[1][4] = BODY[1][4]
    f = findings(clean([_workbook(tmp_path / "maternal_fixed.xlsx", body, total=total, rate=rate)]))
    assert "totals_not_checked" not in set(f["check"])
    total_row = f[(f["check"] == "total_row") & (f["column"] == "T")].iloc[0]
    assert "the Puskesmas rows add up to 3, the total row says 4" in total_row["message"]
    parts = f[(f["check"] == "maternal_sum") & (f["row"] == 9)]
    assert "pregnancy: the age groups add up to 2, the table reports 1" in " ".join(parts["message"])
    rate_f = f[f["check"] == "reported_rate"].iloc[0]
    assert rate_f["row"] == 12 and "reported AKI is 380" in rate_f["message"] and "375.00" in rate_f["message"]


def test_causes_against_deaths_and_an_unknown_cause_header(tmp_path):
    causes = [[1, "Rupit", "Muara Rupit", 1, 0, 0, 0, 0, 0, 0, 0, 1, 2],
              [2, "Nibung", "Nibung", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]   # Nibung's death has no cause
    path = _workbook(tmp_path / "m.xlsx", BODY, cause_body=causes, cause_total=["", "JUMLAH KAB.", "", 1] + [0] * 7 + [1, 2])
    f = findings(clean([path]))
    mismatch = f[f["check"] == "maternal_causes_vs_deaths"]
    assert mismatch["area"].tolist() == ["Nibung"]
    assert "add up to 0, the table by period and age says 1" in mismatch.iloc[0]["message"]


def test_personal_data_in_a_maternal_cell_is_not_echoed(tmp_path):
    body = [list(r) for r in BODY]
    body[0][4] = "Siti Aminah 1605012345670001"   # a name and a NIK typed into a count cell
    raw = tmp_path / "raw"
    raw.mkdir()
    _workbook(raw / "m.xlsx", body, total=["", "JUMLAH KAB.", ""] + [sum(r[j] for r in BODY) for j in range(3, 20)])
    run = run_clean([raw], tmp_path / "processed")
    assert (run.findings["check"] == "text_in_count").any()
    for path in (tmp_path / "processed").rglob("*"):
        data = pd.read_parquet(path).to_csv() if path.suffix == ".parquet" else path.read_text("utf-8", "replace")
        assert "Siti" not in data and "1605012345670001" not in data, path.name


# --- line lists ----------------------------------------------------------------------------------

#: A line list of 2023: two maternal deaths (rows 2 and 4) and an infant death (row 3), with fake personal data.
LINE_LIST = [["NAMA", "NIK", "PUSKESMAS", "JENIS KEMATIAN", "TANGGAL LAHIR", "TANGGAL KEMATIAN", "UMUR IBU",
              "PERIODE KEMATIAN", "PENYEBAB KEMATIAN"],
             ["Siti Aminah", "1605012345670001", "Muara Rupit", "Ibu", "", "2023-03-02", "36", "nifas", "perdarahan"],
             ["Budi", "1605012345670002", "Nibung", "Bayi", "2023-03-01", "2023-03-03", "", "", "asfiksia"],
             ["Rina", "1605012345670003", "Nibung", "maternal", "", "2023-05-02", "19 tahun", "", "eklampsia"]]


def test_maternal_deaths_from_a_line_list(tmp_path):
    write_csv(tmp_path / "amp_sr.csv", LINE_LIST)
    result = clean([tmp_path], district="Musi Rawas Utara")
    assert len(result.ledger) == 3 and (result.ledger["state"] != "set_aside").all()
    m = result.tables["maternal_deaths"].set_index("puskesmas")
    assert m.loc["Muara Rupit", ["period", "age_group", "deaths", "month"]].tolist() == ["postpartum", "age_35_plus", 1, 3]
    assert m.loc["Nibung", ["period", "age_group", "deaths"]].tolist() == ["unspecified", "age_under_20", 1]
    assert result.tables["deaths"]["deaths"].sum() == 1   # the infant death only
    c = result.tables["maternal_causes"].set_index("puskesmas")["cause"].to_dict()
    assert c == {"Muara Rupit": "haemorrhage", "Nibung": "hypertension"}
    assert "Siti" not in result.ledger.to_csv() and "Siti" not in result.cells.to_csv()


# --- precedence: maternal deaths decided apart from the infant tables ----------------------------

def _annex_with_line_list(tmp_path, maternal_table: bool):
    """2023: an annex workbook with births and infant deaths (and, with ``maternal_table``, the maternal table)
    for Muara Rupit and Nibung; a line list with one infant and two maternal deaths the same year."""
    from helpers import births_table, deaths_table

    body_b = [[1, "Rupit", "Muara Rupit", 250, 2, 252, 250, 1, 251, 500, 3, 503],
              [2, "Nibung", "Nibung", 150, 1, 151, 150, 0, 150, 300, 1, 301]]
    body_d = [[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1],
              [2, "Nibung", "Nibung", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]]
    sheets = {"T26": births_table(body_b), "T27": deaths_table(body_d)}
    if maternal_table:
        sheets["T30"] = stack([AnnexTable("TABEL 30", TITLES["maternal"], maternal_header(), BODY,
                                          "KABUPATEN MUSI RAWAS UTARA", 2023)])
    write_xlsx(tmp_path / "profil_2023.xlsx", sheets, merge=True)
    write_csv(tmp_path / "amp_sr.csv", LINE_LIST)
    return clean([tmp_path], district="Musi Rawas Utara")


def test_line_list_maternal_deaths_count_when_the_annex_has_no_maternal_table(tmp_path):
    result = _annex_with_line_list(tmp_path, maternal_table=False)
    lines = result.ledger[result.ledger["format"] == "linelist"].sort_values("row")
    siti, infant, rina = lines.to_dict("records")      # rows 2, 3, 4
    assert infant["state"] == "set_aside" and infant["reason"].startswith(
        "the annex tables give the counts for Musi Rawas Utara 2023")
    assert siti["state"] != "set_aside" and rina["state"] != "set_aside"
    m = result.tables["maternal_deaths"]
    assert m["deaths"].sum() == 2 and set(m["source_file"].map(lambda f: f.rsplit("/", 1)[-1])) == {"amp_sr.csv"}
    # the annex's infant deaths (Muara Rupit 2 + 1 neonatal, 1 post-neonatal; Nibung 1), not the line list's
    assert result.tables["deaths"]["deaths"].sum() == 5
    # AKI from the line list's 2 deaths over the annex's 800 live births: 250 per 100,000
    from imr_analysis.analysis.indicators import compute_indicators
    aki = compute_indicators(result.tables, level="district", year=2023).query("indicator == 'mmr'").iloc[0]
    assert (aki["numerator"], aki["denominator"], aki["value"]) == (2, 800, pytest.approx(250.0))


def test_annex_maternal_table_counts_before_the_line_list(tmp_path):
    result = _annex_with_line_list(tmp_path, maternal_table=True)
    lines = result.ledger[result.ledger["format"] == "linelist"].sort_values("row")
    siti, infant, rina = lines.to_dict("records")      # rows 2, 3, 4
    assert (lines["state"] == "set_aside").all()
    assert infant["reason"].startswith("the annex tables give the counts for Musi Rawas Utara 2023")
    for row in (siti, rina):
        assert row["reason"] == ("the annex tables give the maternal deaths for Musi Rawas Utara 2023; "
                                 "this row is compared with them, not counted twice")
    assert result.tables["maternal_deaths"]["deaths"].sum() == 3       # BODY: 2 at Muara Rupit, 1 at Nibung
    assert not result.tables["maternal_deaths"]["source_file"].str.endswith("amp_sr.csv").any()


def test_no_maternal_data_is_not_aki_zero(tmp_path):
    """Infant annex tables for 2023 without a maternal table or maternal death: AKI has no value and says so,
    at every level; the trend table has no AKI series to fit."""
    from helpers import births_table, deaths_table
    from imr_analysis.analysis.indicators import NO_MATERNAL, compute_indicators

    body_b = [[1, "Rupit", "Muara Rupit", 250, 2, 252, 250, 1, 251, 500, 3, 503]]
    body_d = [[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1]]
    write_xlsx(tmp_path / "profil_2023.xlsx", {"T26": births_table(body_b), "T27": deaths_table(body_d)}, merge=True)
    result = clean([tmp_path / "profil_2023.xlsx"])
    for level in ("district", "puskesmas"):
        aki = compute_indicators(result.tables, level=level).query("indicator == 'mmr'")
        assert len(aki) == 1 and aki["value"].isna().all() and aki["numerator"].isna().all()
        assert (aki["flag"] == NO_MATERNAL).all() and aki["denominator"].tolist() == [500]
    assert "mmr" not in set(trend_table(result.tables)["indicator"])


# --- the reports' maternal tables: counts first, AKI pooled beside its targets -------------------

def test_report_maternal_counts_by_period_cause_and_puskesmas(sample_run):
    from imr_analysis.report.tables import maternal_deaths_by

    data = load_processed(sample_run.out)
    by_year = maternal_deaths_by(data, range(2019, 2025), "period")
    assert by_year[[2019, 2020, 2021, 2022, 2023, 2024]].sum().to_dict() == SAMPLE_DEATHS
    causes = maternal_deaths_by(data, [2019], "cause").set_index("cause")["total"]
    assert causes[causes > 0].to_dict() == {"haemorrhage": 1, "hypertension": 1, "other": 1}   # METABOLIK: 'other'
    assert set(causes.index) == {"haemorrhage", "hypertension", "infection", "cardiovascular", "other"}
    pkm = maternal_deaths_by(data, [2023], "puskesmas").set_index("puskesmas")["total"]
    assert pkm[pkm > 0].to_dict() == {"Karang Jaya": 1, "Muara Kulam": 1}


def test_report_pooled_aki_beside_both_targets(sample_run):
    """3 years to 2023: (5 + 3 + 2) / (3,905 + 3,831 + 3,795) x 100,000 = 86.72 (Byar: 10 deaths);
    5 years: (3 + 4 + 5 + 3 + 2) / 19,273 x 100,000 = 88.21."""
    from imr_analysis.report.tables import indicators_by_level, only, pooled_aki

    data = only(load_processed(sample_run.out), "Musi Rawas Utara")
    p = pooled_aki(indicators_by_level(data), 2023).set_index("years")
    assert p.loc[3, ["start_year", "deaths", "live_births"]].tolist() == [2021, 10, 11531]
    assert p.loc[3, "value"] == pytest.approx(10 / 11531 * 1e5) and p.loc[3, "method"] == "byar"
    assert p.loc[5, ["start_year", "deaths", "live_births"]].tolist() == [2019, 17, 19273]
    assert p.loc[5, "value"] == pytest.approx(88.21, abs=0.005)
    assert p.loc[5, "lower_95"] < p.loc[5, "value"] < p.loc[5, "upper_95"]
    assert (p["target_2024"] == 183).all() and (p["target_2030"] == 70).all()
    assert p["target_2030_source"].str.startswith("SDG 3.1").all()


def test_report_year_without_maternal_data_says_so_never_zero(sample_run, tmp_path):
    """The sample's 2025 (monthly reports, January-June) has no maternal table: the annual report's count tables
    show 'no data' in its column (the other years' counts beside it), the pooled table and the key sentence say
    there are no data; the trend report's sentence names 2025 and says AKI's trend is not fitted. Its last year with
    data, 2024: (3 + 2 + 2) / 11,344 x 100,000 = 61.7 over 2022-2024 (7 deaths: exact Poisson)."""
    from imr_analysis.report.annual import AnnualReport
    from imr_analysis.report.language import labels
    from imr_analysis.report.trends import TrendReport

    rep = AnnualReport.open(2025, lang="en", processed_dir=sample_run.out, output_dir=tmp_path / "a")
    causes = rep.maternal_by("cause").frame
    year = [c for c in causes.columns if c.startswith("2025")][0]
    assert set(causes[year]) == {"no data"}
    assert causes.iloc[-1][["2021", "2022", "2023", "2024", "Total"]].tolist() == ["5", "3", "2", "2", "12"]
    no_data = "No maternal-death data for 2025 (year to date (January–June)) (which does not mean no deaths)."
    assert rep.maternal_pooled().data == no_data and rep.maternal_text().data == no_data
    assert (rep.tables["maternal_by_cause"]["year"] != 2025).all()      # the saved counts hold no 0 for 2025

    trend = TrendReport.open(lang="id", processed_dir=sample_run.out, output_dir=tmp_path / "t")
    trend.build()
    text = trend.maternal_text().data
    assert text.startswith("2 kematian ibu pada 2024; AKI 3 tahun 2022–2024: 61,7 per 100.000 KH (IK 95% 24,8–127,1)")
    assert "Tidak ada data kematian ibu untuk 2025 (Januari s.d. Juni)" in text
    assert text.endswith("AKI: " + labels().loc["too_few_deaths", "id"] + ".")

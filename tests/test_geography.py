"""The geography rule and the places where missing keys or set-aside rows used to change numbers.

A district the registry does not know has no province and may have no kecamatan; its deaths
must still be counted at every level (they were all dropped by a group-by once). A row set
aside in cleaning must leave its Puskesmas out of the numerator and the denominator alike.
"""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandera.errors import SchemaError

from helpers import births_table, deaths_table, write_xlsx
from helpers import run_cli as cli
from imr_analysis.analysis.indicators import INCOMPLETE, SET_ASIDE, compute_indicators
from imr_analysis.clean import load_processed, run_clean
from imr_analysis.schemas import SCHEMAS, UNKNOWN
from imr_analysis.analysis.trends import fit_trend, trend_table

PACKAGE = Path(__file__).resolve().parents[1] / "imr_analysis"
DISTRICT = "KABUPATEN TANAH BARU"  # not in the registry, not a real district


def _births(no, kec, pkm, male, female):
    return [no, kec, pkm, male, 0, male, female, 0, female, male + female, 0, male + female]


def _deaths(no, kec, pkm, neo_m, post_m, neo_f, post_f):
    return [no, kec, pkm, neo_m, post_m, neo_m + post_m, 0, neo_m + post_m,
            neo_f, post_f, neo_f + post_f, 0, neo_f + post_f]


@pytest.fixture(scope="module")
def new_district(tmp_path_factory):
    """Three Puskesmas of a new district; Bukit's births row has a negative count (set aside)."""
    tmp = tmp_path_factory.mktemp("geo")
    # a blank kecamatan under a filled one is a merged cell (same kecamatan): Cempaka comes first
    births = births_table([_births(1, None, "UPTD Puskesmas Cempaka", 250, 250),
                           _births(2, "Tanah", "PKM Alam", 100, 100),
                           [3, "Tanah", "Bukit", -5, 0, -5, 150, 0, 150, 145, 0, 145]], district=DISTRICT)
    deaths = deaths_table([_deaths(1, None, "UPTD Puskesmas Cempaka", 2, 1, 1, 1),
                           _deaths(2, "Tanah", "PKM Alam", 2, 1, 1, 0),
                           _deaths(3, "Tanah", "Bukit", 2, 0, 1, 0)], district=DISTRICT)
    raw = write_xlsx(tmp / "profil_tanah_baru_2023.xlsx", {"Tabel 26": births, "Tabel 27": deaths})
    run = run_clean([raw], tmp / "processed")
    return run, tmp


def test_unknown_district_gets_explicit_unknown_province_and_kecamatan(new_district):
    run, _ = new_district
    births = run.result.tables["births"]
    assert set(births["province"]) == {UNKNOWN}
    assert births.set_index("puskesmas")["kecamatan"].to_dict() == {"Alam": "Tanah", "Cempaka": UNKNOWN}
    for df in run.result.tables.values():
        assert not df[["province", "district", "kecamatan", "puskesmas"]].isna().any().any()


def test_a_real_district_the_registry_does_not_know_gets_its_province(tmp_path):
    raw = write_xlsx(tmp_path / "kr.xlsx", {"T": births_table([_births(1, "Sungai Raya", "Sungai Durian", 10, 12)],
                                                              district="KABUPATEN KUBU RAYA")})
    run = run_clean([raw], tmp_path / "p")
    assert set(run.result.tables["births"]["province"]) == {"Kalimantan Barat"}
    proposed = pd.read_csv(next((tmp_path / "p").glob("registry_proposed_*.csv")))
    assert list(proposed["province"]) == ["Kalimantan Barat"]


def test_schemas_refuse_a_missing_or_empty_geography_key(new_district):
    run, _ = new_district
    births = run.result.tables["births"].copy()
    for bad in (None, ""):
        broken = births.assign(province=bad)
        with pytest.raises(SchemaError):
            SCHEMAS["births"].validate(broken)


def test_indicators_stop_on_a_missing_key_instead_of_dropping_rows(new_district):
    run, _ = new_district
    tables = dict(run.result.tables)
    tables["deaths"] = tables["deaths"].assign(province=None)
    with pytest.raises(ValueError, match="no province"):
        compute_indicators(tables)


def test_a_set_aside_row_leaves_numerator_and_denominator_alike(new_district):
    run, _ = new_district
    tables = run.result.tables
    assert list(tables["incomplete"]["puskesmas"]) == ["Bukit"]
    district = compute_indicators(tables, level="district").set_index("indicator")
    # by hand: Alam 4 deaths / 200 births, Cempaka 5 / 500; Bukit (births row set aside) left out of both
    assert district.loc["imr", "numerator"] == 9 and district.loc["imr", "denominator"] == 700
    assert district.loc["imr", "value"] == pytest.approx(9 / 700 * 1000)
    assert district.loc["nmr", "value"] == pytest.approx(6 / 700 * 1000)
    assert district.loc["imr", "flag"] == INCOMPLETE.format(n=1)
    pkm = compute_indicators(tables, level="puskesmas")
    imr = pkm[pkm["indicator"] == "imr"].set_index("area")
    assert imr.loc["Alam", "value"] == pytest.approx(4 / 200 * 1000) and imr.loc["Alam", "flag"] == ""
    assert np.isnan(imr.loc["Bukit", "value"]) and imr.loc["Bukit", "flag"] == SET_ASIDE
    kec = compute_indicators(tables, level="kecamatan")
    kec_imr = kec[kec["indicator"] == "imr"].set_index("area")
    assert kec_imr.loc["Tanah", "value"] == pytest.approx(4 / 200 * 1000)
    assert kec_imr.loc["Tanah", "flag"] == INCOMPLETE.format(n=1)
    assert kec_imr.loc[UNKNOWN, "value"] == pytest.approx(5 / 500 * 1000) and kec_imr.loc[UNKNOWN, "flag"] == ""


def test_the_cli_prints_the_rate_of_a_new_district(new_district):
    _, tmp = new_district
    r = cli("indicators", "--processed", tmp / "processed", "--indicator", "imr", "--table", "data", "--out", tmp / "imr.csv")
    assert r.returncode == 0, r.stderr
    out = pd.read_csv(tmp / "imr.csv")
    assert out.loc[0, "value"] == pytest.approx(9 / 700 * 1000)


def test_every_groupby_in_the_package_keeps_missing_keys():
    """The class of fault, not the instance: a group-by that skips missing keys drops rows silently."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "groupby":
                if not any(k.arg == "dropna" for k in node.keywords):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == [], "groupby without dropna=False: " + ", ".join(offenders)


def test_processed_folder_with_categorical_columns_is_read(tmp_path):
    """'synth --format canonical' writes categoricals; indicators and trends read them."""
    r = cli("synth", "--districts", "2", "--puskesmas", "6", "--years", "2019-2023", "--out", tmp_path / "s")
    assert r.returncode == 0, r.stderr
    r = cli("indicators", "--processed", tmp_path / "s", "--indicator", "imr", "--table", "data", "--out", tmp_path / "i.csv")
    assert r.returncode == 0, r.stderr
    tables = load_processed(tmp_path / "s")
    births = tables["births"].groupby(["district", "year"])["live_births"].sum()
    deaths = tables["deaths"][tables["deaths"]["age_group"].isin(["neonatal", "postneonatal"])] \
        .groupby(["district", "year"])["deaths"].sum()
    got = pd.read_csv(tmp_path / "i.csv").set_index(["district", "year"])["value"]
    assert np.allclose(got.sort_index().to_numpy(), (deaths / births * 1000).sort_index().to_numpy())
    r = cli("trends", "--processed", tmp_path / "s", "--out", tmp_path / "t.csv")
    assert r.returncode == 0, r.stderr


def test_unknown_indicator_names_exit_2_with_the_valid_names(new_district):
    _, tmp = new_district
    r = cli("indicators", "--processed", tmp / "processed", "--indicator", "imr,foo")
    assert r.returncode == 2 and "foo" in r.stderr and "kn_lengkap_coverage" in r.stderr
    assert "Traceback" not in r.stderr


def test_years_come_from_every_table(tmp_path):
    from helpers import causes_table
    body = [[1, "Tanah", "Alam"] + [1] * 17]
    raw = write_xlsx(tmp_path / "c.xlsx", {"T": causes_table(body, district=DISTRICT)})
    assert cli("clean", raw, "--out", tmp_path / "p").returncode == 0
    r = cli("indicators", "--processed", tmp_path / "p", "--year", "2023", "--indicator", "cause_share")
    assert r.returncode == 0, r.stderr
    r = cli("indicators", "--processed", tmp_path / "p", "--year", "2010")
    assert r.returncode == 2 and "tahun: 2023" in r.stderr


def test_strict_exit_code_agrees_with_the_summary(new_district, tmp_path):
    _, tmp = new_district
    r = cli("clean", tmp / "profil_tanah_baru_2023.xlsx", "--out", tmp_path / "p", "--strict")
    assert r.returncode == 3 and "1 disisihkan" in r.stdout
    ok = write_xlsx(tmp_path / "ok.xlsx", {"T": births_table([_births(1, "Tanah", "Alam", 10, 10)],
                                                             total=[None, "JUMLAH KAB.", None, 10, 0, 10, 10, 0, 10,
                                                                    20, 0, 20], district=DISTRICT)})
    r = cli("clean", ok, "--out", tmp_path / "q", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 disisihkan + 1 nilai dilaporkan" in r.stdout


@pytest.mark.parametrize("deaths, why", [([0, 0, 0, 0, 0], "no_deaths"), ([0, 0, 0, 0, 4], "separated"),
                                         ([3, 0, 0, 0, 0], "separated")])
def test_a_series_that_cannot_be_fitted_has_no_apc(deaths, why):
    fit = fit_trend([2019, 2020, 2021, 2022, 2023], deaths, [500] * 5)
    assert fit.model == "not fitted" and fit.note == why and fit.result is None


def test_a_series_with_deaths_at_both_ends_is_fitted():
    fit = fit_trend([2019, 2020, 2021, 2022, 2023], [1, 0, 0, 0, 4], [500] * 5)
    assert fit.model in ("poisson", "negative_binomial", "quasi_poisson") and np.isfinite(fit.apc)


def test_trend_table_explains_an_apc_beside_no_significant_marker():
    years = list(range(2014, 2024))
    rows = []
    for y, d in zip(years, [60, 58, 55, 52, 50, 47, 45, 43, 42, 40]):
        rows.append({"province": UNKNOWN, "district": "X", "kecamatan": UNKNOWN, "puskesmas": "A", "year": y, "sex": "unspecified"})
    geo = pd.DataFrame(rows)
    births = geo.assign(live_births=3000, stillbirths=0)
    deaths = pd.concat([geo.assign(age_group="neonatal", deaths=[60, 58, 55, 52, 50, 47, 45, 43, 42, 40]),
                        geo.assign(age_group="postneonatal", deaths=0)])
    empty = {n: pd.DataFrame(columns=list(SCHEMAS[n].columns)) for n in ("deaths_by_cause", "neonatal_visits")}
    tables = {"births": births, "deaths": deaths, **empty}
    tt = trend_table(tables).set_index("indicator")
    row = tt.loc["imr"]
    assert row["p_value"] < 0.05
    if row["trend_marker"] == "no significant change":
        assert row["note"] == "apc_vs_marker"
    else:
        assert row["note"] == ""


def test_run_a_line_list_without_district_from_another_folder(tmp_path):
    """run --district names the district of files that give none; outputs go under the current folder."""
    from helpers import linelist_rows
    deaths = [["L", "2023-01-02", "2023-01-05", None, "asfiksia", "Alam"],
              ["P", "2023-02-01", "2023-04-20", None, "pneumonia", "Alam"],
              ["P", "2023-03-01", "2023-03-02", None, "BBLR", "Bukit"]]
    raw = write_xlsx(tmp_path / "amp.xlsx", {"AMP": linelist_rows(deaths, title="DAFTAR KEMATIAN BAYI TAHUN 2023")})
    work = tmp_path / "work"
    work.mkdir()
    r = cli("run", "--raw", raw, "--district", "Tanah Baru", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (work / "data" / "processed" / "deaths.parquet").exists()
    assert (work / "reports" / "index.html").exists() and (work / "reports" / "2023" / "annual_report.html").exists()
    deaths_table_ = pd.read_parquet(work / "data" / "processed" / "deaths.parquet")
    assert set(deaths_table_["district"]) == {"Tanah Baru"} and deaths_table_["deaths"].sum() == 3
    r = cli("run", cwd=work / "reports")
    assert r.returncode == 2 and "--raw" in r.stderr


def test_processed_folder_that_does_not_exist_and_wrong_out_suffix(tmp_path, new_district):
    r = cli("indicators", "--processed", tmp_path / "nope")
    assert r.returncode == 2 and "folder olahan itu tidak ada" in r.stderr
    _, tmp = new_district
    r = cli("indicators", "--processed", tmp / "processed", "--out", tmp_path / "x.txt")
    assert r.returncode == 2 and ".csv atau .xlsx" in r.stderr and not (tmp_path / "x.txt").exists()

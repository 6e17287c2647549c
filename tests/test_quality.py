"""Each data-quality check fires on a constructed case, and is quiet on consistent data."""
import pytest

from helpers import births_table, causes_table, deaths_table, kn_table, write_xlsx
from imr_analysis.clean import clean
from imr_analysis.clean.checks import FINDING_COLUMNS, findings


def _findings(tmp_path, sheets):
    result = clean([write_xlsx(tmp_path / "f.xlsx", sheets)])
    return findings(result)


def _births(lb=300, still=2):
    return births_table([[1, "Rupit", "Muara Rupit", lb, still, lb + still, lb, still, lb + still, 2 * lb, 2 * still, 2 * lb + 2 * still]])


def test_musi_rawas_utara_2023_spm_inconsistency_is_caught(sample_run):
    f = sample_run.findings
    hit = f[(f["check"] == "coverage_pct") & (f["year"] == 2023)]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert "3,799 / 3,959 = 95.96%" in row["message"] and "96.23" in row["message"]
    assert row["sheet"] == "Tabel 37" and row["column"] == "R" and row["row"] == 18
    assert list(f.columns) == FINDING_COLUMNS


def test_sample_has_no_other_warnings(sample_run):
    f = sample_run.findings
    assert set(f.loc[f["severity"].isin(["error", "warning"]), "check"]) == {"coverage_pct", "lbw_cause_vs_weight",
                                                                              "monthly_completeness"}
    # 2025 (January-June): each of the 8 Puskesmas has 6 of 12 months; Nibung's May is missing on purpose
    months = f[(f["check"] == "monthly_completeness") & (f["severity"] == "warning")]
    assert len(months) == 8 and set(months["year"]) == {2025}
    assert months.set_index("area").loc["Nibung", "message"].startswith("5 of 12 monthly reports received (42%); missing: May")
    lbw = f[f["check"] == "lbw_cause_vs_weight"]   # the deliberate one of the AMP-SR line list (make_sample_ampsr.py)
    assert len(lbw) == 1 and lbw["file"].iloc[0].endswith("ampsr_kematian_bayi_2024.xlsx") and lbw["row"].iloc[0] == 3


def test_deaths_above_births(tmp_path):
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", 5, 1, 6, 0, 6, 0, 0, 0, 0, 0]])
    f = _findings(tmp_path, {"B": _births(lb=2, still=0), "D": deaths})
    hit = f[f["check"] == "deaths_exceed_births"]
    assert len(hit) == 1 and hit.iloc[0]["severity"] == "error"
    assert "6 infant deaths but 4 live births" in hit.iloc[0]["message"]
    f = _findings(tmp_path, {"B": _births(lb=3, still=0), "D": deaths})  # 6 deaths, 6 births: not above
    assert f[f["check"] == "deaths_exceed_births"].empty


def test_neonatal_plus_postneonatal_differs_from_bayi(tmp_path):
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", 2, 1, 4, 0, 4, 1, 0, 1, 0, 1]])
    f = _findings(tmp_path, {"D": deaths})
    hit = f[f["check"] == "infant_sum"]
    assert len(hit) == 1 and "neonatal + post-neonatal = 3 but the table reports 4 (male)" in hit.iloc[0]["message"]


def test_causes_differ_from_deaths(tmp_path):
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1]])
    causes = causes_table([[1, "Rupit", "Muara Rupit", 1, 1, 0, 0, 0, 0, 0, 0] + [0, 1, 0, 0, 0, 0, 0, 0, 0]])
    f = _findings(tmp_path, {"D": deaths, "C": causes})
    hit = f[f["check"] == "causes_vs_deaths"]
    assert len(hit) == 1
    assert "neonatal deaths by cause add up to 2, the deaths table says 3" in hit.iloc[0]["message"]


def test_rows_differ_from_total_row_and_rate_row(tmp_path):
    body = [[1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593]]
    rows = births_table(body, total=[None, "JUMLAH KAB.", None, 300, 2, 302, 290, 1, 291, "1.590", 3, 593],
                        rate=["ANGKA LAHIR MATI PER 1.000 KELAHIRAN (DILAPORKAN)", None, None, None, "6,62", None,
                              None, "3,44", None, None, "5,06"])
    f = _findings(tmp_path, {"B": rows})
    total = f[f["check"] == "total_row"]
    assert len(total) == 1 and total.iloc[0]["column"] == "J" and "1,590" in total.iloc[0]["message"]
    rate = f[f["check"] == "reported_rate"]
    # male 2/302*1000 = 6.62 (right); female 1/291*1000 = 3.44 (right); L+P 3/593*1000 = 5.06 (right)
    assert rate.empty
    rows[-3][-1] = "5,90"
    f = _findings(tmp_path, {"B": rows})
    rate = f[f["check"] == "reported_rate"]
    assert len(rate) == 1 and rate.iloc[0]["column"] == "K" and "5.06" in rate.iloc[0]["message"]


def test_reported_death_rate_checked_against_live_births(tmp_path):
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1]],
                          rate=["ANGKA KEMATIAN (DILAPORKAN)", None, None, "6,67", "3,33", "10", "0", "10",
                                "3,33", "0", "3,33", "0", "3,33"])
    f = _findings(tmp_path, {"B": _births(lb=300, still=2), "D": deaths})
    rate = f[f["check"] == "reported_rate"]
    # only AKB male is wrong: 3/300*1000 = 10.00 is right ... so make one wrong and check
    assert rate.empty
    deaths[-4][5] = "12"
    f = _findings(tmp_path, {"B": _births(lb=300, still=2), "D": deaths})
    rate = f[f["check"] == "reported_rate"]
    assert len(rate) == 1 and rate.iloc[0]["column"] == "F" and "recomputed from the counts it is 10.00" in rate.iloc[0]["message"]


def test_coverage_above_100_is_info(tmp_path):
    body = [[1, "Rupit", "Muara Rupit", 100, 100, 200, 104, 104, 100, 100, 204, 102, 90, 90, 90, 90, 180, 90]]
    f = _findings(tmp_path, {"K": kn_table(body, denominator="SASARAN BAYI BARU LAHIR")})
    hit = f[f["check"] == "coverage_above_100"]
    assert len(hit) == 1 and hit.iloc[0]["severity"] == "info" and "sasaran" in hit.iloc[0]["message"]
    assert f[f["check"] == "coverage_pct"].empty


@pytest.mark.parametrize("cell, check", [(-2, "negative_count"), (2.5, "non_integer_count"), ("tad", "text_in_count")])
def test_bad_counts_are_errors_with_location(tmp_path, cell, check):
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", cell, 1, 3, 0, 3, 1, 0, 1, 0, 1]])
    f = _findings(tmp_path, {"D": deaths})
    hit = f[f["check"] == check]
    assert len(hit) == 1
    assert hit.iloc[0]["severity"] == "error" and hit.iloc[0]["column"] == "D" and hit.iloc[0]["row"] == 11


def test_missing_tables_are_reported(tmp_path):
    f = _findings(tmp_path, {"B": _births()})
    missing = f[f["check"] == "missing_table"]
    assert len(missing) == 3
    assert missing["severity"].tolist().count("warning") == 1  # no deaths table: no AKB

"""Monthly Puskesmas reports and AMP-SR line lists through one clean command."""
import datetime as dt

import pandas as pd
import pytest

from helpers import births_table, deaths_table, linelist_rows, monthly_row, monthly_rows, write_csv, write_xlsx
from imr_analysis.clean import clean
from imr_analysis.clean.linelist import map_cause
from imr_analysis.analysis.indicators import compute_indicators
from imr_analysis.clean.checks import findings
from imr_analysis.vocab.findings import render_stored
from imr_analysis.read.dates import parse_age_days, parse_date, parse_month

D = dt.date


@pytest.mark.parametrize("value, month", [("Januari", 1), ("JAN", 1), ("january", 1), ("Agustus", 8), ("Agt", 8),
                                           ("Mei", 5), ("Desember", 12), (3, 3), ("03", 3), (12.0, 12), ("13", None),
                                           ("Juni-Juli", None), (None, None)])
def test_month_names_and_numbers(value, month):
    assert parse_month(value) == month


@pytest.mark.parametrize("value, date", [("2023-05-01", D(2023, 5, 1)), ("01/05/2023", D(2023, 5, 1)),
                                          ("1 Mei 2023", D(2023, 5, 1)), (dt.datetime(2023, 5, 1, 7, 30), D(2023, 5, 1)),
                                          (45047, D(2023, 5, 1)), ("kemarin", None), ("31/02/2023", None)])
def test_dates(value, date):
    assert parse_date(value) == date


@pytest.mark.parametrize("value, unit, days", [("5 hari", "", 5), ("3 bulan", "", 3 * 30.4375), ("1 tahun", "", 365.25),
                                                ("2 minggu", "", 14), ("12 jam", "", 0.5), (7, "HARI", 7), (2, "BULAN", 60.875),
                                                ("lama", "", None)])
def test_ages(value, unit, days):
    assert parse_age_days(value, unit) == (None if days is None else pytest.approx(days))


def test_monthly_report_canonical_tables_quarters_and_completeness(tmp_path):
    rows = [monthly_row(m) for m in ["Januari", "Februari", 3, "April", "Mei", "Juni", "Juli", "September",
                                     "Oktober", "November", "Desember"]]          # no August
    rows.append(monthly_row("Januari", pkm="PKM Nibung", lm=30, lp=28, early=0, late=1, post=1))
    path = write_xlsx(tmp_path / "lb3.xlsx", {"LB3": monthly_rows(rows)})
    result = clean([path])
    t = result.tables
    assert set(t["births"]["month"].dropna()) == {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12}
    pauh = t["births"][t["births"]["puskesmas"] == "Pauh"]
    assert pauh.loc[pauh["sex"] == "male", "live_births"].sum() == 20 * 11
    deaths = t["deaths"].groupby(["puskesmas", "age_group"])["deaths"].sum()
    assert deaths[("Pauh", "neonatal")] == 11 and deaths[("Nibung", "neonatal")] == 1 and deaths[("Nibung", "postneonatal")] == 1
    causes = t["deaths_by_cause"].groupby(["age_group", "cause"])["deaths"].sum()
    assert causes[("neonatal", "lbw_prematurity")] == 12 and causes[("postneonatal", "pneumonia")] == 1
    kn = t["neonatal_visits"]
    assert set(kn["denominator_kind"]) == {"sasaran"} and kn["denominator"].sum() == 40 * 12
    # quarters: III (Jul-Sep) has two months for Pauh, never a zero for August
    q = compute_indicators(t, level="puskesmas", period="quarter")
    q3 = q[(q["indicator"] == "imr") & (q["area"] == "Pauh") & (q["quarter"] == 3)].iloc[0]
    assert q3["denominator"] == 2 * 39 and q3["numerator"] == 2
    f = findings(result)
    comp = f[f["check"] == "monthly_completeness"].set_index("area")
    assert comp.loc["Pauh", "severity"] == "info" and "11 of 12" in comp.loc["Pauh", "message"]  # 92% >= 90%
    assert "missing: Aug" in comp.loc["Pauh", "message"]   # the English message names the months in English
    assert "belum ada: Agu" in render_stored("monthly_missing", comp.loc["Pauh", "params"], "id")
    assert comp.loc["Nibung", "severity"] == "warning" and "1 of 12" in comp.loc["Nibung", "message"]


def test_monthly_bad_month_and_duplicate_month_are_set_aside(tmp_path):
    rows = [monthly_row("Januari"), monthly_row("Januari"), monthly_row("Bulan13"), monthly_row("Maret")]
    result = clean([write_xlsx(tmp_path / "lb3.xlsx", {"LB3": monthly_rows(rows)})])
    states = list(result.ledger["state"])
    assert states == ["mapped", "set_aside", "set_aside", "mapped"]  # mapped: neonatal = 0-6 + 7-28 days
    reasons = " ".join(result.ledger["reason"])
    assert "second row for Pauh 1/2023" in reasons and "column A (month): text of 7 characters, #" in reasons
    assert "Bulan13" not in reasons
    assert result.tables["deaths"]["deaths"].sum() == 2


def test_line_list_ages_causes_and_accounting(tmp_path):
    deaths = [
        ("L", D(2023, 1, 1), D(2023, 1, 3), None, "P07.1", "Pauh"),                  # neonatal, ICD-10
        ("P", D(2023, 1, 1), D(2023, 1, 29), None, "Asfiksia berat", "Pauh"),        # day 28: neonatal (0-28)
        ("L", None, D(2023, 3, 1), "4 bulan", "pneumonia berat", "Nibung"),          # post-neonatal from age text
        ("P", D(2021, 1, 1), D(2023, 3, 1), None, "diare", "Nibung"),                # 2 years: set aside
        ("L", D(2023, 5, 2), D(2023, 5, 1), None, "sepsis", "Nibung"),               # death before birth
        ("P", D(2023, 6, 1), D(2099, 6, 2), None, "sepsis", "Nibung"),               # future
        ("L", D(2023, 7, 1), D(2023, 7, 2), None, "sakit misterius", "Nibung"),      # unknown cause -> other
        ("P", D(2023, 8, 1), D(2023, 8, 2), None, "Q24.9", "Nibung Baru"),           # unknown Puskesmas
    ]
    result = clean([write_xlsx(tmp_path / "amp.xlsx", {"AMP-SR": linelist_rows(deaths)})])
    led = result.ledger
    assert len(led) == 8 and (led["state"] == "set_aside").sum() == 4
    d = result.tables["deaths"].groupby("age_group")["deaths"].sum()
    assert d["neonatal"] == 3 and d["postneonatal"] == 1 and d.sum() == 4
    c = result.tables["deaths_by_cause"].groupby("cause")["deaths"].sum()
    assert c.to_dict() == {"asphyxia": 1, "lbw_prematurity": 1, "other": 1, "pneumonia": 1}
    reasons = " ".join(led["reason"])
    assert "not an infant death" in reasons and "before the date of birth" in reasons and "in the future" in reasons
    assert "unknown Puskesmas in column L (text of 11 characters, #" in reasons and "Nibung Baru" not in reasons
    rules = " ".join(led["rules"])
    assert "cause text not in the vocabulary (text of 15 characters, #" in rules and "misterius" not in rules
    assert "ICD-10 P07 -> lbw_prematurity" in rules and "cause term 'ASFIKSIA' found in the text -> asphyxia" in rules
    # WHO cut-off: day 28 becomes post-neonatal
    who = clean([tmp_path / "amp.xlsx"], neonatal_max_days=27)
    assert who.tables["deaths"].groupby("age_group")["deaths"].sum().to_dict() == {"neonatal": 2, "postneonatal": 2}


@pytest.mark.parametrize("text, code", [("P21.0", "asphyxia"), ("P20", "asphyxia"), ("P36.9 sepsis", "sepsis_infection"),
                                        ("J15", "pneumonia"), ("A09", "diarrhoea"), ("Q89.9", "congenital"),
                                        ("Q21", "congenital_heart"), ("P07.3", "lbw_prematurity"),
                                        ("Berat badan lahir rendah", "lbw_prematurity"), ("birth asphyxia", "asphyxia"),
                                        ("Pneumonia", "pneumonia"), ("xyz", "other"), ("", "unspecified")])
def test_cause_mapping(text, code):
    assert map_cause(text)[0] == code


def test_line_list_alone_gives_counts_and_says_births_are_missing(tmp_path):
    deaths = [("L", D(2023, 1, 1), D(2023, 1, 3), None, "BBLR", "Pauh")]
    result = clean([write_xlsx(tmp_path / "amp.xlsx", {"S": linelist_rows(deaths)})])
    ind = compute_indicators(result.tables)
    imr = ind[ind["indicator"] == "imr"].iloc[0]
    assert imr["numerator"] == 1 and pd.isna(imr["value"]) and "no live-birth data" in imr["flag"]


def test_annex_counts_and_line_list_is_reconciled(tmp_path):
    annex = deaths_table([[1, "Rawas Ilir", "Pauh", 2, 0, 2, 0, 2, 1, 0, 1, 0, 1]])
    deaths = [("L", D(2023, 1, 1), D(2023, 1, 3), None, "BBLR", "Pauh")]
    a = write_xlsx(tmp_path / "annex.xlsx", {"T27": annex})
    ll = write_xlsx(tmp_path / "amp.xlsx", {"S": linelist_rows(deaths)})
    result = clean([a, ll])
    assert result.tables["deaths"]["deaths"].sum() == 3  # the annex counts, the line list does not add to it
    ll_row = result.ledger[result.ledger["format"] == "linelist"].iloc[0]
    assert ll_row["state"] == "set_aside" and "compared" in ll_row["reason"]
    f = findings(result)
    rec = f[f["check"] == "reconciliation"]
    assert len(rec) == 1 and "the line list gives 1 infant deaths for Pauh 2023, the annex tables 3" in rec.iloc[0]["message"]


def test_format_is_recognised_and_can_be_forced(tmp_path):
    ll = write_csv(tmp_path / "amp.csv", linelist_rows([("L", "2023-01-01", "2023-01-03", None, "BBLR", "Pauh")]))
    assert list(clean([ll]).ledger["format"]) == ["linelist"]
    assert list(clean([ll], fmt="linelist").ledger["format"]) == ["linelist"]
    from imr_analysis.errors import InputError
    with pytest.raises(InputError, match="no monthly report header"):
        clean([ll], fmt="monthly")
    b = write_xlsx(tmp_path / "b.xlsx", {"S": births_table([[1, "Rupit", "Pauh", 1, 0, 1, 1, 0, 1, 2, 0, 2]])})
    with pytest.raises(InputError, match="no line-list header"):
        clean([b], fmt="linelist")

"""The data-completeness checks against probabilities and shares computed by hand."""
import math

import pandas as pd
import pytest

from imr_analysis.analysis import completeness
from report_fixture import data  # noqa: F401 (fixture)


def test_zero_death_probability_is_the_poisson_probability_of_no_event():
    # 595 live births at a district rate of 14.9 per 1,000: mu = 8.8655, P(0) = e^-8.8655 = 0.000141
    assert completeness.zero_death_probability(595, 14.9) == pytest.approx(math.exp(-8.8655))
    assert completeness.zero_death_probability(595, 14.9) == pytest.approx(0.000141, abs=1e-6)


def test_only_zero_death_puskesmas_below_the_threshold_are_flagged():
    imr = pd.DataFrame({"puskesmas": ["Big", "Small", "Some", "None"], "numerator": [0, 0, 2, 0],
                        "denominator": [300, 200, 250, 0]})
    z = completeness.zero_death_puskesmas(imr, district_rate=10.0)
    # Big: mu = 3, P = e^-3 = 0.0498 < 0.05; Small: mu = 2, P = e^-2 = 0.1353; Some has deaths; None has no births
    assert list(z["puskesmas"]) == ["Big", "Small"]
    assert list(z["expected_deaths"]) == pytest.approx([3.0, 2.0])
    assert list(z["p_zero"]) == pytest.approx([0.049787, 0.135335], abs=1e-6)
    assert list(z["flagged"]) == [True, False]
    assert list(completeness.zero_death_puskesmas(imr, 10.0, threshold=0.2)["flagged"]) == [True, True]


def test_ill_defined_share_counts_other_and_not_determined_against_ten_percent(data):
    clean = completeness.ill_defined_share(data["deaths_by_cause"], 2023)
    assert clean == {"deaths": 12, "ill_defined": 0, "share": 0.0, "threshold": 10.0, "flagged": False}
    row = data["deaths_by_cause"].iloc[0]
    extra = pd.DataFrame([{**row, "year": 2023, "age_group": "neonatal", "cause": "other", "deaths": 2},
                          {**row, "year": 2023, "age_group": "postneonatal", "cause": "unspecified", "deaths": 1},
                          {**row, "year": 2023, "age_group": "child", "cause": "other", "deaths": 5}])  # not infant
    messy = completeness.ill_defined_share(pd.concat([data["deaths_by_cause"], extra]), 2023)
    assert (messy["deaths"], messy["ill_defined"]) == (15, 3)
    assert messy["share"] == pytest.approx(20.0) and messy["flagged"]


def test_missing_tables_and_months(data):
    # 2022 of the tiny district has no neonatal-visit rows: both Puskesmas lack that table
    assert completeness.missing_tables(data, 2022).values.tolist() == [["A", "neonatal_visits"], ["B", "neonatal_visits"]]
    assert completeness.missing_tables(data, 2023).empty
    ledger = pd.DataFrame({"format": ["monthly"] * 11 + ["annex"], "year": [2023] * 12,
                           "puskesmas": ["A"] * 10 + ["B", "B"], "month": [*range(1, 11), "3", ""]})
    assert completeness.missing_months(ledger, 2023).values.tolist() == [
        ["A", [11, 12]], ["B", [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]]]

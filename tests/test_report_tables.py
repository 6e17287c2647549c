"""Report tables against values computed by hand from the tiny district (report_fixture.py)."""
import numpy as np
import pandas as pd
import pytest

from imr_analysis.report import tables
from report_fixture import computed, data  # noqa: F401 (fixtures)


def test_headline_rates_targets_and_previous_year(computed):
    h = tables.headline(computed, 2023).set_index("indicator")
    assert list(h.index) == ["imr", "nmr", "postneonatal_mr", "stillbirth_rate"]  # no child deaths: no AKABA
    # stillbirth rate 2023 = (1 + 3) / (400 + 1 + 3) x 1000 per 1,000 births (live and still)
    assert h.loc["stillbirth_rate", "value"] == pytest.approx(4 / 404 * 1000)
    # AKB 2023 = (1 + 9 + 2) / 400 x 1000 = 30.0; 2022 = (2 + 4 + 2) / 400 x 1000 = 20.0
    assert (h.loc["imr", "numerator"], h.loc["imr", "denominator"]) == (12, 400)
    assert h.loc["imr", "value"] == pytest.approx(30.0) and h.loc["imr", "previous_value"] == pytest.approx(20.0)
    assert h.loc["imr", "change"] == pytest.approx(10.0)
    assert h.loc["imr", "target"] == 16 and not h.loc["imr", "meets_target"]  # RPJMN 2024 target applies to 2023
    assert h.loc["nmr", "value"] == pytest.approx(25.0) and h.loc["nmr", "previous_value"] == pytest.approx(15.0)
    assert h.loc["postneonatal_mr", "value"] == pytest.approx(5.0) and h.loc["postneonatal_mr", "change"] == 0
    assert np.isnan(h.loc["postneonatal_mr", "target"])


def test_deaths_by_puskesmas_and_cause_groups_the_rest_as_other(data):
    d = tables.deaths_by_puskesmas_and_cause(data, 2023)
    assert list(d.columns) == ["puskesmas", "lbw_prematurity", "asphyxia", "pneumonia", "sepsis_infection", "other", "total"]
    assert d.to_dict("split")["data"] == [["B", 3, 6, 1, 0, 1, 11],   # congenital heart -> congenital -> other
                                          ["A", 0, 0, 0, 1, 0, 1],
                                          ["total", 3, 6, 1, 1, 1, 12]]


def test_causes_by_age_shares_in_report_order(data):
    c = tables.causes_by_age(data, 2023).set_index("cause")
    assert list(c.index) == ["lbw_prematurity", "asphyxia", "pneumonia", "sepsis_infection", "congenital", "diarrhoea", "other"]
    assert list(c["neonatal"]) == [3, 6, 0, 1, 0, 0, 0] and list(c["postneonatal"]) == [0, 0, 1, 0, 1, 0, 0]
    assert list(c["neonatal_share"]) == pytest.approx([30, 60, 0, 10, 0, 0, 0])   # of 10 neonatal deaths
    assert list(c["postneonatal_share"]) == pytest.approx([0, 0, 50, 0, 50, 0, 0])  # of 2


def test_imr_by_puskesmas_highest_first_beside_the_district(computed):
    d = tables.imr_by_puskesmas(computed, 2023)
    assert list(d["puskesmas"]) == ["B", "A"]
    assert list(d["value"]) == pytest.approx([1000 * 11 / 300, 10.0])
    assert list(d["method"]) == ["byar", "exact"]  # 11 deaths: Byar; 1 death: exact Poisson
    assert d.loc[1, "lower_95"] == pytest.approx(0.2532, abs=1e-3) and d.loc[1, "upper_95"] == pytest.approx(55.716, abs=1e-2)
    assert list(d["district_value"]) == pytest.approx([30.0, 30.0]) and list(d["target"]) == [16, 16]


def test_coverage_lowest_first_then_the_district(computed):
    c = tables.coverage_by_puskesmas(computed, 2023)
    assert list(c["area"]) == ["B", "A", "D"] and list(c["level"]) == ["puskesmas", "puskesmas", "district"]
    assert list(c["kn_lengkap_coverage"]) == pytest.approx([80.0, 90.0, 100 * 331 / 400])
    assert list(c["kn1_coverage"]) == pytest.approx([100.0, 100 * 105 / 110, 100 * 395 / 400])
    assert list(c["gap_to_target"]) == pytest.approx([20.0, 10.0, 17.25])
    assert list(c["denominator"]) == [290, 110, 400] and set(c["denominator_kind"]) == {"sasaran"}


def test_trend_tables_by_year(data):
    computed = tables.indicators_by_level(data, cause_grouping="report_group")
    y = tables.yearly_rates(computed, 2022, 2023)
    assert y[["indicator", "year"]].values.tolist() == [["imr", 2022], ["imr", 2023], ["nmr", 2022], ["nmr", 2023]]
    assert list(y["value"]) == pytest.approx([20.0, 30.0, 15.0, 25.0])
    c = tables.causes_by_year(computed, 2022, 2023).set_index(["cause", "year"])
    assert c.loc[("asphyxia", 2023), "deaths"] == 6 and c.loc[("asphyxia", 2023), "rate"] == pytest.approx(15.0)
    assert c.loc[("congenital", 2022), "deaths"] == 2 and c.loc[("congenital", 2023), "deaths"] == 1
    h = tables.imr_heatmap(computed, 2022, 2023)
    assert h.loc["A"].tolist() == pytest.approx([20.0, 10.0]) and h.loc["B"].tolist() == pytest.approx([20.0, 1000 * 11 / 300])
    assert tables.imr_heatmap(computed, 2023, 2023).columns.tolist() == [2023]


def test_one_year_sliced_from_all_years_equals_that_year_computed_alone(data, computed):
    from imr_analysis.analysis.indicators import compute_indicators

    alone = compute_indicators(data, level="puskesmas", year=2023)
    sliced = computed["puskesmas"][computed["puskesmas"]["year"] == 2023].reset_index(drop=True)
    pd.testing.assert_frame_equal(sliced, alone)


def test_present_labels_formats_and_translates():
    df = pd.DataFrame({"indicator": ["imr", "nmr"], "value": [8.6956, 1234.5], "meets_target": pd.array([True, pd.NA]),
                       "n": [3795, 12]})
    cols = {"indicator": ("indicator", None), "value": ("value", 1), "meets_target": ("meets_target", None),
            "n": ("live_births", 0)}
    shown = tables.present(df, "id", cols, translate=("indicator",))
    assert list(shown.columns) == ["Indikator", "Nilai", "Capai target", "Lahir hidup"]
    assert shown.values.tolist() == [["AKB", "8,7", "ya", "3.795"], ["AKN", "1.234,5", "-", "12"]]
    shown = tables.present(df, "en", cols, translate=("indicator",))
    assert shown.values.tolist() == [["IMR", "8.7", "yes", "3,795"], ["NMR", "1,234.5", "-", "12"]]


def test_report_causes_come_from_the_cause_vocabulary():
    assert tables.REPORT_CAUSES == ["lbw_prematurity", "asphyxia", "pneumonia", "sepsis_infection", "other"]
    assert tables.CAUSE_ORDER[-1] == "other" and set(tables.REPORT_CAUSES) <= set(tables.CAUSE_ORDER)

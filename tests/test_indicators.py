"""Indicators: ratio-of-sums aggregation, shapes, targets and edge cases, against hand-computed values."""
import numpy as np
import pandas as pd
import pytest

from imr_analysis.analysis.indicators import OUTPUT_COLUMNS, compute_indicators
from imr_analysis.clean.canonical import empty_table


def _tables(lb=(100, 300), deaths=((1, 0), (9, 2)), child=True):
    """Two Puskesmas in one kecamatan: A (lb 100, 1 neonatal 0 post) and B (lb 300, 9 neonatal, 2 post)."""
    geo = dict(province="P", district="D", kecamatan="K", year=2023)
    births = pd.DataFrame([dict(geo, puskesmas=p, sex="unspecified", live_births=n, stillbirths=s)
                           for p, n, s in zip("AB", lb, (1, 3))])
    rows = []
    for p, (neo, post) in zip("AB", deaths):
        rows += [dict(geo, puskesmas=p, sex="unspecified", age_group="neonatal", deaths=neo),
                 dict(geo, puskesmas=p, sex="unspecified", age_group="postneonatal", deaths=post)]
        if child:
            rows.append(dict(geo, puskesmas=p, sex="unspecified", age_group="child", deaths=1))
    causes = pd.DataFrame([dict(geo, puskesmas="B", sex="unspecified", age_group="neonatal", cause="asphyxia", deaths=6),
                           dict(geo, puskesmas="B", sex="unspecified", age_group="neonatal", cause="lbw_prematurity", deaths=3),
                           dict(geo, puskesmas="B", sex="unspecified", age_group="postneonatal", cause="pneumonia", deaths=2),
                           dict(geo, puskesmas="A", sex="unspecified", age_group="neonatal", cause="sepsis_infection", deaths=1)])
    visits = pd.DataFrame([dict(geo, puskesmas=p, sex="unspecified", visit=v, visits=n, denominator=d,
                                denominator_kind="sasaran", reported_pct=np.nan)
                           for p, d in zip("AB", (110, 290)) for v, n in (("kn1", d - 5), ("kn_lengkap", d - 10))])
    return {"births": births, "deaths": pd.DataFrame(rows), "deaths_by_cause": causes, "neonatal_visits": visits}


def _get(df, indicator, **kw):
    sel = df[df["indicator"] == indicator]
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_district_imr_is_a_ratio_of_sums_not_a_mean_of_rates():
    out = compute_indicators(_tables(), level="district")
    imr = _get(out, "imr")
    # (1 + 0 + 9 + 2) / (100 + 300) x 1000 = 30.0 ; the mean of rates would be (10 + 36.67)/2 = 23.3
    assert imr["numerator"] == 12 and imr["denominator"] == 400
    assert imr["value"] == pytest.approx(30.0)
    assert imr["method"] == "byar" and imr["level"] == "district" and imr["area"] == "D"
    assert list(out.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert {"target", "meets_target"} <= set(out.columns)


def test_puskesmas_level_and_exact_method_below_ten():
    out = compute_indicators(_tables(), level="puskesmas")
    a = _get(out, "imr", area="A")
    assert a["value"] == pytest.approx(10.0) and a["method"] == "exact"
    # exact 95% for O=1: 0.02532 .. 5.5716 events per 100 live births -> per 1,000: 0.2532 .. 55.716
    assert a["lower_95"] == pytest.approx(0.2532, abs=1e-3) and a["upper_95"] == pytest.approx(55.716, abs=1e-2)
    b = _get(out, "nmr", area="B")
    assert b["value"] == pytest.approx(30.0) and b["method"] == "exact"  # 9 events
    assert _get(out, "postneonatal_mr", area="A")["value"] == 0
    assert _get(out, "postneonatal_mr", area="A")["lower_95"] == 0


def test_u5mr_only_where_child_deaths_exist():
    assert "u5mr" in set(compute_indicators(_tables())["indicator"])
    assert _get(compute_indicators(_tables()), "u5mr")["numerator"] == 14
    assert "u5mr" not in set(compute_indicators(_tables(child=False))["indicator"])


def test_targets_joined_with_polarity():
    out = compute_indicators(_tables())
    imr = _get(out, "imr")
    assert imr["target"] == 16 and not imr["meets_target"]          # 30 > 16 (RPJMN 2024, applies to 2023)
    assert _get(out, "nmr")["target"] == 12
    kn = _get(out, "kn_lengkap_coverage")
    assert kn["target"] == 100 and not kn["meets_target"]
    assert kn["value"] == pytest.approx(100 * 380 / 400)
    assert kn["denominator_kind"] == "sasaran"


def test_cause_rates_and_shares():
    out = compute_indicators(_tables(), level="district")
    share = out[(out["indicator"] == "cause_share") & (out["age_group"] == "infant")]
    assert share["value"].sum() == pytest.approx(100.0)
    assert _get(share, "cause_share", cause="asphyxia")["value"] == pytest.approx(50.0)  # 6 of 12
    rate = _get(out, "cause_rate", cause="asphyxia", age_group="neonatal")
    assert rate["value"] == pytest.approx(6 / 400 * 1000)
    grouped = compute_indicators(_tables(), cause_grouping="report_group")
    assert set(grouped.loc[grouped["indicator"] == "cause_share", "cause"]) == {"asphyxia", "lbw_prematurity", "pneumonia", "sepsis_infection"}


def test_zero_births_gives_missing_value_and_flag_not_infinity():
    out = compute_indicators(_tables(lb=(0, 0)), level="puskesmas")
    imr = out[out["indicator"] == "imr"]
    assert imr["value"].isna().all() and (imr["flag"] == "zero denominator").all()
    assert imr["meets_target"].isna().all()


def test_deaths_without_births_table():
    t = _tables()
    t["births"] = empty_table("births")
    imr = compute_indicators(t)
    row = _get(imr, "imr")
    assert np.isnan(row["value"]) and row["flag"] == "no live-birth data was given for this area and period"


def test_by_sex_rows():
    t = _tables()
    t["births"] = pd.concat([t["births"].assign(sex="male", live_births=t["births"]["live_births"] // 2),
                             t["births"].assign(sex="female", live_births=t["births"]["live_births"] // 2)])
    t["deaths"] = t["deaths"].assign(sex="male")
    out = compute_indicators(t, by_sex=True)
    assert _get(out, "imr", sex="male")["value"] == pytest.approx(12 / 200 * 1000)
    female = _get(out, "imr", sex="female")  # births but no death rows for girls: missing, not zero
    assert np.isnan(female["value"]) and female["flag"] == "numerator missing"


def test_other_neonatal_cutoff_is_refused_for_annex_data():
    from imr_analysis.analysis.indicators import mortality
    with pytest.raises(ValueError, match="age in days"):
        mortality(_tables(), neonatal_max_days=27)

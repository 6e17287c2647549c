"""Trend statistics with known answers: APC coverage, model choice, recent-trend marker, targets."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from imr_analysis.analysis.trends import _years_needed, fit_trend, recent_trend, year_on_year

YEARS = np.arange(2015, 2025)
BIRTHS = np.full(len(YEARS), 4000.0)


def _poisson_series(seed, apc=-5.0, base=15 / 1000):
    rng = np.random.default_rng(seed)
    mu = BIRTHS * base * (1 + apc / 100) ** (YEARS - YEARS[0])
    return rng.poisson(mu)


def test_apc_interval_covers_the_true_apc_in_about_95_percent_of_seeds():
    true_apc = -5.0
    covered = 0
    for seed in range(200):
        fit = fit_trend(YEARS, _poisson_series(seed, true_apc), BIRTHS)
        lo, hi = fit.apc_ci()
        covered += lo <= true_apc <= hi
    assert 0.90 * 200 <= covered <= 0.99 * 200, covered


def test_apc_estimate_is_close_on_large_counts():
    mu = 40000 * 0.02 * 0.9 ** (YEARS - YEARS[0])  # exactly -10% a year, no noise
    fit = fit_trend(YEARS, np.round(mu), np.full(len(YEARS), 40000.0))
    assert fit.apc == pytest.approx(-10.0, abs=0.1)
    assert fit.p_value < 1e-6 and fit.model == "poisson"


def test_negative_binomial_chosen_on_overdispersed_data():
    chosen = []
    for seed in range(20):
        rng = np.random.default_rng(1000 + seed)
        mu = BIRTHS * 15 / 1000 * 0.97 ** (YEARS - YEARS[0])
        deaths = rng.poisson(rng.gamma(1 / 0.15, 0.15 * mu))  # NB2, alpha 0.15: variance mu + 0.15 mu^2
        chosen.append(fit_trend(YEARS, deaths, BIRTHS).model)
    assert chosen.count("negative_binomial") >= 18, chosen


def test_poisson_chosen_on_poisson_data_in_most_seeds():
    models = [fit_trend(YEARS, _poisson_series(500 + s), BIRTHS).model for s in range(50)]
    assert models.count("poisson") >= 35, models
    assert set(models) <= {"poisson", "negative_binomial", "quasi_poisson"}


def test_too_few_years_or_no_deaths():
    assert fit_trend([2022, 2023], [3, 4], [100, 100]).model == "not enough data"
    assert fit_trend(YEARS, np.zeros(len(YEARS)), BIRTHS).model == "not fitted"


def _ci(values, half=0.98):
    v = np.asarray(values, dtype=float)
    return v - half, v + half   # sigma = 2 * 0.98 / 3.92 = 0.5


@pytest.mark.parametrize("values, expected", [
    ([10, 12, 14, 16, 18], "increasing"),
    ([18, 16, 14, 12, 10], "decreasing"),
    ([10, 10.1, 9.9, 10, 10.05], "no significant change"),
    ([20, 19, 18, 17, 40], "no significant change"),  # the outlier alone makes the slope positive
])
def test_recent_trend_marker_on_hand_made_series(values, expected):
    lo, hi = _ci(values)
    assert recent_trend(range(2020, 2025), values, lo, hi) == expected


def test_outlier_series_is_significant_before_the_leave_one_out_rule():
    # slope of 20,19,18,17,40 on 0..4 is +3.8; SE = 0.5/sqrt(10); chi2 = (3.8/0.158)^2 >> 9.5495
    values = np.array([20, 19, 18, 17, 40.0])
    slope = np.polyfit(np.arange(5), values, 1)[0]
    assert slope == pytest.approx(3.8)
    assert (slope / (0.5 / np.sqrt(10))) ** 2 > 9.5495
    assert 9.5495 == pytest.approx(chi2.ppf(0.998, 1), abs=1e-3)


def test_recent_trend_needs_five_points_and_uses_the_last_five():
    lo, hi = _ci([10, 12, 14, 16])
    assert recent_trend(range(2021, 2025), [10, 12, 14, 16], lo, hi) == "not enough data"
    values = [30, 5, 10, 12, 14, 16, 18]
    lo, hi = _ci(values)
    assert recent_trend(range(2018, 2025), values, lo, hi) == "increasing"


def test_year_on_year_rate_ratio():
    # 2023 vs 2022 in the sample: (33 / 3795) / (39 / 3831) = 0.8542
    r = year_on_year(39, 3831, 33, 3795)
    assert r["rate_ratio"] == pytest.approx(0.8542, abs=1e-4)
    assert r["ratio_lower_95"] < r["rate_ratio"] < r["ratio_upper_95"]
    assert 0.3 < r["p_value"] < 0.8
    big = year_on_year(20, 4000, 60, 4000)
    assert big["rate_ratio"] == pytest.approx(3.0) and big["p_value"] < 0.001 and big["ratio_lower_95"] > 1


def test_years_needed_at_current_apc():
    # ln(12/20) / ln(0.9) = 4.85 -> 5 years
    assert _years_needed(20, 12, -10) == 5
    assert _years_needed(10, 12, -10) == 0
    assert np.isnan(_years_needed(20, 12, 3))


def _district(rates, births=4000, years=range(2019, 2025)):
    geo = dict(province="P", district="D", kecamatan="K", puskesmas="A", sex="unspecified")
    births_t = pd.DataFrame([dict(geo, year=y, live_births=births, stillbirths=0) for y in years])
    deaths = pd.DataFrame([dict(geo, year=y, age_group=a, deaths=int(round(r * births / 1000 * s)))
                           for y, r in zip(years, rates) for a, s in (("neonatal", 0.8), ("postneonatal", 0.2))])
    empty = pd.DataFrame(columns=["province", "district", "kecamatan", "puskesmas", "year", "sex", "age_group", "cause", "deaths"])
    visits = pd.DataFrame(columns=["province", "district", "kecamatan", "puskesmas", "year", "sex", "visit", "visits",
                                   "denominator", "denominator_kind", "reported_pct"])
    return {"births": births_t, "deaths": deaths, "deaths_by_cause": empty.astype({"year": int, "deaths": int}),
            "neonatal_visits": visits.astype({"year": int, "visits": int, "denominator": float})}


def test_target_projection_status():
    from imr_analysis.analysis.trends import project_targets

    falling = project_targets(_district([30, 27, 24.3, 21.9, 19.7, 17.7]))
    imr2030 = falling[(falling["indicator"] == "imr") & (falling["target_year"] == 2030)].iloc[0]
    assert imr2030["status"] == "on track" and imr2030["projected"] < 12
    assert imr2030["pi_lower_95"] < imr2030["projected"] < imr2030["pi_upper_95"]
    assert imr2030["years_needed"] == pytest.approx(np.ceil(np.log(12 / 17.75) / np.log(1 + imr2030["apc"] / 100)))
    flat = project_targets(_district([20, 20, 20, 20, 20, 20]))
    assert flat.loc[(flat["indicator"] == "imr") & (flat["target_year"] == 2030), "status"].iloc[0] == "not on track"
    assert flat.loc[(flat["indicator"] == "imr") & (flat["target_year"] == 2024), "status"].iloc[0] == "not met"
    low = project_targets(_district([8, 8, 8, 8, 8, 8]))
    assert set(low.loc[low["target_year"] == 2030, "status"]) == {"already met"}

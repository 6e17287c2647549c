"""Benchmark flags and funnel-plot limits against constructed cases and exact chi-square limits."""
import numpy as np
import pytest
from scipy.stats import chi2
from statsmodels.stats.rates import confint_poisson

from imr_analysis.analysis.compare import (benchmark_flags, dersimonian_laird_tau2, exact_funnel_limits,
                                  random_effects_limits)


def test_benchmark_flags_lower_is_better():
    flags = benchmark_flags([5, 10, 13, np.nan], [3, 8, 11, np.nan], [7, 12, 15, np.nan], [10, 10, 10, 10],
                            "lower_is_better")
    assert list(flags) == ["better", "similar", "worse", ""]


def test_benchmark_flags_higher_is_better_and_edges():
    flags = benchmark_flags([90, 97, 99], [88, 95, 98.5], [92, 99, 99.5], [95, 95, 95], "higher_is_better")
    assert list(flags) == ["worse", "similar", "better"]
    # a benchmark exactly on the limit is inside the interval: similar
    assert list(benchmark_flags([5], [3], [10], [10], "lower_is_better")) == ["similar"]


def test_funnel_limits_equal_exact_chi_square_limits():
    theta = 0.01
    n = np.array([300.0, 1000.0, 2500.0])
    lower, upper = exact_funnel_limits(theta, n, level=0.95)
    expected = theta * n
    assert lower == pytest.approx(chi2.ppf(0.025, 2 * expected) / 2 / n * 1000)
    assert upper == pytest.approx(chi2.ppf(0.975, 2 * expected + 2) / 2 / n * 1000)
    # at an integer expected count they are the exact Poisson CI of that count: E = 10 -> 4.795 .. 18.390
    assert lower[1] == pytest.approx(4.7954, abs=1e-3) and upper[1] == pytest.approx(18.3904, abs=1e-3)
    lo, hi = confint_poisson(10, 1000, method="exact-c", alpha=0.05)
    assert lower[1] == pytest.approx(lo * 1000) and upper[1] == pytest.approx(hi * 1000)
    lo998, hi998 = exact_funnel_limits(theta, n, level=0.998)
    assert (lo998 < lower).all() and (hi998 > upper).all()
    assert hi998[1] == pytest.approx(chi2.ppf(0.999, 22) / 2, abs=1e-9)


def test_limits_narrow_as_births_grow():
    lower, upper = exact_funnel_limits(0.01, [200, 400, 800, 1600])
    assert (np.diff(upper) < 0).all() and (np.diff(lower) > 0).all()


def test_overdispersion_tau2():
    n = np.full(10, 1000.0)
    same = np.full(10, 10.0)
    assert dersimonian_laird_tau2(same, n, 0.01) == 0.0
    spread = np.array([1, 3, 5, 8, 10, 12, 15, 20, 25, 30.0])
    tau2 = dersimonian_laird_tau2(spread, n, spread.sum() / n.sum())
    assert tau2 > 0
    lo0, hi0 = random_effects_limits(0.01, n[:1], 0.0)
    lo1, hi1 = random_effects_limits(0.01, n[:1], tau2)
    assert hi1 > hi0 and lo1 < lo0


def test_funnel_on_the_sample(sample_run):
    from imr_analysis.analysis.compare import funnel

    points, curve, notes = funnel(sample_run.result.tables, 2023)
    assert len(points) == 8 and notes["theta"] == pytest.approx(33 / 3795 * 1000)
    assert list(points.columns) == ["area", "numerator", "denominator", "value", "benchmark", "lower_95", "upper_95",
                                    "lower_998", "upper_998", "flag"]
    nibung = points.set_index("area").loc["Nibung"]  # 1 death in 529 births: below the 95% limit
    assert nibung["flag"] == "below 95%" and nibung["value"] < nibung["lower_95"]
    pooled, _, notes3 = funnel(sample_run.result.tables, 2023, pool_years=3)
    assert notes3["years"] == [2021, 2022, 2023]
    assert pooled["numerator"].sum() == 58 + 39 + 33

"""Confidence intervals against hand-computed values (PHEindicatormethods conventions)."""
import numpy as np
import pandas as pd
import pytest

from imr_analysis import proportion_ci, rate_ci
from imr_analysis.analysis.intervals import byar_limits, exact_poisson_limits


# Byar, 95%, z = 1.959964. O = 10:
#   lower = 10 (1 - 1/90 - 1.959964/(3*sqrt(10)))^3 = 10 * 0.782292^3 = 4.78746
#   upper = 11 (1 - 1/99 + 1.959964/(3*sqrt(11)))^3 = 11 * 1.186883^3 = 18.3914
# O = 20: 20 * 0.848357^3 = 12.2114 ; 21 * 1.137275^3 = 30.8899
# O = 33: 33 * 0.882905^3 = 22.7121 ; 34 * 1.108776^3 = 46.3456
@pytest.mark.parametrize("o, lower, upper", [(10, 4.78746, 18.3914), (20, 12.2114, 30.8899), (33, 22.7121, 46.3456)])
def test_byar_limits_by_hand(o, lower, upper):
    lo, up = byar_limits([o], 0.95)
    assert lo[0] == pytest.approx(lower, abs=2e-4)
    assert up[0] == pytest.approx(upper, abs=2e-4)


# Exact (Garwood) 95% limits, from chi-square quantiles: chi2(0.025; 2O)/2 and chi2(0.975; 2O+2)/2.
#   O=0: (0, -ln 0.025 = 3.6889); O=1: (-ln 0.975 = 0.02532, 5.5716); O=3: (0.6187, 8.7673); O=9: (4.1154, 17.0848)
@pytest.mark.parametrize("o, lower, upper", [(0, 0.0, 3.6889), (1, 0.02532, 5.5716), (3, 0.6187, 8.7673), (9, 4.1154, 17.0848)])
def test_exact_poisson_by_hand(o, lower, upper):
    lo, up = exact_poisson_limits([o], 0.95)
    assert lo[0] == pytest.approx(lower, abs=2e-4)
    assert up[0] == pytest.approx(upper, abs=2e-4)


def test_exact_998_at_zero_and_one():
    # 99.8%: O=0 upper = -ln(0.001) = 6.9078 ; O=1 lower = -ln(0.999) = 0.0010005
    lo, up = exact_poisson_limits([0, 1], 0.998)
    assert lo[0] == 0 and up[0] == pytest.approx(6.9078, abs=1e-4)
    assert lo[1] == pytest.approx(0.0010005, abs=1e-6)


def test_rate_ci_switches_method_at_ten_and_scales():
    out = rate_ci(pd.Series([9, 10, 33]), pd.Series([1000, 1000, 3795]))
    assert list(out["method"]) == ["exact", "byar", "byar"]
    # the published AKB: 33 / 3,795 x 1000 = 8.696, 95% CI 22.7121/3795*1000 .. 46.3456/3795*1000
    row = out.iloc[2]
    assert row["value"] == pytest.approx(8.6957, abs=1e-4)
    assert row["lower_95"] == pytest.approx(5.9847, abs=1e-3)
    assert row["upper_95"] == pytest.approx(12.2123, abs=1e-3)
    assert row["lower_998"] < row["lower_95"] < row["value"] < row["upper_95"] < row["upper_998"]
    assert list(out.columns) == ["numerator", "denominator", "value", "lower_95", "upper_95", "lower_998",
                                 "upper_998", "multiplier", "method", "flag"]


def test_rate_ci_zero_events_and_zero_denominator():
    out = rate_ci(np.array([0, 4]), np.array([500, 0]))
    assert out.loc[0, "lower_95"] == 0 and out.loc[0, "value"] == 0
    assert out.loc[0, "upper_95"] == pytest.approx(3.6889 / 500 * 1000, abs=1e-3)
    assert np.isnan(out.loc[1, "value"]) and np.isnan(out.loc[1, "upper_95"])
    assert out.loc[1, "flag"] == "zero denominator"
    assert not np.isinf(out[["value", "lower_95", "upper_95"]].to_numpy(dtype=float)).any()


def test_rate_ci_keeps_series_index_and_custom_levels():
    out = rate_ci(pd.Series([12], index=["Pauh"]), pd.Series([400], index=["Pauh"]), multiplier=100_000, levels=(0.9,))
    assert list(out.index) == ["Pauh"]
    assert {"lower_90", "upper_90"} <= set(out.columns)
    assert out.loc["Pauh", "value"] == pytest.approx(3000)


# Wilson, 95%: x=5, n=10 -> centre 0.5, half-width 1.96*sqrt(0.025 + 3.8415/400)/1.38415 = 0.263411
#   -> (23.659%, 76.341%). x=0, n=10 -> upper z^2/(n+z^2) = 3.841459/13.841459 = 27.753%.
#   x=3799, n=3959 (Musi Rawas Utara SPM 2023) -> 95.96% (95.299%, 96.529%)
@pytest.mark.parametrize("x, n, value, lower, upper", [(5, 10, 50.0, 23.659, 76.341), (0, 10, 0.0, 0.0, 27.753),
                                                       (3799, 3959, 95.959, 95.299, 96.529)])
def test_wilson_by_hand(x, n, value, lower, upper):
    out = proportion_ci([x], [n])
    assert out.loc[0, "value"] == pytest.approx(value, abs=1e-3)
    assert out.loc[0, "lower_95"] == pytest.approx(lower, abs=1e-3)
    assert out.loc[0, "upper_95"] == pytest.approx(upper, abs=1e-3)
    assert out.loc[0, "method"] == "wilson"


def test_proportion_above_denominator_is_kept_and_flagged():
    out = proportion_ci([212], [210])
    assert out.loc[0, "value"] == pytest.approx(100.952, abs=1e-3)
    assert np.isnan(out.loc[0, "lower_95"])
    assert "sasaran" in out.loc[0, "flag"]

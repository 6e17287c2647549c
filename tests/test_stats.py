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


def _rate_ci_by_masks(events, denominator, multiplier, levels):
    """The reference (rate_ci before its fast path): Byar's limits everywhere, then the generic
    exact_poisson_limits (statsmodels for any count it has no table entry for) put in by mask."""
    o, d = np.asarray(events, dtype=float), np.asarray(denominator, dtype=float)
    usable = (d > 0) & np.isfinite(d) & np.isfinite(o) & (o >= 0)
    few = ~(o >= 10)
    out = pd.DataFrame({"numerator": o, "denominator": d})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = np.where(usable, o / d * multiplier, np.nan)
        for level in levels:
            low, up = byar_limits(o, level)
            low[few], up[few] = exact_poisson_limits(np.where(np.isfinite(o[few]) & (o[few] >= 0), o[few], 0), level)
            sfx = f"{level * 100:g}".replace(".", "")
            out[f"lower_{sfx}"] = np.where(usable, low / d * multiplier, np.nan)
            out[f"upper_{sfx}"] = np.where(usable, up / d * multiplier, np.nan)
    out["multiplier"] = multiplier
    out["method"] = np.where(few, "exact", "byar")
    flags = np.full(o.shape, "", dtype=object)
    for bad, text in ((~np.isfinite(o), "numerator missing"), (o < 0, "negative numerator"),
                      (~np.isfinite(d), "denominator missing"), (d == 0, "zero denominator")):
        flags = np.where(bad, text, flags)
    out["flag"] = flags
    return out


def test_exact_table_equals_statsmodels():
    from statsmodels.stats.rates import confint_poisson

    for level in (0.95, 0.998):
        o = np.arange(10, dtype=float)
        lo, hi = confint_poisson(o, np.ones_like(o), method="exact-c", alpha=1 - level)
        got_lo, got_hi = exact_poisson_limits(o, level)
        assert np.array_equal(got_lo, np.where(o == 0, 0, lo)) and np.array_equal(got_hi, hi)


@pytest.mark.parametrize("fractions", [False, True])
def test_rate_ci_fast_path_equals_the_masked_one_exactly(fractions):
    # every count 0..20, large ones, and bad ones (fractions below 10 take the statsmodels path), against denominators incl. zero, missing and negative
    counts = [*range(21), 25, 99, 100, 1000, 12345, 1e6, -1, np.nan, np.inf] + ([2.5, 9.5, 10.5] if fractions else [])
    o, d = (a.ravel() for a in np.meshgrid(np.array(counts, dtype=float), [0, 1, 7, 100, 1000, 54321, np.nan, -5.0]))
    for multiplier, levels in ((1000, (0.95, 0.998)), (100, (0.9,)), (100000, (0.99, 0.95))):
        got = rate_ci(o, d, multiplier, levels)
        pd.testing.assert_frame_equal(got, _rate_ci_by_masks(o, d, multiplier, levels), check_exact=True)

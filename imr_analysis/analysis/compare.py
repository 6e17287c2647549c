"""Comparing areas: Fingertips benchmark flags and funnel plots.

Benchmark (Fingertips): an area is 'similar' when the benchmark lies inside its confidence
interval; otherwise 'better' or 'worse' by the indicator's polarity (mortality: lower is better).

Funnel plot: each Puskesmas rate against its live births, with control limits around the
district rate theta at every denominator n, from the exact Poisson (chi-square) interval for the
expected count E = theta * n (PHE, "Technical guide: funnel plots for rates")::

    lower = chi2(p; 2E) / 2 / n,  upper = chi2(1 - p; 2E + 2) / 2 / n,  p = 0.025 (95%), 0.001 (99.8%)

Overdispersion option: Spiegelhalter's additive random-effects limits on the square-root scale,
with tau^2 by DerSimonian-Laird from 10%-winsorised z-scores (Spiegelhalter DJ, Statist Med
2005;24:1185-1202; as in the FunnelPlotR package)::

    y_i = sqrt(r_i), s_i^2 = 1 / (4 n_i), z_i = (y_i - sqrt(theta)) / s_i, phi = mean(z_w^2)
    tau^2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w)),  w = 1 / s^2
    limits = (sqrt(theta) +/- z * sqrt(s^2(n) + tau^2))^2
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .indicators import compute_indicators
from .intervals import level_suffix
from ..vocab.indicators import polarity

LEVELS = (0.95, 0.998)


def benchmark_flags(value, lower, upper, benchmark, indicator_polarity: str) -> np.ndarray:
    """'similar' if lower <= benchmark <= upper, else 'better'/'worse' by polarity; '' when missing."""
    value, lower, upper, benchmark = (np.asarray(x, dtype=float) for x in (value, lower, upper, benchmark))
    missing = ~(np.isfinite(lower) & np.isfinite(upper) & np.isfinite(benchmark))
    inside = (lower <= benchmark) & (benchmark <= upper)
    below = upper < benchmark
    if indicator_polarity == "lower_is_better":
        out = np.where(below, "better", "worse")
    elif indicator_polarity == "higher_is_better":
        out = np.where(below, "worse", "better")
    else:
        out = np.where(below, "lower", "higher")
    out = np.where(inside, "similar", out)
    return np.where(missing, "", out)


def benchmark_table(tables: dict[str, pd.DataFrame], year: int,
                    indicators=("imr", "nmr", "postneonatal_mr", "kn1_coverage", "kn_lengkap_coverage"),
                    computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Each Puskesmas against the district value and the target, at 95% and 99.8%.

    ``computed``: the indicator tables by level ('puskesmas', 'district'), when already computed.
    """
    pk, dist = (_at_level(tables, level, computed, year) for level in ("puskesmas", "district"))
    pk = pk[pk["indicator"].isin(indicators) & (pk["sex"] == "all")]
    dist = dist[dist["indicator"].isin(indicators) & (dist["sex"] == "all")]
    pk = pk.merge(dist[["indicator", "district", "value"]].rename(columns={"value": "district_value"}),
                  on=["indicator", "district"], how="left")
    parts = []
    for indicator, g in pk.groupby("indicator", sort=False, dropna=False):
        g = g.copy()
        pol = polarity(indicator)
        for level in LEVELS:
            sfx = level_suffix(level)
            g[f"vs_district_{sfx}"] = benchmark_flags(g["value"], g[f"lower_{sfx}"], g[f"upper_{sfx}"],
                                                      g["district_value"], pol)
            g[f"vs_target_{sfx}"] = benchmark_flags(g["value"], g[f"lower_{sfx}"], g[f"upper_{sfx}"], g["target"], pol)
        g["polarity"] = pol
        parts.append(g)
    cols = ["indicator", "year", "area", "numerator", "denominator", "value", "lower_95", "upper_95", "lower_998",
            "upper_998", "district_value", "target", "vs_district_95", "vs_district_998", "vs_target_95",
            "vs_target_998", "polarity"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def _at_level(tables: dict[str, pd.DataFrame], level: str, computed: dict[str, pd.DataFrame] | None,
              year: int | None = None) -> pd.DataFrame:
    """The indicator table at ``level`` (of ``year``): sliced from ``computed`` when given, else computed."""
    if computed is None:
        return compute_indicators(tables, level=level, year=year)
    ind = computed[level]
    return ind if year is None else ind[ind["year"] == year]


def exact_funnel_limits(theta: float, denominators, multiplier: float = 1000, level: float = 0.95):
    """Exact Poisson (chi-square) control limits around rate ``theta`` (per person) at each denominator."""
    from scipy.stats import chi2

    n = np.asarray(denominators, dtype=float)
    expected = theta * n
    p = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(expected > 0, chi2.ppf(p, 2 * expected) / 2, 0.0) / n * multiplier
        upper = chi2.ppf(1 - p, 2 * expected + 2) / 2 / n * multiplier
    return lower, upper


def dersimonian_laird_tau2(numerators, denominators, theta: float, winsor: float = 0.1) -> float:
    """Additive between-area variance on the square-root scale (Spiegelhalter 2005), from winsorised z-scores."""
    from scipy.stats.mstats import winsorize

    o = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    keep = n > 0
    o, n = o[keep], n[keep]
    s2 = 1 / (4 * n)
    z = (np.sqrt(o / n) - np.sqrt(theta)) / np.sqrt(s2)
    zw = np.asarray(winsorize(z, limits=(winsor, winsor))) if len(z) >= 5 else z
    k = len(z)
    phi = float(np.mean(zw ** 2))
    w = 1 / s2
    if k * phi <= k - 1:
        return 0.0
    return float(max(0.0, (k * phi - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def random_effects_limits(theta: float, denominators, tau2: float, multiplier: float = 1000, level: float = 0.95):
    from scipy.stats import norm

    n = np.asarray(denominators, dtype=float)
    z = norm.ppf(1 - (1 - level) / 2)
    spread = z * np.sqrt(1 / (4 * n) + tau2)
    lower = np.clip(np.sqrt(theta) - spread, 0, None) ** 2 * multiplier
    upper = (np.sqrt(theta) + spread) ** 2 * multiplier
    return lower, upper


def funnel(tables: dict[str, pd.DataFrame], year: int, indicator: str = "imr", pool_years: int = 1,
           overdispersion: bool = False, computed: dict[str, pd.DataFrame] | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Funnel-plot data: one row per Puskesmas with its limits and flag, a curve for drawing, and notes.

    ``pool_years`` sums numerators and denominators over the ``pool_years`` years ending at ``year``
    (3 or 5 steadies small Puskesmas). The flag says where the point lies: 'above 99.8%',
    'above 95%', 'within', 'below 95%' or 'below 99.8%'. ``computed``: as in ``benchmark_table``.
    """
    ind = _at_level(tables, "puskesmas", computed)
    years = list(range(year - pool_years + 1, year + 1))
    ind = ind[(ind["indicator"] == indicator) & ind["year"].isin(years) & (ind["sex"] == "all")
              & (ind["age_group"] == "all") & (ind["cause"] == "all")]
    pts = ind.groupby(["district", "area"], as_index=False, dropna=False)[["numerator", "denominator"]].sum(min_count=1)
    pts = pts[pts["denominator"] > 0].copy()
    multiplier = 1000.0
    theta = pts["numerator"].sum() / pts["denominator"].sum()
    pts["value"] = pts["numerator"] / pts["denominator"] * multiplier
    pts["benchmark"] = theta * multiplier
    tau2 = dersimonian_laird_tau2(pts["numerator"], pts["denominator"], theta) if overdispersion else 0.0
    grid = np.unique(np.concatenate([np.linspace(max(1.0, pts["denominator"].min() * 0.5),
                                                 pts["denominator"].max() * 1.2, 200), pts["denominator"]]))
    curve = pd.DataFrame({"denominator": grid})
    for level in LEVELS:
        sfx = level_suffix(level)
        for frame, n in ((pts, pts["denominator"]), (curve, curve["denominator"])):
            if overdispersion:
                lo, hi = random_effects_limits(theta, n, tau2, multiplier, level)
            else:
                lo, hi = exact_funnel_limits(theta, n, multiplier, level)
            frame[f"lower_{sfx}"], frame[f"upper_{sfx}"] = lo, hi
    v = pts["value"]
    pts["flag"] = np.select([v > pts["upper_998"], v > pts["upper_95"], v < pts["lower_998"], v < pts["lower_95"]],
                            ["above 99.8%", "above 95%", "below 99.8%", "below 95%"], "within")
    limits = (f"random effects (DerSimonian-Laird tau^2 = {tau2:.3g}, square-root scale)" if overdispersion
              else "exact Poisson")
    notes = {"indicator": indicator, "year": year, "years": years, "theta": theta * multiplier, "limits": limits,
             "tau2": tau2}
    cols = ["area", "numerator", "denominator", "value", "benchmark", "lower_95", "upper_95", "lower_998",
            "upper_998", "flag"]
    return pts[cols].sort_values("denominator").reset_index(drop=True), curve, notes

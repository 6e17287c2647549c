"""Rates pooled over several years, for indicators with small counts (AKI above all).

A district has a handful of maternal deaths a year: a yearly AKI with 0-3 deaths has an
interval wider than the rate itself. Pooling over a window of years sums the deaths and the
live births of the window, then divides (never an average of yearly rates)::

    pooled rate = sum(deaths over the window) / sum(live births over the window) x multiplier

and its interval is the rate interval of the pooled counts (analysis/intervals.rate_ci: exact
Poisson below 10 deaths, Byar's method from 10). A window is reported only when every one of its
years has data for the area: a missing year would make the pooled rate a rate of fewer years
under a longer name.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .intervals import rate_ci

#: The windows the reports show (years).
POOLED_WINDOWS = (3, 5)


def pooled_rate(years, deaths, live_births, window: int, multiplier: float = 100_000) -> pd.DataFrame:
    """Rates over every run of ``window`` consecutive years of one series, ending at each year that closes one.

    Returns start_year, end_year, years (the window), deaths, live_births, value and the 95% and 99.8%
    limits with their method (rate_ci's columns). Years need not be sorted; a gap ends a run.
    """
    s = pd.DataFrame({"year": np.asarray(years, dtype=int), "deaths": np.asarray(deaths, dtype=float),
                      "live_births": np.asarray(live_births, dtype=float)}).groupby("year", dropna=False).sum().sort_index()
    rows = []
    for end in s.index:
        span = list(range(end - window + 1, end + 1))
        if not set(span) <= set(s.index):
            continue
        part = s.loc[span]
        rows.append({"start_year": span[0], "end_year": end, "years": window,
                     "deaths": part["deaths"].sum(), "live_births": part["live_births"].sum()})
    out = pd.DataFrame(rows, columns=["start_year", "end_year", "years", "deaths", "live_births"])
    ci = rate_ci(out["deaths"], out["live_births"], multiplier)
    return pd.concat([out, ci.drop(columns=["numerator", "denominator"], errors="ignore")], axis=1)


def pooled_indicator(indicators: pd.DataFrame, indicator: str = "mmr", windows=POOLED_WINDOWS) -> pd.DataFrame:
    """Pooled rates of one indicator from the yearly indicator table (numerator and denominator per area and
    year), for each area and window: the columns of ``pooled_rate`` with indicator, level, district and area."""
    ind = indicators[(indicators["indicator"] == indicator) & indicators["denominator"].notna()
                     & indicators["numerator"].notna()]   # a year without data (AKI: no maternal data) breaks a window
    parts = []
    for (level, district, area), g in ind.groupby(["level", "district", "area"], sort=False, dropna=False):
        multiplier = float(g["multiplier"].iloc[0])
        for window in windows:
            p = pooled_rate(g["year"], g["numerator"], g["denominator"], window, multiplier)
            if not p.empty:
                parts.append(p.assign(indicator=indicator, level=level, district=district, area=area))
    if not parts:
        return pd.DataFrame(columns=["indicator", "level", "district", "area", "start_year", "end_year", "years",
                                     "deaths", "live_births"])
    out = pd.concat(parts, ignore_index=True)
    front = ["indicator", "level", "district", "area"]
    return out[front + [c for c in out.columns if c not in front]]

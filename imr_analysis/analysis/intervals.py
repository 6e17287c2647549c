"""Confidence intervals for rates and proportions, in the shape of PHEindicatormethods.

Every function returns one row per input with the same columns::

    numerator, denominator, value, lower_95, upper_95, lower_998, upper_998,
    multiplier, method, flag

(one lower/upper pair per requested level). ``flag`` explains a missing value.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
# statsmodels (and scipy.stats with it, 0.5 s) is loaded with this module, not on first use: every
# report computes intervals, and loading it at import keeps the first report in a new process within
# its one-second budget (benchmark e) while the import stays within 1.5 s.
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

#: Below this many events rates use the exact Poisson interval, at or above it Byar's method.
BYAR_MIN_EVENTS = 10


def level_suffix(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998' (column-name suffix)."""
    return f"{level * 100:g}".replace(".", "")


def byar_limits(events, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson interval for a count O.

    lower = O * (1 - 1/(9 O) - z / (3 sqrt(O)))**3
    upper = (O + 1) * (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))**3

    with z the standard-normal quantile 1 - (1 - level)/2 (1.959964 at 95%, 3.090232 at
    99.8%). Source: Breslow NE, Day NE. Statistical Methods in Cancer Research, vol. II,
    IARC 1987, p. 69; as used by PHEindicatormethods ``phe_rate`` (Byars) and Fingertips.
    Units: events (divide by the denominator for a rate). Not defined for O = 0.
    """
    o = np.asarray(events, dtype=float)
    z = _z(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lower, upper


@lru_cache(maxsize=None)
def _z(level: float) -> float:
    """The standard-normal quantile 1 - (1 - level)/2 (scipy ``norm.ppf``)."""
    return float(norm.ppf(1 - (1 - level) / 2))


def exact_poisson_limits(events, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval for a count O, via chi-square quantiles.

    lower = chi2(alpha/2; 2 O) / 2  (0 when O = 0),  upper = chi2(1 - alpha/2; 2 O + 2) / 2,
    alpha = 1 - level. Computed with statsmodels ``confint_poisson(method="exact-c")``; whole
    counts below ``BYAR_MIN_EVENTS`` (the only ones rate_ci uses this for) come from a small
    table of the same values, which keeps millions of rows fast. Units: events.
    """
    o = np.asarray(events, dtype=float)
    lower, upper = np.empty_like(o), np.empty_like(o)
    small = np.isfinite(o) & (o >= 0) & (o < BYAR_MIN_EVENTS) & (np.mod(o, 1) == 0)
    table_lo, table_hi = _exact_table(level)
    idx = np.where(small, o, 0).astype(int)
    lower[small], upper[small] = table_lo[idx[small]], table_hi[idx[small]]
    rest = ~small
    if rest.any():
        lo, hi = confint_poisson(o[rest], np.ones(int(rest.sum())), method="exact-c", alpha=1 - level)
        lower[rest], upper[rest] = lo, hi
    lower = np.where(o == 0, 0.0, lower)
    return lower, upper


_EXACT_TABLES: dict[float, tuple[np.ndarray, np.ndarray]] = {}


def _exact_table(level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact limits for O = 0 .. BYAR_MIN_EVENTS - 1 (statsmodels exact-c), computed once per level."""
    if level not in _EXACT_TABLES:
        o = np.arange(BYAR_MIN_EVENTS, dtype=float)
        lo, hi = confint_poisson(o, np.ones_like(o), method="exact-c", alpha=1 - level)
        _EXACT_TABLES[level] = (np.where(o == 0, 0.0, lo), np.asarray(hi, dtype=float))
    return _EXACT_TABLES[level]


def _frame(numerator, denominator, multiplier) -> pd.DataFrame:
    index = numerator.index if isinstance(numerator, pd.Series) else None
    return pd.DataFrame(
        {
            "numerator": np.asarray(numerator, dtype=float),
            "denominator": np.asarray(denominator, dtype=float),
            "multiplier": multiplier,
        },
        index=index,
    )


def rate_ci(events, denominator, multiplier: float = 1000, levels=(0.95, 0.998)) -> pd.DataFrame:
    """Rates per ``multiplier`` (default per 1,000 live births) with confidence intervals.

    value = events / denominator * multiplier.
    Intervals: Byar's method when events >= 10, exact Poisson below 10 (lower limit 0 at zero
    events), the limits divided by the denominator and multiplied by ``multiplier``. This is
    the PHEindicatormethods / Fingertips convention (``phe_rate``). A zero or missing
    denominator gives missing values and a flag, never an infinite rate.
    Vectorised over arrays and Series; returns one row per input.
    """
    index = events.index if isinstance(events, pd.Series) else None
    o, d = np.array(events, dtype=float), np.array(denominator, dtype=float)  # copies: the frame owns them
    usable = (d > 0) & np.isfinite(d) & np.isfinite(o) & (o >= 0)
    use_byar = o >= BYAR_MIN_EVENTS
    few = ~use_byar
    exact = _ExactLookup(o, few)
    columns = {"numerator": o, "denominator": d}
    with np.errstate(divide="ignore", invalid="ignore"):
        columns["value"] = np.where(usable, o / d * multiplier, np.nan)
        for level in levels:
            low, up = exact.limits(*byar_limits(o, level), level)
            sfx = level_suffix(level)
            columns[f"lower_{sfx}"] = np.where(usable, low / d * multiplier, np.nan)
            columns[f"upper_{sfx}"] = np.where(usable, up / d * multiplier, np.nan)
    columns["multiplier"] = multiplier
    columns["method"] = _strings(("byar", "exact"), few.view(np.int8))
    columns["flag"] = _flag_strings(o, d)
    return pd.DataFrame(columns, index=index, copy=False)


class _ExactLookup:
    """The exact limits of the rows below ``BYAR_MIN_EVENTS``, put in place of Byar's.

    Missing or negative counts take the limits of 0 (their rate is masked anyway). Whole
    counts 0..9 come straight from the table by index; a count with a fraction below 10 (rare)
    goes through ``exact_poisson_limits``.
    """

    def __init__(self, events: np.ndarray, few: np.ndarray):
        self.few = few
        counts = np.where(few & np.isfinite(events) & (events >= 0), events, 0)
        self.whole = bool(np.all(np.mod(counts, 1) == 0))
        self.index = counts.astype(np.intp) if self.whole else None
        self.counts = None if self.whole else counts[few]

    def limits(self, low: np.ndarray, up: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
        if self.whole:
            table_lo, table_hi = _exact_table(level)
            return np.where(self.few, table_lo[self.index], low), np.where(self.few, table_hi[self.index], up)
        low[self.few], up[self.few] = exact_poisson_limits(self.counts, level)
        return low, up


def proportion_ci(successes, total, levels=(0.95, 0.998), multiplier: float = 100) -> pd.DataFrame:
    """Proportions in % (``multiplier`` 100) with Wilson score intervals.

    value = successes / total * 100. Intervals: Wilson score interval from statsmodels
    ``proportion_confint(method="wilson")`` (Wilson EB, JASA 1927), as PHEindicatormethods
    ``phe_proportion``. When successes exceed the total (coverage against a *sasaran*
    denominator can pass 100%) the value is kept, the interval is missing and flagged.
    """
    out = _frame(successes, total, multiplier)
    x, n = out["numerator"].to_numpy(), out["denominator"].to_numpy()
    usable = (n > 0) & np.isfinite(n) & np.isfinite(x) & (x >= 0)
    within = usable & (x <= n)
    safe_n = np.where(within, n, 1.0)
    safe_x = np.where(within, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = np.where(usable, x / n * multiplier, np.nan)
    for level in levels:
        low, up = proportion_confint(safe_x, safe_n, alpha=1 - level, method="wilson")
        sfx = level_suffix(level)
        out[f"lower_{sfx}"] = np.where(within, np.asarray(low) * multiplier, np.nan)
        out[f"upper_{sfx}"] = np.where(within, np.asarray(up) * multiplier, np.nan)
    out["method"] = "wilson"
    flags = _flags(x, n)
    flags = np.where(usable & (x > n), "numerator above denominator (sasaran?): no interval", flags)
    out["flag"] = flags
    return _order(out, levels)


def _flags(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    flags = np.full(numerator.shape, "", dtype=object)
    flags = np.where(~np.isfinite(numerator), "numerator missing", flags)
    flags = np.where(numerator < 0, "negative numerator", flags)
    flags = np.where(~np.isfinite(denominator), "denominator missing", flags)
    flags = np.where(denominator == 0, "zero denominator", flags)
    return flags


#: The flags in order of precedence (a later one wins), as in ``_flags``.
FLAGS = ("", "numerator missing", "negative numerator", "denominator missing", "zero denominator")


def _flag_strings(numerator: np.ndarray, denominator: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``_flags`` as a string column, built from small integer codes (fast on millions of rows)."""
    codes = np.zeros(numerator.shape, dtype=np.int8)
    for code, bad in enumerate((~np.isfinite(numerator), numerator < 0, ~np.isfinite(denominator),
                                denominator == 0), start=1):
        if bad.any():
            codes[bad] = code
    return _strings(FLAGS, codes)


def _strings(values: tuple[str, ...], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A string column holding ``values[code]`` for each code."""
    return pd.array(list(values), dtype="str").take(codes)


def _order(out: pd.DataFrame, levels) -> pd.DataFrame:
    limits = [f"{side}_{level_suffix(lv)}" for lv in levels for side in ("lower", "upper")]
    return out[["numerator", "denominator", "value", *limits, "multiplier", "method", "flag"]]

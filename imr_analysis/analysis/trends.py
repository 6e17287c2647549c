"""Trend statistics: annual percent change from a Poisson (or negative binomial) GLM, the
Fingertips recent-trend marker, year-on-year rate ratios, and projection to the targets.

Trend model (per area, indicator and cause)::

    deaths_t ~ Poisson(mu_t),  log(mu_t) = b0 + b1 * (year_t - mean year) + log(live_births_t)

fitted with statsmodels GLM. When Pearson chi2 / df > 1.5 (overdispersion) a negative binomial
(NB2) GLM is used, its alpha estimated by maximum likelihood; if that fails, a quasi-Poisson
scale (Pearson chi2 / df). APC = (exp(b1) - 1) * 100, 95% CI from b1 +/- 1.96 SE.

A series that cannot be fitted honestly (no deaths, deaths only in the first or the last year,
no convergence) has model 'not fitted', no APC, and a ``note`` code saying why (NOT_FITTED).

Small counts (AKI: a handful of maternal deaths a year). For the indicators in
SMALL_COUNT_INDICATORS the model is not fitted, note 'too_few_deaths', when the series has fewer
than MIN_TREND_DEATHS deaths in total or no death in more than MAX_ZERO_YEAR_SHARE of its years.
Below 20 deaths over five years the exact 95% interval of each year's count (e.g. 4 deaths:
1.1 to 10.2) spans a factor of nine, so a fitted slope would describe noise; the reports then
show counts and pooled rates (analysis/pooled.py) instead.
The note 'apc_vs_marker' marks an APC significant at 95% beside a recent-trend marker of no
significant change: both can be right, as the GLM uses every year at 95% while the Fingertips
marker uses the last 5 points at 99.8% and must hold with each point left out.

A year whose data cover only some months (``completeness.partial_years``: monthly reports for
January-June) is a year to date, not a year: it is left out of every fit, marker and projection
here, and the tables name it (column ``left_out``, present when a year was left out).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .completeness import partial_years_by_district
from .indicators import compute_indicators
from ..vocab.indicators import polarity
from ..vocab.targets import targets

#: Pearson chi2 / df above this means overdispersion.
OVERDISPERSION_LIMIT = 1.5
#: Fingertips recent trend: chi2 with 1 df at 99.8% (two-sided 0.002).
RECENT_TREND_CHI2 = 9.5495
RECENT_TREND_POINTS = 5
MIN_YEARS = 3
TREND_INDICATORS = ["imr", "nmr", "postneonatal_mr", "mmr"]
#: Indicators whose trend is fitted only with enough deaths (see the module docstring).
SMALL_COUNT_INDICATORS = {"mmr"}
MIN_TREND_DEATHS = 20
MAX_ZERO_YEAR_SHARE = 0.5


#: Why a series has no APC (codes; the report layer words them through labels.csv).
NOT_FITTED = {
    "no_deaths": "no deaths in any year",
    "separated": "deaths in only the first or only the last year: the slope has no finite estimate",
    "not_converged": "the model did not converge",
    "too_few_deaths": f"too few deaths to fit a trend (fewer than {MIN_TREND_DEATHS} in total, or none in more than "
                      f"half of the years): read the counts and the pooled rates",
}


@dataclass
class TrendFit:
    model: str               # poisson | negative_binomial | quasi_poisson | not enough data | not fitted
    n_years: int
    beta: float = np.nan
    se: float = np.nan
    p_value: float = np.nan
    dispersion: float = np.nan
    alpha: float = np.nan    # NB2 alpha when negative_binomial
    result: object = None
    centre: float = 0.0
    note: str = ""           # a NOT_FITTED code when model == 'not fitted'

    @property
    def apc(self) -> float:
        return (np.exp(self.beta) - 1) * 100

    def apc_ci(self, level: float = 0.95) -> tuple[float, float]:
        from scipy.stats import norm

        z = norm.ppf(1 - (1 - level) / 2)
        return (np.exp(self.beta - z * self.se) - 1) * 100, (np.exp(self.beta + z * self.se) - 1) * 100


def too_few_deaths(deaths) -> bool:
    """Whether a series has too few deaths for a trend: fewer than MIN_TREND_DEATHS in total, or zero in
    more than MAX_ZERO_YEAR_SHARE of its years."""
    d = np.asarray(deaths, dtype=float)
    d = d[np.isfinite(d)]
    return bool(d.sum() < MIN_TREND_DEATHS or (d == 0).mean() > MAX_ZERO_YEAR_SHARE) if len(d) else True


def fit_trend(years, deaths, live_births, small_counts: bool = False) -> TrendFit:
    """Fit the trend model to one series; see the module docstring for the model and the choice.

    ``small_counts``: apply the small-count rule (too_few_deaths) before fitting."""
    import statsmodels.api as sm

    y = np.asarray(years, dtype=float)
    d = np.asarray(deaths, dtype=float)
    n = np.asarray(live_births, dtype=float)
    ok = np.isfinite(y) & np.isfinite(d) & np.isfinite(n) & (n > 0)
    y, d, n = y[ok], d[ok], n[ok]
    if len(y) < MIN_YEARS:
        return TrendFit("not enough data", int(len(y)))
    if d.sum() == 0:
        return TrendFit("not fitted", int(len(y)), note="no_deaths")
    if small_counts and too_few_deaths(d):
        return TrendFit("not fitted", int(len(y)), note="too_few_deaths")
    if separated(y, d):
        return TrendFit("not fitted", int(len(y)), note="separated")
    centre = float(y.mean())
    X = sm.add_constant(y - centre)
    offset = np.log(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pois = sm.GLM(d, X, family=sm.families.Poisson(), offset=offset).fit()
        dispersion = float(pois.pearson_chi2 / pois.df_resid) if pois.df_resid > 0 else np.nan
        fit, model, alpha = pois, "poisson", np.nan
        if np.isfinite(dispersion) and dispersion > OVERDISPERSION_LIMIT:
            try:
                nb = sm.NegativeBinomial(d, X, offset=offset).fit(disp=0, maxiter=200)
                alpha = float(nb.params[-1])
                if not nb.mle_retvals.get("converged", False) or not np.isfinite(alpha) or alpha <= 0:
                    raise ValueError("negative binomial did not converge")
                fit = sm.GLM(d, X, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset).fit()
                model = "negative_binomial"
            except Exception:
                fit = sm.GLM(d, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
                model, alpha = "quasi_poisson", np.nan
    if not getattr(fit, "converged", True) or not np.all(np.isfinite(fit.bse)):
        return TrendFit("not fitted", int(len(y)), dispersion=dispersion, note="not_converged")
    return TrendFit(model, int(len(y)), float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1]),
                    dispersion, alpha, fit, centre)


def separated(years: np.ndarray, deaths: np.ndarray) -> bool:
    """True when the maximum-likelihood slope is infinite: every death falls in the first year, or in the last.

    With log(mu) = b0 + b1 x, the profile log-likelihood in b1 keeps rising as b1 -> +inf when
    all deaths are at the largest x (as b1 -> -inf when all are at the smallest), so no finite
    APC exists; statsmodels then returns a huge slope with overflow warnings, not an estimate.
    """
    with_deaths = years[deaths > 0]
    return bool(len(with_deaths)) and (np.all(with_deaths == years.max()) or np.all(with_deaths == years.min()))


def fitted_band(fit: TrendFit, years, multiplier: float = 1000, level: float = 0.95) -> pd.DataFrame:
    """Fitted rate per ``multiplier`` with its confidence band, for plotting (any years, incl. projections)."""
    import statsmodels.api as sm
    from scipy.stats import norm

    y = np.asarray(years, dtype=float)
    if fit.result is None:
        return pd.DataFrame({"year": y, "fitted": np.nan, "fitted_lower": np.nan, "fitted_upper": np.nan})
    X = sm.add_constant(y - fit.centre, has_constant="add")
    eta = X @ fit.result.params
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, fit.result.cov_params(), X))
    z = norm.ppf(1 - (1 - level) / 2)
    return pd.DataFrame({"year": y, "fitted": np.exp(eta) * multiplier,
                         "fitted_lower": np.exp(eta - z * se) * multiplier,
                         "fitted_upper": np.exp(eta + z * se) * multiplier})


def recent_trend(years, values, lower_95, upper_95, points: int = RECENT_TREND_POINTS) -> str:
    """Fingertips recent-trend marker on the last ``points`` yearly values.

    Weighted least squares of value on year, weights 1/sigma^2 with sigma = (upper95 - lower95)/3.92
    (known variances, so the scale is fixed at 1); chi2 = (b / SE)^2 against 9.5495 (99.8%).
    Marked increasing/decreasing only when the slope keeps its sign with each point left out.
    Source: OHID Fingertips technical guidance, "Recent trends"; DOMAIN.md.
    """
    df = pd.DataFrame({"year": years, "value": values, "lo": lower_95, "hi": upper_95}).dropna()
    df = df.sort_values("year").tail(points)
    sigma = (df["hi"] - df["lo"]) / 3.92
    if len(df) < points or (sigma <= 0).any():
        return "not enough data"
    slope, se = _wls_slope(df["year"].to_numpy(float), df["value"].to_numpy(float), 1 / sigma.to_numpy() ** 2)
    if (slope / se) ** 2 <= RECENT_TREND_CHI2:
        return "no significant change"
    for i in range(len(df)):
        keep = np.arange(len(df)) != i
        s, _ = _wls_slope(df["year"].to_numpy(float)[keep], df["value"].to_numpy(float)[keep],
                          1 / sigma.to_numpy()[keep] ** 2)
        if np.sign(s) != np.sign(slope):
            return "no significant change"
    return "increasing" if slope > 0 else "decreasing"


def _wls_slope(x, y, w) -> tuple[float, float]:
    import statsmodels.api as sm

    res = sm.WLS(y, sm.add_constant(x - x.mean()), weights=w).fit(cov_type="fixed scale")
    return float(res.params[1]), float(res.bse[1])


def year_on_year(deaths_a, births_a, deaths_b, births_b, level: float = 0.95) -> dict:
    """Rate ratio of year B to year A with its CI and p-value (score method), statsmodels
    ``test_poisson_2indep`` / ``confint_poisson_2indep``."""
    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

    test = test_poisson_2indep(deaths_b, births_b, deaths_a, births_a, method="score", compare="ratio")
    low, upp = confint_poisson_2indep(deaths_b, births_b, deaths_a, births_a, method="score", compare="ratio",
                                      alpha=1 - level)
    ratio = (deaths_b / births_b) / (deaths_a / births_a) if deaths_a > 0 else np.nan
    return {"rate_ratio": ratio, "ratio_lower_95": float(low), "ratio_upper_95": float(upp),
            "p_value": float(test.pvalue)}


# --- tables --------------------------------------------------------------------------------

def _series(tables: dict[str, pd.DataFrame], level: str, computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The trend series at ``level``, from ``computed[level]`` when the caller has the indicator table
    (``compute_indicators`` with ``cause_grouping='report_group'``), else computed from ``tables``."""
    ind = computed[level] if computed is not None else \
        compute_indicators(tables, level=level, cause_grouping="report_group")
    keep = ind["indicator"].isin(TREND_INDICATORS) | ((ind["indicator"] == "cause_rate") & (ind["age_group"] == "infant"))
    ind = ind[keep].copy()
    ind["cause"] = ind["cause"].where(ind["indicator"] == "cause_rate", "")
    return ind


def _drop_partial(ind: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The series without the partial years of each district, and per district the years left out ('2025')."""
    partial = partial_years_by_district(tables)
    if not partial:
        return ind, {}
    drop = pd.Series(False, index=ind.index)
    for district, years in partial.items():
        drop |= (ind["district"] == district) & ind["year"].isin(list(years))
    return ind[~drop], {d: ", ".join(str(y) for y in sorted(years)) for d, years in partial.items()}


def trend_table(tables: dict[str, pd.DataFrame], level: str = "district", start: int | None = None,
                end: int | None = None, computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """APC, its CI, p-value, model and the recent-trend marker for every indicator, cause and area.

    ``computed``: the indicator tables by level (report cause groups), when already computed.
    Partial years are left out of the fits (module docstring); column ``left_out`` names them.
    """
    ind = _series(tables, level, computed)
    if start is not None:
        ind = ind[ind["year"] >= start]
    if end is not None:
        ind = ind[ind["year"] <= end]
    within = set(ind["year"])
    ind, left_out = _drop_partial(ind, tables)
    left_out = {d: ", ".join(y for y in text.split(", ") if int(y) in within) for d, text in left_out.items()}
    rows = []
    # by district too: two districts may each have a Puskesmas of the same name
    for (indicator, district, area, cause), g in ind.groupby(["indicator", "district", "area", "cause"], sort=False,
                                                             dropna=False):
        if g["numerator"].isna().all():
            continue  # no data for any year (an AKI series of a district without maternal-death data)
        g = g.sort_values("year")
        fit = fit_trend(g["year"], g["numerator"], g["denominator"], indicator in SMALL_COUNT_INDICATORS)
        lo, hi = fit.apc_ci() if fit.result is not None else (np.nan, np.nan)
        rows.append({"indicator": indicator, "level": level, "district": district, "area": area, "cause": cause,
                     "start_year": int(g["year"].min()), "end_year": int(g["year"].max()), "n_years": fit.n_years,
                     "apc": fit.apc if fit.result is not None else np.nan, "apc_lower_95": lo, "apc_upper_95": hi,
                     "p_value": fit.p_value, "model": fit.model, "dispersion": fit.dispersion,
                     "trend_marker": recent_trend(g["year"], g["value"], g["lower_95"], g["upper_95"]), "note": fit.note})
        row = rows[-1]
        if not row["note"] and row["p_value"] < 0.05 and row["trend_marker"] == "no significant change":
            row["note"] = "apc_vs_marker"
    cols = ["indicator", "level", "district", "area", "cause", "start_year", "end_year", "n_years", "apc", "apc_lower_95",
            "apc_upper_95", "p_value", "model", "trend_marker", "note", "dispersion"]
    out = pd.DataFrame(rows, columns=cols)
    if any(left_out.values()):
        out["left_out"] = out["district"].map(left_out).fillna("")
    return out


def fitted_series(tables: dict[str, pd.DataFrame], indicator: str = "imr", area: str | None = None,
                  level: str = "district", extend_to: int | None = None,
                  computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Observed rates with CIs and the fitted line with its band, per year (for trend charts).

    Every year is observed; the line is fitted on the full years (a partial year is left out)."""
    ind = _series(tables, level, computed)
    g = ind[(ind["indicator"] == indicator) & (ind["cause"] == "")]
    if area is not None:
        g = g[g["area"] == area]
    g = g.sort_values("year")
    full, _ = _drop_partial(g, tables)
    fit = fit_trend(full["year"], full["numerator"], full["denominator"], indicator in SMALL_COUNT_INDICATORS)
    last = int(g["year"].max())
    years = np.arange(int(g["year"].min()), max(last, extend_to or last) + 1)
    band = fitted_band(fit, years)
    obs = g[["year", "value", "lower_95", "upper_95", "target"]]
    out = band.merge(obs, on="year", how="left")
    out["indicator"], out["model"] = indicator, fit.model
    return out


def project_targets(tables: dict[str, pd.DataFrame], district: str | None = None, seed: int = 20241,
                    draws: int = 20000, computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """AKB and AKN projected to each target's year from the trend model, with a 95% prediction interval.

    The prediction interval adds Poisson (or NB) variation at the last year's live births to the
    uncertainty of the fitted line (simulation, fixed seed). Status: 'already met' when the latest
    observed value meets the target; 'on track' when the projected value at the target year meets
    it; otherwise 'not on track'. years_needed: years from the last data year to reach the target
    at the current APC (missing when the trend is flat or rising).
    """
    ind, _ = _drop_partial(_series(tables, "district", computed), tables)   # the last full year, never a year to date
    if district is not None:
        ind = ind[ind["area"] == district]
    rng = np.random.default_rng(seed)
    rows = []
    for _, t in targets().iterrows():
        if t["indicator"] not in ("imr", "nmr") or pd.isna(t["target_year"]):
            continue
        for area, g in ind[(ind["indicator"] == t["indicator"]) & (ind["cause"] == "")].groupby("area", dropna=False):
            g = g.sort_values("year")
            fit = fit_trend(g["year"], g["numerator"], g["denominator"])
            last = g.iloc[-1]
            target_year = int(t["target_year"])
            row = {"indicator": t["indicator"], "area": area, "target": float(t["target"]), "target_year": target_year,
                   "source": t["source"], "last_year": int(last["year"]), "last_value": float(last["value"]),
                   "model": fit.model, "apc": fit.apc if fit.result is not None else np.nan,
                   "projected": np.nan, "pi_lower_95": np.nan, "pi_upper_95": np.nan}
            if fit.result is not None:
                band = fitted_band(fit, [target_year])
                row["projected"] = float(band["fitted"].iloc[0])
                row["pi_lower_95"], row["pi_upper_95"] = _prediction_interval(fit, target_year, float(last["denominator"]), rng, draws)
            good = polarity(t["indicator"]) == "lower_is_better"
            meets = (lambda v: v <= row["target"]) if good else (lambda v: v >= row["target"])
            observed_at_target = g.loc[g["year"] == target_year, "value"]
            if len(observed_at_target) or target_year <= row["last_year"]:
                value = float(observed_at_target.iloc[0]) if len(observed_at_target) else row["last_value"]
                row["status"] = "already met" if meets(value) else "not met"
            elif meets(row["last_value"]):
                row["status"] = "already met"
            elif np.isfinite(row["projected"]) and meets(row["projected"]):
                row["status"] = "on track"
            else:
                row["status"] = "not on track"
            row["years_needed"] = _years_needed(row["last_value"], row["target"], row["apc"])
            rows.append(row)
    return pd.DataFrame(rows)


def _prediction_interval(fit: TrendFit, year: int, births: float, rng, draws: int) -> tuple[float, float]:
    band_x = np.array([1.0, year - fit.centre])
    eta = float(band_x @ fit.result.params)
    se = float(np.sqrt(band_x @ fit.result.cov_params() @ band_x))
    mu = np.exp(rng.normal(eta, se, draws)) * births
    if fit.model == "negative_binomial":
        mu = rng.gamma(1 / fit.alpha, fit.alpha * mu)
    deaths = rng.poisson(mu)
    rates = deaths / births * 1000
    return float(np.percentile(rates, 2.5)), float(np.percentile(rates, 97.5))


def _years_needed(value: float, target: float, apc: float) -> float:
    """Years to go from ``value`` to ``target`` at a constant APC: ln(target/value) / ln(1 + APC/100)."""
    if not np.isfinite(value) or not np.isfinite(apc):
        return np.nan
    if value <= target:
        return 0.0
    if apc >= 0:
        return np.nan
    return float(np.ceil(np.log(target / value) / np.log(1 + apc / 100)))


def year_on_year_table(tables: dict[str, pd.DataFrame], year: int, level: str = "district",
                       indicators=("imr", "nmr", "postneonatal_mr"),
                       computed: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Each indicator of ``year`` against ``year - 1``: rate ratio, 95% CI and p-value, per area.

    ``computed``: the indicator tables by level (both years), when already computed. A district
    whose ``year`` or ``year - 1`` is a partial year has no rows: a year to date is not compared
    with a year.
    """
    ind = computed[level] if computed is not None else compute_indicators(tables, level=level)
    ind = ind[ind["indicator"].isin(indicators)]
    partial = partial_years_by_district(tables)
    ind = ind[~ind["district"].map(lambda d: bool({year, year - 1} & set(partial.get(d, {}))))]
    cur = ind[ind["year"] == year].set_index(["indicator", "area"])
    prev = ind[ind["year"] == year - 1].set_index(["indicator", "area"])
    rows = []
    for key in cur.index.intersection(prev.index):
        a, b = prev.loc[key], cur.loc[key]
        if a["denominator"] > 0 and b["denominator"] > 0 and (a["numerator"] + b["numerator"]) > 0:
            comp = year_on_year(a["numerator"], a["denominator"], b["numerator"], b["denominator"])
        else:
            comp = {"rate_ratio": np.nan, "ratio_lower_95": np.nan, "ratio_upper_95": np.nan, "p_value": np.nan}
        rows.append({"indicator": key[0], "area": key[1], "year": year, "previous_value": a["value"],
                     "value": b["value"], **comp})
    return pd.DataFrame(rows)

"""Data completeness of one district and year: signs that deaths or causes were not reported.

Three checks, each returning numbers only (the report layer words them):

- ``zero_death_puskesmas``: a Puskesmas that reports no infant death among many live births may
  be under-reporting. Under the district's rate, the number of infant deaths among ``n`` live
  births is Poisson with mean ``mu = n * rate / 1000``, so

      P(0 deaths | n births, district rate) = exp(-mu)

  (the Poisson probability of zero events; Breslow & Day, *Statistical Methods in Cancer
  Research* II, IARC 1987, ch. 2; the same reasoning as the funnel plot's lower limit, Spiegelhalter,
  *Statistics in Medicine* 2005;24:1185-1202). A Puskesmas is flagged when that probability is below
  ``ZERO_DEATH_P`` (0.05): zero deaths would be unusual if its true rate were the district's.
  A fixed count (e.g. "more than 500 births") is not used: the probability accounts for both the
  births and the district's rate.
- ``ill_defined_share``: the share of infant deaths whose cause is ill-defined ('Lain-lain' /
  other, cause not determined: ``ill_defined`` in vocab/causes.csv) against ``ILL_DEFINED_MAX``
  (10%). WHO's assessment of cause-of-death data rates a source as high quality only when fewer
  than 10% of deaths have an ill-defined cause, and as low quality above 20% (Mathers CD, Ma Fat D,
  Inoue M, Rao C, Lopez AD. Counting the dead and what they died from: an assessment of the global
  status of cause of death data. *Bull World Health Organ* 2005;83:171-177). ICD-PM (WHO, *The WHO
  application of ICD-10 to deaths during the perinatal period*, 2016) likewise asks that the
  'unspecified' groups be kept as small as possible.
- ``missing_tables``: the Puskesmas of the district with no rows in a table (births, deaths by
  age, deaths by cause, neonatal visits) for the year; ``missing_months``: months missing from
  the monthly reports a Puskesmas sent (from the cleaning ledger).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocab.causes import ill_defined_causes

#: Flag a Puskesmas with zero infant deaths when P(0 deaths | births, district rate) is below this.
ZERO_DEATH_P = 0.05
#: Flag cause completeness when more than this share (%) of infant deaths have an ill-defined cause.
ILL_DEFINED_MAX = 10.0
#: The tables every Puskesmas reports each year (processed table names).
TABLES = ("births", "deaths", "deaths_by_cause", "neonatal_visits")


def zero_death_probability(live_births: float, district_rate: float) -> float:
    """P(0 deaths | live_births, district_rate per 1,000) = exp(-live_births * district_rate / 1000)."""
    return float(np.exp(-live_births * district_rate / 1000))


def zero_death_puskesmas(imr_by_puskesmas: pd.DataFrame, district_rate: float,
                         threshold: float = ZERO_DEATH_P) -> pd.DataFrame:
    """Puskesmas with zero infant deaths: live births, expected deaths, P(0 deaths), flagged (p < threshold).

    ``imr_by_puskesmas``: columns puskesmas, numerator (infant deaths), denominator (live births).
    Sorted by the probability, smallest first.
    """
    zero = imr_by_puskesmas[(imr_by_puskesmas["numerator"] == 0) & (imr_by_puskesmas["denominator"] > 0)]
    out = pd.DataFrame({"puskesmas": zero["puskesmas"], "live_births": zero["denominator"].astype(int),
                        "expected_deaths": zero["denominator"] * district_rate / 1000})
    out["p_zero"] = np.exp(-out["expected_deaths"])
    out["flagged"] = out["p_zero"] < threshold
    return out.sort_values("p_zero", kind="stable").reset_index(drop=True)


def ill_defined_share(deaths_by_cause: pd.DataFrame, year: int) -> dict:
    """Infant deaths (neonatal + post-neonatal) of ``year``, those with an ill-defined cause, their share (%)
    and whether the share is above ``ILL_DEFINED_MAX``."""
    c = deaths_by_cause[(deaths_by_cause["year"] == year) & deaths_by_cause["age_group"].isin(["neonatal", "postneonatal"])]
    total = int(c["deaths"].sum())
    ill = int(c.loc[c["cause"].isin(ill_defined_causes()), "deaths"].sum())
    share = 100 * ill / total if total else np.nan
    return {"deaths": total, "ill_defined": ill, "share": share, "threshold": ILL_DEFINED_MAX,
            "flagged": bool(total and share > ILL_DEFINED_MAX)}


def missing_tables(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """(puskesmas, table) pairs with no row in ``year``: each Puskesmas of the district is expected in every table."""
    present = {name: set(tables[name].loc[tables[name]["year"] == year, "puskesmas"])
               for name in TABLES if name in tables}
    everyone = sorted(set().union(*present.values())) if present else []
    rows = [(p, name) for name in TABLES for p in everyone if p not in present.get(name, set())]
    return pd.DataFrame(rows, columns=["puskesmas", "table"])


def missing_months(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """(puskesmas, months missing) for Puskesmas that sent monthly reports in ``year`` but not all twelve.

    ``ledger``: the cleaning ledger (ledger.csv) of one district; a monthly report's rows carry
    ``format`` 'monthly' and their ``month`` (1-12).
    """
    if ledger.empty or "format" not in ledger or "month" not in ledger:
        return pd.DataFrame(columns=["puskesmas", "months"])
    m = ledger[(ledger["format"] == "monthly") & (ledger["year"] == year) & (ledger["puskesmas"] != "")]
    m = m[pd.to_numeric(m["month"], errors="coerce").notna()]
    rows = []
    for puskesmas, months in m.groupby("puskesmas", dropna=False)["month"]:
        gone = sorted(set(range(1, 13)) - {int(float(x)) for x in months})
        if gone:
            rows.append((puskesmas, gone))
    return pd.DataFrame(rows, columns=["puskesmas", "months"])


def months_covered(tables: dict[str, pd.DataFrame], district: str | None = None) -> pd.DataFrame:
    """The months each year's data cover: year, months (sorted tuple), n_months, partial (fewer than 12).

    Monthly reports carry births with a ``month``: a year they feed covers the months present
    across the district's Puskesmas (a month any Puskesmas reported counts). Annex tables (births
    without a month) and line lists (deaths only: no month of them says a month was reported)
    cover the whole year. ``district`` None: every district in ``tables`` together.
    """
    def rows(name: str) -> pd.DataFrame:
        df = tables.get(name, pd.DataFrame(columns=["year", "district"]))
        return df if district is None else df[df["district"] == district]

    births = rows("births")
    years = sorted({int(y) for name in ("births", "deaths", "deaths_by_cause", "neonatal_visits")
                    for y in rows(name)["year"]})
    out = []
    for year in years:
        b = births[births["year"] == year]
        annual = b.empty or "month" not in b or b["month"].isna().any()
        months = tuple(range(1, 13)) if annual else tuple(sorted({int(m) for m in b["month"]}))
        out.append((year, months, len(months), len(months) < 12))
    return pd.DataFrame(out, columns=["year", "months", "n_months", "partial"])


def partial_years(tables: dict[str, pd.DataFrame], district: str | None = None) -> dict[int, tuple[int, ...]]:
    """The years whose data cover fewer than twelve months (``months_covered``), with those months.

    Such a year's counts are a year to date: they are never fitted or compared as a full year.
    """
    m = months_covered(tables, district)
    return {int(y): tuple(months) for y, months, partial in zip(m["year"], m["months"], m["partial"]) if partial}


def partial_years_by_district(tables: dict[str, pd.DataFrame]) -> dict[str, dict[int, tuple[int, ...]]]:
    """``partial_years`` of every district in ``tables`` (districts without a partial year left out)."""
    names = sorted({d for df in tables.values() if "district" in df for d in df["district"].dropna().unique()})
    found = {d: partial_years(tables, d) for d in names}
    return {d: years for d, years in found.items() if years}


def months_text(months) -> str:
    """The months a year's data cover, as data: '1-6' (first to last month), '3' for one month."""
    months = sorted(int(m) for m in months)
    return str(months[0]) if len(months) == 1 else f"{months[0]}-{months[-1]}"

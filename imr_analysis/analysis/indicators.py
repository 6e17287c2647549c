"""Indicators with confidence intervals, for any level of the hierarchy, year and sex.

All indicators share one shape (PHEindicatormethods style)::

    indicator, year, level, area, district, sex, age_group, cause, numerator, denominator,
    value, lower_95, upper_95, lower_998, upper_998, multiplier, method, flag,
    target, target_source, meets_target

=====================  ==============================================  ==========  =========
indicator              numerator / denominator                         multiplier  method
=====================  ==============================================  ==========  =========
imr (AKB)              neonatal + post-neonatal deaths / live births   1,000       byar/exact
nmr (AKN)              neonatal deaths (0-28 days) / live births       1,000       byar/exact
postneonatal_mr        post-neonatal deaths / live births              1,000       byar/exact
u5mr (AKABA)           deaths 0-59 months / live births                1,000       byar/exact
stillbirth_rate        stillbirths / (live births + stillbirths)       1,000       byar/exact
cause_rate             deaths from the cause / live births             1,000       byar/exact
cause_share            deaths from the cause / deaths with a cause     100 (%)     wilson
kn1_coverage           KN1 visits / denominator (live births/sasaran)  100 (%)     wilson
kn_lengkap_coverage    complete KN visits / denominator                100 (%)     wilson
mmr (AKI)              maternal deaths / live births                   100,000     byar/exact
=====================  ==============================================  ==========  =========

AKI is computed only for district-years with maternal-death data (the maternal tables or a line
list naming maternal deaths): a district-year without them has the flag 'no maternal data' and no
value, never a zero. A district has a
handful of maternal deaths a year, so AKI is best read pooled over years (analysis/pooled.py).

Aggregation up the hierarchy is a ratio of sums: numerators and denominators are summed over
the Puskesmas of a kecamatan or district, then divided (never an average of rates).
Source for the definitions: Profil Kesehatan (Kemenkes), DOMAIN.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import NEONATAL_MAX_DAYS
from ..schemas import GEOGRAPHY, MATERNAL_TABLES, UNKNOWN
from .intervals import proportion_ci, rate_ci
from ..vocab.causes import report_group
from ..vocab.indicators import multiplier
from ..vocab.targets import join_targets

LEVELS = {
    "district": ["province", "district"],
    "kecamatan": ["province", "district", "kecamatan"],
    "puskesmas": ["province", "district", "kecamatan", "puskesmas"],
}
AREA = {"district": "district", "kecamatan": "kecamatan", "puskesmas": "puskesmas"}
OUTPUT_COLUMNS = ["indicator", "year", "level", "area", "district", "sex", "age_group", "cause",
                  "numerator", "denominator", "value", "lower_95", "upper_95", "lower_998", "upper_998",
                  "multiplier", "method", "flag", "denominator_kind"]


def _keys(level: str, by_sex: bool, period: str = "year") -> list[str]:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got '{level}'")
    return LEVELS[level] + ["year"] + (["quarter"] if period == "quarter" else []) + (["sex"] if by_sex else [])


def add_quarter(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables with a ``quarter`` (triwulan I-IV = 1-4) from their month; needs monthly data."""
    out = {}
    for name, df in tables.items():
        if name == "incomplete":  # not counts: its rows are matched by month where they have one
            out[name] = df
            continue
        if name in MATERNAL_TABLES and "month" not in df:  # yearly maternal tables have no quarter: no AKI by quarter
            out[name] = df.iloc[0:0].assign(quarter=pd.Series(dtype="Int64"))
            continue
        if not df.empty and "month" not in df:
            raise ValueError(f"the {name} table has no month: quarters need monthly reports or line lists")
        out[name] = df.assign(quarter=((df["month"] - 1) // 3 + 1).astype("Int64")) if "month" in df else \
            df.assign(quarter=pd.Series(dtype="Int64"))
    return out


def _sum(df: pd.DataFrame, keys: list[str], value: str) -> pd.Series:
    return df.groupby(keys, dropna=False, observed=True)[value].sum()


def _shape(df: pd.DataFrame, indicator: str, level: str, ci: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat([df.reset_index(drop=True), ci.reset_index(drop=True)], axis=1)
    out["indicator"] = indicator
    out["level"] = level
    out["area"] = out[AREA[level]]
    if "quarter" in df:
        out["quarter"] = df["quarter"].to_numpy()
    for col in ("sex", "age_group", "cause", "denominator_kind"):
        if col not in out:
            out[col] = "all" if col in ("sex", "age_group", "cause") else ""
    return out[OUTPUT_COLUMNS + (["quarter"] if "quarter" in out else [])]


#: Flag of a rate whose live births are missing (a death line list on its own, for example).
NO_BIRTHS = "no live-birth data was given for this area and period"


def mortality(tables: dict[str, pd.DataFrame], level: str = "district", by_sex: bool = False,
              neonatal_max_days: int = NEONATAL_MAX_DAYS, period: str = "year") -> pd.DataFrame:
    """AKB (imr), AKN (nmr), the post-neonatal rate and AKABA (u5mr, where the data have 12-59 months).

    Rates per 1,000 live births; deaths and births summed over the group, then divided.
    Annex tables are already split at 28 days (Profil usage), so only that cut-off can be used
    with them; a different ``neonatal_max_days`` needs data with age in days.
    """
    if neonatal_max_days != NEONATAL_MAX_DAYS:
        raise ValueError(f"the annex tables split neonatal deaths at {NEONATAL_MAX_DAYS} days; a cut-off of "
                         f"{neonatal_max_days} days needs deaths with age in days (a death line list).")
    keys = _keys(level, by_sex, period)
    births = _sum(tables["births"], keys, "live_births").rename("live_births")
    deaths = tables["deaths"].groupby(keys + ["age_group"], observed=True, dropna=False)["deaths"].sum().unstack("age_group")
    for group in ("neonatal", "postneonatal"):  # an area with death records but none at this age had none
        deaths[group] = deaths[group].fillna(0) if group in deaths else 0.0
    frame = pd.concat([births, deaths], axis=1).reset_index()
    defs = {"imr": ["neonatal", "postneonatal"], "nmr": ["neonatal"], "postneonatal_mr": ["postneonatal"],
            "u5mr": ["neonatal", "postneonatal", "child"]}
    out = []
    for indicator, parts in defs.items():
        if not set(parts) <= set(frame.columns):
            continue
        numerator = frame[parts].sum(axis=1, min_count=len(parts))
        ci = rate_ci(numerator, frame["live_births"], multiplier(indicator))
        ci["flag"] = ci["flag"].replace("denominator missing", NO_BIRTHS)
        out.append(_shape(frame[keys], indicator, level, ci))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=OUTPUT_COLUMNS)


def stillbirth_rate(tables: dict[str, pd.DataFrame], level: str = "district", by_sex: bool = False,
                    period: str = "year") -> pd.DataFrame:
    """Stillbirths per 1,000 total births (live + still), Byar / exact intervals."""
    keys = _keys(level, by_sex, period)
    b = tables["births"].groupby(keys, dropna=False, observed=True)[["live_births", "stillbirths"]].sum().reset_index()
    ci = rate_ci(b["stillbirths"], b["live_births"] + b["stillbirths"], multiplier("stillbirth_rate"))
    return _shape(b[keys], "stillbirth_rate", level, ci)


def causes(tables: dict[str, pd.DataFrame], level: str = "district", grouping: str = "code",
           period: str = "year") -> pd.DataFrame:
    """Cause-specific death rates per 1,000 live births and cause shares (% of deaths with a cause).

    Rows for age_group 'infant' (neonatal + post-neonatal), 'neonatal' and 'postneonatal'.
    ``grouping``: 'code' for each cause code, 'report_group' for the headline causes
    (LBW/prematurity, asphyxia, pneumonia, sepsis/infection), congenital, diarrhoea and other.
    """
    keys = _keys(level, False, period)
    c = tables["deaths_by_cause"]
    c = c[c["age_group"].isin(["neonatal", "postneonatal"])].copy()
    cause = c["cause"].astype("category")  # mapping the categories, not every row, keeps it fast at scale
    categories = pd.Series(cause.cat.categories.astype(str))
    mapped = (report_group(categories) if grouping == "report_group" else categories).to_numpy(dtype=object)
    new_categories = sorted(set(mapped))
    recode = np.array([new_categories.index(m) for m in mapped], dtype=np.int64)
    c["cause"] = pd.Categorical.from_codes(recode[cause.cat.codes.to_numpy()], categories=new_categories)
    c["age_group"] = c["age_group"].astype("category")
    by_age = c.groupby(keys + ["age_group", "cause"], dropna=False, observed=True)["deaths"].sum().rename("deaths").reset_index()
    infant = by_age.groupby(keys + ["cause"], dropna=False, observed=True)["deaths"].sum().reset_index().assign(age_group="infant")
    by_age["age_group"] = by_age["age_group"].astype(str)
    counts = pd.concat([infant[by_age.columns], by_age], ignore_index=True)
    totals = counts.groupby(keys + ["age_group"], dropna=False, observed=True)["deaths"].transform("sum")
    births = _sum(tables["births"], keys, "live_births")
    live_births = births.reindex(pd.MultiIndex.from_frame(counts[keys])).to_numpy()  # an index join, not a merge
    rate = rate_ci(counts["deaths"], live_births, multiplier("cause_rate"))
    rate["flag"] = rate["flag"].replace("denominator missing", NO_BIRTHS)
    rates = _shape(counts[keys + ["age_group", "cause"]], "cause_rate", level, rate)
    shares = _shape(counts[keys + ["age_group", "cause"]], "cause_share", level,
                    proportion_ci(counts["deaths"], totals, multiplier=multiplier("cause_share")))
    return pd.concat([rates, shares], ignore_index=True)


#: Flag of an AKI row whose district-year has no maternal-death data (no maternal table, no maternal death in
#: a line list): its value is missing, never a zero.
NO_MATERNAL = "no maternal data for this district and year"


def maternal_mortality(tables: dict[str, pd.DataFrame], level: str = "district", period: str = "year") -> pd.DataFrame:
    """AKI (mmr): maternal deaths per 100,000 live births, Byar / exact Poisson intervals (exact below 10 deaths).

    Every area and period with live births or maternal-death records gets a row. Within a district-year
    that has maternal-death data (a maternal table or a maternal death in a line list), an area without a
    maternal death counts 0; a district-year without any has no value and the flag NO_MATERNAL ('no
    maternal data', never AKI 0). Live births come from the births table, as for every rate.
    """
    keys = _keys(level, False, period)
    m = tables.get("maternal_deaths")
    m = m if m is not None else pd.DataFrame(columns=keys + ["deaths"])
    b = tables["births"]
    deaths = _sum(m, keys, "deaths").rename("deaths") if not m.empty else None
    births = _sum(b, keys, "live_births").rename("live_births") if not b.empty else None
    if deaths is None and births is None:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    index = deaths.index if births is None else births.index if deaths is None else deaths.index.union(births.index)
    frame = pd.DataFrame({"deaths": deaths.reindex(index) if deaths is not None else np.nan,
                          "live_births": births.reindex(index) if births is not None else np.nan}, index=index)
    frame = frame.reset_index()
    covered = set(zip(m["district"], m["year"].astype(int))) if not m.empty else set()
    has = np.array([(d, int(y)) in covered for d, y in zip(frame["district"], frame["year"])], dtype=bool)
    frame["deaths"] = frame["deaths"].fillna(0).where(has)
    ci = rate_ci(frame["deaths"], frame["live_births"], multiplier("mmr"))
    ci["flag"] = ci["flag"].replace("denominator missing", NO_BIRTHS)
    ci.loc[~has, ["flag", "method"]] = [NO_MATERNAL, ""]
    return _shape(frame[keys], "mmr", level, ci)


def coverage(tables: dict[str, pd.DataFrame], level: str = "district", by_sex: bool = False,
             period: str = "year") -> pd.DataFrame:
    """KN1 and KN lengkap coverage (%), Wilson intervals; the denominator kind is carried along."""
    keys = _keys(level, by_sex, period)
    v = tables["neonatal_visits"]
    grouped = v.groupby(keys + ["visit"], dropna=False, observed=True)
    g = grouped.agg(visits=("visits", "sum"), denominator=("denominator", "sum"),
                    denominator_kind=("denominator_kind", "first"), kinds=("denominator_kind", "nunique")).reset_index()
    g["denominator_kind"] = g["denominator_kind"].astype(object).where(g["kinds"] <= 1, "live_births/sasaran")
    out = []
    for visit, name in (("kn1", "kn1_coverage"), ("kn_lengkap", "kn_lengkap_coverage")):
        part = g[g["visit"] == visit].reset_index(drop=True)
        shaped = _shape(part[keys + ["denominator_kind"]], name, level, proportion_ci(part["visits"], part["denominator"], multiplier=multiplier(name)))
        out.append(shaped)
    return pd.concat(out, ignore_index=True)


def check_geography(tables: dict[str, pd.DataFrame]) -> None:
    """The geography rule (schemas.py): no geography key may be missing or empty.

    A missing key would make a group-by skip its rows, and an area would silently lose its
    deaths or births; so this stops instead, naming the table and the column.
    """
    for name, df in tables.items():
        for col in GEOGRAPHY:
            if col in df and not df.empty:
                bad = df[col].isna() | (df[col].astype(str).str.strip() == "")
                if bad.any():
                    raise ValueError(f"the {name} table has {int(bad.sum())} row(s) with no {col}; write "
                                     f"'{UNKNOWN}' for a {col} the data do not give (schemas.py, the geography rule)")


#: Which tables feed which indicator family: a raw row of such a table set aside for a problem
#: takes its Puskesmas-period out of that family's numerators and denominators alike.
FAMILY_TABLES = {
    "mortality": {"births", "deaths", "monthly", "linelist"},
    "stillbirth": {"births", "monthly"},
    "coverage": {"kn", "monthly"},
    "causes": {"births", "causes", "monthly", "linelist"},
    "maternal": {"births", "maternal", "linelist"},
}
#: Flag of an aggregated value some of whose Puskesmas rows were set aside in cleaning.
INCOMPLETE = "built from incomplete rows: {n} raw row(s) set aside in cleaning are left out (see set_aside.csv)"
#: Flag of a Puskesmas value that cannot be computed because one of its rows was set aside.
SET_ASIDE = "a row of this Puskesmas was set aside in cleaning (see set_aside.csv): not computed"


def _without_incomplete(tables: dict[str, pd.DataFrame], family: str) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables without the Puskesmas-periods whose rows feeding ``family`` were set aside, and those rows."""
    inc = tables.get("incomplete")
    if inc is None or inc.empty:
        return tables, pd.DataFrame()
    inc = inc[inc["table"].isin(FAMILY_TABLES[family])]
    if inc.empty:
        return tables, inc
    out = {}
    resolved = inc[inc["puskesmas"] != UNKNOWN]
    for name, df in tables.items():
        if name == "incomplete" or df.empty or resolved.empty:
            out[name] = df
            continue
        keys = ["district", "puskesmas", "year"]
        by_month = "month" in df and "month" in resolved and resolved["month"].notna().any()
        drop = resolved[keys + (["month"] if by_month else [])].drop_duplicates()
        if by_month:  # a monthly row set aside leaves its month out; a yearly one the whole year
            yearly = drop[drop["month"].isna()][keys]
            monthly = drop[drop["month"].notna()]
            hit = df[keys].merge(yearly.assign(_hit=True), on=keys, how="left")["_hit"].notna().to_numpy()
            hit |= df[keys + ["month"]].merge(monthly.assign(_hit=True), on=keys + ["month"],
                                             how="left")["_hit"].notna().to_numpy()
        else:
            hit = df[keys].merge(drop.assign(_hit=True), on=keys, how="left")["_hit"].notna().to_numpy()
        out[name] = df[~hit]
    return out, inc


def _flag_incomplete(out: pd.DataFrame, full: pd.DataFrame, inc: pd.DataFrame, level: str,
                     period: str) -> pd.DataFrame:
    """Flag values built without set-aside rows; at Puskesmas level, list those Puskesmas as not computed."""
    if inc.empty or out.empty and full.empty:
        return out
    keys = ["district", "area", "year"] + (["quarter"] if period == "quarter" and "quarter" in out else [])
    inc = inc.assign(area=inc[AREA[level]])
    if "quarter" in keys:
        inc["quarter"] = ((inc["month"] - 1) // 3 + 1).astype("Int64") if "month" in inc else pd.NA
    counts = inc.groupby(keys, dropna=False).size().rename("_n").reset_index()
    if level == "puskesmas":
        skipped = full.merge(counts[keys], on=keys, how="inner")
        skipped = skipped.assign(**{c: np.nan for c in ("numerator", "denominator", "value", "lower_95", "upper_95",
                                                         "lower_998", "upper_998")}, flag=SET_ASIDE)
        kept = out.merge(counts[keys].assign(_x=True), on=keys, how="left")
        out = pd.concat([out[kept["_x"].isna().to_numpy()], skipped[out.columns]], ignore_index=True)
        return out
    merged = out[keys].merge(counts, on=keys, how="left")["_n"].to_numpy()
    hit = ~pd.isna(merged)
    note = np.array([INCOMPLETE.format(n=int(n)) if h else "" for n, h in zip(merged, hit)], dtype=object)
    flag = out["flag"].fillna("").astype(str).to_numpy()
    out = out.copy()
    out["flag"] = np.where(hit & (flag != ""), flag + "; " + note, np.where(hit, note, flag))
    return out


def compute_indicators(tables: dict[str, pd.DataFrame], level: str = "district", year: int | None = None,
                       by_sex: bool = False, cause_grouping: str = "code", period: str = "year") -> pd.DataFrame:
    """Every indicator at one level, with targets joined (``target``, ``meets_target``).

    ``period='quarter'`` adds a ``quarter`` column (triwulan, from monthly data) to the keys.
    Puskesmas-periods with a raw row set aside in cleaning (the ``incomplete`` table) are left
    out of the numerator and the denominator of the indicators that row feeds; the areas above
    them carry the flag INCOMPLETE, and the Puskesmas itself SET_ASIDE with no value.
    """
    check_geography(tables)
    if period == "quarter":
        tables = add_quarter(tables)
    families = {
        "mortality": lambda t: mortality(t, level, by_sex, period=period),
        "stillbirth": lambda t: stillbirth_rate(t, level, by_sex, period),
        "coverage": lambda t: coverage(t, level, by_sex, period),
        "causes": lambda t: causes(t, level, cause_grouping, period),
        "maternal": lambda t: maternal_mortality(t, level, period),
    }
    # Parts in report order; each is already sorted by geography and period (groupby order), so no
    # sort of the whole output is needed (at national scale that sort alone took a third of the time).
    parts = []
    for family, compute in families.items():
        complete, inc = _without_incomplete(tables, family)
        part = compute(complete)
        if not inc.empty:
            part = _flag_incomplete(part, compute(tables) if level == "puskesmas" else part, inc, level, period)
        parts.append(part)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS + ["target", "target_source", "meets_target"])
    out = pd.concat(parts, ignore_index=True)
    if year is not None:
        out = out[out["year"] == year]
    out = join_targets(out.reset_index(drop=True))
    out["year"] = out["year"].astype(int)
    return out


def aggregate_puskesmas_year(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The canonical tables summed over months to one row per Puskesmas, year and category.

    Every indicator is a ratio of sums, so computing any level from these sums gives the same
    numbers as from the monthly rows, with far fewer rows to group (national monthly data:
    1.2 million Puskesmas-months become 100,000 Puskesmas-years).
    """
    keys = LEVELS["puskesmas"] + ["year"]
    spec = {"births": (["sex"], ["live_births", "stillbirths"]), "deaths": (["sex", "age_group"], ["deaths"]),
            "deaths_by_cause": (["sex", "age_group", "cause"], ["deaths"]),
            "neonatal_visits": (["sex", "visit"], ["visits", "denominator"]),
            "maternal_deaths": (["period", "age_group"], ["deaths"])}
    out = {}
    for name, (extra, values) in spec.items():
        df = tables.get(name)
        if df is None:  # a set of tables without the maternal ones
            continue
        g = df.groupby(keys + extra, dropna=False, observed=True)
        agg = g[values].sum()
        if name == "neonatal_visits":
            agg["denominator_kind"] = g["denominator_kind"].first()
        out[name] = agg.reset_index()
    return out


def indicators_for_levels(tables: dict[str, pd.DataFrame], levels=("puskesmas", "kecamatan", "district"),
                          **kwargs) -> dict[str, pd.DataFrame]:
    """compute_indicators for several levels from one aggregation to Puskesmas x year (see above)."""
    incomplete = tables.get("incomplete")
    if kwargs.get("period", "year") != "year" or (incomplete is not None and not incomplete.empty):
        return {level: compute_indicators(tables, level=level, **kwargs) for level in levels}
    base = aggregate_puskesmas_year(tables)
    return {level: compute_indicators(base, level=level, **kwargs) for level in levels}

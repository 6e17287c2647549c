"""Report tables for one district: the numbers behind the annual report and the trend report.

Each function returns a tidy DataFrame with English column names; ``present`` turns one into a
display table with labels and numbers in the report language. The functions take the district's
indicator table by level (``indicators_by_level``: computed once per report) and slice it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.indicators import compute_indicators
from ..clean.store import districts, years  # noqa: F401 (years: used by the reports as tables.years)
from ..vocab.causes import headline_causes, report_group, report_groups
from .language import fmt, t

#: The annual report's cause groups: the headline causes (causes.csv), then the rest grouped.
REPORT_CAUSES = [*headline_causes(), "other"]
#: The annual report's headline indicators, in order: AKB, AKN, post-neonatal rate, AKABA, stillbirth rate.
HEADLINE = ("imr", "nmr", "postneonatal_mr", "u5mr", "stillbirth_rate")
#: Every report cause group, in report order (causes.csv).
CAUSE_ORDER = report_groups()


def resolve_district(tables: dict[str, pd.DataFrame], district: str | None) -> str:
    """The district to report on: the one given, or the only one in the data. Otherwise an ``InputError``
    (district_not_in_data, districts_ambiguous of vocab/input_errors.csv) naming the districts found."""
    from ..errors import InputError

    known = districts(tables)
    if district:
        from ..vocab.puskesmas import district_key
        match = [d for d in known if district_key(d) == district_key(district)]
        if not match:
            raise InputError.from_key("district_not_in_data", district=district, known=", ".join(known))
        return match[0]
    if len(known) != 1:
        raise InputError.from_key("districts_ambiguous", count=len(known), known=", ".join(known))
    return known[0]


def only(tables: dict[str, pd.DataFrame], district: str) -> dict[str, pd.DataFrame]:
    """The rows of one district in every table."""
    return {k: v[v["district"] == district] for k, v in tables.items()}


def indicators_by_level(tables: dict[str, pd.DataFrame], levels=("district", "puskesmas"),
                        cause_grouping: str = "code") -> dict[str, pd.DataFrame]:
    """``compute_indicators`` of ``tables`` (one district's) at each level, every year: a report's numbers.

    A report computes these once and every table slices them (a slice of all years equals the
    indicators computed for one year: each year is computed on its own).
    """
    return {level: compute_indicators(tables, level=level, cause_grouping=cause_grouping) for level in levels}


def _year(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    return ind[ind["year"] == year]


def headline(computed: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """AKB, AKN, the post-neonatal rate, AKABA and the stillbirth rate of a year with CIs, target, and the previous year."""
    ind = computed["district"]
    ind = ind[ind["indicator"].isin(HEADLINE)]
    cur = ind[ind["year"] == year].set_index("indicator")
    prev = ind[ind["year"] == year - 1].set_index("indicator")
    out = cur[["numerator", "denominator", "value", "lower_95", "upper_95", "target", "meets_target"]].copy()
    out["previous_value"] = prev["value"].reindex(out.index)
    out["change"] = out["value"] - out["previous_value"]
    return out.reindex([i for i in HEADLINE if i in out.index]).reset_index()


def deaths_by_puskesmas_and_cause(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Infant deaths (neonatal + post-neonatal) by Puskesmas and report cause group, with totals (one district's tables)."""
    c = tables["deaths_by_cause"]
    c = c[(c["year"] == year) & c["age_group"].isin(["neonatal", "postneonatal"])].copy()
    c["group"] = report_group(c["cause"]).where(lambda g: g.isin(REPORT_CAUSES), "other")
    wide = c.pivot_table(index="puskesmas", columns="group", values="deaths", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=REPORT_CAUSES, fill_value=0)
    wide["total"] = wide.sum(axis=1)
    wide = wide.sort_values(["total"], ascending=False, kind="stable")
    wide.loc["total"] = wide.sum()
    return wide.astype(int).reset_index()


def imr_by_puskesmas(computed: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """AKB by Puskesmas with 95% and 99.8% CIs, beside the district value and the target."""
    pk = _year(computed["puskesmas"], year)
    pk = pk[pk["indicator"] == "imr"]
    dist = _year(computed["district"], year)
    dist = dist[dist["indicator"] == "imr"].iloc[0]
    out = pk[["area", "numerator", "denominator", "value", "lower_95", "upper_95", "lower_998", "upper_998",
              "method", "target"]].rename(columns={"area": "puskesmas"})
    out["district_value"] = dist["value"]
    return out.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def causes_by_age(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Deaths and shares by report cause group, neonatal against post-neonatal (one district's tables)."""
    c = tables["deaths_by_cause"]
    c = c[(c["year"] == year) & c["age_group"].isin(["neonatal", "postneonatal"])].copy()
    c["group"] = report_group(c["cause"])
    wide = c.pivot_table(index="group", columns="age_group", values="deaths", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=CAUSE_ORDER, columns=["neonatal", "postneonatal"], fill_value=0)
    for age in ("neonatal", "postneonatal"):
        total = wide[age].sum()
        wide[f"{age}_share"] = 100 * wide[age] / total if total else np.nan
    return wide.rename_axis("cause").reset_index()


def coverage_by_puskesmas(computed: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """KN1 and KN lengkap coverage (%) by Puskesmas and for the district, with the gap to 100%."""
    parts = []
    for level in ("puskesmas", "district"):
        ind = _year(computed[level], year)
        ind = ind[ind["indicator"].isin(["kn1_coverage", "kn_lengkap_coverage"])]
        wide = ind.pivot_table(index="area", columns="indicator", values="value", aggfunc="first")
        den = ind[ind["indicator"] == "kn_lengkap_coverage"].set_index("area")
        wide["kn_lengkap"] = den["numerator"]
        wide["denominator"] = den["denominator"]
        wide["denominator_kind"] = den["denominator_kind"]
        wide["level"] = level
        parts.append(wide.reset_index())
    out = pd.concat(parts, ignore_index=True)
    if "kn_lengkap_coverage" not in out:
        return out
    out["gap_to_target"] = 100 - out["kn_lengkap_coverage"]
    pk = out[out["level"] == "puskesmas"].sort_values("kn_lengkap_coverage", kind="stable")
    return pd.concat([pk, out[out["level"] == "district"]], ignore_index=True)


# --- trends -------------------------------------------------------------------------------

def yearly_rates(computed: dict[str, pd.DataFrame], start: int, end: int) -> pd.DataFrame:
    """AKB and AKN per year with CIs and targets, district level."""
    ind = computed["district"]
    ind = ind[ind["indicator"].isin(["imr", "nmr"]) & ind["year"].between(start, end)]
    return ind[["indicator", "year", "numerator", "denominator", "value", "lower_95", "upper_95", "target",
                "meets_target"]].reset_index(drop=True)


def causes_by_year(computed: dict[str, pd.DataFrame], start: int, end: int) -> pd.DataFrame:
    """Infant deaths and rates per 1,000 live births by report cause group and year (indicators by report group)."""
    ind = computed["district"]
    ind = ind[(ind["indicator"] == "cause_rate") & (ind["age_group"] == "infant") & ind["year"].between(start, end)]
    out = ind[["year", "cause", "numerator", "value", "lower_95", "upper_95"]].rename(
        columns={"numerator": "deaths", "value": "rate"})
    return out.sort_values(["cause", "year"]).reset_index(drop=True)


def imr_heatmap(computed: dict[str, pd.DataFrame], start: int, end: int) -> pd.DataFrame:
    """AKB per 1,000 live births, Puskesmas x year."""
    ind = computed["puskesmas"]
    ind = ind[(ind["indicator"] == "imr") & ind["year"].between(start, end)]
    return ind.pivot_table(index="area", columns="year", values="value", aggfunc="first").rename_axis(index="puskesmas")


# --- maternal deaths -------------------------------------------------------------------------

#: What maternal deaths are counted by in the reports (counts first): the table and its column.
MATERNAL_BY = {"period": ("maternal_deaths", "period"), "age_group": ("maternal_deaths", "age_group"),
               "cause": ("maternal_causes", "cause"), "puskesmas": ("maternal_deaths", "puskesmas")}


def maternal_deaths_by(tables: dict[str, pd.DataFrame], years, by: str) -> pd.DataFrame:
    """Maternal deaths of one district by ``by`` (period, age_group, cause, puskesmas) and year: one row per category,
    one column per year of ``years`` with maternal data, then 'total'. Causes on the current edition's categories
    (vocab/maternal.py ``current_code``). Empty when the years have no maternal-death data."""
    from ..vocab.maternal import current_code

    name, column = MATERNAL_BY[by]
    df = tables.get(name)
    if df is None or df.empty:
        return pd.DataFrame(columns=[by, "total"])
    df = df[df["year"].isin(list(years))]
    if by == "cause":
        df = df.assign(cause=current_code(df["cause"]))
    wide = df.pivot_table(index=column, columns="year", values="deaths", aggfunc="sum", fill_value=0)
    wide["total"] = wide.sum(axis=1)
    return wide.astype(int).rename_axis(index=by, columns=None).reset_index()


def pooled_aki(computed: dict[str, pd.DataFrame], end_year: int) -> pd.DataFrame:
    """AKI pooled over the 3 and 5 years ending at ``end_year`` (analysis/pooled.py: summed deaths over summed live
    births), with its 95% interval beside every AKI target of targets.csv (RPJMN 2024: 183; SDG 3.1 2030: below 70).
    A window is left out when one of its years has no maternal data."""
    from ..analysis.pooled import pooled_indicator
    from ..vocab.targets import targets

    p = pooled_indicator(computed["district"], "mmr")
    p = p[p["end_year"] == end_year].reset_index(drop=True)
    t = targets()
    t = t[t["indicator"] == "mmr"]
    for _, row in t.iterrows():
        key = f"target_{row['target_year']}"
        p[key] = float(row["target"])
        p[f"{key}_source"] = row["source"]
    return p


# --- presentation ---------------------------------------------------------------------------

def present(df: pd.DataFrame, lang: str, columns: dict[str, tuple[str, int | None]],
            translate: tuple[str, ...] = ()) -> pd.DataFrame:
    """A display copy: chosen columns, labelled in ``lang``, numbers formatted (None: as text).

    ``columns`` maps a column to (label key, decimals). Values of columns in ``translate`` are
    label keys themselves (cause codes, indicator names) and are translated too.
    """
    out = pd.DataFrame(index=df.index)
    for col, (key, decimals) in columns.items():
        values = df[col]
        if col in translate:
            values = values.map(lambda v: t(v, lang) if isinstance(v, str) and v else v)
        elif decimals is not None:
            values = values.map(lambda v: fmt(v, lang, decimals))
        elif values.dtype == bool or str(values.dtype) == "boolean":
            values = values.map(lambda v: "-" if pd.isna(v) else t("yes" if v else "no", lang))
        out[t(key, lang)] = values
    return out.reset_index(drop=True)

"""Report tables for one district: the numbers behind the annual report and the trend report.

Each function returns a tidy DataFrame with English column names; ``present`` turns one into a
display table with labels and numbers in the report language.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.indicators import compute_indicators
from ..clean.store import districts, years  # noqa: F401 (years: used by the reports as tables.years)
from .labels import fmt, fmt_ci, t
from ..vocab.causes import report_group

#: The report's cause groups: the four headline causes, then the rest grouped.
REPORT_CAUSES = ["lbw_prematurity", "asphyxia", "pneumonia", "sepsis_infection", "other"]


def resolve_district(tables: dict[str, pd.DataFrame], district: str | None) -> str:
    """The district to report on: the one given, or the only one in the data."""
    known = districts(tables)
    if district:
        from ..vocab.puskesmas import district_key
        match = [d for d in known if district_key(d) == district_key(district)]
        if not match:
            raise ValueError(f"district '{district}' is not in the data; districts found: {', '.join(known)}")
        return match[0]
    if len(known) != 1:
        raise ValueError(f"the data hold {len(known)} districts ({', '.join(known)}); choose one with district=...")
    return known[0]


def _only(tables: dict[str, pd.DataFrame], district: str) -> dict[str, pd.DataFrame]:
    return {k: v[v["district"] == district] for k, v in tables.items()}


def headline(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """AKB, AKN and the post-neonatal rate of a year with CIs, target, and the previous year."""
    ind = compute_indicators(_only(tables, district), level="district")
    ind = ind[ind["indicator"].isin(["imr", "nmr", "postneonatal_mr"])]
    cur = ind[ind["year"] == year].set_index("indicator")
    prev = ind[ind["year"] == year - 1].set_index("indicator")
    out = cur[["numerator", "denominator", "value", "lower_95", "upper_95", "target", "meets_target"]].copy()
    out["previous_value"] = prev["value"].reindex(out.index)
    out["change"] = out["value"] - out["previous_value"]
    return out.reindex([i for i in ("imr", "nmr", "postneonatal_mr") if i in out.index]).reset_index()


def deaths_by_puskesmas_and_cause(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """Infant deaths (neonatal + post-neonatal) by Puskesmas and report cause group, with totals."""
    c = _only(tables, district)["deaths_by_cause"]
    c = c[(c["year"] == year) & c["age_group"].isin(["neonatal", "postneonatal"])].copy()
    c["group"] = report_group(c["cause"]).where(lambda g: g.isin(REPORT_CAUSES), "other")
    wide = c.pivot_table(index="puskesmas", columns="group", values="deaths", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=REPORT_CAUSES, fill_value=0)
    wide["total"] = wide.sum(axis=1)
    wide = wide.sort_values(["total"], ascending=False, kind="stable")
    wide.loc["total"] = wide.sum()
    return wide.astype(int).reset_index()


def imr_by_puskesmas(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """AKB by Puskesmas with 95% and 99.8% CIs, beside the district value and the target."""
    sub = _only(tables, district)
    pk = compute_indicators(sub, level="puskesmas", year=year)
    pk = pk[pk["indicator"] == "imr"]
    dist = compute_indicators(sub, level="district", year=year)
    dist = dist[dist["indicator"] == "imr"].iloc[0]
    out = pk[["area", "numerator", "denominator", "value", "lower_95", "upper_95", "lower_998", "upper_998",
              "method", "target"]].rename(columns={"area": "puskesmas"})
    out["district_value"] = dist["value"]
    return out.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def causes_by_age(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """Deaths and shares by report cause group, neonatal against post-neonatal."""
    c = _only(tables, district)["deaths_by_cause"]
    c = c[(c["year"] == year) & c["age_group"].isin(["neonatal", "postneonatal"])].copy()
    c["group"] = report_group(c["cause"])
    order = ["lbw_prematurity", "asphyxia", "pneumonia", "sepsis_infection", "congenital", "diarrhoea", "other"]
    wide = c.pivot_table(index="group", columns="age_group", values="deaths", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=order, columns=["neonatal", "postneonatal"], fill_value=0)
    for age in ("neonatal", "postneonatal"):
        total = wide[age].sum()
        wide[f"{age}_share"] = 100 * wide[age] / total if total else np.nan
    return wide.rename_axis("cause").reset_index()


def coverage_by_puskesmas(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """KN1 and KN lengkap coverage (%) by Puskesmas and for the district, with the gap to 100%."""
    sub = _only(tables, district)
    parts = []
    for level in ("puskesmas", "district"):
        ind = compute_indicators(sub, level=level, year=year)
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


def meeting_points(tables: dict[str, pd.DataFrame], year: int, district: str, lang: str = "id") -> list[str]:
    """Short points for the district meeting: highest-rate Puskesmas, leading cause, coverage gaps."""
    points = []
    imr = imr_by_puskesmas(tables, year, district)
    if not imr.empty and imr["value"].notna().any():
        top = imr.iloc[0]
        above = top["lower_95"] > top["district_value"]
        if lang == "id":
            points.append(f"AKB tertinggi: Puskesmas {top['puskesmas']}, {fmt(top['value'], lang)} per 1.000 KH "
                          f"({top['numerator']:.0f} kematian; IK 95% {fmt_ci(top['lower_95'], top['upper_95'], lang)}); "
                          + ("di atas nilai kabupaten secara bermakna." if above else
                             "belum berbeda bermakna dari nilai kabupaten (IK mencakup nilai kabupaten)."))
        else:
            points.append(f"Highest IMR: {top['puskesmas']} health centre, {fmt(top['value'], lang)} per 1000 live births "
                          f"({top['numerator']:.0f} deaths; 95% CI {fmt_ci(top['lower_95'], top['upper_95'], lang)}); "
                          + ("significantly above the district value." if above else
                             "not significantly different from the district value (the CI includes it)."))
    causes = deaths_by_puskesmas_and_cause(tables, year, district)
    if not causes.empty:
        total = causes[causes["puskesmas"] == "total"].iloc[0]
        counts = total[REPORT_CAUSES[:-1]].astype(int)
        if counts.sum() > 0:
            lead = counts.idxmax()
            share = 100 * counts[lead] / total["total"]
            points.append(f"{'Penyebab utama' if lang == 'id' else 'Leading cause'}: {t(lead, lang)}, "
                          f"{counts[lead]} {'dari' if lang == 'id' else 'of'} {total['total']} "
                          f"{'kematian bayi' if lang == 'id' else 'infant deaths'} ({fmt(share, lang)}%).")
    cov = coverage_by_puskesmas(tables, year, district)
    if "kn_lengkap_coverage" in cov:
        low = cov[(cov["level"] == "puskesmas") & (cov["kn_lengkap_coverage"] < 100)].head(3)
        dist = cov[cov["level"] == "district"].iloc[0]
        names = ", ".join(f"{r['area']} ({fmt(r['kn_lengkap_coverage'], lang, 2)}%)" for _, r in low.iterrows())
        if lang == "id":
            points.append(f"Cakupan KN lengkap kabupaten {fmt(dist['kn_lengkap_coverage'], lang, 2)}% "
                          f"(target 100%). Terendah: {names}.")
        else:
            points.append(f"District complete KN coverage {fmt(dist['kn_lengkap_coverage'], lang, 2)}% "
                          f"(target 100%). Lowest: {names}.")
    return points


# --- trends -------------------------------------------------------------------------------

def yearly_rates(tables: dict[str, pd.DataFrame], start: int, end: int, district: str) -> pd.DataFrame:
    """AKB and AKN per year with CIs and targets, district level."""
    ind = compute_indicators(_only(tables, district), level="district")
    ind = ind[ind["indicator"].isin(["imr", "nmr"]) & ind["year"].between(start, end)]
    return ind[["indicator", "year", "numerator", "denominator", "value", "lower_95", "upper_95", "target",
                "meets_target"]].reset_index(drop=True)


def causes_by_year(tables: dict[str, pd.DataFrame], start: int, end: int, district: str) -> pd.DataFrame:
    """Infant deaths and rates per 1,000 live births by report cause group and year."""
    ind = compute_indicators(_only(tables, district), level="district", cause_grouping="report_group")
    ind = ind[(ind["indicator"] == "cause_rate") & (ind["age_group"] == "infant") & ind["year"].between(start, end)]
    out = ind[["year", "cause", "numerator", "value", "lower_95", "upper_95"]].rename(
        columns={"numerator": "deaths", "value": "rate"})
    return out.sort_values(["cause", "year"]).reset_index(drop=True)


def imr_heatmap(tables: dict[str, pd.DataFrame], start: int, end: int, district: str) -> pd.DataFrame:
    """AKB per 1,000 live births, Puskesmas x year."""
    ind = compute_indicators(_only(tables, district), level="puskesmas")
    ind = ind[(ind["indicator"] == "imr") & ind["year"].between(start, end)]
    return ind.pivot_table(index="area", columns="year", values="value", aggfunc="first").rename_axis(index="puskesmas")


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

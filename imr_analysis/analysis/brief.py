"""The figures of the quarterly brief for the Lokakarya Mini (triwulan), from the monthly reports by desa.

For one Puskesmas, one kecamatan or the district, a year and a quarter (TW I = January-March ...
TW IV = October-December):

* counts of this quarter and of the year to date (TW I to this quarter, cumulative): live births,
  stillbirths, neonatal, post-neonatal and infant deaths; deaths by cause; the same quarter (and
  year to date) of last year beside them, missing (no data) when last year has no monthly report;
* rates of the year to date only, with the package's intervals (``intervals.rate_ci``: Byar from 10
  events, exact Poisson below): a single quarter at one Puskesmas has too few events to read a rate;
* KN1 and KN lengkap of the year to date against the annual target pro-rated to the months counted,
  ``target = sum over Puskesmas of sasaran_p x months counted_p / 12`` (rounded to whole babies; with
  every month counted this is ``sasaran x months elapsed / 12``), and the newborns not yet served,
  ``max(target - served, 0)``. The annual sasaran of a Puskesmas is the sum of its monthly sasaran over
  the year, estimated as 12 x the mean monthly sasaran of the months reported (monthly reports carry
  the month's share of the annual sasaran). Numerator and denominator hold the same Puskesmas-months:
  a month is counted only when its report was received, none of its rows was set aside in cleaning and
  the report has the visit's column; the others are listed with their reason (``left_out``). A visit
  with no month counted (the monthly reports have no KN1 column, say) has no data: served, target,
  coverage and unserved are missing, never 0;
* counts by desa (no rates: at that level the numbers are tiny);
* reporting completeness: monthly reports received of the months elapsed, per Puskesmas, with the
  missing months (no row at all) and the months whose report came in but whose rows were set aside in
  cleaning (``set_aside``: from the cleaning ledger, with the kinds of check that set them aside);
* the problems the quarter shows, for the new follow-up plan (RTL): codes and numbers, worded by the
  report layer.

Statistics return numbers; sentences come from label templates in the report layer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .intervals import rate_ci
from ..errors import InputError

LEVELS = ("puskesmas", "kecamatan", "district")
#: The counts of the brief, in the order shown; infant deaths = neonatal + post-neonatal.
COUNTS = ["live_births", "stillbirths", "neonatal_deaths", "postneonatal_deaths", "infant_deaths"]
#: The year-to-date rates: indicator code -> (numerator, denominator) among the counts (total births = live + still).
RATES = {"imr": ("infant_deaths", "live_births"), "nmr": ("neonatal_deaths", "live_births"),
         "postneonatal_mr": ("postneonatal_deaths", "live_births"), "stillbirth_rate": ("stillbirths", "births")}
VISITS = ["kn1", "kn_lengkap"]


def quarter_months(quarter: int) -> list[int]:
    """The months of a quarter: TW I -> [1, 2, 3] ... TW IV -> [10, 11, 12]."""
    if quarter not in (1, 2, 3, 4):
        raise InputError.from_key("bad_quarter", quarter=quarter)
    return list(range(3 * quarter - 2, 3 * quarter + 1))


def months_elapsed(quarter: int) -> int:
    """Months from January to the end of the quarter (3, 6, 9, 12)."""
    return quarter_months(quarter)[-1]


@dataclass
class Brief:
    """The brief's figures for one area, year and quarter (see the module doc)."""

    level: str
    area: str
    district: str
    year: int
    quarter: int
    counts: pd.DataFrame          # index COUNTS; quarter, year_to_date, quarter_last_year, year_to_date_last_year
    causes: pd.DataFrame          # age_group, cause, quarter, year_to_date
    rates: pd.DataFrame           # indicator + rate_ci columns, year to date
    visits: pd.DataFrame          # visit, served, annual_sasaran, months_elapsed, months_counted, target,
                                  # coverage_pct, unserved, sasaran_parts, left_out (see kn_progress)
    desa: pd.DataFrame            # puskesmas, desa, the counts of the quarter and the year to date
    reporting: pd.DataFrame       # puskesmas, received, expected, missing, set_aside (month lists), checks
    problems: list[dict] = field(default_factory=list)   # {'code': ..., values}

    @property
    def months_elapsed(self) -> int:
        return months_elapsed(self.quarter)


def area_rows(monthly: pd.DataFrame, district: str | None = None, puskesmas: str | None = None,
              kecamatan: str | None = None) -> tuple[pd.DataFrame, str, str, str]:
    """The monthly rows of one area: (rows, level, area name, district).

    ``district`` defaults to the only district in the data. A Puskesmas or kecamatan that the data do not
    hold stops with the valid names (matched without regard to case and spacing).
    """
    districts = sorted(monthly["district"].unique())
    if district is None:
        if len(districts) != 1:
            raise InputError.from_key("brief_districts", count=len(districts), names=_names(districts))
        district = districts[0]
    district = _match(district, districts, "district")
    rows = monthly[monthly["district"] == district]
    if puskesmas:
        name = _match(puskesmas, sorted(rows["puskesmas"].unique()), "puskesmas")
        return rows[rows["puskesmas"] == name], "puskesmas", name, district
    if kecamatan:
        name = _match(kecamatan, sorted(rows["kecamatan"].unique()), "kecamatan")
        return rows[rows["kecamatan"] == name], "kecamatan", name, district
    return rows, "district", district, district


def _match(name: str, valid: list[str], what: str) -> str:
    wanted = " ".join(str(name).split()).casefold()
    found = next((v for v in valid if " ".join(v.split()).casefold() == wanted), None)
    if found is None:
        raise InputError.from_key(f"brief_unknown_{what}", name=str(name), valid=_names(valid))
    return found


def _names(names: list[str]) -> str | dict:
    """Names joined by commas; the word 'none' (in the message's language) when there are none."""
    return ", ".join(names) or {"key": "v_none"}


def compute_brief(monthly: pd.DataFrame, year: int, quarter: int, district: str | None = None,
                  puskesmas: str | None = None, kecamatan: str | None = None,
                  set_aside: pd.DataFrame | None = None) -> Brief:
    """Every figure of the brief for one area (a Puskesmas, a kecamatan, else the district) and quarter.

    ``set_aside``: the monthly-report rows set aside in cleaning (``SET_ASIDE_COLUMNS``: district, puskesmas,
    year, month, check), so that a month whose report came in but whose rows were set aside is told apart
    from a month not received, and left out of the KN coverage's numerator and denominator alike.
    """
    quarter_months(quarter)   # a quarter outside 1-4 stops here
    rows, level, area, district = area_rows(monthly, district, puskesmas, kecamatan)
    aside = area_set_aside(set_aside, district, sorted(rows["puskesmas"].unique()), year)
    counts = brief_counts(rows, year, quarter)
    reporting = reporting_completeness(rows, year, quarter, aside)
    visits = kn_progress(rows, year, quarter, aside)
    brief = Brief(level, area, district, int(year), int(quarter), counts, cause_counts(rows, year, quarter),
                  ytd_rates(counts), visits, desa_counts(rows, year, quarter), reporting)
    brief.problems = problems(brief)
    return brief


#: The columns of the set-aside monthly rows ``compute_brief`` reads (one row per raw row set aside).
SET_ASIDE_COLUMNS = ["district", "puskesmas", "year", "month", "check"]


def area_set_aside(set_aside: pd.DataFrame | None, district: str, puskesmas: list[str], year: int) -> pd.DataFrame:
    """The set-aside monthly rows of ``year`` of the area's Puskesmas (month as a whole number; rows without a
    readable month left out: they belong to no Puskesmas-month)."""
    if set_aside is None or set_aside.empty:
        return pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    s = set_aside[(set_aside["district"] == district) & set_aside["puskesmas"].isin(puskesmas)]
    s = s[pd.to_numeric(s["year"], errors="coerce") == year]
    month = pd.to_numeric(s["month"], errors="coerce")
    s = s[month.notna()].assign(month=month[month.notna()].astype(int))
    return s[SET_ASIDE_COLUMNS].reset_index(drop=True)


def _period(rows: pd.DataFrame, year: int, months: list[int]) -> pd.DataFrame:
    return rows[(rows["year"] == year) & rows["month"].isin(months)]


def period_totals(rows: pd.DataFrame, year: int, months: list[int]) -> pd.Series | None:
    """The COUNTS summed over ``months`` of ``year``; None when no monthly report covers any of those months."""
    sel = _period(rows, year, months)
    if sel.empty:
        return None
    sums = sel.groupby("measure", dropna=False)["value"].sum()
    out = pd.Series({m: int(sums.get(m, 0)) for m in COUNTS[:-1]}, dtype="int64")
    out["infant_deaths"] = out["neonatal_deaths"] + out["postneonatal_deaths"]
    return out[COUNTS]


def brief_counts(rows: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """This quarter, the year to date, and the same two periods of last year (missing: no data), per count."""
    quarter_m, ytd_m = quarter_months(quarter), list(range(1, months_elapsed(quarter) + 1))
    columns = {"quarter": (year, quarter_m), "year_to_date": (year, ytd_m),
               "quarter_last_year": (year - 1, quarter_m), "year_to_date_last_year": (year - 1, ytd_m)}
    out = pd.DataFrame(index=pd.Index(COUNTS, name="measure"))
    for name, (y, months) in columns.items():
        totals = period_totals(rows, y, months)
        out[name] = pd.array([pd.NA] * len(COUNTS) if totals is None else totals.to_numpy(), dtype="Int64")
    return out


def cause_counts(rows: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """Deaths by age group and cause, this quarter and year to date (counts; causes with no death left out)."""
    ytd = _period(rows, year, list(range(1, months_elapsed(quarter) + 1)))
    ytd = ytd[ytd["measure"] == "cause_deaths"]
    q = ytd[ytd["month"].isin(quarter_months(quarter))]
    keys = ["age_group", "cause"]
    out = ytd.groupby(keys, dropna=False)["value"].sum().rename("year_to_date").to_frame()
    out["quarter"] = q.groupby(keys, dropna=False)["value"].sum()
    out = out.fillna(0).astype("int64").reset_index()
    out = out[out["year_to_date"] > 0]
    return out.sort_values(["age_group", "year_to_date", "cause"], ascending=[True, False, True])[
        keys + ["quarter", "year_to_date"]].reset_index(drop=True)


def ytd_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """AKB, AKN, post-neonatal rate per 1,000 live births and the stillbirth rate per 1,000 births, year to date,
    with 95% and 99.8% intervals (``intervals.rate_ci``). Missing when the year to date has no data."""
    ytd = counts["year_to_date"]
    if ytd.isna().all():
        ytd = pd.Series(0, index=counts.index)
    values = {k: float(ytd[k]) for k in COUNTS} | {"births": float(ytd["live_births"] + ytd["stillbirths"])}
    num = [values[n] for n, _ in RATES.values()]
    den = [values[d] for _, d in RATES.values()]
    out = rate_ci(np.array(num), np.array(den))
    out.insert(0, "indicator", list(RATES))
    return out


def annual_sasaran(rows: pd.DataFrame, year: int) -> float | None:
    """12 x the mean monthly sasaran of the months of ``year`` that report one (the sum over the year when all
    12 do); None when no month gives a sasaran."""
    s = rows[(rows["year"] == year) & (rows["measure"] == "sasaran")].groupby("month", dropna=False)["value"].sum()
    if s.empty:
        return None
    return float(s.mean() * 12)


def _months_of(rows: pd.DataFrame, puskesmas: str, year: int, measure: str | None = None) -> set[int]:
    sel = rows[(rows["puskesmas"] == puskesmas) & (rows["year"] == year)]
    if measure is not None:
        sel = sel[sel["measure"] == measure]
    return {int(m) for m in sel["month"]}


def kn_progress(rows: pd.DataFrame, year: int, quarter: int, set_aside: pd.DataFrame | None = None) -> pd.DataFrame:
    """KN1 and KN lengkap of the year to date against the target pro-rated to the Puskesmas-months counted.

    A Puskesmas-month (January to the quarter's end) is counted for a visit when its report was received, none
    of its rows was set aside (``set_aside``) and it has the visit's column (a row of that measure); its
    Puskesmas has an annual sasaran (``annual_sasaran``). The others are ``left_out`` as
    (puskesmas, month, reason) with reason ``missing``, ``set_aside``, ``no_column`` or ``no_sasaran``:
    neither their served babies nor their share of the sasaran is counted.

    target = round(sum over Puskesmas of annual sasaran_p x months counted_p / 12) (whole babies; halves up);
    coverage_pct = served / target x 100; unserved = max(target - served, 0). With no Puskesmas-month counted
    the visit has no data: served, target, coverage and unserved are missing. ``annual_sasaran`` is the sum over
    the Puskesmas with a month counted; ``sasaran_parts`` lists (puskesmas, annual sasaran, months counted).
    """
    elapsed = list(range(1, months_elapsed(quarter) + 1))
    aside = set_aside if set_aside is not None else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    ytd = _period(rows, year, elapsed)
    out = []
    for visit in VISITS:
        served, parts, left_out = 0, [], []
        for pkm in sorted(rows["puskesmas"].unique()):
            kept = _months_of(rows, pkm, year)
            set_aside_months = {int(m) for m in aside.loc[aside["puskesmas"] == pkm, "month"]}
            with_column = _months_of(rows, pkm, year, visit)
            sasaran = annual_sasaran(rows[rows["puskesmas"] == pkm], year)
            counted = []
            for m in elapsed:
                reason = ("set_aside" if m in set_aside_months else "missing" if m not in kept
                          else "no_column" if m not in with_column else "no_sasaran" if sasaran is None else None)
                if reason:
                    left_out.append((pkm, m, reason))
                else:
                    counted.append(m)
            if counted:
                parts.append((pkm, sasaran, len(counted)))
                sel = ytd[(ytd["puskesmas"] == pkm) & ytd["month"].isin(counted) & (ytd["measure"] == visit)]
                served += int(sel["value"].sum())
        if parts:
            target = int(np.floor(sum(s * n for _, s, n in parts) / 12 + 0.5))
            row = {"served": served, "annual_sasaran": float(sum(s for _, s, _ in parts)), "target": target,
                   "coverage_pct": served / target * 100 if target else np.nan,
                   "unserved": max(target - served, 0)}
        else:
            row = {"served": pd.NA, "annual_sasaran": np.nan, "target": pd.NA, "coverage_pct": np.nan,
                   "unserved": pd.NA}
        out.append({"visit": visit, **row, "months_elapsed": len(elapsed),
                    "months_counted": sum(n for _, _, n in parts), "sasaran_parts": parts, "left_out": left_out})
    frame = pd.DataFrame(out, columns=["visit", "served", "annual_sasaran", "months_elapsed", "months_counted",
                                       "target", "coverage_pct", "unserved", "sasaran_parts", "left_out"])
    for col in ("served", "target", "unserved"):
        frame[col] = frame[col].astype("Int64")
    frame["annual_sasaran"] = frame["annual_sasaran"].astype(float)
    frame["coverage_pct"] = frame["coverage_pct"].astype(float)
    return frame


def desa_counts(rows: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """Per Puskesmas and desa: live births and infant deaths this quarter, and the year to date's live births,
    stillbirths, neonatal and post-neonatal deaths and KN lengkap. Counts only."""
    ytd = _period(rows, year, list(range(1, months_elapsed(quarter) + 1)))
    keys = ["puskesmas", "desa"]
    if ytd.empty:
        return pd.DataFrame(columns=keys + ["live_births_quarter", "infant_deaths_quarter", "live_births",
                                            "stillbirths", "neonatal_deaths", "postneonatal_deaths", "kn_lengkap"])
    wide = ytd.pivot_table(index=keys + ["month"], columns="measure", values="value", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["live_births", "stillbirths", "neonatal_deaths", "postneonatal_deaths", "kn_lengkap"],
                        fill_value=0).reset_index()
    wide["infant_deaths"] = wide["neonatal_deaths"] + wide["postneonatal_deaths"]
    in_q = wide["month"].isin(quarter_months(quarter))
    out = wide.groupby(keys, dropna=False)[["live_births", "stillbirths", "neonatal_deaths", "postneonatal_deaths",
                              "kn_lengkap"]].sum()
    q = wide[in_q].groupby(keys, dropna=False)[["live_births", "infant_deaths"]].sum()
    out.insert(0, "live_births_quarter", q["live_births"])
    out.insert(1, "infant_deaths_quarter", q["infant_deaths"])
    return out.fillna(0).astype("int64").reset_index()


def reporting_completeness(rows: pd.DataFrame, year: int, quarter: int,
                           set_aside: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per Puskesmas of the area (those with a monthly report in any year): monthly reports received of the
    months elapsed in ``year`` (a month with a row kept or set aside in cleaning came in), the missing months
    (no row at all), the months with rows set aside (``set_aside``) and the kinds of check that set them aside
    (``checks``, finding check codes)."""
    elapsed = list(range(1, months_elapsed(quarter) + 1))
    aside = set_aside if set_aside is not None else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    out = []
    for pkm in sorted(rows["puskesmas"].unique()):
        mine = aside[(aside["puskesmas"] == pkm) & aside["month"].isin(elapsed)]
        aside_months = {int(m) for m in mine["month"]}
        got = (_months_of(rows, pkm, year) | aside_months) & set(elapsed)
        checks = sorted({str(c) for c in mine["check"] if isinstance(c, str) and c})
        out.append({"puskesmas": pkm, "received": len(got), "expected": len(elapsed),
                    "missing": [m for m in elapsed if m not in got], "set_aside": sorted(aside_months),
                    "checks": checks})
    return pd.DataFrame(out, columns=["puskesmas", "received", "expected", "missing", "set_aside", "checks"])


def problems(brief: Brief) -> list[dict]:
    """What the quarter shows that the meeting should plan for, as codes with their numbers:

    * ``kn_gap``: a visit (KN1, KN lengkap) below the pro-rated target (coverage %, unserved newborns);
    * ``kn_no_data``: a visit with no Puskesmas-month counted (``no_column``: the monthly reports have no column
      for it; else ``none_counted``): no data, never 0%;
    * ``missing_reports``: a Puskesmas with monthly reports missing (its months);
    * ``rows_set_aside``: a Puskesmas whose reports came in but whose rows were set aside in cleaning (its months
      and the kinds of check): the cells are to be fixed and the data cleaned again;
    * ``deaths``: neonatal and post-neonatal deaths of the quarter (with the leading cause);
    * ``stillbirths``: stillbirths of the quarter.
    """
    out = []
    for _, v in brief.visits.iterrows():
        if pd.isna(v["served"]):
            absent = any(reason == "no_column" for _, _, reason in v["left_out"])
            out.append({"code": "kn_no_data", "visit": v["visit"], "reason": "no_column" if absent else "none_counted"})
        elif v["unserved"] > 0:
            out.append({"code": "kn_gap", "visit": v["visit"], "coverage_pct": float(v["coverage_pct"]),
                        "unserved": int(v["unserved"])})
    for _, r in brief.reporting.iterrows():
        if r["missing"]:
            out.append({"code": "missing_reports", "puskesmas": r["puskesmas"], "months": list(r["missing"])})
    for _, r in brief.reporting.iterrows():
        if r["set_aside"]:
            out.append({"code": "rows_set_aside", "puskesmas": r["puskesmas"], "months": list(r["set_aside"]),
                        "checks": list(r["checks"])})
    q = brief.counts["quarter"]
    if pd.notna(q["infant_deaths"]) and q["infant_deaths"] > 0:
        in_q = brief.causes[brief.causes["quarter"] > 0]
        leading = in_q.sort_values(["quarter", "cause"], ascending=[False, True])["cause"].iloc[0] if len(in_q) else ""
        out.append({"code": "deaths", "neonatal": int(q["neonatal_deaths"]), "postneonatal": int(q["postneonatal_deaths"]),
                    "cause": leading})
    if pd.notna(q["stillbirths"]) and q["stillbirths"] > 0:
        out.append({"code": "stillbirths", "stillbirths": int(q["stillbirths"])})
    return out

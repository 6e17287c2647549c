"""Data-quality findings: the checks a district analyst would do by hand, done every time.

Findings never stop a run. Each names where to look (file, sheet, row, column), the year and
the area, and says what disagrees. Severity: ``error`` (a number that cannot be right),
``warning`` (numbers that disagree; check the source), ``info`` (worth knowing, not wrong).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .core import FINDING_COLUMNS, FORMATS, finding
from .pipeline import CleanResult
from ..schemas import ACCOUNTING
from ..vocab.findings import render, to_json
from ..vocab.indicators import multiplier
from ..vocab.layout import table_label
from ..vocab.review import review_vocab

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _tolerance(decimals: pd.Series) -> pd.Series:
    """Half a unit of the last decimal shown (2 decimals at most), plus float slack."""
    return 0.5 * 10.0 ** (-decimals.clip(upper=2).astype(float)) + 1e-6


def findings(result: CleanResult) -> pd.DataFrame:
    """All data-quality findings for a cleaning result, sorted by severity, file and row."""
    parts = [pd.DataFrame(result.problems, columns=FINDING_COLUMNS)]
    if not result.cells.empty:
        # a row set aside has its own finding (the cell that set it aside); the checks leave it out, so that
        # one bad cell does not also show as a row, total or rate that disagrees
        aside = set_aside_cells(result.cells)
        cells = _checked_cells(result.cells, aside)
        unchecked = unchecked_tables(result.cells, aside)
        parts += [  # the checks on the cells first: the canonical tables are built when first used (clean.py)
            parts_vs_reported_sum(cells),
            sex_parts_vs_total(cells),
            rows_vs_total_row(_without(cells, unchecked[~unchecked["rates_only"].astype(bool)], _TABLE_KEYS)),
            reported_rates(_without(cells, unchecked, _TABLE_KEYS)),
            totals_not_checked(result.cells, unchecked),
            coverage_vs_reported_pct(cells),
            coverage_above_100(cells),
            reconciliation(cells),
            deaths_exceed_births(result.tables),
            causes_vs_deaths(result.tables),
            maternal_parts_vs_reported(cells),
            maternal_reported_rate(_without(cells, unchecked, _TABLE_KEYS)),
            maternal_causes_vs_deaths(result.tables),
        ]
    parts += [lbw_cause_vs_weight(result.reviews)]
    parts += [monthly_completeness(result.ledger), missing_tables(result.sources), header_notes(result.header_notes),
              unreadable_files(result.input_errors)]
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else pd.DataFrame(columns=FINDING_COLUMNS)
    out = out[FINDING_COLUMNS]
    out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    out["_s"] = out["severity"].map(SEVERITY_ORDER)
    out = out.sort_values(["_s", "check", "year", "file", "row"], kind="stable").drop(columns="_s").reset_index(drop=True)
    return ACCOUNTING["findings"].validate(out, inplace=True)


#: A table of one file and sheet for one district and year: what a total row or printed rate sums over.
_TABLE_KEYS = ["file", "sheet", "table", "year", "district"]


def set_aside_cells(cells: pd.DataFrame) -> pd.Series:
    """The cells of data rows set aside for a reason of their own (a text, negative or ID-sized count, an
    unknown Puskesmas ...): not counted, and not a source's row kept only to be compared with the source
    that counts (``compared``: canonical.apply_precedence)."""
    compared = cells["compared"] if "compared" in cells else False
    return cells["row_kind"].eq("data") & ~cells["used"] & ~compared


def _checked_cells(cells: pd.DataFrame, aside: pd.Series) -> pd.DataFrame:
    """The cells the checks read: a row set aside shows as row kind 'set_aside', which no check reads (each
    selects data, total or rate rows). One new column; the frame's other columns are shared with ``cells``
    (copy-on-write), where a filtered copy would hold all of them again (50 MB for a 50,000-row annex file)."""
    if not aside.any():
        return cells
    return cells.assign(row_kind=_text_where(cells["row_kind"], ~aside, "set_aside"))


def unchecked_tables(cells: pd.DataFrame, aside: pd.Series) -> pd.DataFrame:
    """The tables (``_TABLE_KEYS``) whose total row and printed rates count rows that were set aside, with those
    rows (``rows``, sorted); and the deaths and maternal tables whose printed rates divide by the live births of
    a births table (same district and year) with rows set aside (``rows`` empty, ``rates_only``): their rates
    would lack those births, their total rows are still checked."""
    columns = _TABLE_KEYS + ["rows", "rates_only"]
    rows = cells.loc[aside, _TABLE_KEYS + ["row"]].astype({"table": str}).drop_duplicates()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    own = rows.groupby(_TABLE_KEYS, dropna=False, observed=True)["row"].agg(lambda r: sorted(set(map(int, r))))
    own = own.rename("rows").reset_index().assign(rates_only=False)
    births = own.loc[own["table"] == "births", ["year", "district"]].drop_duplicates()
    rated = cells.loc[(cells["row_kind"] == "rate") & cells["table"].astype(str).isin(["deaths", "maternal"]),
                      _TABLE_KEYS].astype({"table": str}).drop_duplicates()
    dividing = rated.merge(births, on=["year", "district"]).merge(own[_TABLE_KEYS], how="left", indicator=True)
    dividing = dividing[dividing["_merge"] == "left_only"].drop(columns="_merge")
    dividing = dividing.assign(rows=[[] for _ in range(len(dividing))], rates_only=True)
    return pd.concat([own, dividing], ignore_index=True)[columns]


def _without(cells: pd.DataFrame, tables: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``cells`` without those of ``tables`` (rows of the key columns ``keys``)."""
    if tables.empty:
        return cells
    # the cells' own dtypes (categories, int years): matched on codes, without a Python object per cell
    plain = {k: cells[k].dtype for k in keys if not isinstance(cells[k].dtype, pd.CategoricalDtype)}
    drop = pd.MultiIndex.from_frame(tables[keys].drop_duplicates().astype(plain))
    return cells[~pd.MultiIndex.from_frame(cells[keys]).isin(drop)]


def totals_not_checked(cells: pd.DataFrame, unchecked: pd.DataFrame) -> pd.DataFrame:
    """One finding (info) per table whose total row and printed rates were not compared with its rows because
    rows were set aside (their own findings say why): the total would differ by the rows left out, which is not
    an error of the total. Fixing the rows set aside and cleaning again checks them."""
    reported = cells.loc[cells["row_kind"].isin(["total", "rate"]), _TABLE_KEYS + ["row"]].astype({"table": str})
    if unchecked.empty or reported.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    first = reported.groupby(_TABLE_KEYS, dropna=False, observed=True)["row"].min().rename("first").reset_index()
    t = unchecked.merge(first, on=_TABLE_KEYS, how="inner").sort_values(_TABLE_KEYS, kind="stable")
    if t.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    t = t.assign(row=t["first"], area=t["district"]).reset_index(drop=True)
    params = [{"n": len(r), "rows": _row_list(r)} if r else {} for r in t["rows"]]
    codes = ["totals_not_checked" if r else "rates_not_checked" for r in t["rows"]]
    return _frame(t, "info", "totals_not_checked", codes, params)


def _row_list(rows: list[int], shown: int = 10) -> str:
    """'11, 13, 14' (the first ``shown`` rows, then '…')."""
    return ", ".join(map(str, rows[:shown])) + (", …" if len(rows) > shown else "")


def _frame(df: pd.DataFrame, severity: str, check: str, code: str | list[str], params: list[dict],
           column: str | pd.Series = "") -> pd.DataFrame:
    """Findings at the rows of ``df``: the template ``code`` (one, or one per row) of vocab/findings.csv with
    the ``params`` of each row."""
    if df.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    codes = [code] * len(params) if isinstance(code, str) else list(code)
    return pd.DataFrame({
        "severity": severity, "check": check, "file": df["file"].to_numpy(), "sheet": df["sheet"].to_numpy(),
        "row": df["row"].to_numpy(), "column": column if isinstance(column, str) else column.to_numpy(),
        "year": df["year"].to_numpy(), "area": df["area"].to_numpy(),
        "message": [render(c, p) for c, p in zip(codes, params)], "code": codes,
        "params": [to_json(p) for p in params],
    })


def deaths_exceed_births(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Infant deaths (neonatal + post-neonatal) above live births, per Puskesmas and year."""
    keys = ["district", "puskesmas", "year"]
    d = tables["deaths"]
    infant = d[d["age_group"].isin(["neonatal", "postneonatal"])].groupby(keys, dropna=False).agg(
        deaths=("deaths", "sum"), file=("source_file", "first"), sheet=("source_sheet", "first"),
        row=("source_row", "first"))
    lb = tables["births"].groupby(keys, dropna=False)["live_births"].sum()
    j = infant.join(lb, how="inner").reset_index()
    bad = j[j["deaths"] > j["live_births"]].assign(area=lambda x: x["puskesmas"])
    params = [{"deaths": d, "births": b} for d, b in zip(bad["deaths"], bad["live_births"])]
    return _frame(bad, "error", "deaths_exceed_births", "deaths_exceed_births", params)


def lbw_cause_vs_weight(reviews: pd.DataFrame) -> pd.DataFrame:
    """Line-list deaths whose recorded cause is low birth weight (vocab review.yaml ``lbw_check``: BBLR /
    prematurity) with a birth weight of 2,500 g or more: the cause or the weight is wrong (WHO: low birth
    weight is below 2,500 g). A warning naming the file, sheet and row."""
    rule = review_vocab()["lbw_check"]
    bad = reviews[reviews["cause"].isin(rule["causes"]) & (reviews["birth_weight_g"] >= rule["lbw_grams"])]
    if bad.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    bad = bad.assign(area=bad["puskesmas"]).reset_index(drop=True)
    params = [{"weight": float(w), "limit": int(rule["lbw_grams"])} for w in bad["birth_weight_g"]]
    return _frame(bad, "warning", "lbw_cause_vs_weight", "lbw_cause_vs_weight", params, "birth_weight")


def _area(df: pd.DataFrame) -> pd.Series:
    return df["puskesmas"].astype(str).where(df["row_kind"].eq("data"), df["district"].astype(str) + " (total row)")


def _text_where(values: pd.Series, keep: pd.Series, text: str) -> pd.Series:
    """``values`` where ``keep``, else ``text``; categorical values (the cell table's) gain ``text`` as a category,
    in sorted order so that grouping sorts as it does for plain text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.cat.set_categories(sorted({*values.cat.categories, text}))
    return values.where(keep, text)


def parts_vs_reported_sum(cells: pd.DataFrame) -> pd.DataFrame:
    """neonatal + post-neonatal vs the BAYI column, and BAYI + ANAK BALITA vs JUMLAH TOTAL."""
    idx = ["file", "sheet", "row", "row_kind", "year", "district", "puskesmas", "sex"]
    d = cells.loc[(cells["table"] == "deaths") & cells["row_kind"].isin(["data", "total"]), idx + ["measure", "value"]]
    if d.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    wide = d.pivot_table(index=idx, columns="measure", values="value", aggfunc="sum").reset_index()
    out = []
    for total, parts in (("infant", ["neonatal", "postneonatal"]), ("under5", ["infant", "child"])):
        if total not in wide or not set(parts) <= set(wide):
            continue
        s = wide[parts].sum(axis=1, min_count=len(parts))
        bad = wide[wide[total].notna() & s.notna() & (s != wide[total])].assign(area=lambda x: _area(x))
        if bad.empty:
            continue
        s_bad = s[bad.index]
        params = [{"sum": a, "reported": b, "sex": sx} for a, b, sx in zip(s_bad, bad[total], bad["sex"])]
        out.append(_frame(bad, "warning", f"{total}_sum", f"{total}_sum", params))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=FINDING_COLUMNS)


def sex_parts_vs_total(cells: pd.DataFrame) -> pd.DataFrame:
    """LAKI-LAKI + PEREMPUAN columns against the reported L+P column, per row and measure."""
    idx = ["file", "sheet", "table", "year", "district", "puskesmas", "row_kind", "measure", "age_group", "cause"]
    c = cells.loc[cells["role"].isin(["count", "check"]) & cells["sex"].isin(["male", "female", "total"])
                  & cells["row_kind"].isin(["data", "total"]), idx + ["sex", "value", "row"]]
    c = c.assign(puskesmas=_text_where(c["puskesmas"], c["row_kind"].eq("data"), "(total row)"))
    wide = c.pivot_table(index=idx, columns="sex", values="value", aggfunc="sum")
    if not {"male", "female", "total"} <= set(wide.columns):
        return pd.DataFrame(columns=FINDING_COLUMNS)
    wide = wide.dropna(subset=["male", "female", "total"])
    bad = wide[(wide["male"] + wide["female"]) != wide["total"]].reset_index()
    if bad.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    first_row = c[c["sex"] != "total"].groupby(idx, dropna=False)["row"].first()
    bad["row"] = first_row.reindex(pd.MultiIndex.from_frame(bad[idx])).to_numpy()
    bad["area"] = bad["puskesmas"].astype(str).where(bad["puskesmas"] != "(total row)",
                                                     bad["district"].astype(str) + " (total row)")
    params = [{"measure": m, "male": a, "female": b, "sum": a + b, "total": t} for m, a, b, t in
              zip(bad["measure"], bad["male"], bad["female"], bad["total"])]
    return _frame(bad, "warning", "sex_sum", "sex_sum", params)


def causes_vs_deaths(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cause totals against death totals, per Puskesmas, year and age group."""
    keys = ["district", "puskesmas", "year", "age_group"]
    c = tables["deaths_by_cause"]
    d = tables["deaths"]
    if c.empty or d.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    j = _cause_and_death_totals(c, d, keys)
    j = j[j["age_group"].isin(["neonatal", "postneonatal"])].copy()
    j[["cause_total", "deaths"]] = j[["cause_total", "deaths"]].fillna(0)
    bad = j[j["cause_total"] != j["deaths"]].assign(area=lambda x: x["puskesmas"])
    bad = bad.assign(file=bad["file"].fillna(""), sheet=bad["sheet"].fillna(""))
    params = [{"age_group": a, "causes": c_, "deaths": d_}
              for a, c_, d_ in zip(bad["age_group"], bad["cause_total"], bad["deaths"])]
    return _frame(bad.reset_index(drop=True), "warning", "causes_vs_deaths", "causes_vs_deaths", params)


#: The periods of a maternal death (the maternal table's measures) whose sum is its JUMLAH KEMATIAN IBU.
MATERNAL_PERIODS = ["pregnancy", "delivery", "postpartum"]


def maternal_parts_vs_reported(cells: pd.DataFrame) -> pd.DataFrame:
    """Maternal-deaths table, row by row: the age groups of a period against its JUMLAH column, and the
    periods (hamil + bersalin + nifas) against JUMLAH KEMATIAN IBU of the same age group."""
    idx = ["file", "sheet", "row", "row_kind", "year", "district", "puskesmas"]
    m = cells.loc[(cells["table"] == "maternal") & cells["row_kind"].isin(["data", "total"])
                  & (cells["measure"] != "live_births"), idx + ["measure", "age_group", "column", "value"]]
    if m.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    m = m.assign(**{k: m[k].astype(str) for k in ("measure", "age_group", "column")})
    wide = m.pivot_table(index=idx, columns=["measure", "age_group"], values="value", aggfunc="sum", observed=True)
    column = m.groupby(["measure", "age_group"], dropna=False)["column"].first()
    out = []
    have = set(wide.columns)
    for period in MATERNAL_PERIODS + ["all_periods"]:
        parts = [(period, a) for a in ("age_under_20", "age_20_34", "age_35_plus") if (period, a) in have]
        if (period, "all_ages") in have and parts:
            out.append(_sum_finding(wide, parts, (period, "all_ages"), "maternal_sum_ages", {"period": period}, column))
    for age in ("age_under_20", "age_20_34", "age_35_plus", "all_ages"):
        parts = [(p, age) for p in MATERNAL_PERIODS if (p, age) in have]
        if ("all_periods", age) in have and parts:
            out.append(_sum_finding(wide, parts, ("all_periods", age), "maternal_sum_periods", {"age": age}, column))
    out = [o for o in out if not o.empty]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=FINDING_COLUMNS)


def _sum_finding(wide: pd.DataFrame, parts: list, total: tuple, code: str, what: dict, column: pd.Series) -> pd.DataFrame:
    """Rows of ``wide`` whose ``parts`` do not add up to the reported ``total`` column ('maternal_sum'): the
    template ``code`` with the parameters ``what`` names the parts."""
    s = wide[parts].sum(axis=1, min_count=1)
    bad = wide[wide[total].notna() & s.notna() & (s != wide[total])]
    if bad.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    letter = column[total]
    sums, totals = s[bad.index].to_numpy(), bad[total].to_numpy()
    bad = bad.reset_index()
    bad.columns = [c[0] if isinstance(c, tuple) and c[1] == "" else c for c in bad.columns]
    bad = bad.assign(_sum=sums, _total=totals)
    bad["area"] = _area(bad)
    params = [{"column": letter, **what, "sum": a, "reported": b} for a, b in zip(bad["_sum"], bad["_total"])]
    return _frame(bad, "warning", "maternal_sum", code, params, letter)


def maternal_reported_rate(cells: pd.DataFrame) -> pd.DataFrame:
    """AKI printed in the maternal table's rate row (ANGKA KEMATIAN IBU (DILAPORKAN)) against the AKI
    recomputed from its counts: the deaths of the column over the table's own JUMLAH LAHIR HIDUP (else the
    live births of the births table) x 100,000."""
    keys = ["file", "sheet", "table", "block", "column", "year", "district"]
    m = cells[cells["table"] == "maternal"]
    rate = m[(m["row_kind"] == "rate") & (m["measure"] != "live_births")]
    if rate.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    data = m[m["row_kind"] == "data"]
    sums = data.groupby(keys, dropna=False, observed=True)["value"].sum().rename("rows_sum")
    r = rate.join(sums, on=keys, how="left")
    own = data[data["measure"] == "live_births"].groupby(["file", "year", "district"], dropna=False, observed=True)["value"].sum()
    births = _live_births(cells)
    births_total = births["total"] if "total" in births else pd.Series(dtype=float)
    denominator = [own.get((f, y, d), births_total.get((y, d), np.nan))
                   for f, y, d in zip(r["file"], r["year"], r["district"])]
    r = r.assign(denominator=np.asarray(denominator, dtype=float))
    r["expected"] = multiplier("mmr") * r["rows_sum"] / r["denominator"].where(r["denominator"] > 0)
    r = r[r["expected"].notna() & r["value"].notna()]
    bad = r[(r["expected"] - r["value"]).abs() > _tolerance(r["decimals"])].assign(area=lambda x: x["district"])
    params = [{"column": c, "header": h, "reported": v, "deaths": n, "births": d, "expected": e}
              for c, h, v, n, d, e in zip(bad["column"], bad["header"], bad["value"], bad["rows_sum"],
                                          bad["denominator"], bad["expected"])]
    return _frame(bad.reset_index(drop=True), "warning", "reported_rate", "maternal_rate", params, bad["column"])


def _cause_and_death_totals(causes: pd.DataFrame, deaths: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Deaths summed by cause (``cause_total``, with the first source cell) beside deaths summed by age or period
    (``deaths``), per ``keys``, over the years both tables have; a side without a row is missing."""
    years = set(causes["year"]) & set(deaths["year"])
    cs = causes[causes["year"].isin(years)].groupby(keys, dropna=False).agg(
        cause_total=("deaths", "sum"), file=("source_file", "first"), sheet=("source_sheet", "first"),
        row=("source_row", "first"))
    ds = deaths[deaths["year"].isin(years)].groupby(keys, dropna=False)["deaths"].sum()
    return cs.join(ds, how="outer").reset_index()


def maternal_causes_vs_deaths(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Maternal deaths by cause against maternal deaths by period and age, per Puskesmas and year."""
    keys = ["district", "puskesmas", "year"]
    c, d = tables["maternal_causes"], tables["maternal_deaths"]
    if c.empty or d.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    j = _cause_and_death_totals(c, d, keys)
    j[["cause_total", "deaths"]] = j[["cause_total", "deaths"]].fillna(0)
    bad = j[j["cause_total"] != j["deaths"]].assign(area=lambda x: x["puskesmas"])
    bad = bad.assign(file=bad["file"].fillna(""), sheet=bad["sheet"].fillna(""))
    params = [{"causes": a, "deaths": b} for a, b in zip(bad["cause_total"], bad["deaths"])]
    return _frame(bad.reset_index(drop=True), "warning", "maternal_causes_vs_deaths", "maternal_causes_vs_deaths", params)


def rows_vs_total_row(cells: pd.DataFrame) -> pd.DataFrame:
    """The sum of the Puskesmas rows against the table's total row (JUMLAH KAB.), column by column."""
    keys = ["file", "sheet", "table", "block", "column", "year", "district"]
    c = cells.loc[cells["role"].isin(["count", "check"]), keys + ["row_kind", "value", "row", "header"]]
    data = c[c["row_kind"] == "data"].groupby(keys, dropna=False)["value"].sum()
    total = c[c["row_kind"] == "total"].groupby(keys, dropna=False).agg(reported=("value", "first"), row=("row", "first"),
                                                           header=("header", "first"))
    j = total.join(data.rename("rows_sum"), how="left").reset_index()
    j["rows_sum"] = j["rows_sum"].fillna(0)
    # A table whose rows continue on another sheet ('(lanj.)') has one total row for the rows of both:
    # the total row also agrees when it equals the sum over every block of the table with that column.
    whole = ["file", "table", "column", "header", "year", "district"]
    table_sum = c[c["row_kind"] == "data"].groupby(whole, dropna=False)["value"].sum().rename("table_sum")
    j = j.merge(table_sum.reset_index(), on=whole, how="left")
    j["table_sum"] = j["table_sum"].fillna(0)
    off = ((j["reported"] - j["rows_sum"]).abs() > 0.5) & ((j["reported"] - j["table_sum"]).abs() > 0.5)
    bad = j[off].assign(area=lambda x: x["district"].astype(str) + " (total row)")
    params = [{"column": col, "header": h, "sum": s, "reported": r}
              for col, h, s, r in zip(bad["column"], bad["header"], bad["rows_sum"], bad["reported"])]
    return _frame(bad.reset_index(drop=True), "warning", "total_row", "total_row", params, bad["column"])


def _live_births(cells: pd.DataFrame) -> pd.DataFrame:
    b = cells.loc[(cells["table"] == "births") & (cells["row_kind"] == "data") & (cells["measure"] == "live_births")
                  & cells["role"].isin(["count", "check"]) & cells["used"], ["year", "district", "sex", "value"]]
    lb = b.groupby(["year", "district", "sex"], dropna=False)["value"].sum().unstack("sex")
    if "total" not in lb:
        lb["total"] = lb.get("male", 0) + lb.get("female", 0) if {"male", "female"} <= set(lb) else lb.get("unspecified")
    lb["unspecified"] = lb["total"]
    return lb


def reported_rates(cells: pd.DataFrame) -> pd.DataFrame:
    """Rates printed in ANGKA ... (DILAPORKAN) rows against the rates recomputed from the counts.

    Births table: stillbirth rate = stillbirths / (live + still) x 1000 under each MATI column.
    Deaths table: deaths in the column / live births of the same sex x 1000 (AKN, AKB, ...).
    """
    rate = cells[cells["row_kind"] == "rate"]
    if rate.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    keys = ["file", "sheet", "table", "block", "column", "year", "district"]
    data = cells.loc[cells["row_kind"] == "data", keys + ["sex", "measure", "value"]]
    sums = data.groupby(keys, dropna=False)["value"].sum()
    r = rate.set_index(keys).join(sums.rename("rows_sum"), how="left").reset_index()
    r["expected"] = np.nan
    # births: stillbirths over total births of the same sex and block
    births = data[data["table"] == "births"].groupby(["file", "sheet", "year", "district", "sex", "measure"], dropna=False)["value"].sum().unstack("measure")
    sb = r["table"].eq("births") & r["measure"].eq("stillbirths")
    for i in r.index[sb]:
        key = tuple(r.loc[i, ["file", "sheet", "year", "district", "sex"]])
        if key in births.index:
            row = births.loc[key]
            r.loc[i, "expected"] = 1000 * row.get("stillbirths", np.nan) / (row.get("live_births", 0) + row.get("stillbirths", 0))
    lb = _live_births(cells)
    dt = r["table"].eq("deaths")
    for i in r.index[dt]:
        year, district, sex = r.loc[i, "year"], r.loc[i, "district"], r.loc[i, "sex"]
        if (year, district) in lb.index and sex in lb.columns:
            denom = lb.loc[(year, district), sex]
            r.loc[i, "expected"] = 1000 * r.loc[i, "rows_sum"] / denom if denom else np.nan
    r = r[r["expected"].notna() & r["value"].notna()]
    bad = r[(r["expected"] - r["value"]).abs() > _tolerance(r["decimals"])].assign(area=lambda x: x["district"])
    params = [{"column": c, "header": h, "reported": v, "expected": e}
              for c, h, v, e in zip(bad["column"], bad["header"], bad["value"], bad["expected"])]
    return _frame(bad.reset_index(drop=True), "warning", "reported_rate", "reported_rate", params, bad["column"])


def coverage_vs_reported_pct(cells: pd.DataFrame) -> pd.DataFrame:
    """KN coverage recomputed as count / denominator x 100 against the printed percentage."""
    k = cells[(cells["table"] == "kn") & cells["row_kind"].isin(["data", "total"])]
    if k.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    idx = ["file", "sheet", "row", "row_kind", "year", "district", "puskesmas", "sex"]
    den = k[k["measure"] == "denominator"].groupby(idx, dropna=False)["value"].sum().rename("denominator")
    cnt = k[k["measure"].isin(["kn1", "kn_lengkap"]) & (k["role"] != "pct")].groupby(idx + ["measure"], dropna=False)["value"].sum().rename("count")
    pct = k[k["role"] == "pct"].groupby(idx + ["measure"], dropna=False).agg(pct=("value", "first"), column=("column", "first"),
                                                              decimals=("decimals", "first"))
    j = pct.join(cnt, how="inner").join(den, how="inner").reset_index()
    j = j[(j["denominator"] > 0) & j["pct"].notna()]
    j["expected"] = 100 * j["count"] / j["denominator"]
    bad = j[(j["expected"] - j["pct"]).abs() > _tolerance(j["decimals"])].assign(area=lambda x: _area(x))
    params = [{"measure": m, "sex": sx, "count": c, "denominator": d, "expected": e, "printed": p}
              for m, sx, c, d, e, p in zip(bad["measure"], bad["sex"], bad["count"], bad["denominator"],
                                           bad["expected"], bad["pct"])]
    return _frame(bad.reset_index(drop=True), "warning", "coverage_pct", "coverage_pct", params, bad["column"])


def coverage_above_100(cells: pd.DataFrame) -> pd.DataFrame:
    """Coverage above 100%: real when the denominator is sasaran (a projection), so info only."""
    k = cells[(cells["table"] == "kn") & (cells["row_kind"] == "data") & (cells["role"] == "count")]
    idx = ["file", "sheet", "row", "year", "district", "puskesmas", "sex"]
    den = k[k["measure"] == "denominator"].groupby(idx, dropna=False).agg(denominator=("value", "sum"), kind=("denominator_kind", "first"))
    cnt = k[k["measure"].isin(["kn1", "kn_lengkap"])].groupby(idx + ["measure"], dropna=False).agg(count=("value", "sum"), column=("column", "first"))
    j = cnt.join(den, how="inner").reset_index()
    bad = j[j["count"] > j["denominator"]].assign(area=lambda x: x["puskesmas"])
    params = [{"measure": m, "sex": sx, "pct": 100 * c / d, "count": c, "kind": kind, "denominator": d}
              for m, sx, c, d, kind in zip(bad["measure"], bad["sex"], bad["count"], bad["denominator"], bad["kind"])]
    return _frame(bad.reset_index(drop=True), "info", "coverage_above_100", "coverage_above_100", params, bad["column"])


#: WHO reporting-completeness threshold.
COMPLETENESS_THRESHOLD = 0.90


def monthly_completeness(ledger: pd.DataFrame) -> pd.DataFrame:
    """Months received of 12 per Puskesmas and year (monthly reports), against the WHO 90% threshold.

    A missing month is never counted as zero: the year's totals hold only the months received.
    """
    if ledger.empty or "format" not in ledger:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    m = ledger[(ledger["format"] == "monthly") & ledger["month"].notna() & (ledger["puskesmas"] != "")]
    rows = []
    for (district, pkm, year), g in m.groupby(["district", "puskesmas", "year"], dropna=False):
        got = set(int(x) for x in g["month"])
        missing = [i for i in range(1, 13) if i not in got]   # month numbers: the message names them in its language
        share = len(got) / 12
        params = {"received": len(got), "pct": 100 * share, "threshold": COMPLETENESS_THRESHOLD}
        if missing:
            params.update(missing=missing, year=year)
        rows.append(finding("warning" if share < COMPLETENESS_THRESHOLD else "info", "monthly_completeness",
                            g["file"].iloc[0], g["sheet"].iloc[0], None, "", year, pkm,
                            "monthly_missing" if missing else "monthly_complete", **params))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def reconciliation(cells: pd.DataFrame) -> pd.DataFrame:
    """Infant deaths and live births of a source that was compared (not counted) against the counted source,
    Puskesmas by Puskesmas (e.g. a line list against the annex tables of the same district and year)."""
    if "compared" not in cells or not cells["compared"].any():
        return pd.DataFrame(columns=FINDING_COLUMNS)
    rows = []
    for table, measures, what in (("deaths", ["neonatal", "postneonatal"], "what_infant_deaths"),
                                  ("births", ["live_births"], "what_live_births")):
        sel = cells[(cells["table"] == table) & cells["measure"].isin(measures) & (cells["role"] == "count")
                    & (cells["row_kind"] == "data")]
        counted = sel[sel["used"]].groupby(["district", "year", "puskesmas"], dropna=False).agg(n=("value", "sum"), fmt=("format", "first"))
        for fmt, other in sel[sel["compared"]].groupby("format", dropna=False):
            o = other.groupby(["district", "year", "puskesmas"], dropna=False).agg(n=("value", "sum"), file=("file", "first"),
                                                                      sheet=("sheet", "first"))
            j = o.merge(counted, left_index=True, right_index=True, how="outer", suffixes=("", "_counted"))
            j = j[j.index.get_level_values("year").isin(set(other["year"]))]
            for (district, year, pkm), r in j.iterrows():
                a, b = (0 if pd.isna(r["n"]) else r["n"]), (0 if pd.isna(r["n_counted"]) else r["n_counted"])
                if a != b:
                    counted_by = f"counted_{r['fmt']}" if r["fmt"] in FORMATS else "counted_other"
                    rows.append(finding("warning", "reconciliation", r["file"] if isinstance(r["file"], str) else "",
                                        r["sheet"] if isinstance(r["sheet"], str) else "", None, "", year, pkm,
                                        "reconciliation", source=f"source_{fmt}", compared=a, what=what, area=pkm,
                                        year=year, counted=counted_by, n=b))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def missing_tables(sources: pd.DataFrame) -> pd.DataFrame:
    """Which of the annex tables a district-year lacks, and what that stops."""
    if sources.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    needed = {"births": "warning", "deaths": "warning", "causes": "info", "kn": "info"}
    rows = []
    sources = sources[sources["year"].notna()]
    for (district, year), group in sources.groupby(["district", "year"], dropna=False):
        present = set(group["table"])
        if present & {"monthly"}:
            present |= {"births", "deaths", "causes", "kn"}
        if present & {"linelist"}:
            present |= {"deaths", "causes"}
        for kind, severity in needed.items():
            if kind not in present:
                rows.append(finding(severity, "missing_table", "", "", None, "", year, district, "missing_table",
                                    table=table_label(kind, "id"), district=district, year=year, effect=f"effect_{kind}"))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def unreadable_files(errors: pd.DataFrame) -> pd.DataFrame:
    """Raw files (or tables) that could not be used: their data are missing from every report.

    A warning, not an error: the run goes on with the other files, and a year fails only when
    none of its data could be read.
    """
    if errors.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    codes = errors["code"] if "code" in errors else pd.Series("", index=errors.index)
    params = errors["params"] if "params" in errors else pd.Series("", index=errors.index)
    keyed = codes.astype(bool)
    return pd.DataFrame({"severity": "warning", "check": "unreadable_file", "file": errors["file"].to_numpy(),
                         "sheet": "", "row": None, "column": "", "year": errors["year"].to_numpy(), "area": "",
                         "message": errors["message"].to_numpy(),
                         "code": codes.where(keyed, "text").to_numpy(),
                         "params": params.where(keyed, errors["message"].map(lambda m: to_json({"text": m}))).to_numpy()},
                        columns=FINDING_COLUMNS)


def header_notes(notes: list[dict]) -> pd.DataFrame:
    """A finding per header note: the column, what it was recognised as (vocabulary words, never the header
    text) and the note, each rendered in the message's language."""
    rows = [finding("info" if "typo" in n["note"] or "not used" in n["note"] else "warning", "header", n["file"],
                    n["sheet"], None, n["column"], n.get("year"), "", "header_note" if n["header"] else "header_note_bare",
                    column=n["column"], note=n.get("note_param") or n["note"], **({"header": n["header"]} if n["header"] else {}))
            for n in notes]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)

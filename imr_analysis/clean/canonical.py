"""Precedence between the formats of a district-year, the canonical tables built from the counted cells, and the
data rows whose counts are missing from them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schemas import GEOGRAPHY, SCHEMAS, UNKNOWN, monthly_desa as MONTHLY_DESA
from ..vocab.puskesmas import Registry

GEO = GEOGRAPHY
#: Which source counts when a district-year has several: the annex tables, then monthly reports, then line lists.
PRECEDENCE = {"annex": 0, "monthly": 1, "linelist": 2}
def apply_precedence(cells: pd.DataFrame, ledger: pd.DataFrame) -> None:
    """One source counts per district, year and table family: annex tables, else monthly reports, else line lists.

    The families are the infant tables and the maternal tables (``MATERNAL_KINDS``), decided apart: a
    district-year whose annex has infant tables but no maternal table keeps the maternal deaths of its
    line lists. The data rows of the other sources stay in the ledger as set aside ('compared, not
    counted', the reason naming the source that counts) and their cells are kept, unused, for the
    reconciliation checks. Changes both frames in place.
    """
    if cells.empty or (cells["format"].nunique() < 2 and ledger["format"].nunique() < 2):
        return  # one format: nothing to compare
    cell_family = _family(cells["table"])
    data = cells[cells["row_kind"] == "data"]
    rank = data.assign(rank=_rank(data["format"]), family=cell_family[(cells["row_kind"] == "data").to_numpy()]) \
        .groupby(["district", "year", "family"], dropna=False)["rank"].min()
    cell_rank = _rank(cells["format"])
    best = rank.reindex(pd.MultiIndex.from_arrays([cells["district"], cells["year"], cell_family])).to_numpy()
    lower = (cell_rank > best) & (cells["row_kind"] == "data").to_numpy()
    if not lower.any():
        return
    cells.loc[lower, "compared"] = cells.loc[lower, "used"]   # a row set aside on its own account is compared with nothing
    cells.loc[lower, "used"] = False
    led_family = _ledger_family(ledger, cells)
    led_best = rank.reindex(pd.MultiIndex.from_arrays([ledger["district"], ledger["year"], led_family])).to_numpy()
    led_rank = _rank(ledger["format"])
    mask = (led_rank > led_best) & (ledger["row_kind"] == "data").to_numpy() & (ledger["state"] != "set_aside").to_numpy()
    ledger.loc[mask, "reason"] = [
        _compared_reason(int(best_rank), family, district, int(year))
        for best_rank, family, district, year in zip(led_best[mask], led_family[mask], ledger.loc[mask, "district"],
                                                     ledger.loc[mask, "year"])]
    ledger.loc[mask, "state"] = "set_aside"


#: The cell tables of the maternal family (decided apart from the infant tables in ``apply_precedence``).
MATERNAL_KINDS = ("maternal", "maternal_causes")
_SOURCE_NAMES = {0: "annex tables", 1: "monthly reports", 2: "line lists"}


def _family(tables: pd.Series) -> np.ndarray:
    """'maternal' for a cell of a maternal table, 'infant' for every other."""
    return np.where(tables.astype(str).isin(MATERNAL_KINDS).to_numpy(), "maternal", "infant")


def _ledger_family(ledger: pd.DataFrame, cells: pd.DataFrame) -> np.ndarray:
    """The family of each ledger row: its table's (an annex row), else that of its cells (a line-list row
    is a maternal death when its cells are in the maternal tables); 'infant' for a row without cells."""
    family = _family(ledger["table"])
    maternal = cells.loc[cells["table"].astype(str).isin(MATERNAL_KINDS), ["file", "sheet", "row"]]
    if maternal.empty:
        return family
    keys = set(zip(*(_text(maternal[c]) for c in ("file", "sheet", "row"))))
    rows = zip(*(_text(ledger[c]) for c in ("file", "sheet", "row")))
    return np.where([k in keys for k in rows], "maternal", family)


def _text(values: pd.Series) -> list[str]:
    """A key column as text, missing as '' (a CSV has no sheet)."""
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def _compared_reason(best_rank: int, family: str, district, year: int) -> str:
    """The ledger reason of a row compared with the source that counts (which one, for which family)."""
    if family == "maternal":
        return (f"the {_SOURCE_NAMES[best_rank]} give the maternal deaths for {district} {year}; "
                "this row is compared with them, not counted twice")
    return (f"the {_SOURCE_NAMES[best_rank]} give the counts for {district} {year}; "
            "this row is compared with them (see findings), not counted twice")


def _rank(formats: pd.Series) -> np.ndarray:
    """PRECEDENCE of each format (0 counts first)."""
    return formats.map(PRECEDENCE).to_numpy(dtype=float)

# --- canonical tables -----------------------------------------------------------------

_SOURCE = ["file", "sheet", "row"]
#: The cell columns the canonical tables are built from (a narrow copy is cheaper than the whole cell table).
_CANONICAL_FROM = GEO + ["year", "month", "sex", "role", "measure", "age_group", "cause", "denominator_kind",
                         "value"] + _SOURCE


def _data_counts(cells: pd.DataFrame, table: str) -> pd.DataFrame:
    mask = (cells["table"] == table) & (cells["row_kind"] == "data") & (cells["role"] == "count") & cells["used"]
    sel = cells.loc[mask, _CANONICAL_FROM]
    return sel.assign(value=sel["value"].astype(float))


def _with_source(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=keys + ["source_file", "source_sheet", "source_row"])
    src = df.groupby(keys, dropna=False)[_SOURCE].first().reset_index()
    return src.rename(columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"})


def _sum_with_source(df: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """The sum of ``value`` per ``keys`` as ``name``, with the first source cell of each group, in one pass."""
    return df.groupby(keys, dropna=False).agg(**{name: ("value", "sum")}, source_file=("file", "first"),
                                              source_sheet=("sheet", "first"), source_row=("row", "first")).reset_index()


def build_canonical(cells: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Aggregate the used count cells into the canonical tables (validated by pandera).

    Keys are the geography, year, month (monthly data; dropped when no row has one) and sex (the
    maternal tables have no sex: the deaths are women's).
    """
    keys = GEO + ["year", "month", "sex"]
    out = {}

    b = _data_counts(cells, "births")
    births = b.groupby(keys + ["measure"], dropna=False)["value"].sum().unstack("measure").reset_index() \
        if not b.empty else pd.DataFrame(columns=keys)
    for col in ("live_births", "stillbirths"):
        if col not in births:
            births[col] = 0.0
        births[col] = births[col].fillna(0)
    births = births.merge(_with_source(b, keys), on=keys, how="left")
    out["births"] = births[keys + ["live_births", "stillbirths", "source_file", "source_sheet", "source_row"]]

    d = _data_counts(cells, "deaths").rename(columns={"measure": "age_group_"})
    d["age_group"] = d["age_group_"]
    d = d[d["age_group"].isin(["neonatal", "postneonatal", "child"])]
    dk = keys + ["age_group"]
    out["deaths"] = _sum_with_source(d, dk, "deaths")

    c = pd.concat([_data_counts(cells, "causes"), _data_counts(cells, "child_causes")])
    ck = keys + ["age_group", "cause"]
    out["deaths_by_cause"] = _sum_with_source(c, ck, "deaths")

    out["neonatal_visits"] = _visits(cells, keys)

    period_keys = GEO + ["year", "month"]
    m = _data_counts(cells, "maternal").rename(columns={"measure": "period"})
    out["maternal_deaths"] = _sum_with_source(m, period_keys + ["period", "age_group"], "deaths")
    out["maternal_causes"] = _sum_with_source(_data_counts(cells, "maternal_causes"), period_keys + ["cause"], "deaths")

    for name, df in out.items():
        if df.empty:
            out[name] = empty_table(name)
            continue
        df["year"] = df["year"].astype("int64")  # rows without a year are set aside, but their cells made the column float
        if df["month"].isna().all():
            df = df.drop(columns="month")
        else:
            df["month"] = df["month"].astype("Int64")
        # sorted while the text is categorical (sorted categories: the order of the text itself, less to copy)
        df = df.sort_values([k for k in ["district", "year", "month", "puskesmas", "sex", "period", "age_group", "cause",
                                        "visit"] if k in df])
        df = _default_text(with_known_geography(df))
        out[name] = SCHEMAS[name].validate(df.reset_index(drop=True))
    return out


def _default_text(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain str (the cell table holds text as categories: see cells.py); each category is
    converted once and taken by its code."""
    for col in [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]:
        values = df[col]
        text = values.cat.categories.astype("str").array.take(values.cat.codes.to_numpy(), allow_fill=True)
        df[col] = pd.Series(text, index=df.index)
    return df


def with_known_geography(df: pd.DataFrame) -> pd.DataFrame:
    """The geography rule (schemas.py): an empty or missing province or kecamatan becomes 'unknown'."""
    for col in ("province", "kecamatan"):
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # the cell table's text: each category decided once
            known = np.array([c if str(c).strip() else UNKNOWN for c in values.cat.categories] + [UNKNOWN], dtype=object)
            df[col] = pd.Series(known[values.cat.codes.to_numpy()], index=df.index, dtype=object)  # code -1: the last
            continue
        df[col] = values.astype(object).where(values.notna() & (values.astype(str).str.strip() != ""), UNKNOWN)
    return df


def incomplete_rows(ledger: pd.DataFrame, canonical: dict[str, pd.DataFrame], registry: Registry) -> pd.DataFrame:
    """The data rows whose counts are missing from the canonical tables (set aside for a problem).

    One row per such raw row: its geography (the Puskesmas once resolved, else 'unknown'),
    year, month (monthly data) and table. Indicators leave these Puskesmas-periods out of both
    numerator and denominator and flag the areas above them as built from incomplete rows.
    Duplicates (the first row is counted) and sources compared but not counted are not listed.
    """
    cols = GEO + ["year", "month", "table", "source_file", "source_sheet", "source_row"]
    if ledger.empty or "counts_missing" not in ledger:
        return empty_table("incomplete")
    rows = ledger[ledger["counts_missing"] & ledger["year"].notna()]
    if rows.empty:
        return empty_table("incomplete")
    frames = [t[GEO] for t in canonical.values() if not t.empty and set(GEO) <= set(t)]
    places = pd.concat(frames).drop_duplicates(["district", "puskesmas"]) if frames else pd.DataFrame(columns=GEO)
    out = rows.rename(columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"})
    out = out.assign(puskesmas=out["puskesmas"].replace("", UNKNOWN).fillna(UNKNOWN),
                     district=out["district"].replace("", UNKNOWN).fillna(UNKNOWN))
    out = out.drop(columns=[c for c in ("province", "kecamatan") if c in out]).merge(
        places, on=["district", "puskesmas"], how="left")
    out["province"] = out["province"].fillna(out["district"].map(registry.province))
    out = with_known_geography(out)
    out["year"] = out["year"].astype(int)
    out["source_sheet"] = out["source_sheet"].fillna("")
    out = out[cols].reset_index(drop=True)
    if out["month"].isna().all():
        out = out.drop(columns="month")
    return SCHEMAS["incomplete"].validate(out)


def empty_table(name: str) -> pd.DataFrame:
    """An empty canonical table with the schema's columns and dtypes (a table absent from the input)."""
    schema = SCHEMAS[name]
    cols = {}
    for col, spec in schema.columns.items():
        dtype = str(spec.dtype)
        cols[col] = pd.Series(dtype="int64" if "int" in dtype else "float64" if "float" in dtype else "str")
    return pd.DataFrame(cols).drop(columns=["month"], errors="ignore")


def _visits(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    k = cells.loc[(cells["table"] == "kn") & (cells["row_kind"] == "data") & cells["used"], _CANONICAL_FROM]
    counts = k[(k["role"] == "count") & k["measure"].isin(["kn1", "kn_lengkap"])]
    denom = k[(k["role"] == "count") & (k["measure"] == "denominator")]
    pct = k[(k["role"] == "pct") & k["measure"].isin(["kn1", "kn_lengkap"])]
    v = counts.groupby(keys + ["measure"], dropna=False)["value"].sum().rename("visits").reset_index()
    den = denom.groupby(keys, dropna=False).agg(denominator=("value", "sum"),
                                                denominator_kind=("denominator_kind", "first")).reset_index()
    pc = pct.groupby(keys + ["measure"], dropna=False)["value"].first().rename("reported_pct").reset_index()
    v = v.merge(den, on=keys, how="left").merge(pc, on=keys + ["measure"], how="left")
    v = v.merge(_with_source(counts, keys + ["measure"]), on=keys + ["measure"], how="left")
    v = v.rename(columns={"measure": "visit"})
    cols = keys + ["visit", "visits", "denominator", "denominator_kind", "reported_pct",
                   "source_file", "source_sheet", "source_row"]
    return v.reindex(columns=cols)


# --- the monthly reports by desa (an extra table: the desa is no key of the canonical tables) -----------

#: (cell table, cell measure) -> monthly_desa measure
_MONTHLY_MEASURE = {("births", "live_births"): "live_births", ("births", "stillbirths"): "stillbirths",
                    ("deaths", "neonatal"): "neonatal_deaths", ("deaths", "postneonatal"): "postneonatal_deaths",
                    ("causes", "deaths"): "cause_deaths", ("kn", "kn1"): "kn1", ("kn", "kn_lengkap"): "kn_lengkap",
                    ("kn", "denominator"): "sasaran"}


def build_monthly_desa(cells: pd.DataFrame, desa: dict[tuple, str]) -> pd.DataFrame:
    """The counted cells of the monthly reports, summed per Puskesmas, desa, month and measure (schemas.monthly_desa).

    Call it before ``apply_precedence``: a monthly row compared with the annex tables of its year is still a
    month of data for the quarterly brief. Rows set aside for a problem are left out, as in the canonical tables.
    ``desa``: (file, sheet, row) -> desa, from the accounting of the monthly reports (monthly.py).
    """
    cols = list(MONTHLY_DESA.columns)
    if cells.empty or not desa:
        return _empty_monthly_desa()
    mask = (cells["format"] == "monthly") & (cells["row_kind"] == "data") & (cells["role"] == "count") & cells["used"]
    sel = cells.loc[mask, GEO + ["year", "month", "table", "measure", "age_group", "cause", "value", "file", "sheet", "row"]]
    sel = sel.assign(measure=[_MONTHLY_MEASURE.get((t, m), "") for t, m in zip(sel["table"], sel["measure"])])
    sel = sel[(sel["measure"] != "") & sel["month"].notna() & sel["year"].notna()]
    if sel.empty:
        return _empty_monthly_desa()
    sel = _default_text(sel.copy())
    sel["desa"] = [desa.get((f, s, r), UNKNOWN) for f, s, r in zip(sel["file"], sel["sheet"], sel["row"])]
    sel["age_group"] = sel["age_group"].where(sel["measure"] == "cause_deaths", "")
    sel["cause"] = sel["cause"].where(sel["measure"] == "cause_deaths", "")
    keys = GEO + ["desa", "year", "month", "measure", "age_group", "cause"]
    out = _sum_with_source(sel.assign(value=sel["value"].astype(float)), keys, "value")
    out = with_known_geography(out)
    out["year"], out["month"] = out["year"].astype("int64"), out["month"].astype("int64")
    out["source_sheet"] = out["source_sheet"].fillna("")
    out = out.sort_values(["district", "year", "month", "puskesmas", "desa", "measure", "age_group", "cause"])
    return MONTHLY_DESA.validate(out[cols].reset_index(drop=True))


def _empty_monthly_desa() -> pd.DataFrame:
    cols = {c: pd.Series(dtype="int64" if str(spec.dtype).startswith("int") else "str")
            for c, spec in MONTHLY_DESA.columns.items()}
    return pd.DataFrame(cols)

"""The year's Profil Kesehatan annex tables (lampiran), compiled from the canonical tables.

    imr-analysis annex --processed DIR --year Y [--district NAME] --out profil_lampiran_Y.xlsx

Whatever the processed data came from (annex tables, monthly Puskesmas reports, death line
lists), the canonical tables are the same, so the year's tables are written in the official
layout (annex_writer.py): births, deaths, neonatal and post-neonatal causes, causes at 12-59
months (anak balita) and KN coverage, each with the title block (TABEL n, title, KABUPATEN/KOTA,
TAHUN), the merged header and its column-number row, one row per Puskesmas with its kecamatan, the
``JUMLAH KAB/KOTA`` total row, the ``ANGKA ... (DILAPORKAN)`` rate row and the ``Sumber:``
footer; one sheet per table. Monthly rows are summed over the year.

Each table is an entry of ``REGISTRY`` (kind, table number, the canonical tables it needs, its
builder). A table is written when its canonical tables hold rows for the year; the others are
named as missing (a line-list-only year has no births and no KN table).

Columns by sex follow the data, as the cleaning reads them back: a measure counted by sex gets
LAKI-LAKI, PEREMPUAN and LAKI-LAKI + PEREMPUAN columns (the last a reported total); a measure
counted without sex (a monthly report's stillbirths, say) gets the L+P column only. Causes are
by age group without sex, as the Profil tables give them. The rates in the rate rows are the
package's own (analysis/indicators.py), rounded to 2 decimals:

* births: under each MATI column the stillbirth rate, stillbirths / (live + still) x 1000;
* deaths: under NEONATAL the AKN, POST NEONATAL the post-neonatal rate, BAYI the AKB and
  JUMLAH TOTAL the AKABA, deaths / live births x 1000 of the same sex;
* maternal deaths: under the last JUMLAH the AKI (mmr), maternal deaths / live births x 100,000.

The maternal cause table is written in the current cause edition (vocab/maternal_causes.csv).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ..analysis.indicators import compute_indicators
from ..annex_writer import (KN_GROUPS, MATERNAL_AGES, MATERNAL_PERIODS, MATERNAL_TOTAL, TABLE_NUMBERS, TITLES,
                            AnnexTable, cause_label, causes_header, child_cause_columns, child_causes_header,
                            column_totals, kn_header, maternal_causes_header, maternal_header, stack, write_xlsx)
from ..outputs import write_atomic
from ..schemas import UNKNOWN

SEX_LABEL = {"male": "LAKI-LAKI", "female": "PEREMPUAN", "all": "LAKI-LAKI + PEREMPUAN"}
BY_SEX = ("male", "female", "all")
TOTAL_LABEL = "JUMLAH KAB/KOTA"
BIRTH_LABELS = {"live_births": "HIDUP", "stillbirths": "MATI", "total_births": "HIDUP + MATI"}
DEATH_LABELS = {"neonatal": "NEONATAL", "postneonatal": "POST NEONATAL", "infant": "BAYI", "child": "ANAK BALITA",
                "under5": "JUMLAH TOTAL"}
#: The indicator printed in the rate row under a deaths column (none under ANAK BALITA).
DEATH_RATES = {"neonatal": "nmr", "postneonatal": "postneonatal_mr", "infant": "imr", "under5": "u5mr"}
RATE_LABELS = {"births": "ANGKA LAHIR MATI PER 1.000 KELAHIRAN (DILAPORKAN)", "deaths": "ANGKA KEMATIAN (DILAPORKAN)",
               "maternal": "ANGKA KEMATIAN IBU (DILAPORKAN)"}
#: The maternal table's periods and mother's age groups in column order (annex_writer.MATERNAL_PERIODS and
#: MATERNAL_AGES); 'all' is the JUMLAH column, which also holds the deaths without a period or age group.
MATERNAL_PERIOD_CODES = ("pregnancy", "delivery", "postpartum", "all")
MATERNAL_AGE_CODES = ("age_under_20", "age_20_34", "age_35_plus", "all")
KN_DENOMINATORS = {"sasaran": "SASARAN BAYI BARU LAHIR", "live_births": "JUMLAH LAHIR HIDUP"}


@dataclass
class YearData:
    """One district's canonical tables for one year, months summed, and its rates by sex."""

    district: str
    year: int
    tables: dict[str, pd.DataFrame]
    places: list[tuple[str, str]]          # (kecamatan, Puskesmas) in row order
    rates: pd.DataFrame                    # indicator, sex ('male', 'female', 'all'), value

    def rate(self, indicator: str, sex: str) -> float | None:
        hit = self.rates[(self.rates["indicator"] == indicator) & (self.rates["sex"] == sex)]["value"]
        return round(float(hit.iloc[0]), 2) if len(hit) and pd.notna(hit.iloc[0]) else None


@dataclass
class Columns:
    """A table's columns after NO, KECAMATAN, PUSKESMAS: their header tree, a value for each
    (Puskesmas, column) and, per column, 'count' or 'pct:j' (for the total row) and the rate
    printed under it (None for none)."""

    header: list
    keys: list
    value: Callable[[str, object], object]
    kinds: list
    rates: list


@dataclass(frozen=True)
class AnnexKind:
    """One table of the annex: its kind (the title in annex_writer.TITLES), the Profil table number,
    the canonical tables it is built from, and its builder (YearData -> Columns, or None)."""

    kind: str
    number: int
    needs: tuple[str, ...]
    build: Callable[[YearData], Columns | None]


# --- the year's data -------------------------------------------------------------------------

def year_data(tables: dict[str, pd.DataFrame], year: int, district: str) -> YearData:
    """The district's rows of ``year`` in every canonical table, months summed (see ``annual``),
    the Puskesmas of any of them, and the district's rates by sex and for both sexes."""
    chosen = {name: annual(df[(df["year"] == year) & (df["district"] == district)])
              for name, df in tables.items() if name != "incomplete" and {"year", "district"} <= set(df.columns)}
    places = sorted({(k, p) for df in chosen.values() for k, p in zip(df.get("kecamatan", []), df.get("puskesmas", []))})
    district_only = {name: df[df["district"] == district] for name, df in tables.items()}
    by_sex = compute_indicators(district_only, level="district", year=year, by_sex=True)
    both = compute_indicators(district_only, level="district", year=year).assign(sex="all")
    rates = pd.concat([by_sex, both], ignore_index=True)[["indicator", "sex", "cause", "value"]]
    rates = rates[rates["cause"] == "all"]
    return YearData(district, int(year), chosen, places, rates)


def annual(df: pd.DataFrame) -> pd.DataFrame:
    """A canonical table with its months summed: one row per key, counts added (denominators too:
    a monthly report's sasaran is the month's share)."""
    if df.empty or "month" not in df:
        return df.reset_index(drop=True)
    counts = [c for c in ("live_births", "stillbirths", "deaths", "visits", "denominator") if c in df]
    keys = [c for c in df.columns if c not in counts and c not in ("month", "reported_pct", "source_file",
                                                                   "source_sheet", "source_row")]
    return df.groupby(keys, dropna=False, sort=False)[counts].sum(min_count=1).reset_index()


def _sums(df: pd.DataFrame, keys: list[str], value: str) -> dict:
    """{(Puskesmas, sex, *keys): sum}, with sex 'all' the sum over every sex."""
    by = df.groupby(["puskesmas", "sex"] + keys, dropna=False)[value].sum()
    both = df.groupby(["puskesmas"] + keys, dropna=False)[value].sum()
    out = {k if isinstance(k, tuple) else (k,): v for k, v in by.items()}
    out.update({(k[0], "all", *k[1:]) if isinstance(k, tuple) else (k, "all"): v for k, v in both.items()})
    return out


def _sexes(df: pd.DataFrame, value: str) -> list[str]:
    """The sex columns of a measure: L, P and L+P when the data count it by sex, L+P alone when only
    without sex (all its counts 'unspecified')."""
    by = df.groupby("sex", dropna=False)[value].sum()
    split = by.reindex(["male", "female"]).fillna(0).sum()
    if not df["sex"].isin(["male", "female"]).any() or (split == 0 and by.get("unspecified", 0) > 0):
        return ["all"]
    return list(BY_SEX)


# --- the tables ------------------------------------------------------------------------------

def births_columns(d: YearData) -> Columns | None:
    """JUMLAH KELAHIRAN by sex: HIDUP, MATI and HIDUP + MATI; the stillbirth rate under MATI."""
    df = d.tables["births"]
    if df.empty:
        return None
    measures = ("live_births", "stillbirths")
    sexes = {m: _sexes(df, m) for m in measures}
    sums = {m: _sums(df, [], m) for m in measures}
    groups = []
    for s in BY_SEX:
        ms = [m for m in measures if s in sexes[m]]
        groups.append((s, ms + (["total_births"] if len(ms) == 2 else [])))
    keys = [(m, s) for s, ms in groups for m in ms]

    def value(p, key):
        m, s = key
        parts = measures if m == "total_births" else (m,)
        return int(sum(sums[x].get((p, s), 0) for x in parts))

    header = [("JUMLAH KELAHIRAN", [(SEX_LABEL[s], [BIRTH_LABELS[m] for m in ms]) for s, ms in groups if ms])]
    rates = [d.rate("stillbirth_rate", s) if m == "stillbirths" else None for m, s in keys]
    return Columns(header, keys, value, ["count"] * len(keys), rates)


def deaths_columns(d: YearData) -> Columns | None:
    """JUMLAH KEMATIAN by sex: NEONATAL, POST NEONATAL, and BAYI (under BALITA with ANAK BALITA and
    JUMLAH TOTAL when the data have deaths at 12-59 months); AKN, AKB, AKABA in the rate row."""
    df = d.tables["deaths"]
    if df.empty:
        return None
    ages = [a for a in ("neonatal", "postneonatal", "child") if a in set(df["age_group"])]
    sexes = {a: _sexes(df[df["age_group"] == a], "deaths") for a in ages}
    sums = _sums(df, ["age_group"], "deaths")
    parts = {"infant": ("neonatal", "postneonatal"), "under5": ("neonatal", "postneonatal", "child")}
    groups, keys = [], []
    for s in BY_SEX:
        own = [a for a in ("neonatal", "postneonatal") if a in ages and s in sexes[a]]
        infant = ["infant"] if len(own) == 2 else []
        tree = [DEATH_LABELS[a] for a in own]
        if "child" in ages and s in sexes["child"]:
            balita = infant + ["child"] + (["under5"] if infant else [])
            tree.append(("BALITA", [DEATH_LABELS[m] for m in balita]))
            measures = own + balita
        else:
            tree += [DEATH_LABELS[m] for m in infant]
            measures = own + infant
        if measures:
            groups.append((SEX_LABEL[s], tree))
            keys += [(m, s) for m in measures]

    def value(p, key):
        m, s = key
        return int(sum(sums.get((p, s, a), 0) for a in parts.get(m, (m,))))

    births = not d.tables["births"].empty
    rates = [d.rate(DEATH_RATES[m], s) if births and m in DEATH_RATES else None for m, s in keys]
    return Columns([("JUMLAH KEMATIAN", groups)], keys, value, ["count"] * len(keys), rates)


def causes_columns(d: YearData) -> Columns | None:
    """Neonatal and post-neonatal deaths by main cause (both sexes), the causes the data have, in
    the order of the cause vocabulary."""
    from ..vocab.causes import causes

    df = d.tables["deaths_by_cause"]
    df = df[df["age_group"].isin(["neonatal", "postneonatal"])]
    if df.empty:
        return None
    order = list(causes().index)
    present = {a: sorted(set(df.loc[df["age_group"] == a, "cause"]), key=order.index) for a in ("neonatal", "postneonatal")}
    sums = _sums(df, ["age_group", "cause"], "deaths")
    header = [h for h in causes_header([cause_label(c).upper() for c in present["neonatal"]],
                                       [cause_label(c).upper() for c in present["postneonatal"]]) if h[1]]
    keys = [(a, c) for a in ("neonatal", "postneonatal") for c in present[a]]
    return Columns(header, keys, lambda p, key: int(sums.get((p, "all", *key), 0)), ["count"] * len(keys),
                   [None] * len(keys))


def child_causes_columns(d: YearData) -> Columns | None:
    """Deaths at 12-59 months by main cause (both sexes): the causes the data have, the Profil table's
    columns in its order ('PD3I', 'KELAINAN KONGENITAL LAINNYA'), then any other cause under its label."""
    from ..vocab.causes import causes

    df = d.tables["deaths_by_cause"]
    df = df[df["age_group"] == "child"]
    if df.empty:
        return None
    official = child_cause_columns()
    order = list(official) + [c for c in causes().index if c not in official]
    present = sorted(set(df["cause"]), key=order.index)
    sums = _sums(df, ["cause"], "deaths")
    header = child_causes_header([official.get(c, cause_label(c).upper()) for c in present])
    return Columns(header, present, lambda p, c: int(sums.get((p, "all", c), 0)), ["count"] * len(present),
                   [None] * len(present))


def kn_columns(d: YearData) -> Columns | None:
    """The newborns (sasaran or live births) by sex, then KN1 and KN lengkap by sex as JUMLAH and %."""
    df = d.tables["neonatal_visits"]
    if df.empty:
        return None
    visits = [v for v in ("kn1", "kn_lengkap") if v in set(df["visit"])]
    sexes = _sexes(df, "visits")
    counts = _sums(df, ["visit"], "visits")
    den = df.sort_values("visit").drop_duplicates(["puskesmas", "sex"])   # one denominator: KN1's, else KN lengkap's
    dens = _sums(den, [], "denominator")
    kind = df["denominator_kind"].dropna().mode()
    label = KN_DENOMINATORS[kind.iloc[0] if len(kind) else "live_births"]
    header = kn_header(label, [SEX_LABEL[s] for s in sexes], groups=[KN_GROUPS[("kn1", "kn_lengkap").index(v)] for v in visits])
    keys = [("denominator", s) for s in sexes] + [(v, s, u) for v in visits for s in sexes for u in ("n", "pct")]
    kinds = ["count"] * len(sexes) + [k for v in visits for i in range(len(sexes)) for k in ("count", f"pct:{i}")]

    def value(p, key):
        if key[0] == "denominator":
            return _number(dens.get((p, key[1]), 0))
        v, s, unit = key
        n = int(counts.get((p, s, v), 0))
        if unit == "n":
            return n
        total = dens.get((p, s), 0)
        return round(100 * n / total, 2) if total else None

    return Columns(header, keys, value, kinds, [None] * len(keys))


def maternal_columns(d: YearData) -> Columns | None:
    """Maternal deaths in the official layout: JUMLAH LAHIR HIDUP (when the year has births), then KEMATIAN IBU
    HAMIL, BERSALIN, NIFAS and JUMLAH KEMATIAN IBU, each over < 20, 20-34, >= 35 TAHUN and JUMLAH; the AKI
    (the package's mmr, per 100,000 live births) in the rate row under the last JUMLAH.

    A death without a period or age group (a line list that does not say) is counted in the JUMLAH columns only
    (the footer says how many): the layout has no column for it."""
    df = d.tables["maternal_deaths"]
    if df.empty:
        return None
    births = d.tables["births"]
    live = _sums(births, [], "live_births") if not births.empty else None
    sums = df.groupby(["puskesmas", "period", "age_group"], dropna=False)["deaths"].sum()

    def deaths(p, period, age):
        rows = sums[sums.index.get_level_values("puskesmas") == p]
        if period != "all":
            rows = rows[rows.index.get_level_values("period") == period]
        if age != "all":
            rows = rows[rows.index.get_level_values("age_group") == age]
        return int(rows.sum())

    keys = ([("live_births",)] if live is not None else []) + [(period, age) for period in MATERNAL_PERIOD_CODES
                                                                for age in MATERNAL_AGE_CODES]

    def value(p, key):
        return int(live.get((p, "all"), 0)) if key == ("live_births",) else deaths(p, *key)

    aki = d.rate("mmr", "all") if live is not None else None
    rates = [None] * (len(keys) - 1) + [aki]
    return Columns(maternal_header(MATERNAL_PERIODS, MATERNAL_AGES, live_births=live is not None), keys, value,
                   ["count"] * len(keys), rates)


def maternal_causes_columns(d: YearData) -> Columns | None:
    """Maternal deaths by cause in the current edition's columns (vocab/maternal_causes.csv), then JUMLAH KEMATIAN
    IBU; an older edition's cause is written under its current category (GANGGUAN METABOLIK under LAIN-LAIN)."""
    from ..vocab.maternal import current_code, maternal_causes

    df = d.tables["maternal_causes"]
    if df.empty:
        return None
    vocab = maternal_causes()
    codes = [c for c in vocab.index if vocab.loc[c, "header_current"]]
    sums = df.assign(cause=current_code(df["cause"])).groupby(["puskesmas", "cause"], dropna=False)["deaths"].sum()
    keys = codes + [MATERNAL_TOTAL]

    def value(p, key):
        if key == MATERNAL_TOTAL:
            return int(sum(sums.get((p, c), 0) for c in codes))
        return int(sums.get((p, key), 0))

    return Columns(maternal_causes_header("current"), keys, value, ["count"] * len(keys), [None] * len(keys))


def _number(x) -> int | float:
    x = float(x) if pd.notna(x) else 0.0
    return int(x) if x.is_integer() else x


#: The tables of the annex, in order. A table is one entry: kind (its title in annex_writer.TITLES),
#: number, the canonical tables it needs, and its builder.
REGISTRY: list[AnnexKind] = [
    AnnexKind("births", TABLE_NUMBERS["births"], ("births",), births_columns),
    AnnexKind("deaths", TABLE_NUMBERS["deaths"], ("deaths",), deaths_columns),
    AnnexKind("causes", TABLE_NUMBERS["causes"], ("deaths_by_cause",), causes_columns),
    AnnexKind("child_causes", TABLE_NUMBERS["child_causes"], ("deaths_by_cause",), child_causes_columns),
    AnnexKind("kn", TABLE_NUMBERS["kn"], ("neonatal_visits",), kn_columns),
    AnnexKind("maternal", TABLE_NUMBERS["maternal"], ("maternal_deaths",), maternal_columns),
    AnnexKind("maternal_causes", TABLE_NUMBERS["maternal_causes"], ("maternal_causes",), maternal_causes_columns),
]


# --- the workbook ----------------------------------------------------------------------------

def district_line(district: str) -> str:
    """The title block's district line: 'KABUPATEN/KOTA MUSI RAWAS UTARA' ('KOTA X' for a city named 'Kota X')."""
    name = str(district).strip()
    return name.upper() if name.lower().startswith(("kota ", "kabupaten ")) else f"KABUPATEN/KOTA {name.upper()}"


def footer(d: YearData, needs: tuple[str, ...]) -> tuple[str, ...]:
    """'Sumber: ...' naming the source files the table's rows came from (at most three, then how many more)."""
    files = sorted({Path(f).name for name in needs for f in d.tables[name].get("source_file", [])})
    shown = ", ".join(files[:3]) + (f" dan {len(files) - 3} berkas lainnya" if len(files) > 3 else "")
    lines = (f"Sumber: {shown}" if shown else "Sumber: data olahan imr-analysis",
             f"Keterangan: dihimpun dengan imr-analysis dari data olahan tahun {d.year}")
    if "maternal_deaths" in needs:
        m = d.tables["maternal_deaths"]
        n = int(m.loc[(m["period"] == "unspecified") | (m["age_group"] == "unspecified"), "deaths"].sum())
        if n:
            lines += (f"Keterangan: {n} kematian ibu tanpa periode atau kelompok umur hanya dihitung di kolom JUMLAH",)
    return lines


def annex_table(entry: AnnexKind, d: YearData) -> AnnexTable | None:
    """One table of the annex for the year, or None when its canonical tables hold no rows."""
    if any(name not in d.tables or d.tables[name].empty for name in entry.needs):
        return None
    cols = entry.build(d)
    if cols is None:
        return None
    values = [[cols.value(p, key) for key in cols.keys] for _, p in d.places]
    body = [[i, None if k == UNKNOWN else k, p] + row for i, ((k, p), row) in enumerate(zip(d.places, values), start=1)]
    rate = [None, RATE_LABELS[entry.kind], None] + cols.rates if any(r is not None for r in cols.rates) else None
    return AnnexTable(f"TABEL {entry.number}", TITLES[entry.kind], cols.header, body, district=district_line(d.district),
                      year=d.year, total=[None, TOTAL_LABEL, None] + column_totals(values, cols.kinds), rate=rate,
                      footer=footer(d, entry.needs))


@dataclass
class Annex:
    """The year's tables and their kinds by sheet name, and the kinds left out because the data have none."""

    tables: dict[str, AnnexTable]
    kinds: dict[str, str]
    missing: list[str]


def compile_annex(tables: dict[str, pd.DataFrame], year: int, district: str, registry=None) -> Annex:
    """Every table of ``registry`` (default ``REGISTRY``) the processed data can fill for the year."""
    d = year_data(tables, year, district)
    annex = Annex({}, {}, [])
    for entry in registry or REGISTRY:
        table = annex_table(entry, d)
        if table is None:
            annex.missing.append(entry.kind)
        else:
            annex.tables[f"Tabel {entry.number}"] = table
            annex.kinds[f"Tabel {entry.number}"] = entry.kind
    return annex


def _width(j: int) -> float:
    return {1: 5, 2: 22, 3: 24}.get(j, 11)


def write_annex(annex: Annex, out: Path) -> Path:
    """The workbook, one sheet per table, merged headers drawn; written atomically."""
    sheets = {name: stack([table]) for name, table in annex.tables.items()}
    return write_atomic(Path(out), lambda tmp: write_xlsx(tmp, sheets, merge=True, column_width=_width))

"""Seeded synthetic data at national scale, for benchmarks and scale tests.

    imr-analysis synth --districts 514 --puskesmas 10000 --years 2015-2024 [--monthly] --out DIR
                       [--format canonical|annex] [--seed 1]

Realistic magnitudes (DOMAIN.md): about 4.5 million live births a year over ~10,000 Puskesmas,
district IMR drawn around 17 per 1,000 (log-normal spread), 80% of infant deaths neonatal,
causes drawn from the national shares of Profil Kesehatan Indonesia 2021, stillbirths about
10 per 1,000 births, KN coverage 85-100% of a sasaran slightly above live births. The same
arguments give the same data. ``canonical`` writes the four canonical tables as Parquet (with
``month`` when --monthly: 10,000 Puskesmas x 10 years x 12 months = 1.2 million Puskesmas-months);
``annex`` writes one Profil-style workbook per district and year (births, deaths, causes, KN).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .annex_writer import (MATERNAL_AGES, SEXES, TABLE_NUMBERS, TITLES, AnnexTable, births_header, cause_label,
                           causes_header, child_cause_columns, child_causes_header, column_totals, deaths_header,
                           id_number, kn_header, maternal_causes_header, maternal_header, stack, write_csv, write_xlsx)

NEONATAL_CAUSES = {"lbw_prematurity": 34.5, "asphyxia": 27.8, "congenital": 12.8, "sepsis_infection": 4.0,
                   "covid19": 0.5, "tetanus": 0.2, "other": 20.2}
POSTNEONATAL_CAUSES = {"pneumonia": 14.4, "diarrhoea": 14.0, "congenital": 10.6, "covid19": 1.6,
                       "perinatal_condition": 0.9, "neurological": 0.8, "meningitis": 0.6, "dengue": 0.6, "other": 56.5}


def geography(districts: int, puskesmas: int, rng) -> pd.DataFrame:
    """Puskesmas spread over districts (at least one each), about two per kecamatan, 38 provinces."""
    share = rng.dirichlet(np.full(districts, 8.0))
    per = np.maximum(1, np.round(share * puskesmas).astype(int))
    while per.sum() > puskesmas:
        per[np.argmax(per)] -= 1
    while per.sum() < puskesmas:
        per[np.argmin(per)] += 1
    d_idx = np.repeat(np.arange(districts), per)
    within = np.concatenate([np.arange(n) for n in per])
    province = (np.arange(districts) * 38 // districts)[d_idx]
    return pd.DataFrame({
        "province": pd.Categorical([f"Provinsi {p + 1:02d}" for p in province]),
        "district": pd.Categorical([f"Kabupaten Sintetis {d + 1:03d}" for d in d_idx]),
        "kecamatan": pd.Categorical([f"Kec {d + 1:03d}-{w // 2 + 1:02d}" for d, w in zip(d_idx, within)]),
        "puskesmas": pd.Categorical([f"PKM {d + 1:03d}-{w + 1:02d}" for d, w in zip(d_idx, within)]),
        "district_index": d_idx,
    })


def canonical(districts: int = 514, puskesmas: int = 10000, years=range(2015, 2025), monthly: bool = False,
              seed: int = 1) -> dict[str, pd.DataFrame]:
    """The four canonical tables, generated with numpy (no Python loop per row)."""
    rng = np.random.default_rng(seed)
    geo = geography(districts, puskesmas, rng)
    years = np.asarray(list(years))
    months = np.arange(1, 13) if monthly else np.array([0])
    n_p, n_y, n_m = len(geo), len(years), len(months)
    size = rng.lognormal(np.log(450), 0.5, n_p)                      # live births per Puskesmas-year
    district_imr = rng.lognormal(np.log(17 / 1000), 0.35, districts)
    imr = district_imr[geo["district_index"].to_numpy()] * rng.lognormal(0, 0.15, n_p)
    trend = (1 - 0.03) ** (years - years[0])                          # about -3% a year
    p_idx = np.repeat(np.arange(n_p), n_y * n_m)
    y_idx = np.tile(np.repeat(np.arange(n_y), n_m), n_p)
    m_val = np.tile(months, n_p * n_y)
    base = pd.DataFrame({c: geo[c].to_numpy()[p_idx] for c in ("province", "district", "kecamatan", "puskesmas")})
    for c in ("province", "district", "kecamatan", "puskesmas"):
        base[c] = pd.Categorical(base[c], categories=geo[c].cat.categories)
    base["year"] = years[y_idx]
    if monthly:
        base["month"] = pd.array(m_val, dtype="Int64")
    expected_births = size[p_idx] / n_m
    births_total = rng.poisson(expected_births)
    male = rng.binomial(births_total, 0.512)
    still = rng.poisson(expected_births * 0.010)
    still_m = rng.binomial(still, 0.55)
    births = pd.concat([base.assign(sex="male", live_births=male, stillbirths=still_m),
                        base.assign(sex="female", live_births=births_total - male, stillbirths=still - still_m)],
                       ignore_index=True)
    mu = births_total * imr[p_idx] * trend[y_idx]
    infant = rng.poisson(mu)
    neo = rng.binomial(infant, 0.8)
    post = infant - neo
    neo_m, post_m = rng.binomial(neo, 0.55), rng.binomial(post, 0.55)
    deaths = pd.concat([base.assign(sex=s, age_group=a, deaths=v) for s, a, v in (
        ("male", "neonatal", neo_m), ("female", "neonatal", neo - neo_m),
        ("male", "postneonatal", post_m), ("female", "postneonatal", post - post_m))], ignore_index=True)
    causes = []
    for age, counts, shares in (("neonatal", neo, NEONATAL_CAUSES), ("postneonatal", post, POSTNEONATAL_CAUSES)):
        probs = np.array(list(shares.values())) / sum(shares.values())
        draws = rng.multinomial(counts, probs)
        for j, cause in enumerate(shares):
            keep = draws[:, j] > 0                                    # causes are sparse: rows with deaths only
            causes.append(base[keep].assign(sex="unspecified", age_group=age, cause=cause, deaths=draws[keep, j]))
    deaths_by_cause = pd.concat(causes, ignore_index=True)
    sasaran = np.round(expected_births * rng.uniform(1.0, 1.06, len(expected_births)))
    coverage = rng.uniform(0.85, 1.0, n_p)[p_idx]
    kn_lengkap = rng.binomial(sasaran.astype(int), coverage)
    kn1 = np.minimum(kn_lengkap + rng.poisson(sasaran * 0.03), sasaran.astype(int) + 2)
    visits = pd.concat([base.assign(sex="unspecified", visit=v, visits=n, denominator=sasaran,
                                    denominator_kind="sasaran", reported_pct=np.nan)
                        for v, n in (("kn1", kn1), ("kn_lengkap", kn_lengkap))], ignore_index=True)
    out = {"births": births, "deaths": deaths, "deaths_by_cause": deaths_by_cause, "neonatal_visits": visits}
    for name, df in out.items():
        for col in ("sex", "age_group", "cause", "visit", "denominator_kind"):
            if col in df:
                df[col] = df[col].astype("category")
        df["source_file"] = "synthetic"
        df["source_sheet"] = ""
        df["source_row"] = 0
    return out


def write_canonical(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        path = out / f"{name}.parquet"
        df.to_parquet(path, index=False)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# Raw files as districts send them: Profil annex workbooks and CSV exports, monthly LB3 KIA
# reports, AMP-SR death line lists. ``manifest`` (a list, optional) receives one entry per raw
# body row written (file, sheet, row, table, row_kind, district, year, puskesmas), so a test can
# check that cleaning accounts for every one of them.

TABLES = ("births", "deaths", "causes", "kn")
#: The maternal tables (by period and mother's age group, by cause): written when the layout's ``order``
#: names them, from the tables ``maternal_deaths`` and ``maternal_causes`` (see ``write_annex``).
MATERNAL_TABLES = ("maternal", "maternal_causes")
MATERNAL_PERIODS = ("pregnancy", "delivery", "postpartum")
MATERNAL_AGE_GROUPS = ("age_under_20", "age_20_34", "age_35_plus")
SEX_LABELS = dict(zip(("male", "female", "all"), SEXES))


@dataclass
class AnnexLayout:
    """How one district writes its annex tables in one year.

    The defaults are the plain layout: sheets 'Tabel 26/27/28/37' in that order, the kecamatan on
    every row, names as in the data, zeros as 0, no total row and no footer.
    """

    numbers: dict = field(default_factory=lambda: dict(TABLE_NUMBERS))
    order: tuple = TABLES
    sheet: str = "Tabel {n}"            # sheet name: {n} the table number, {k} the sheet's position
    csv: frozenset = frozenset()        # tables exported as one ';' CSV each, Indonesian number format
    continued: str = ""                 # the table whose second half is a '(lanj.)' block ...
    continuation: str = "same_sheet"    # ... below it ('same_sheet') or on the next sheet ('next_sheet')
    kecamatan: str = "every"            # 'every' row, 'merged' (first row of each kecamatan), 'puskesmas', 'blank'
    kecamatan_name: str = "{name}"      # how a kecamatan is written ({name}, {upper}): 'Kec. {name}'
    names: tuple = ("{name}",)          # Puskesmas name templates ({name}, {upper}, {lower}), row by row in turn
    zero: object = 0                    # a zero count as written: 0, None (blank) or '-'
    district_line: str = "KABUPATEN {upper}"
    with_totals: bool = False           # an L+P group (and BAYI in deaths) beside L and P: reported checks
    total_row: str = ""                 # label of the district total row, '' for none
    footer: bool = False                # a 'Sumber:' line under each table
    maternal_edition: str = "current"   # the maternal cause table: 'current' (9 causes) or 'older' (6) edition
    maternal_title: str = TITLES["maternal"]  # or the older editions' MATERNAL_TITLE_OLDER


@dataclass
class _Counts:
    """One district-year of the canonical tables, as lookups by Puskesmas."""

    names: list
    kecamatan: dict
    births: dict    # (puskesmas, sex) -> [live births, stillbirths]
    deaths: dict    # (puskesmas, sex, age_group) -> deaths
    causes: dict    # (puskesmas, age_group, cause) -> deaths
    visits: dict    # (puskesmas, visit) -> [visits, denominator]
    maternal: dict = field(default_factory=dict)          # (puskesmas, period, age_group) -> maternal deaths
    maternal_causes: dict = field(default_factory=dict)   # (puskesmas, cause) -> maternal deaths


def bare_district(district: str) -> str:
    """'Kabupaten Sintetis 001' -> 'Sintetis 001' (the name a title line writes after KABUPATEN / KOTA)."""
    return re.sub(r"^(Kabupaten|Kota)\s+", "", str(district))


def write_annex(tables: dict[str, pd.DataFrame], out: Path, max_workbooks: int | None = None,
                layout=None, manifest: list | None = None) -> list[Path]:
    """One Profil-style workbook per district and year with the births, deaths, causes and KN tables.

    ``layout(district, year) -> AnnexLayout`` says how each district writes them (default: the
    plain layout); tables it exports as CSV become ``profil_<district>_<year>_tabel_<n>.csv``.
    The maternal tables are written where the layout's ``order`` names them, from ``tables``
    ``maternal_deaths`` (deaths by Puskesmas, year, period, age_group) and ``maternal_causes`` (by cause;
    codes of the layout's edition); without them every count is 0.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    b = tables["births"].groupby(["district", "year", "kecamatan", "puskesmas", "sex"], observed=True, dropna=False)[["live_births", "stillbirths"]].sum()
    d = tables["deaths"].groupby(["district", "year", "puskesmas", "sex", "age_group"], observed=True, dropna=False)["deaths"].sum()
    c = tables["deaths_by_cause"].groupby(["district", "year", "puskesmas", "age_group", "cause"], observed=True, dropna=False)["deaths"].sum()
    v = tables["neonatal_visits"].groupby(["district", "year", "puskesmas", "visit"], observed=True, dropna=False)[["visits", "denominator"]].sum()
    m = _summed(tables.get("maternal_deaths"), ["district", "year", "puskesmas", "period", "age_group"])
    mc = _summed(tables.get("maternal_causes"), ["district", "year", "puskesmas", "cause"])
    paths = []
    for (district, year), bg in b.groupby(level=["district", "year"], observed=True, dropna=False):
        if max_workbooks is not None and len(paths) >= max_workbooks:
            break
        pk = bg.reset_index()
        counts = _Counts(list(dict.fromkeys(pk["puskesmas"])), dict(zip(pk["puskesmas"], pk["kecamatan"])),
                         {(p, s): [lb, sb] for p, s, lb, sb
                          in zip(pk["puskesmas"], pk["sex"], pk["live_births"], pk["stillbirths"])},
                         _lookup(d, district, year), _lookup(c, district, year), _lookup(v, district, year),
                         _lookup(m, district, year), _lookup(mc, district, year))
        lay = layout(district, year) if layout else AnnexLayout()
        slug = bare_district(district).replace(" ", "_").lower()
        paths += _write_workbook(counts, lay, district, int(year), out, f"profil_{slug}_{year}", manifest)
    return paths


def _summed(df: pd.DataFrame | None, keys: list[str]):
    """Deaths of a maternal table summed by ``keys`` (None without the table)."""
    return None if df is None else df.groupby(keys, observed=True, dropna=False)["deaths"].sum()


def _lookup(grouped, district, year) -> dict:
    """{rest of the key: value(s)} for one district-year of a grouped Series or DataFrame ({} for None)."""
    if grouped is None:
        return {}
    try:
        part = grouped.xs((district, year), level=["district", "year"])
    except KeyError:
        return {}
    if isinstance(part, pd.Series):
        return part.to_dict()
    return {k: list(row) for k, row in zip(part.index, part.to_numpy())}


def _write_workbook(counts: _Counts, lay: AnnexLayout, district: str, year: int, out: Path, stem: str,
                    manifest: list | None) -> list[Path]:
    sheets, paths = {}, []
    for kind in lay.order:
        n = lay.numbers[kind]
        blocks = annex_blocks(kind, counts, lay, district, year)
        if kind in lay.csv:
            path = out / f"{stem}_tabel_{n}.csv"
            sheet = stack([table for table, _ in blocks])
            write_csv(path, sheet.rows, export=True)
            _record(manifest, sheet, blocks, path, "", kind, district, year)
            paths.append(path)
            continue
        parts = [blocks] if lay.continuation == "same_sheet" else [[blk] for blk in blocks]
        for part, sheet_blocks in enumerate(parts):
            name = lay.sheet.format(n=n, k=len(sheets) + 1) + (" lanj" if part else "")
            sheets[name] = stack([table for table, _ in sheet_blocks])
            _record(manifest, sheets[name], sheet_blocks, out / f"{stem}.xlsx", name, kind, district, year)
    if sheets:
        paths.insert(0, write_xlsx(out / f"{stem}.xlsx", sheets, streamed=True))  # a third of the time
    return paths


def _record(manifest: list | None, sheet, blocks: list, path: Path, sheet_name: str, kind: str, district: str,
            year: int) -> None:
    """One manifest entry per body and total row of ``sheet`` (the stacked ``blocks``)."""
    if manifest is None:
        return
    names = iter(name for _, block_names in blocks for name in block_names)
    for row, what in enumerate(sheet.kinds, start=1):
        if what in ("body", "total"):
            manifest.append({"file": str(path), "sheet": sheet_name, "row": row, "table": kind,
                             "row_kind": "data" if what == "body" else "total", "district": district, "year": year,
                             "puskesmas": next(names) if what == "body" else ""})


def annex_blocks(kind: str, counts: _Counts, lay: AnnexLayout, district: str, year: int) -> list[tuple[AnnexTable, list]]:
    """One annex table as the layout writes it (title block, header, column numbers, body, total,
    footer), with the Puskesmas of its body rows; two blocks when the layout continues this table
    in a '(lanj.)' block."""
    header, values, kinds = ANNEX_BUILDERS[kind](counts, lay)
    names = counts.names
    cut = (len(names) + 1) // 2 if lay.continued == kind and len(names) > 1 else len(names)
    parts = [range(0, cut)] + ([range(cut, len(names))] if cut < len(names) else [])
    line = lay.district_line.format(upper=bare_district(district).upper(), name=bare_district(district))
    blocks = []
    for b, part in enumerate(parts):
        body = []
        previous = None
        for i in part:
            name, kec = names[i], counts.kecamatan[names[i]]
            written = lay.names[i % len(lay.names)].format(name=name, upper=name.upper(), lower=name.lower())
            kec_written = lay.kecamatan_name.format(name=kec, upper=kec.upper())
            kec_cell = {"every": kec_written, "merged": kec_written if kec != previous else None, "puskesmas": name,
                        "blank": None}[lay.kecamatan]
            previous = kec
            cells = [lay.zero if k == "count" and x == 0 else x for x, k in zip(values[i], kinds)]
            body.append([i + 1, kec_cell, written] + cells)
        last = b == len(parts) - 1
        title = lay.maternal_title if kind == "maternal" else TITLES[kind]
        table = AnnexTable(f"TABEL {lay.numbers[kind]}" + (" (lanj.)" if b else ""), title, header, body,
                           district=line, year=year,
                           total=[None, lay.total_row, None] + column_totals(values, kinds) if lay.total_row and last else None,
                           footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi",) if lay.footer else ())
        blocks.append((table, [names[i] for i in part]))
    return blocks


def _sexes(lay: AnnexLayout) -> list[str]:
    return ["male", "female"] + (["all"] if lay.with_totals else [])


def _births_table(c: _Counts, lay: AnnexLayout):
    sexes = _sexes(lay)
    header = births_header([SEX_LABELS[s] for s in sexes], ("HIDUP", "MATI"))
    values = []
    for p in c.names:
        by_sex = {s: c.births.get((p, s), [0, 0]) for s in ("male", "female")}
        by_sex["all"] = [by_sex["male"][k] + by_sex["female"][k] for k in (0, 1)]
        values.append([int(x) for s in sexes for x in by_sex[s]])
    return header, values, ["count"] * 2 * len(sexes)


def _deaths_table(c: _Counts, lay: AnnexLayout):
    sexes = _sexes(lay)
    measures = ["NEONATAL", "POST NEONATAL"] + (["BAYI"] if lay.with_totals else [])
    header = deaths_header([SEX_LABELS[s] for s in sexes], measures)
    values = []
    for p in c.names:
        row = []
        for s in sexes:
            keys = ("male", "female") if s == "all" else (s,)
            neo = sum(int(c.deaths.get((p, k, "neonatal"), 0)) for k in keys)
            post = sum(int(c.deaths.get((p, k, "postneonatal"), 0)) for k in keys)
            row += [neo, post] + ([neo + post] if lay.with_totals else [])
        values.append(row)
    return header, values, ["count"] * len(measures) * len(sexes)


def _causes_table(c: _Counts, lay: AnnexLayout):
    neo, post = list(NEONATAL_CAUSES), list(POSTNEONATAL_CAUSES)
    header = causes_header([cause_label(x).upper() for x in neo], [cause_label(x).upper() for x in post])
    values = [[int(c.causes.get((p, "neonatal", x), 0)) for x in neo]
              + [int(c.causes.get((p, "postneonatal", x), 0)) for x in post] for p in c.names]
    return header, values, ["count"] * (len(neo) + len(post))


def _child_causes_table(c: _Counts, lay: AnnexLayout):
    """Deaths at 12-59 months by cause: every column of the Profil table (a layout that lists the table
    in ``order`` writes it; the national model itself draws no deaths at these ages)."""
    codes = child_cause_columns()
    header = child_causes_header(list(codes.values()))
    values = [[int(c.causes.get((p, "child", x), 0)) for x in codes] for p in c.names]
    return header, values, ["count"] * len(codes)


def _kn_table(c: _Counts, lay: AnnexLayout):
    """KN coverage: L+P counts only, or (with_totals) L, P and L+P as JUMLAH and % (split 51.2% male)."""
    values = []
    for p in c.names:
        kn1, den = (int(x) for x in c.visits.get((p, "kn1"), [0, 0]))
        knl = int(c.visits.get((p, "kn_lengkap"), [0, 0])[0])
        if not lay.with_totals:
            values.append([den, kn1, knl])
            continue
        split = {k: (round(x * 0.512), x - round(x * 0.512), x) for k, x in (("den", den), ("kn1", kn1), ("knl", knl))}
        row = list(split["den"])
        for k in ("kn1", "knl"):
            for s in range(3):
                num, d = split[k][s], split["den"][s]
                row += [num, round(100 * num / d, 2) if d else None]
        values.append(row)
    if not lay.with_totals:
        return kn_header("SASARAN BAYI BARU LAHIR", [SEX_LABELS["all"]], pct=False), values, ["count"] * 3
    header = kn_header("SASARAN BAYI BARU LAHIR")
    kinds = ["count"] * 3 + [k for _ in range(2) for s in range(3) for k in ("count", f"pct:{s}")]
    return header, values, kinds


def _maternal_table(c: _Counts, lay: AnnexLayout):
    """Maternal deaths: JUMLAH LAHIR HIDUP, then each period (hamil, bersalin, nifas) over the mother's
    age groups; with_totals adds each period's JUMLAH and the JUMLAH KEMATIAN IBU group (ages summed)."""
    header = maternal_header(ages=MATERNAL_AGES if lay.with_totals else MATERNAL_AGES[:3], total=lay.with_totals)
    values = []
    for p in c.names:
        grid = [[int(c.maternal.get((p, period, age), 0)) for age in MATERNAL_AGE_GROUPS] for period in MATERNAL_PERIODS]
        row = [sum(int(c.births.get((p, s), [0, 0])[0]) for s in ("male", "female"))]
        for by_age in grid:
            row += by_age + ([sum(by_age)] if lay.with_totals else [])
        if lay.with_totals:
            all_periods = [sum(col) for col in zip(*grid)]
            row += all_periods + [sum(all_periods)]
        values.append(row)
    groups, ages = (4, 4) if lay.with_totals else (3, 3)   # periods (+ all periods) x age groups (+ JUMLAH)
    return header, values, ["count"] * (1 + groups * ages)


def _maternal_causes_table(c: _Counts, lay: AnnexLayout):
    """Maternal deaths by cause in the layout's edition (its cause columns in file order); with_totals
    adds JUMLAH KEMATIAN IBU."""
    from .vocab.maternal import maternal_causes

    codes = [code for code, h in maternal_causes()[f"header_{lay.maternal_edition}"].items() if h]
    unknown = {cause for (_, cause) in c.maternal_causes} - set(codes)
    if unknown:
        raise ValueError(f"maternal causes {sorted(unknown)} have no column in the {lay.maternal_edition} edition")
    header = maternal_causes_header(lay.maternal_edition, total=lay.with_totals)
    values = []
    for p in c.names:
        row = [int(c.maternal_causes.get((p, code), 0)) for code in codes]
        values.append(row + ([sum(row)] if lay.with_totals else []))
    return header, values, ["count"] * (len(codes) + lay.with_totals)


ANNEX_BUILDERS = {"births": _births_table, "deaths": _deaths_table, "causes": _causes_table,
                  "child_causes": _child_causes_table, "kn": _kn_table, "maternal": _maternal_table,
                  "maternal_causes": _maternal_causes_table}


@dataclass
class FlatLayout:
    """How a district writes its monthly reports or death line lists. The default title names no
    district and the rows have no district column, so cleaning needs ``--district``."""

    title: str = "LAPORAN BULANAN KIA (LB3) TAHUN {year}"
    months: tuple = ("name",)           # monthly: 'name' (Januari), 'short' (Jan), 'number' (1), row by row in turn
    names: tuple = ("{name}",)          # Puskesmas name templates, row by row in turn
    csv: bool = False                   # a ';' CSV export instead of a workbook
    zero: object = 0                    # monthly: a zero count as written
    desa: tuple = ()                    # monthly: desa name templates ('{name} Ilir'); one DESA/KELURAHAN column
                                        # with each Puskesmas's rows in turn over them (none: no desa column)


def _month_names(style: str) -> dict[int, object]:
    """Month 1-12 as written, from the month vocabulary (its first name of each month is Indonesian)."""
    from .vocab.months import month_names

    if style == "number":
        return {m: m for m in range(1, 13)}
    vocab = month_names()
    pick = (vocab if style == "name" else vocab[vocab["name"].str.len() == 3]).drop_duplicates("month")
    return {m: name.capitalize() for name, m in zip(pick["name"], pick["month"])}


def _flat_written(template: str, name: str) -> str:
    return template.format(name=name, upper=name.upper(), lower=name.lower())


def _save_flat(rows: list[list], path: Path, sheet: str, csv: bool) -> Path:
    if csv:
        path = path.with_suffix(".csv")
        return write_csv(path, [[x.isoformat() if hasattr(x, "isoformat") else x for x in r] for r in rows], export=True)
    return write_xlsx(path, {sheet: rows}, streamed=True)


def _flat_manifest(manifest: list | None, path: Path, sheet: str, kind: str, first_row: int, body: list,
                   district: str, year: int) -> None:
    if manifest is not None:
        for i, (_, name) in enumerate(body):
            manifest.append({"file": str(path), "sheet": "" if path.suffix == ".csv" else sheet, "row": first_row + i,
                             "table": kind, "row_kind": "data", "district": district, "year": year, "puskesmas": name})


def write_monthly(tables: dict[str, pd.DataFrame], out: Path, layout=None, manifest: list | None = None,
                  seed: int = 1) -> list[Path]:
    """One LB3 KIA report per district and year from monthly canonical tables: one row per Puskesmas
    and month with live births L/P, stillbirths, neonatal deaths 0-6 and 7-28 days (split at random,
    seeded), a column per cause, post-neonatal and infant deaths, sasaran and KN1 / KN lengkap."""
    rng = np.random.default_rng(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    neo, post = list(NEONATAL_CAUSES), list(POSTNEONATAL_CAUSES)
    header = (["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
               "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI"]
              + [f"PENYEBAB NEONATAL - {cause_label(x).upper()}" for x in neo] + ["KEMATIAN POST NEONATAL"]
              + [f"PENYEBAB POST NEONATAL - {cause_label(x).upper()}" for x in post]
              + ["KEMATIAN BAYI", "SASARAN PUSDATIN", "SASARAN PUSKESMAS", "KN1", "KN LENGKAP"])
    keys = ["district", "year", "puskesmas", "month"]
    b = tables["births"].groupby(keys + ["sex"], observed=True, dropna=False)[["live_births", "stillbirths"]].sum()
    d = tables["deaths"].groupby(keys + ["age_group"], observed=True, dropna=False)["deaths"].sum()
    c = tables["deaths_by_cause"].groupby(keys + ["age_group", "cause"], observed=True, dropna=False)["deaths"].sum()
    v = tables["neonatal_visits"].groupby(keys + ["visit"], observed=True, dropna=False)[["visits", "denominator"]].sum()
    geo = tables["births"].drop_duplicates("puskesmas").set_index("puskesmas")["kecamatan"]
    paths = []
    for (district, year), _ in b.groupby(level=["district", "year"], observed=True, dropna=False):
        lay = layout(district, year) if layout else FlatLayout()
        months = [_month_names(style) for style in lay.months]
        births, deaths, causes, visits = (_lookup(x, district, year) for x in (b, d, c, v))
        names = list(dict.fromkeys(p for p, _, _ in births))
        body = []
        desa_header = ["DESA/KELURAHAN"] if lay.desa else []
        for i, p in enumerate(names):
            for m in range(1, 13):
                (lm, sm), (lf, sf) = births.get((p, m, "male"), [0, 0]), births.get((p, m, "female"), [0, 0])
                n_neo, n_post = int(deaths.get((p, m, "neonatal"), 0)), int(deaths.get((p, m, "postneonatal"), 0))
                early = int(rng.binomial(n_neo, 0.79))
                kn1, den = visits.get((p, m, "kn1"), [0, 0])
                counts = ([lm, lf, sm + sf, early, n_neo - early] + [causes.get((p, m, "neonatal", x), 0) for x in neo]
                          + [n_post] + [causes.get((p, m, "postneonatal", x), 0) for x in post]
                          + [n_neo + n_post, den, den + int(rng.integers(0, 3)), kn1,
                             visits.get((p, m, "kn_lengkap"), [0, 0])[0]])
                row = [months[(i + m) % len(months)][m], int(year), geo[p],
                       _flat_written(lay.names[(i + m) % len(lay.names)], p)]
                row += [_flat_written(lay.desa[m % len(lay.desa)], p)] if lay.desa else []
                body.append((row + [int(x) if x else lay.zero for x in counts], p))
        rows = [[lay.title.format(year=year)], [], header[:4] + desa_header + header[4:]] + [r for r, _ in body]
        slug = bare_district(district).replace(" ", "_").lower()
        path = _save_flat(rows, out / f"lb3_kia_{slug}_{year}.xlsx", "LB3 KIA", lay.csv)
        _flat_manifest(manifest, path, "LB3 KIA", "monthly", 4, body, district, int(year))
        paths.append(path)
    return paths


def _icd10_codes() -> dict[str, str]:
    """The first ICD-10 code of each cause code's range (vocab/icd10.csv)."""
    from .vocab.icd10 import icd10_table

    table = icd10_table()
    return dict(zip(table["code"][::-1], table["first"][::-1]))


def write_linelist(tables: dict[str, pd.DataFrame], out: Path, layout=None, manifest: list | None = None,
                   seed: int = 1, reviews: list | None = None) -> list[Path]:
    """One AMP-SR death line list per district and year from monthly canonical tables: one row per
    death, with invented personal data (names, NIK, address, phone) as real lists have them.

    Each death takes its sex from ``deaths`` and its cause from ``deaths_by_cause`` (paired at random
    within Puskesmas, month and age group), a day of death in its month, and an age in days
    (neonatal 0-28, post-neonatal 29-364) written as two dates or, every fourth row, as '12 hari' /
    '3 bulan'. The cause is written as its ICD-10 code (every other row, where the code has one) or
    its Indonesian label. The AMP-SR review fields (``_review_cells``) are drawn with their own seeded
    generator, so the deaths are those of a list without them; ``reviews`` collects their truth.

    With ``tables`` ``maternal_deaths`` and ``maternal_causes`` (by Puskesmas and month), the list also
    holds the maternal deaths (see ``_maternal_rows``) after the infant deaths of each year, and three
    columns more: JENIS KEMATIAN (BAYI / IBU), PERIODE KEMATIAN and UMUR IBU.
    """
    import datetime as dt

    rng = np.random.default_rng(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    icd = _icd10_codes()
    header = ["NO", "NAMA BAYI", "NAMA IBU", "NIK IBU", "ALAMAT", "NO HP", "JENIS KELAMIN", "TANGGAL LAHIR",
              "TANGGAL MENINGGAL", "UMUR", "TEMPAT KEMATIAN", "PENYEBAB KEMATIAN", "PUSKESMAS", "KECAMATAN",
              *REVIEW_HEADER]
    review_rng = np.random.default_rng(seed + 7919)
    keys = ["district", "year", "puskesmas", "month", "age_group"]
    d = tables["deaths"].groupby(keys + ["sex"], observed=True, dropna=False)["deaths"].sum()
    c = tables["deaths_by_cause"].groupby(keys + ["cause"], observed=True, dropna=False)["deaths"].sum()
    geo = tables["births"].drop_duplicates("puskesmas").set_index("puskesmas")["kecamatan"]
    with_maternal = tables.get("maternal_deaths") is not None
    if with_maternal:
        header += ["JENIS KEMATIAN", "PERIODE KEMATIAN", "UMUR IBU"]
        md = _summed(tables["maternal_deaths"], ["district", "year", "puskesmas", "month", "period", "age_group"])
        mc = _summed(tables["maternal_causes"], ["district", "year", "puskesmas", "month", "cause"])
        infant_type = [_maternal_words()["death_type"]["infant"], None, None]
        maternal_rng = np.random.default_rng([seed, 30])   # its own stream: the infant rows stay as they were
    paths = []
    for (district, year), _ in d.groupby(level=["district", "year"], observed=True, dropna=False):
        lay = layout(district, year) if layout else FlatLayout(title="DAFTAR KEMATIAN BAYI (AMP-SR) TAHUN {year}")
        deaths, causes = _lookup(d, district, year), _lookup(c, district, year)
        body = []
        for (p, m, age_group), group in pd.Series(causes).groupby(level=[0, 1, 2], sort=True, dropna=False):
            cause_list = [cause for (*_, cause), n in group.items() for _ in range(int(n))]
            sexes = [s for s in ("male", "female") for _ in range(int(deaths.get((p, m, age_group, s), 0)))]
            rng.shuffle(cause_list)
            for sex, cause in zip(sexes, cause_list, strict=True):
                i = len(body) + 1
                died = dt.date(int(year), int(m), int(rng.integers(1, 29)))
                age = int(rng.integers(0, 29)) if age_group == "neonatal" else int(rng.integers(29, 365))
                by_text = i % 4 == 0
                age_text = None if not by_text else \
                    f"{age} hari" if age_group == "neonatal" else f"{max(1, min(11, age // 30))} bulan"
                cause_text = icd[cause] if i % 2 and cause in icd else cause_label(cause)
                row = [i, f"Bayi Ny. Fiktif{i:03d}", f"Ibu Rekaan{i:03d}", f"99{int(year) % 100:02d}{i:012d}",
                       f"Jl. Khayalan No. {i}", f"0899{i:08d}", "L" if sex == "male" else "P",
                       None if by_text else died - dt.timedelta(days=age), died, age_text, "RS" if i % 3 else "Rumah",
                       cause_text, _flat_written(lay.names[i % len(lay.names)], p), geo[p]]
                cells, truth = _review_cells(review_rng, died, cause)
                body.append((row + cells + (infant_type if with_maternal else []), p))
                if reviews is not None:
                    reviews.append({"year": int(year), "index": len(body) - 1, **truth})
        if with_maternal:   # no review fields: the review columns stay blank on a mother's row
            maternal_rows = _maternal_rows(_lookup(md, district, year), _lookup(mc, district, year), len(body),
                                           int(year), lay, geo, maternal_rng)
            body += [(r[:14] + [None] * len(REVIEW_HEADER) + r[14:], p) for r, p in maternal_rows]
        rows = [[lay.title.format(year=year)], header] + [r for r, _ in body]
        slug = bare_district(district).replace(" ", "_").lower()
        path = _save_flat(rows, out / f"ampsr_{slug}_{year}.xlsx", "AMP-SR", lay.csv)
        _flat_manifest(manifest, path, "AMP-SR", "linelist", 3, body, district, int(year))
        if reviews is not None:   # the truth of this file's rows: file, sheet and row as in the manifest
            for r in reviews:
                if "file" not in r and r["year"] == int(year):
                    r.update(file=str(path), sheet="" if path.suffix == ".csv" else "AMP-SR", row=3 + r.pop("index"))
        paths.append(path)
    return paths


# AMP-SR review columns of a generated line list, and the answers written with the code each means.
REVIEW_HEADER = ["TEMPAT LAHIR", "PENOLONG PERSALINAN", "DIRUJUK", "TERLAMBAT 1", "TERLAMBAT 2", "TERLAMBAT 3",
                 "DAPAT DICEGAH", "BERAT LAHIR", "TANGGAL PENGKAJIAN"]
_REVIEW_ANSWERS = {
    "place_of_birth": [("Rumah", "home"), ("Polindes", "polindes"), ("TPMB", "tpmb"), ("Puskesmas", "puskesmas"),
                       ("RSUD", "hospital"), (None, "unknown")],
    "attendant": [("Bidan", "health_worker"), ("Dokter", "health_worker"), ("Dukun", "traditional"),
                  ("Keluarga", "other")],
    "referred": [("Ya", "yes"), ("Tidak", "no"), ("tidak", "no")],
    "delay_decision": [("Ya", "yes"), ("Tidak", "no"), (None, "unknown")],
    "delay_reaching": [("Ya", "yes"), ("Tidak", "no"), ("Tidak diketahui", "unknown")],
    "delay_receiving": [("Ya", "yes"), ("Tidak", "no")],
    "avoidable": [("Dapat dicegah", "yes"), ("Tidak dapat dicegah", "no"), (None, "unknown")],
}


def _review_cells(rng: np.random.Generator, died, cause: str) -> tuple[list, dict]:
    """The review cells of one death (REVIEW_HEADER) and their truth: the code of each answer, the birth weight
    in grams (below 2,500 g for an LBW cause) and the days from death to review (none for one death in ten)."""
    import datetime as dt

    cells, truth = [], {}
    for name, options in _REVIEW_ANSWERS.items():
        text, code = options[int(rng.integers(len(options)))]
        cells.append(text)
        truth[name] = code
    weight = int(rng.integers(8, 25) if cause == "lbw_prematurity" else rng.integers(25, 40)) * 100
    days = int(rng.integers(3, 90)) if rng.random() < 0.9 else None
    cells += [weight, died + dt.timedelta(days=days) if days is not None else None]
    truth.update(birth_weight_g=float(weight), days_to_review=days)
    return cells, truth


def _maternal_words() -> dict:
    """How the generated line lists write a maternal death (vocab/synthetic.yaml ``maternal``)."""
    from .synth_unseen import spec

    return spec()["maternal"]


def _maternal_rows(deaths: dict, causes: dict, start: int, year: int, lay: FlatLayout, geo: pd.Series,
                   rng) -> list[tuple[list, str]]:
    """The line-list rows of one year's maternal deaths: ``deaths`` {(puskesmas, month, period, age_group): n}
    paired at random with ``causes`` {(puskesmas, month, cause): n} within Puskesmas and month. Each row has
    the mother's invented name, NIK, address and phone, no baby, a day of death in its month, JENIS KEMATIAN
    IBU, the period in words (Hamil, Bersalin, Nifas), the mother's age in completed years drawn in its age
    group (written '27' or, every other row, '27 tahun') and the cause as its Indonesian label (every other
    row as the Profil column header)."""
    import datetime as dt

    from .vocab.maternal import maternal_causes

    words, vocab = _maternal_words(), maternal_causes()
    rows = []
    for (p, m), group in pd.Series(deaths, dtype=float).groupby(level=[0, 1], sort=True, dropna=False):
        people = [(period, age) for (*_, period, age), n in group.items() for _ in range(int(n))]
        cause_list = [cause for (cp, cm, cause), n in sorted(causes.items()) if (cp, cm) == (p, m) for _ in range(int(n))]
        rng.shuffle(cause_list)
        for (period, age), cause in zip(people, cause_list, strict=True):
            i = start + len(rows) + 1
            low, high = words["mother_ages"][age]
            mother_age = int(rng.integers(low, high))
            died = dt.date(year, int(m), int(rng.integers(1, 29)))
            cause_text = vocab.loc[cause, "header_current"] if i % 2 else vocab.loc[cause, "label_id"]
            row = [i, None, f"Ibu Rekaan{i:03d}", f"99{year % 100:02d}{i:012d}", f"Jl. Khayalan No. {i}",
                   f"0899{i:08d}", "P", None, died, None, "RS" if i % 3 else "Rumah", cause_text,
                   _flat_written(lay.names[i % len(lay.names)], p), geo[p], words["death_type"]["maternal"],
                   words["period_words"][period], f"{mother_age} tahun" if i % 2 else mother_age]
            rows.append((row, p))
    return rows


# --- large single files: a province-sized annex CSV and AMP-SR line list -------------------

#: A district the registry does not know, so every Puskesmas name is taken as written.
NEW_DISTRICT = "KABUPATEN CONTOH BESAR"
_ANNEX_NUMBERS = {"births": "TABEL 26", "deaths": "TABEL 27"}
_NAME_FORMS = ("PKM {}", "Puskesmas {}", "UPTD Puskesmas {}", "{}", "{}")


def _count_text(n: int, draw: float) -> object:
    """A count as districts type it: mostly plain, sometimes '-' or blank for zero, thousands with a dot."""
    if n == 0:
        return "-" if draw < 0.5 else ("" if draw < 0.7 else 0)
    return id_number(n)


def annex_csv(path: Path, rows: int = 50_000, table: str = "births", year: int = 2023, seed: int = 1) -> Path:
    """One annex table (births or deaths) as a semicolon CSV export with ``rows`` Puskesmas rows.

    The district is one the registry does not know (names are taken as written and proposed for
    the registry). Puskesmas names are invented place names ('Sungai Mekar 12', from the word lists
    of vocab/synthetic.yaml), eight to a kecamatan, distinct apart from about 0.5% repeated rows
    (duplicates, some with other numbers); they come written with PKM / Puskesmas / UPTD prefixes
    and in mixed case. About 0.2% of rows hold text in a count cell; a JUMLAH KAB. row closes the table.
    """
    from .synth_unseen import spec

    rng = np.random.default_rng(seed)
    words = spec()["place_words"]
    places = [f"{a} {b}" for a in words["first"] for b in words["second"]]
    if table == "births":
        header = births_header()
        live = rng.poisson(rng.lognormal(np.log(120), 0.6, (rows, 2)))
        still = rng.poisson(live * 0.01)
        values = np.column_stack([live[:, 0], still[:, 0], live[:, 0] + still[:, 0],
                                  live[:, 1], still[:, 1], live[:, 1] + still[:, 1],
                                  live.sum(1), still.sum(1), (live + still).sum(1)])
    else:
        header = deaths_header(("LAKI - LAKI", "PEREMPUAN", "LAKI - LAKI + PEREMPUAN"))
        per_sex = [rng.poisson(rate, (rows, 2)) for rate in (0.8, 0.25, 0.2)]  # neonatal, post-neonatal, child
        neo, post, child = per_sex
        cols = []
        for s in (0, 1):
            cols += [neo[:, s], post[:, s], neo[:, s] + post[:, s], child[:, s], neo[:, s] + post[:, s] + child[:, s]]
        cols += [cols[i] + cols[i + 5] for i in range(5)]
        values = np.column_stack(cols)
    draws = rng.random(values.shape)
    forms = rng.integers(0, len(_NAME_FORMS), rows)
    upper = rng.random(rows) < 0.2
    repeat = rng.random(rows) < 0.005
    broken = rng.random(rows) < 0.002
    body = []
    for i in range(rows):
        k = i - 1 if repeat[i] and i else i
        name = _NAME_FORMS[forms[k]].format(f"{places[k % len(places)]} {k // len(places) + 1}")
        cells = [_count_text(int(v), d) for v, d in zip(values[i], draws[i])]
        if broken[i]:
            cells[0] = "TAD"
        body.append([i + 1, places[(k // 8) % len(places)], name.upper() if upper[i] else name] + cells)
    total = ["", "JUMLAH KAB.", ""] + [id_number(int(v)) for v in values.sum(0)]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(path, AnnexTable(_ANNEX_NUMBERS[table], TITLES[table], header, body, NEW_DISTRICT, year, total,
                                      footer=("Sumber: data sintetis",), header_fill=table == "deaths").rows())


_LINELIST_HEADER = ["NO", "NAMA BAYI", "NAMA IBU", "NIK IBU", "ALAMAT", "NO HP", "JENIS KELAMIN", "TANGGAL LAHIR",
                    "TANGGAL MENINGGAL", "UMUR", "PENYEBAB KEMATIAN", "PUSKESMAS", "KABUPATEN"]
_CAUSE_TEXTS = ("BBLR", "Asfiksia berat", "P07.1", "J18.9", "Sepsis neonatorum", "Diare dengan dehidrasi",
                "Kelainan jantung bawaan", "Prematur", "tidak jelas", "Pneumonia", "asfiksi", "A09", "Q24.9",
                "demam tinggi", "")
_KNOWN_NAMES = ("Muara Rupit", "M. Rupit", "Nibung", "Karang Jaya", "Pauh", "Surulangun", "Muara Kulam",
                "Bingin Teluk", "Karang Dapo", "PKM Tidak Dikenal")


def linelist_csv(path: Path, rows: int = 50_000, year: int = 2023, seed: int = 1) -> Path:
    """An AMP-SR death line list of a province as a CSV export, one death per row, ``rows`` rows.

    A KABUPATEN column spreads the deaths over the bundled sample district (registry names, aliases
    and some unknown names) and districts the registry does not know (about 5,000 Puskesmas).
    Dates are ISO text, day/month/year or missing with the age written instead ('12 hari', '3 bulan');
    causes are ICD-10 codes, vocabulary terms, misspellings and unmapped text. The personal-data
    columns hold invented values, as the bundled example does.
    """
    import datetime as dt

    rng = np.random.default_rng(seed)
    death_day = rng.integers(0, 365, rows)
    age = np.where(rng.random(rows) < 0.8, rng.integers(0, 29, rows), rng.integers(29, 420, rows))
    style = rng.random(rows)
    known = rng.random(rows) < 0.1
    district_no = rng.integers(1, 21, rows)
    pkm_no = rng.integers(1, 251, rows)
    cause = rng.integers(0, len(_CAUSE_TEXTS), rows)
    start = dt.date(year, 1, 1)
    body = []
    for i in range(rows):
        dod = start + dt.timedelta(days=int(death_day[i]))
        dob = dod - dt.timedelta(days=int(age[i]))
        if style[i] < 0.6:
            dob_text, dod_text, age_text = dob.isoformat(), dod.isoformat(), ""
        elif style[i] < 0.85:
            dob_text, dod_text, age_text = dob.strftime("%d/%m/%Y"), dod.strftime("%d/%m/%Y"), ""
        else:
            days = int(age[i])
            dob_text, dod_text = "", dod.isoformat()
            age_text = f"{days} hari" if days <= 28 else f"{max(1, round(days / 30.4375))} bulan"
        if known[i]:
            district, pkm = "MUSI RAWAS UTARA", _KNOWN_NAMES[pkm_no[i] % len(_KNOWN_NAMES)]
        else:
            district, pkm = f"CONTOH {district_no[i]:02d}", f"PKM Contoh {district_no[i]:02d}-{pkm_no[i]:03d}"
        body.append([i + 1, f"Bayi Fiktif{i:06d}", f"Ibu Rekaan{i:06d}", f"99{i:014d}", f"Jalan Khayalan {i}",
                     f"0899{i:08d}", "L" if style[i] * 1000 % 2 < 1 else "P", dob_text, dod_text, age_text,
                     _CAUSE_TEXTS[cause[i]], pkm, district])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(path, [[f"DAFTAR KEMATIAN BAYI (AMP-SR) PROVINSI CONTOH TAHUN {year}"], _LINELIST_HEADER] + body)

"""A corpus of districts the Puskesmas registry has never seen, with the truth they were written from.

    imr-analysis synth --unseen --out DIR [--districts 20] [--puskesmas 120] [--years 2019-2024] [--seed 1]

Writes under DIR:

* ``annex/<district>/``     Profil annex tables (births, deaths by age and sex, deaths by cause, KN
  coverage, maternal deaths by period and mother's age group and by cause), one district per folder, in the layouts real districts send: table numbers and sheet
  orders vary, some districts export ';' CSV files with Indonesian numbers (``1.905``), some tables
  continue in a '(lanj.)' block on the same or the next sheet, the kecamatan is written, merged,
  equal to the Puskesmas or blank, Puskesmas names come with and without PKM / UPTD Puskesmas
  prefixes in mixed case, and no file names a province; the maternal cause table comes in the current
  (9 causes) or the older (6) edition and the maternal table under the current or the older title, and
  some district-years have no maternal tables;
* ``monthly/<district>/``   LB3 KIA monthly reports and ``linelist/<district>/`` AMP-SR death line
  lists, with no district in them: clean them with ``--district``; the line lists hold maternal deaths too;
* ``truth.csv``             the counts the files were written from, one row per district, kecamatan
  (as the files give it: blank when they do not), Puskesmas, year, month (monthly and line lists),
  measure (live_births, stillbirths, deaths, cause_deaths, kn1, kn_lengkap, kn_denominator,
  maternal_deaths, maternal_cause_deaths), sex, period (maternal deaths: pregnancy, delivery, postpartum),
  age group (maternal deaths: the mother's, age_under_20, age_20_34, age_35_plus) and cause (maternal:
  vocab/maternal_causes.csv codes of the edition the file was written in);
* ``raw_rows.csv``          every raw body row written: file, sheet, row, table, row_kind (data / total);
* ``reviews_truth.csv``     the AMP-SR review fields each line-list row was written with: file, sheet, row,
  the code of each answer, the birth weight (g) and the days from death to review;
* ``districts.csv``         each district's format, folder, title line and layout choices; ``maternal``
  lists the years with maternal data and their cause edition ('2019:older,2020:current'), blank for none.

The counts come from ``synth.canonical`` (the seeded national model); in the first district one
Puskesmas has 30 or more extra deaths in the year before the last, a point a funnel plot must flag.
Maternal deaths are drawn here (``_maternal``), from their own seeded stream.
The place names and layout variants are data: ``vocab/synthetic.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import synth
from .annex_writer import MATERNAL_TITLE_OLDER, TITLES
from .vocab.synthetic import synthetic_spec

GEO = ["district", "kecamatan", "puskesmas"]


@dataclass
class Corpus:
    root: Path
    truth: pd.DataFrame
    raw_rows: pd.DataFrame
    districts: pd.DataFrame


def spec() -> dict:
    """The corpus's names and layout variants (vocab/synthetic.yaml)."""
    return synthetic_spec()


def write_corpus(out: Path, districts: int = 20, puskesmas: int | None = None, years=range(2019, 2025),
                 flat_districts: int = 1, seed: int = 1) -> Corpus:
    """Write the corpus (see the module docstring) and return its truth, raw rows and districts.

    ``districts`` annex districts with ``puskesmas`` Puskesmas in all (default 6 per district), and
    ``flat_districts`` districts with monthly reports only and as many with line lists only.
    """
    # Load inputs: names and counts
    s = spec()
    years = [int(y) for y in years]
    n_flat = 2 * flat_districts
    if districts + n_flat > len(s["districts"]):
        raise ValueError(f"at most {len(s['districts'])} districts: vocab/synthetic.yaml names no more")
    rng = np.random.default_rng(seed)
    pool = iter(_place_names(rng))
    annex = _renamed(synth.canonical(districts, puskesmas or 6 * districts, years, seed=seed),
                     s["districts"][:districts], pool)
    flat = _renamed(synth.canonical(n_flat, 6 * n_flat, years, monthly=True, seed=seed + 1),
                    s["districts"][districts:districts + n_flat], pool)
    outlier = _plant_outlier(annex, years[-2] if len(years) > 1 else years[0])
    maternal_rng = np.random.default_rng([seed, 30])   # its own stream: the layouts stay as they were
    maternal = []

    # Process data: a layout per district, then the files
    root = Path(out)
    manifest: list[dict] = []
    reviews: list[dict] = []   # the truth of the line lists' review fields
    rows, styles = [], {}
    for i, name in enumerate(s["districts"][:districts]):
        layouts = _annex_layouts(i, years, rng)
        folder = root / "annex" / _slug(name)
        editions = {y: lay.maternal_edition for y, lay in layouts.items() if "maternal" in lay.order}
        own = _district(annex, name)
        maternal.append(_maternal(own, editions, maternal_rng))
        synth.write_annex({**own, **maternal[-1]}, folder, layout=lambda d, y, lay=layouts: lay[int(y)],
                          manifest=manifest)
        first = layouts[years[0]]
        rows.append({"district": name, "format": "annex", "folder": str(folder.relative_to(root)),
                     "title_line": first.district_line.format(upper=name.upper(), name=name),
                     "kecamatan": first.kecamatan, "csv": ",".join(sorted({t for lay in layouts.values() for t in lay.csv})),
                     "continued": first.continued, "continuation": first.continuation if first.continued else "",
                     "names": " | ".join(dict.fromkeys(t for lay in layouts.values() for t in lay.names)),
                     "outlier": outlier if name == s["districts"][0] else "", "maternal": _editions_text(editions),
                     "maternal_title": "" if not editions else "older" if first.maternal_title == MATERNAL_TITLE_OLDER
                     else "current"})
        styles[name] = first.kecamatan
    flat_names = s["districts"][districts:districts + n_flat]
    for j, name in enumerate(flat_names):
        kind = "monthly" if j < flat_districts else "linelist"
        lay = synth.FlatLayout(title=s[f"{kind}_title"], months=("name", "short", "number"),
                               names=tuple(s["puskesmas_names"][(j + 1) % len(s["puskesmas_names"])]), csv=j % 2 == 1,
                               zero=s["zero_cells"][j % len(s["zero_cells"])])
        folder = root / kind / _slug(name)
        own = _district(flat, name)
        editions = {y: "current" for y in years} if kind == "linelist" else {}   # an LB3 KIA has no maternal deaths
        if editions:
            maternal.append(_maternal(own, editions, maternal_rng))
            own = {**own, **maternal[-1]}
        extra = {} if kind == "monthly" else {"reviews": reviews}
        writer = synth.write_monthly if kind == "monthly" else synth.write_linelist
        writer(own, folder, layout=lambda d, y, lay=lay: lay, manifest=manifest, seed=seed + j, **extra)
        rows.append({"district": name, "format": kind, "folder": str(folder.relative_to(root)), "title_line": lay.title,
                     "kecamatan": "every", "csv": kind if lay.csv else "", "continued": "", "continuation": "",
                     "names": " | ".join(lay.names), "outlier": "", "maternal": _editions_text(editions),
                     "maternal_title": ""})
        styles[name] = kind

    # Save outputs
    truth = pd.concat([_truth(annex, styles), _truth(flat, styles), _maternal_truth(maternal, styles)],
                      ignore_index=True)
    raw_rows = pd.DataFrame(manifest)
    raw_rows["file"] = [str(Path(f).relative_to(root)) for f in raw_rows["file"]]
    table = pd.DataFrame(rows)
    truth.to_csv(root / "truth.csv", index=False)
    raw_rows.to_csv(root / "raw_rows.csv", index=False)
    if reviews:
        truth_reviews = pd.DataFrame(reviews).drop(columns="year")
        truth_reviews["file"] = [str(Path(f).relative_to(root)) for f in truth_reviews["file"]]
        truth_reviews["days_to_review"] = truth_reviews["days_to_review"].astype("Int64")
        truth_reviews.to_csv(root / "reviews_truth.csv", index=False)
    table.to_csv(root / "districts.csv", index=False)
    return Corpus(root, truth, raw_rows, table)


def _slug(name: str) -> str:
    return name.replace(" ", "_").lower()


def _place_names(rng) -> list[str]:
    """Every two-word place name of the word lists, in a seeded order (Puskesmas and kecamatan take them in turn)."""
    words = spec()["place_words"]
    names = [f"{a} {b}" for a in words["first"] for b in words["second"]]
    return [names[k] for k in rng.permutation(len(names))]


def _renamed(tables: dict[str, pd.DataFrame], districts: list[str], pool) -> dict[str, pd.DataFrame]:
    """The canonical tables with invented names for their districts, kecamatan and Puskesmas.

    As in real data, a Puskesmas name is not unique across districts: the last Puskesmas of every
    second district has the name of the last one of the district before it.
    """
    births = tables["births"]
    maps = {"district": dict(zip(births["district"].cat.categories, districts))}
    for col in ("kecamatan", "puskesmas"):
        maps[col] = {old: next(pool) for old in births[col].cat.categories}
    last = births.groupby("district", observed=True, dropna=False)["puskesmas"].last()
    for first, second in zip(last.iloc[0::2], last.iloc[1::2]):
        maps["puskesmas"][second] = maps["puskesmas"][first]
    out = {}
    for name, df in tables.items():
        df = df.drop(columns="province")
        for col, mapping in maps.items():
            df[col] = df[col].astype(str).map(mapping).astype("category")
        out[name] = df
    return out


def _district(tables: dict[str, pd.DataFrame], district: str) -> dict[str, pd.DataFrame]:
    return {name: df[df["district"] == district] for name, df in tables.items()}


def _plant_outlier(tables: dict[str, pd.DataFrame], year: int) -> str:
    """Give the first Puskesmas of the first district max(30, 5 x its deaths) more neonatal deaths
    (male, asphyxia) in ``year``; returns 'Puskesmas year'."""
    deaths, causes = tables["deaths"], tables["deaths_by_cause"]
    district = tables["births"]["district"].iloc[0]
    puskesmas = tables["births"]["puskesmas"].iloc[0]
    at = (deaths["district"] == district) & (deaths["puskesmas"] == puskesmas) & (deaths["year"] == year)
    extra = max(30, 5 * int(deaths.loc[at, "deaths"].sum()))
    deaths.loc[at & (deaths["sex"] == "male") & (deaths["age_group"] == "neonatal"), "deaths"] += extra
    cell = (causes["district"] == district) & (causes["puskesmas"] == puskesmas) & (causes["year"] == year) \
        & (causes["age_group"] == "neonatal") & (causes["cause"] == "asphyxia")
    if cell.any():
        causes.loc[cell, "deaths"] += extra
    else:
        row = deaths[at].iloc[[0]].drop(columns=["sex", "age_group", "deaths"])
        row = row.assign(sex="unspecified", age_group="neonatal", cause="asphyxia", deaths=extra)
        tables["deaths_by_cause"] = pd.concat([causes, row[causes.columns]], ignore_index=True)
    return f"{puskesmas} {year}"


def _annex_layouts(i: int, years: list[int], rng) -> dict[int, synth.AnnexLayout]:
    """District ``i``'s layout in each year: every choice cycles over the districts with its own period,
    so each variant appears in several districts and in different combinations."""
    s = spec()
    csv_all, csv_one = i % 5 == 4, i % 5 == 2
    fixed_order = tuple(str(t) for t in rng.permutation(synth.TABLES))
    maternal = synth.MATERNAL_TABLES if i % 2 == 0 else synth.MATERNAL_TABLES[::-1]
    out = {}
    for k, year in enumerate(years):
        csv = frozenset(synth.TABLES + maternal) if csv_all else frozenset({("kn", "births")[year % 2]}) if csv_one \
            else frozenset()
        # Maternal tables: none in district 3, 10, 17 ..., none in the first year of district 1, 6, 11 ...
        with_maternal = i % 7 != 3 and not (i % 5 == 1 and k == 0)
        line = s["kota_line"] if i % 7 == 6 else s["district_lines"][i % len(s["district_lines"])]
        out[year] = synth.AnnexLayout(
            numbers=s["table_numbers"][i % len(s["table_numbers"])],
            order=(fixed_order if i % 3 == 0 else tuple(str(t) for t in rng.permutation(synth.TABLES)))
            + (maternal if with_maternal else ()),
            sheet=s["sheet_names"][i % len(s["sheet_names"])],
            csv=csv,
            continued=synth.TABLES[i % 4] if i % 3 != 2 else "",
            continuation="same_sheet" if i % 2 == 0 else "next_sheet",
            kecamatan=("merged", "puskesmas", "blank", "every")[i % 4],
            kecamatan_name=s["kecamatan_names"][i % len(s["kecamatan_names"])],
            names=tuple(s["puskesmas_names"][(i + k) % len(s["puskesmas_names"])]),
            zero=s["zero_cells"][i % len(s["zero_cells"])],
            district_line=line,
            with_totals=i % 2 == 1,
            total_row=s["total_rows"][i % len(s["total_rows"])] if i % 4 != 3 else "",
            footer=i % 4 != 1,
            # the older cause edition (6 causes) up to 2020, throughout, or never; the older title in every 4th
            maternal_edition=("older" if year <= 2020 else "current", "current", "older")[i % 3],
            maternal_title=MATERNAL_TITLE_OLDER if i % 4 == 1 else TITLES["maternal"],
        )
    return out


def _maternal(tables: dict[str, pd.DataFrame], editions: dict[int, str], rng) -> dict[str, pd.DataFrame]:
    """Seeded maternal deaths of one district in the years of ``editions`` (year -> cause edition,
    'current' or 'older'): per Puskesmas and year (and month, when the tables have months) Poisson with
    mean live births x AKI / 100,000, each death with a period, the mother's age group and a cause of its
    year's edition, drawn with the weights of vocab/synthetic.yaml ``maternal``. Returns the tables
    ``maternal_deaths`` (deaths by period and age_group) and ``maternal_causes`` (by cause), rows with
    deaths only."""
    from .vocab.maternal import maternal_causes

    m = spec()["maternal"]
    births = tables["births"]
    keys = GEO + ["year"] + (["month"] if "month" in births else [])
    lb = births.groupby(keys, observed=True, dropna=False)["live_births"].sum().reset_index()
    lb = lb[lb["year"].isin(list(editions))].reset_index(drop=True)
    n = rng.poisson(lb["live_births"].to_numpy(dtype=float) * m["aki_per_100000"] / 100_000)
    deaths = lb.loc[lb.index.repeat(n), keys].reset_index(drop=True)
    for col in GEO:
        deaths[col] = deaths[col].astype(str)
    deaths["period"] = _draw(m["periods"], len(deaths), rng)
    deaths["age_group"] = _draw(m["age_groups"], len(deaths), rng)
    edition = deaths["year"].map(editions)
    deaths["cause"] = ""
    for name, weights in m["causes"].items():
        unknown = set(weights) - set(maternal_causes().index)
        if unknown:
            raise ValueError(f"synthetic.yaml maternal causes {sorted(unknown)} are not maternal_causes.csv codes")
        at = (edition == name).to_numpy()
        deaths.loc[at, "cause"] = _draw(weights, int(at.sum()), rng)
    return {"maternal_deaths": deaths.groupby(keys + ["period", "age_group"], dropna=False).size().rename("deaths").reset_index(),
            "maternal_causes": deaths.groupby(keys + ["cause"], dropna=False).size().rename("deaths").reset_index()}


def _draw(weights: dict[str, float], n: int, rng) -> np.ndarray:
    """``n`` keys of ``weights`` drawn in proportion to their values."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(np.array(list(weights), dtype=object), size=n, p=p / p.sum())


def _editions_text(editions: dict[int, str]) -> str:
    """{2019: 'older', 2020: 'current'} -> '2019:older,2020:current' (districts.csv ``maternal``)."""
    return ",".join(f"{y}:{e}" for y, e in sorted(editions.items()))


def _maternal_truth(parts: list[dict[str, pd.DataFrame]], styles: dict[str, str]) -> pd.DataFrame:
    """The maternal deaths drawn (``_maternal`` of each district) as truth rows: ``maternal_deaths`` by
    period and age group, ``maternal_cause_deaths`` by cause; the kecamatan as ``_truth`` gives it."""
    if not parts:
        return pd.DataFrame()
    tables = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in ("maternal_deaths", "maternal_causes")}
    out = pd.concat([tables["maternal_deaths"].assign(measure="maternal_deaths", cause=""),
                     tables["maternal_causes"].assign(measure="maternal_cause_deaths", period="", age_group="")],
                    ignore_index=True).rename(columns={"deaths": "value"}).assign(sex="")
    return _finish(out, styles)


def _truth(tables: dict[str, pd.DataFrame], styles: dict[str, str]) -> pd.DataFrame:
    """The counts as one long table. ``styles`` gives each district's format (monthly, linelist) or,
    for annex districts, how its files write the kecamatan: the kecamatan is what cleaning should
    read ('every', 'merged'), the Puskesmas ('puskesmas') or nothing ('blank')."""
    keys = GEO + ["year"] + (["month"] if "month" in tables["births"] else [])
    text = {c: str for c in GEO + ["sex", "age_group", "cause", "measure"]}
    visits = tables["neonatal_visits"]
    parts = [tables["deaths"].assign(measure="deaths", cause="").rename(columns={"deaths": "value"}),
             tables["deaths_by_cause"].assign(measure="cause_deaths").rename(columns={"deaths": "value"}),
             tables["births"].melt(id_vars=keys + ["sex"], value_vars=["live_births", "stillbirths"],
                                   var_name="measure", value_name="value").assign(age_group="", cause=""),
             visits.rename(columns={"visit": "measure", "visits": "value"}).assign(age_group="", cause=""),
             visits[visits["visit"] == "kn1"].assign(measure="kn_denominator", value=visits["denominator"],
                                                     age_group="", cause="")]
    cols = keys + ["measure", "sex", "age_group", "cause", "value"]
    out = pd.concat([p[cols].astype(text) for p in parts], ignore_index=True).assign(period="")
    out = _finish(out, styles)
    keep = (out["format"] != "linelist") | out["measure"].isin(["deaths", "cause_deaths"])  # a line list has deaths only
    return out[keep].reset_index(drop=True)


def _finish(out: pd.DataFrame, styles: dict[str, str]) -> pd.DataFrame:
    """Truth rows in the columns of truth.csv: counts as int, each district's format, the kecamatan
    as cleaning should read it (see ``_truth``), month blank for yearly tables."""
    text = {c: str for c in GEO + ["sex", "period", "age_group", "cause", "measure"]}
    out = out.astype(text)
    out["value"] = out["value"].astype(int)
    out["format"] = out["district"].map(lambda d: styles[d] if styles[d] in ("monthly", "linelist") else "annex")
    style = out["district"].map(styles)
    out.loc[style == "puskesmas", "kecamatan"] = out.loc[style == "puskesmas", "puskesmas"]
    out.loc[style == "blank", "kecamatan"] = ""
    if "month" not in out:
        out["month"] = pd.NA
    return out[GEO + ["year", "month", "format", "measure", "sex", "period", "age_group", "cause", "value"]
               ].reset_index(drop=True)

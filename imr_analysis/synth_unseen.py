"""A corpus of districts the Puskesmas registry has never seen, with the truth they were written from.

    imr-analysis synth --unseen --out DIR [--districts 20] [--puskesmas 120] [--years 2019-2024] [--seed 1]

Writes under DIR:

* ``annex/<district>/``     Profil annex tables (births, deaths by age and sex, deaths by cause, KN
  coverage), one district per folder, in the layouts real districts send: table numbers and sheet
  orders vary, some districts export ';' CSV files with Indonesian numbers (``1.905``), some tables
  continue in a '(lanj.)' block on the same or the next sheet, the kecamatan is written, merged,
  equal to the Puskesmas or blank, Puskesmas names come with and without PKM / UPTD Puskesmas
  prefixes in mixed case, and no file names a province;
* ``monthly/<district>/``   LB3 KIA monthly reports and ``linelist/<district>/`` AMP-SR death line
  lists, with no district in them: clean them with ``--district``;
* ``truth.csv``             the counts the files were written from, one row per district, kecamatan
  (as the files give it: blank when they do not), Puskesmas, year, month (monthly and line lists),
  measure (live_births, stillbirths, deaths, cause_deaths, kn1, kn_lengkap, kn_denominator), sex,
  age group and cause;
* ``raw_rows.csv``          every raw body row written: file, sheet, row, table, row_kind (data / total);
* ``reviews_truth.csv``     the AMP-SR review fields each line-list row was written with: file, sheet, row,
  the code of each answer, the birth weight (g) and the days from death to review;
* ``districts.csv``         each district's format, folder, title line and layout choices.

The counts come from ``synth.canonical`` (the seeded national model); in the first district one
Puskesmas has 30 or more extra deaths in the year before the last, a point a funnel plot must flag.
The place names and layout variants are data: ``vocab/synthetic.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import synth
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

    # Process data: a layout per district, then the files
    root = Path(out)
    manifest: list[dict] = []
    reviews: list[dict] = []   # the truth of the line lists' review fields
    rows, styles = [], {}
    for i, name in enumerate(s["districts"][:districts]):
        layouts = _annex_layouts(i, years, rng)
        folder = root / "annex" / _slug(name)
        synth.write_annex(_district(annex, name), folder, layout=lambda d, y, lay=layouts: lay[int(y)], manifest=manifest)
        first = layouts[years[0]]
        rows.append({"district": name, "format": "annex", "folder": str(folder.relative_to(root)),
                     "title_line": first.district_line.format(upper=name.upper(), name=name),
                     "kecamatan": first.kecamatan, "csv": ",".join(sorted({t for lay in layouts.values() for t in lay.csv})),
                     "continued": first.continued, "continuation": first.continuation if first.continued else "",
                     "names": " | ".join(dict.fromkeys(t for lay in layouts.values() for t in lay.names)),
                     "outlier": outlier if name == s["districts"][0] else ""})
        styles[name] = first.kecamatan
    flat_names = s["districts"][districts:districts + n_flat]
    for j, name in enumerate(flat_names):
        kind = "monthly" if j < flat_districts else "linelist"
        lay = synth.FlatLayout(title=s[f"{kind}_title"], months=("name", "short", "number"),
                               names=tuple(s["puskesmas_names"][(j + 1) % len(s["puskesmas_names"])]), csv=j % 2 == 1,
                               zero=s["zero_cells"][j % len(s["zero_cells"])])
        folder = root / kind / _slug(name)
        extra = {} if kind == "monthly" else {"reviews": reviews}
        writer = synth.write_monthly if kind == "monthly" else synth.write_linelist
        writer(_district(flat, name), folder, layout=lambda d, y, lay=lay: lay, manifest=manifest, seed=seed + j, **extra)
        rows.append({"district": name, "format": kind, "folder": str(folder.relative_to(root)), "title_line": lay.title,
                     "kecamatan": "every", "csv": kind if lay.csv else "", "continued": "", "continuation": "",
                     "names": " | ".join(lay.names), "outlier": ""})
        styles[name] = kind

    # Save outputs
    truth = pd.concat([_truth(annex, styles), _truth(flat, styles)], ignore_index=True)
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
    out = {}
    for k, year in enumerate(years):
        csv = frozenset(synth.TABLES) if csv_all else frozenset({("kn", "births")[year % 2]}) if csv_one else frozenset()
        line = s["kota_line"] if i % 7 == 6 else s["district_lines"][i % len(s["district_lines"])]
        out[year] = synth.AnnexLayout(
            numbers=s["table_numbers"][i % len(s["table_numbers"])],
            order=fixed_order if i % 3 == 0 else tuple(str(t) for t in rng.permutation(synth.TABLES)),
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
        )
    return out


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
    out = pd.concat([p[cols].astype(text) for p in parts], ignore_index=True)
    out["value"] = out["value"].astype(int)
    out["format"] = out["district"].map(lambda d: styles[d] if styles[d] in ("monthly", "linelist") else "annex")
    out = out[(out["format"] != "linelist") | out["measure"].isin(["deaths", "cause_deaths"])]  # a line list has deaths only
    style = out["district"].map(styles)
    out.loc[style == "puskesmas", "kecamatan"] = out.loc[style == "puskesmas", "puskesmas"]
    out.loc[style == "blank", "kecamatan"] = ""
    if "month" not in out:
        out["month"] = pd.NA
    return out[GEO + ["year", "month", "format", "measure", "sex", "age_group", "cause", "value"]].reset_index(drop=True)

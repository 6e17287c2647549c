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

from pathlib import Path

import numpy as np
import pandas as pd

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


def write_annex(tables: dict[str, pd.DataFrame], out: Path, max_workbooks: int | None = None) -> list[Path]:
    """One Profil-style workbook per district and year with the births, deaths, causes and KN tables."""
    from openpyxl import Workbook

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    b = tables["births"].groupby(["district", "year", "kecamatan", "puskesmas", "sex"], observed=True, dropna=False)[["live_births", "stillbirths"]].sum()
    d = tables["deaths"].groupby(["district", "year", "kecamatan", "puskesmas", "sex", "age_group"], observed=True, dropna=False)["deaths"].sum()
    c = tables["deaths_by_cause"].groupby(["district", "year", "puskesmas", "age_group", "cause"], observed=True, dropna=False)["deaths"].sum()
    v = tables["neonatal_visits"].groupby(["district", "year", "puskesmas", "visit"], observed=True, dropna=False)[["visits", "denominator"]].sum()
    paths = []
    for (district, year), bg in b.groupby(level=["district", "year"], dropna=False):
        if max_workbooks is not None and len(paths) >= max_workbooks:
            break
        wb = Workbook()
        wb.remove(wb.active)
        title = [f"KABUPATEN {district.replace('Kabupaten ', '').upper()}", f"TAHUN {year}"]
        pk = bg.reset_index()
        names = list(dict.fromkeys(pk["puskesmas"]))
        kec = dict(zip(pk["puskesmas"], pk["kecamatan"]))
        ws = wb.create_sheet("Tabel 26")
        _rows(ws, [["TABEL 26"], ["JUMLAH KELAHIRAN MENURUT JENIS KELAMIN, KECAMATAN DAN PUSKESMAS"], [title[0]], [title[1]], [],
                   ["NO", "KECAMATAN", "PUSKESMAS", "JUMLAH KELAHIRAN"],
                   [None] * 3 + ["LAKI-LAKI", None, "PEREMPUAN"], [None] * 3 + ["HIDUP", "MATI", "HIDUP", "MATI"],
                   list(range(1, 8))]
              + [[i, kec[n], n, int(bg.loc[(district, year, kec[n], n, "male"), "live_births"]),
                  int(bg.loc[(district, year, kec[n], n, "male"), "stillbirths"]),
                  int(bg.loc[(district, year, kec[n], n, "female"), "live_births"]),
                  int(bg.loc[(district, year, kec[n], n, "female"), "stillbirths"])] for i, n in enumerate(names, 1)])
        ws = wb.create_sheet("Tabel 27")
        dd = d.loc[(district, year)]
        _rows(ws, [["TABEL 27"], ["JUMLAH KEMATIAN NEONATAL, BAYI, DAN BALITA MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS"],
                   [title[0]], [title[1]], [], ["NO", "KECAMATAN", "PUSKESMAS", "JUMLAH KEMATIAN"],
                   [None] * 3 + ["LAKI - LAKI", None, "PEREMPUAN"], [None] * 3 + ["NEONATAL", "POST NEONATAL"] * 2,
                   list(range(1, 8))]
              + [[i, kec[n], n] + [int(dd.get((kec[n], n, s, a), 0)) for s in ("male", "female")
                                   for a in ("neonatal", "postneonatal")] for i, n in enumerate(names, 1)])
        ws = wb.create_sheet("Tabel 28")
        cc = c.loc[(district, year)]
        neo, post = list(NEONATAL_CAUSES), list(POSTNEONATAL_CAUSES)
        label = {"lbw_prematurity": "BBLR DAN PREMATURITAS", "asphyxia": "ASFIKSIA", "congenital": "KELAINAN KONGENITAL",
                 "sepsis_infection": "INFEKSI", "covid19": "COVID-19", "tetanus": "TETANUS NEONATORUM", "other": "LAIN-LAIN",
                 "pneumonia": "PNEUMONIA", "diarrhoea": "DIARE", "perinatal_condition": "KONDISI PERINATAL",
                 "neurological": "PENYAKIT SARAF", "meningitis": "MENINGITIS", "dengue": "DEMAM BERDARAH"}
        _rows(ws, [["TABEL 28"], ["JUMLAH KEMATIAN NEONATAL DAN POST NEONATAL MENURUT PENYEBAB UTAMA, KECAMATAN, DAN PUSKESMAS"],
                   [title[0]], [title[1]], [],
                   ["NO", "KECAMATAN", "PUSKESMAS", "PENYEBAB KEMATIAN NEONATAL (0-28 HARI)"] + [None] * (len(neo) - 1)
                   + ["PENYEBAB KEMATIAN POST NEONATAL (29 HARI-11 BULAN)"],
                   [None] * 3 + [label[x] for x in neo] + [label[x] for x in post], list(range(1, 4 + len(neo) + len(post)))]
              + [[i, kec[n], n] + [int(cc.get((n, "neonatal", x), 0)) for x in neo]
                 + [int(cc.get((n, "postneonatal", x), 0)) for x in post] for i, n in enumerate(names, 1)])
        ws = wb.create_sheet("Tabel 37")
        vv = v.loc[(district, year)]
        _rows(ws, [["TABEL 37"], ["CAKUPAN KUNJUNGAN NEONATAL MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS"],
                   [title[0]], [title[1]], [], ["NO", "KECAMATAN", "PUSKESMAS", "SASARAN BAYI BARU LAHIR",
                                                "KUNJUNGAN NEONATAL 1 KALI (KN1)", "KUNJUNGAN NEONATAL 3 KALI (KN LENGKAP)"],
                   [None] * 3 + ["LAKI-LAKI + PEREMPUAN"] * 3, list(range(1, 7))]
              + [[i, kec[n], n, int(vv.loc[(n, "kn1"), "denominator"]), int(vv.loc[(n, "kn1"), "visits"]),
                  int(vv.loc[(n, "kn_lengkap"), "visits"])] for i, n in enumerate(names, 1)])
        path = out / f"profil_{district.replace(' ', '_').lower()}_{year}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def _rows(ws, rows: list[list]) -> None:
    for row in rows:
        ws.append(row)

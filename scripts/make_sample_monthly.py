#!/usr/bin/env python3
"""Write the monthly Puskesmas reports (LB3 KIA) of the bundled sample district, by desa, and an RTL register.

    python scripts/make_sample_monthly.py [--out data/raw/musi_rawas_utara] [--seed 20251]

* ``lb3_kia_musi_rawas_utara_2024.xlsx``: the 8 Puskesmas x 12 months x their desa. The 2024 annex
  tables of the sample (cleaned from the files in ``--out``) are split at random (seeded) over months and
  desa, death by death and birth by birth, so the monthly reports add up exactly to the annex tables:
  live births by sex, stillbirths, neonatal and post-neonatal deaths and their causes, sasaran, KN1 and
  KN lengkap. The reconciliation of the two sources finds nothing.
* ``lb3_kia_musi_rawas_utara_2025.xlsx``: January-June 2025, drawn (seeded) at the 2024 rates; Nibung's
  May report is missing, so the brief shows a missing month.
* ``data/rtl_register_example.csv`` (``--rtl-out``): the follow-up plan of the first quarter of 2025 (invented items).

Everything here is synthetic (PROVENANCE.md). The same seed writes the same files.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imr_analysis.annex_writer import write_xlsx  # noqa: E402
from imr_analysis.synth import NEONATAL_CAUSES, POSTNEONATAL_CAUSES, cause_label  # noqa: E402

DISTRICT = "Musi Rawas Utara"
#: The desa of each Puskesmas's area (invented names), with the share of the Puskesmas's births in each.
DESA = {
    "Karang Jaya": {"Karang Jaya": 0.4, "Embacang": 0.35, "Terusan": 0.25},
    "Muara Rupit": {"Muara Rupit": 0.45, "Lawang Agung": 0.3, "Noman": 0.25},
    "Karang Dapo": {"Karang Dapo": 0.5, "Biaro Lama": 0.3, "Rantau Kadam": 0.2},
    "Bingin Teluk": {"Bingin Teluk": 0.55, "Beringin Makmur": 0.45},
    "Pauh": {"Pauh": 0.5, "Lubuk Rumbai": 0.3, "Tanjung Raja": 0.2},
    "Surulangun": {"Surulangun": 0.45, "Pauh Baru": 0.3, "Karang Waru": 0.25},
    "Muara Kulam": {"Muara Kulam": 0.6, "Pangkalan": 0.4},
    "Nibung": {"Nibung": 0.5, "Tebing Tinggi": 0.3, "Jadi Mulya": 0.2},
}
MISSING_2025 = {("Nibung", 5)}     # (Puskesmas, month) whose report did not arrive
MONTHS_2025 = range(1, 7)
NEO, POST = list(NEONATAL_CAUSES), list(POSTNEONATAL_CAUSES)
HEADER = (["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "DESA/KELURAHAN", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
           "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI"]
          + [f"PENYEBAB NEONATAL - {cause_label(x).upper()}" for x in NEO] + ["KEMATIAN POST NEONATAL"]
          + [f"PENYEBAB POST NEONATAL - {cause_label(x).upper()}" for x in POST]
          + ["KEMATIAN BAYI", "SASARAN PUSDATIN", "KN1", "KN LENGKAP"])
MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember"]
RTL = [["Masalah", "Penyebab", "Kegiatan", "Sasaran", "Penanggung jawab", "Lintas sektor", "Batas waktu", "Status"],
       ["KN lengkap di bawah target di Nibung", "Kunjungan rumah hari ke-8 sampai ke-28 terlewat",
        "Kunjungan rumah oleh bidan desa dengan daftar bayi baru lahir", "Bayi baru lahir", "Bidan koordinator",
        "Kepala desa, PKK", "2025-03-31", "Selesai"],
       ["Laporan bulanan terlambat", "Pengiriman laporan manual", "Laporan melalui formulir daring tiap tanggal 5",
        "Puskesmas", "Pengelola program KIA", "Dinas Kesehatan", "2025-04-30", "Sedang berjalan"],
       ["Kematian neonatal karena asfiksia", "Resusitasi bayi baru lahir belum terlatih",
        "Pelatihan resusitasi untuk bidan desa", "Bidan desa", "Kepala Puskesmas", "RSUD Rupit", "2025-06-30",
        "Belum dimulai"]]


def annex_2024(raw: Path) -> dict:
    """The sample's canonical 2024 tables, cleaned from its annex files (the monthly reports must add up to them)."""
    from imr_analysis.clean.pipeline import clean

    files = [p for p in sorted(raw.glob("profil*2024*")) if p.suffix in (".xlsx", ".csv")]
    tables = clean(files).tables
    return {name: df[df["year"] == 2024] for name, df in tables.items()}


def cells_of(pkm: str, months) -> list[tuple[int, str]]:
    return [(m, d) for m in months for d in DESA[pkm]]


def weights(pkm: str, months) -> np.ndarray:
    w = np.array([DESA[pkm][d] for _, d in cells_of(pkm, months)])
    return w / w.sum()


def spread(rng, n: int, pkm: str, months) -> np.ndarray:
    """``n`` events over the Puskesmas's month x desa cells (multinomial on the desa shares)."""
    return rng.multinomial(int(n), weights(pkm, months))


def served(rng, n: int, sasaran: np.ndarray, pkm: str, months) -> np.ndarray:
    """``n`` newborns served over the cells, none above its sasaran when the year's total allows it
    (multivariate hypergeometric), else as ``spread``."""
    if n <= sasaran.sum():
        return rng.multivariate_hypergeometric(sasaran, int(n))
    return spread(rng, n, pkm, months)


def even(n: int, pkm: str, months) -> np.ndarray:
    """``n`` (a sasaran) over the cells as evenly as the desa shares allow, summing to ``n`` exactly."""
    exact = n * weights(pkm, months)
    out = np.floor(exact).astype(int)
    rest = int(n - out.sum())
    out[np.argsort(-(exact - out), kind="stable")[:rest]] += 1
    return out


def frame_for(pkm: str, months) -> dict:
    size = len(cells_of(pkm, months))
    return {k: np.zeros(size, dtype=int) for k in
            ["lm", "lf", "still", "early", "late", "post", "sasaran", "kn1", "knl"] + [f"n_{c}" for c in NEO]
            + [f"p_{c}" for c in POST]}


def split_2024(rng, t: dict) -> dict:
    """The 2024 annex counts of each Puskesmas split over months and desa, adding up exactly."""
    months = range(1, 13)
    out = {}
    b, d, c, v = t["births"], t["deaths"], t["deaths_by_cause"], t["neonatal_visits"]
    for pkm in DESA:
        f = frame_for(pkm, months)
        bp = b[b["puskesmas"] == pkm]
        f["lm"] = spread(rng, bp.loc[bp["sex"] == "male", "live_births"].sum(), pkm, months)
        f["lf"] = spread(rng, bp.loc[bp["sex"] == "female", "live_births"].sum(), pkm, months)
        f["still"] = spread(rng, bp["stillbirths"].sum(), pkm, months)
        for age, prefix, codes in (("neonatal", "n_", NEO), ("postneonatal", "p_", POST)):
            n_deaths = int(d[(d["puskesmas"] == pkm) & (d["age_group"] == age)]["deaths"].sum())
            cp = c[(c["puskesmas"] == pkm) & (c["age_group"] == age)]
            causes = [code for code, n in zip(cp["cause"], cp["deaths"]) for _ in range(int(n))]
            assert len(causes) == n_deaths, (pkm, age, len(causes), n_deaths)
            for cause in causes:   # each death in one month and desa, with its cause
                cell = rng.choice(len(f["lm"]), p=weights(pkm, months))
                f[prefix + cause][cell] += 1
                if age == "postneonatal":
                    f["post"][cell] += 1
                elif rng.random() < 0.79:
                    f["early"][cell] += 1
                else:
                    f["late"][cell] += 1
        vp = v[v["puskesmas"] == pkm]
        f["sasaran"] = even(int(vp.loc[vp["visit"] == "kn1", "denominator"].sum()), pkm, months)
        f["kn1"] = served(rng, vp.loc[vp["visit"] == "kn1", "visits"].sum(), f["sasaran"], pkm, months)
        f["knl"] = served(rng, vp.loc[vp["visit"] == "kn_lengkap", "visits"].sum(), f["sasaran"], pkm, months)
        out[pkm] = f
    return out


def draw_2025(rng, t: dict) -> dict:
    """January-June 2025 at each Puskesmas's 2024 rates (Poisson per month and desa)."""
    out = {}
    b, d, v = t["births"], t["deaths"], t["neonatal_visits"]
    for pkm in DESA:
        f = frame_for(pkm, MONTHS_2025)
        w = weights(pkm, MONTHS_2025) * len(MONTHS_2025) / 12        # each cell's share of a year
        bp, dp, vp = b[b["puskesmas"] == pkm], d[d["puskesmas"] == pkm], v[v["puskesmas"] == pkm]
        f["lm"] = rng.poisson(bp.loc[bp["sex"] == "male", "live_births"].sum() * w)
        f["lf"] = rng.poisson(bp.loc[bp["sex"] == "female", "live_births"].sum() * w)
        f["still"] = rng.poisson(bp["stillbirths"].sum() * w)
        neo = rng.poisson(dp.loc[dp["age_group"] == "neonatal", "deaths"].sum() * w)
        post = rng.poisson(dp.loc[dp["age_group"] == "postneonatal", "deaths"].sum() * w)
        f["early"] = rng.binomial(neo, 0.79)
        f["late"] = neo - f["early"]
        f["post"] = post
        for i in range(len(neo)):
            for code in rng.choice(NEO, size=neo[i], p=_shares(NEONATAL_CAUSES)):
                f["n_" + code][i] += 1
            for code in rng.choice(POST, size=post[i], p=_shares(POSTNEONATAL_CAUSES)):
                f["p_" + code][i] += 1
        sasaran = int(vp.loc[vp["visit"] == "kn1", "denominator"].sum())
        f["sasaran"] = even(sasaran * len(MONTHS_2025) // 12, pkm, MONTHS_2025)
        f["knl"] = rng.binomial(f["sasaran"], 0.82 if pkm == "Nibung" else 0.93)
        f["kn1"] = np.minimum(f["knl"] + rng.poisson(f["sasaran"] * 0.04), f["sasaran"])
        out[pkm] = f
    return out


def _shares(shares: dict) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return p / p.sum()


def rows_of(year: int, data: dict, months, kecamatan: dict, skip=frozenset()) -> list[list]:
    rows = [[f"LAPORAN BULANAN KIA (LB3) KABUPATEN {DISTRICT.upper()} TAHUN {year}"], [], HEADER]
    for pkm, f in data.items():
        for i, (m, desa) in enumerate(cells_of(pkm, months)):
            if (pkm, m) in skip:
                continue
            counts = ([f["lm"][i], f["lf"][i], f["still"][i], f["early"][i], f["late"][i]]
                      + [f["n_" + c][i] for c in NEO] + [f["post"][i]] + [f["p_" + c][i] for c in POST]
                      + [f["early"][i] + f["late"][i] + f["post"][i], f["sasaran"][i], f["kn1"][i], f["knl"][i]])
            rows.append([MONTH_NAMES[m - 1], year, kecamatan[pkm], pkm, desa] + [int(x) for x in counts])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw" / "musi_rawas_utara")
    ap.add_argument("--annex", type=Path, default=ROOT / "data" / "raw" / "musi_rawas_utara",
                    help="the folder of the sample's 2024 annex files")
    ap.add_argument("--rtl-out", type=Path, default=ROOT / "data",
                    help="folder of the example RTL register (not under data/raw: it is no raw data to clean)")
    ap.add_argument("--seed", type=int, default=20251)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    t = annex_2024(args.annex)
    kecamatan = dict(zip(t["births"]["puskesmas"], t["births"]["kecamatan"]))
    args.out.mkdir(parents=True, exist_ok=True)
    write_xlsx(args.out / "lb3_kia_musi_rawas_utara_2024.xlsx",
               {"LB3 KIA": rows_of(2024, split_2024(rng, t), range(1, 13), kecamatan)}, streamed=True)
    write_xlsx(args.out / "lb3_kia_musi_rawas_utara_2025.xlsx",
               {"LB3 KIA": rows_of(2025, draw_2025(rng, t), MONTHS_2025, kecamatan, MISSING_2025)},
               streamed=True)
    args.rtl_out.mkdir(parents=True, exist_ok=True)
    with open(args.rtl_out / "rtl_register_example.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(RTL)
    return 0


if __name__ == "__main__":
    sys.exit(main())

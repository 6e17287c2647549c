#!/usr/bin/env python3
"""Write the bundled sample district's AMP-SR death line list with review fields (2024) and its
recommendations register. Both are synthetic.

    python scripts/make_sample_ampsr.py [--out data/raw/musi_rawas_utara] [--register data/rekomendasi_ampsr.xlsx]
                                        [--seed 20241]

The line list has one row per infant death of 2024, taken from the sample's own 2024 annex tables
(profil_kesehatan_2024.xlsx, cleaned with the package): the same deaths by Puskesmas, sex and age
group, and the same causes by Puskesmas and age group, so the line list agrees with the annex (whose
counts take precedence). Everything else is drawn with a fixed seed: dates, places of birth and
death, referral, attendant, birth weight, gestational age, the three delays, avoidable, review
date. Two rows are deliberate findings: a low-birth-weight cause with a birth weight of 2,600 g,
and a free-text place answer that no vocabulary knows (read as 'other'). The FAKE personal data
(names, NIK, addresses, phone numbers) are there to prove that they are dropped.

The register holds the recommendations of the 2024 reviews, with deadlines and statuses chosen so
that a follow-up in 2025 has recommendations done, open and overdue.
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from imr_analysis.annex_writer import write_xlsx
from imr_analysis.clean.pipeline import clean
from imr_analysis.synth import cause_label

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "raw" / "musi_rawas_utara"
YEAR = 2024
LINELIST = f"ampsr_kematian_bayi_{YEAR}.xlsx"
#: The register sits beside the raw folder, not in it: it is not a table the cleaning reads (``run --register``).
REGISTER = ROOT / "data" / "rekomendasi_ampsr.xlsx"
HEADER = ["NO", "NAMA BAYI", "NAMA IBU", "NIK IBU", "ALAMAT", "NO HP", "JENIS KELAMIN", "TANGGAL LAHIR",
          "TANGGAL MENINGGAL", "BERAT LAHIR (GRAM)", "USIA KEHAMILAN", "TEMPAT LAHIR", "PENOLONG PERSALINAN",
          "TEMPAT KEMATIAN", "DIRUJUK", "DIRUJUK DARI", "DIRUJUK KE", "TERLAMBAT MENGAMBIL KEPUTUSAN",
          "TERLAMBAT MENCAPAI FASILITAS", "TERLAMBAT MENDAPAT PELAYANAN", "DAPAT DICEGAH", "TANGGAL PENGKAJIAN",
          "PENYEBAB KEMATIAN", "PUSKESMAS", "KECAMATAN"]
PLACES = ["Rumah", "Polindes", "Pustu", "TPMB", "Puskesmas", "RSUD", "Dalam perjalanan"]


def annex_deaths(year: int = YEAR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample's infant deaths of ``year`` by Puskesmas, sex and age group, and by Puskesmas, age group and cause."""
    result = clean([OUT / f"profil_kesehatan_{year}.xlsx"])
    tables = result.tables
    infant = ["neonatal", "postneonatal"]
    deaths = tables["deaths"][tables["deaths"]["age_group"].isin(infant)]
    causes = tables["deaths_by_cause"][tables["deaths_by_cause"]["age_group"].isin(infant)]
    return (deaths.groupby(["puskesmas", "kecamatan", "sex", "age_group"])["deaths"].sum().reset_index(),
            causes.groupby(["puskesmas", "age_group", "cause"])["deaths"].sum().reset_index())


def _choice(rng: np.random.Generator, options: list, weights: list[float]):
    return options[int(rng.choice(len(options), p=np.asarray(weights) / sum(weights)))]


def death_rows(rng: np.random.Generator, deaths: pd.DataFrame, causes: pd.DataFrame) -> list[list]:
    """One line-list row per death (HEADER), deaths and causes paired at random within Puskesmas and age group."""
    rows = []
    for (pkm, age_group), group in deaths.groupby(["puskesmas", "age_group"], sort=True):
        sexes = [s for s, n in zip(group["sex"], group["deaths"]) for _ in range(int(n))]
        kec = group["kecamatan"].iloc[0]
        c = causes[(causes["puskesmas"] == pkm) & (causes["age_group"] == age_group)]
        cause_list = [x for x, n in zip(c["cause"], c["deaths"]) for _ in range(int(n))]
        rng.shuffle(cause_list)
        for sex, cause in zip(sexes, cause_list, strict=True):
            rows.append(_row(rng, len(rows) + 1, pkm, kec, sex, age_group, cause))
    return rows


def _row(rng, i: int, pkm: str, kec: str, sex: str, age_group: str, cause: str) -> list:
    died = dt.date(YEAR, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    age = int(rng.integers(0, 29)) if age_group == "neonatal" else int(rng.integers(29, 365))
    lbw = cause == "lbw_prematurity"
    weight = int(rng.integers(9, 24)) * 100 if lbw else int(rng.integers(25, 39)) * 100
    weeks = int(rng.integers(28, 37)) if lbw else int(rng.integers(37, 41))
    born_at = _choice(rng, PLACES[:6], [3, 1, 1, 2, 2, 3])
    died_at = _choice(rng, PLACES, [4, 1, 1, 1, 2, 6, 2])
    referred = "Ya" if died_at in ("RSUD", "Dalam perjalanan") and rng.random() < 0.8 else "Tidak"
    source = _choice(rng, ["Rumah", "Polindes", "TPMB", "Puskesmas"], [2, 1, 1, 3]) if referred == "Ya" else None
    target = "RSUD" if referred == "Ya" else None
    attendant = _choice(rng, ["Bidan", "Dokter", "Dukun"], [6, 2, 2])
    delays = [_choice(rng, ["Ya", "Tidak", "Tidak diketahui"], w) for w in ([4, 5, 1], [3, 6, 1], [3, 6, 1])]
    avoidable = _choice(rng, ["Dapat dicegah", "Tidak dapat dicegah", None], [5, 4, 1])
    reviewed = died + dt.timedelta(days=int(rng.integers(5, 75))) if rng.random() < 0.9 else None
    return [i, f"By. Ny. Fiktif{i:02d}", f"Ny. Rekaan{i:02d}", f"99160500{i:08d}", f"Jl. Khayalan No. {i}, RT 0{i % 9 + 1}",
            f"0899{i:08d}", "L" if sex == "male" else "P", died - dt.timedelta(days=age), died, weight, weeks,
            born_at, attendant, died_at, referred, source, target, *delays, avoidable, reviewed,
            cause_label(cause), pkm, kec]


def add_findings(rows: list[list]) -> None:
    """Two rows that the cleaning must report: an LBW cause with a normal birth weight, and a place answer
    written as free text that no vocabulary knows."""
    lbw = next(r for r in rows if r[HEADER.index("PENYEBAB KEMATIAN")] == cause_label("lbw_prematurity"))
    lbw[HEADER.index("BERAT LAHIR (GRAM)")] = 2600
    rows[-1][HEADER.index("TEMPAT LAHIR")] = "rumah bidan desa (kampung sebelah)"


def write_linelist(out: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    rows = death_rows(rng, *annex_deaths())
    add_findings(rows)
    title = [f"DAFTAR KEMATIAN BAYI (AMP-SR) KABUPATEN MUSI RAWAS UTARA TAHUN {YEAR}"]
    return write_xlsx(out / LINELIST, {"AMP-SR": [title, HEADER, *rows]})


def write_register(path: Path) -> Path:
    """The recommendations of the 2024 reviews (Indonesian headers, as the template writes them)."""
    header = ["Rekomendasi", "Sumber (kajian atau pertemuan)", "Penanggung jawab", "Batas waktu", "Status", "Bukti"]
    rows = [
        ["Semua bayi berat lahir rendah dirujuk ke RSUD dengan inkubator transport", "Pengkajian AMP-SR triwulan I 2024",
         "Dinkes", dt.date(2024, 9, 30), "Selesai", "SK Kepala Dinas tentang alur rujukan BBLR"],
        ["Pelatihan resusitasi neonatus untuk bidan desa", "Pengkajian AMP-SR triwulan II 2024", "Puskesmas",
         dt.date(2024, 12, 31), "Selesai", "Daftar hadir pelatihan"],
        ["Ambulans desa siaga 24 jam di kecamatan Ulu Rawas", "Diseminasi AMP-SR kepada Bupati 2024", "Bapperida",
         dt.date(2025, 3, 31), "Belum selesai", ""],
        ["Ruang NICU RSUD ditambah dua tempat tidur", "Diseminasi AMP-SR kepada Bupati 2024", "RSUD",
         dt.date(2025, 12, 31), "Dalam proses", "Usulan anggaran 2025"],
        ["Kemitraan bidan dan dukun di setiap desa", "Pengkajian AMP-SR triwulan III 2024", "Puskesmas",
         dt.date(2025, 1, 31), "Belum", ""],
    ]
    return write_xlsx(path, {"Rekomendasi": [header, *rows]})


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--register", type=Path, default=REGISTER)
    p.add_argument("--seed", type=int, default=20241)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    args.register.parent.mkdir(parents=True, exist_ok=True)
    for path in (write_linelist(args.out, args.seed), write_register(args.register)):
        print(path)


if __name__ == "__main__":
    main()

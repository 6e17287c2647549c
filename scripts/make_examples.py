#!/usr/bin/env python3
"""Write the small example inputs in data/raw/examples/, one per format the tool reads.

    python scripts/make_examples.py

- annex_births_2023.csv: one Profil annex table exported as semicolon CSV (Indonesian numbers);
- monthly_lb3_2023.xlsx: a monthly Puskesmas report (LB3 KIA / PWS-KIA), one row per Puskesmas
  and month, with one month missing for one Puskesmas;
- linelist_ampsr_2023.xlsx: an AMP-SR death line list, one row per death, with FAKE personal data
  (names, NIK, addresses, phone numbers) that the tool must drop at read time.
The folder is skipped when data/raw is cleaned as a whole; give the files explicitly to try them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from imr_analysis.annex_writer import TITLES, AnnexTable, births_header, write_csv

OUT = Path(__file__).resolve().parents[1] / "data" / "raw" / "examples"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def annex_csv() -> None:
    body = [[1, "Rupit", "PKM Muara Rupit", 323, 4, 327, 308, 4, 312, 631, 8, 639],
            [2, "Nibung", "PKM Nibung", 270, "-", 270, 259, 2, 261, 529, 2, 531]]
    total = ["", "JUMLAH KAB.", "", 593, 4, 597, 567, 6, 573, "1.160", 10, "1.170"]
    table = AnnexTable("TABEL 26", TITLES["births"], births_header(), body, "KABUPATEN MUSI RAWAS UTARA", 2023,
                       total, footer=("Sumber: Seksi Kesehatan Keluarga",))
    write_csv(OUT / "annex_births_2023.csv", table.rows())


def monthly_xlsx(rng) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "LB3 KIA"
    ws.append(["LAPORAN BULANAN KIA (LB3) KABUPATEN MUSI RAWAS UTARA TAHUN 2023"])
    ws.append([])
    ws.append(["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
               "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI", "PENYEBAB NEONATAL - BBLR",
               "PENYEBAB NEONATAL - ASFIKSIA", "PENYEBAB NEONATAL - INFEKSI", "PENYEBAB NEONATAL - LAIN-LAIN",
               "KEMATIAN POST NEONATAL", "PENYEBAB POST NEONATAL - PNEUMONIA", "PENYEBAB POST NEONATAL - DIARE",
               "PENYEBAB POST NEONATAL - LAIN-LAIN", "KEMATIAN BAYI", "SASARAN PUSDATIN", "SASARAN PUSKESMAS",
               "KN LENGKAP"])
    for pkm, kec, size in (("Muara Rupit", "Rupit", 53), ("Nibung", "Nibung", 44)):
        for m, name in enumerate(MONTHS, start=1):
            if pkm == "Nibung" and m == 8:
                continue  # August never arrived
            lm, lp = rng.poisson(size / 2), rng.poisson(size / 2)
            early, late = rng.binomial(1, 0.3), rng.binomial(1, 0.1)
            neo = early + late
            causes = [0, 0, 0, 0]
            for _ in range(neo):
                causes[rng.choice(4, p=[0.4, 0.35, 0.05, 0.2])] += 1
            post = rng.binomial(1, 0.1)
            pc = [post, 0, 0]
            sasaran = size + 2
            ws.append([name if m % 3 else m, 2023, kec, f"PKM {pkm}" if m % 2 else pkm.upper(), lm, lp,
                       rng.poisson(0.4), early or None, late or "-", *causes, post, *pc, neo + post, sasaran,
                       sasaran + 1, min(sasaran, lm + lp - rng.integers(0, 4))])
    wb.save(OUT / "monthly_lb3_2023.xlsx")


def linelist_xlsx() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "AMP-SR"
    ws.append(["DAFTAR KEMATIAN BAYI (AMP-SR) KABUPATEN MUSI RAWAS UTARA TAHUN 2023"])
    ws.append(["NO", "NAMA BAYI", "NAMA IBU", "NIK IBU", "ALAMAT", "NO HP", "JENIS KELAMIN", "TANGGAL LAHIR",
               "TANGGAL MENINGGAL", "UMUR", "BERAT LAHIR (GRAM)", "TEMPAT KEMATIAN", "DIRUJUK", "PENYEBAB KEMATIAN",
               "PUSKESMAS", "KECAMATAN"])
    deaths = [  # all personal data below is invented
        ("L", dt.date(2023, 1, 3), dt.date(2023, 1, 4), None, 1800, "RS", "Ya", "BBLR", "Muara Rupit"),
        ("P", dt.date(2023, 2, 10), dt.date(2023, 2, 10), None, 2900, "Rumah", "Tidak", "Asfiksia berat", "M. Rupit"),
        ("L", dt.date(2022, 12, 20), dt.date(2023, 3, 15), None, 3100, "Puskesmas", "Tidak", "J18.9", "Nibung"),
        ("P", None, dt.date(2023, 4, 2), "12 hari", 2400, "RS", "Ya", "Sepsis neonatorum", "Nibung"),
        ("L", dt.date(2023, 5, 1), dt.date(2023, 5, 3), None, 2200, "Perjalanan", "Ya", "P07.1", "Karang Jaya"),
        ("P", dt.date(2023, 3, 1), dt.date(2023, 6, 20), None, 3000, "Rumah", "Tidak", "Diare dengan dehidrasi", "Pauh"),
        ("L", None, dt.date(2023, 7, 7), "3 bulan", 3200, "RS", "Ya", "Kelainan jantung bawaan", "Surulangun"),
        ("P", dt.date(2023, 8, 8), dt.date(2023, 8, 9), None, 2600, "TPMB", "Ya", "tidak jelas", "Muara Kulam"),
        ("L", dt.date(2021, 1, 5), dt.date(2023, 9, 1), None, 3000, "Rumah", "Tidak", "Pneumonia", "Bingin Teluk"),
        ("P", dt.date(2023, 10, 1), dt.date(2023, 10, 2), None, 1500, "RS", "Ya", "Prematur", "Karang Dapo"),
    ]
    for i, (sex, dob, dod, age, bw, place, ref, cause, pkm) in enumerate(deaths, start=1):
        ws.append([i, f"Bayi Ny. Contoh{i:02d}", f"Ibu Contoh{i:02d} Fiktif", f"16050100000000{i:02d}",
                   f"Jl. Contoh Fiktif No. {i}, Desa Contoh", f"08120000{i:04d}", sex, dob, dod, age, bw, place, ref,
                   cause, pkm, ""])
    wb.save(OUT / "linelist_ampsr_2023.xlsx")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    annex_csv()
    monthly_xlsx(np.random.default_rng(2023))
    linelist_xlsx()
    print(f"wrote examples to {OUT}")


if __name__ == "__main__":
    main()

"""Small annex-table fixtures written as real .xlsx (with merged headers) or semicolon CSV, and
the package run in a subprocess as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys

from imr_analysis.annex_writer import (DEATH_MEASURES, NEONATAL_CAUSE_COLUMNS, POSTNEONATAL_CAUSE_COLUMNS, TITLES,
                                       AnnexTable, births_header, causes_header, deaths_header, kn_header,
                                       write_csv)
from imr_analysis.annex_writer import write_xlsx as _write_xlsx


def write_xlsx(path, sheets: dict, **options):
    """A workbook as a hand-made one is: text beginning with '=' is a formula (without a saved result)."""
    return _write_xlsx(path, sheets, formulas=True, **options)


def run_python(*args, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python ARGS`` in a subprocess with this interpreter: exit code, stdout and stderr as text.
    ``env`` adds to (or overrides) the current environment."""
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **env} if env else None)


def run_cli(*args, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``imr-analysis ARGS`` (as ``python -m imr_analysis``) in a subprocess."""
    return run_python("-m", "imr_analysis", *args, cwd=cwd, env=env)


TITLE_BIRTHS = TITLES["births"]
DISTRICT = "KABUPATEN MUSI RAWAS UTARA"
NEO, POST = list(NEONATAL_CAUSE_COLUMNS), list(POSTNEONATAL_CAUSE_COLUMNS)


def births_table(body: list[list], total: list | None = None, rate: list | None = None, year: int | None = 2023,
                 district: str | None = DISTRICT, number: str = "TABEL 26") -> list[list]:
    """body rows: [no, kecamatan, puskesmas, L hidup, L mati, L hidup+mati, P ..., L+P ...]."""
    return AnnexTable(number, TITLES["births"], births_header(), body, district, year, total, rate,
                      footer=("Sumber: Seksi Kesga",)).rows()


def deaths_table(body: list[list], total: list | None = None, rate: list | None = None,
                 sexes=("LAKI - LAKI", "PEREMPUAN"), header_typo: str | None = None, continuation: bool = False,
                 year: int | None = 2023, district: str | None = DISTRICT) -> list[list]:
    """body rows: [no, kec, pkm] + per sex [NEONATAL, POST NEONATAL, BAYI, ANAK BALITA, JUMLAH TOTAL]."""
    measures = ("NEONATAL", header_typo or "POST NEONATAL") + DEATH_MEASURES[2:]
    return AnnexTable("TABEL 27 (lanj.)" if continuation else "TABEL 27", TITLES["deaths"],
                      deaths_header(sexes, measures), body, district, year, total, rate,
                      footer=("Sumber: laporan Puskesmas", "Keterangan: -"), header_fill=True).rows()


def causes_table(body: list[list], total: list | None = None, neo=NEO, post=POST, year: int | None = 2023,
                 district: str | None = DISTRICT) -> list[list]:
    return AnnexTable("TABEL 28", TITLES["causes"], causes_header(neo, post), body, district, year, total,
                      footer=("Sumber: -",), footer_gap=False).rows()


def kn_table(body: list[list], total: list | None = None, denominator: str = "JUMLAH LAHIR HIDUP",
             year: int | None = 2023, district: str | None = DISTRICT) -> list[list]:
    """body rows: [no, kec, pkm, LH L, LH P, LH L+P, KN1 L n, %, P n, %, L+P n, %, KNL L n, %, P n, %, L+P n, %]."""
    return AnnexTable("TABEL 37", TITLES["kn"], kn_header(denominator), body, district, year, total,
                      footer=("Sumber: -",), footer_gap=False, header_fill=True).rows()


MONTHLY_HEADER = ["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
                  "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI", "PENYEBAB NEONATAL - BBLR",
                  "PENYEBAB NEONATAL - ASFIKSIA", "KEMATIAN POST NEONATAL", "PENYEBAB POST NEONATAL - PNEUMONIA",
                  "KEMATIAN BAYI", "SASARAN PUSDATIN", "SASARAN PUSKESMAS", "KN LENGKAP"]


def monthly_rows(rows: list[list], title: str = "LAPORAN BULANAN KIA KABUPATEN MUSI RAWAS UTARA TAHUN 2023") -> list[list]:
    """rows: [bulan, tahun, kec, pkm, LH L, LH P, LM, neo 0-6, neo 7-28, BBLR, asf, post, pneu, bayi, sas P, sas PKM, KN]."""
    return [[title], [], list(MONTHLY_HEADER)] + rows


def monthly_row(month, pkm="Pauh", lm=20, lp=19, early=1, late=0, post=0, year=2023, **kw):
    neo = early + late
    row = [month, year, "Rawas Ilir", pkm, lm, lp, 0, early, late, neo, 0, post, post, neo + post, 40, 41, 37]
    for k, v in kw.items():
        row[MONTHLY_HEADER.index(k)] = v
    return row


LINELIST_HEADER = ["NO", "NAMA BAYI", "NAMA IBU", "NIK IBU", "ALAMAT", "NO HP", "JENIS KELAMIN", "TANGGAL LAHIR",
                   "TANGGAL MENINGGAL", "UMUR", "PENYEBAB KEMATIAN", "PUSKESMAS"]


def linelist_rows(deaths: list[list], title: str = "DAFTAR KEMATIAN BAYI KABUPATEN MUSI RAWAS UTARA TAHUN 2023") -> list[list]:
    """deaths: [sex, date of birth, date of death, age text, cause, puskesmas]; fake personal data is added."""
    rows = [[title], list(LINELIST_HEADER)]
    for i, (sex, dob, dod, age, cause, pkm) in enumerate(deaths, start=1):
        rows.append([i, f"Bayi Fiktif{i:03d}", f"Ibu Rekaan{i:03d}", f"99{i:014d}", f"Jalan Khayalan {i}",
                     f"0899{i:08d}", sex, dob, dod, age, cause, pkm])
    return rows

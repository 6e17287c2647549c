"""Small annex-table fixtures written as real .xlsx (with merged headers) or semicolon CSV, and
the package run in a subprocess as a user runs it."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

def run_python(*args, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python ARGS`` in a subprocess with this interpreter: exit code, stdout and stderr as text.
    ``env`` adds to (or overrides) the current environment."""
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **env} if env else None)


def run_cli(*args, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``imr-analysis ARGS`` (as ``python -m imr_analysis``) in a subprocess."""
    return run_python("-m", "imr_analysis", *args, cwd=cwd, env=env)


TITLE_BIRTHS = "JUMLAH KELAHIRAN MENURUT JENIS KELAMIN, KECAMATAN DAN PUSKESMAS"
TITLE_DEATHS = "JUMLAH KEMATIAN NEONATAL, BAYI, DAN BALITA MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS"
TITLE_CAUSES = "JUMLAH KEMATIAN NEONATAL DAN POST NEONATAL MENURUT PENYEBAB UTAMA, KECAMATAN, DAN PUSKESMAS"
TITLE_KN = "CAKUPAN KUNJUNGAN NEONATAL MENURUT JENIS KELAMIN, KECAMATAN, DAN PUSKESMAS"


def title_block(title: str, year: int | None = 2023, district: str | None = "KABUPATEN MUSI RAWAS UTARA",
                number: str = "TABEL 26") -> list[list]:
    rows = [[number], [title]]
    if district:
        rows.append([district])
    if year:
        rows.append([f"TAHUN {year}"])
    rows.append([])
    return rows


def births_table(body: list[list], total: list | None = None, rate: list | None = None, **title) -> list[list]:
    """body rows: [no, kecamatan, puskesmas, L hidup, L mati, L hidup+mati, P ..., L+P ...]."""
    rows = title_block(TITLE_BIRTHS, **title)
    rows += [["NO", "KECAMATAN", "PUSKESMAS", "JUMLAH KELAHIRAN"],
             [None, None, None, "LAKI-LAKI", None, None, "PEREMPUAN", None, None, "LAKI-LAKI + PEREMPUAN"],
             [None, None, None] + ["HIDUP", "MATI", "HIDUP + MATI"] * 3,
             list(range(1, 13))]
    rows += body
    if total:
        rows.append(total)
    if rate:
        rows.append(rate)
    rows += [[], ["Sumber: Seksi Kesga"]]
    return rows


def deaths_table(body: list[list], total: list | None = None, rate: list | None = None,
                 sexes=("LAKI - LAKI", "PEREMPUAN"), header_typo: str | None = None, continuation: bool = False,
                 **title) -> list[list]:
    """body rows: [no, kec, pkm] + per sex [NEONATAL, POST NEONATAL, BAYI, ANAK BALITA, JUMLAH TOTAL]."""
    rows = title_block(TITLE_DEATHS, number="TABEL 27 (lanj.)" if continuation else "TABEL 27", **title)
    h2, h3, h4 = [None] * 3, [None] * 3, [None] * 3
    for s in sexes:
        h2 += [s, None, None, None, None]
        h3 += ["NEONATAL", header_typo or "POST NEONATAL", "BALITA", None, None]
        h4 += [None, None, "BAYI", "ANAK BALITA", "JUMLAH TOTAL"]
    rows += [["NO", "KECAMATAN", "PUSKESMAS", "JUMLAH KEMATIAN"], h2, h3, h4, list(range(1, 4 + 5 * len(sexes)))]
    rows += body
    if total:
        rows.append(total)
    if rate:
        rows.append(rate)
    rows += [[], ["Sumber: laporan Puskesmas"], ["Keterangan: -"]]
    return rows


NEO = ["BBLR DAN PREMATURITAS", "ASFIKSIA", "TETANUS NEONATORUM", "INFEKSI", "KELAINAN KONGENITAL", "COVID-19",
       "KELAINAN CARDIOVASKULAR DAN RESPIRATORI", "LAIN-LAIN"]
POST = ["KONDISI PERINATAL", "PNEUMONIA", "DIARE", "KELAINAN KONGENITAL JANTUNG", "KELAINAN KONGENITAL LAINNYA",
        "MENINGITIS", "PENYAKIT SARAF", "DEMAM BERDARAH", "LAIN-LAIN"]


def causes_table(body: list[list], total: list | None = None, neo=NEO, post=POST, **title) -> list[list]:
    rows = title_block(TITLE_CAUSES, number="TABEL 28", **title)
    rows += [["NO", "KECAMATAN", "PUSKESMAS", "PENYEBAB KEMATIAN NEONATAL (0-28 HARI)"] + [None] * (len(neo) - 1)
             + ["PENYEBAB KEMATIAN POST NEONATAL (29 HARI-11 BULAN)"],
             [None] * 3 + list(neo) + list(post),
             list(range(1, 4 + len(neo) + len(post)))]
    rows += body
    if total:
        rows.append(total)
    rows += [["Sumber: -"]]
    return rows


def kn_table(body: list[list], total: list | None = None, denominator: str = "JUMLAH LAHIR HIDUP", **title) -> list[list]:
    """body rows: [no, kec, pkm, LH L, LH P, LH L+P, KN1 L n, %, P n, %, L+P n, %, KNL L n, %, P n, %, L+P n, %]."""
    rows = title_block(TITLE_KN, number="TABEL 37", **title)
    sx = ["LAKI-LAKI", "PEREMPUAN", "LAKI-LAKI + PEREMPUAN"]
    rows += [["NO", "KECAMATAN", "PUSKESMAS", denominator, None, None, "KUNJUNGAN NEONATAL 1 KALI (KN1)", None, None,
              None, None, None, "KUNJUNGAN NEONATAL 3 KALI (KN LENGKAP)"],
             [None] * 3 + sx + [sx[0], None, sx[1], None, sx[2], None] * 2,
             [None] * 6 + ["JUMLAH", "%"] * 6,
             list(range(1, 19))]
    rows += body
    if total:
        rows.append(total)
    rows += [["Sumber: -"]]
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=i, column=j, value=value)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


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

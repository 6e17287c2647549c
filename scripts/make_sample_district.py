#!/usr/bin/env python3
"""Write the bundled sample district, Kabupaten Musi Rawas Utara 2019-2024, as raw annex tables.

    python scripts/make_sample_district.py [--out data/raw/musi_rawas_utara] [--seed 20231]

The files imitate the Profil Kesehatan annex tables as districts really keep them: one Excel
workbook per year with the tables on sheets whose names and numbers change between years,
some tables as semicolon CSV exports, merged multi-row headers, column-number rows, total and
rate rows, footers, blanks and '-', Indonesian number formats, header typos, Puskesmas names
written in several ways, and a '(lanj.)' continuation block.

Published figures (seed 001, DOMAIN.md) are used exactly: the 2023 deaths by Puskesmas (33)
and live births (3,795), the yearly totals and extremes of 2020-2022, the leading causes
2020-2022, and the SPM newborn-service coverage 2021-2023 including the printed 96.23% that
disagrees with 3,799 / 3,959. Everything else is synthetic, drawn with a fixed seed from the
national shares of Profil Kesehatan Indonesia 2021. PROVENANCE.md beside the data lists which is which.
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from imr_analysis.annex_writer import (DEATH_MEASURES, MATERNAL_TITLE_OLDER, NEONATAL_CAUSE_COLUMNS,
                                       POSTNEONATAL_CAUSE_COLUMNS, TITLES, AnnexTable, births_header, causes_header,
                                       deaths_header, kn_header, maternal_causes_header, maternal_header, stack,
                                       write_csv, write_xlsx)

PKM = ["Karang Jaya", "Muara Rupit", "Karang Dapo", "Bingin Teluk", "Pauh", "Surulangun", "Muara Kulam", "Nibung"]
KECAMATAN = {"Karang Jaya": "Karang Jaya", "Muara Rupit": "Rupit", "Karang Dapo": "Karang Dapo",
             "Bingin Teluk": "Rawas Ilir", "Pauh": "Rawas Ilir", "Surulangun": "Rawas Ulu",
             "Muara Kulam": "Ulu Rawas", "Nibung": "Nibung"}
YEARS = list(range(2019, 2025))

# Infant deaths by Puskesmas (order of PKM). 2020-2023: published totals and extremes
# (2023 exactly, Tabel 9 of seed 001); 2019 and 2024 synthetic.
DEATHS = {
    2019: [7, 8, 4, 6, 3, 7, 5, 6],   # synthetic, 46
    2020: [5, 8, 1, 6, 3, 5, 4, 8],   # max Muara Rupit & Nibung 8, min Karang Dapo 1 (total not published: 40 synthetic)
    2021: [8, 9, 6, 7, 5, 0, 14, 9],  # 58; max Muara Kulam 14, min Surulangun 0
    2022: [5, 9, 4, 6, 3, 4, 2, 6],   # 39; max Muara Rupit 9, min Muara Kulam 2
    2023: [6, 6, 5, 5, 2, 3, 5, 1],   # 33, published by Puskesmas
    2024: [4, 5, 3, 4, 2, 3, 4, 2],   # synthetic, 27
}
LIVE_BIRTHS_TOTAL = {2019: 3890, 2020: 3852, 2021: 3905, 2022: 3831, 2023: 3795, 2024: 3718}  # 2023 published
BIRTH_SHARES = np.array([520, 610, 380, 450, 330, 560, 420, 525]) / 3795
LEADING_CAUSE = {2020: "BBLR DAN PREMATURITAS", 2021: "ASFIKSIA", 2022: "ASFIKSIA"}  # published
SPM_2023 = [93.54, 92.71, 98.73, 98.0, 95.53, 99.27, 93.25, 96.51]     # published, Tabel 7
SPM_2023_TOTAL = (3799, 3959, "96,23")                                   # published (printed % inconsistent)
SPM_DISTRICT = {2021: (94.06, 2), 2022: (96.9, 1)}                       # published, rounded as printed
SASARAN_YEARS = {2022, 2023, 2024}  # KN denominators are sasaran in these years (synthetic choice)

NEO_CAUSES = list(NEONATAL_CAUSE_COLUMNS)
NEO_SHARES = [34.5, 27.8, 0.2, 4.0, 12.8, 0.5, 0.0, 20.2]  # Profil Kesehatan Indonesia 2021
POST_CAUSES = list(POSTNEONATAL_CAUSE_COLUMNS)
POST_SHARES = [0.9, 14.4, 14.0, 5.3, 5.3, 0.6, 0.8, 0.6, 56.2 + 1.6]  # COVID-19 1.6% folded into LAIN-LAIN
CAUSE_TYPOS = {2021: {"KELAINAN KONGENITAL": "KELAINAN KONGINETAL", "TETANUS NEONATORUM": "TETANUS NEONATRUM",
                      "KELAINAN CARDIOVASKULAR DAN RESPIRATORI": "KELAINAN CARDIOVASKULAR DAN RESPIRATION"},
               2019: {"ASFIKSIA": "ASFIKSI"}}

NAMES = {  # how each year's tables write the Puskesmas names
    2019: lambda p: f"PKM {p}",
    2020: lambda p: p.upper(),
    2021: lambda p: "UPTD Puskesmas " + ("Surulangun Rawas" if p == "Surulangun" else p),
    2022: lambda p: f"Puskesmas {p}" if p != "Pauh" else "puskesmas pauh",
    2023: lambda p: {"Muara Rupit": "M. Rupit"}.get(p, p),
    2024: lambda p: f"PKM {p.upper()}",
}
# Which tables leave the workbook as semicolon CSV exports, and table numbers / sheet names per year.
CSV_TABLES = {2020: {"causes"}, 2022: {"kn"}, 2024: {"births"}}
TABLE_NO = {"births": 26, "deaths": 27, "causes": 28, "kn": 37, "maternal": 30, "maternal_causes": 31}
SHEET_STYLE = {2019: "Tabel {n}", 2020: "T{n}", 2021: "Lamp {n}", 2022: "TABEL {n}", 2023: "Tabel {n}", 2024: "tbl{n}"}
DISTRICT_LINE = {2019: "KABUPATEN MUSI RAWAS UTARA", 2020: "KABUPATEN/KOTA MUSI RAWAS UTARA"}
# Maternal deaths (synthetic, fixed by hand: a handful a year, 19 in six years): Puskesmas, period
# (pregnancy = hamil, delivery = bersalin, postpartum = nifas), the mother's age group (index into
# < 20, 20-34, >= 35) and the cause header of that year's edition. 2019 and 2020 use the older
# edition of the cause table (6 causes) and, in 2019, the older title.
MATERNAL = {
    2019: [("Muara Rupit", "delivery", 1, "PERDARAHAN"), ("Nibung", "postpartum", 2, "HIPERTENSI DALAM KEHAMILAN"),
           ("Muara Kulam", "pregnancy", 0, "GANGGUAN METABOLIK")],
    2020: [("Surulangun", "delivery", 1, "PERDARAHAN"), ("Karang Jaya", "postpartum", 1, "INFEKSI"),
           ("Muara Rupit", "postpartum", 2, "GANGGUAN SISTEM PEREDARAN DARAH"), ("Pauh", "delivery", 1, "LAIN-LAIN")],
    2021: [("Muara Kulam", "postpartum", 1, "COVID-19"), ("Nibung", "delivery", 2, "PERDARAHAN"),
           ("Bingin Teluk", "pregnancy", 1, "GANGGUAN HIPERTENSI"), ("Muara Rupit", "postpartum", 1, "COVID-19"),
           ("Karang Dapo", "delivery", 0, "PERDARAHAN")],
    2022: [("Muara Rupit", "delivery", 1, "GANGGUAN HIPERTENSI"),
           ("Surulangun", "postpartum", 2, "KELAINAN JANTUNG DAN PEMBULUH DARAH"),
           ("Nibung", "pregnancy", 1, "KOMPLIKASI PASCA KEGUGURAN (ABORTUS)")],
    2023: [("Karang Jaya", "delivery", 2, "PERDARAHAN"), ("Muara Kulam", "postpartum", 1, "INFEKSI")],
    2024: [("Pauh", "postpartum", 1, "GANGGUAN HIPERTENSI"), ("Muara Rupit", "delivery", 1, "PERDARAHAN")],
}
MATERNAL_OLDER_EDITION = {2019, 2020}
MATERNAL_PERIOD_ORDER = ("pregnancy", "delivery", "postpartum")


# ---------------------------------------------------------------------------------------------
# Synthetic numbers

def _split(rng, total: int, shares) -> np.ndarray:
    shares = np.asarray(shares, dtype=float)
    return rng.multinomial(total, shares / shares.sum())


def births(rng) -> dict:
    out = {}
    for year in YEARS:
        live = _split(rng, LIVE_BIRTHS_TOTAL[year], BIRTH_SHARES * rng.uniform(0.93, 1.07, len(PKM)))
        male = rng.binomial(live, 0.512)
        still = rng.poisson(live * 0.0095)
        still_m = rng.binomial(still, 0.55)
        out[year] = {"live_m": male, "live_f": live - male, "still_m": still_m, "still_f": still - still_m}
    return out


def deaths(rng) -> dict:
    out = {}
    for year in YEARS:
        total = np.array(DEATHS[year])
        neo = rng.binomial(total, 0.79)
        post = total - neo
        neo_m, post_m = rng.binomial(neo, 0.55), rng.binomial(post, 0.55)
        child = rng.poisson(0.5, len(PKM))
        child_m = rng.binomial(child, 0.5)
        out[year] = {"neo_m": neo_m, "neo_f": neo - neo_m, "post_m": post_m, "post_f": post - post_m,
                     "child_m": child_m, "child_f": child - child_m}
    return out


def causes(rng, d: dict) -> dict:
    """Causes per Puskesmas, redrawn until the published leading cause of the year leads strictly."""
    out = {}
    for year in YEARS:
        neo = d[year]["neo_m"] + d[year]["neo_f"]
        post = d[year]["post_m"] + d[year]["post_f"]
        neo_shares = list(NEO_SHARES)
        if LEADING_CAUSE.get(year) == "ASFIKSIA":
            neo_shares[0], neo_shares[1] = 22.0, 42.0
        elif LEADING_CAUSE.get(year) == "BBLR DAN PREMATURITAS":
            neo_shares[0], neo_shares[1] = 44.0, 22.0
        for _ in range(10_000):
            n = np.array([_split(rng, k, neo_shares) for k in neo])
            p = np.array([_split(rng, k, POST_SHARES) for k in post])
            by_code = {c: n[:, i].sum() for i, c in enumerate(NEO_CAUSES)}
            for i, c in enumerate(POST_CAUSES):
                by_code[c] = by_code.get(c, 0) + p[:, i].sum()
            by_code["KELAINAN KONGENITAL"] += by_code.pop("KELAINAN KONGENITAL JANTUNG") + by_code.pop("KELAINAN KONGENITAL LAINNYA")
            lead = LEADING_CAUSE.get(year)
            ranked = sorted(by_code.values(), reverse=True)
            if lead is None or (by_code[lead] == ranked[0] and ranked[0] > ranked[1]):
                break
        else:
            raise RuntimeError(f"could not draw causes with leading cause {lead} in {year}")
        out[year] = {"neo": n, "post": p}
    return out


def _coverage_counts(rng, denominators: np.ndarray, pct: float, decimals: int | None) -> np.ndarray:
    """Per-Puskesmas counts around a district coverage that rounds to ``pct`` as printed
    (``decimals`` None: a synthetic year, any count near ``pct``)."""
    total_d = int(denominators.sum())
    near = round(pct * total_d / 100)
    total_n = near if decimals is None else next(
        n for n in itertools.chain.from_iterable((near + k, near - k) for k in range(50))
        if round(100 * n / total_d, decimals) == pct)
    p = np.clip(pct / 100 + rng.normal(0, 0.02, len(denominators)), 0.85, 0.995)
    n = np.minimum(np.round(p * denominators).astype(int), denominators)
    while n.sum() != total_n:
        i = int(rng.integers(len(n)))
        step = 1 if n.sum() < total_n else -1
        if 0 <= n[i] + step <= denominators[i]:
            n[i] += step
    return n


def spm_2023(rng) -> tuple[np.ndarray, np.ndarray]:
    """(sasaran, served) per Puskesmas reproducing the published 2023 percentages and totals."""
    total_n, total_d, _ = SPM_2023_TOTAL
    base = np.round(BIRTH_SHARES * total_d).astype(int)
    options = []
    for p, b in zip(SPM_2023, base):
        opts = [(d, round(p * d / 100)) for d in range(b - 80, b + 81) if round(100 * round(p * d / 100) / d, 2) == p]
        options.append(opts)
    for _ in range(500_000):
        pick = [opts[rng.integers(len(opts))] for opts in options[:-1]]
        d_last = total_d - sum(d for d, _ in pick)
        n_last = total_n - sum(n for _, n in pick)
        if d_last > 0 and round(100 * n_last / d_last, 2) == SPM_2023[-1]:
            pick.append((d_last, n_last))
            return np.array([d for d, _ in pick]), np.array([n for _, n in pick])
    raise RuntimeError("no Puskesmas split reproduces the published 2023 SPM figures")


def visits(rng, b: dict) -> dict:
    out = {}
    for year in YEARS:
        live = b[year]["live_m"] + b[year]["live_f"]
        if year == 2023:
            denom, kn_lengkap = spm_2023(rng)
        else:
            denom = np.round(live * rng.uniform(1.01, 1.06, len(PKM))).astype(int) if year in SASARAN_YEARS else live
            pct, dec = SPM_DISTRICT.get(year, (float(rng.uniform(91, 96)), None))
            kn_lengkap = _coverage_counts(rng, denom, pct, dec)
        kn1 = np.minimum(kn_lengkap + rng.poisson(denom * 0.025), denom)
        if year == 2024:
            kn1[3] = denom[3] + 4  # KN1 above sasaran: real in Profil data (coverage > 100%)
        den_m = np.round(denom * 0.512).astype(int)
        kl_m = np.minimum(np.round(kn_lengkap * 0.512).astype(int), den_m)
        k1_m = np.minimum(np.round(kn1 * 0.512).astype(int), den_m + (kn1 > denom) * 4)
        out[year] = {"den_m": den_m, "den_f": denom - den_m, "kn1_m": k1_m, "kn1_f": kn1 - k1_m,
                     "kl_m": kl_m, "kl_f": kn_lengkap - kl_m}
    return out


# ---------------------------------------------------------------------------------------------
# The tables as this district lays them out (written by imr_analysis.annex_writer)

def _table(kind: str, year: int, cont: bool = False, **parts) -> AnnexTable:
    return AnnexTable(f"TABEL {TABLE_NO[kind]}" + (" (lanj.)" if cont else ""), TITLES[kind],
                      district=DISTRICT_LINE.get(year, "KABUPATEN MUSI RAWAS UTARA"), year=year, **parts)


def _rows_common(year: int) -> list[list]:
    return [[i + 1, KECAMATAN[p] if (i == 0 or KECAMATAN[p] != KECAMATAN[PKM[i - 1]]) else None, NAMES[year](p)]
            for i, p in enumerate(PKM)]


def _blank_zero(year: int, value):
    """How each year writes a zero: blank (2019, 2021), '-' (2020, 2024) or 0."""
    if value != 0:
        return value
    return {2019: None, 2021: None, 2020: "-", 2024: "-"}.get(year, 0)


def births_table(year: int, b: dict) -> AnnexTable:
    x = b[year]
    body = []
    for i, row in enumerate(_rows_common(year)):
        lm, sm, lf, sf = (int(x[k][i]) for k in ("live_m", "still_m", "live_f", "still_f"))
        vals = [lm, sm, lm + sm, lf, sf, lf + sf, lm + lf, sm + sf, lm + lf + sm + sf]
        body.append(row + [_blank_zero(year, v) for v in vals])
    tot = [int(sum(r[3 + k] or 0 if not isinstance(r[3 + k], str) else 0 for r in body)) for k in range(9)]
    total_row = [None, "JUMLAH KAB.", None] + tot
    if year == 2023:
        total_row[9] = "3.795"  # copied in as text, Indonesian thousands separator
    rate = [None] * 3
    for k in range(3):
        still, all_births = tot[3 * k + 1], tot[3 * k + 2]
        rate += [None, round(1000 * still / all_births, 2), None]
    rate[0] = "ANGKA LAHIR MATI PER 1.000 KELAHIRAN (DILAPORKAN)"
    return _table("births", year, header=births_header(), body=body, total=total_row, rate=rate,
                  footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi",))


def deaths_blocks(year: int, d: dict, b: dict) -> list[AnnexTable]:
    """Deaths by age and sex; in 2022 the L+P columns sit in a '(lanj.)' block below."""
    x = d[year]
    sexes = [("LAKI - LAKI", "m"), ("PEREMPUAN", "f")] + ([] if year == 2022 else [("LAKI-LAKI + PEREMPUAN", "t")])
    measures = ("NEONATAL", "POST NEO NATAL" if year == 2019 else "POST NEONATAL") + DEATH_MEASURES[2:]

    def block(sex_list, cont=False):
        width = 3 + 5 * len(sex_list)
        body = []
        for i, row in enumerate(_rows_common(year)):
            vals = []
            for _, s in sex_list:
                neo = int(x["neo_m"][i] + x["neo_f"][i]) if s == "t" else int(x[f"neo_{s}"][i])
                post = int(x["post_m"][i] + x["post_f"][i]) if s == "t" else int(x[f"post_{s}"][i])
                child = int(x["child_m"][i] + x["child_f"][i]) if s == "t" else int(x[f"child_{s}"][i])
                vals += [neo, post, neo + post, child, neo + post + child]
            body.append(row + [_blank_zero(year, v) for v in vals])
        tot = [int(sum(r[k] if isinstance(r[k], int) else 0 for r in body)) for k in range(3, width)]
        lb = {"m": int(b[year]["live_m"].sum()), "f": int(b[year]["live_f"].sum())}
        lb["t"] = lb["m"] + lb["f"]
        rate = ["ANGKA KEMATIAN (DILAPORKAN)", None, None]
        for s, (_, key) in enumerate(sex_list):
            rates = [round(1000 * tot[5 * s + k] / lb[key], 2) for k in range(5)]
            rate += [f"{r:.2f}".replace(".", ",") for r in rates] if year == 2023 else rates
        return _table("deaths", year, cont, header=deaths_header([label for label, _ in sex_list], measures),
                      body=body, total=[None, "JUMLAH (KAB/KOTA)", None] + tot, rate=rate,
                      footer=("Sumber: Laporan Kematian Bayi Puskesmas",
                              "Keterangan: jumlah kematian bayi = neonatal + post neonatal"))

    blocks = [block(sexes)]
    if year == 2022:
        blocks.append(block([("LAKI-LAKI + PEREMPUAN", "t")], cont=True))
    return blocks


def causes_table(year: int, c: dict) -> AnnexTable:
    typo = CAUSE_TYPOS.get(year, {})
    neo_h = [typo.get(h, h) for h in NEO_CAUSES]
    post_h = [typo.get(h, h) for h in POST_CAUSES]
    width = 3 + len(neo_h) + len(post_h)
    body = []
    for i, row in enumerate(_rows_common(year)):
        vals = [int(v) for v in c[year]["neo"][i]] + [int(v) for v in c[year]["post"][i]]
        body.append(row + [_blank_zero(year, v) for v in vals])
    tot = [int(sum(r[k] if isinstance(r[k], int) else 0 for r in body)) for k in range(3, width)]
    return _table("causes", year, header=causes_header(neo_h, post_h), body=body,
                  total=["JUMLAH KAB.", None, None] + tot, footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi",))


def kn_table(year: int, v: dict) -> AnnexTable:
    x = v[year]
    den_label = "SASARAN BAYI BARU LAHIR" if year in SASARAN_YEARS else "JUMLAH LAHIR HIDUP"
    body, sums = [], np.zeros(9)
    for i, row in enumerate(_rows_common(year)):
        dm, df = int(x["den_m"][i]), int(x["den_f"][i])
        vals = [dm, df, dm + df]
        counts = [dm, df, dm + df]
        for key in ("kn1", "kl"):
            nm, nf = int(x[f"{key}_m"][i]), int(x[f"{key}_f"][i])
            for num, den in ((nm, dm), (nf, df), (nm + nf, dm + df)):
                vals += [num, round(100 * num / den, 2)]
                counts.append(num)
        sums += counts
        body.append(row + vals)
    s = [int(t) for t in sums]
    total = [None, "JUMLAH KAB.", None, s[0], s[1], s[2]]
    for k in range(2):
        for j, den in enumerate(s[:3]):
            num = s[3 + 3 * k + j]
            total += [num, round(100 * num / den, 2)]
    if year == 2023:
        total[-1] = SPM_2023_TOTAL[2]  # the printed 96.23%, against 3,799 / 3,959 = 95.96%
    return _table("kn", year, header=kn_header(den_label), body=body, total=total,
                  footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi",
                          "Keterangan: cakupan dihitung terhadap sasaran" if year in SASARAN_YEARS else "Keterangan: -"))


def maternal_tables(year: int, b: dict) -> list[AnnexTable]:
    """The maternal deaths of a year (MATERNAL) by period x age group, with the live births and an AKI
    rate row, then by cause (older edition in MATERNAL_OLDER_EDITION years)."""
    x = b[year]
    body, cause_body = [], []
    edition = "older" if year in MATERNAL_OLDER_EDITION else "current"
    causes = maternal_causes_header(edition, total=False)
    for i, (row, p) in enumerate(zip(_rows_common(year), PKM)):
        grid = np.zeros((3, 3), dtype=int)           # period x age group
        by_cause = dict.fromkeys(causes, 0)
        for pkm, period, age, cause in MATERNAL[year]:
            if pkm == p:
                grid[MATERNAL_PERIOD_ORDER.index(period), age] += 1
                by_cause[cause] += 1
        values = [int(x["live_m"][i] + x["live_f"][i])]
        for k in range(3):
            values += list(grid[k]) + [int(grid[k].sum())]
        values += list(grid.sum(axis=0)) + [int(grid.sum())]
        body.append(row + [_blank_zero(year, int(v)) for v in values])
        cause_body.append(row + [_blank_zero(year, v) for v in list(by_cause.values()) + [int(grid.sum())]])
    width = len(body[0]) - 3
    total = [int(sum(r[3 + k] or 0 for r in body if not isinstance(r[3 + k], str))) for k in range(width)]
    cause_total = [int(sum(r[3 + k] or 0 for r in cause_body if not isinstance(r[3 + k], str)))
                   for k in range(len(causes) + 1)]
    rate = ["ANGKA KEMATIAN IBU PER 100.000 KH (DILAPORKAN)", None, None] + [None] * (width - 1) \
        + [round(100000 * total[-1] / total[0], 2)]
    title = MATERNAL_TITLE_OLDER if year == 2019 else TITLES["maternal"]
    age = AnnexTable(f"TABEL {TABLE_NO['maternal']}", title, maternal_header(), body,
                     district=DISTRICT_LINE.get(year, "KABUPATEN MUSI RAWAS UTARA"), year=year,
                     total=[None, "JUMLAH KAB.", None] + total, rate=rate,
                     footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi",))
    cause = _table("maternal_causes", year, header=maternal_causes_header(edition), body=cause_body,
                   total=[None, "JUMLAH KAB.", None] + cause_total,
                   footer=("Sumber: Seksi Kesehatan Keluarga dan Gizi (AMP-SR)",))
    return [age, cause]


def distractor(title: str, year: int) -> AnnexTable:
    """Unrelated annex tables in the same workbook, which the reader must ignore."""
    body = [[i + 1, KECAMATAN[p], p, 10 + i] for i, p in enumerate(PKM)]
    return AnnexTable("TABEL 1", title, ["JUMLAH"], body, district="KABUPATEN MUSI RAWAS UTARA", year=year,
                      column_numbers=False)


def _column_width(j: int) -> int:
    return 22 if j == 3 else 11


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "raw" / "musi_rawas_utara")
    parser.add_argument("--seed", type=int, default=20231)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    b = births(rng)
    d = deaths(rng)
    c = causes(rng, d)
    v = visits(rng, b)
    args.out.mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        tables = {"births": [births_table(year, b)], "deaths": deaths_blocks(year, d, b),
                  "causes": [causes_table(year, c)], "kn": [kn_table(year, v)]}
        sheets = {"Tabel 1": stack([distractor("LUAS WILAYAH, JUMLAH DESA/KELURAHAN, JUMLAH PENDUDUK MENURUT KECAMATAN", year)])}
        for kind in ("births", "deaths", "causes", "kn"):
            if kind in CSV_TABLES.get(year, set()):
                write_csv(args.out / f"profil_{year}_tabel_{TABLE_NO[kind]}.csv", stack(tables[kind]).rows, export=True)
            else:
                sheets[SHEET_STYLE[year].format(n=TABLE_NO[kind])] = stack(tables[kind])
        maternal, maternal_causes = maternal_tables(year, b)
        sheets[SHEET_STYLE[year].format(n=TABLE_NO["maternal"])] = stack([maternal])
        sheets[SHEET_STYLE[year].format(n=TABLE_NO["maternal_causes"])] = stack([maternal_causes])
        write_xlsx(args.out / f"profil_kesehatan_{year}.xlsx", sheets, merge=True, column_width=_column_width)
    print(f"wrote the sample district to {args.out}")


if __name__ == "__main__":
    main()

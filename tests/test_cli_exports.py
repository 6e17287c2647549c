"""Tables people open in Excel: `indicators/trends/funnel --out` in the report language.

The exports change how numbers are written (rounded, integer counts, decimal comma with
--lang id), never which numbers: each test reads the file back and compares it with the
analysis values before rounding.
"""
import contextlib
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from imr_analysis.analysis.compare import funnel
from imr_analysis.analysis.indicators import compute_indicators
from imr_analysis.analysis.trends import trend_table
from imr_analysis.cli import main
from imr_analysis.clean.store import load_processed


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def processed(sample_run):
    return sample_run.out


@pytest.fixture(scope="module")
def tables(processed):
    return load_processed(processed)


def same(shown: pd.Series, analysis: pd.Series, decimals: int) -> None:
    """The exported numbers are the analysis numbers rounded to ``decimals``; missing stays missing."""
    shown, analysis = shown.astype(float).to_numpy(), analysis.astype(float).round(decimals).to_numpy()
    assert np.array_equal(np.isnan(shown), np.isnan(analysis))
    ok = ~np.isnan(shown)
    np.testing.assert_allclose(shown[ok], analysis[ok], rtol=0, atol=1e-9)


def test_indicators_csv_in_indonesian_convention_has_the_same_numbers(processed, tables, tmp_path):
    cli("indicators", "--processed", processed, "--level", "puskesmas", "--by-sex", "--out", tmp_path / "i.csv")
    text = (tmp_path / "i.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Indikator;Kode indikator;Tahun;")
    read = pd.read_csv(tmp_path / "i.csv", sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""])
    before = compute_indicators(tables, level="puskesmas", by_sex=True).reset_index(drop=True)
    assert len(read) == len(before)
    assert list(read["Kode indikator"]) == list(before["indicator"])
    assert list(read["Wilayah"]) == list(before["area"])
    assert list(read["Tahun"]) == list(before["year"])
    written = pd.read_csv(tmp_path / "i.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for col, source in (("Pembilang", "numerator"), ("Penyebut", "denominator")):
        same(read[col], before[source], 0)
        assert "." not in "".join(written[col])   # integers as written: 33, never 33.0 (blank: AKI without data)
    for col, source in (("Nilai", "value"), ("IK 95% bawah", "lower_95"), ("IK 95% atas", "upper_95"),
                        ("IK 99,8% bawah", "lower_998"), ("IK 99,8% atas", "upper_998"), ("Target", "target")):
        same(read[col], before[source], 1)


def test_the_published_akb_2023_reads_as_in_the_profil(processed, tmp_path):
    """33 deaths among 3,795 live births: 8.7 per 1,000 (95% CI 6.0-12.2), written the Indonesian way."""
    cli("indicators", "--processed", processed, "--year", 2023, "--indicator", "imr", "--out", tmp_path / "a.csv")
    line = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith("AKB;imr;2023;Kabupaten/Kota;Musi Rawas Utara;Musi Rawas Utara;semua;semua;semua;all;"
                           "33;3795;8,7;per 1.000 KH;6,0;12,2;"), line


def test_csv_locale_en_writes_commas_and_decimal_points(processed, tables, tmp_path):
    cli("trends", "--processed", processed, "--lang", "en", "--csv-locale", "en", "--out", tmp_path / "t.csv")
    read = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    before = trend_table(tables).reset_index(drop=True)
    assert list(read["Indicator code"]) == list(before["indicator"])
    assert set(read["Indicator"]) >= {"IMR", "NMR"}
    same(read["Annual percent change (%)"], before["apc"], 1)
    same(read["APC 95% CI lower"], before["apc_lower_95"], 1)
    same(read["p-value"], before["p_value"], 3)
    same(read["Years"], before["n_years"], 0)


def test_funnel_csv_labels_positions_and_keeps_numbers(processed, tables, tmp_path):
    cli("funnel", "--processed", processed, "--year", 2023, "--out", tmp_path / "f.csv")
    read = pd.read_csv(tmp_path / "f.csv", sep=";", decimal=",", encoding="utf-8-sig")
    points = funnel(tables, 2023, "imr", 1, False)[0].reset_index(drop=True)
    assert list(read["Wilayah"]) == list(points["area"])
    same(read["Nilai"], points["value"], 1)
    same(read["Nilai kabupaten"], points["benchmark"], 1)
    same(read["Pembilang"], points["numerator"], 0)
    assert set(read["Posisi terhadap batas"]) <= {"di dalam batas", "di atas batas 95%", "di atas batas 99.8%",
                                                   "di bawah batas 95%", "di bawah batas 99.8%"}


@pytest.mark.parametrize("lang, first, counts, rate, ci", [
    ("id", "Indikator", "Pembilang", "Nilai", "IK 95% bawah"),
    ("en", "Indicator", "Numerator", "Value", "95% CI lower"),
])
def test_indicators_xlsx_formats(processed, tables, tmp_path, lang, first, counts, rate, ci):
    path = tmp_path / f"i_{lang}.xlsx"
    cli("indicators", "--processed", processed, "--level", "puskesmas", "--lang", lang, "--out", path)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == ("Indikator" if lang == "id" else "Indicators")
    heads = [c.value for c in ws[1]]
    assert heads[0] == first and counts in heads and rate in heads and ci in heads
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    col = {h: i for i, h in enumerate(heads)}
    before = compute_indicators(tables, level="puskesmas").reset_index(drop=True)
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    assert len(rows) == len(before)
    for row, (_, want) in zip(rows, before.iterrows()):
        n = row[col[counts]]
        if pd.notna(want["numerator"]):
            assert type(n.value) is int and n.value == want["numerator"] and n.number_format == "#,##0"
        v = row[col[rate]]
        if pd.notna(want["value"]):
            assert v.value == pytest.approx(round(want["value"], 1), abs=1e-9) and v.number_format == "0.0"
        assert row[col["Tahun" if lang == "id" else "Year"]].number_format == "0"
    labels = {r[0].value for r in rows}
    assert ("AKB" in labels and "Cakupan KN1" in labels) if lang == "id" else ("IMR" in labels and "KN1 coverage" in labels)
    causes = {r[col["Penyebab" if lang == "id" else "Cause"]].value for r in rows}
    assert ("BBLR dan prematuritas" if lang == "id" else "Low birth weight and prematurity") in causes
    for letter in ("A", "E", "M"):   # widths fit the header and values, so nothing shows as ####
        assert ws.column_dimensions[letter].width >= len(str(ws[f"{letter}1"].value))


def test_data_table_for_scripts_keeps_full_precision_and_writes_integer_counts(processed, tables, tmp_path):
    cli("indicators", "--processed", processed, "--level", "puskesmas", "--table", "data", "--out", tmp_path / "d.csv")
    text = (tmp_path / "d.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("indicator,year,level,area,district,")
    read = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig")
    before = compute_indicators(tables, level="puskesmas").reset_index(drop=True)
    assert list(read["indicator"]) == list(before["indicator"])
    for col in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):   # every digit, not rounded
        same(read[col], before[col], 15)
    assert ",1.0," not in text and ",33.0," not in text
    same(read["numerator"], before["numerator"], 0)

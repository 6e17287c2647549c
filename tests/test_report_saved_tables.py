"""The tables a report saves beside its HTML (``Report.save``): tables.xlsx and tables/*.csv as people read them.

Sample district, 2023, read back from the files. Hand check of the headline: 33 infant deaths among
3,795 live births, 1000 * 33 / 3795 = 8.6957 per 1,000, shown 8.7 (Excel: '0.0'; CSV in Indonesian: '8,7').
"""
import csv

import openpyxl
import pandas as pd
import pytest

from imr_analysis.report.annual import AnnualReport
from imr_analysis.report.trends import TrendReport


@pytest.fixture(scope="module")
def saved(sample_run, tmp_path_factory):
    """{lang: (annual report, its output folder, trend report, its folder)}, each built and saved once."""
    out = {}
    for lang in ("id", "en"):
        annual_dir, trend_dir = tmp_path_factory.mktemp(f"annual_{lang}"), tmp_path_factory.mktemp(f"trends_{lang}")
        annual = AnnualReport.open(2023, lang=lang, processed_dir=sample_run.out, output_dir=annual_dir)
        annual.build()
        annual.save()
        trend = TrendReport.open(lang=lang, processed_dir=sample_run.out, output_dir=trend_dir)
        trend.build()
        trend.save()
        out[lang] = (annual, annual_dir, trend, trend_dir)
    return out


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _column(ws, name: str) -> list:
    at = _header(ws).index(name) + 1
    return [ws.cell(row=r, column=at) for r in range(2, ws.max_row + 1)]


@pytest.mark.parametrize(("lang", "sheet", "heads"), [
    ("id", "Angka utama", ["Indikator", "Kode indikator", "Pembilang", "Penyebut", "Nilai", "IK 95% bawah",
                           "IK 95% atas", "Target", "Capai target", "Tahun sebelumnya", "Perubahan"]),
    ("en", "Headline rates", ["Indicator", "Indicator code", "Numerator", "Denominator", "Value", "95% CI lower",
                              "95% CI upper", "Target", "Meets target", "Previous year", "Change"]),
])
def test_headline_sheet_headers_labels_and_formats(saved, lang, sheet, heads):
    _, folder, _, _ = saved[lang]
    ws = openpyxl.load_workbook(folder / "tables.xlsx")[sheet]
    assert _header(ws) == heads
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    assert all(c.font.bold for c in ws[1])
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}   # by indicator code
    assert rows["imr"][0] == ("AKB" if lang == "id" else "IMR")
    deaths, births, rate = _column(ws, heads[2])[0], _column(ws, heads[3])[0], _column(ws, heads[4])[0]
    assert (deaths.value, births.value) == (33, 3795) and isinstance(deaths.value, int)   # counts: whole numbers
    assert deaths.number_format == "#,##0" and rate.number_format == "0.0"
    assert rate.value == 8.7 == round(1000 * 33 / 3795, 1)
    assert ws.column_dimensions["A"].width >= len(heads[0])


def test_every_value_is_the_analysis_value_rounded(saved):
    annual, folder, _, _ = saved["id"]
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    imr = annual.tables["imr_by_puskesmas"]
    ws = book["AKB per Puskesmas"]
    assert [c.value for c in _column(ws, "Puskesmas")] == list(imr["puskesmas"])
    assert [c.value for c in _column(ws, "Nilai")] == [round(v, 1) for v in imr["value"]]
    assert [c.value for c in _column(ws, "IK 99,8% atas")] == [round(v, 1) for v in imr["upper_998"]]
    assert [c.value for c in _column(ws, "Penyebut")] == [int(v) for v in imr["denominator"]]
    yoy = book["Tahun ke tahun"]
    p = _column(yoy, "Nilai p")
    assert [c.value for c in p] == [round(v, 3) for v in annual.tables["year_on_year"]["p_value"]]
    assert {c.number_format for c in p} == {"0.000"}
    assert {c.number_format for c in _column(yoy, "Rasio angka")} == {"0.00"}
    coverage = _column(book["Cakupan KN"], "Cakupan KN lengkap")
    assert [c.value for c in coverage] == [round(v, 2) for v in annual.tables["coverage"]["kn_lengkap_coverage"]]


def test_no_header_or_label_left_in_code_in_either_language(saved):
    """Every header is a label (no analysis column name such as 'lbw_prematurity'), and so are the terms."""
    for lang in ("id", "en"):
        annual, folder, trend, trend_folder = saved[lang]
        for report, where in ((annual, folder), (trend, trend_folder)):
            book = openpyxl.load_workbook(where / "tables.xlsx")
            assert len(book.sheetnames) == len(report.tables)
            codes = {str(c) for df in report.tables.values() for c in df.columns if isinstance(c, str)}
            for ws in book.worksheets:
                assert ws.title not in report.tables, ws.title
                assert not set(_header(ws)) & codes, (lang, ws.title)
                for name in ("Catatan", "Note", "Metode interval", "Interval method", "Arah yang lebih baik",
                             "Better direction"):
                    if name in _header(ws):
                        shown = {c.value for c in _column(ws, name)} - {None}
                        assert not any("_" in v or v in ("within", "exact") and lang == "id" for v in shown), shown
    wide = openpyxl.load_workbook(saved["id"][1] / "tables.xlsx")["Kematian per penyebab"]
    assert _header(wide) == ["Puskesmas", "BBLR dan prematuritas", "Asfiksia", "Pneumonia", "Sepsis dan infeksi",
                             "Lain-lain", "Jumlah"]
    assert [c.value for c in _column(wide, "Puskesmas")][-1] == "Jumlah" and _column(wide, "Jumlah")[-1].value == 33


def test_csv_in_the_convention_of_the_language(saved):
    _, folder_id, _, _ = saved["id"]
    _, folder_en, _, _ = saved["en"]
    text = (folder_id / "tables" / "headline.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("Indikator;Kode indikator;Pembilang;Penyebut;Nilai;")
    assert text[1].startswith("AKB;imr;33;3795;8,7;6,0;12,2;")
    head = pd.read_csv(folder_id / "tables" / "headline.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert head.loc[0, "Nilai"] == 8.7 and head["Pembilang"].dtype.kind == "i"
    with open(folder_en / "tables" / "headline.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Indicator", "Indicator code", "Numerator", "Denominator", "Value"]
    assert rows[1][:5] == ["IMR", "imr", "33", "3795", "8.7"]

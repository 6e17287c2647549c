"""A year with only some months of data: which months the data cover (analysis), and its label."""
from __future__ import annotations

import pandas as pd

from imr_analysis.report.exports import report_header
from imr_analysis.analysis.completeness import months_covered
from imr_analysis.report.language import year_label


def _births(rows):
    return pd.DataFrame(rows, columns=["district", "puskesmas", "year", "month", "live_births"])


def test_monthly_months_are_those_any_puskesmas_reported():
    """2025: Pauh sent January-April, Nibung January-June: the district's data cover January-June.
    2024: twelve months across the two Puskesmas (Pauh 1-6, Nibung 7-12) is a full year."""
    rows = [("A", "Pauh", 2025, m, 10) for m in range(1, 5)] + [("A", "Nibung", 2025, m, 10) for m in range(1, 7)]
    rows += [("A", "Pauh", 2024, m, 10) for m in range(1, 7)] + [("A", "Nibung", 2024, m, 10) for m in range(7, 13)]
    rows += [("B", "Other", 2025, 1, 10)]
    out = months_covered({"births": _births(rows)}, "A").set_index("year")
    assert out.loc[2025, "months"] == (1, 2, 3, 4, 5, 6) and out.loc[2025, "n_months"] == 6 and out.loc[2025, "partial"]
    assert out.loc[2024, "n_months"] == 12 and not out.loc[2024, "partial"]
    assert months_covered({"births": _births(rows)}, "B").set_index("year").loc[2025, "months"] == (1,)


def test_annex_and_line_list_years_are_full_years():
    annex = pd.DataFrame({"district": ["A"], "puskesmas": ["Pauh"], "year": [2023], "live_births": [300]})
    deaths = pd.DataFrame({"district": ["A", "A"], "puskesmas": ["Pauh", "Pauh"], "year": [2023, 2022], "month": [2, 3],
                           "deaths": [1, 1]})
    out = months_covered({"births": annex, "deaths": deaths}, "A").set_index("year")
    assert list(out.index) == [2022, 2023]
    assert out["n_months"].tolist() == [12, 12] and not out["partial"].any()


def test_year_labels():
    assert year_label(2024) == "2024"
    assert year_label(2025, (1, 2, 3, 4, 5, 6), "id") == "2025 (Januari s.d. Juni)"
    assert year_label(2025, (1, 2, 3, 4, 5, 6), "en") == "2025 (year to date (January–June))"


# --- a district whose last year has monthly reports for January-June only, through the CLI ----------

import html
import json
import re

import numpy as np
import openpyxl
import pytest

from imr_analysis import synth
from imr_analysis.analysis.trends import fit_trend, trend_table, year_on_year_table
from imr_analysis.clean.store import load_processed
from tests.helpers import run_cli

DISTRICT = "Sintetis 001"
LABEL_ID = "2025 (Januari s.d. Juni)"


def _text(path) -> str:
    """What a reader sees in an HTML report: tags, styles and images removed, entities decoded."""
    s = re.sub(r"<style.*?</style>|<script.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s)))


@pytest.fixture(scope="session")
def partial_run(tmp_path_factory):
    """Monthly LB3 KIA reports 2020-2024 (twelve months) and 2025 (January-June only: the rows of
    July-December removed from the written workbook), run with `run --years 2020,2025`: the annual
    reports of 2020 and 2025, the trend report 2020-2025 and the index."""
    root = tmp_path_factory.mktemp("partial")
    tables = synth.canonical(districts=1, puskesmas=4, years=range(2020, 2026), monthly=True, seed=7)
    paths = synth.write_monthly(tables, root / "raw", layout=lambda d, y: synth.FlatLayout(months=("number",)))
    book = next(p for p in paths if p.name.endswith("_2025.xlsx"))
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    for r in range(ws.max_row, 3, -1):
        if isinstance(ws.cell(r, 1).value, int) and ws.cell(r, 1).value > 6:
            ws.delete_rows(r)
    wb.save(book)
    done = run_cli("run", "--raw", root / "raw", "--district", DISTRICT, "--years", "2020,2025", "--jobs", "2",
                   "--processed", root / "processed", "--out", root / "reports", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def test_the_sample_year_is_partial(partial_run):
    out = months_covered(load_processed(partial_run / "processed"), DISTRICT).set_index("year")
    assert out.loc[2025, "months"] == (1, 2, 3, 4, 5, 6) and not out.loc[2020:2024, "partial"].any()


def test_annual_report_labels_the_year_and_does_not_compare_it(partial_run):
    text = _text(partial_run / "reports" / "2025" / "annual_report.html")
    assert f"Laporan kematian bayi {LABEL_ID}: Kabupaten {DISTRICT}" in text            # title
    assert f"Periode {LABEL_ID}" in text                                                # title block
    assert f"AKB {LABEL_ID}:" in text                                                   # headline sentence
    why = "Tidak dibandingkan dengan tahun 2024: data tahun 2025 baru mencakup Januari s.d. Juni, bukan setahun penuh."
    assert why in text
    assert not re.search(r"Tahun sebelumnya \d", text)          # no 'previous year 14,1.' sentence
    assert "dibanding 2024: rasio" not in text                  # no year-on-year rate ratio
    headline = pd.read_csv(partial_run / "reports" / "2025" / "tables" / "headline.csv", sep=";", decimal=",",
                           encoding="utf-8-sig")
    assert headline[[report_header("previous_value", "id"), report_header("change", "id")]].isna().all().all()
    full = _text(partial_run / "reports" / "2020" / "annual_report.html")
    assert "Periode 2020 " in full and "Tidak dibandingkan" not in full


def _infant_series(tables, years):
    """Infant deaths and live births of the district per year, summed by hand from the processed tables."""
    d = tables["deaths"][tables["deaths"]["age_group"].isin(["neonatal", "postneonatal"])]
    deaths = d.groupby("year")["deaths"].sum().reindex(years)
    births = tables["births"].groupby("year")["live_births"].sum().reindex(years)
    return deaths, births


def test_trend_report_fits_full_years_only(partial_run):
    tables = load_processed(partial_run / "processed")
    deaths, births = _infant_series(tables, list(range(2020, 2025)))
    hand = fit_trend(deaths.index, deaths.values, births.values)
    models = pd.read_csv(partial_run / "reports" / "trends" / "tables" / "trend_models.csv", sep=";", decimal=",",
                         encoding="utf-8-sig", keep_default_na=False)
    h = {name: report_header(name, "id") for name in ("n_years", "end_year", "left_out", "apc")}
    imr = models[(models["Kode indikator"] == "imr") & (models["Kode penyebab"] == "")].iloc[0]
    assert imr[h["n_years"]] == 5 and imr[h["end_year"]] == 2024 and str(imr[h["left_out"]]) == "2025"
    assert float(str(imr[h["apc"]]).replace(",", ".")) == round(hand.apc, 1)   # the saved table: 1 decimal, "-3,8"
    without = {k: v[v["year"] < 2025] for k, v in tables.items()}
    assert trend_table(tables)["apc"].to_numpy() == pytest.approx(trend_table(without)["apc"].to_numpy(), nan_ok=True)
    text = _text(partial_run / "reports" / "trends" / "trends.html")
    assert f"Tren kematian bayi 2020-{LABEL_ID}: Kabupaten {DISTRICT}" in text
    assert f"Tahun yang datanya belum setahun penuh ({LABEL_ID}) tidak dipakai dalam model tren" in text
    assert f"AKB {LABEL_ID}" in text                            # the yearly table's row


def test_trend_charts_draw_the_partial_year_hollow(partial_run):
    nb = json.loads((partial_run / "reports" / "trends" / "trends.ipynb").read_text(encoding="utf-8"))
    described = "\n".join("".join(o.get("data", {}).get("text/plain", "")) for c in nb["cells"] if c["cell_type"] == "code"
                          for o in c.get("outputs", []) if "figure-description" in o.get("metadata", {}).get("tags", []))
    # the AKB/AKN chart and the fitted AKB chart; the fitted AKN chart
    assert described.count(f"line AKB {LABEL_ID} (hollow marker):") == 2
    assert described.count(f"line AKN {LABEL_ID} (hollow marker):") == 2
    assert "(hollow marker)" not in described.split("figure: ")[0] + "".join(
        b for b in described.split("figure: ") if "2025" not in b)


def test_index_row_says_year_to_date(partial_run):
    text = _text(partial_run / "reports" / "index.html")
    assert f"{DISTRICT} {LABEL_ID} " in text and f"{DISTRICT} 2020 " in text


def test_exports_mark_the_partial_year(partial_run, tmp_path):
    processed = partial_run / "processed"
    done = run_cli("trends", "--processed", processed, "--out", tmp_path / "tren.csv")
    assert done.returncode == 0, done.stderr
    trends = pd.read_csv(tmp_path / "tren.csv", sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False)
    assert set(trends["Tahun belum lengkap (tidak dipakai dalam model)"].astype(str)) == {"2025"}
    assert set(trends["Tahun akhir"]) == {2024}
    done = run_cli("indicators", "--processed", processed, "--out", tmp_path / "ind.xlsx", "--lang", "en")
    assert done.returncode == 0, done.stderr
    ind = pd.read_excel(tmp_path / "ind.xlsx", keep_default_na=False, engine="openpyxl")
    months = ind.groupby("Year")["Months covered (year to date)"].agg(set)
    assert months[2025] == {"year to date (January–June)"} and months[2024] == {""}


def test_console_table_says_which_year_is_a_year_to_date(partial_run):
    done = run_cli("indicators", "--processed", partial_run / "processed", "--indicator", "imr")
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stdout.splitlines() if "setahun penuh" in line]
    assert notes == [f"{DISTRICT} 2025 (Januari s.d. Juni): data belum setahun penuh; jangan dibandingkan dengan "
                     "tahun penuh."]
    done = run_cli("indicators", "--processed", partial_run / "processed", "--year", "2024", "--lang", "en")
    assert done.returncode == 0 and "full year" not in done.stdout


def test_no_year_on_year_comparison_with_a_partial_year(partial_run):
    tables = load_processed(partial_run / "processed")
    assert year_on_year_table(tables, 2025).empty
    assert not year_on_year_table(tables, 2024).empty


def test_annex_refuses_a_partial_year(partial_run, tmp_path):
    done = run_cli("annex", "--processed", partial_run / "processed", "--year", "2025", "--out", tmp_path / "a.xlsx")
    assert done.returncode != 0 and not (tmp_path / "a.xlsx").exists()
    assert "data 2025 di Sintetis 001 baru mencakup bulan 1-6" in done.stderr and "Yang harus dilakukan" in done.stderr
    assert "Traceback" not in done.stderr
    ok = run_cli("annex", "--processed", partial_run / "processed", "--year", "2024", "--out", tmp_path / "b.xlsx")
    assert ok.returncode == 0 and (tmp_path / "b.xlsx").exists()

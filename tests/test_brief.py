"""The quarterly Lokakarya Mini brief: its numbers against hand-computed values from a small monthly report,
the sample's monthly reports against its annex tables, the RTL register, and the command end to end."""
from __future__ import annotations

import html

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, SAMPLE_RAW
from helpers import run_cli, run_python
from imr_analysis.annex_writer import write_xlsx
from imr_analysis.errors import InputError

HEADER = ["BULAN", "TAHUN", "KECAMATAN", "PUSKESMAS", "DESA", "LAHIR HIDUP L", "LAHIR HIDUP P", "LAHIR MATI",
          "KEMATIAN NEONATAL 0-6 HARI", "KEMATIAN NEONATAL 7-28 HARI", "PENYEBAB NEONATAL - ASFIKSIA",
          "KEMATIAN POST NEONATAL", "PENYEBAB POST NEONATAL - PNEUMONIA", "KEMATIAN BAYI", "SASARAN PUSDATIN", "KN1",
          "KN LENGKAP"]
MARKUP = "Desa <b>Baru</b>"


def _row(month, year, pkm, desa, lm, lp, still, early, late, post, sasaran, kn1, knl):
    kec = {"Alpha": "Satu", "Beta": "Dua"}[pkm]
    return [month, year, kec, pkm, desa, lm, lp, still, early, late, early + late, post, post, early + late + post,
            sasaran, kn1, knl]


# Alpha 2025: January to June without May; Beta 2025: every month. Alpha 2024: April to June only.
ALPHA_2025 = [(1, "Sumber Harta", 5, 5, 0, 1, 0, 0, 10, 9, 8), (1, MARKUP, 3, 2, 1, 0, 0, 0, 5, 5, 4),
              (2, "Sumber Harta", 4, 4, 0, 0, 0, 1, 10, 8, 7), (3, "Sumber Harta", 6, 6, 0, 0, 1, 0, 10, 10, 9),
              (4, "Sumber Harta", 5, 4, 1, 1, 0, 0, 10, 9, 8), (6, "Sumber Harta", 5, 5, 0, 0, 0, 1, 10, 9, 9)]
ALPHA_2024 = [(4, "Sumber Harta", 6, 6, 0, 0, 0, 0, 10, 10, 10), (5, "Sumber Harta", 5, 5, 0, 1, 0, 0, 10, 10, 10),
              (6, "Sumber Harta", 5, 3, 1, 0, 0, 0, 10, 10, 10)]


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    """A monthly report by desa of a district the registry does not know, cleaned once."""
    from imr_analysis.clean import run_clean

    base = tmp_path_factory.mktemp("brief_small")
    (base / "raw").mkdir()
    for year, alpha in ((2024, ALPHA_2024), (2025, ALPHA_2025)):
        rows = [_row(m, year, "Alpha", *r) for m, *r in alpha]
        if year == 2025:
            rows += [_row(m, 2025, "Beta", "Beta Ilir", 2, 2, 0, 0, 0, 0, 4, 4, 4) for m in range(1, 7)]
        write_xlsx(base / "raw" / f"lb3_{year}.xlsx", {"LB3": [[f"LAPORAN BULANAN KIA TAHUN {year}"], [], HEADER] + rows})
    run = run_clean([base / "raw"], base / "processed", district="Tanah Uji")
    return {"base": base, "run": run, "processed": base / "processed"}


@pytest.fixture(scope="session")
def small_brief(small):
    from imr_analysis.analysis.brief import compute_brief
    from imr_analysis.clean.store import load_monthly_desa

    return compute_brief(load_monthly_desa(small["processed"]), 2025, 2, puskesmas="alpha")


def test_every_row_of_the_monthly_report_is_in_the_ledger_and_the_desa_table(small):
    ledger = small["run"].result.ledger
    assert len(ledger) == len(ALPHA_2025) + len(ALPHA_2024) + 6
    assert set(ledger["state"]) <= {"kept", "mapped"}        # one row per desa and month: no duplicate set aside
    desa = pd.read_parquet(small["processed"] / "monthly_desa.parquet")
    assert set(desa["desa"]) == {"Sumber Harta", MARKUP, "Beta Ilir"}
    births = pd.read_parquet(small["processed"] / "births.parquet")
    assert "desa" not in births.columns                      # the canonical tables keep their keys
    lb = desa[desa["measure"] == "live_births"]
    assert lb["value"].sum() == births["live_births"].sum() == 54 + 30 + 24


def test_quarter_year_to_date_and_last_year_by_hand(small_brief):
    c = small_brief.counts
    assert list(c["quarter"]) == [19, 1, 1, 1, 2]            # Apr + Jun: 9 + 10 births; May missing
    assert list(c["year_to_date"]) == [54, 2, 3, 2, 5]
    assert list(c["quarter_last_year"]) == [30, 1, 1, 0, 1]
    assert list(c["year_to_date_last_year"]) == [30, 1, 1, 0, 1]


def test_last_year_without_reports_is_no_data(small):
    from imr_analysis.analysis.brief import compute_brief
    from imr_analysis.clean.store import load_monthly_desa

    beta = compute_brief(load_monthly_desa(small["processed"]), 2025, 1, puskesmas="Beta")
    assert beta.counts["quarter_last_year"].isna().all()
    assert list(beta.counts["quarter"]) == [12, 0, 0, 0, 0]


def test_rates_are_year_to_date_with_intervals(small_brief):
    r = small_brief.rates.set_index("indicator")
    assert r.loc["imr", "value"] == pytest.approx(5 / 54 * 1000)
    assert r.loc["imr", "method"] == "exact" and r.loc["imr", "lower_95"] < r.loc["imr", "value"] < r.loc["imr", "upper_95"]
    assert r.loc["stillbirth_rate", "value"] == pytest.approx(2 / 56 * 1000)


def test_causes_as_counts(small_brief):
    c = small_brief.causes.set_index("cause")
    assert (c.loc["asphyxia", "quarter"], c.loc["asphyxia", "year_to_date"]) == (1, 3)
    assert (c.loc["pneumonia", "quarter"], c.loc["pneumonia", "year_to_date"]) == (1, 2)


def test_kn_against_the_pro_rated_target_and_the_unserved(small_brief):
    k = small_brief.visits.set_index("visit")
    # sasaran of the 5 months reported: 15, 10, 10, 10, 10 -> 12 x 11 = 132 a year; May was not received, so the
    # target counts the 5 months whose served babies are counted: 132 x 5 / 12 = 55 by June
    assert k.loc["kn_lengkap", "annual_sasaran"] == 132 and k.loc["kn_lengkap", "target"] == 55
    assert k.loc["kn_lengkap", "months_counted"] == 5 and k.loc["kn_lengkap", "left_out"] == [("Alpha", 5, "missing")]
    assert k.loc["kn_lengkap", "served"] == 45 and k.loc["kn_lengkap", "unserved"] == 10
    assert k.loc["kn_lengkap", "coverage_pct"] == pytest.approx(45 / 55 * 100)
    assert k.loc["kn1", "served"] == 50 and k.loc["kn1", "unserved"] == 5


def test_missing_months_and_desa_counts(small_brief):
    rep = small_brief.reporting.set_index("puskesmas")
    assert rep.loc["Alpha", "received"] == 5 and rep.loc["Alpha", "missing"] == [5]
    desa = small_brief.desa.set_index("desa")
    assert desa.loc["Sumber Harta", "live_births"] == 49 and desa.loc[MARKUP, "live_births"] == 5
    assert desa.loc["Sumber Harta", "live_births_quarter"] == 19
    codes = [p["code"] for p in small_brief.problems]
    assert codes == ["kn_gap", "kn_gap", "missing_reports", "deaths", "stillbirths"]


def test_problem_wording_in_both_languages(small, tmp_path):
    from imr_analysis.report.brief import BriefReport

    for lang, words in (("id", ["KN lengkap 82%, 10 bayi belum terlayani", "Mei"]),
                        ("en", ["Complete KN 82%, 10 newborns not yet served", "May"])):
        rep = BriefReport.open(2025, 2, "Alpha", lang=lang, processed_dir=small["processed"], output_dir=tmp_path / lang)
        text = " | ".join(rep.meeting_point_list())
        assert all(w in text for w in words), text
        assert rep.rtl_created and (tmp_path / lang / "rtl_register.csv").exists()


def test_unknown_puskesmas_names_the_valid_ones(small):
    from imr_analysis.analysis.brief import compute_brief
    from imr_analysis.clean.store import load_monthly_desa

    with pytest.raises(InputError, match="Valid names: Alpha, Beta"):
        compute_brief(load_monthly_desa(small["processed"]), 2025, 2, puskesmas="Gamma")


# --- the RTL register ---------------------------------------------------------------------------------

def test_rtl_template_round_trip(tmp_path):
    from imr_analysis.read.rtl import headers, read_register, write_template

    for suffix in (".csv", ".xlsx"):
        path = write_template(tmp_path / f"rtl{suffix}")
        assert read_register(path).empty
    filled = pd.DataFrame([["Cakupan KN rendah", "", "Kunjungan rumah", "Bayi", "Bidan koordinator", "PKK",
                            "30/06/2025", "selesai"]], columns=headers("id"))
    filled.to_csv(tmp_path / "filled.csv", index=False)
    items = read_register(tmp_path / "filled.csv")
    assert items.loc[0, "masalah"] == "Cakupan KN rendah" and items.loc[0, "status"] == "selesai"


def test_bad_register_rows_are_named_and_personal_data_not_echoed(tmp_path):
    from imr_analysis.read.rtl import headers, read_register

    phone = "0812-9876-5400"
    bad = pd.DataFrame([["", "x", "y", "z", "Bidan koordinator", "", "2025-06-30", "selesai"],
                        ["KN rendah", "", "", "", f"hubungi {phone}", "", "besok", "hampir"]], columns=headers("id"))
    bad.to_excel(tmp_path / "bad.xlsx", sheet_name="RTL", index=False)
    with pytest.raises(InputError) as err:
        read_register(tmp_path / "bad.xlsx")
    text = str(err.value)
    for part in ("file bad.xlsx, sheet 'RTL', row 2, column A: no masalah", "row 3, column H", "row 3, column G",
                 "row 3, column E", "What to do"):
        assert part in text, text
    assert phone not in text and "5400" not in text


# --- the bundled sample -----------------------------------------------------------------------------------

def test_committed_monthly_sample_equals_a_fresh_run(tmp_path):
    made = run_python(ROOT / "scripts" / "make_sample_monthly.py", "--out", tmp_path, "--rtl-out", tmp_path)
    assert made.returncode == 0, made.stderr
    for name in ("lb3_kia_musi_rawas_utara_2024.xlsx", "lb3_kia_musi_rawas_utara_2025.xlsx"):
        fresh = [list(r) for r in openpyxl.load_workbook(tmp_path / name).active.iter_rows(values_only=True)]
        stored = [list(r) for r in openpyxl.load_workbook(SAMPLE_RAW / "musi_rawas_utara" / name).active
                  .iter_rows(values_only=True)]
        assert fresh == stored, name
    assert (tmp_path / "rtl_register_example.csv").read_bytes() == (ROOT / "data" / "rtl_register_example.csv").read_bytes()


def test_sample_2024_monthly_reports_add_up_to_the_annex_tables(sample_run):
    desa = sample_run.result.monthly_desa
    tables = sample_run.result.tables
    m = desa[desa["year"] == 2024].groupby(["puskesmas", "measure"])["value"].sum().unstack()
    births = tables["births"][tables["births"]["year"] == 2024].groupby("puskesmas")[["live_births", "stillbirths"]].sum()
    deaths = tables["deaths"][tables["deaths"]["year"] == 2024].pivot_table(
        index="puskesmas", columns="age_group", values="deaths", aggfunc="sum")
    visits = tables["neonatal_visits"][tables["neonatal_visits"]["year"] == 2024].pivot_table(
        index="puskesmas", columns="visit", values="visits", aggfunc="sum")
    assert (m["live_births"] == births["live_births"]).all() and (m["stillbirths"] == births["stillbirths"]).all()
    assert (m["neonatal_deaths"] == deaths["neonatal"]).all() and (m["postneonatal_deaths"] == deaths["postneonatal"]).all()
    assert (m["kn_lengkap"] == visits["kn_lengkap"]).all() and (m["kn1"] == visits["kn1"]).all()
    assert len(m) == 8 and m["live_births"].sum() == 3718
    assert not (sample_run.findings["check"] == "reconciliation").any()
    assert set(desa.loc[desa["year"] == 2025, "month"]) == set(range(1, 7))


# --- the command, end to end -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sample_brief(sample_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("briefs")
    done = run_cli("brief", "--year", 2025, "--quarter", 2, "--puskesmas", "nibung", "--processed", sample_run.out,
                   "--out", out, "--rtl", ROOT / "data" / "rtl_register_example.csv")
    return done, out


def test_brief_command_on_the_sample(sample_brief):
    done, out = sample_brief
    assert done.returncode == 0, done.stderr
    folder = out / "nibung_2025_tw2"
    for name in ("lokmin_brief.html", "lokmin_brief.pptx", "lokmin_brief.docx", "lokmin_brief.ipynb", "rtl_new.xlsx"):
        assert (folder / name).exists(), name
    page = (folder / "lokmin_brief.html").read_text(encoding="utf-8")
    assert "bayi belum terlayani" in page and "Laporan bulanan Nibung belum masuk: Mei" in page
    assert "Sedang berjalan" in page                     # last quarter's item from the example register
    assert "rep.counts()" not in page                    # code hidden
    assert str(folder / "lokmin_brief.html") in done.stdout


def test_unknown_puskesmas_exits_2_with_the_valid_names(sample_run, tmp_path):
    done = run_cli("brief", "--year", 2025, "--quarter", 2, "--puskesmas", "Nowhere", "--processed", sample_run.out,
                   "--out", tmp_path)
    assert done.returncode == 2 and "Karang Jaya" in done.stderr and "Traceback" not in done.stderr


def test_brief_command_on_a_district_the_registry_does_not_know(tmp_path_factory):
    """A generated district (synth.write_monthly) with a desa column, hostile desa names included; --all, English."""
    from imr_analysis import synth
    from imr_analysis.clean import run_clean

    base = tmp_path_factory.mktemp("unseen_brief")
    tables = synth.canonical(1, 2, range(2024, 2026), monthly=True, seed=5)
    names = {p: f"Tanjung {i}" for i, p in enumerate(sorted(tables["births"]["puskesmas"].astype(str).unique()))}
    for df in tables.values():
        for col in ("district", "puskesmas", "kecamatan"):
            df[col] = df[col].astype(str)
        df["district"] = "Lembah Uji"
        df["puskesmas"] = df["puskesmas"].map(names)
    layout = lambda district, year: synth.FlatLayout(desa=("Sumber Harta", "<script>x</script> {name}"))  # noqa: E731
    synth.write_monthly(tables, base / "raw", layout=layout)
    run_clean([base / "raw"], base / "processed", district="Lembah Uji")
    done = run_cli("brief", "--year", 2025, "--quarter", 1, "--all", "--lang", "en", "--processed",
                   base / "processed", "--out", base / "out")
    assert done.returncode == 0, done.stderr
    pages = sorted((base / "out").glob("*/lokmin_brief.html"))
    assert len(pages) == 2
    page = pages[0].read_text(encoding="utf-8")
    assert "Sumber Harta" in page and "newborns not yet served" in page
    assert "<script>x</script>" not in page and html.escape("<script>x</script>") in page
    assert "an empty template was written" in done.stdout


# --- the brief's slides and document: the tables the HTML shows -------------------------------------------------

def _office(rep):
    from docx import Document
    from pptx import Presentation

    from imr_analysis.report.office import write_office_brief

    pptx, docx = write_office_brief(rep)
    return Presentation(pptx), Document(docx)


def _slide_cells(slide):
    shape = next(s for s in slide.shapes if s.has_table)
    return [[c.text for c in row.cells] for row in shape.table.rows]


def _texts(slide):
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]


def test_brief_deck_and_document_carry_the_desa_and_rtl_status_tables(sample_run, tmp_path):
    from imr_analysis.report.brief import BriefReport
    from imr_analysis.report.office import _cells

    rep = BriefReport.open(2025, 2, "Nibung", processed_dir=sample_run.out, output_dir=tmp_path,
                           rtl_register=ROOT / "data" / "rtl_register_example.csv")
    rep.build()
    prs, doc = _office(rep)
    place = "Puskesmas Nibung, TW II 2025"
    assert [s.shapes.title.text for s in prs.slides] == [
        "Brief Lokakarya Mini triwulan 2 2025: Puskesmas Nibung, Musi Rawas Utara",
        f"Jumlah kelahiran dan kematian: {place}", f"Jumlah menurut desa/kelurahan: {place}",
        f"Status RTL triwulan lalu: {place}", "RTL baru (diisi dalam rapat)"]
    desa = _slide_cells(prs.slides[2])
    assert desa == _cells(rep.desa())                     # the HTML's table, cell for cell
    d = rep.brief.desa.set_index("desa")
    nibung = dict(zip(desa[0], next(r for r in desa if r[0] == "Nibung")))
    assert nibung["Lahir hidup s.d. TW"] == str(int(d.loc["Nibung", "live_births"]))
    assert sum(int(r[desa[0].index("Lahir hidup s.d. TW")]) for r in desa[1:]) == \
        int(rep.brief.counts.loc["live_births", "year_to_date"])   # the desa add up to the Puskesmas
    rtl = _slide_cells(prs.slides[3])
    assert rtl == _cells(rep.rtl_last()) and len(rtl) == 4
    assert [r[-1] for r in rtl[1:]] == ["Selesai", "Sedang berjalan", "Belum dimulai"]
    source = ("Sumber: register RTL Lokakarya Mini (rtl_register_example.csv), Musi Rawas Utara; "
              "diolah dengan imr-analysis.")
    assert _texts(prs.slides[3]) == ["3 butir RTL triwulan lalu: 1 Belum dimulai, 1 Sedang berjalan, 1 Selesai.", source]
    assert rep.rtl_last().source == source and html.escape(source) in rep.rtl_last()._repr_html_()
    assert "laporan bulanan" in _texts(prs.slides[2])[-1]   # the desa counts do come from the monthly reports
    # the document: counts, desa, RTL status as Word tables with the same cells
    assert [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables] == \
        [_cells(rep.counts()), _cells(rep.desa()), _cells(rep.rtl_last())]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[1:] == [f"Tabel 2. Jumlah menurut desa/kelurahan: {place}", f"Tabel 3. Status RTL triwulan lalu: {place}"]
    assert "Gambar" not in [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def test_brief_deck_of_an_unseen_district_in_english_with_an_empty_register(small, tmp_path):
    """A district the registry does not know, a desa name holding markup (shown as text), no RTL items yet."""
    from imr_analysis.report.brief import BriefReport
    from imr_analysis.report.office import _cells

    rep = BriefReport.open(2025, 2, "Alpha", lang="en", processed_dir=small["processed"], output_dir=tmp_path)
    rep.build()
    prs, doc = _office(rep)
    titles = [s.shapes.title.text for s in prs.slides]
    place = "Alpha health centre, quarter II 2025"
    assert titles[2:4] == [f"Counts by village: {place}", f"Status of last quarter's follow-up items: {place}"]
    desa = _slide_cells(prs.slides[2])
    assert desa == _cells(rep.desa()) and MARKUP in [r[0] for r in desa]
    assert desa[0][:3] == ["Village", "Live births, quarter II", "Infant deaths, quarter II"]
    # hand count from ALPHA_2025: Sumber Harta, April-June: 5 + 4 and 5 + 5 live births
    sumber = next(r for r in desa if r[0] == "Sumber Harta")
    assert sumber[1] == "19"
    status = prs.slides[3]
    assert not [s for s in status.shapes if s.has_table]
    assert _texts(status) == [rep.rtl_note().data] and "The RTL register has no items yet" in _texts(status)[0]
    assert rep.rtl_last().source.startswith("Source: Lokakarya Mini RTL register (rtl_register.csv)")
    assert len(doc.tables) == 2

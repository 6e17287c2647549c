"""The yearly batch (imr-analysis run) as users run it: outputs, failures, languages, parameters."""
import shutil
from html.parser import HTMLParser

import nbformat
import pytest

from conftest import SAMPLE_RAW
from helpers import run_cli


def run(*args, cwd=None):
    return run_cli("run", *args, cwd=cwd)


class _Page(HTMLParser):
    """Collects tags, links and images; raises on nothing, so we check structure ourselves."""

    def __init__(self):
        super().__init__()
        self.tags, self.links, self.images, self.stack_errors = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))


def parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    proc = tmp_path_factory.mktemp("processed")
    r = run("--raw", SAMPLE_RAW, "--out", out, "--processed", proc, "--jobs", "2", cwd=tmp_path_factory.mktemp("elsewhere"))
    return out, r


def test_batch_produces_every_expected_file(batch):
    out, r = batch
    assert r.returncode == 0, r.stderr[-3000:]
    for year in range(2019, 2025):
        folder = out / str(year)
        for name in ("annual_report.ipynb", "annual_report.html", "tables.xlsx", "annual_report.pptx", "annual_report.docx"):
            assert (folder / name).exists(), folder / name
        assert sorted(p.name for p in (folder / "figures").glob("*.png")) == [
            "causes_by_age.png", "coverage.png", "deaths_by_cause.png", "funnel.png", "imr_by_puskesmas.png"]
        assert {p.name for p in (folder / "tables").glob("*.csv")} == {
            "headline.csv", "deaths_by_puskesmas_cause.csv", "imr_by_puskesmas.csv", "causes_by_age.csv", "coverage.csv",
            "benchmarks.csv", "funnel.csv", "year_on_year.csv", "zero_deaths.csv",
            # the maternal section: every sample year 2019-2024 has maternal tables
            "maternal_by_period.csv", "maternal_by_age_group.csv", "maternal_by_cause.csv", "maternal_by_puskesmas.csv",
            "maternal_pooled.csv"}
    assert (out / "trends" / "trends.html").exists() and len(list((out / "trends" / "figures").glob("*.png"))) == 7
    assert (out / "data_quality" / "data_quality.html").exists()
    # 01, 02 for seven years (2025: January-June of the monthly reports, a year to date), 03, and 05 for 2024,
    # the one year with AMP-SR review records
    assert (out / "2024" / "amp_sr" / "amp_sr.html").exists() and (out / "2024" / "amp_sr" / "amp_sr_summary.pptx").exists()
    assert not (out / "2023" / "amp_sr").exists()
    assert (out / "2025" / "annual_report.html").exists()
    assert "10 dari 10 notebook selesai" in r.stdout and str(out / "index.html") in r.stdout
    for year in range(2019, 2025):
        assert f"\n{year}" in r.stdout  # the closing summary lists each year


def test_index_links_every_output_and_html_is_valid(batch):
    out, _ = batch
    index = parse(out / "index.html")
    assert index.tags[:3] == ["html", "head", "meta"]
    assert (out / "index.html").read_text().startswith("<!DOCTYPE html>")
    for href in index.links:
        assert (out / href).exists(), href
    assert sum(h.endswith("annual_report.html") for h in index.links) == 7   # 2019-2024 and 2025 (year to date)
    assert "2024/amp_sr/amp_sr.html" in index.links and "2024/amp_sr/amp_sr_summary.docx" in index.links
    report = out / "2023" / "annual_report.html"
    page = parse(report)
    text = report.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>") and "</html>" in text
    embedded = [s for s in page.images if s.startswith("data:image/png;base64,")]
    assert len(embedded) == 5  # the five figures are embedded
    assert "AnnualReport.open" not in text  # code hidden by default
    assert "8,7 per 1.000 KH" in text and "AKB menurut Puskesmas" in text


def test_stored_numbers_match_the_batch(batch):
    out, _ = batch
    import pandas as pd
    # the saved tables are in the report's language and Excel's Indonesian CSV convention (; and decimal comma)
    head = pd.read_csv(out / "2023" / "tables" / "headline.csv", sep=";", decimal=",",
                       encoding="utf-8-sig").set_index("Kode indikator")
    assert head.loc["imr", "Pembilang"] == 33 and head.loc["imr", "Penyebut"] == 3795
    assert head.loc["imr", "Nilai"] == 8.7


def test_a_broken_year_does_not_stop_the_others(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    (raw / "musi_rawas_utara" / "profil_kesehatan_2021.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    out = tmp_path / "reports"
    r = run("--raw", raw, "--years", "2020-2022", "--out", out, "--processed", tmp_path / "p", "--jobs", "2")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "GAGAL: 2021" in r.stderr
    for year in (2020, 2022):
        assert (out / str(year) / "annual_report.html").exists()
    failed = out / "2021" / "annual_report.ipynb"
    assert failed.exists()
    nb = nbformat.read(failed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "InputError"
    assert "profil_kesehatan_2021.xlsx" in errors[0]["evalue"]
    summary = r.stdout
    assert "2020          ok" in summary and "2021          failed" in summary and "2022          ok" in summary
    assert (out / "trends" / "trends.html").exists()


@pytest.mark.parametrize("lang, words", [("en", ["Table 3. IMR by health centre with 95% and 99.8% CIs: Musi Rawas Utara, 2023",
                                                 "8.7 per 1,000 live births", "Leading cause"]),
                                         ("id", ["Tabel 3. AKB menurut Puskesmas dengan IK 95% dan 99,8%: Musi Rawas Utara, 2023",
                                                 "8,7 per 1.000 KH", "Penyebab utama"])])
def test_both_languages_render(tmp_path, lang, words):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_RAW / "musi_rawas_utara" / "profil_kesehatan_2023.xlsx", raw)
    r = run("--raw", raw, "--lang", lang, "--out", tmp_path / "o", "--processed", tmp_path / "p", "--jobs", "2")
    assert r.returncode == 0, r.stderr[-2000:]
    text = (tmp_path / "o" / "2023" / "annual_report.html").read_text(encoding="utf-8")
    for w in words:
        assert w in text, w
    # one year of data is normal: the trend report says so instead of failing
    trends = (tmp_path / "o" / "trends" / "trends.html").read_text(encoding="utf-8")
    assert ("Fewer than 3 years" if lang == "en" else "Data kurang dari 3 tahun") in trends


def test_parameters_checked_before_any_notebook(tmp_path):
    r = run("--years", "2010", "--out", tmp_path / "o", "--processed", tmp_path / "p")
    assert r.returncode == 2 and "tidak ada data untuk 2010" in r.stderr and "2019" in r.stderr
    assert not (tmp_path / "o" / "2010").exists()
    r = run("--years", "20x9", "--out", tmp_path / "o", "--processed", tmp_path / "p")
    assert r.returncode == 2 and "bukan rentang tahun" in r.stderr
    r = run("--district", "Kubu Raya", "--out", tmp_path / "o", "--processed", tmp_path / "p")
    assert r.returncode == 2 and "Musi Rawas Utara" in r.stderr

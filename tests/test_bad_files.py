"""One bad file fails alone, and says which file it is.

Reading: CSV exports with CR-only line ends, a cell over 131,072 characters or UTF-16 are read;
NUL bytes, binary data and a workbook under a .csv name are refused with the file's name.
In ``run``: one run over a folder with two good years (2022, 2023), a year that has only a junk
file (2021), junk files named for a good year, a junk file with no year, and every file-level case
of the bad-input catalogue. Only 2021 fails; 2022 and 2023 are reported with exactly the numbers
of the good files, and every bad file is named on the console, in the findings, in the
data-quality report and in the reports whose data it may hold.
"""
import csv
import random
import shutil

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import SAMPLE_RAW
from helpers import births_table, run_cli, write_csv
from imr_analysis.read.files import read_tables
from imr_analysis.errors import InputError
from imr_analysis.read import grid
from imr_analysis.read.grid import read_grids
from test_bad_inputs import CASES

BIRTH = [1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593]
LONG = 140_000   # over csv's default field limit of 131,072 characters


def _lines(path):
    return [[("" if v is None else v) for v in row] for row in read_grids(path)[0].rows]


@pytest.fixture
def lf_csv(tmp_path):
    return write_csv(tmp_path / "lf.csv", births_table([BIRTH]))


def test_cr_only_line_ends_are_read(tmp_path, lf_csv):
    cr = tmp_path / "cr.csv"
    cr.write_bytes(lf_csv.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    assert b"\n" not in cr.read_bytes()
    assert _lines(cr) == _lines(lf_csv) and len(_lines(cr)) == len(births_table([BIRTH]))


def test_a_cell_longer_than_the_csv_field_limit_is_read(tmp_path, lf_csv):
    rows = births_table([BIRTH])
    rows[-1] = ["Sumber: " + "x" * LONG]
    long = write_csv(tmp_path / "long.csv", rows)
    read = _lines(long)
    assert read[-1] == ["Sumber: " + "x" * LONG] and read[:-1] == _lines(lf_csv)[:-1]
    assert csv.field_size_limit() == 131_072  # the global limit is left as it was


def test_utf16_unicode_text_export_is_read(tmp_path, lf_csv):
    rows = births_table([BIRTH])
    rows[1] = [rows[1][0] + " (Février)"]
    utf16 = tmp_path / "unicode.txt"
    utf16.write_text("\n".join("\t".join(str("" if v is None else v) for v in row) for row in rows), encoding="utf-16")
    assert utf16.read_bytes()[:2] == b"\xff\xfe" and b"\x00" in utf16.read_bytes()
    read = _lines(utf16)
    assert read[1] == [rows[1][0]] and read[9][:4] == ["1", "Rupit", "Muara Rupit", "300"]


@pytest.mark.parametrize("name, data, words", [
    ("nul.csv", b"NO;PUSKESMAS\n1;Mua\x00ra Rupit\n", ("nul.csv", "NUL bytes (the first on line 2)", "What to do")),
    ("binary.csv", random.Random(1).randbytes(4000).replace(b"\x00", b"\x01"),  # binary data without NUL
     ("binary.csv", "is not text", "control characters")),
    ("workbook.csv", b"PK\x03\x04" + b"\x00" * 100, ("workbook.csv", "Excel workbook saved under a .csv name", "rename")),
])
def test_a_csv_that_is_not_text_is_refused_with_its_name(tmp_path, name, data, words):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_grids(tmp_path / name)
    for word in words:
        assert word in str(exc.value)


def test_a_csv_error_names_the_file_and_line(tmp_path, lf_csv, monkeypatch):
    class Broken:
        line_num = 7

        def __iter__(self):
            raise csv.Error("something the csv module did not like")

    monkeypatch.setattr(grid.csv, "reader", lambda *a, **k: Broken())
    with pytest.raises(InputError, match=r"lf\.csv.*line 7 \(something the csv module did not like\)"):
        read_grids(lf_csv)


def test_an_unexpected_error_in_one_file_is_recorded_for_that_file_only(tmp_path, lf_csv, monkeypatch):
    broken = write_csv(tmp_path / "rusak_2022.csv", births_table([BIRTH], year=2022))
    real = grid.read_grids

    def read(path, engine="calamine"):
        if path == broken:
            raise KeyError("a reader bug")
        return real(path, engine)

    monkeypatch.setattr("imr_analysis.read.files.read_grids", read)
    errors = []
    tables = read_tables([broken, lf_csv], errors=errors)
    assert [t.file for t in tables] == [str(lf_csv)]
    assert errors == [{"file": str(broken), "year": 2022, "message": errors[0]["message"], "code": "read_unexpected",
                       "params": f'{{"error": "KeyError", "location": {{"file": "{broken}"}}, "path": "{broken}"}}'}]
    assert "unexpected KeyError" in errors[0]["message"] and "--debug clean" in errors[0]["message"]
    with pytest.raises(KeyError):
        read_tables([broken, lf_csv])  # without keep-going, the error is not hidden


# --- through run -----------------------------------------------------------------------------

#: bad file name -> year it belongs to (None: unknown)
JUNK = {"kematian_2021.csv": 2021, "laporan_2023_nul.csv": 2023, "sampah_2023.csv": 2023, "ekspor_lama.csv": None}


def _catalogue(scratch, raw):
    """Every catalogue case that stops `clean` on a file (exit 2), as a file named for 2023 (or no year)."""
    expected = {}
    for case in CASES:
        if case.code != 2 or case.name in ("missing path", "folder without workbooks", "wrong extension"):
            continue
        folder = scratch / case.name.replace(" ", "_")
        folder.mkdir()
        (path,) = case.build(folder)
        year = None if case.name == "no year anywhere" else 2023
        name = f"{folder.name}{'' if year is None else '_2023'}{path.suffix}"
        shutil.copy(path, raw / name)
        expected[name] = (year, [w for w in case.words if w != path.name])
    return expected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    good = raw / "musi_rawas_utara"
    good.mkdir()
    for name in ("profil_kesehatan_2022.xlsx", "profil_kesehatan_2023.xlsx"):
        shutil.copy(SAMPLE_RAW / "musi_rawas_utara" / name, good)
    # the 2022 KN table: CR-only line ends and a footer note longer than the csv field limit
    kn = (SAMPLE_RAW / "musi_rawas_utara" / "profil_2022_tabel_37.csv").read_bytes().replace(b"\r\n", b"\n")
    kn = kn.replace(b"Keterangan: cakupan dihitung terhadap sasaran", b"Keterangan: " + b"cakupan thd sasaran " * 7500)
    (good / "profil_2022_tabel_37.csv").write_bytes(kn.replace(b"\n", b"\r"))
    bad = raw / "bad"
    bad.mkdir()
    rng = random.Random(7)
    (bad / "kematian_2021.csv").write_bytes(rng.randbytes(3000))
    nul = write_csv(bad / "laporan_2023_nul.csv", births_table([BIRTH]))
    nul.write_bytes(nul.read_bytes().replace(b"Muara Rupit", b"Muara\x00Rupit"))
    (bad / "sampah_2023.csv").write_bytes(rng.randbytes(3000).replace(b"\x00", b"\x01"))
    (bad / "ekspor_lama.csv").write_bytes(b"\x00" * 64 + b"PUSKESMAS;LAHIR\n")
    expected = _catalogue(tmp_path_factory.mktemp("scratch"), bad)
    out, processed = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("processed")
    r = run_cli("run", "--raw", raw, "--out", out, "--processed", processed, "--jobs", 2)
    return out, processed, r, {**{k: (v, []) for k, v in JUNK.items()}, **expected}


def test_only_the_year_without_readable_data_fails(bad_run):
    out, _, r, _ = bad_run
    assert r.returncode == 1, r.stdout[-2000:] + r.stderr[-3000:]
    assert "Traceback" not in r.stderr and "unexpected error" not in r.stderr
    lines = {line.split()[0]: line.split()[1] for line in r.stdout.splitlines() if line[:4] in ("2021", "2022", "2023", "tren", "data")}
    assert lines == {"data_quality": "ok", "2021": "failed", "2022": "ok", "2023": "ok", "trends": "ok"}
    assert "GAGAL: 2021." in r.stderr
    errors = [o for c in nbformat.read(out / "2021" / "annual_report.ipynb", as_version=4).cells
              for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors[0]["ename"] == "InputError" and "kematian_2021.csv" in errors[0]["evalue"]
    assert "no report for 2021" in errors[0]["evalue"]


def test_the_good_years_have_exactly_the_numbers_of_the_good_files(bad_run, sample_run):
    _, processed, _, _ = bad_run
    for name in ("births", "deaths", "deaths_by_cause", "neonatal_visits"):
        got = pd.read_parquet(processed / f"{name}.parquet").drop(columns=["source_file"])
        want = sample_run.result.tables[name]
        want = want[want["year"].isin([2022, 2023])].drop(columns=["source_file"])
        assert len(got) > 0 and set(got["year"]) == {2022, 2023}, name
        key = [c for c in got.columns if c not in ("source_row",)]
        pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True)[key],
                                      want.sort_values(key).reset_index(drop=True)[key], check_dtype=False)
    kn = pd.read_parquet(processed / "neonatal_visits.parquet")
    assert (kn["year"] == 2022).sum() > 0  # the CR-only CSV with the long note gave the 2022 KN table


def test_every_bad_file_is_named_with_its_year_and_what_to_do(bad_run):
    _, processed, r, expected = bad_run
    errors = pd.read_csv(processed / "input_errors.csv", encoding="utf-8-sig")
    errors["name"] = errors["file"].map(lambda f: f.rsplit("/", 1)[-1])
    assert set(errors["name"]) == set(expected)
    for name, (year, words) in expected.items():
        rows = errors[errors["name"] == name]
        assert rows["year"].isna().all() if year is None else (rows["year"] == year).all(), name
        message = " ".join(rows["message"])
        assert "What to do:" in message and name in message, message
        for word in words:
            assert word in message, (name, word, message)
        assert name in r.stderr  # on the console
    findings = pd.read_csv(processed / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    unread = findings[findings["check"] == "unreadable_file"]
    assert (unread["severity"] == "warning").all()
    assert set(unread["file"].map(lambda f: f.rsplit("/", 1)[-1])) == set(expected)


def test_the_reports_list_the_files_they_miss(bad_run):
    out, _, _, expected = bad_run
    quality = BeautifulSoup((out / "data_quality" / "data_quality.html").read_text(encoding="utf-8"), "html.parser").get_text()
    for name in expected:
        assert name in quality, name
    report = BeautifulSoup((out / "2023" / "annual_report.html").read_text(encoding="utf-8"), "html.parser")
    warning = next(p.get_text() for p in report.find_all("p") if "could not be read" in p.get_text()
                   or "tidak dapat dibaca" in p.get_text())
    for name, (year, _) in expected.items():
        assert (name in warning) == (year in (2023, None)), (name, warning)
    assert "AKB 2023" in report.get_text()  # the report itself is there
    report_2022 = BeautifulSoup((out / "2022" / "annual_report.html").read_text(encoding="utf-8"), "html.parser")
    warning_2022 = next(p.get_text() for p in report_2022.find_all("p") if "tidak dapat dibaca" in p.get_text())
    assert "ekspor_lama.csv" in warning_2022 and "sampah_2023.csv" not in warning_2022


def test_clean_uses_the_good_files_and_names_the_bad_one(tmp_path):
    """clean over a folder: a junk file next to good files fails alone, the others are cleaned (exit 2)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_RAW / "musi_rawas_utara" / "profil_kesehatan_2023.xlsx", raw)
    (raw / "profil_2023.csv").write_bytes(b"\x00\x01\x02junk\x00" * 50)
    (raw / "kosong_2022.csv").write_bytes(b"")
    r = run_cli("clean", raw, "--out", tmp_path / "p")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "profil_2023.csv" in r.stderr and "kosong_2022.csv" in r.stderr and "2 dari 3 berkas" in r.stderr
    assert "Traceback" not in r.stderr
    births = pd.read_parquet(tmp_path / "p" / "births.parquet")
    assert births.loc[births["year"] == 2023, "live_births"].sum() == 3795
    errors = pd.read_csv(tmp_path / "p" / "input_errors.csv", encoding="utf-8-sig")
    assert sorted(errors["file"].map(lambda f: f.split("/")[-1])) == ["kosong_2022.csv", "profil_2023.csv"]

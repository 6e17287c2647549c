"""Personal data never reaches anything the tool writes: processed data, ledger, findings, reports, notebooks."""
import datetime as dt
import subprocess
import sys
import zipfile

import pytest

from helpers import linelist_rows, write_xlsx
from imr_analysis.privacy import is_personal_header, looks_personal, scrub

D = dt.date


@pytest.mark.parametrize("header, personal", [("Nama Bayi", True), ("NAMA IBU", True), ("NIK", True), ("nik ibu", True),
                                               ("Alamat lengkap", True), ("No. HP", True), ("Telepon", True),
                                               ("E-mail", True), ("RT/RW", True), ("Nama Puskesmas", False),
                                               ("Puskesmas", False), ("Kecamatan", False), ("Umur", False),
                                               ("Penyebab kematian", False), ("Nomor", False)])
def test_personal_headers(header, personal):
    assert is_personal_header(header) is personal


def test_personal_values_and_scrub():
    assert looks_personal("1605010101900001") and looks_personal(1605010101900001.0)
    assert looks_personal("081234567890") and looks_personal("+6281234567890") and looks_personal("a.b@contoh.id")
    assert not looks_personal("2023") and not looks_personal("3.795")
    assert scrub("asfiksia, hub 081234567890 NIK 1605010101900001") == \
        "asfiksia, hub [data pribadi dihapus] NIK [data pribadi dihapus]"


FAKE = {"names": ["Bayi Fiktif001", "Ibu Rekaan002", "Siti Contohwati"], "niks": ["9900000000000001", "3171234567890123"],
        "addresses": ["Jalan Khayalan 1", "Dusun Rekaan"], "phones": ["089900000001", "081311112222"]}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """A line list seeded with fake personal data, run through clean and the whole batch."""
    tmp = tmp_path_factory.mktemp("pii")
    deaths = [("L", D(2023, 1, 1), D(2023, 1, 3), None, "BBLR", "Pauh"),
              ("P", D(2023, 2, 1), D(2023, 2, 2), None, "asfiksia, keluarga hub 081311112222", "Nibung"),
              ("L", D(2023, 3, 1), D(2023, 5, 2), None, "pneumonia", "M. Rupit"),
              ("P", D(2021, 3, 1), D(2023, 5, 2), None, "diare", "Pauh")]
    rows = linelist_rows(deaths)
    rows[1] += ["KETERANGAN", "CATATAN BIDAN"]                   # innocuous headers hiding personal data
    rows[2] += ["NIK ayah 3171234567890123", "Siti Contohwati, Dusun Rekaan"]
    rows[3] += ["-", "ibu Siti Contohwati"]
    raw = tmp / "raw"
    raw.mkdir()
    write_xlsx(raw / "amp_sr_2023.xlsx", {"AMP-SR": rows})
    proc, reports = tmp / "processed", tmp / "reports"
    env_cmd = [sys.executable, "-m", "imr_analysis"]
    clean = subprocess.run(env_cmd + ["clean", str(raw), "--out", str(proc)], capture_output=True, text=True)
    run = subprocess.run(env_cmd + ["run", "--raw", str(raw), "--out", str(reports), "--processed", str(tmp / "p2"),
                                    "--jobs", "2"], capture_output=True, text=True)
    return tmp, clean, run


def _all_text(root):
    """Every file below root as text; xlsx members unzipped; binary files decoded leniently."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "raw" not in p.relative_to(root).parts):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                yield path, "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            yield path, path.read_bytes().decode("utf-8", "replace")


def test_pipeline_runs_and_reports_dropped_columns_by_name(pipeline):
    tmp, clean, run = pipeline
    assert clean.returncode == 0, clean.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    # by header, or by a NIK / phone number in the values (KETERANGAN)
    assert "Personal data dropped at read time (columns): ALAMAT, KETERANGAN, NAMA BAYI, NAMA IBU, NIK IBU, NO HP." in clean.stdout
    report = (tmp / "processed" / "cleaning_report.md").read_text()
    assert "| NIK IBU | personal data |" in report
    # a free-text column holding a name cannot be recognised by pattern: only known fields are read at all
    assert "| CATATAN BIDAN | not used |" in report


def test_no_personal_data_in_any_output_or_message(pipeline):
    tmp, clean, run = pipeline
    secrets = [s for group in FAKE.values() for s in group]
    files = list(_all_text(tmp))
    assert len(files) > 40  # processed tables, ledger, findings, notebooks, html, xlsx, figures ...
    for path, text in files:
        for secret in secrets:
            assert secret not in text, f"{secret!r} found in {path}"
    for stream in (clean.stdout, clean.stderr, run.stdout, run.stderr):
        for secret in secrets:
            assert secret not in stream


def test_deaths_are_still_counted(pipeline):
    import pandas as pd
    tmp, _, _ = pipeline
    deaths = pd.read_csv(tmp / "processed" / "deaths.csv", encoding="utf-8-sig")
    assert deaths["deaths"].sum() == 3  # the 2-year-old is set aside, not an infant
    ledger = pd.read_csv(tmp / "processed" / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)
    assert len(ledger) == 4 and "[data pribadi dihapus]" in " ".join(ledger["rules"])

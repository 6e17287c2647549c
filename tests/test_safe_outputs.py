"""Safe outputs: no spreadsheet formulas from cell text, and an interrupted run leaves the old outputs intact."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
from openpyxl import load_workbook

from conftest import SAMPLE_RAW
from helpers import births_table, run_cli, write_csv, write_xlsx
from imr_analysis import outputs as io


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    df = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "Pauh", "a=b"], "n": [1, -2, 3, 4, 5, 6]})
    io.write_csv(df, tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1+1" in text and "'-2+3" in text and "'@SUM" in text
    assert "\nPauh," in text and "\na=b," in text and ",-2\n" in text  # numbers and plain text untouched
    io.write_xlsx({"s": df}, tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx").active
    values = [c.value for c in ws["A"]][1:]
    assert values[:4] == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_puskesmas_name_with_a_formula_from_a_new_district(tmp_path):
    # names of a new district are taken as written only when they look like place names: a formula is not one
    rows = births_table([[1, "Kec", "=1+2", 10, 0, 10, 10, 0, 10, 20, 0, 20],
                         [2, "Kec", "Sungai Contoh", 10, 0, 10, 10, 0, 10, 20, 0, 20]], district="KABUPATEN CONTOH")
    out = tmp_path / "o"
    r = run_cli("clean", write_csv(tmp_path / "b.csv", rows), "--out", out)
    assert r.returncode == 0, r.stderr
    ledger = pd.read_csv(out / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(ledger["state"]) == ["set_aside", "mapped"] and "does not look like a place name" in ledger["reason"][0]
    assert list(pd.read_parquet(out / "births.parquet")["puskesmas"].unique()) == ["Sungai Contoh"]
    for path in out.iterdir():
        assert "=1" not in path.read_bytes().decode("utf-8", "replace"), path


SLOW = textwrap.dedent("""
    import os, sys, time
    import imr_analysis.outputs as io
    real = os.replace
    def slow(src, dst):
        if str(dst).endswith("findings.csv"):
            open(sys.argv[2], "w").close()   # tell the test we are in the middle of writing
            time.sleep(60)
        real(src, dst)
    io.os.replace = slow
    from imr_analysis.cli import main
    sys.exit(main(["clean", sys.argv[1], "--out", sys.argv[3]]))
""")


def test_a_run_killed_while_writing_leaves_the_previous_outputs_intact(tmp_path):
    out = tmp_path / "processed"
    first = run_cli("clean", SAMPLE_RAW, "--out", out)
    assert first.returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # a second run on different input, killed while it writes its outputs
    other = tmp_path / "other.xlsx"
    write_xlsx(other, {"S": births_table([[1, "Rupit", "Pauh", 1, 0, 1, 1, 0, 1, 2, 0, 2]])})
    script, marker = tmp_path / "slow.py", tmp_path / "writing"
    script.write_text(SLOW)
    proc = subprocess.Popen([sys.executable, str(script), str(other), str(marker), str(out)])
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the run never reached the writing stage"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # every previous output byte for byte, nothing half-written
    assert pd.read_parquet(out / "deaths.parquet")["deaths"].sum() > 0
    # the next run clears the leftovers of the killed one
    assert list(out.glob(".staging-*"))
    again = run_cli("clean", SAMPLE_RAW, "--out", out)
    assert again.returncode == 0 and not list(out.glob(".staging-*")) and not list(out.glob(".*.tmp"))


def test_atomic_writes_give_files_the_permissions_of_any_new_file(tmp_path):
    """A report written atomically is as readable as a file the user made (not private, as mkstemp makes it)."""
    import os

    mask = os.umask(0o022)
    try:
        path = io.write_text(tmp_path / "report.md", "x")
    finally:
        os.umask(mask)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)

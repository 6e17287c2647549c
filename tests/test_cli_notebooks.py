"""Working on your own copy (`imr-analysis notebooks`), and `run` without kernel noise on the console."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from imr_analysis.analysis.indicators import compute_indicators
from imr_analysis.batch import NOTEBOOKS, REGISTER_NAME
from imr_analysis.clean.store import load_processed
from imr_analysis.config import NOTEBOOKS_DIR
from imr_analysis.report.language import fmt
from imr_analysis.synth_unseen import write_corpus

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "imr_analysis", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=ENV)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    """One annex district the registry does not know, 2022-2023, cleaned."""
    root = tmp_path_factory.mktemp("unseen")
    corpus = write_corpus(root / "raw", districts=1, years=[2022, 2023], flat_districts=1, seed=5)
    r = cli("clean", root / "raw" / "annex", "--out", root / "processed")
    assert r.returncode == 0, r.stdout + r.stderr
    district = corpus.districts.loc[corpus.districts["format"] == "annex", "district"].iloc[0]
    return root, district


def parameters(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    values = {}
    exec(cell.source, {}, values)   # the cell is plain assignments
    return values


def test_notebooks_command_writes_parameterised_copies_that_papermill_runs(unseen, tmp_path):
    root, district = unseen
    stored = digest(NOTEBOOKS_DIR)
    work = tmp_path / "kerja"
    r = cli("notebooks", "--out", work, "--processed", root / "processed", "--year", 2023)
    assert r.returncode == 0, r.stderr
    assert f"5 notebook untuk {district}, 2023 disalin ke {work}" in r.stdout
    # an annex-only district: the brief's copy is there, and the console says what it still needs
    assert "04_lokmin_brief.ipynb: brief Lokakarya Mini: folder olahan belum memuat laporan bulanan" in r.stdout
    assert digest(NOTEBOOKS_DIR) == stored   # the nbval baseline is untouched
    assert sorted(p.name for p in work.glob("*.ipynb")) == sorted(NOTEBOOKS.values())
    processed = str((root / "processed").resolve())
    assert parameters(work / "02_annual_report.ipynb") == {
        "year": 2023, "district": district, "lang": "id", "processed_dir": processed,
        "output_dir": str(work.resolve() / "outputs" / "2023")}
    assert parameters(work / "03_trends.ipynb") == {
        "start_year": 2022, "end_year": 2023, "district": district, "lang": "id", "processed_dir": processed,
        "output_dir": str(work.resolve() / "outputs" / "trends")}
    assert parameters(work / "01_data_quality.ipynb") == {
        "raw_paths": None, "processed_dir": processed, "years": None, "lang": "id", "run_cleaning": False}
    copy = nbformat.read(work / "02_annual_report.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in copy.cells if c.cell_type == "code")   # no sample numbers left

    # a second call does not overwrite the analyst's work unless asked
    again = cli("notebooks", "--out", work, "--processed", root / "processed", "--lang", "en")
    assert again.returncode == 2 and "--force" in again.stderr and "What to do" in again.stderr

    # the manual papermill command of the README runs the copy for this district
    done = work / "annual_report_2023.ipynb"
    pm = subprocess.run([sys.executable, "-m", "papermill", str(work / "02_annual_report.ipynb"), str(done)],
                        capture_output=True, text=True, env=ENV, cwd=work)
    assert pm.returncode == 0, pm.stderr[-3000:]
    tables = load_processed(root / "processed")
    imr = compute_indicators(tables, level="district", year=2023)
    imr = imr[(imr["indicator"] == "imr") & (imr["district"] == district)].iloc[0]
    text = json.dumps(json.loads(done.read_text(encoding="utf-8"))["cells"], ensure_ascii=False)
    assert f"AKB 2023: **{fmt(imr['value'], 'id')} per 1.000 KH**" in text
    assert (work / "outputs" / "2023" / "tables.xlsx").exists()


def test_every_copied_notebook_runs_with_papermill_on_the_sample(tmp_path):
    """The five report notebooks copied for the sample (monthly reports to 2025 June, reviews of 2024, the
    recommendations register beside the processed folder) each run as copied; the brief is set to the last quarter
    with monthly reports, the review report to the year with reviews, followed up as of the day it runs."""
    import datetime as dt
    import shutil

    from imr_analysis.clean import run_clean

    from conftest import SAMPLE_RAW

    project = tmp_path / "proyek"
    run_clean([SAMPLE_RAW], project / "data" / "processed")
    shutil.copy(ROOT / "data" / REGISTER_NAME, project / "data" / REGISTER_NAME)
    work = project / "kerja"
    r = cli("notebooks", "--out", work, "--year", 2024, "--lang", "en", cwd=project)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (f"5 notebook(s) for Musi Rawas Utara, 2024 copied to {work} (processed folder: "
                        f"{(project / 'data' / 'processed').resolve()}).")
    assert lines[1:6] == [
        "  01_data_quality.ipynb: data quality of the processed folder", "  02_annual_report.ipynb: annual report 2024",
        "  03_trends.ipynb: trends 2019–2025",
        "  04_lokmin_brief.ipynb: Lokakarya Mini brief, quarter 2 2025, whole district (set puskesmas or kecamatan in "
        f"the parameters cell); RTL register: {work / 'outputs' / 'brief' / 'rtl_register.csv'}",
        f"  05_amp_sr.ipynb: AMP-SR death reviews 2024; recommendations register: "
        f"{(project / 'data' / REGISTER_NAME).resolve()}; follow-up as of the day the notebook runs (as_of)"]
    brief, review = parameters(work / NOTEBOOKS["brief"]), parameters(work / NOTEBOOKS["review"])
    assert (brief["year"], brief["quarter"], brief["puskesmas"], brief["district"]) == (2025, 2, None, "Musi Rawas Utara")
    assert (review["year"], review["as_of"]) == (2024, None)
    assert review["register"] == str((project / "data" / REGISTER_NAME).resolve())
    # papermill runs the five copies one after another on one warm kernel (imr_analysis.kernels: each notebook
    # starts from a clean namespace, as on a new kernel), to spare the test four kernel starts
    run_all = ("import sys, papermill as pm, imr_analysis.kernels as k\n"
               "for name in sys.argv[1:]:\n"
               "    pm.execute_notebook(name, 'done_' + name, engine_name=k.ENGINE, progress_bar=False)\n")
    pm = subprocess.run([sys.executable, "-c", run_all, *NOTEBOOKS.values()], capture_output=True, text=True,
                        env=ENV, cwd=work)
    assert pm.returncode == 0, pm.stderr[-3000:]
    assert (work / "outputs" / "brief" / "rtl_register.csv").exists()   # the empty template, written on the first run
    text = json.dumps(json.loads((work / f"done_{NOTEBOOKS['review']}").read_text(encoding="utf-8"))["cells"])
    assert f"as of {dt.date.today().isoformat()}" in text
    assert (work / "outputs" / "2024" / "amp_sr" / "amp_sr_summary.pptx").exists()


def test_the_kernel_log_goes_to_a_file_not_the_console(tmp_path):
    """What an ipykernel logs (e.g. 'KeyboardInterrupt caught in kernel' when jupyter_client interrupts it at
    shutdown) reaches the console of a plain papermill run, and a log file with the batch's kernel manager."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('get_ipython().kernel.log.error("KeyboardInterrupt caught in kernel")\n'
                                          'print("cell output")')]
    nbformat.write(nb, tmp_path / "noisy.ipynb")
    script = ("import sys, papermill as pm\nfrom pathlib import Path\nfrom imr_analysis.batch import quiet_kernel_manager\n"
              "kw = {'kernel_manager_class': quiet_kernel_manager(Path('k.log'))} if sys.argv[1] == 'quiet' else {}\n"
              "pm.execute_notebook('noisy.ipynb', sys.argv[1] + '.ipynb', kernel_name='python3', progress_bar=False, **kw)\n")
    runs = {how: subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True, cwd=tmp_path,
                                env=ENV) for how in ("loud", "quiet")}
    assert all(r.returncode == 0 for r in runs.values()), {k: r.stderr for k, r in runs.items()}
    assert "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel" in runs["loud"].stderr   # the noise exists
    quiet = runs["quiet"].stdout + runs["quiet"].stderr
    assert "IPKernelApp" not in quiet and "KeyboardInterrupt" not in quiet
    assert "KeyboardInterrupt caught in kernel" in (tmp_path / "k.log").read_text()
    outputs = nbformat.read(tmp_path / "quiet.ipynb", as_version=4).cells[0].outputs
    assert any("cell output" in o.get("text", "") for o in outputs)   # what cells print still reaches the notebook


def test_run_console_in_english_without_kernel_noise_or_progress_bar(unseen, tmp_path):
    root, district = unseen
    r = cli("run", "--raw", root / "raw" / "annex", "--years", 2023, "--out", tmp_path / "rep",
            "--processed", tmp_path / "p", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "3 of 3 notebooks ran in" in r.stdout and f"Reports: {tmp_path / 'rep' / 'index.html'}" in r.stdout
    assert ["report", "status", "seconds", "output"] in [line.split() for line in r.stdout.splitlines()]
    console = r.stdout + r.stderr
    assert "IPKernelApp" not in console and "KeyboardInterrupt" not in console
    assert "\r" not in console and "nb/s" not in console   # tqdm draws only on a terminal
    # the kernel's own log goes to a file: one kernel serves a batch process's notebooks one after another
    # (kernels.py), so its log is named after the first notebook that process ran
    logs = sorted(p.name for p in (tmp_path / "rep").rglob("*.kernel.log"))
    assert logs and set(logs) <= {"annual_report.kernel.log", "data_quality.kernel.log", "trends.kernel.log"}

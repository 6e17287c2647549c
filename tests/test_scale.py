"""Scale: the seeded generator, many districts in one batch, and the Dask scale-out."""

import pandas as pd
import pytest

from helpers import run_cli as _run
from imr_analysis import synth
from imr_analysis.clean import clean
from imr_analysis.clean.report import _kinds, cleaning_report, reason_kind, rule_kind
from imr_analysis.vocab.ledger_kinds import translate
from imr_analysis.analysis.indicators import compute_indicators, indicators_for_levels


def test_synthetic_data_are_seeded_and_realistic():
    a = synth.canonical(20, 300, range(2020, 2023), monthly=True, seed=7)
    b = synth.canonical(20, 300, range(2020, 2023), monthly=True, seed=7)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert len(a["births"]) == 300 * 3 * 12 * 2 and a["births"]["puskesmas"].nunique() == 300
    assert a["births"]["district"].nunique() == 20
    imr = compute_indicators(a, level="district")
    imr = imr[imr["indicator"] == "imr"]
    assert 8 < imr["numerator"].sum() / imr["denominator"].sum() * 1000 < 30      # around 17 per 1,000
    c = synth.canonical(20, 300, range(2020, 2023), monthly=True, seed=8)
    assert not a["births"]["live_births"].equals(c["births"]["live_births"])


def test_levels_from_one_aggregation_equal_direct_computation():
    t = synth.canonical(6, 40, range(2021, 2024), monthly=True, seed=3)
    direct = compute_indicators(t, level="kecamatan")
    via = indicators_for_levels(t, ("kecamatan",))["kecamatan"]
    keys = ["indicator", "year", "area", "sex", "age_group", "cause"]
    m = direct.merge(via, on=keys, suffixes=("", "_v"))
    assert len(m) == len(direct) == len(via)
    # AKI has no numerator where a district-year has no maternal data (never 0): missing on both sides
    same = (m["numerator"] == m["numerator_v"]) | (m["numerator"].isna() & m["numerator_v"].isna())
    assert same.all() and ((m["value"] - m["value_v"]).abs().fillna(0) < 1e-9).all()
    assert m["numerator"].notna().sum() > 0.9 * len(m)


def test_annex_workbooks_clean_back_to_the_generated_counts(tmp_path):
    t = synth.canonical(3, 12, [2023], monthly=False, seed=5)
    paths = synth.write_annex(t, tmp_path)
    assert len(paths) == 3
    result = clean([tmp_path])
    assert (result.ledger.loc[result.ledger["row_kind"] == "data", "state"] != "set_aside").all()
    assert result.tables["deaths"]["deaths"].sum() == t["deaths"]["deaths"].sum()
    assert result.tables["births"]["live_births"].sum() == t["births"]["live_births"].sum()
    assert result.tables["deaths_by_cause"]["deaths"].sum() == t["deaths_by_cause"]["deaths"].sum()


def test_synth_command(tmp_path):
    r = _run("synth", "--districts", "3", "--puskesmas", "30", "--years", "2022-2023", "--monthly", "--out", tmp_path / "c")
    assert r.returncode == 0 and "720 Puskesmas-months" in r.stdout  # 30 x 2 years x 12 months
    assert pd.read_parquet(tmp_path / "c" / "births.parquet")["month"].max() == 12


def test_every_district_in_one_batch(tmp_path):
    raw = tmp_path / "raw"
    synth.write_annex(synth.canonical(2, 8, [2023], seed=11), raw)
    r = _run("run", "--raw", raw, "--districts", "all", "--out", tmp_path / "rep", "--processed", tmp_path / "p", "--jobs", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    for d in ("sintetis_001", "sintetis_002"):
        assert (tmp_path / "rep" / d / "2023" / "annual_report.html").exists()
        assert (tmp_path / "rep" / d / "trends" / "trends.html").exists()
    index = (tmp_path / "rep" / "index.html").read_text()
    assert "sintetis_001/2023/annual_report.html" in index and "sintetis_002/2023/annual_report.html" in index
    bad = _run("run", "--raw", raw, "--districts", "Sintetis 001,Nowhere", "--out", tmp_path / "r2", "--processed", tmp_path / "p2")
    assert bad.returncode == 2 and "Nowhere" in bad.stderr


def test_batch_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        r = _run("run", "--years", "2023", "--scheduler", cluster.scheduler_address, "--out", tmp_path / "rep",
                 "--processed", tmp_path / "p")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "rep" / "2023" / "annual_report.html").exists()
    assert (tmp_path / "rep" / "trends" / "trends.html").exists()
    assert "3 dari 3 notebook selesai" in r.stdout


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    r = _run("run", "--years", "2023", "--scheduler", "tcp://127.0.0.1:9", "--out", tmp_path / "rep", "--processed", tmp_path / "p",
             "--lang", "en", env={"IMR_ANALYSIS_SCHEDULER_TIMEOUT": "2s"})   # the default waits 20 s
    assert r.returncode == 2 and "no Dask scheduler answered" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture(scope="module")
def large_annex_run(tmp_path_factory):
    """A 5,000-row annex births CSV of a district the registry does not know, cleaned once (the cleaning
    report in English, whose wording the test reads)."""
    from imr_analysis.clean import run_clean

    raw = synth.annex_csv(tmp_path_factory.mktemp("raw") / "annex_births_2023.csv", 5000, "births")
    return run_clean([raw], tmp_path_factory.mktemp("processed"), lang="en")


def _report_rows(report: str, first_cell: str) -> list[int]:
    """The 'rows' figures of the report's table lines whose first cell is ``first_cell`` (written 5,000)."""
    return [_rows(line) for line in report.splitlines() if line.startswith(f"| {first_cell} |")]


def _rows(line: str) -> int:
    return int(line.split("|")[2].replace(",", ""))


def test_cleaning_report_of_a_large_input_summarises(large_annex_run):
    report_path = large_annex_run.out / "cleaning_report.md"
    report = report_path.read_text(encoding="utf-8")
    ledger = large_annex_run.result.ledger
    data = ledger[ledger["row_kind"] == "data"]
    assert len(data) == 5000 and (data["state"] != "set_aside").sum() > 4900
    assert report_path.stat().st_size < 50_000                       # listing every row took ~580 KB
    assert "ledger.csv" in report and data["name_matched"].iloc[-1] not in report  # names are not all listed
    # counts per rule, over the rows counted: every row of a new district has its name taken as written
    assert _report_rows(report, "Puskesmas name normalised or alias applied") == [(data["state"] != "set_aside").sum()]
    counted = data[data["state"] != "set_aside"]
    for rule in ("blank -> 0", "'-' -> 0"):
        assert _report_rows(report, rule) == [int(counted["rules"].str.contains(rule, regex=False).sum())]
    # counts per reason, the cell text elided: 'TAD' typed into a count cell, and the repeated rows
    tad = int(data["reason"].str.contains("'TAD' (no data)", regex=False).sum())
    tad_lines = [line for line in report.splitlines() if line.startswith("| column ") and "'…' (no data)" in line]
    assert tad > 0 and [_rows(line) for line in tad_lines] == [tad]
    repeated = [_rows(line) for line in report.splitlines() if line.startswith("| second row for ")]
    assert repeated == [int(data["reason"].str.startswith("second row for").sum())] and repeated[0] > 0
    # the first row of each kind is named with its place in the file
    first_tad = data.loc[data["reason"].str.contains("'TAD'", regex=False), "row"].min()
    assert f"annex_births_2023.csv, row {first_tad} |" in report
    # in Indonesian every kind of rule and reason reads from the kinds vocabulary, the counts with a thousands dot
    report_id = cleaning_report(large_annex_run.result, large_annex_run.findings, "id")
    named = f"{len(counted):,}".replace(",", ".")   # 4.9xx: the rows counted, with a thousands dot
    assert f"| nama Puskesmas dinormalkan atau alias dipakai | {named} |" in report_id and len(counted) >= 1000
    assert "| baris kedua untuk … … di tabel ini (yang pertama di " in report_id
    rules = data.loc[data["rules"] != "", "rules"]
    aside = data[data["state"] == "set_aside"]
    kinds = [*_kinds(rules, ledger, rule_kind, "rule", "; ")["rule"], *_kinds(aside["reason"], ledger, reason_kind, "reason")["reason"]]
    assert len(kinds) > 3 and [k for k in kinds if translate(k) is None] == []

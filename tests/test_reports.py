"""The report objects: they only read, compute the indicator table once, and read each file once."""
import pytest

from imr_analysis.errors import InputError
from imr_analysis.report import base, data_quality, tables
from imr_analysis.report.annual import AnnualReport
from imr_analysis.report.trends import TrendReport

ANNUAL_STEPS = ["title", "headline", "headline_text", "deaths_by_cause", "deaths_by_cause_figure", "imr_by_puskesmas",
                "imr_by_puskesmas_figure", "causes_by_age", "causes_by_age_figure", "coverage", "coverage_figure",
                "meeting_points", "benchmarks", "funnel_figure", "funnel_flags", "year_on_year", "year_on_year_text"]


def test_load_only_reads_and_says_what_to_run(tmp_path):
    with pytest.raises(InputError) as err:
        base.load(tmp_path)
    text = str(err.value)
    assert "no processed tables" in text and "What to do" in text and "imr-analysis clean" in text
    assert list(tmp_path.iterdir()) == []  # nothing written


def _count_indicator_runs(monkeypatch) -> list:
    calls = []
    real = tables.compute_indicators
    monkeypatch.setattr(tables, "compute_indicators", lambda *a, **k: calls.append(k) or real(*a, **k))
    return calls


def test_annual_report_computes_its_indicators_once(sample_run, monkeypatch, tmp_path):
    calls = _count_indicator_runs(monkeypatch)
    rep = AnnualReport.open(2023, processed_dir=sample_run.out, output_dir=tmp_path)
    for step in ANNUAL_STEPS:
        getattr(rep, step)()
    assert [c["level"] for c in calls] == ["district", "puskesmas"]
    assert len(rep.tables) == 8 and len(rep.figs) == 5
    points = rep.meeting_point_list()
    assert points[0].startswith("AKB tertinggi: Puskesmas ") and points[1].startswith("Penyebab utama: ")


def test_trend_report_computes_its_indicators_once(sample_run, monkeypatch, tmp_path):
    calls = _count_indicator_runs(monkeypatch)
    rep = TrendReport.open(2021, 2023, lang="en", processed_dir=sample_run.out, output_dir=tmp_path)
    rep.yearly_rates(), rep.causes_by_year(), rep.heatmap(), rep.trend_models(), rep.puskesmas_trends()
    rep.fitted_trend_figure("imr"), rep.targets()
    assert [c["level"] for c in calls] == ["district", "puskesmas"]
    assert set(rep.tables["yearly_rates"]["year"]) == {2021, 2022, 2023}
    assert rep.enough_years().data == "Years with data: 2021, 2022, 2023"
    assert rep.interpretation().data.startswith("- IMR ")


def test_data_quality_report_reads_each_file_once(sample_run, monkeypatch):
    read = []
    real = data_quality._read
    monkeypatch.setattr(data_quality, "_read", lambda path: read.append(path.name) or real(path))
    dq = data_quality.DataQualityReport.clean(processed_dir=sample_run.out, lang="en", run_cleaning=False)
    for step in ("summary", "ledger_by_state", "rules", "set_aside", "findings_by_severity", "findings", "dropped_columns",
                 "tables_received"):
        getattr(dq, step)()
    assert sorted(read) == ["dropped_columns.csv", "findings.csv", "ledger.csv"]
    assert dq.summary().data.count(f"<b>{len(dq.ledger)}</b>") == 1

#!/usr/bin/env python3
"""Benchmarks: they print figures and play no part in test pass/fail.

    python3 dev.py bench              # all of them
    python3 dev.py bench a b          # some: a indicators, b ingestion, c batch, d cleaning 50,000 rows,
                                      # e one report in-process, f province batch, g rate_ci

(a) Indicators with CIs for every Puskesmas x year and every district x year from 1.2 million
    synthetic Puskesmas-months, against a floor: a plain pandas groupby-sum of the same numerators
    and denominators, in the same process. Targets: <= 3x the floor and under 10 s; peak memory < 3 GB.
(b) Ingestion: synthetic annex workbooks cleaned per second, python-calamine against openpyxl
    (the default engine is the faster one that reads the same values).
(c) The batch on the sample data: serial against --jobs 2. Target: --jobs 2 <= 0.65x serial.
(d) Cleaning a province's single file: `imr-analysis clean FILE --out DIR` (every output written) on a
    50,000-row annex CSV of a district the registry does not know (births table, and the wider deaths
    table) and on a 50,000-row AMP-SR line list, each in its own process, start-up included.
    Target: under 10 s and under 500 MB each.
(e) One annual report's tables and figures, in-process (sample district, 2023), and the import
    of the package and of the annual report, each in a fresh process. Targets: <= 1.0 s; <= 1.5 s.
(f) The province batch: `synth` 38 districts x 6 years in annex format -> `clean` ->
    `run --districts all --jobs 2` (annual and trend reports, HTML, index), then the same on a Dask
    LocalCluster of 2 workers (`--scheduler`). Targets: <= 8 min, <= 2 s per report amortised,
    batch seconds per report <= 1.5x the in-process seconds per report. `bench f --quick`: 4 districts.
(g) rate_ci on 1.2 million rows against a plain numpy floor in the same process (Byar's formula
    for 10 or more events, the table of exact limits below 10; value and both limits at 95% and
    99.8%). PHEindicatormethods' phe_rate (R) cannot run here (no R, no CRAN): its recorded time
    on the same rows on this machine, 7.2 s, is the reference. Targets: <= 1.5x the floor and
    >= 10x faster than the recorded phe_rate figure.
Peak memory (resident set) of each is measured in its own process.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def bench_indicators() -> dict:

    from imr_analysis import synth
    from imr_analysis.analysis.indicators import LEVELS, indicators_for_levels

    t0 = time.perf_counter()
    tables = synth.canonical(514, 10000, range(2015, 2025), monthly=True, seed=1)
    generate = time.perf_counter() - t0
    rows = len(tables["births"]) // 2

    def floor():
        for level in ("puskesmas", "district"):
            keys = LEVELS[level] + ["year"]
            tables["births"].groupby(keys, observed=True)[["live_births", "stillbirths"]].sum()
            tables["deaths"].groupby(keys + ["age_group"], observed=True)["deaths"].sum()
            tables["deaths_by_cause"].groupby(keys + ["age_group", "cause"], observed=True)["deaths"].sum()
            tables["neonatal_visits"].groupby(keys + ["visit"], observed=True)[["visits", "denominator"]].sum()

    def full():
        return list(indicators_for_levels(tables, ("puskesmas", "district"), cause_grouping="report_group").values())

    floor_s = min(_timed(floor) for _ in range(2))
    full_s, out = None, None
    for _ in range(2):
        t = time.perf_counter()
        out = full()
        elapsed = time.perf_counter() - t
        full_s = elapsed if full_s is None else min(full_s, elapsed)
    return {"rows": rows, "generate_s": generate, "floor_s": floor_s, "indicators_s": full_s,
            "ratio": full_s / floor_s, "output_rows": sum(len(o) for o in out), "peak_mb": _peak_mb()}


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_ingestion(workbooks: int = 30) -> dict:

    from imr_analysis import synth
    from imr_analysis.clean import clean

    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-annex-"))
    tables = synth.canonical(514, 10000, [2023], monthly=False, seed=2)
    paths = synth.write_annex(tables, tmp, max_workbooks=workbooks)
    result = {}
    frames = {}
    for engine in ("calamine", "openpyxl"):
        t = time.perf_counter()
        r = clean([tmp], engine=engine)
        elapsed = time.perf_counter() - t
        result[engine] = {"seconds": elapsed, "workbooks_per_s": len(paths) / elapsed}
        frames[engine] = r.tables
    same = all(frames["calamine"][n].drop(columns=["source_file", "source_sheet", "source_row"]).equals(
        frames["openpyxl"][n].drop(columns=["source_file", "source_sheet", "source_row"])) for n in frames["calamine"])
    result.update({"workbooks": len(paths), "puskesmas_rows": int(len(frames["calamine"]["births"]) // 2),
                   "same_values": same, "speedup_calamine": result["openpyxl"]["seconds"] / result["calamine"]["seconds"],
                   "peak_mb": _peak_mb()})
    return result


def bench_batch() -> dict:
    out = {}
    for jobs in (1, 2):
        tmp = Path(tempfile.mkdtemp(prefix=f"imr-bench-batch{jobs}-"))
        t = time.perf_counter()
        proc = subprocess.run([PY, "-m", "imr_analysis", "run", "--out", str(tmp / "reports"), "--processed",
                               str(tmp / "processed"), "--jobs", str(jobs)], capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            raise SystemExit(f"batch with --jobs {jobs} failed:\n{proc.stderr[-2000:]}")
        out[f"jobs{jobs}_s"] = elapsed
    out["ratio"] = out["jobs2_s"] / out["jobs1_s"]
    out["speedup"] = out["jobs1_s"] / out["jobs2_s"]
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


#: (d): the files cleaned, each generated with 50,000 rows (seeded).
CLEAN_CASES = {"annex births CSV": ("annex_csv", "births"), "annex deaths CSV": ("annex_csv", "deaths"),
               "AMP-SR line list CSV": ("linelist_csv", None)}


def bench_clean_scale(rows: int = 50_000) -> dict:
    from imr_analysis import synth

    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-clean-"))
    out = {"rows": rows}
    for label, (writer, table) in CLEAN_CASES.items():
        name = label.split()[1] if table else "linelist"
        path = getattr(synth, writer)(tmp / f"{name}_2023.csv", rows, **({"table": table} if table else {}))
        t = time.perf_counter()
        proc = subprocess.Popen([PY, "-m", "imr_analysis", "clean", str(path), "--out", str(tmp / f"processed_{name}")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)   # this process's own peak memory
        elapsed = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"cleaning the {label} failed:\n{proc.stderr.read().decode()[-2000:]}")
        report_kb = (tmp / f"processed_{name}" / "cleaning_report.md").stat().st_size / 1024
        out[label] = {"seconds": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                      "report_kb": report_kb}
    return out


#: (e): the cells of notebooks/02_annual_report.ipynb, in order (each a table, a text or a figure).
ANNUAL_CELLS = ("title", "headline", "headline_text", "deaths_by_cause", "deaths_by_cause_figure", "imr_by_puskesmas",
                "imr_by_puskesmas_figure", "causes_by_age", "causes_by_age_figure", "coverage", "coverage_figure",
                "meeting_points", "benchmarks", "funnel_figure", "funnel_flags", "year_on_year", "year_on_year_text")


def _import_seconds(module: str, tries: int = 3) -> float:
    """Seconds to import ``module`` in a fresh interpreter (best of ``tries``), interpreter start-up excluded."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return min(float(subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout)
               for _ in range(tries))


def _sample_processed() -> Path:
    """The bundled sample, cleaned into a temporary folder."""
    processed = Path(tempfile.mkdtemp(prefix="imr-bench-sample-")) / "processed"
    subprocess.run([PY, "-m", "imr_analysis", "clean", str(ROOT / "data" / "raw"), "--out", str(processed)],
                   check=True, capture_output=True)
    return processed


def bench_annual_report(year: int = 2023) -> dict:

    processed = _sample_processed()
    out = {"import_package_s": _import_seconds("imr_analysis"),
           "import_annual_s": _import_seconds("imr_analysis.report.annual")}
    t = time.perf_counter()
    import matplotlib.pyplot as plt

    from imr_analysis.report.annual import AnnualReport
    from imr_analysis.report.base import setup_display
    from imr_analysis.report.figures import describe, png
    out["import_in_process_s"] = time.perf_counter() - t

    def tables_and_figures(render: bool):
        setup_display()
        rep = AnnualReport.open(year, None, "id", processed, tempfile.mkdtemp(prefix="imr-bench-annual-"))
        for cell in ANNUAL_CELLS:
            shown = getattr(rep, cell)()
            shown = getattr(shown, "figure", shown)   # a numbered figure: what figures.show() draws
            if render and isinstance(shown, plt.Figure):   # what figures.show() puts in the notebook
                png(shown)
                describe(shown)
            elif render:
                getattr(shown, "_repr_html_", getattr(shown, "_repr_markdown_", lambda: None))()
        if render:
            rep.save()
        plt.close("all")

    out["first_s"] = _timed(lambda: tables_and_figures(False))      # as in a new kernel, after the imports
    out["warm_s"] = min(_timed(lambda: tables_and_figures(False)) for _ in range(3))
    out["rendered_saved_s"] = min(_timed(lambda: tables_and_figures(True)) for _ in range(2))
    out["peak_mb"] = _peak_mb()
    return out


def _cli(*args) -> tuple[float, str]:
    """Run ``imr-analysis ARGS`` in its own process; seconds and stdout."""
    t = time.perf_counter()
    proc = subprocess.run([PY, "-m", "imr_analysis", *map(str, args)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"imr-analysis {' '.join(map(str, args[:2]))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t, proc.stdout


def _notebook_seconds(stdout: str) -> dict[str, float]:
    """The seconds of each notebook in the batch's closing summary (report, status, seconds, output)."""
    seconds = {}
    for line in stdout.splitlines():
        parts = line.rsplit(None, 3)
        if len(parts) == 4 and parts[1] == "ok" and parts[3].endswith(".html"):
            text = parts[2]   # '1,0' / '1.234,5' when the summary is Indonesian (the default), '1.0' in English
            seconds[parts[3]] = float(text.replace(".", "").replace(",", ".") if "," in text else text)
    return seconds


def _annual_in_process(processed: Path, district: str, years: list[int], office: bool = False) -> float:
    """Seconds per annual report computed in this process: every cell, figures rendered to PNG, save(); with
    ``office`` also its slides and document (``write_office``), as the batch writes them for each annual report."""
    import matplotlib.pyplot as plt

    from imr_analysis.report.annual import AnnualReport
    from imr_analysis.report.base import setup_display
    from imr_analysis.report.figures import describe, png
    from imr_analysis.report.office import write_office

    def one(year):
        setup_display()
        rep = AnnualReport.open(year, district, "id", processed, tempfile.mkdtemp(prefix="imr-bench-annual-"))
        for cell in ANNUAL_CELLS:
            shown = getattr(rep, cell)()
            shown = getattr(shown, "figure", shown)   # a numbered figure: what figures.show() draws
            if isinstance(shown, plt.Figure):
                png(shown)
                describe(shown)
            else:
                getattr(shown, "_repr_html_", getattr(shown, "_repr_markdown_", lambda: None))()
        rep.save()
        if office:
            write_office(rep)
        plt.close("all")

    one(years[0])   # imports and first use, as a warm kernel has them
    return sum(_timed(lambda: one(y)) for y in years) / len(years)


def bench_province(districts: int = 38, years: str = "2019-2024", jobs: int = 2, dask: bool = True) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="imr-bench-province-"))
    raw = tmp / "raw"
    out = {"districts": districts, "years": years, "jobs": jobs}
    out["synth_s"], _ = _cli("synth", "--districts", districts, "--puskesmas", districts * 10, "--years", years,
                             "--format", "annex", "--out", raw)
    out["clean_s"], _ = _cli("clean", raw, "--out", tmp / "processed")
    out["load_before"] = os.getloadavg()[0]
    out["batch_s"], stdout = _cli("run", "--raw", raw, "--districts", "all", "--jobs", jobs, "--out", tmp / "reports",
                                  "--processed", tmp / "processed_run")
    out["load_after"] = os.getloadavg()[0]
    seconds = _notebook_seconds(stdout)
    annual = [s for path, s in seconds.items() if path.endswith("annual_report.html")]
    out.update(notebooks=len(seconds), annual_reports=len(annual), per_report_s=out["batch_s"] / len(seconds),
               annual_notebook_s=sum(annual) / len(annual))
    from imr_analysis.clean.store import load_processed
    from imr_analysis.report.tables import districts as data_districts, years as data_years

    data = load_processed(tmp / "processed")
    first = data_districts(data)[0]
    out["annual_in_process_s"] = _annual_in_process(tmp / "processed", first, data_years(data, first))
    out["annual_in_process_office_s"] = _annual_in_process(tmp / "processed", first, data_years(data, first), office=True)
    out["overhead"] = out["annual_notebook_s"] / out["annual_in_process_office_s"]
    out["overhead_without_office"] = out["annual_notebook_s"] / out["annual_in_process_s"]
    if dask:
        from distributed import LocalCluster

        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            out["dask_load_before"] = os.getloadavg()[0]
            out["dask_s"], stdout = _cli("run", "--raw", raw, "--districts", "all", "--scheduler", cluster.scheduler_address,
                                         "--out", tmp / "reports_dask", "--processed", tmp / "processed_dask")
            out["dask_load_after"] = os.getloadavg()[0]
        out["dask_notebooks"] = len(_notebook_seconds(stdout))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def bench_province_quick() -> dict:
    return bench_province(districts=4)


#: (g): phe_rate (PHEindicatormethods, R) on the same 1.2 million rows, recorded on this machine; R is not
#: installable here, so this is the recorded reference, not a measurement of this run.
PHE_RATE_RECORDED_S = 7.2


def bench_rate_ci(rows: int = 1_200_000) -> dict:
    import numpy as np

    from imr_analysis.analysis.intervals import BYAR_MIN_EVENTS, _exact_table, _z, rate_ci

    rng = np.random.default_rng(13)
    events = rng.poisson(np.exp(rng.uniform(np.log(0.05), np.log(200), rows))).astype(float)
    births = rng.integers(20, 20_000, rows).astype(float)

    def floor():
        small = events < BYAR_MIN_EVENTS
        index = np.where(small, events, 0).astype(np.intp)
        out = [events / births * 1000]
        with np.errstate(divide="ignore", invalid="ignore"):
            for level in (0.95, 0.998):
                z, (table_lo, table_hi) = _z(level), _exact_table(level)
                lower = events * (1 - 1 / (9 * events) - z / (3 * np.sqrt(events))) ** 3
                upper = (events + 1) * (1 - 1 / (9 * (events + 1)) + z / (3 * np.sqrt(events + 1))) ** 3
                out += [np.where(small, table_lo[index], lower) / births * 1000,
                        np.where(small, table_hi[index], upper) / births * 1000]
        return out

    rate_ci(events[:100], births[:100])   # tables and imports loaded before timing, as for the floor
    floor_s = min(_timed(floor) for _ in range(5))
    rate_s = min(_timed(lambda: rate_ci(events, births)) for _ in range(5))
    return {"rows": rows, "floor_s": floor_s, "rate_ci_s": rate_s, "ratio": rate_s / floor_s,
            "below_ten": float((events < BYAR_MIN_EVENTS).mean()), "phe_recorded_s": PHE_RATE_RECORDED_S,
            "vs_phe": PHE_RATE_RECORDED_S / rate_s, "peak_mb": _peak_mb()}


BENCHES = {"a": bench_indicators, "b": bench_ingestion, "c": bench_batch, "d": bench_clean_scale,
           "e": bench_annual_report, "f": bench_province, "f-quick": bench_province_quick, "g": bench_rate_ci}


def main(args: list[str]) -> int:
    if args and args[0] == "--child":
        print(json.dumps(BENCHES[args[1]]()))
        return 0
    quick = "--quick" in args
    chosen = [f"{a}-quick" if quick and f"{a}-quick" in BENCHES else a for a in args if a in BENCHES] or \
        [k for k in BENCHES if not k.endswith("-quick")]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    results = {}
    for key in chosen:
        proc = subprocess.run([PY, __file__, "--child", key], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            print(f"({key}) failed:\n{proc.stderr[-3000:]}")
            return 1
        results[key] = json.loads(proc.stdout.strip().splitlines()[-1])
        report(key, results[key])
    return 0


def report(key: str, r: dict) -> None:
    if key == "a":
        ok = r["ratio"] <= 3 and r["indicators_s"] < 10
        print(f"(a) indicators, {r['rows']:,} Puskesmas-months -> {r['output_rows']:,} indicator rows "
              f"(Puskesmas x year and district x year, with CIs and targets)")
        print(f"    floor (groupby-sum) {r['floor_s']:.2f} s; indicators {r['indicators_s']:.2f} s; "
              f"ratio {r['ratio']:.2f}x (target <= 3x and < 10 s: {'met' if ok else 'MISSED'})")
        print(f"(a) peak memory: {r['peak_mb']:.0f} MB (target < 3,000 MB: {'met' if r['peak_mb'] < 3000 else 'MISSED'}); "
              f"data generation {r['generate_s']:.1f} s")
    elif key == "b":
        print(f"(b) ingestion of {r['workbooks']} annex workbooks ({r['puskesmas_rows']} Puskesmas rows): "
              f"calamine {r['calamine']['workbooks_per_s']:.1f} workbooks/s ({r['calamine']['seconds']:.2f} s), "
              f"openpyxl {r['openpyxl']['workbooks_per_s']:.1f} workbooks/s ({r['openpyxl']['seconds']:.2f} s); "
              f"calamine {r['speedup_calamine']:.2f}x faster; same values: {r['same_values']}")
        print(f"(b) peak memory: {r['peak_mb']:.0f} MB")
    elif key == "c":
        ok = r["ratio"] <= 0.65
        print(f"(c) batch on the sample (8 notebooks): serial {r['jobs1_s']:.1f} s, --jobs 2 {r['jobs2_s']:.1f} s; "
              f"ratio {r['ratio']:.2f} (speed-up {r['speedup']:.2f}x; target <= 0.65: {'met' if ok else 'MISSED'})")
        print(f"(c) peak memory: {r['peak_mb']:.0f} MB (largest single process: batch runner or a notebook kernel)")
    elif key == "d":
        print(f"(d) imr-analysis clean FILE --out DIR, {r['rows']:,} rows, start-up and every output included "
              f"(target < 10 s and < 500 MB each):")
        for label in CLEAN_CASES:
            c = r[label]
            ok = c["seconds"] < 10 and c["peak_mb"] < 500
            print(f"    {label}: {c['seconds']:.1f} s ({c['cpu_s']:.1f} s CPU), peak {c['peak_mb']:.0f} MB, "
                  f"cleaning_report.md {c['report_kb']:.0f} KB: {'met' if ok else 'MISSED'}")
    elif key == "e":
        ok = r["first_s"] <= 1.0
        ok_import = max(r["import_package_s"], r["import_annual_s"]) <= 1.5
        print(f"(e) one annual report's tables and figures in-process (sample, 2023; every cell of the notebook): "
              f"{r['first_s']:.2f} s after the imports, {r['warm_s']:.2f} s warm (target <= 1.0 s: "
              f"{'met' if ok else 'MISSED'}); with every figure rendered to PNG and save(): {r['rendered_saved_s']:.2f} s")
        print(f"(e) import imr_analysis {r['import_package_s']:.2f} s, import imr_analysis.report.annual "
              f"{r['import_annual_s']:.2f} s, fresh processes (target <= 1.5 s: {'met' if ok_import else 'MISSED'})")
    elif key.startswith("f"):
        ok = r["batch_s"] <= 480 * r["districts"] / 38 and r["per_report_s"] <= 2 and r["overhead"] <= 1.5
        print(f"(f) province batch, {r['districts']} districts x {r['years']} ({r['notebooks']} notebooks: "
              f"{r['annual_reports']} annual, {r['districts']} trends, data quality; HTML, slides, documents and index): "
              f"synth {r['synth_s']:.0f} s, clean {r['clean_s']:.0f} s; run --districts all --jobs {r['jobs']} "
              f"{r['batch_s']:.0f} s (cleaning included), {r['per_report_s']:.2f} s per report amortised "
              f"(load average {r['load_before']:.1f} before, {r['load_after']:.1f} after, {os.cpu_count()} cores)")
        print(f"(f) an annual report: {r['annual_notebook_s']:.2f} s in its batch process (papermill on a warm kernel, "
              f"slides and document, HTML export) against {r['annual_in_process_office_s']:.2f} s in-process with its "
              f"slides and document: {r['overhead']:.2f}x ({r['annual_in_process_s']:.2f} s in-process without them: "
              f"{r['overhead_without_office']:.2f}x); targets <= 8 min (scaled to {r['districts']} districts), "
              f"<= 2 s per report, <= 1.5x: {'met' if ok else 'MISSED'}")
        if "dask_s" in r:
            print(f"(f) the same on a Dask LocalCluster ({r['jobs']} worker processes, --scheduler): {r['dask_s']:.0f} s "
                  f"({r['dask_s'] / r['dask_notebooks']:.2f} s per report; load average {r['dask_load_before']:.1f} "
                  f"before, {r['dask_load_after']:.1f} after), against {r['batch_s']:.0f} s with --jobs {r['jobs']}")
        print(f"(f) peak memory: {r['peak_mb']:.0f} MB (largest process)")
    elif key == "g":
        ok = r["ratio"] <= 1.5 and r["vs_phe"] >= 10
        print(f"(g) rate_ci on {r['rows']:,} rows ({r['below_ten']:.0%} below 10 events): {r['rate_ci_s']:.3f} s; "
              f"numpy floor {r['floor_s']:.3f} s; ratio {r['ratio']:.2f}x; {r['vs_phe']:.0f}x faster than phe_rate's "
              f"recorded {r['phe_recorded_s']} s (R not available here: recorded figure, not measured in this run); "
              f"target <= 1.5x and >= 10x: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

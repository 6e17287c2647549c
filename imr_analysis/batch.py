"""The yearly batch: clean the raw data, then run the report notebooks with papermill.

For each year ``02_annual_report`` runs once, ``03_trends`` runs once over the range, and
``01_data_quality`` once; each executed notebook is saved with an HTML copy (nbconvert, code
hidden unless asked), and ``index.html`` links every output. A failing year does not stop the
others: papermill saves the failed notebook with its error cell, the summary names it, and the
command exits non-zero. This is the only module that knows about papermill.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tqdm import tqdm

from . import config, markup, outputs
from .errors import InputError
from .privacy import scrub
from .report.language import check_lang
from .vocab.messages import say

NOTEBOOKS = {"quality": "01_data_quality.ipynb", "annual": "02_annual_report.ipynb", "trends": "03_trends.ipynb",
             "brief": "04_lokmin_brief.ipynb", "review": "05_amp_sr.ipynb"}
#: How long ``--scheduler`` waits for the Dask scheduler to answer (a Dask duration, e.g. '20s', the default).
SCHEDULER_TIMEOUT_ENV = "IMR_ANALYSIS_SCHEDULER_TIMEOUT"
#: The AMP-SR recommendations register the review report follows up, beside the processed folder.
REGISTER_NAME = "rekomendasi_ampsr.xlsx"


@dataclass
class Job:
    name: str            # '2023', 'trends', 'data_quality'
    notebook: str        # template file name in notebooks/
    output: Path         # executed notebook
    parameters: dict


@dataclass
class JobResult:
    name: str
    status: str          # 'ok' | 'failed'
    seconds: float
    output: Path
    html: Path | None = None
    error: str = ""


@dataclass
class BatchResult:
    out: Path
    results: list[JobResult] = field(default_factory=list)
    index: Path | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status != "ok"]


def parse_years(text: str | None) -> list[int] | None:
    """'2019-2024' -> [2019, ..., 2024]; '2021,2023' -> [2021, 2023]; None -> None (all years)."""
    if not text:
        return None
    years: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                a, b = (int(x) for x in part.split("-"))
                years += list(range(a, b + 1))
            else:
                years.append(int(part))
    except ValueError:
        raise InputError.from_key("bad_years", text=text) from None
    return sorted(set(years))


def _kernel_dir(out: Path) -> Path:
    """A 'python3' kernelspec for *this* interpreter, put first on JUPYTER_PATH.

    So the notebooks run on the environment the batch runs in, even when the user has another
    'python3' kernel registered elsewhere.
    """
    root = Path(tempfile.mkdtemp(prefix="imr-kernel-"))
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python 3 (imr-analysis)", "language": "python"}))
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), os.environ.get("JUPYTER_PATH", "")]).rstrip(os.pathsep)
    return root


def _execute(job: Job, show_code: bool, retries: int = 2) -> JobResult:
    """Run one notebook with papermill on this process's warm kernel (``kernels``; retrying kernel-start
    failures), then export HTML here.

    papermill writes the executed notebook once, when it has run (or failed), not after every cell: a
    report's notebook is rewritten some forty times otherwise, which costs more than its cells. An annual
    report's and a quarterly brief's slides and document are written in the kernel, from the notebook's report object
    (``OFFICE_EPILOGUE``), so its figures are drawn and its indicators computed once.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .kernels import ENGINE, Epilogue

    job.output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    status, error = "ok", ""
    for attempt in range(retries + 1):
        kind = next((k for k in OFFICE_EPILOGUE if NOTEBOOKS[k] == job.notebook), None)
        office = Epilogue(OFFICE_EPILOGUE[kind]) if kind else None
        try:
            pm.execute_notebook(str(config.NOTEBOOKS_DIR / job.notebook), str(job.output), parameters=job.parameters,
                                kernel_name="python3", engine_name=ENGINE, cwd=str(config.NOTEBOOKS_DIR),
                                progress_bar=False, log_output=False, start_timeout=120,
                                request_save_on_cell_execute=False, autosave_cell_every=0, epilogue=office,
                                kernel_manager_class=quiet_kernel_manager(kernel_log(job.output)))
            status, error = "ok", ""
            if office is not None and office.error:   # the HTML stands; the job says what is missing
                status, error = "failed", f"slides and document not written ({scrub(office.error)})"
            break
        except PapermillExecutionError as exc:
            status, error = "failed", f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
            break
        except Exception as exc:  # the kernel did not start: ZMQ port race, start timeout, dead kernel
            if not _kernel_start_problem(exc):
                raise
            status, error = "failed", (f"the notebook kernel could not start after {attempt + 1} tries "
                                       f"({type(exc).__name__}: {exc}); check that ipykernel is installed in this environment")
            time.sleep(1 + attempt)
    html_path = _to_html(job.output, show_code, job.parameters.get("lang", "id")) if job.output.exists() else None
    return JobResult(job.name, status, time.perf_counter() - start, job.output, html_path, error)


#: Run in the kernel after an annual report's or a quarterly brief's notebook (``kernels.Epilogue``): its slides
#: and editable document (report/office.py) beside its HTML, from the notebook's ``rep``: the figures it drew,
#: the indicators it computed.
OFFICE_EPILOGUE = {
    "annual": """
from imr_analysis.report.office import write_office as _imr_write_office
_imr_write_office(rep)
del _imr_write_office
""",
    "brief": """
from imr_analysis.report.office import write_office_brief as _imr_write_office
_imr_write_office(rep)
del _imr_write_office
""",
}


def kernel_log(notebook: Path) -> Path:
    """Where a notebook kernel writes its own log: logs/<notebook>.kernel.log beside the first notebook it ran
    (a batch process keeps one warm kernel for its notebooks, kernels.py)."""
    return notebook.parent / "logs" / f"{notebook.stem}.kernel.log"


def quiet_kernel_manager(log: Path):
    """A kernel manager whose kernel process writes its stdout and stderr to ``log``, not the console.

    The kernel's own log lines (``[IPKernelApp] WARNING ...``, ``KeyboardInterrupt caught in
    kernel`` when jupyter_client interrupts it at shutdown, a traceback when the run is stopped
    with Ctrl-C) would otherwise reach the terminal of ``run``, because the kernel inherits its
    streams. What the notebook's cells print is not affected: it travels to the notebook over
    the kernel's messages.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "ab") as handle:   # the kernel process keeps its own copy of the file
                kw["stdout"] = kw["stderr"] = handle
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def _kernel_start_problem(exc: Exception) -> bool:
    """Errors worth a retry: ZMQ address in use, kernel start timeouts, a kernel that died at start."""
    name = type(exc).__name__
    text = str(exc).lower()
    return (name in ("ZMQError", "TimeoutError", "DeadKernelError", "RuntimeError") or "kernel" in text
            or "address already in use" in text or isinstance(exc, (OSError, TimeoutError)))


def _to_html(notebook: Path, show_code: bool, lang: str = "id") -> Path:
    """The notebook as an HTML report: its page title is the report's title and its language ``lang``
    (``<html lang>``), not nbconvert's defaults (the notebook's file name, English)."""
    import nbformat

    from .report.base import notebook_title

    nb = nbformat.read(notebook, as_version=4)
    title = notebook_title(nb)
    if title:
        nb.metadata["title"] = title   # what nbconvert's template puts in <title>
    exporter = _html_exporter(show_code)
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(nb)
    path = notebook.with_suffix(".html")
    path.write_text(body, encoding="utf-8")
    return path


@lru_cache(maxsize=2)
def _html_exporter(show_code: bool):
    """One nbconvert HTML exporter per process (its templates load once)."""
    from nbconvert import HTMLExporter

    from traitlets.config import Config

    from .report.base import html_export_config

    return HTMLExporter(config=Config(html_export_config()), exclude_input=not show_code, exclude_input_prompt=True,
                        exclude_output_prompt=True)


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def plan(years: list[int] | None, raw: list[Path], district: str | None, out: Path, lang: str,
         processed: Path, report=None, districts: list[str] | None = None) -> tuple[list[Job], list[str], list[int]]:
    """Clean, check every parameter, and list the notebook runs, before any notebook starts.

    One district (``district``, or the only one in the data): reports/<year>/... . Several
    (``districts``: names, or ['all']): reports/<district>/<year>/... for every district x year.
    """
    from .clean.store import run_clean
    from .report.tables import districts as data_districts, resolve_district, years as data_years

    check_lang(lang)
    run = run_clean(raw, processed, keep_going=True, district=district, lang=lang)
    if report is not None:
        report(run)
    errors = run.result.input_errors
    for _, e in errors.iterrows():
        print(say("run_input_error", lang, message=InputError.from_stored(e["code"], e["params"], e["message"]).render(lang)),
              file=sys.stderr)
    tables = run.result.tables
    if all(t.empty for t in tables.values()):
        raise InputError.from_key("no_usable_table")
    if districts:
        chosen_districts = data_districts(tables) if districts == ["all"] else \
            [resolve_district(tables, d) for d in districts]
    else:
        chosen_districts = [resolve_district(tables, district)]
    nested = bool(districts)
    jobs = [Job("data_quality", NOTEBOOKS["quality"], out / "data_quality" / "data_quality.ipynb",
                {"processed_dir": str(processed), "lang": lang, "run_cleaning": False})]
    all_years: set[int] = set()
    for name in chosen_districts:
        available = sorted(set(data_years(tables, name)) | {int(y) for y in errors["year"].dropna()})
        chosen = years or available
        unknown = [y for y in chosen if y not in available]
        if unknown:
            raise InputError.from_key("years_not_in_data", years=", ".join(map(str, unknown)), district=name,
                                      available=", ".join(map(str, available)))
        base = out / _slug(name) if nested else out
        label = f"{name} " if nested else ""
        common = {"district": name, "lang": lang, "processed_dir": str(processed)}
        for year in chosen:
            jobs.append(Job(f"{label}{year}", NOTEBOOKS["annual"], base / str(year) / "annual_report.ipynb",
                            {**common, "year": year, "output_dir": str(base / str(year))}))
        jobs += review_jobs(chosen, name, label, base, common, processed)
        jobs.append(Job(f"{label}trends", NOTEBOOKS["trends"], base / "trends" / "trends.ipynb",
                        {**common, "start_year": min(chosen), "end_year": max(chosen), "output_dir": str(base / "trends")}))
        all_years |= set(chosen)
    return jobs, chosen_districts, sorted(all_years)


def review_jobs(years: list[int], district: str, label: str, base: Path, common: dict, processed: Path) -> list[Job]:
    """The AMP-SR review report (05_amp_sr) of each year whose deaths have review records in the processed
    folder, following up the register beside it (REGISTER_NAME) as of today."""
    import datetime as dt

    from .report.review import has_reviews

    register = Path(processed).parent / REGISTER_NAME
    return [Job(f"{label}amp_sr_{year}", NOTEBOOKS["review"], base / str(year) / "amp_sr" / "amp_sr.ipynb",
                {**common, "year": year, "output_dir": str(base / str(year) / "amp_sr"), "register": str(register),
                 "as_of": dt.date.today().isoformat()})
            for year in years if has_reviews(processed, year, district)]


@dataclass
class NotebookCopies:
    """What ``copy_notebooks`` wrote: the copies, and the district, years and folders they are set for."""

    written: list[Path]
    district: str
    year: int                       # the annual report's year
    processed: Path
    years: tuple[int, int]          # the trend report's first and last year
    brief: tuple[int, int] | None   # the quarterly brief's year and quarter; None: no monthly reports yet
    review_year: int                # the AMP-SR review report's year
    register: Path                  # the recommendations register the review report follows up


def copy_notebooks(out: Path, processed: Path | None = None, district: str | None = None, year: int | None = None,
                   lang: str = "id", force: bool = False) -> NotebookCopies:
    """Copy every report notebook (``NOTEBOOKS``: 01-05) into ``out``, their parameters cells set for one district,
    so the analyst works on a copy and notebooks/ (the stored nbval baseline) stays as it is.

    Each copy's ``parameters`` cell names ``lang``, the processed folder, the district and an output folder under
    ``out/outputs/``; then, by notebook: the annual report's year (default: the last in the data); the trend report's
    years (every year in the data); the quarterly brief's last quarter with monthly reports, for the whole district,
    its RTL register ``outputs/brief/rtl_register.csv`` (an empty template is written on the first run); the AMP-SR
    review report's year (the annual report's, else the last year with reviews), the recommendations register
    beside the processed folder (``REGISTER_NAME``, as ``run`` uses) and ``as_of`` None: followed up as of the day
    it runs. The stored outputs of the sample are cleared.
    """
    import nbformat

    from .clean.store import load_processed
    from .report.tables import resolve_district, years as data_years

    check_lang(lang)
    out = Path(out).resolve()
    processed = Path(processed or Path.cwd() / "data" / "processed").resolve()
    tables = load_processed(processed)
    name = resolve_district(tables, district)
    years = sorted(data_years(tables, name))
    year = year if year is not None else max(years)
    if year not in years:
        raise InputError(say("err_no_year_district", lang, year=year, district=name, years=", ".join(map(str, years))),
                         fix=say("fix_year_from_list", lang), lang=lang)
    brief = last_brief_quarter(processed, name)
    review_year = review_report_year(processed, name, year)
    register = processed.parent / REGISTER_NAME
    common = {"lang": lang, "processed_dir": str(processed)}
    outputs_dir = out / "outputs"
    parameters = {
        NOTEBOOKS["quality"]: {**common, "run_cleaning": False},
        NOTEBOOKS["annual"]: {**common, "year": year, "district": name, "output_dir": str(outputs_dir / str(year))},
        NOTEBOOKS["trends"]: {**common, "start_year": years[0], "end_year": years[-1], "district": name,
                              "output_dir": str(outputs_dir / "trends")},
        NOTEBOOKS["brief"]: {**common, "year": brief[0] if brief else year, "quarter": brief[1] if brief else 4,
                             "puskesmas": None, "kecamatan": None, "district": name,
                             "output_dir": str(outputs_dir / "brief"),
                             "rtl_register": str(outputs_dir / "brief" / "rtl_register.csv")},
        NOTEBOOKS["review"]: {**common, "year": review_year, "district": name,
                              "output_dir": str(outputs_dir / str(review_year) / "amp_sr"), "register": str(register),
                              "as_of": None},
    }
    present = [n for n in parameters if (out / n).exists()]
    if present and not force:
        raise InputError(say("err_notebooks_exist", lang, out=out, names=", ".join(present)),
                         fix=say("fix_notebooks_exist", lang), lang=lang)
    written = []
    for notebook, values in parameters.items():
        nb = nbformat.read(config.NOTEBOOKS_DIR / notebook, as_version=4)
        set_parameters(nb, values)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        written.append(outputs.write_text(out / notebook, nbformat.writes(nb)))
    return NotebookCopies(written, name, year, processed, (years[0], years[-1]), brief, review_year, register)


def last_brief_quarter(processed: Path, district: str) -> tuple[int, int] | None:
    """The last year and quarter of the district's monthly reports (the quarter of their last month), or None when
    the processed folder has none."""
    from .clean.store import load_monthly_desa

    if not (Path(processed) / "monthly_desa.parquet").exists():
        return None
    monthly = load_monthly_desa(processed)
    monthly = monthly[monthly["district"] == district]
    if monthly.empty:
        return None
    last = int(monthly["year"].max())
    return last, (int(monthly.loc[monthly["year"] == last, "month"].max()) - 1) // 3 + 1


def review_report_year(processed: Path, district: str, year: int) -> int:
    """The AMP-SR review report's year: ``year`` when its deaths have review records, else the last year that
    has them, else ``year`` (the report then says there are none)."""
    from .clean.store import load_reviews

    reviews = load_reviews(Path(processed))
    reviewed = sorted(int(y) for y in reviews.loc[reviews["district"] == district, "year"].unique())
    return year if year in reviewed or not reviewed else reviewed[-1]


def set_parameters(nb, values: dict) -> None:
    """Set ``name = value`` lines of the notebook's cell tagged 'parameters' (as papermill finds it)."""
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    lines, found = cell.source.splitlines(), set()
    for i, line in enumerate(lines):
        name = line.split("=", 1)[0].strip()
        if "=" in line and name in values:
            lines[i] = f"{name} = {values[name]!r}"
            found.add(name)
    if set(values) - found:
        raise ValueError(f"the parameters cell lacks {', '.join(sorted(set(values) - found))}")
    cell.source = "\n".join(lines)


def working_paths(out: Path | None, processed: Path | None, raw: list[Path] | None) -> tuple[Path, Path, list[Path]]:
    """The batch's folders: as given, else under the current folder (reports/, data/processed/, data/raw/).

    Never the package's own folder: run from anywhere, the batch writes where the user is.
    """
    here = Path.cwd()
    out = Path(out or here / "reports").resolve()
    processed = Path(processed or here / "data" / "processed").resolve()
    if not raw:
        if not (here / "data" / "raw").is_dir():
            raise InputError.from_key("raw_missing", folder=str(here / "data" / "raw"))
        raw = [here / "data" / "raw"]
    return out, processed, [Path(p) for p in raw]


def run_batch(years: list[int] | None = None, raw: list[Path] | None = None, district: str | None = None,
              out: Path | None = None, lang: str = "id", jobs: int = 1, processed: Path | None = None,
              show_code: bool = False, report_cleaning=None, districts: list[str] | None = None,
              scheduler: str | None = None) -> BatchResult:
    """The main job. Returns every notebook's status; the caller decides the exit code.

    ``report_cleaning`` is called with the cleaning run before any notebook starts (the CLI prints it).
    ``jobs``: notebooks run at once in separate processes on this machine. ``scheduler``: the address
    of a Dask distributed scheduler (tcp://host:port) whose workers run the notebooks instead; they
    must see the same project folder and output folder (a shared drive) and have imr-analysis installed.
    """
    started = time.perf_counter()
    out, processed, raw = working_paths(out, processed, raw)
    planned, chosen_districts, chosen = plan(years, raw, district, out, lang, processed, report_cleaning, districts)
    _kernel_dir(out)
    result = BatchResult(out)
    bar = tqdm(total=len(planned), desc="notebooks", unit="nb", file=sys.stderr, disable=None)
    if scheduler:
        result.results = _run_on_dask(scheduler, planned, show_code, bar)
    elif jobs <= 1:
        for job in planned:
            result.results.append(_execute(job, show_code))
            bar.update()
    else:
        # the trend reports take longest: start them first so no worker waits alone at the end
        queue = sorted(planned, key=lambda j: j.notebook != NOTEBOOKS["trends"])
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_execute, job, show_code): job for job in queue}
            for future in as_completed(futures):
                result.results.append(future.result())
                bar.update()
    bar.close()
    order = {j.name: i for i, j in enumerate(planned)}
    result.results.sort(key=lambda r: order[r.name])
    label = ", ".join(chosen_districts) if len(chosen_districts) <= 3 else f"{len(chosen_districts)} districts"
    result.index = write_index(result, label, chosen, processed)
    result.seconds = time.perf_counter() - started
    return result


def plan_briefs(year: int, quarter: int, processed: Path, out: Path, lang: str = "id", puskesmas: str | None = None,
                kecamatan: str | None = None, every: bool = False, district: str | None = None,
                rtl: Path | None = None) -> list[Job]:
    """The brief notebook runs: one for the area asked (a Puskesmas, a kecamatan, else the district), or one per
    Puskesmas (``every``). Names are checked first: an unknown one stops with the valid names (InputError)."""
    from .analysis.brief import area_rows, quarter_months
    from .clean.store import load_monthly_desa

    check_lang(lang)
    quarter_months(quarter)
    monthly = load_monthly_desa(processed)
    rows, level, area, district = area_rows(monthly, district, puskesmas, kecamatan)
    if int(year) not in set(rows["year"]):
        raise InputError.from_key("no_monthly_year", area=area, year=int(year),
                                  years=", ".join(map(str, sorted(set(rows["year"])))))
    areas = [("puskesmas", p) for p in sorted(rows["puskesmas"].unique())] if every else [(level, area)]
    jobs = []
    for lvl, name in areas:
        folder = out / f"{_slug(name)}_{year}_tw{quarter}"
        jobs.append(Job(f"{name} {year} TW{quarter}", NOTEBOOKS["brief"], folder / "lokmin_brief.ipynb",
                        {"year": int(year), "quarter": int(quarter), "puskesmas": name if lvl == "puskesmas" else None,
                         "kecamatan": name if lvl == "kecamatan" else None, "district": district, "lang": lang,
                         "processed_dir": str(processed), "output_dir": str(folder),
                         "rtl_register": str(rtl or folder / "rtl_register.csv")}))
    return jobs


def run_briefs(jobs: list[Job], out: Path, show_code: bool = False) -> list[JobResult]:
    """Run the brief notebooks one after another on this process's warm kernel: notebook, HTML, slides, document."""
    _kernel_dir(out)
    return [_execute(job, show_code) for job in jobs]


def _run_on_dask(address: str, planned: list[Job], show_code: bool, bar) -> list[JobResult]:
    """Send every notebook run to the workers of a Dask distributed cluster and collect the results."""
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise InputError.from_key("dask_missing") from None
    try:
        client = Client(address, timeout=os.environ.get(SCHEDULER_TIMEOUT_ENV, "20s"))
    except OSError as exc:
        raise InputError.from_key("dask_no_scheduler", address=address, error=str(exc)) from None
    results = []
    try:
        futures = [client.submit(_execute, job, show_code, pure=False, key=f"imr-{i}-{job.name}")
                   for i, job in enumerate(planned)]
        for future in dask_completed(futures):
            results.append(future.result())
            bar.update()
    finally:
        client.close()
    return results


def write_index(result: BatchResult, district: str, years: list[int], processed: Path) -> Path:
    """reports/index.html: a dashboard of the headline rates, then every report (``report.index``)."""
    from .report.index import write

    return write(result, district, years, processed)


def summary_table(result: BatchResult, lang: str = "id") -> str:
    """The closing summary: report, status, seconds and output of every notebook run, headed in ``lang``."""
    from .report.language import fmt

    report, status, seconds, output = say("summary_header", lang).split("|")
    width = max([14] + [len(r.name) + 2 for r in result.results])
    lines = [f"{report:<{width}}{status:<9}{seconds:>8}  {output}"]
    for r in result.results:
        lines.append(f"{r.name:<{width}}{r.status:<9}{fmt(r.seconds, lang):>8}  {r.html or r.output}")
        if r.error:
            lines.append(f"{'':<{width}}  {say('summary_error', lang)}: {r.error}")
    return "\n".join(lines)

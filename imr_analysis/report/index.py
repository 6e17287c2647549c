"""reports/index.html: the batch's front page, a small dashboard in the report language.

It shows, per district, the headline AKB and AKN of each year with their 95% intervals and their
status against the target, a small trend chart, the number of data-quality findings, and then
the reports with names a reader understands. Every text from the input (district names, file
names, error messages) is escaped with ``markup.text``.
"""
from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path

import pandas as pd

from .. import markup
from ..analysis.completeness import partial_years_by_district
from ..analysis.indicators import compute_indicators
from ..clean.store import load_processed
from . import figures
from ..vocab.targets import source_text
from .language import LANGS, fmt, fmt_ci, say, t, year_label, year_range

STYLE = """body{font-family:sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.met{color:#1b7837}.notmet{color:#b2182b}
.failed{color:#b2182b;font-weight:bold}img.trend{max-width:36em}.cards span{display:inline-block;margin-right:2em}
.source{font-size:85%;color:#555}"""


def report_lang(results) -> str:
    """The language the reports were made in: the ``lang`` parameter papermill stored in an executed notebook."""
    for r in results:
        try:
            params = json.loads(Path(r.output).read_text(encoding="utf-8"))["metadata"]["papermill"]["parameters"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if params.get("lang") in LANGS:
            return params["lang"]
    return "id"


def headline_by_year(processed: Path, years: list[int]) -> pd.DataFrame:
    """AKB and AKN per district and year with 95% CIs, target and whether it is met (district level);
    ``months``: the months a partial year's data cover (empty for a full year)."""
    if not (Path(processed) / "births.parquet").exists():
        return pd.DataFrame()
    tables = load_processed(Path(processed))
    ind = compute_indicators(tables, level="district")
    ind = ind[ind["indicator"].isin(["imr", "nmr"]) & ind["year"].isin(years)]
    partial = partial_years_by_district(tables)
    ind = ind.assign(months=[partial.get(d, {}).get(y, ()) for d, y in zip(ind["district"], ind["year"])])
    return ind[["area", "indicator", "year", "numerator", "denominator", "value", "lower_95", "upper_95", "target",
                "target_source", "meets_target", "months"]].sort_values(["area", "year", "indicator"]).reset_index(drop=True)


def _year_text(g: pd.DataFrame, year: int, lang: str) -> str:
    """'2024'; a partial year '2025 (Januari s.d. Juni)' (``months`` of its rows)."""
    months = g["months"].iloc[0] if "months" in g and len(g["months"].iloc[0]) else range(1, 13)
    return year_label(int(year), months, lang)


def findings_count(processed: Path) -> dict[str, int]:
    """Findings by severity (findings.csv)."""
    path = Path(processed) / "findings.csv"
    if not path.exists():
        return {}
    f = pd.read_csv(path, keep_default_na=False)
    return {s: int((f["severity"] == s).sum()) for s in ("error", "warning", "info")}


def _status(row, lang: str) -> str:
    if pd.isna(row["target"]) or pd.isna(row["meets_target"]):
        return "-"
    met = bool(row["meets_target"])
    return f'<span class="{"met" if met else "notmet"}">{t("already met" if met else "not met", lang)}</span>'


def headline_table(h: pd.DataFrame, lang: str) -> str:
    """One row per district and year: AKB and AKN with 95% CI and their status against the target."""
    head = [t("district_label", lang), t("year", lang)]
    for ind in ("imr", "nmr"):
        head += [t(ind, lang), f"{t(ind, lang)}: {t('ci_95', lang)}", f"{t(ind, lang)}: {t('target', lang)}"]
    numeric = {2, 3, 4, 5, 6, 7}
    rows = []
    for (area, year), g in h.groupby(["area", "year"], sort=True, dropna=False):
        cells = [markup.text(area), markup.text(_year_text(g, year, lang))]
        for ind in ("imr", "nmr"):
            r = g[g["indicator"] == ind]
            if r.empty:
                cells += ["-", "-", "-"]
                continue
            r = r.iloc[0]
            target = "-" if pd.isna(r["target"]) else fmt(r["target"], lang, 0)
            cells += [fmt(r["value"], lang), fmt_ci(r["lower_95"], r["upper_95"], lang), f"{target} {_status(r, lang)}"]
        rows.append("<tr>" + "".join(f'<td class="{"num" if i in numeric else "txt"}">{c}</td>'
                                     for i, c in enumerate(cells)) + "</tr>")
    header = "".join(f'<th class="{"num" if i in numeric else "txt"}">{markup.text(c)}</th>' for i, c in enumerate(head))
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def target_note(h: pd.DataFrame, lang: str) -> str:
    """The note under the headline table, naming the sources of the targets shown (targets.csv ``source``)."""
    sources = [] if h.empty else list(dict.fromkeys(source_text(s, lang) for s in
                                                    h.loc[h["target"].notna(), "target_source"].dropna().astype(str)))
    return say("index_headline_note", lang, sources="; ".join(sources) or "-")


def trend_image(h: pd.DataFrame, lang: str) -> str:
    """A small AKB/AKN trend chart (one district, two years or more) as an inline PNG, titled with the
    district and the years and with its source line, as the reports' figures are."""
    if h.empty or h["area"].nunique() != 1 or h["year"].nunique() < 2 or h["value"].isna().all():
        return ""
    partial = {int(y): _year_text(g, y, lang) for y, g in h.groupby("year", dropna=False) if "months" in g and len(g["months"].iloc[0])}
    start, end = int(h["year"].min()), int(h["year"].max())
    place = f"{h['area'].iloc[0]}, {year_range(start, end).replace(str(end), partial.get(end, str(end)))}"
    fig = figures.trend_plot(h, lang, partial)
    fig.set_size_inches(6.5, 3.6)
    title = f"{t('title_trend', lang)}: {place}"
    figures.frame(fig, title, say("source_line", lang, place=place))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="trend" alt="{markup.text(title)}" src="data:image/png;base64,{data}">'


def report_name(name: str, notebook: str, lang: str) -> str:
    """A reader's name for a batch job: 'Laporan tahunan 2023', 'Tren 2019-2024', 'Kualitas data'."""
    if name == "data_quality":
        return t("index_quality", lang)
    district, _, last = name.rpartition(" ")
    prefix = f"{district}: " if district else ""
    if last == "trends":
        return prefix + t("index_trends", lang)
    if last.startswith("amp_sr_"):
        return prefix + say("index_review", lang, year=last.removeprefix("amp_sr_"))
    return prefix + say("index_annual", lang, year=last)


def write(result, district: str, years: list[int], processed: Path) -> Path:
    """Write reports/index.html for a finished batch (``batch.BatchResult``) and return its path."""
    out = Path(result.out)
    lang = report_lang(result.results)

    def link(path: Path, text: str) -> str:
        rel = os.path.relpath(path, out).replace(os.sep, "/")
        return f'<a href="{markup.text(rel)}">{markup.text(text)}</a>'

    h = headline_by_year(processed, years)
    counts = findings_count(processed)
    rows = []
    for r in result.results:
        name = report_name(r.name, Path(r.output).name, lang)
        main = link(r.html, name) if r.html else markup.text(name)
        extra = [link(r.output, t("index_notebook", lang))]
        if (Path(r.output).parent / "tables.xlsx").exists():
            extra.append(link(Path(r.output).parent / "tables.xlsx", t("index_tables", lang)))
        for name, key in (("annual_report.pptx", "index_slides"), ("annual_report.docx", "index_document"),
                          ("amp_sr_summary.pptx", "index_summary_slides"),
                          ("amp_sr_summary.docx", "index_summary_document")):
            if (Path(r.output).parent / name).exists():   # slides and Word documents (report/office.py, report/review.py)
                extra.append(link(Path(r.output).parent / name, t(key, lang)))
        status = "" if r.status == "ok" else f'<span class="failed">{t("index_failed", lang)}: {markup.text(r.error)}</span>'
        rows.append(f"<li>{main} ({' · '.join(extra)}) {status}</li>")
    cleaning = [link(Path(processed) / n, t(f"index_file_{n.split('.')[0]}", lang))
                for n in ("cleaning_report.md", "ledger.csv", "findings.csv", "set_aside.csv", "input_errors.csv")
                if (Path(processed) / n).exists()]
    period = markup.text(year_range(min(years), max(years), "–")) if years else ""
    findings = say("index_findings", lang, errors=counts.get("error", 0), warnings=counts.get("warning", 0),
                   info=counts.get("info", 0)) if counts else ""
    failed = f'<p class="failed">{say("index_failed_count", lang, n=len(result.failed))}</p>' if result.failed else ""
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{markup.text(say("index_title", lang, district=district))}, {period}</title>
<style>{STYLE}</style>
</head>
<body class="{markup.NO_MATH}">
<h1>{markup.text(say("index_title", lang, district=district))}, {period}</h1>
{failed}
<h2>{t("index_headline", lang)}</h2>
{headline_table(h, lang) if not h.empty else "<p>-</p>"}
{trend_image(h, lang)}
<p class="source">{markup.text(target_note(h, lang))}</p>
<h2>{t("index_quality", lang)}</h2>
<p>{findings}</p>
<h2>{t("index_reports", lang)}</h2>
<ul>
{chr(10).join(rows)}
</ul>
<h2>{t("index_cleaning", lang)}</h2>
<p>{' · '.join(cleaning)}</p>
</body>
</html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path

"""What the three reports share: loading the processed folder, display settings, and the report
object a notebook drives (load, call, show, save).

Each report method returns what the notebook shows (a numbered table, a numbered figure, Markdown,
or HTML from ``markup`` when it shows text from the input: names, files) and keeps the underlying
table or figure so that ``save()`` writes them all: tables as CSV and as one XLSX workbook, figures
as PNG.

The public shape of a report object (what the HTML, the slides and the document are made from)
-----------------------------------------------------------------------------------------------
Open a report (``AnnualReport.open(...)``, ``TrendReport.open(...)``, ``DataQualityReport.clean(...)``)
and call ``build()``: it runs every section in the order the notebook shows them. Then:

- ``report.lang``: 'id' or 'en'; every text below is in that language (``vocab/labels.csv``).
- ``report.title_block() -> TitleBlock``: ``title`` (district and year or period in it),
  ``district``, ``period``, ``made`` (date the report was made, ISO), ``sources`` (list of text:
  the data the report is computed from).
- ``report.figure_list -> list[ReportFigure]``, in report order, numbered from 1:
  ``number``, ``name`` (file stem: ``figures/<name>.png``), ``title`` (with district and year),
  ``key_sentence`` (one plain-text sentence: what the figure shows), ``source`` (the source line),
  ``figure`` (the matplotlib Figure; its own title and source line are drawn in it, so the PNG can
  go on a slide as it is).
- ``report.table_list -> list[ReportTable]``, in report order, numbered from 1: ``number``,
  ``name``, ``title`` (with district and year), ``frame`` (the display table: columns labelled in
  ``lang``, values already formatted as text, no index), ``numeric`` (the columns holding numbers:
  right-aligned), ``source``.
- ``report.meeting_point_list() -> list[str]``: the points for the meeting, one plain-text sentence
  each (empty for reports without them).

Texts from the input (Puskesmas names, file names) are plain text in these objects: a writer
escapes them for its format (HTML: ``markup.text``).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config, markup, outputs
from ..clean.store import load_processed
from ..errors import InputError, Location
from . import figures
from .language import labels as language_labels, t

#: A display value that is a number (formatted in either language), a CI '6,0 - 12,2', or '-'.
NUMBER_TEXT = re.compile(r"^(-|(< )?[-+]?[\d.,]+%?( - [-+]?[\d.,]+%?)?)$")

#: The cell tag that nbconvert's TagRemovePreprocessor removes from the HTML (``html_export_config``).
HIDE_TAG = "hide-in-report"
#: The output metadata tag of text kept in the notebook for nbval but not shown in the HTML
#: (the text description of each figure).
HIDE_OUTPUT_TAG = "figure-description"


def file_names(errors: pd.DataFrame) -> list[str]:
    """The file names (no folders) of input_errors rows, each once, in order."""
    return list(dict.fromkeys(Path(f).name for f in errors["file"]))


def data_sources(data: dict[str, pd.DataFrame], years) -> list[str]:
    """The raw files (names only) the report's rows come from, with their sheets: 'profil_2023.xlsx (Tabel 26, Tabel 27)'."""
    sheets: dict[str, set] = {}
    for df in data.values():
        if "source_file" not in df or df.empty:
            continue
        rows = df[df["year"].isin(list(years))]
        for file, sheet in zip(rows["source_file"], rows.get("source_sheet", pd.Series("", index=rows.index))):
            sheets.setdefault(Path(str(file)).name, set()).add(str(sheet) if isinstance(sheet, str) else "")
    return [f"{name} ({', '.join(sorted(s for s in found if s))})" if any(found) else name
            for name, found in sorted(sheets.items())]


def display_path(path: Path) -> str:
    """A path as shown in reports: relative to the project when inside it (no machine-specific parts)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return path.name


def load(processed_dir: str | Path | None = None) -> tuple[dict[str, pd.DataFrame], Path]:
    """The processed tables of ``processed_dir`` (default data/processed), and that folder.

    It only reads: a folder with no processed tables (a fresh clone) stops with a message that
    says what to run to clean the raw data into it.
    """
    directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    if not (directory / "births.parquet").exists():
        raw = display_path(config.RAW_DIR)
        raise InputError.from_key("no_processed_tables", Location(file=display_path(directory)), raw=raw,
                                  folder=display_path(directory))
    return load_processed(directory), directory


def setup_display() -> None:
    """Fixed pandas display options, so stored notebook outputs are the same on every machine.

    Tables are HTML that pandas escapes; MathJax is told to leave them alone (``markup``).
    """
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 2)
    pd.set_option("display.html.use_mathjax", False)  # table cells hold input text: never typeset '$...$'


def html_export_config() -> dict:
    """nbconvert settings that leave the notebook-only cells and outputs out of the HTML report.

    Markdown cells tagged ``HIDE_TAG`` (notes for the analyst in Jupyter) and outputs tagged
    ``HIDE_OUTPUT_TAG`` (the figure descriptions nbval checks) stay in the notebook. Pass to
    ``HTMLExporter(config=traitlets.config.Config(html_export_config()))``.
    """
    return {"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": [HIDE_TAG],
                                      "remove_single_output_tags": [HIDE_OUTPUT_TAG]},
            "HTMLExporter": {"preprocessors": ["nbconvert.preprocessors.TagRemovePreprocessor"]}}


#: The title of a report as its title block shows it (``TitleBlock._repr_html_``), in a notebook's outputs.
TITLE_HTML = re.compile(r'report-title"><h1>(.*?)</h1>', re.S)


def notebook_title(nb) -> str | None:
    """The title a report notebook shows (its title block's heading, in the report's language), for the
    HTML page's ``<title>``; None when no output holds a title block (a notebook that failed before it).

    Read from the stored output, so the page title is the title the reader sees first, whatever report
    the notebook holds.
    """
    import html

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            found = TITLE_HTML.search(str(output.get("data", {}).get("text/html", "")))
            if found:
                return html.unescape(found.group(1))
    return None


@dataclass
class TitleBlock:
    """What a report is about: shown first in the HTML, on the title slide and the document's first page."""

    title: str
    district: str
    period: str
    made: str                 # the date the report was made (ISO)
    sources: list[str]        # the data the report is computed from, as text

    def _repr_html_(self) -> str:
        lang_rows = [(self.labels["district"], self.district), (self.labels["period"], self.period),
                     (self.labels["made"], self.made), (self.labels["sources"], "; ".join(self.sources) or "-")]
        rows = "".join(f"<tr><th>{markup.text(k)}</th><td>{markup.text(v)}</td></tr>" for k, v in lang_rows)
        return (f'<div class="{markup.NO_MATH} report-title"><h1>{markup.text(self.title)}</h1>'
                f'<table class="title-block">{rows}</table></div>'
                "<style>table.title-block th,table.title-block td{text-align:left!important;padding:2px 12px 2px 0;"
                "background:none!important;border:none}</style>")

    def __repr__(self) -> str:
        return f"{self.title}\n" + "\n".join(f"{k}: {v}" for k, v in
                                              zip(self.labels.values(), (self.district, self.period, self.made,
                                                                         "; ".join(self.sources))))

    labels: dict = field(default_factory=dict)   # the row labels in the report's language


@dataclass
class ReportTable:
    """A numbered table of a report: display values as text in ``lang``, no index."""

    number: int
    name: str
    title: str
    frame: pd.DataFrame
    numeric: list[str]
    source: str
    lang: str = "id"
    totals: tuple[int, ...] = ()     # positions of the total rows (Jumlah, the district): drawn in bold

    @property
    def caption(self) -> str:
        return f"{t('table_word', self.lang)} {self.number}. {self.title}"

    def _repr_html_(self) -> str:
        """The table as HTML: caption, header, numbers right-aligned, names left-aligned, total rows in bold,
        source line.

        Every cell is escaped (``markup.text``): a name from the input is shown as text.
        """
        head = "".join(f'<th class="{"num" if c in self.numeric else "txt"}">{markup.text(c)}</th>'
                       for c in self.frame.columns)
        body = "".join(('<tr class="total">' if i in self.totals else "<tr>")
                       + "".join(f'<td class="{"num" if c in self.numeric else "txt"}">{markup.text(v)}</td>'
                                 for c, v in zip(self.frame.columns, row)) + "</tr>"
                       for i, row in enumerate(self.frame.itertuples(index=False)))
        return (f'<div class="{markup.NO_MATH} report-table"><table class="report">'
                f"<caption>{markup.text(self.caption)}</caption><thead><tr>{head}</tr></thead>"
                f'<tbody>{body}</tbody></table><p class="source">{markup.text(self.source)}</p></div>'
                + TABLE_STYLE)

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}\n{self.source}"


#: Right-aligned numbers, left-aligned names: the style each report table carries with it.
TABLE_STYLE = ("<style>table.report{border-collapse:collapse;margin:.3em 0}table.report caption{text-align:left;"
               "font-weight:bold;padding:.3em 0}table.report th,table.report td{border-bottom:1px solid #ddd;"
               "padding:3px 8px}table.report .num{text-align:right;font-variant-numeric:tabular-nums}"
               "table.report .txt{text-align:left}table.report tr.total td{font-weight:bold}"
               "p.source{font-size:85%;color:#555;margin-top:.2em}</style>")


@dataclass
class ReportFigure:
    """A numbered figure of a report: its title and source line are drawn in the figure itself."""

    number: int
    name: str
    title: str
    key_sentence: str
    source: str
    figure: object
    lang: str = "id"

    @property
    def caption(self) -> str:
        return f"{t('figure_word', self.lang)} {self.number}. {self.key_sentence}"


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The columns whose every value is a number (formatted text or not): right-aligned in tables."""
    out = []
    for col in frame.columns:
        values = frame[col].dropna()
        if len(values) and all(isinstance(v, (int, float)) or NUMBER_TEXT.match(str(v)) for v in values) \
                and not all(str(v) == "-" for v in values):
            out.append(col)
    return out


@dataclass
class Report:
    """A report in ``lang`` writing to ``output_dir``; the annual, trend and data-quality reports build on it."""

    lang: str
    output_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figs: dict[str, object] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)   # raw files that may hold this report's data but could not be read
    table_list: list[ReportTable] = field(default_factory=list)
    figure_list: list[ReportFigure] = field(default_factory=list)

    # --- what each report says about itself (overridden) ---------------------------------------
    def place(self) -> str:
        """District and year (or period) as they appear in every title: 'Musi Rawas Utara, 2023'."""
        return ""

    def source_line(self) -> str:
        return t("source_line", self.lang)

    def build(self) -> None:
        """Run every section in report order (fills ``table_list`` and ``figure_list``)."""

    def meeting_point_list(self) -> list[str]:
        return []

    def _title_block(self, title: str, district: str, period: str, sources: list[str]) -> TitleBlock:
        keys = ("district_label", "period", "made", "sources")
        return TitleBlock(title=title, district=district, period=period, made=dt.date.today().isoformat(),
                          sources=sources, labels={k.removesuffix("_label"): t(k, self.lang) for k in keys})

    def section(self, key: str):
        """A section heading and its short explanation in ``lang`` (labels ``section_<key>`` and ``intro_<key>``)."""
        from IPython.display import Markdown

        intro = f"intro_{key}"
        text = f"## {t(f'section_{key}', self.lang)}"
        if intro in language_labels().index:
            text += "\n\n" + t(intro, self.lang)
        return Markdown(text)

    def _table(self, name: str, title_key: str, frame: pd.DataFrame) -> ReportTable:
        """``frame`` (a display table) as numbered table ``name``, titled with the place (district, year)."""
        frame = frame.reset_index(drop=True)
        title = f"{t(title_key, self.lang)}: {self.place()}" if self.place() else t(title_key, self.lang)
        old = next((x for x in self.table_list if x.name == name), None)
        table = ReportTable(old.number if old else len(self.table_list) + 1, name, title, frame,
                            numeric_columns(frame), self.source_line(), self.lang, self._total_rows(frame))
        self.table_list = [table if x.name == name else x for x in self.table_list] if old else [*self.table_list, table]
        return table

    def _total_rows(self, frame: pd.DataFrame) -> tuple[int, ...]:
        """The rows of a display table that are totals: the first cell is the total label ('Jumlah') or,
        beside other rows, the report's district itself (the district row under its Puskesmas)."""
        if frame.empty:
            return ()
        first = [str(v) for v in frame.iloc[:, 0]]
        district = getattr(self, "district", None)
        names = {t("total", self.lang)} | ({str(district)} if district and len(first) > 1 else set())
        return tuple(i for i, v in enumerate(first) if v in names)

    def _figure(self, name: str, title_key: str, draw, key_sentence: str = "") -> ReportFigure:
        """A figure drawn by ``draw()``, with its title (place included) and source line drawn in it; numbered."""
        title = f"{t(title_key, self.lang)}: {self.place()}" if self.place() else t(title_key, self.lang)
        fig = figures.frame(draw(), title, self.source_line())
        self.figs[name] = fig
        old = next((x for x in self.figure_list if x.name == name), None)
        item = ReportFigure(old.number if old else len(self.figure_list) + 1, name, title,
                            key_sentence or t(f"key_{title_key}", self.lang), self.source_line(), fig, self.lang)
        self.figure_list = [item if x.name == name else x for x in self.figure_list] if old else [*self.figure_list, item]
        return item

    def _heading(self, block: TitleBlock):
        """The report's title block (input text in it escaped with ``markup.text``), and a warning naming
        the raw files whose data are missing from it."""
        blocks = [block._repr_html_()]
        if self.unread:
            blocks.append(f"<p><b>{t('unread_files_note', self.lang)}</b> "
                          + ", ".join(markup.code(name) for name in self.unread) + "</p>")
        return markup.output(*blocks)

    def _keep_table(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        self.tables[name] = df
        return df

    def _kept(self, name: str, build) -> pd.DataFrame:
        """The table kept as ``name``, built (``build()``) and kept the first time it is asked for."""
        if name not in self.tables:
            self.tables[name] = build()
        return self.tables[name]

    def save(self, csv_locale: str | None = None):
        """Write every table and every figure (PNG) to the output folder.

        The tables are written as people read them (``exports.write_report_tables``): ``tables/<name>.csv``
        in the CSV convention of ``csv_locale`` (default: the report's language; 'id' writes ``;`` and
        a decimal comma) and one formatted ``tables.xlsx``, headers and labels in ``lang``.
        """
        from .exports import write_report_tables

        out = self.output_dir
        write_report_tables(self.tables, out, self.lang, csv_locale)
        for name, fig in self.figs.items():
            figures.save(fig, out / "figures" / f"{name}.png")

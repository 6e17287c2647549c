"""The annual report as a slide deck (PPTX, python-pptx) and as an editable Word document (DOCX, python-docx).

Both are built from the same ``AnnualReport`` as the HTML, in its language: the title, the headline
table (as a real table, formatted as the report shows it) with its sentence, every figure with its
key sentence, the maternal-deaths tables with theirs (or the sentence saying there are no maternal data),
and the points for the meeting. ``write_office`` writes both beside the report's HTML. The quarterly
brief (``write_office_brief``) and the AMP-SR summary use the same writers with their own ``Content``.

A table has a slide of its own (``Table``): its text size and column widths fit the slide's width
(``slide_table_layout``), its rows the slide's height (``fit_slide_table``); a table too long for one
slide goes on as many as it needs, the header row repeated on each.
"""
from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..outputs import write_atomic
from .language import say, t

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5   # 16:9
FIGURE_SCALE = 0.7                               # figures drawn smaller, so their text is larger when shown
FIGURE_DPI = 200                                 # PNG resolution of the figures on slides and in the document
A4_CM, MARGIN_CM = (21.0, 29.7), 2.0             # the document's page
DOCUMENT_TEXT_WIDTH_IN = (A4_CM[0] - 2 * MARGIN_CM) / 2.54
DOCUMENT_TABLE_PT = (8, 7.5, 7, 6.5)             # table text sizes in the document, the largest that fits
DOCUMENT_CELL_PAD_IN = 0.16                      # Word's default cell margins, left and right together
NAME_WRAP = 16                                   # characters a line of a name in a table column, before it wraps
NUMBER = re.compile(r"^[<\d.,%\s–-]+$")          # a cell written as a number ('< 70'), a range ('41,5–159,5') or '-'
                                                 # (right-aligned)
SLIDE_TABLE_PT = (16, 15, 14, 13, 12, 11)         # table text sizes on the headline slide, the largest that fits
CHAR_EM = 0.62                                   # width of a digit in em (DejaVu Sans 0.64, Calibri 0.51): a safe mean
BOLD_EM = 1.25                                   # bold header text (capitals too) is at most this much wider
CELL_PAD_IN = 0.14                               # a cell's left and right margins together (inches)
LINE_EM = 1.2                                    # a line of text is this many em high
ROW_PAD_IN = 0.1                                 # a cell's top and bottom margins together (python-pptx default)
TABLE_TOP_IN = 1.3                               # where a table slide's table starts, below its title
SOURCE_TOP_IN = 7.0                              # where a table slide's source line starts (11 pt, one line)
SPLIT_TABLE_PT = 12                              # the text size of a table too long for one slide, split over several


@dataclass
class Figure:
    number: int
    name: str
    title: str          # the figure's title
    heading: str        # its title with district and year (slide title, document heading)
    png: bytes | None   # None: no data for this figure (the sentence says so)
    size_in: tuple[float, float]
    sentence: str


@dataclass
class Table:
    """A table with a slide of its own (more when its rows need them) and a numbered table in the document."""

    title: str                      # with the area and period: the slide title and the document caption
    frame: pd.DataFrame | None      # as the report shows it (text cells); None: the slide holds only the sentence
    sentence: str = ""              # its key sentence ('**...**' marks bold text)
    source: str = ""                # its source line


@dataclass
class Content:
    """What the deck and the document show, every text in the report's language."""

    lang: str
    title: str
    subtitle: str
    headline_title: str
    headline: pd.DataFrame          # as the report shows it: text cells, numbers in the language's format
    headline_sentence: str          # '**...**' marks bold text
    figures: list[Figure]
    meeting_title: str
    points: list[str]
    district: str
    year: int
    tables: list[Table] = field(default_factory=list)   # after the figures, before the meeting points
    tables_heading: str = ""        # the document's heading over ``tables`` (none when empty)
    headline_heading: str = ""      # the document's heading over the headline table (default: 'Angka utama')


def _png(fig) -> tuple[bytes, tuple[float, float]]:
    """The figure as PNG drawn at ``FIGURE_SCALE`` of its size (re-laid out), and that size in inches.

    Shown at slide size, its text is then about 1.5 times the report's 10 pt. The figure's size and layout are
    put back afterwards, so the report's own PNG is unchanged.
    """
    width, height = fig.get_size_inches()
    pars = fig.subplotpars
    layout = dict(left=pars.left, right=pars.right, bottom=pars.bottom, top=pars.top, wspace=pars.wspace,
                  hspace=pars.hspace)
    buffer = io.BytesIO()
    try:
        fig.set_size_inches(width * FIGURE_SCALE, height * FIGURE_SCALE)
        fig.tight_layout()
        # bbox 'tight': a title longer than the smaller figure widens the picture instead of being cut off
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata={"Software": None}, bbox_inches="tight",
                    pad_inches=0.05)
    finally:
        fig.set_size_inches(width, height)
        fig.subplots_adjust(**layout)
    from PIL import Image

    pixels = Image.open(io.BytesIO(buffer.getvalue())).size
    return buffer.getvalue(), (pixels[0] / FIGURE_DPI, pixels[1] / FIGURE_DPI)


def content(report) -> Content:
    """The deck's and the document's content from an ``AnnualReport`` (its indicators are computed once, when it opens)."""
    lang, place = report.lang, dict(district=report.district, year=report.year)
    figures = []
    for number, (name, title, fig, sentence) in enumerate(report.figure_entries(), start=1):
        png, size = _png(fig) if fig is not None else (None, (0.0, 0.0))
        figures.append(Figure(number, name, title, say("office_figure_title", lang, title=title, **place), png, size,
                              sentence))
    return Content(lang=lang, title=say("annual_title", lang, **place),
                   subtitle=say("office_subtitle", lang, date=date.today().isoformat()),
                   headline_title=say("office_headline_title", lang, **place), headline=report.headline().frame,
                   headline_sentence=report.headline_text().data, figures=figures,
                   meeting_title=say("office_meeting_title", lang, **place), points=report.meeting_point_list(),
                   tables=[Table(*entry) for entry in report.maternal_entries()],
                   tables_heading=t("office_maternal_heading", lang), **place)


def runs(text: str) -> list[tuple[str, bool]]:
    """'a **b** c' -> [('a ', False), ('b', True), (' c', False)]: the report's Markdown bold as runs."""
    return [(part, i % 2 == 1) for i, part in enumerate(text.split("**")) if part]


def _cells(table: pd.DataFrame) -> list[list[str]]:
    """The header row and the rows of a shown table, as text."""
    table = getattr(table, "frame", table)   # a report's numbered table, or its frame
    return [[str(c) for c in table.columns]] + [["" if pd.isna(v) else str(v) for v in row] for row in table.itertuples(index=False)]


# ---- slides ----------------------------------------------------------------------------------------------------------

def _inches(*values: float):
    from pptx.util import Inches

    return [Inches(v) for v in values]


def _slide(prs, layout: int, title: str, top: float = 0.3, height: float = 1.0, size: int = 30):
    """A slide of ``layout`` whose title placeholder spans the 16:9 width (the default template is 4:3)."""
    from pptx.util import Pt

    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = _inches(0.5, top, SLIDE_WIDTH_IN - 1.0, height)
    shape.text = title
    for paragraph in shape.text_frame.paragraphs:
        paragraph.font.size = Pt(size)
    return slide


def _text_box(slide, text: str, left: float, top: float, width: float, height: float, size: int):
    """A text box with ``text`` (bold where the report's Markdown says so), wrapped to its width."""
    from pptx.util import Pt

    box = slide.shapes.add_textbox(*_inches(left, top, width, height))
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    for part, bold in runs(text):
        run = paragraph.add_run()
        run.text, run.font.size, run.font.bold = part, Pt(size), bold
    return box


def _sentence_size(text: str) -> int:
    """Font size (pt) of a key sentence under a figure: smaller for long sentences, never below 16."""
    return 20 if len(text) <= 180 else 18 if len(text) <= 260 else 16


def _picture(slide, fig: Figure, left: float, top: float, width: float, height: float) -> None:
    """The figure's PNG as large as fits the box, its aspect ratio kept, centred horizontally."""
    w, h = fig.size_in
    scale = min(width / w, height / h)
    shown_w, shown_h = w * scale, h * scale
    slide.shapes.add_picture(io.BytesIO(fig.png), *_inches(left + (width - shown_w) / 2, top, shown_w, shown_h))


def numeric_columns(cells: list[list[str]]) -> list[bool]:
    """For each column of a shown table (header row first): every body cell a number, a range or '-'."""
    return [all(NUMBER.match(v) for v in col[1:] if v) for col in zip(*cells)]


def slide_table_layout(cells: list[list[str]], total: float, sizes=SLIDE_TABLE_PT) -> tuple[int, list[float]]:
    """The text size (pt) and column widths (inches, summing to ``total``) of a table on a slide.

    A column of numbers (every body cell a number, a range such as '6,0 - 12,2', or '-') gets the
    width of its longest cell on one line, and its header's longest word; a column of names gets at
    least its longest word, and ``NAME_WRAP`` characters a line when it can. The size is the largest of
    ``sizes`` (the slide's ``SLIDE_TABLE_PT``, the document's ``DOCUMENT_TABLE_PT``) at which the names
    fit ``NAME_WRAP`` characters a line, else at which the numbers fit; the width left over goes to the
    name columns, so that names wrap as little as possible.
    """
    columns = list(zip(*cells))
    numeric = numeric_columns(cells)

    def chars(col, j: int) -> tuple[float, float]:
        head = max((len(w) for w in col[0].split()), default=0) * BOLD_EM
        body = [v for v in col[1:] if v]
        if numeric[j]:
            return max([head] + [len(v) for v in body]), 0.0
        longest_word = max([head] + [len(w) for v in body for w in v.split()])
        return longest_word, max([0] + [min(len(v), NAME_WRAP) for v in body]) - longest_word

    needs = [chars(col, j) for j, col in enumerate(columns)]

    def fit(size: int, names_whole: bool) -> bool:
        em = CHAR_EM * size / 72
        return sum(n * em + CELL_PAD_IN + (extra * em if names_whole else 0) for n, extra in needs) <= total

    size = next((s for s in sizes if fit(s, True)), None) or next((s for s in sizes if fit(s, False)), sizes[-1])
    em = CHAR_EM * size / 72
    fixed = [n * em + CELL_PAD_IN for n, _ in needs]
    left = total - sum(fixed)
    wish = [max(extra, 0.0) * em if not numeric[j] else 0.0 for j, (_, extra) in enumerate(needs)]
    names = [j for j in range(len(columns)) if not numeric[j]] or list(range(len(columns)))
    weights = [wish[j] + 1e-9 for j in names]
    widths = list(fixed)
    for j, w in zip(names, weights):
        widths[j] += left * w / sum(weights)
    return size, widths


def row_heights(cells: list[list[str]], widths: list[float], size: int) -> list[float]:
    """The height (inches) of each row of a table at ``size`` pt in columns of ``widths`` inches: its most
    wrapped cell (words wrapped at ``CHAR_EM`` a character, the header bold) in lines of ``LINE_EM``, and the
    cell margins."""
    def lines(text: str, width: float, bold: bool) -> int:
        per_line = max(1, int((width - CELL_PAD_IN) / (CHAR_EM * (BOLD_EM if bold else 1.0) * size / 72) + 1e-6))
        return sum(max(1, len(textwrap.wrap(part, per_line))) for part in text.split("\n"))

    return [max(lines(v, w, i == 0) for v, w in zip(row, widths)) * LINE_EM * size / 72 + ROW_PAD_IN
            for i, row in enumerate(cells)]


def fit_slide_table(cells: list[list[str]], width: float, height: float,
                    sizes=SLIDE_TABLE_PT) -> tuple[int, list[float], list[list[int]]]:
    """Text size, column widths and pages (the body rows of each slide) of a table in ``width`` x ``height`` inches.

    The largest size of ``sizes`` that fits the width (``slide_table_layout``) and, going down, the first at
    which every row fits one slide; a table that fits at none is split over slides at ``SPLIT_TABLE_PT``
    (never larger than fits the width), each page as many rows as fit under the repeated header row.
    """
    widest, _ = slide_table_layout(cells, width, sizes)
    for size in (s for s in sizes if s <= widest):
        size, widths = slide_table_layout(cells, width, (size,))
        heights = row_heights(cells, widths, size)
        if sum(heights) <= height:
            return size, widths, [list(range(1, len(cells)))]
    size, widths = slide_table_layout(cells, width, (min(widest, SPLIT_TABLE_PT),))
    heights = row_heights(cells, widths, size)
    pages, page, used = [], [], heights[0]
    for i in range(1, len(cells)):
        if page and used + heights[i] > height:
            pages.append(page)
            page, used = [], heights[0]
        page.append(i)
        used += heights[i]
    return size, widths, pages + [page] if page else pages or [[]]


def _add_table(slide, cells: list[list[str]], top: float, size: int, widths: list[float], heights=None):
    """``cells`` (header row first) as a table at ``top``, numbers and their header right-aligned, names left;
    rows ``heights`` inches high (default 0.6). Returns the table's shape."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    heights = heights or [0.6] * len(cells)
    numeric = numeric_columns(cells)
    shape = slide.shapes.add_table(len(cells), len(cells[0]), *_inches(0.5, top, sum(widths), sum(heights)))
    table = shape.table
    for column, width in zip(table.columns, widths):
        column.width = _inches(width)[0]
    for row, height in zip(table.rows, heights):
        row.height = _inches(height)[0]
    for i, row in enumerate(cells):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.text = text
            cell.margin_left = cell.margin_right = _inches(CELL_PAD_IN / 2)[0]
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.bold = i == 0
                paragraph.alignment = PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT   # the header as its column
    return shape


def _table_slide(prs, c: Content) -> None:
    slide = _slide(prs, 5, c.headline_title, size=_title_size(c.headline_title, (30, 24)))
    cells = _cells(c.headline)
    size, widths = slide_table_layout(cells, SLIDE_WIDTH_IN - 1.0)
    _add_table(slide, cells, 1.5, size, widths)
    _text_box(slide, c.headline_sentence, 0.6, 1.7 + 0.6 * len(cells) + 0.4, SLIDE_WIDTH_IN - 1.2, 1.5,
              _sentence_size(c.headline_sentence))


def _title_size(title: str, sizes=(24, 20), width: float = SLIDE_WIDTH_IN - 1.0) -> int:
    """A table slide's title size (pt): the first of ``sizes`` at which the title fits one line, else the last."""
    return next((s for s in sizes if len(title) * CHAR_EM * s / 72 <= width), sizes[-1])


def _sentence_height(text: str, size: int, width: float = SLIDE_WIDTH_IN - 1.2) -> float:
    """The height (inches) of a key sentence wrapped to ``width`` at ``size`` pt, with the box's margins."""
    per_line = max(1, int(width / (CHAR_EM * size / 72)))
    return len(textwrap.wrap(text.replace("**", ""), per_line) or [""]) * LINE_EM * size / 72 + ROW_PAD_IN


def table_slides(prs, table: Table, lang: str) -> None:
    """A ``Table`` on its slide(s): the title, the table (split over slides when its rows need more than one;
    '(lanjutan)' titles the next), the key sentence under it on its last slide, the source line at the foot."""
    width = SLIDE_WIDTH_IN - 1.0
    sentence_size = _sentence_size(table.sentence)
    if table.frame is None:
        slide = _slide(prs, 5, table.title, top=0.2, height=1.0, size=_title_size(table.title))
        _text_box(slide, table.sentence, 0.6, 2.5, SLIDE_WIDTH_IN - 1.2, 2.0, 24)
        return
    cells = _cells(table.frame)
    below = _sentence_height(table.sentence, sentence_size) + 0.15 if table.sentence else 0.0
    size, widths, pages = fit_slide_table(cells, width, SOURCE_TOP_IN - TABLE_TOP_IN - below - 0.1)
    heights = row_heights(cells, widths, size)
    for k, page in enumerate(pages):
        title = table.title if k == 0 else f"{table.title} {t('office_continued', lang)}"
        slide = _slide(prs, 5, title, top=0.2, height=1.0, size=_title_size(title))
        rows = [0, *page]
        _add_table(slide, [cells[i] for i in rows], TABLE_TOP_IN, size, widths, [heights[i] for i in rows])
        bottom = TABLE_TOP_IN + sum(heights[i] for i in rows)
        if table.sentence and k == len(pages) - 1:
            _text_box(slide, table.sentence, 0.6, bottom + 0.15, SLIDE_WIDTH_IN - 1.2,
                      _sentence_height(table.sentence, sentence_size), sentence_size)
        if table.source:
            box = _text_box(slide, table.source, 0.6, SOURCE_TOP_IN, SLIDE_WIDTH_IN - 1.2, 0.35, 11)
            box.text_frame.paragraphs[0].runs[0].font.color.rgb = _grey()


def _grey():
    from pptx.dml.color import RGBColor

    return RGBColor(0x55, 0x55, 0x55)


def write_pptx(c: Content, path: Path) -> Path:
    """The deck: a title slide, the headline table, one slide per figure with its key sentence, a slide per table
    (``Content.tables``), the meeting points."""
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = _inches(SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN)
    prs.core_properties.title, prs.core_properties.language = c.title, c.lang

    slide = _slide(prs, 0, c.title, top=2.2, height=1.8, size=40)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = _inches(0.5, 4.2, SLIDE_WIDTH_IN - 1.0, 1.0)
    subtitle.text = c.subtitle

    _table_slide(prs, c)

    for fig in c.figures:
        slide = _slide(prs, 5, fig.heading, top=0.2, height=1.0, size=24)
        if fig.png is None:
            _text_box(slide, fig.sentence, 0.6, 2.5, SLIDE_WIDTH_IN - 1.2, 2.0, 24)
            continue
        _picture(slide, fig, 0.5, 1.25, SLIDE_WIDTH_IN - 1.0, 4.95)
        _text_box(slide, fig.sentence, 0.6, 6.25, SLIDE_WIDTH_IN - 1.2, 1.1, _sentence_size(fig.sentence))

    for table in c.tables:
        table_slides(prs, table, c.lang)

    slide = _slide(prs, 1, c.meeting_title)
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = _inches(0.6, 1.5, SLIDE_WIDTH_IN - 1.2, 5.6)
    size = 22 if sum(map(len, c.points)) <= 500 else 18
    for i, point in enumerate(c.points):
        paragraph = body.text_frame.paragraphs[0] if i == 0 else body.text_frame.add_paragraph()
        paragraph.text = point
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(12)
    return write_atomic(path, lambda tmp: prs.save(tmp))


# ---- document --------------------------------------------------------------------------------------------------------

def _paragraph(doc, text: str, style: str | None = None):
    paragraph = doc.add_paragraph(style=style)
    for part, bold in runs(text):
        paragraph.add_run(part).bold = bold
    return paragraph


def _docx_table(doc, cells: list[list[str]]) -> None:
    """``cells`` (header row first) as a Word table across the text width: the largest text size of
    ``DOCUMENT_TABLE_PT`` that fits, numbers and their header right-aligned, the header row repeated on
    each page the table runs over."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    table = doc.add_table(rows=len(cells), cols=len(cells[0]))
    table.style, table.autofit = "Light Grid Accent 1", False
    size, widths = slide_table_layout(cells, DOCUMENT_TEXT_WIDTH_IN - len(cells[0]) * (DOCUMENT_CELL_PAD_IN - CELL_PAD_IN),
                                      DOCUMENT_TABLE_PT)
    widths = [w + DOCUMENT_CELL_PAD_IN - CELL_PAD_IN for w in widths]
    numeric = numeric_columns(cells)
    for column, width in zip(table.columns, widths):   # the grid (LibreOffice) and each cell (Word)
        column.width = Inches(width)
    for i, row in enumerate(cells):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.text, cell.width = text, Inches(widths[j])
            paragraph = cell.paragraphs[0]
            for run in paragraph.runs:
                run.font.size = Pt(size)
            if numeric[j]:   # numbers and their header right-aligned, names left
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    header[-1].set(qn("w:val"), "true")


def write_docx(c: Content, path: Path) -> Path:
    """The document: title, headline table (a Word table) and sentence, each figure with a numbered caption and its
    key sentence, each further table (``Content.tables``) with its caption, sentence and source line, the meeting
    points as a list; every text editable."""
    from docx import Document
    from docx.shared import Cm, Inches, Pt, RGBColor

    doc = Document()
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Cm(MARGIN_CM)
    doc.core_properties.title, doc.core_properties.language = c.title, c.lang
    doc.add_heading(c.title, level=0)
    doc.add_paragraph(c.subtitle)

    heading = c.headline_heading or t("office_headline_heading", c.lang)
    doc.add_heading(heading, level=1)
    _paragraph(doc, say("office_table_caption", c.lang, number=1, title=heading, district=c.district, year=c.year),
               "Caption")
    _docx_table(doc, _cells(c.headline))
    doc.add_paragraph()
    _paragraph(doc, c.headline_sentence)

    if c.figures:
        doc.add_heading(t("office_figures_heading", c.lang), level=1)
    for fig in c.figures:
        doc.add_heading(fig.heading, level=2)
        if fig.png is not None:
            doc.add_picture(io.BytesIO(fig.png), width=Inches(min(DOCUMENT_TEXT_WIDTH_IN, fig.size_in[0])))
            _paragraph(doc, say("office_figure_caption", c.lang, number=fig.number, title=fig.title,
                                district=c.district, year=c.year), "Caption")
        _paragraph(doc, fig.sentence)

    if c.tables and c.tables_heading:
        doc.add_heading(c.tables_heading, level=1)
    number = 1
    for table in c.tables:
        if table.frame is None:
            doc.add_heading(table.title, level=2)
            _paragraph(doc, table.sentence)
            continue
        number += 1
        _paragraph(doc, f"{t('table_word', c.lang)} {number}. {table.title}", "Caption")
        _docx_table(doc, _cells(table.frame))
        if table.source:
            source = doc.add_paragraph().add_run(table.source)
            source.font.size, source.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)
        if table.sentence:
            _paragraph(doc, table.sentence)

    doc.add_heading(t("office_meeting_heading", c.lang), level=1)
    for point in c.points:
        _paragraph(doc, point, "List Bullet")
    return write_atomic(path, lambda tmp: doc.save(tmp))


def write_office(report, out_dir: str | Path | None = None) -> list[Path]:
    """Write the annual report's deck and document (``annual_report.pptx``, ``annual_report.docx``) in ``out_dir``
    (default: the report's output folder, where the batch writes ``annual_report.html``), in the report's language.

    The figures are built once by the report (and kept for its ``save``); the indicators are not computed again.
    """
    out = Path(out_dir) if out_dir else Path(report.output_dir)
    c = content(report)
    return [write_pptx(c, out / "annual_report.pptx"), write_docx(c, out / "annual_report.docx")]


def write_office_brief(report, out_dir: str | Path | None = None) -> list[Path]:
    """The quarterly brief's deck and document (``lokmin_brief.pptx``, ``lokmin_brief.docx``): its counts table and
    the problems of the new follow-up plan (``BriefReport.office_content``)."""
    out = Path(out_dir) if out_dir else Path(report.output_dir)
    c = report.office_content()
    return [write_pptx(c, out / "lokmin_brief.pptx"), write_docx(c, out / "lokmin_brief.docx")]

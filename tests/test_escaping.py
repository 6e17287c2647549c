"""Text from the input is shown as text everywhere: notebooks, HTML reports, the index page, figures.

One ``imr-analysis run`` over a district whose file names, sheet name, title, district, Kecamatan
and Puskesmas names and a cause header carry HTML, Markdown and math. Every HTML file written is
parsed (BeautifulSoup, html.parser) and must hold no element or attribute from the input; every
notebook output too; and the figures draw '$...$' as written.
"""
import io
import re

import matplotlib.text
import nbformat
import pytest
from bs4 import BeautifulSoup, NavigableString
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from helpers import NEO, TITLE_BIRTHS, births_table, causes_table, deaths_table, run_cli, write_xlsx

IMG_FILE = "laporan`<img src=x onerror=alert(document.domain)>`2023.csv"
LINK_FILE = "[klik](javascript:alert(2))_2023.csv"
SHEET = "<script>"
DISTRICT = "<i>Ujung</i> Jaya"
KECAMATAN = "**bold** [link](javascript:alert(1))"
PUSKESMAS = ["<b onmouseover=alert(1)>X</b>", "$\\alpha$ Sehat", "$x^{2$ Baru"]  # the last one breaks mathtext
CAUSE = "<svg onload=alert(3)>"
TITLE_TAIL = " <script>alert(4)</script>"

#: Elements that only the input could have made, found by what they hold.
INPUT_TEXT = re.compile(r"ujung|alert|onerror|onmouseover|onload|javascript|klik|bold|^\s*x\s*$", re.I)
INPUT_TAGS = {"a", "b", "i", "em", "strong", "img", "svg", "iframe"}
NO_TYPESET = {"pre", "code", "script", "style", "textarea"}   # MathJax's skipTags


def live_markup(page: str) -> list[str]:
    """Elements and attributes in ``page`` that come from the input (empty when everything was escaped)."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for el in soup.find_all(True):
        for name, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or re.search(r"javascript:|alert\(", value, re.I):
                found.append(f"<{el.name} {name}={value[:60]!r}>")
        if el.name in INPUT_TAGS and INPUT_TEXT.search(el.get_text()):
            found.append(f"<{el.name}>{el.get_text()[:60]}")
        if el.name in ("script", "style") and "alert(" in el.get_text():
            found.append(f"<{el.name}>{el.get_text()[:60]}")
    return found


def typeset_math(page: str) -> list[str]:
    """Text with '$' that MathJax would typeset: outside pre/code/script and outside tex2jax_ignore."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for node in soup.find_all(string=re.compile(r"\$")):
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)) or not isinstance(node, NavigableString):
            continue
        parents = [p for p in node.parents if p.name]
        if any(p.name in NO_TYPESET for p in parents) or any("tex2jax_ignore" in (p.get("class") or []) for p in parents):
            continue
        found.append(str(node).strip()[:80])
    return found


def test_the_checks_bite():
    """What the data-quality page held before: a live <img onerror>, Markdown links, and math MathJax typesets."""
    before = ('<p>Berkas yang tidak dapat dibaca: <code>laporan</code><img alt="No description" onerror="alert(1)" '
              'src="x"/><code>2023.csv</code></p><p><a href="javascript:alert(1)">link</a> <strong>bold</strong> '
              '<b>X</b> <i>Ujung</i></p><table class="dataframe"><td>$ Alpha$ Sehat</td></table>')
    assert len(live_markup(before)) == 5
    assert typeset_math(before) == ["$ Alpha$ Sehat"]
    after = ('<div class="tex2jax_ignore mathjax_ignore"><p>Berkas: <code>laporan`&lt;img src=x onerror=alert(1)&gt;`'
             '</code></p><table><td>$ Alpha$ &lt;b onmouseover=alert(1)&gt;X&lt;/b&gt;</td></table></div>')
    assert live_markup(after) == [] and typeset_math(after) == []


def _build(raw):
    body = [[i + 1, KECAMATAN, name] for i, name in enumerate(PUSKESMAS)]
    births = births_table([b + [300, 2, 302, 290, 1, 291, 590, 3, 593] for b in body], district=f"KABUPATEN {DISTRICT}")
    births[1] = [TITLE_BIRTHS + TITLE_TAIL]
    deaths = deaths_table([b + [2, 1, 3, 0, 3, 1, 0, 1, 0, 1] for b in body], district=f"KABUPATEN {DISTRICT}")
    neo = list(NEO)
    neo[1] = CAUSE
    causes = causes_table([b + [1, 1] + [0] * 6 + [0, 1] + [0] * 7 for b in body], neo=neo, district=f"KABUPATEN {DISTRICT}")
    write_xlsx(raw / "profil <b onclick=alert(5)>2023.xlsx", {"B": births, "D": deaths, SHEET: causes})
    for name in (IMG_FILE, LINK_FILE):
        (raw / name).write_bytes(b"\x00\x01 not a table \x00" * 50)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    _build(raw)
    out, processed = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("processed")
    r = run_cli("run", "--raw", raw, "--district", DISTRICT, "--out", out, "--processed", processed, "--jobs", 2)
    return out, processed, r


def test_the_reports_run_on_hostile_names(hostile_run):
    out, _, r = hostile_run
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert "3 dari 3 notebook selesai" in r.stdout
    for name in (IMG_FILE, LINK_FILE):  # junk files of 2023: listed, and 2023 is still reported
        assert name in r.stderr


def test_no_element_or_attribute_from_the_input_in_any_html_file(hostile_run):
    out, _, _ = hostile_run
    pages = sorted(out.rglob("*.html"))
    assert {p.relative_to(out).as_posix() for p in pages} == {
        "index.html", "2023/annual_report.html", "trends/trends.html", "data_quality/data_quality.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert live_markup(text) == [], page
        assert typeset_math(text) == [], page
    # the hostile text is there, shown as text
    shown = {p.relative_to(out).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in pages}
    quality = shown["data_quality/data_quality.html"].get_text()
    assert IMG_FILE in quality and LINK_FILE in quality
    assert SHEET in quality  # the sheet column of the findings
    for name in ("2023/annual_report.html", "trends/trends.html", "index.html"):
        heading = " ".join(h.get_text() for h in shown[name].find_all("h1"))
        assert "<i>" in heading and "ujung" in heading.lower(), (name, heading)
    annual = shown["2023/annual_report.html"].get_text()
    for name in PUSKESMAS:       # Puskesmas names of a new district, in tables, as written and as text
        assert name in annual, name
    assert IMG_FILE in annual  # the warning under the title names the file whose data are missing


def test_no_input_in_markdown_and_no_markup_in_html_outputs_of_the_notebooks(hostile_run):
    out, _, _ = hostile_run
    notebooks = sorted(out.rglob("*.ipynb"))
    assert len(notebooks) == 3
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                assert not INPUT_TEXT.search(data.get("text/markdown", "")), (path.name, data["text/markdown"])
                if "text/html" in data:
                    assert live_markup(data["text/html"]) == [], path.name
                    assert typeset_math(data["text/html"]) == [], path.name


def test_figures_draw_names_as_written(hostile_run):
    """'$...$' in a Puskesmas name is not mathtext: drawn as written, and a broken one does not stop the figure."""
    from imr_analysis.report import figures
    from imr_analysis.report.annual import AnnualReport
    from imr_analysis.report.trends import TrendReport

    _, processed, _ = hostile_run
    rep = AnnualReport.open(2023, DISTRICT, processed_dir=processed, output_dir=processed / "figs")
    rep.deaths_by_cause()
    rep.imr_by_puskesmas()
    rep.coverage()
    drawn = [rep.deaths_by_cause_figure(), rep.funnel_figure(), rep.coverage_figure(), rep.imr_by_puskesmas_figure()]
    trend = TrendReport.open(2023, 2023, DISTRICT, processed_dir=processed, output_dir=processed / "figs")
    drawn.append(trend.heatmap())
    drawn = [getattr(f, "figure", f) for f in drawn]   # a report's numbered figure holds the matplotlib figure
    drawn = [f for f in drawn if hasattr(f, "savefig")]
    assert len(drawn) == 4  # every figure with Puskesmas names but KN coverage (no KN table here)
    names = set()
    for fig in drawn:
        fig.savefig(io.BytesIO(), format="png")  # with mathtext, '$x^{2$' raises here
        for text in fig.findobj(matplotlib.text.Text):
            if "$" in text.get_text():
                assert not text.get_parse_math(), text.get_text()
                names.add(text.get_text())
    assert set(PUSKESMAS[1:]) <= names, names      # "$\\alpha$ Sehat", "$x^{2$ Baru" as written
    assert figures.describe(drawn[0])  # the text account of the figure still works

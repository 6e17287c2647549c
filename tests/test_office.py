"""The annual report as slides (PPTX) and as a Word document (DOCX): what a reader sees in them, read back from the files.

Sample district, 2023. Hand check of the headline: 33 infant deaths among 3,795 live births,
1000 * 33 / 3795 = 8.70 per 1,000 live births (8,7 in Indonesian). Maternal deaths of the sample
(scripts/make_sample_district.py): 3, 4, 5, 3, 2 in 2019-2023, 17 in all; 2021-2023 pooled: 10 deaths of
11,531 live births, AKI 86.7 (Byar 41.5-159.5, tests/test_maternal.py).
"""
import io
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from imr_analysis.report import office, tables
from imr_analysis.report.annual import AnnualReport
from imr_analysis.report.language import fmt, fmt_ci

PLACE = "Musi Rawas Utara, 2023"
FIGURE_TITLES_ID = ["Kematian bayi menurut Puskesmas dan penyebab", "AKB menurut Puskesmas (IK 95%)",
                    "Penyebab kematian: neonatal dan post neonatal", "Cakupan kunjungan neonatal menurut Puskesmas",
                    "Funnel plot"]
MATERNAL_TITLES_ID = ["Kematian ibu menurut periode (hamil, bersalin, nifas)", "Kematian ibu menurut kelompok umur",
                      "Kematian ibu menurut penyebab", "Kematian ibu menurut Puskesmas",
                      "AKI gabungan 3 dan 5 tahun dengan IK 95% dan target"]


@pytest.fixture(scope="module")
def written(sample_run, tmp_path_factory):
    """The report opened once per language and its deck and document written: {lang: (report, pptx, docx)}."""
    out = {}
    for lang in ("id", "en"):
        folder = tmp_path_factory.mktemp(f"office_{lang}")
        rep = AnnualReport.open(2023, lang=lang, processed_dir=sample_run.out, output_dir=folder)
        pptx_path, docx_path = office.write_office(rep)
        assert (pptx_path.name, docx_path.name) == ("annual_report.pptx", "annual_report.docx")
        assert pptx_path.parent == docx_path.parent == folder   # beside the report's other outputs
        out[lang] = (rep, Presentation(pptx_path), Document(docx_path))
    return out


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def _table_cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _imr_row(rep):
    h = rep.tables["headline"].set_index("indicator").loc["imr"]
    assert (h["numerator"], h["denominator"]) == (33, 3795)                       # the hand check
    assert h["value"] == pytest.approx(1000 * 33 / 3795)
    return h


def test_slide_count_and_titles_name_district_and_year(written):
    rep, prs, _ = written["id"]
    titles = _titles(prs)
    # title, headline table, one per figure, one per maternal table, meeting points
    assert len(prs.slides) == 1 + 1 + 5 + 5 + 1
    assert titles == ["Laporan kematian bayi 2023: Kabupaten Musi Rawas Utara", f"Angka utama: {PLACE}",
                      *[f"{t}: {PLACE}" for t in FIGURE_TITLES_ID], *[f"{t}: {PLACE}" for t in MATERNAL_TITLES_ID],
                      f"Poin untuk rapat: {PLACE}"]
    assert (prs.slide_width / prs.slide_height) == pytest.approx(16 / 9, rel=1e-3)


def test_headline_slide_holds_the_reports_numbers_in_a_real_table(written):
    rep, prs, _ = written["id"]
    slide = prs.slides[1]
    tables_on_slide = [s for s in slide.shapes if s.has_table]
    assert len(tables_on_slide) == 1 and not [s for s in slide.shapes if s.shape_type == 13]  # a table, no picture
    cells = _table_cells(tables_on_slide[0].table)
    assert cells == office._cells(rep.headline())            # the table the HTML shows, cell for cell
    h = _imr_row(rep)
    header, akb = cells[0], next(row for row in cells if row[0] == "AKB")
    shown = dict(zip(header, akb))
    assert shown["Jumlah"] == "33" and shown["Penyebut"] == "3.795"   # deaths, live births
    assert shown["Nilai"] == fmt(h["value"], "id") == "8,7"
    assert shown["IK 95%"] == fmt_ci(h["lower_95"], h["upper_95"], "id")
    assert shown["Target"] == fmt(h["target"], "id", 0) and shown["Capai target"] == ("ya" if h["meets_target"] else "tidak")
    sentence = "".join(s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
    assert "8,7 per 1.000 KH" in sentence and "33 kematian dari 3.795 lahir hidup" in sentence
    assert "**" not in sentence   # Markdown bold became a bold run
    bold = [r.text for p in slide.shapes[-1].text_frame.paragraphs for r in p.runs if r.font.bold]
    assert bold == ["8,7 per 1.000 KH"]


def test_each_figure_slide_has_its_picture_inside_the_slide_and_its_key_sentence_below(written):
    rep, prs, _ = written["id"]
    entries = rep.figure_entries()
    for slide, (_name, _title, fig, sentence) in zip(list(prs.slides)[2:-1], entries):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        texts = [s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]
        assert fig is not None and len(pictures) == 1 and [t.text_frame.text for t in texts] == [sentence]
        pic, text = pictures[0], texts[0]
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert slide.shapes.title.top + slide.shapes.title.height <= pic.top
        assert pic.top + pic.height <= text.top and text.top + text.height <= prs.slide_height
        assert min(r.font.size.pt for p in text.text_frame.paragraphs for r in p.runs) >= 16


def test_key_sentences_count_what_the_figures_show(written):
    rep = written["id"][0]
    sentences = {name: sentence for name, _t, _f, sentence in rep.figure_entries()}
    causes = rep.tables["deaths_by_puskesmas_cause"]
    total = int(causes.loc[causes["puskesmas"] == "total", "total"].iloc[0])
    assert sentences["deaths_by_cause"].startswith(f"{total} kematian bayi pada 2023 di 8 Puskesmas")
    by_age = rep.tables["causes_by_age"]
    assert f"Dari {by_age['neonatal'].sum()} kematian neonatal" in sentences["causes_by_age"]
    assert f"dari {by_age['postneonatal'].sum()} kematian post neonatal, terbanyak Lain-lain " \
           f"({by_age.set_index('cause').loc['other', 'postneonatal']})" in sentences["causes_by_age"]
    flagged = rep.tables["funnel"].query("flag != 'within'")
    assert sentences["funnel"].startswith(f"{len(flagged)} dari 8 Puskesmas di luar batas kendali")


def test_meeting_points_slide_lists_the_reports_points(written):
    rep, prs, _ = written["id"]
    body = prs.slides[-1].placeholders[1].text_frame
    assert [p.text for p in body.paragraphs] == rep.meeting_point_list() and len(body.paragraphs) == 3


def test_document_headings_captions_table_and_list(written):
    rep, _, doc = written["id"]
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings == [("Title", "Laporan kematian bayi 2023: Kabupaten Musi Rawas Utara"),
                        ("Heading 1", "Angka utama"), ("Heading 1", "Gambar"),
                        *[("Heading 2", f"{t}: {PLACE}") for t in FIGURE_TITLES_ID], ("Heading 1", "Kematian ibu"),
                        ("Heading 1", "Poin untuk rapat")]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == ["Tabel 1. Angka utama: Musi Rawas Utara; 2023."] + \
        [f"Gambar {i}. {t}: Musi Rawas Utara; 2023." for i, t in enumerate(FIGURE_TITLES_ID, start=1)] + \
        [f"Tabel {i}. {t}: {PLACE}" for i, t in enumerate(MATERNAL_TITLES_ID, start=2)]
    assert len(doc.inline_shapes) == 5
    assert len(doc.tables) == 6 and _table_cells(doc.tables[0]) == office._cells(rep.headline())
    akb = next(row for row in _table_cells(doc.tables[0]) if row[0] == "AKB")
    assert akb[1:4] == ["33", "3.795", fmt(_imr_row(rep)["value"], "id")]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == rep.meeting_point_list()
    assert doc.core_properties.language == "id"


def test_english_deck_and_document(written):
    rep, prs, doc = written["en"]
    titles = _titles(prs)
    assert titles[:3] == ["Infant mortality report 2023: Musi Rawas Utara district", f"Headline rates: {PLACE}",
                          f"Infant deaths by Puskesmas and cause: {PLACE}"]
    assert titles[-1] == f"Points for the meeting: {PLACE}"
    cells = _table_cells(next(s for s in prs.slides[1].shapes if s.has_table).table)
    assert cells[0][:4] == ["Indicator", "Count", "Denominator", "Value"]
    assert cells[1][:4] == ["IMR", "33", "3,795", "8.7"]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Table 1. Headline rates") and captions[1].startswith("Figure 1. Infant deaths")


def test_writing_office_files_leaves_the_reports_figures_and_computes_indicators_once(sample_run, tmp_path, monkeypatch):
    calls = []
    real = tables.compute_indicators
    monkeypatch.setattr(tables, "compute_indicators", lambda *a, **k: calls.append(k) or real(*a, **k))
    rep = AnnualReport.open(2023, processed_dir=sample_run.out, output_dir=tmp_path)

    def pngs():
        out = {}
        for name, fig in rep.figs.items():
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", metadata={"Software": None})
            out[name] = (buffer.getvalue(), tuple(fig.get_size_inches()))
        return out

    rep.figure_entries()
    before = pngs()
    office.write_office(rep, tmp_path / "office")
    assert [c["level"] for c in calls] == ["district", "puskesmas"]
    assert pngs() == before and len(before) == 5


def test_markdown_bold_becomes_runs_and_columns_keep_numbers_whole():
    assert office.runs("AKB: **8,7 per 1.000 KH** (33)") == [("AKB: ", False), ("8,7 per 1.000 KH", True), (" (33)", False)]
    size, widths = office.slide_table_layout([["Indikator", "IK 95%"], ["Angka kematian post neonatal", "0,7 - 3,8"]], 4.0)
    assert size == 16 and sum(widths) == pytest.approx(4.0)
    # number column: all 9 characters of '0,7 - 3,8' on one line; the name column takes the rest
    assert widths[1] == pytest.approx(9 * office.CHAR_EM * 16 / 72 + office.CELL_PAD_IN)
    assert widths[0] >= 16 * office.CHAR_EM * 16 / 72   # 'Angka kematian p' a line


@pytest.mark.parametrize("lang", ["id", "en"])
def test_headline_slide_keeps_every_number_and_interval_on_one_line(written, lang):
    """Each column of numbers is as wide as its longest cell ('6,6 - 13,1') at the table's text size, so no
    interval wraps; names may wrap, between words; headers are aligned as their columns."""
    from pptx.enum.text import PP_ALIGN

    _, prs, _ = written[lang]
    table = next(s for s in prs.slides[1].shapes if s.has_table).table
    cells = _table_cells(table)
    sizes = {cell.text_frame.paragraphs[0].font.size.pt for row in table.rows for cell in row.cells}
    assert len(sizes) == 1 and 11 <= min(sizes) <= 16
    pt = sizes.pop()
    em_in = office.CHAR_EM * pt / 72
    ci = next(j for j, h in enumerate(cells[0]) if h in ("IK 95%", "95% CI"))
    numeric = office.numeric_columns(cells)
    assert numeric[ci] and not numeric[0]
    for j, column in enumerate(table.columns):
        longest = max(len(row[j]) for row in cells[1:]) if numeric[j] else \
            max(len(w) for row in cells[1:] for w in row[j].split())
        assert column.width.inches >= longest * em_in, (cells[0][j], column.width.inches)
        head = table.cell(0, j).text_frame.paragraphs[0].alignment
        assert head == (PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT), cells[0][j]
    assert sum(c.width for c in table.columns) <= prs.slide_width


def test_a_district_without_a_cause_table_gets_its_slides_and_a_sentence_saying_so(tmp_path):
    """A district whose Profil has no table of deaths by cause: the annual report, its slides and document are
    written, and the key sentence says the cause table is missing (never a crash, never '0 deaths')."""
    from imr_analysis import synth
    from imr_analysis.clean.store import run_clean

    tables = synth.canonical(districts=1, puskesmas=4, years=[2023], seed=9)
    layout = synth.AnnexLayout(order=("births", "deaths", "kn"))
    synth.write_annex(tables, tmp_path / "raw", layout=lambda district, year: layout)
    run_clean([tmp_path / "raw"], tmp_path / "processed")
    for lang, words in (("id", "tabel penyebab tidak ada"), ("en", "the cause table is missing")):
        rep = AnnualReport.open(2023, lang=lang, processed_dir=tmp_path / "processed", output_dir=tmp_path / lang)
        paths = office.write_office(rep)
        assert all(Path(p).stat().st_size > 10_000 for p in paths)
        assert words in rep._deaths_key()


# --- the maternal section (report/maternal.py) on the slides and in the document ---------------------------------

def _slide_titled(prs, title: str):
    return next(slide for slide in prs.slides if slide.shapes.title.text == title)


def _slide_table(slide) -> list[list[str]]:
    found = [s for s in slide.shapes if s.has_table]
    assert len(found) == 1
    return _table_cells(found[0].table)


def _slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]


def test_maternal_slides_hold_the_html_tables_with_their_sentences_and_source(written):
    rep, prs, doc = written["id"]
    source = "Sumber: Profil Kesehatan (lampiran) dan laporan Puskesmas, Musi Rawas Utara, 2023; diolah dengan imr-analysis."
    for by, title in zip(("period", "age_group", "cause", "puskesmas"), MATERNAL_TITLES_ID):
        slide = _slide_titled(prs, f"{title}: {PLACE}")
        shown = rep.maternal_by(by)                            # the table the HTML shows
        cells = _slide_table(slide)
        assert cells == office._cells(shown) and shown.source == source
        assert cells[0] == [cells[0][0], "2019", "2020", "2021", "2022", "2023", "Jumlah"]
        assert cells[-1] == ["Jumlah", "3", "4", "5", "3", "2", "17"]   # the sample's deaths, by hand
        texts = _slide_texts(slide)
        assert texts[0].startswith("Dari 17 kematian ibu tahun 2019–2023, terbanyak: ") and texts[1] == source
    period = _slide_texts(_slide_titled(prs, f"{MATERNAL_TITLES_ID[0]}: {PLACE}"))[0]
    assert period == "Dari 17 kematian ibu tahun 2019–2023, terbanyak: Bersalin / Nifas (7)."   # 7 each, a tie
    pooled = _slide_titled(prs, f"{MATERNAL_TITLES_ID[4]}: {PLACE}")
    cells = _slide_table(pooled)
    assert cells == office._cells(rep.maternal_pooled())
    row = dict(zip(cells[0], cells[1]))
    assert (row["Tahun"], row["Kematian"], row["Lahir hidup"], row["AKI"], row["IK 95%"]) == \
        ("2021–2023", "10", "11.531", "86,7", "41,5–159,5")
    assert _slide_texts(pooled)[0] == rep.maternal_text().data   # the section's sentence, as the HTML shows it
    assert "AKI 3 tahun 2021–2023: 86,7 per 100.000 KH" in _slide_texts(pooled)[0]
    # the document: each table with its caption and the same cells, its source line and sentence below
    assert [_table_cells(t) for t in doc.tables[1:]] == [office._cells(rep.maternal_by(by)) for by in
                                                         ("period", "age_group", "cause", "puskesmas")] + \
        [office._cells(rep.maternal_pooled())]
    texts = [p.text for p in doc.paragraphs]
    assert texts.count(source) == 5 and rep.maternal_text().data in texts


def test_maternal_tables_in_english_use_the_english_number_format(written):
    rep, prs, _ = written["en"]
    pooled = _slide_titled(prs, f"MMR pooled over 3 and 5 years with 95% CIs and the targets: {PLACE}")
    row = dict(zip(*_slide_table(pooled)[:2]))
    assert (row["Live births"], row["MMR"], row["95% CI"]) == ("11,531", "86.7", "41.5–159.5")
    assert _slide_texts(_slide_titled(prs, f"Maternal deaths by period (pregnancy, delivery, postpartum): {PLACE}"))[0] \
        == "Of 17 maternal deaths in 2019–2023, the most: Delivery / Postpartum (7)."


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    """Generated districts the registry does not know (synth_unseen), 2022-2023, cleaned: district 0 has maternal
    tables, district 3 none (synth_unseen._annex_layouts)."""
    from imr_analysis.clean.store import run_clean
    from imr_analysis.synth_unseen import write_corpus

    root = tmp_path_factory.mktemp("office_unseen")
    corpus = write_corpus(root / "raw", districts=4, years=[2022, 2023], flat_districts=1, seed=3)
    run_clean([root / "raw" / "annex"], root / "processed")
    names = list(corpus.districts.loc[corpus.districts["format"] == "annex", "district"])
    return root, names[0], names[3]


def test_unseen_district_with_maternal_data_gets_its_maternal_slides(unseen, tmp_path):
    root, district, _ = unseen
    rep = AnnualReport.open(2023, district, processed_dir=root / "processed", output_dir=tmp_path)
    prs, doc = (Presentation(p) if p.suffix == ".pptx" else Document(p) for p in office.write_office(rep))
    place = f"{district}, 2023"
    titles = _titles(prs)
    assert titles[7:11] == [f"{t}: {place}" for t in MATERNAL_TITLES_ID[:4]] and len(prs.slides) == 13
    # two years: no 3-year window to pool, so the slide says so (as the HTML does), then the year's deaths
    assert titles[11] == f"Kematian ibu: {place}" and not [s for s in prs.slides[11].shapes if s.has_table]
    assert _slide_texts(prs.slides[11]) == [f"{rep.maternal_pooled().data} {rep.maternal_text().data}"]
    assert _slide_texts(prs.slides[11])[0].startswith("AKI gabungan tidak dapat dihitung: tidak ada 3 tahun")
    deaths = rep.tables["maternal_by_period"].groupby("year")["deaths"].sum()
    cells = _slide_table(_slide_titled(prs, f"{MATERNAL_TITLES_ID[0]}: {place}"))
    assert cells == office._cells(rep.maternal_by("period"))
    assert cells[-1] == ["Jumlah", fmt(deaths[2022], "id", 0), fmt(deaths[2023], "id", 0), fmt(deaths.sum(), "id", 0)]
    assert len(doc.tables) == 5


def test_unseen_district_without_maternal_data_gets_the_htmls_sentence_not_a_table(unseen, tmp_path):
    root, _, district = unseen
    for lang, words in (("id", "Tidak ada data kematian ibu untuk 2022, 2023 (bukan berarti nol kematian)."),
                        ("en", "No maternal-death data for 2022, 2023 (which does not mean no deaths).")):
        rep = AnnualReport.open(2023, district, lang=lang, processed_dir=root / "processed", output_dir=tmp_path / lang)
        assert rep.maternal_by("period").data == words          # what the HTML shows in the section
        prs, doc = (Presentation(p) if p.suffix == ".pptx" else Document(p) for p in office.write_office(rep))
        assert len(prs.slides) == 1 + 1 + 5 + 1 + 1
        slide = prs.slides[7]
        heading = "Kematian ibu" if lang == "id" else "Maternal deaths"
        assert slide.shapes.title.text == f"{heading}: {district}, 2023"
        assert _slide_texts(slide) == [words] and not [s for s in slide.shapes if s.has_table]
        assert len(doc.tables) == 1 and words in [p.text for p in doc.paragraphs]
        assert ("Heading 2", f"{heading}: {district}, 2023") in [(p.style.name, p.text) for p in doc.paragraphs]


# --- tables that fit the slide ----------------------------------------------------------------------------------

def test_a_long_table_goes_on_as_many_slides_as_it_needs_each_inside_the_slide(tmp_path):
    """60 desa rows cannot fit one slide: they are split in order over slides with the header repeated, each table
    above the source line, the next slides titled '(lanjutan)', the sentence under the last."""
    import pandas as pd

    frame = pd.DataFrame({"Desa/kelurahan": [f"Desa Sumber Makmur {i}" for i in range(60)],
                          "Lahir hidup": [fmt(1000 + i, "id", 0) for i in range(60)]})
    c = office.Content(lang="id", title="Uji", subtitle="", headline_title="Angka", headline=frame.head(2),
                       headline_sentence="", figures=[], meeting_title="Poin", points=[], district="Uji", year=2025,
                       tables=[office.Table("Jumlah menurut desa", frame, "Kalimat kunci.", "Sumber: uji.")])
    prs = Presentation(office.write_pptx(c, tmp_path / "long.pptx"))
    slides = [s for s in prs.slides if s.shapes.title.text.startswith("Jumlah menurut desa")]
    assert len(slides) >= 2 and [s.shapes.title.text for s in slides[1:]] == ["Jumlah menurut desa (lanjutan)"] * (len(slides) - 1)
    rows = []
    for slide in slides:
        shape = next(s for s in slide.shapes if s.has_table)
        cells = _table_cells(shape.table)
        assert cells[0] == ["Desa/kelurahan", "Lahir hidup"]
        rows += cells[1:]
        assert shape.top + shape.height <= office._inches(office.SOURCE_TOP_IN)[0]
        assert _slide_texts(slide)[-1] == "Sumber: uji."
    assert rows == office._cells(frame)[1:]                      # every row once, in order
    assert _slide_texts(slides[-1])[0] == "Kalimat kunci." and "Kalimat kunci." not in _slide_texts(slides[0])


def test_fit_slide_table_prefers_one_slide_and_estimates_wrapped_rows():
    cells = [["Masalah", "Status"], ["KN lengkap di bawah target di Nibung " * 3, "Selesai"]]
    size, widths, pages = office.fit_slide_table(cells, 6.0, 5.0)
    assert pages == [[1]] and size == 16 and sum(widths) == pytest.approx(6.0)
    heights = office.row_heights(cells, widths, size)
    per_line = int((widths[0] - office.CELL_PAD_IN) / (office.CHAR_EM * size / 72))
    lines = -(-len(cells[1][0].strip()) // per_line)   # at least this many lines of wrapped words
    assert heights[1] >= lines * office.LINE_EM * size / 72 + office.ROW_PAD_IN

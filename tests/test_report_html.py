"""The HTML reports as a reader sees them: one language, numbered tables without an index column,
no code, no figure descriptions, no file lists; and the index page as a dashboard.

One batch in Indonesian (the sample, every year) and one in English (2021, the year with a
Puskesmas flagged for zero deaths) are run once for this module; every HTML file they write is parsed.
"""
import re

import pytest
from bs4 import BeautifulSoup

from conftest import SAMPLE_RAW
from helpers import run_cli
from imr_analysis.report.language import labels


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for lang, years in (("id", "2021-2023"), ("en", "2021")):
        folder = tmp_path_factory.mktemp(f"reports_{lang}")
        r = run_cli("run", "--raw", SAMPLE_RAW, "--years", years, "--lang", lang, "--out", folder / "reports",
                    "--processed", folder / "processed", "--jobs", "2", cwd=folder)
        assert r.returncode == 0, r.stderr[-3000:]
        out[lang] = folder / "reports"
    return out


def pages(folder):
    return {p.relative_to(folder).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(folder.rglob("*.html"))}


def only_in(lang: str) -> set[str]:
    """Label texts of the other language that this language never uses (longer than 3 characters)."""
    other = "en" if lang == "id" else "id"
    table = labels()
    mine = set(table[lang])
    return {text for text in table[other] if text not in mine and len(text) > 3 and "{" not in text}


def shown_labels(soup) -> list[str]:
    """Headings, captions, table headers and title-block labels: the texts that come from labels."""
    return [el.get_text(" ", strip=True).rstrip("¶ ") for el in soup.find_all(["h1", "h2", "h3", "caption", "th"])]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_report_speaks_one_language(runs, lang):
    foreign = only_in(lang)
    sections = {text for key, text in labels()[lang].items() if key.startswith("section_")}
    for name, soup in pages(runs[lang]).items():
        shown = shown_labels(soup)
        assert shown, name
        assert [s for s in shown if s in foreign] == [], name
        assert not any(re.search(r"\w / \w", s.get_text()) for s in soup.find_all(["h1", "h2"])), name  # no 'Angka utama / Headline'
        assert soup.find_all(["em", "i"]) == [], name   # no English italics under the headings
        if name != "index.html":
            h2 = [h.get_text(strip=True).rstrip("¶") for h in soup.find_all("h2")]  # nbconvert adds an anchor '¶'
            assert h2 and set(h2) <= sections, (name, set(h2) - sections)
    annual = pages(runs[lang])["2021/annual_report.html"].get_text(" ")
    if lang == "id":
        assert "IK 99,8%" in annual and "IK 99.8%" not in annual and "Kelengkapan data" in annual
    else:
        assert "99.8% CI" in annual and "Data completeness" in annual and "Kelengkapan" not in annual


@pytest.mark.parametrize("lang", ["id", "en"])
def test_reports_hold_no_code_index_column_description_parameters_or_file_list(runs, lang):
    for name, soup in pages(runs[lang]).items():
        text = soup.get_text(" ")
        assert soup.select("tbody th") == [], name                # a pandas index would be a header cell per row
        assert soup.select("table.dataframe") == [], name         # every table is a numbered report table
        assert soup.select(".jp-InputArea, .input_area") == [], name
        for noise in ("panel:", "Simpan", "Tersimpan", "Saved:", "Parameter", "setup_display", "rep.", "dq."):
            assert noise not in text, (name, noise)
        if name == "index.html":
            continue
        captions = [c.get_text(strip=True) for c in soup.find_all("caption")]
        word = "Tabel" if lang == "id" else "Table"
        assert captions == [c for c in captions if c.startswith(word)] and captions, name
        numbers = [int(re.match(rf"{word} (\d+)\.", c).group(1)) for c in captions]
        assert numbers == list(range(1, len(numbers) + 1)), name
        # numbers right-aligned, names left-aligned
        for table in soup.select("table.report"):
            for cell in table.select("td.num"):
                assert re.fullmatch(r"-|(< )?[-+]?[\d.,]+%?( - [-+]?[\d.,]+%?)?", cell.get_text(strip=True)), cell


def test_annual_report_title_block_figures_and_completeness(runs):
    soup = pages(runs["id"])["2021/annual_report.html"]
    block = {th.get_text(strip=True): td.get_text(strip=True) for th, td in
             zip(soup.select("table.title-block th"), soup.select("table.title-block td"))}
    assert block["Kabupaten"] == "Musi Rawas Utara" and block["Periode"] == "2021"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", block["Dibuat"]) and "profil_kesehatan_2021.xlsx" in block["Sumber data"]
    figure_captions = [p.get_text(strip=True) for p in soup.select("p.figure-caption")]
    assert [c.split(".")[0] for c in figure_captions] == [f"Gambar {i}" for i in range(1, 6)]
    assert len(soup.find_all("img")) == 5
    headline = soup.find("caption", string=re.compile("Angka utama")).find_parent("table").get_text(" ")
    assert "AKABA" in headline and "Angka lahir mati" in headline
    text = soup.get_text(" ")
    # Surulangun: 0 deaths among 595 live births at the district's 14,9 per 1.000: P(0) = e^-8,87 < 0,001
    assert "1 Puskesmas tanpa kematian bayi dengan peluang di bawah 0,05: Surulangun" in text
    assert "10 dari 58 kematian bayi (17,2%)" in text


def test_index_is_a_dashboard_in_the_report_language(runs):
    soup = pages(runs["id"])["index.html"]
    assert soup.html["lang"] == "id"
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("tbody tr")]
    assert [r[1] for r in rows] == ["2021", "2022", "2023"]
    assert rows[2][2:5] == ["8,7", "6,0 - 12,2", "16 sudah tercapai"]     # AKB 2023 with its CI and target status
    assert rows[0][5:8] == ["13,6", "10,2 - 17,8", "12 belum tercapai"]  # AKN 2021 above its target
    assert soup.find("img", class_="trend")["src"].startswith("data:image/png;base64,")
    assert "Temuan: 0 galat, 10 peringatan, 25 info." in soup.get_text(" ")
    links = [a.get_text(strip=True) for a in soup.find_all("a")]
    assert {"Laporan tahunan 2021", "Tren antar tahun", "Kualitas data"} <= set(links)
    hrefs = {a.get_text(strip=True): a["href"] for a in soup.find_all("a") if a["href"].startswith("2023/")}
    assert hrefs["slide (PPTX)"] == "2023/annual_report.pptx" and hrefs["dokumen (DOCX)"] == "2023/annual_report.docx"
    assert (runs["id"] / "2023" / "annual_report.pptx").exists() and (runs["id"] / "2023" / "annual_report.docx").exists()
    english = pages(runs["en"])["index.html"]
    assert english.html["lang"] == "en" and "Annual report 2021" in english.get_text(" ")
    assert "Laporan" not in english.get_text(" ")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_each_page_is_titled_with_its_report_and_language(runs, lang):
    """The browser tab and a printed page's header show the report's title (district, year), not the notebook's
    file name; <html lang> is the report's language."""
    titles = {"2021/annual_report.html": {"id": "Laporan kematian bayi 2021: Kabupaten Musi Rawas Utara",
                                          "en": "Infant mortality report 2021: Musi Rawas Utara district"},
              "data_quality/data_quality.html": {"id": "Kualitas data: Musi Rawas Utara, 2019-2025",
                                                 "en": "Data quality: Musi Rawas Utara, 2019-2025"}}
    found = pages(runs[lang])
    for name, soup in found.items():
        assert soup.html["lang"] == lang, name
        title = soup.title.get_text()
        assert title == soup.h1.get_text(strip=True).rstrip("¶"), name   # the title the page opens with
        assert title != name.rsplit("/", 1)[-1].removesuffix(".html") and "ipynb" not in title, name   # not nbconvert's
    for name, want in titles.items():
        assert found[name].title.get_text() == want[lang]


def _section_text(soup, heading: str) -> str:
    """The text of the report from the h2 ``heading`` to the next h2."""
    h2 = next(h for h in soup.find_all("h2") if h.get_text(strip=True).rstrip("¶") == heading)
    parts = []
    for el in h2.find_all_next():
        if el.name == "h2":
            break
        if el.name in ("p", "caption", "th", "td"):
            parts.append(el.get_text(" ", strip=True))
    return " | ".join(parts)


def test_maternal_section_counts_pooled_aki_and_targets_in_indonesian(runs):
    """Sample, 2023: 5 + 3 + 2 maternal deaths in 2021-2023 among 3,905 + 3,831 + 3,795 = 11,531 live births:
    AKI 10 / 11,531 x 100,000 = 86.72; Byar (10 deaths): 10 x (1 - 1/90 - 1.96/(3 sqrt 10))^3 = 4.787 -> 41.5,
    11 x (1 - 1/99 + 1.96/(3 sqrt 11))^3 = 18.39 -> 159.5. Five years 2019-2023: 17 / 19,273 -> 88.2."""
    soup = pages(runs["id"])["2023/annual_report.html"]
    text = _section_text(soup, "11. Kematian ibu")
    assert ("2 kematian ibu pada 2023; AKI 3 tahun 2021–2023: 86,7 per 100.000 KH (IK 95% 41,5–159,5); "
            "AKI 5 tahun 2019–2023: 88,2 per 100.000 KH (IK 95% 51,4–141,2).") in text
    for title in ("menurut periode", "menurut kelompok umur", "menurut penyebab", "menurut Puskesmas", "AKI gabungan"):
        assert f"Kematian ibu {title}" in text or title in text, title
    pooled = soup.find("caption", string=re.compile("AKI gabungan")).find_parent("table")
    heads = [th.get_text(strip=True) for th in pooled.select("th")]
    assert heads[-2:] == ["Target RPJMN 2024", "Target SDG 2030"]
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in pooled.select("tbody tr")]
    assert rows == [["2021–2023", "3", "10", "11.531", "86,7", "41,5–159,5", "183", "< 70"],
                    ["2019–2023", "5", "17", "19.273", "88,2", "51,4–141,2", "183", "< 70"]]
    causes = soup.find("caption", string=re.compile("Kematian ibu menurut penyebab")).find_parent("table")
    total = [td.get_text(strip=True) for td in causes.select("tbody tr")[-1].select("td")]
    assert total == ["Jumlah", "3", "4", "5", "3", "2", "17"]   # 2019-2023, counts first


def test_maternal_section_in_english_and_the_trend_report_says_too_few_deaths(runs):
    """2021: 5 maternal deaths; 2019-2021: 3 + 4 + 5 = 12 among 11,647 live births: 103.03 per 100,000, Byar
    12 x (1 - 1/108 - 1.96/(3 sqrt 12))^3 = 6.193 -> 53.2, 13 x (1 - 1/117 + 1.96/(3 sqrt 13))^3 = 20.96 -> 180.0;
    no 5-year window (2017 and 2018 have no data)."""
    soup = pages(runs["en"])["2021/annual_report.html"]
    text = _section_text(soup, "11. Maternal deaths")
    assert "5 maternal deaths in 2021; 3-year MMR 2019–2021: 103.0 per 100,000 live births (95% CI 53.2–180.0)." in text
    assert "5-year" not in text and "Kematian ibu" not in text
    trend = pages(runs["id"])["trends/trends_report.html"] if "trends/trends_report.html" in pages(runs["id"]) else \
        next(s for n, s in pages(runs["id"]).items() if "trend" in n)
    words = _section_text(trend, "7. Kematian ibu per tahun")
    assert "2 kematian ibu pada 2023; AKI 3 tahun 2021–2023: 86,7 per 100.000 KH (IK 95% 41,5–159,5)" in words
    assert "AKI: kematian terlalu sedikit untuk model tren" in words


def test_index_names_the_period_the_chart_and_the_target_sources(runs):
    """The trend chart carries the district and the years in its title; the note names where the targets come
    from (targets.csv source), not a file; one year is '2021', in the index and in the trend report."""
    soup = pages(runs["id"])["index.html"]
    trend = soup.find("img", class_="trend")
    assert trend["alt"] == "AKB dan AKN per tahun (IK 95%): Musi Rawas Utara, 2021-2023"   # the chart's own title
    note = soup.find("p", class_="source").get_text(" ", strip=True)
    assert note.endswith("Sumber target: RPJMN 2020-2024 (AKB awal 24 menurut SDKI 2017); SDG 3.2.2.")
    assert "vocab/" not in soup.get_text(" ") and "targets.csv" not in soup.get_text(" ")
    assert soup.h1.get_text(" ", strip=True) == "Kematian bayi: Musi Rawas Utara, 2021–2023"
    english = pages(runs["en"])["index.html"]
    assert english.h1.get_text(" ", strip=True) == "Infant mortality: Musi Rawas Utara, 2021"   # one year, no '2021–2021'
    trends = pages(runs["en"])["trends/trends.html"]
    assert trends.h1.get_text(" ", strip=True).startswith("Infant mortality trends 2021:")
    assert "2021-2021" not in trends.get_text(" ") and "2021–2021" not in trends.get_text(" ")


def test_total_rows_are_bold(runs):
    """The Jumlah row of deaths by cause and the district row of KN coverage are total rows, drawn in bold."""
    soup = pages(runs["id"])["2023/annual_report.html"]

    def table(caption):
        return soup.find("caption", string=re.compile(caption)).find_parent("table")
    causes = table("Kematian bayi menurut Puskesmas dan penyebab")
    rows = causes.select("tbody tr")
    assert [r.get("class") for r in rows] == [None] * (len(rows) - 1) + [["total"]]
    assert rows[-1].td.get_text(strip=True) == "Jumlah" and rows[-1].find_all("td")[-1].get_text() == "33"
    coverage = table("Cakupan KN")
    totals = coverage.select("tbody tr.total")
    assert [r.td.get_text(strip=True) for r in totals] == ["Musi Rawas Utara"] and len(coverage.select("tbody tr")) == 9
    assert "table.report tr.total td{font-weight:bold}" in soup.find("style", string=re.compile("tr.total")).get_text()

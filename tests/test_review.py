"""AMP-SR death reviews: the review fields of a line list, the review tables against hand counts and hand
Wilson limits, the recommendations register and its follow-up, and personal data kept out of every output."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, SAMPLE_RAW
from helpers import run_cli, run_python
from imr_analysis.clean.store import load_processed
from imr_analysis.analysis.review import LONG_COLUMNS, en_route_share, follow_up, follow_up_counts, review_table, \
    time_to_review
from imr_analysis.annex_writer import write_xlsx
from imr_analysis.clean import run_clean
from imr_analysis.clean.review import review_frame
from imr_analysis.clean.store import load_reviews
from imr_analysis.errors import InputError
from imr_analysis.privacy import folder_salt, salted, text_hash
from imr_analysis.read.register import read_register, write_template

REGISTER = ROOT / "data" / "rekomendasi_ampsr.xlsx"
FAKE = ("Fiktif", "Rekaan", "Khayalan", "9916050000000001", "089900000001")
Z = 1.959963984540054


def wilson(x: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval in %, by its formula (Wilson 1927)."""
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _record(pkm: str, place: str, referred: str = "no", avoidable: str = "unknown", days=None, **kw) -> dict:
    base = {"file": "f.xlsx", "sheet": "S", "row": 3, "province": "Sumatera Selatan", "district": "Musi Rawas Utara",
            "kecamatan": "K", "puskesmas": pkm, "year": 2024, "month": 1, "sex": "male", "age_group": "neonatal",
            "cause": "asphyxia", "place_of_birth": "home", "place_of_death": place, "referred": referred,
            "referred_from": "unknown", "referred_to": "unknown", "attendant": "health_worker",
            "delay_decision": "yes", "delay_reaching": "no", "delay_receiving": "unknown", "avoidable": avoidable,
            "birth_weight_g": 3000.0, "gestational_age_weeks": 39.0, "days_to_review": days}
    return base | kw


@pytest.fixture
def hand_reviews() -> pd.DataFrame:
    """Seven deaths: Pauh 4 (2 en route, 1 hospital, 1 home), Nibung 3 (hospital); one of 2023 left out."""
    recs = [_record("Pauh", "en_route", "yes", "yes", 10), _record("Pauh", "en_route", "no", "yes", 40),
            _record("Pauh", "hospital", "yes", "no", None), _record("Pauh", "home", "no", "yes", 20),
            _record("Nibung", "hospital", "yes", "no", 5), _record("Nibung", "hospital", "yes", "yes", 31),
            _record("Nibung", "hospital", "no", "unknown", 60), _record("Nibung", "home", year=2023)]
    for i, r in enumerate(recs):
        r["row"] = 3 + i
    return review_frame(recs)


def test_review_table_counts_and_wilson_limits_by_hand(hand_reviews):
    district = review_table(hand_reviews, 2024, "district")
    assert list(district.columns) == LONG_COLUMNS
    place = district[district["table"] == "place_of_death"].set_index("category")
    assert place["count"].to_dict() == {"home": 1, "hospital": 4, "en_route": 2}   # vocabulary order, 2023 left out
    assert set(place["total"]) == {7}
    lo, hi = wilson(2, 7)
    assert place.loc["en_route", "share"] == pytest.approx(200 / 7)
    assert (place.loc["en_route", "lower_95"], place.loc["en_route", "upper_95"]) == (pytest.approx(lo), pytest.approx(hi))
    avoid = district[district["table"] == "avoidable"].set_index("category")
    assert avoid["count"].to_dict() == {"yes": 4, "no": 2, "unknown": 1}
    assert avoid.loc["yes", "lower_95"] == pytest.approx(wilson(4, 7)[0])
    pkm = review_table(hand_reviews, 2024, "puskesmas")
    nibung = pkm[(pkm["table"] == "place_of_death") & (pkm["area"] == "Nibung")].set_index("category")
    assert nibung["count"].to_dict() == {"home": 0, "hospital": 3, "en_route": 0}   # a zero count is a count
    assert nibung.loc["home", "upper_95"] == pytest.approx(wilson(0, 3)[1])
    assert list(review_table(hand_reviews, 2024)["table"].unique()) == [
        "place_of_death", "place_of_birth", "referred", "attendant", "delay_decision", "delay_reaching",
        "delay_receiving", "avoidable"]


def test_en_route_or_after_referral_and_time_to_review_by_hand(hand_reviews):
    share = en_route_share(hand_reviews, 2024).set_index("category")
    assert share["count"].to_dict() == {"en_route": 2, "after_referral": 4, "en_route_or_after_referral": 5}
    assert share.loc["en_route_or_after_referral", "upper_95"] == pytest.approx(wilson(5, 7)[1])
    times = time_to_review(hand_reviews, 2024, "puskesmas", within_days=30).set_index("area")
    assert times.loc["Pauh"].to_dict() == {"deaths": 4, "reviewed": 3, "median_days": 20.0, "min_days": 10,
                                           "max_days": 40, "over_30_days": 1}
    assert times.loc["Nibung", "median_days"] == 31.0 and times.loc["Nibung", "over_30_days"] == 2


def _register(path, rows, header=("Rekomendasi", "Sumber", "Penanggung jawab", "Batas waktu", "Status", "Bukti")):
    return write_xlsx(path, {"Rekomendasi": [list(header), *rows]})


def test_follow_up_as_of_a_date(tmp_path):
    path = _register(tmp_path / "r.xlsx", [
        ["A", "kajian 1", "Dinkes", dt.date(2025, 1, 31), "Selesai", "SK"],
        ["B", "kajian 1", "Bapperida", dt.date(2025, 1, 31), "Belum", ""],
        ["C", "kajian 2", "RSUD", "2025-06-30", "Dalam proses", ""],
        ["D", "kajian 2", "Camat Contoh", dt.date(2025, 3, 1), "belum selesai", ""]])
    register = read_register(path)
    assert list(register["responsible"]) == ["dinkes", "opd", "hospital", "other"]
    followed = follow_up(register, dt.date(2025, 3, 1))
    assert list(followed["follow_up"]) == ["done", "overdue", "open", "open"]   # the deadline day itself is not late
    assert list(followed["days_overdue"]) == [0, 29, 0, 0]
    later = follow_up_counts(follow_up(register, dt.date(2025, 7, 1))).set_index("follow_up")["count"]
    assert later.to_dict() == {"open": 0, "done": 1, "overdue": 3}


@pytest.mark.parametrize("row, column, words", [
    (["A", "k", "Dinkes", "akhir tahun", "Selesai", ""], "D", "not a date"),
    (["A", "k", "Dinkes", dt.date(2025, 1, 1), "mungkin", ""], "E", "not one of"),
    (["", "k", "Dinkes", dt.date(2025, 1, 1), "Selesai", ""], "A", "recommendation is blank"),
    (["A", "k", None, dt.date(2025, 1, 1), "Selesai", ""], "C", "responsible unit is blank"),
])
def test_a_bad_register_row_names_file_sheet_row_and_column(tmp_path, row, column, words):
    path = _register(tmp_path / "bad.xlsx", [["ok", "k", "Dinkes", dt.date(2025, 1, 1), "Selesai", ""], row])
    with pytest.raises(InputError) as err:
        read_register(path)
    text = str(err.value)
    assert words in text and "file bad.xlsx" in text and "sheet 'Rekomendasi'" in text and "row 3" in text
    assert f"column {column}" in text and "akhir tahun" not in text and "mungkin" not in text


def test_a_register_without_a_required_column_and_the_template(tmp_path):
    path = _register(tmp_path / "r.xlsx", [["A", "k", "Dinkes", dt.date(2025, 1, 1), "", ""]],
                     header=("Rekomendasi", "Sumber", "Penanggung jawab", "Batas waktu", "Catatan", "Bukti"))
    with pytest.raises(InputError, match="no column Status"):
        read_register(path)
    template = write_template(tmp_path / "t.csv", "en")
    assert template.read_text(encoding="utf-8-sig").strip() == \
        "Recommendation,Source (review or meeting),Responsible unit,Deadline,Status,Evidence"
    assert read_register(template).empty


HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://x.example","klik")', "Ru\u200bmah\u202e sakit"]


def test_hostile_free_text_answers_are_other_and_never_echoed(tmp_path):
    header = ["NO", "NAMA IBU", "JENIS KELAMIN", "TANGGAL LAHIR", "TANGGAL MENINGGAL", "PENYEBAB KEMATIAN",
              "PUSKESMAS", "TEMPAT KEMATIAN", "PENOLONG PERSALINAN", "DAPAT DICEGAH", "TERLAMBAT 1",
              "BERAT LAHIR", "TANGGAL PENGKAJIAN"]
    rows = [["DAFTAR KEMATIAN BAYI KABUPATEN MUSI RAWAS UTARA TAHUN 2024"], header,
            [1, "Ny. Rekaan01", "L", dt.date(2024, 3, 1), dt.date(2024, 3, 2), "Asfiksia", "Pauh", HOSTILE[0],
             HOSTILE[1], HOSTILE[2], "Ya", 2600, dt.date(2024, 3, 20)],
            [2, "Ny. Rekaan02", "P", dt.date(2024, 4, 1), dt.date(2024, 4, 3), "BBLR", "Nibung", "Dalam perjalanan",
             "Dukun", "Tidak dapat dicegah", "tidak", 2.6, None]]
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "ampsr.xlsx", {"AMP-SR": rows})
    out = tmp_path / "processed"
    run = run_clean([raw], out)
    reviews = load_reviews(out).set_index("row")
    assert reviews.loc[3, ["place_of_death", "attendant", "avoidable", "delay_decision"]].tolist() == \
        ["other", "other", "other", "yes"]
    assert reviews.loc[4, ["place_of_death", "attendant", "avoidable", "delay_decision"]].tolist() == \
        ["en_route", "traditional", "no", "no"]
    assert reviews.loc[3, "days_to_review"] == 18 and pd.isna(reviews.loc[4, "days_to_review"])
    assert reviews.loc[4, "birth_weight_g"] == 2600.0   # written in kg
    ledger = run.result.ledger.set_index("row")
    with salted(folder_salt(out)):
        hashed = text_hash(HOSTILE[0])
    assert hashed in ledger.loc[3, "rules"] and "answer not in the vocabulary" in ledger.loc[3, "rules"]
    lbw = run.findings[run.findings["check"] == "lbw_cause_vs_weight"]
    assert list(lbw["row"]) == [4] and "2,600 g" in lbw["message"].iloc[0]
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".md", ".parquet"):
            data = path.read_bytes()
            for bad in ("<script", "HYPERLINK", "Rekaan", "\u200b".encode()):
                assert (bad if isinstance(bad, bytes) else bad.encode()) not in data, (path.name, bad)


@pytest.fixture(scope="session")
def sample_reviews(sample_run):
    return load_reviews(sample_run.out)


def test_the_sample_line_list_is_accounted_and_agrees_with_the_annex(sample_run, sample_reviews):
    ledger = sample_run.result.ledger
    rows = ledger[ledger["file"].str.endswith("ampsr_kematian_bayi_2024.xlsx")]
    sheet = openpyxl.load_workbook(SAMPLE_RAW / "musi_rawas_utara" / "ampsr_kematian_bayi_2024.xlsx")["AMP-SR"]
    assert sorted(rows["row"]) == list(range(3, sheet.max_row + 1))   # every line-list row in the ledger
    assert len(sample_reviews) == len(rows) == 27
    deaths = sample_run.result.tables["deaths"]
    annex = deaths[(deaths["year"] == 2024) & deaths["age_group"].isin(["neonatal", "postneonatal"])]
    by_pkm = sample_reviews.groupby("puskesmas").size()
    assert by_pkm.to_dict() == annex.groupby("puskesmas")["deaths"].sum().loc[lambda s: s > 0].to_dict()
    assert not (sample_run.findings["check"] == "reconciliation").any()
    lbw = sample_run.findings[sample_run.findings["check"] == "lbw_cause_vs_weight"]
    assert len(lbw) == 1 and lbw["file"].iloc[0].endswith("ampsr_kematian_bayi_2024.xlsx")
    assert (sample_reviews["place_of_birth"] == "other").sum() == 1


def test_personal_data_of_the_sample_never_reaches_the_processed_folder_or_the_review_outputs(sample_run, tmp_path):
    out = tmp_path / "review.xlsx"
    done = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--level", "puskesmas", "--register",
                   REGISTER, "--as-of", "2025-03-31", "--out", tmp_path / "review.csv")
    assert done.returncode == 0, done.stderr
    done2 = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--out", out)
    assert done2.returncode == 0, done2.stderr
    texts = [done.stdout, done.stderr, done2.stdout, done2.stderr]
    files = [p for p in [*sample_run.out.rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for fake in FAKE:
            assert fake.encode() not in data, (path.name, fake)
    for fake in FAKE:
        assert not any(fake in t for t in texts)


def test_the_review_command_on_the_sample_with_the_register(sample_run, tmp_path):
    done = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--register", REGISTER,
                   "--as-of", "2025-03-31", "--out", tmp_path / "review.csv", "--lang", "en", "--table", "data")
    assert done.returncode == 0, done.stderr
    assert "2 done, 2 open, 1 overdue (of 5)" in done.stdout
    table = pd.read_csv(tmp_path / "review.csv", encoding="utf-8-sig")
    assert list(table.columns) == LONG_COLUMNS
    assert table.groupby("table")["count"].sum().drop("en_route_or_referred").eq(27).all()
    followed = pd.read_csv(tmp_path / "review_follow_up.csv", encoding="utf-8-sig")
    assert list(followed["follow_up"]) == ["done", "done", "open", "open", "overdue"]
    missing = tmp_path / "new" / "rekomendasi.xlsx"
    made = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--register", missing, "--lang", "en")
    assert made.returncode == 0 and missing.exists() and "template" in made.stdout
    none = run_cli("review", "--processed", sample_run.out, "--year", 2023, "--lang", "en")
    assert none.returncode == 2 and "no death-review" in none.stderr


def test_a_year_without_reviews_names_the_years_there_are(sample_run, tmp_path):
    """The sample's line list is of 2024: asking for 2023 names 2024, in either language; a folder without any
    line list says none was cleaned."""
    en = run_cli("review", "--processed", sample_run.out, "--year", 2023, "--lang", "en")
    assert en.returncode == 2 and "Traceback" not in en.stderr
    assert "no death-review (AMP-SR) data for 2023; the death line lists cleaned hold the years 2024." in en.stderr
    assert "give one of those years with --year" in en.stderr and "no death line list was cleaned" not in en.stderr
    id_ = run_cli("review", "--processed", sample_run.out, "--year", 2023)
    assert id_.returncode == 2 and "daftar kematian yang dibersihkan memuat tahun 2024." in id_.stderr
    assert "tidak ada daftar kematian yang dibersihkan" not in id_.stderr
    (tmp_path / "empty").mkdir()
    none = run_cli("review", "--processed", tmp_path / "empty", "--year", 2023)
    assert none.returncode == 2 and "tidak ada daftar kematian yang dibersihkan" in none.stderr


def test_the_committed_sample_line_list_and_register_equal_a_fresh_run(tmp_path):
    made = run_python(ROOT / "scripts" / "make_sample_ampsr.py", "--out", tmp_path, "--register", tmp_path / "reg.xlsx")
    assert made.returncode == 0, made.stderr
    for fresh, stored in ((tmp_path / "ampsr_kematian_bayi_2024.xlsx", SAMPLE_RAW / "musi_rawas_utara" /
                           "ampsr_kematian_bayi_2024.xlsx"), (tmp_path / "reg.xlsx", REGISTER)):
        new, old = openpyxl.load_workbook(fresh), openpyxl.load_workbook(stored)
        assert new.sheetnames == old.sheetnames
        for name in new.sheetnames:
            assert list(new[name].values) == list(old[name].values), name


def test_the_review_command_on_a_generated_district(tmp_path):
    raw = tmp_path / "raw"
    made = run_cli("synth", "--unseen", "--districts", 1, "--years", "2023", "--seed", 5, "--out", raw)
    assert made.returncode == 0, made.stderr
    row = pd.read_csv(raw / "districts.csv").set_index("format").loc["linelist"]
    out = tmp_path / "processed"
    cleaned = run_cli("clean", raw / row["folder"], "--district", row["district"], "--out", out)
    assert cleaned.returncode == 0, cleaned.stderr
    reviews = load_reviews(out)
    truth = pd.read_csv(raw / "reviews_truth.csv", dtype={"sheet": str}, keep_default_na=False, na_values=[""])
    listed = (pd.read_csv(raw / "raw_rows.csv")["table"] == "linelist").sum()
    mothers = load_processed(out)["maternal_deaths"]["deaths"].sum()   # a mother's death has no review record
    assert mothers > 0 and len(reviews) == len(truth) == listed - mothers
    got = reviews.assign(file=[str(Path(f).relative_to(raw)) for f in reviews["file"]]).set_index(["file", "row"])
    want = truth.set_index(["file", "row"]).loc[got.index]
    for column in ("place_of_birth", "attendant", "referred", "delay_decision", "delay_reaching", "delay_receiving",
                   "avoidable", "birth_weight_g"):
        assert got[column].tolist() == want[column].tolist(), column
    assert got["days_to_review"].astype("Float64").tolist() == want["days_to_review"].astype("Float64").tolist()
    done = run_cli("review", "--processed", out, "--year", 2023, "--level", "puskesmas", "--out", tmp_path / "r.xlsx",
                   "--table", "data")
    assert done.returncode == 0, done.stderr
    table = pd.read_excel(tmp_path / "r.xlsx", sheet_name="review", engine="openpyxl")
    place = table[table["table"] == "place_of_death"]
    assert place.groupby("area")["count"].sum().to_dict() == reviews.groupby("puskesmas").size().to_dict()


def _run_reports(cwd, *args):
    done = run_cli("run", *args, "--lang", "en", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


def test_run_writes_the_review_report_and_its_summary_on_the_sample(tmp_path):
    import shutil

    shutil.copytree(SAMPLE_RAW, tmp_path / "data" / "raw")
    shutil.copy(REGISTER, tmp_path / "data" / REGISTER.name)
    done = _run_reports(tmp_path, "--years", "2023-2024")
    assert "amp_sr_2024" in done.stdout and "amp_sr_2023" not in done.stdout   # only a year with review data
    folder = tmp_path / "reports" / "2024" / "amp_sr"
    html = (folder / "amp_sr.html").read_text(encoding="utf-8")
    assert "Follow-up of the recommendations" in html and "Kemitraan bidan dan dukun di setiap desa" in html
    assert "Died en route or after referral" in html and "11 / 27" in html
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "AMP-SR death reviews 2024" in index and "2024/amp_sr/amp_sr_summary.pptx" in index
    for path in [*(tmp_path / "reports").rglob("*"), *(tmp_path / "data" / "processed").rglob("*")]:
        if path.is_file():
            data = path.read_bytes() if path.suffix not in (".pptx", ".docx", ".xlsx") else _zip_text(path)
            for fake in FAKE:
                assert fake.encode() not in data, (path, fake)


def _zip_text(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist())


def test_run_writes_the_review_report_on_a_generated_district(tmp_path):
    import shutil

    raw = tmp_path / "synth"
    assert run_cli("synth", "--unseen", "--districts", 1, "--years", "2023", "--seed", 5, "--out", raw).returncode == 0
    row = pd.read_csv(raw / "districts.csv").set_index("format").loc["linelist"]
    (tmp_path / "data").mkdir()
    shutil.copy(REGISTER, tmp_path / "data" / REGISTER.name)
    done = _run_reports(tmp_path, "--raw", raw / row["folder"], "--district", row["district"])
    assert "amp_sr_2023" in done.stdout
    folder = tmp_path / "reports" / "2023" / "amp_sr"
    html = (folder / "amp_sr.html").read_text(encoding="utf-8")
    assert "Follow-up of the recommendations" in html and "Overdue" in html
    assert (folder / "amp_sr_summary.docx").exists() and (folder / "tables" / "follow_up.csv").exists()
    deaths = len(pd.read_csv(raw / "reviews_truth.csv"))
    assert f"{deaths} infant deaths in {row['district']} in 2023 were reviewed" in html


def test_the_review_findings_are_shown_in_the_report_language(sample_run, tmp_path):
    """The birth weight against cause finding of the sample (row 3, 2,600 g) in Indonesian and in English."""
    from imr_analysis.report.review import ReviewReport

    for lang, words in (("id", "berat lahirnya 2.600 g (BBLR berarti di bawah 2.500 g)"),
                        ("en", "the birth weight is 2,600 g (low birth weight is below 2,500 g)")):
        rep = ReviewReport.open(2024, lang=lang, processed_dir=sample_run.out, output_dir=tmp_path / lang)
        assert rep._messages() == [m for m in rep._messages() if words in m] and len(rep._messages()) == 1


# --- the review tables people open in Excel ------------------------------------------------------------------------
REVIEW_HEADERS = {
    "id": ["Tabel kajian", "Kode tabel kajian", "Wilayah", "Kategori", "Kode kategori", "Jumlah kematian",
           "Kematian dikaji", "Persentase (%)", "IK 95% bawah", "IK 95% atas"],
    "en": ["Review table", "Review table code", "Area", "Category", "Category code", "Deaths", "Deaths reviewed",
           "Share (%)", "95% CI lower", "95% CI upper"]}
FOLLOW_UP_HEADERS = {
    "id": ["Baris", "Rekomendasi", "Sumber", "Penanggung jawab", "Batas waktu", "Status", "Bukti", "Tindak lanjut",
           "Hari lewat batas"],
    "en": ["Row", "Recommendation", "Source", "Responsible unit", "Deadline", "Status", "Evidence", "Follow-up",
           "Days overdue"]}
FOLLOW_UP_STATES = {"id": ["Selesai", "Selesai", "Belum selesai", "Belum selesai", "Lewat batas waktu"],
                    "en": ["Done", "Done", "Open", "Open", "Overdue"]}
EITHER = {"id": ("Meninggal dalam perjalanan atau setelah dirujuk", "Dalam perjalanan atau setelah dirujuk"),
          "en": ("Died en route or after referral", "En route or after referral")}


def _review_cli(sample_run, out, *args):
    done = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--register", REGISTER, "--as-of",
                   "2025-03-31", "--out", out, *args)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_review_xlsx_has_sheets_headers_and_labels_in_lang_rounded_shares_and_number_formats(sample_run, tmp_path,
                                                                                                 lang):
    """11 of the sample's 27 reviewed deaths of 2024 died en route or after a referral: 11 / 27 x 100 = 40.74 %,
    shown 40.7, with its Wilson limits 24.5 and 59.3 (by hand: centre 0.4189, half-width 0.1738)."""
    out = tmp_path / "kajian.xlsx"
    _review_cli(sample_run, out, "--lang", lang)
    book = openpyxl.load_workbook(out)
    sheets = {"id": ["Kajian kematian", "Tindak lanjut"], "en": ["Death reviews", "Follow-up"]}[lang]
    assert book.sheetnames == sheets
    ws = book[sheets[0]]
    rows = list(ws.values)
    h = REVIEW_HEADERS[lang]
    assert list(rows[0]) == h
    table = pd.DataFrame(rows[1:], columns=h)
    either = table[(table[h[1]] == "en_route_or_referred") & (table[h[4]] == "en_route_or_after_referral")]
    assert len(either) == 1 and list(either.iloc[0]) == [EITHER[lang][0], "en_route_or_referred", "Musi Rawas Utara",
                                                         EITHER[lang][1], "en_route_or_after_referral", 11, 27, 40.7,
                                                         24.5, 59.3]
    assert tuple(round(x, 1) for x in wilson(11, 27)) == (24.5, 59.3)
    home = table[(table[h[1]] == "place_of_death") & (table[h[4]] == "home")].iloc[0]
    assert (home[h[0]], home[h[3]]) == {"id": ("Tempat meninggal", "Rumah"), "en": ("Place of death", "Home")}[lang]
    assert home[h[7]] == round(home[h[5]] / 27 * 100, 1)
    assert all(type(r[5]) is int and type(r[6]) is int for r in rows[1:])   # counts whole, never 7.0
    assert not table[h[3]].isin(["home", "en_route", "yes", "no", "unknown"]).any()   # labels, never codes
    column = {name: i + 1 for i, name in enumerate(h)}
    assert {ws.cell(row=2, column=column[name]).number_format for name in h[5:7]} == {"#,##0"}
    assert {ws.cell(row=2, column=column[name]).number_format for name in h[7:]} == {"0.0"}
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws.auto_filter.ref
    follow = book[sheets[1]]
    rows = list(follow.values)
    assert list(rows[0]) == FOLLOW_UP_HEADERS[lang]
    assert [r[7] for r in rows[1:]] == FOLLOW_UP_STATES[lang]
    assert all(isinstance(r[8], int) for r in rows[1:]) and follow.cell(row=2, column=9).number_format == "#,##0"
    assert all(dt.date.fromisoformat(r[4]) for r in rows[1:])


def test_the_review_csv_follows_the_locale_and_data_keeps_the_codes(sample_run, tmp_path):
    """--lang id writes ';' and a decimal comma (Excel set to Indonesian), --csv-locale en ',' and '.', the
    follow-up the same beside it; --table data the analysis table itself, at full precision."""
    _review_cli(sample_run, tmp_path / "kajian.csv")
    text = (tmp_path / "kajian.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ";".join(REVIEW_HEADERS["id"])
    assert ";Dalam perjalanan atau setelah dirujuk;en_route_or_after_referral;11;27;40,7;24,5;59,3" in text
    follow = (tmp_path / "kajian_follow_up.csv").read_text(encoding="utf-8-sig").splitlines()
    assert follow[0] == ";".join(FOLLOW_UP_HEADERS["id"]) and len(follow) == 6
    _review_cli(sample_run, tmp_path / "en.csv", "--csv-locale", "en")
    text = (tmp_path / "en.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(REVIEW_HEADERS["id"])
    assert ",Dalam perjalanan atau setelah dirujuk,en_route_or_after_referral,11,27,40.7,24.5,59.3" in text
    _review_cli(sample_run, tmp_path / "data.csv", "--table", "data")
    data = pd.read_csv(tmp_path / "data.csv", encoding="utf-8-sig")
    assert list(data.columns) == LONG_COLUMNS
    either = data[data["category"] == "en_route_or_after_referral"].iloc[0]
    assert either["share"] == pytest.approx(100 * 11 / 27, abs=1e-9) and either["count"] == 11


def test_the_review_console_table_is_in_the_language(sample_run):
    for lang, words in (("id", ["Tabel kajian", "Kategori", *EITHER["id"], "40,7", "24,5 - 59,3", "Lewat batas waktu"]),
                        ("en", ["Review table", "Category", *EITHER["en"], "40.7", "24.5 - 59.3", "Overdue"])):
        done = run_cli("review", "--processed", sample_run.out, "--year", 2024, "--register", REGISTER, "--as-of",
                       "2025-03-31", "--lang", lang)
        assert done.returncode == 0, done.stderr
        assert all(w in done.stdout for w in words), lang
        assert "en_route" not in done.stdout and "place_of_death" not in done.stdout and "40.740" not in done.stdout


REPORT_SHEETS = {"id": ["Tempat meninggal", "Dalam perjalanan atau dirujuk", "Tiga terlambat per Puskesmas",
                        "Dapat dicegah", "Temuan kajian", "Waktu sampai kajian", "Tindak lanjut"],
                 "en": ["Place of death", "En route or referred", "Three delays by Puskesmas", "Avoidable",
                        "Review findings", "Time to review", "Follow-up"]}
TIME_HEADERS = {"id": ["Puskesmas", "Kematian", "Tanggal kajian tercatat", "Median hari sampai kajian",
                       "Hari paling sedikit", "Hari paling banyak", "Dikaji lebih dari 30 hari setelah kematian"],
                "en": ["Health centre (Puskesmas)", "Deaths", "Review date recorded", "Median days to review",
                       "Fewest days", "Most days", "Reviewed more than 30 days after the death"]}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_review_report_saves_its_tables_in_the_language(sample_run, tmp_path, lang):
    """reports/<year>/amp_sr/tables.xlsx and tables/*.csv: sheets and headers in lang, the review tables in the
    layout of the review command, median days rounded to whole days, findings in lang."""
    from imr_analysis.report.review import ReviewReport

    rep = ReviewReport.open(2024, lang=lang, processed_dir=sample_run.out, output_dir=tmp_path, register=REGISTER,
                            as_of="2025-03-31")
    rep.build()
    rep.save()
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.sheetnames == REPORT_SHEETS[lang]
    codes = {c for df in rep.tables.values() for c in df.columns if c.islower()}   # not the labelled ones
    for ws in book.worksheets:   # every header a label, never an analysis column name
        assert not {c.value for c in ws[1]} & codes, (lang, ws.title)
    assert [c.value for c in book[REPORT_SHEETS[lang][0]][1]] == REVIEW_HEADERS[lang]
    time = book[REPORT_SHEETS[lang][5]]
    rows = list(time.values)
    assert list(rows[0]) == TIME_HEADERS[lang]
    reviews = load_reviews(sample_run.out)
    medians = reviews[reviews["year"] == 2024].groupby("puskesmas")["days_to_review"].median()
    assert {r[0]: r[3] for r in rows[1:]} == {p: None if pd.isna(m) else round(m) for p, m in medians.items()}
    assert time.cell(row=2, column=4).number_format == "#,##0"
    found = list(book[REPORT_SHEETS[lang][4]].values)
    assert found[1][0] == {"id": "Penyebab BBLR tidak cocok dengan berat lahir",
                           "en": "LBW cause does not match the birth weight"}[lang]
    assert [r[7] for r in list(book[REPORT_SHEETS[lang][6]].values)[1:]] == FOLLOW_UP_STATES[lang]
    sep = {"id": ";", "en": ","}[lang]
    place = (tmp_path / "tables" / "place_of_death.csv").read_text(encoding="utf-8-sig").splitlines()
    assert place[0] == sep.join(REVIEW_HEADERS[lang])

"""The cleaning report (cleaning_report.md) and the notes inside findings in one language: ``clean --lang``.

ledger.csv stays English (for scripts); the report shows its rules and reasons by kind, translated through
vocab/ledger_kinds.csv. The vocabulary must cover every kind the bundled sample and a generated district the
registry has never seen produce.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import births_table, write_xlsx
from imr_analysis.clean import run_clean
from imr_analysis.clean.report import _kinds, cleaning_report, reason_kind, rule_kind
from imr_analysis.synth_unseen import write_corpus
from imr_analysis.vocab.findings import render, render_stored
from imr_analysis.vocab.ledger_kinds import ledger_text, translate

ENGLISH_SENTENCES = ("# Cleaning report", "Raw body rows read", "Kept as written", "Every row, with its state",
                     "## Tables found", "## Rules applied", "## Rows set aside", "The first row of each kind",
                     "## Header mappings", "## Data-quality findings", "Every finding, with its location",
                     "Personal-data columns are dropped", "## Rows by input format", "_none_",
                     "| district | year | table |", "| rule | rows | first at |", ", sheet '", ", row ")
INDONESIAN_SENTENCES = ("# Laporan pembersihan data", "Baris isi mentah yang dibaca", "Dipakai apa adanya",
                        "ditulis dalam bahasa Inggris agar dapat dibaca skrip", "## Tabel yang ditemukan",
                        "## Aturan yang dipakai (baris dipetakan)", "## Baris yang disisihkan (baris Puskesmas)",
                        "## Pemetaan judul kolom dan kolom yang tidak dipakai", "## Temuan kualitas data",
                        "## Baris menurut format masukan", "| Kabupaten/Kota | Tahun | Tabel |",
                        "| Aturan | Baris | Pertama di |", ", lembar '", ", baris ")


@pytest.fixture(scope="session")
def unseen_runs(tmp_path_factory):
    """A generated corpus of districts the registry does not know (annex, monthly and line-list layouts),
    each layout cleaned once (report in Indonesian)."""
    tmp = tmp_path_factory.mktemp("unseen_cleaning_report")
    corpus = write_corpus(tmp / "raw", districts=3, years=[2022, 2023], seed=11)
    runs = {"annex": run_clean([corpus.root / "annex"], tmp / "annex")}
    for fmt in ("monthly", "linelist"):
        row = corpus.districts[corpus.districts["format"] == fmt].iloc[0]
        runs[fmt] = run_clean([corpus.root / row["folder"]], tmp / fmt, district=row["district"])
    return runs


def _report(run) -> str:
    return (run.out / "cleaning_report.md").read_text(encoding="utf-8")


def _all_kinds(run) -> list[str]:
    """Every rule kind and reason kind the report counts, and every full reason of a row set aside."""
    ledger = run.result.ledger
    data = ledger[ledger["row_kind"] == "data"]
    rules = data.loc[data["rules"] != "", "rules"]
    aside = data[data["state"] == "set_aside"]
    kinds = list(_kinds(rules, ledger, rule_kind, "rule", "; ")["rule"]) if len(rules) else []
    if len(aside):
        kinds += list(_kinds(aside["reason"], ledger, reason_kind, "reason")["reason"]) + list(aside["reason"])
    return kinds


def _rule_rows(ledger, rule: str) -> int:
    """Data rows counted (kept or mapped) whose rules include ``rule``."""
    counted = ledger[(ledger["row_kind"] == "data") & ledger["state"].isin(["kept", "mapped"])]
    return int(counted["rules"].str.split("; ").map(lambda rules: rule in rules).sum())


def test_an_indonesian_clean_writes_an_indonesian_cleaning_report(sample_run):
    text = _report(sample_run)
    for sentence in INDONESIAN_SENTENCES:
        assert sentence in text
    for sentence in ENGLISH_SENTENCES:
        assert sentence not in text
    ledger = sample_run.result.ledger
    assert f"Baris isi mentah yang dibaca: **{len(ledger)}**" in text
    # the rule and reason kinds in Indonesian, never the ledger's English
    # counted over the rows counted: the 2025 monthly rows (2019-2024 monthly rows are compared with the annex, set aside)
    assert f"| kematian neonatal = 0-6 hari + 7-28 hari | {_rule_rows(ledger, 'neonatal deaths = 0-6 days + 7-28 days')} |" in text
    assert _rule_rows(ledger, "neonatal deaths = 0-6 days + 7-28 days") == 129
    assert "neonatal deaths = 0-6 days" not in text
    assert "tabel lampiran memberi jumlah untuk Musi Rawas Utara …; baris ini dibandingkan dengannya" in text
    assert "the annex tables give the counts" not in text
    # codes shown as their labels: states, row kinds, formats, dropped-column reasons, checks
    assert "| tabel lampiran | dipakai apa adanya |" in text and "| annex | kept |" not in text
    assert "| kolom A | tidak dipakai |" in text and "| data pribadi |" in text
    assert "| Kelengkapan laporan bulanan |" in text
    # the header path and the note inside it, in Indonesian
    assert "| kematian / neonatal / Asfiksia / L+P | salah ketik diperbaiki (dibaca sebagai 'ASFIKSIA') |" in text
    # and ledger.csv itself stays English, for scripts
    on_disk = pd.read_csv(sample_run.out / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)
    assert on_disk["rules"].str.contains("neonatal deaths = 0-6 days + 7-28 days", regex=False).any()


def test_an_english_cleaning_report_is_english(sample_run):
    text = cleaning_report(sample_run.result, sample_run.findings, "en")
    for sentence in ("# Cleaning report", "Raw body rows read: **772**", "## Rules applied (mapped rows)",
                     "| neonatal deaths = 0-6 days + 7-28 days | 129 |", "| Rule | Rows | First at |",
                     "| deaths / neonatal / asphyxia / unspecified | typo fixed (read as 'ASFIKSIA') |",
                     "| annex tables | kept as written | 42 |", "Monthly report completeness"):
        assert sentence in text
    for sentence in INDONESIAN_SENTENCES:
        assert sentence not in text


def test_numbers_in_the_indonesian_report_use_a_thousands_dot(sample_run):
    """Counts of a thousand or more are written 1.234 in Indonesian, 1,234 in English (years never)."""
    result = sample_run.result
    bigger = type(result)(**{**vars(result), "ledger": pd.concat([result.ledger] * 2, ignore_index=True)})
    n = 2 * len(result.ledger)
    assert n >= 1000
    assert f"Baris isi mentah yang dibaca: **{n // 1000}.{n % 1000:03d}**" in cleaning_report(bigger, sample_run.findings, "id")
    assert f"Raw body rows read: **{n // 1000},{n % 1000:03d}**" in cleaning_report(bigger, sample_run.findings, "en")
    assert "| 2.019 |" not in cleaning_report(bigger, sample_run.findings, "id")


def test_the_kinds_vocabulary_covers_the_sample_and_an_unseen_district(sample_run, unseen_runs):
    seen = {name: _all_kinds(run) for name, run in {"sample": sample_run, **unseen_runs}.items()}
    assert all(seen.values()), {k: len(v) for k, v in seen.items()}   # every corpus gives kinds to translate
    missing = {kind for kinds in seen.values() for kind in kinds if translate(kind) is None}
    assert missing == set()
    for name, run in unseen_runs.items():   # nothing of the English template is left in its report
        text = _report(run)
        assert "# Laporan pembersihan data" in text and "Raw body rows read" not in text, name


@pytest.mark.parametrize("english, indonesian", [
    ("blank -> 0", "sel kosong -> 0"),
    ("ICD-10 P20 -> asphyxia", "ICD-10 P20 -> Asfiksia"),
    ("second row for … … in this table (first at profil.xlsx, sheet '…', row …, DIFFERENT numbers); not counted twice",
     "baris kedua untuk … … di tabel ini (yang pertama di profil.xlsx, lembar '…', baris …, angkanya BERBEDA); "
     "tidak dihitung dua kali"),
    # two reasons of one row, the first with a '; ' of its own
    ("column D (L): text in a number cell (text of … characters, #…); enter a number (blank or '-' mean 0); "
     "no year: add a TAHUN column or title line, or pass --year",
     "kolom D (L): teks di sel angka (teks … karakter, #…); isikan angka (kosong atau '-' berarti 0); "
     "tidak ada tahun: tambahkan kolom atau baris judul TAHUN, atau berikan --year"),
])
def test_a_kind_and_a_full_reason_translate(english, indonesian):
    assert translate(english) == ledger_text(english, "id") == indonesian
    assert ledger_text(english, "en") == english


def test_an_unknown_text_is_shown_as_written():
    assert translate("something the vocabulary has never seen") is None
    assert ledger_text("something the vocabulary has never seen", "id") == "something the vocabulary has never seen"


def test_monthly_completeness_names_the_months_in_the_message_language(sample_run):
    found = sample_run.findings
    f = found[found["code"] == "monthly_missing"].iloc[0]
    assert json.loads(f["params"])["missing"] == [7, 8, 9, 10, 11, 12]    # the sample's 2025 runs to June
    assert "missing: Jul, Aug, Sep, Oct, Nov, Dec." in f["message"]          # the English message for scripts
    assert "missing: Jul, Aug, Sep, Oct, Nov, Dec." in render_stored(f["code"], f["params"], "en")
    assert "belum ada: Jul, Agu, Sep, Okt, Nov, Des." in render_stored(f["code"], f["params"], "id")


def test_header_notes_render_in_the_message_language(sample_run, tmp_path):
    """The header path and the note inside a header finding: Indonesian words under id, the English message
    (codes, for scripts) unchanged under en; an unrecognised block of columns too."""
    found = sample_run.findings
    typo = found[(found["check"] == "header") & (found["column"] == "E")].iloc[0]
    assert typo["message"] == "column E (deaths / neonatal / asphyxia / unspecified): typo fixed (read as 'ASFIKSIA')"
    assert render_stored(typo["code"], typo["params"], "id") == \
        "kolom E (kematian / neonatal / Asfiksia / L+P): salah ketik diperbaiki (dibaca sebagai 'ASFIKSIA')"
    # three labelled columns right of a births table without column numbers: one note for the block
    rows = births_table([[1, "Rupit", "Muara Rupit", 300, 1, 301, 290, 0, 290, 590, 1, 591]])
    rows[5] = rows[5] + [None] * (12 - len(rows[5])) + ["KOLOM A", "KOLOM B", "KOLOM C"]
    rows[9] = rows[9] + [1, 2, 3]
    del rows[8]
    run = run_clean([write_xlsx(tmp_path / "junk.xlsx", {"Lampiran": rows})], tmp_path / "processed")
    [note] = [n for n in run.result.header_notes]
    assert note["note"] == "column not recognised for this table; not used (3 neighbouring columns, M to O)"
    assert render(note["note_param"]["key"], note["note_param"]["params"], "en") == note["note"]
    assert render(note["note_param"]["key"], note["note_param"]["params"], "id") == \
        "kolom tidak dikenali untuk tabel ini; tidak dipakai (3 kolom bersebelahan, M sampai O)"
    report = (run.out / "cleaning_report.md").read_text(encoding="utf-8")
    assert "| M |  | kolom tidak dikenali untuk tabel ini; tidak dipakai (3 kolom bersebelahan, M sampai O) |" in report


def test_every_header_note_renders_its_english_note(sample_run, unseen_runs):
    """Each note has its template, and the template's English is the note the ledger keeps."""
    for run in (sample_run, *unseen_runs.values()):
        for note in run.result.header_notes:
            assert note["note_param"] is not None, note
            assert render(note["note_param"]["key"], note["note_param"]["params"], "en") == note["note"]

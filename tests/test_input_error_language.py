"""Input errors are stored as a template key with parameters and shown in the language asked
(vocab/input_errors.csv): through the real command, in input_errors.csv and in the data-quality report."""
from __future__ import annotations

import json
import string
from pathlib import Path

import pandas as pd
import pytest

from helpers import births_table, run_cli, write_xlsx
from imr_analysis.cli import main
from imr_analysis.errors import InputError, Location
from imr_analysis.read.rtl import headers, read_register
from imr_analysis.report.data_quality import DataQualityReport
from imr_analysis.vocab.findings import render_stored, templates as finding_templates
from imr_analysis.vocab.input_errors import message_templates

ROOT = Path(__file__).resolve().parents[1]
#: Keys named in the package through a prefix (f"register_{key}", f"rtl_{key}", f"required_{kind}", f"brief_unknown_{what}").
PREFIXES = ("register_", "rtl_", "required_", "brief_unknown_")
#: English words of the templates and of the place that an Indonesian message must not show.
ENGLISH = ("What to do", "file ", "sheet ", "row ", "column ", "the file", "the workbook", "not an Excel", "was found",
           "no such", "check the", "remove the file", "save it again")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_both_languages_with_the_same_parameters():
    table = message_templates()
    assert table.index.is_unique and len(table) >= 60
    assert not set(table.index) & set(finding_templates().index), "a key is both an input error and a finding"
    for key, row in table.iterrows():
        assert row["id"].strip() and row["en"].strip(), f"input_errors.csv: '{key}' lacks a language"
        assert _fields(row["id"]) == _fields(row["en"]), f"input_errors.csv: '{key}' message parameters differ"
        assert _fields(row["fix_id"]) == _fields(row["fix_en"]), f"input_errors.csv: '{key}' fix parameters differ"
        assert bool(row["fix_id"].strip()) == bool(row["fix_en"].strip()), f"input_errors.csv: '{key}' fix in one language"
        assert row["id"] != row["en"], f"input_errors.csv: '{key}' is not translated"


def test_every_key_is_read():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "imr_analysis").rglob("*.py"))
    for key in message_templates().index:
        prefix = next((p for p in PREFIXES if key.startswith(p)), None)
        named = f'"{key}"' in source
        by_prefix = prefix is not None and f'"{key.removeprefix(prefix)}"' in source and f'f"{prefix}{{' in source
        assert named or by_prefix, key


def test_location_in_each_language():
    where = Location("profil_2023.xlsx", "Lampiran", 3, "D")
    assert where.describe("id") == "berkas profil_2023.xlsx, lembar 'Lampiran', baris 3, kolom D"
    assert where.describe("en") == "file profil_2023.xlsx, sheet 'Lampiran', row 3, column D"
    assert Location(sheet="S", column="B").describe("id") == "lembar 'S', kolom B"


def test_an_error_renders_in_either_language_and_str_stays_english():
    exc = InputError.from_key("csv_not_text", Location("a.csv"), control=1234, length=5678)
    assert str(exc) == ("file a.csv: the file is not text: 1234 of its 5678 characters are control characters "
                        "(binary data, or a damaged export).\n"
                        "  What to do: export the table again from Excel as CSV, or remove the file from the input.")
    assert exc.render("id") == ("berkas a.csv: berkas ini bukan teks: 1234 dari 5678 karakternya karakter kendali "
                                "(data biner, atau ekspor yang rusak).\n"
                                "  Yang harus dilakukan: ekspor ulang tabelnya dari Excel sebagai CSV, atau keluarkan "
                                "berkas itu dari masukan.")
    again = InputError.from_stored(exc.key, json.dumps(exc.stored_params()))
    assert again.render("id") == exc.render("id") and str(again) == str(exc)


def test_nested_parts_render_in_the_language():
    """The required columns of a table and the word 'none' are templates of their own."""
    exc = InputError.from_key("missing_required_column", table="Tabel X", required={"key": "required_births"})
    assert "tidak punya kolom HIDUP (lahir hidup) di bawah judulnya" in exc.render("id")
    assert "has no HIDUP (live births) column under its header" in exc.render("en")
    from imr_analysis.analysis.brief import area_rows

    monthly = pd.DataFrame(columns=["district", "puskesmas", "kecamatan", "year"])
    with pytest.raises(InputError) as caught:
        area_rows(monthly, None, None, None)
    assert caught.value.render("id").startswith("laporan bulanan memuat 0 kabupaten/kota: tidak ada.")
    assert str(caught.value).startswith("the monthly reports hold 0 districts: none.")


# --- through the real command -------------------------------------------------------------------

def _junk(p: Path) -> Path:
    (p / "palsu.xlsx").write_text("NO;PUSKESMAS\n1;Pauh\n", encoding="utf-8")
    return p / "palsu.xlsx"


def _missing(p: Path) -> Path:
    return p / "tidak_ada.xlsx"


def _no_table(p: Path) -> Path:
    return write_xlsx(p / "lain.xlsx", {"Lembar1": [["TABEL 1"], ["LUAS WILAYAH"], ["x"]]})


CASES = {"junk": (_junk, "not_a_workbook"), "missing": (_missing, "path_missing"), "no table": (_no_table, "no_known_format")}


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Each bad input through `python -m imr_analysis clean`, in both languages."""
    runs = {}
    for name, (build, key) in CASES.items():
        base = tmp_path_factory.mktemp(name.replace(" ", "_"))
        path = build(base)
        for lang in ("id", "en"):
            done = run_cli("clean", path, "--out", base / f"out_{lang}", "--lang", lang)
            runs[name, lang] = (done, path.name, key)
    return runs


#: What each language's output begins with: the first line, the place, the "What to do" line.
HEAD = {"id": ("imr-analysis: masukan tidak dapat dipakai.", "berkas ", "  Yang harus dilakukan: "),
        "en": ("imr-analysis: cannot use the input.", "file ", "  What to do: ")}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", CASES)
def test_the_command_shows_the_error_in_its_language(cli_runs, name, lang):
    done, file, key = cli_runs[name, lang]
    assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    first, place, fix = HEAD[lang]
    assert lines[0] == first and lines[1].startswith(place) and file in lines[1] and lines[2].startswith(fix)
    assert message_templates().loc[key, lang].split("{")[0].rstrip(" (") in lines[1]
    if lang == "id":   # and not one English word of the template or the place
        english = [w for w in ENGLISH + (message_templates().loc[key, "en"][:25],) if w in done.stderr]
        assert not english, english


def test_sheet_row_and_column_in_indonesian(tmp_path, capsys):
    rows = births_table([[1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593]])
    rows[6] = rows[6][1:] + [None]   # the sex labels moved one column to the left
    path = write_xlsx(tmp_path / "geser.xlsx", {"S": rows})
    assert main(["clean", str(path), "--out", str(tmp_path / "out"), "--lang", "id"]) == 2
    err = capsys.readouterr().err
    assert "geser.xlsx, lembar 'S', baris 2, kolom D: kolom D (" in err
    assert "bergeser satu kolom" in err and "Yang harus dilakukan: di Excel, periksa" in err
    assert "What to do" not in err and "shifted" not in err


# --- input_errors.csv, the run's console and the data-quality report -----------------------------

@pytest.fixture(scope="module")
def one_bad_of_two(tmp_path_factory):
    """A good annex workbook and a junk one cleaned together: the junk one is listed, the other cleaned."""
    base = tmp_path_factory.mktemp("one_bad")
    good = write_xlsx(base / "baik_2023.xlsx", {"S": births_table([[1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1,
                                                                     291, 590, 3, 593]])})
    bad = _junk(base)
    done = run_cli("clean", good, bad, "--out", base / "out", "--lang", "id")
    return done, base / "out"


def test_clean_console_lists_the_unused_file_in_its_language(one_bad_of_two):
    done, _ = one_bad_of_two
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "BERKAS TIDAK DIPAKAI berkas " in done.stderr and "bukan buku kerja Excel" in done.stderr
    assert "Yang harus dilakukan: buka di Excel" in done.stderr and "What to do" not in done.stderr


def test_input_errors_csv_keeps_the_english_message_and_what_renders_it(one_bad_of_two):
    _, out = one_bad_of_two
    errors = pd.read_csv(out / "input_errors.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(errors.columns) == ["file", "year", "message", "code", "params"]
    (row,) = errors.itertuples()
    assert row.code == "not_a_workbook" and row.message.startswith("file ") and "What to do:" in row.message
    assert json.loads(row.params)["location"]["file"].endswith("palsu.xlsx")
    again = InputError.from_stored(row.code, row.params)
    assert str(again) == row.message
    assert again.render("id").startswith("berkas ") and "Yang harus dilakukan:" in again.render("id")


def test_data_quality_report_shows_the_unreadable_file_in_its_language(one_bad_of_two):
    _, out = one_bad_of_two
    found = pd.read_csv(out / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    unread = found[found["check"] == "unreadable_file"]
    assert len(unread) == 1 and unread.iloc[0]["code"] == "not_a_workbook"
    assert render_stored(unread.iloc[0]["code"], unread.iloc[0]["params"], "en") == unread.iloc[0]["message"]
    id_table = DataQualityReport.clean(processed_dir=out, lang="id", run_cleaning=False).findings().frame
    en_table = DataQualityReport.clean(processed_dir=out, lang="en", run_cleaning=False).findings().frame
    id_text, en_text = " ".join(id_table["Pesan"]), " ".join(en_table["Message"])
    assert "bukan buku kerja Excel" in id_text and "Yang harus dilakukan:" in id_text
    assert "What to do" not in id_text and "not an Excel workbook" not in id_text
    assert "not an Excel workbook" in en_text


# --- lines of a register, and personal data --------------------------------------------------------

def test_register_lines_name_their_cells_in_the_language_and_never_the_text(tmp_path):
    cols = headers("id")
    row = {c: "" for c in cols}
    row.update({cols[0]: "", "Status": "zzz", "Batas waktu": "kapan-kapan", cols[1]: "081234567890"})
    path = tmp_path / "rtl.csv"
    pd.DataFrame([row], columns=cols).to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        read_register(path)
    exc = caught.value
    id_text, en_text = exc.render("id"), str(exc)
    assert "berkas rtl.csv, baris 2, kolom A: masalah kosong" in id_text
    assert "file rtl.csv, row 2, column A: no masalah" in en_text
    assert "bukan status; tulis salah satu dari" in id_text and "bukan tanggal" in id_text
    assert "tampaknya data pribadi" in id_text
    for text in (id_text, en_text, json.dumps(exc.to_dict())):
        assert "081234567890" not in text and "kapan-kapan" not in text and "zzz" not in text


def test_a_cell_text_in_an_error_is_its_hash(tmp_path):
    from imr_analysis.read.register import read_register as read_recommendations

    path = tmp_path / "register.csv"
    pd.DataFrame([{"Rekomendasi": "Kunjungan rumah", "Penanggung jawab": "Puskesmas", "Batas waktu": "besok pagi",
                   "Status": "Selesai"}]).to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        read_recommendations(path)
    exc = caught.value
    assert exc.key == "register_deadline_not_date" and exc.location.column == "C" and exc.location.row == 2
    text = exc.render("id") + str(exc) + json.dumps(exc.to_dict())
    assert "besok pagi" not in text and "(text of 10 characters, #" in text
    assert "batas waktu: batas waktunya bukan tanggal (" in exc.render("id")

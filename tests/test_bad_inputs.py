"""The bad-input catalogue: each case has a fixture, a clear message (file, sheet, row, column, what to fix),
the right exit code, no traceback, and nothing lost silently (every raw row is in the ledger)."""
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import pytest

from helpers import (births_table, causes_table, deaths_table, linelist_rows, monthly_row, monthly_rows,
                     write_csv, write_xlsx)
from imr_analysis.cli import main
from imr_analysis.privacy import SALT_FILE, text_hash

D = dt.date
BIRTH = [1, "Rupit", "Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593]
DEATH = [1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1]


@dataclass
class Case:
    name: str
    build: object                       # tmp_path -> list of raw paths
    code: int                           # expected exit code
    words: tuple = ()                   # all must appear in stderr + stdout
    args: tuple = ()                    # extra CLI arguments
    ledger_rows: int | None = None      # raw body rows expected in the ledger (nothing silently lost)
    set_aside: int | None = None
    finding: str = ""                   # a finding of this check must exist
    extra: dict = field(default_factory=dict)


def _x(name, rows):
    return lambda p: [write_xlsx(p / name, {"Lampiran": rows})]


def _c(name, rows, **kw):
    return lambda p: [write_csv(p / name, rows, **kw)]


def _bytes(name, data):
    def build(p):
        (p / name).write_bytes(data)
        return [p / name]
    return build


def _corrupt_xlsx(p):
    good = write_xlsx(p / "good.xlsx", {"S": births_table([BIRTH])})
    data = good.read_bytes()
    (p / "rusak.xlsx").write_bytes(data[: len(data) // 2])
    return [p / "rusak.xlsx"]


def _latin1(p):
    rows = births_table([[1, "Rupit", "Puskesmas Muara Rupit", 300, 2, 302, 290, 1, 291, 590, 3, 593]])
    rows[1] = ["JUMLAH KELAHIRAN MENURUT JENIS KELAMIN, KECAMATAN DAN PUSKESMAS (catatan: data sementara, tanggal 5 Février)"]
    return [write_csv(p / "latin1.csv", rows, encoding="latin-1")]


def _two_files_same_table(p):
    a = write_xlsx(p / "a.xlsx", {"S": births_table([BIRTH])})
    b = write_csv(p / "b.csv", births_table([BIRTH]))
    return [a, b]


def _shifted_header(p):
    rows = births_table([BIRTH])
    h2 = rows[6]
    rows[6] = h2[1:] + [None]  # the sex labels moved one column to the left
    return [write_xlsx(p / "geser.xlsx", {"S": rows})]


def _missing_column(p):
    rows = births_table([BIRTH])
    rows[7] = [None, None, None] + ["LAHIR", "WAFAT", "SEMUA"] * 3
    return [write_xlsx(p / "kolom.xlsx", {"S": rows})]


def _ll(deaths, name="amp.xlsx"):
    return lambda p: [write_xlsx(p / name, {"AMP-SR": linelist_rows(deaths)})]


def _ll_no_pkm(p):
    rows = linelist_rows([("L", D(2023, 1, 1), D(2023, 1, 3), None, "BBLR", "Pauh")])
    rows = [r[:-1] for r in rows]
    return [write_xlsx(p / "tanpa_pkm.xlsx", {"S": rows})]


def _monthly(rows):
    return lambda p: [write_xlsx(p / "lb3.xlsx", {"LB3": monthly_rows(rows)})]


def _password(p):
    (p / "terkunci.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return [p / "terkunci.xlsx"]


CASES = [
    # --- files ---
    Case("empty xlsx", _bytes("kosong.xlsx", b""), 2, ("kosong.xlsx", "empty", "What to do")),
    Case("empty csv", _bytes("kosong.csv", b""), 2, ("kosong.csv", "empty")),
    Case("blank csv", _bytes("spasi.csv", b"   \n \n"), 2, ("spasi.csv", "empty")),
    Case("wrong extension", _bytes("profil.pdf", b"%PDF-1.4"), 2, ("profil.pdf", "'.pdf' is not a file type", "What to do")),
    Case("wrong content", _bytes("palsu.xlsx", b"NO;PUSKESMAS\n1;Pauh\n"), 2, ("palsu.xlsx", "not an Excel workbook")),
    Case("corrupt xlsx", _corrupt_xlsx, 2, ("rusak.xlsx", "cannot be opened", "save it again")),
    Case("password-protected xlsx", _password, 2, ("terkunci.xlsx", "password-protected", "remove the password")),
    Case("missing path", lambda p: [p / "tidak_ada.xlsx"], 2, ("tidak_ada.xlsx", "no such file")),
    Case("folder without workbooks", lambda p: [p], 2, ("no Excel workbook or CSV file",)),
    Case("latin-1 csv", _latin1, 0, ("1 table(s)",), ledger_rows=1, set_aside=0),
    Case("utf-8 bom csv", _c("bom.csv", births_table([BIRTH]), encoding="utf-8-sig"), 0, (), ledger_rows=1, set_aside=0),
    Case("comma csv", _c("koma.csv", births_table([BIRTH]), delimiter=","), 0, (), ledger_rows=1, set_aside=0),
    Case("semicolon csv", _c("titikkoma.csv", births_table([BIRTH])), 0, (), ledger_rows=1, set_aside=0),
    # --- structure ---
    Case("no known table", _x("lain.xlsx", [["TABEL 1"], ["LUAS WILAYAH"], ["x"]]), 2, ("lain.xlsx", "none of the known formats")),
    Case("missing required column", _missing_column, 2, ("kolom.xlsx", "sheet 'S'", "row 2", "HIDUP", "header rows")),
    Case("merged header shifted", _shifted_header, 2, ("geser.xlsx", "column D", "shifted by one column", "LAKI-LAKI")),
    Case("title year differs from --year", _x("t.xlsx", births_table([BIRTH])), 0, ("title says 2023", "--year 2022"),
         args=("--year", "2022"), finding="year_mismatch"),
    Case("no year anywhere", _x("t.xlsx", births_table([BIRTH], year=None)), 2, ("t.xlsx", "row 2", "no year", "--year")),
    Case("no district anywhere", _x("t.xlsx", births_table([BIRTH], district=None)), 2, ("t.xlsx", "no district", "--district")),
    Case("data row without a name", _x("t.xlsx", births_table([[1, "Rupit", None, 5, 0, 5, 5, 0, 5, 10, 0, 10]])), 0,
         ("row 10", "no Puskesmas name"), ledger_rows=1, set_aside=1),
    # --- duplicates ---
    Case("duplicated row", _x("t.xlsx", births_table([BIRTH, BIRTH])), 0, ("row 11", "second row for Muara Rupit 2023"),
         ledger_rows=2, set_aside=1),
    Case("same table in two files", _two_files_same_table, 0, ("first at a.xlsx, sheet 'S', row 10, the same numbers",),
         ledger_rows=2, set_aside=1),
    Case("same Puskesmas twice with different numbers", lambda p: [
        write_xlsx(p / "a.xlsx", {"S": births_table([BIRTH])}),
        write_csv(p / "b.csv", births_table([BIRTH[:3] + [301] + BIRTH[4:]]))], 0, ("DIFFERENT numbers",),
         ledger_rows=2, set_aside=1, finding="conflicting_duplicate"),
    # --- counts ---
    Case("negative count", _x("t.xlsx", deaths_table([DEATH[:3] + [-2] + DEATH[4:]])), 0, ("row 11", "column D", "negative count -2"),
         ledger_rows=1, set_aside=1, finding="negative_count"),
    Case("fractional count", _x("t.xlsx", deaths_table([DEATH[:3] + [1.5] + DEATH[4:]])), 0, ("column D", "non-integer count 1.5"),
         ledger_rows=1, set_aside=1, finding="non_integer_count"),
    Case("text count", _x("t.xlsx", deaths_table([DEATH[:3] + ["dua"] + DEATH[4:]])), 0,
         ("column D (neonatal / male): text in a number cell (text of 3 characters, #",),
         ledger_rows=1, set_aside=1, finding="text_in_count", extra={"hash_of": "dua"}),
    Case("no-data marker in count", _x("t.xlsx", deaths_table([DEATH[:3] + ["tad"] + DEATH[4:]])), 0, ("column D", "(no data)"),
         ledger_rows=1, set_aside=1),
    Case("ID number in a count cell", _x("t.xlsx", deaths_table([DEATH[:3] + [1605010101900001] + DEATH[4:]])), 0,
         ("column D", "implausibly large number"), ledger_rows=1, set_aside=1, finding="implausible_count",
         extra={"absent": "1605010101900001"}),
    Case("zero births with deaths", lambda p: [write_xlsx(p / "z.xlsx", {
        "B": births_table([[1, "Rupit", "Muara Rupit", 0, 0, 0, 0, 0, 0, 0, 0, 0]]), "D": deaths_table([DEATH])})], 0,
         (), ledger_rows=2, set_aside=0, finding="deaths_exceed_births"),
    # --- dates (line lists) ---
    Case("death in the future", _ll([("L", D(2023, 1, 1), D(2099, 1, 2), None, "BBLR", "Pauh")]), 0,
         ("row 3", "in the future"), ledger_rows=1, set_aside=1),
    Case("death before birth", _ll([("L", D(2023, 5, 2), D(2023, 5, 1), None, "BBLR", "Pauh")]), 0,
         ("before the date of birth",), ledger_rows=1, set_aside=1),
    Case("age one year or more", _ll([("L", None, D(2023, 5, 1), "14 bulan", "BBLR", "Pauh")]), 0,
         ("not an infant death",), ledger_rows=1, set_aside=1),
    Case("unreadable age", _ll([("L", None, None, "lama sekali", "BBLR", "Pauh")]), 0,
         ("age is not readable",), ledger_rows=1, set_aside=1),
    Case("line list without Puskesmas column", _ll_no_pkm, 0, ("no Puskesmas name",), ledger_rows=1, set_aside=1),
    # --- vocabulary ---
    Case("unknown cause header", _x("t.xlsx", causes_table([[1, "Rupit", "Muara Rupit"] + [0] * 17],
                                                           neo=["BBLR DAN PREMATURITAS", "PENYAKIT ANEH SEKALI", "INFEKSI",
                                                                "KELAINAN KONGENITAL", "COVID-19", "TETANUS NEONATORUM",
                                                                "KELAINAN CARDIOVASKULAR DAN RESPIRATORI", "LAIN-LAIN"])), 0,
         (), ledger_rows=1, finding="header", extra={"finding_words": "not in the cause vocabulary"}),
    Case("unknown cause text", _ll([("L", D(2023, 1, 1), D(2023, 1, 2), None, "penyakit misterius", "Pauh")]), 0, (),
         ledger_rows=1, set_aside=0,
         extra={"ledger_words": "cause text not in the vocabulary (text of 18 characters, #", "hash_of": "penyakit misterius",
                "absent": "misterius"}),
    Case("unknown Puskesmas", _x("t.xlsx", deaths_table([[1, "Rupit", "Muara Rupitt"] + DEATH[3:]])), 0,
         ("row 11", "unknown Puskesmas in column C (text of 12 characters, #", "nearest registry names: Muara Rupit",
          "puskesmas.csv"), ledger_rows=1, set_aside=1, finding="unknown_puskesmas",
         extra={"hash_of": "Muara Rupitt", "absent": "Rupitt"}),
    # --- monthly ---
    Case("unknown month", _monthly([monthly_row("Bulan13")]), 0, ("column A (month): text of 7 characters, #", "is not a month"),
         ledger_rows=1, set_aside=1, extra={"hash_of": "Bulan13", "absent": "Bulan13"}),
    Case("missing months", _monthly([monthly_row(m) for m in (1, 2, 3)]), 0, (), ledger_rows=3, set_aside=0,
         finding="monthly_completeness", extra={"finding_words": "3 of 12 monthly reports"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    paths = case.build(raw)
    out = tmp_path / "out"
    code = main(["clean", *map(str, paths), "--out", str(out), *case.args, "--lang", "en"])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == case.code, text
    assert "Traceback" not in text
    for word in case.words:
        assert word in text, f"{word!r} not in:\n{text}"
    if code == 2:
        assert "What to do:" in captured.err
        assert not (out / "ledger.csv").exists()
        return
    ledger = pd.read_csv(out / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)
    data = ledger[ledger["row_kind"] == "data"]
    if case.ledger_rows is not None:
        assert len(data) == case.ledger_rows
    if case.set_aside is not None:
        assert (data["state"] == "set_aside").sum() == case.set_aside
        assert (data.loc[data["state"] == "set_aside", "reason"].str.len() > 10).all()
    findings = pd.read_csv(out / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    if case.finding:
        hits = findings[findings["check"] == case.finding]
        assert len(hits) >= 1, findings
        if "finding_words" in case.extra:
            assert hits["message"].str.contains(case.extra["finding_words"], regex=False).any()
    if "ledger_words" in case.extra:
        assert case.extra["ledger_words"] in " ".join(ledger["rules"])
    if "hash_of" in case.extra:  # the cell's text is given by its salted hash, which the user can recompute
        written = " ".join(ledger["rules"]) + " ".join(ledger["reason"]) + " ".join(findings["message"])
        assert text_hash(case.extra["hash_of"], (out / SALT_FILE).read_text().strip()) in text + written
    if "absent" in case.extra:  # ... and never as written
        assert case.extra["absent"] not in text
        for path in out.iterdir():
            if path.is_file():
                assert case.extra["absent"] not in path.read_bytes().decode("utf-8", "replace"), path


def test_the_catalogue_has_at_least_30_cases():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)

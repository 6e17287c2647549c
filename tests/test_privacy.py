"""Personal data never reaches anything the tool writes or prints.

The rule is an allow-list: free text from the input (cause text, unknown names, titles, headers
that were not recognised, unrecognised cells) is never written. What is written is what the
vocabularies recognised, or a position, a length and a salted hash. Pattern scrubbing is a second
line. The corpus below plants fake personal data in every kind of cell of every input format and
runs it through ``clean`` and ``run --jobs 2``; every file written and every console stream is
scanned for every planted value.
"""
import datetime as dt
import re
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import (LINELIST_HEADER, MONTHLY_HEADER, births_table, causes_table, deaths_table, kn_table, linelist_rows,
                     monthly_row, monthly_rows, write_csv, write_xlsx)
from helpers import run_cli as _run
from imr_analysis.privacy import (REDACTED, cell_text, is_personal_header, looks_like_place_name, looks_personal, scrub,
                                  text_hash)

D = dt.date

# --- unit checks of the second line ---------------------------------------------------------


@pytest.mark.parametrize("header, personal", [("Nama Bayi", True), ("NAMA IBU", True), ("NIK", True), ("nik ibu", True),
                                               ("Alamat lengkap", True), ("No. HP", True), ("Telepon", True),
                                               ("E-mail", True), ("RT/RW", True), ("Nama Puskesmas", False),
                                               ("Puskesmas", False), ("Kecamatan", False), ("Umur", False),
                                               ("Penyebab kematian", False), ("Nomor", False)])
def test_personal_headers(header, personal):
    assert is_personal_header(header) is personal


@pytest.mark.parametrize("text", ["1605010101900001", "1605 0101 0190 0001", "1605-0101-0190-0001", "160501 010190 0001",
                                  "081234567890", "0812-3456-7890", "+6281234567890", "+62 812 3456 7890",
                                  "62-812-3456-7890", "(0812) 3456 7890", "a.b@contoh.id", "Jl. Melati No. 5",
                                  "RT 02/RW 03", "rt.002 rw.003", "Ny. Siti", "Tn. Budi", "By. Ny. Rahma", "Siti binti Ahmad",
                                  "Budi bin Ahmad"])
def test_personal_values(text):
    assert looks_personal(text), text


@pytest.mark.parametrize("text", ["2023", "3.795", "1.905", "8,92", "Muara Rupit", "BBLR", "asfiksia berat",
                                  "KELAINAN KONGENITAL", "Puskesmas 23 Ilir", "3,799 / 3,959 = 95.96%",
                                  "Kecamatan Ibu Selatan", "Bintan", "Binjai", "Tanjung Binti"])
def test_not_personal_values(text):
    assert not looks_personal(text), text


_PERSONAL = ["1605010101900001", "1605 0101 0190 0001", "160501 010190 0001", "0812-3456-7890", "+62 812 3456 7890",
             "62-812-3456-7890", "(0812) 3456 7890", "a.b@contoh.id", "Jl. Melati", "jln Mawar", "RT 02/RW 03",
             "rt.002 rw.003", "Ny. Siti", "nn Ani", "Tn. Budi", "By. Ny. Rahma", "Sdr Budi", "Bpk Ahmad", "Alm. Joko",
             "Siti binti Ahmad", "Budi bin Ahmad", "081234567", "RW 03"]   # the last two just meet the phone and RT/RW needs
_PIECES = ["0812", "3456", "1605", "62", "+62", "8", "12", "@", "a.b", "Ny", "NN", "Tn", "By.", "bin", "Siti", "Jl", "RT",
           "rw", "Rupit", " ", " ", ".", "-", "/", ",", ";", "(", ")", "'", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PERSONAL + _PIECES), max_size=8).map("".join))
def test_pattern_needs_never_skip_a_match(text):
    """Scrubbing tries a pattern only on texts that meet its needs (vocab pattern_needs): on any text the
    result is the one every pattern tried on every text gives."""
    from imr_analysis.privacy import _matches_any
    from imr_analysis.vocab.personal_data import personal_data as _vocab

    assert _matches_any(text) == any(re.search(p, text) for p in _vocab()["patterns"].values()), text


def test_scrub_replaces_each_form():
    assert looks_personal(1605010101900001.0)
    assert scrub("asfiksia, hub 081234567890 NIK 1605010101900001") == f"asfiksia, hub {REDACTED} NIK {REDACTED}"
    assert scrub("BBLR, bayi Ny. Siti binti Ahmad, Jl. Melati No. 5 RT 02/RW 03, HP +62 813 1234 5678") == \
        f"BBLR, bayi {REDACTED}, HP {REDACTED}"   # neighbouring redactions are merged
    assert scrub("sepsis NIK 1605-0112-3456-0001 / 1605 0112 3456 0001; hub 62-813-1234-5678") == \
        f"sepsis NIK {REDACTED}; hub {REDACTED}"
    assert scrub("By. Ny. Rahma dan Tn. Budi") == f"{REDACTED} dan {REDACTED}"


def test_params_json_is_scrubbed_value_by_value_and_stays_json():
    """A number's 16 decimals are not a NIK; a whole number that is one, and any text that holds one, are replaced."""
    import json

    from imr_analysis.privacy import scrub_json

    params = {"expected": 1.5384615384615385, "share": 0.08123456789012, "value": 1605011234560001,
              "note": "hub 081234567890", "place": {"row": 20, "sheet": "Tabel 27"}}
    assert json.loads(scrub_json(json.dumps(params))) == {**params, "value": REDACTED, "note": f"hub {REDACTED}"}


def test_a_wrong_printed_rate_gives_its_warning_not_a_crash(tmp_path):
    """The reported post-neonatal rate (male) of 2023 changed from 1,54 to 1,60: the recomputed rate, a float of
    many decimals, is kept in findings.csv's params as a number (the scrubber once took its decimals for a NIK and cut
    the JSON, and clean stopped with an unexpected error)."""
    import json
    import shutil

    import openpyxl

    from conftest import SAMPLE_RAW

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW, raw, ignore=shutil.ignore_patterns("examples"))
    book = raw / "musi_rawas_utara" / "profil_kesehatan_2023.xlsx"
    wb = openpyxl.load_workbook(book)
    assert wb["Tabel 27"]["E20"].value == "1,54"
    wb["Tabel 27"]["E20"] = "1,60"
    wb.save(book)
    r = _run("clean", raw, "--out", tmp_path / "processed", "--lang", "id")
    assert r.returncode == 0, r.stdout + r.stderr
    found = pd.read_csv(tmp_path / "processed" / "findings.csv", dtype=str, keep_default_na=False)
    rate = found[(found["check"] == "reported_rate") & found["message"].str.contains("reported rate is 1.6,")]
    assert len(rate) == 1, found[found["check"] == "reported_rate"]["message"].tolist()
    assert REDACTED not in rate.iloc[0]["params"]
    assert any(isinstance(v, float) and round(v, 2) == 1.54 and len(repr(v)) > 12
               for v in json.loads(rate.iloc[0]["params"]).values())
    assert all(isinstance(json.loads(p), dict) for p in found["params"] if p)


@pytest.mark.parametrize("name, ok", [("Sungai Contoh", True), ("PKM Bukit Contoh", True), ("Puskesmas 23 Ilir", True),
                                      ("Lima Puluh Kota", True), ("Muara Rupit (Rawat Inap)", True),
                                      ("<i>Ujung</i> Jaya", True),  # markup is escaped where shown, not refused
                                      ("Muara Rupit (bidan Ani 0812-9876-5400)", False), ("1605011234560001", False),
                                      ("Ny. Siti", False), ("Siti binti Ahmad", False), ("Jl. Melati No. 5", False),
                                      ("RT 02/RW 03", False), ("a.b@contoh.id", False), ("=1+2", False),
                                      ("Desa 2023", False), ("", False), ("x" * 61, False)])
def test_place_name_check(name, ok):
    assert looks_like_place_name(name) is ok


def test_text_hash_is_salted_short_and_matches_the_cell():
    h = text_hash("Muara Rupit (bidan Ani)", "salt-a")
    assert re.fullmatch(r"#[0-9a-f]{8}", h)
    assert h == text_hash("  Muara Rupit (bidan Ani) ", "salt-a")      # surrounding spaces do not count
    assert h != text_hash("Muara Rupit (bidan Ani)", "salt-b")
    assert cell_text(1605011234560001.0) == "1605011234560001" and cell_text(None) == ""
    import hashlib
    assert h == "#" + hashlib.sha256(b"salt-aMuara Rupit (bidan Ani)").hexdigest()[:8]


# --- the corpus ------------------------------------------------------------------------------

#: Invented personal data. Each value's marker words occur nowhere else in the project.
PLANTED = {
    "nik": "1605011234560001",
    "nik_spaced": "1605 0112 3456 0002",
    "nik_dashed": "1605-0112-3456-0003",
    "phone_dashed": "62-813-1234-5678",
    "phone_plus": "+62 813 1234 5679",
    "phone_local": "0812-9876-5400",
    "email": "wulan.khayalini@contoh.id",
    "name_binti": "Siti Fiktifah binti Ahmadrekaan",
    "name_ny": "bayi Ny. Khayalini",
    "name_tn": "Tn. Samaranto",
    "name_byny": "By. Ny. Karanganti",
    "address": "Jl. Melatifiktif No. 5 RT 02/RW 03",
}
MARKERS = ["Fiktifah", "Ahmadrekaan", "Khayalini", "Samaranto", "Karanganti", "Melatifiktif",
           "Bayi Fiktif", "Ibu Rekaan", "Jalan Khayalan"]        # the last three: linelist_rows' own personal columns
P = PLANTED
NIK_INT = 1605011234560004                                      # a NIK typed as a number
PERSON = f"{P['name_ny']} binti Ahmadrekaan"
BIDAN = f"Muara Rupit (bidan Khayalini {P['phone_local']})"


def _needles() -> list[str]:
    values = list(PLANTED.values()) + MARKERS + [str(NIK_INT), BIDAN]
    digits = [re.sub(r"\D", "", v) for v in values]
    digits += [f"99{i:014d}" for i in range(1, 12)] + [f"0899{i:08d}" for i in range(1, 12)]
    return sorted({v.lower() for v in values} | {d for d in digits if len(d) >= 9})


MRU = ["Karang Jaya", "Muara Rupit", "Karang Dapo", "Bingin Teluk", "Pauh", "Surulangun", "Muara Kulam", "Nibung"]


def _annex_workbook() -> dict[str, list[list]]:
    """Annex tables of a known district with personal data in the title block, headers, name, count and footer cells."""
    good = [[i + 1, "Rupit", name, 100 + i, 1, 101 + i, 90 + i, 0, 90 + i, 190 + 2 * i, 1, 191 + 2 * i]
            for i, name in enumerate(MRU)]
    poisoned = [
        [9, "Rupit", P["nik"], 5, 0, 5, 4, 0, 4, 9, 0, 9],                      # a NIK in the Puskesmas cell
        [10, "Rupit", NIK_INT, 5, 0, 5, 4, 0, 4, 9, 0, 9],                       # ... typed as a number
        [11, f"Rupit, {P['address']}", BIDAN, 5, 0, 5, 4, 0, 4, 9, 0, 9],        # kecamatan and Puskesmas cells
        [12, "Rupit", "Pauh", P["name_ny"], 0, 5, 4, 0, 4, 9, 0, 9],             # text in count cells
        [13, "Rupit", "Pauh", P["phone_dashed"], 0, 5, NIK_INT, 0, 4, P["nik_spaced"], 0, 9],
        [14, "Rupit", "Pauh", 5, P["email"], 5, 4, P["nik_dashed"], 4, 9, 0, 9],
    ]
    total = ["JUMLAH KAB.", None, None, NIK_INT] + [1] * 8
    rate = [f"ANGKA LAHIR MATI PER 1.000 KELAHIRAN (DILAPORKAN) {P['name_tn']}", None, None, None, 9.8]
    births = births_table(poisoned[:2] + good + poisoned[2:], total=total, rate=rate)
    births[1] = [f"{births[1][0]} (operator {P['name_tn']}, HP {P['phone_plus']}, NIK {P['nik']})"]
    births.insert(3, [f"Dikirim oleh {P['name_byny']} {P['phone_local']}"])
    header = next(i for i, r in enumerate(births) if r[:1] == ["NO"])
    births[header][3] = f"JUMLAH KELAHIRAN (petugas {P['name_binti']})"
    births[header] += [None] * 8 + [f"CATATAN {P['name_ny']} {P['nik_spaced']}"]
    births[header + 3] += [13]
    for row in births[header + 4: header + 6]:
        row += [f"hub {P['phone_dashed']}"]
    births[-1] = [f"Sumber: {P['name_tn']}, {P['phone_dashed']}"]
    deaths = deaths_table([[i + 1, "Rupit", name, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1] for i, name in enumerate(MRU)]
                          + [[9, P["address"], PERSON, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]])
    neo = ["BBLR DAN PREMATURITAS", "ASFIKSIA", f"LAIN-LAIN (dicatat {P['name_tn']})"]
    post = ["PNEUMONIA", f"DIARE {P['nik_dashed']}", "LAIN-LAIN"]
    causes = causes_table([[i + 1, "Rupit", name, 1, 0, 0, 0, 0, 0] for i, name in enumerate(MRU)], neo=neo, post=post)
    return {"Tabel 26": births, "Tabel 27": deaths, "Tabel 28": causes}


def _kn_csv() -> list[list]:
    body = [[i + 1, "Rupit", name, 50, 50, 100, 48, 96, 49, 98, 97, 97, 45, 90, 46, 92, 91, 91] for i, name in enumerate(MRU)]
    body.append([9, "Rupit", P["name_byny"], 50, 50, 100, 48, 96, 49, 98, 97, 97, 45, 90, 46, 92, 91, 91])
    return kn_table(body)


def _new_district_workbook() -> dict[str, list[list]]:
    """A district the registry does not know: names are taken as written only when they look like place names."""
    body = [[1, "Contoh Hilir", "Sungai Contoh", 10, 0, 10, 9, 0, 9, 19, 0, 19],
            [2, P["address"], "Bukit Contoh", 10, 0, 10, 9, 0, 9, 19, 0, 19],
            [3, "Contoh Hilir", PERSON, 10, 0, 10, 9, 0, 9, 19, 0, 19],
            [4, "Contoh Hilir", f"Desa {P['nik']}", 10, 0, 10, 9, 0, 9, 19, 0, 19],
            [5, "Contoh Hilir", P["email"], 10, 0, 10, 9, 0, 9, 19, 0, 19]]
    return {"Tabel 26": births_table(body, district="KABUPATEN CONTOH RAYA")}


def _monthly() -> list[list]:
    rows = [monthly_row(m) + ["Musi Rawas Utara", ""] for m in range(1, 13)]
    rows += [monthly_row(1, pkm=PERSON) + ["Musi Rawas Utara", P["email"]],
             monthly_row(P["address"]) + ["Musi Rawas Utara", ""],
             monthly_row(2, year=f"NIK {P['nik']}") + ["Musi Rawas Utara", ""],
             monthly_row(3, pkm=BIDAN, lm=P["phone_local"]) + ["Musi Rawas Utara", P["nik_dashed"]],
             monthly_row(4, **{"KECAMATAN": P["name_binti"]}) + [f"Musi Rawas Utara {P['name_byny']}", ""],
             monthly_row(5, **{"LAHIR MATI": P["nik_spaced"], "KN LENGKAP": NIK_INT}) + ["Musi Rawas Utara", ""]]
    out = monthly_rows(rows)
    out.insert(1, [f"Petugas: {P['name_tn']}, HP {P['phone_plus']}"])
    header = out.index(list(MONTHLY_HEADER))
    out[header] = list(MONTHLY_HEADER) + ["KABUPATEN", f"CATATAN {P['name_binti']}"]
    return out


def _linelist() -> list[list]:
    causes = [f"BBLR, {PERSON}", f"asfiksia, {P['address']}", f"sepsis NIK {P['nik_spaced']}",
              f"NIK {P['nik_dashed']} pneumonia", f"diare, hub {P['phone_dashed']}", f"{P['phone_plus']} keluarga",
              f"{P['name_tn']}, {P['name_byny']}", P["email"], f"P07 {P['name_binti']}", "asfiksia"]
    pkms = ["Pauh", "Nibung", "M. Rupit", "Pauh", "Nibung", "Pauh", "Pauh", "Nibung", BIDAN, P["name_binti"]]
    deaths = [("L" if i % 2 else "P", D(2023, 1 + i, 1), D(2023, 1 + i, 3), None, c, pkm)
              for i, (c, pkm) in enumerate(zip(causes, pkms))]
    deaths.append((P["name_tn"], P["phone_local"], D(2023, 12, 2), P["nik"], "BBLR", "Pauh"))   # junk in sex, date, age
    rows = linelist_rows(deaths)
    rows.insert(1, [f"Pelapor: {P['name_byny']}, {P['email']}"])
    rows[2] += ["KETERANGAN", f"CATATAN {P['name_tn']}"]
    for i, row in enumerate(rows[3:]):
        row += [list(PLANTED.values())[i % len(PLANTED)], PERSON]
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every input format with fake personal data, through clean and run --jobs 2 (one run)."""
    tmp = tmp_path_factory.mktemp("pii")
    raw = tmp / "raw"
    raw.mkdir()
    write_xlsx(raw / "profil_2023.xlsx", _annex_workbook())
    write_csv(raw / "profil_2023_tabel_37.csv", _kn_csv())
    write_xlsx(raw / "profil_contoh_2023.xlsx", _new_district_workbook())
    write_xlsx(raw / "lb3_2023.xlsx", {"LB3": _monthly()})
    write_xlsx(raw / "amp_sr_2023.xlsx", {"AMP-SR": _linelist()})
    clean = _run("clean", raw, "--out", tmp / "processed")
    run = _run("run", "--raw", raw, "--out", tmp / "reports", "--processed", tmp / "p2", "--district",
               "Musi Rawas Utara", "--jobs", "2")
    return tmp, clean, run


def _written(root):
    """(path, text) for every file below root but the raw inputs: xlsx members unzipped, parquet read by pandas."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "raw" not in p.relative_to(root).parts):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                yield path, "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif path.suffix == ".parquet":
            yield path, pd.read_parquet(path).to_csv(index=False)
        else:
            yield path, path.read_bytes().decode("utf-8", "replace")


def _hits(text: str) -> list[str]:
    """Planted values in a text: as written (any case), and as digits with separators removed."""
    lower = text.lower()
    joined = re.sub(r"(?<=\d)[ .,\-/](?=\d)", "", text)
    return [n for n in _needles() if n in lower or (n.isdigit() and n in joined)]


def test_the_corpus_ran(corpus):
    tmp, clean, run = corpus
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    ledger = pd.read_csv(tmp / "processed" / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(ledger["format"]) == {"annex", "monthly", "linelist"}
    assert (tmp / "reports" / "2023" / "annual_report.html").exists()
    assert (tmp / "reports" / "data_quality" / "data_quality.html").exists()


def test_no_planted_value_in_any_file_written(corpus):
    tmp, _, _ = corpus
    files = list(_written(tmp))
    assert len(files) > 40  # processed tables, ledger, findings, notebooks, html, xlsx, figures ...
    leaks = {str(path.relative_to(tmp)): hits for path, text in files if (hits := _hits(text))}
    assert leaks == {}


def test_no_planted_value_on_the_console(corpus):
    _, clean, run = corpus
    for name, stream in (("clean stdout", clean.stdout), ("clean stderr", clean.stderr),
                         ("run stdout", run.stdout), ("run stderr", run.stderr)):
        assert _hits(stream) == [], name


def _ledger(tmp):
    return pd.read_csv(tmp / "processed" / "ledger.csv", encoding="utf-8-sig", keep_default_na=False)


def test_messages_point_at_the_cell_by_position_length_and_hash(corpus):
    tmp, _, _ = corpus
    helper = _run("hash-text", BIDAN, "--processed", tmp / "processed")
    assert helper.returncode == 0 and _hits(helper.stdout + helper.stderr) == []
    described = helper.stdout.strip()
    assert re.fullmatch(r"text of 44 characters, #[0-9a-f]{8}", described)
    ledger = _ledger(tmp)
    row = ledger[(ledger["file"].str.endswith("profil_2023.xlsx")) & (ledger["row"] == 21)].iloc[0]
    assert row["state"] == "set_aside" and row["name_hash"] == described[-9:]
    assert row["reason"].startswith(f"unknown Puskesmas in column C ({described}) for Musi Rawas Utara; "
                                    "nearest registry names: Muara Rupit")   # registry names are vocabulary
    findings = pd.read_csv(tmp / "processed" / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    hit = findings[(findings["check"] == "unknown_puskesmas") & (findings["row"] == "21")].iloc[0]
    assert (hit["sheet"], hit["column"]) == ("Tabel 26", "C") and described in hit["message"]
    # a line-list cause: the code or the vocabulary term that matched, never the text
    ll = ledger[ledger["format"] == "linelist"].set_index("row")
    assert "cause term 'BBLR' found in the text -> lbw_prematurity" in ll.loc[4, "rules"]
    assert "ICD-10 P07 -> lbw_prematurity" in ll.loc[12, "rules"]
    assert re.search(r"cause text not in the vocabulary \(text of 25 characters, #[0-9a-f]{8}\) -> other", ll.loc[11, "rules"])


def test_vocabulary_terms_and_positions_replace_headers_titles_and_dropped_columns(corpus):
    tmp, clean, _ = corpus
    sources = pd.read_csv(tmp / "processed" / "sources.csv", encoding="utf-8-sig", keep_default_na=False)
    assert "Jumlah kelahiran menurut jenis kelamin (title row 2)" in set(sources["title"])
    findings = pd.read_csv(tmp / "processed" / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    headers = findings[(findings["check"] == "header") & (findings["sheet"] == "Tabel 26")].set_index("column")
    assert headers.loc["M", "message"] == "column M: column not recognised for this table; not used"
    causes = findings[(findings["check"] == "header") & (findings["sheet"] == "Tabel 28")]
    assert causes["message"].str.match(r"column F \(deaths / neonatal / other / unspecified\): cause header not in the cause "
                                       r"vocabulary \(text of 33 characters, #[0-9a-f]{8}\)").any()
    assert ("Data pribadi dibuang saat dibaca (kolom): ALAMAT, NAMA BAYI, NAMA IBU, NIK IBU, NO HP, kolom M, "
            "kolom N, kolom S.") in clean.stdout


def test_new_district_names_are_kept_only_when_they_look_like_place_names(corpus):
    tmp, _, _ = corpus
    ledger = _ledger(tmp)
    new = ledger[(ledger["district"] == "Contoh Raya") & (ledger["row_kind"] == "data")].set_index("row")
    assert list(new["state"]) == ["mapped", "mapped", "set_aside", "set_aside", "set_aside"]
    assert list(new["puskesmas"]) == ["Sungai Contoh", "Bukit Contoh", "", "", ""]
    assert new["reason"].iloc[2:].str.match(r"the Puskesmas cell column C \(text of \d+ characters, #[0-9a-f]{8}\) "
                                            "does not look like a place name").all()
    assert "kecamatan in column B (text of 34 characters, #" in new["rules"].iloc[1]      # an address: left blank
    births = pd.read_parquet(tmp / "processed" / "births.parquet")
    contoh = births[births["district"] == "Contoh Raya"]
    assert set(contoh["puskesmas"]) == {"Sungai Contoh", "Bukit Contoh"}
    assert set(zip(contoh["puskesmas"], contoh["kecamatan"])) == {("Sungai Contoh", "Contoh Hilir"), ("Bukit Contoh", "unknown")}
    proposed = pd.read_csv(tmp / "processed" / "registry_proposed_contoh_raya.csv", encoding="utf-8-sig")
    assert sorted(proposed["puskesmas"]) == ["Bukit Contoh", "Sungai Contoh"]
    # a district cell holding a name is not taken as a new district
    assert not list((tmp / "processed").glob("registry_proposed_musi*"))


def test_the_counts_are_still_right(corpus):
    tmp, _, _ = corpus
    births = pd.read_parquet(tmp / "processed" / "births.parquet")
    mru = births[births["district"] == "Musi Rawas Utara"]
    assert set(mru["puskesmas"]) == set(MRU)       # the poisoned rows are set aside, the good ones counted
    assert mru["live_births"].sum() == sum(100 + i + 90 + i for i in range(8))

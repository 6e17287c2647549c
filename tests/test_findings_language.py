"""Findings are stored as a template key with parameters and shown in the language asked (vocab/findings.csv)."""
from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from imr_analysis.report.data_quality import DataQualityReport
from imr_analysis.vocab.findings import render, render_stored, templates

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "musi_rawas_utara"
#: Words of the English templates that an Indonesian report or console must not show.
ENGLISH = ("but the table", "monthly reports received", "is above 100", "Missing months", "threshold", "typo fixed",
           "column ")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_template_has_both_languages_and_the_same_parameters():
    table = templates()
    assert table.index.is_unique
    for key, row in table.iterrows():
        assert row["id"].strip() and row["en"].strip(), f"findings.csv: '{key}' lacks a language"
        assert _fields(row["id"]) == _fields(row["en"]), f"findings.csv: '{key}' has other parameters in id and en"


def test_every_template_key_is_read():
    """A message key is named in the package; a word (v_...) is used by a template through {name!v}, or is a
    field of the flat formats (monthly.yaml, linelist.yaml) that a column's label names ('E (live_births_male)')."""
    import yaml

    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "imr_analysis").rglob("*.py"))
    fields = {f for name in ("monthly", "linelist") for f in
              yaml.safe_load((ROOT / "imr_analysis" / "vocab" / f"{name}.yaml").read_text(encoding="utf-8"))["fields"]}
    for key in templates().index:
        word = key.removeprefix("v_")
        assert f'"{key}"' in source or f'"{word}"' in source or f"_{word}" in source or \
            f'"{word.split("_", 1)[-1]}"' in source or (key.startswith("v_") and word in fields), key


def test_numbers_follow_the_language():
    params = {"measure": "kn_lengkap", "sex": "total", "count": 3799.0, "denominator": 3959.0,
              "expected": 95.95857539782773, "printed": 96.23}
    assert render("coverage_pct", params, "en") == \
        "kn_lengkap (total): 3,799 / 3,959 = 95.96%, but the table prints 96.23%"
    assert render("coverage_pct", params, "id") == \
        "KN lengkap (L+P): 3.799 / 3.959 = 95,96%, tetapi tabel mencetak 96,23%"
    total = {"column": "D", "header": "LAHIR HIDUP", "sum": 1905.5, "reported": 1905.0}
    assert render("total_row", total, "id") == \
        "kolom D (LAHIR HIDUP): baris Puskesmas berjumlah 1.905,50, baris jumlah menyebut 1.905"


def test_nested_parameters_are_rendered_in_the_language():
    params = {"column": "E", "what": {"key": "problem_text", "params": {
        "cell": {"key": "described", "params": {"chars": 23, "hash": "#a1b2c3d4"}}}}}
    assert render("count_set_aside", params, "en") == \
        "column E: text in a number cell (text of 23 characters, #a1b2c3d4); enter a number (blank or '-' mean 0). " \
        "The row is set aside."
    assert render("count_set_aside", params, "id") == \
        "kolom E: teks di sel angka (teks 23 karakter, #a1b2c3d4); isikan angka (kosong atau '-' berarti 0). " \
        "Baris disisihkan."


def _clean(out: Path, lang: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "imr_analysis", "clean", str(SAMPLE), "--out", str(out), "--lang", lang],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return done.stdout + done.stderr


@pytest.fixture(scope="session")
def cleaned(tmp_path_factory):
    base = tmp_path_factory.mktemp("findings_lang")
    return {lang: (_clean(base / lang, lang), base / lang) for lang in ("id", "en")}


def _finding_lines(stdout: str, word: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"  {word} [")]


def test_clean_console_shows_findings_in_its_language(cleaned):
    id_lines = _finding_lines(cleaned["id"][0], "PERINGATAN")
    en_lines = _finding_lines(cleaned["en"][0], "WARNING")
    assert id_lines and len(id_lines) == len(en_lines)
    for line in id_lines:
        assert not any(word in line for word in ENGLISH[:-1]), line
    assert any("tetapi tabel mencetak 96,23%" in line for line in id_lines)
    assert any("but the table prints 96.23%" in line for line in en_lines)
    assert any("dari 12 laporan bulanan diterima" in line for line in id_lines)


def test_findings_csv_keeps_the_english_message_and_what_renders_it(cleaned):
    found = pd.read_csv(cleaned["en"][1] / "findings.csv", keep_default_na=False)
    assert list(found.columns[-3:]) == ["message", "code", "params"]
    for code, params, message in zip(found["code"], found["params"], found["message"]):
        assert render_stored(code, params, "en") == message
        assert isinstance(json.loads(params), dict)


def test_data_quality_report_shows_findings_in_its_language(cleaned):
    processed = cleaned["id"][1]
    id_table = DataQualityReport.clean(processed_dir=processed, lang="id", run_cleaning=False).findings().frame
    en_table = DataQualityReport.clean(processed_dir=processed, lang="en", run_cleaning=False).findings().frame
    id_text, en_text = " ".join(id_table["Pesan"]), " ".join(en_table["Message"])
    assert "tetapi tabel mencetak 96,23%" in id_text and "but the table prints 96.23%" in en_text
    assert not [w for w in ENGLISH if re.search(re.escape(w), id_text)]

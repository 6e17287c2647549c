"""The command line speaks to people: help with defaults and examples, messages in --lang."""
import argparse
import contextlib
import io
import re
import subprocess
import sys

import pandas as pd
import pytest

from imr_analysis.cli import _Help, _print_clean_summary, build_parser, main
from imr_analysis.config import PACKAGE_DIR, REGISTER_FILE, VOCAB_DIR
from imr_analysis.report import exports
from imr_analysis.vocab.indicators import indicators


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"": parser, **action.choices}


def console(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", list(subcommands()))
def test_every_option_states_its_default(name):
    parser = subcommands()[name]
    formatter = _Help(parser.prog)
    for action in parser._actions:
        if not action.option_strings or action.required or isinstance(action, argparse._HelpAction):
            continue
        text = formatter._get_help_string(action) % {"default": action.default}
        assert "default" in text, f"{name} {action.option_strings[0]}: {text}"


@pytest.mark.parametrize("name", [n for n in subcommands() if n])
def test_every_command_shows_examples_that_parse(name):
    parser = subcommands()[name]
    assert parser.epilog.startswith("example")
    examples = [line.strip() for line in parser.epilog.splitlines()[1:]]
    assert examples and all(e.startswith(f"imr-analysis {name}") for e in examples)
    for example in examples:   # each example is a command the parser accepts
        build_parser().parse_args(__import__("shlex").split(example)[1:])


def test_help_as_printed_lists_defaults_and_every_indicator_name():
    r = subprocess.run([sys.executable, "-m", "imr_analysis", "indicators", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    assert "(default: district)" in text and "(default: id)" in text and "(default: readable)" in text
    for code, label in indicators()["label_id"].items():
        assert f"{code} ({label})" in text
    assert "examples: imr-analysis indicators --processed data/processed --year 2023" in text


def test_clean_summary_in_indonesian_and_english(sample_run, capsys):
    """The sample's 772 raw body rows: 42 kept + 383 mapped + 291 set aside (the 2024 monthly reports' 264 rows and
    the 2024 AMP-SR line list's 27 deaths, compared with the annex tables that count that year) + 56 reported values
    (38 total and rate rows of the infant tables, 18 of the maternal tables)."""
    _print_clean_summary(sample_run, "id")
    out = capsys.readouterr()
    assert ("Baris: 772 baris isi mentah = 42 dipakai apa adanya + 383 dipetakan + 291 disisihkan + 56 nilai "
            "dilaporkan") in out.out
    assert "Temuan: 0 galat, 10 peringatan, 25 info (lihat findings.csv)." in out.out
    assert "  PERINGATAN [coverage_pct]" in out.err and "lembar 'Tabel 37', baris 18, kolom R" in out.err
    _print_clean_summary(sample_run, "en")
    out = capsys.readouterr()
    assert "Rows: 772 raw body rows = 42 kept + 383 mapped + 291 set aside + 56 reported values" in out.out
    assert "Findings: 0 errors, 10 warnings, 25 info (see findings.csv)." in out.out
    assert "  WARNING [coverage_pct]" in out.err and "sheet 'Tabel 37', row 18, column R" in out.err


def test_the_commands_own_messages_follow_lang(sample_run, tmp_path):
    processed = sample_run.out
    code, out, _ = console("indicators", "--processed", processed, "--year", 2023, "--out", tmp_path / "a.xlsx")
    assert code == 0 and out.startswith("72 baris indikator ditulis ke")   # AKI (mmr) among them
    code, out, _ = console("funnel", "--processed", processed, "--year", 2023, "--lang", "en")
    assert out.startswith("imr 2023-2023: district 8.70 per 1,000; limits: exact Poisson")
    code, out, _ = console("funnel", "--processed", processed, "--year", 2023)
    assert out.startswith("imr 2023-2023: kabupaten 8,70 per 1.000; batas: exact Poisson")
    code, _, err = console("funnel", "--processed", processed, "--year", 2031)
    assert code == 2 and err.splitlines() == [
        "imr-analysis: masukan tidak dapat dipakai.",
        "tidak ada data kelahiran untuk 2031 di folder olahan (tahun: 2019, 2020, 2021, 2022, 2023, 2024, 2025).",
        "  Yang harus dilakukan: pilih salah satu tahun tersebut."]
    code, _, err = console("indicators", "--processed", processed, "--indicator", "akb", "--lang", "en")
    assert code == 2 and "unknown indicator name(s): akb." in err and "  What to do: use one or more of: imr, nmr" in err


def _report_table_keys(processed, out) -> tuple[set, set]:
    """The column and table names of the tables the sample's reports save (annual 2023 and 2025, trends, the
    AMP-SR review of 2024 with its register, the quarterly brief of Nibung, TW II 2025)."""
    from imr_analysis.report.annual import AnnualReport
    from imr_analysis.report.brief import BriefReport
    from imr_analysis.report.review import ReviewReport
    from imr_analysis.report.trends import TrendReport

    reports = [AnnualReport.open(y, processed_dir=processed, output_dir=out / str(y)) for y in (2023, 2025)]
    reports.append(TrendReport.open(processed_dir=processed, output_dir=out / "trends"))
    reports.append(ReviewReport.open(2024, processed_dir=processed, output_dir=out / "amp_sr",
                                     register=REGISTER_FILE, as_of="2025-03-31"))
    reports.append(BriefReport.open(2025, 2, puskesmas="Nibung", processed_dir=processed, output_dir=out / "brief"))
    columns, names = set(), set()
    for rep in reports:
        rep.build()
        for name, df in rep.tables.items():
            names.add(name)
            columns |= {c for c in df.columns if isinstance(c, str)}
    return columns, names


def test_every_message_and_column_key_is_used(sample_run, tmp_path):
    """Vocabularies are read whole: each console message is said somewhere, each header belongs to a table
    (an export's layout, a table a report saves, or a table the console prints)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE_DIR.rglob("*.py"))
    keys = pd.read_csv(VOCAB_DIR / "messages.csv", dtype=str)["key"]
    said = set(re.findall(r"""say\(\s*["']([a-z_]+)["']""", source))
    said |= {f"severity_{s}" for s in ("error", "warning")} if "say('severity_' + " in source else set()
    assert set(keys) - said == set()
    vocab = pd.read_csv(VOCAB_DIR / "columns.csv", dtype=str, keep_default_na=False).set_index("key")
    headers = {f"col.{c.key}" for layout in exports.LAYOUTS.values() for c in layout}
    sheets = {f"sheet.{kind}" for kind in exports.LAYOUTS}
    keys = {k for k in vocab.index if k.startswith(("col.", "sheet."))}
    assert headers | sheets <= keys   # every export column and sheet has its labels
    columns, names = _report_table_keys(sample_run.out, tmp_path)
    used = headers | sheets | {f"col.{c}" for c in columns} | {f"sheet.{n}" for n in names} \
        | {f"sheet.{n.partition('_')[0]}" for n in names}
    shown = {f"col.{c}" for c in re.findall(r"""header\(\s*["']([a-z_0-9]+)["']""", source)}   # console tables
    assert keys - used - shown == set()   # every label belongs to a table someone saves or prints
    for key, row in vocab[vocab.index.str.startswith("value.")].iterrows():   # each value label is the one shown
        value = key[len("value."):]
        assert (exports.term(value, "id"), exports.term(value, "en")) == (row["id"], row["en"])

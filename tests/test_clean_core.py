"""The shared accounting core: one builder per record (ledger entry, cell, finding), one count check for
every format, and the schemas of the ledger, cells and findings tables."""
from __future__ import annotations

import pandas as pd
import pytest
from pandera.errors import SchemaError

from helpers import deaths_table, monthly_row, monthly_rows, write_xlsx
from imr_analysis.clean import clean
from imr_analysis.clean.checks import findings
from imr_analysis.clean.core import (FINDING_COLUMNS, LEDGER_COLUMNS, close_entry, count_issue, finding, ledger_entry,
                                     read_cell)
from imr_analysis.read.flat import FlatTable
from imr_analysis.schemas import ACCOUNTING

ID_NUMBER = 1671234567890123   # a NIK typed into a count cell


def _table():
    return FlatTable("monthly", "lb3.xlsx", "LB3", 3, [], [])


def test_finding_has_every_column_in_order():
    f = finding("error", "negative_count", "a.xlsx", "S", 12, "D", 2023, "Pauh", "negative_count", column="D", value=-2.0)
    assert list(f) == FINDING_COLUMNS
    assert f["row"] == 12 and f["column"] == "D" and f["area"] == "Pauh"
    assert f["message"] == "column D: negative count -2. The row is set aside; correct the cell."
    assert f["code"] == "negative_count" and f["params"] == '{"column": "D", "value": -2.0}'


@pytest.mark.parametrize("row_kind, rules, reasons, counts_missing, state, missing", [
    ("data", [], [], True, "kept", False),
    ("data", ["blank -> 0 (2 cells)"], [], True, "mapped", False),
    ("data", [], ["unknown Puskesmas"], True, "set_aside", True),
    ("data", [], ["second row for Pauh 2023"], False, "set_aside", False),   # a duplicate: the first is counted
    ("total", [], ["district total row"], True, "reported", False),
])
def test_close_entry_gives_one_state(row_kind, rules, reasons, counts_missing, state, missing):
    entry = ledger_entry(_table(), 7, 2023, "Musi Rawas Utara", "Pauh", "monthly", row_kind=row_kind)
    assert list(entry) == LEDGER_COLUMNS and entry["name_hash"] and entry["name_hash"] != "Pauh"
    out = close_entry(entry, rules, reasons, counts_missing)
    assert out["state"] == state and out["counts_missing"] is missing
    assert out["reason"] == "; ".join(reasons if state != "kept" and state != "mapped" else [])
    assert out["rules"] == "; ".join(rules)


def test_a_name_cell_is_given_by_its_hash_only():
    assert ledger_entry(_table(), 7, 2023, "X", None, "monthly")["name_hash"] == ""


@pytest.mark.parametrize("raw, counts, check, severity, reason, kept", [
    (ID_NUMBER, True, "implausible_count", "error", True, False),
    (-2, True, "negative_count", "error", True, True),
    (2.5, True, "non_integer_count", "error", True, True),
    ("tad", True, "text_in_count", "error", True, False),
    (ID_NUMBER, False, "unreadable_value", "warning", False, False),   # a check total: left out of the checks only
    (-2, False, None, None, None, None),                              # an odd value in a check total is no issue
    ("1.905", True, None, None, None, None),
])
def test_count_issue(raw, counts, check, severity, reason, kept):
    issue = count_issue(read_cell(raw, True, "salt"), "D (deaths / neonatal)", counts)
    if check is None:
        assert issue is None
        return
    assert (issue.check, issue.severity, bool(issue.reason), issue.value_kept) == (check, severity, reason, kept)
    assert issue.message.startswith("column D (deaths / neonatal): ")


def _annex_with(cell, tmp_path, year=2023):
    body = [[1, "Rupit", "Muara Rupit", cell, 1, 3, 0, 3, 1, 0, 1, 0, 1]]
    return write_xlsx(tmp_path / "annex.xlsx", {"D": deaths_table(body, year=year)})


def _monthly_with(cell, tmp_path):
    rows = [monthly_row("Januari", **{"KEMATIAN POST NEONATAL": cell})]
    return write_xlsx(tmp_path / "lb3.xlsx", {"LB3": monthly_rows(rows)})


@pytest.mark.parametrize("write", [_annex_with, _monthly_with], ids=["annex", "monthly"])
@pytest.mark.parametrize("cell, check, words", [
    (ID_NUMBER, "implausible_count", "implausibly large number (an ID number typed into a number cell?)"),
    (-2, "negative_count", "negative count -2; counts cannot be below 0"),
    (2.5, "non_integer_count", "non-integer count 2.5; counts must be whole numbers"),
])
def test_one_count_check_for_every_format(tmp_path, write, cell, check, words):
    result = clean([write(cell, tmp_path)])
    found = findings(result)
    hit = found[found["check"] == check]
    assert len(hit) == 1 and hit.iloc[0]["severity"] == "error"
    aside = result.ledger[result.ledger["state"] == "set_aside"]
    assert len(aside) == 1 and words in aside.iloc[0]["reason"] and aside.iloc[0]["counts_missing"]
    assert not found["check"].isin({"implausible_count", "negative_count", "non_integer_count"} - {check}).any()


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("core")
    rows = [monthly_row("Januari"), monthly_row("Januari"), monthly_row("Februari", pkm="Tidak Ada")]
    result = clean([write_xlsx(tmp / "lb3.xlsx", {"LB3": monthly_rows(rows)}), _annex_with(-2, tmp, 2022)])
    return result, findings(result)


def test_the_accounting_tables_follow_their_schemas(cleaned):
    result, found = cleaned
    assert list(result.ledger.columns) == list(ACCOUNTING["ledger"].columns)
    assert (result.ledger["state"] == "set_aside").sum() == 3   # a duplicate month, an unknown Puskesmas, -2 deaths
    for name, df in (("ledger", result.ledger), ("cells", result.cells), ("findings", found)):
        ACCOUNTING[name].validate(df)
    assert list(found.columns) == FINDING_COLUMNS and not found.empty


@pytest.mark.parametrize("name, column, value", [
    ("ledger", "state", "lost"),                  # every row ends in one of the four states
    ("ledger", "counts_missing", True),           # only on rows set aside (the sample's first row is not)
    ("cells", "compared", True),                  # a compared cell is never counted (the first cell is used)
    ("cells", "row_kind", "subtotal"),
    ("findings", "severity", "fatal"),
])
def test_the_schemas_reject_a_broken_record(cleaned, name, column, value):
    result, found = cleaned
    df = {"ledger": result.ledger, "cells": result.cells, "findings": found}[name].copy()
    first = df.index[df["state"] != "set_aside"][0] if name == "ledger" else \
        df.index[df["used"]][0] if name == "cells" else df.index[0]
    if isinstance(df[column].dtype, pd.CategoricalDtype):
        df[column] = df[column].astype(object)
    df.loc[first, column] = value
    with pytest.raises(SchemaError):
        ACCOUNTING[name].validate(df)

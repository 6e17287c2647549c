"""Property-based tests (hypothesis) on generated annex tables and line lists.

For any generated input: raw rows = kept + mapped + set aside; death and birth totals are
conserved; cleaning the clean output changes nothing; row and file order do not change results.
"""
import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import births_table, deaths_table, linelist_rows, write_csv, write_xlsx
from imr_analysis.clean import clean

PKM = {"Karang Jaya": ["PKM Karang Jaya", "KARANG JAYA", "Karang Jaya"], "Muara Rupit": ["M. Rupit", "Puskesmas Muara Rupit"],
       "Karang Dapo": ["karang dapo", "UPTD Puskesmas Karang Dapo"], "Bingin Teluk": ["Binginteluk", "PKM Bingin Teluk"],
       "Pauh": ["Pauh", "PUSKESMAS PAUH"], "Surulangun": ["Surulangun Rawas", "Surulangun"],
       "Muara Kulam": ["M. Kulam", "Muara Kulam"], "Nibung": ["Nibung", "pkm nibung"]}
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])

count = st.integers(min_value=0, max_value=40)


@st.composite
def annex_death_rows(draw):
    """Distinct Puskesmas in random order and spelling, each with random neonatal/post-neonatal counts by sex."""
    names = draw(st.lists(st.sampled_from(sorted(PKM)), min_size=1, max_size=8, unique=True))
    rows, truth = [], {}
    for i, name in enumerate(names, start=1):
        spelling = draw(st.sampled_from(PKM[name]))
        nm, pm, nf, pf = (draw(count) for _ in range(4))
        blank = draw(st.sampled_from([None, "-", 0]))
        vals = [v if v else blank for v in (nm, pm, nm + pm, 0, nm + pm, nf, pf, nf + pf, 0, nf + pf)]
        rows.append([i, "", spelling] + vals)
        truth[name] = nm + pm + nf + pf
    return rows, truth


@st.composite
def annex_birth_rows(draw):
    names = draw(st.lists(st.sampled_from(sorted(PKM)), min_size=1, max_size=8, unique=True))
    rows, truth = [], {}
    for i, name in enumerate(names, start=1):
        lm, lf = draw(st.integers(0, 2000)), draw(st.integers(0, 2000))
        sm, sf = draw(st.integers(0, 20)), draw(st.integers(0, 20))
        as_text = draw(st.booleans())
        fmt = (lambda n: f"{n:,}".replace(",", ".")) if as_text else (lambda n: n)
        rows.append([i, "", draw(st.sampled_from(PKM[name])), fmt(lm), sm, fmt(lm + sm), fmt(lf), sf, fmt(lf + sf),
                     fmt(lm + lf), sm + sf, fmt(lm + lf + sm + sf)])
        truth[name] = (lm + lf, sm + sf)
    return rows, truth


def _clean_rows(rows_by_file, tmp, fmt="xlsx"):
    paths = []
    for k, rows in enumerate(rows_by_file):
        p = Path(tmp) / f"f{k}.{fmt}"
        (write_xlsx(p, {"S": rows}) if fmt == "xlsx" else write_csv(p, rows))
        paths.append(p)
    return clean(paths)


def _accounted(result):
    led = result.ledger
    return len(led) == ((led["state"] == "kept").sum() + (led["state"] == "mapped").sum()
                        + (led["state"] == "set_aside").sum()) and set(led["state"]) <= {"kept", "mapped", "set_aside"}


@SETTINGS
@given(annex_death_rows(), st.sampled_from(["xlsx", "csv"]))
def test_deaths_conserved_and_every_row_accounted(data, fmt):
    rows, truth = data
    with tempfile.TemporaryDirectory() as tmp:
        result = _clean_rows([deaths_table(rows)], tmp, fmt)
    assert _accounted(result)
    assert len(result.ledger[result.ledger["row_kind"] == "data"]) == len(rows)
    d = result.tables["deaths"]
    got = d[d["age_group"].isin(["neonatal", "postneonatal"])].groupby("puskesmas")["deaths"].sum().to_dict()
    assert {k: v for k, v in got.items()} == truth


@SETTINGS
@given(annex_birth_rows())
def test_births_conserved(data):
    rows, truth = data
    with tempfile.TemporaryDirectory() as tmp:
        result = _clean_rows([births_table(rows)], tmp, "csv")
    assert _accounted(result)
    b = result.tables["births"].groupby("puskesmas")[["live_births", "stillbirths"]].sum()
    assert {k: (int(r["live_births"]), int(r["stillbirths"])) for k, r in b.iterrows()} == truth


def _as_annex(tables) -> list[list]:
    """Render canonical deaths back into an annex deaths table (the clean output as raw input)."""
    d = tables["deaths"].pivot_table(index="puskesmas", columns=["sex", "age_group"], values="deaths", aggfunc="sum",
                                     fill_value=0)
    rows = []
    for i, (name, r) in enumerate(d.iterrows(), start=1):
        vals = []
        for sex in ("male", "female"):
            n, p = int(r.get((sex, "neonatal"), 0)), int(r.get((sex, "postneonatal"), 0))
            vals += [n, p, n + p, 0, n + p]
        rows.append([i, "", name] + vals)
    return deaths_table(rows)


@SETTINGS
@given(annex_death_rows())
def test_cleaning_the_clean_output_changes_nothing(data):
    rows, _ = data
    with tempfile.TemporaryDirectory() as tmp:
        first = _clean_rows([deaths_table(rows)], tmp)
        second = _clean_rows([_as_annex(first.tables)], tmp)
    cols = ["puskesmas", "year", "sex", "age_group", "deaths"]
    a = first.tables["deaths"][cols].sort_values(cols[:-1]).reset_index(drop=True)
    b = second.tables["deaths"][cols].sort_values(cols[:-1]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert (second.ledger["state"] == "kept").all()  # canonical names need no rule


@SETTINGS
@given(annex_death_rows(), st.randoms(use_true_random=False))
def test_row_and_file_order_do_not_change_results(data, rnd):
    rows, _ = data
    half = max(1, len(rows) // 2)
    parts = [rows[:half], rows[half:]] if len(rows) > 1 else [rows]
    shuffled = [list(p) for p in parts][::-1]
    for p in shuffled:
        rnd.shuffle(p)
    cols = ["puskesmas", "year", "sex", "age_group", "deaths"]
    with tempfile.TemporaryDirectory() as tmp:
        a = _clean_rows([deaths_table(p) for p in parts], tmp)
    with tempfile.TemporaryDirectory() as tmp:
        b = _clean_rows([deaths_table(p) for p in shuffled], tmp)
    # a table split over two files: both parts count, whatever the order of files and rows
    pd.testing.assert_frame_equal(a.tables["deaths"][cols].sort_values(cols[:-1]).reset_index(drop=True),
                                  b.tables["deaths"][cols].sort_values(cols[:-1]).reset_index(drop=True))
    assert _accounted(a) and _accounted(b)
    assert len(a.ledger) == len(b.ledger)


deaths_ll = st.lists(st.tuples(st.sampled_from(["L", "P", "x"]), st.integers(0, 400), st.integers(0, 700),
                               st.sampled_from(["BBLR", "Asfiksia", "J18.0", "P36", "diare", "tidak tahu", ""]),
                               st.sampled_from(sorted(PKM))), min_size=1, max_size=25)


@SETTINGS
@given(deaths_ll)
def test_line_list_rows_accounted_and_infant_deaths_conserved(deaths):
    base = dt.date(2023, 12, 31)
    rows = [(sex, base - dt.timedelta(days=age), base, None, cause, pkm) for sex, age, _, cause, pkm in deaths]
    with tempfile.TemporaryDirectory() as tmp:
        result = clean([write_xlsx(Path(tmp) / "ll.xlsx", {"S": linelist_rows(rows)})])
    assert _accounted(result) and len(result.ledger) == len(rows)
    infants = sum(1 for _, age, _, _, _ in deaths if age < 365.25)
    assert result.tables["deaths"]["deaths"].sum() == infants
    assert result.tables["deaths_by_cause"]["deaths"].sum() == infants
    neonatal = sum(1 for _, age, _, _, _ in deaths if age <= 28)
    d = result.tables["deaths"]
    assert d.loc[d["age_group"] == "neonatal", "deaths"].sum() == neonatal

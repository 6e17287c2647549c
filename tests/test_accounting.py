"""Every raw row is accounted for, and totals are conserved from the raw files to the canonical tables."""
import importlib.util


from conftest import ROOT, SAMPLE_RAW
from helpers import deaths_table, run_python, write_xlsx
from imr_analysis.clean import clean
from imr_analysis.read.grid import read_grids


def _generator():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_sample_district.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _count_body_rows_by_hand(path) -> int:
    """Independent count: non-empty rows between a column-number row (1, 2, 3, ...) and the footer (annex
    tables), or below the header row that starts with BULAN (monthly reports: every row is a body row)."""
    total = 0
    for grid in read_grids(path):
        inside = False
        for row in grid.rows:
            values = [c for c in row if c is not None]
            first = str(values[0]).upper() if values else ""
            if len(values) >= 3 and all(isinstance(v, (int, float)) or str(v).isdigit() for v in values) \
                    and [int(float(v)) for v in values[:3]] == [1, 2, 3]:
                inside = True
                continue
            if first == "BULAN":
                inside = True
                continue
            if inside and (first.startswith("SUMBER") or first.startswith("KETERANGAN") or first.startswith("TABEL")):
                inside = False
            elif inside and values:
                total += 1
    return total


def _count_linelist_rows_by_hand(path) -> int:
    """Independent count of an AMP-SR line list: the non-empty rows below its header row (the row starting 'NO')."""
    rows = [r for g in read_grids(path) for r in g.rows]
    header = next(i for i, r in enumerate(rows) if r and str(r[0]).strip().upper() == "NO")
    return sum(1 for r in rows[header + 1:] if any(c is not None for c in r))


def test_every_raw_row_is_kept_mapped_set_aside_or_reported(sample_run):
    ledger = sample_run.result.ledger
    files = sorted(p for p in SAMPLE_RAW.rglob("*") if p.suffix in {".xlsx", ".csv"} and "examples" not in p.parts)
    lists = [f for f in files if f.name.startswith("ampsr_")]
    by_hand = sum(_count_body_rows_by_hand(f) for f in files if f not in lists)
    by_hand += sum(_count_linelist_rows_by_hand(f) for f in lists)
    # the distractor sheet (Tabel 1) has no column-number row in the sample generator
    assert len(ledger) == by_hand
    states = ledger["state"].value_counts()
    assert states.get("kept", 0) + states.get("mapped", 0) + states.get("set_aside", 0) \
        + states.get("reported", 0) == len(ledger)
    assert set(ledger["state"]) <= {"kept", "mapped", "set_aside", "reported"}
    # total and rate rows are reported values, never set aside; the sample's 56 are all of them
    # (38 in the infant tables, 3 a year in the maternal tables: total and AKI rows, cause total row)
    assert (ledger["state"] == "reported").sum() == 56
    assert set(ledger.loc[ledger["state"] == "reported", "row_kind"]) == {"total", "rate"}
    assert (ledger.loc[ledger["state"] == "set_aside", "reason"].str.len() > 10).all()
    # the 2024 line list's 27 deaths and the 2024 monthly reports' 264 rows (8 Puskesmas x 12 months, by desa) are
    # compared with the annex tables that count that year, never counted twice
    aside = ledger[ledger["state"] == "set_aside"]
    assert aside["format"].value_counts().to_dict() == {"monthly": 264, "linelist": 27}
    assert set(aside["year"]) == {2024} and not aside["counts_missing"].any()
    assert aside["reason"].str.contains("not counted twice").all()
    assert (ledger.loc[ledger["state"] == "mapped", "rules"].str.len() > 3).all()


def test_sample_deaths_conserved_and_published_by_puskesmas(sample_run):
    gen = _generator()
    d = sample_run.result.tables["deaths"]
    infant = d[d["age_group"].isin(["neonatal", "postneonatal"])].pivot_table(
        index="puskesmas", columns="year", values="deaths", aggfunc="sum")
    for year, counts in gen.DEATHS.items():
        assert [int(infant.loc[p, year]) for p in gen.PKM] == counts, year
    # 2023, Tabel 9 of the Musi Rawas Utara study
    assert infant[2023].to_dict() == {"Karang Jaya": 6, "Muara Rupit": 6, "Karang Dapo": 5, "Bingin Teluk": 5,
                                      "Pauh": 2, "Surulangun": 3, "Muara Kulam": 5, "Nibung": 1}
    assert infant.sum().to_dict()[2023] == 33 and infant.sum()[2022] == 39 and infant.sum()[2021] == 58


def test_raw_cell_sums_equal_canonical_sums(sample_run):
    """Death counts summed straight from the raw count cells that count equal the canonical table (the 2024
    monthly reports are compared with that year's annex tables, not counted: their cells are kept unused)."""
    cells = sample_run.result.cells
    assert (cells["used"] & cells["format"].eq("monthly")).any()   # January-June 2025 counts
    raw = cells[(cells["table"] == "deaths") & (cells["row_kind"] == "data") & (cells["role"] == "count")]
    assert raw.loc[raw["used"], "value"].sum() == sample_run.result.tables["deaths"]["deaths"].sum()
    # the line list's cells (compared with the annex, not counted) hold the same 27 infant deaths of 2024
    listed = raw[raw["format"] == "linelist"]
    deaths = sample_run.result.tables["deaths"]
    annex_2024 = deaths[(deaths["year"] == 2024) & deaths["age_group"].isin(["neonatal", "postneonatal"])]
    assert not listed["used"].any() and listed["value"].sum() == annex_2024["deaths"].sum() == 27
    by_cause = cells[(cells["table"] == "causes") & (cells["row_kind"] == "data") & (cells["role"] == "count")]
    assert by_cause.loc[by_cause["used"], "value"].sum() == sample_run.result.tables["deaths_by_cause"]["deaths"].sum()
    assert by_cause.loc[by_cause["format"] == "linelist", "value"].sum() == 27


def test_published_extremes_and_leading_causes(sample_run):
    t = sample_run.result.tables
    d = t["deaths"][t["deaths"]["age_group"] != "child"].groupby(["year", "puskesmas"])["deaths"].sum()
    assert d[2022].idxmax() == "Muara Rupit" and d[2022].max() == 9 and d[2022].idxmin() == "Muara Kulam"
    assert d[2021].idxmax() == "Muara Kulam" and d[2021].max() == 14 and d[2021].min() == 0
    assert d[2021].idxmin() == "Surulangun"
    assert sorted(d[2020][d[2020] == 8].index) == ["Muara Rupit", "Nibung"] and d[2020].idxmin() == "Karang Dapo"
    assert d[2020].sum() < d[2021].sum()  # "it rose in 2021"
    c = t["deaths_by_cause"].groupby(["year", "cause"])["deaths"].sum()
    assert c[2020].idxmax() == "lbw_prematurity" and c[2021].idxmax() == "asphyxia" and c[2022].idxmax() == "asphyxia"
    for year in (2020, 2021, 2022):
        top = c[year].sort_values(ascending=False)
        assert top.iloc[0] > top.iloc[1], f"leading cause of {year} is tied"


def test_sample_data_are_reproducible_from_the_seeded_script(tmp_path):
    gen_script = ROOT / "scripts" / "make_sample_district.py"
    made = run_python(gen_script, "--out", tmp_path)
    assert made.returncode == 0, made.stderr
    committed = SAMPLE_RAW / "musi_rawas_utara"
    names = sorted(p.name for p in tmp_path.iterdir())
    # the monthly reports (lb3_kia_*) are made by scripts/make_sample_monthly.py (tests/test_brief.py), the
    # AMP-SR line list (ampsr_*) by scripts/make_sample_ampsr.py (tests/test_review.py)
    assert names == sorted(p.name for p in committed.iterdir() if p.suffix in {".xlsx", ".csv"}
                           and not p.name.startswith(("lb3_kia_", "ampsr_")))
    for name in names:
        fresh = [g.rows for g in read_grids(tmp_path / name)]
        stored = [g.rows for g in read_grids(committed / name)]
        assert fresh == stored, name


def test_set_aside_rows_do_not_reach_the_tables_but_stay_in_the_ledger(tmp_path):
    rows = deaths_table([[1, "Rupit", "Muara Rupit", 2, 1, 3, 0, 3, 1, 0, 1, 0, 1],
                         [2, "Nibung", "Nibong Baru", 4, 0, 4, 0, 4, 0, 0, 0, 0, 0],
                         [3, "Nibung", "Nibung", -1, 0, -1, 0, -1, 0, 0, 0, 0, 0]])
    result = clean([write_xlsx(tmp_path / "d.xlsx", {"S": rows})])
    data = result.ledger[result.ledger["row_kind"] == "data"]
    assert list(data["state"]) == ["kept", "set_aside", "set_aside"]
    reason = data.iloc[1]["reason"]  # the unknown name by its column, length and hash; the registry's nearest names
    assert "unknown Puskesmas in column C (text of 11 characters, #" in reason and "Nibung" in reason
    assert "Nibong" not in reason
    assert "negative count -1" in data.iloc[2]["reason"]
    assert set(result.tables["deaths"]["puskesmas"]) == {"Muara Rupit"}
    assert result.tables["deaths"]["deaths"].sum() == 2 + 1 + 0 + 1 + 0 + 0

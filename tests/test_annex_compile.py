"""The Profil annex compiled from processed data (`imr-analysis annex`): cleaning the written
workbook gives back the same canonical tables, with no data-quality findings of its own, for the
sample (every year) and for districts the registry has never seen (annex tables, monthly reports,
a line list); the rate rows are the package's indicators; bad input and hostile names."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import run_cli
from imr_analysis import synth
from imr_analysis.annex_writer import child_causes_header
from imr_analysis.clean.store import load_processed, run_clean
from imr_analysis.report.annex import REGISTRY, AnnexKind, births_columns, compile_annex, write_annex
from imr_analysis.synth_unseen import write_corpus
from imr_analysis.vocab.maternal import current_code

YEARS = range(2022, 2024)
#: Counts of each canonical table, by the keys an annex table can carry (causes have no sex in the Profil tables).
COUNTS = {"births": (["sex"], ["live_births", "stillbirths"]), "deaths": (["sex", "age_group"], ["deaths"]),
          "deaths_by_cause": (["age_group", "cause"], ["deaths"]),
          "neonatal_visits": (["sex", "visit"], ["visits", "denominator", "denominator_kind"]),
          "maternal_deaths": (["period", "age_group"], ["deaths"]), "maternal_causes": (["cause"], ["deaths"])}
#: Findings that describe the data themselves, not the layout (they come with the counts).
DATA_FACTS = {"coverage_above_100", "missing_table"}


def counts(tables: dict[str, pd.DataFrame], year: int, district: str) -> pd.DataFrame:
    """Every non-zero count of one district-year in long form, months summed: what the annex must keep."""
    parts = []
    for name, (keys, values) in COUNTS.items():
        df = tables[name][(tables[name]["year"] == year) & (tables[name]["district"] == district)]
        if name == "maternal_causes":    # the annex writes the current cause edition (older causes on its categories)
            df = df.assign(cause=current_code(df["cause"]))
        k = ["province", "kecamatan", "puskesmas"] + keys + (["denominator_kind"] if "denominator_kind" in values else [])
        num = [v for v in values if v != "denominator_kind"]
        g = df.groupby(k, dropna=False)[num].sum().reset_index().melt(id_vars=k, var_name="measure")
        parts.append(g.assign(table=name))
    out = pd.concat(parts, ignore_index=True).fillna("")
    out = out[out["value"] != 0]
    cols = ["table", "province", "kecamatan", "puskesmas", "sex", "period", "age_group", "cause", "visit",
            "denominator_kind", "measure"]
    out = out.reindex(columns=cols + ["value"]).fillna("")
    return out.sort_values(cols).reset_index(drop=True)


def round_trip(processed, year: int, district: str, tmp) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, object]:
    """Compile the annex, clean it again: (counts before, counts after, findings of the re-read, the annex)."""
    tables = load_processed(processed)
    annex = compile_annex(tables, year, district)
    path = write_annex(annex, tmp / f"lampiran_{year}.xlsx")
    run = run_clean([path], tmp / "again")
    return counts(tables, year, district), counts(load_processed(tmp / "again"), year, district), run.findings, annex


@pytest.fixture(scope="session")
def sample_processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("annex_sample") / "processed"
    result = run_cli("clean", "data/raw/musi_rawas_utara", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("year", range(2019, 2025))
def test_sample_round_trip_every_year(sample_processed, year, tmp_path):
    before, after, found, annex = round_trip(sample_processed, year, "Musi Rawas Utara", tmp_path)
    assert len(before) > 100
    pd.testing.assert_frame_equal(before, after)
    assert set(found["check"]) <= DATA_FACTS, found[["check", "message"]].to_string()
    assert list(annex.kinds.values()) == ["births", "deaths", "causes", "kn", "maternal", "maternal_causes"]
    assert annex.missing == ["child_causes"]      # the sample has no table of causes at 12-59 months
    assert (before["table"] == "maternal_deaths").any() and (before["table"] == "maternal_causes").any()


def test_maternal_tables_aki_row_and_current_cause_edition(sample_processed, tmp_path):
    """2019 (older cause edition): 3 maternal deaths / 3,890 live births x 100,000 = 77.12 under the last JUMLAH;
    Muara Kulam's GANGGUAN METABOLIK is written under the current edition's LAIN-LAIN (hand-counted from the
    sample's maternal tables)."""
    annex = compile_annex(load_processed(sample_processed), 2019, "Musi Rawas Utara")
    write_annex(annex, tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx")
    rows = [[c.value for c in row] for row in book["Tabel 30"].iter_rows()]
    assert rows[5][3:] == ["JUMLAH LAHIR HIDUP", "KEMATIAN IBU HAMIL", None, None, None, "KEMATIAN IBU BERSALIN", None,
                           None, None, "KEMATIAN IBU NIFAS", None, None, None, "JUMLAH KEMATIAN IBU", None, None, None]
    total = next(r for r in rows if r[1] == "JUMLAH KAB/KOTA")
    rate = next(r for r in rows if r[1] == "ANGKA KEMATIAN IBU (DILAPORKAN)")
    assert total[3] == 3890 and total[-4:] == [1, 1, 1, 3]        # < 20, 20-34, >= 35, JUMLAH
    assert rate[3:-1] == [None] * 16 and rate[-1] == round(3 / 3890 * 100_000, 2) == 77.12
    causes = [[c.value for c in row] for row in book["Tabel 31"].iter_rows()]
    header = causes[5]
    assert header[3:] == ["PERDARAHAN", "GANGGUAN HIPERTENSI", "INFEKSI", "KELAINAN JANTUNG DAN PEMBULUH DARAH",
                          "GANGGUAN AUTOIMUN", "GANGGUAN CEREBROVASKULAR", "COVID-19",
                          "KOMPLIKASI PASCA KEGUGURAN (ABORTUS)", "LAIN-LAIN", "JUMLAH KEMATIAN IBU"]
    kulam = next(r for r in causes if r[2] == "Muara Kulam")
    assert kulam[3:] == [0] * 8 + [1, 1]
    assert next(r for r in causes if r[1] == "JUMLAH KAB/KOTA")[3:] == [1, 1, 0, 0, 0, 0, 0, 0, 1, 3]


def test_rate_rows_are_the_package_indicators(sample_processed, tmp_path):
    """2023: AKB = 33 infant deaths / 3,795 live births x 1000 = 8.70; AKN 26 / 3,795 = 6.85;
    stillbirth rate 46 / (3,795 + 46) x 1000 = 11.98; AKABA 36 / 3,795 = 9.49 (hand-computed)."""
    annex = compile_annex(load_processed(sample_processed), 2023, "Musi Rawas Utara")
    write_annex(annex, tmp_path / "a.xlsx")
    ws = load_workbook(tmp_path / "a.xlsx")["Tabel 27"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    rate = next(r for r in rows if r[1] == "ANGKA KEMATIAN (DILAPORKAN)")
    total = next(r for r in rows if r[1] == "JUMLAH KAB/KOTA")
    header = rows[6]          # L, P, L+P under JUMLAH KEMATIAN; then the age groups below
    assert header[3:] == ["LAKI-LAKI"] + [None] * 4 + ["PEREMPUAN"] + [None] * 4 + ["LAKI-LAKI + PEREMPUAN"] + [None] * 4
    both = slice(13, 18)      # L+P: NEONATAL, POST NEONATAL, BAYI, ANAK BALITA, JUMLAH TOTAL
    assert total[both] == [26, 7, 33, 3, 36]
    assert rate[both] == [round(26 / 3795 * 1000, 2), round(7 / 3795 * 1000, 2), 8.70, None, round(36 / 3795 * 1000, 2)]
    assert rate[15] == pytest.approx(8.70)
    births = [[c.value for c in row] for row in load_workbook(tmp_path / "a.xlsx")["Tabel 26"].iter_rows()]
    sb_rate = next(r for r in births if str(r[1]).startswith("ANGKA LAHIR MATI"))
    assert sb_rate[10] == round(46 / 3841 * 1000, 2) == 11.98      # L+P MATI


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """Seven annex districts (the seventh titled 'KOTA ...'), one of monthly reports, one of a line list."""
    return write_corpus(tmp_path_factory.mktemp("annex_unseen"), districts=7, years=YEARS, seed=11)


@pytest.fixture(scope="session")
def corpus_processed(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("annex_unseen_processed")
    folders = {}
    for _, row in corpus.districts.iterrows():
        if row["format"] == "annex":
            continue
        run_clean([corpus.root / row["folder"]], out / row["format"], district=row["district"])
        folders[row["district"]] = out / row["format"]
    run_clean([corpus.root / "annex"], out / "annex")
    for name in corpus.districts.loc[corpus.districts["format"] == "annex", "district"]:
        folders[name] = out / "annex"
    return folders


@pytest.mark.parametrize("which", [0, 2, 5, 6, "monthly", "linelist"])
def test_unseen_district_round_trip(corpus, corpus_processed, which, tmp_path):
    d = corpus.districts
    row = d[d["format"] == which].iloc[0] if isinstance(which, str) else d.iloc[which]
    processed = corpus_processed[row["district"]]
    district = next(x for x in load_processed(processed)["deaths"]["district"].unique()
                    if x.lower().endswith(row["district"].lower()))
    before, after, found, annex = round_trip(processed, 2023, district, tmp_path)
    assert len(before) > 20
    pd.testing.assert_frame_equal(before, after)
    assert set(found["check"]) <= DATA_FACTS, found[["check", "message"]].to_string()
    if which == "linelist":      # a line list has deaths only, infant and maternal
        assert list(annex.kinds.values()) == ["deaths", "causes", "maternal", "maternal_causes"]
        assert annex.missing == ["births", "child_causes", "kn"]
    elif which != "monthly":     # an annex district has maternal tables in the years districts.csv names
        assert ("maternal" in annex.kinds.values()) == ("2023:" in row["maternal"])   # also with 0 deaths that year


#: Deaths at 12-59 months by cause in the synthetic district, by Puskesmas (``CHILD_PLACES``; none at the 4th).
CHILD_DEATHS = [{"diarrhoea": 2, "vpd": 1}, {"injury": 3}, {"congenital": 1, "other": 2}, {},
                {"pneumonia": 1, "parasitic": 1}]
CHILD_PLACES = ["Air Kumbang", "Bukit Jaya", "Sungai Lilin", "Talang Ubi", "Tanjung Agung"]


@pytest.fixture(scope="session")
def child_district(tmp_path_factory):
    """One synthetic district whose workbook holds the Profil table of deaths at 12-59 months by cause
    (``CHILD_DEATHS``) beside the four infant tables, cleaned: its processed folder."""
    root = tmp_path_factory.mktemp("annex_child")
    tables = synth.canonical(districts=1, puskesmas=5, years=[2023], seed=3)
    names = dict(zip(sorted(tables["births"]["puskesmas"].astype(str).unique()), CHILD_PLACES))
    for df in tables.values():        # place names, not the model's codes ('PKM 001-01' reads as an ID)
        df["puskesmas"] = df["puskesmas"].astype(str).map(names)
        df["kecamatan"] = df["puskesmas"]
    places = tables["births"].drop(columns=["sex", "live_births", "stillbirths"]).astype(object) \
        .drop_duplicates("puskesmas").sort_values("puskesmas")
    rows = pd.DataFrame([{**place, "sex": "unspecified", "age_group": "child", "cause": cause, "deaths": n}
                         for place, causes in zip(places.to_dict("records"), CHILD_DEATHS) for cause, n in causes.items()])
    tables["deaths_by_cause"] = pd.concat([tables["deaths_by_cause"].astype(object), rows], ignore_index=True)
    layout = synth.AnnexLayout(order=synth.TABLES + ("child_causes",))
    synth.write_annex(tables, root / "raw", layout=lambda district, year: layout)
    run_clean([root / "raw"], root / "processed")
    return root / "processed"


def test_child_causes_round_trip(child_district, tmp_path):
    """The table of deaths at 12-59 months by cause is compiled (Tabel 29, the official cause columns the
    data have, in the table's order) and cleaning the workbook gives back every count."""
    district = load_processed(child_district)["deaths"]["district"].iloc[0]
    before, after, found, annex = round_trip(child_district, 2023, district, tmp_path)
    child = before[before["age_group"] == "child"]
    assert child["value"].sum() == 11 and len(child) == 7
    assert dict(zip(child["cause"], child["value"])) == {"diarrhoea": 2, "vpd": 1, "injury": 3, "congenital": 1,
                                                         "other": 2, "pneumonia": 1, "parasitic": 1}
    pd.testing.assert_frame_equal(before, after)
    assert set(found["check"]) <= DATA_FACTS, found[["check", "message"]].to_string()
    assert annex.kinds["Tabel 29"] == "child_causes" and annex.missing == ["maternal", "maternal_causes"]
    table = annex.tables["Tabel 29"]
    assert table.title == "JUMLAH KEMATIAN ANAK BALITA MENURUT PENYEBAB UTAMA, KECAMATAN, DAN PUSKESMAS"
    assert table.header == child_causes_header()     # the source table had every column (zeros are kept)
    # DIARE, DEMAM BERDARAH, PNEUMONIA, KEL. KONGENITAL JANTUNG, PD3I, PENYAKIT SARAF, KEL. KONGENITAL LAINNYA,
    # TENGGELAM/CEDERA/KECELAKAAN, INFEKSI PARASIT, LAIN-LAIN
    assert [row[3:] for row in table.body] == [[2, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 3, 0, 0],
                                               [0, 0, 0, 0, 0, 0, 1, 0, 0, 2], [0] * 10, [0, 0, 1, 0, 0, 0, 0, 0, 1, 0]]
    assert table.total[3:] == [2, 0, 1, 0, 1, 0, 1, 3, 1, 2]


def test_monthly_stillbirths_without_sex_are_under_lp_only(corpus, corpus_processed, tmp_path):
    """A monthly report gives live births by sex and stillbirths without: MATI has one column, under L+P."""
    processed = corpus_processed[corpus.districts.loc[corpus.districts["format"] == "monthly", "district"].iloc[0]]
    tables = load_processed(processed)
    district = tables["births"]["district"].iloc[0]
    annex = compile_annex(tables, 2023, district)
    header = annex.tables["Tabel 26"].header
    assert header == [("JUMLAH KELAHIRAN", [("LAKI-LAKI", ["HIDUP"]), ("PEREMPUAN", ["HIDUP"]),
                                            ("LAKI-LAKI + PEREMPUAN", ["HIDUP", "MATI", "HIDUP + MATI"])])]


def test_hostile_puskesmas_names(corpus, corpus_processed, tmp_path):
    """'Sumber Harta' stays a Puskesmas row (not a footer); '=SUM(A1)' is a text cell, not a formula; markup is
    written as text. Cleaning reads every row back with its counts and its name as written."""
    processed = corpus_processed[corpus.districts["district"].iloc[0]]
    copy = tmp_path / "processed"
    shutil.copytree(processed, copy)
    tables = load_processed(copy)
    district = corpus.districts["district"].iloc[0]
    names = sorted(set(tables["births"].loc[tables["births"]["district"] == district, "puskesmas"]))[:3]
    hostile = dict(zip(names, ["Sumber Harta", "=SUM(A1)", "<b>Pusk</b> & Co"]))
    for name, df in tables.items():
        if "puskesmas" in df:
            df.assign(puskesmas=df["puskesmas"].replace(hostile)).to_parquet(copy / f"{name}.parquet", index=False)
    before, after, found, _ = round_trip(copy, 2023, district, tmp_path)
    assert set(found["check"]) <= DATA_FACTS
    assert {"Sumber Harta", "<b>Pusk</b> & Co"} <= set(after["puskesmas"])
    assert "=Sum(A1)" in set(after["puskesmas"])       # a name in one case is shown in title case

    def by_puskesmas(df):
        rest = [c for c in df.columns if c != "puskesmas"]
        return sorted(tuple(map(tuple, g[rest].astype(str).to_numpy())) for _, g in df.groupby("puskesmas"))
    assert by_puskesmas(before) == by_puskesmas(after)
    for sheet in load_workbook(tmp_path / "lampiran_2023.xlsx"):
        cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value in hostile.values()}
        assert set(cells) == set(hostile.values()) and cells["=SUM(A1)"].data_type == "s"


def test_registry_takes_a_new_table_by_one_entry(sample_processed):
    """An entry whose canonical table the folder lacks is named missing; given the table, it is written."""
    tables = load_processed(sample_processed)
    extra = AnnexKind("births", 99, ("table_not_in_the_folder",), births_columns)
    annex = compile_annex(tables, 2023, "Musi Rawas Utara", REGISTRY + [extra])
    assert "Tabel 99" not in annex.tables and annex.missing == ["child_causes", "births"]
    annex = compile_annex({**tables, "table_not_in_the_folder": tables["births"]}, 2023, "Musi Rawas Utara", REGISTRY + [extra])
    assert annex.tables["Tabel 99"].number == "TABEL 99" and annex.missing == ["child_causes"]


def test_cli_annex_and_its_bad_input(sample_processed, tmp_path):
    out = tmp_path / "profil_lampiran_2023.xlsx"
    ok = run_cli("annex", "--processed", sample_processed, "--year", "2023", "--out", out)
    assert ok.returncode == 0, ok.stderr
    assert f"ditulis ke {out}" in ok.stdout and "Tabel 37 (Cakupan kunjungan neonatal" in ok.stdout
    assert load_workbook(out).sheetnames == ["Tabel 26", "Tabel 27", "Tabel 28", "Tabel 37", "Tabel 30", "Tabel 31"]
    again = run_cli("annex", "--processed", sample_processed, "--year", "2023", "--out", out, "--lang", "en")
    assert again.returncode == 2 and "already exists" in again.stderr and "--force" in again.stderr
    forced = run_cli("annex", "--processed", sample_processed, "--year", "2022", "--out", out, "--force")
    assert forced.returncode == 0 and load_workbook(out)["Tabel 26"]["A4"].value == "TAHUN 2022"
    year = run_cli("annex", "--processed", sample_processed, "--year", "2030", "--out", tmp_path / "x.xlsx", "--lang", "en")
    assert year.returncode == 2 and "2019, 2020, 2021, 2022, 2023, 2024" in year.stderr
    district = run_cli("annex", "--processed", sample_processed, "--year", "2023", "--district", "Atlantis",
                       "--out", tmp_path / "x.xlsx", "--lang", "en")
    assert district.returncode == 2 and "Musi Rawas Utara" in district.stderr and "Traceback" not in district.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_line_list_year_says_what_is_missing(corpus, corpus_processed, tmp_path):
    row = corpus.districts[corpus.districts["format"] == "linelist"].iloc[0]
    result = run_cli("annex", "--processed", corpus_processed[row["district"]], "--year", "2023",
                     "--out", tmp_path / "l.xlsx", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert ("Not written (the processed data for 2023 hold none): Births by sex; Deaths at 12-59 months by main cause; "
            "Neonatal visit (KN) coverage by sex.\n") in result.stdout
    assert "(Maternal deaths by period and age group" in result.stdout and "(Maternal deaths by cause" in result.stdout

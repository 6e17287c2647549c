"""Districts the registry has never seen, through the command line as a user runs it.

A seeded corpus (``synth --unseen``: 20 districts of annex tables in the layouts districts send,
one of monthly reports, one of a line list, 2019-2024) is cleaned and analysed once per test
session. Every expected number is computed here from the corpus' truth.csv with numpy
(deaths / live births x 1000, visits / sasaran x 100), never with the package.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import run_cli as cli
from imr_analysis.synth_unseen import write_corpus

YEARS = list(range(2019, 2025))
LEVELS = ("puskesmas", "kecamatan", "district")
KEY = ["district", "area", "year"]
NO_BIRTHS = "no live-birth data was given for this area and period"
RATES = {"imr": ["neonatal", "postneonatal"], "nmr": ["neonatal"], "postneonatal_mr": ["postneonatal"]}


def ok(result) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def read(path: Path) -> pd.DataFrame:
    """A CSV the package wrote, as a user opens it: text as written, blank cells as ''."""
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)


def number(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series.replace("", np.nan)).to_numpy(dtype=float)


def indicators(processed: Path, level: str, out: Path) -> pd.DataFrame:
    ok(cli("indicators", "--processed", processed, "--level", level, "--table", "data", "--out", out))
    df = read(out)
    df["year"] = df["year"].astype(int)
    for col in ("numerator", "denominator", "value"):
        df[col] = number(df[col])
    return df


# --- the corpus, cleaned and analysed once ---------------------------------------------------

@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("unseen_raw"), districts=20, years=YEARS, seed=7)


@pytest.fixture(scope="session")
def annex(corpus, tmp_path_factory):
    """The 20 annex districts cleaned in one run, and their indicators at every level."""
    out = tmp_path_factory.mktemp("unseen_annex")
    result = ok(cli("clean", corpus.root / "annex", "--out", out / "processed"))
    return {"processed": out / "processed", "clean": result,
            **{level: indicators(out / "processed", level, out / f"{level}.csv") for level in LEVELS}}


def _flat(corpus, tmp_path_factory, fmt: str) -> dict:
    row = corpus.districts[corpus.districts["format"] == fmt].iloc[0]
    out = tmp_path_factory.mktemp(f"unseen_{fmt}")
    result = ok(cli("clean", corpus.root / row["folder"], "--district", row["district"], "--out", out / "processed"))
    return {"name": row["district"], "folder": corpus.root / row["folder"], "processed": out / "processed",
            "clean": result, **{level: indicators(out / "processed", level, out / f"{level}.csv") for level in LEVELS}}


@pytest.fixture(scope="session")
def monthly(corpus, tmp_path_factory):
    return _flat(corpus, tmp_path_factory, "monthly")


@pytest.fixture(scope="session")
def linelist(corpus, tmp_path_factory):
    return _flat(corpus, tmp_path_factory, "linelist")


@pytest.fixture(scope="session")
def first_district(corpus):
    """The district `run` reports on: kecamatan merged over rows, a '(lanj.)' block, a funnel outlier."""
    return corpus.districts.iloc[0]


# --- the truth, hand-computed ----------------------------------------------------------------

def area_labels(truth: pd.DataFrame, processed: Path) -> pd.Series:
    """The kecamatan each Puskesmas should be reported under: as the files write it; where they
    leave it blank, whatever one label cleaning gave (it must give one, not drop the rows)."""
    births = read(processed / "births.csv")
    given = births.groupby(["district", "puskesmas"])["kecamatan"].agg(lambda s: sorted(set(s)))
    pkm = truth.drop_duplicates(["district", "puskesmas"]).set_index(["district", "puskesmas"])["kecamatan"]
    labels = {}
    for (district, puskesmas), kecamatan in pkm.items():
        if kecamatan:
            labels[(district, puskesmas)] = kecamatan
            continue
        written = given.get((district, puskesmas), [])
        assert len(written) == 1, f"{puskesmas} ({district}) has kecamatan {written} in births.csv; expected one label"
        labels[(district, puskesmas)] = written[0]
    return pd.Series(labels)


def with_area(truth: pd.DataFrame, level: str, labels: pd.Series | None = None) -> pd.DataFrame:
    t = truth.copy()
    if level == "kecamatan":
        t["area"] = labels.reindex(pd.MultiIndex.from_frame(t[["district", "puskesmas"]])).to_numpy()
    else:
        t["area"] = t[level]
    return t


def expected_counts(truth: pd.DataFrame, level: str, labels: pd.Series | None = None) -> pd.DataFrame:
    """Per district, area and year: live births, stillbirths, neonatal and post-neonatal deaths,
    KN1, KN lengkap and sasaran, summed over Puskesmas, months and sexes. Births, KN and sasaran
    stay missing where the files give none (line lists)."""
    t = with_area(truth, level, labels)

    def total(mask) -> pd.Series:
        return t[mask].groupby(KEY)["value"].sum()

    deaths = t["measure"] == "deaths"
    frame = pd.DataFrame({
        "neonatal": total(deaths & (t["age_group"] == "neonatal")),
        "postneonatal": total(deaths & (t["age_group"] == "postneonatal")),
        **{m: total(t["measure"] == m) for m in ("live_births", "stillbirths", "kn1", "kn_lengkap", "kn_denominator")},
    })
    frame[["neonatal", "postneonatal"]] = frame[["neonatal", "postneonatal"]].fillna(0)
    return frame.sort_index()


def expected_causes(truth: pd.DataFrame, level: str, labels: pd.Series | None = None) -> pd.DataFrame:
    """Deaths per district, area, year, age group (neonatal, postneonatal and infant = both) and cause."""
    t = with_area(truth, level, labels)
    c = t[t["measure"] == "cause_deaths"]
    by_age = c.groupby(KEY + ["age_group", "cause"])["value"].sum()
    infant = c.groupby(KEY + ["cause"])["value"].sum()
    infant.index = pd.MultiIndex.from_tuples([(*k[:3], "infant", k[3]) for k in infant.index], names=by_age.index.names)
    return pd.concat([by_age, infant]).rename("deaths").to_frame()


def rows(ind: pd.DataFrame, indicator: str) -> pd.DataFrame:
    r = ind[(ind["indicator"] == indicator) & (ind["sex"] == "all") & (ind["age_group"] == "all")
            & (ind["cause"] == "all")]
    assert not r.duplicated(KEY).any(), f"{indicator}: two rows for the same area and year"
    return r.set_index(KEY).sort_index()


def assert_columns_equal(got: pd.DataFrame, expected: dict[str, np.ndarray], what: str) -> None:
    """Each named column of ``got`` equals the expected array (NaN equal to NaN); the message lists
    the first rows that differ."""
    for col, want in expected.items():
        have = got[col].to_numpy(dtype=float)
        same = np.isclose(have, want, rtol=1e-9, atol=1e-9, equal_nan=True)
        if not same.all():
            diff = got.loc[~same, [col]].assign(expected=want[~same])
            pytest.fail(f"{what}: {col} differs from the truth in {(~same).sum()} of {len(same)} rows:\n{diff.head(10)}")


def check_rates(ind: pd.DataFrame, exp: pd.DataFrame, level: str, births_given: bool = True) -> None:
    """AKB, AKN and the post-neonatal rate at every area and year equal deaths / live births x 1000."""
    for indicator, parts in RATES.items():
        got = rows(ind, indicator)
        missing, extra = exp.index.difference(got.index), got.index.difference(exp.index)
        assert missing.empty and extra.empty, (f"{indicator} at {level} level: missing area-years {list(missing[:5])}, "
                                               f"unexpected {list(extra[:5])}")
        got = got.loc[exp.index]
        deaths = exp[parts].to_numpy(dtype=float).sum(axis=1)
        births = exp["live_births"].to_numpy(dtype=float)
        assert_columns_equal(got, {"numerator": deaths, "denominator": births,
                                   "value": deaths / births * 1000}, f"{indicator} at {level} level")
        if births_given:
            assert (got["flag"] == "").all(), f"{indicator} at {level} level flagged: {set(got['flag'])}"
            assert np.isfinite(number(got["lower_95"])).all() and np.isfinite(number(got["upper_998"])).all()
        else:
            assert (got["flag"] == NO_BIRTHS).all(), f"{indicator} at {level} level: flags {set(got['flag'])}"


def check_stillbirths_and_coverage(ind: pd.DataFrame, exp: pd.DataFrame, level: str) -> None:
    still, live = exp["stillbirths"].to_numpy(dtype=float), exp["live_births"].to_numpy(dtype=float)
    assert_columns_equal(rows(ind, "stillbirth_rate").loc[exp.index],
                         {"numerator": still, "denominator": live + still, "value": still / (live + still) * 1000},
                         f"stillbirth_rate at {level} level")
    sasaran = exp["kn_denominator"].to_numpy(dtype=float)
    for visit in ("kn1", "kn_lengkap"):
        got = rows(ind, f"{visit}_coverage")
        assert got.index.equals(exp.index), f"{visit}_coverage at {level} level: other area-years than the truth"
        served = exp[visit].to_numpy(dtype=float)
        assert_columns_equal(got, {"numerator": served, "denominator": sasaran, "value": served / sasaran * 100},
                             f"{visit}_coverage at {level} level")


def check_causes(ind: pd.DataFrame, exp: pd.DataFrame, counts: pd.DataFrame, level: str) -> None:
    """Deaths by cause (neonatal, post-neonatal, infant) equal the truth; the rate divides by live
    births, the share by the deaths of that age group."""
    keys = KEY + ["age_group", "cause"]
    for indicator in ("cause_rate", "cause_share"):
        got = ind[(ind["indicator"] == indicator) & (ind["sex"] == "all")].set_index(keys)
        assert not got.index.duplicated().any(), f"{indicator}: two rows for the same area, year and cause"
        both = exp.join(got[["numerator", "denominator", "value"]], how="outer")
        both["deaths"] = both["deaths"].fillna(0)   # a cause column left at 0 in the table has no truth row
        absent = both.index[both["numerator"].isna()]
        assert absent.empty, f"{indicator} at {level} level: no row for {list(absent[:5])}"
        deaths = both["deaths"].to_numpy(dtype=float)
        if indicator == "cause_rate":
            births = counts["live_births"].reindex(both.index.droplevel(["age_group", "cause"])).to_numpy(dtype=float)
            want = {"numerator": deaths, "denominator": births, "value": deaths / births * 1000}
        else:
            age_total = both.groupby(level=KEY + ["age_group"])["deaths"].transform("sum").to_numpy(dtype=float)
            share = np.divide(deaths, age_total, out=np.full_like(deaths, np.nan), where=age_total > 0) * 100
            want = {"numerator": deaths, "denominator": age_total, "value": share}
        assert_columns_equal(both, want, f"{indicator} at {level} level")


# --- the annex districts ---------------------------------------------------------------------

def test_the_corpus_is_new_to_the_registry_and_written_as_districts_send_it(corpus):
    from imr_analysis.vocab.districts import resolve_district
    from imr_analysis.vocab.puskesmas import Registry, registry_file

    reg = Registry(registry_file())
    d = corpus.districts
    assert len(d) >= 20 and (d["format"] == "annex").sum() == 20
    assert not any(reg.knows_district(name) for name in d["district"])
    assert not any(resolve_district(name).found for name in d["district"])  # invented: no province to look up
    annex = d[d["format"] == "annex"]
    assert {"merged", "puskesmas", "blank", "every"} <= set(annex["kecamatan"])
    assert annex["csv"].str.contains("births,causes,deaths,kn").any() and (annex["csv"] == "").any()
    assert {"same_sheet", "next_sheet"} <= set(annex["continuation"])
    files = corpus.raw_rows["file"].drop_duplicates()
    assert files.str.endswith(".csv").any() and files.str.endswith(".xlsx").any()
    csv_text = " ".join((corpus.root / f).read_text(encoding="utf-8") for f in files if f.endswith(".csv"))
    assert ";1.0" in csv_text or ";1.1" in csv_text  # Indonesian thousands: 1.034
    cells = [csv_text] + [str(c) for f in files if f.endswith(".xlsx") for sheet in _sheets(corpus.root / f)
                          for row in sheet for c in row]
    assert "PROVINSI" not in " ".join(cells).upper()
    pkm = corpus.truth.drop_duplicates(["district", "puskesmas"])
    assert pkm["puskesmas"].duplicated().any()  # one Puskesmas name in two districts, as in real data
    assert set(corpus.truth["year"]) == set(YEARS)


def _sheets(path: Path) -> list[list[list]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]


def test_clean_reads_every_district_and_year(corpus, annex):
    out = annex["clean"].stdout
    for name in corpus.districts.loc[corpus.districts["format"] == "annex", "district"]:
        assert name in out
    assert "tahun 2019, 2020, 2021, 2022, 2023, 2024" in out
    raw = corpus.raw_rows[corpus.raw_rows["file"].str.startswith("annex")]
    assert f"Baris: {len(raw)} baris isi mentah" in out and " 0 disisihkan" in out


@pytest.mark.parametrize("level", LEVELS)
def test_annex_indicators_equal_the_truth(corpus, annex, level):
    truth = corpus.truth[corpus.truth["format"] == "annex"]
    labels = area_labels(truth, annex["processed"]) if level == "kecamatan" else None
    counts = expected_counts(truth, level, labels)
    check_rates(annex[level], counts, level)
    check_stillbirths_and_coverage(annex[level], counts, level)
    check_causes(annex[level], expected_causes(truth, level, labels), counts, level)


def test_the_ledger_accounts_for_every_raw_row(corpus, annex, monthly, linelist):
    """Every body row written (Puskesmas and total rows) is in a ledger, at its file, sheet and row,
    as the Puskesmas it is; Puskesmas rows are counted, total rows are reported values."""
    ledger = pd.concat([read(x["processed"] / "ledger.csv") for x in (annex, monthly, linelist)], ignore_index=True)
    ledger["row"] = ledger["row"].astype(int)
    raw = corpus.raw_rows.assign(file=[str(corpus.root / f) for f in corpus.raw_rows["file"]],
                                 sheet=corpus.raw_rows["sheet"].fillna(""))
    where = ["file", "sheet", "row"]
    assert not ledger.duplicated(where).any(), ledger[ledger.duplicated(where, keep=False)].head()
    both = raw.merge(ledger, on=where, how="outer", suffixes=("", "_ledger"), indicator=True)
    unaccounted = both[both["_merge"] == "left_only"]
    invented = both[both["_merge"] == "right_only"]
    assert unaccounted.empty, (f"{len(unaccounted)} raw rows are not in the ledger:\n"
                               f"{unaccounted[where + ['table']].head(10)}")
    assert invented.empty, f"{len(invented)} ledger rows are no raw body row:\n{invented[where + ['reason']].head(10)}"
    assert (both["row_kind"] == both["row_kind_ledger"]).all()
    data = both[both["row_kind"] == "data"]
    assert data["state"].isin(["kept", "mapped"]).all(), data.loc[~data["state"].isin(["kept", "mapped"]), "reason"].head()
    assert (data["puskesmas"] == data["puskesmas_ledger"]).all()
    totals = both[both["row_kind"] == "total"]
    assert len(totals) > 0 and (totals["state"] == "reported").all()


def test_right_totals_raise_no_total_row_warning(annex):
    """The generator writes each total row as the sum of the Puskesmas rows, also where the rows
    continue in a '(lanj.)' block on the same or the next sheet: the total-row check finds nothing."""
    findings = read(annex["processed"] / "findings.csv")
    false = findings[findings["check"] == "total_row"]
    example = false[["sheet", "row", "message"]].head(3).to_string(index=False)
    assert false.empty, f"{len(false)} total_row warnings on right totals, e.g.:\n{example}"


def test_trends_give_an_apc_for_every_district(corpus, annex, tmp_path):
    """The APC of AKB and AKN over 2019-2024 for each district; where the model is Poisson (or
    quasi-Poisson, same estimate) it equals the maximum-likelihood slope solved here with numpy."""
    ok(cli("trends", "--processed", annex["processed"], "--table", "data", "--out", tmp_path / "trends.csv"))
    trends = read(tmp_path / "trends.csv")
    truth = corpus.truth[corpus.truth["format"] == "annex"]
    counts = expected_counts(truth, "district")
    for indicator in ("imr", "nmr"):
        got = trends[(trends["indicator"] == indicator) & (trends["cause"] == "")].set_index("area")
        assert set(got.index) == set(truth["district"])
        for district, g in counts.groupby(level="district"):
            row = got.loc[district]
            assert int(row["n_years"]) == len(YEARS) and row["model"] != "not enough data", (district, dict(row))
            assert row["trend_marker"] != "not enough data"
            apc = float(row["apc"])
            assert np.isfinite(apc) and float(row["apc_lower_95"]) < apc < float(row["apc_upper_95"])
            if row["model"] in ("poisson", "quasi_poisson"):
                deaths = g[RATES[indicator]].to_numpy(dtype=float).sum(axis=1)
                want = poisson_apc(g.index.get_level_values("year").to_numpy(dtype=float), deaths,
                                   g["live_births"].to_numpy(dtype=float))
                assert apc == pytest.approx(want, rel=1e-6, abs=1e-6), (district, indicator)


def poisson_apc(years: np.ndarray, deaths: np.ndarray, births: np.ndarray) -> float:
    """(e^b - 1) x 100 for the Poisson model log E[deaths] = log(births) + a + b (year - mean), by Newton's method."""
    x = np.column_stack([np.ones_like(years), years - years.mean()])
    beta = np.array([np.log(deaths.sum() / births.sum()), 0.0])
    for _ in range(100):
        mu = births * np.exp(x @ beta)
        step = np.linalg.solve(x.T @ (x * mu[:, None]), x.T @ (deaths - mu))
        beta += step
        if np.abs(step).max() < 1e-12:
            break
    return (np.exp(beta[1]) - 1) * 100


# --- two districts: namesakes, and the registry; one district: `run` and the funnel ----------

@pytest.fixture(scope="session")
def pair(corpus, tmp_path_factory):
    """The first two annex districts cleaned together as new districts (they share a Puskesmas name)."""
    chosen = corpus.districts[corpus.districts["format"] == "annex"].iloc[:2]
    out = tmp_path_factory.mktemp("unseen_pair")
    folders = [corpus.root / f for f in chosen["folder"]]
    return {"districts": chosen, "folders": folders, "processed": out / "unknown",
            "clean": ok(cli("clean", *folders, "--out", out / "unknown"))}


def test_puskesmas_trends_keep_namesakes_in_different_districts_apart(corpus, pair, tmp_path):
    ok(cli("trends", "--processed", pair["processed"], "--level", "puskesmas", "--table", "data", "--out", tmp_path / "t.csv"))
    trends = read(tmp_path / "t.csv")
    imr = trends[(trends["indicator"] == "imr") & (trends["cause"] == "")]
    truth = corpus.truth[corpus.truth["district"].isin(pair["districts"]["district"])]
    pkm = truth.drop_duplicates(["district", "puskesmas"])
    assert pkm["puskesmas"].duplicated().any(), "the two districts should share a Puskesmas name"
    assert len(imr) == len(pkm), f"{len(imr)} Puskesmas series for {len(pkm)} Puskesmas"
    assert (imr["n_years"].astype(int) == len(YEARS)).all()


def _id_rate(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " per 1.000 KH"


@pytest.fixture(scope="session")
def run_reports(corpus, first_district, tmp_path_factory):
    """`run` on the first district's raw folder: yearly reports for the first and last year, and the
    trend report over the whole range."""
    out = tmp_path_factory.mktemp("unseen_run")
    result = ok(cli("run", "--raw", corpus.root / first_district["folder"], "--years", f"{YEARS[0]},{YEARS[-1]}",
                    "--out", out / "reports", "--processed", out / "processed", "--jobs", "2"))
    return out, result


def _outputs(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            texts.append("".join(o.get("text", "")))
            for kind in ("text/markdown", "text/plain", "text/html"):
                texts.append("".join(o.get("data", {}).get(kind, "")))
    return "\n".join(texts)


def test_funnel_places_every_puskesmas_and_flags_the_outlier(corpus, first_district, run_reports, tmp_path):
    """On the processed folder `run` wrote for the first district."""
    puskesmas, year = first_district["outlier"].rsplit(" ", 1)
    year = int(year)
    r = ok(cli("funnel", "--processed", run_reports[0] / "processed", "--year", year, "--table", "data",
                "--lang", "en", "--out", tmp_path / "f.csv"))
    truth = corpus.truth[(corpus.truth["district"] == first_district["district"]) & (corpus.truth["year"] == year)]
    counts = expected_counts(truth, "puskesmas").droplevel(["district", "year"])
    deaths = counts[RATES["imr"]].to_numpy(dtype=float).sum(axis=1)
    births = counts["live_births"].to_numpy(dtype=float)
    theta = deaths.sum() / births.sum()
    assert f"district {theta * 1000:.2f} per 1,000" in r.stdout
    points = read(tmp_path / "f.csv").set_index("area").loc[counts.index]
    assert_columns_equal(points.assign(**{c: number(points[c]) for c in ("numerator", "denominator", "value")}),
                         {"numerator": deaths, "denominator": births, "value": deaths / births * 1000}, "funnel")
    assert points.loc[puskesmas, "flag"] == "above 99.8%"
    n = births[list(counts.index).index(puskesmas)]
    assert deaths[list(counts.index).index(puskesmas)] > stats.poisson.ppf(0.999, theta * n)
    assert (points["flag"] == "within").any()


def test_run_reports_show_the_true_akb(corpus, first_district, run_reports):
    out, _ = run_reports
    truth = corpus.truth[corpus.truth["district"] == first_district["district"]]
    counts = expected_counts(truth, "district").droplevel(["district", "area"])
    for year in (YEARS[0], YEARS[-1]):
        deaths = int(counts.loc[year, ["neonatal", "postneonatal"]].sum())
        births = int(counts.loc[year, "live_births"])
        sentence = (f"AKB {year}: **{_id_rate(deaths / births * 1000)}** ({deaths} kematian dari "
                    + f"{births:,} lahir hidup".replace(",", "."))
        folder = out / "reports" / str(year)
        assert sentence in _outputs(folder / "annual_report.ipynb"), sentence
        assert _id_rate(deaths / births * 1000) in (folder / "annual_report.html").read_text(encoding="utf-8")


def test_run_trend_report_gives_the_apc(run_reports, tmp_path):
    out, _ = run_reports
    ok(cli("trends", "--processed", out / "processed", "--table", "data", "--out", tmp_path / "t.csv"))
    row = read(tmp_path / "t.csv").query("indicator == 'imr' and cause == ''").iloc[0]
    apc = float(row["apc"])
    words = "turun" if apc < 0 else "naik"
    sentence = f"AKB {words} rata-rata {abs(apc):.0f}% per tahun"
    assert sentence in _outputs(out / "reports" / "trends" / "trends.ipynb"), sentence
    assert sentence in (out / "reports" / "trends" / "trends.html").read_text(encoding="utf-8")


def test_same_numbers_whether_or_not_the_registry_knows_the_district(pair, tmp_path):
    """Put the registry rows `clean` proposed for two new districts (plus a province) into a
    registry file, clean the same files again with IMR_ANALYSIS_REGISTRY pointing at it: the
    same indicators at every level."""
    from imr_analysis.vocab.puskesmas import REGISTRY_FILE

    assert pair["clean"].stdout.count("Kabupaten/kota baru") == 2
    proposed = pd.concat([read(p) for p in sorted(pair["processed"].glob("registry_proposed_*.csv"))])
    assert set(proposed["district"]) == set(pair["districts"]["district"])
    registry = pd.concat([read(REGISTRY_FILE), proposed.assign(province="Provinsi Contoh")])
    registry.to_csv(tmp_path / "registry.csv", index=False)
    known = ok(cli("clean", *pair["folders"], "--out", tmp_path / "known",
                   env={"IMR_ANALYSIS_REGISTRY": tmp_path / "registry.csv"}))
    assert "Kabupaten/kota baru" not in known.stdout and not list((tmp_path / "known").glob("registry_proposed_*"))
    assert set(read(tmp_path / "known" / "births.csv")["province"]) == {"Provinsi Contoh"}
    for level in LEVELS:
        a = indicators(pair["processed"], level, tmp_path / f"unknown_{level}.csv")
        b = indicators(tmp_path / "known", level, tmp_path / f"known_{level}.csv")
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b, obj=f"indicators at {level} level")


def test_a_registry_file_that_does_not_exist_is_named(corpus, tmp_path):
    r = cli("clean", corpus.root / corpus.districts.iloc[0]["folder"], "--out", tmp_path / "o",
            env={"IMR_ANALYSIS_REGISTRY": tmp_path / "nowhere.csv"})
    assert r.returncode == 2 and "nowhere.csv" in r.stderr and "IMR_ANALYSIS_REGISTRY" in r.stderr
    assert "Yang harus dilakukan" in r.stderr


# --- monthly reports and line lists without a district --------------------------------------

def test_flat_files_without_a_district_need_district(monthly, tmp_path):
    ok(cli("clean", monthly["folder"], "--out", tmp_path / "o"))
    aside = read(tmp_path / "o" / "set_aside.csv")
    assert len(aside) > 0 and aside["reason"].str.contains("pass --district").all()


@pytest.mark.parametrize("level", LEVELS)
def test_monthly_indicators_equal_the_truth(corpus, monthly, level):
    truth = corpus.truth[corpus.truth["district"] == monthly["name"]]
    assert (truth["format"] == "monthly").all() and truth["month"].notna().all()
    labels = area_labels(truth, monthly["processed"]) if level == "kecamatan" else None
    counts = expected_counts(truth, level, labels)
    check_rates(monthly[level], counts, level)
    check_stillbirths_and_coverage(monthly[level], counts, level)
    check_causes(monthly[level], expected_causes(truth, level, labels), counts, level)


@pytest.mark.parametrize("level", LEVELS)
def test_line_list_gives_counts_and_says_there_are_no_births(corpus, linelist, level):
    truth = corpus.truth[corpus.truth["district"] == linelist["name"]]
    assert not truth["measure"].isin(["live_births", "kn1"]).any()
    labels = area_labels(truth, linelist["processed"]) if level == "kecamatan" else None
    counts = expected_counts(truth, level, labels)
    assert counts["live_births"].isna().all()
    check_rates(linelist[level], counts, level, births_given=False)
    check_causes(linelist[level], expected_causes(truth, level, labels), counts, level)


# --- maternal deaths: AKI per 100,000 live births ---------------------------------------------

NO_MATERNAL = "no maternal data for this district and year"
MATERNAL_CHECKS = {"maternal_sum", "maternal_reported_rate", "maternal_causes_vs_deaths"}


def maternal_years(corpus) -> dict[tuple[str, int], str]:
    """(district, year) -> cause edition of every district-year whose files hold maternal data
    (districts.csv ``maternal``: '2019:older,2020:current')."""
    return {(d, int(item.split(":")[0])): item.split(":")[1]
            for d, text in zip(corpus.districts["district"], corpus.districts["maternal"]) for item in text.split(",") if item}


def poisson_limits_95(deaths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% limits of a Poisson count: exact (chi-square, Garwood) below 10 deaths, Byar's at 10 or more."""
    d = deaths.astype(float)
    lower = np.where(d > 0, stats.chi2.ppf(0.025, 2 * np.maximum(d, 1)) / 2, 0.0)
    upper = stats.chi2.ppf(0.975, 2 * d + 2) / 2
    z = stats.norm.ppf(0.975)
    with np.errstate(divide="ignore", invalid="ignore"):
        byar_lo = d * (1 - 1 / (9 * d) - z / (3 * np.sqrt(d))) ** 3
        byar_hi = (d + 1) * (1 - 1 / (9 * (d + 1)) + z / (3 * np.sqrt(d + 1))) ** 3
    return np.where(d >= 10, byar_lo, lower), np.where(d >= 10, byar_hi, upper)


def aki(processed: Path, level: str, out: Path) -> pd.DataFrame:
    """`indicators --indicator mmr` at ``level``, as the CSV table a user opens."""
    ok(cli("indicators", "--processed", processed, "--indicator", "mmr", "--level", level, "--table", "data",
           "--out", out))
    df = read(out)
    assert set(df["indicator"]) == {"mmr"}
    df["year"] = df["year"].astype(int)
    for col in ("numerator", "denominator", "value", "lower_95", "upper_95"):
        df[col] = number(df[col])
    return df


def maternal_counts(truth: pd.DataFrame, by: list[str]) -> pd.Series:
    """Non-zero maternal deaths of the truth by district, Puskesmas, year and ``by`` (period and age
    group, or cause)."""
    measure = "maternal_cause_deaths" if by == ["cause"] else "maternal_deaths"
    t = truth[truth["measure"] == measure]
    s = t.groupby(["district", "puskesmas", "year"] + by)["value"].sum()
    return s[s > 0].sort_index()


def processed_counts(processed: Path, table: str, by: list[str]) -> pd.Series:
    df = read(processed / f"{table}.csv")
    df["year"], df["deaths"] = df["year"].astype(int), df["deaths"].astype(int)
    s = df.groupby(["district", "puskesmas", "year"] + by)["deaths"].sum()
    return s[s > 0].sort_index()


def test_the_corpus_has_maternal_tables_of_both_editions_and_district_years_without(corpus):
    """What the maternal tests below rely on: a handful of deaths per district-year, both cause editions and
    both titles, district-years with and without maternal tables, maternal rows in the files and the line list."""
    years = maternal_years(corpus)
    annex = corpus.districts[corpus.districts["format"] == "annex"]
    assert set(years.values()) == {"older", "current"}
    assert {"older", "current"} <= set(annex["maternal_title"])
    without = {(d, y) for d in annex["district"] for y in YEARS} - set(years)
    assert (annex["maternal"] == "").any()                                  # a district with no maternal table ...
    assert any(any((d, y) in years for y in YEARS) for d, _ in without)   # ... and one without in some year only
    assert 0 < len(without) < len(years)
    truth = corpus.truth[corpus.truth["measure"] == "maternal_deaths"]
    per_year = truth.groupby(["district", "year"])["value"].sum()
    assert set(per_year.index) <= set(years) and 2 <= per_year.median() <= 10
    causes = corpus.truth.loc[corpus.truth["measure"] == "maternal_cause_deaths"]
    older = causes[[years[(d, y)] == "older" for d, y in zip(causes["district"], causes["year"])]]
    assert older["cause"].isin(["metabolic", "haemorrhage", "hypertension", "infection", "cardiovascular", "other"]).all()
    assert not causes[causes["cause"].isin(["covid19", "autoimmune"])].empty
    assert corpus.raw_rows["table"].isin(["maternal", "maternal_causes"]).any()
    assert (truth["format"] == "linelist").any()


@pytest.mark.parametrize("level", LEVELS)
def test_annex_aki_equals_the_truth(corpus, annex, level, tmp_path):
    """AKI = maternal deaths / live births x 100,000 with its 95% interval (exact below 10 deaths,
    Byar's at 10 or more) at every area and year; a district-year whose files hold no maternal tables
    has no value and the flag 'no maternal data', never AKI 0."""
    truth = corpus.truth[corpus.truth["format"] == "annex"]
    labels = area_labels(truth, annex["processed"]) if level == "kecamatan" else None
    t = with_area(truth, level, labels)
    births = t[t["measure"] == "live_births"].groupby(KEY)["value"].sum()
    deaths = t[t["measure"] == "maternal_deaths"].groupby(KEY)["value"].sum().reindex(births.index).fillna(0)
    years = maternal_years(corpus)
    has = np.array([(d, y) in years for d, _, y in births.index])
    got = rows(aki(annex["processed"], level, tmp_path / "aki.csv"), "mmr")
    assert got.index.equals(births.index), f"AKI at {level} level: other area-years than the truth"
    n, lb = np.where(has, deaths.to_numpy(dtype=float), np.nan), births.to_numpy(dtype=float)
    lo, hi = poisson_limits_95(np.nan_to_num(n))
    assert_columns_equal(got, {"numerator": n, "denominator": lb, "value": n / lb * 100_000,
                               "lower_95": np.where(has, lo / lb * 100_000, np.nan),
                               "upper_95": np.where(has, hi / lb * 100_000, np.nan)}, f"AKI at {level} level")
    assert (got["flag"] == np.where(has, "", NO_MATERNAL)).all(), set(got["flag"])
    assert (got["method"] == np.where(~has, "", np.where(np.nan_to_num(n) >= 10, "byar", "exact"))).all()
    assert has.any() and (~has).any() and (n[has] > 0).any()
    if level == "puskesmas":
        assert (n[has] == 0).any()   # a Puskesmas without a maternal death in a year with maternal data: AKI 0


def test_annex_maternal_tables_equal_the_truth(corpus, annex):
    """The cleaned maternal tables hold the truth's deaths by period and mother's age group, and by cause
    in the edition the file was written in (older-edition causes keep their codes), with no finding
    on the tables' own totals and rate rows."""
    truth = corpus.truth[corpus.truth["format"] == "annex"]
    pd.testing.assert_series_equal(processed_counts(annex["processed"], "maternal_deaths", ["period", "age_group"]),
                                   maternal_counts(truth, ["period", "age_group"]), check_names=False)
    pd.testing.assert_series_equal(processed_counts(annex["processed"], "maternal_causes", ["cause"]),
                                   maternal_counts(truth, ["cause"]), check_names=False)
    findings = read(annex["processed"] / "findings.csv")
    assert not findings["check"].isin(MATERNAL_CHECKS).any(), findings[findings["check"].isin(MATERNAL_CHECKS)].head()


@pytest.mark.parametrize("level", ["puskesmas", "district"])
def test_line_list_maternal_deaths_are_counted_without_births(corpus, linelist, level, tmp_path):
    """A line list's maternal deaths (JENIS KEMATIAN = IBU) count in AKI's numerator, by period, mother's
    age group and cause, never as infant deaths; with no live births AKI says so and has no value.
    Each maternal row is in the ledger as a maternal death."""
    truth = corpus.truth[corpus.truth["district"] == linelist["name"]]
    t = with_area(truth, level)
    deaths = t[t["measure"] == "maternal_deaths"].groupby(KEY)["value"].sum()
    got = rows(aki(linelist["processed"], level, tmp_path / "aki.csv"), "mmr")
    assert got.index.equals(deaths.index), f"AKI at {level} level: other area-years than the truth"
    n = deaths.to_numpy(dtype=float)
    assert_columns_equal(got, {"numerator": n, "denominator": np.full_like(n, np.nan), "value": np.full_like(n, np.nan)},
                         f"line-list AKI at {level} level")
    assert (got["flag"] == NO_BIRTHS).all(), set(got["flag"])
    pd.testing.assert_series_equal(processed_counts(linelist["processed"], "maternal_deaths", ["period", "age_group"]),
                                   maternal_counts(truth, ["period", "age_group"]), check_names=False)
    pd.testing.assert_series_equal(processed_counts(linelist["processed"], "maternal_causes", ["cause"]),
                                   maternal_counts(truth, ["cause"]), check_names=False)
    ledger = read(linelist["processed"] / "ledger.csv")
    maternal = ledger[ledger["rules"].str.contains("maternal death", regex=False)]
    assert len(maternal) == int(n.sum()) and maternal["state"].isin(["kept", "mapped"]).all()

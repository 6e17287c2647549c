"""A tiny canonical district for the report tests: Puskesmas A and B in district D, 2022 and 2023.

2023: A 100 live births, 1 neonatal death; B 300 live births, 9 neonatal + 2 post-neonatal deaths.
      Causes: B neonatal asphyxia 6, LBW 3; B post-neonatal pneumonia 1, congenital heart 1;
      A neonatal sepsis 1. KN (sasaran): A kn1 105/110, kn lengkap 99/110; B 290/290 and 232/290.
2022: A 100 live births, 2 neonatal deaths; B 300 live births, 4 neonatal + 2 post-neonatal deaths.
      Causes: A neonatal congenital 2; B neonatal asphyxia 4, post-neonatal diarrhoea 2.
"""
import pandas as pd
import pytest

GEO = dict(province="P", district="D", kecamatan="K")
BIRTHS = [(2022, "A", 100, 0), (2022, "B", 300, 2), (2023, "A", 100, 1), (2023, "B", 300, 3)]
DEATHS = [(2022, "A", 2, 0), (2022, "B", 4, 2), (2023, "A", 1, 0), (2023, "B", 9, 2)]
CAUSES = [(2022, "A", "neonatal", "congenital", 2), (2022, "B", "neonatal", "asphyxia", 4),
          (2022, "B", "postneonatal", "diarrhoea", 2), (2023, "B", "neonatal", "asphyxia", 6),
          (2023, "B", "neonatal", "lbw_prematurity", 3), (2023, "B", "postneonatal", "pneumonia", 1),
          (2023, "B", "postneonatal", "congenital_heart", 1), (2023, "A", "neonatal", "sepsis_infection", 1)]
VISITS = [("A", "kn1", 105, 110), ("A", "kn_lengkap", 99, 110), ("B", "kn1", 290, 290), ("B", "kn_lengkap", 232, 290)]


def district_tables() -> dict[str, pd.DataFrame]:
    """The canonical tables (births, deaths, deaths_by_cause, neonatal_visits) of the tiny district."""
    row = lambda year, pusk, **kw: dict(GEO, year=year, puskesmas=pusk, sex="unspecified", **kw)  # noqa: E731
    return {
        "births": pd.DataFrame([row(y, p, live_births=lb, stillbirths=sb) for y, p, lb, sb in BIRTHS]),
        "deaths": pd.DataFrame([row(y, p, age_group=age, deaths=n) for y, p, neo, post in DEATHS
                                for age, n in (("neonatal", neo), ("postneonatal", post))]),
        "deaths_by_cause": pd.DataFrame([row(y, p, age_group=a, cause=c, deaths=n) for y, p, a, c, n in CAUSES]),
        "neonatal_visits": pd.DataFrame([row(2023, p, visit=v, visits=n, denominator=float(d), denominator_kind="sasaran",
                                             reported_pct=float("nan")) for p, v, n, d in VISITS]),
    }


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return district_tables()


@pytest.fixture(scope="module")
def computed(data) -> dict[str, pd.DataFrame]:
    """The tiny district's indicators at district and Puskesmas level, every year (cause codes)."""
    from imr_analysis.report.tables import indicators_by_level

    return indicators_by_level(data)

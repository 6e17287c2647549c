"""A year with only some months of data: which months the data cover (analysis), and its label."""
from __future__ import annotations

import pandas as pd

from imr_analysis.analysis.completeness import months_covered
from imr_analysis.report.language import year_label


def _births(rows):
    return pd.DataFrame(rows, columns=["district", "puskesmas", "year", "month", "live_births"])


def test_monthly_months_are_those_any_puskesmas_reported():
    """2025: Pauh sent January-April, Nibung January-June: the district's data cover January-June.
    2024: twelve months across the two Puskesmas (Pauh 1-6, Nibung 7-12) is a full year."""
    rows = [("A", "Pauh", 2025, m, 10) for m in range(1, 5)] + [("A", "Nibung", 2025, m, 10) for m in range(1, 7)]
    rows += [("A", "Pauh", 2024, m, 10) for m in range(1, 7)] + [("A", "Nibung", 2024, m, 10) for m in range(7, 13)]
    rows += [("B", "Other", 2025, 1, 10)]
    out = months_covered({"births": _births(rows)}, "A").set_index("year")
    assert out.loc[2025, "months"] == (1, 2, 3, 4, 5, 6) and out.loc[2025, "n_months"] == 6 and out.loc[2025, "partial"]
    assert out.loc[2024, "n_months"] == 12 and not out.loc[2024, "partial"]
    assert months_covered({"births": _births(rows)}, "B").set_index("year").loc[2025, "months"] == (1,)


def test_annex_and_line_list_years_are_full_years():
    annex = pd.DataFrame({"district": ["A"], "puskesmas": ["Pauh"], "year": [2023], "live_births": [300]})
    deaths = pd.DataFrame({"district": ["A", "A"], "puskesmas": ["Pauh", "Pauh"], "year": [2023, 2022], "month": [2, 3],
                           "deaths": [1, 1]})
    out = months_covered({"births": annex, "deaths": deaths}, "A").set_index("year")
    assert list(out.index) == [2022, 2023]
    assert out["n_months"].tolist() == [12, 12] and not out["partial"].any()


def test_year_labels():
    assert year_label(2024) == "2024"
    assert year_label(2025, (1, 2, 3, 4, 5, 6), "id") == "2025 (Januari s.d. Juni)"
    assert year_label(2025, (1, 2, 3, 4, 5, 6), "en") == "2025 (year to date (January–June))"

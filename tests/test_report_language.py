"""Labels and sentence templates (vocab/labels.csv) and number formats, in both languages."""
import ast
import string

import numpy as np
import pandas as pd
import pytest

from imr_analysis import config
from imr_analysis.report.language import LANGS, check_lang, fmt, fmt_ci, labels, rate_text, say, t
from imr_analysis.report.trends import describe_trend


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_key_has_a_text_in_both_languages():
    table = labels()
    assert table.index.is_unique
    for key, row in table.iterrows():
        for lang in LANGS:
            assert row[lang].strip(), f"'{key}' has no {lang} text"


def test_a_template_has_the_same_placeholders_in_both_languages():
    templates = 0
    for key, row in labels().iterrows():
        assert _placeholders(row["id"]) == _placeholders(row["en"]), key
        templates += bool(_placeholders(row["id"]))
    assert templates >= 15


def test_say_fills_every_placeholder_and_numbers_follow_the_language():
    values = dict(year=2023, rate=rate_text(8.6956, "id"), deaths="33", births=fmt(3795, "id", 0), ci=fmt_ci(6.0, 12.2, "id"))
    assert say("headline_sentence", "id", **values) == \
        "AKB 2023: **8,7 per 1.000 KH** (33 kematian dari 3.795 lahir hidup; IK 95% 6,0 - 12,2)."
    values = dict(values, rate=rate_text(8.6956, "en"), births=fmt(3795, "en", 0), ci=fmt_ci(6.0, 12.2, "en"))
    assert say("headline_sentence", "en", **values) == \
        "IMR 2023: **8.7 per 1,000 live births** (33 deaths among 3,795 live births; 95% CI 6.0 - 12.2)."
    with pytest.raises(KeyError):
        say("headline_sentence", "id", year=2023)  # a placeholder left unfilled is an error, never '{rate}' in a report


def test_number_formats():
    assert fmt(1905.25, "id", 2) == "1.905,25" and fmt(1905.25, "en", 2) == "1,905.25"
    assert fmt(0.05, "id", 2) == "0,05" and fmt(12, "id", 0) == "12"
    assert fmt(np.nan) == "-" and fmt(None) == "-" and fmt_ci(np.nan, 3.0) == "-"
    assert fmt_ci(6.04, 12.25, "id") == "6,0 - 12,2"
    assert rate_text(25.0, "en", 1, "kn1_coverage") == "25.0 %"


def test_labels_of_indicators_causes_and_unknown_keys():
    assert (t("imr", "id"), t("imr", "en"), t("u5mr", "id")) == ("AKB", "IMR", "AKABA")
    assert (t("asphyxia", "id"), t("asphyxia", "en")) == ("Asfiksia", "Birth asphyxia")
    with pytest.raises(KeyError, match="labels.csv"):
        t("no_such_key")
    with pytest.raises(ValueError):
        check_lang("fr")


def test_trend_sentence_in_both_languages():
    row = dict(indicator="imr", model="poisson", apc=-12.4, apc_lower_95=-20.2, apc_upper_95=-3.1, p_value=0.01,
               start_year=2019, end_year=2024, note="")
    proj = pd.DataFrame([dict(target_year=2030, target=12.0, status="on track")])
    assert describe_trend(pd.Series(row), proj, "id") == \
        "AKB turun rata-rata 12% per tahun (IK 95% 3% - 20%; 2019-2024); target 2030 (12): sesuai jalur."
    row.update(p_value=0.2, apc=5.0, apc_lower_95=-1.0, apc_upper_95=11.0)
    assert describe_trend(pd.Series(row), proj.iloc[:0], "en") == \
        "IMR rose by 5% a year on average (95% CI -1% - 11%; 2019-2024), not statistically significant."


def test_analysis_holds_numbers_only():
    """No module of analysis/ takes a language or imports from the report stage."""
    for path in sorted((config.PACKAGE_DIR / "analysis").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "report" not in (node.module or ""), path.name
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                assert "lang" not in [a.arg for a in node.args.args + node.args.kwonlyargs], path.name
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in ("id", "en"), f"{path.name}: a language code"

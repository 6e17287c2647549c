"""Everything in the reports that depends on the language: labels, sentences and number formats.

Every label and sentence comes from ``vocab/labels.csv`` (key, id, en): a label through ``t``, a
sentence template with ``{placeholders}`` through ``say``. Indicators and cause codes take their
labels from ``vocab/indicators.csv`` and ``vocab/causes.csv``. Numbers are written the way each language writes them (``fmt``).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from ..vocab.causes import causes, label as cause_label
from ..vocab.indicators import indicators, label as indicator_label, unit
from ..vocab.labels import LANGS, check_lang, labels  # noqa: F401 (LANGS, check_lang: the report language API)


def t(key: str, lang: str = "id") -> str:
    """The label of ``key`` in ``lang``; an indicator or a cause code gives its label (indicators.csv, causes.csv)."""
    check_lang(lang)
    table = labels()
    if key in table.index:
        return table.loc[key, lang]
    if key in indicators().index:
        return indicator_label(key, lang)
    if key in causes().index:
        return cause_label(key, lang)
    raise KeyError(f"no label for '{key}' in imr_analysis/vocab/labels.csv")


def say(key: str, lang: str = "id", **values) -> str:
    """The sentence template ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    return t(key, lang).format(**values)


def fmt(x: float | int | None, lang: str = "id", decimals: int = 1) -> str:
    """8.7 -> '8,7' (id) / '8.7' (en); 1905 -> '1.905' (id) / '1,905' (en); missing -> '-'."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or pd.isna(x):
        return "-"
    text = f"{x:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_ci(lower: float, upper: float, lang: str = "id", decimals: int = 1) -> str:
    """'6,0 - 12,2' (id) / '6.0 - 12.2' (en)."""
    if pd.isna(lower) or pd.isna(upper):
        return "-"
    return f"{fmt(lower, lang, decimals)} - {fmt(upper, lang, decimals)}"


def rate_text(value: float, lang: str = "id", decimals: int = 1, indicator: str = "imr") -> str:
    """A value with its indicator's unit: '8,7 per 1.000 KH' (id) / '8.7 per 1000 live births' (en)."""
    return f"{fmt(value, lang, decimals)} {unit(indicator, lang)}"


def year_range(start: int, end: int, sep: str = "-") -> str:
    """A span of years as a title names it: '2019-2024'; one year alone '2021' (never '2021-2021')."""
    return str(start) if start == end else f"{start}{sep}{end}"


def year_label(year: int, months=tuple(range(1, 13)), lang: str = "id") -> str:
    """A year as a report names it: '2024'; a year with only some months of data
    '2025 (Januari s.d. Juni)' / '2025 (year to date (January–June))', never a plain year."""
    months = sorted(months)
    if len(months) >= 12:
        return str(year)
    first, last = (t(f"month_{m}", lang) for m in (months[0], months[-1]))
    return f"{year} ({say('year_to_date', lang, first=first, last=last)})"


def months_phrase(months, lang: str = "id") -> str:
    """The months a partial year's data cover: 'Januari s.d. Juni' (id) / 'January–June' (en)."""
    months = sorted(months)
    return say("months_range", lang, first=t(f"month_{months[0]}", lang), last=t(f"month_{months[-1]}", lang))

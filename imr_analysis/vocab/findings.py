"""Data-quality findings and input-error messages in Indonesian and English (findings.csv).

A finding or an input error is stored as a template key and its parameters (numbers, codes, file,
sheet and column names, cell texts only as ``privacy.describe_text`` gives them); its text is
rendered when it is shown, in the language asked:

- ``{name}`` and ``{name:spec}`` fill in a parameter with a Python format spec; in Indonesian the
  number's separators are swapped (``{pct:.2f}`` gives ``96,23``, ``{n:,.0f}`` gives ``3.799``);
  ``{name:~}`` writes a whole number without decimals and any other with 2;
- ``{name!v}`` is the template ``v_<value>`` (a word such as a sex or a measure, in ``lang``);
- ``{name!p}`` is a column as the annex reader recognised it, a path of vocabulary words
  ('deaths / neonatal / asphyxia / unspecified'), each word in ``lang`` (``header_path_text``);
- ``{name!c}`` is a cause code as its label in Indonesian (English keeps the code);
- ``{name!m}`` is a list of month numbers as the months' short names in ``lang`` ('Jul, Agu' / 'Jul, Aug');
- a parameter that is ``{"key": ..., "params": {...}}`` is rendered as a template itself.
"""
from __future__ import annotations

import json
import string
from functools import lru_cache
from numbers import Number

import numpy as np
import pandas as pd

from ..config import VOCAB_DIR
from .labels import check_lang


@lru_cache(maxsize=1)
def templates() -> pd.DataFrame:
    """The templates (findings.csv: key, id, en)."""
    return pd.read_csv(VOCAB_DIR / "findings.csv", dtype=str, keep_default_na=False).set_index("key")


def nested(key: str, **params) -> dict:
    """A parameter rendered as the template ``key`` (e.g. the reason inside a finding)."""
    return {"key": key, "params": params}


def localise_number(text: str, lang: str) -> str:
    """'3,799.50' -> '3.799,50' in Indonesian; unchanged in English."""
    if lang != "id":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def convert_field(self, value, conversion):
        if conversion == "v":   # a word of the vocabulary; a code it has no word for is shown as it is
            key = "v_" + str(value)
            return render(key, {}, self.lang) if key in templates().index else str(value)
        if conversion == "c":
            return _cause_word(str(value), self.lang)
        if conversion == "p":
            return header_path_text(str(value), self.lang)
        if conversion == "m":
            from .months import month_labels
            return ", ".join(month_labels(self.lang)[int(m) - 1] for m in value)
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        if isinstance(value, dict) and "key" in value:
            return render(value["key"], value.get("params", {}), self.lang)
        if format_spec == "~":
            format_spec = ",.0f" if float(value).is_integer() else ",.2f"
        text = super().format_field(value, format_spec)
        if isinstance(value, Number) and not isinstance(value, bool):
            text = localise_number(text, self.lang)
        return text


def render(key: str, params: dict | None = None, lang: str = "en") -> str:
    """The template ``key`` in ``lang`` with ``params`` filled in."""
    template = templates().loc[key, check_lang(lang)]
    return _Formatter(lang).vformat(template, (), dict(params or {}))


def header_path_text(path: str, lang: str) -> str:
    """A column as the annex reader recognised it, in ``lang``: 'deaths / neonatal / asphyxia / unspecified'
    -> 'kematian / neonatal / Asfiksia / L+P'. Each word is its ``v_`` template; in Indonesian a cause code
    is its label (English keeps the codes, as the English messages for scripts always have). A run of
    columns ('A … B') is rendered end by end."""
    return " … ".join(" / ".join(_path_word(word, lang) for word in run.split(" / ")) for run in path.split(" … "))


def _path_word(word: str, lang: str) -> str:
    if "v_" + word in templates().index:
        return render("v_" + word, {}, lang)
    return _cause_word(word, lang)


def _cause_word(code: str, lang: str) -> str:
    """A cause code (infant or maternal) as its Indonesian label; in English, and for any other word, as it is."""
    from .causes import causes, label as cause_label
    from .maternal import maternal_cause_label, maternal_causes

    if lang == "id" and code in causes().index:
        return cause_label(code, lang)
    if lang == "id" and code in maternal_causes().index:
        return maternal_cause_label(code, lang)
    return code


def _plain(value):
    """A parameter as JSON can hold it (numpy numbers as Python numbers)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def to_json(params: dict) -> str:
    """The parameters as the ``params`` column of findings.csv and input_errors.csv keep them."""
    return json.dumps(_plain(params), ensure_ascii=False, sort_keys=True)


def render_stored(code: str, params: str, lang: str, message: str = "") -> str:
    """A stored finding (its ``code`` and ``params`` JSON) in ``lang``; ``message`` when it has no code."""
    if not code:
        return message
    return render(code, json.loads(params) if params else {}, lang)

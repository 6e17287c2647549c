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
- a parameter named ``column`` or ``columns`` ('D (neonatal / male)') shows the field it was recognised as
  in ``lang`` ('D (neonatal / laki-laki)', ``column_text``), and one named ``header`` is such a field itself
  ('neonatal / male'), so no English field name is left inside an Indonesian sentence;
- a parameter that is ``{"key": ..., "params": {...}}`` is rendered as a template itself (of findings.csv,
  or the message of an input error, input_errors.csv); ``{"location": {...}}`` as the place it names
  (``errors.Location.describe``); ``{"input_error": {...}}`` as a whole input error; a list of these as
  one per line.
"""
from __future__ import annotations

import json
import re
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

    def get_value(self, key, args, kwargs):
        value = super().get_value(key, args, kwargs)
        if isinstance(value, str) and key in ("column", "columns"):
            return column_text(value, self.lang)
        if isinstance(value, str) and key == "header":
            return header_path_text(value, self.lang)
        return value

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
        if _is_nested(value):
            return _render_nested(value, self.lang)
        if isinstance(value, list) and value and all(map(_is_nested, value)):
            return "\n".join(_render_nested(v, self.lang) for v in value)
        if format_spec == "~":
            format_spec = ",.0f" if float(value).is_integer() else ",.2f"
        text = super().format_field(value, format_spec)
        if isinstance(value, Number) and not isinstance(value, bool):
            text = localise_number(text, self.lang)
        return text


def _is_nested(value) -> bool:
    return isinstance(value, dict) and bool(value.keys() & {"key", "location", "input_error"})


def _render_nested(value: dict, lang: str) -> str:
    """A parameter that is itself a template, a place or an input error (see the module doc)."""
    from ..errors import InputError, Location
    from .input_errors import message_templates

    if "location" in value:
        return Location(**value["location"]).describe(lang)
    if "input_error" in value:
        return InputError.from_dict(value["input_error"]).render(lang)
    key, params = value["key"], value.get("params", {})
    if key not in templates().index and key in message_templates().index:
        return fill(message_templates().loc[key, check_lang(lang)], params, lang)
    return render(key, params, lang)


def fill(template: str, params: dict | None = None, lang: str = "en") -> str:
    """A template text in ``lang`` with ``params`` filled in (numbers in the language's format)."""
    return _Formatter(lang).vformat(template, (), dict(params or {}))


def render(key: str, params: dict | None = None, lang: str = "en") -> str:
    """The template ``key`` in ``lang`` with ``params`` filled in."""
    return fill(templates().loc[key, check_lang(lang)], params, lang)


def header_path_text(path: str, lang: str) -> str:
    """A column as the annex reader recognised it, in ``lang``: 'deaths / neonatal / asphyxia / unspecified'
    -> 'kematian / neonatal / Asfiksia / L+P'. Each word is its ``v_`` template; in Indonesian a cause code
    is its label (English keeps the codes, as the English messages for scripts always have). A run of
    columns ('A … B') is rendered end by end."""
    return " … ".join(" / ".join(_path_word(word, lang) for word in run.split(" / ")) for run in path.split(" … "))


_COLUMN = re.compile(r"(?P<letters>[A-Z]{1,3}(?:[,:]? ?[A-Z]{1,3})*) \((?P<path>[^()]*)\)\Z")


def column_text(column: str, lang: str) -> str:
    """A column as messages name it, its letter and the field it was recognised as, in ``lang``:
    'D (neonatal / male)' -> 'D (neonatal / laki-laki)', 'E (live_births_male)' -> 'E (lahir hidup laki-laki)';
    a field alone as its word ('birth_weight' -> 'berat lahir'); a column letter alone, or any other text, as it is."""
    if "v_" + column in templates().index:
        return render("v_" + column, {}, lang)
    m = _COLUMN.match(column)
    if m is None:
        return column
    return f"{m['letters']} ({header_path_text(m['path'], lang)})"


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
    """A stored finding or input error (its ``code`` and ``params`` JSON) in ``lang``; ``message`` when it has no code."""
    from .input_errors import message_templates

    if not code:
        return message
    if code not in templates().index and code in message_templates().index:
        from ..errors import InputError

        return InputError.from_stored(code, params).render(lang)
    return render(code, json.loads(params) if params else {}, lang)

"""Input-error messages in Indonesian and English (input_errors.csv: key, id, en, fix_id, fix_en).

An ``errors.InputError`` made with ``InputError.from_key(key, location, **params)`` keeps the key
and its parameters (numbers, codes, file, sheet and column names; a cell's text only as
``privacy.describe_text`` gives it), and is rendered in the language asked when it is shown: the
message from the ``id``/``en`` column, the "What to do" line from ``fix_id``/``fix_en`` (blank for
a line that is part of another message). Templates are filled as the findings' are
(``findings.fill``: numbers in the language's format, nested templates).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from .labels import check_lang


@lru_cache(maxsize=1)
def message_templates() -> pd.DataFrame:
    """The templates (input_errors.csv), indexed by key."""
    return pd.read_csv(VOCAB_DIR / "input_errors.csv", dtype=str, keep_default_na=False).set_index("key")


def error_text(key: str, params: dict, lang: str) -> tuple[str, str]:
    """The message and the fix of the input error ``key`` in ``lang``, with ``params`` filled in."""
    from .findings import fill

    row = message_templates().loc[key]
    lang = check_lang(lang)
    return fill(row[lang], params, lang), fill(row["fix_" + lang], params, lang)

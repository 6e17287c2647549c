"""The command line's own console messages in Indonesian and English (messages.csv).

Each text is a Python format string; ``say(key, lang, **values)`` fills it in. Messages that
come from the data checks (findings, input errors) keep their own wording.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from .labels import check_lang


@lru_cache(maxsize=1)
def messages() -> pd.DataFrame:
    return pd.read_csv(VOCAB_DIR / "messages.csv", dtype=str, keep_default_na=False).set_index("key")


def say(key: str, lang: str = "id", **values) -> str:
    """The message ``key`` in ``lang`` ('id' or 'en') with ``values`` filled in."""
    return messages().loc[key, check_lang(lang)].format(**values)

"""The rules and reasons of the cleaning ledger, and their kinds, in Indonesian (ledger_kinds.csv).

ledger.csv keeps its rules and reasons in English, for scripts. The cleaning report counts them by
kind (clean/report.py ``rule_kind``, ``reason_kind``: the text with its specifics elided) and shows
each kind, and each example reason, in the report's language. A row of ledger_kinds.csv is an English
text with ``{name}`` placeholders (each stands for any text: a specific, or the '…' a kind has in its
place) and its Indonesian wording with the same placeholders:

- ``{name}``: the text is copied as it is (a column letter, a name, an elided '…');
- ``{name_text}``: the text is a kind itself and is translated too (a problem inside a reason);
- ``{cause}``, ``{cause_...}``: a cause code, shown as its label (causes.csv);
- ``{column}``, ``{columns}``: a column letter with the field it was recognised as ('D (neonatal / male)'),
  the field in Indonesian (``findings.column_text``); ``{field}``: such a field alone.

The first row whose pattern matches the whole kind, with every ``_text`` part translated, wins: the
specific rows come before the general ones. A row with several reasons ('A; B') is translated part
by part when no row matches it whole.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from .causes import causes, label as cause_label
from .findings import column_text, header_path_text
from .labels import check_lang

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SEPARATOR = "; "


@lru_cache(maxsize=1)
def kind_patterns() -> list[tuple[re.Pattern, str]]:
    """(pattern of the English kind, Indonesian template), in file order."""
    df = pd.read_csv(VOCAB_DIR / "ledger_kinds.csv", dtype=str, keep_default_na=False)
    return [(_compile(en), text_id) for en, text_id in zip(df["en"], df["id"])]


def _compile(template: str) -> re.Pattern:
    """'column {column}: {problem_text}' -> a regex matching the whole text, one named group per placeholder."""
    parts, end = [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts += [re.escape(template[end:m.start()]), f"(?P<{m.group(1)}>.+?)"]
        end = m.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def _whole(kind: str) -> str | None:
    """``kind`` in Indonesian by the first row that matches it whole; None when none does."""
    for pattern, template in kind_patterns():
        m = pattern.match(kind)
        if m is None:
            continue
        values = {}
        for name, value in m.groupdict().items():
            if name.endswith("_text"):
                value = translate(value)
                if value is None:
                    break
            elif name.startswith("cause") and value in causes().index:
                value = cause_label(value, "id")
            elif name in ("column", "columns"):
                value = column_text(value, "id")
            elif name == "field":
                value = header_path_text(value, "id")
            values[name] = value
        else:
            return template.format(**values)
    return None


@lru_cache(maxsize=4096)
def translate(kind: str) -> str | None:
    """An English rule or reason (or its kind) in Indonesian; None when the vocabulary does not cover it.

    Whole first; else split at '; ' into the fewest parts that each translate (a row set aside for
    two reasons).
    """
    if (whole := _whole(kind)) is not None:
        return whole
    parts = kind.split(_SEPARATOR)
    if len(parts) == 1:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(parts)   # best[j]: the first j parts, translated
    for j in range(1, len(parts) + 1):
        for i in range(j):
            if best[i] is None or (best[j] is not None and len(best[i]) + 1 >= len(best[j])):
                continue
            text = _whole(_SEPARATOR.join(parts[i:j]))
            if text is not None:
                best[j] = best[i] + [text]
    return _SEPARATOR.join(best[-1]) if best[-1] is not None else None


def ledger_text(text: str, lang: str = "id") -> str:
    """A rule or reason of the ledger (or its kind) in ``lang``: English as written; Indonesian from the
    vocabulary, or the English text when the vocabulary does not cover it."""
    if check_lang(lang) == "en":
        return text
    return translate(text) or text

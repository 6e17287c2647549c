"""Every column of the cause, indicator, label and target vocabularies is read.

A column is read when the package's answers change without it: for each column, a copy of the
vocabulary folder without that column must make the readers below fail or answer differently.
"""
import shutil

import pandas as pd
import pytest

from imr_analysis import config
from imr_analysis.report import language
from imr_analysis.vocab import labels as vocab_labels
from imr_analysis.vocab import causes, indicators, targets

FILES = ("causes.csv", "indicators.csv", "labels.csv", "targets.csv")
LOADERS = (causes.causes, causes.alias_kinds, causes.aliases, indicators.indicators, targets.targets, language.labels)


def _answers() -> str:
    """What the readers of the four files answer, as one text (a missing column raises)."""
    out = [list(causes.causes().index), causes.report_groups(), causes.headline_causes(), causes.ill_defined_causes(),
           [causes.label(c, lang) for c in causes.causes().index for lang in language.LANGS]]
    for ind in indicators.indicators().index:
        out.append([indicators.polarity(ind), indicators.multiplier(ind)]
                   + [f(ind, lang) for f in (indicators.label, indicators.unit) for lang in language.LANGS])
    frame = pd.DataFrame({"indicator": ["imr", "imr", "nmr", "kn1_coverage"], "year": [2024, 2025, 2023, 2023],
                          "value": [15.0, 13.0, 12.5, 99.0]})
    out.append(targets.join_targets(frame).astype(str).to_dict("list"))
    out.append([targets.source_text(s, lang) for s in targets.targets()["source"] for lang in language.LANGS])
    out.append([language.t(key, lang) for key in language.labels().index for lang in language.LANGS])
    return repr(out)


@pytest.fixture
def vocab_copy(tmp_path, monkeypatch):
    folder = tmp_path / "vocab"
    shutil.copytree(config.VOCAB_DIR, folder)
    for module in (causes, indicators, targets, vocab_labels):
        monkeypatch.setattr(module, "VOCAB_DIR", folder)
    for loader in LOADERS:
        loader.cache_clear()
    yield folder
    for loader in LOADERS:
        loader.cache_clear()


def _columns():
    return [(name, col) for name in FILES for col in pd.read_csv(config.VOCAB_DIR / name, nrows=0).columns]


def test_the_copy_answers_as_the_package_does(vocab_copy, monkeypatch):
    copied = _answers()
    for module in (causes, indicators, targets, vocab_labels):
        monkeypatch.setattr(module, "VOCAB_DIR", config.VOCAB_DIR)
    for loader in LOADERS:
        loader.cache_clear()
    assert copied == _answers()


@pytest.mark.parametrize(("name", "column"), _columns())
def test_every_column_is_read(vocab_copy, name, column):
    full = _answers()
    path = vocab_copy / name
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=[column]).to_csv(path, index=False)
    for loader in LOADERS:
        loader.cache_clear()
    try:
        without = _answers()
    except (KeyError, ValueError):
        return  # a reader needs the column
    assert without != full, f"nobody reads the column '{column}' of {name}: read it where it is the source, or delete it"

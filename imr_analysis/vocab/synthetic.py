"""The inputs of the never-seen-district corpus (synthetic.yaml): place names and layout variants."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def synthetic_spec() -> dict:
    """synthetic.yaml, loaded once."""
    with open(VOCAB_DIR / "synthetic.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)

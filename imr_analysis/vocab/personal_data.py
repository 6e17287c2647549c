"""What personal data looks like (personal_data.yaml): the patterns, what each needs, the header words
and the name forms that ``privacy`` uses."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import VOCAB_DIR


@lru_cache(maxsize=1)
def personal_data() -> dict:
    """personal_data.yaml, loaded once."""
    with open(VOCAB_DIR / "personal_data.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)

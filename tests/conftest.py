from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

SAMPLE_RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The bundled sample district cleaned once into a temporary processed folder."""
    from imr_analysis.clean import run_clean

    out = tmp_path_factory.mktemp("processed")
    return run_clean([SAMPLE_RAW], out)

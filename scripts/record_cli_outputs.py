"""Record the command line's outputs as the baseline that tests/test_cli_outputs.py compares against.

    .venv/bin/python scripts/record_cli_outputs.py

Run it only on purpose, when a number or a message is meant to change; read the diff of
tests/golden/cli_outputs.json and say in the commit why it changed.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cli_golden import GOLDEN, record  # noqa: E402

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        record(Path(work))
    print(f"recorded {GOLDEN}")

"""nbval runs the stored notebooks on the sample, as `imr-analysis run` does: cleaned first.

The report notebooks only read the processed folder (data/processed by default); the stored
outputs were made from the bundled sample cleaned into it. Before the first notebook cell runs,
the sample is cleaned into that folder when it holds no processed tables yet (a fresh clone).
"""
from __future__ import annotations

_prepared = False


def pytest_runtest_setup(item):
    global _prepared
    if _prepared:
        return
    from imr_analysis import config
    from imr_analysis.clean.store import run_clean

    if not (config.PROCESSED_DIR / "births.parquet").exists():
        run_clean([config.RAW_DIR], config.PROCESSED_DIR, keep_going=True)
    _prepared = True

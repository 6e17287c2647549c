"""Every path the package uses, built from the package location, never from the caller's folder."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent
VOCAB_DIR = PACKAGE_DIR / "vocab"
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
#: The AMP-SR recommendations register the review report reads by default (beside the raw folder, not in it).
REGISTER_FILE = DATA_DIR / "rekomendasi_ampsr.xlsx"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"

#: Neonatal period in days, Indonesian usage (Profil Kesehatan): 0-28 days. WHO uses 0-27.
NEONATAL_MAX_DAYS = 28

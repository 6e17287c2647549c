"""imr-analysis: infant-mortality analyses for Indonesian district health offices (Dinas Kesehatan).

Read the Profil Kesehatan annex tables, clean them with full accounting, and compute AKB, AKN,
causes and KN coverage with exact confidence intervals.
"""
from .stats import proportion_ci, rate_ci

__all__ = ["rate_ci", "proportion_ci"]
__version__ = "0.1.0"

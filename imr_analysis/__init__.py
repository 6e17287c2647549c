"""imr-analysis: infant-mortality analyses for Indonesian district health offices (Dinas Kesehatan).

Read the Profil Kesehatan annex tables, clean them with full accounting, and compute AKB, AKN,
causes and KN coverage with exact confidence intervals.
"""
__all__ = ["rate_ci", "proportion_ci"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``rate_ci`` and ``proportion_ci`` load scipy when first used, so ``clean`` starts without it."""
    if name in __all__:
        from .analysis import intervals as stats
        return getattr(stats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The clean stage: raw tables -> canonical tidy tables, with every raw row accounted for.

One accountant per format (annex.py, monthly.py, linelist.py) on one shared core (core.py: the
context, ledger entries, cells, findings, the count check); places.py resolves the Puskesmas;
canonical.py gives precedence between formats and builds the canonical tables; checks.py the
data-quality findings; report.py the cleaning report; store.py writes and loads the processed
folder. ``clean`` (pipeline.py) runs it all in memory, ``run_clean`` also writes the folder.
"""
from ..read.files import expand_inputs
from .pipeline import CleanResult, clean
from .store import load_processed, run_clean

__all__ = ["clean", "CleanResult", "expand_inputs", "run_clean", "load_processed"]

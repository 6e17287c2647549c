#!/usr/bin/env python3
"""Regenerate the stored outputs of the notebooks (the nbval regression baseline).

    python3 dev.py regen            # all notebooks
    python3 dev.py regen 02         # the notebooks whose name contains '02'

The bundled sample (data/raw) is cleaned into data/processed first, as `imr-analysis run` does,
so the baseline is made from what the current code cleans. Each notebook then runs top to bottom
with its default parameters in the notebooks folder, on the python3 kernel of this environment; its outputs are stored in
place. Read the diff (git diff notebooks/) before committing, and say in the commit message
why the numbers changed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def regenerate(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)
    print(f"regenerated {path.relative_to(ROOT)}")


def main(args: list[str]) -> int:
    from imr_analysis import config
    from imr_analysis.clean import run_clean

    run_clean([config.RAW_DIR], config.PROCESSED_DIR, keep_going=True)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if not args or any(a in path.name for a in args):
            regenerate(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

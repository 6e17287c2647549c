#!/usr/bin/env python3
"""One entry point for a fresh machine: set up ``.venv`` and run the main job or the tests.

    python3 dev.py run      # set up, then run the main job on the bundled sample data
    python3 dev.py test     # set up, then run every test (library tests and nbval)
    python3 dev.py regen    # set up, then regenerate the stored notebook outputs (nbval baseline)
    python3 dev.py bench    # set up, then run the benchmarks (they print figures; not tests)
    python3 dev.py setup    # only set up the environment

Needs nothing but Python 3.11 or newer. The environment is installed from
``requirements/constraints.txt`` (the exact versions that produced the stored outputs)
and reinstalled only when pyproject.toml or the constraints change. Extra arguments after
the command are passed on, e.g. ``python3 dev.py test -k byar``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".imr-analysis-installed"
INPUTS = [ROOT / "pyproject.toml", ROOT / "requirements" / "constraints.txt"]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create .venv and install the package with pinned dependencies (skipped when current)."""
    if sys.version_info < (3, 11):
        sys.exit(f"imr-analysis needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("Installing imr-analysis and its pinned dependencies (first run only) ...", flush=True)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "-qq",
         "-c", str(ROOT / "requirements" / "constraints.txt"), "-e", f"{ROOT}[dev]"],
        check=True,
    )
    # The notebooks run on the kernel of this environment (papermill and nbval).
    subprocess.run([str(PY), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, stdout=subprocess.DEVNULL)
    STAMP.write_text(_fingerprint())


def _run(args: list[str]) -> int:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command, extra = (argv[0], argv[1:]) if argv else ("", [])
    if command not in {"run", "test", "regen", "setup", "bench"}:
        print(__doc__)
        return 2
    setup()
    if command == "setup":
        return 0
    if command == "run":
        return _run([str(BIN / "imr-analysis"), "run", *extra])
    if command == "bench":
        return _run([str(PY), str(ROOT / "benchmarks" / "run.py"), *extra])
    if command == "regen":
        return _run([str(PY), str(ROOT / "scripts" / "regenerate_notebooks.py"), *extra])
    return _run([str(PY), "-m", "pytest", *extra])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

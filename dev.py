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
import time
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


def _say(text: str, end: str = "\n") -> None:
    print(text, end=end, flush=True)


def _pins() -> int:
    """How many pinned packages requirements/constraints.txt lists (what the install step fetches)."""
    lines = (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
    return sum(1 for line in lines if "==" in line and not line.lstrip().startswith("#"))


def _pip_install(command: list[str], total: int) -> None:
    """Run pip, showing which package it is at ('collecting pandas (35 of ~144)').

    On a terminal the line is redrawn in place; in a log a line is written every 25 packages.
    pip's own output is kept and shown only if the install fails.
    """
    live = sys.stdout.isatty()
    seen, kept = 0, []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:
            kept.append(line)
            if line.startswith("Collecting "):
                seen += 1
                name = line.split()[1].split("==")[0].split(">")[0].split("<")[0]
                if live:
                    _say(f"\r      collecting {name} ({seen} of ~{total})".ljust(72), end="")
                elif seen % 25 == 0:
                    _say(f"      {seen} of ~{total} packages collected")
            elif line.startswith("Installing collected packages") and live:
                _say("\r      installing the collected packages ...".ljust(72), end="")
    if live:
        _say("")
    if proc.returncode != 0:
        _say("".join(kept[-40:]))
        raise subprocess.CalledProcessError(proc.returncode, command)


def setup() -> None:
    """Create .venv and install the package with pinned dependencies (skipped when current).

    The first run says what it does, step by step, and how long each step took.
    """
    if sys.version_info < (3, 11):
        sys.exit(f"imr-analysis needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if PY.exists() and STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    total = _pins()
    _say(f"Setting up imr-analysis in {VENV} (first run, or the pinned versions changed). This takes a few "
         "minutes; later runs skip it.")
    start = time.perf_counter()
    if not PY.exists():
        _say("  1/3 creating the virtual environment ...", end="")
        venv.EnvBuilder(with_pip=True).create(VENV)
        _say(f" done ({time.perf_counter() - start:.0f} s)")
    else:
        _say("  1/3 the virtual environment exists")
    step = time.perf_counter()
    _say(f"  2/3 installing imr-analysis and {total} pinned packages (requirements/constraints.txt); the longest "
         "step, often 2-4 minutes:")
    _pip_install([str(PY), "-m", "pip", "install", "--progress-bar", "off",
                  "-c", str(ROOT / "requirements" / "constraints.txt"), "-e", f"{ROOT}[dev]"], total)
    _say(f"      done ({time.perf_counter() - step:.0f} s)")
    # The notebooks run on the kernel of this environment (papermill and nbval).
    _say("  3/3 registering the notebook kernel of this environment ...", end="")
    subprocess.run([str(PY), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, stdout=subprocess.DEVNULL)
    _say(" done")
    STAMP.write_text(_fingerprint())
    _say(f"Set up in {time.perf_counter() - start:.0f} s.")


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

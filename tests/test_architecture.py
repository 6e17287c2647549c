"""The package's stages: data flows one way, read -> clean -> analysis -> report -> batch/CLI.

Every import in the package (at the top of a module or inside a function) is parsed, and no
module may import from a later stage than its own. The base modules (configuration, errors,
text, privacy, markup, outputs, schemas, the annex table layout and the vocabularies) serve
every stage and import from no stage.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "imr_analysis"

#: Stage of each top-level name under imr_analysis; a module may import from its own stage or an earlier one.
STAGES = {
    "config": 0, "errors": 0, "text": 0, "privacy": 0, "markup": 0, "outputs": 0, "schemas": 0, "vocab": 0, "annex_writer": 0,
    "read": 1,
    "clean": 2,
    "analysis": 3,
    "report": 4,
    "batch": 5, "kernels": 5, "cli": 5, "synth": 5, "synth_unseen": 5, "__main__": 5, "__init__": 5,
}


def _module(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path) -> list[tuple[int, list[str]]]:
    """(line, absolute module parts) of every import of the package in ``path``."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "imr_analysis":
                target = node.module.split(".")
            else:
                continue
            if node.level and not node.module:   # from . import a, b: each name is a module
                found += [(node.lineno, target + [alias.name]) for alias in node.names]
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")) for a in node.names if a.name.split(".")[0] == "imr_analysis"]
    return found


def _stage(parts: list[str]) -> int:
    name = parts[1] if len(parts) > 1 else "__init__"
    assert name in STAGES, f"imr_analysis.{name} has no stage in tests/test_architecture.py: give it one"
    return STAGES[name]


def test_no_module_imports_from_a_later_stage():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _stage(["imr_analysis"] + _module(path)[1:] if len(_module(path)) > 1 else ["imr_analysis"])
        for line, target in _imports(path):
            if _stage(target) > own:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {'.'.join(target)}")
    assert not wrong, "imports from a later stage:\n" + "\n".join(wrong)


def test_the_check_sees_relative_and_nested_imports(tmp_path, monkeypatch):
    """The parser resolves 'from ..report.tables import x' inside a function to imr_analysis.report.tables."""
    package = tmp_path / "imr_analysis"
    (package / "clean").mkdir(parents=True)
    module = package / "clean" / "store.py"
    module.write_text("def f():\n    from ..report.tables import years\n    from . import checks\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert _imports(module) == [(2, ["imr_analysis", "report", "tables"]), (3, ["imr_analysis", "clean", "checks"])]

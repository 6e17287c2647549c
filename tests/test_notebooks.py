"""The stored notebooks: clean templates, and an nbval check that really bites."""
import json
import shutil

import nbformat

from conftest import ROOT
from helpers import run_python

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_five_notebooks_with_one_parameters_cell_and_short_code():
    assert [p.name for p in NOTEBOOKS] == ["01_data_quality.ipynb", "02_annual_report.ipynb", "03_trends.ipynb",
                                           "04_lokmin_brief.ipynb", "05_amp_sr.ipynb"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        # the parameters cell only assigns literals: it derives nothing
        for line in tagged[0].source.splitlines():
            name, _, value = line.partition("=")
            assert value.strip() in {"None", "True", "False"} or value.strip()[0] in "\"'0123456789", line
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), f"{path.name} has cells never run"
        # one literal per line in the parameters cell (the brief has 9 parameters); the other cells are short
        assert max(len(c.source.splitlines()) for c in code if c not in tagged) <= 8
        assert len(tagged[0].source.splitlines()) <= 10
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 5
        tags = {t for c in nb.cells for t in c.metadata.get("tags", [])}
        assert "injected-parameters" not in tags


def test_stored_outputs_are_portable_and_free_of_errors():
    for path in NOTEBOOKS:
        text = path.read_text()
        nb = json.loads(text)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", path.name
                plain = json.dumps(out.get("data", {}).get("text/plain", "")) + json.dumps(out.get("text", ""))
                assert "/root/" not in plain and "/home/" not in plain and "/tmp/" not in plain and " at 0x" not in plain


def test_stored_annual_report_shows_the_published_akb():
    nb = nbformat.read(ROOT / "notebooks" / "02_annual_report.ipynb", as_version=4)
    outputs = json.dumps([o for c in nb.cells if c.cell_type == "code" for o in c.outputs])
    assert "8,7 per 1.000 KH" in outputs and "6,0 - 12,2" in outputs and "3.795" in outputs


def _nbval(path):
    return run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env", path,
                      cwd=path.parent)


def test_nbval_fails_when_a_stored_number_changes(tmp_path):
    """In a copy, change AKB 8,7 to 9,7 in the stored headline table: nbval must fail on that cell."""
    source = ROOT / "notebooks" / "02_annual_report.ipynb"
    intact = tmp_path / "intact" / source.name
    changed = tmp_path / "changed" / source.name
    for p in (intact, changed):
        p.parent.mkdir()
        shutil.copy(source, p)
        shutil.copy(ROOT / "notebooks" / "conftest.py", p.parent)  # the sample cleaned first, as in the real run
    nb = json.loads(changed.read_text())
    edited = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]) == "rep.headline()":
            for out in cell["outputs"]:
                plain = "".join(out["data"]["text/plain"])
                assert "8,7" in plain
                out["data"]["text/plain"] = plain.replace("   8,7", "   9,7")
                html = "".join(out["data"]["text/html"])
                assert html.count('<td class="num">8,7</td>') == 1
                out["data"]["text/html"] = html.replace('<td class="num">8,7</td>', '<td class="num">9,7</td>')
                edited += 1
    assert edited == 1
    changed.write_text(json.dumps(nb))
    good = _nbval(intact)
    assert good.returncode == 0, good.stdout[-3000:]
    bad = _nbval(changed)
    assert bad.returncode == 1, bad.stdout[-3000:]
    assert "1 failed" in bad.stdout and "9,7" in bad.stdout

"""Warm kernels (imr_analysis.kernels): a notebook run on a kernel that already ran another one shows
exactly what it shows on a new kernel."""
import os

import nbformat
import papermill as pm
import pytest

from imr_analysis import config, kernels
from imr_analysis.batch import _kernel_dir

#: A notebook that leaves every kind of state behind: a variable, a pandas option, a warning filter
#: that turns warnings into errors, another working folder, an open figure and a high cell counter.
DIRTY = ["leftover = 1", "import pandas as pd\npd.set_option('display.precision', 6)",
         "import warnings\nwarnings.simplefilter('error')", "import os\nos.chdir('/')",
         "import matplotlib.pyplot as plt\nplt.figure()", *["1"] * 5]


def _cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture
def kernel_spec(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", os.environ.get("JUPYTER_PATH", ""))  # restored after the test
    _kernel_dir(tmp_path)
    yield
    kernels.shutdown()


def test_a_warm_kernel_shows_what_a_new_kernel_shows(sample_run, tmp_path, kernel_spec):
    notebook = str(config.NOTEBOOKS_DIR / "02_annual_report.ipynb")
    params = {"year": 2023, "lang": "id", "processed_dir": str(sample_run.out), "output_dir": str(tmp_path / "2023")}
    run = {"kernel_name": "python3", "cwd": str(config.NOTEBOOKS_DIR), "progress_bar": False}
    pm.execute_notebook(notebook, str(tmp_path / "new.ipynb"), parameters=params, **run)   # a kernel of its own

    dirty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in DIRTY])
    nbformat.write(dirty, tmp_path / "dirty.ipynb")
    pm.execute_notebook(str(tmp_path / "dirty.ipynb"), str(tmp_path / "dirty_out.ipynb"), engine_name=kernels.ENGINE, **run)
    pm.execute_notebook(notebook, str(tmp_path / "warm.ipynb"), parameters=params, engine_name=kernels.ENGINE, **run)

    new, warm = _cells(tmp_path / "new.ipynb"), _cells(tmp_path / "warm.ipynb")
    assert [count for count, _ in warm] == list(range(1, len(warm) + 1))
    assert any(o.output_type == "display_data" and "image/png" in o.data for _, outs in warm for o in outs)
    assert warm == new


def test_a_notebook_sees_no_variable_of_the_one_before(tmp_path, kernel_spec):
    run = {"kernel_name": "python3", "cwd": str(config.NOTEBOOKS_DIR), "progress_bar": False,
           "engine_name": kernels.ENGINE}
    first = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("leftover = 1")])
    second = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('leftover' in dir())")])
    nbformat.write(first, tmp_path / "first.ipynb")
    nbformat.write(second, tmp_path / "second.ipynb")
    pm.execute_notebook(str(tmp_path / "first.ipynb"), str(tmp_path / "first_out.ipynb"), **run)
    km = kernels._kernel["km"]
    pm.execute_notebook(str(tmp_path / "second.ipynb"), str(tmp_path / "second_out.ipynb"), **run)
    assert kernels._kernel["km"] is km   # the same kernel ran both
    assert _cells(tmp_path / "second_out.ipynb")[0][1][0].text == "False\n"


def test_a_warm_client_is_kept_and_a_notebook_that_leaves_a_thread_running_gets_a_new_kernel(tmp_path, kernel_spec):
    """The kernel's client is kept from notebook to notebook, and what the imported modules hold is out of the
    garbage collector's sight after the reset (gc.freeze). A notebook that leaves a thread running gets a new
    kernel after it: what the thread prints later is not taken for the next notebook's output."""
    run = {"kernel_name": "python3", "cwd": str(config.NOTEBOOKS_DIR), "progress_bar": False,
           "engine_name": kernels.ENGINE}
    pm.execute_notebook(_notebook(tmp_path, "plain.ipynb", "x = 1"), str(tmp_path / "plain_out.ipynb"), **run)
    km, client = kernels._kernel["km"], kernels._kernel["kc"]
    pm.execute_notebook(_notebook(tmp_path, "plain2.ipynb", "y = 2"), str(tmp_path / "plain2_out.ipynb"), **run)
    assert kernels._kernel["km"] is km and kernels._kernel["kc"] is client is not None   # no new client connected
    late = "import threading\nthreading.Timer(0.5, lambda: print('LATE', flush=True)).start()"
    pm.execute_notebook(_notebook(tmp_path, "late.ipynb", "import gc\nprint(gc.get_freeze_count() > 0)", late),
                        str(tmp_path / "late_out.ipynb"), **run)
    assert [[o.text for o in outs] for _, outs in _cells(tmp_path / "late_out.ipynb")] == [["True\n"], []]
    assert (kernels._kernel["km"], kernels._kernel["kc"]) == (None, None)   # the kernel was let go
    second = _notebook(tmp_path, "second.ipynb", "import time\ntime.sleep(1.5)\nprint('second')")
    pm.execute_notebook(second, str(tmp_path / "second_out.ipynb"), **run)
    assert [[o.text for o in outs] for _, outs in _cells(tmp_path / "second_out.ipynb")] == [["second\n"]]
    assert kernels._kernel["km"] is not km and kernels._kernel["kc"] is not client



def _notebook(tmp_path, name, *cells):
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), tmp_path / name)
    return str(tmp_path / name)


def test_an_epilogue_runs_on_the_notebooks_namespace_leaves_no_trace_and_says_why_it_failed(tmp_path, kernel_spec):
    run = {"kernel_name": "python3", "cwd": str(config.NOTEBOOKS_DIR), "progress_bar": False,
           "engine_name": kernels.ENGINE}
    answer = tmp_path / "answer.txt"
    source = _notebook(tmp_path, "source.ipynb", "x = 41", "x")
    after = kernels.Epilogue(f"open({str(answer)!r}, 'w').write(str(x + 1))")
    pm.execute_notebook(source, str(tmp_path / "out.ipynb"), epilogue=after, **run)
    assert after.error == "" and answer.read_text() == "42"
    assert [count for count, _ in _cells(tmp_path / "out.ipynb")] == [1, 2]   # the epilogue is not in the notebook

    broken = kernels.Epilogue("raise ValueError('no slides for this year')")
    pm.execute_notebook(source, str(tmp_path / "out2.ipynb"), epilogue=broken, **run)
    assert broken.error == "ValueError: no slides for this year"

    skipped = kernels.Epilogue(f"open({str(answer)!r}, 'w').write('ran')")
    with pytest.raises(pm.PapermillExecutionError):
        pm.execute_notebook(_notebook(tmp_path, "failing.ipynb", "1 / 0"), str(tmp_path / "out3.ipynb"),
                            epilogue=skipped, **run)
    assert skipped.error == "the notebook failed" and answer.read_text() == "42"


def test_the_batch_writes_each_notebook_once_when_it_has_run(tmp_path, kernel_spec, monkeypatch):
    import papermill.engines
    import papermill.execute

    from imr_analysis import batch

    writes = {"during": 0, "after": 0}
    during, after = papermill.engines.write_ipynb, papermill.execute.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda *a: (writes.__setitem__("during", writes["during"] + 1),
                                                                      during(*a)))
    monkeypatch.setattr(papermill.execute, "write_ipynb", lambda *a: (writes.__setitem__("after", writes["after"] + 1),
                                                                      after(*a)))
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)
    _notebook(tmp_path, "three.ipynb", "a = 1", "b = a + 1", "b")
    result = batch._execute(batch.Job("three", "three.ipynb", tmp_path / "out" / "three.ipynb", {}), show_code=False)
    assert result.status == "ok" and writes == {"during": 0, "after": 1}
    assert [outs[0].data["text/plain"] for _, outs in _cells(result.output)[2:]] == ["2"]

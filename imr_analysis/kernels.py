"""Warm notebook kernels for the batch: one kernel per batch process, reused notebook after notebook.

Starting a kernel and importing pandas, matplotlib, scipy and the package costs seconds per
notebook, several times what a report computes. The batch therefore runs its notebooks with
papermill on the engine ``imr-warm`` defined here: papermill still executes (parameters cell,
cell metadata, error cells, the saved notebook), but on the kernel this process already has.

Each notebook starts from a clean state, whatever ran before it in that kernel:
- the user namespace, the input/output history and every figure are cleared (``%reset -f``),
- the execution counter starts again at 1 (the saved notebook numbers its cells as a new kernel would),
- pandas options, warning filters and the working folder are those the kernel started with.
After the reset, what is left (the imported modules and their caches) is moved out of the garbage
collector's sight (``gc.freeze``, after a last ``gc.collect``): IPython's reset runs a full collection,
which otherwise walks every object of pandas, matplotlib and scipy again after each notebook (a third
of a second a notebook, measured); now it walks only what the last notebook left. Objects that die
later are still freed by their reference counts.
The kernel's connected client is kept too: a new client waits up to 0.2 s for its first IOPub
message (jupyter_client's ``wait_for_ready``) before every notebook. Messages left over from the
notebook before are not mixed in: nbclient takes only the replies and outputs of its own requests.
A notebook that leaves a thread of its own running (not a daemon thread, as libraries start) gets a new
kernel after it: what that thread prints later would otherwise land in the next notebook's cells.
What stays is what a fresh kernel would rebuild identically: the imported modules (with their
read-only vocabularies and cached tables). A kernel that died is replaced by a new one; one
that fails to answer the reset is shut down and replaced.

An ``Epilogue`` (papermill engine argument ``epilogue``) is code run in the kernel after a notebook
ran without error and before the reset, on what the notebook built: the batch writes an annual
report's slides and document from the notebook's own ``rep``, its figures drawn once. It runs
silently: nothing of it is in the saved notebook; its error, if any, is kept on the ``Epilogue``.
"""
from __future__ import annotations

import atexit
import multiprocessing.util
from dataclasses import dataclass

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger

ENGINE = "imr-warm"

#: Run in the kernel when it starts: what a fresh kernel holds, kept for the resets.
_SNAPSHOT = """
import os as _os, sys as _sys, types as _types, warnings as _warnings
_sys.modules["_imr_kernel_start"] = _types.SimpleNamespace(filters=list(_warnings.filters), cwd=_os.getcwd())
del _os, _sys, _types, _warnings
"""

#: Run in the kernel after each notebook: back to the state the snapshot kept.
_RESET = """
import threading as _threading
if any(t is not _threading.main_thread() and not t.daemon and t.is_alive() for t in _threading.enumerate()):
    raise RuntimeError("a thread the notebook started is still running: its output would reach the next notebook")
del _threading
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys, warnings as _warnings
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
if "pandas" in _sys.modules:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        _sys.modules["pandas"].reset_option("all")
_warnings.filters[:] = _sys.modules["_imr_kernel_start"].filters
_os.chdir(_sys.modules["_imr_kernel_start"].cwd)
get_ipython().execution_count = 1
import gc as _gc
_gc.collect()
_gc.freeze()
del _gc, _os, _sys, _warnings
"""

_kernel = {"km": None, "kc": None, "fresh": False}


def _manager(kernel_name: str, manager_class=None):
    """This process's kernel manager (not started yet when new: nbclient starts it with papermill's options).

    ``manager_class`` (papermill's ``kernel_manager_class``, e.g. the batch's quiet manager that sends the
    kernel's own log to a file) makes a new manager; a warm one is kept as it is.
    """
    from jupyter_core.utils import run_sync

    km = _kernel["km"]
    if km is not None and km.has_kernel and not run_sync(km.is_alive)():
        shutdown()
    if _kernel["km"] is None:
        from jupyter_client.manager import AsyncKernelManager

        _kernel["km"], _kernel["fresh"] = (manager_class or AsyncKernelManager)(kernel_name=kernel_name), True
    return _kernel["km"]


def _drop_client() -> None:
    """Close the kept kernel client's channels (a new notebook then connects a new one)."""
    kc, _kernel["kc"] = _kernel["kc"], None
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:  # already closed
            pass


def shutdown() -> None:
    """Stop this process's kernel (at exit, after a batch, or when it can no longer be trusted)."""
    _drop_client()
    km, _kernel["km"] = _kernel["km"], None
    if km is not None and km.has_kernel:
        try:
            from jupyter_core.utils import run_sync

            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone
            pass


@dataclass
class Epilogue:
    """Code run in the kernel after a notebook ran without error, in that notebook's namespace (see the module
    docstring); ``error`` is set to 'ExceptionName: message' when it failed, or when the notebook failed first."""

    code: str
    error: str = ""


def _run_code(client: PapermillNotebookClient, code: str) -> str:
    """Run ``code`` in the kernel without a trace in the history or the counter; '' when it answered ok, else
    what went wrong ('ExceptionName: first line of the message')."""
    try:
        msg_id = client.kc.execute(code, silent=True, store_history=False)
        reply = client.wait_for_reply(msg_id)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    if reply is None:
        return "the kernel did not answer"
    content = reply["content"]
    if content["status"] == "ok":
        return ""
    return f"{content.get('ename', 'Error')}: {(str(content.get('evalue', '')).splitlines() or [''])[0]}"


def _run_silently(client: PapermillNotebookClient, code: str) -> bool:
    """Run ``code`` in the kernel without a trace in the history or the counter; True when it answered ok."""
    return _run_code(client, code) == ""


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine on this process's warm kernel (see the module docstring)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs.pop("input_path", None)
        manager_class = kwargs.pop("kernel_manager_class", None)
        epilogue = kwargs.pop("epilogue", None)
        for name in ("timeout", "startup_timeout"):
            kwargs.pop(name, None)
        client = PapermillNotebookClient(nb_man, km=_manager(kernel_name, manager_class), timeout=execution_timeout,
                                         startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                         log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                                         **kwargs)
        client.kc = _kernel["kc"]   # the warm kernel's connected client, when there is one (see _keep_client)
        try:
            with client.setup_kernel():
                if _kernel["fresh"]:
                    _kernel["fresh"] = not _run_silently(client, _SNAPSHOT)
            nb = client.execute()
            if epilogue is not None:
                epilogue.error = "the notebook failed" if nb.metadata.get("papermill", {}).get("exception") \
                    else _run_code(client, epilogue.code)
            return nb
        finally:
            clean = client.kc is not None and _run_silently(client, _RESET)
            _kernel["kc"] = client.kc if clean else None
            if not clean:
                if client.kc is not None:
                    client.kc.stop_channels()
                shutdown()


papermill_engines.register(ENGINE, WarmKernelEngine)
atexit.register(shutdown)
# processes of a multiprocessing pool leave without running atexit: stop the kernel on their way out too
multiprocessing.util.Finalize(None, shutdown, exitpriority=10)

"""`python3 dev.py` says what its first-run install does instead of minutes of silence."""
import importlib.util
import stat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_run_install_reports_its_steps_then_stays_quiet(tmp_path, monkeypatch, capsys):
    dev = load_dev()
    fake = tmp_path / ".venv" / "bin" / "python"   # stands for the new environment's python: pip prints 60 packages
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\nif [ \"$2\" = pip ]; then i=1; while [ $i -le 60 ]; do echo \"Collecting pkg$i==1.0\"; "
                    "i=$((i+1)); done; echo 'Installing collected packages: pkg1'; fi\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(dev, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(dev, "PY", fake)
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".venv" / ".installed")
    dev.setup()
    out = capsys.readouterr().out
    pins = dev._pins()
    assert pins > 100   # requirements/constraints.txt pins the whole environment
    lines = out.splitlines()
    assert "This takes a few minutes" in lines[0]
    assert lines[1] == "  1/3 the virtual environment exists"
    assert lines[2].startswith(f"  2/3 installing imr-analysis and {pins} pinned packages")
    assert lines[3:5] == [f"      25 of ~{pins} packages collected", f"      50 of ~{pins} packages collected"]
    assert lines[5].startswith("      done (") and lines[6] == "  3/3 registering the notebook kernel of this environment ... done"
    assert lines[7].startswith("Set up in ")
    dev.setup()   # installed and unchanged: nothing to do, nothing said
    assert capsys.readouterr().out == ""


def test_a_failed_install_shows_pips_own_output(tmp_path, monkeypatch, capsys):
    dev = load_dev()
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'ERROR: No matching distribution found for pandas==99'\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    try:
        dev._pip_install([str(fake)], 10)
    except Exception as exc:   # subprocess.CalledProcessError
        assert type(exc).__name__ == "CalledProcessError"
    else:
        raise AssertionError("a failing pip must stop the setup")
    assert "No matching distribution found for pandas==99" in capsys.readouterr().out

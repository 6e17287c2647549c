"""The command line writes exactly what it wrote when the baseline was recorded.

Every file `clean`, `indicators`, `trends`, `funnel` and `synth --unseen` write, and what they
print, on the sample and on districts the registry does not know, is compared by sha256 with
tests/golden/cli_outputs.json. A refactor must leave all of it byte-identical; a change meant to
alter a number is re-recorded with scripts/record_cli_outputs.py and explained in its commit.
"""
from __future__ import annotations

from cli_golden import outputs, recorded


def test_cli_outputs_are_byte_identical_to_the_recorded_baseline(tmp_path):
    now, then = outputs(tmp_path), recorded()
    assert sorted(now) == sorted(then), (
        f"files written differ: new {sorted(set(now) - set(then))}, gone {sorted(set(then) - set(now))}")
    changed = [name for name in then if now[name] != then[name]]
    assert not changed, f"outputs changed against tests/golden/cli_outputs.json: {changed}"

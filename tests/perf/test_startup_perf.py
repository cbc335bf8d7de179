"""Benchmark: `tracker --help` against starting Python and importing argparse (``-m perf -s``).

Both run as fresh processes, interleaved, and their CPU time (user + system, from the
children's resource usage) is compared as medians of the same run; nothing asserts a time.
docs/performance.md ("Start-up") records the figures. The goal: at most 3 x the baseline.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.perf

ROUNDS = 15
# As installed for users: the bytecode on disk (uv's compile-bytecode for an installed package,
# the first run's __pycache__ for this editable checkout), even where the shell disables it.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _tracker_script() -> str:
    """The installed console script (what a user runs), beside this interpreter."""
    folder = Path(sys.executable).parent
    for name in ("tracker", "tracker.exe"):
        if (folder / name).exists():
            return str(folder / name)
    pytest.skip("the tracker console script is not installed beside this interpreter")


def _cpu_seconds(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_help_against_python_with_argparse() -> None:
    baseline_command = [sys.executable, "-c", "import argparse"]
    help_command = [_tracker_script(), "--help"]
    _cpu_seconds(help_command)  # the first run may still write bytecode
    baselines, helps = [], []
    for _ in range(ROUNDS):
        baselines.append(_cpu_seconds(baseline_command))
        helps.append(_cpu_seconds(help_command))
    baseline, helped = statistics.median(baselines), statistics.median(helps)
    print(
        f"\npython -c 'import argparse': median {baseline * 1000:.0f} ms CPU"
        f"\ntracker --help:              median {helped * 1000:.0f} ms CPU"
        f"\nratio: {helped / baseline:.2f} x (goal: at most 3 x)"
    )

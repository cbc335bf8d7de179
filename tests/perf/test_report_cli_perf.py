"""Benchmark: `tracker report` on the county-scale register, against `tracker stats --json`.

    uv run pytest -m perf tests/perf/test_report_cli_perf.py -s -n0

Both are the real command in a fresh process on a copy of the 20,000-participant demo register
(tests/county_support.py), with the production key derivation, interleaved. Printed: the
medians of wall time and of CPU time (user + system of the process and its threads: Argon2id's
and the import thread's included) of both commands, their ratios, and the load average.
``stats --json`` is the baseline: start-up, login and the half-year's figures, which the report
computes too before it suppresses, draws, writes and signs them. Nothing asserts a time.
Goal: the report at most 2.5 s wall on a quiet machine and at most 2 x the baseline.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_USER, county_copy

pytestmark = pytest.mark.perf

ROUNDS = int(os.environ.get("TRACKER_PERF_ROUNDS", "3"))
PERIOD = "2026H1"


def _run(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the process and its threads)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        env=env,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_report_against_stats_json(tmp_path: Path) -> None:
    path = county_copy(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env |= {"TRACKER_DB": str(path), "TRACKER_USER": COUNTY_USER}
    env |= {"TRACKER_PASSPHRASE": COUNTY_PASSPHRASE}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode on disk
    stats_args = ["stats", "--period", PERIOD, "--json"]
    report_args = ["report", "--period", PERIOD, "--out", str(tmp_path / "exports")]
    _run(stats_args, env, tmp_path)  # bytecode written, files in the page cache
    stats, reports = [], []
    for _ in range(ROUNDS):
        stats.append(_run(stats_args, env, tmp_path))
        reports.append(_run(report_args, env, tmp_path))
    for what, index in (("wall", 0), ("CPU", 1)):
        baseline = statistics.median(run[index] for run in stats)
        report = statistics.median(run[index] for run in reports)
        print(
            f"\n{what}: tracker stats --json median {baseline:.2f} s,"
            f" tracker report median {report:.2f} s, ratio {report / baseline:.2f} x"
        )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load}")
    print("(goal: the report at most 2.5 s wall on a quiet machine, at most 2 x)")
    assert len(list((tmp_path / "exports").iterdir())) == ROUNDS

"""Benchmark: `tracker report` on the county-scale register, against `tracker stats --json`.

    uv run pytest -m perf tests/perf/test_report_cli_perf.py -s

Both are the real command in a fresh process on a copy of the 20,000-participant demo register
(tests/county_support.py), with the production key derivation, interleaved; wall time,
medians. ``stats --json`` is the baseline: start-up, login and the half-year's figures, which
the report computes too before it suppresses, draws, writes and signs them. Nothing asserts a
time. Goal: the report at most 2.5 s on a quiet machine and at most 2 x the baseline.
"""

from __future__ import annotations

import os
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


def _wall(args: list[str], env: dict[str, str], cwd: Path) -> float:
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
    return time.perf_counter() - started


def test_report_against_stats_json(tmp_path: Path) -> None:
    path = county_copy(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env |= {"TRACKER_DB": str(path), "TRACKER_USER": COUNTY_USER}
    env |= {"TRACKER_PASSPHRASE": COUNTY_PASSPHRASE}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode on disk
    stats_args = ["stats", "--period", PERIOD, "--json"]
    report_args = ["report", "--period", PERIOD, "--out", str(tmp_path / "exports")]
    _wall(stats_args, env, tmp_path)  # bytecode written, files in the page cache
    stats, reports = [], []
    for _ in range(ROUNDS):
        stats.append(_wall(stats_args, env, tmp_path))
        reports.append(_wall(report_args, env, tmp_path))
    baseline, report = statistics.median(stats), statistics.median(reports)
    print(
        f"\ntracker stats --json: median {baseline:.2f} s (min {min(stats):.2f})"
        f"\ntracker report:       median {report:.2f} s (min {min(reports):.2f})"
        f"\nratio: {report / baseline:.2f} x (goal: at most 2.5 s quiet, at most 2 x)"
    )
    assert len(list((tmp_path / "exports").iterdir())) == ROUNDS

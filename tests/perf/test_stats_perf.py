"""Benchmark: half-year statistics on a county-scale register, against a bare scan of the log.

    uv run pytest -m perf tests/perf/test_stats_perf.py -s

The register (10 insatser, 20,000 participants, ``build_demo(seed=1)``) is built once, about
three minutes, and kept in ``tmp/perf/`` (ignored by git) for later runs
(tests/county_support.py). Prints the figures;
docs/performance.md ("Statistik") records them. Nothing here asserts a time.
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from county_support import COUNTY_PARTICIPANTS, COUNTY_TODAY, bare_scan, county_register

from tracker.domain.periods import Period
from tracker.services import registers
from tracker.services.demo import DEMO_USER
from tracker.stats.report import build_report

pytestmark = pytest.mark.perf

PARTICIPANTS = COUNTY_PARTICIPANTS
TODAY = COUNTY_TODAY
PERIOD = Period.parse("2026H1")
ROUNDS = 5


def _register() -> Path:
    return county_register()


def _reset_peak_rss() -> bool:
    """Reset the process's peak RSS (Linux: clear_refs 5); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mib() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_half_year_stats_against_abare_scan() -> None:
    path = _register()
    with registers.open_session(
        path, user=DEMO_USER, passphrase=registers.DEMO_PASSPHRASE, today=lambda: TODAY
    ) as session:
        # The report first: the process's peak memory then belongs to it, not to the bare
        # scan, which holds every row as Python tuples. The login's Argon2id (256 MiB) has
        # already set the process's maximum, so the peak is reset first where Linux allows.
        reset = _reset_peak_rss()
        started = time.perf_counter()
        report = build_report(session, PERIOD)  # the first call also imports pandas' lazy parts
        cold = time.perf_counter() - started
        peak_rss = _peak_rss_mib()
        events = bare_scan(session)
        # Interleaved rounds, so both see the same load on a shared machine.
        scans, stats = [], []
        for _ in range(ROUNDS):
            scans.append(_time(lambda: bare_scan(session)))
            stats.append(_time(lambda: build_report(session, PERIOD)))
        tracemalloc.start()
        build_report(session, PERIOD)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    scan, stat = statistics.median(scans), statistics.median(stats)
    insatser = len(report["insatser"])
    lines = [
        f"register: {PARTICIPANTS} participants, {insatser} insatser, {events} events",
        f"bare scan of the event table:  median {scan:.3f} s (min {min(scans):.3f})",
        f"half-year stats, all insatser: median {stat:.3f} s (min {min(stats):.3f}, "
        f"first {cold:.3f})",
        f"stats / bare scan: {stat / scan:.2f} x (medians), "
        f"{min(stats) / min(scans):.2f} x (minima)",
        f"peak memory: {traced_peak / 2**20:.0f} MiB traced (Python, numpy) in one report; "
        f"process peak RSS {peak_rss:.0f} MiB "
        + ("(reset before the report)" if reset else "(whole process, login included)"),
    ]
    print("\n" + "\n".join(lines))
    assert report["counts"]["exits"]["total"] > 0

"""Benchmark: `audit verify` in process on the county-scale register, against a bare scan.

    uv run pytest -m perf tests/perf/test_audit_perf.py -s

``audit.verify`` (SQLCipher's and SQLite's page checks, the chain walk, the projections rebuilt
in a rolled-back transaction and compared) against the floor for anything that reads the log:
``SELECT * FROM events`` fetched through the driver's cursor. Interleaved rounds, medians;
nothing asserts a time. Goal: at most 5 x the bare scan; docs/performance.md ("Auditing").
"""

from __future__ import annotations

import statistics
import time

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_TODAY, COUNTY_USER, bare_scan, county_register

from tracker.services import audit, registers

pytestmark = pytest.mark.perf

ROUNDS = 3


def test_audit_verify_against_abare_scan() -> None:
    with registers.open_session(
        county_register(),
        user=COUNTY_USER,
        passphrase=COUNTY_PASSPHRASE,
        today=lambda: COUNTY_TODAY,
    ) as session:
        events = bare_scan(session)
        scans, audits = [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            bare_scan(session)
            scans.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = audit.verify(session)
            audits.append(time.perf_counter() - started)
            assert report.ok
    scan, verify = statistics.median(scans), statistics.median(audits)
    print(
        f"\n{events:,} events"
        f"\nbare scan of the event table: median {scan:.2f} s"
        f"\naudit verify (in process):    median {verify:.2f} s"
        f"\nratio: {verify / scan:.1f} x (goal: at most 5 x)"
    )

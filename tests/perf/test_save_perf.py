"""Benchmark: saving one step on the county-scale register, against a bare write transaction.

    uv run pytest -m perf tests/perf/test_save_perf.py -s

A copy of the 20,000-participant demo register (tests/county_support.py) is opened once, as the
TUI does. Interleaved rounds time ``cases.log_step`` on an active case (validation of the whole
case, the chained event, the projection row, the commit) and the floor: a bare write
transaction on the same register (BEGIN IMMEDIATE, one small row, COMMIT: the one fsync every
save needs with WAL and synchronous = FULL). Nothing asserts a time; docs/performance.md
("Saving a step") records the figures. Goal: median at most 12 ms and 1.5 x the floor.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_TODAY, COUNTY_USER, county_copy

from tracker.domain.case import STATUS_ACTIVE
from tracker.services import cases, registers
from tracker.store.database import set_meta

pytestmark = pytest.mark.perf

ROUNDS = 60


def test_one_step_save_against_a_bare_write(tmp_path: Path) -> None:
    path = county_copy(tmp_path)
    with registers.open_session(
        path, user=COUNTY_USER, passphrase=COUNTY_PASSPHRASE, today=lambda: COUNTY_TODAY
    ) as session:
        active = [
            row
            for row in cases.list_cases(session, status=STATUS_ACTIVE)
            if row.last_event_date is not None and row.last_event_date <= COUNTY_TODAY
        ][: ROUNDS + 1]
        assert len(active) == ROUNDS + 1

        def bare(index: int) -> float:
            started = time.perf_counter()
            with session.register.write() as connection:
                set_meta(connection, "perf_probe", str(index))
            return time.perf_counter() - started

        def save(row: cases.CaseRow) -> float:
            started = time.perf_counter()
            cases.log_step(session, code=row.code, on=COUNTY_TODAY, level=row.current_level or 2)
            return time.perf_counter() - started

        bare(0), save(active[0])  # first use: lazy imports, the pool's connection
        bares, saves = [], []
        for index, row in enumerate(active[1:], start=1):
            bares.append(bare(index))
            saves.append(save(row))
    floor, step = statistics.median(bares), statistics.median(saves)
    print(
        f"\nbare write transaction: median {floor * 1000:.1f} ms (min {min(bares) * 1000:.1f})"
        f"\none step save:          median {step * 1000:.1f} ms (min {min(saves) * 1000:.1f})"
        f"\nratio: {step / floor:.2f} x (goal: median at most 12 ms and 1.5 x)"
    )

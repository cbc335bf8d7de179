"""Benchmark: saving one step on the county-scale register, against a bare write transaction.

    uv run pytest -m perf tests/perf/test_save_perf.py -s

A copy of the 20,000-participant demo register (tests/county_support.py) is opened once, as the
TUI does. Interleaved rounds time ``cases.log_step`` on an active case (validation of the whole
case, the chained event, the projection row, the commit) and the floor: a bare write
transaction on the same register (BEGIN IMMEDIATE, one small row, COMMIT: the one fsync every
save needs with WAL and synchronous = FULL). Both go through ``Register.write``, so both pay
the passive WAL checkpoint after the commit (engine.write_transaction); for the record the
rounds also time the bare transaction without that checkpoint (the commit alone), and the same
save with ``Register.write`` swapped for a transaction without it, so one run shows what the
checkpoint costs. Nothing asserts a time; docs/performance.md ("Saving a step") records the
figures. Goal: median at most 12 ms and 1.5 x the floor.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_TODAY, COUNTY_USER, county_copy

from tracker.domain.case import STATUS_ACTIVE
from tracker.services import cases, registers
from tracker.store import database
from tracker.store.database import set_meta

pytestmark = pytest.mark.perf

ROUNDS = 60  # saves: half with the checkpoint, half without


def test_one_step_save_against_a_bare_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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

        engine = session.register.engine

        @contextlib.contextmanager
        def commit_only(_engine: object = None) -> Iterator[object]:
            # engine.write_transaction without the passive checkpoint after the commit.
            with engine.connect() as connection:
                connection = connection.execution_options(tracker_write=True)
                with connection.begin():
                    yield connection

        def bare(index: int, write: object = session.register.write) -> float:
            started = time.perf_counter()
            with write() as connection:  # type: ignore[operator]
                set_meta(connection, "perf_probe", str(index))
            return time.perf_counter() - started

        def save(row: cases.CaseRow) -> float:
            started = time.perf_counter()
            cases.log_step(session, code=row.code, on=COUNTY_TODAY, level=row.current_level or 2)
            return time.perf_counter() - started

        def save_without_checkpoint(row: cases.CaseRow) -> float:
            with monkeypatch.context() as patch:
                patch.setattr(database, "write_transaction", commit_only)
                return save(row)

        bare(0), save(active[0])  # first use: lazy imports, the pool's connection
        # Two blocks, each interleaved: with the checkpoint every commit finds the WAL folded
        # in and starts it again; without, the WAL grows until SQLite's own checkpoint.
        rows = active[1:]
        half = len(rows) // 2
        bares, saves, commits, plain_saves = [], [], [], []
        for index, row in enumerate(rows[:half], start=1):
            bares.append(bare(index))
            saves.append(save(row))
        for index, row in enumerate(rows[half:], start=half + 1):
            commits.append(bare(index, commit_only))
            plain_saves.append(save_without_checkpoint(row))

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f})"

    floor, step = statistics.median(bares), statistics.median(saves)
    commit, plain = statistics.median(commits), statistics.median(plain_saves)
    print(
        f"\nbare write transaction: {ms(bares)}"
        f"\none step save:          {ms(saves)}"
        f"\nratio: {step / floor:.2f} x (goal: median at most 12 ms and 1.5 x)"
        f"\nwithout the checkpoint after the commit:"
        f"\n  bare write transaction: {ms(commits)}"
        f"\n  one step save:          {ms(plain_saves)}"
        f"\n  ratio: {plain / commit:.2f} x; the save with it against the bare commit alone:"
        f" {step / commit:.2f} x"
    )

"""Benchmark: saving one step on the county-scale register, against a bare write transaction.

    uv run pytest -m perf tests/perf/test_save_perf.py -s

A copy of the 20,000-participant demo register (tests/county_support.py) is opened once, as the
TUI does. Interleaved rounds time ``cases.log_step`` on an active case (validation of the whole
case, the chained and signed event, the projection row, the commit) and the floor: a bare write
transaction on the same register (BEGIN IMMEDIATE, one small row, COMMIT: the one fsync every
save needs with WAL and synchronous = FULL). Both go through ``Register.write``, so both pay
the passive WAL checkpoint after the commit (engine.write_transaction). Each round times two
saves: one on a case this session has not read before (its events are read from the file),
and one after ``cases.get_case`` of the case, untimed, as the TUI's step form reads the case it
then saves to. Wall and CPU time (process_time) are both medians over the rounds. For the
record a second block times the bare transaction without that checkpoint (the commit alone),
and the same save with ``Register.write`` swapped for a transaction without it, so one run
shows what the checkpoint costs. Nothing asserts a time; docs/performance.md ("Saving a step")
records the figures. Goal: median at most 12 ms and 1.5 x the floor.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_TODAY, COUNTY_USER, county_copy

from tracker.domain.case import STATUS_ACTIVE
from tracker.services import cases, registers
from tracker.store import database
from tracker.store.database import set_meta

pytestmark = pytest.mark.perf

ROUNDS = 30  # per block; the first block saves twice per round


class Timings:
    """Wall and CPU seconds of one kind of operation, one pair per round."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def run(self, operation: Callable[..., object], *arguments: object) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        operation(*arguments)
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - wall)

    def median(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)

    def line(self, label: str, floor: Timings | None = None) -> str:
        wall, cpu = self.median()
        text = (
            f"{label:<40} wall median {wall * 1000:6.2f} ms (min {min(self.wall) * 1000:.2f}),"
            f" CPU {cpu * 1000:5.2f} ms"
        )
        if floor is not None:
            floor_wall, floor_cpu = floor.median()
            text += f"; ratio wall {wall / floor_wall:.2f} x, CPU {cpu / floor_cpu:.2f} x"
        return text


def test_one_step_save_against_a_bare_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = county_copy(tmp_path)
    with registers.open_session(
        path, user=COUNTY_USER, passphrase=COUNTY_PASSPHRASE, today=lambda: COUNTY_TODAY
    ) as session:
        needed = 3 * ROUNDS + 1
        active = [
            row
            for row in cases.list_cases(session, status=STATUS_ACTIVE)
            if row.last_event_date is not None and row.last_event_date <= COUNTY_TODAY
        ][:needed]
        assert len(active) == needed

        engine = session.register.engine

        @contextlib.contextmanager
        def commit_only(_engine: object = None) -> Iterator[object]:
            # engine.write_transaction without the passive checkpoint after the commit.
            with engine.connect() as connection:
                connection = connection.execution_options(tracker_write=True)
                with connection.begin():
                    yield connection

        def bare(index: int, write: Callable[[], object] = session.register.write) -> None:
            with write() as connection:  # type: ignore[attr-defined]
                set_meta(connection, "perf_probe", str(index))

        def save(row: cases.CaseRow) -> None:
            cases.log_step(session, code=row.code, on=COUNTY_TODAY, level=row.current_level or 2)

        def save_without_checkpoint(row: cases.CaseRow) -> None:
            with monkeypatch.context() as patch:
                patch.setattr(database, "write_transaction", commit_only)
                save(row)

        bare(0), save(active[0])  # first use: lazy imports, the pool's connection
        rows = iter(active[1:])
        bares, unread, read, commits, plain = (Timings() for _ in range(5))
        # Two blocks, each interleaved: with the checkpoint every commit finds the WAL folded
        # in and starts it again; without, the WAL grows until SQLite's own checkpoint.
        for index in range(1, ROUNDS + 1):
            bares.run(bare, index)
            unread.run(save, next(rows))
            opened = next(rows)
            cases.get_case(session, opened.code)  # the step form opening
            read.run(save, opened)
        for index in range(ROUNDS + 1, 2 * ROUNDS + 1):
            commits.run(bare, index, commit_only)
            plain.run(save_without_checkpoint, next(rows))

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    (step_wall, _cpu), (commit_wall, _commit_cpu) = unread.median(), commits.median()
    print(
        f"\nload average {load}; medians of {ROUNDS} interleaved rounds"
        f"\n{bares.line('bare write transaction')}"
        f"\n{unread.line('one step save, case not read before', bares)}"
        f"\n{read.line('one step save after the form read it', bares)}"
        "\n(goal: median at most 12 ms and 1.5 x)"
        "\nwithout the checkpoint after the commit:"
        f"\n{commits.line('  bare write transaction')}"
        f"\n{plain.line('  one step save, case not read before', commits)}"
        f"\nthe save with the checkpoint against the bare commit alone: "
        f"{step_wall / commit_wall:.2f} x"
    )

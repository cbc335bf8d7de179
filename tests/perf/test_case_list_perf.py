"""Benchmark: the case list with 5,000 participants in one insats (run with ``-m perf -s``).

Figures are printed as ratios to the bare service read (``list_cases``) in the same run; nothing
is asserted about time. What matters: a keystroke in the search field and a filter switch work
in memory, and the whole list is read from the database only after a write.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from support import PASSPHRASE, TODAY
from textual.widgets import DataTable
from tui.host import HostApp

from tracker.services import cases, registers
from tracker.services.codelists import current_lists
from tracker.tui.cases import PAGE_SIZE, CaseListScreen, build_rows, filter_rows

SALA = "Samordningsteam Sala"
PARTICIPANTS = 5_000

pytestmark = pytest.mark.perf


def _fill(db_path: Path) -> None:
    rng = random.Random(5)
    with (
        registers.open_session(
            db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
        ) as session,
        session.batch(),
    ):
        for i in range(PARTICIPANTS):
            opened = TODAY - timedelta(days=rng.randint(30, 900))
            code = cases.register_application(
                session, insats=SALA, gender="kvinna", on=opened, referrer="af", rng=rng
            ).code
            if i % 5 == 0:
                continue  # a pending application
            cases.start(session, code=code, on=opened + timedelta(days=7), level=2)
            cases.log_step(session, code=code, on=opened + timedelta(days=20), level=3)
            if i % 3 == 0:
                cases.exit_case(
                    session,
                    code=code,
                    on=opened + timedelta(days=25),
                    destination="studier",
                    exit_kind="avslutad",
                    handover=False,
                    level=4,
                )


def _best(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


async def test_case_list_with_5000_participants(db_path: Path) -> None:
    _fill(db_path)
    with registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as session:
        baseline = _best(lambda: cases.list_cases(session, insats=SALA))
        raw = cases.list_cases(session, insats=SALA)
        lists = current_lists(session)

    def build() -> list:
        return build_rows(
            raw,
            ladder=lists.ladder,
            genders=lists.code_lists["gender"],
            today=TODAY,
            lang="sv",
        )

    built_time = _best(build)
    rows = build()
    search_time = _best(lambda: filter_rows(rows, "all", "K7", TODAY))
    filter_time = _best(lambda: filter_rows(rows, "follow_up", "", TODAY))
    assert len(rows) == PARTICIPANTS

    app = HostApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        table = screen.query_one(DataTable)
        assert len(screen._filtered) == PARTICIPANTS and table.row_count == PAGE_SIZE
        refill_time = _best(screen.apply_filter)  # filter "all", one page into the table
        code = screen._all[PARTICIPANTS // 2].case.code
        one_case_time = _best(lambda: screen.refresh_case(code))  # after a write
        reload_time = _best(screen.reload, repeat=3)  # the whole insats read again

        async def timed(*keys: str) -> float:
            start = time.perf_counter()
            await pilot.press(*keys)
            await pilot.pause()
            return time.perf_counter() - start

        floor_time = min([await timed("z") for _ in range(3)])  # a key bound to nothing
        key_time = await timed("1")
        search_time_ui = await timed("slash", "K")
        await pilot.press("escape", "0")
        table.focus()
        table.move_cursor(row=PAGE_SIZE - 1)
        await pilot.pause()
        page_time = await timed("down")
        assert screen.page == 1

    figures = {
        "list_cases (baseline)": baseline,
        "build rows": built_time,
        "filter in memory (search)": search_time,
        "filter in memory (follow-up)": filter_time,
        "filter 'all' + fill one page": refill_time,
        "one case re-read after a write": one_case_time,
        "whole insats re-read": reload_time,
        "a key bound to nothing (Pilot's floor)": floor_time,
        "key '1' (filter) incl. repaint": key_time,
        "keys '/', 'K' (search) incl. repaint": search_time_ui,
        "key down into the next page": page_time,
    }
    print(f"\ncase list, {PARTICIPANTS} participants:")
    for name, seconds in figures.items():
        print(f"  {name:34} {seconds * 1000:8.1f} ms  {seconds / baseline:6.2f}×")

"""Every flow of the case screens, driven with Pilot against a real encrypted register."""

from __future__ import annotations

from pathlib import Path

from tui.host import HostApp
from support import PASSPHRASE, TODAY

from tracker.services import cases, registers
from tracker.services.session import Session
from tracker.store.eventlog import head
from tracker.tui.cases import CaseListScreen


def _open(db_path: Path) -> Session:
    return registers.open_session(db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY)


def _head(db_path: Path) -> int:
    with _open(db_path) as session, session.read() as connection:
        return head(connection).seq


async def test_fast_path_logs_a_step_in_three_keys(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        screen.query_one("DataTable").move_cursor(
            row=[r.case.code for r in screen._shown].index(codes["active"])
        )
        before = _head(db_path)
        await pilot.press("s", "up", "enter")
        await pilot.pause()
        assert _head(db_path) == before + 1
    with _open(db_path) as session:
        view = cases.get_case(session, codes["active"])
    last = view.events[-1]
    assert (last.kind, last.date, last.level, last.meeting) == ("step", TODAY, 4, "flerpartsmote")

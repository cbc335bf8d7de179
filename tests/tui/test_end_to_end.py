"""Issue 3's acceptance, through the real TrackerApp from an empty folder: the first-run wizard,
a day's work on the case screens, the counted fast path, and a lock that keeps a half-filled
form. Real encrypted register, real screens; only the key-derivation cost is lowered."""

from __future__ import annotations

from pathlib import Path

from support import TODAY
from textual.widgets import Button, Input
from tui.pilot_helpers import (
    choose,
    log_in,
    select_case,
    type_into,
    type_text,
    wait_until,
    working_day,
)

from tracker.services import audit, cases
from tracker.store import keyfile
from tracker.tui.app import SessionLocked, TrackerApp
from tracker.tui.cases import CaseListScreen
from tracker.tui.forms import ApplicationForm, CodeDialog, StartForm, StepForm
from tracker.tui.login import LockScreen
from tracker.tui.wizard import WizardScreen

PASSPHRASE = "fyra vanliga ord här"


async def _first_run(pilot, app: TrackerApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert isinstance(app.screen, WizardScreen)
    await type_text(pilot, "Samordningsteam Sala")
    app.screen.query_one("#user", Input).focus()
    await type_text(pilot, "anna")
    await pilot.press("enter")
    for _ in range(2):  # the passphrase, then once more
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen.recovery_key_shown)
    await pilot.press("enter")  # tick "I have stored the key"
    assert not app.screen.query_one("#continue", Button).disabled
    await pilot.click("#continue")
    await log_in(pilot, app, PASSPHRASE)


async def test_a_new_team_from_an_empty_folder(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    db_path = tmp_path / "db" / "tracker.db"
    app = TrackerApp(db_path, today=lambda: TODAY, settings_path=tmp_path / "settings.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await _first_run(pilot, app)
        assert isinstance(app.screen, CaseListScreen)

        first, second = await working_day(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)

        # A third participant, started at level 2, then the fast path counted key by key.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationForm)
        await choose(pilot, "#gender", 1)
        await type_into(pilot, "#date", "-20")
        await choose(pilot, "#referrer", 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CodeDialog)
        third = app.screen.code
        await pilot.press("enter")
        await pilot.pause()
        await select_case(pilot, third)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StartForm)
        await type_into(pilot, "#date", "-10")
        app.screen.query_one("#level").focus()
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        events_before = len(cases.get_case(app.session, third).events)
        keys = ("s", "up", "enter")
        await pilot.press(*keys)
        await pilot.pause()
        assert len(keys) <= 5
        after = cases.get_case(app.session, third)
        assert len(after.events) == events_before + 1
        assert (after.events[-1].kind, after.events[-1].date) == ("step", TODAY)
        assert after.summary.current_level == 3

        # Auto-lock with a short idle time keeps a half-filled step form.
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StepForm)
        await type_into(pilot, "#date", "-2")
        session = app.session
        app.idle_timeout = 1.0
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen), timeout=10)
        app.idle_timeout = 600.0  # no second lock while the checks below run
        try:
            _ = app.session
            raise AssertionError("the session stayed open while locked")
        except SessionLocked:
            pass
        assert session.register._data_key == bytearray(32)  # the key was wiped
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one("#date", Input).value == "-2"
        await pilot.press("escape")
        await pilot.pause()

        with_all = {row.code: row.status for row in cases.list_cases(app.session)}
        assert with_all == {first: "exited", second: "non_start", third: "active"}
        report = audit.verify(app.session)
    assert report.ok

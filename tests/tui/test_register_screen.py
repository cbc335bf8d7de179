"""The register screen (backups, insatser) and the backup offered on quit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from support import PASSPHRASE, TODAY
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui.host import HostApp
from tui.pilot_helpers import log_in, wait_until

from tracker.i18n import t
from tracker.services import backups, insatser, locations, registers
from tracker.tui.app import TrackerApp
from tracker.tui.login import LoginScreen
from tracker.tui.register import BackupOnExitDialog, RegisterScreen, TextDialog
from tracker.tui.wizard import WizardScreen


def _open(db_path: Path) -> registers.Session:
    return registers.open_session(db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY)


async def _log_in(pilot: Pilot[None], app: TrackerApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
    app.screen.query_one("#user", Input).value = "anna"
    await log_in(pilot, app)


def _text(app: HostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_quit_offers_a_backup_and_makes_it(db_path: Path, tmp_path: Path) -> None:
    app = TrackerApp(db_path, today=lambda: TODAY, settings_path=tmp_path / "s.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await _log_in(pilot, app)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, BackupOnExitDialog))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert t("backup.never", "sv") in shown
        await pilot.press("escape")  # stay
        await wait_until(pilot, lambda: not isinstance(app.screen, BackupOnExitDialog))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, BackupOnExitDialog))
        await pilot.press("enter")  # the focused button: back up and quit
        await wait_until(pilot, lambda: app.return_code is not None or not app.is_running)
    made = list((db_path.parent / "backups").glob("*.trbackup"))
    assert len(made) == 1
    with _open(db_path) as session:
        assert backups.last_backup(session) is not None
        assert not backups.backup_due(session)


async def test_quit_after_a_fresh_backup_asks_nothing(db_path: Path, tmp_path: Path) -> None:
    with _open(db_path) as session:
        backups.make_backup(session)
    app = TrackerApp(db_path, today=lambda: TODAY, settings_path=tmp_path / "s.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await _log_in(pilot, app)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)


async def test_register_screen_backs_up_and_changes_insatser(db_path: Path) -> None:
    app = HostApp(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert _text(app, "#backup-status").startswith(t("backup.never", "sv"))
        await pilot.press("b")
        await wait_until(pilot, lambda: "Senaste" in _text(app, "#backup-status"))

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        app.screen.query_one("#value", Input).value = "=SUMMA(A1)"
        await pilot.press("enter")
        await pilot.pause()
        assert _text(app, "#error") == t("domain.name_formula", "sv", first="=")
        app.screen.query_one("#value", Input).value = "Samordningsteam Tierp"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterScreen))

        await pilot.press("down", "down")  # the new insats is the third row
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog))
        app.screen.query_one("#value", Input).value = "2026-12-31"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterScreen))
        await pilot.press("escape")
        await pilot.pause()
    with _open(db_path) as session:
        listed = {i.name: i.closed_on for i in insatser.list_insatser(session)}
    assert listed["Samordningsteam Tierp"] == date(2026, 12, 31)


async def test_staff_are_told_insatser_are_for_coordinators(db_path: Path) -> None:
    with _open(db_path) as session:
        registers.add_user(
            session, passphrase=PASSPHRASE, user="bo", role="staff", new_passphrase=PASSPHRASE
        )
    app = HostApp(db_path, user="bo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, RegisterScreen))
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, TextDialog)
        assert any("samordnare" not in m and "bo" in m for m in app.messages)


async def test_the_wizard_warns_about_a_register_inside_the_program_folder(
    tmp_path: Path,
) -> None:
    root = locations.program_folder()
    assert root is not None
    inside = root / "db" / f"never-created-{tmp_path.name}.db"
    outside = tmp_path / "tracker.db"
    for db_path, warned in ((inside, True), (outside, False)):
        app = TrackerApp(db_path, today=lambda: TODAY, settings_path=tmp_path / "s.json")
        async with app.run_test(size=(100, 40)) as pilot:
            await wait_until(pilot, lambda app=app: isinstance(app.screen, WizardScreen))
            texts = " ".join(str(w.render()) for w in app.screen.query(Static))
            expected = t("backup.inside_program_folder", "sv", path=str(db_path))
            assert (expected.split(":")[0] in texts) is warned
        assert not db_path.exists()

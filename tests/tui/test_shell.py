"""The TUI shell driven with Pilot against real encrypted registers in temporary folders:
first-run wizard, login, wrong passphrases, auto-lock and ctrl+l, help, language."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import ClassVar

import pytest
from support import PASSPHRASE, TODAY, synthetic_personnummer
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Button, Checkbox, ContentSwitcher, Input, Static, TextArea
from tui.pilot_helpers import log_in, status, type_text, wait_until

from tracker.domain.codelists import DEFAULT_LADDER
from tracker.i18n import t
from tracker.services import registers, reports
from tracker.store import keyfile
from tracker.store.eventlog import iter_events
from tracker.tui import login
from tracker.tui.app import SessionLocked, TrackerApp
from tracker.tui.help import HelpScreen
from tracker.tui.login import LockScreen, LoginScreen
from tracker.tui.settings import load_settings
from tracker.tui.wizard import WizardScreen

NEW_PASSPHRASE = "fyra vanliga ord här"


def make_app(db_path: Path, **options: object) -> TrackerApp:
    return TrackerApp(db_path, today=lambda: TODAY, **options)  # type: ignore[arg-type]


class FormScreen(Screen[None]):
    """Stands in for a form of the case screens: one input and one key of its own."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f5", "mark", "Markera testet")]

    def __init__(self) -> None:
        super().__init__()
        self.marked = 0

    def compose(self) -> ComposeResult:
        yield Input(id="half")

    def action_mark(self) -> None:
        self.marked += 1


# --- first run --------------------------------------------------------------------------------


async def test_wizard_creates_a_register_and_shows_the_recovery_key_once(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    db_path = tmp_path / "db" / "tracker.db"
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        wizard = app.screen
        await type_text(pilot, "Samordningsteam Sala")
        await pilot.press("enter")
        await type_text(pilot, "Samordningsteam Heby")
        # A user name that looks like a personnummer is refused on the first page.
        wizard.query_one("#user", Input).focus()
        await type_text(pilot, synthetic_personnummer())
        await pilot.press("enter")
        assert wizard.query_one(ContentSwitcher).current == "page-register"
        assert status(app, "#register-status") == t("domain.personnummer_refused")
        wizard.query_one("#user", Input).value = ""
        await type_text(pilot, "anna")
        await pilot.press("enter")
        assert wizard.query_one(ContentSwitcher).current == "page-passphrase"

        # Too short, then two different passphrases: refused with one line each.
        await type_text(pilot, "kort")
        assert status(app, "#strength") == t(
            "tui.hint_too_short", minimum=registers.MIN_PASSPHRASE_LENGTH, words=4
        )
        await pilot.press("enter", *"kort", "enter")
        assert status(app, "#passphrase-status") == t(
            "service.passphrase_too_short", minimum=registers.MIN_PASSPHRASE_LENGTH
        )
        wizard.query_one("#new-passphrase", Input).value = ""
        await type_text(pilot, NEW_PASSPHRASE)
        assert "Bra" in status(app, "#strength")
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSPHRASE + "x")
        await pilot.press("enter")
        assert status(app, "#passphrase-status") == t("tui.passphrases_differ")
        assert not db_path.exists()
        await type_text(pilot, NEW_PASSPHRASE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.recovery_key_shown)

        assert wizard.query_one(ContentSwitcher).current == "page-recovery"
        recovery_key = str(wizard.query_one("#recovery-key", Static).render())
        assert db_path.exists()
        # Continuing needs the explicit confirmation.
        assert wizard.query_one("#continue", Button).disabled
        await pilot.press("enter")  # on the focused checkbox: ticks it
        assert wizard.query_one("#stored", Checkbox).value
        assert not wizard.query_one("#continue", Button).disabled
        await pilot.click("#continue")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        # Shown once: no widget holds the key any more, and the user is filled in.
        texts = [str(widget.render()) for widget in app.screen.query(Static)]
        assert not any(recovery_key in text for text in texts)
        assert app.screen.query_one("#user", Input).value == "anna"
        await log_in(pilot, app, NEW_PASSPHRASE)
        assert app.session.actor.role == "coordinator"

    # The key really recovers the register.
    registers.recover(
        db_path, recovery_key=recovery_key, user="anna", new_passphrase="ett annat långt pass"
    )
    registers.open_session(db_path, user="anna", passphrase="ett annat långt pass").close()


async def test_wizard_refuses_an_insats_that_looks_like_a_personnummer(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    app = make_app(tmp_path / "tracker.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#insatser", TextArea).text = f"Team {synthetic_personnummer()}"
        app.screen.query_one("#user", Input).value = "anna"
        # Enter in a field of the first page goes on (at 80x24 the button is scrolled to).
        app.screen.query_one("#user", Input).focus()
        await pilot.press("enter")
        assert status(app, "#register-status") == t("domain.personnummer_refused")
        assert app.screen.query_one(ContentSwitcher).current == "page-register"


async def test_wizard_takes_the_forbund_checked_like_every_other_text(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    db_path = tmp_path / "tracker.db"
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        wizard = app.screen
        # How the board's goals get set is said on the first page.
        texts = " ".join(str(widget.render()) for widget in wizard.query(Static))
        assert "tracker goals set" in " ".join(texts.split())
        wizard.query_one("#insatser", TextArea).text = "Samordningsteam Sala"
        wizard.query_one("#user", Input).value = "anna"
        wizard.query_one("#forbund", Input).value = '=HYPERLINK("http://x")'
        wizard.query_one("#forbund", Input).focus()
        await pilot.press("enter")
        assert status(app, "#register-status") == t("report.forbund_formula", sign="=")
        wizard.query_one("#forbund", Input).value = f"Förbund {synthetic_personnummer()}"
        await pilot.press("enter")
        assert status(app, "#register-status") == t("domain.personnummer_refused")
        assert wizard.query_one(ContentSwitcher).current == "page-register"
        wizard.query_one("#forbund", Input).value = "  Samordningsförbundet   Sala-Heby "
        await pilot.press("enter")
        assert wizard.query_one(ContentSwitcher).current == "page-passphrase"
        await type_text(pilot, NEW_PASSPHRASE)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSPHRASE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.recovery_key_shown)
    with registers.open_session(db_path, user="anna", passphrase=NEW_PASSPHRASE) as session:
        assert reports.forbund(session) == "Samordningsförbundet Sala-Heby"
        with session.read() as connection:
            (event,) = [e for e in iter_events(connection) if e.kind == reports.FORBUND_SET]
        assert event.payload == {"forbund": "Samordningsförbundet Sala-Heby", "previous": None}


# --- login ------------------------------------------------------------------------------------


async def test_login_remembers_the_last_user(db_path: Path, tmp_path: Path) -> None:
    settings_path = tmp_path / "settings.json"
    app = make_app(db_path, settings_path=settings_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#user", Input)
        await type_text(pilot, "anna")
        await pilot.press("enter")
        await log_in(pilot, app)
        assert app.session.actor.user == "anna"
        session = app.session
    # Quitting closes the session: the register's copy of the data key is zeroed.
    assert session.register._data_key == bytearray(32)
    assert load_settings(settings_path).last_user == "anna"
    assert PASSPHRASE not in settings_path.read_text(encoding="utf-8")

    again = make_app(db_path, settings_path=settings_path)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.screen.query_one("#user", Input).value == "anna"
        assert again.focused is again.screen.query_one("#passphrase", Input)


async def test_settings_default_beside_the_database(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        await log_in(pilot, app)
    saved = json.loads((db_path.parent / "tracker.db.settings.json").read_text(encoding="utf-8"))
    assert saved["last_user"] == "anna"


async def test_the_chosen_theme_is_remembered(db_path: Path, tmp_path: Path) -> None:
    settings_path = tmp_path / "s.json"
    app = make_app(db_path, settings_path=settings_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
    assert load_settings(settings_path).theme == "textual-light"
    again = make_app(db_path, settings_path=settings_path)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_wrong_passphrase_gives_one_line_and_a_growing_delay(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(login, "FAILURE_DELAY_BASE", 1.0)
    app = make_app(db_path, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        screen.query_one("#user", Input).value = "anna"
        passphrase = screen.query_one("#passphrase", Input)
        delays = []
        for attempt in range(3):
            await wait_until(pilot, lambda: not passphrase.disabled)
            passphrase.focus()
            await type_text(pilot, f"fel {attempt}")
            await pilot.press("enter")
            await wait_until(pilot, lambda: not screen.busy)
            line = status(app)
            assert line.startswith(t("keyfile.wrong_credentials"))
            assert "\n" not in line
            delays.append(screen.retry_delay)
            if screen.retry_delay:
                # The wait is said on the same line (the field is disabled meanwhile; not
                # asserted, since a loaded machine may already have finished the wait).
                assert t("tui.retry_wait", seconds=math.ceil(screen.retry_delay)) in line
            else:
                assert not passphrase.disabled
        assert delays[0] == 0 < delays[1] < delays[2]
        assert app.failed_attempts == 3
        await wait_until(pilot, lambda: not passphrase.disabled)
        await log_in(pilot, app)
        assert app.failed_attempts == 0


async def test_a_damaged_key_file_is_one_clear_line(db_path: Path, tmp_path: Path) -> None:
    keys = keyfile.keyfile_path(db_path)
    keys.write_text("{ not json", encoding="utf-8")
    app = make_app(db_path, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: status(app).startswith(t("keyfile.corrupt", path=keys)))
        assert isinstance(app.screen, LoginScreen)


async def test_a_damaged_database_is_one_clear_line(db_path: Path, tmp_path: Path) -> None:
    db_path.write_bytes(b"\0" * 8192)
    app = make_app(db_path, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.screen.busy and status(app) != "")
        assert status(app) in {t("store.database_key_mismatch"), t("tui.database_damaged")}
        assert isinstance(app.screen, LoginScreen)


# --- locking ----------------------------------------------------------------------------------


async def test_auto_lock_keeps_a_half_filled_form(db_path: Path, tmp_path: Path) -> None:
    # Logging in and typing with a long idle time: a loaded machine may take more than a second
    # over them, and the lock must not come before the form is half filled.
    app = make_app(db_path, idle_timeout=60.0, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        await log_in(pilot, app)
        form = FormScreen()
        await app.push_screen(form)
        form.query_one("#half", Input).focus()
        await type_text(pilot, "halvt ifyllt")
        session = app.session
        app.idle_timeout = 1.0

        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen), timeout=5)
        app.idle_timeout = 60  # so a slow machine cannot lock again before the checks below
        with pytest.raises(SessionLocked):
            _ = app.session
        # The closed register zeroed its copy of the data key.
        assert session.register._data_key == bytearray(32)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one("#half", Input).value == "halvt ifyllt"
        assert app.session is not session
        assert app.session.actor.user == "anna"


async def test_activity_keeps_the_register_open(db_path: Path, tmp_path: Path) -> None:
    app = make_app(db_path, idle_timeout=60.0, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        await log_in(pilot, app)
        await app.push_screen(FormScreen())
        app.screen.query_one(Input).focus()
        app.idle_timeout = 2.0
        for _ in range(20):  # 4 s of typing: twice the idle time, never idle for it
            await pilot.press("a")
            await pilot.pause(0.2)
        assert isinstance(app.screen, FormScreen)


async def test_ctrl_l_locks_at_once_and_nothing_reaches_beneath(
    db_path: Path, tmp_path: Path
) -> None:
    app = make_app(db_path, settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        await log_in(pilot, app)
        form = FormScreen()
        await app.push_screen(form)
        await pilot.press("f5")
        assert form.marked == 1
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        with pytest.raises(SessionLocked):
            _ = app.session
        await pilot.press("f5", "f1", "ctrl+l", "ctrl+p")
        await pilot.pause()
        assert form.marked == 1
        assert isinstance(app.screen, LockScreen)
        # A wrong passphrase on the lock screen: one line about the passphrase (there is no
        # user name field to blame), still locked.
        app.screen.query_one("#passphrase", Input).focus()
        await type_text(pilot, "fel lösenfras")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.screen.busy)
        assert status(app).startswith(t("tui.lock_wrong_passphrase"))
        assert "användarnamn" not in status(app)
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is form)
        await pilot.press("f5")
        assert form.marked == 2


# --- help and language ------------------------------------------------------------------------


async def test_help_opens_with_question_mark_and_f1_and_lists_the_keys(
    db_path: Path, tmp_path: Path
) -> None:
    app = make_app(db_path, settings_path=tmp_path / "s.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#user", Input).value = "anna"
        await log_in(pilot, app)
        await app.push_screen(FormScreen())
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").source
        # The keys of the screen beneath, read from its bindings, and the app's own.
        assert "- **F5**  Markera testet" in text
        assert "Ctrl+L" in text and t("tui.key_lock") in text
        for level in DEFAULT_LADDER.levels:
            assert level.label("sv") in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.set_focus(None)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)


async def test_english_with_lang_en(db_path: Path, tmp_path: Path) -> None:
    app = make_app(db_path, lang="en", settings_path=tmp_path / "s.json")
    async with app.run_test() as pilot:
        await pilot.pause()
        texts = [str(widget.render()) for widget in app.screen.query(Static)]
        assert t("tui.login_title", "en") in texts
        app.screen.query_one("#user", Input).value = "anna"
        app.screen.query_one("#passphrase", Input).value = "wrong passphrase"
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.screen.busy)
        assert status(app).startswith(t("keyfile.wrong_credentials", "en"))
        await log_in(pilot, app)
        assert app.sub_title == "anna (coordinator)"
        await pilot.press("f1")
        await pilot.pause()
        assert "The step ladder" in app.screen.query_one("#help-text").source

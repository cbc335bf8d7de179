"""Unlocking the register: the login screen at start and the lock screen after auto-lock.

Both derive the key from the passphrase in a worker thread (Argon2id takes a noticeable part
of a second on purpose) while the form shows it is busy. A wrong passphrase gives one line;
from the second wrong try in a row the form also waits, longer each time.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, LoadingIndicator, Static

from tracker.services import errors, registers
from tracker.services.session import Session
from tracker.tui.errors import describe
from tracker.tui.localise import localise_bindings, tr
from tracker.tui.widgets import QUIT_KEY

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

# Waits after repeated wrong passphrases: none after the first, then 1, 2, 4 … seconds.
FAILURE_DELAY_BASE = 1.0
FAILURE_DELAY_MAX = 30.0


def failure_delay(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passphrases in a row."""
    if failures < 2:
        return 0.0
    return min(FAILURE_DELAY_BASE * 2 ** (failures - 2), FAILURE_DELAY_MAX)


class UnlockScreen(Screen[None]):
    """A passphrase form whose key derivation runs in a worker; subclasses say what follows."""

    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [QUIT_KEY]

    def __init__(self, user: str = "") -> None:
        super().__init__()
        self.user = user
        self.busy = False
        self.retry_delay = 0.0
        self._waiting = False
        localise_bindings(self)

    @property
    def tracker(self) -> TrackerApp:
        return self.app  # type: ignore[return-value]

    # --- layout ---------------------------------------------------------------------------

    def heading(self) -> str:
        raise NotImplementedError

    def compose_user(self) -> ComposeResult:
        raise NotImplementedError

    def button_label(self) -> str:
        return tr("tui.login_button")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="unlock-box", classes="dialog"):
            yield Static(self.heading(), classes="dialog-title")
            yield from self.compose_user()
            yield Label(tr("tui.passphrase"))
            yield Input(password=True, id="passphrase")
            with Horizontal(classes="buttons"):
                yield Button(self.button_label(), id="unlock", variant="primary")
            yield Static("", id="status", classes="status")
            yield LoadingIndicator(id="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        self.query_one("#passphrase", Input).focus()

    # --- unlocking ------------------------------------------------------------------------

    def login_user(self) -> str:
        return self.user

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "user":
            self.query_one("#passphrase", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "unlock":
            event.stop()
            self.submit()

    def submit(self) -> None:
        if self.busy or self._waiting:
            return
        user = self.login_user()
        passphrase_input = self.query_one("#passphrase", Input)
        passphrase = passphrase_input.value
        if not user:
            self.show_status(tr("tui.user_missing"))
            self.focus_first_empty()
            return
        if not passphrase:
            self.show_status(tr("tui.passphrase_missing"))
            passphrase_input.focus()
            return
        passphrase_input.value = ""  # the form never keeps a passphrase longer than needed
        self.set_busy(True)
        self.run_worker(self._open_session(user, passphrase), exclusive=True, group="unlock")

    async def _open_session(self, user: str, passphrase: str) -> None:
        app = self.tracker
        try:
            session = await asyncio.to_thread(
                registers.open_session,
                app.db_path,
                user=user,
                passphrase=passphrase,
                today=app.today,
            )
        except Exception as error:  # every failure is one line in the form
            self.set_busy(False)
            self.failed(error)
            return
        self.set_busy(False)
        app.failed_attempts = 0
        self.unlocked(session)

    def unlocked(self, session: Session) -> None:
        raise NotImplementedError

    def wrong_credentials_text(self, text: str) -> str:
        """The one line for a refused login (the lock screen has no user field to blame)."""
        return text

    def failed(self, error: BaseException) -> None:
        app = self.tracker
        text = describe(error)
        if errors.is_wrong_credentials(error):
            text = self.wrong_credentials_text(text)
            app.failed_attempts += 1
            self.retry_delay = failure_delay(app.failed_attempts)
            if self.retry_delay:
                text += " " + tr("tui.retry_wait", seconds=math.ceil(self.retry_delay))
                self._wait(self.retry_delay)
        self.show_status(text)
        if not self._waiting:
            self.query_one("#passphrase", Input).focus()

    def _wait(self, seconds: float) -> None:
        self._waiting = True
        self._enable_form(False)
        self.set_timer(seconds, self._end_wait)

    def _end_wait(self) -> None:
        self._waiting = False
        self._enable_form(True)
        self.show_status(tr("tui.retry_now"))
        self.query_one("#passphrase", Input).focus()

    # --- state shown to the user ----------------------------------------------------------

    def _enable_form(self, enabled: bool) -> None:
        for widget in self.query("Input, Button"):
            widget.disabled = not enabled

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#unlock-box").set_class(busy, "-busy")
        self._enable_form(not busy)
        if busy:
            self.show_status(tr("tui.unlocking"), error=False)

    def show_status(self, text: str, *, error: bool = True) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "-error")


class LoginScreen(UnlockScreen):
    """The first screen when the register exists: user (remembered) and passphrase."""

    def heading(self) -> str:
        return tr("tui.login_title")

    def compose_user(self) -> ComposeResult:
        yield Static(tr("tui.login_register", path=str(self.tracker.db_path)), classes="hint")
        if self.tracker.demo:
            yield Static(tr("tui.login_demo"), id="demo-hint", classes="hint -warning")
        yield Label(tr("tui.user"))
        yield Input(value=self.user, id="user")

    def focus_first_empty(self) -> None:
        user = self.query_one("#user", Input)
        if user.value.strip():
            self.query_one("#passphrase", Input).focus()
        else:
            user.focus()

    def login_user(self) -> str:
        return self.query_one("#user", Input).value.strip()

    def unlocked(self, session: Session) -> None:
        self.tracker.session_opened(session)
        self.tracker.show_home()


class LockScreen(UnlockScreen):
    """Covers every screen while the register is locked; unlocking pops it, nothing lost."""

    def heading(self) -> str:
        return tr("tui.lock_title")

    def button_label(self) -> str:
        return tr("tui.unlock_button")

    def compose_user(self) -> ComposeResult:
        yield Static(tr("tui.lock_text", user=self.user), id="lock-user")

    def wrong_credentials_text(self, text: str) -> str:
        return tr("tui.lock_wrong_passphrase")

    def unlocked(self, session: Session) -> None:
        self.tracker.session_opened(session)
        self.tracker.pop_screen()

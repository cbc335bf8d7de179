"""The staff TUI: unlock (or first-run wizard), the case list as home, auto-lock, help.

The app owns the one open Session. Locking closes it (the register zeroes its copy of the
data key) and covers every screen with the lock screen; unlocking opens a fresh Session for the
same user and pops the lock screen, so the screens beneath keep whatever was typed in them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.driver import Driver
from textual.drivers.web_driver import WebDriver
from textual.screen import Screen

from tracker.i18n import t
from tracker.services import registers
from tracker.services.session import Session
from tracker.tui.help import HelpScreen, help_bindings
from tracker.tui.localise import localise_bindings, tr
from tracker.tui.login import LockScreen, LoginScreen
from tracker.tui.palette import TrackerPalette, system_commands, theme_palette
from tracker.tui.settings import (
    Settings,
    idle_seconds,
    load_settings,
    save_settings,
    settings_path_for,
)
from tracker.tui.web_driver import WholePacketWebDriver
from tracker.tui.wizard import WizardScreen

# How often the idle timer looks at the last activity, at most (shorter for short timeouts).
IDLE_CHECK_SECONDS = 1.0
MIN_IDLE_SECONDS = 0.1


class SessionLocked(RuntimeError):
    """The register is locked (or not yet unlocked): there is no session to use."""


class TrackerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "tracker"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "tui.key_lock", priority=True),
        Binding("f1", "help", "tui.key_help", key_display="F1", priority=True),
        # Not a priority binding: a "?" typed into a text field stays a "?" (F1 works there).
        # The screens without text fields show it in their footer (widgets.HELP_KEY).
        Binding("question_mark", "help", "tui.key_help", key_display="?", show=False),
        # In the footer of the login screens only (widgets.QUIT_KEY, which a priority binding
        # here would hide): at 80 columns the case list's footer keeps its room for the daily
        # keys; F1 lists it everywhere.
        Binding("ctrl+q", "quit", "tui.key_quit", show=False),
        # Textual's own palette binding, declared here so its word is in the user's language.
        Binding("ctrl+p", "command_palette", "tui.key_palette", show=False, priority=True),
    ]

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, except that under textual-serve (``tracker serve``) the web driver
        writes whole packets (tracker.tui.web_driver)."""
        chosen = super().get_driver_class()
        if chosen is WebDriver:
            return WholePacketWebDriver
        return chosen

    def __init__(
        self,
        db_path: Path,
        *,
        lang: str = "sv",
        idle_timeout: float | None = None,
        today: Callable[[], date] = date.today,
        settings_path: Path | None = None,
        demo: bool = False,
        debug: bool = False,
    ) -> None:
        self.lang = lang
        # Crash output: Textual prints a traceback with every frame's local variables, which
        # hold participant data; only ``--debug`` asks for it.
        self.debug_tracebacks = debug
        super().__init__()
        self.db_path = Path(db_path)
        self.today = today
        self.settings_path = settings_path or settings_path_for(self.db_path)
        self.settings: Settings = load_settings(self.settings_path)
        # Before login only a hint (the caller opened a demo, or it was one last time); the
        # register's own mark decides once it is unlocked.
        self.demo = demo or self.settings.demo
        self._show_demo()
        # Never zero or less: the idle check would spin.
        self.idle_timeout = max(idle_seconds(self.settings, idle_timeout), MIN_IDLE_SECONDS)
        self.failed_attempts = 0
        self.user = ""
        self._session: Session | None = None
        self._last_activity = time.monotonic()
        localise_bindings(self, lang)

    def _fatal_error(self) -> None:
        """An unhandled exception: one line naming its kind, not Textual's traceback with
        locals (unless --debug)."""
        if self.debug_tracebacks:
            super()._fatal_error()
            return
        self.bell()
        kind = type(self._exception).__name__ if self._exception is not None else "Error"
        self._exit_renderables.append(tr("tui.crashed", kind=kind))
        self._close_messages_no_wait()

    # --- the session (tracker.tui.host.SessionHost) ---------------------------------------

    @property
    def session(self) -> Session:
        if self._session is None:
            raise SessionLocked("the register is locked")
        return self._session

    @property
    def locked(self) -> bool:
        """True while the lock screen covers the app (a user had unlocked before)."""
        return self._session is None and bool(self.user)

    def session_opened(self, session: Session) -> None:
        """A login or unlock succeeded: keep the session, remember the user."""
        self._session = session
        self.user = session.actor.user
        self._last_activity = time.monotonic()
        self.demo = registers.is_demo(session)
        self.remember_user(self.user)
        role = tr(f"role.{session.actor.role}")
        self.sub_title = f"{self.user} ({role})"
        self._show_demo()

    def _show_demo(self) -> None:
        # Screens with their own title add the mark themselves (WritingScreen.set_heading).
        marker = t("tui.demo_marker", self.lang)
        self.title = f"{marker} · {self.TITLE}" if self.demo else self.TITLE

    def remember_user(self, user: str) -> None:
        if self.settings.last_user != user or self.settings.demo != self.demo:
            self.settings.last_user = user
            self.settings.demo = self.demo
            save_settings(self.settings_path, self.settings)

    def _remember_theme(self, theme: object) -> None:
        if self.settings.theme != self.theme:
            self.settings.theme = self.theme
            save_settings(self.settings_path, self.settings)

    def show_home(self) -> None:
        """Replace the login screen with the home screen (the case list)."""
        from tracker.tui.cases import CaseListScreen  # the other half of the TUI

        self.switch_screen(CaseListScreen())

    # --- start and stop -------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.db_path.exists():
            self.push_screen(LoginScreen(self.settings.last_user))
        else:
            self.push_screen(WizardScreen())
        self.set_interval(min(IDLE_CHECK_SECONDS, self.idle_timeout / 4), self._check_idle)

    def on_unmount(self) -> None:
        self._close_session()

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    # --- locking --------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # Any key or mouse use counts as activity (only events from the terminal, once each).
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self._session is not None and (
            time.monotonic() - self._last_activity >= self.idle_timeout
        ):
            self.action_lock()

    def action_lock(self) -> None:
        if self._session is None:
            return
        self._close_session()
        self.sub_title = ""
        self.push_screen(LockScreen(self.user))

    def get_key_display(self, binding: Binding) -> str:
        # "Ctrl+L" rather than Textual's "^l": the way the keyboard and the user guide say it.
        shown = super().get_key_display(binding)
        if shown == "⏎":
            return "Enter"
        if shown.startswith("^") and len(shown) > 1:
            return "Ctrl+" + shown[1:].upper()
        if len(shown) > 1 and shown.isalnum():
            return shown.upper() if shown[0] == "f" and shown[1:].isdigit() else shown.title()
        return shown

    # --- quitting: a backup is offered when the last one is too old ------------------------

    async def action_quit(self) -> None:
        from tracker.tui.register import BackupOnExitDialog, backup_offer_due, backup_status

        session = self._session
        if session is None or isinstance(self.screen, BackupOnExitDialog):
            self.exit()
            return
        if not backup_offer_due(session):
            self.exit()
            return

        def chosen(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(BackupOnExitDialog(backup_status(session, self.lang)), chosen)

    # --- the command palette (Textual's own entries in the user's language) ---------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(
            screen,
            change_theme=self.action_change_theme,
            show_help=self.action_help,
            quit_app=self.action_quit,
        )

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(TrackerPalette(id="--command-palette"))

    def action_change_theme(self) -> None:
        self.push_screen(theme_palette())

    # Screenshots would write what the screen shows (participant codes, levels, dates) to an
    # unencrypted file; every way Textual offers to take one (the palette, an action, the
    # TEXTUAL_SCREENSHOT variable, textual-serve's download) ends here and writes nothing.

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self._refuse_screenshot()

    def save_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str:
        self._refuse_screenshot()
        return ""

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        self._refuse_screenshot()
        return None

    def _refuse_screenshot(self) -> None:
        self.notify(tr("tui.palette.no_screenshots"), severity="warning")

    # --- help -----------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()  # the same key closes it
            return
        ladder = None
        if self._session is not None:
            from tracker.services.codelists import current_lists

            try:
                ladder = current_lists(self._session).ladder
            except Exception:  # the help must open even if the register cannot be read
                ladder = None
        self.push_screen(HelpScreen(help_bindings(self.screen), ladder))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The lock screen already hides every screen beneath from key bindings; these app
        # actions would read or show through it, so they wait until the register is unlocked.
        if action in ("help", "command_palette"):
            return not self.locked and not isinstance(self.screen, LockScreen)
        if action == "lock":
            return self._session is not None
        return True

"""The first-run wizard: with no register at the path, create one.

Three pages: the insatser, the first user (a coordinator) and, optionally, the förbund's name
for the reports; the passphrase, twice, with a
plain-words strength hint; then the recovery key, shown this once, which the user must confirm
they have stored before going on to the login screen.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Footer,
    Header,
    Input,
    Label,
    LoadingIndicator,
    Static,
    TextArea,
)

from tracker.domain.errors import RuleError
from tracker.domain.personnummer import check_free_text
from tracker.services import errors, locations, registers, reports
from tracker.services.session import ServiceError
from tracker.tui.errors import describe
from tracker.tui.localise import localise_bindings, tr
from tracker.tui.widgets import QUIT_KEY

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

GOOD_WORD_COUNT = 4
_WORD_SEPARATORS = re.compile(r"[\s\-_.,;:/]+")


def strength_hint(passphrase: str) -> tuple[str, bool]:
    """A plain-words hint for a new passphrase: (catalog key, whether it is a warning).

    Length is the rule (``registers.check_new_passphrase``); this only nudges toward several
    ordinary words, which are both strong and easy to remember.
    """
    if not passphrase:
        return "tui.hint_words", False
    if len(passphrase) < registers.MIN_PASSPHRASE_LENGTH:
        return "tui.hint_too_short", True
    if passphrase.strip().isdigit():
        return "tui.hint_digits", True
    words = [word for word in _WORD_SEPARATORS.split(passphrase) if word]
    if len(words) <= 1:
        return "tui.hint_one_word", True
    if len(words) < GOOD_WORD_COUNT:
        return "tui.hint_more_words", False
    return "tui.hint_good", False


def _hint_text(key: str) -> str:
    return tr(key, minimum=registers.MIN_PASSPHRASE_LENGTH, words=GOOD_WORD_COUNT)


class WizardScreen(Screen[None]):
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [QUIT_KEY]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.insatser: list[str] = []
        self.user = ""
        self.forbund: str | None = None  # optional: the reports' title page
        self.recovery_key_shown = False
        localise_bindings(self)

    @property
    def tracker(self) -> TrackerApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="page-register", id="wizard"):
            with VerticalScroll(id="page-register", classes="dialog"):
                yield Static(tr("tui.wizard_title"), classes="dialog-title")
                yield Static(tr("tui.wizard_intro", path=str(self.tracker.db_path)), classes="hint")
                if locations.inside_program_folder(self.tracker.db_path):
                    # Deleting, re-cloning or git-cleaning the program folder would take it.
                    where = str(self.tracker.db_path)
                    yield Static(tr("backup.inside_program_folder", path=where), classes="hint")
                yield Label(tr("tui.wizard_insatser"))
                yield TextArea(id="insatser", show_line_numbers=False)
                yield Label(tr("tui.wizard_user"))
                yield Input(id="user")
                yield Label(tr("tui.wizard_forbund"))
                yield Input(id="forbund")
                yield Static(tr("tui.wizard_goals_hint"), classes="hint")
                yield Static("", id="register-status", classes="status -error")
                with Horizontal(classes="buttons"):
                    yield Button(tr("tui.next"), id="next", variant="primary")
            with VerticalScroll(id="page-passphrase", classes="dialog"):
                yield Static(tr("tui.wizard_passphrase_title"), classes="dialog-title")
                yield Label(tr("tui.passphrase"))
                yield Input(password=True, id="new-passphrase")
                yield Static(_hint_text("tui.hint_words"), id="strength", classes="hint")
                yield Label(tr("tui.passphrase_again"))
                yield Input(password=True, id="repeat-passphrase")
                yield Static("", id="passphrase-status", classes="status -error")
                yield LoadingIndicator(id="busy")
                with Horizontal(classes="buttons"):
                    yield Button(tr("tui.back"), id="back")
                    yield Button(tr("tui.wizard_create"), id="create", variant="primary")
            with VerticalScroll(id="page-recovery", classes="dialog"):
                yield Static(tr("tui.recovery_title"), classes="dialog-title")
                yield Static(tr("tui.recovery_text"))
                yield Static("", id="recovery-key")
                yield Static(tr("tui.recovery_advice"), classes="hint")
                yield Checkbox(tr("tui.recovery_confirm"), id="stored")
                with Horizontal(classes="buttons"):
                    yield Button(
                        tr("tui.continue"), id="continue", variant="primary", disabled=True
                    )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#insatser", TextArea).focus()

    # --- page 1: insatser and the first user ----------------------------------------------

    def _register_page_problem(self) -> str | None:
        names = [
            line.strip()
            for line in self.query_one("#insatser", TextArea).text.splitlines()
            if line.strip()
        ]
        user = self.query_one("#user", Input).value.strip()
        forbund = self.query_one("#forbund", Input).value.strip()
        self.insatser, self.user, self.forbund = names, user, forbund or None
        if not names:
            return tr("service.no_insats")
        if len(set(names)) != len(names):
            return tr("service.duplicate_insats")
        if not user:
            return tr("tui.user_missing")
        # The services refuse these too; saying so here keeps the user on the right page.
        for text, field in [*((name, "insats") for name in names), (user, "user")]:
            violation = check_free_text(text, field)
            if violation:
                return violation.message(self.tracker.lang)
        if self.forbund is not None:
            try:
                reports.check_forbund(self.forbund)
            except (RuleError, ServiceError) as refused:
                return describe(refused)
        return None

    def _show_page(self, page: str) -> None:
        self.query_one("#wizard", ContentSwitcher).current = page
        focus = {
            "page-register": "#insatser",
            "page-passphrase": "#new-passphrase",
            "page-recovery": "#stored",
        }[page]
        self.query_one(focus).focus()

    def _next(self) -> None:
        problem = self._register_page_problem()
        self.query_one("#register-status", Static).update(problem or "")
        if problem is None:
            self._show_page("page-passphrase")
        elif self.query_one("#insatser", TextArea).text.strip():
            self.query_one("#user", Input).focus()

    # --- page 2: the passphrase -----------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "new-passphrase":
            key, warning = strength_hint(event.value)
            strength = self.query_one("#strength", Static)
            strength.update(_hint_text(key))
            strength.set_class(warning, "-warning")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ("user", "forbund"):  # the förbund is optional: Enter goes on
            self._next()
        elif event.input.id == "new-passphrase":
            self.query_one("#repeat-passphrase", Input).focus()
        elif event.input.id == "repeat-passphrase":
            self._create()

    def _passphrase_status(self, text: str) -> None:
        self.query_one("#passphrase-status", Static).update(text)

    def _create(self) -> None:
        if self.busy:
            return
        passphrase = self.query_one("#new-passphrase", Input).value
        repeated = self.query_one("#repeat-passphrase", Input).value
        try:
            registers.check_new_passphrase(passphrase)
        except ServiceError as error:
            self._passphrase_status(error.message(self.tracker.lang))
            self.query_one("#new-passphrase", Input).focus()
            return
        if repeated != passphrase:
            self._passphrase_status(tr("tui.passphrases_differ"))
            self.query_one("#repeat-passphrase", Input).value = ""
            self.query_one("#repeat-passphrase", Input).focus()
            return
        self._set_busy(True)
        self.run_worker(self._create_register(passphrase), exclusive=True, group="create")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#page-passphrase").set_class(busy, "-busy")
        for widget in self.query("#page-passphrase Input, #page-passphrase Button"):
            widget.disabled = busy
        self._passphrase_status(tr("tui.wizard_creating") if busy else "")

    async def _create_register(self, passphrase: str) -> None:
        app = self.tracker
        try:
            recovery_key = await asyncio.to_thread(
                registers.create_register,
                app.db_path,
                user=self.user,
                passphrase=passphrase,
                insatser=self.insatser,
                today=app.today,
                forbund=self.forbund,
            )
        except Exception as error:
            self._set_busy(False)
            self._creation_failed(error)
            return
        self._set_busy(False)
        for field in ("#new-passphrase", "#repeat-passphrase"):
            self.query_one(field, Input).value = ""
        app.remember_user(self.user)
        self.query_one("#recovery-key", Static).update(recovery_key)
        self.recovery_key_shown = True
        self._show_page("page-recovery")

    def _creation_failed(self, error: BaseException) -> None:
        text = describe(error)
        if isinstance(error, RuleError) or errors.is_invalid_user_name(error):
            # Names of insatser or the user: back to the page where they are typed.
            self.query_one("#register-status", Static).update(text)
            self._show_page("page-register")
        else:
            self._passphrase_status(text)

    # --- page 3: the recovery key, once ---------------------------------------------------

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value

    def _continue(self) -> None:
        if not self.query_one("#stored", Checkbox).value:
            return
        from tracker.tui.login import LoginScreen

        # The key leaves the screen for good; the user logs in with the new passphrase.
        self.query_one("#recovery-key", Static).update("")
        self.tracker.switch_screen(LoginScreen(self.user))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "next": self._next,
            "back": lambda: self._show_page("page-register"),
            "create": self._create,
            "continue": self._continue,
        }
        actions[event.button.id or ""]()

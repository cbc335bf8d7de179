"""The register screen (``b`` from the case list): backups and insatser over time.

It shows when the last backup was made and makes one on request; coordinators add, rename and
close insatser here (the same services as ``tracker backup`` and ``tracker insats``). The app
also offers a backup on exit when the last one is older than the register's reminder setting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from tracker.domain.errors import RuleError
from tracker.i18n import t
from tracker.services import backups, insatser
from tracker.services.session import ROLE_COORDINATOR, ServiceError, Session
from tracker.tui.localise import current_language, localise_bindings
from tracker.tui.widgets import ScreenActions, WritingScreen


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def backup_status(session: Session, lang: str, now: datetime | None = None) -> str:
    """``Senaste säkerhetskopia: …`` (or never), and a reminder when it is due."""
    last = backups.last_backup(session)
    if last is None:
        text = t("backup.never", lang)
    else:
        text = t("backup.last", lang, time=_local(last.at), seq=last.seq)
    if backups.backup_due(session, now):
        days = backups.backup_settings(session).remind_days
        text += " " + t("tui.register.backup_due", lang, days=days)
    return text


def _refusal(error: Exception, lang: str) -> str:
    if isinstance(error, RuleError):
        return " ".join(violation.message(lang) for violation in error.violations)
    if isinstance(error, ServiceError):
        return error.message(lang)
    return t("tui.register.backup_failed", lang, kind=type(error).__name__)


class BackupOnExitDialog(ModalScreen[bool]):
    """Offered on quit when the last backup is too old: back up and quit, or just quit."""

    DEFAULT_CSS = """
    BackupOnExitDialog { align: center middle; }
    BackupOnExitDialog > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: double $accent; background: $surface; padding: 1 2;
    }
    BackupOnExitDialog #buttons { height: auto; margin-top: 1; }
    BackupOnExitDialog Button { margin-right: 2; }
    BackupOnExitDialog #error { color: $text-error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "tui.register.key_stay"),
    ]

    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical():
            yield Static(t("tui.register.exit_title", lang), markup=False)
            yield Static(self.status, markup=False)
            yield Static("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button(t("tui.register.exit_backup", lang), id="backup", variant="primary")
                yield Button(t("tui.register.exit_without", lang), id="quit")

    def on_mount(self) -> None:
        self.query_one("#backup", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quit":
            self.dismiss(True)
            return
        try:
            backups.make_backup(self.app.session)  # type: ignore[attr-defined]
        except Exception as error:  # shown, and the user decides: nothing is lost by staying
            self.query_one("#error", Static).update(_refusal(error, current_language()))
            return
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)


class TextDialog(ModalScreen[bool]):
    """One line of text (a name, a date); ``save`` raises the service's refusal, shown here."""

    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TextDialog #title { text-style: bold; color: $accent; margin-bottom: 1; }
    TextDialog #error { color: $text-error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.cases.key_cancel"),
    ]

    def __init__(self, title: str, initial: str, save: Callable[[str], Any]) -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.save = save
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="title", markup=False)
            yield Input(self.initial, id="value")
            yield Static("", id="error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.save(event.value)
        except (RuleError, ServiceError) as refused:
            self.query_one("#error", Static).update(_refusal(refused, current_language()))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RegisterScreen(WritingScreen):
    """Backups (status, back up now) and the register's insatser (add, rename, close)."""

    COMMANDS: ClassVar = {ScreenActions}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "backup", "tui.register.key_backup"),
        Binding("n", "add_insats", "tui.register.key_add"),
        Binding("m", "rename_insats", "tui.register.key_rename"),
        Binding("c", "close_insats", "tui.register.key_close"),
        Binding("escape", "back", "tui.register.key_back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="backup-status", markup=False)
        yield Static("", id="backup-folder", markup=False)
        yield Static(self.tr("tui.register.insatser_heading"), id="insatser-heading")
        yield DataTable(cursor_type="row", id="insatser")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.tr("tui.register.title")
        table = self.query_one(DataTable)
        table.add_column(self.tr("tui.register.col_insats"), key="name")
        table.add_column(self.tr("tui.register.col_status"), key="status")
        self.refresh_view()
        table.focus()

    def refresh_view(self) -> None:
        session = self.session
        self.query_one("#backup-status", Static).update(backup_status(session, self.lang))
        folder = backups.backup_settings(session).folder
        self.query_one("#backup-folder", Static).update(
            self.tr("backup.settings_folder", folder=str(folder))
        )
        table = self.query_one(DataTable)
        table.clear()
        for insats in insatser.list_insatser(session):
            status = (
                self.tr("tui.register.open")
                if insats.closed_on is None
                else self.tr("tui.register.closed", on=insats.closed_on.isoformat())
            )
            table.add_row(insats.name, status, key=insats.name)

    @property
    def selected_insats(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _after(self, message_key: str, **params: object) -> Callable[[bool | None], None]:
        def done(saved: bool | None) -> None:
            if saved:
                self.refresh_view()
                self.notify(self.tr(message_key, **params))

        return done

    def action_backup(self) -> None:
        try:
            result = backups.make_backup(self.session)
        except Exception as error:
            self.notify(_refusal(error, self.lang), severity="error")
            return
        self.refresh_view()
        self.notify(self.tr("backup.done", path=str(result.backup.path)))

    def _coordinator(self) -> bool:
        """Insatser are changed by coordinators: others are told why, before any dialog."""
        try:
            self.session.require_role(ROLE_COORDINATOR)
        except ServiceError as refused:
            self.notify(refused.message(self.lang), severity="error")
            return False
        return True

    def action_add_insats(self) -> None:
        if not self._coordinator():
            return

        def save(name: str) -> None:
            insatser.add_insats(self.session, name)

        self.app.push_screen(
            TextDialog(self.tr("tui.register.add_title"), "", save),
            self._after("tui.register.saved"),
        )

    def action_rename_insats(self) -> None:
        name = self.selected_insats
        if name is None or not self._coordinator():
            return

        def save(new_name: str) -> None:
            insatser.rename_insats(self.session, name, new_name)

        self.app.push_screen(
            TextDialog(self.tr("tui.register.rename_title", name=name), name, save),
            self._after("tui.register.saved"),
        )

    def action_close_insats(self) -> None:
        name = self.selected_insats
        if name is None or not self._coordinator():
            return

        def save(text: str) -> None:
            try:
                on = date.fromisoformat(text.strip())
            except ValueError:
                raise ServiceError("stats.date_format") from None
            insatser.close_insats(self.session, name, on)

        today = self.session.today().isoformat()
        self.app.push_screen(
            TextDialog(self.tr("tui.register.close_title", name=name), today, save),
            self._after("tui.register.saved"),
        )

    def action_back(self) -> None:
        self.app.pop_screen()


def backup_offer_due(session: Session) -> bool:
    """True when quitting should offer a backup (never fails the quit itself)."""
    try:
        return backups.backup_due(session, datetime.now(UTC))
    except Exception:
        return False

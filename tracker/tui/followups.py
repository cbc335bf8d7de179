"""Follow-ups due: exits whose 6- or 18-month follow-up is due within 30 days or overdue."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from tracker.services import cases
from tracker.tui.forms import FollowUpForm
from tracker.tui.widgets import HELP_KEY, FitColumn, FitTable, WritingScreen

WINDOW_DAYS = 30
DUE_COLUMNS = ("code", "insats", "exit", "months", "due", "state")


class FollowUpsDueScreen(WritingScreen):
    DEFAULT_CSS = """
    FollowUpsDueScreen #heading {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    FollowUpsDueScreen DataTable {
        height: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.cases.key_back"),
        # Enter on the table opens the form too (the table's own Enter hides this key from the
        # footer), so the footer shows u.
        Binding("u", "follow_up", "tui.cases.key_follow_up"),
        HELP_KEY,
    ]

    def __init__(self, insats: str | None = None) -> None:
        super().__init__()
        self.insats = insats
        self._due: list[cases.FollowUpDue] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="heading", markup=False)
        yield FitTable(cursor_type="row", zebra_stripes=True, id="due")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_heading(self.tr("tui.followups_title"), self.insats or "")
        table = self.query_one(FitTable)
        # The insats is the one column that may be shortened: the header names it too.
        table.set_columns(
            [
                FitColumn(
                    key, self.tr(f"tui.followups_col_{key}"), "cut" if key == "insats" else None
                )
                for key in DUE_COLUMNS
            ]
        )
        self.refresh_due()
        table.focus()

    def refresh_due(self, keep: tuple[str, int] | None = None) -> None:
        session = self.session
        today = session.today()
        self._due = cases.follow_ups_due(session, within_days=WINDOW_DAYS, insats=self.insats)
        table = self.query_one(FitTable)
        rows = []
        for item in self._due:
            days = (item.due - today).days
            if item.earliest is not None and today < item.earliest:
                # Listed 30 days ahead, but the window may open a few days later (February).
                state = self.tr("tui.followups_from", date=item.earliest.isoformat())
            elif days < 0:
                state = self.tr("tui.followups_overdue", days=-days)
            elif days == 0:
                state = self.tr("tui.followups_today")
            else:
                state = self.tr("tui.followups_in_days", days=days)
            rows.append(
                (
                    item.code,
                    item.insats,
                    item.exit_date.isoformat(),
                    self.tr("tui.form_months_value", months=item.months),
                    item.due.isoformat(),
                    state,
                )
            )
        table.set_rows(rows)
        if self._due:
            heading = self.tr("tui.followups_count", count=len(self._due), days=WINDOW_DAYS)
        else:
            heading = self.tr("tui.followups_empty", days=WINDOW_DAYS)
        self.query_one("#heading", Static).update(heading)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        # Enter on the table: the same as the follow-up key, refused for reviewers the same way.
        if not self.explain_refusal():
            self.action_follow_up()

    def action_follow_up(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self._due):
            self.notify(self.tr("tui.cases.no_selection"), severity="warning")
            return
        item = self._due[row]
        self.open_form(lambda: FollowUpForm(item.code, item.months, item.episode), self._after)

    def _after(self, result: Any) -> None:
        if result is not None:
            self.refresh_due()

    def action_back(self) -> None:
        self.dismiss(None)

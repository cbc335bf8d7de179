"""Case detail: the participant's timeline as logged, and the ladder level over time.

Corrections and retractions stay visible: the timeline lists every event with who logged it
and when, and marks those a later correction replaced or a retraction withdrew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from tracker.domain.case import (
    CORRECTION,
    EXIT,
    FOLLOW_UP,
    FOLLOW_UP_MISSED_LIST,
    RETRACTION,
    START,
    STEP,
    CaseEvent,
    episodes,
    kind_label,
    summarize_case,
)
from tracker.services import cases
from tracker.services.codelists import current_lists
from tracker.services.session import Lists
from tracker.tui.forms import CorrectForm, RetractForm, ReturningApplicationForm
from tracker.tui.widgets import HELP_KEY, FitColumn, FitTable, LevelChart, WritingScreen, code_label

# Which code list each payload field's codes come from.
_FIELD_LISTS = {
    "referrer": "referrer",
    "reason": "non_start_reason",
    "meeting": "meeting_type",
    "destination": "exit_destination",
    "exit_kind": "exit_kind",
}
# Five columns, so the details have room at 80 columns: the state (replaced, retracted) is a
# second line under the kind, and who recorded an event stands after when.
TIMELINE_COLUMNS = ("col_seq", "col_date", "col_kind", "col_details", "col_recorded")
# At 80 columns the details and "recorded" continue on a second line, never cut.
_FLEX_COLUMNS = {"col_details": "wrap", "col_recorded": "wrap"}


def local_time(recorded_at: str) -> str:
    """The log's UTC timestamp as local ``YYYY-MM-DD HH:MM``."""
    try:
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return recorded_at
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class CaseDetailScreen(WritingScreen):
    DEFAULT_CSS = """
    CaseDetailScreen #info {
        height: auto;
        padding: 0 1;
    }
    CaseDetailScreen #episodes {
        height: auto;
        padding: 0 1;
        color: $text-muted;
        display: none;
    }
    CaseDetailScreen #episodes.-shown {
        display: block;
    }
    CaseDetailScreen #chart-box {
        height: auto;
        padding: 0 1;
        border-bottom: solid $primary;
    }
    CaseDetailScreen .heading {
        color: $text-muted;
    }
    CaseDetailScreen DataTable {
        height: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.cases.key_back"),
        Binding("r", "correct", "tui.cases.key_correct"),
        Binding("m", "retract", "tui.cases.key_retract"),
        # A participant who comes back after an exit or a non-start: a new episode.
        Binding("a", "application", "tui.detail_key_returning", show=False),
        HELP_KEY,
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self._entries: list[cases.TimelineEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="info", markup=False)
        yield Static("", id="episodes", markup=False)
        with Vertical(id="chart-box"):
            yield Static(self.tr("tui.detail_chart_title"), classes="heading", markup=False)
            yield LevelChart("", id="chart", markup=False)
        yield FitTable(cursor_type="row", id="timeline")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_heading(self.tr("tui.detail_title", code=self.code))
        table = self.query_one(FitTable)
        table.set_columns(
            [
                FitColumn(key, self.tr(f"tui.detail_{key}"), _FLEX_COLUMNS.get(key))
                for key in TIMELINE_COLUMNS
            ]
        )
        self.refresh_case()
        table.focus()

    def refresh_case(self, keep_row: int | None = None) -> None:
        session = self.session
        lists = current_lists(session)
        view = cases.get_case(session, self.code)
        self._entries = cases.case_timeline(session, self.code)
        summary = view.summary
        level = summary.current_level
        self.query_one("#info", Static).update(
            self.tr(
                "tui.detail_info",
                insats=view.insats,
                gender=code_label(lists.code_lists["gender"], view.gender, self.lang),
                status=self.tr(f"tui.cases.status_{summary.status}"),
                level="–" if level is None else level,
                days="–" if summary.days_in_insats is None else summary.days_in_insats,
            )
        )
        episodes_line = self.query_one("#episodes", Static)
        episodes_text = self._episodes_text(view)
        episodes_line.update(episodes_text)
        episodes_line.set_class(bool(episodes_text), "-shown")  # no room taken for one
        points = [
            (e.date, e.level)
            for e in view.events
            if e.kind in (START, STEP, EXIT, FOLLOW_UP) and e.level is not None
        ]
        self.query_one(LevelChart).show(lists.ladder, points, self.lang)  # type: ignore[arg-type]
        table = self.query_one(FitTable)
        table.set_rows([self._cells(entry, lists) for entry in self._entries], keep_row)

    def _episodes_text(self, view: cases.CaseView) -> str:
        """One line per episode when the participant came back; nothing for a single one."""
        grouped = episodes(view.events)
        if len(grouped) < 2:
            return ""
        today = self.session.today()
        lines = []
        for number, events in grouped.items():
            summary = summarize_case(events, today)
            opened = summary.application_date or summary.start_date
            closed = summary.exit_date or summary.non_start_date
            lines.append(
                self.tr(
                    "tui.detail_episode",
                    number=number,
                    opened=opened.isoformat() if opened else "",
                    closed=closed.isoformat() if closed else "",
                    status=self.tr(f"tui.cases.status_{summary.status}"),
                )
            )
        return "\n".join(lines)

    def _cells(self, entry: cases.TimelineEntry, lists: Lists) -> tuple[str, ...]:
        payload = entry.payload
        removed = {e.payload["retracts"] for e in self._entries if e.kind == RETRACTION}
        if entry.superseded:
            state = self.tr(
                "tui.detail_retracted" if entry.seq in removed else "tui.detail_replaced"
            )
        else:
            state = ""
        reasons = lists.code_lists["correction_reason"]
        if entry.kind == CORRECTION:
            target = self._original(entry)
            body = payload.get("event", {})
            event = CaseEvent.from_payload(target.kind if target else CORRECTION, body)
            details = self.tr(
                "tui.detail_corrects",
                seq=payload["replaces"],
                reason=code_label(reasons, payload.get("reason"), self.lang),
                details=self._details(event, lists, body.get("gender")),
            )
            day = event.date.isoformat()
        elif entry.kind == RETRACTION:
            details = self.tr(
                "tui.detail_retracts",
                seq=payload["retracts"],
                reason=code_label(reasons, payload.get("reason"), self.lang),
            )
            day = ""
        else:
            event = CaseEvent.from_payload(entry.kind, payload)
            # The opening event's gender only once it was corrected: then old and new show.
            gender_corrected = any(
                e.kind == CORRECTION and "gender" in e.payload.get("event", {})
                for e in self._entries
            )
            details = self._details(
                event, lists, payload.get("gender") if gender_corrected else None
            )
            day = event.date.isoformat()
        kind = kind_label(entry.kind, self.lang)
        return (
            str(entry.seq),
            day,
            f"{kind}\n{state}" if state else kind,
            details,
            f"{local_time(entry.recorded_at)} {entry.user}",
        )

    def _details(self, event: CaseEvent, lists: Lists, gender: str | None = None) -> str:
        parts = []
        if gender is not None:  # the opening event, or a correction of the gender
            parts.append(code_label(lists.code_lists["gender"], gender, self.lang))
        if event.level is not None:
            parts.append(self.tr("tui.detail_level", level=event.level))
        for field_name, list_name in _FIELD_LISTS.items():
            value = getattr(event, field_name)
            if value:
                if field_name == "reason" and event.kind == FOLLOW_UP:
                    missed = code_label(lists.code_lists[FOLLOW_UP_MISSED_LIST], value, self.lang)
                    parts.append(self.tr("tui.detail_not_made", reason=missed))
                    continue
                if field_name == "reason" and event.kind != "non_start":
                    continue
                parts.append(code_label(lists.code_lists[list_name], value, self.lang))
        if event.handover:
            parts.append(self.tr("tui.detail_handover"))
        if event.months is not None:
            parts.append(self.tr("tui.detail_months", months=event.months))
        return " · ".join(parts)

    def _original(self, entry: cases.TimelineEntry) -> cases.TimelineEntry | None:
        """The original event a correction (or a correction of a correction) replaces."""
        by_seq = {e.seq: e for e in self._entries}
        current: cases.TimelineEntry | None = entry
        while current is not None and current.kind == CORRECTION:
            current = by_seq.get(current.payload["replaces"])
        return current

    def _selected_target(self) -> int | None:
        """The effective event the selected timeline row is about, or None (and say why)."""
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self._entries):
            self.notify(self.tr("tui.form_not_case_event"), severity="warning")
            return None
        entry = self._entries[row]
        if entry.kind == RETRACTION:
            self.notify(self.tr("tui.form_not_case_event"), severity="warning")
            return None
        original = self._original(entry)
        return original.seq if original is not None else None

    def _after(self, result: Any) -> None:
        if result is None:
            return
        try:
            self.refresh_case()
        except cases.NotFound:  # the only event was retracted: the case is gone
            self.dismiss(None)

    def action_correct(self) -> None:
        seq = self._selected_target()
        if seq is not None:
            self.open_form(lambda: CorrectForm(self.code, seq), self._after)

    def action_retract(self) -> None:
        seq = self._selected_target()
        if seq is not None:
            self.open_form(lambda: RetractForm(self.code, seq), self._after)

    def action_application(self) -> None:
        self.open_form(lambda: ReturningApplicationForm(self.code), self._after)

    def action_back(self) -> None:
        self.dismiss(None)

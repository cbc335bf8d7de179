"""The action forms: small modal screens over the case list, one per use case.

Each form opens with sensible defaults (today, the current level, the last meeting type),
validates through the same service the CLI uses and shows each broken rule under its field.
Nothing is written unless the service accepts the whole change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from tracker.domain.case import (
    APPLICATION,
    EXIT,
    FOLLOW_UP,
    FOLLOW_UP_MISSED_LIST,
    FOLLOW_UP_MONTHS,
    NON_START,
    START,
    STEP,
    CaseEvent,
    kind_label,
)
from tracker.domain.codelists import CodeList, list_title
from tracker.domain.dates import parse_user_date
from tracker.domain.errors import RuleError, Violation
from tracker.domain.personnummer import looks_like_personnummer
from tracker.i18n import t
from tracker.services import cases
from tracker.services.codelists import current_lists
from tracker.services.session import Lists, ServiceError, Session
from tracker.tui.localise import current_language, localise_bindings
from tracker.tui.widgets import (
    LevelList,
    ScreenActions,
    level_text,
)

_LEVELLED = (START, STEP, EXIT, FOLLOW_UP)


class FormScreen(ModalScreen[Any]):
    """A form: fields, an error line under each, Enter / Ctrl+S saves, Escape cancels."""

    DEFAULT_CSS = """
    FormScreen {
        align: center middle;
    }
    FormScreen > #form {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    FormScreen #title {
        text-style: bold;
        color: $accent;
        margin-bottom: 1;
    }
    FormScreen .label {
        color: $text-muted;
    }
    FormScreen .error {
        color: $text-error;
        display: none;
    }
    FormScreen .error.-shown {
        display: block;
    }
    FormScreen .help {
        color: $text-muted;
        margin-top: 1;
    }
    FormScreen Input, FormScreen Select, FormScreen Checkbox {
        margin-bottom: 0;
    }
    FormScreen LevelList {
        height: auto;
        max-height: 10;
    }
    /* An open choice list unfolds inside the form (which scrolls), not over its border. */
    FormScreen Select > SelectOverlay {
        overlay: none;
        constrain: none none;
        max-height: 10;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.cases.key_cancel"),
        Binding("ctrl+s", "save", "tui.cases.key_save", priority=True),
    ]
    COMMANDS: ClassVar = {ScreenActions}
    FIELDS: ClassVar[tuple[str, ...]] = ()
    FOCUS: ClassVar[str] = "#date"

    def __init__(self, code: str | None = None) -> None:
        super().__init__()
        self.code = code
        localise_bindings(self)
        self.lang = current_language()
        self.lists: Lists = current_lists(self.session)
        self.view = cases.get_case(self.session, code) if code is not None else None

    @property
    def session(self) -> Session:
        # Never kept: the app closes the session when it locks.
        return self.app.session  # type: ignore[attr-defined,no-any-return]

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    # --- building blocks -----------------------------------------------------------------

    def title_text(self) -> str:
        raise NotImplementedError

    def fields(self) -> Iterable[Widget]:
        raise NotImplementedError

    def help_text(self) -> str:
        return self.tr("tui.form_help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(self.title_text(), id="title", markup=False)
            yield from self.fields()
            yield Static("", id="error-general", classes="error", markup=False)
            yield Static(self.help_text(), classes="help", markup=False)

    def on_mount(self) -> None:
        self.query_one(self.FOCUS).focus()

    def labelled(self, name: str, label: str, widget: Widget) -> Iterable[Widget]:
        yield Static(label, classes="label", markup=False)
        yield widget
        yield Static("", id=f"error-{name}", classes="error", markup=False)

    def date_field(self, value: str = "idag", label: str | None = None) -> Iterable[Widget]:
        field = Input(value=value, placeholder=self.tr("tui.form_date_hint"), id="date")
        field.compact = True
        heading = f"{label or self.tr('tui.form_date')}  ({self.tr('tui.form_date_hint')})"
        yield from self.labelled("date", heading, field)

    def select_field(
        self, name: str, code_list: CodeList, value: str | None, *, title: str | None = None
    ) -> Iterable[Widget]:
        options = [(entry.label(self.lang), entry.code) for entry in code_list.entries]
        select: Select[str] = Select(
            options,
            prompt=self.tr("tui.form_blank"),
            value=value if value in code_list else Select.NULL,
            id=name,
            compact=True,
        )
        yield from self.labelled(name, title or list_title(code_list.name, self.lang), select)

    def level_field(self, *, highlight: int | None, allow_none: bool = False) -> Iterable[Widget]:
        current = self.view.summary.current_level if self.view else None
        chooser = LevelList(
            self.lists.ladder,
            self.lang,
            current=current,
            highlight=highlight,
            allow_none=allow_none,
            id="level",
        )
        yield from self.labelled("level", self.tr("tui.form_level"), chooser)

    # --- reading the fields --------------------------------------------------------------

    def read_date(self) -> date:
        field = self.query_one("#date", Input)
        if looks_like_personnummer(field.value):
            field.value = ""  # never keep it on screen
            raise RuleError([Violation("domain.personnummer_refused", {}, "date")])
        return parse_user_date(field.value, self.session.today())

    def read_select(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return None if value is Select.NULL else str(value)

    def read_level(self) -> int | None:
        return self.query_one("#level", LevelList).level

    # --- saving --------------------------------------------------------------------------

    def submit(self) -> Any:
        """Call the service; return what the form dismisses with."""
        raise NotImplementedError

    def saved_message(self, result: Any) -> str:
        raise NotImplementedError

    def _clear_errors(self) -> None:
        for error in self.query(".error"):
            error.remove_class("-shown")
            error.update("")  # type: ignore[attr-defined]

    def _show(self, slot: str, messages: list[str]) -> None:
        widget = self.query_one(f"#error-{slot}", Static)
        widget.update("\n".join(messages))
        widget.add_class("-shown")

    def show_violations(self, violations: list[Violation]) -> None:
        by_slot: dict[str, list[str]] = {}
        for violation in violations:
            slot = violation.field if violation.field in self.FIELDS else "general"
            by_slot.setdefault(slot, []).append(violation.message(self.lang))
        for slot, messages in by_slot.items():
            self._show(slot, messages)

    def action_save(self) -> None:
        self._clear_errors()
        try:
            result = self.submit()
        except RuleError as refused:
            self.show_violations(refused.violations)
            return
        except ServiceError as refused:
            self._show("general", [refused.message(self.lang)])
            return
        self.app.notify(self.saved_message(result))
        # Saved, but something looks wrong (a second step today, an exit to work from level 4).
        for warning in getattr(result, "warnings", ()):
            self.app.notify(warning.message(self.lang), severity="warning", timeout=12)
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # A field's message goes as soon as the field changes: it was about the old value.

    def _field_changed(self, widget: Widget) -> None:
        if widget.id and widget.id in self.FIELDS:
            self.query_one(f"#error-{widget.id}", Static).remove_class("-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._field_changed(event.input)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._field_changed(event.select)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._field_changed(event.checkbox)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._field_changed(event.option_list)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_save()


class ApplicationForm(FormScreen):
    FIELDS = ("insats", "gender", "date", "referrer", "code")
    FOCUS = "#gender"

    def __init__(self, insats: str | None) -> None:
        super().__init__()
        self.insats = insats

    def title_text(self) -> str:
        return self.tr("tui.form_title_application")

    def fields(self) -> Iterable[Widget]:
        names = cases.insats_names(self.session)
        insats: Select[str] = Select(
            [(name, name) for name in names],
            prompt=self.tr("tui.form_blank"),
            value=self.insats if self.insats in names else names[0],
            allow_blank=False,
            id="insats",
            compact=True,
        )
        yield from self.labelled("insats", self.tr("tui.cases.insats_prompt"), insats)
        yield from self.select_field("gender", self.lists.code_lists["gender"], None)
        yield from self.date_field()
        yield from self.select_field("referrer", self.lists.code_lists["referrer"], None)

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        return cases.register_application(
            self.session,
            insats=self.read_select("insats") or "",
            gender=self.read_select("gender") or "",
            on=on,
            referrer=self.read_select("referrer") or "",
        )

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_application", code=result.code)


class ReturningApplicationForm(FormScreen):
    """A new application for a participant who comes back: same code, a new episode."""

    FIELDS = ("date", "referrer", "insats", "gender")
    FOCUS = "#referrer"

    def title_text(self) -> str:
        return self.tr("tui.form_title_returning", code=self.code)

    def fields(self) -> Iterable[Widget]:
        yield from self.date_field()
        yield from self.select_field("referrer", self.lists.code_lists["referrer"], None)

    def submit(self) -> cases.CaseView:
        assert self.view is not None
        return cases.register_application(
            self.session,
            insats=self.view.insats,
            gender=self.view.gender,
            on=self.read_date(),
            referrer=self.read_select("referrer") or "",
            code=self.code,
        )

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_returning", code=result.code, episode=result.summary.episode)


class StartForm(FormScreen):
    FIELDS = ("date", "level")
    FOCUS = "#level"

    def title_text(self) -> str:
        return self.tr("tui.form_title_start", code=self.code)

    def fields(self) -> Iterable[Widget]:
        yield from self.date_field()
        yield from self.level_field(highlight=None, allow_none=True)

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        return cases.start(self.session, code=self.code, on=on, level=self.read_level())

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_start", code=result.code)


class NonStartForm(FormScreen):
    FIELDS = ("date", "reason")
    FOCUS = "#reason"

    def title_text(self) -> str:
        return self.tr("tui.form_title_non_start", code=self.code)

    def fields(self) -> Iterable[Widget]:
        yield from self.date_field()
        yield from self.select_field("reason", self.lists.code_lists["non_start_reason"], None)

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        return cases.non_start(
            self.session, code=self.code or "", on=on, reason=self.read_select("reason") or ""
        )

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_non_start", code=result.code)


class StepForm(FormScreen):
    """The fast path: opens on the level list at the current level, today, last meeting type."""

    FIELDS = ("date", "level", "meeting")
    FOCUS = "#level"

    def title_text(self) -> str:
        return self.tr("tui.form_title_step", code=self.code)

    def fields(self) -> Iterable[Widget]:
        assert self.view is not None
        meetings = [e.meeting for e in self.view.events if e.kind == STEP and e.meeting]
        yield from self.date_field()
        yield from self.level_field(highlight=self.view.summary.current_level)
        yield from self.select_field(
            "meeting", self.lists.code_lists["meeting_type"], meetings[-1] if meetings else None
        )

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        level = self.read_level()
        return cases.log_step(
            self.session,
            code=self.code or "",
            on=on,
            level=level,  # type: ignore[arg-type] (None is refused by the rules, shown inline)
            meeting=self.read_select("meeting"),
        )

    def saved_message(self, result: cases.CaseView) -> str:
        level = result.summary.current_level
        label = level_text(self.lists.ladder, level, self.lang).partition(" ")[2]
        return self.tr("tui.form_saved_step", level=level, label=label)


class ExitForm(FormScreen):
    FIELDS = ("date", "destination", "exit_kind", "handover", "level")
    FOCUS = "#destination"

    def title_text(self) -> str:
        return self.tr("tui.form_title_exit", code=self.code)

    def fields(self) -> Iterable[Widget]:
        assert self.view is not None
        code_lists = self.lists.code_lists
        yield from self.date_field()
        yield from self.select_field("destination", code_lists["exit_destination"], None)
        yield from self.select_field("exit_kind", code_lists["exit_kind"], "avslutad")
        handover = Checkbox(self.tr("tui.form_handover"), value=False, id="handover", compact=True)
        yield handover
        yield Static("", id="error-handover", classes="error", markup=False)
        yield from self.level_field(highlight=self.view.summary.current_level, allow_none=True)

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        return cases.exit_case(
            self.session,
            code=self.code or "",
            on=on,
            destination=self.read_select("destination") or "",
            exit_kind=self.read_select("exit_kind") or "",
            handover=self.query_one("#handover", Checkbox).value,
            level=self.read_level(),
        )

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_exit", code=result.code)


class FollowUpForm(FormScreen):
    """A follow-up made (a level), or closed as not made: a reason and no level."""

    FIELDS = ("date", "months", "level", "reason")
    FOCUS = "#level"

    def __init__(self, code: str, months: int | None = None, episode: int | None = None) -> None:
        super().__init__(code)
        assert self.view is not None
        self.episode = episode
        done = self.view.summary.follow_up_months_done
        missing = [m for m in FOLLOW_UP_MONTHS if m not in done]
        self.months = months or (missing[0] if missing else FOLLOW_UP_MONTHS[0])

    def title_text(self) -> str:
        return self.tr("tui.form_title_follow_up", code=self.code)

    def fields(self) -> Iterable[Widget]:
        assert self.view is not None
        yield from self.date_field()
        months: Select[int] = Select(
            [(self.tr("tui.form_months_value", months=m), m) for m in FOLLOW_UP_MONTHS],
            value=self.months,
            allow_blank=False,
            id="months",
            compact=True,
        )
        yield from self.labelled("months", self.tr("tui.form_months"), months)
        yield from self.level_field(highlight=self.view.summary.current_level)
        yield from self.select_field(
            "reason",
            self.lists.code_lists[FOLLOW_UP_MISSED_LIST],
            None,
            title=self.tr("tui.form_follow_up_missed"),
        )

    def submit(self) -> cases.CaseView:
        on = self.read_date()
        months = self.query_one("#months", Select).value
        reason = self.read_select("reason")
        return cases.follow_up(
            self.session,
            code=self.code or "",
            on=on,
            months=int(months),  # type: ignore[arg-type]
            level=None if reason else self.read_level(),
            reason=reason,
            episode=self.episode,
        )

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr(
            "tui.form_saved_follow_up",
            months=self.query_one("#months", Select).value,
            code=self.code,
        )


class _EventForm(FormScreen):
    """A form about one effective event of the case (correction, retraction)."""

    def __init__(self, code: str, seq: int) -> None:
        super().__init__(code)
        assert self.view is not None
        self.seq = seq
        found = [e for e in self.view.events if e.seq == seq]
        if not found:
            raise ServiceError("tui.form_not_correctable", seq=seq)
        self.event: CaseEvent = found[0]

    def kind_text(self) -> str:
        return kind_label(self.event.kind, self.lang)


class CorrectForm(_EventForm):
    """Every field of the event, filled in with its current values; what differs is saved as
    one correction (the original stays in the timeline, shown as replaced)."""

    FIELDS = (
        "correction_reason",
        "date",
        "gender",
        "referrer",
        "reason",
        "meeting",
        "destination",
        "exit_kind",
        "handover",
        "months",
        "level",
    )
    FOCUS = "#correction_reason"

    def __init__(self, code: str, seq: int) -> None:
        super().__init__(code, seq)
        assert self.view is not None
        opening = next((e for e in self.view.events if e.kind in (APPLICATION, START)), None)
        # Gender belongs to the participant; it is corrected on the event that opened the case.
        self.opening = opening is not None and opening.seq == seq

    def title_text(self) -> str:
        return self.tr(
            "tui.form_title_correct", seq=self.seq, kind=self.kind_text(), code=self.code
        )

    def fields(self) -> Iterable[Widget]:
        assert self.view is not None
        code_lists = self.lists.code_lists
        event, kind = self.event, self.event.kind
        yield from self.select_field("correction_reason", code_lists["correction_reason"], None)
        yield from self.date_field(event.date.isoformat())
        if self.opening:
            yield from self.select_field("gender", code_lists["gender"], self.view.gender)
        if kind == APPLICATION:
            yield from self.select_field("referrer", code_lists["referrer"], event.referrer)
        if kind == NON_START:
            yield from self.select_field("reason", code_lists["non_start_reason"], event.reason)
        if kind == STEP:
            yield from self.select_field("meeting", code_lists["meeting_type"], event.meeting)
        if kind == EXIT:
            yield from self.select_field(
                "destination", code_lists["exit_destination"], event.destination
            )
            yield from self.select_field("exit_kind", code_lists["exit_kind"], event.exit_kind)
            handover = Checkbox(
                self.tr("tui.form_handover"), value=bool(event.handover), id="handover"
            )
            handover.compact = True
            yield handover
            yield Static("", id="error-handover", classes="error", markup=False)
        if kind == FOLLOW_UP:
            months: Select[int] = Select(
                [(self.tr("tui.form_months_value", months=m), m) for m in FOLLOW_UP_MONTHS],
                value=event.months if event.months in FOLLOW_UP_MONTHS else FOLLOW_UP_MONTHS[0],
                allow_blank=False,
                id="months",
                compact=True,
            )
            yield from self.labelled("months", self.tr("tui.form_months"), months)
            yield from self.select_field(
                "reason",
                code_lists[FOLLOW_UP_MISSED_LIST],
                event.reason,
                title=self.tr("tui.form_follow_up_missed"),
            )
        if kind in _LEVELLED:
            optional = kind in (START, EXIT, FOLLOW_UP)
            yield from self.level_field(highlight=event.level, allow_none=optional)

    def read_changes(self) -> dict[str, Any]:
        """The fields whose value differs from the event's (gender: from the case's)."""
        assert self.view is not None
        event, kind = self.event, self.event.kind
        values: dict[str, Any] = {"date": self.read_date()}
        if self.opening:
            values["gender"] = self.read_select("gender")
        for name, kinds in (
            ("referrer", (APPLICATION,)),
            ("reason", (NON_START, FOLLOW_UP)),
            ("meeting", (STEP,)),
            ("destination", (EXIT,)),
            ("exit_kind", (EXIT,)),
        ):
            if kind in kinds:
                values[name] = self.read_select(name)
        if kind == EXIT:
            values["handover"] = self.query_one("#handover", Checkbox).value
        if kind == FOLLOW_UP:
            values["months"] = int(self.query_one("#months", Select).value)  # type: ignore[arg-type]
        if kind in _LEVELLED:
            values["level"] = self.read_level()
        if kind == FOLLOW_UP and values["reason"]:
            values["level"] = None  # not made: nothing was measured
        current = {"gender": self.view.gender}
        return {
            name: value
            for name, value in values.items()
            if value != current.get(name, getattr(event, name, None))
        }

    def submit(self) -> cases.CaseView:
        changes = self.read_changes()
        return cases.correct(
            self.session,
            code=self.code or "",
            seq=self.seq,
            reason=self.read_select("correction_reason") or "",
            changes=changes,
        )

    def show_violations(self, violations: list[Violation]) -> None:
        # The service names the correction's own reason "reason"; here that is the event's.
        moved = [
            Violation(v.key, v.params, "correction_reason")
            if v.key == "service.unknown_correction_reason"
            else v
            for v in violations
        ]
        super().show_violations(moved)

    def saved_message(self, result: cases.CaseView) -> str:
        return self.tr("tui.form_saved_correct", seq=self.seq)


class RetractForm(_EventForm):
    FIELDS = ("reason",)
    FOCUS = "#reason"

    def title_text(self) -> str:
        return self.tr(
            "tui.form_title_retract", seq=self.seq, kind=self.kind_text(), code=self.code
        )

    def help_text(self) -> str:
        return self.tr(
            "tui.form_retract_help", kind=self.kind_text(), date=self.event.date.isoformat()
        )

    def fields(self) -> Iterable[Widget]:
        yield from self.select_field(
            "reason", self.lists.code_lists["correction_reason"], "felregistrering"
        )

    def submit(self) -> bool:
        cases.retract(
            self.session,
            code=self.code or "",
            seq=self.seq,
            reason=self.read_select("reason") or "",
        )
        return True

    def saved_message(self, result: bool) -> str:
        return self.tr("tui.form_saved_retract", seq=self.seq)


class CodeDialog(ModalScreen[None]):
    """The new participant code, shown large until the user dismisses it."""

    DEFAULT_CSS = """
    CodeDialog {
        align: center middle;
    }
    CodeDialog > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        border: double $accent;
        background: $surface;
        padding: 1 2;
    }
    CodeDialog #code {
        text-style: bold;
        color: $accent;
        content-align: center middle;
        width: 100%;
        border: round $accent;
        margin: 1 0;
    }
    CodeDialog .help {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "close", "tui.cases.key_close"),
        Binding("escape", "close", "tui.cases.key_close", show=False),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical():
            yield Static(t("tui.form_code_title", lang), markup=False)
            yield Static(self.code, id="code", markup=False)
            yield Static(t("tui.form_code_body", lang), markup=False)
            yield Static(t("tui.form_code_dismiss", lang), classes="help", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

"""The Reports screen: choose a period, insatser and formats, preview, export a signed bundle.

The preview is the board's view: ``build_report`` (through ``load_facts`` once and
``report_from_facts`` per choice, the same computation) with ``suppress_report`` on top, so a
coordinator sees exactly the cells the bundle will publish. Figures are computed and the bundle
is written in thread workers, so the screen stays responsive on a large register.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    SelectionList,
    Static,
    Switch,
)
from textual.worker import get_current_worker

from tracker.domain.codelists import CodeList
from tracker.domain.dates import parse_user_date
from tracker.domain.errors import RuleError, Violation
from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.reports.bundle import DEFAULT_OUT_DIR, export_bundle
from tracker.reports.cellkey import HIDDEN_MARK, protect_report, protection_note, report_cell_keys
from tracker.reports.suppression import DEFAULT_THRESHOLD
from tracker.reports.tables import goal_source
from tracker.services import cases
from tracker.services import reports as report_service
from tracker.services.codelists import current_lists
from tracker.services.session import ServiceError
from tracker.stats.facts import StatsFacts
from tracker.stats.report import load_facts, report_from_facts
from tracker.tui.widgets import HELP_KEY, WritingScreen, code_label

PERIOD_CHOICES: tuple[str, ...] = (
    "last_half",
    "this_half",
    "last_year",
    "this_year",
    "last_tertial",
    "this_tertial",
    "last_quarter",
    "this_quarter",
    "custom",
)
# Named parts of a year: the label's letter and how many months each part has.
_PARTS = {"half": ("H", 6), "tertial": ("T", 4), "quarter": ("Q", 3)}
# The formats a user may pick; report.json and the manifest are always in the bundle.
OPTIONAL_FORMATS: tuple[str, ...] = ("pdf", "xlsx", "csv")
COLUMNS: tuple[str, ...] = ("kvinna", "man", "ej_angivet", "total")
BAR_WIDTH = 20
LABEL_WIDTH = 24  # a chart's labels
ROW_LABEL_WIDTH = 30  # the figure table's labels: the four columns must fit beside them


# --- choices -------------------------------------------------------------------------------


def named_period(choice: str, today: date) -> Period:
    """The year, half-year, tertial or quarter a choice of PERIOD_CHOICES (but "custom")
    names, seen from today: "this_…" holds today, "last_…" is the one before it."""
    which, _, kind = choice.partition("_")
    if which not in ("this", "last") or kind not in ("year", *_PARTS):
        raise ValueError(f"not a named period: {choice}")
    back = 1 if which == "last" else 0
    if kind == "year":
        return Period.parse(str(today.year - back))
    letter, months = _PARTS[kind]
    count = 12 // months
    index = (today.month - 1) // months - back  # 0-based part of the year, maybe -1
    year = today.year + index // count
    return Period.parse(f"{year}{letter}{index % count + 1}")


def custom_period(first_text: str, last_text: str, today: date) -> Period:
    """A period from two typed dates (any form staff type dates in); RuleError names the field."""
    violations: list[Violation] = []
    ends: list[date] = []
    for text, slot in ((first_text, "from"), (last_text, "to")):
        if not text.strip():
            violations.append(Violation("tui.reports.date_missing", {}, slot))
            continue
        try:
            ends.append(parse_user_date(text, today))
        except RuleError as refused:
            violations.extend(Violation(v.key, v.params, slot) for v in refused.violations)
    if violations:
        raise RuleError(violations)
    first, last = ends
    # Period.parse checks the order and the years a comparison period one year back needs.
    try:
        return Period.parse(f"{first.isoformat()}..{last.isoformat()}")
    except RuleError as refused:
        moved = [Violation(v.key, v.params, "period") for v in refused.violations]
        raise RuleError(moved) from None


# --- what the preview shows ----------------------------------------------------------------


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return t("stats.no_value", lang)
    return f"{round(value * 100)} %"


def count_text(value: object) -> str:
    """A count as published: a number, or its suppression mark as it stands."""
    return str(value)


def share_text(share: Mapping[str, Any], lang: str) -> str:
    if share.get("suppressed"):
        return HIDDEN_MARK
    return percent(share.get("value"), lang)


@dataclass(frozen=True)
class PreviewRow:
    """One row of the key-figure table: a stable key (for tests), a label and four cells."""

    key: str
    label: str
    cells: tuple[str, ...]


def preview_rows(report: Mapping[str, Any], destinations: CodeList, lang: str) -> list[PreviewRow]:
    """The key figures, split by gender: flow, step-up share against goal, destinations,
    follow-ups. Cells are taken from the (suppressed) report as they are."""
    counts, shares = report["counts"], report["shares"]

    def counted(metric: str) -> PreviewRow:
        cells = tuple(count_text(counts[metric][c]) for c in COLUMNS)
        return PreviewRow(metric, t(f"stats.metric.{metric}", lang), cells)

    def shared(metric: str) -> PreviewRow:
        cells = tuple(share_text(shares[metric][c], lang) for c in COLUMNS)
        return PreviewRow(metric, t(f"stats.metric.{metric}", lang), cells)

    rows = [counted(m) for m in ("contacts", "started", "not_started", "exits")]
    rows.append(shared("step_up_share"))
    goal = next((g for g in report.get("goals", ()) if g["metric"] == "step_up_share"), None)
    if goal is not None:
        verdict = t(
            "stats.goal_no_data"
            if goal["met"] is None
            else ("stats.goal_met" if goal["met"] else "stats.goal_not_met"),
            lang,
        )
        if report["shares"]["step_up_share"]["total"].get("suppressed"):
            verdict = HIDDEN_MARK  # hidden with its share (a small base), not "no data"
        label_key = "tui.reports.goal" if goal_source(goal) == "set" else "tui.reports.goal_default"
        label = t(label_key, lang, target=percent(goal["target"], lang))
        rows.append(PreviewRow("step_up_goal", label, ("", "", "", verdict)))
    for code, row in report["breakdowns"]["exits_by_destination"].items():
        label = "  " + code_label(destinations, code, lang)
        cells = tuple(count_text(row[c]) for c in COLUMNS)
        rows.append(PreviewRow(f"destination:{code}", label, cells))
    rows += [counted("followup_6m"), shared("followup_6m_share")]
    rows += [counted("followup_18m"), shared("followup_18m_share")]
    return rows


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _bar(label: str, value: object, largest: int) -> Text:
    line = Text(f"{clip(label, LABEL_WIDTH):<{LABEL_WIDTH}} ")
    if isinstance(value, int) and not isinstance(value, bool):
        filled = round(BAR_WIDTH * value / largest) if largest else 0
        # At least a sliver for a non-zero count, so it never looks like zero.
        filled = max(filled, 1) if value else 0
        line.append("█" * filled, style="bold")
        line.append(f" {value}")
    else:
        line.append(str(value), style="italic")  # a suppression mark: no bar
    return line


def _largest(values: Sequence[object]) -> int:
    return max((v for v in values if isinstance(v, int) and not isinstance(v, bool)), default=0)


def chart_text(report: Mapping[str, Any], destinations: CodeList, lang: str) -> Text:
    """Small horizontal bar charts of the totals: the flow, step-up against goal, destinations."""
    counts = report["counts"]
    out = Text()
    out.append(t("tui.reports.chart_flow", lang) + "\n", style="bold")
    flow = ("contacts", "started", "not_started", "exits")
    largest = _largest([counts[m]["total"] for m in flow])
    for metric in flow:
        out.append_text(_bar(t(f"stats.metric.{metric}", lang), counts[metric]["total"], largest))
        out.append("\n")

    out.append("\n" + t("tui.reports.chart_step_up", lang) + "\n", style="bold")
    share = report["shares"]["step_up_share"]["total"]
    goal = next((g for g in report.get("goals", ()) if g["metric"] == "step_up_share"), None)
    target = goal["target"] if goal else None
    cells = [" "] * (BAR_WIDTH + 1)
    if share.get("value") is not None:
        for i in range(round(BAR_WIDTH * share["value"])):
            cells[i] = "█"
    line = Text(f"{'':<{LABEL_WIDTH}} ")
    for i, char in enumerate(cells):
        if target is not None and i == round(BAR_WIDTH * target):
            line.append("│", style="bold reverse" if char == "█" else "bold")
        else:
            line.append(char if char == "█" else "·", style="bold" if char == "█" else "dim")
    line.append(f" {share_text(share, lang)}")
    out.append_text(line)
    out.append("\n")
    if goal is not None and target is not None:
        legend_key = (
            "tui.reports.chart_goal_legend"
            if goal_source(goal) == "set"
            else "tui.reports.chart_goal_legend_default"
        )
        legend = t(legend_key, lang, target=percent(target, lang))
        out.append(f"{'':<{LABEL_WIDTH}} {legend}\n", style="dim")

    out.append("\n" + t("tui.reports.chart_destinations", lang) + "\n", style="bold")
    by_destination = report["breakdowns"]["exits_by_destination"]
    largest = _largest([row["total"] for row in by_destination.values()])
    shown = [(code, row) for code, row in by_destination.items() if row["total"] != 0]
    if not shown:
        out.append(t("tui.reports.chart_empty", lang) + "\n", style="dim")
    for code, row in shown:
        out.append_text(_bar(code_label(destinations, code, lang), row["total"], largest))
        out.append("\n")
    return out


# --- the screen ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the preview was computed for; the export uses the same."""

    period: Period
    insatser: tuple[str, ...] | None  # None: every insats
    suppression: bool


class ReportsScreen(WritingScreen):
    """Pick a period, insatser and formats; preview the board's figures; export the bundle.

    A WritingScreen for the shared pieces (session, catalog, palette); it has no writing
    actions, so reviewers use it fully."""

    # Below 110 columns the preview goes beneath the choices, so its table has the full width.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (110, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.cases.key_back"),
        Binding("ctrl+e", "export", "tui.reports.key_export", key_display="Ctrl+E"),
        HELP_KEY,
    ]

    def __init__(self, out_dir: Path = DEFAULT_OUT_DIR) -> None:
        super().__init__()
        self.out_dir = out_dir
        self.insatser: list[str] = []
        self.threshold = DEFAULT_THRESHOLD
        self.may_unsuppress = False
        self.may_set_forbund = False
        self.forbund: str | None = None  # the register's setting, for the title page
        self.choice: Choice | None = None  # the choice on screen, None while it is not valid
        self.shown: Choice | None = None  # the choice the preview shows
        self.report: dict[str, Any] | None = None  # the previewed (suppressed) report
        self.bundle_path: Path | None = None
        self.exporting = False
        self._facts: StatsFacts | None = None
        self._destinations: CodeList | None = None

    # --- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        session = self.session
        today = session.today()
        self.insatser = cases.insats_names(session)
        self.threshold = report_service.suppression_threshold(session)
        self.may_unsuppress = report_service.may_export_unsuppressed(session)
        self.may_set_forbund = report_service.may_set_forbund(session)
        self.forbund = report_service.forbund(session)
        self._destinations = current_lists(session).code_lists["exit_destination"]
        periods = []
        for choice in PERIOD_CHOICES:
            label = self.tr(f"tui.reports.period_{choice}")
            if choice != "custom":
                label = f"{label} ({named_period(choice, today).label})"
            periods.append((label, choice))
        yield Header()
        with Container(id="reports-body"):
            with VerticalScroll(id="report-choices"):
                yield Label(self.tr("tui.reports.period"), classes="field-label")
                yield Select(
                    periods, value=PERIOD_CHOICES[0], allow_blank=False, id="period", compact=True
                )
                with Horizontal(id="custom-period"):
                    yield Input(placeholder=self.tr("tui.reports.from"), id="from", compact=True)
                    yield Input(placeholder=self.tr("tui.reports.to"), id="to", compact=True)
                yield Static("", id="period-error", classes="status", markup=False)
                yield Label(self.tr("tui.reports.insatser"), classes="field-label")
                yield SelectionList[str](
                    *((name, name, True) for name in self.insatser),
                    id="report-insatser",
                    compact=True,
                )
                yield Label(self.tr("tui.reports.formats"), classes="field-label")
                yield SelectionList[str](
                    *((fmt.upper(), fmt, True) for fmt in OPTIONAL_FORMATS),
                    id="formats",
                    compact=True,
                )
                yield Static(self.tr("tui.reports.json_always"), classes="hint", markup=False)
                yield Label(self.tr("tui.reports.forbund"), classes="field-label")
                if self.may_set_forbund:
                    with Horizontal(id="forbund-row"):
                        yield Input(
                            self.forbund or "",
                            placeholder=self.tr("tui.reports.forbund_placeholder"),
                            id="forbund",
                            compact=True,
                        )
                        yield Button(
                            self.tr("tui.reports.forbund_save"), id="save-forbund", compact=True
                        )
                else:
                    yield Static(
                        self.forbund or self.tr("tui.reports.forbund_unset"),
                        id="forbund-name",
                        markup=False,
                    )
                yield Static("", id="forbund-status", classes="status", markup=False)
                if self.may_unsuppress:
                    with Horizontal(id="suppression-row"):
                        yield Switch(value=True, id="suppression")
                        yield Label(
                            self.tr("tui.reports.suppression", threshold=self.threshold),
                            id="suppression-label",
                        )
                    yield Static(
                        self.tr("tui.reports.unsuppressed_warning"),
                        id="unsuppressed-warning",
                        classes="hint -warning",
                        markup=False,
                    )
                yield Button(self.tr("tui.reports.export_button"), id="export", variant="primary")
                yield ProgressBar(id="export-progress", show_eta=False)
                yield Static("", id="export-status", classes="status", markup=False)
            with VerticalScroll(id="report-preview"):
                yield Static("", id="preview-heading", markup=False)
                yield DataTable[str](id="figures", cursor_type="none", zebra_stripes=True)
                yield Static("", id="charts")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_heading(self.tr("tui.reports.title"), "")
        table = self.query_one("#figures", DataTable)
        table.add_column(self.tr("stats.col_metric"), key="metric")
        for column in COLUMNS:
            table.add_column(self.tr(f"stats.col.{column}"), key=column)
        self.query_one("#custom-period").display = False
        self.query_one("#export-progress").display = False
        self.query_one("#period", Select).focus()
        self.refresh_preview()

    # --- reading the choices -------------------------------------------------------------

    def read_choice(self, *, explain: bool) -> Choice | None:
        """The choice on screen, or None (with the reasons shown when ``explain``)."""
        error = self.query_one("#period-error", Static)
        period_choice = str(self.query_one("#period", Select).value)
        try:
            if period_choice == "custom":
                period = custom_period(
                    self.query_one("#from", Input).value,
                    self.query_one("#to", Input).value,
                    self.session.today(),
                )
            else:
                period = named_period(period_choice, self.session.today())
            period.check_not_future(self.session.today())
        except RuleError as refused:
            if explain:
                error.update("\n".join(self._violation_text(v) for v in refused.violations))
                error.add_class("-error")
            else:
                error.update(self.tr("tui.reports.custom_hint"))
                error.remove_class("-error")
            return None
        error.update("")
        error.remove_class("-error")
        selected = self.query_one("#report-insatser", SelectionList).selected
        if not selected:
            if explain:
                self.notify(self.tr("tui.reports.no_insats"), severity="error")
            return None
        # Every insats ticked reads as "all", so the report says so rather than listing them.
        ordered = tuple(name for name in self.insatser if name in selected)
        insatser = None if len(ordered) == len(self.insatser) else ordered
        return Choice(period, insatser, self._suppression_on())

    def _violation_text(self, violation: Violation) -> str:
        message = violation.message(self.lang)
        if violation.field in ("from", "to"):
            return f"{self.tr(f'tui.reports.{violation.field}')}: {message}"
        return message

    def _suppression_on(self) -> bool:
        if not self.may_unsuppress:
            return True  # staff never see the switch: their reports are always suppressed
        return bool(self.query_one("#suppression", Switch).value)

    def formats(self) -> set[str]:
        """The bundle's formats: the ticked ones, and json always."""
        return {"json", *self.query_one("#formats", SelectionList).selected}

    # --- reacting to the choices ---------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "period":
            custom = event.value == "custom"
            self.query_one("#custom-period").display = custom
            if custom:
                self.query_one("#from", Input).focus()
            self.refresh_preview()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if event.selection_list.id == "report-insatser":
            self.refresh_preview()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "suppression":
            self.query_one("#unsuppressed-warning").set_class(not event.value, "-shown")
            self.refresh_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("from", "to"):
            self.refresh_preview(explain=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("from", "to"):
            event.stop()
            self.refresh_preview(explain=True)
        elif event.input.id == "forbund":
            event.stop()
            self.save_forbund()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            event.stop()
            self.action_export()
        elif event.button.id == "save-forbund":
            event.stop()
            self.save_forbund()

    def save_forbund(self) -> None:
        """A coordinator sets the förbund's name (a logged register setting) for every report."""
        status = self.query_one("#forbund-status", Static)
        field = self.query_one("#forbund", Input)
        try:
            self.forbund = report_service.set_forbund(self.session, field.value)
        except ServiceError as refused:
            message = refused.message(self.lang)
        except RuleError as refused:
            message = " ".join(v.message(self.lang) for v in refused.violations)
        else:
            field.value = self.forbund
            status.remove_class("-error")
            status.update(self.tr("tui.reports.forbund_saved", forbund=self.forbund))
            self._facts = None  # the setting added an event: the preview reads afresh
            return
        status.add_class("-error")
        status.update(message)
        field.focus()

    def refresh_preview(self, *, explain: bool = True) -> None:
        """Recompute the preview for the choice on screen (in a worker)."""
        self.choice = self.read_choice(explain=explain)
        if self.choice is None:
            self._show_nothing()
            return
        self.query_one("#preview-heading", Static).update(self.tr("tui.reports.computing"))
        self._compute(self.choice)

    def _show_nothing(self) -> None:
        self.shown, self.report = None, None
        self.query_one("#figures", DataTable).clear()
        self.query_one("#charts", Static).update("")
        self.query_one("#preview-heading", Static).update(self.tr("tui.reports.no_preview"))

    @work(thread=True, exclusive=True, group="preview")
    def _compute(self, choice: Choice) -> None:
        worker = get_current_worker()
        try:
            if self._facts is None:
                self._facts = load_facts(self.session)
            facts = self._facts
            if choice.suppression:
                # As the export will: a closed period's figures frozen at its first export.
                frozen = report_service.frozen_head(self.session, choice.period, choice.insatser)
                if frozen is not None:
                    facts = load_facts(self.session, frozen)
            report = report_from_facts(facts, choice.period, choice.insatser)
            if choice.suppression:
                secret = report_service.cell_key_secret(self.session)
                keys = report_cell_keys(facts, choice.period, choice.insatser, secret)
                report = protect_report(report, keys, self.threshold)
        except ServiceError as refused:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._preview_failed, refused.message(self.lang))
            return
        except Exception:  # locked mid-way or unreadable: one line, never a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self._preview_failed, self.tr("tui.reports.failed"))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_preview, choice, report)

    def _preview_failed(self, message: str) -> None:
        self._show_nothing()
        self.query_one("#preview-heading", Static).update(message)

    def _show_preview(self, choice: Choice, report: dict[str, Any]) -> None:
        if choice != self.choice:
            return  # the choices changed while this was computed; a newer worker follows
        assert self._destinations is not None
        self.shown, self.report = choice, report
        period = report["period"]
        heading = self.tr(
            "tui.reports.preview_heading",
            label=period["label"],
            first=period["first"],
            last=period["last"],
            insatser=", ".join(report["insatser"]),
            seq=report["as_of"]["seq"],
        )
        if choice.suppression:
            note = self.tr(
                "tui.reports.preview_suppressed",
                protection=protection_note(self.threshold, self.lang),
            )
        else:
            note = self.tr("tui.reports.preview_internal")
        if not choice.period.has_ended(self.session.today()):
            preliminary = self.tr("tables.mark.preliminary", last=period["last"])
            note = f"{preliminary}\n{note}"
        if any(goal_source(goal) != "set" for goal in report.get("goals", ())):
            note = f"{note}\n{self.tr('tui.reports.goals_how_to_set')}"
        self.query_one("#preview-heading", Static).update(f"{heading}\n{note}")
        table = self.query_one("#figures", DataTable)
        table.clear()
        for row in preview_rows(report, self._destinations, self.lang):
            figures = (Text(cell, justify="right") for cell in row.cells)
            table.add_row(clip(row.label, ROW_LABEL_WIDTH), *figures, key=row.key)
        self.query_one("#charts", Static).update(chart_text(report, self._destinations, self.lang))

    # --- exporting -----------------------------------------------------------------------

    def action_export(self) -> None:
        if self.exporting:
            self.notify(self.tr("tui.reports.export_busy"), severity="warning")
            return
        choice = self.read_choice(explain=True)
        if choice is None:
            return
        self.exporting = True
        self.bundle_path = None
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        status = self.query_one("#export-status", Static)
        status.remove_class("-error")
        status.update(self.tr("tui.reports.exporting"))
        self._export(choice, self.formats())

    @work(thread=True, exclusive=True, group="export")
    def _export(self, choice: Choice, formats: set[str]) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            path = export_bundle(
                self.session,
                choice.period,
                list(choice.insatser) if choice.insatser is not None else None,
                formats=formats,
                out_dir=self.out_dir,
                suppression=choice.suppression,
                progress=progress,
                lang=self.lang,
            )
        except ServiceError as refused:
            self.app.call_from_thread(self._export_failed, refused.message(self.lang))
            return
        except RuleError as refused:
            self.app.call_from_thread(
                self._export_failed, " ".join(v.message(self.lang) for v in refused.violations)
            )
            return
        except OSError:
            # The OS's own words would be English; the folder is what the user can fix.
            message = self.tr("tui.reports.export_os_error", folder=str(self.out_dir.resolve()))
            self.app.call_from_thread(self._export_failed, message)
            return
        except Exception:  # never a traceback to the user
            self.app.call_from_thread(self._export_failed, self.tr("tui.reports.failed"))
            return
        self.app.call_from_thread(self._exported, path)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=total, progress=done)

    def _export_failed(self, message: str) -> None:
        self.exporting = False
        self.query_one("#export-progress").display = False
        status = self.query_one("#export-status", Static)
        status.add_class("-error")
        status.update(message)
        self.notify(message, severity="error")

    def _exported(self, path: Path) -> None:
        self.exporting = False
        self.bundle_path = path
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        # The full path: "exports/…" alone does not say where the program was started.
        message = self.tr("tui.reports.exported", path=str(path.resolve()))
        self.query_one("#export-status", Static).update(message)
        self.notify(message)
        if self.app.is_web:
            # Served by `tracker serve`: the path is on the server, so the bundle also goes to
            # the user's browser as a download (in a terminal the path is the delivery).
            self.app.deliver_binary(path, save_filename=path.name, mime_type="application/zip")
        # The export added an audit record: the next preview reads the register afresh.
        self._facts = None
        self.refresh_preview()

    def action_back(self) -> None:
        self.dismiss()

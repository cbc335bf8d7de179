"""The home screen: the case list of the chosen insats, with filters and the daily actions.

Rows are built once per load and filtered in memory, so typing in the search field or
switching filters never goes back to the database; a write reloads the list and keeps the
selection. The screen never keeps a Session: it asks the app for the current one each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from tracker.domain.codelists import CodeList, Ladder
from tracker.domain.participant_code import normalize_code
from tracker.domain.personnummer import looks_like_personnummer
from tracker.i18n import t
from tracker.services import cases
from tracker.services.codelists import current_lists
from tracker.tui.detail import CaseDetailScreen
from tracker.tui.followups import FollowUpsDueScreen
from tracker.tui.forms import (
    ApplicationForm,
    CodeDialog,
    ExitForm,
    FollowUpForm,
    NonStartForm,
    StartForm,
    StepForm,
)
from tracker.tui.reports import ReportsScreen
from tracker.tui.widgets import (
    HELP_KEY,
    FitColumn,
    FitTable,
    WritingScreen,
    code_label,
    level_text,
)

FILTERS: tuple[str, ...] = ("all", "active", "applications", "exited", "follow_up")
FOLLOW_UP_WINDOW_DAYS = 30
PAGE_SIZE = 100
CASE_COLUMNS = (
    "col_code",
    "col_gender",
    "col_status",
    "col_level",
    "col_days",
    "col_last_event",
    "col_next_follow_up",
)
_STATUS_OF_FILTER = {"active": "active", "applications": "application", "exited": "exited"}


@dataclass(frozen=True)
class ListRow:
    """One case with its cells rendered once; filtering only picks rows."""

    case: cases.CaseRow
    cells: tuple[str, ...]


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def build_rows(
    rows: list[cases.CaseRow],
    *,
    ladder: Ladder,
    genders: CodeList,
    today: date,
    lang: str,
) -> list[ListRow]:
    """The cells of each case: code, gender, status, level, days, last event, next follow-up.
    Full texts: the table shortens the level to the width there is (and again on resize)."""
    built = []
    for row in rows:
        level = level_text(ladder, row.current_level, lang)
        days = ""
        if row.start_date is not None:
            days = str(((row.exit_date or today) - row.start_date).days)
        cells = (
            row.code,
            code_label(genders, row.gender, lang),
            t(f"tui.cases.status_{row.status}", lang),
            level,
            days,
            _iso(row.last_event_date),
            _iso(row.next_follow_up_due),
        )
        built.append(ListRow(row, cells))
    return built


def filter_rows(rows: list[ListRow], kind: str, search: str, today: date) -> list[ListRow]:
    """The rows a filter (one of FILTERS) and a code search keep, in list order."""
    status = _STATUS_OF_FILTER.get(kind)
    horizon = today + timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    needle = normalize_code(search)
    kept = []
    for row in rows:
        case = row.case
        if status is not None and case.status != status:
            continue
        if kind == "follow_up" and (
            case.next_follow_up_due is None or case.next_follow_up_due > horizon
        ):
            continue
        if needle and needle not in case.code:
            continue
        kept.append(row)
    return kept


class CaseTable(FitTable):
    """The case list's table: the arrow keys run on past a page's end into the next page."""

    class PageEdge(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageEdge(1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.PageEdge(-1))
        else:
            super().action_cursor_up()


class CaseListScreen(WritingScreen):
    """The home screen the app shows after unlocking."""

    DEFAULT_CSS = """
    CaseListScreen #top {
        height: 1;
    }
    CaseListScreen #insats {
        width: 30;
    }
    CaseListScreen #search {
        width: 1fr;
    }
    CaseListScreen #count {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    CaseListScreen #filters {
        height: 1;
        color: $text-muted;
    }
    CaseListScreen #notice {
        height: auto;
        color: $text-error;
        display: none;
    }
    CaseListScreen #notice.-shown {
        display: block;
    }
    CaseListScreen #first-steps {
        height: auto;
        padding: 1 2;
        border: round $primary;
        display: none;
    }
    CaseListScreen #first-steps.-shown {
        display: block;
    }
    CaseListScreen DataTable {
        height: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer fits 80 columns in both languages: the daily keys, then reports, help
        # and (the app's) lock. The rest are in the help (F1) and the command palette.
        Binding("s", "step", "tui.cases.key_step"),
        Binding("a", "application", "tui.cases.key_application"),
        Binding("x", "exit", "tui.cases.key_exit"),
        Binding("f", "follow_ups_due", "tui.cases.key_follow_ups_due"),
        Binding("r", "reports", "tui.reports.key_reports"),
        HELP_KEY,
        Binding("t", "start", "tui.cases.key_start", show=False),
        Binding("e", "non_start", "tui.cases.key_non_start", show=False),
        Binding("u", "follow_up", "tui.cases.key_follow_up", show=False),
        Binding("b", "register", "tui.register.key_open", show=False),
        Binding("slash", "search", "tui.cases.key_search", key_display="/", show=False),
        Binding("i", "choose_insats", "tui.cases.key_insats", show=False),
        Binding("escape", "clear_search", "tui.cases.key_clear_search", show=False),
        Binding("enter", "detail", "tui.cases.key_detail", show=False),
        Binding("0", "filter('all')", "tui.cases.key_filter_all", show=False),
        Binding("1", "filter('active')", "tui.cases.key_filter_active", show=False),
        Binding("2", "filter('applications')", "tui.cases.key_filter_applications", show=False),
        Binding("3", "filter('exited')", "tui.cases.key_filter_exited", show=False),
        Binding("4", "filter('follow_up')", "tui.cases.key_filter_follow_up", show=False),
    ]
    PALETTE_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"start", "non_start", "follow_up", "search", "choose_insats", "detail"}
    )

    def __init__(self) -> None:
        super().__init__()
        # Read on first compose, not here: the app may build the screen before it unlocks.
        self.insatser: list[str] = []
        self.insats: str | None = None
        self.filter = "all"
        self.search = ""
        self._all: list[ListRow] = []
        self._filtered: list[ListRow] = []  # every row the filter and search keep
        self._shown: list[ListRow] = []  # the page in the table
        self.page = 0

    def compose(self) -> ComposeResult:
        if not self.insatser:
            self.insatser = cases.insats_names(self.session)
            self.insats = self.insatser[0] if self.insatser else None
        yield Header()
        with Horizontal(id="top"):
            if len(self.insatser) > 1:
                yield Select(
                    [(name, name) for name in self.insatser],
                    value=self.insats,
                    allow_blank=False,
                    id="insats",
                    compact=True,
                )
            search = Input(placeholder=self.tr("tui.cases.search_placeholder"), id="search")
            search.compact = True
            yield search
            yield Static("", id="count", markup=False)
        yield Static("", id="filters")
        yield Static("", id="notice", markup=False)
        yield Static(self.tr("tui.cases.first_steps"), id="first-steps", markup=False)
        table = CaseTable(cursor_type="row", zebra_stripes=True, id="cases")
        yield table
        # The palette (ctrl+p) still works; its footer hint would push actions off 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_heading(self.tr("tui.cases.title"), self.insats or "")
        table = self.query_one(CaseTable)
        table.set_columns(
            [
                FitColumn(key, self.tr(f"tui.cases.{key}"), "cut" if key == "col_level" else None)
                for key in CASE_COLUMNS
            ]
        )
        self.reload()
        if not cases.may_write(self.session):
            self._notice(self.tr("tui.cases.read_only"))
        table.focus()

    # --- loading and filtering -----------------------------------------------------------

    def _build(self, rows: list[cases.CaseRow]) -> list[ListRow]:
        session = self.session
        lists = current_lists(session)
        return build_rows(
            rows,
            ladder=lists.ladder,
            genders=lists.code_lists["gender"],
            today=session.today(),
            lang=self.lang,
        )

    def reload(self, select: str | None = None) -> None:
        """Read the insats's cases again and keep or move the selection."""
        keep = select or self.selected_code
        self._all = self._build(cases.list_cases(self.session, insats=self.insats))
        self.apply_filter(keep)

    def refresh_case(self, code: str) -> None:
        """After a write: read just that case again (fast with thousands of rows)."""
        fresh = self._build(cases.list_cases(self.session, insats=self.insats, code=code))
        rest = [row for row in self._all if row.case.code != code]
        # Rows stay in code order, as list_cases returns them.
        self._all = sorted(rest + fresh, key=lambda row: row.case.code)
        self.apply_filter(code)

    def apply_filter(self, keep: str | None = None) -> None:
        """Filter in memory, then show the page holding ``keep`` (or the selection)."""
        keep = keep or self.selected_code
        self._filtered = filter_rows(self._all, self.filter, self.search, self.session.today())
        index = next((i for i, row in enumerate(self._filtered) if row.case.code == keep), 0)
        self._show_page(index // PAGE_SIZE, index % PAGE_SIZE)

    def _show_page(self, page: int, row: int) -> None:
        # A DataTable measures every cell it is given, so it gets one page, not 5,000 rows.
        self.page = page
        self._shown = self._filtered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        self.query_one(CaseTable).set_rows([row.cells for row in self._shown], cursor_row=row)
        self._update_labels()

    def on_case_table_page_edge(self, event: CaseTable.PageEdge) -> None:
        pages = max(1, -(-len(self._filtered) // PAGE_SIZE))
        if event.step > 0 and self.page + 1 < pages:
            self._show_page(self.page + 1, 0)
        elif event.step < 0 and self.page > 0:
            self._show_page(self.page - 1, PAGE_SIZE - 1)

    def _update_labels(self) -> None:
        count = self.tr(
            "tui.cases.count",
            shown=len(self._filtered),
            total=len(self._all),
            filter=self.tr(f"tui.cases.filter_{self.filter}"),
        )
        if len(self._filtered) > PAGE_SIZE:
            first = self.page * PAGE_SIZE + 1
            count += " · " + self.tr(
                "tui.cases.rows", first=first, last=first + len(self._shown) - 1
            )
        self.query_one("#count", Static).update(count)
        # An empty insats (a new register): say what to do first instead of an empty table.
        self.query_one("#first-steps").set_class(not self._all, "-shown")
        bar = Text()
        for number, name in enumerate(FILTERS):
            label = f" {number} {self.tr(f'tui.cases.filter_{name}')} "
            bar.append(label, style="reverse bold" if name == self.filter else "")
        self.query_one("#filters", Static).update(bar)

    def _notice(self, message: str) -> None:
        notice = self.query_one("#notice", Static)
        notice.update(message)
        notice.set_class(bool(message), "-shown")

    @property
    def selected_code(self) -> str | None:
        if not self._shown or not self.is_mounted:
            return None
        row = self.query_one(CaseTable).cursor_row
        return self._shown[row].case.code if 0 <= row < len(self._shown) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if looks_like_personnummer(event.value):
            # Never keep (or echo) something shaped like a personnummer.
            event.input.value = ""
            self._notice(t("domain.personnummer_refused", self.lang))
            return
        # The refusal stays while only a digit is left: a number is refused as soon as it is a
        # personnummer with the check digit dropped, so its last digit may still arrive.
        if event.value and not (len(event.value) == 1 and event.value.isdigit()):
            self._notice("")
        self.search = event.value
        self.apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            event.stop()
            self.query_one(DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "insats" and event.value != self.insats:
            self.insats = str(event.value)
            self.sub_title = self.insats
            self.reload()
            self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    # --- actions -------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.query_one(CaseTable).focus()

    def action_choose_insats(self) -> None:
        if len(self.insatser) > 1:
            self.query_one("#insats", Select).focus()

    def action_filter(self, name: str) -> None:
        self.filter = name
        self.apply_filter()

    def _selected_or_say(self) -> str | None:
        code = self.selected_code
        if code is None:
            self.notify(self.tr("tui.cases.no_selection"), severity="warning")
        return code

    def _after_write(self, result: Any) -> None:
        if result is None:
            return
        code = getattr(result, "code", None)
        if code is None:
            self.reload()
        else:
            self.refresh_case(code)

    def _case_form(self, form_class: type) -> None:
        code = self._selected_or_say()
        if code is not None:
            self.open_form(lambda: form_class(code), self._after_write)

    def action_step(self) -> None:
        self._case_form(StepForm)

    def action_start(self) -> None:
        self._case_form(StartForm)

    def action_non_start(self) -> None:
        self._case_form(NonStartForm)

    def action_exit(self) -> None:
        self._case_form(ExitForm)

    def action_follow_up(self) -> None:
        self._case_form(FollowUpForm)

    def action_application(self) -> None:
        def after(result: cases.CaseView | None) -> None:
            if result is None:
                return
            # A new application shows under "all" and "pending applications" only.
            if self.filter not in ("all", "applications"):
                self.filter = "all"
            self.search = ""
            self.query_one("#search", Input).value = ""
            self.refresh_case(result.code)
            self.app.push_screen(CodeDialog(result.code))

        self.open_form(lambda: ApplicationForm(self.insats), after)

    def action_detail(self) -> None:
        code = self._selected_or_say()
        if code is not None:
            self.app.push_screen(CaseDetailScreen(code), lambda _r: self.refresh_case(code))

    def action_follow_ups_due(self) -> None:
        self.app.push_screen(FollowUpsDueScreen(self.insats), lambda _r: self.reload())

    def action_reports(self) -> None:
        self.app.push_screen(ReportsScreen())

    def action_register(self) -> None:
        from tracker.tui.register import RegisterScreen

        self.app.push_screen(RegisterScreen(), lambda _result: self._after_register())

    def _after_register(self) -> None:
        # Insatser may have been added or renamed there.
        self.insatser = cases.insats_names(self.session)
        if self.insats not in self.insatser:
            self.insats = self.insatser[0] if self.insatser else None
        self.reload()

"""Pieces shared by the case screens: translated bindings, palette commands, level widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from tracker.domain.codelists import CodeList, Ladder
from tracker.i18n import t
from tracker.services import cases, registers
from tracker.services.session import PermissionDenied, ServiceError, Session
from tracker.tui.localise import current_language, localise_bindings

NO_LEVEL = "none"


def role_refusal(session: Session, lang: str) -> str | None:
    """The service's own refusal when the user may not write, else None."""
    try:
        session.require_writer()
    except PermissionDenied as refused:
        return refused.message(lang)
    return None


class ScreenActions(Provider):
    """Command palette entries for the shown bindings of the screen the palette opened over,
    and for the hidden ones the screen names in ``PALETTE_ACTIONS`` (kept out of a full footer)."""

    def _commands(self) -> Iterator[tuple[str, str, Any]]:
        screen = self.screen
        lang = current_language()
        extra = getattr(screen, "PALETTE_ACTIONS", frozenset())
        seen: set[str] = set()
        for _key, binding in screen._bindings:
            shown = binding.show or binding.action in extra
            if not shown or binding.action in seen or not binding.description:
                continue
            if screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)

            async def run(action: str = binding.action) -> None:
                if screen.check_action(action, ()) is True:
                    await screen.run_action(action)
                elif isinstance(screen, WritingScreen):
                    screen.explain_refusal()

            key = binding.key_display or binding.key
            yield binding.description, t("tui.cases.command_help", lang, key=key), run

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


@dataclass(frozen=True)
class FitColumn:
    """A column of a FitTable. ``flex`` columns share the width the others leave: ``"cut"``
    ends a long text with "…" (one line per row), ``"wrap"`` continues it on more lines."""

    key: str
    label: str
    flex: str | None = None
    min_width: int = 8


def _widest(text: str) -> int:
    return max(cell_len(line) for line in text.split("\n"))


def shorten(text: str, width: int) -> str:
    """``text`` within ``width`` terminal cells, ending in "…" when cut."""
    if cell_len(text) <= width:
        return text
    cut = Text(text)
    cut.truncate(max(width, 1), overflow="ellipsis")
    return cut.plain


class FitTable(DataTable[str]):
    """A table that fits its width, at 80 columns and after every resize: the fixed columns
    (dates, codes, states) are as wide as their widest cell and never cut; the flex columns
    share the rest. Labels may have two lines ("Senaste\nhändelse")."""

    DEFAULT_CSS = """
    FitTable {
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._specs: list[FitColumn] = []
        self._cells: list[tuple[str, ...]] = []
        self._fitted_width = -1

    def set_columns(self, columns: Sequence[FitColumn]) -> None:
        self._specs = list(columns)
        self.clear(columns=True)
        for spec in self._specs:
            self.add_column(spec.label, key=spec.key, width=cell_len(spec.label))
        self.header_height = max(spec.label.count("\n") + 1 for spec in self._specs)

    def set_rows(self, rows: Iterable[Sequence[str]], cursor_row: int | None = None) -> None:
        """Show ``rows`` (full texts: the table cuts or wraps the flex columns itself)."""
        self._cells = [tuple(row) for row in rows]
        self._fit(cursor_row)

    def _widths(self, total: int) -> list[int]:
        """Fixed columns at their widest line; the flex columns share the rest, the narrowest
        first, each at least its ``min_width`` and at most its widest line."""
        widths = [
            max([_widest(spec.label), *(_widest(row[index]) for row in self._cells)])
            for index, spec in enumerate(self._specs)
        ]
        fixed = sum(w for w, spec in zip(widths, self._specs, strict=True) if not spec.flex)
        # The scrollbar's width is kept free, so a growing list never pushes a column out.
        padding = 2 * self.cell_padding * len(self._specs)
        left = total - fixed - padding - self.styles.scrollbar_size_vertical
        flexible = sorted(
            (i for i, spec in enumerate(self._specs) if spec.flex), key=widths.__getitem__
        )
        for number, index in enumerate(flexible):
            share = left // (len(flexible) - number)
            least = max(self._specs[index].min_width, _widest(self._specs[index].label))
            widths[index] = max(min(widths[index], share), least)
            left -= widths[index]
        return widths

    def _fit(self, cursor_row: int | None = None) -> None:
        row = self.cursor_row if cursor_row is None else cursor_row
        total = self.size.width or self.app.size.width
        self._fitted_width = total
        widths = self._widths(total)
        for column, width in zip(self.columns.values(), widths, strict=True):
            column.width = width
            column.auto_width = False
        wraps = any(spec.flex == "wrap" for spec in self._specs)
        self.clear()
        for cells in self._cells:
            shown = tuple(
                shorten(cell, width) if spec.flex == "cut" else cell
                for cell, width, spec in zip(cells, widths, self._specs, strict=True)
            )
            self.add_row(*shown, height=None if wraps else 1)
        if self._cells:
            self.move_cursor(row=min(max(row, 0), len(self._cells) - 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width and self._specs:
            self._fit()


def code_label(code_list: CodeList, code: str | None, lang: str) -> str:
    """A code's label, or the code itself when a later list no longer has it (never crash)."""
    if code is None:
        return ""
    try:
        return code_list.label(code, lang)
    except KeyError:
        return code


def level_text(ladder: Ladder, level: int | None, lang: str) -> str:
    """``4 Arbetsförberedande insats``; empty when no level."""
    if level is None:
        return ""
    try:
        return f"{level} {ladder.label(level, lang)}"
    except KeyError:
        return str(level)


class LevelList(OptionList):
    """The ladder's levels with their labels: up/down moves, a digit jumps, enter chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"jump({n})", "tui.cases.key_level", show=False) for n in range(10)),
    ]

    def __init__(
        self,
        ladder: Ladder,
        lang: str,
        *,
        current: int | None,
        highlight: int | None,
        allow_none: bool = False,
        id: str | None = None,
    ) -> None:
        options: list[Option] = []
        now = t("tui.form_current_level", lang)
        # Highest first, like a ladder: "up" moves a participant up a level.
        for number in reversed(ladder.numbers):
            label = f"{number}  {ladder.label(number, lang)}"
            if number == current:
                label += f"  ← {now}"
            options.append(Option(label, id=str(number)))
        if allow_none:
            options.append(Option(t("tui.form_no_level", lang), id=NO_LEVEL))
        super().__init__(*options, id=id, compact=True)
        if highlight is None and not allow_none:
            highlight = ladder.lowest  # no level known yet: start from the bottom
        self._initial = NO_LEVEL if highlight is None else str(highlight)
        localise_bindings(self)

    def on_mount(self) -> None:
        try:
            self.highlighted = self.get_option_index(self._initial)
        except Exception:  # an unknown level (a relabelled ladder): start at the top
            self.highlighted = 0

    def action_jump(self, number: int) -> None:
        try:
            self.highlighted = self.get_option_index(str(number))
        except Exception:  # no such level on this ladder: stay where we are
            self.app.bell()

    @property
    def level(self) -> int | None:
        """The highlighted level, None for "no level"."""
        if self.highlighted is None:
            return None
        option_id = self.get_option_at_index(self.highlighted).id
        return None if option_id in (None, NO_LEVEL) else int(option_id)


class LevelChart(Static):
    """The ladder level over time as a small text chart: one column per levelled event."""

    def show(self, ladder: Ladder, points: Sequence[tuple[date, int]], lang: str) -> None:
        self.update(self.chart_text(ladder, points, lang))

    @staticmethod
    def chart_text(ladder: Ladder, points: Sequence[tuple[date, int]], lang: str) -> str:
        if not points:
            return t("tui.detail_chart_empty", lang)
        # The last 30 points fit an 80-column terminal beside the axis.
        shown = list(points)[-30:]
        lines = []
        for number in sorted(ladder.numbers, reverse=True):
            cells = "".join(" ●" if level == number else " ·" for _d, level in shown)
            lines.append(f"{number} │{cells}")
        lines.append("  └" + "──" * len(shown))
        first, last = shown[0][0].isoformat(), shown[-1][0].isoformat()
        axis = first if first == last else f"{first} … {last}"
        lines.append(f"   {axis}")
        return "\n".join(lines)


# The help key as a screen's own binding: in the footer it stands before the app's F1, which the
# footer then leaves out (one key per action), so "? Hjälp" fits at 80 columns.
HELP_KEY = Binding("question_mark", "help", "tui.key_help", key_display="?")
# Quit, shown in the footer of the screens before login (the app's own binding is not shown).
QUIT_KEY = Binding("ctrl+q", "app.quit", "tui.key_quit")

# Actions that write: unavailable to reviewers (shown dimmed, and refused with a reason).
WRITING_ACTIONS = frozenset(
    {"application", "start", "non_start", "step", "exit", "follow_up", "correct", "retract"}
)


class WritingScreen(Screen):
    """A screen whose writing actions reviewers see dimmed and, when pressed, refused."""

    COMMANDS: ClassVar = {ScreenActions}

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self.lang = current_language()
        self._demo: bool | None = None

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined,no-any-return]

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    def set_heading(self, title: str, sub_title: str | None = None) -> None:
        """The header's words; in a demo register every screen says DEMO first."""
        if self._demo is None:
            self._demo = registers.is_demo(self.session)
        self.title = f"{self.tr('tui.demo_marker')} · {title}" if self._demo else title
        if sub_title is not None:
            self.sub_title = sub_title

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITING_ACTIONS and not self._may_write():
            return None  # shown, but disabled
        return True

    def _may_write(self) -> bool:
        try:
            return cases.may_write(self.session)
        except Exception:  # locked: no session to ask, so nothing may be written
            return False

    def explain_refusal(self) -> bool:
        """Tell a reviewer why writing is refused (the service's message); True if refused."""
        refusal = role_refusal(self.session, self.lang)
        if refusal is not None:
            self.notify(refusal, severity="error")
        return refusal is not None

    def on_key(self, event: events.Key) -> None:
        # A disabled binding lets its key through to here: say why instead of doing nothing.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.action in WRITING_ACTIONS:
                if self.explain_refusal():
                    event.stop()
                return

    def open_form(self, form: Any, after: Callable[[Any], None]) -> None:
        """Push a form; services may refuse already while it loads (say, an unknown event)."""
        try:
            screen = form()
        except ServiceError as refused:
            self.notify(refused.message(self.lang), severity="error")
            return
        self.app.push_screen(screen, after)

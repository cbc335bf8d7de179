"""The help screen (``?`` / F1): the keys of the screen beneath and what the ladder means.

The keys are read from the screen's active bindings when help opens, so every screen's keys
appear here without a list to keep in step.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from tracker.domain.codelists import DEFAULT_LADDER, Ladder
from tracker.tui.localise import binding_text, current_language, localise_bindings, tr

# Textual's own keys (focus movement, copy) are explained in the help's text instead, where
# they can be in the user's language.
_TEXTUAL_OWN = {
    (binding.action, binding.description)
    for binding in (*App.BINDINGS, *Screen.BINDINGS)
    if isinstance(binding, Binding)
}
_OWN_WORDS = {"command_palette": "tui.key_palette_help"}


def _inline(text: str) -> str:
    """Text that Markdown shows as written (a key like ``*`` is not emphasis)."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text).replace("\n", " ")


def key_rows(app: App[object], bindings: dict[str, ActiveBinding]) -> list[tuple[str, str]]:
    """(keys, what they do) for each action, keys of the same action together, in order.

    A widget's internal keys (cursor movement in a text field and the like) are left out
    unless the widget shows them in the footer; a screen's and the app's keys are all listed.
    """
    grouped: dict[str, tuple[list[str], str]] = {}
    for active in bindings.values():
        binding: Binding = active.binding
        description = (
            tr(_OWN_WORDS[binding.action])
            if binding.action in _OWN_WORDS
            else binding_text(binding.description)
        )
        if not description or (binding.action, binding.description) in _TEXTUAL_OWN:
            continue
        if not (binding.show or isinstance(active.node, Screen | App)):
            continue
        # One row per action: a screen's "?" and the app's F1 both open this help.
        action = binding.action.removeprefix("app.")
        keys, description = grouped.setdefault(action, ([], description))
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(", ".join(keys), description) for keys, description in grouped.values()]


def help_bindings(screen: Screen[object]) -> dict[str, ActiveBinding]:
    """The screen's active bindings, and its own keys that a focused widget's hidden binding of
    the same key shadows (Enter on the case list: the table's "select" is the screen's "open")."""
    bindings = dict(screen.active_bindings)
    for key, own in screen._bindings.key_to_bindings.items():
        active = bindings.get(key)
        if (
            active is not None
            and not isinstance(active.node, Screen | App)
            and not active.binding.show
        ):
            bindings[key] = ActiveBinding(screen, own[0], active.enabled, own[0].tooltip)
    return bindings


def help_markdown(rows: list[tuple[str, str]], ladder: Ladder) -> str:
    """The help as Markdown: short lists, so it reads at 80×24 without much scrolling."""
    lang = current_language()
    lines = [f"## {tr('tui.help_keys')}", ""]
    lines += [f"- **{_inline(keys)}**  {_inline(text)}" for keys, text in rows]
    lines += ["", tr("tui.help_keys_text"), "", f"## {tr('tui.help_ladder')}", ""]
    lines += [tr("tui.help_ladder_text"), ""]
    lines += [
        f"- **{level.number}**  {_inline(level.label(lang))}"
        for level in sorted(ladder.levels, key=lambda level: level.number)
    ]
    lines += ["", tr("tui.help_step_up"), ""]
    return "\n".join(lines)


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "tui.key_close"),
        Binding("q", "close", "tui.key_close", show=False),
    ]

    def __init__(self, bindings: dict[str, ActiveBinding], ladder: Ladder | None = None) -> None:
        super().__init__()
        self._bindings_beneath = bindings
        self._ladder = ladder or DEFAULT_LADDER
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header()
        rows = key_rows(self.app, self._bindings_beneath)
        with VerticalScroll(id="help-body"):
            yield Markdown(help_markdown(rows, self._ladder), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = tr("tui.help_title")
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss()

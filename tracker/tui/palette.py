"""Textual's command palette (Ctrl+P) in the user's language.

Textual writes its palette's own words in English ("Search for commands…", "No matches found",
"Theme", "Maximize", "Screenshot"); here they come from the catalog. The screenshot entry is
left out: a picture of the screen is an unencrypted copy of participant data (the app refuses
every other way to take one too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widgets.option_list import Option

from tracker.tui.localise import tr


class TrackerPalette(CommandPalette):
    """The palette with a Swedish (or English) placeholder and "no matches" line."""

    def __init__(self, placeholder_key: str = "tui.palette.placeholder", **kwargs: Any) -> None:
        super().__init__(placeholder=tr(placeholder_key), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own version adds "No matches found" in English; the same, in our words.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(tr("tui.palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def theme_palette() -> TrackerPalette:
    return TrackerPalette("tui.palette.theme_placeholder", providers=[ThemeProvider])


def system_commands(
    screen: Screen[Any],
    *,
    change_theme: Callable[[], object],
    show_help: Callable[[], object],
    quit_app: Callable[[], object],
) -> Iterable[SystemCommand]:
    """The app's own palette entries, in words the user reads, and no "Screenshot"."""
    yield SystemCommand(tr("tui.palette.theme"), tr("tui.palette.theme_help"), change_theme)
    yield SystemCommand(tr("tui.palette.help"), tr("tui.palette.help_help"), show_help)
    if screen.maximized is not None:
        yield SystemCommand(
            tr("tui.palette.minimize"), tr("tui.palette.minimize_help"), screen.action_minimize
        )
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(
            tr("tui.palette.maximize"), tr("tui.palette.maximize_help"), screen.action_maximize
        )
    yield SystemCommand(tr("tui.palette.quit"), tr("tui.palette.quit_help"), quit_app)

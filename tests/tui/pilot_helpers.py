"""Keyboard helpers for driving the forms with Pilot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from tracker.tui.cases import CaseListScreen


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an input, clear it and type ``text`` key by key."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.press("home", "ctrl+k", *text)


async def choose(pilot: Pilot, selector: str, position: int) -> None:
    """Open a Select and pick the option at ``position`` (0 = the blank prompt, if any)."""
    select = pilot.app.screen.query_one(selector, Select)
    select.focus()
    await pilot.press("enter", "home", *(["down"] * position), "enter")
    await pilot.pause()


async def select_case(pilot: Pilot, code: str) -> None:
    """Move the case list's cursor to ``code`` with the arrow keys."""
    screen = pilot.app.screen
    assert isinstance(screen, CaseListScreen)
    table = screen.query_one(DataTable)
    table.focus()
    target = [row.case.code for row in screen._shown].index(code)
    current = table.cursor_row
    steps = ["down"] * (target - current) if target >= current else ["up"] * (current - target)
    await pilot.press(*steps)
    assert screen.selected_code == code

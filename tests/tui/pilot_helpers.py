"""Keyboard helpers for driving the forms with Pilot."""

from __future__ import annotations

from support import PASSPHRASE
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from tracker.tui.app import TrackerApp
from tracker.tui.cases import CaseListScreen
from tracker.tui.detail import CaseDetailScreen
from tracker.tui.forms import (
    ApplicationForm,
    CodeDialog,
    CorrectForm,
    ExitForm,
    FollowUpForm,
    NonStartForm,
    StartForm,
)
from tracker.tui.login import LoginScreen


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


async def working_day(pilot: Pilot) -> tuple[str, str]:
    """Issue 3's day at work, from the case list: two applications, a start, a non-start with a
    reason, three steps, an exit with a destination, a 6-month follow-up and a correction of the
    first step (level 3 → 4), ending on the case detail. Returns the two participant codes."""
    app = pilot.app
    registered = []
    for gender, day, referrer in ((1, "-300", 1), (2, "-200", 2)):
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationForm)
        await choose(pilot, "#gender", gender)
        await type_into(pilot, "#date", day)
        await choose(pilot, "#referrer", referrer)
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CodeDialog)
        # The code is shown on its own, large, until dismissed.
        assert str(dialog.query_one("#code", Static).render()) == dialog.code
        registered.append(dialog.code)
        await pilot.press("enter")
        await pilot.pause()
    first, second = registered

    await select_case(pilot, first)
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, StartForm)
    await type_into(pilot, "#date", "-290")
    app.screen.query_one("#level").focus()
    await pilot.press("2", "enter")
    await pilot.pause()

    await select_case(pilot, second)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, NonStartForm)
    await type_into(pilot, "#date", "-190")
    await choose(pilot, "#reason", 2)
    await pilot.press("ctrl+s")
    await pilot.pause()

    await select_case(pilot, first)
    for day, level in (("-280", "3"), ("-250", "4"), ("-220", "5")):
        await pilot.press("s")
        await pilot.pause()
        await type_into(pilot, "#date", day)
        app.screen.query_one("#level").focus()
        await pilot.press(level, "enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)

    await pilot.press("x")
    await pilot.pause()
    assert isinstance(app.screen, ExitForm)
    # Long enough ago for today's 6-month follow-up (its window opens 5 months after).
    await type_into(pilot, "#date", "-200")
    await choose(pilot, "#destination", 4)  # arbetssokande
    app.screen.query_one("#handover").focus()
    await pilot.press("space")
    app.screen.query_one("#level").focus()
    await pilot.press("6", "ctrl+s")
    await pilot.pause()

    await pilot.press("u")
    await pilot.pause()
    assert isinstance(app.screen, FollowUpForm)
    await pilot.press("enter")  # today, 6 months, the current level: the defaults
    await pilot.pause()
    assert isinstance(app.screen, CaseListScreen)

    await pilot.press("enter")
    await pilot.pause()
    detail = app.screen
    assert isinstance(detail, CaseDetailScreen)
    first_step = next(i for i, e in enumerate(detail._entries) if e.kind == "step")
    step_seq = detail._entries[first_step].seq
    await pilot.press("home", *(["down"] * first_step), "r")
    await pilot.pause()
    assert isinstance(app.screen, CorrectForm)
    await choose(pilot, "#correction_reason", 3)  # fel_niva
    app.screen.query_one("#level").focus()
    await pilot.press("4", "ctrl+s")
    await pilot.pause()
    assert app.screen is detail
    timeline = detail.query_one(DataTable)
    rows = [timeline.get_row_at(i) for i in range(timeline.row_count)]
    kinds = [row[2].partition("\n")[0] for row in rows]
    assert kinds.count("Stegförflyttning") == 3 and kinds[-1] == "Rättelse"
    replaced = next(row for row in rows if row[0] == str(step_seq))
    assert replaced[2] == "Stegförflyttning\nersatt"
    assert f"rättar nr {step_seq} (Fel nivå): nivå 4" in rows[-1][3]
    assert "● " in str(detail.query_one("#chart", Static).render())
    return first, second


# --- the shell: typing, waiting for workers, logging in ---------------------------------------


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def wait_until(pilot: Pilot[None], condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Key derivation runs in a worker thread: wait for its result to reach the screen."""
    waited = 0.0
    while not condition():
        assert waited < timeout, "timed out"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()  # let a newly shown screen mount and focus its first field


def status(app: TrackerApp, selector: str = "#status") -> str:
    return str(app.screen.query_one(selector, Static).render())


async def log_in(pilot: Pilot[None], app: TrackerApp, passphrase: str = PASSPHRASE) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
    app.screen.query_one("#passphrase", Input).focus()
    await type_text(pilot, passphrase)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, CaseListScreen))

"""What staff see, pinned as SVG snapshots at 80×24 and 120×40 with a fixed today.

Update after an intended change with ``uv run pytest tests/tui/test_snapshots.py
--snapshot-update`` and review the SVGs in the diff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui.host import HostApp
from tui.pilot_helpers import select_case

SIZES = [(80, 24), (120, 40)]
Seeded = tuple[Path, dict[str, str]]


def _active(codes: dict[str, str]) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await select_case(pilot, codes["active"])

    return run_before


def _then(
    codes: dict[str, str], *keys: str, case: str = "active"
) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await select_case(pilot, codes[case])
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_case_list(snap_compare: Any, seeded: Seeded, size: tuple[int, int]) -> None:
    db_path, codes = seeded
    assert snap_compare(HostApp(db_path), terminal_size=size, run_before=_active(codes))


def test_case_list_light_theme(snap_compare: Any, seeded: Seeded) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)

    async def run_before(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await _active(codes)(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_step_form(snap_compare: Any, seeded: Seeded, size: tuple[int, int]) -> None:
    db_path, codes = seeded
    assert snap_compare(HostApp(db_path), terminal_size=size, run_before=_then(codes, "s"))


@pytest.mark.parametrize("size", SIZES)
def test_case_detail(snap_compare: Any, seeded: Seeded, size: tuple[int, int]) -> None:
    db_path, codes = seeded
    # The exited case: a corrected step, an exit and the level chart over five events.
    run_before = _then(codes, "enter", case="exited")
    assert snap_compare(HostApp(db_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_follow_ups_due(snap_compare: Any, seeded: Seeded, size: tuple[int, int]) -> None:
    db_path, codes = seeded
    assert snap_compare(HostApp(db_path), terminal_size=size, run_before=_then(codes, "f"))


# --- 80×24 after a resize from 120×40 (issue 14): nothing clipped, the tables refitted ---------


def _resized(
    codes: dict[str, str], *keys: str, case: str = "active"
) -> Callable[[Pilot], Awaitable[None]]:
    """Start at 120×40, open the screen, then shrink the terminal to 80×24."""

    async def run_before(pilot: Pilot) -> None:
        await _then(codes, *keys, case=case)(pilot)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()

    return run_before


def test_case_list_resized_to_80x24(snap_compare: Any, seeded: Seeded) -> None:
    db_path, codes = seeded
    # The exited case's gender is "Ej angivet", the widest label: its dates still fit.
    run_before = _resized(codes, case="exited")
    assert snap_compare(HostApp(db_path), terminal_size=(120, 40), run_before=run_before)


def test_follow_ups_due_resized_to_80x24(snap_compare: Any, seeded: Seeded) -> None:
    db_path, codes = seeded
    run_before = _resized(codes, "f")
    assert snap_compare(HostApp(db_path), terminal_size=(120, 40), run_before=run_before)


def test_timeline_resized_to_80x24(snap_compare: Any, seeded: Seeded) -> None:
    db_path, codes = seeded
    run_before = _resized(codes, "enter", case="exited")
    assert snap_compare(HostApp(db_path), terminal_size=(120, 40), run_before=run_before)


def test_exit_form_with_open_choices_resized_to_80x24(snap_compare: Any, seeded: Seeded) -> None:
    db_path, codes = seeded

    async def run_before(pilot: Pilot) -> None:
        await _resized(codes, "x")(pilot)
        pilot.app.screen.query_one("#destination").focus()
        await pilot.press("enter")  # the destinations unfold inside the form's border
        await pilot.pause()

    assert snap_compare(HostApp(db_path), terminal_size=(120, 40), run_before=run_before)


def test_application_form_with_open_choices_resized_to_80x24(
    snap_compare: Any, seeded: Seeded
) -> None:
    db_path, codes = seeded

    async def run_before(pilot: Pilot) -> None:
        await _resized(codes, "a")(pilot)
        pilot.app.screen.query_one("#referrer").focus()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(HostApp(db_path), terminal_size=(120, 40), run_before=run_before)

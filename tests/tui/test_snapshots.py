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

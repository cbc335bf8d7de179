"""Snapshots of the shell's screens at 80×24 and 120×40 (pytest-textual-snapshot).

Deterministic: a relative database path in a temporary working directory, a fixed date, and
no recovery key on screen (it is random; the wizard's earlier pages are snapshotted instead).
Update after a deliberate change with ``uv run pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import INSATSER, PASSPHRASE, TODAY
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from tracker.services import registers
from tracker.store import keyfile
from tracker.tui.app import TrackerApp
from tracker.tui.cases import CaseListScreen
from tracker.tui.settings import Settings, save_settings

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
DB = Path("db") / "tracker.db"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_kdf: keyfile.KdfParams) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_IDLE_SECONDS", raising=False)
    return tmp_path


@pytest.fixture
def register(in_tmp: Path) -> Path:
    registers.create_register(
        DB, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    return DB


def app_for(lang: str = "sv") -> TrackerApp:
    return TrackerApp(DB, lang=lang, today=lambda: TODAY, settings_path=Path("settings.json"))


async def _log_in(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.pause()
    app.screen.query_one("#user", Input).value = "anna"
    app.screen.query_one("#passphrase", Input).value = PASSPHRASE
    app.screen.query_one("#passphrase", Input).focus()
    await pilot.press("enter")
    for _ in range(200):
        if isinstance(app.screen, CaseListScreen):
            break
        await pilot.pause(0.05)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_login(snap_compare: SnapCompare, register: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(), terminal_size=size)


def test_login_in_the_remembered_light_theme(snap_compare: SnapCompare, register: Path) -> None:
    save_settings(Path("settings.json"), Settings(last_user="anna", theme="textual-light"))
    assert snap_compare(app_for(), terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES)
def test_login_wrong_passphrase_in_english(
    snap_compare: SnapCompare, register: Path, size: tuple[int, int]
) -> None:
    async def wrong(pilot: Pilot[None]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#user", Input).value = "anna"
        pilot.app.screen.query_one("#passphrase", Input).focus()
        await pilot.press(*"wrong", "enter")
        status = pilot.app.screen.query_one("#status", Static)
        for _ in range(200):
            if str(status.render()).startswith("Wrong"):
                break
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app_for("en"), terminal_size=size, run_before=wrong)


@pytest.mark.parametrize("size", SIZES)
def test_wizard_first_page(snap_compare: SnapCompare, in_tmp: Path, size: tuple[int, int]) -> None:
    async def fill(pilot: Pilot[None]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#insatser", TextArea).text = "\n".join(INSATSER)
        pilot.app.screen.query_one("#user", Input).value = "anna"
        pilot.app.screen.query_one("#user", Input).focus()
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=fill)


@pytest.mark.parametrize("size", SIZES)
def test_wizard_passphrase_page(
    snap_compare: SnapCompare, in_tmp: Path, size: tuple[int, int]
) -> None:
    async def to_passphrase(pilot: Pilot[None]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#insatser", TextArea).text = "\n".join(INSATSER)
        pilot.app.screen.query_one("#user", Input).value = "anna"
        pilot.app.screen.query_one("#user", Input).focus()
        await pilot.press("enter", *"hemlighet1", "enter")
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=to_passphrase)


@pytest.mark.parametrize("size", SIZES)
def test_wizard_recovery_key_page(
    snap_compare: SnapCompare, in_tmp: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    # The recovery key is random; only for this picture the register gets a fixed one.
    fixed = bytes(range(16))
    monkeypatch.setattr(
        keyfile, "generate_recovery_key", lambda: (fixed, keyfile.format_recovery_key(fixed))
    )

    async def create(pilot: Pilot[None]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#insatser", TextArea).text = "\n".join(INSATSER)
        screen.query_one("#user", Input).value = "anna"
        screen.query_one("#user", Input).focus()
        await pilot.press("enter")
        screen.query_one("#new-passphrase", Input).value = PASSPHRASE
        screen.query_one("#repeat-passphrase", Input).value = PASSPHRASE
        screen.query_one("#repeat-passphrase", Input).focus()
        await pilot.press("enter")
        for _ in range(200):
            if screen.recovery_key_shown:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=create)


@pytest.mark.parametrize("size", SIZES)
def test_lock(snap_compare: SnapCompare, register: Path, size: tuple[int, int]) -> None:
    async def lock(pilot: Pilot[None]) -> None:
        await _log_in(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=lock)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, register: Path, size: tuple[int, int]) -> None:
    # Over the login screen, so the keys listed are the shell's own (the case screens' keys
    # belong to their own snapshots).
    async def help_(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=help_)

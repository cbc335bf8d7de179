"""A new staff member's first day in an 80×24 terminal (issue 14, the UI part): tables that fit
and refit, a footer with what matters, every key in F1, DEMO on every screen, a first screen
that says what to do, form errors in words, and Textual's palette in Swedish with no screenshot.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import TODAY
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey
from tui.host import HostApp
from tui.pilot_helpers import choose, log_in, select_case, type_text, wait_until

from tracker.i18n import t
from tracker.services import demo
from tracker.store import keyfile
from tracker.tui.app import TrackerApp
from tracker.tui.cases import CaseListScreen
from tracker.tui.detail import CaseDetailScreen
from tracker.tui.followups import FollowUpsDueScreen
from tracker.tui.forms import ApplicationForm
from tracker.tui.help import HelpScreen
from tracker.tui.login import LoginScreen
from tracker.tui.palette import TrackerPalette
from tracker.tui.reports import ReportsScreen
from tracker.tui.widgets import FitTable

Seeded = tuple[Path, dict[str, str]]


def tracker_app(db_path: Path, tmp_path: Path, **options: object) -> TrackerApp:
    return TrackerApp(
        db_path,
        today=lambda: TODAY,
        settings_path=tmp_path / "settings.json",
        **options,  # type: ignore[arg-type]
    )


async def _log_in(pilot: Pilot, app: TrackerApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
    app.screen.query_one("#user", Input).value = "anna"
    await log_in(pilot, app)


def _fits(table: FitTable) -> None:
    """Every column within the table's width; no fixed column narrower than its widest cell."""
    widths = [column.get_render_width(table) for column in table.columns.values()]
    assert sum(widths) + table.styles.scrollbar_size_vertical <= table.size.width, widths
    for index, spec in enumerate(table._specs):
        if spec.flex is None:
            column = list(table.columns.values())[index]
            for row in range(table.row_count):
                lines = str(table.get_row_at(row)[index]).split("\n")
                assert max(len(line) for line in lines) <= column.width


# --- tables that fit 80×24 and refit on resize -------------------------------------------------


async def test_the_tables_fit_80_columns_and_refit_after_a_resize(seeded: Seeded) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        table = screen.query_one(FitTable)
        levels = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert "5 Arbetslivsinriktad insats (arbetsträning, praktik)" in levels
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        _fits(table)
        cells = [table.get_row_at(i) for i in range(table.row_count)]
        exited = next(row for row in cells if row[0] == codes["exited"])
        # "Ej angivet" is the widest gender; the dates beside it are whole.
        assert exited[1] == "Ej angivet" and len(exited[6]) == len("2026-11-30")
        assert str(exited[3]).endswith("…")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        full = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert full == levels  # whole again: nothing kept from the narrow layout

        await pilot.resize_terminal(80, 24)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsDueScreen)
        _fits(app.screen.query_one(FitTable))

        await pilot.press("escape")
        await select_case(pilot, codes["exited"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
        timeline = app.screen.query_one(FitTable)
        _fits(timeline)
        # The details and the recording time wrap; nothing of them is lost.
        exit_row = timeline.get_row_at(timeline.row_count - 1)
        assert exit_row[3].endswith(t("tui.detail_handover", "sv"))
        assert exit_row[4].endswith(" anna")


async def test_footer_at_80_columns_shows_the_daily_keys_reports_help_and_lock(
    db_path: Path, tmp_path: Path
) -> None:
    app = tracker_app(db_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, app)
        keys = list(app.screen.query(FooterKey))
        shown = [key.key_display for key in keys]
        assert {"s", "a", "r", "?", "Ctrl+L"} <= set(shown), shown
        assert all(key.region.right <= 80 and key.region.width > 0 for key in keys)
        # Everything else is one key away, in the help.
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = help_screen.query_one("#help-text").source  # type: ignore[attr-defined]
        for key in ("**t**", "**e**", "**u**", "**f**", "**/**", "**i**", "**Ctrl+Q**"):
            assert key in text, key
        assert "**Ctrl+L**" in text and "**?, F1**" in text and "**Enter**" in text


async def test_the_help_key_is_typed_into_the_search_field(seeded: Seeded) -> None:
    db_path, _codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "question_mark")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "?"


# --- an empty register, form errors ------------------------------------------------------------


async def test_an_empty_register_says_what_to_do_first(db_path: Path, fixed_clock: None) -> None:
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        hint = app.screen.query_one("#first-steps", Static)
        assert hint.display and hint.region.height > 2
        text = str(hint.render())
        assert "a (ny ansökan)" in text and "t (start)" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationForm)
        await choose(pilot, "#gender", 1)
        await choose(pilot, "#referrer", 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # the new code's dialog
        await pilot.pause()
        assert not app.screen.query_one("#first-steps", Static).display


async def test_form_errors_are_words_and_go_when_the_field_is_fixed(seeded: Seeded) -> None:
    db_path, _codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ApplicationForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#error-gender", Static)
        assert error.display
        assert str(error.render()) == t("service.gender_missing", "sv")
        assert "ej_angivet" not in str(error.render())
        await choose(pilot, "#gender", 3)
        assert not error.display  # fixed: the message about the old value is gone
        await pilot.press("ctrl+s")
        await pilot.pause()
        referrer = form.query_one("#error-referrer", Static)
        assert str(referrer.render()) == t("domain.referrer_missing", "sv")
        await choose(pilot, "#referrer", 2)
        assert not referrer.display


# --- DEMO on every screen ----------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> Path:
    path = tmp_path / "db" / "demo.db"
    demo.build_demo(path, participants=12, seed=5, today=TODAY)
    return path


async def test_demo_is_marked_on_every_screen(demo_db: Path, tmp_path: Path) -> None:
    marker = t("tui.demo_marker", "sv")
    app = tracker_app(demo_db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#user", Input).value = "demo"
        app.screen.query_one("#passphrase", Input).focus()
        await type_text(pilot, "demo")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert app.screen.title.startswith(f"{marker} · ")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.title.startswith(f"{marker} · ")
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.title.startswith(f"{marker} · ")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.title.startswith(marker)
    # The next start: the login screen says DEMO before anyone has logged in.
    again = tracker_app(demo_db, tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen, LoginScreen))
        assert again.title.startswith(marker)
        assert str(again.screen.query_one("#demo-hint", Static).render()).startswith(marker)


async def test_a_real_register_is_not_marked_demo(db_path: Path, tmp_path: Path) -> None:
    app = tracker_app(db_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert not app.screen.query("#demo-hint")
        await _log_in(pilot, app)
        assert t("tui.demo_marker", "sv") not in app.screen.title + app.title


# --- the command palette -----------------------------------------------------------------------


async def test_the_palette_speaks_swedish_and_takes_no_screenshots(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # Textual's default folder is ~/Downloads
    app = tracker_app(db_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, app)
        before = sorted(tmp_path.rglob("*"))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert t("tui.palette.theme", "sv") in titles and t("tui.palette.quit", "sv") in titles
        assert not {"Theme", "Quit", "Keys", "Maximize", "Screenshot"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, TrackerPalette)
        assert palette.query_one(Input).placeholder == t("tui.palette.placeholder", "sv")
        await type_text(pilot, "screenshot")
        await pilot.pause(1.0)
        texts = [str(option.prompt) for option in palette.query_one("CommandList")._options]  # type: ignore[attr-defined]
        assert not any("creenshot" in text for text in texts)
        await pilot.press("escape")
        await pilot.pause()
        # Every other way to a picture of the screen writes nothing either.
        app.action_screenshot()
        app.save_screenshot(filename="shot.svg", path=str(tmp_path))
        app.deliver_screenshot(filename="shot2.svg", path=str(tmp_path))
        await pilot.pause()
        assert sorted(tmp_path.rglob("*")) == before
        assert not list(tmp_path.rglob("*.svg"))

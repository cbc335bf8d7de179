"""The Reports screen, driven with Pilot on a small demo register (a real encrypted file).

The preview must show exactly the cells the board will see, so the tests compare it with
``protected_report(...)`` computed here, independently of the screen.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bundle_support import add_colleagues
from support import PASSPHRASE, TODAY
from textual.pilot import Pilot
from textual.widgets import (
    DataTable,
    Input,
    Markdown,
    ProgressBar,
    SelectionList,
    Static,
    Switch,
)
from tui.host import HostApp
from tui.pilot_helpers import log_in, type_into, wait_until

import tracker.tui
from tracker.domain.periods import Period
from tracker.reports.bundle import read_bundle, verify_bundle
from tracker.reports.cellkey import HIDDEN_MARK, protected_report
from tracker.reports.suppression import DEFAULT_THRESHOLD
from tracker.services import registers
from tracker.services import reports as report_service
from tracker.services.codelists import current_lists
from tracker.services.demo import build_demo
from tracker.services.session import Session
from tracker.stats.report import build_report, load_facts
from tracker.store import keyfile
from tracker.store.eventlog import iter_events
from tracker.store.keyfile import KdfParams, keyfile_path
from tracker.tui.app import TrackerApp
from tracker.tui.cases import CaseListScreen
from tracker.tui.help import HelpScreen
from tracker.tui.login import LoginScreen
from tracker.tui.reports import COLUMNS, ReportsScreen, chart_text, custom_period, named_period

PARTICIPANTS = 40
LAST_HALF = Period.parse("2026H1")  # seen from TODAY, 2026-11-20

pytestmark = pytest.mark.usefixtures("cheap_kdf")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small demo register, built once; each test works on a copy of it."""
    with pytest.MonkeyPatch.context() as patch:
        cheap = KdfParams(8, 1, 1)
        patch.setattr(keyfile, "DEFAULT_KDF", cheap)
        patch.setattr(keyfile, "KDF_FLOOR", cheap)
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        build_demo(path, participants=PARTICIPANTS, seed=11, today=TODAY)
        with _open(path, "demo", registers.DEMO_PASSPHRASE) as session:
            # A staff member and a reviewer besides the demo's coordinator.
            add_colleagues(session, [("sam", "staff", PASSPHRASE), ("rut", "reviewer", PASSPHRASE)])
            session.register.checkpoint()
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "db" / "demo.db"
    path.parent.mkdir()
    shutil.copy(demo_template, path)
    shutil.copy(keyfile_path(demo_template), keyfile_path(path))
    monkeypatch.chdir(tmp_path)  # the screen writes to ./exports, like the CLI
    yield path


def _open(path: Path, user: str, passphrase: str) -> Session:
    return registers.open_session(path, user=user, passphrase=passphrase, today=lambda: TODAY)


class DemoHost(HostApp):
    """The test host, logged in as one of the demo register's users, with the app's styles."""

    CSS_PATH = str(Path(tracker.tui.__file__).parent / "app.tcss")

    def __init__(self, db_path: Path, user: str = "demo", lang: str = "sv") -> None:
        super().__init__(db_path, user=user, lang=lang)

    @property
    def session(self) -> Session:
        if self._session is None:
            passphrase = registers.DEMO_PASSPHRASE if self._user == "demo" else PASSPHRASE
            self._session = _open(self._db_path, self._user, passphrase)
        return self._session


def _expected(path: Path, period: Period, insatser: list[str] | None = None) -> dict[str, Any]:
    with _open(path, "demo", registers.DEMO_PASSPHRASE) as session:
        threshold = report_service.suppression_threshold(session)
        facts = load_facts(session, report_service.frozen_head(session, period, insatser))
        secret = report_service.cell_key_secret(session)
        return protected_report(facts, period, insatser, secret, threshold)


async def _open_reports(pilot: Pilot[None]) -> ReportsScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseListScreen))
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    await _preview_ready(pilot, screen)
    return screen


async def _preview_ready(pilot: Pilot[None], screen: ReportsScreen) -> None:
    await wait_until(pilot, lambda: screen.choice is not None and screen.shown == screen.choice)
    await pilot.pause()


async def _without_pdf_and_xlsx(pilot: Pilot[None], screen: ReportsScreen) -> None:
    """Untick PDF and XLSX (the slow writers; tests/reports covers them): CSV stays."""
    screen.query_one("#formats", SelectionList).focus()
    await pilot.press("home", "space", "down", "space")
    assert screen.formats() == {"json", "csv"}


def _cells(screen: ReportsScreen, key: str) -> list[str]:
    return [str(cell) for cell in screen.query_one("#figures", DataTable).get_row(key)]


# --- the choices (pure) ------------------------------------------------------------------------


def test_named_periods_from_both_halves_of_the_year() -> None:
    autumn, spring = date(2026, 11, 20), date(2026, 3, 2)
    assert named_period("last_half", autumn).label == "2026H1"
    assert named_period("this_half", autumn).label == "2026H2"
    assert named_period("last_half", spring).label == "2025H2"
    assert named_period("this_half", spring).label == "2026H1"
    assert named_period("this_year", spring).label == "2026"
    assert named_period("last_year", spring).label == "2025"


def test_named_tertials_and_quarters_seen_from_today() -> None:
    autumn, winter = date(2026, 11, 20), date(2026, 2, 2)
    assert named_period("this_tertial", autumn).label == "2026T3"
    assert named_period("last_tertial", autumn).label == "2026T2"
    assert named_period("this_tertial", winter).label == "2026T1"
    assert named_period("last_tertial", winter).label == "2025T3"
    assert named_period("this_quarter", autumn).label == "2026Q4"
    assert named_period("last_quarter", winter).label == "2025Q4"
    assert named_period("last_half", date(2026, 7, 1)).label == "2026H1"


def test_custom_period_accepts_typed_dates_and_names_the_faulty_field() -> None:
    period = custom_period("2026-01-15", "-10", TODAY)
    assert (period.first, period.last) == (date(2026, 1, 15), date(2026, 11, 10))
    with pytest.raises(Exception) as refused:
        custom_period("2026-02-30", "", TODAY)
    fields = [v.field for v in refused.value.violations]  # type: ignore[attr-defined]
    assert fields == ["from", "to"]


# --- the screen ----------------------------------------------------------------------------------


async def test_the_preview_shows_what_the_board_will_see(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        expected = _expected(demo, LAST_HALF)
        assert screen.shown is not None and screen.shown.period == LAST_HALF
        assert screen.report == expected
        # The table's cells, column by column, are the suppressed report's.
        for metric in ("contacts", "started", "not_started", "exits", "followup_6m"):
            cells = _cells(screen, metric)
            assert cells[1:] == [str(expected["counts"][metric][c]) for c in COLUMNS]
        for code, row in expected["breakdowns"]["exits_by_destination"].items():
            assert _cells(screen, f"destination:{code}")[1:] == [str(row[c]) for c in COLUMNS]
        shares = expected["shares"]["step_up_share"]
        step_up = _cells(screen, "step_up_share")[1:]
        for cell, column in zip(step_up, COLUMNS, strict=True):
            share = shares[column]
            if share.get("suppressed"):
                assert cell == HIDDEN_MARK
            elif share["value"] is None:
                assert cell == "–"
            else:
                assert cell == f"{round(share['value'] * 100)} %"
        # Some figure of a 40-person register is small enough to be hidden.
        published = [expected["counts"][m][c] for m in expected["counts"] for c in COLUMNS]
        assert HIDDEN_MARK in published
        charts = str(screen.query_one("#charts", Static).render())
        assert "█" in charts and "Flödet under perioden" in charts


async def test_the_preview_follows_the_period_and_the_insatser(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        # The period list: last half-year, this half-year, last year, this year, custom.
        screen.query_one("#period").focus()
        await pilot.press("enter", "down", "down", "enter")
        await _preview_ready(pilot, screen)
        assert screen.shown is not None and screen.shown.period.label == "2025"
        assert screen.report == _expected(demo, Period.parse("2025"))

        insatser = screen.query_one("#report-insatser", SelectionList)
        first = screen.insatser[0]
        insatser.focus()
        await pilot.press("home", "space")  # untick the first insats
        await _preview_ready(pilot, screen)
        rest = screen.insatser[1:]
        assert screen.shown is not None and screen.shown.insatser == tuple(rest)
        assert screen.report == _expected(demo, Period.parse("2025"), rest)
        assert first not in screen.report["insatser"]


async def test_a_custom_period_is_checked_with_swedish_messages(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        screen.query_one("#period").focus()
        await pilot.press("enter", "end", "enter")
        await pilot.pause()
        assert screen.query_one("#custom-period").display
        assert screen.report is None

        error = screen.query_one("#period-error", Static)
        await type_into(pilot, "#from", "2026-13-01")
        await type_into(pilot, "#to", "2026-06-30")
        await pilot.press("enter")
        await pilot.pause()
        assert "Från: Datumet känns inte igen" in str(error.render())
        assert screen.report is None

        await type_into(pilot, "#from", "2026-07-01")
        await pilot.press("enter")
        await pilot.pause()
        assert "Periodens första dag (2026-07-01) ligger efter dess sista dag" in str(
            error.render()
        )

        await type_into(pilot, "#from", "2026-02-01")
        await pilot.press("enter")
        await _preview_ready(pilot, screen)
        assert str(error.render()) == ""
        custom = Period.parse("2026-02-01..2026-06-30")
        assert screen.report == _expected(demo, custom)


async def test_goals_tertials_future_and_running_periods(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        heading = str(screen.query_one("#preview-heading", Static).render())
        # 2026H1 has ended; nobody set a goal, so the goal shown is a default and says so.
        assert "PRELIMINÄR" not in heading
        assert "tracker goals set" in heading
        assert _cells(screen, "step_up_goal")[0].startswith("Standardmål ≥ 80 %")
        charts = str(screen.query_one("#charts", Static).render())
        assert "standardmål 80 % (ej beslutat av styrelsen)" in charts

        # This tertial (2026T3 on 2026-11-20) is running: marked preliminary.
        screen.query_one("#period").focus()
        await pilot.press("enter", *["down"] * 5, "enter")
        await _preview_ready(pilot, screen)
        assert screen.shown is not None and screen.shown.period.label == "2026T3"
        assert screen.report == _expected(demo, Period.parse("2026T3"))
        heading = str(screen.query_one("#preview-heading", Static).render())
        assert "PRELIMINÄR: perioden slutar 2026-12-31" in heading

        # A custom period entirely in the future is refused in Swedish, nothing computed.
        screen.query_one("#period").focus()
        await pilot.press("enter", "end", "enter")
        await type_into(pilot, "#from", "2027-01-01")
        await type_into(pilot, "#to", "2027-03-31")
        await pilot.press("enter")
        await pilot.pause()
        error = str(screen.query_one("#period-error", Static).render())
        assert error.startswith("Perioden 2027-01-01..2027-03-31 har inte börjat än")
        assert screen.report is None


async def test_a_coordinator_sets_the_forbund_on_the_reports_screen(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        status = screen.query_one("#forbund-status", Static)
        await type_into(pilot, "#forbund", "@SUM(A1)")
        await pilot.press("enter")
        await pilot.pause()
        assert status.has_class("-error")
        assert "får inte börja med @" in str(status.render())
        await type_into(pilot, "#forbund", "Samordningsförbundet Sala-Heby")
        await pilot.click("#save-forbund")
        await pilot.pause()
        assert not status.has_class("-error")
        assert "Samordningsförbundet Sala-Heby" in str(status.render())
        await _preview_ready(pilot, screen)
        await _without_pdf_and_xlsx(pilot, screen)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: screen.bundle_path is not None, timeout=120)
        assert screen.bundle_path is not None
    assert read_bundle(screen.bundle_path).manifest["forbund"] == "Samordningsförbundet Sala-Heby"
    with _open(demo, "demo", registers.DEMO_PASSPHRASE) as session:
        assert report_service.forbund(session) == "Samordningsförbundet Sala-Heby"
        with session.read() as connection:
            kinds = [e.kind for e in iter_events(connection)]
    assert kinds.count(report_service.FORBUND_SET) == 1  # the refused name wrote nothing

    staff = DemoHost(demo, user="sam")
    async with staff.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        assert not screen.query("#forbund")  # shown, not editable
        name = str(screen.query_one("#forbund-name", Static).render())
        assert name == "Samordningsförbundet Sala-Heby"


async def test_staff_never_see_the_suppression_switch(demo: Path) -> None:
    app = DemoHost(demo, user="sam")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        assert not screen.query(Switch)
        assert screen.shown is not None and screen.shown.suppression
        assert screen.report == _expected(demo, LAST_HALF)


@pytest.mark.parametrize("user", ["demo", "rut"])
async def test_coordinators_and_reviewers_may_preview_unsuppressed(demo: Path, user: str) -> None:
    app = DemoHost(demo, user=user)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        warning = screen.query_one("#unsuppressed-warning", Static)
        assert screen.query_one("#suppression", Switch).value is True
        assert not warning.has_class("-shown")
        screen.query_one("#suppression", Switch).focus()
        await pilot.press("space")
        await _preview_ready(pilot, screen)
        assert warning.has_class("-shown") and "INTERNT" in str(warning.render())
        with _open(demo, "demo", registers.DEMO_PASSPHRASE) as session:
            assert screen.report == build_report(session, LAST_HALF)
        assert screen.report is not None and screen.report["suppression"] is None


async def test_the_command_palette_opens_the_reports(demo: Path) -> None:
    app = DemoHost(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await pilot.press("ctrl+p", *"Rapporter")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)


async def test_english(demo: Path) -> None:
    app = DemoHost(demo, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        assert screen.title == "DEMO · Reports"  # a demo register says so on every screen
        table = screen.query_one("#figures", DataTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers == ["Metric", "women", "men", "not stated", "total"]
        assert _cells(screen, "contacts")[0] == "Contacts during the period"
        assert "The period's flow" in str(screen.query_one("#charts", Static).render())


async def _log_in_to_demo(pilot: Pilot[None], app: TrackerApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
    app.screen.query_one("#user", Input).value = "demo"
    await log_in(pilot, app, registers.DEMO_PASSPHRASE)


async def test_the_help_lists_the_reports_key(demo: Path, tmp_path: Path) -> None:
    app = TrackerApp(demo, today=lambda: TODAY, settings_path=tmp_path / "settings.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await _log_in_to_demo(pilot, app)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.query_one(Markdown).source
        assert "**r**  Rapporter" in text
        await pilot.press("escape", "r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "**Ctrl+E**  Exportera" in app.screen.query_one(Markdown).source


async def test_the_threshold_is_the_registers(demo: Path) -> None:
    with _open(demo, "demo", registers.DEMO_PASSPHRASE) as session:
        report_service.set_suppression_threshold(session, 3)
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        assert screen.threshold == 3
        assert "(under 3)" in str(screen.query_one("#suppression-label").render())
        assert screen.report == _expected(demo, LAST_HALF)
        assert screen.report is not None and screen.report["suppression"]["threshold"] == 3


async def test_export_writes_a_bundle_that_verifies(demo: Path, tmp_path: Path) -> None:
    """The real app: log in, open the reports, untick two formats, export."""
    app = TrackerApp(demo, today=lambda: TODAY, settings_path=tmp_path / "settings.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await _log_in_to_demo(pilot, app)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await _preview_ready(pilot, screen)
        previewed = screen.report
        await _without_pdf_and_xlsx(pilot, screen)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: screen.bundle_path is not None, timeout=120)
        path = screen.bundle_path
        assert path is not None and path.suffix == ".zip"
        assert path.resolve().parent == (tmp_path / "exports").resolve()
        status = str(screen.query_one("#export-status", Static).render())
        assert status == f"Rapporten är sparad: {path.resolve()}"
        assert screen.query_one("#export-progress", ProgressBar).percentage == 1.0
        await _preview_ready(pilot, screen)  # read afresh: the export is in the audit log

    result = verify_bundle(path)
    assert result.ok, result.problems
    bundle = read_bundle(path)
    assert bundle.manifest["formats"] == ["json", "csv"]
    assert not any(name.endswith((".pdf", ".xlsx")) for name in bundle.members)
    # The board's figures are the ones the preview showed (the audit head aside).
    assert previewed is not None
    assert {**bundle.report, "as_of": None} == {**previewed, "as_of": None, "preliminary": False}
    assert bundle.report["suppression"]["threshold"] == DEFAULT_THRESHOLD
    assert bundle.report["suppression"]["method"] == "cell-key"


async def test_an_unsuppressed_export_is_internal(demo: Path) -> None:
    app = DemoHost(demo, user="rut")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        screen.query_one("#suppression", Switch).focus()
        await pilot.press("space")
        await _preview_ready(pilot, screen)
        await _without_pdf_and_xlsx(pilot, screen)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: screen.bundle_path is not None, timeout=120)
        assert screen.bundle_path is not None
    bundle = read_bundle(screen.bundle_path)
    assert bundle.manifest["threshold"] is None and bundle.report["suppression"] is None
    with _open(demo, "demo", registers.DEMO_PASSPHRASE) as session, session.read() as connection:
        exported = [e for e in iter_events(connection) if e.kind == "report_exported"]
    assert len(exported) == 1 and exported[0].user == "rut"
    assert exported[0].payload is not None and exported[0].payload["threshold"] is None


async def test_an_export_that_cannot_be_saved_says_so_in_swedish(demo: Path) -> None:
    Path("exports").write_text("not a folder", encoding="utf-8")
    app = DemoHost(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_reports(pilot)
        await _without_pdf_and_xlsx(pilot, screen)
        await pilot.press("ctrl+e")
        status = screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: status.has_class("-error"), timeout=120)
        assert str(status.render()).startswith("Rapporten kunde inte sparas i ")
        assert screen.bundle_path is None and not screen.exporting
        assert str(status.render()) in app.messages


# --- snapshots (update with --snapshot-update and review the SVGs) -----------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot(snap_compare: Any, demo: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _open_reports(pilot)

    assert snap_compare(DemoHost(demo), terminal_size=size, run_before=run_before)


def test_snapshot_narrow_preview(snap_compare: Any, demo: Path) -> None:
    """At 80 columns the preview is below the choices: scrolled to, it shows the figures."""

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _open_reports(pilot)
        screen.query_one("#reports-body").scroll_to_widget(
            screen.query_one("#report-preview"), top=True, animate=False
        )
        await pilot.pause()

    assert snap_compare(DemoHost(demo), terminal_size=(80, 24), run_before=run_before)


def test_charts_draw_no_bar_for_a_hidden_count(demo: Path) -> None:
    report = _expected(demo, LAST_HALF)
    report["counts"]["exits"]["total"] = HIDDEN_MARK
    report["counts"]["contacts"]["total"] = 40
    report["counts"]["started"]["total"] = 10
    with _open(demo, "demo", registers.DEMO_PASSPHRASE) as session:
        destinations = current_lists(session).code_lists["exit_destination"]
    lines = chart_text(report, destinations, "sv").plain.splitlines()
    assert next(line for line in lines if line.startswith("Avslutade ")).endswith(" ..")
    assert "█" not in next(line for line in lines if line.startswith("Avslutade "))
    contacts = next(line for line in lines if line.startswith("Kontakter"))
    started = next(line for line in lines if line.startswith("Nya inskrivna"))
    # Bars in proportion: 40 fills the width, 10 a quarter of it.
    assert contacts.count("█") == 20 and started.count("█") == 5

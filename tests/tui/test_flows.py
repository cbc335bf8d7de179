"""Every flow of the case screens, driven with Pilot against a real encrypted register."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from support import PASSPHRASE, TODAY, synthetic_personnummer
from textual.widgets import DataTable, Input, Static
from tui.host import HostApp
from tui.pilot_helpers import select_case, type_into, working_day

from tracker.i18n import t
from tracker.services import audit, cases, registers
from tracker.services.session import Session
from tracker.store.eventlog import head
from tracker.tui.cases import CaseListScreen
from tracker.tui.detail import CaseDetailScreen
from tracker.tui.followups import FollowUpsDueScreen
from tracker.tui.forms import (
    FollowUpForm,
    RetractForm,
    StepForm,
)


def _open(db_path: Path, user: str = "anna") -> Session:
    return registers.open_session(db_path, user=user, passphrase=PASSPHRASE, today=lambda: TODAY)


def _head(db_path: Path) -> int:
    with _open(db_path) as session, session.read() as connection:
        return head(connection).seq


def _error(app: HostApp, slot: str) -> str:
    return str(app.screen.query_one(f"#error-{slot}", Static).render())


async def test_fast_path_logs_a_step_in_three_keys(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, codes["active"])
        before = _head(db_path)
        # The fast path, counted: open the form, one level up, save.
        await pilot.press("s", "up", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, StepForm)
        assert _head(db_path) == before + 1
        label = "Arbetsförberedande insats"
        assert f"Steg sparat: nivå 4 {label}" in app.messages
        # The list shows the new level and keeps the selection.
        screen = app.screen
        assert isinstance(screen, CaseListScreen) and screen.selected_code == codes["active"]
        row = next(r for r in screen._shown if r.case.code == codes["active"])
        assert row.case.current_level == 4 and row.cells[3].startswith("4 ")
    with _open(db_path) as session:
        last = cases.get_case(session, codes["active"]).events[-1]
    assert (last.kind, last.date, last.level, last.meeting) == ("step", TODAY, 4, "flerpartsmote")


async def test_a_digit_jumps_to_a_level(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, codes["active"])
        await pilot.press("s", "6", "enter")
        await pilot.pause()
    with _open(db_path) as session:
        assert cases.get_case(session, codes["active"]).summary.current_level == 6


async def test_the_whole_working_day(db_path: Path, fixed_clock: None) -> None:
    """Two applications, a start, a non-start, three steps, an exit, a follow-up, a correction."""
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        first, second = await working_day(pilot)

    with _open(db_path) as session:
        started = cases.get_case(session, first)
        not_started = cases.get_case(session, second)
        report = audit.verify(session)
    assert report.ok
    assert not_started.summary.status == "non_start"
    assert [(e.kind, e.level) for e in started.events] == [
        ("application", None),
        ("start", 2),
        ("step", 4),  # corrected from 3
        ("step", 4),
        ("step", 5),
        ("exit", 6),
        ("follow_up", 6),
    ]
    exit_event = started.events[5]
    assert exit_event.destination == "arbetssokande" and exit_event.handover is True
    assert exit_event.date == TODAY - timedelta(days=200)
    assert started.events[0].date == TODAY - timedelta(days=300)
    assert started.summary.follow_up_months_done == (6,)


async def test_invalid_input_is_refused_in_the_form_and_nothing_is_written(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    db_path, codes = seeded
    before = _head(db_path)
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, codes["active"])
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StepForm)

        await type_into(pilot, "#date", "-100")  # the case started 80 days ago
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert _error(app, "date") == t(
            "domain.step_before_start",
            "sv",
            date=(TODAY - timedelta(days=100)).isoformat(),
            start=(TODAY - timedelta(days=80)).isoformat(),
        )

        await type_into(pilot, "#date", "2099-01-01")
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app, "date") == t(
            "domain.date_in_future", "sv", date="2099-01-01", today=TODAY.isoformat()
        )

        await type_into(pilot, "#date", synthetic_personnummer())
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app, "date") == t("domain.personnummer_refused", "sv")
        assert form.query_one("#date", Input).value == ""  # never kept on screen

        await type_into(pilot, "#date", "igårr")
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app, "date") == t("domain.date_format", "sv")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)

        # A personnummer typed into the search field is cleared, never echoed. (It is refused
        # as soon as it is one with the check digit dropped, so the last key typed may remain.)
        await pilot.press("slash", *synthetic_personnummer())
        await pilot.pause()
        assert len(app.screen.query_one("#search", Input).value) <= 1
        notice = str(app.screen.query_one("#notice", Static).render())
        assert notice == t("domain.personnummer_refused", "sv")
    assert _head(db_path) == before


async def test_search_and_filters(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CaseListScreen)

        def shown() -> set[str]:
            return {row.case.code for row in screen._shown}

        sala = {codes["pending"], codes["active"], codes["exited"]}
        assert shown() == sala
        await pilot.press("1")
        assert shown() == {codes["active"]}
        await pilot.press("2")
        assert shown() == {codes["pending"]}
        await pilot.press("3")
        assert shown() == {codes["exited"]}
        await pilot.press("4")  # exited ≈ 6 months ago: the 6-month follow-up is due
        assert shown() == {codes["exited"]}
        await pilot.press("0", "slash", *codes["active"][:4].lower(), "enter")
        assert shown() == {codes["active"]}
        assert screen.focused is screen.query_one(DataTable)
        # The other insats is one Select away; the choice stays while the screen lives.
        screen.query_one("#insats").focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert screen.insats == "Samordningsteam Heby"
        screen.query_one("#search", Input).value = ""
        await pilot.pause()
        assert shown() == {codes["other_insats"]}


async def test_a_reviewer_sees_but_cannot_write(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    with _open(db_path) as session:
        registers.add_user(
            session, passphrase=PASSPHRASE, user="greta", role="reviewer", new_passphrase=PASSPHRASE
        )
    before = _head(db_path)
    app = HostApp(db_path, user="greta")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        assert screen.check_action("step", ()) is None  # shown dimmed
        assert screen.check_action("detail", ()) is True
        await select_case(pilot, codes["active"])
        for key in ("s", "a", "t", "e", "x", "u"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen  # no form opened
        refusal = "greta har rollen granskare och får inte göra detta."
        assert app.messages.count(refusal) == 6
        await pilot.press("ctrl+p", *"Steg")  # the palette says the same
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is screen and app.messages.count(refusal) == 7
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        await pilot.press("r", "m")
        await pilot.pause()
        assert app.screen is detail and app.messages.count(refusal) == 9
    assert _head(db_path) == before


async def test_english(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        table = screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()][:3] == ["Code", "Gender", "Status"]
        descriptions = {b.description for _k, b in screen._bindings}
        assert {"Step", "New application", "Follow-ups due"} <= descriptions
        await select_case(pilot, codes["active"])
        await pilot.press("s", "enter")
        await pilot.pause()
        assert "Step saved: level 3 Stabilising support (health, daily life)" in app.messages


async def test_the_command_palette_offers_the_actions(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, codes["active"])
        await pilot.press("ctrl+p", *"Steg")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, StepForm)


async def test_follow_ups_due_opens_the_form_and_the_row_leaves(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        due_screen = app.screen
        assert isinstance(due_screen, FollowUpsDueScreen)
        table = due_screen.query_one(DataTable)
        assert table.row_count == 1
        code, _insats, _exit, months, _due, state = table.get_row_at(0)
        assert (code, months) == (codes["exited"], "6 månader")
        assert state.startswith("om ") or state.startswith("försenad") or state == "idag"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpForm)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is due_screen and table.row_count == 0
        assert "Inga uppföljningar" in str(due_screen.query_one("#heading", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
    with _open(db_path) as session:
        view = cases.get_case(session, codes["exited"])
    assert view.summary.follow_up_months_done == (6,)
    assert view.events[-1].level == 5  # the current level was the default


async def test_retracting_a_wrongly_registered_step(seeded: tuple[Path, dict[str, str]]) -> None:
    db_path, codes = seeded
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, codes["active"])
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        step_row = next(i for i, e in enumerate(detail._entries) if e.kind == "step")
        step_seq = detail._entries[step_row].seq
        table = detail.query_one(DataTable)
        await pilot.press(*(["up"] * table.cursor_row), *(["down"] * step_row), "m")
        await pilot.pause()
        assert isinstance(app.screen, RetractForm)
        await pilot.press("ctrl+s")  # the reason defaults to felregistrering
        await pilot.pause()
        assert app.screen is detail
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert rows[step_row][2] == "Stegförflyttning\nmakulerad"
        assert rows[-1][2] == "Makulering" and f"makulerar nr {step_seq}" in rows[-1][3]
        # A retraction row is not an event that can be corrected.
        await pilot.press(*(["down"] * len(rows)), "r")
        await pilot.pause()
        assert app.screen is detail
        assert t("tui.form_not_case_event", "sv") in app.messages
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        row = next(r for r in screen._shown if r.case.code == codes["active"])
        assert row.case.current_level == 2  # back to the start level
    with _open(db_path) as session:
        assert audit.verify(session).ok

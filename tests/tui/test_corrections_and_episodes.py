"""Issue 14 from the TUI: gender, exit destination and non-start reason of an existing case
corrected from the timeline (the old values stay, shown as replaced; stats count the new
ones), a returning participant's two episodes in the detail, a follow-up closed as not made
from the due list, and the warning after a second step on the same day."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from support import PASSPHRASE, TODAY
from textual.widgets import DataTable, Static
from tui.host import HostApp
from tui.pilot_helpers import choose, select_case

from tracker.domain.case import kind_label
from tracker.domain.dates import add_months
from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.services import cases, registers
from tracker.services.session import Session
from tracker.stats.report import build_report
from tracker.tui.detail import CaseDetailScreen
from tracker.tui.followups import FollowUpsDueScreen
from tracker.tui.forms import CorrectForm, FollowUpForm

SALA = "Samordningsteam Sala"


def _open(db_path: Path) -> Session:
    return registers.open_session(db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY)


def _days(n: int) -> date:
    return TODAY - timedelta(days=n)


def _returning_participant(db_path: Path) -> str:
    """Episode 1: an application closed without a start; episode 2: back, started, exited."""
    with _open(db_path) as session:
        code = cases.register_application(
            session, insats=SALA, gender="kvinna", on=_days(400), referrer="af"
        ).code
        cases.non_start(session, code=code, on=_days(380), reason="uteblev")
        cases.register_application(
            session, insats=SALA, gender="kvinna", on=_days(300), referrer="egen", code=code
        )
        cases.start(session, code=code, on=_days(290), level=2)
        cases.exit_case(
            session,
            code=code,
            on=_days(200),
            destination="studier",
            exit_kind="avslutad",
            handover=True,
            level=6,
        )
    return code


def _rows(detail: CaseDetailScreen) -> list[dict[str, str]]:
    """The timeline's rows by column key; the event's kind and its state (replaced,
    retracted) are read apart whether they share a column or not."""
    table = detail.query_one(DataTable)
    keys = [str(column.key.value) for column in table.ordered_columns]
    rows = []
    for i in range(table.row_count):
        cells = dict(zip(keys, (str(cell) for cell in table.get_row_at(i)), strict=True))
        kind, _, state = cells["col_kind"].partition("\n")
        rows.append(
            {
                "kind": kind,
                "state": state or cells.get("col_state", ""),
                "details": cells["col_details"],
            }
        )
    return rows


async def _correct_row(pilot, detail: CaseDetailScreen, kind: str) -> CorrectForm:  # type: ignore[no-untyped-def]
    index = next(i for i, e in enumerate(detail._entries) if e.kind == kind)
    table = detail.query_one(DataTable)
    table.focus()
    table.move_cursor(row=0)
    await pilot.pause()
    await pilot.press(*(["down"] * index), "r")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, CorrectForm)
    return form


async def test_gender_destination_and_non_start_reason_corrected_from_the_timeline(
    db_path: Path, fixed_clock: None
) -> None:
    code = _returning_participant(db_path)
    app = HostApp(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await select_case(pilot, code)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        # Both episodes show in the detail.
        episodes = str(detail.query_one("#episodes", Static).render())
        non_start, exited = (t(f"tui.cases.status_{s}", "sv") for s in ("non_start", "exited"))
        assert f"Omgång 1: {_days(400)} – {_days(380)} · {non_start}" in episodes
        assert f"Omgång 2: {_days(300)} – {_days(200)} · {exited}" in episodes

        # Gender, on the application that opened the case: the current value is filled in.
        form = await _correct_row(pilot, detail, "application")
        assert form.read_select("gender") == "kvinna" and form.read_select("referrer") == "af"
        await choose(pilot, "#correction_reason", 1)  # felregistrering
        await choose(pilot, "#gender", 2)  # man
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail

        form = await _correct_row(pilot, detail, "non_start")
        assert form.read_select("reason") == "uteblev"
        await choose(pilot, "#correction_reason", 1)
        await choose(pilot, "#reason", 6)  # ohalsa
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail

        form = await _correct_row(pilot, detail, "exit")
        assert form.read_select("destination") == "studier"
        await choose(pilot, "#correction_reason", 1)
        await choose(pilot, "#destination", 4)  # arbetssokande
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail

        rows = _rows(detail)
        correction, replaced = kind_label("correction", "sv"), t("tui.detail_replaced", "sv")
        by_kind = {row["kind"]: row for row in rows if row["kind"] != correction}
        # The originals stay with their old values, marked replaced.
        non_start_row, exit_row = by_kind[kind_label("non_start")], by_kind[kind_label("exit")]
        assert replaced in non_start_row["state"] and "Uteblivna besök" in non_start_row["details"]
        assert replaced in exit_row["state"] and "Studier" in exit_row["details"]
        first_application = next(row for row in rows if row["kind"] == kind_label("application"))
        assert replaced in first_application["state"] and "Kvinna" in first_application["details"]
        corrections = [row["details"] for row in rows if row["kind"] == correction]
        assert len(corrections) == 3
        assert "Man" in corrections[0]
        assert "Försämrad hälsa" in corrections[1]
        assert "Aktivt arbetssökande" in corrections[2]
        assert "Man" in str(detail.query_one("#info", Static).render())

    with _open(db_path) as session:
        view = cases.get_case(session, code)
        period = Period.between(_days(400), TODAY)
        report = build_report(session, period)
    assert view.gender == "man"
    assert report["breakdowns"]["not_started_by_reason"]["ohalsa"]["man"] == 1
    assert report["breakdowns"]["not_started_by_reason"]["uteblev"]["total"] == 0
    assert report["breakdowns"]["exits_by_destination"]["arbetssokande"]["man"] == 1
    assert report["breakdowns"]["exits_by_destination"]["studier"]["total"] == 0
    assert report["counts"]["contacts"]["man"] == 2  # two episodes, both now a man's


async def test_an_overdue_follow_up_is_closed_as_not_made_from_the_due_list(
    db_path: Path, fixed_clock: None
) -> None:
    with _open(db_path) as session:
        code = cases.start(
            session, on=add_months(TODAY, -12), level=2, insats=SALA, gender="kvinna"
        ).code
        cases.exit_case(
            session,
            code=code,
            on=add_months(TODAY, -8),
            destination="arbetssokande",
            exit_kind="avslutad",
            handover=False,
            level=5,
        )
    app = HostApp(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        due = app.screen
        assert isinstance(due, FollowUpsDueScreen)
        assert [item.code for item in due._due] == [code]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpForm)
        await choose(pilot, "#reason", 1)  # kunde_inte_nas
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is due
        assert due._due == []
    with _open(db_path) as session:
        follow_up = cases.get_case(session, code).events[-1]
    assert (follow_up.kind, follow_up.reason, follow_up.level) == (
        "follow_up",
        "kunde_inte_nas",
        None,
    )


async def test_a_second_step_on_the_same_day_is_saved_with_a_warning(
    db_path: Path, fixed_clock: None
) -> None:
    with _open(db_path) as session:
        code = cases.start(session, on=_days(30), level=2, insats=SALA, gender="man").code
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, code)
        await pilot.press("s", "up", "enter")
        await pilot.pause()
        await pilot.press("s", "enter")
        await pilot.pause()
    assert any("redan en stegförflyttning" in message for message in app.messages)
    with _open(db_path) as session:
        assert [e.kind for e in cases.get_case(session, code).events].count("step") == 2


async def test_an_exited_participant_reenters_with_t_and_both_episodes_show(
    db_path: Path, fixed_clock: None
) -> None:
    with _open(db_path) as session:
        code = cases.start(session, on=_days(300), level=2, insats=SALA, gender="kvinna").code
        cases.exit_case(
            session,
            code=code,
            on=_days(100),
            destination="arbetssokande",
            exit_kind="avbruten",
            handover=False,
            level=4,
        )
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, code)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#date").focus()
        await pilot.press("home", "ctrl+k", *"-5")
        app.screen.query_one("#level").focus()
        await pilot.press("3", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        text = str(detail.query_one("#episodes", Static).render())
        exited, active = (t(f"tui.cases.status_{s}", "sv") for s in ("exited", "active"))
        assert f"Omgång 1: {_days(300)} – {_days(100)} · {exited}" in text
        assert f"Omgång 2: {_days(5)} –  · {active}" in text
    with _open(db_path) as session:
        view = cases.get_case(session, code)
    assert [e.episode for e in view.events] == [1, 1, 2]


async def test_a_returning_application_from_the_detail_opens_a_new_episode(
    db_path: Path, fixed_clock: None
) -> None:
    with _open(db_path) as session:
        code = cases.register_application(
            session, insats=SALA, gender="man", on=_days(200), referrer="af"
        ).code
        cases.non_start(session, code=code, on=_days(190), reason="atertagen")
    app = HostApp(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_case(pilot, code)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        await pilot.press("a")
        await pilot.pause()
        await choose(pilot, "#referrer", 5)  # egen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        assert "Omgång 2:" in str(detail.query_one("#episodes", Static).render())
    with _open(db_path) as session:
        view = cases.get_case(session, code)
    assert view.summary.status == "application" and view.summary.episode == 2
    assert (view.gender, view.events[-1].referrer) == ("man", "egen")

"""Follow-ups due, insatser and the writing roles: what the staff TUI's views ask for."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from support import PASSPHRASE, TODAY

from tracker.domain.dates import add_months
from tracker.services import cases, registers
from tracker.services.session import Session

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"


def _exited(session: Session, exit_on: date, insats: str = SALA) -> str:
    code = cases.start(
        session, on=exit_on - timedelta(days=60), level=2, insats=insats, gender="man"
    ).code
    cases.exit_case(
        session,
        code=code,
        on=exit_on,
        destination="studier",
        exit_kind="avslutad",
        handover=False,
        level=4,
    )
    return code


def test_follow_ups_due_within_the_window_or_overdue(session: Session) -> None:
    # Due in 10 days (6 months), due in 40 days (outside), overdue 6 and 18 months.
    soon = _exited(session, add_months(TODAY + timedelta(days=10), -6))
    later = _exited(session, add_months(TODAY + timedelta(days=40), -6))
    old = _exited(session, add_months(TODAY, -20), insats=HEBY)
    done = _exited(session, add_months(TODAY, -19))
    cases.follow_up(session, code=done, on=add_months(TODAY, -13), months=6, level=5)

    due = cases.follow_ups_due(session)

    assert [(d.code, d.months) for d in due] == [(old, 6), (old, 18), (done, 18), (soon, 6)]
    assert all(d.due <= TODAY + timedelta(days=30) for d in due)
    assert later not in {d.code for d in due}
    first = due[0]
    assert first.insats == HEBY and first.exit_level == 4 and first.current_level == 4
    assert first.due == add_months(first.exit_date, 6)
    assert [d.code for d in cases.follow_ups_due(session, insats=SALA)] == [done, soon]
    assert {d.code for d in cases.follow_ups_due(session, within_days=45)} >= {later}


def test_a_recorded_follow_up_leaves_the_list(session: Session) -> None:
    code = _exited(session, add_months(TODAY, -6))
    assert [(d.code, d.months) for d in cases.follow_ups_due(session)] == [(code, 6)]
    cases.follow_up(session, code=code, on=TODAY, months=6, level=5)
    assert cases.follow_ups_due(session) == []


def test_insats_names_in_the_order_added(session: Session) -> None:
    assert cases.insats_names(session) == [SALA, HEBY]


def test_may_write_by_role(session: Session, db_path: Path) -> None:
    assert cases.may_write(session)
    registers.add_user(
        session, passphrase=PASSPHRASE, user="greta", role="reviewer", new_passphrase=PASSPHRASE
    )
    with registers.open_session(db_path, user="greta", passphrase=PASSPHRASE) as reviewer:
        assert reviewer.actor.role == "reviewer"
        assert not cases.may_write(reviewer)


def test_list_cases_for_one_code(session: Session) -> None:
    code = _exited(session, add_months(TODAY, -2))
    other = _exited(session, add_months(TODAY, -3))
    rows = cases.list_cases(session, code=code.lower())
    assert [row.code for row in rows] == [code]
    assert {row.code for row in cases.list_cases(session)} == {code, other}
    assert cases.list_cases(session, code="NONE-XIST") == []

"""Issue 14 through the services: re-enrolment under the same code, follow-ups closed as not
made, the follow-up window, warnings, and corrections of every field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support import TODAY

from tracker.domain.dates import add_months
from tracker.domain.errors import RuleError
from tracker.services import cases
from tracker.services.session import ServiceError, Session

SALA = "Samordningsteam Sala"


def _exited(session: Session, exit_on: date, level: int = 4) -> str:
    code = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2024, 1, 10), referrer="af"
    ).code
    cases.start(session, code=code, on=date(2024, 2, 1), level=2)
    cases.exit_case(
        session,
        code=code,
        on=exit_on,
        destination="arbetssokande",
        exit_kind="avslutad",
        handover=False,
        level=level,
    )
    return code


def test_a_returning_participant_gets_a_second_episode_under_the_same_code(
    session: Session,
) -> None:
    code = _exited(session, date(2024, 6, 30))
    back = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2025, 3, 1), referrer="egen", code=code
    )
    assert (back.code, back.summary.status, back.summary.episode) == (code, "application", 2)
    view = cases.start(session, code=code, on=date(2025, 3, 15), level=3)
    assert view.summary.status == "active" and view.summary.start_date == date(2025, 3, 15)
    assert [e.episode for e in view.events] == [1, 1, 1, 2, 2]
    # A step joins the open episode; the first episode's follow-up goes to the first.
    cases.log_step(session, code=code, on=date(2025, 4, 1), level=4)
    followed = cases.follow_up(session, code=code, on=date(2025, 1, 2), months=6, level=5)
    assert [e.episode for e in followed.events if e.kind == "follow_up"] == [1]
    assert cases.list_cases(session, code=code)[0].status == "active"


def test_a_returned_participant_still_owes_the_earlier_episode_s_follow_ups(
    session: Session,
) -> None:
    exit_on = add_months(TODAY, -8)
    code = _exited(session, exit_on)
    cases.start(session, code=code, on=TODAY - timedelta(days=20), level=3)
    due = [d for d in cases.follow_ups_due(session) if d.code == code]
    assert [(d.months, d.episode, d.exit_date) for d in due] == [(6, 1, exit_on)]
    cases.follow_up(session, code=code, on=TODAY, months=6, level=4, episode=1)
    assert [d for d in cases.follow_ups_due(session) if d.code == code] == []


def test_a_returning_participant_keeps_gender_and_insats(session: Session) -> None:
    code = _exited(session, date(2024, 6, 30))
    with pytest.raises(RuleError) as refused:
        cases.register_application(
            session, insats=SALA, gender="man", on=date(2025, 3, 1), referrer="af", code=code
        )
    assert [v.field for v in refused.value.violations] == ["gender"]


def test_an_open_case_cannot_get_a_second_application(session: Session) -> None:
    code = cases.register_application(
        session, insats=SALA, gender="man", on=date(2025, 1, 1), referrer="af"
    ).code
    with pytest.raises(ServiceError, match=code):
        cases.register_application(
            session, insats=SALA, gender="man", on=date(2025, 2, 1), referrer="af", code=code
        )


def test_a_start_after_an_exit_reenrols_without_a_new_application(session: Session) -> None:
    code = _exited(session, date(2024, 6, 30))
    view = cases.start(session, code=code, on=date(2025, 1, 10), level=2)
    assert view.summary.episode == 2 and view.summary.status == "active"


def test_a_new_episode_cannot_begin_before_the_previous_exit(session: Session) -> None:
    code = _exited(session, date(2024, 6, 30))
    with pytest.raises(RuleError) as refused:
        cases.start(session, code=code, on=date(2024, 6, 1), level=2)
    assert [v.key for v in refused.value.violations] == ["domain.episode_before_close"]


def test_a_follow_up_too_early_is_refused_naming_the_earliest_date(session: Session) -> None:
    code = _exited(session, date(2025, 6, 30))
    with pytest.raises(RuleError) as refused:
        cases.follow_up(session, code=code, on=date(2025, 7, 30), months=6, level=4)
    assert "2025-11-30" in str(refused.value)
    cases.follow_up(session, code=code, on=date(2025, 11, 30), months=6, level=4)


def test_an_overdue_follow_up_closed_as_not_made_leaves_the_due_list(session: Session) -> None:
    exit_on = add_months(TODAY, -8)
    code = _exited(session, exit_on)
    due = [(d.code, d.months) for d in cases.follow_ups_due(session)]
    assert (code, 6) in due
    item = next(d for d in cases.follow_ups_due(session) if d.code == code)
    assert item.earliest == add_months(exit_on, 5)
    with pytest.raises(RuleError):  # not made: no level
        cases.follow_up(session, code=code, on=TODAY, months=6, level=4, reason="kunde_inte_nas")
    view = cases.follow_up(session, code=code, on=TODAY, months=6, reason="kunde_inte_nas")
    assert view.summary.follow_up_months_done == (6,)
    assert (code, 6) not in [(d.code, d.months) for d in cases.follow_ups_due(session)]
    # Made after all: a correction turns it into a follow-up with a level.
    seq = next(e.seq for e in view.events if e.kind == "follow_up")
    fixed = cases.correct(
        session, code=code, seq=seq, reason="annat", changes={"level": 4, "reason": None}
    )
    assert next(e for e in fixed.events if e.kind == "follow_up").level == 4


def test_warnings_come_back_with_the_saved_view(session: Session) -> None:
    code = cases.start(session, on=date(2025, 1, 1), level=2, insats=SALA, gender="man").code
    first = cases.log_step(session, code=code, on=date(2025, 2, 1), level=3)
    assert first.warnings == ()
    again = cases.log_step(session, code=code, on=date(2025, 2, 1), level=3)
    assert [w.key for w in again.warnings] == ["domain.warn_step_same_day"]
    exited = cases.exit_case(
        session,
        code=code,
        on=date(2025, 3, 1),
        destination="forvarvsarbete",
        exit_kind="avslutad",
        handover=False,
        level=4,
    )
    assert [w.key for w in exited.warnings] == ["domain.warn_destination_level"]


def test_every_field_of_every_kind_can_be_corrected(session: Session) -> None:
    code = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2025, 1, 10), referrer="af"
    ).code
    application = cases.get_case(session, code).events[0].seq
    cases.correct(session, code=code, seq=application, reason="annat", referrer="fk", gender="man")
    view = cases.non_start(session, code=code, on=date(2025, 2, 1), reason="uteblev")
    non_start = view.events[-1].seq
    view = cases.correct(
        session, code=code, seq=non_start, reason="annat", changes={"reason": "ohalsa"}
    )
    assert view.gender == "man"
    assert [(e.referrer, e.reason) for e in view.events] == [("fk", None), (None, "ohalsa")]


def test_a_date_before_the_floor_is_refused(session: Session) -> None:
    with pytest.raises(RuleError) as refused:
        cases.register_application(
            session, insats=SALA, gender="man", on=date(1900, 1, 1), referrer="af"
        )
    assert "2004-01-01" in str(refused.value)

"""summarize_case: status, key dates, levels, next follow-up."""

from __future__ import annotations

from datetime import date

from tracker.domain import (
    APPLICATION,
    EXIT,
    FOLLOW_UP,
    NON_START,
    START,
    STATUSES,
    STEP,
    CaseEvent,
    CaseSummary,
    status_label,
    summarize_case,
)

TODAY = date(2027, 6, 1)
APP = CaseEvent(APPLICATION, date(2025, 1, 10), seq=1, referrer="af")
STA = CaseEvent(START, date(2025, 1, 20), seq=2, level=2)
STP = CaseEvent(STEP, date(2025, 3, 1), seq=3, level=4)
EXI = CaseEvent(EXIT, date(2026, 8, 31), seq=4, level=5, destination="studier")
FU6 = CaseEvent(FOLLOW_UP, date(2027, 3, 1), seq=5, level=5, months=6)
FU18 = CaseEvent(FOLLOW_UP, date(2028, 3, 1), seq=6, level=6, months=18)


def test_empty() -> None:
    assert summarize_case([], TODAY) == CaseSummary(status="empty")


def test_application_only() -> None:
    s = summarize_case([APP], TODAY)
    assert s.status == "application"
    assert s.application_date == APP.date
    assert s.last_event_date == APP.date
    assert (s.start_date, s.days_in_insats, s.next_follow_up_due, s.current_level) == (
        None,
        None,
        None,
        None,
    )


def test_non_start() -> None:
    non = CaseEvent(NON_START, date(2025, 2, 1), seq=2, reason="uteblev")
    s = summarize_case([APP, non], TODAY)
    assert (s.status, s.non_start_date, s.days_in_insats) == ("non_start", date(2025, 2, 1), None)


def test_active_counts_days_to_today() -> None:
    s = summarize_case([STP, APP, STA], TODAY)
    assert s.status == "active"
    assert (s.start_level, s.current_level) == (2, 4)
    assert s.days_in_insats == (TODAY - STA.date).days
    assert s.last_event_date == STP.date
    assert s.next_follow_up_due is None


def test_exited_counts_days_to_exit_and_plans_follow_ups() -> None:
    s = summarize_case([APP, STA, STP, EXI], TODAY)
    assert s.status == "exited"
    assert s.exit_date == EXI.date
    assert s.days_in_insats == (EXI.date - STA.date).days
    assert s.current_level == 5
    assert s.next_follow_up_due == date(2027, 2, 28)  # 31 Aug + 6 months, clipped
    assert s.follow_up_months_done == ()

    after_6 = summarize_case([APP, STA, STP, EXI, FU6], TODAY)
    assert after_6.next_follow_up_due == date(2028, 2, 29)
    assert after_6.follow_up_months_done == (6,)
    assert after_6.last_event_date == FU6.date

    done = summarize_case([FU18, APP, STA, STP, EXI, FU6], TODAY)
    assert done.next_follow_up_due is None
    assert done.follow_up_months_done == (6, 18)
    # Follow-up levels are not the participant's level in the insats.
    assert done.current_level == 5


def test_only_18_month_follow_up_still_asks_for_the_6_month_one() -> None:
    s = summarize_case([STA, EXI, FU18], TODAY)
    assert s.next_follow_up_due == date(2027, 2, 28)
    assert s.follow_up_months_done == (18,)


def test_current_level_is_latest_by_date_then_seq() -> None:
    same_day = date(2025, 3, 1)
    later_registered = CaseEvent(STEP, same_day, seq=9, level=3)
    s = summarize_case([STA, STP, later_registered], TODAY)
    assert s.current_level == 3
    # An exit without a level leaves the last step's level in force.
    s = summarize_case([STA, STP, EXI._replace(level=None)], TODAY)
    assert s.current_level == 4


def test_start_without_level() -> None:
    s = summarize_case([STA._replace(level=None)], TODAY)
    assert (s.start_level, s.current_level) == (None, None)


def test_status_labels() -> None:
    for status in STATUSES:
        assert status_label(status, "sv") and status_label(status, "en")
    assert status_label("active", "sv") == "Pågående"

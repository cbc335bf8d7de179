"""Issue 14's domain rules: follow-up windows, follow-ups not made, the date floor,
episodes of a returning participant, and the warnings that do not refuse."""

from __future__ import annotations

from datetime import date

from tracker.domain import (
    APPLICATION,
    DEFAULT_CODE_LISTS,
    DEFAULT_LADDER,
    EXIT,
    FOLLOW_UP,
    NON_START,
    START,
    STEP,
    CaseEvent,
    Violation,
    case_warnings,
    check_case,
    episode_for,
    follow_up_earliest,
    summarize_case,
)

TODAY = date(2027, 6, 1)
APP = CaseEvent(APPLICATION, date(2025, 1, 10), seq=1, referrer="af")
STA = CaseEvent(START, date(2025, 1, 20), seq=2, level=2)
EXI = CaseEvent(
    EXIT,
    date(2025, 6, 30),
    seq=3,
    level=6,
    destination="arbetssokande",
    exit_kind="avslutad",
    handover=False,
)
CASE = [APP, STA, EXI]


def keys(events: list[CaseEvent]) -> list[str]:
    found = check_case(events, ladder=DEFAULT_LADDER, lists=DEFAULT_CODE_LISTS, today=TODAY)
    for violation in found:
        assert violation.message("sv") and violation.message("en")
    return [v.key for v in found]


def message(events: list[CaseEvent], lang: str = "sv") -> str:
    found = check_case(events, ladder=DEFAULT_LADDER, lists=DEFAULT_CODE_LISTS, today=TODAY)
    assert len(found) == 1, [v.key for v in found]
    return found[0].message(lang)


# --- follow-up windows ---------------------------------------------------------------------


def test_the_window_opens_one_calendar_month_before_the_due_date() -> None:
    assert follow_up_earliest(date(2025, 6, 30), 6) == date(2025, 11, 30)
    assert follow_up_earliest(date(2025, 6, 30), 18) == date(2026, 11, 30)
    assert follow_up_earliest(date(2025, 9, 30), 6) == date(2026, 2, 28)  # month's end


def test_a_six_month_follow_up_30_days_after_the_exit_names_the_earliest_date() -> None:
    early = CaseEvent(FOLLOW_UP, date(2025, 7, 30), seq=4, level=6, months=6)
    text = message([*CASE, early])
    assert "2025-11-30" in text and "2025-07-30" in text
    assert "2025-11-30" in message([*CASE, early], "en")


def test_the_window_s_first_day_is_accepted_and_the_day_before_refused() -> None:
    on_time = CaseEvent(FOLLOW_UP, date(2025, 11, 30), seq=4, level=6, months=6)
    assert keys([*CASE, on_time]) == []
    assert keys([*CASE, on_time._replace(date=date(2025, 11, 29))]) == [
        "domain.follow_up_too_early"
    ]


def test_an_18_month_follow_up_on_the_day_of_the_6_month_one_is_refused() -> None:
    six = CaseEvent(FOLLOW_UP, date(2025, 12, 30), seq=4, level=6, months=6)
    eighteen = CaseEvent(FOLLOW_UP, date(2025, 12, 30), seq=5, level=6, months=18)
    assert keys([*CASE, six, eighteen]) == ["domain.follow_up_too_early"]
    assert "2026-11-30" in message([*CASE, six, eighteen])


# --- follow-ups not made -------------------------------------------------------------------


def test_a_follow_up_not_made_needs_a_listed_reason_and_no_level() -> None:
    missed = CaseEvent(FOLLOW_UP, date(2026, 2, 1), seq=4, months=6, reason="kunde_inte_nas")
    assert missed.not_done
    assert keys([*CASE, missed]) == []
    assert keys([*CASE, missed._replace(reason="glomde")]) == ["domain.follow_up_reason_unknown"]
    assert keys([*CASE, missed._replace(level=4)]) == ["domain.follow_up_not_done_level"]


def test_a_follow_up_not_made_may_be_recorded_before_the_window_but_after_the_exit() -> None:
    moved = CaseEvent(FOLLOW_UP, date(2025, 7, 2), seq=4, months=18, reason="avliden_flyttat")
    assert keys([*CASE, moved]) == []
    assert keys([*CASE, moved._replace(date=EXI.date)]) == ["domain.follow_up_not_after_exit"]


def test_a_follow_up_not_made_closes_it_in_the_summary() -> None:
    missed = CaseEvent(FOLLOW_UP, date(2026, 2, 1), seq=4, months=6, reason="avbojde")
    summary = summarize_case([*CASE, missed], TODAY)
    assert summary.follow_up_months_done == (6,)
    assert summary.next_follow_up_due == date(2026, 12, 30)


# --- dates ---------------------------------------------------------------------------------


def test_a_date_before_the_floor_is_refused_with_the_floor_named() -> None:
    old = APP._replace(date=date(1900, 1, 1))
    text = message([old])
    assert "1900-01-01" in text and "2004-01-01" in text
    assert keys([APP._replace(date=date(2004, 1, 1))]) == []


# --- episodes ------------------------------------------------------------------------------


def test_a_returning_participant_opens_episode_two_after_the_exit() -> None:
    assert episode_for(CASE, APPLICATION) == 2
    assert episode_for(CASE, START) == 2
    assert episode_for([APP, STA], START) == 1  # same episode: a duplicate start, refused
    back = CaseEvent(APPLICATION, date(2026, 3, 1), seq=4, referrer="egen", episode=2)
    again = CaseEvent(START, date(2026, 3, 10), seq=5, level=3, episode=2)
    assert keys([*CASE, back, again]) == []
    summary = summarize_case([*CASE, back, again], TODAY)
    assert (summary.status, summary.episode, summary.start_date) == (
        "active",
        2,
        date(2026, 3, 10),
    )
    # The first episode's follow-ups are still due, and go to the first episode.
    assert summary.next_follow_up_due == date(2025, 12, 30)
    assert episode_for([*CASE, back, again], FOLLOW_UP, 6) == 1
    assert episode_for([*CASE, back, again], STEP) == 2


def test_a_new_episode_needs_the_previous_one_closed_and_opens_after_it() -> None:
    early = CaseEvent(START, date(2025, 6, 1), seq=4, level=3, episode=2)
    assert keys([*CASE, early]) == ["domain.episode_before_close"]
    open_case = [APP, STA]
    assert keys([*open_case, early._replace(date=date(2025, 8, 1))]) == [
        "domain.episode_not_closed"
    ]
    step_first = CaseEvent(STEP, date(2025, 8, 1), seq=4, level=3, episode=2)
    assert "domain.episode_without_opening" in keys([*CASE, step_first])


def test_after_a_non_start_the_participant_may_apply_again() -> None:
    non = CaseEvent(NON_START, date(2025, 1, 25), seq=2, reason="uteblev")
    back = CaseEvent(APPLICATION, date(2025, 9, 1), seq=3, referrer="af", episode=2)
    assert episode_for([APP, non], APPLICATION) == 2
    assert episode_for([APP, non], START) == 1  # a start after a non-start is a mistake
    assert keys([APP, non, back]) == []


def test_episode_is_stored_only_above_one() -> None:
    assert "episode" not in APP.to_payload()
    payload = APP._replace(episode=2).to_payload()
    assert payload["episode"] == 2
    assert CaseEvent.from_payload(APPLICATION, payload).episode == 2


# --- warnings ------------------------------------------------------------------------------


def _warnings(events: list[CaseEvent], new: CaseEvent) -> list[Violation]:
    return case_warnings(events, new, ladder=DEFAULT_LADDER)


def test_a_second_step_on_the_same_day_warns() -> None:
    step = CaseEvent(STEP, date(2025, 3, 1), seq=3, level=4)
    again = step._replace(seq=None)
    found = _warnings([APP, STA, step], again)
    assert [v.key for v in found] == ["domain.warn_step_same_day"]
    assert "2025-03-01" in found[0].message("sv")
    assert _warnings([APP, STA, step], again._replace(date=date(2025, 3, 2))) == []


def test_an_exit_to_work_from_a_low_level_warns_but_not_from_a_high_one() -> None:
    work = EXI._replace(seq=None, destination="forvarvsarbete", level=4)
    assert [v.key for v in _warnings([APP, STA], work)] == ["domain.warn_destination_level"]
    assert _warnings([APP, STA], work._replace(level=6)) == []
    # Without an exit level, the latest level counts.
    assert _warnings([APP, STA], work._replace(level=None)) != []
    assert _warnings([APP, STA], work._replace(destination="ej_redo")) == []
    # A warning is not a refusal.
    assert keys([APP, STA, work._replace(seq=9)]) == []

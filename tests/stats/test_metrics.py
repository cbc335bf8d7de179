"""Each metric of metrics.md on small hand-built registers, edge cases included.

Registers are real encrypted files built through the case services (the ``session`` fixture,
today = 2026-11-20, insatser Sala and Heby). Every expected number is worked out by hand from
the definitions in metrics.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tracker.domain.dates import add_months
from tracker.domain.periods import Period
from tracker.services import cases
from tracker.services.session import ServiceError, Session
from tracker.stats.engine import COUNTS
from tracker.stats.report import build_report, load_facts, report_from_facts

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
H1 = "2026H1"


def _report(session: Session, period: str = H1, **options: Any) -> dict[str, Any]:
    return build_report(session, Period.parse(period), **options)


def _count(report: dict[str, Any], name: str, col: str = "total") -> int:
    return report["counts"][name][col]


def _apply(session: Session, on: str, gender: str = "kvinna", insats: str = SALA) -> str:
    return cases.register_application(
        session, insats=insats, gender=gender, on=date.fromisoformat(on), referrer="af"
    ).code


def _enrol(
    session: Session,
    on: str,
    level: int | None = 2,
    gender: str = "kvinna",
    insats: str = SALA,
) -> str:
    """A case opened at start (no application)."""
    return cases.start(
        session, on=date.fromisoformat(on), level=level, insats=insats, gender=gender
    ).code


def _exit(
    session: Session,
    code: str,
    on: str,
    level: int | None = 4,
    destination: str = "studier",
    exit_kind: str = "avslutad",
    handover: bool = True,
) -> None:
    cases.exit_case(
        session,
        code=code,
        on=date.fromisoformat(on),
        destination=destination,
        exit_kind=exit_kind,
        handover=handover,
        level=level,
    )


def _step(session: Session, code: str, on: str, level: int) -> None:
    cases.log_step(session, code=code, on=date.fromisoformat(on), level=level)


def _follow_up(session: Session, code: str, on: str, months: int, level: int) -> None:
    cases.follow_up(session, code=code, on=date.fromisoformat(on), months=months, level=level)


# --- empty and shape -----------------------------------------------------------------------


def test_an_empty_period_gives_zeros_null_shares_and_no_median(session: Session) -> None:
    report = _report(session)
    assert report["schema"] == "tracker.report/1"
    assert report["internal"] is True and report["suppression"] is None
    assert report["period"] == {"label": H1, "first": "2026-01-01", "last": "2026-06-30"}
    assert report["comparison_period"]["label"] == "2025H1"
    assert report["insatser"] == [SALA, HEBY]
    for name in COUNTS:
        assert report["counts"][name] == {"kvinna": 0, "man": 0, "ej_angivet": 0, "total": 0}
    assert report["shares"]["step_up_share"]["total"] == {"num": 0, "den": 0, "value": None}
    assert report["figures"]["days_in_insats_median"]["total"] is None
    assert all(goal["met"] is None for goal in report["goals"])
    # Every code of the code list is a row, even at zero.
    assert "atertagen" in report["breakdowns"]["not_started_by_reason"]
    assert set(report["comparison"]) == {"counts", "breakdowns", "shares", "figures"}


# --- applications, starts, decisions -------------------------------------------------------


def test_events_on_the_first_and_last_day_count_and_the_days_around_do_not(
    session: Session,
) -> None:
    _apply(session, "2025-12-31")
    _apply(session, "2026-01-01", gender="man")
    _apply(session, "2026-06-30", gender="ej_angivet")
    _apply(session, "2026-07-01")
    report = _report(session)
    assert report["counts"]["applications"] == {
        "kvinna": 0,
        "man": 1,
        "ej_angivet": 1,
        "total": 2,
    }
    # All four are pending at the end of H1 except the one applied for after it.
    assert _count(report, "pending_at_end") == 3
    assert _count(report, "contacts") == 3


def test_a_decision_just_after_the_period_leaves_the_application_pending(
    session: Session,
) -> None:
    started = _apply(session, "2026-06-20")
    cases.start(session, code=started, on=date(2026, 7, 1), level=2)
    declined = _apply(session, "2026-06-25", gender="man")
    cases.non_start(session, code=declined, on=date(2026, 7, 1), reason="uteblev")
    decided = _apply(session, "2026-06-01")
    cases.start(session, code=decided, on=date(2026, 6, 30), level=2)

    h1 = _report(session)
    assert _count(h1, "pending_at_end") == 2
    assert _count(h1, "started") == 1
    assert _count(h1, "not_started") == 0
    h2 = _report(session, "2026H2")
    assert _count(h2, "pending_at_end") == 0
    assert _count(h2, "started") == 1
    assert h2["counts"]["not_started"] == {"kvinna": 0, "man": 1, "ej_angivet": 0, "total": 1}
    assert h2["breakdowns"]["not_started_by_reason"]["uteblev"]["man"] == 1
    assert h2["breakdowns"]["not_started_by_reason"]["atertagen"]["total"] == 0
    # A non-start closes the case interval: in H2 still a contact, in 2027 not.
    assert _count(h2, "contacts") == 3


def test_contacts_span_the_whole_case_interval(session: Session) -> None:
    closed_before = _enrol(session, "2025-03-01")
    _exit(session, closed_before, "2025-12-31")
    closed_on_first_day = _enrol(session, "2025-03-01")
    _exit(session, closed_on_first_day, "2026-01-01")
    still_open = _apply(session, "2024-05-01")  # pending for two years: still a contact
    assert still_open
    report = _report(session)
    assert _count(report, "contacts") == 2
    assert _count(report, "enrolled") == 1
    assert _count(report, "exits") == 1
    assert _count(report, "active_at_end") == 0


def test_active_at_end_needs_an_exit_after_the_last_day(session: Session) -> None:
    on_last_day = _enrol(session, "2026-02-01")
    _exit(session, on_last_day, "2026-06-30")
    day_after = _enrol(session, "2026-02-01", gender="man")
    _exit(session, day_after, "2026-07-01")
    _enrol(session, "2026-06-30", gender="ej_angivet")  # starts on the last day
    _enrol(session, "2026-07-01")  # starts after: not enrolled in H1
    report = _report(session)
    assert report["counts"]["enrolled"] == {"kvinna": 1, "man": 1, "ej_angivet": 1, "total": 3}
    assert report["counts"]["active_at_end"] == {
        "kvinna": 0,
        "man": 1,
        "ej_angivet": 1,
        "total": 2,
    }
    assert _count(report, "exits") == 1


# --- exits, measurability, step up ----------------------------------------------------------


def test_exits_measurable_and_step_up(session: Session) -> None:
    up = _enrol(session, "2025-10-01", level=2)
    _exit(session, up, "2026-03-01", level=4, destination="forvarvsarbete", handover=False)
    same = _enrol(session, "2025-10-01", level=3)
    _exit(session, same, "2026-03-02", level=3, exit_kind="avbruten")
    no_start_level = _enrol(session, "2025-10-01", level=None, gender="man")
    _exit(session, no_start_level, "2026-03-03", level=5)
    no_exit_level = _enrol(session, "2025-10-01", level=2, gender="man")
    _exit(session, no_exit_level, "2026-03-04", level=None)

    report = _report(session)
    assert _count(report, "exits") == 4
    assert _count(report, "exits_measurable") == 2
    assert _count(report, "step_up") == 1
    assert report["shares"]["step_up_share"]["total"] == {"num": 1, "den": 2, "value": 0.5}
    assert report["shares"]["step_up_share"]["man"] == {"num": 0, "den": 0, "value": None}
    assert _count(report, "exits_handover") == 3
    assert report["shares"]["handover_share"]["total"]["value"] == 0.75
    assert report["breakdowns"]["exits_by_destination"]["forvarvsarbete"]["total"] == 1
    assert report["breakdowns"]["exits_by_destination"]["studier"]["total"] == 3
    assert report["shares"]["destination_share.studier"]["total"] == {
        "num": 3,
        "den": 4,
        "value": 0.75,
    }
    assert report["breakdowns"]["exits_by_kind"]["avbruten"]["kvinna"] == 1
    # Exits 2025-10-01 → 2026-03-01…04: 151, 152, 153, 154 days; median 152.5.
    assert report["figures"]["days_in_insats_median"]["total"] == 152.5
    assert report["figures"]["days_in_insats_median"]["kvinna"] == 151.5


def test_active_step_up_uses_the_latest_level_on_or_before_the_last_day(
    session: Session,
) -> None:
    later = _enrol(session, "2026-01-10", level=2)
    _step(session, later, "2026-07-05", 4)  # after H1: not yet a step up in H1
    on_last_day = _enrol(session, "2026-01-10", level=2)
    _step(session, on_last_day, "2026-06-30", 3)
    fell_back = _enrol(session, "2026-01-10", level=2)
    _step(session, fell_back, "2026-02-01", 5)
    _step(session, fell_back, "2026-03-01", 2)
    report = _report(session)
    assert _count(report, "enrolled") == 3
    assert _count(report, "active_step_up") == 1
    assert _count(_report(session, "2026H2"), "active_step_up") == 2


def test_active_step_up_takes_the_level_at_exit_when_the_exit_fell_in_the_period(
    session: Session,
) -> None:
    down_at_exit = _enrol(session, "2026-01-10", level=2)
    _step(session, down_at_exit, "2026-02-01", 5)
    _exit(session, down_at_exit, "2026-05-01", level=2)
    no_level_at_exit = _enrol(session, "2026-01-10", level=2)
    _step(session, no_level_at_exit, "2026-02-01", 5)
    _exit(session, no_level_at_exit, "2026-05-01", level=None)
    step_on_exit_day = _enrol(session, "2026-01-10", level=2)
    _exit(session, step_on_exit_day, "2026-05-01", level=3)
    report = _report(session)
    # The exit's level decides; without one, the latest recorded level (5) does.
    assert _count(report, "active_step_up") == 2
    assert _count(report, "step_up") == 1


# --- follow-ups ------------------------------------------------------------------------------


def test_follow_ups_held_and_missing(session: Session) -> None:
    held = _enrol(session, "2025-01-10", level=2)
    _exit(session, held, "2025-09-15", level=4)
    _follow_up(session, held, "2026-03-20", 6, 4)  # due 2026-03-15, same level: held
    dropped = _enrol(session, "2025-01-10", level=2, gender="man")
    _exit(session, dropped, "2025-10-01", level=5)
    _follow_up(session, dropped, "2026-04-02", 6, 3)  # lower than at exit: not held
    late = _enrol(session, "2025-01-10", level=2)
    _exit(session, late, "2025-12-15", level=4)  # due 2026-06-15, recorded after H1
    _follow_up(session, late, "2026-07-02", 6, 6)
    never = _enrol(session, "2025-01-10", level=2)
    _exit(session, never, "2025-11-30", level=4)  # due 2026-05-30, never recorded

    h1 = _report(session)
    assert h1["counts"]["followup_6m"] == {"kvinna": 1, "man": 1, "ej_angivet": 0, "total": 2}
    assert _count(h1, "followup_6m_held") == 1
    assert h1["shares"]["followup_6m_share"]["total"]["value"] == 0.5
    assert _count(h1, "followup_6m_missing") == 2  # the late one and the one never recorded
    h2 = _report(session, "2026H2")
    assert _count(h2, "followup_6m") == 1
    assert _count(h2, "followup_6m_held") == 1
    assert _count(h2, "followup_6m_missing") == 0  # no due date falls in H2


def test_a_follow_up_recorded_before_the_due_date_is_not_missing(session: Session) -> None:
    early = _enrol(session, "2024-01-10", level=2)
    _exit(session, early, "2024-12-20", level=3)
    _follow_up(session, early, "2026-05-25", 18, 3)  # due 2026-06-20, recorded early
    report = _report(session)
    assert _count(report, "followup_18m") == 1
    assert _count(report, "followup_18m_held") == 1
    assert _count(report, "followup_18m_missing") == 0


def test_follow_up_due_dates_are_calendar_months_clipped_to_the_month_end(
    session: Session,
) -> None:
    code = _enrol(session, "2025-03-01", level=2)
    _exit(session, code, "2025-08-31", level=3)
    due = add_months(date(2025, 8, 31), 6)
    assert due == date(2026, 2, 28)
    on_due_day = _report(session, f"{due.isoformat()}..{due.isoformat()}")
    assert _count(on_due_day, "followup_6m_missing") == 1
    day_after = _report(session, "2026-03-01..2026-03-31")
    assert _count(day_after, "followup_6m_missing") == 0
    facts = load_facts(session)
    assert facts.cases["due_18m"].iloc[0].date() == add_months(date(2025, 8, 31), 18)


def test_a_follow_up_of_an_exit_without_a_level_is_never_held(session: Session) -> None:
    code = _enrol(session, "2025-01-10", level=2)
    _exit(session, code, "2025-09-15", level=None)
    _follow_up(session, code, "2026-03-20", 6, 7)
    report = _report(session)
    assert _count(report, "followup_6m") == 1
    assert _count(report, "followup_6m_held") == 0


# --- as of, corrections, retractions, attributes ----------------------------------------------


def test_as_of_counts_only_events_up_to_that_sequence_number(session: Session) -> None:
    code = _enrol(session, "2026-01-10", level=2)
    before_exit = load_facts(session).as_of
    _exit(session, code, "2026-03-01", level=4)
    assert _count(_report(session), "exits") == 1
    then = _report(session, as_of=before_exit)
    assert then["as_of"]["seq"] == before_exit
    assert _count(then, "exits") == 0
    assert _count(then, "active_at_end") == 1
    with pytest.raises(ServiceError) as refused:
        _report(session, as_of=before_exit + 100)
    assert refused.value.key == "stats.as_of_out_of_range"


def test_corrections_and_retractions_apply_as_of_their_sequence_number(
    session: Session,
) -> None:
    code = _enrol(session, "2026-01-10", level=2)
    _exit(session, code, "2026-03-01", level=4)
    exit_seq = cases.get_case(session, code).events[-1].seq
    assert exit_seq is not None
    cases.correct(session, code=code, seq=exit_seq, reason="fel_datum", date=date(2026, 8, 1))
    corrected_at = load_facts(session).as_of
    assert _count(_report(session), "exits") == 0
    assert _count(_report(session), "active_at_end") == 1
    assert _count(_report(session, as_of=corrected_at - 1), "exits") == 1
    cases.retract(session, code=code, seq=exit_seq, reason="felregistrering")
    assert _count(_report(session, "2026H2"), "exits") == 0
    assert _count(_report(session, "2026H2", as_of=corrected_at), "exits") == 1


def test_a_corrected_gender_and_insats_move_the_case(session: Session) -> None:
    code = _apply(session, "2026-02-01", gender="kvinna", insats=SALA)
    opening = cases.get_case(session, code).events[0].seq
    before = load_facts(session).as_of
    cases.correct(session, code=code, seq=opening, reason="annat", gender="man")
    report = _report(session)
    assert report["counts"]["applications"]["man"] == 1
    assert report["counts"]["applications"]["kvinna"] == 0
    assert _report(session, as_of=before)["counts"]["applications"]["kvinna"] == 1
    cases.correct(session, code=code, seq=opening, reason="annat", insats=HEBY)
    assert _count(_report(session, insatser=[SALA]), "applications") == 0
    assert _count(_report(session, insatser=[HEBY]), "applications") == 1


def test_a_fully_retracted_case_counts_nowhere(session: Session) -> None:
    code = _apply(session, "2026-02-01")
    cases.retract(
        session,
        code=code,
        seq=cases.get_case(session, code).events[0].seq,
        reason="felregistrering",
    )
    report = _report(session)
    assert _count(report, "applications") == 0
    assert _count(report, "contacts") == 0


# --- insatser, comparison, goals ---------------------------------------------------------------


def test_insats_selection_and_an_unknown_insats(session: Session) -> None:
    _apply(session, "2026-02-01", insats=SALA)
    _apply(session, "2026-02-01", insats=HEBY)
    _apply(session, "2026-02-01", insats=HEBY)
    assert _count(_report(session, insatser=[SALA]), "applications") == 1
    assert _count(_report(session, insatser=[HEBY]), "applications") == 2
    assert _count(_report(session), "applications") == 3
    with pytest.raises(ServiceError) as refused:
        _report(session, insatser=["Samordningsteam Okänd"])
    assert refused.value.key == "service.unknown_insats"


def test_the_comparison_period_is_the_same_period_a_year_earlier(session: Session) -> None:
    earlier = _enrol(session, "2024-10-01", level=2)
    _exit(session, earlier, "2025-03-01", level=4)
    now = _enrol(session, "2025-10-01", level=3)
    _exit(session, now, "2026-03-01", level=3)
    report = _report(session)
    assert report["comparison_period"] == {
        "label": "2025H1",
        "first": "2025-01-01",
        "last": "2025-06-30",
    }
    assert _count(report, "step_up") == 0
    assert report["comparison"]["counts"]["step_up"]["total"] == 1
    goal = next(g for g in report["goals"] if g["metric"] == "step_up_share")
    assert goal == {
        "metric": "step_up_share",
        "target": 0.8,
        "source": "default",  # nobody set it
        "value": 0.0,
        "num": 0,
        "den": 1,
        "met": False,
        "comparison_value": 1.0,
        "comparison_met": True,
    }
    explicit = _report(session, "2026-01-01..2026-06-30")
    assert explicit["comparison_period"]["first"] == "2025-01-01"
    assert explicit["counts"] == report["counts"]


def test_one_read_serves_many_periods(session: Session) -> None:
    _apply(session, "2026-02-01")
    facts = load_facts(session)
    assert _count(report_from_facts(facts, Period.parse(H1)), "applications") == 1
    assert _count(report_from_facts(facts, Period.parse("2026Q2")), "applications") == 0


def test_the_worked_example_of_docs_metrics(session: Session) -> None:
    """docs/metrics.md, "Ett räknat exempel": the same six cases and the same numbers."""
    a = _apply(session, "2025-12-10", gender="kvinna")
    cases.start(session, code=a, on=date(2026, 1, 15), level=2)
    _step(session, a, "2026-03-01", 4)
    _exit(session, a, "2026-05-31", level=4, destination="studier", handover=True)
    b = _apply(session, "2026-02-01", gender="man")
    cases.non_start(session, code=b, on=date(2026, 2, 20), reason="atertagen")
    c = _enrol(session, "2025-09-01", level=3, gender="man")
    _step(session, c, "2026-06-30", 5)
    d = _apply(session, "2026-06-15", gender="kvinna")
    cases.start(session, code=d, on=date(2026, 7, 3), level=2)
    e = _enrol(session, "2024-10-01", level=1, gender="kvinna")
    _exit(session, e, "2025-11-30", level=3, destination="arbetssokande")
    _follow_up(session, e, "2026-06-10", 6, 3)
    f = _enrol(session, "2024-06-01", level=2, gender="man")
    _exit(session, f, "2025-10-31", level=2, destination="annan_insats")

    report = _report(session)
    expected = {  # id: (kvinna, man, total), as in the doc's table
        "contacts": (2, 2, 4),
        "applications": (1, 1, 2),
        "started": (1, 0, 1),
        "not_started": (0, 1, 1),
        "pending_at_end": (1, 0, 1),
        "enrolled": (1, 1, 2),
        "active_at_end": (0, 1, 1),
        "active_step_up": (1, 1, 2),
        "exits": (1, 0, 1),
        "exits_handover": (1, 0, 1),
        "exits_measurable": (1, 0, 1),
        "step_up": (1, 0, 1),
        "followup_6m": (1, 0, 1),
        "followup_6m_held": (1, 0, 1),
        "followup_6m_missing": (0, 1, 1),
        "followup_18m": (0, 0, 0),
        "followup_18m_missing": (0, 0, 0),
    }
    for name, (women, men, total) in expected.items():
        cells = report["counts"][name]
        assert (cells["kvinna"], cells["man"], cells["total"]) == (women, men, total), name
    assert report["breakdowns"]["not_started_by_reason"]["atertagen"]["man"] == 1
    assert report["shares"]["step_up_share"]["total"]["value"] == 1.0
    assert report["figures"]["days_in_insats_median"] == {
        "kvinna": 136,
        "man": None,
        "ej_angivet": None,
        "total": 136,
    }

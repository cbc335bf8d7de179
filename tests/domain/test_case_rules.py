"""check_case: one test per rule, plus property-based valid cases and single-rule mutations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

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
    RuleError,
    Violation,
    check_case,
)
from tracker.domain.case import follow_up_earliest

TODAY = date(2027, 6, 1)

APP = CaseEvent(APPLICATION, date(2025, 1, 10), seq=1, referrer="af")
STA = CaseEvent(START, date(2025, 1, 20), seq=2, level=2)
STP = CaseEvent(STEP, date(2025, 3, 1), seq=3, level=4, meeting="flerpartsmote")
EXI = CaseEvent(
    EXIT,
    date(2025, 6, 30),
    seq=4,
    level=5,
    destination="studier",
    exit_kind="avslutad",
    handover=True,
)
FU6 = CaseEvent(FOLLOW_UP, date(2026, 1, 5), seq=5, level=5, months=6)
FU18 = CaseEvent(FOLLOW_UP, date(2027, 1, 5), seq=6, level=6, months=18)
NON = CaseEvent(NON_START, date(2025, 1, 25), seq=7, reason="uteblev")

FULL = [APP, STA, STP, EXI, FU6, FU18]
NOT_STARTED = [APP, NON]


def check(events: list[CaseEvent], today: date = TODAY) -> list[Violation]:
    return check_case(events, ladder=DEFAULT_LADDER, lists=DEFAULT_CODE_LISTS, today=today)


def only(events: list[CaseEvent], today: date = TODAY) -> Violation:
    """The single violation ``events`` produce; fails if there are none or several."""
    found = check(events, today)
    assert len(found) == 1, [v.key for v in found]
    violation = found[0]
    # Every message renders in both languages with the params it was given.
    assert violation.message("sv") and violation.message("en")
    return violation


def with_(event: CaseEvent, **changes: object) -> CaseEvent:
    return event._replace(**changes)


# --- valid cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "events",
    [
        [],
        [APP],
        [STA],
        [APP, STA],
        [APP, NON],
        FULL,
        list(reversed(FULL)),
        [APP, with_(STA, date=APP.date, level=None), with_(EXI, date=APP.date, level=None)],
        [STA, with_(STP, meeting=None)],
        [STA, with_(STP, date=STA.date), with_(EXI, handover=False), with_(FU6, date=FU18.date)],
        [STA, with_(EXI, date=STP.date), with_(STP, date=STP.date)],
        [APP, with_(NON, date=APP.date)],
        [STA, EXI, FU18],
        [STA, with_(STP, date=TODAY)],
    ],
    ids=[
        "empty",
        "application",
        "start-without-application",
        "started",
        "not-started",
        "full",
        "unsorted",
        "same-day-no-levels",
        "step-without-meeting",
        "handover-no",
        "step-on-exit-day",
        "non-start-same-day",
        "only-18-month-follow-up",
        "step-today",
    ],
)
def test_valid_cases_have_no_violations(events: list[CaseEvent]) -> None:
    assert check(events) == []


# --- one test per rule ---------------------------------------------------------------------


def test_at_most_one_application() -> None:
    second = with_(APP, seq=9, date=date(2025, 1, 12))
    v = only([*FULL, second])
    assert (v.key, v.field) == ("domain.application_duplicate", None)
    assert v.params == {"date": "2025-01-12", "first": "2025-01-10", "seq": 9}


def test_at_most_one_start() -> None:
    v = only([*FULL, with_(STA, seq=9, date=date(2025, 2, 1))])
    assert v.key == "domain.start_duplicate"


def test_at_most_one_non_start() -> None:
    v = only([*NOT_STARTED, with_(NON, seq=9, date=date(2025, 2, 1))])
    assert v.key == "domain.non_start_duplicate"
    assert v.params["first"] == "2025-01-25"


def test_at_most_one_exit() -> None:
    v = only([*FULL, with_(EXI, seq=9)])
    assert v.key == "domain.exit_duplicate"


def test_start_and_non_start_exclude_each_other() -> None:
    v = only([*FULL, NON])
    assert v.key == "domain.start_and_non_start"
    assert v.params == {"start": "2025-01-20", "non_start": "2025-01-25", "seq": 7}


def test_non_start_needs_an_application() -> None:
    v = only([NON])
    assert (v.key, v.field) == ("domain.non_start_without_application", None)


def test_non_start_not_before_application() -> None:
    v = only([APP, with_(NON, date=date(2025, 1, 9))])
    assert (v.key, v.field) == ("domain.non_start_before_application", "date")
    assert v.params == {"date": "2025-01-09", "application": "2025-01-10", "seq": 7}


def test_start_not_before_application() -> None:
    v = only([APP, with_(STA, date=date(2025, 1, 9)), STP])
    assert (v.key, v.field) == ("domain.start_before_application", "date")
    assert v.params["application"] == "2025-01-10"


def test_step_needs_a_start() -> None:
    v = only([APP, STP])
    assert v.key == "domain.step_without_start"


def test_step_not_before_start() -> None:
    v = only([APP, STA, with_(STP, date=date(2025, 1, 19))])
    assert (v.key, v.field) == ("domain.step_before_start", "date")
    assert v.params == {"date": "2025-01-19", "start": "2025-01-20", "seq": 3}


def test_step_not_after_exit() -> None:
    v = only([*FULL, with_(STP, seq=9, date=date(2025, 7, 1))])
    assert (v.key, v.field) == ("domain.step_after_exit", "date")
    assert v.params == {"date": "2025-07-01", "exit": "2025-06-30", "seq": 9}


def test_exit_needs_a_start() -> None:
    v = only([APP, EXI, FU6])
    assert v.key == "domain.exit_without_start"


def test_exit_not_before_start() -> None:
    v = only([APP, STA, with_(EXI, date=date(2025, 1, 19)), FU6])
    assert (v.key, v.field) == ("domain.exit_before_start", "date")
    assert v.params["start"] == "2025-01-20"


def test_follow_up_needs_an_exit() -> None:
    v = only([APP, STA, FU6])
    assert v.key == "domain.follow_up_without_exit"


@pytest.mark.parametrize("days", [0, -1])
def test_follow_up_strictly_after_exit(days: int) -> None:
    v = only([APP, STA, EXI, with_(FU6, date=EXI.date + timedelta(days=days))])
    assert (v.key, v.field) == ("domain.follow_up_not_after_exit", "date")
    assert v.params["exit"] == "2025-06-30"


@pytest.mark.parametrize("months", [0, 12, 24, -6, True])
def test_follow_up_months_are_6_or_18(months: int) -> None:
    v = only([APP, STA, EXI, with_(FU6, months=months)])
    assert (v.key, v.field) == ("domain.follow_up_months", "months")


def test_follow_up_months_required() -> None:
    v = only([APP, STA, EXI, with_(FU6, months=None)])
    assert (v.key, v.field) == ("domain.follow_up_months_missing", "months")


def test_at_most_one_follow_up_per_months() -> None:
    v = only([*FULL, with_(FU6, seq=9, date=date(2026, 2, 1))])
    assert (v.key, v.field) == ("domain.follow_up_duplicate", "months")
    assert v.params == {"months": 6, "first": "2026-01-05", "seq": 9}


def test_no_date_after_today() -> None:
    v = only(FULL, today=FU18.date - timedelta(days=1))
    assert (v.key, v.field) == ("domain.date_in_future", "date")
    assert v.params == {"date": "2027-01-05", "today": "2027-01-04", "seq": 6}


@pytest.mark.parametrize("event", [STP, FU6], ids=["step", "follow_up"])
def test_level_required_for_step_and_follow_up(event: CaseEvent) -> None:
    events = [with_(e, level=None) if e is event else e for e in FULL]
    v = only(events)
    assert (v.key, v.field) == ("domain.level_missing", "level")


@pytest.mark.parametrize("event", [STA, STP, EXI, FU18], ids=["start", "step", "exit", "follow_up"])
@pytest.mark.parametrize("level", [0, 8, -1, True, "3"])
def test_level_must_be_on_the_ladder(event: CaseEvent, level: object) -> None:
    events = [with_(e, level=level) if e is event else e for e in FULL]
    v = only(events)
    assert (v.key, v.field) == ("domain.level_unknown", "level")
    assert v.params["lowest"] == 1 and v.params["highest"] == 7


def test_level_optional_for_start_and_exit() -> None:
    assert check([APP, with_(STA, level=None), STP, with_(EXI, level=None), FU6]) == []


@pytest.mark.parametrize(
    ("event", "fld", "key"),
    [
        (APP, "referrer", "domain.referrer_missing"),
        (NON, "reason", "domain.reason_missing"),
        (EXI, "destination", "domain.destination_missing"),
        (EXI, "exit_kind", "domain.exit_kind_missing"),
        (EXI, "handover", "domain.handover_missing"),
    ],
)
def test_required_codes(event: CaseEvent, fld: str, key: str) -> None:
    base = NOT_STARTED if event is NON else FULL
    for missing in (None, ""):
        if fld == "handover" and missing == "":
            continue
        events = [with_(e, **{fld: missing}) if e is event else e for e in base]
        v = only(events)
        assert (v.key, v.field) == (key, fld)


@pytest.mark.parametrize(
    ("event", "fld", "key"),
    [
        (APP, "referrer", "domain.referrer_unknown"),
        (NON, "reason", "domain.reason_unknown"),
        (STP, "meeting", "domain.meeting_unknown"),
        (EXI, "destination", "domain.destination_unknown"),
        (EXI, "exit_kind", "domain.exit_kind_unknown"),
    ],
)
def test_codes_must_be_on_their_list(event: CaseEvent, fld: str, key: str) -> None:
    base = NOT_STARTED if event is NON else FULL
    events = [with_(e, **{fld: "okand_kod"}) if e is event else e for e in base]
    v = only(events)
    assert (v.key, v.field) == (key, fld)
    assert v.params["code"] == "okand_kod"


def test_handover_must_be_a_bool() -> None:
    v = only([with_(e, handover="ja") if e is EXI else e for e in FULL])
    assert v.key == "domain.handover_missing"


def test_reason_codes_are_not_exit_destinations() -> None:
    # Each field is checked against its own list.
    v = only([APP, with_(NON, reason="studier")])
    assert v.key == "domain.reason_unknown"


def test_personnummer_in_a_code_field_is_refused_without_echo() -> None:
    nine = "900101123"
    total = sum(
        (int(ch) * (2 if i % 2 == 0 else 1)) // 10 + (int(ch) * (2 if i % 2 == 0 else 1)) % 10
        for i, ch in enumerate(nine)
    )
    number = f"{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"  # synthetic personnummer
    v = only([with_(APP, referrer=number), STA])
    assert (v.key, v.field) == ("domain.personnummer_refused", "referrer")
    assert number not in v.message("sv") and number not in repr(v)


def test_unknown_kind() -> None:
    v = only([*FULL, CaseEvent("visit", date(2025, 2, 1), seq=9)])
    assert (v.key, v.field) == ("domain.kind_unknown", "kind")


def test_params_omit_seq_for_unsaved_events() -> None:
    v = only([APP, with_(STA, seq=None, date=date(2025, 1, 9))])
    assert "seq" not in v.params


def test_rule_error_joins_messages() -> None:
    found = check([with_(APP, referrer=None), with_(NON, reason=None)])
    error = RuleError(found)
    assert error.violations == found
    assert str(error).splitlines() == [v.message() for v in found]


# --- property-based ------------------------------------------------------------------------

LEVELS = st.sampled_from(DEFAULT_LADDER.numbers)


def codes(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(DEFAULT_CODE_LISTS[name].codes)


@st.composite
def valid_cases(draw: st.DrawFn) -> tuple[list[CaseEvent], date]:
    """A random valid case, built in date order, and a ``today`` on or after its last event."""
    gap = st.integers(0, 120)
    day = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 12, 31)))
    events: list[CaseEvent] = []
    seq = iter(range(1, 1000))

    def add(kind: str, **fields: object) -> None:
        events.append(CaseEvent(kind, day, seq=next(seq), **fields))

    if draw(st.booleans()):
        add(APPLICATION, referrer=draw(codes("referrer")))
        outcome = draw(st.sampled_from(["pending", "non_start", "start"]))
    else:
        outcome = "start"
    if outcome == "non_start":
        day += timedelta(days=draw(gap))
        add(NON_START, reason=draw(codes("non_start_reason")))
    elif outcome == "start":
        day += timedelta(days=draw(gap))
        add(START, level=draw(st.none() | LEVELS))
        for _ in range(draw(st.integers(0, 5))):
            day += timedelta(days=draw(gap))
            add(STEP, level=draw(LEVELS), meeting=draw(st.none() | codes("meeting_type")))
        if draw(st.booleans()):
            day += timedelta(days=draw(gap))
            add(
                EXIT,
                level=draw(st.none() | LEVELS),
                destination=draw(codes("exit_destination")),
                exit_kind=draw(codes("exit_kind")),
                handover=draw(st.booleans()),
            )
            exit_day = day
            for months in draw(st.sampled_from([(), (6,), (18,), (6, 18)])):
                day += timedelta(days=draw(st.integers(1, 400)))
                day = max(day, follow_up_earliest(exit_day, months))  # the window's first day
                add(FOLLOW_UP, level=draw(LEVELS), months=months)
    today = day + timedelta(days=draw(st.integers(0, 30)))
    return events, today


@given(valid_cases(), st.randoms())
def test_random_valid_cases_pass(case: tuple[list[CaseEvent], date], rnd: object) -> None:
    events, today = case
    shuffled = list(events)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert check(shuffled, today) == []


MUTATIONS = (
    "future",
    "duplicate",
    "drop_start",
    "level_off_ladder",
    "bad_months",
    "bad_code",
    "no_handover",
    "step_after_exit",
    "follow_up_on_exit_day",
    "non_start_and_start",
)


@given(valid_cases(), st.sampled_from(MUTATIONS), st.data())
def test_single_rule_mutations_are_reported(
    case: tuple[list[CaseEvent], date], mutation: str, data: st.DataObject
) -> None:
    events, today = case
    kinds = {e.kind: e for e in events}
    expected: str
    if mutation == "future":
        target = data.draw(st.sampled_from(events)) if events else None
        assume(target is not None)
        bump = timedelta(days=data.draw(st.integers(1, 100)))
        events = [with_(e, date=today + bump) if e is target else e for e in events]
        expected = "domain.date_in_future"
    elif mutation == "duplicate":
        once = [e for e in events if e.kind in (APPLICATION, START, NON_START, EXIT)]
        assume(once)
        target = data.draw(st.sampled_from(once))
        events = [*events, with_(target, seq=999)]
        expected = f"domain.{target.kind}_duplicate"
    elif mutation == "drop_start":
        assume(START in kinds and (STEP in kinds or EXIT in kinds))
        events = [e for e in events if e.kind != START]
        expected = "domain.step_without_start" if STEP in kinds else "domain.exit_without_start"
    elif mutation == "level_off_ladder":
        levelled = [e for e in events if e.kind in (STEP, FOLLOW_UP)]
        assume(levelled)
        target = data.draw(st.sampled_from(levelled))
        events = [with_(e, level=DEFAULT_LADDER.highest + 1) if e is target else e for e in events]
        expected = "domain.level_unknown"
    elif mutation == "bad_months":
        assume(FOLLOW_UP in kinds)
        events = [with_(e, months=12) if e.kind == FOLLOW_UP else e for e in events]
        expected = "domain.follow_up_months"
    elif mutation == "bad_code":
        assume(APPLICATION in kinds)
        events = [with_(e, referrer="xyz") if e.kind == APPLICATION else e for e in events]
        expected = "domain.referrer_unknown"
    elif mutation == "no_handover":
        assume(EXIT in kinds)
        events = [with_(e, handover=None) if e.kind == EXIT else e for e in events]
        expected = "domain.handover_missing"
    elif mutation == "step_after_exit":
        assume(EXIT in kinds)
        late = kinds[EXIT].date + timedelta(days=data.draw(st.integers(1, 50)))
        events = [*events, CaseEvent(STEP, late, seq=999, level=3)]
        expected = "domain.step_after_exit"
    elif mutation == "follow_up_on_exit_day":
        assume(EXIT in kinds)
        events = [*events, CaseEvent(FOLLOW_UP, kinds[EXIT].date, seq=999, level=3, months=6)]
        expected = "domain.follow_up_not_after_exit"
    else:  # non_start_and_start
        assume(START in kinds and APPLICATION in kinds)
        events = [*events, CaseEvent(NON_START, kinds[START].date, seq=999, reason="annat")]
        expected = "domain.start_and_non_start"
    assert expected in [v.key for v in check(events, today)]

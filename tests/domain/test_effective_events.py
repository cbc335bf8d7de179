"""effective_events: corrections, retractions, ordering; CaseEvent payload round trip."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import (
    APPLICATION,
    CASE_KINDS,
    CORRECTION,
    EXIT,
    FOLLOW_UP,
    NON_START,
    RETRACTION,
    START,
    STEP,
    CaseEvent,
    effective_events,
    summarize_case,
)

Raw = tuple[int, str, dict[str, Any]]


def app(seq: int, day: str = "2025-01-10", **extra: Any) -> Raw:
    return (seq, APPLICATION, {"date": day, "referrer": "af", **extra})


def step(seq: int, day: str, level: int) -> Raw:
    return (seq, STEP, {"date": day, "level": level})


def correct(seq: int, replaces: int, **event: Any) -> Raw:
    return (seq, CORRECTION, {"replaces": replaces, "event": event, "reason": "fel_datum"})


def retract(seq: int, target: int) -> Raw:
    return (seq, RETRACTION, {"retracts": target, "reason": "felregistrering"})


def test_plain_events_become_case_events() -> None:
    raw = [
        app(1, case="K7QM-4XTB", insats="Team Väst", gender="kvinna"),
        (2, START, {"date": "2025-01-20", "level": 2}),
        step(3, "2025-03-01", 4),
    ]
    assert effective_events(raw) == [
        CaseEvent(APPLICATION, date(2025, 1, 10), seq=1, referrer="af"),
        CaseEvent(START, date(2025, 1, 20), seq=2, level=2),
        CaseEvent(STEP, date(2025, 3, 1), seq=3, level=4),
    ]


def test_same_day_events_follow_kind_order_then_seq() -> None:
    day = "2025-05-05"
    raw = [
        (1, FOLLOW_UP, {"date": day, "months": 6, "level": 3}),
        (2, EXIT, {"date": day}),
        step(3, day, 5),
        step(4, day, 4),
        (5, NON_START, {"date": day, "reason": "annat"}),
        (6, START, {"date": day}),
        app(7, day),
    ]
    events = effective_events(raw)
    assert [e.kind for e in events] == [
        APPLICATION,
        START,
        NON_START,
        STEP,
        STEP,
        EXIT,
        FOLLOW_UP,
    ]
    assert [e.seq for e in events if e.kind == STEP] == [3, 4]


def test_correction_replaces_payload_and_keeps_kind_and_seq() -> None:
    raw = [app(1), step(2, "2025-03-01", 4), correct(3, 2, date="2025-02-01", level=3)]
    events = effective_events(raw)
    assert events[-1] == CaseEvent(STEP, date(2025, 2, 1), seq=2, level=3)


def test_later_correction_wins() -> None:
    raw = [
        step(1, "2025-03-01", 4),
        correct(2, 1, date="2025-03-01", level=5),
        correct(3, 1, date="2025-03-02", level=6),
    ]
    assert effective_events(raw) == [CaseEvent(STEP, date(2025, 3, 2), seq=1, level=6)]


def test_correction_of_a_correction_applies_to_the_original() -> None:
    raw = [step(1, "2025-03-01", 4), correct(2, 1, date="2025-03-01", level=5)]
    raw.append(correct(3, 2, date="2025-03-01", level=6))
    assert effective_events(raw) == [CaseEvent(STEP, date(2025, 3, 1), seq=1, level=6)]


def test_retraction_removes_the_event_and_its_corrections() -> None:
    raw = [app(1), step(2, "2025-03-01", 4), correct(3, 2, date="2025-03-01", level=5)]
    raw.append(retract(4, 2))
    assert [e.seq for e in effective_events(raw)] == [1]


def test_retracting_a_correction_restores_the_previous_version() -> None:
    raw = [
        step(1, "2025-03-01", 4),
        correct(2, 1, date="2025-03-01", level=5),
        correct(3, 1, date="2025-03-01", level=6),
        retract(4, 3),
    ]
    assert effective_events(raw)[0].level == 5
    assert effective_events([*raw, retract(5, 2)])[0].level == 4


def test_retracting_twice_is_harmless() -> None:
    assert effective_events([app(1), retract(2, 1), retract(3, 1)]) == []


def test_input_order_does_not_matter() -> None:
    raw = [step(1, "2025-03-01", 4), correct(2, 1, date="2025-03-01", level=5)]
    assert effective_events(reversed(raw)) == effective_events(raw)


def test_non_case_events_may_be_corrected_but_are_not_returned() -> None:
    raw = [
        (1, "participant", {"gender": "man", "insats": "Team"}),
        app(2),
        (3, CORRECTION, {"replaces": 1, "event": {"gender": "kvinna"}}),
    ]
    assert [e.kind for e in effective_events(raw)] == [APPLICATION]


@pytest.mark.parametrize(
    "raw",
    [
        [app(1), correct(2, 9, date="2025-01-01")],
        [app(1), retract(2, 9)],
        [app(1), retract(2, 1), correct(3, 1, date="2025-01-01")],
    ],
    ids=["correct-unknown", "retract-unknown", "correct-retracted"],
)
def test_dangling_references_are_errors(raw: list[Raw]) -> None:
    with pytest.raises(ValueError):
        effective_events(raw)


def test_to_payload_is_json_safe_and_sparse() -> None:
    event = CaseEvent(EXIT, date(2025, 6, 30), seq=4, destination="studier", handover=False)
    payload = event.to_payload()
    assert payload == {"date": "2025-06-30", "destination": "studier", "handover": False}
    assert json.loads(json.dumps(payload)) == payload


def test_from_payload_accepts_a_date_object() -> None:
    event = CaseEvent.from_payload(START, {"date": date(2025, 1, 1), "level": 1})
    assert event == CaseEvent(START, date(2025, 1, 1), level=1)


# --- property-based ------------------------------------------------------------------------

levels = st.none() | st.integers(1, 7)
short_text = st.none() | st.sampled_from(["af", "studier", "annat", "avslutad", "uteblev"])

case_events = st.builds(
    CaseEvent,
    kind=st.sampled_from(CASE_KINDS),
    date=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    seq=st.none(),
    level=levels,
    referrer=short_text,
    reason=short_text,
    meeting=short_text,
    destination=short_text,
    exit_kind=short_text,
    handover=st.none() | st.booleans(),
    months=st.none() | st.sampled_from([6, 18]),
    episode=st.just(1),
)


@given(case_events, st.integers(1, 10_000))
def test_payload_round_trip(event: CaseEvent, seq: int) -> None:
    payload = json.loads(json.dumps(event.to_payload()))
    assert "seq" not in payload and "kind" not in payload
    restored = CaseEvent.from_payload(event.kind, payload, seq=seq)
    assert restored == event._replace(seq=seq)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "correct", "retract"]), case_events, st.integers(0, 10**6)),
    max_size=30,
)


@given(operations)
def test_matches_a_simple_model(ops: list[tuple[str, CaseEvent, int]]) -> None:
    """Replay random adds, corrections and retractions against a dict of live events."""
    raw: list[Raw] = []
    live: dict[int, CaseEvent] = {}
    for seq, (op, event, pick) in enumerate(ops, start=1):
        if op == "add" or not live:
            raw.append((seq, event.kind, event.to_payload()))
            live[seq] = event._replace(seq=seq)
            continue
        target = sorted(live)[pick % len(live)]
        if op == "correct":
            raw.append((seq, CORRECTION, {"replaces": target, "event": event.to_payload()}))
            kind = live[target].kind  # a correction keeps the original's kind
            live[target] = event._replace(kind=kind, seq=target)
        else:
            raw.append((seq, RETRACTION, {"retracts": target}))
            del live[target]
    expected = sorted(live.values(), key=lambda e: (e.date, CASE_KINDS.index(e.kind), e.seq))
    assert effective_events(raw) == expected


@given(operations, st.randoms(use_true_random=False))
def test_a_summary_of_events_in_case_order_needs_no_sort(
    ops: list[tuple[str, CaseEvent, int]], shuffler: random.Random
) -> None:
    """``ordered=True`` (effective_events' result, summarised without sorting again) gives the
    summary of the same events in any order."""
    raw: list[Raw] = [
        (seq, event.kind, event.to_payload()) for seq, (_op, event, _pick) in enumerate(ops, 1)
    ]
    effective = effective_events(raw)
    shuffled = list(effective)
    shuffler.shuffle(shuffled)
    today = date(2031, 1, 1)
    assert summarize_case(effective, today, ordered=True) == summarize_case(shuffled, today)

"""The cases table's row of one case, computed from its events: no database.

tracker.store.projections writes these rows on every save and compares them with the stored
ones in ``audit verify``; the importer and the statistics read a case's insats and gender here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.domain.case import (
    CASE_KINDS,
    CORRECTION,
    RETRACTION,
    CaseSummary,
    effective_events,
    summarize_case,
)

CASE_EVENT_KINDS = frozenset((*CASE_KINDS, CORRECTION, RETRACTION))

RawCaseEvent = tuple[int, str, Mapping[str, Any]]


@dataclass(frozen=True)
class CaseAttributes:
    insats_id: int
    gender: str


def case_attributes(raw: Iterable[RawCaseEvent]) -> CaseAttributes | None:
    """The case's insats and gender: the latest values given on any of its events.

    They are set by the opening event (application, or start without one) and may be changed
    by a correction of it; a retraction does not take them away.
    """
    insats_id: int | None = None
    gender: str | None = None
    for _seq, kind, payload in raw:
        body = payload.get("event", {}) if kind == CORRECTION else payload
        insats_id = body.get("insats", insats_id)
        gender = body.get("gender", gender)
    if insats_id is None or gender is None:
        return None
    return CaseAttributes(insats_id, gender)


# The cases table's columns, in the table's order (a snapshot's), as case_row gives them;
# tests/services/test_cases.py checks the two orders agree.
CASE_COLUMNS = (
    "code",
    "insats_id",
    "gender",
    "status",
    "application_date",
    "start_date",
    "non_start_date",
    "exit_date",
    "start_level",
    "current_level",
    "last_event_date",
    "next_follow_up_due",
    "last_seq",
)
CaseRowValues = tuple[Any, ...]  # a row of the cases table, its columns in the table's order


def case_row(
    code: str, raw: list[RawCaseEvent], today: date, summary: CaseSummary | None = None
) -> CaseRowValues | None:
    """The cases table's row for one case, from its raw events (None: the case has no row)."""
    attributes = case_attributes(raw)
    if attributes is None or not raw:
        return None
    if summary is None:
        summary = summarize_case(effective_events(raw), today, ordered=True)
    if summary.status == "empty":  # every event retracted: the case is gone from the lists
        return None

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return (
        code,
        attributes.insats_id,
        attributes.gender,
        summary.status,
        iso(summary.application_date),
        iso(summary.start_date),
        iso(summary.non_start_date),
        iso(summary.exit_date),
        summary.start_level,
        summary.current_level,
        iso(summary.last_event_date),
        iso(summary.next_follow_up_due),
        raw[-1][0],
    )


def case_rows(case_events: Mapping[str, list[RawCaseEvent]], today: date) -> list[CaseRowValues]:
    """Every case's row, in the table's primary-key order (by code)."""
    rows = [case_row(code, raw, today) for code, raw in case_events.items()]
    return sorted((row for row in rows if row is not None), key=_code_of)


def _code_of(row: CaseRowValues) -> str:
    return row[0]


Kept = Iterable[tuple[Sequence[Any], "dict[str, Any] | None"]]


def gather(
    kept: Kept, case_events: dict[str, list[RawCaseEvent]]
) -> list[tuple[Sequence[Any], dict[str, Any] | None]]:
    """Sort the chain walk's rows (eventlog.verify_chain's ``keep``): each case event joins its
    case's raw events in ``case_events``; the register's own events are returned, in order."""
    others = []
    for row, payload in kept:
        kind, case_code = row[3], row[4]
        if kind in CASE_EVENT_KINDS and case_code:
            raw = case_events.get(case_code)
            if raw is None:
                raw = case_events[case_code] = []
            raw.append((row[0], kind, payload or {}))
        else:
            others.append((row, payload))
    return others

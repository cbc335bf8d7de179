"""Case use cases: application, start, non-start, step, exit, follow-up, correction, retraction.

Each one validates the whole case as it would be after the change against the domain rules,
then writes its event and the projection in one transaction, and returns plain data.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic.dataclasses import dataclass as pydantic_dataclass
from sqlalchemy import select

from tracker.domain.case import (
    APPLICATION,
    CORRECTION,
    EXIT,
    FOLLOW_UP,
    FOLLOW_UP_MONTHS,
    NON_START,
    RETRACTION,
    START,
    STATUS_EXITED,
    STATUS_NON_START,
    STEP,
    CaseEvent,
    CaseSummary,
    case_warnings,
    check_case,
    effective_events,
    episode_for,
    episodes,
    follow_up_earliest,
    sort_events,
    summarize_case,
)
from tracker.domain.dates import add_months
from tracker.domain.errors import RuleError, Violation
from tracker.domain.participant_code import code_problem, generate_code, normalize_code
from tracker.services.models import from_rows, validated
from tracker.services.session import (
    WRITING_ROLES,
    NotFound,
    ServiceError,
    Session,
    Transaction,
    insats_ids,
)
from tracker.store.caserows import RawCaseEvent, case_attributes
from tracker.store.eventlog import head
from tracker.store.projections import case_raw_events
from tracker.store.schema import cases, events, insatser


@pydantic_dataclass(frozen=True)
class TimelineEntry:
    """One event as logged, for the case detail: corrections and retractions stay visible."""

    seq: int
    kind: str
    recorded_at: str
    user: str
    payload: dict[str, Any]
    superseded: bool  # a later correction replaced it, or a retraction removed it


@dataclass(frozen=True)
class CaseView:
    code: str
    insats: str
    gender: str
    summary: CaseSummary
    events: tuple[CaseEvent, ...]  # effective events, after corrections and retractions
    last_seq: int
    # What looked wrong about the change just saved, without breaking a rule (saved anyway).
    warnings: tuple[Violation, ...] = ()


@pydantic_dataclass(frozen=True)
class CaseRow:
    """One line of the case list (from the projection; dates stored as ISO text)."""

    code: str
    insats: str
    gender: str
    status: str
    start_date: date | None
    exit_date: date | None
    current_level: int | None
    last_event_date: date | None
    next_follow_up_due: date | None


def _view(
    code: str, raw: list[RawCaseEvent], insats_names: Mapping[int, str], today: date
) -> CaseView | None:
    attributes = case_attributes(raw)
    if attributes is None:
        return None
    effective = effective_events(raw)
    return CaseView(
        code=code,
        insats=insats_names[attributes.insats_id],
        gender=attributes.gender,
        summary=summarize_case(effective, today, ordered=True),
        events=tuple(effective),
        last_seq=raw[-1][0],
    )


def _tx_view(tx: Transaction, code: str) -> CaseView | None:
    raw = tx.case_events(code)
    # A use case builds the view after appending and the next one on the same case before:
    # within one transaction (a batch) the second is the first, as long as nothing was added.
    cached = tx.case_memo.get(code)
    if cached is not None and cached[0] == len(raw):
        return cached[1]  # type: ignore[no-any-return]
    view = _view(code, raw, tx.insats_names, tx.session.today())
    tx.case_memo[code] = (len(raw), view)
    return view


def get_case(session: Session, code: str) -> CaseView:
    code = normalize_code(code)
    today = session.today()
    with session.read() as connection:
        names = {insats_id: name for name, insats_id in insats_ids(connection).items()}
        raw = case_raw_events(connection, code)
        view = _view(code, raw, names, today)
        if view is not None:
            # A form reads the case it then saves to: its write need not read it again.
            session.remember_case(head(connection), code, raw, (len(raw), view), today)
    if view is None:
        raise NotFound("service.case_not_found", code=code)
    return view


def case_timeline(session: Session, code: str) -> list[TimelineEntry]:
    """Every event of the case as it was logged, oldest first."""
    code = normalize_code(code)
    with session.read() as connection:
        rows = connection.execute(
            select(events).where(events.c.case_code == code).order_by(events.c.seq)
        ).all()
    if not rows:
        raise NotFound("service.case_not_found", code=code)
    raw = [(row.seq, row.kind, _json(row.payload)) for row in rows]
    replaced = {p["replaces"] for _s, k, p in raw if k == CORRECTION}
    removed = {p["retracts"] for _s, k, p in raw if k == RETRACTION}
    # A correction is itself superseded by a later correction of the same event.
    latest_correction: dict[int, int] = {}
    for seq, kind, payload in raw:
        if kind == CORRECTION:
            latest_correction[payload["replaces"]] = seq
    entries = []
    for row, (seq, kind, payload) in zip(rows, raw, strict=True):
        if kind == CORRECTION:
            target = payload["replaces"]
            superseded = latest_correction[target] != seq or target in removed
        else:
            superseded = seq in replaced or seq in removed
        entries.append({**row._mapping, "payload": payload, "superseded": superseded})
    return validated(TimelineEntry, entries)


def _json(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


# What the case list reads of the projection: the columns CaseRow has fields for.
_CASE_ROW_COLUMNS = tuple(
    cases.c[field.name] for field in dataclasses.fields(CaseRow) if field.name in cases.c
)


def list_cases(
    session: Session,
    *,
    insats: str | None = None,
    status: str | None = None,
    code: str | None = None,
) -> list[CaseRow]:
    """The case list from the projection, in code order; ``code`` narrows it to one case."""
    query = (
        select(*_CASE_ROW_COLUMNS, insatser.c.name.label("insats"))
        .join(insatser, insatser.c.id == cases.c.insats_id)
        .order_by(cases.c.code)
    )
    if insats is not None:
        query = query.where(insatser.c.name == insats)
    if status is not None:
        query = query.where(cases.c.status == status)
    if code is not None:
        query = query.where(cases.c.code == normalize_code(code))
    with session.read() as connection:
        rows = connection.execute(query).all()
    return from_rows(CaseRow, rows)


def insats_names(session: Session) -> list[str]:
    """The register's insatser (teams), in the order they were added."""
    with session.read() as connection:
        ids = insats_ids(connection)
    return sorted(ids, key=ids.__getitem__)


def may_write(session: Session) -> bool:
    """True when the logged-in user's role may register and correct events (not a reviewer)."""
    return session.actor.role in WRITING_ROLES


@dataclass(frozen=True)
class FollowUpDue:
    """One follow-up an exited participant is due for (or overdue for)."""

    code: str
    insats: str
    gender: str
    exit_date: date
    months: int
    due: date
    exit_level: int | None
    current_level: int | None
    episode: int = 1
    earliest: date | None = None  # the first day it may be registered (metrics.md's window)


def follow_ups_due(
    session: Session, *, within_days: int = 30, insats: str | None = None
) -> list[FollowUpDue]:
    """Every missing 6- or 18-month follow-up due within ``within_days`` or already overdue.

    Sorted by due date (oldest first), so the most overdue come first and nothing is forgotten.
    """
    today = session.today()
    horizon = today + timedelta(days=within_days)
    # The projection's next_follow_up_due is the earliest missing follow-up (6 before 18), so
    # it narrows the candidates; each candidate's events then say which follow-ups are missing.
    query = (
        select(cases.c.code)
        .join(insatser, insatser.c.id == cases.c.insats_id)
        # Not only exited cases: a participant who came back still owes the earlier
        # episode's follow-ups.
        .where(cases.c.next_follow_up_due.is_not(None))
        .where(cases.c.next_follow_up_due <= horizon.isoformat())
        .order_by(cases.c.code)
    )
    if insats is not None:
        query = query.where(insatser.c.name == insats)
    due: list[FollowUpDue] = []
    with session.read() as connection:
        names = {insats_id: name for name, insats_id in insats_ids(connection).items()}
        for code in connection.execute(query).scalars():
            view = _view(code, case_raw_events(connection, code), names, today)
            if view is None:
                continue
            # Every exited episode's open follow-ups; one closed as not made is closed.
            for number, episode_events in episodes(view.events).items():
                exit_event = next((e for e in episode_events if e.kind == EXIT), None)
                if exit_event is None:
                    continue
                closed = {e.months for e in episode_events if e.kind == FOLLOW_UP}
                for months in FOLLOW_UP_MONTHS:
                    due_date = add_months(exit_event.date, months)
                    if months in closed or due_date > horizon:
                        continue
                    due.append(
                        FollowUpDue(
                            code=code,
                            insats=view.insats,
                            gender=view.gender,
                            exit_date=exit_event.date,
                            months=months,
                            due=due_date,
                            exit_level=exit_event.level,
                            current_level=view.summary.current_level,
                            episode=number,
                            earliest=follow_up_earliest(exit_event.date, months),
                        )
                    )
    due.sort(key=lambda item: (item.due, item.code, item.months))
    return due


def _check(tx: Transaction, candidate: list[CaseEvent]) -> None:
    lists = tx.lists
    violations = check_case(
        candidate, ladder=lists.ladder, lists=lists.code_lists, today=tx.session.today()
    )
    if violations:
        raise RuleError(violations)


def _closed_on(tx: Transaction, insats_id: int, on: date) -> str | None:
    """The insats's closing day when ``on`` is after it (no new case then), else None."""
    closed = tx.insats_closed_on.get(insats_id)
    return closed if closed is not None and on.isoformat() > closed else None


def _refuse_closed_insats(tx: Transaction, insats: str, on: date) -> None:
    ids = {name: insats_id for insats_id, name in tx.insats_names.items()}
    if insats in ids and (closed := _closed_on(tx, ids[insats], on)) is not None:
        raise RuleError(
            [Violation("service.insats_closed", {"insats": insats, "closed": closed}, "insats")]
        )


def _open_case_attributes(
    tx: Transaction, insats: str | None, gender: str | None, on: date | None = None
) -> dict[str, Any]:
    """Validate the insats and gender of a new case (opened ``on``, when given: a closed
    insats takes no case after its closing day); returns them as payload fields."""
    problems: list[Violation] = []
    ids = {name: insats_id for insats_id, name in tx.insats_names.items()}
    if insats is None or insats not in ids:
        problems.append(Violation("service.unknown_insats", {"insats": insats or ""}, "insats"))
    elif on is not None and (closed := _closed_on(tx, ids[insats], on)) is not None:
        problems.append(
            Violation("service.insats_closed", {"insats": insats, "closed": closed}, "insats")
        )
    if not gender:
        # In words, the way a form offers them; a wrong code (an import) names the codes.
        problems.append(Violation("service.gender_missing", {}, "gender"))
    elif gender not in tx.lists.code_lists["gender"]:
        problems.append(Violation("service.unknown_gender", {"gender": gender}, "gender"))
    if problems:
        raise RuleError(problems)
    return {"insats": ids[insats], "gender": gender}  # type: ignore[index]


def _new_code(tx: Transaction, code: str | None, rng: random.Random | None) -> str:
    if code is not None:
        code = normalize_code(code)
        problem = code_problem(code)
        if problem is not None:
            raise RuleError([problem])
        if tx.case_events(code):
            raise ServiceError("service.case_exists", code=code)
        return code
    while True:  # collisions are astronomically rare, but never reuse a code
        candidate = generate_code(rng)
        if not tx.case_events(candidate):
            return candidate


def _existing(tx: Transaction, code: str) -> CaseView:
    view = _tx_view(tx, normalize_code(code))
    if view is None:
        raise NotFound("service.case_not_found", code=code)
    return view


def _add(
    tx: Transaction, view: CaseView, new: CaseEvent, *, episode: int | None = None
) -> CaseView:
    """Append ``new`` to the case, in ``episode`` or the one it belongs to (episode_for)."""
    if episode is None:
        episode = episode_for(view.events, new.kind, new.months)
    new = new._replace(episode=episode)
    _check(tx, [*view.events, new])
    warnings = case_warnings(view.events, new, ladder=tx.lists.ladder)
    # A plain new event just joins the effective events: the new view follows from the old
    # one without re-reading every payload of the case (imports add thousands in a row), and
    # the case's row in the projection is written from its summary.
    seq = tx.next_seq
    now = sort_events([*view.events, new._replace(seq=seq)])
    summary = summarize_case(now, tx.session.today(), ordered=True)
    appended = tx.append(new.kind, new.to_payload(), case_code=view.code, case_summary=summary)
    if appended.seq != seq:
        raise RuntimeError(f"event {appended.seq} written as {seq}")  # never: one writer
    updated = CaseView(
        code=view.code,
        insats=view.insats,
        gender=view.gender,
        summary=summary,
        events=tuple(now),
        last_seq=seq,
    )
    tx.case_memo[view.code] = (len(tx.case_events(view.code)), updated)
    return dataclasses.replace(updated, warnings=tuple(warnings))


def register_application(
    session: Session,
    *,
    insats: str,
    gender: str,
    on: date,
    referrer: str,
    code: str | None = None,
    rng: random.Random | None = None,
) -> CaseView:
    """A new application: generates the participant code unless one is given (imports).

    An existing code whose latest episode is closed (exit or non-start) is a returning
    participant: the application opens the next episode under the same code, and the insats
    and gender given must be the case's (a correction changes those).
    """
    session.require_writer()
    with session.transaction() as tx:
        if code is not None and tx.case_events(normalize_code(code)):
            view = _existing(tx, code)
            if view.summary.status not in (STATUS_EXITED, STATUS_NON_START):
                raise ServiceError("service.case_exists", code=view.code)
            _same_attributes(view, insats, gender)
            _refuse_closed_insats(tx, view.insats, on)  # a new episode is a new case here
            return _add(tx, view, CaseEvent(APPLICATION, on, referrer=referrer))
        attributes = _open_case_attributes(tx, insats, gender, on)
        new_code = _new_code(tx, code, rng)
        event = CaseEvent(APPLICATION, on, referrer=referrer)
        _check(tx, [event])
        tx.append(APPLICATION, {**event.to_payload(), **attributes}, case_code=new_code)
        return _tx_view(tx, new_code)  # type: ignore[return-value]


def _same_attributes(view: CaseView, insats: str | None, gender: str | None) -> None:
    problems = []
    if insats is not None and insats != view.insats:
        problems.append(
            Violation("service.returning_differs", {"value": insats, "case": view.insats}, "insats")
        )
    if gender is not None and gender != view.gender:
        problems.append(
            Violation("service.returning_differs", {"value": gender, "case": view.gender}, "gender")
        )
    if problems:
        raise RuleError(problems)


def start(
    session: Session,
    *,
    on: date,
    code: str | None = None,
    level: int | None = None,
    insats: str | None = None,
    gender: str | None = None,
    rng: random.Random | None = None,
) -> CaseView:
    """Enrol a participant: an existing application's case, or a new case opened at start.

    A start on a code whose latest episode is closed opens the next episode (re-enrolment).
    """
    session.require_writer()
    event = CaseEvent(START, on, level=level)
    with session.transaction() as tx:
        if code is not None and tx.case_events(normalize_code(code)):
            view = _existing(tx, code)
            _same_attributes(view, insats, gender)
            return _add(tx, view, event)
        attributes = _open_case_attributes(tx, insats, gender, on)
        new_code = _new_code(tx, code, rng)
        _check(tx, [event])
        tx.append(START, {**event.to_payload(), **attributes}, case_code=new_code)
        return _tx_view(tx, new_code)  # type: ignore[return-value]


def non_start(session: Session, *, code: str, on: date, reason: str) -> CaseView:
    session.require_writer()
    with session.transaction() as tx:
        return _add(tx, _existing(tx, code), CaseEvent(NON_START, on, reason=reason))


def log_step(
    session: Session, *, code: str, on: date, level: int, meeting: str | None = None
) -> CaseView:
    session.require_writer()
    with session.transaction() as tx:
        return _add(tx, _existing(tx, code), CaseEvent(STEP, on, level=level, meeting=meeting))


def exit_case(
    session: Session,
    *,
    code: str,
    on: date,
    destination: str,
    exit_kind: str,
    handover: bool,
    level: int | None = None,
) -> CaseView:
    session.require_writer()
    event = CaseEvent(
        EXIT, on, level=level, destination=destination, exit_kind=exit_kind, handover=handover
    )
    with session.transaction() as tx:
        return _add(tx, _existing(tx, code), event)


def follow_up(
    session: Session,
    *,
    code: str,
    on: date,
    months: int,
    level: int | None = None,
    reason: str | None = None,
    episode: int | None = None,
) -> CaseView:
    """A follow-up made (with a level), or closed as not made (``reason``, no level).

    ``episode``: which exited episode it follows up (default: the latest still lacking one).
    """
    session.require_writer()
    event = CaseEvent(FOLLOW_UP, on, level=level, months=months, reason=reason)
    with session.transaction() as tx:
        return _add(tx, _existing(tx, code), event, episode=episode)


def append_checked(
    tx: Transaction,
    code: str,
    new_events: Iterable[CaseEvent],
    *,
    opening: tuple[str, str] | None = None,
) -> int:
    """Append events whose whole case the caller has already checked; returns how many.

    For the importer: its plan runs ``check_case`` on each participant's complete case (the
    register's events and the file's together) before anything is written, so checking each
    event again against the case so far, and building a view after each, would only repeat
    that work (quadratic in the case's length). The payloads are the ones the single-event
    use cases write. ``opening`` (insats, gender) marks a new case: its first event must open
    it (application, or start without one) and carries the attributes, checked here.
    """
    tx.session.require_writer()
    count = 0
    for event in new_events:
        payload = event.to_payload()
        if opening is not None:
            if event.kind not in (APPLICATION, START):
                raise NotFound("service.case_not_found", code=code)
            # Checked against the opening day: a closed insats takes no case after its last.
            payload.update(_open_case_attributes(tx, *opening, event.date))
            opening = None
        tx.append(event.kind, payload, case_code=code)
        count += 1
    return count


# What a correction may change: the event's facts, never its identity or kind.
# The episode follows from the case's history, so it is not a fact to correct either.
_CORRECTABLE_FIELDS = set(CaseEvent._fields) - {"seq", "kind", "episode"}


def _check_reason(tx: Transaction, reason: str) -> None:
    if reason not in tx.lists.code_lists["correction_reason"]:
        raise RuleError(
            [Violation("service.unknown_correction_reason", {"reason": reason}, "reason")]
        )


def _target(view: CaseView, seq: int) -> CaseEvent:
    for event in view.events:
        if event.seq == seq:
            return event
    raise NotFound("service.event_not_found", seq=seq, code=view.code)


def correct(
    session: Session,
    *,
    code: str,
    seq: int,
    reason: str,
    changes: Mapping[str, Any] | None = None,
    **more: Any,
) -> CaseView:
    """Replace an event's facts: any field of it (date, level, every code, handover, months;
    insats and gender too), the whole case revalidated as it would be after the change.

    ``reason`` is why (the correction reason list); ``changes`` holds the new values by field
    name, so the event's own ``reason`` (non-start, follow-up not made) fits there; ``more``
    are the same as keywords. The original stays in the log; a correction event points at it.
    """
    session.require_writer()
    changes = {**(changes or {}), **more}
    with session.transaction() as tx:
        _check_reason(tx, reason)
        view = _existing(tx, code)
        original = _target(view, seq)
        attribute_changes: dict[str, Any] = {}
        if "insats" in changes or "gender" in changes:
            attribute_changes = _open_case_attributes(
                tx, changes.pop("insats", view.insats), changes.pop("gender", view.gender)
            )
        unknown = set(changes) - _CORRECTABLE_FIELDS
        if unknown:
            raise ServiceError("service.unknown_fields", fields=", ".join(sorted(unknown)))
        corrected = original._replace(**changes)
        if corrected == original and not attribute_changes:
            raise ServiceError("service.nothing_changed")
        _check(tx, [corrected if e.seq == seq else e for e in view.events])
        body = {**corrected.to_payload(), **attribute_changes}
        tx.append(
            CORRECTION, {"replaces": seq, "reason": reason, "event": body}, case_code=view.code
        )
        return _tx_view(tx, view.code)  # type: ignore[return-value]


def retract(session: Session, *, code: str, seq: int, reason: str) -> CaseView | None:
    """Withdraw a wrongly registered event (felregistrering). None when the case is now empty."""
    session.require_writer()
    with session.transaction() as tx:
        _check_reason(tx, reason)
        view = _existing(tx, code)
        _target(view, seq)
        remaining = [e for e in view.events if e.seq != seq]
        if remaining:
            _check(tx, remaining)
        tx.append(RETRACTION, {"retracts": seq, "reason": reason}, case_code=view.code)
        return _tx_view(tx, view.code) if remaining else None


__all__ = [
    "CaseRow",
    "CaseView",
    "FollowUpDue",
    "TimelineEntry",
    "append_checked",
    "case_timeline",
    "correct",
    "exit_case",
    "follow_up",
    "follow_ups_due",
    "get_case",
    "insats_names",
    "list_cases",
    "log_step",
    "may_write",
    "non_start",
    "register_application",
    "retract",
    "start",
]

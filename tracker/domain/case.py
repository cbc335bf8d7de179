"""The participant's case: its events, the rules they must obey, and a summary.

metrics.md is the contract: one participant code is one case, built from dated events after
corrections and retractions are applied. Everything here is pure: callers pass ``today``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.i18n import t

if TYPE_CHECKING:
    # Only for annotations: codelists imports Violation from here, so a runtime import would
    # be circular. check_case only needs ``in`` on the ladder and the lists.
    from tracker.domain.codelists import CodeList, Ladder

APPLICATION = "application"
START = "start"
NON_START = "non_start"
STEP = "step"
EXIT = "exit"
FOLLOW_UP = "follow_up"
CASE_KINDS: tuple[str, ...] = (APPLICATION, START, NON_START, STEP, EXIT, FOLLOW_UP)

CORRECTION = "correction"
RETRACTION = "retraction"

FOLLOW_UP_MONTHS: tuple[int, ...] = (6, 18)

# Same-day events are ordered the way a case unfolds, so "start then step then exit" on one day
# reads naturally and the summary's "latest" values are stable.
_KIND_ORDER = {kind: i for i, kind in enumerate(CASE_KINDS)}

STATUS_EMPTY = "empty"
STATUS_APPLICATION = "application"
STATUS_ACTIVE = "active"
STATUS_NON_START = "non_start"
STATUS_EXITED = "exited"
STATUSES: tuple[str, ...] = (
    STATUS_EMPTY,
    STATUS_APPLICATION,
    STATUS_ACTIVE,
    STATUS_NON_START,
    STATUS_EXITED,
)


# --- violations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken rule: an i18n key, the values its message needs, and the offending field."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    field: str | None = None

    def message(self, lang: str | None = None) -> str:
        """The rendered message in ``lang`` (default: the current language)."""
        return t(self.key, lang, **self.params)


class RuleError(Exception):
    """Raised when input breaks domain rules; carries every violation found, not just the first."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations: list[Violation] = list(violations)
        super().__init__(self.violations)

    def __str__(self) -> str:
        return "\n".join(v.message() for v in self.violations)


def kind_label(kind: str, lang: str | None = None) -> str:
    """The user-facing name of an event kind (``start`` → "Start")."""
    return t(f"domain.kind.{kind}", lang)


def status_label(status: str, lang: str | None = None) -> str:
    """The user-facing name of a case status (``active`` → "Pågående")."""
    return t(f"domain.status.{status}", lang)


# --- events --------------------------------------------------------------------------------

_PAYLOAD_FIELDS = (
    "level",
    "referrer",
    "reason",
    "meeting",
    "destination",
    "exit_kind",
    "handover",
    "months",
)


@dataclass(frozen=True)
class CaseEvent:
    """One effective event of a case. ``seq`` is the original event's sequence number."""

    kind: str
    date: date
    seq: int | None = None
    level: int | None = None
    referrer: str | None = None
    reason: str | None = None
    meeting: str | None = None
    destination: str | None = None
    exit_kind: str | None = None
    handover: bool | None = None
    months: int | None = None

    def to_payload(self) -> dict[str, Any]:
        """JSON-safe payload: ISO date and only the fields that are set (no kind, no seq)."""
        payload: dict[str, Any] = {"date": self.date.isoformat()}
        for name in _PAYLOAD_FIELDS:
            value = getattr(self, name)
            if value is not None:
                payload[name] = value
        return payload

    @classmethod
    def from_payload(
        cls, kind: str, payload: Mapping[str, Any], seq: int | None = None
    ) -> CaseEvent:
        """Build from a stored payload; unknown keys (case, insats, gender, …) are ignored."""
        raw_date = payload["date"]
        event_date = raw_date if isinstance(raw_date, date) else date.fromisoformat(raw_date)
        # Positional: _PAYLOAD_FIELDS are the fields after seq, in order (the audit and the
        # statistics build one event per logged event, so this is a hot path).
        return cls(kind, event_date, seq, *map(payload.get, _PAYLOAD_FIELDS))


def _sort_key(event: CaseEvent) -> tuple[date, int, float]:
    seq = math.inf if event.seq is None else event.seq
    return (event.date, _KIND_ORDER.get(event.kind, len(_KIND_ORDER)), seq)


def sort_events(events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """Events in case order: date, then kind (application … follow_up), then seq."""
    return sorted(events, key=_sort_key)


def effective_events(raw: Iterable[tuple[int, str, Mapping[str, Any]]]) -> list[CaseEvent]:
    """Apply corrections and retractions to one case's raw events and return what remains.

    ``raw`` is ``(seq, kind, payload)``. A correction's payload is ``{"replaces": seq, "event":
    {...}}`` and keeps the original's kind; the latest correction wins. A retraction's payload
    is ``{"retracts": seq}``: retracting an original drops it with its corrections, retracting a
    correction undoes just that correction. Events of kinds outside ``CASE_KINDS`` may be
    corrected too but are not returned. Each returned event carries the original seq.
    """
    originals: dict[int, tuple[str, Mapping[str, Any]]] = {}
    # original seq -> [(correction seq, payload)] in seq order; the last one is in force.
    corrections: dict[int, list[tuple[int, Mapping[str, Any]]]] = {}
    correction_target: dict[int, int] = {}
    retracted: set[int] = set()

    for seq, kind, payload in sorted(raw, key=lambda item: item[0]):
        if kind == CORRECTION:
            target = _resolve(int(payload["replaces"]), correction_target)
            if target not in originals or target in retracted:
                raise ValueError(f"correction {seq} replaces unknown or retracted event {target}")
            corrections.setdefault(target, []).append((seq, payload["event"]))
            correction_target[seq] = target
        elif kind == RETRACTION:
            target = int(payload["retracts"])
            if target in correction_target:
                original = correction_target.pop(target)
                corrections[original] = [c for c in corrections[original] if c[0] != target]
            elif target in originals:
                # Retracting twice changes nothing; the first retraction already removed it.
                retracted.add(target)
            else:
                raise ValueError(f"retraction {seq} retracts unknown event {target}")
        else:
            originals[seq] = (kind, payload)

    result = []
    for seq, (kind, payload) in originals.items():
        if seq in retracted or kind not in _KIND_ORDER:
            continue
        current = corrections.get(seq)
        effective_payload = current[-1][1] if current else payload
        result.append(CaseEvent.from_payload(kind, effective_payload, seq=seq))
    return sort_events(result)


def _resolve(seq: int, correction_target: Mapping[int, int]) -> int:
    # A correction may name an earlier correction; it then corrects the same original.
    return correction_target.get(seq, seq)


# --- rules ---------------------------------------------------------------------------------


def check_case(
    events: Sequence[CaseEvent],
    *,
    ladder: Ladder,
    lists: Mapping[str, CodeList],
    today: date,
) -> list[Violation]:
    """Every rule of metrics.md that ``events`` break; an empty list means the case is valid."""
    ordered = sort_events(events)
    found: list[Violation] = []

    def add(key: str, event: CaseEvent, fld: str | None = None, **params: object) -> None:
        if event.seq is not None:
            # Lets the UI and the importer point at the event; messages ignore it.
            params["seq"] = event.seq
        found.append(Violation(key, params, fld))

    by_kind: dict[str, list[CaseEvent]] = {kind: [] for kind in CASE_KINDS}
    for event in ordered:
        if event.kind not in by_kind:
            add("domain.kind_unknown", event, "kind", kind=event.kind)
            continue
        by_kind[event.kind].append(event)

    for kind in (APPLICATION, START, NON_START, EXIT):
        first, *extra = by_kind[kind] or [None]
        for event in extra:
            add(f"domain.{kind}_duplicate", event, None, date=_iso(event.date), first=_iso(first))

    application = _first(by_kind[APPLICATION])
    start = _first(by_kind[START])
    non_start = _first(by_kind[NON_START])
    exit_ = _first(by_kind[EXIT])

    for event in ordered:
        if event.date > today:
            add("domain.date_in_future", event, "date", date=_iso(event.date), today=_iso(today))

    if application is not None:
        _check_code(add, application, "referrer", lists["referrer"], required=True)

    if start is not None and non_start is not None:
        add(
            "domain.start_and_non_start",
            non_start,
            None,
            start=_iso(start.date),
            non_start=_iso(non_start.date),
        )

    for event in by_kind[START]:
        if application is not None and event.date < application.date:
            add(
                "domain.start_before_application",
                event,
                "date",
                date=_iso(event.date),
                application=_iso(application.date),
            )
        _check_level(add, event, ladder, required=False)

    for event in by_kind[NON_START]:
        if application is None:
            add("domain.non_start_without_application", event)
        elif event.date < application.date:
            add(
                "domain.non_start_before_application",
                event,
                "date",
                date=_iso(event.date),
                application=_iso(application.date),
            )
        _check_code(add, event, "reason", lists["non_start_reason"], required=True)

    for event in by_kind[STEP]:
        if start is None:
            add("domain.step_without_start", event)
        elif event.date < start.date:
            add(
                "domain.step_before_start",
                event,
                "date",
                date=_iso(event.date),
                start=_iso(start.date),
            )
        if exit_ is not None and event.date > exit_.date:
            add(
                "domain.step_after_exit",
                event,
                "date",
                date=_iso(event.date),
                exit=_iso(exit_.date),
            )
        _check_level(add, event, ladder, required=True)
        _check_code(add, event, "meeting", lists["meeting_type"], required=False)

    for event in by_kind[EXIT]:
        if start is None:
            add("domain.exit_without_start", event)
        elif event.date < start.date:
            add(
                "domain.exit_before_start",
                event,
                "date",
                date=_iso(event.date),
                start=_iso(start.date),
            )
        _check_code(add, event, "destination", lists["exit_destination"], required=True)
        _check_code(add, event, "exit_kind", lists["exit_kind"], required=True)
        if not isinstance(event.handover, bool):
            add("domain.handover_missing", event, "handover")
        _check_level(add, event, ladder, required=False)

    seen_months: dict[int, CaseEvent] = {}
    for event in by_kind[FOLLOW_UP]:
        if exit_ is None:
            add("domain.follow_up_without_exit", event)
        elif event.date <= exit_.date:
            add(
                "domain.follow_up_not_after_exit",
                event,
                "date",
                date=_iso(event.date),
                exit=_iso(exit_.date),
            )
        months = event.months
        if months is None:
            add("domain.follow_up_months_missing", event, "months")
        elif isinstance(months, bool) or months not in FOLLOW_UP_MONTHS:
            add("domain.follow_up_months", event, "months", months=months)
        elif months in seen_months:
            add(
                "domain.follow_up_duplicate",
                event,
                "months",
                months=months,
                first=_iso(seen_months[months].date),
            )
        else:
            seen_months[months] = event
        _check_level(add, event, ladder, required=True)

    return found


def _first(events: Sequence[CaseEvent]) -> CaseEvent | None:
    return events[0] if events else None


def _iso(value: date | CaseEvent | None) -> str:
    if isinstance(value, CaseEvent):
        value = value.date
    return value.isoformat() if value is not None else ""


def _check_level(add: Any, event: CaseEvent, ladder: Ladder, *, required: bool) -> None:
    level = event.level
    if level is None:
        if required:
            add("domain.level_missing", event, "level")
        return
    # bool is an int in Python; True must not pass as level 1.
    if isinstance(level, bool) or not isinstance(level, int) or level not in ladder:
        add(
            "domain.level_unknown",
            event,
            "level",
            level=level,
            lowest=ladder.lowest,
            highest=ladder.highest,
        )


def _check_code(
    add: Any, event: CaseEvent, fld: str, code_list: CodeList, *, required: bool
) -> None:
    value = getattr(event, fld)
    if value is None or value == "":
        if required:
            add(f"domain.{fld}_missing", event, fld)
        return
    if value in code_list:
        return  # listed codes are never personnummer-shaped (check_code_list refuses them)
    # Imported here because personnummer imports Violation from this module.
    from tracker.domain.personnummer import looks_like_personnummer

    # Never echo something shaped like a personnummer back into a message or a log.
    if looks_like_personnummer(str(value)):
        add("domain.personnummer_refused", event, fld)
    else:
        add(f"domain.{fld}_unknown", event, fld, code=value)


# --- summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    """What the case list shows about one case, derived from its effective events."""

    status: str
    application_date: date | None = None
    start_date: date | None = None
    non_start_date: date | None = None
    exit_date: date | None = None
    start_level: int | None = None
    current_level: int | None = None
    last_event_date: date | None = None
    next_follow_up_due: date | None = None
    days_in_insats: int | None = None
    follow_up_months_done: tuple[int, ...] = ()


def summarize_case(events: Sequence[CaseEvent], today: date) -> CaseSummary:
    """Summarise a (valid) case: status, key dates, levels and the next follow-up due."""
    # Imported here because dates imports RuleError from this module.
    from tracker.domain.dates import add_months

    if not events:
        return CaseSummary(status=STATUS_EMPTY)
    ordered = sort_events(events)

    def first(kind: str) -> CaseEvent | None:
        return next((e for e in ordered if e.kind == kind), None)

    application, start, non_start, exit_ = (first(k) for k in (APPLICATION, START, NON_START, EXIT))

    if exit_ is not None:
        status = STATUS_EXITED
    elif non_start is not None:
        status = STATUS_NON_START
    elif start is not None:
        status = STATUS_ACTIVE
    elif application is not None:
        status = STATUS_APPLICATION
    else:
        status = STATUS_EMPTY

    # "Latest" is by date, then by registration order (seq); kind order only breaks ties
    # between events that have no seq yet.
    levelled = [
        (e.date, math.inf if e.seq is None else e.seq, _KIND_ORDER[e.kind], e.level)
        for e in ordered
        if e.kind in (START, STEP, EXIT) and e.level is not None
    ]
    current_level = max(levelled)[3] if levelled else None

    done = tuple(
        sorted({e.months for e in ordered if e.kind == FOLLOW_UP and e.months is not None})
    )
    next_due = None
    if exit_ is not None:
        for months in FOLLOW_UP_MONTHS:
            if months not in done:
                next_due = add_months(exit_.date, months)
                break

    days = None
    if start is not None:
        end = exit_.date if exit_ is not None else today
        days = (end - start.date).days

    return CaseSummary(
        status=status,
        application_date=application.date if application else None,
        start_date=start.date if start else None,
        non_start_date=non_start.date if non_start else None,
        exit_date=exit_.date if exit_ else None,
        start_level=start.level if start else None,
        current_level=current_level,
        last_event_date=max(e.date for e in ordered),
        next_follow_up_due=next_due,
        days_in_insats=days,
        follow_up_months_done=done,
    )

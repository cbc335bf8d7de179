"""The participant's case: its events, the rules they must obey, and a summary.

metrics.md is the contract: one participant code is one case, built from dated events after
corrections and retractions are applied. Everything here is pure: callers pass ``today``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from tracker.domain.codelists import FOLLOW_UP_MISSED_REASON, CodeList, Ladder
from tracker.domain.dates import add_months
from tracker.domain.errors import Violation
from tracker.domain.personnummer import looks_like_personnummer
from tracker.i18n import t

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
# A follow-up "after N months" may be registered from N - 1 calendar months after the exit
# (metrics.md states the window); the due date stays exit + N months.
FOLLOW_UP_EARLY_MONTHS = 1

# No event of a Samordningsteam can predate the Finsam law (2003:1210, in force 2004-01-01):
# an earlier date is a typing mistake (1900-01-01, 2206 for 2026, ...).
DATE_FLOOR = date(2004, 1, 1)

# The code list of reasons a follow-up was not made ("ej genomförd"); a follow-up carrying
# one of them in ``reason`` closes that follow-up without a level.
FOLLOW_UP_MISSED_LIST = "follow_up_missed_reason"
# Exit destinations that mean work or studies: an exit to one of them from a level below the
# ladder's second highest gets a warning (the level or the destination is probably wrong).
WORK_DESTINATIONS = frozenset({"forvarvsarbete", "arbete_med_stod", "studier"})

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


class CaseEvent(NamedTuple):
    """One effective event of a case. ``seq`` is the original event's sequence number.

    A named tuple, not a frozen dataclass: as immutable, and built five times faster (a frozen
    dataclass sets each field through object.__setattr__), which the audit's rebuild, the
    statistics and the import do once per logged event. Change one with ``_replace``."""

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
    # A participant who comes back after an exit (or a non-start) opens episode 2, 3, ...
    # under the same code; every event belongs to one episode. Stored only when above 1.
    episode: int = 1

    @property
    def not_done(self) -> bool:
        """A follow-up closed as "ej genomförd": it carries a reason and no level."""
        return self.kind == FOLLOW_UP and self.reason is not None

    def to_payload(self) -> dict[str, Any]:
        """JSON-safe payload: ISO date and only the fields that are set (no kind, no seq)."""
        payload: dict[str, Any] = {"date": self.date.isoformat()}
        for name in _PAYLOAD_FIELDS:
            value = getattr(self, name)
            if value is not None:
                payload[name] = value
        if self.episode != 1:
            payload["episode"] = self.episode
        return payload

    @classmethod
    def from_payload(
        cls, kind: str, payload: Mapping[str, Any], seq: int | None = None
    ) -> CaseEvent:
        """Build from a stored payload; unknown keys (case, insats, gender, …) are ignored."""
        raw_date = payload["date"]
        event_date = raw_date if isinstance(raw_date, date) else date.fromisoformat(raw_date)
        # Positional: _PAYLOAD_FIELDS are the fields after seq, in order, and the episode
        # follows them; straight to the tuple, every field given, past the named tuple's
        # __new__ (the audit and the statistics build one event per logged event).
        return _new_tuple(
            cls,
            (
                kind,
                event_date,
                seq,
                *map(payload.get, _PAYLOAD_FIELDS),
                int(payload.get("episode") or 1),
            ),
        )


_new_tuple = tuple.__new__


def _sort_key(event: CaseEvent) -> tuple[date, int, int, float]:
    seq = math.inf if event.seq is None else event.seq
    return (event.date, event.episode, _KIND_ORDER.get(event.kind, len(_KIND_ORDER)), seq)


def sort_events(events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """Events in case order: date, then episode, then kind (application … follow_up), then seq."""
    return sorted(events, key=_sort_key)


# --- episodes ------------------------------------------------------------------------------


def episodes(events: Iterable[CaseEvent]) -> dict[int, list[CaseEvent]]:
    """The case's events per episode number (ascending), each in case order."""
    return _episodes_of_ordered(sort_events(events))


def _episodes_of_ordered(ordered: Iterable[CaseEvent]) -> dict[int, list[CaseEvent]]:
    """``episodes`` of events already in case order (sorting again costs the audit's rebuild
    one more key per event)."""
    grouped: dict[int, list[CaseEvent]] = {}
    for event in ordered:
        grouped.setdefault(event.episode, []).append(event)
    return dict(sorted(grouped.items()))


def _closed(events: Sequence[CaseEvent]) -> bool:
    return any(e.kind in (EXIT, NON_START) for e in events)


def episode_for(events: Sequence[CaseEvent], kind: str, months: int | None = None) -> int:
    """The episode a new event of ``kind`` belongs to, given the case's effective events.

    An application after the latest episode closed (exit or non-start), or a start after an
    exit, opens the next episode; a follow-up belongs to the latest exited episode that still
    lacks one of that length (else the latest exited one); everything else joins the latest
    episode.
    """
    grouped = episodes(events)
    if not grouped:
        return 1
    latest = max(grouped)
    if kind == APPLICATION:
        return latest + 1 if _closed(grouped[latest]) else latest
    if kind == START:
        # After a non-start a start is a mistake (start_and_non_start), not a return: a
        # returning participant without a new application comes back after an exit.
        exited = any(e.kind == EXIT for e in grouped[latest])
        return latest + 1 if exited else latest
    if kind == FOLLOW_UP:
        exited = [n for n, evs in grouped.items() if any(e.kind == EXIT for e in evs)]
        lacking = [
            n
            for n in exited
            if not any(e.kind == FOLLOW_UP and e.months == months for e in grouped[n])
        ]
        if lacking:
            return lacking[-1]
        if exited:
            return exited[-1]
    return latest


def effective_events(raw: Iterable[tuple[int, str, Mapping[str, Any]]]) -> list[CaseEvent]:
    """Apply corrections and retractions to one case's raw events and return what remains.

    ``raw`` is ``(seq, kind, payload)``. A correction's payload is ``{"replaces": seq, "event":
    {...}}`` and keeps the original's kind; the latest correction wins. A retraction's payload
    is ``{"retracts": seq}``: retracting an original drops it with its corrections, retracting a
    correction undoes just that correction. Events of kinds outside ``CASE_KINDS`` may be
    corrected too but are not returned. Each returned event carries the original seq.
    """
    raw = list(raw)
    if not any(kind in (CORRECTION, RETRACTION) for _seq, kind, _payload in raw):
        # Most cases: nothing corrected or retracted, every event stands as logged.
        return sort_events(
            [
                CaseEvent.from_payload(kind, payload, seq=seq)
                for seq, kind, payload in raw
                if kind in _KIND_ORDER
            ]
        )
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
    """Every rule of metrics.md that ``events`` break; an empty list means the case is valid.

    Each episode is checked as a case of its own; an episode after the first must follow a
    closed one (exit or non-start) and open with an application or a start on or after it.
    """
    ordered = sort_events(events)
    found: list[Violation] = []

    def add(key: str, event: CaseEvent, fld: str | None = None, **params: object) -> None:
        if event.seq is not None:
            # Lets the UI and the importer point at the event; messages ignore it.
            params["seq"] = event.seq
        found.append(Violation(key, params, fld))

    for event in ordered:
        if event.date > today:
            add("domain.date_in_future", event, "date", date=_iso(event.date), today=_iso(today))
        elif event.date < DATE_FLOOR:
            add(
                "domain.date_too_early",
                event,
                "date",
                date=_iso(event.date),
                floor=_iso(DATE_FLOOR),
            )

    grouped = episodes(ordered)
    for number, episode_events in grouped.items():
        if number > 1:
            _check_reopening(add, number, episode_events, grouped.get(number - 1))
        _check_episode(add, episode_events, ladder, lists)
    return found


def _check_reopening(
    add: Any, number: int, events: Sequence[CaseEvent], before: Sequence[CaseEvent] | None
) -> None:
    """Episode ``number`` (> 1) opens after the previous one closed, with an opening event."""
    opening = next((e for e in events if e.kind in (APPLICATION, START)), None)
    first = opening or events[0]
    closing = next((e for e in (before or ()) if e.kind in (EXIT, NON_START)), None)
    if closing is None:
        add("domain.episode_not_closed", first, None, episode=number)
    elif first.date < closing.date:
        add(
            "domain.episode_before_close",
            first,
            "date",
            date=_iso(first.date),
            closed=_iso(closing.date),
        )
    if opening is None:
        add("domain.episode_without_opening", first, None, episode=number)


def _check_episode(
    add: Any, ordered: Sequence[CaseEvent], ladder: Ladder, lists: Mapping[str, CodeList]
) -> None:
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
        months = event.months
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
        elif not event.not_done and months in FOLLOW_UP_MONTHS:
            earliest = follow_up_earliest(exit_.date, months)
            if event.date < earliest:
                add(
                    "domain.follow_up_too_early",
                    event,
                    "date",
                    months=months,
                    date=_iso(event.date),
                    earliest=_iso(earliest),
                    exit=_iso(exit_.date),
                    early=months - FOLLOW_UP_EARLY_MONTHS,
                )
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
        if event.not_done:
            missed = lists.get(FOLLOW_UP_MISSED_LIST, FOLLOW_UP_MISSED_REASON)
            _check_code(add, event, "reason", missed, required=True, key="follow_up_reason")
            if event.level is not None:
                add("domain.follow_up_not_done_level", event, "level")
        else:
            _check_level(add, event, ladder, required=True)


def follow_up_earliest(exit_date: date, months: int) -> date:
    """The first day a follow-up after ``months`` may be registered: exit + (months - 1)."""
    return add_months(exit_date, months - FOLLOW_UP_EARLY_MONTHS)


def case_warnings(
    events: Sequence[CaseEvent], new: CaseEvent, *, ladder: Ladder
) -> list[Violation]:
    """What looks wrong about ``new`` without breaking a rule: saved anyway, but said.

    A second step on the same day (a double Enter), and an exit to work or studies from a
    level well below it.
    """
    found: list[Violation] = []
    others = [e for e in events if e.seq is None or e.seq != new.seq]
    if new.kind == STEP and any(e.kind == STEP and e.date == new.date for e in others):
        found.append(Violation("domain.warn_step_same_day", {"date": _iso(new.date)}, "date"))
    if new.kind == EXIT and new.destination in WORK_DESTINATIONS:
        level = new.level
        if level is None:
            levelled = [e for e in others if e.kind in (START, STEP) and e.level is not None]
            level = sort_events(levelled)[-1].level if levelled else None
        highest = ladder.highest if ladder.levels else None
        if level is not None and highest is not None and level < highest - 1:
            found.append(
                Violation(
                    "domain.warn_destination_level",
                    {"destination": new.destination, "level": level, "expected": highest - 1},
                    "destination",
                )
            )
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
    add: Any,
    event: CaseEvent,
    fld: str,
    code_list: CodeList,
    *,
    required: bool,
    key: str | None = None,
) -> None:
    key = key or fld
    value = getattr(event, fld)
    if value is None or value == "":
        if required:
            add(f"domain.{key}_missing", event, fld)
        return
    if value in code_list:
        return  # listed codes are never personnummer-shaped (check_code_list refuses them)
    # Never echo something shaped like a personnummer back into a message or a log.
    if looks_like_personnummer(str(value)):
        add("domain.personnummer_refused", event, fld)
    else:
        add(f"domain.{key}_unknown", event, fld, code=value)


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
    follow_up_months_done: tuple[int, ...] = ()  # of the latest exited episode
    episode: int = 1  # the latest episode's number


def summarize_case(
    events: Sequence[CaseEvent], today: date, *, ordered: bool = False
) -> CaseSummary:
    """Summarise a (valid) case: status, key dates, levels and the next follow-up due.

    Status, dates and the start level are the latest episode's; the current level is the
    latest recorded anywhere; the next follow-up due is the earliest one still open in any
    exited episode (a follow-up closed as not made counts as closed). ``ordered``: the events
    are in case order already (as effective_events and sort_events give them).
    """
    if not events:
        return CaseSummary(status=STATUS_EMPTY)
    everything = events if ordered else sort_events(events)
    grouped = _episodes_of_ordered(everything)
    latest_episode = max(grouped)
    ordered = grouped[latest_episode]

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
        for e in everything
        if e.kind in (START, STEP, EXIT) and e.level is not None
    ]
    current_level = max(levelled)[3] if levelled else None

    done: tuple[int, ...] = ()
    next_due = None
    for episode_events in grouped.values():
        episode_exit = next((e for e in episode_events if e.kind == EXIT), None)
        if episode_exit is None:
            continue
        closed = tuple(
            sorted(
                {e.months for e in episode_events if e.kind == FOLLOW_UP and e.months is not None}
            )
        )
        done = closed  # the latest exited episode's, in the end
        for months in FOLLOW_UP_MONTHS:
            if months not in closed:
                due = add_months(episode_exit.date, months)
                next_due = due if next_due is None else min(next_due, due)
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
        last_event_date=max(e.date for e in everything),
        next_follow_up_due=next_due,
        days_in_insats=days,
        follow_up_months_done=done,
        episode=latest_episode,
    )

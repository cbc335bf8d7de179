"""A logged-in user's handle on an open register, and the one way services write."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select

from tracker.domain.case import CaseSummary
from tracker.domain.codelists import FOLLOW_UP_MISSED_REASON, CodeList, Ladder
from tracker.i18n import t
from tracker.store import caserows, projections
from tracker.store.database import Register
from tracker.store.eventlog import Event, EventWriter, Head
from tracker.store.schema import code_lists, insatser

ROLE_STAFF = "staff"
ROLE_COORDINATOR = "coordinator"
ROLE_REVIEWER = "reviewer"
WRITING_ROLES = frozenset((ROLE_STAFF, ROLE_COORDINATOR))
LADDER_LIST = "ladder"
# A batch writes what it holds back (event rows, its cases' projection rows) whenever this many
# events are pending, inside its one transaction, and then forgets those cases' cached events:
# a long batch (an import of 250,000 rows) runs in bounded memory and still commits or rolls
# back as a whole.
BATCH_FLUSH_EVENTS = 5_000
# How many cases' events a session keeps between its transactions (the ones just worked on or
# opened in a form); others are read again when a transaction needs them.
KEPT_CASES = 16


class ServiceError(Exception):
    """A use case refused: carries a catalog key so every interface shows the same message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


@dataclass(frozen=True)
class Actor:
    user: str
    role: str


@dataclass
class Lists:
    """The code lists and ladder in force, read once per transaction."""

    code_lists: dict[str, CodeList]
    ladder: Ladder


@dataclass(frozen=True)
class Known:
    """What a session read of the register, valid for as long as the log's head is ``head``:
    a committed write's code lists, insatser and touched cases, a read's case (get_case).

    Everything here follows from the events alone (the code lists and insatser are projections
    of their events; a case's events are appended, never changed except by a purge, which is an
    event too), and every write appends an event, so an unchanged head (seq and chain hash,
    read under the write lock) means nothing here changed: whoever wrote in between, another
    session or process included, moved the head. Never mutated: a transaction copies what it
    extends, and a change makes a new Known.
    """

    head: Head
    today: date  # the day the case views were summarised on
    lists: Lists | None = None
    insats_names: dict[int, str] | None = None
    insats_closed: dict[int, str] | None = None
    # The most recently used cases last, at most KEPT_CASES.
    case_events: Mapping[str, list[caserows.RawCaseEvent]] = field(default_factory=dict)
    case_memo: Mapping[str, tuple[int, Any]] = field(default_factory=dict)

    def with_case(
        self, code: str, raw: list[caserows.RawCaseEvent], memo: tuple[int, Any]
    ) -> Known:
        """This and one more case, read at the same head (and derived on the same day)."""
        return dataclasses.replace(
            self,
            **_kept_cases(self.case_events, {code: raw}, {**self.case_memo, code: memo}),
        )


def _kept_cases(
    kept: Mapping[str, list[caserows.RawCaseEvent]],
    touched: Mapping[str, list[caserows.RawCaseEvent]],
    case_memo: Mapping[str, tuple[int, Any]],
) -> dict[str, Any]:
    """Known's case fields: the ``touched`` cases last, then the newest ``kept`` ones, at most
    KEPT_CASES in all, and their memos."""
    case_events = {code: raw for code, raw in kept.items() if code not in touched}
    case_events.update(touched)
    for code in list(case_events)[: max(0, len(case_events) - KEPT_CASES)]:
        del case_events[code]
    memo = {code: case_memo[code] for code in case_events if code in case_memo}
    return {"case_events": case_events, "case_memo": memo}


class Transaction:
    """One write transaction: appends events and updates projections together."""

    def __init__(
        self,
        session: Session,
        connection: Connection,
        *,
        batched: bool = False,
        known: Known | None = None,
    ) -> None:
        self.session = session
        self.connection = connection
        # A batch also inserts its events together (flushed before any read of the events
        # table and before commit).
        self.writer = EventWriter(connection, buffered=batched, signer=session.signer)
        if known is not None and known.head != self.writer.head:
            known = None  # someone wrote since: read everything again
        self._lists: Lists | None = known.lists if known else None
        self._insats_names: dict[int, str] | None = known.insats_names if known else None
        self._insats_closed: dict[int, str] | None = known.insats_closed if known else None
        self._known_cases = known.case_events if known else {}
        # Use cases may keep derived per-case data here (cases.py keeps each case's view),
        # valid as long as the case's event list has not grown (and the day is the same).
        self._today = session.today()
        self.case_memo: dict[str, tuple[int, Any]] = (
            dict(known.case_memo) if known and known.today == self._today else {}
        )
        # Each touched case's events, kept in step with what this transaction appends, so a
        # use case reads a case once however many times it validates and projects it.
        self._case_events: dict[str, list[caserows.RawCaseEvent]] = {}
        # Only case events appended so far (or none): then what this transaction knows still
        # describes the register after its commit (see known()).
        self._cases_only = True
        # A batch projects each touched case once, before it commits, instead of after every
        # event: an imported case of ten events is then summarised once, not ten times.
        self._batched = batched
        self._stale_cases: set[str] = set()

    def append(
        self,
        kind: str,
        payload: Mapping[str, Any],
        case_code: str | None = None,
        *,
        case_summary: CaseSummary | None = None,
    ) -> Event:
        """Write one event and its projections. ``case_summary``: the case's summary with this
        event (seq ``next_seq``), when the caller derived it anyway: the case's row is then
        written from it instead of summarising all its events again."""
        case_raw = self.case_events(case_code) if case_code is not None else None
        held_back = self._batched and case_code is not None and kind in caserows.CASE_EVENT_KINDS
        if not held_back:
            # Any other event is written and signed on its own (a membership event's signature
            # must vouch for nothing else: logins check those events alone, tracker.store.trust).
            self.writer.flush()
        event = self.writer.append(
            user=self.session.actor.user, kind=kind, payload=payload, case_code=case_code
        )
        if case_raw is not None:
            case_raw.append((event.seq, event.kind, event.payload or {}))
        if held_back:
            self._stale_cases.add(case_code)
            if self.writer.pending >= BATCH_FLUSH_EVENTS:
                self.flush()
        else:
            self.writer.flush()  # projections may refer to the event's row
            projections.apply(self.connection, event, self.session.today(), case_raw, case_summary)
        if kind not in caserows.CASE_EVENT_KINDS:
            self._cases_only = False
        if kind == projections.CODE_LIST_SET:
            self._lists = None
        elif kind in (
            projections.INSATS_ADDED,
            projections.INSATS_RENAMED,
            projections.INSATS_CLOSED,
        ):
            self._insats_names = None
            self._insats_closed = None
        return event

    @property
    def next_seq(self) -> int:
        """The seq the next appended event gets."""
        return self.writer.head.seq + 1

    def flush(self) -> None:
        """Write what a batch holds back: its events' rows and its cases' projections.

        The flushed cases' cached events and views are dropped: a later use case on one of
        them reads it again (from this transaction, so it sees everything written so far).
        """
        self.writer.flush()
        codes = sorted(self._stale_cases)
        missing = [code for code in codes if code not in self._case_events]
        if missing:
            self._case_events.update(projections.cases_raw_events(self.connection, missing))
        stale = {code: self._case_events.pop(code) for code in codes}
        projections.refresh_cases(self.connection, stale, self.session.today())
        for code in codes:
            self.case_memo.pop(code, None)
        self._stale_cases.clear()

    def preload_cases(self, raw_by_code: Mapping[str, list[caserows.RawCaseEvent]]) -> None:
        """Seed the per-case cache with events the caller read in one query (the importer), so
        appending to those cases reads nothing more; a code without events is a new case."""
        self._case_events.update(raw_by_code)

    def case_events(self, code: str) -> list[caserows.RawCaseEvent]:
        """The case's events (seq, kind, payload) as of this transaction; empty for a new code."""
        raw = self._case_events.get(code)
        if raw is None:
            kept = self._known_cases.get(code)
            if kept is not None:
                raw = list(kept)  # extended by this transaction: the kept list stays as it was
            else:
                # No flush first: every row a batch holds back belongs to a case cached here
                # (append reads the case before it appends), so this case has none waiting.
                # Flushing here would sign a batch once per case it touches instead of once per
                # flush.
                raw = projections.case_raw_events(self.connection, code)
            self._case_events[code] = raw
        return raw

    def known(self) -> Known | None:
        """What the next transaction may take over once this one has committed (None: read
        everything again). Only after case events: a system event's use case may also change
        tables directly (a purge erases payloads), which nothing here would follow."""
        if not self._cases_only or self._batched:
            return None
        return Known(
            self.writer.head,
            self._today,
            self._lists,
            self._insats_names,
            self._insats_closed,
            **_kept_cases(self._known_cases, self._case_events, self.case_memo),
        )

    @property
    def insats_names(self) -> dict[int, str]:
        if self._insats_names is None:
            self._insats_names = {
                insats_id: name for name, insats_id in insats_ids(self.connection).items()
            }
        return self._insats_names

    @property
    def insats_closed_on(self) -> dict[int, str]:
        """Closed insatser's ids and their closing days (ISO dates)."""
        if self._insats_closed is None:
            rows = self.connection.execute(
                select(insatser.c.id, insatser.c.closed_on).where(insatser.c.closed_on.is_not(None))
            )
            self._insats_closed = {row.id: row.closed_on for row in rows}
        return self._insats_closed

    @property
    def lists(self) -> Lists:
        if self._lists is None:
            self._lists = read_lists(self.connection)
        return self._lists


def read_lists(connection: Connection) -> Lists:
    rows = connection.execute(select(code_lists.c.name, code_lists.c.content)).all()
    contents = {row.name: json.loads(row.content) for row in rows}
    ladder = Ladder.from_dict(contents.pop(LADDER_LIST))
    lists = {name: CodeList.from_dict(body) for name, body in contents.items()}
    lists.setdefault(FOLLOW_UP_MISSED_REASON.name, FOLLOW_UP_MISSED_REASON)
    return Lists(lists, ladder)


def insats_ids(connection: Connection) -> dict[str, int]:
    return {row.name: row.id for row in connection.execute(select(insatser.c.name, insatser.c.id))}


@dataclass
class Session:
    """An open register and who is using it. Close it to drop the data key."""

    register: Register
    actor: Actor
    db_path: Path
    today: Callable[[], date] = field(default=date.today)
    # The user's Ed25519 key: signs every event she writes (tracker.store.trust).
    signer: Ed25519PrivateKey | None = field(default=None, repr=False)
    # The register authority (coordinators only): signs board bundles.
    authority: Ed25519PrivateKey | None = field(default=None, repr=False)
    _batch: Transaction | None = field(default=None, repr=False)
    # What the last committed write read (code lists, insatser, the cases it touched), for the
    # next one to take over if nobody wrote in between (Known).
    _known: Known | None = field(default=None, repr=False)

    def require_role(self, *roles: str) -> None:
        if self.actor.role not in roles:
            raise PermissionDenied(
                "service.role_refused", user=self.actor.user, role=t(f"role.{self.actor.role}")
            )

    def require_writer(self) -> None:
        self.require_role(*WRITING_ROLES)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction, or the open batch's when inside ``batch()``."""
        if self._batch is not None:
            yield self._batch
            return
        with self.register.write() as connection:
            transaction = Transaction(self, connection, known=self._known)
            self._known = None  # a failed transaction leaves nothing behind
            yield transaction
        self._known = transaction.known()  # committed

    @contextlib.contextmanager
    def batch(self) -> Iterator[Transaction]:
        """Many use cases in one transaction: all written, or none (demo data, imports)."""
        if self._batch is not None:
            raise RuntimeError("batches do not nest")
        self._known = None
        with self.register.write() as connection:
            batch = Transaction(self, connection, batched=True)
            self._batch = batch
            try:
                yield batch
                batch.flush()  # only on success: a failed batch rolls back
            finally:
                self._batch = None

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return self.register.read()

    def remember_case(
        self,
        head: Head,
        code: str,
        raw: list[caserows.RawCaseEvent],
        memo: tuple[int, Any],
        today: date,
    ) -> None:
        """Keep a case read at ``head`` for the next write (a form reads the case it saves
        to): that write takes it over only if the head is still ``head``. ``memo`` as in
        Transaction.case_memo, derived on ``today``."""
        known = self._known
        if known is None or known.head != head or known.today != today:
            known = Known(head, today)  # what was known is older or newer: either way, not this
        self._known = known.with_case(code, raw, memo)

    def close(self) -> None:
        self.signer = None
        self.authority = None
        self.register.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

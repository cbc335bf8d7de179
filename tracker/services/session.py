"""A logged-in user's handle on an open register, and the one way services write."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select

from tracker.domain.codelists import FOLLOW_UP_MISSED_REASON, CodeList, Ladder
from tracker.i18n import t
from tracker.store import projections
from tracker.store.database import Register
from tracker.store.eventlog import Event, EventWriter
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


class Transaction:
    """One write transaction: appends events and updates projections together."""

    def __init__(self, session: Session, connection: Connection, *, batched: bool = False) -> None:
        self.session = session
        self.connection = connection
        # A batch also inserts its events together (flushed before any read of the events
        # table and before commit).
        self.writer = EventWriter(connection, buffered=batched, signer=session.signer)
        self._lists: Lists | None = None
        self._insats_names: dict[int, str] | None = None
        self._insats_closed: dict[int, str] | None = None
        # Each touched case's events, kept in step with what this transaction appends, so a
        # use case reads a case once however many times it validates and projects it.
        self._case_events: dict[str, list[projections.RawCaseEvent]] = {}
        # A batch projects each touched case once, before it commits, instead of after every
        # event: an imported case of ten events is then summarised once, not ten times.
        self._batched = batched
        self._stale_cases: set[str] = set()
        # Use cases may keep derived per-case data here (cases.py keeps each case's view),
        # valid as long as the case's event list has not grown.
        self.case_memo: dict[str, tuple[int, Any]] = {}

    def append(self, kind: str, payload: Mapping[str, Any], case_code: str | None = None) -> Event:
        case_raw = self.case_events(case_code) if case_code is not None else None
        held_back = self._batched and case_code is not None and kind in projections.CASE_EVENT_KINDS
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
            projections.apply(self.connection, event, self.session.today(), case_raw)
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

    def preload_cases(self, raw_by_code: Mapping[str, list[projections.RawCaseEvent]]) -> None:
        """Seed the per-case cache with events the caller read in one query (the importer), so
        appending to those cases reads nothing more; a code without events is a new case."""
        self._case_events.update(raw_by_code)

    def case_events(self, code: str) -> list[projections.RawCaseEvent]:
        """The case's events (seq, kind, payload) as of this transaction; empty for a new code."""
        if code not in self._case_events:
            # No flush first: every row a batch holds back belongs to a case cached here (append
            # reads the case before it appends), so this case has none waiting. Flushing here
            # would sign a batch once per case it touches instead of once per flush.
            self._case_events[code] = projections.case_raw_events(self.connection, code)
        return self._case_events[code]

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
            yield Transaction(self, connection)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Transaction]:
        """Many use cases in one transaction: all written, or none (demo data, imports)."""
        if self._batch is not None:
            raise RuntimeError("batches do not nest")
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

    def close(self) -> None:
        self.signer = None
        self.authority = None
        self.register.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

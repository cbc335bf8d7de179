"""The append-only, hash-chained event log (design.md property 2).

payload_hash = SHA-256(canonical JSON payload)
chain_hash   = SHA-256(previous chain hash (32 raw bytes, zeros for the first event)
                       ‖ canonical JSON [seq, recorded_at, user, kind, payload_hash])

The chain covers the payload's hash, not the payload, so retention can later erase a payload
and the chain still verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from tracker.store.schema import events, purged_events

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    """The one byte form every hash is computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def payload_hash(payload_bytes: bytes) -> str:
    return hashlib.sha256(payload_bytes).hexdigest()


def chain_hash(
    previous: str, seq: int, recorded_at: str, user: str, kind: str, payload_digest: str
) -> str:
    link = canonical_json([seq, recorded_at, user, kind, payload_digest])
    return hashlib.sha256(bytes.fromhex(previous) + link).hexdigest()


def utc_now() -> str:
    """Now in UTC as ``2026-01-31T09:15:00.123456Z`` (isoformat: strftime is slower per event)."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Event:
    seq: int
    recorded_at: str
    user: str
    kind: str
    case_code: str | None
    payload: dict[str, Any] | None
    payload_hash: str
    chain_hash: str


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def head(connection: Connection) -> Head:
    """The newest event's seq and chain hash (seq 0 and the genesis hash when empty)."""
    row = connection.execute(
        select(events.c.seq, events.c.chain_hash).order_by(events.c.seq.desc()).limit(1)
    ).first()
    return Head(row.seq, row.chain_hash) if row else Head(0, GENESIS_HASH)


_INSERT_EVENT = events.insert()


class EventWriter:
    """Appends events within one write transaction, keeping the head in memory between appends."""

    def __init__(self, connection: Connection, *, buffered: bool = False) -> None:
        self.connection = connection
        self._head = head(connection)
        # Buffered: rows are inserted together by ``flush()`` (one executemany), which the
        # owner must call before reading the events table or committing. For batches.
        self._buffered = buffered
        self._pending: list[dict[str, Any]] = []

    @property
    def head(self) -> Head:
        return self._head

    def append(
        self,
        *,
        user: str,
        kind: str,
        payload: Mapping[str, Any],
        case_code: str | None = None,
    ) -> Event:
        seq = self._head.seq + 1
        recorded_at = utc_now()
        body = dict(payload)
        if case_code is not None:
            # The case code lives in the payload so the chain covers it; the column is an index.
            body["case"] = case_code
        payload_bytes = canonical_json(body)
        digest = payload_hash(payload_bytes)
        link = chain_hash(self._head.hash, seq, recorded_at, user, kind, digest)
        row = {
            "seq": seq,
            "recorded_at": recorded_at,
            "user": user,
            "kind": kind,
            "case_code": case_code,
            "payload": payload_bytes.decode(),
            "payload_hash": digest,
            "chain_hash": link,
        }
        if self._buffered:
            self._pending.append(row)
        else:
            self.connection.execute(_INSERT_EVENT, row)
        self._head = Head(seq, link)
        return Event(seq, recorded_at, user, kind, case_code, body, digest, link)

    def flush(self) -> None:
        """Insert the buffered rows (nothing to do when unbuffered)."""
        if self._pending:
            self.connection.execute(_INSERT_EVENT, self._pending)
            self._pending = []


def erase_payloads(connection: Connection, seqs: list[int], purge_seq: int) -> None:
    """Retention's one way to change the log: erase the payload and case code of ``seqs``.

    Each event is first listed in ``purged_events`` (with the purge event that erased it); the
    update trigger lets the erasure through only for listed events and only when every other
    column, the payload hash and chain hash included, stays as it was. The chain still
    verifies, and ``verify_chain`` reports these events as purged.
    """
    for start in range(0, len(seqs), _ERASE_CHUNK):
        chunk = seqs[start : start + _ERASE_CHUNK]
        connection.execute(
            purged_events.insert(), [{"seq": seq, "purge_seq": purge_seq} for seq in chunk]
        )
        connection.execute(
            update(events).where(events.c.seq.in_(chunk)).values(payload=None, case_code=None)
        )


_ERASE_CHUNK = 500


def _row_to_event(row: Any) -> Event:
    payload = json.loads(row.payload) if row.payload is not None else None
    return Event(
        row.seq,
        row.recorded_at,
        row.user,
        row.kind,
        row.case_code,
        payload,
        row.payload_hash,
        row.chain_hash,
    )


def iter_events(
    connection: Connection, *, up_to_seq: int | None = None, case_code: str | None = None
) -> Iterator[Event]:
    """Events in seq order, optionally only up to a seq or only one case's."""
    query = select(events).order_by(events.c.seq)
    if up_to_seq is not None:
        query = query.where(events.c.seq <= up_to_seq)
    if case_code is not None:
        query = query.where(events.c.case_code == case_code)
    for row in connection.execute(query):
        yield _row_to_event(row)


@dataclass(frozen=True)
class ChainReport:
    count: int
    head: Head
    first_bad_seq: int | None = None
    problem: str | None = None  # an i18n key: store.chain_*
    # Events whose payload retention erased (listed in purged_events): verified by their kept
    # hashes, reported as purged rather than as damage. (first seq, last seq) when any.
    purged: int = 0
    purged_range: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(connection: Connection) -> ChainReport:
    """Walk the whole chain; name the first sequence number where it breaks."""
    previous = Head(0, GENESIS_HASH)
    count = 0
    purged_seqs = set(connection.execute(select(purged_events.c.seq)).scalars())
    purged: list[int] = []

    def report(bad_seq: int | None = None, problem: str | None = None) -> ChainReport:
        span = (purged[0], purged[-1]) if purged else None
        return ChainReport(count, previous, bad_seq, problem, len(purged), span)

    rows = connection.execute(select(events).order_by(events.c.seq))
    for row in rows:
        expected_seq = previous.seq + 1
        if row.seq != expected_seq:
            # A gap: the event with the expected number was deleted.
            return report(expected_seq, "store.chain_missing")
        if row.payload is not None:
            if payload_hash(row.payload.encode()) != row.payload_hash:
                return report(row.seq, "store.chain_payload")
            if json.loads(row.payload).get("case") != row.case_code:
                return report(row.seq, "store.chain_case_code")
        elif row.seq in purged_seqs:
            purged.append(row.seq)
        else:  # erased without a purge that says so
            return report(row.seq, "store.chain_payload_missing")
        link = chain_hash(
            previous.hash, row.seq, row.recorded_at, row.user, row.kind, row.payload_hash
        )
        if link != row.chain_hash:
            return report(row.seq, "store.chain_link")
        previous = Head(row.seq, row.chain_hash)
        count += 1
    return report()

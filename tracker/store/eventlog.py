"""The append-only, hash-chained event log (design.md property 2).

payload_hash = SHA-256(canonical JSON payload)
chain_hash   = SHA-256(previous chain hash (32 raw bytes, zeros for the first event)
                       ‖ canonical JSON [seq, recorded_at, user, kind, payload_hash])

The chain covers the payload's hash, not the payload, so retention can later erase a payload
and the chain still verifies. An event may carry its author's Ed25519 signature over its chain
hash (``signature``), which therefore covers all history before it (tracker.store.trust). A
batch signs only its last event; that signature also states how many of the author's unsigned
events directly before it belong to the batch, so nobody can slip an unsigned event in front of
an author's next signature and have it vouched for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import DBAPIError

from tracker.store.engine import driver_change, driver_rows
from tracker.store.payload import parse_payload
from tracker.store.schema import events, purged_events

GENESIS_HASH = "0" * 64


# One encoder for every call: json.dumps with options builds a new encoder each time.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> bytes:
    """The one byte form every hash is computed over: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(value).encode()


def payload_hash(payload_bytes: bytes) -> str:
    return hashlib.sha256(payload_bytes).hexdigest()


def chain_hash(
    previous: str, seq: int, recorded_at: str, user: str, kind: str, payload_digest: str
) -> str:
    return _link_digest(bytes.fromhex(previous), seq, recorded_at, user, kind, payload_digest).hex()


def _link_digest(
    previous: bytes, seq: int, recorded_at: str, user: str, kind: str, payload_digest: str
) -> bytes:
    """chain_hash with the hashes as raw bytes: the chain walk keeps each link's digest for
    the next instead of converting it from hex and back."""
    # canonical_json([seq, recorded_at, user, kind, payload_digest]), spelled out: the same
    # bytes (an int and four JSON strings, no spaces) without json.dumps' per-call set-up, which
    # dominated walking a long chain. tests/store checks it against canonical_json.
    link = (
        f"[{int(seq)},{_json_string(recorded_at)},{_json_string(user)},"
        f"{_json_string(kind)},{_json_string(payload_digest)}]"
    ).encode()
    return hashlib.sha256(previous + link).digest()


SIGNATURE_CONTEXT = b"tracker.event/2 "
# Signatures made before the count was part of the message (tracker.store.trust accepts them
# only where they cannot vouch for a slipped-in event).
LEGACY_SIGNATURE_CONTEXT = b"tracker.event/1 "


def signed_message(chain_digest: str, covers: int = 0) -> bytes:
    """What an event's signature covers: a label, the event's chain hash and ``covers``, the
    number of the author's unsigned events directly before it that the signature vouches for
    (the rest of its batch; 0 for an event written on its own)."""
    return SIGNATURE_CONTEXT + f"{chain_digest} {int(covers)}".encode("ascii")


def legacy_signed_message(chain_digest: str) -> bytes:
    return LEGACY_SIGNATURE_CONTEXT + chain_digest.encode("ascii")


def sign_event(signer: Ed25519PrivateKey, chain_digest: str, covers: int = 0) -> str:
    return base64.b64encode(signer.sign(signed_message(chain_digest, covers))).decode("ascii")


_json_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # ensure_ascii=False


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
    signature: str | None = None


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


_HEAD = "SELECT seq, chain_hash FROM {schema}events ORDER BY seq DESC LIMIT 1"


def head(connection: Connection) -> Head:
    """The newest event's seq and chain hash (seq 0 and the genesis hash when empty)."""
    rows = driver_rows(connection, _HEAD)  # every write reads it: through the driver
    return Head(*rows[0]) if rows else Head(0, GENESIS_HASH)


_EVENT_COLUMNS = tuple(column.name for column in events.columns)
# A plain driver statement: SQLAlchemy's per-row parameter processing cost more than the insert
# itself when a batch writes thousands of events.
_QUOTED_COLUMNS = ", ".join(f'"{column}"' for column in _EVENT_COLUMNS)
_INSERT_EVENT = (
    f"INSERT INTO events ({_QUOTED_COLUMNS}) VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})"
)


class EventWriter:
    """Appends events within one write transaction, keeping the head in memory between appends."""

    def __init__(
        self,
        connection: Connection,
        *,
        buffered: bool = False,
        signer: Ed25519PrivateKey | None = None,
    ) -> None:
        self.connection = connection
        self._head = head(connection)
        # The author's key: every inserted row is signed, or (buffered) the last row of each
        # flush, whose signature vouches for the flush's rows before it.
        self._signer = signer
        # Buffered: rows are inserted together by ``flush()`` (one executemany), which the
        # owner must call before reading the events table or committing. For batches.
        self._buffered = buffered
        self._pending: list[tuple[Any, ...]] = []

    @property
    def head(self) -> Head:
        return self._head

    @property
    def pending(self) -> int:
        """How many appended rows a buffered writer still holds back."""
        return len(self._pending)

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
        values = {
            "seq": seq,
            "recorded_at": recorded_at,
            "user": user,
            "kind": kind,
            "case_code": case_code,
            "payload": payload_bytes.decode(),
            "payload_hash": digest,
            "chain_hash": link,
            "signature": None,
        }
        if self._buffered:
            self._pending.append(tuple(values[column] for column in _EVENT_COLUMNS))
        else:
            if self._signer is not None:
                values["signature"] = sign_event(self._signer, link)
            row = tuple(values[column] for column in _EVENT_COLUMNS)
            driver_change(self.connection, _INSERT_EVENT, row)
        self._head = Head(seq, link)
        return Event(seq, recorded_at, user, kind, case_code, body, digest, link)

    def flush(self) -> None:
        """Insert the buffered rows (nothing to do when unbuffered)."""
        if self._pending:
            if self._signer is not None:
                # The last row signs for the flush's rows before it, and says how many.
                last = list(self._pending[-1])
                link = last[_EVENT_COLUMNS.index("chain_hash")]
                last[_EVENT_COLUMNS.index("signature")] = sign_event(
                    self._signer, link, covers=len(self._pending) - 1
                )
                self._pending[-1] = tuple(last)
            self.connection.exec_driver_sql(_INSERT_EVENT, self._pending)
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
    payload = parse_payload(row.payload) if row.payload is not None else None
    return Event(
        row.seq,
        row.recorded_at,
        row.user,
        row.kind,
        row.case_code,
        payload,
        row.payload_hash,
        row.chain_hash,
        row.signature,
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


_CHAIN_FROM = (
    "SELECT seq, recorded_at, user, kind, case_code, payload, payload_hash, chain_hash, signature"
    " FROM events WHERE seq >= ? ORDER BY seq"
)
# The chain walk reads the log a chunk at a time, each chunk as one JSON text built by SQLite.
_CHUNK_EVENTS = 10_000
# As a blob: the driver hands over the bytes as they are (orjson reads UTF-8), where text
# would be decoded into a str first, holding the GIL the walk needs.
_CHUNK_JSON = (
    "SELECT CAST(json_group_array(json_array(seq, recorded_at, user, kind, case_code, payload,"
    " payload_hash, chain_hash, signature) ORDER BY seq) AS BLOB) FROM events WHERE seq >= ?"
)
_CHUNK_BOUNDED = _CHUNK_JSON + " AND seq < ?"
_ANY_FROM = "SELECT EXISTS (SELECT 1 FROM events WHERE seq >= ?)"
_LOWEST_SEQ = -(2**63)


class _ChainReader:
    """The log's rows in seq order for the chain walk, read ahead by a second thread.

    SQLite decrypts the pages and writes each chunk of events as one JSON text inside a single
    statement step, without holding the GIL, while the walking thread checks the chunk before;
    the reading then costs the walk only orjson's parse of the text, a third of fetching the
    rows through the cursor. SQLite's JSON keeps every text exactly (a NUL too, as \\u0000).
    A chunk it cannot write (a value no event holds, such as a blob or text that is not UTF-8)
    is read, with the rest of the log, through the plain cursor once the reader has stopped,
    so its errors are the cursor's, raised in the walking thread."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._chunks: queue.Queue[tuple[int, bytes | None]] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_ahead, name="chain-reader", daemon=True)

    def __enter__(self) -> _ChainReader:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._finish()

    def rows(self) -> Iterator[Sequence[Any]]:
        while True:
            low, data = self._chunks.get()
            try:
                chunk = None if data is None else orjson.loads(data)
            except orjson.JSONDecodeError:
                chunk = None
            if chunk is None:
                break
            if not chunk:
                return  # past the last event
            yield from chunk
        self._finish()  # the reader has stopped before this thread uses the connection
        cursor = self._driver.cursor()
        try:
            cursor.execute(_CHAIN_FROM, (low,))
            yield from cursor
        finally:
            cursor.close()

    def _read_ahead(self) -> None:
        low = _LOWEST_SEQ
        try:
            while not self._stop.is_set():
                high = _CHUNK_EVENTS + 1 if low == _LOWEST_SEQ else low + _CHUNK_EVENTS
                (chunk,) = self._driver.execute(_CHUNK_BOUNDED, (low, high)).fetchone()
                if chunk == b"[]":
                    # Nothing in this range: the end of the log, or a gap the cursor reads past.
                    (more,) = self._driver.execute(_ANY_FROM, (high,)).fetchone()
                    self._put((low, None if more else chunk))
                    return
                self._put((low, chunk))
                low = high
        except Exception:  # any: the walking thread reads on through the cursor, and fails there
            self._put((low, None))

    def _put(self, item: tuple[int, bytes | None]) -> None:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def _finish(self) -> None:
        self._stop.set()
        self._thread.join()


# One row of the chain walk: the event table's columns in their order (seq, recorded_at, user,
# kind, case_code, payload text, payload_hash, chain_hash, signature); a list when it was read
# from one of the chain reader's JSON chunks.
ChainRow = tuple[int, str, str, str, "str | None", "str | None", str, str, "str | None"]
# What the chain walk hands a caller that wants the events too: each verified row and its
# payload, parsed (None when retention erased it).
KeptEvents = list[tuple[ChainRow, "dict[str, Any] | None"]]


def verify_chain(connection: Connection, keep: KeptEvents | None = None) -> ChainReport:
    """Walk the whole chain; name the first sequence number where it breaks.

    ``keep``, when given, has every event that verified appended with its payload parsed: one
    read of the log then serves a caller that needs the events too (the audit's signature check
    and rebuild).
    """
    previous_seq, previous_hash = 0, GENESIS_HASH
    previous_digest = bytes.fromhex(GENESIS_HASH)
    count = 0
    purged_seqs = set(connection.execute(select(purged_events.c.seq)).scalars())
    purged: list[int] = []

    def broken(bad_seq: int | None = None, problem: str | None = None) -> ChainReport:
        """``problem`` is the i18n key (written out in full, so the catalog test finds it)."""
        span = (purged[0], purged[-1]) if purged else None
        head = Head(previous_seq, previous_hash)
        return ChainReport(count, head, bad_seq, problem, len(purged), span)

    sha256 = hashlib.sha256
    # The driver's own connection: plain rows, no per-row objects of SQLAlchemy's.
    dbapi_error = connection.dialect.loaded_dbapi.Error
    driver = connection.connection.driver_connection  # type: ignore[union-attr]
    try:
        with _ChainReader(driver) as reader:
            for row in reader.rows():
                seq, recorded_at, user, kind, case_code, payload, digest, link, _signature = row
                if seq != previous_seq + 1:
                    # A gap: the event with the expected number was deleted.
                    return broken(previous_seq + 1, "store.chain_missing")
                body = None
                if payload is not None:
                    if sha256(payload.encode()).hexdigest() != digest:
                        return broken(seq, "store.chain_payload")
                    body = parse_payload(payload)
                    if body.get("case") != case_code:
                        return broken(seq, "store.chain_case_code")
                elif seq in purged_seqs:
                    purged.append(seq)
                else:  # erased without a purge that says so
                    return broken(seq, "store.chain_payload_missing")
                linked = _link_digest(previous_digest, seq, recorded_at, user, kind, digest)
                if linked.hex() != link:
                    return broken(seq, "store.chain_link")
                if keep is not None:
                    keep.append((row, body))
                previous_seq, previous_hash, previous_digest = seq, link, linked
                count += 1
    except dbapi_error as error:
        # As SQLAlchemy would have raised it (damaged pages: a DatabaseError), since callers
        # and the command line tell damage by SQLAlchemy's classes.
        raise DBAPIError.instance(_CHAIN_FROM, (), error, dbapi_error) from error
    return broken()


def row_event(row: ChainRow, body: dict[str, Any] | None) -> Event:
    """The event a chain row holds, with its payload already parsed."""
    seq, recorded_at, user, kind, case_code, _payload, digest, link, signature = row
    return Event(seq, recorded_at, user, kind, case_code, body, digest, link, signature)


def event_row(event: Event) -> ChainRow:
    """The chain row of an event read otherwise (its payload text is not needed again)."""
    return (
        event.seq,
        event.recorded_at,
        event.user,
        event.kind,
        event.case_code,
        None,
        event.payload_hash,
        event.chain_hash,
        event.signature,
    )

"""Audit use cases: verify the chain, its signatures, the file's integrity and the projections."""

from __future__ import annotations

import base64
import gc
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from tracker.services.session import ServiceError, Session
from tracker.store import projections, trust
from tracker.store.database import Register, integrity_problems
from tracker.store.eventlog import (
    GENESIS_HASH,
    ChainReport,
    Head,
    KeptEvents,
    canonical_json,
    utc_now,
    verify_chain,
)
from tracker.store.schema import events


@dataclass(frozen=True)
class AuditReport:
    chain: ChainReport | None  # None when damaged pages stopped the walk
    integrity_problems: list[str]
    drifted_tables: list[str]  # projections that differ from a rebuild from the events
    signatures: trust.Membership | None = None  # None when the chain did not verify
    expected: Head | None = None  # the head the caller kept (--expect)
    expected_found: str | None = None  # the chain hash the log now has at expected.seq

    @property
    def expectation_met(self) -> bool:
        return self.expected is None or self.expected_found == self.expected.hash

    @property
    def ok(self) -> bool:
        chain_ok = self.chain is not None and self.chain.ok
        signatures_ok = self.signatures is not None and self.signatures.ok
        return (
            chain_ok
            and signatures_ok
            and self.expectation_met
            and not self.integrity_problems
            and not self.drifted_tables
        )


HEAD_KIND = "tracker.head/1"
MAX_HEAD_FILE_BYTES = 16 * 1024


def signed_head(session: Session) -> dict[str, Any]:
    """A granskningspunkt to keep: the verified head, signed with the user's own Ed25519 key
    (Certificate Transparency's signed tree head). Refused when the log does not verify."""
    report = verify(session)
    if not report.ok or report.chain is None or session.signer is None:
        raise ServiceError("audit.head_refused")
    statement = {
        "kind": HEAD_KIND,
        "database_id": session.register.meta("database_id") or "",
        "seq": report.chain.head.seq,
        "hash": report.chain.head.hash,
        "user": session.actor.user,
        "signed_at": utc_now(),
        "public_key": base64.b64encode(session.signer.public_key().public_bytes_raw()).decode(),
    }
    signature = session.signer.sign(canonical_json(statement))
    return {**statement, "signature": base64.b64encode(signature).decode()}


def _head_from_file(path: Path) -> Head:
    """The head a signed head file states, once its signature checks."""
    try:
        raw = path.read_bytes()[: MAX_HEAD_FILE_BYTES + 1]
        if len(raw) > MAX_HEAD_FILE_BYTES:
            raise ValueError("too large")
        document = json.loads(raw.decode("utf-8"))
        statement = {k: v for k, v in document.items() if k != "signature"}
        if statement.get("kind") != HEAD_KIND:
            raise ValueError("kind")
        Ed25519PublicKey.from_public_bytes(
            base64.b64decode(statement["public_key"], validate=True)
        ).verify(base64.b64decode(document["signature"], validate=True), canonical_json(statement))
        return Head(int(statement["seq"]), str(statement["hash"]))
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        InvalidSignature,
    ):
        raise ServiceError("audit.head_file_invalid", path=str(path)) from None


def parse_expectation(text: str) -> Head:
    """``SEQ:HASH`` as ``audit verify`` prints it (a granskningspunkt), or a signed head file
    (``tracker audit head``)."""
    if Path(text).is_file():
        return _head_from_file(Path(text))
    seq_text, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    try:
        seq = int(seq_text)
    except ValueError:
        seq = -1
    if seq < 0 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ServiceError("audit.expect_invalid", value=text[:80])
    return Head(seq, digest)


def verify(session: Session, expected: Head | None = None) -> AuditReport:
    """Walk the whole chain and its signatures, check every page, rebuild the projections to
    compare, and (``expected``) check the log still holds a head kept from earlier."""
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-pages") as pool,
        _no_cycle_collection(),
    ):
        return _verify_log(session, expected, _PageChecks(session.register, pool))


class _PageChecks:
    """SQLCipher's and SQLite's page checks, on a connection of their own in a second thread:
    the driver lets go of the GIL while SQLite works, so they cost no wall time next to the
    signature checks and the rebuild. Started once the chain walk has read the log: its own
    read-ahead thread would otherwise share the second core with them and keep the walk
    waiting."""

    def __init__(self, register: Register, pool: ThreadPoolExecutor) -> None:
        self._register = register
        self._pool = pool
        self._running: Future[list[str]] | None = None

    def start(self) -> None:
        if self._running is None:
            self._running = self._pool.submit(integrity_problems, self._register)

    def result(self) -> list[str]:
        self.start()
        assert self._running is not None
        return self._running.result()


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The walk keeps every payload until the rebuild, hundreds of thousands of objects that
    live to the end: the cycle collector would go over them again and again (an eighth of the
    audit's time) to find no cycle. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _verify_log(session: Session, expected: Head | None, checking: _PageChecks) -> AuditReport:
    chain: ChainReport | None = None
    signatures: trust.Membership | None = None
    found: str | None = None
    drifted: list[str] = []
    try:
        # One write snapshot for the walk and the rebuild, always rolled back: the events
        # whose signatures are checked and which are replayed are exactly the events verified,
        # each read and parsed once.
        with session.register.scratch() as connection:
            kept: KeptEvents = []
            chain = verify_chain(connection, keep=kept)
            checking.start()
            if chain.ok:
                signatures = trust.verify_events(kept)
            if expected is not None:
                found = (
                    GENESIS_HASH
                    if expected.seq == 0
                    else connection.execute(
                        select(events.c.chain_hash).where(events.c.seq == expected.seq)
                    ).scalar_one_or_none()
                )
            if chain.ok:
                replay = projections.Replay(session.today())
                replay.add_all(kept)
                del kept
                drifted = replay.drifted(connection)
    except (DBAPIError, sqlcipher3.DatabaseError):
        # The chain walk reads through the driver's own cursor, whose errors are the driver's.
        if not checking.result():  # damage the page checks did not see: not ours to explain
            raise
    problems = checking.result()
    if problems:
        drifted = []  # projections of damaged pages say nothing about the log
    return AuditReport(chain, problems, drifted, signatures, expected, found)

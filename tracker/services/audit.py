"""Audit use cases: verify the chain, its signatures, the file's integrity and the projections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from tracker.services.session import ServiceError, Session
from tracker.store import projections, trust
from tracker.store.database import integrity_problems
from tracker.store.eventlog import GENESIS_HASH, ChainReport, Head, verify_chain
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


def parse_expectation(text: str) -> Head:
    """``SEQ:HASH`` as ``audit verify`` prints it (a granskningspunkt)."""
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
    problems = integrity_problems(session.register)
    chain: ChainReport | None = None
    signatures: trust.Membership | None = None
    found: str | None = None
    try:
        with session.read() as connection:
            chain = verify_chain(connection)
            if chain.ok:
                signatures = trust.verify_log(connection)
            if expected is not None:
                found = (
                    GENESIS_HASH
                    if expected.seq == 0
                    else connection.execute(
                        select(events.c.chain_hash).where(events.c.seq == expected.seq)
                    ).scalar_one_or_none()
                )
    except DBAPIError:
        if not problems:  # damage the page checks did not see: not ours to explain away
            raise
    drifted: list[str] = []
    if chain is not None and chain.ok and not problems:
        with session.register.scratch() as connection:
            stored = projections.snapshot(connection)
            projections.rebuild(connection, session.today())
            rebuilt = projections.snapshot(connection)
        drifted = [name for name in stored if stored[name] != rebuilt[name]]
    return AuditReport(chain, problems, drifted, signatures, expected, found)

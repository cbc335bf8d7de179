"""Audit use cases: verify the chain, the file's integrity and the projections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from tracker.services.session import Session
from tracker.store import projections
from tracker.store.database import integrity_problems
from tracker.store.eventlog import ChainReport, verify_chain


@dataclass(frozen=True)
class AuditReport:
    chain: ChainReport | None  # None when damaged pages stopped the walk
    integrity_problems: list[str]
    drifted_tables: list[str]  # projections that differ from a rebuild from the events

    @property
    def ok(self) -> bool:
        chain_ok = self.chain is not None and self.chain.ok
        return chain_ok and not self.integrity_problems and not self.drifted_tables


def verify(session: Session) -> AuditReport:
    """Walk the whole chain, check every page, and rebuild the projections to compare."""
    problems = integrity_problems(session.register)
    chain: ChainReport | None = None
    try:
        with session.read() as connection:
            chain = verify_chain(connection)
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
    return AuditReport(chain, problems, drifted)

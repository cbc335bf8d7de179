"""Audit use cases: verify the chain, the file's integrity and the projections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from tracker.services.session import Session
from tracker.store import projections
from tracker.store.database import integrity_problems
from tracker.store.eventlog import ChainReport, Event, verify_chain


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
    log: list[Event] = []  # the chain walk's events, payloads parsed once, for the rebuild
    drifted: list[str] = []
    try:
        # One write snapshot for the walk and the rebuild, always rolled back: the events
        # replayed are exactly the events verified.
        with session.register.scratch() as connection:
            chain = verify_chain(connection, keep=log)
            if chain.ok and not problems:
                stored = projections.snapshot(connection)
                projections.rebuild(connection, session.today(), log)
                del log[:]
                rebuilt = projections.snapshot(connection)
                drifted = [name for name in stored if stored[name] != rebuilt[name]]
    except DBAPIError:
        if not problems:  # damage the page checks did not see: not ours to explain away
            raise
    return AuditReport(chain, problems, drifted)

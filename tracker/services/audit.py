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
    drifted: list[str] = []
    try:
        # One write snapshot for the walk and the rebuild, always rolled back: the events
        # replayed are exactly the events verified, each read and parsed once.
        with session.register.scratch() as connection:
            replay = projections.Replay(session.today())
            chain = verify_chain(connection, keep=replay.add)
            if chain.ok and not problems:
                stored = projections.snapshot(connection)
                replay.write(connection)
                del replay
                rebuilt = projections.snapshot(connection)
                drifted = [name for name in stored if stored[name] != rebuilt[name]]
    except DBAPIError:
        if not problems:  # damage the page checks did not see: not ours to explain away
            raise
    return AuditReport(chain, problems, drifted)

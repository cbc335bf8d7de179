"""Gallring (retention): remove the individual data of cases closed long ago.

A purge erases, in one transaction, the payload and participant code of every event of every
case that closed (exit or non-start) before the cut-off date and has had no event since, and of
every application never decided whose last event is older than the cut-off. It logs one
``purge`` event that names the cut-off and how many cases and events, never which codes. The
chain covers payload hashes, not payloads, so it still verifies; ``audit verify`` reports the
erased events as purged. Afterwards the file is rewritten (VACUUM with secure_delete) so no page
holds the erased data.

Statistics of periods that begin before the latest cut-off would silently undercount, so they
are refused (tracker.stats.facts knows the cut-off); report bundles already issued are files
outside the register and stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, and_, delete, func, or_, select

from tracker.domain.case import STATUS_APPLICATION, STATUS_EXITED, STATUS_NON_START
from tracker.domain.dates import add_months
from tracker.services.session import ROLE_COORDINATOR, ServiceError, Session
from tracker.store.database import set_meta
from tracker.store.eventlog import erase_payloads
from tracker.store.schema import cases, events, meta

PURGE = "purge"
RETENTION_SET = "retention_set"
RETENTION_META = "retention_years"
PURGED_BEFORE_META = "purged_before"
MAX_RETENTION_YEARS = 100


@dataclass(frozen=True)
class PurgeSummary:
    closed_before: date
    cases: int
    events: int
    dry_run: bool
    purge_seq: int | None = None  # the purge event (None for a dry run or nothing to purge)


def _purgeable_codes(connection: Connection, closed_before: date) -> list[str]:
    cutoff = closed_before.isoformat()
    closed = and_(
        cases.c.status.in_((STATUS_EXITED, STATUS_NON_START)),
        func.coalesce(cases.c.exit_date, cases.c.non_start_date) < cutoff,
        cases.c.last_event_date < cutoff,
    )
    undecided = and_(cases.c.status == STATUS_APPLICATION, cases.c.last_event_date < cutoff)
    codes = set(connection.execute(select(cases.c.code).where(or_(closed, undecided))).scalars())
    # Cases whose every event was retracted are in no list, but their events hold the code.
    listed = select(cases.c.code)
    gone = connection.execute(
        select(events.c.case_code)
        .where(events.c.case_code.is_not(None), events.c.case_code.not_in(listed))
        .group_by(events.c.case_code)
        .having(func.max(events.c.recorded_at) < cutoff)
    ).scalars()
    codes.update(gone)
    return sorted(codes)


def _event_seqs(connection: Connection, codes: list[str]) -> list[int]:
    seqs: list[int] = []
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        seqs.extend(
            connection.execute(select(events.c.seq).where(events.c.case_code.in_(chunk))).scalars()
        )
    return sorted(seqs)


def purge(session: Session, closed_before: date, *, dry_run: bool = False) -> PurgeSummary:
    """Purge cases closed before ``closed_before`` (a coordinator); ``dry_run`` only counts."""
    session.require_role(ROLE_COORDINATOR)
    if closed_before > session.today():
        raise ServiceError("purge.date_in_future", date=closed_before.isoformat())
    if dry_run:
        with session.read() as connection:
            codes = _purgeable_codes(connection, closed_before)
            return PurgeSummary(
                closed_before, len(codes), len(_event_seqs(connection, codes)), True
            )
    with session.transaction() as tx:
        connection = tx.connection
        # Content freed by this transaction is overwritten with zeros, not just unlinked.
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
        codes = _purgeable_codes(connection, closed_before)
        seqs = _event_seqs(connection, codes)
        if not codes:
            return PurgeSummary(closed_before, 0, 0, False)
        event = tx.append(
            PURGE,
            {
                "closed_before": closed_before.isoformat(),
                "cases": len(codes),
                "events": len(seqs),
                "retention_years": retention_years(session),
            },
        )
        erase_payloads(connection, seqs, event.seq)
        for start in range(0, len(codes), 500):
            connection.execute(delete(cases).where(cases.c.code.in_(codes[start : start + 500])))
        previous = purged_before(session, connection)
        if previous is None or previous < closed_before:
            set_meta(connection, PURGED_BEFORE_META, closed_before.isoformat())
    session.register.vacuum()
    return PurgeSummary(closed_before, len(codes), len(seqs), False, event.seq)


def purged_before(session: Session, connection: Connection | None = None) -> date | None:
    """The latest purge's cut-off: periods starting before it have lost cases."""
    if connection is None:
        stored = session.register.meta(PURGED_BEFORE_META)
    else:
        stored = connection.execute(
            select(meta.c.value).where(meta.c.key == PURGED_BEFORE_META)
        ).scalar()
    return date.fromisoformat(stored) if stored else None


def retention_years(session: Session) -> int | None:
    stored = session.register.meta(RETENTION_META)
    return int(stored) if stored and stored.isdigit() else None


def set_retention(session: Session, years: int | str | None) -> int | None:
    """A coordinator sets how many years after closing a case is purged (None: never)."""
    session.require_role(ROLE_COORDINATOR)
    value: int | None = None
    if years is not None and str(years).strip().lower() not in ("", "none", "ingen"):
        try:
            value = int(years)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= MAX_RETENTION_YEARS:
            raise ServiceError("purge.years_out_of_range", value=years, high=MAX_RETENTION_YEARS)
    with session.transaction() as tx:
        tx.append(RETENTION_SET, {"years": value, "previous": retention_years(session)})
        set_meta(tx.connection, RETENTION_META, "" if value is None else str(value))
    return value


def retention_cutoff(session: Session) -> date | None:
    """Today minus the retention setting: cases closed before it are due for purging."""
    years = retention_years(session)
    return add_months(session.today(), -12 * years) if years else None

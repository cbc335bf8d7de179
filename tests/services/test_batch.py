"""A batch holds back event rows and case projections until it ends: the result must be the same
as the same use cases called one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import audit, cases, registers
from tracker.services.session import Session
from tracker.store import projections
from tracker.store.schema import events

SALA = INSATSER[0]


def _story(session: Session) -> list[cases.CaseView | None]:
    """Two cases, one opened at start, with a correction and a retraction."""
    views: list[cases.CaseView | None] = []
    first = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2025, 1, 10), referrer="af", code="AAA-1"
    )
    views.append(first)
    views.append(cases.start(session, code="AAA-1", on=date(2025, 2, 1), level=2))
    step = cases.log_step(session, code="AAA-1", on=date(2025, 3, 1), level=4, meeting="enskilt")
    views.append(step)
    step_seq = step.events[-1].seq
    assert step_seq is not None
    views.append(cases.correct(session, code="AAA-1", seq=step_seq, reason="fel_niva", level=3))
    views.append(
        cases.start(session, on=date(2025, 4, 1), level=1, insats=SALA, gender="man", code="BBB-2")
    )
    copy = cases.log_step(session, code="BBB-2", on=date(2025, 5, 1), level=2)
    views.append(copy)
    copy_seq = copy.events[-1].seq
    assert copy_seq is not None
    views.append(cases.retract(session, code="BBB-2", seq=copy_seq, reason="dubblett"))
    views.append(
        cases.exit_case(
            session,
            code="AAA-1",
            on=date(2025, 6, 1),
            destination="studier",
            exit_kind="avslutad",
            handover=True,
            level=5,
        )
    )
    return views


def _logged(session: Session) -> list[tuple[int, str, str | None, str]]:
    with session.read() as connection:
        rows = connection.execute(
            select(events.c.seq, events.c.kind, events.c.case_code, events.c.payload).where(
                events.c.case_code.is_not(None)  # the registers' own set-up events differ
            )
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_batch_writes_what_the_calls_one_by_one_write(session: Session, tmp_path: Path) -> None:
    other_path = tmp_path / "other" / "tracker.db"
    registers.create_register(
        other_path, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    with registers.open_session(
        other_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as batched:
        with batched.batch():
            in_batch = _story(batched)
        one_by_one = _story(session)
        assert [v for v in in_batch if v] == [v for v in one_by_one if v]
        assert _logged(batched) == _logged(session)
        with batched.read() as a, session.read() as b:
            assert projections.snapshot(a)["cases"] == projections.snapshot(b)["cases"]
        assert audit.verify(batched).ok

"""What a session keeps between its writes (session.Known: code lists, insatser, the cases it
touched or read) is used only while the log's head is unchanged: another session or process
writing in between, a failed transaction, a system event and a new day all make the next write
read again. Real registers, real second sessions and a second process; the SQL each write runs
is traced on the driver connection, so the tests see both that the kept data are used and
that they are dropped when they must be."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fault_support import Forked, open_session
from sqlalchemy import event
from support import PASSPHRASE, TODAY

from tracker.domain.case import STEP
from tracker.domain.codelists import LadderLevel
from tracker.domain.errors import RuleError
from tracker.services import audit, cases, codelists, insatser, purge, registers
from tracker.services.session import KEPT_CASES, ROLE_COORDINATOR, NotFound, Session

SALA = "Samordningsteam Sala"
STARTED = date(2026, 1, 5)


class Traced:
    """The SQL the session's pooled driver connections run (sqlite3's trace callback)."""

    def __init__(self, session: Session) -> None:
        self.statements: list[str] = []
        event.listen(session.register.engine, "checkout", self._checkout)

    def _checkout(self, driver_connection: object, _record: object, _proxy: object) -> None:
        driver_connection.set_trace_callback(self.statements.append)  # type: ignore[attr-defined]

    def during(self, work: object) -> list[str]:
        self.statements.clear()
        work()  # type: ignore[operator]
        return list(self.statements)


def reads_case(statements: list[str]) -> bool:
    return any("FROM events WHERE case_code" in s for s in statements)


def reads_lists(statements: list[str]) -> bool:
    return any("FROM code_lists" in s for s in statements)


@pytest.fixture
def other(db_path: Path) -> Iterator[Session]:
    """A second session on the same register file, as a colleague's on the shared folder."""
    with registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as second:
        yield second


def started_case(session: Session) -> str:
    return cases.start(session, on=STARTED, level=2, insats=SALA, gender="kvinna").code


def step(session: Session, code: str, days: int, level: int = 3) -> cases.CaseView:
    return cases.log_step(session, code=code, on=STARTED + timedelta(days=days), level=level)


def test_a_second_save_reads_neither_the_case_nor_the_lists_again(session: Session) -> None:
    code = started_case(session)
    traced = Traced(session)
    first = traced.during(lambda: step(session, code, 1))
    second = traced.during(lambda: step(session, code, 2))
    # The case was opened in the session's first write and kept; the lists too.
    assert not reads_case(first) and not reads_case(second)
    assert not reads_lists(second)
    assert len(cases.get_case(session, code).events) == 3
    assert audit.verify(session).ok


def test_another_session_writing_in_between_is_seen(session: Session, other: Session) -> None:
    code = started_case(session)
    step(session, code, 1)
    step(other, code, 2, level=4)  # the other session's step, between two of ours
    traced = Traced(session)
    statements = traced.during(lambda: step(session, code, 3, level=5))
    assert reads_case(statements) and reads_lists(statements)
    view = cases.get_case(session, code)
    assert [e.level for e in view.events] == [2, 3, 4, 5]
    assert cases.list_cases(session, code=code)[0].current_level == 5
    assert audit.verify(session).ok  # one chain, and the projections match a rebuild


def test_code_lists_changed_by_another_session_apply_at_once(
    session: Session, other: Session
) -> None:
    code = started_case(session)
    step(session, code, 1)  # the session now keeps the ladder of levels 1-7
    ladder = codelists.current_lists(other).ladder
    codelists.publish(
        other,
        dataclasses.replace(
            ladder,
            version=ladder.version + 1,
            levels=(*ladder.levels, LadderLevel(8, "Egen försörjning", "Self-supporting")),
        ),
    )
    assert step(session, code, 2, level=8).summary.current_level == 8


def test_an_insats_renamed_by_another_session_is_shown(session: Session, other: Session) -> None:
    code = started_case(session)
    step(session, code, 1)
    insatser.rename_insats(other, SALA, "Samordningsteam Sala-Heby")
    assert step(session, code, 2).insats == "Samordningsteam Sala-Heby"


def test_another_process_writing_in_between_is_seen(session: Session, db_path: Path) -> None:
    code = started_case(session)
    step(session, code, 1)

    def work(say: object) -> None:
        with open_session(db_path) as second:
            step(second, code, 2, level=4)
        say("saved")  # type: ignore[operator]

    child = Forked(work)
    assert child.finish() == ["saved"]
    view = step(session, code, 3, level=5)
    assert [e.level for e in view.events] == [2, 3, 4, 5]
    assert view.last_seq == view.events[-1].seq
    assert audit.verify(session).ok


def test_a_case_read_by_a_form_is_used_only_if_nobody_wrote_since(
    session: Session, other: Session
) -> None:
    code = started_case(session)
    step(other, code, 1)
    traced = Traced(session)
    # Read (as the step form does), then saved: the save takes the read case over.
    cases.get_case(session, code)
    assert not reads_case(traced.during(lambda: step(session, code, 2)))
    # Read, then another session writes, then saved: the save reads the case again.
    cases.get_case(session, code)
    step(other, code, 3, level=4)
    statements = traced.during(lambda: step(session, code, 4, level=5))
    assert reads_case(statements)
    assert [e.level for e in cases.get_case(session, code).events] == [2, 3, 3, 4, 5]
    assert audit.verify(session).ok


def test_a_rolled_back_write_leaves_nothing_kept(session: Session) -> None:
    code = started_case(session)
    step(session, code, 1)
    with pytest.raises(RuntimeError), session.transaction() as tx:
        tx.append(STEP, {"date": (STARTED + timedelta(days=2)).isoformat(), "level": 6}, code)
        assert [raw[0] for raw in tx.case_events(code)][-1] == tx.writer.head.seq
        raise RuntimeError("the write fails after its event")
    # The event was rolled back: the next save must neither see it nor reuse its number.
    view = step(session, code, 3, level=4)
    assert [e.level for e in view.events] == [2, 3, 4]
    assert [e.level for e in cases.get_case(session, code).events] == [2, 3, 4]
    assert audit.verify(session).ok


def test_a_refused_save_keeps_the_case_as_it_was(session: Session) -> None:
    code = started_case(session)
    step(session, code, 1)
    with pytest.raises(RuleError):
        step(session, code, -30)  # before the start: refused
    assert [e.level for e in step(session, code, 2, level=4).events] == [2, 3, 4]
    assert audit.verify(session).ok


def test_a_purge_drops_what_the_session_kept(session: Session) -> None:
    assert session.actor.role == ROLE_COORDINATOR
    code = started_case(session)
    cases.exit_case(
        session,
        code=code,
        on=STARTED + timedelta(days=10),
        destination="studier",
        exit_kind="avslutad",
        handover=True,
    )  # the session keeps the exited case
    assert purge.purge(session, TODAY).cases == 1
    with pytest.raises(NotFound):
        step(session, code, 11)
    assert audit.verify(session).ok


def test_a_new_day_summarises_the_kept_case_again(db_path: Path) -> None:
    today = [TODAY]
    with registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: today[0]
    ) as session:
        code = started_case(session)
        first = step(session, code, 1)
        with session.transaction() as tx:
            assert code in tx.case_memo  # the case's view, kept from the save
        today[0] = TODAY + timedelta(days=1)
        with session.transaction() as tx:
            assert code not in tx.case_memo  # summarised yesterday: not taken over
        second = step(session, code, 2)
    assert second.summary.days_in_insats == first.summary.days_in_insats + 1


def test_only_the_latest_cases_are_kept(session: Session) -> None:
    codes = [started_case(session) for _ in range(KEPT_CASES + 1)]
    traced = Traced(session)
    # The first case opened is the oldest of KEPT_CASES + 1: no longer kept, read again.
    assert reads_case(traced.during(lambda: step(session, codes[0], 1)))
    assert not reads_case(traced.during(lambda: step(session, codes[-1], 1)))
    assert not reads_case(traced.during(lambda: step(session, codes[0], 2)))

"""Case use cases on a real encrypted register: every write validates, logs and projects."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from support import PASSPHRASE, TODAY, synthetic_personnummer

from tracker.domain.errors import RuleError
from tracker.services import audit, cases, registers
from tracker.services.session import PermissionDenied, ServiceError, Session
from tracker.store import projections
from tracker.store.caserows import CASE_COLUMNS
from tracker.store.eventlog import KeptEvents, head, verify_chain
from tracker.store.schema import cases as cases_table

SALA = "Samordningsteam Sala"


def _head(session: Session) -> int:
    with session.read() as connection:
        return head(connection).seq


def _violation_keys(error: pytest.ExceptionInfo[RuleError]) -> list[str]:
    return [v.key for v in error.value.violations]


def _full_case(session: Session) -> str:
    view = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2025, 1, 10), referrer="af"
    )
    code = view.code
    cases.start(session, code=code, on=date(2025, 2, 1), level=2)
    cases.log_step(session, code=code, on=date(2025, 3, 1), level=3, meeting="flerpartsmote")
    cases.log_step(session, code=code, on=date(2025, 4, 1), level=5, meeting="enskilt")
    cases.exit_case(
        session,
        code=code,
        on=date(2025, 6, 1),
        destination="studier",
        exit_kind="avslutad",
        handover=True,
        level=6,
    )
    cases.follow_up(session, code=code, on=date(2025, 12, 2), months=6, level=6)
    return code


def test_a_whole_case(session: Session) -> None:
    code = _full_case(session)
    view = cases.get_case(session, code)
    assert view.insats == SALA and view.gender == "kvinna"
    assert view.summary.status == "exited"
    assert view.summary.start_level == 2 and view.summary.current_level == 6
    assert view.summary.next_follow_up_due == date(2026, 12, 1)  # exit + 18 months
    assert [e.kind for e in view.events] == [
        "application",
        "start",
        "step",
        "step",
        "exit",
        "follow_up",
    ]
    [row] = cases.list_cases(session, status="exited")
    assert (row.code, row.current_level, row.exit_date) == (code, 6, date(2025, 6, 1))
    assert audit.verify(session).ok


def test_generated_codes_are_new_and_checked(session: Session) -> None:
    codes = {
        cases.register_application(
            session, insats=SALA, gender="man", on=date(2026, 1, 5), referrer="fk"
        ).code
        for _ in range(20)
    }
    assert len(codes) == 20
    assert all(len(code) == 9 and code[4] == "-" for code in codes)


def test_a_broken_rule_writes_nothing(session: Session) -> None:
    code = cases.register_application(
        session, insats=SALA, gender="man", on=date(2026, 3, 1), referrer="af"
    ).code
    cases.start(session, code=code, on=date(2026, 3, 10), level=2)
    before = _head(session)
    with pytest.raises(RuleError) as error:
        cases.log_step(session, code=code, on=date(2026, 3, 5), level=3)
    assert "domain.step_before_start" in _violation_keys(error)
    with pytest.raises(RuleError):
        cases.log_step(session, code=code, on=TODAY + timedelta(days=1), level=3)
    with pytest.raises(RuleError):
        cases.log_step(session, code=code, on=date(2026, 4, 1), level=99)
    with pytest.raises(RuleError):
        cases.non_start(session, code=code, on=date(2026, 4, 1), reason="atertagen")
    assert _head(session) == before
    assert audit.verify(session).ok


def test_unknown_insats_gender_and_personnummer_code_are_refused(session: Session) -> None:
    before = _head(session)
    with pytest.raises(RuleError) as error:
        cases.register_application(
            session, insats="Okänt team", gender="annat", on=date(2026, 1, 1), referrer="af"
        )
    assert set(_violation_keys(error)) == {"service.unknown_insats", "service.unknown_gender"}
    number = synthetic_personnummer()
    with pytest.raises(RuleError) as error:
        cases.register_application(
            session,
            insats=SALA,
            gender="man",
            on=date(2026, 1, 1),
            referrer="af",
            code=number,
        )
    assert _violation_keys(error) == ["domain.personnummer_refused"]
    assert _head(session) == before


def test_start_without_application_opens_a_case(session: Session) -> None:
    with pytest.raises(RuleError):
        cases.start(session, on=date(2026, 2, 1), level=1)  # no insats, no gender
    view = cases.start(session, on=date(2026, 2, 1), level=1, insats=SALA, gender="ej_angivet")
    assert view.summary.status == "active" and view.summary.application_date is None
    with pytest.raises(ServiceError, match=view.code):
        cases.register_application(
            session, insats=SALA, gender="man", on=date(2026, 1, 1), referrer="af", code=view.code
        )


def test_non_start(session: Session) -> None:
    code = cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2026, 5, 1), referrer="kommun"
    ).code
    view = cases.non_start(session, code=code, on=date(2026, 5, 20), reason="uteblev")
    assert view.summary.status == "non_start"
    with pytest.raises(RuleError):
        cases.start(session, code=code, on=date(2026, 6, 1), level=1)


def test_correction_keeps_history(session: Session) -> None:
    code = _full_case(session)
    step = next(e for e in cases.get_case(session, code).events if e.kind == "step")
    view = cases.correct(session, code=code, seq=step.seq, reason="fel_niva", level=4)
    corrected = next(e for e in view.events if e.seq == step.seq)
    assert corrected.level == 4 and corrected.date == step.date
    timeline = cases.case_timeline(session, code)
    original = next(entry for entry in timeline if entry.seq == step.seq)
    correction = timeline[-1]
    assert original.superseded and original.payload["level"] == 3
    assert correction.kind == "correction" and not correction.superseded
    assert correction.payload["replaces"] == step.seq and correction.user == "anna"
    # A second correction of the same event supersedes the first.
    cases.correct(session, code=code, seq=step.seq, reason="fel_niva", level=5)
    assert cases.case_timeline(session, code)[-2].superseded
    assert audit.verify(session).ok


def test_correction_that_breaks_a_rule_is_refused(session: Session) -> None:
    code = _full_case(session)
    start = next(e for e in cases.get_case(session, code).events if e.kind == "start")
    before = _head(session)
    with pytest.raises(RuleError):  # the steps would then come before the start
        cases.correct(session, code=code, seq=start.seq, reason="fel_datum", date=date(2025, 5, 1))
    with pytest.raises(ServiceError):
        cases.correct(session, code=code, seq=start.seq, reason="fel_datum")  # nothing changes
    with pytest.raises(ServiceError):
        cases.correct(session, code=code, seq=start.seq, reason="fel_datum", kind="exit")
    with pytest.raises(RuleError):
        cases.correct(session, code=code, seq=start.seq, reason="okänd", level=1)
    assert _head(session) == before


def test_correcting_gender_on_the_opening_event(session: Session) -> None:
    code = _full_case(session)
    application = cases.get_case(session, code).events[0]
    view = cases.correct(
        session, code=code, seq=application.seq, reason="felregistrering", gender="man"
    )
    assert view.gender == "man"
    [row] = cases.list_cases(session)
    assert row.gender == "man"


def test_retraction(session: Session) -> None:
    code = _full_case(session)
    view = cases.get_case(session, code)
    start = next(e for e in view.events if e.kind == "start")
    follow = next(e for e in view.events if e.kind == "follow_up")
    with pytest.raises(RuleError):  # steps and exit need the start
        cases.retract(session, code=code, seq=start.seq, reason="felregistrering")
    view = cases.retract(session, code=code, seq=follow.seq, reason="dubblett")
    assert view is not None and view.summary.next_follow_up_due == date(2025, 12, 1)
    with pytest.raises(ServiceError):  # already retracted
        cases.retract(session, code=code, seq=follow.seq, reason="dubblett")

    lone = cases.register_application(
        session, insats=SALA, gender="man", on=date(2026, 1, 1), referrer="af"
    )
    assert (
        cases.retract(session, code=lone.code, seq=lone.events[0].seq, reason="fel_deltagare")
        is None
    )
    assert lone.code not in {row.code for row in cases.list_cases(session)}
    assert audit.verify(session).ok


def test_reviewers_cannot_write_and_staff_can(session: Session, db_path: Path) -> None:
    registers.add_user(
        session,
        passphrase=PASSPHRASE,
        user="rita",
        role="reviewer",
        new_passphrase="granskare rita 1",
    )
    registers.add_user(
        session, passphrase=PASSPHRASE, user="sam", role="staff", new_passphrase="personal sam 12"
    )
    with registers.open_session(db_path, user="rita", passphrase="granskare rita 1") as reviewer:
        with pytest.raises(PermissionDenied):
            cases.register_application(
                reviewer, insats=SALA, gender="man", on=date(2026, 1, 1), referrer="af"
            )
        assert cases.list_cases(reviewer) == []  # reading is fine
    with registers.open_session(db_path, user="sam", passphrase="personal sam 12") as staff:
        cases.register_application(
            staff, insats=SALA, gender="man", on=date(2026, 1, 1), referrer="af"
        )
        with pytest.raises(PermissionDenied):
            registers.add_insatser(staff, ["Samordningsteam Tierp"])
    users = {slot.user: slot.role for slot in registers.list_users(session)}
    assert users == {"anna": "coordinator", "rita": "reviewer", "sam": "staff"}


def test_batch_is_all_or_nothing(session: Session) -> None:
    before = _head(session)
    with pytest.raises(RuleError), session.batch():
        code = cases.register_application(
            session, insats=SALA, gender="man", on=date(2026, 1, 1), referrer="af"
        ).code
        cases.start(session, code=code, on=date(2026, 1, 2), level=1)
        cases.log_step(session, code=code, on=date(2025, 1, 1), level=2)  # before the start
    assert _head(session) == before
    assert cases.list_cases(session) == []


def test_projections_rebuild_to_the_same_state(session: Session) -> None:
    for _ in range(3):
        _full_case(session)
    code = _full_case(session)
    step = next(e for e in cases.get_case(session, code).events if e.kind == "step")
    cases.correct(session, code=code, seq=step.seq, reason="fel_niva", level=2)
    cases.retract(session, code=code, seq=step.seq, reason="dubblett")
    with session.register.scratch() as connection:
        stored = projections.snapshot(connection)
        projections.rebuild(connection, TODAY)
        assert projections.snapshot(connection) == stored
    assert len(stored["cases"]) == 4


def test_audit_notices_a_drifted_projection(session: Session) -> None:
    _full_case(session)
    with session.register.write() as connection:
        connection.exec_driver_sql("UPDATE cases SET current_level = 1")
    report = audit.verify(session)
    assert report.chain.ok and report.drifted_tables == ["cases"] and not report.ok


def _replayed_drift(session: Session, level: object) -> list[str]:
    """Replay.drifted over the log with the last start's level (the start level) read as
    ``level``."""
    with session.register.scratch() as connection:
        replay = projections.Replay(TODAY)
        fed: KeptEvents = []
        verify_chain(connection, keep=fed)
        last_start = max(i for i, (row, _payload) in enumerate(fed) if row[3] == "start")
        fed[last_start][1]["level"] = level
        for row, payload in fed:
            replay.add(row, payload)
        return replay.drifted(connection)


def test_the_in_memory_comparison_asks_sqlite_before_it_reports_drift(session: Session) -> None:
    _full_case(session)
    _full_case(session)
    # Not equal in Python ("2" is not 2), yet SQLite stores "2" in an integer column as 2.
    assert _replayed_drift(session, "2") == []
    assert _replayed_drift(session, 3) == ["cases"]
    assert _replayed_drift(session, "3") == ["cases"]
    assert _replayed_drift(session, 2) == []


def test_the_case_row_columns_are_in_the_tables_order() -> None:
    assert tuple(column.name for column in cases_table.columns) == CASE_COLUMNS


def test_key_management_is_logged(session: Session) -> None:
    registers.add_user(
        session, passphrase=PASSPHRASE, user="bo", role="staff", new_passphrase="personal bo 123"
    )
    registers.remove_user(session, passphrase=PASSPHRASE, user="bo")
    registers.change_passphrase(session, passphrase=PASSPHRASE, new_passphrase="ett nytt lösen")
    with session.read() as connection:
        kinds = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT kind FROM events ORDER BY seq DESC LIMIT 3"
            )
        ]
    assert kinds == ["passphrase_changed", "user_removed", "user_added"]

"""Random sequences of use cases, valid and invalid, on a real encrypted register.

Whatever is tried, a refused use case writes nothing, an accepted one writes exactly one event,
the chain verifies, and the projections equal a rebuild from the events.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import PASSPHRASE, TODAY

from tracker.domain.errors import RuleError
from tracker.services import audit, cases, registers
from tracker.services.session import ServiceError, Session
from tracker.store import projections
from tracker.store.eventlog import head

SALA = "Samordningsteam Sala"
FIRST_DAY = date(2024, 1, 1)
SPAN = (TODAY - FIRST_DAY).days + 3  # a few days past today: future dates must be refused

operations = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "apply",
                "open_at_start",
                "start",
                "non_start",
                "step",
                "exit",
                "follow_up",
                "correct",
                "retract",
            ]
        ),
        st.integers(0, 5),  # which case
        st.integers(0, SPAN),  # day
        st.integers(0, 8),  # level (0 and 8 are off the ladder)
        st.sampled_from([6, 18, 12]),  # follow-up months (12 is invalid)
    ),
    min_size=1,
    max_size=30,
)


def _apply(session: Session, codes: list[str], operation: tuple[str, int, int, int, int]) -> None:
    kind, which, day, level, months = operation
    on = FIRST_DAY + timedelta(days=day)
    code = codes[which % len(codes)] if codes else "ABCD-EFGH"
    if kind == "apply":
        codes.append(
            cases.register_application(
                session, insats=SALA, gender="kvinna", on=on, referrer="af"
            ).code
        )
    elif kind == "open_at_start":
        codes.append(cases.start(session, on=on, level=level, insats=SALA, gender="man").code)
    elif kind == "start":
        cases.start(session, code=code, on=on, level=level)
    elif kind == "non_start":
        cases.non_start(session, code=code, on=on, reason="atertagen")
    elif kind == "step":
        cases.log_step(session, code=code, on=on, level=level, meeting="enskilt")
    elif kind == "exit":
        cases.exit_case(
            session,
            code=code,
            on=on,
            destination="studier",
            exit_kind="avslutad",
            handover=True,
            level=level,
        )
    elif kind == "follow_up":
        cases.follow_up(session, code=code, on=on, months=months, level=level)
    else:
        events = cases.get_case(session, code).events
        if not events:  # every event already retracted: nothing left to point at
            raise ServiceError("service.event_not_found", seq=0, code=code)
        target = events[day % len(events)].seq
        if kind == "correct":
            cases.correct(session, code=code, seq=target, reason="fel_datum", date=on)
        else:
            cases.retract(session, code=code, seq=target, reason="felregistrering")


@pytest.mark.usefixtures("cheap_kdf")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations)
def test_random_use_cases_never_half_write(sequence: list[tuple[str, int, int, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.db"
        registers.create_register(
            path, user="anna", passphrase=PASSPHRASE, insatser=[SALA], today=lambda: TODAY
        )
        with registers.open_session(
            path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
        ) as session:
            codes: list[str] = []
            for operation in sequence:
                with session.read() as connection:
                    before = head(connection).seq
                try:
                    _apply(session, codes, operation)
                    written = 1
                except (RuleError, ServiceError):
                    written = 0
                with session.read() as connection:
                    assert head(connection).seq == before + written, operation
            report = audit.verify(session)
            assert report.ok, report
            with session.register.scratch() as connection:
                stored = projections.snapshot(connection)
                projections.rebuild(connection, TODAY)
                assert projections.snapshot(connection) == stored
            listed = {row.code: row for row in cases.list_cases(session)}
            for code in set(codes):
                try:
                    view = cases.get_case(session, code)
                except ServiceError:
                    continue
                if view.summary.status != "empty":
                    assert listed[code].status == view.summary.status
                    assert listed[code].current_level == view.summary.current_level

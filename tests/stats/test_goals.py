"""Board goals: defaults, setting them (coordinators only), the projection, and reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from support import PASSPHRASE, TODAY

from tracker.domain.errors import RuleError
from tracker.domain.goals import DEFAULT_GOALS, parse_target
from tracker.domain.periods import Period
from tracker.services import audit, cases, goals, registers
from tracker.services.session import PermissionDenied, ServiceError, Session
from tracker.stats.report import build_report, load_facts
from tracker.store import projections
from tracker.store.schema import goals as goals_table

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.8", 0.8), ("0,8", 0.8), ("80", 0.8), ("80 %", 0.8), ("80%", 0.8), ("1", 1.0),
     ("100 %", 1.0), ("0", 0.0), ("92,5", 0.925), ("0.5 %", 0.005)],
)  # fmt: skip
def test_targets_are_read_the_way_people_type_them(text: str, value: float) -> None:
    assert parse_target(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "-5", "120", "101 %", "0.8.1", "80 procent"])
def test_impossible_targets_are_refused(text: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse_target(text)
    assert refused.value.violations[0].key == "stats.goal_target"


def test_every_insats_starts_with_the_default_goals(session: Session) -> None:
    listed = goals.list_goals(session)
    assert {(g.insats, g.metric, g.target) for g in listed} == {
        (insats, metric, target)
        for insats in (SALA, HEBY)
        for metric, target in DEFAULT_GOALS.items()
    }
    assert all(g.is_default for g in listed)


def test_a_coordinator_sets_a_goal_and_the_projection_follows_the_log(session: Session) -> None:
    goals.set_goal(session, insats=SALA, metric="step_up_share", target=0.7)
    goals.set_goal(session, insats=SALA, metric="step_up_share", target=0.75)
    goals.set_goal(session, insats=HEBY, metric="handover_share", target=0.9)
    listed = {(g.insats, g.metric): g for g in goals.list_goals(session)}
    assert listed[(SALA, "step_up_share")].target == 0.75
    assert not listed[(SALA, "step_up_share")].is_default
    assert listed[(HEBY, "step_up_share")].is_default
    assert listed[(HEBY, "handover_share")].target == 0.9
    assert [g.insats for g in goals.list_goals(session, HEBY)] == [HEBY] * 4
    with session.read() as connection:
        rows = connection.execute(select(goals_table).order_by(goals_table.c.insats_id)).all()
    assert [(row.insats_id, row.metric, row.target) for row in rows] == [
        (1, "step_up_share", 0.75),
        (2, "handover_share", 0.9),
    ]
    # The goals table is a projection: a rebuild from the events gives the same rows.
    assert audit.verify(session).ok
    with session.register.scratch() as connection:
        stored = projections.snapshot(connection)
        projections.rebuild(connection, TODAY)
        assert projections.snapshot(connection) == stored
        assert stored["goals"]


def test_bad_goals_are_refused_and_nothing_is_written(session: Session) -> None:
    before = load_facts(session).as_of
    with pytest.raises(RuleError):
        goals.set_goal(session, insats=SALA, metric="exits", target=0.5)
    with pytest.raises(RuleError):
        goals.set_goal(session, insats=SALA, metric="step_up_share", target=1.5)
    with pytest.raises(ServiceError) as unknown:
        goals.set_goal(session, insats="Samordningsteam Okänd", metric="step_up_share", target=0.5)
    assert unknown.value.key == "service.unknown_insats"
    with pytest.raises(ServiceError):
        goals.list_goals(session, "Samordningsteam Okänd")
    assert load_facts(session).as_of == before


@pytest.mark.parametrize("role", ["staff", "reviewer"])
def test_only_coordinators_set_goals(session: Session, db_path: Path, role: str) -> None:
    registers.add_user(
        session, passphrase=PASSPHRASE, user="bo", role=role, new_passphrase="bo cyklar till jobbet"
    )
    with registers.open_session(
        db_path, user="bo", passphrase="bo cyklar till jobbet", today=lambda: TODAY
    ) as other:
        with pytest.raises(PermissionDenied):
            goals.set_goal(other, insats=SALA, metric="step_up_share", target=0.5)
        assert len(goals.list_goals(other)) == 6  # everyone may read them


def test_reports_use_the_goals_in_force_as_of_their_sequence_number(session: Session) -> None:
    code = cases.start(session, on=date(2025, 10, 1), level=2, insats=SALA, gender="man").code
    cases.exit_case(
        session,
        code=code,
        on=date(2026, 3, 1),
        destination="studier",
        exit_kind="avslutad",
        handover=True,
        level=3,
    )
    other = cases.start(session, on=date(2025, 10, 1), level=2, insats=HEBY, gender="man").code
    cases.exit_case(
        session,
        code=other,
        on=date(2026, 3, 1),
        destination="studier",
        exit_kind="avslutad",
        handover=True,
        level=2,
    )
    before = load_facts(session).as_of
    goals.set_goal(session, insats=SALA, metric="step_up_share", target=0.5)
    goals.set_goal(session, insats=HEBY, metric="step_up_share", target=0.6)
    period = Period.parse("2026H1")

    def step_goal(**options: object) -> dict[str, object]:
        report = build_report(session, period, **options)  # type: ignore[arg-type]
        return next(g for g in report["goals"] if g["metric"] == "step_up_share")

    sala = step_goal(insatser=[SALA])
    assert (sala["target"], sala["value"], sala["met"]) == (0.5, 1.0, True)
    # Several insatser: held to the strictest of their goals.
    both = step_goal()
    assert (both["target"], both["value"], both["met"]) == (0.6, 0.5, False)
    then = step_goal(insatser=[SALA], as_of=before)
    assert (then["target"], then["met"]) == (0.8, True)


def test_a_goal_is_the_boards_only_when_a_coordinator_set_it(session: Session) -> None:
    period = Period.parse("2026H1")

    def sources(**options: object) -> dict[str, tuple[float, str]]:
        report = build_report(session, period, **options)  # type: ignore[arg-type]
        return {g["metric"]: (g["target"], g["source"]) for g in report["goals"]}

    # Nobody has set anything: every goal is metrics.md's default, and says so.
    assert sources() == {metric: (target, "default") for metric, target in DEFAULT_GOALS.items()}
    goals.set_goal(session, insats=SALA, metric="step_up_share", target=0.7)
    # One insats decided: the board's goal (even below the default) holds for the report;
    # a default does not outrank what a coordinator set.
    assert sources()["step_up_share"] == (0.7, "set")
    assert sources(insatser=[SALA])["step_up_share"] == (0.7, "set")
    assert sources(insatser=[HEBY])["step_up_share"] == (0.8, "default")
    assert sources()["followup_6m_share"] == (0.8, "default")
    goals.set_goal(session, insats=HEBY, metric="handover_share", target=0.9)
    assert sources()["handover_share"] == (0.9, "set")
    assert "handover_share" not in sources(insatser=[SALA])  # no default for it

"""Issue 14 in the figures: each episode of a returning participant counts as a case, and a
follow-up closed as not made counts as missing, with its reason (engine and SQL twin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.periods import Period
from tracker.services import cases
from tracker.services.session import Session
from tracker.stats.report import build_report, load_facts
from tracker.stats.sql_twin import twin_counts

SALA = "Samordningsteam Sala"


def _exited(session: Session, start: str, exit_on: str, gender: str = "kvinna") -> str:
    code = cases.start(
        session, on=date.fromisoformat(start), level=2, insats=SALA, gender=gender
    ).code
    cases.exit_case(
        session,
        code=code,
        on=date.fromisoformat(exit_on),
        destination="arbetssokande",
        exit_kind="avslutad",
        handover=False,
        level=3,
    )
    return code


def _twin(session: Session, period: Period, as_of: int) -> dict[str, Any]:
    facts = load_facts(session)
    with session.read() as connection:
        return twin_counts(
            connection,
            first=period.first,
            last=period.last,
            insats_ids=facts.insats_ids(None),
            as_of=as_of,
        )


def test_each_episode_counts_as_a_case(session: Session) -> None:
    code = _exited(session, "2024-06-01", "2025-01-15")
    cases.register_application(
        session, insats=SALA, gender="kvinna", on=date(2025, 3, 1), referrer="egen", code=code
    )
    cases.start(session, code=code, on=date(2025, 3, 10), level=3)
    period = Period.parse("2025H1")
    report = build_report(session, period)
    counts = {name: cells["total"] for name, cells in report["counts"].items()}
    assert counts["contacts"] == 2  # the first episode until its exit, the second from March
    assert (counts["applications"], counts["started"], counts["exits"]) == (1, 1, 1)
    assert (counts["enrolled"], counts["active_at_end"]) == (2, 1)
    assert report["counts"]["contacts"]["kvinna"] == 2
    facts = load_facts(session)
    assert sorted(facts.cases.index) == [code, f"{code}#2"]
    twin = _twin(session, period, facts.as_of)
    for name, total in counts.items():
        assert twin["counts"][name].get("total", 0) == total, name


def test_a_follow_up_not_made_is_missing_with_its_reason(session: Session) -> None:
    never = _exited(session, "2024-06-01", "2025-01-15", gender="man")
    closed = _exited(session, "2024-06-01", "2025-01-31")
    cases.follow_up(session, code=closed, on=date(2025, 8, 10), months=6, reason="kunde_inte_nas")
    period = Period.parse("2025H2")
    report = build_report(session, period)
    assert report["counts"]["followup_6m"]["total"] == 0
    assert report["counts"]["followup_6m_missing"]["total"] == 2
    by_reason = report["breakdowns"]["followup_6m_missing_by_reason"]
    assert by_reason["kunde_inte_nas"] == {"kvinna": 1, "man": 0, "ej_angivet": 0, "total": 1}
    assert by_reason["ej_registrerad"]["man"] == 1 and by_reason["avbojde"]["total"] == 0
    assert never
    # Before it was closed (a period ending 2025-08-05) the reason is not yet known.
    early = build_report(session, Period.between(date(2025, 7, 1), date(2025, 8, 5)))
    assert early["breakdowns"]["followup_6m_missing_by_reason"]["ej_registrerad"]["total"] == 2
    twin = _twin(session, period, load_facts(session).as_of)
    assert twin["breakdowns"]["followup_6m_missing_by_reason"]["kunde_inte_nas"]["total"] == 1
    assert twin["breakdowns"]["followup_6m_missing_by_reason"]["ej_registrerad"]["total"] == 1


def test_a_bundle_made_before_the_reason_breakdown_recounts_without_differences(
    session: Session,
) -> None:
    from tracker.reports.recount import compare_reports

    _exited(session, "2024-06-01", "2025-01-15")
    report = build_report(session, Period.parse("2025H2"))
    older = {
        **report,
        "breakdowns": {
            name: table
            for name, table in report["breakdowns"].items()
            if not name.endswith("_missing_by_reason")
        },
    }
    assert compare_reports(older, report) == []
    # A code missing from a breakdown the bundle does carry is still a difference.
    changed = {**report, "breakdowns": dict(report["breakdowns"])}
    table = report["breakdowns"]["followup_6m_missing_by_reason"]
    changed["breakdowns"]["followup_6m_missing_by_reason"] = {
        code: cells for code, cells in table.items() if code != "ej_registrerad"
    }
    assert compare_reports(changed, report) != []

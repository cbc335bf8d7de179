"""Insatser over time: add, rename, close; a closed insats takes no new cases but stays in
reports of the periods it was active."""

from __future__ import annotations

from datetime import date

import pytest
from support import INSATSER, PASSPHRASE, synthetic_personnummer

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.services import audit, cases, insatser, registers
from tracker.services.session import PermissionDenied, ServiceError, Session
from tracker.stats.report import build_report

SALA, HEBY = INSATSER


def _apply(session: Session, insats: str, on: date) -> cases.CaseView:
    return cases.register_application(session, insats=insats, gender="man", on=on, referrer="af")


def test_add_rename_and_close_are_events_and_survive_a_rebuild(session: Session) -> None:
    insatser.add_insats(session, "Samordningsteam Tierp")
    insatser.rename_insats(session, "Samordningsteam Tierp", "Samordningsteam Tierp-Älvkarleby")
    closed = insatser.close_insats(session, "Samordningsteam Tierp-Älvkarleby", date(2026, 6, 30))
    assert closed.closed_on == date(2026, 6, 30)
    listed = {insats.name: insats.closed_on for insats in insatser.list_insatser(session)}
    assert listed == {SALA: None, HEBY: None, "Samordningsteam Tierp-Älvkarleby": date(2026, 6, 30)}
    report = audit.verify(session)  # the projection equals a rebuild from the events
    assert report.ok and not report.drifted_tables
    with pytest.raises(ServiceError, match="redan avslutad"):
        insatser.close_insats(session, "Samordningsteam Tierp-Älvkarleby", date(2026, 7, 1))


def test_a_closed_insats_takes_no_new_case_after_its_last_day(session: Session) -> None:
    before = _apply(session, HEBY, date(2026, 3, 1))
    insatser.close_insats(session, HEBY, date(2026, 6, 30))
    _apply(session, HEBY, date(2026, 6, 30))  # its last day still counts
    with pytest.raises(RuleError) as refused:
        _apply(session, HEBY, date(2026, 7, 1))
    assert refused.value.violations[0].key == "service.insats_closed"
    with pytest.raises(RuleError):
        cases.start(session, on=date(2026, 8, 1), insats=HEBY, gender="kvinna", level=2)
    # Its cases go on: a start on the existing application after the closing day is fine.
    cases.start(session, code=before.code, on=date(2026, 7, 15), level=2)
    _apply(session, SALA, date(2026, 7, 1))  # other insatser are not affected


def test_a_closed_or_renamed_insats_stays_in_reports_of_its_active_periods(
    session: Session,
) -> None:
    _apply(session, HEBY, date(2026, 2, 1))
    insatser.close_insats(session, HEBY, date(2026, 6, 30))
    insatser.rename_insats(session, HEBY, "Team Heby")
    report = build_report(session, Period.parse("2026H1"), ["Team Heby"])
    assert report["insatser"] == ["Team Heby"]
    assert report["counts"]["applications"]["total"] == 1


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+46", "-x", "@SUM", "  ", "a\tb", "x" * 81])
def test_names_that_would_be_formulas_or_junk_are_refused(session: Session, name: str) -> None:
    with pytest.raises(RuleError):
        insatser.add_insats(session, name)
    with pytest.raises(RuleError):
        insatser.rename_insats(session, SALA, name)
    assert [i.name for i in insatser.list_insatser(session)] == list(INSATSER)


def test_a_personnummer_is_never_an_insats_name(session: Session) -> None:
    with pytest.raises(RuleError) as refused:
        insatser.add_insats(session, f"Team {synthetic_personnummer()}")
    assert refused.value.violations[0].key == "domain.personnummer_refused"
    assert synthetic_personnummer() not in str(refused.value)


def test_only_coordinators_change_insatser(db_path: object, session: Session) -> None:
    registers.add_user(
        session, passphrase=PASSPHRASE, user="bo", role="staff", new_passphrase="bo cyklar hem"
    )
    with registers.open_session(session.db_path, user="bo", passphrase="bo cyklar hem") as bo:
        for change in (
            lambda: insatser.add_insats(bo, "Ny"),
            lambda: insatser.rename_insats(bo, SALA, "Ny"),
            lambda: insatser.close_insats(bo, SALA, date(2026, 1, 1)),
        ):
            with pytest.raises(PermissionDenied):
                change()


def test_rename_refuses_a_taken_name_and_an_unknown_insats(session: Session) -> None:
    with pytest.raises(ServiceError, match="finns redan"):
        insatser.rename_insats(session, SALA, HEBY)
    with pytest.raises(ServiceError, match="finns inte"):
        insatser.close_insats(session, "Okänd", date(2026, 1, 1))

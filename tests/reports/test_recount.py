"""``recount``: a bundle's figures recomputed from the register as of its audit head.

Real encrypted registers built through the case services (the ``session`` fixture, today =
2026-11-20). A bundle's report.json is what ``export_bundle`` writes: the statistics report,
suppressed with the register's threshold, as JSON bytes read back.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from recount_support import (
    populate_leavers,
    resign_with_other_key,
    rewrite_history,
    without_append_only_guard,
)
from sqlalchemy import update
from support import PASSPHRASE

from tracker.domain.periods import Period
from tracker.i18n import set_language
from tracker.reports.bundle import export_bundle, verify_bundle
from tracker.reports.cellkey import protected_report
from tracker.reports.recount import (
    MISSING,
    CellDifference,
    compare_reports,
    describe_cell,
    format_value,
    recount,
    recount_report,
)
from tracker.reports.suppression import suppress_report
from tracker.services import cases, goals, registers, reports
from tracker.services.session import Session
from tracker.stats.report import build_report, load_facts
from tracker.store.schema import events

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
H1 = Period.parse("2026H1")


@pytest.fixture(autouse=True)
def swedish() -> None:
    set_language("sv")


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _populate(session: Session, exits: int = 6) -> list[str]:
    """Cases enrolled in 2025, most of them leaving in 2026H1; two women still active."""
    return populate_leavers(session, exits, work_every=3)


def _bundle_report(
    session: Session, period: Period = H1, threshold: int | None = 5, *, legacy: bool = False
) -> dict[str, Any]:
    """report.json of a bundle: protected by the cell-key method (``legacy``: by the threshold
    suppression of bundles made before it), or not at all; through its JSON bytes and back."""
    if threshold is None:
        report = build_report(session, period)
    elif legacy:
        report = suppress_report(build_report(session, period), threshold)
    else:
        secret = reports.cell_key_secret(session)
        report = protected_report(load_facts(session), period, None, secret, threshold)
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return json.loads(text)


# --- an untouched register -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "legacy"), [(5, False), (3, False), (None, False), (5, True)]
)
def test_an_untouched_register_recounts_every_cell_equal(
    session: Session, threshold: int | None, legacy: bool
) -> None:
    _populate(session)
    report = _bundle_report(session, threshold=threshold, legacy=legacy)
    if threshold == 5:
        # The protected report really hides something: the recount must reproduce the marks.
        assert ('"<5"' if legacy else '".."') in json.dumps(report["counts"])
        raw = build_report(session, H1)
        # ... and perturbs: the two women still active at Heby (2) are not published as 2.
        assert legacy or report["counts"]["active_at_end"]["kvinna"] != 2
        assert raw["counts"]["active_at_end"]["kvinna"] == 2

    result = recount_report(session, report)

    assert result.problems == []
    assert result.differences == []
    assert result.identical and result.ok
    assert result.head is not None and result.head.seq == report["as_of"]["seq"]
    assert result.current_head == result.head
    assert result.later_events_total == 0 and result.later_changes == []
    assert result.threshold == threshold
    assert result.method == (None if threshold is None else "threshold" if legacy else "cell-key")


# --- a changed report ------------------------------------------------------------------------


def test_an_altered_figure_is_named_with_both_values(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session, threshold=None)
    real = report["counts"]["exits"]["kvinna"]
    report["counts"]["exits"]["kvinna"] = real + 1
    report["comparison"]["counts"]["contacts"]["man"] = 7
    report["goals"][0]["target"] = 0.5

    result = recount_report(session, report)

    assert not result.ok and result.problems == []
    texts = {(d.place, d.before_text, d.after_text) for d in result.differences}
    assert ("Avslutade, kvinna", str(real + 1), str(real)) in texts
    assert ("Jämförelseperioden 2025H1: Kontakter under perioden, man", "7", "0") in texts
    goal = next(d for d in result.differences if d.cell[0] == "goals")
    assert goal.place.startswith("Mål för ") and goal.place.endswith(": målvärde")
    assert goal.before_text == "50 %"
    assert len(result.differences) == 3


def test_a_suppression_mark_changed_to_a_number_is_a_difference(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session, threshold=5)
    hidden = [
        (metric, column)
        for metric, row in report["counts"].items()
        for column, value in row.items()
        if value == ".."
    ]
    metric, column = hidden[0]
    report["counts"][metric][column] = 2

    result = recount_report(session, report)

    assert [(d.cell, d.before, d.after) for d in result.differences] == [
        (("counts", metric, column), 2, "..")
    ]


def test_a_bundle_claiming_the_other_method_differs(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session, threshold=5)
    report["suppression"] = {"threshold": 5}  # says threshold suppression; was perturbed

    result = recount_report(session, report)

    assert result.method == "threshold" and result.differences and not result.ok


def test_a_report_with_another_threshold_differs(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session, threshold=5)
    report["suppression"] = {"threshold": 3}  # claims a lower threshold than it applied

    result = recount_report(session, report)

    assert result.differences and not result.ok


def test_an_unreadable_report_is_refused(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    del report["as_of"]

    result = recount_report(session, report)

    assert result.problems and "report.json" in result.problems[0]
    assert not result.ok


# --- late entries ----------------------------------------------------------------------------


def test_a_late_step_in_the_period_leaves_the_report_correct_and_is_listed(
    session: Session,
) -> None:
    codes = _populate(session)
    report = _bundle_report(session)
    head = report["as_of"]["seq"]
    active = codes[-1]
    # Registered after the export, dated inside the period: a step up for an active woman.
    step = cases.log_step(session, code=active, on=_d("2026-05-04"), level=3)
    # And one dated after the period: it cannot change H1's figures.
    later = cases.log_step(session, code=codes[-2], on=_d("2026-09-01"), level=2)

    result = recount_report(session, report)

    assert result.ok and result.differences == []
    assert result.current_head is not None and result.current_head.seq == head + 2
    assert result.later_events_total == 2
    assert [(e.seq, e.kind, e.case_code, e.dated) for e in result.later_events] == [
        (step.last_seq, "step", active, _d("2026-05-04"))
    ]
    assert later.last_seq not in {e.seq for e in result.later_events}
    changed = {d.cell: (d.before, d.after) for d in result.later_changes}
    for column in ("kvinna", "total"):
        before, after = changed[("counts", "active_step_up", column)]
        assert after == before + 1
    assert all(cell[0] != "comparison" for cell in changed)


def test_a_late_correction_of_an_exit_date_out_of_the_period_is_listed(
    session: Session,
) -> None:
    codes = _populate(session)
    report = _bundle_report(session, threshold=None)
    view = cases.get_case(session, codes[0])
    exit_seq = next(e.seq for e in view.events if e.kind == "exit")
    # The exit really happened after the period: corrected to a date in July.
    cases.correct(session, code=codes[0], seq=exit_seq, reason="fel_datum", date=_d("2026-07-02"))

    result = recount_report(session, report)

    assert result.ok
    assert [e.kind for e in result.later_events] == ["correction"]
    assert result.later_events[0].dated == _d("2026-07-02")  # the new date, after the period
    changed = {d.cell: (d.before, d.after) for d in result.later_changes}
    before = report["counts"]["exits"]["kvinna"]
    assert changed[("counts", "exits", "kvinna")] == (before, before - 1)


def test_a_late_goal_for_the_reports_insats_is_listed(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    goals.set_goal(session, insats=SALA, metric="step_up_share", target=0.95)

    result = recount_report(session, report)

    assert result.ok
    assert [e.kind for e in result.later_events] == ["goals_set"]
    assert result.later_events[0].kind_text == "Mål ändrat"
    changed = {d.cell: (d.before, d.after) for d in result.later_changes}
    assert changed[("goals", "step_up_share", "target")] == (0.8, 0.95)


def test_a_late_case_outside_the_period_window_is_counted_not_listed(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    # A whole case lived and ended long before the comparison period: it touches nothing.
    old = cases.start(session, on=_d("2020-01-10"), level=2, insats=SALA, gender="man").code
    cases.exit_case(
        session,
        code=old,
        on=_d("2020-06-01"),
        destination="forvarvsarbete",
        exit_kind="avslutad",
        handover=False,
        level=2,
    )

    result = recount_report(session, report)

    assert result.ok and result.later_events_total == 2
    assert result.later_events == [] and result.later_changes == []


# --- a rewritten or truncated history --------------------------------------------------------


def test_a_rewritten_history_is_detected(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    rewrite_history(session.register, seq=3)

    result = recount_report(session, report)

    assert not result.ok and result.differences == []
    assert result.problems == [
        f"Händelse {report['as_of']['seq']} har inte samma kedjehash som rapportens "
        "granskningspunkt. Historiken har skrivits om sedan rapporten togs fram."
    ]


def test_a_truncated_history_is_detected(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    head = report["as_of"]["seq"]
    with session.register.write() as connection:
        without_append_only_guard(connection)
        connection.execute(events.delete().where(events.c.seq >= head - 1))

    result = recount_report(session, report)

    assert not result.ok
    assert "finns inte" in result.problems[0] and str(head) in result.problems[0]


def test_a_broken_chain_is_detected(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    with session.register.write() as connection:
        without_append_only_guard(connection)
        connection.execute(update(events).where(events.c.seq == 4).values(user="mallory"))

    result = recount_report(session, report)

    assert not result.ok
    assert result.problems[0].startswith("Revisionsloggens kedja är bruten vid händelse 4")


# --- naming and formatting -------------------------------------------------------------------


def test_cells_are_named_in_the_words_of_tracker_stats(session: Session) -> None:
    assert describe_cell(("counts", "exits", "kvinna")) == "Avslutade, kvinna"
    names = {"exit_destination.studier": "Studier", "comparison_period": "2025H1"}
    breakdown = describe_cell(("breakdowns", "exits_by_destination", "studier", "total"), names)
    assert breakdown.endswith(" – Studier, totalt")
    share = describe_cell(("comparison", "shares", "destination_share.studier", "man"), names)
    assert share.startswith("Jämförelseperioden 2025H1: ") and "Studier, man" in share
    set_language("en")
    assert describe_cell(("counts", "exits", "kvinna")) == "Exits, women"


def test_values_read_as_the_report_shows_them() -> None:
    share = {"num": 5, "den": 7, "value": 0.714}
    assert format_value(("shares", "step_up_share", "total"), share) == "71,4 % (5/7)"
    hidden = {"num": "<5", "den": "x", "value": None, "suppressed": True}
    assert format_value(("shares", "step_up_share", "man"), hidden) == "– (<5/x)"
    assert format_value(("figures", "days_in_insats_median", "total"), 165.5) == "165,5"
    assert format_value(("goals", "step_up_share", "met"), False) == "ej uppnått"
    assert format_value(("counts", "exits", "man"), MISSING) == "saknas"


def test_a_cell_only_one_side_has_is_a_difference() -> None:
    before = {"breakdowns": {"exits_by_kind": {"avslutad": {"total": 3}}}}
    after = {"breakdowns": {"exits_by_kind": {"avslutad": {"total": 3}, "ny": {"total": 0}}}}
    assert compare_reports(before, after) == [
        CellDifference(("breakdowns", "exits_by_kind", "ny", "total"), MISSING, 0)
    ]
    # A count of 1 is not the boolean true, nor 0.0 a missing value.
    assert compare_reports({"counts": {"a": {"t": 1}}}, {"counts": {"a": {"t": True}}})


def test_a_report_naming_an_insats_the_register_lacks_is_refused(session: Session) -> None:
    _populate(session)
    report = _bundle_report(session)
    report["insatser"] = ["Samordningsteam Okänd"]

    result = recount_report(session, report)

    assert not result.ok and "Samordningsteam Okänd" in result.problems[0]


# --- whole bundles (export_bundle → recount) -------------------------------------------------


def _export(session: Session, folder: Path, suppression: bool = True) -> Path:
    return export_bundle(session, H1, formats=("json",), out_dir=folder, suppression=suppression)


@pytest.mark.parametrize("suppression", [True, False])
def test_an_exported_bundle_recounts_equal(
    session: Session, tmp_path: Path, suppression: bool
) -> None:
    _populate(session)
    path = _export(session, tmp_path / "exports", suppression)

    result = recount(session, path)

    assert result.problems == [] and result.ok
    assert result.threshold == (5 if suppression else None)
    assert result.signer_fingerprint == registers.public_key(session).fingerprint
    assert result.cells_compared > 300
    # The export itself is recorded after the figures: one later event, touching nothing.
    assert result.later_events_total == 1 and result.later_events == []
    assert result.later_changes == []


def test_a_late_entry_after_export_is_listed_and_the_bundle_still_holds(
    session: Session, tmp_path: Path
) -> None:
    codes = _populate(session)
    path = _export(session, tmp_path / "exports")
    step = cases.log_step(session, code=codes[-1], on=_d("2026-06-30"), level=4)

    result = recount(session, path)

    assert result.ok
    assert [event.seq for event in result.later_events] == [step.last_seq]
    assert ("counts", "active_step_up", "kvinna") in {d.cell for d in result.later_changes}


def test_a_bundle_altered_and_re_signed_with_another_key_is_refused(
    session: Session, tmp_path: Path
) -> None:
    _populate(session)
    path = _export(session, tmp_path / "exports")

    def more_exits(report: dict[str, Any]) -> None:
        report["counts"]["exits"]["total"] = 999  # any other figure: the key is what fails

    forger = resign_with_other_key(path, more_exits)
    assert verify_bundle(path).ok  # on its own the forgery verifies

    result = recount(session, path)

    own = registers.public_key(session).fingerprint
    assert not result.ok
    assert result.signer_fingerprint == forger.fingerprint
    assert result.problems == [
        "Rapportpaketet är inte signerat med det här registrets nyckel (registrets "
        f"fingeravtryck: {own})."
    ]
    assert result.member_problems == [
        "Registret har ingen loggad export av just det här rapportpaketet (manifest.json "
        "finns inte bland registrets exporter): paketet är inte gjort av tracker ur det här "
        "registret."
    ]
    assert result.differences == []  # nothing is recounted from an untrusted bundle


def test_a_bundle_of_another_register_is_refused(
    session: Session, tmp_path: Path, cheap_kdf: object
) -> None:
    other_path = tmp_path / "other" / "r.db"
    registers.create_register(other_path, user="anna", passphrase=PASSPHRASE, insatser=[SALA, HEBY])
    with registers.open_session(other_path, user="anna", passphrase=PASSPHRASE) as other:
        _populate(other)
        path = _export(other, tmp_path / "exports")
    _populate(session)

    result = recount(session, path)

    assert len(result.problems) == 2 and not result.ok
    assert "annan databas" in result.problems[1]


def test_a_changed_byte_in_the_bundle_is_refused(session: Session, tmp_path: Path) -> None:
    _populate(session)
    path = _export(session, tmp_path / "exports")
    data = bytearray(path.read_bytes())
    offset = data.index(b'"exits"') + 2
    data[offset] = ord("E")
    path.write_bytes(bytes(data))

    result = recount(session, path)

    assert not result.ok and any("report.json" in problem for problem in result.problems)


def test_a_bundle_after_a_history_rewrite_is_refused(session: Session, tmp_path: Path) -> None:
    _populate(session)
    path = _export(session, tmp_path / "exports")
    rewrite_history(session.register, seq=5)

    result = recount(session, path)

    assert not result.ok and "skrivits om" in result.problems[0]

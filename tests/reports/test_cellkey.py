"""The cell-key method (tracker.reports.cellkey): the perturbation table's promises, record and
cell keys, what a protected report shows, and frozen closed periods. Real registers built
through the case services (the ``session`` fixture, today = 2026-11-20)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from recount_support import populate_leavers

from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle, read_bundle
from tracker.reports.cellkey import (
    HIDDEN_MARK,
    MODULUS,
    perturbation_table,
    protected_report,
    record_key,
    record_keys,
    report_cell_keys,
)
from tracker.reports.recount import recount
from tracker.services import cases
from tracker.services import reports as report_service
from tracker.services.session import Session
from tracker.stats.report import build_report, load_facts

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
H1 = Period.parse("2026H1")


# --- the perturbation table ------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [3, 4, 5, 6, 8, 10])
def test_every_row_is_unbiased_bounded_and_blocks_small_counts(threshold: int) -> None:
    table = perturbation_table(threshold)
    spread = table.spread
    assert spread == threshold - 1 and table.base_minimum == 2 * threshold - 1
    for count in range(0, 4 * threshold):
        row = table.probabilities[min(count, len(table.probabilities) - 1)]
        shift = max(0, count - (len(table.probabilities) - 1))
        values = [value + shift for value, _ in row]
        assert sum(p for _, p in row) == 1
        assert all(p > 0 for _, p in row)
        assert sum(p * (value + shift - count) for value, p in row) == 0  # exactly unbiased
        assert all(abs(value - count) <= spread for value in values)
        assert not any(1 <= value < threshold for value in values)  # never 1..threshold−1
        assert values == table.support(count)
        if 0 < count < threshold:  # a small count may vanish or jump to the threshold
            assert 0 in values and threshold in values
    # Where nothing is blocked or cut at zero, the variance is D/2 (binomial weights).
    assert table.variance(10 * threshold) == Fraction(spread, 2)
    assert table.support(0) == [0]


@pytest.mark.parametrize("threshold", [3, 5, 7])
def test_every_published_value_could_come_from_several_true_counts(threshold: int) -> None:
    table = perturbation_table(threshold)
    for published in range(0, 6 * threshold):
        origins = table.preimages(published)
        if 1 <= published < threshold:
            assert origins == []  # never published
            continue
        assert len(origins) > 1, published
        if published in (0, threshold):
            # 0 and the threshold itself hide every small count.
            assert set(range(1, threshold)) <= set(origins)
    # A published base of at least base_minimum can only come from a count ≥ threshold.
    assert min(table.preimages(table.base_minimum)) >= threshold
    assert min(table.preimages(table.base_minimum - 1)) < threshold


def test_the_lookup_follows_the_probabilities() -> None:
    table = perturbation_table(5)
    grid = 20_000
    for count in (1, 2, 4, 6, 9, 30):
        row = table.probabilities[min(count, len(table.probabilities) - 1)]
        shift = max(0, count - (len(table.probabilities) - 1))
        drawn: dict[int, int] = {}
        for step in range(grid):
            value = table.published(count, step * MODULUS // grid)
            drawn[value] = drawn.get(value, 0) + 1
        for value, p in row:
            assert abs(drawn.get(value + shift, 0) / grid - float(p)) <= 1 / grid + 1e-12
    with pytest.raises(ValueError):
        table.published(3, MODULUS)


def test_the_parameters_name_the_method_and_pin_the_table() -> None:
    five, six = perturbation_table(5).parameters(), perturbation_table(6).parameters()
    assert five["method"] == "cell-key" and five["threshold"] == 5
    assert five["max_perturbation"] == 4 and five["base_minimum"] == 9
    assert five["variance"] == 2.0 and five["modulus"] == MODULUS
    assert five["ptable_sha256"] != six["ptable_sha256"]
    assert perturbation_table(5).parameters() == five  # the same every time


def test_record_keys_depend_on_the_secret_and_the_code() -> None:
    one, two = bytes(32), bytes([1] * 32)
    assert record_key(one, "K-001") == record_key(one, "K-001")
    assert record_key(one, "K-001") != record_key(one, "K-002")
    assert record_key(one, "K-001") != record_key(two, "K-001")
    assert all(0 <= record_key(one, f"K-{n}") < MODULUS for n in range(200))
    codes = [f"K-{n}" for n in range(50)]
    assert list(record_keys(one, codes)) == [record_key(one, code) for code in codes]


# --- a protected report ----------------------------------------------------------------------


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _populate(session: Session, leavers: int = 12) -> list[str]:
    """Cases started in 2025 at Sala, leaving in 2026H1; two women still active at Heby."""
    return populate_leavers(session, leavers, work_every=4)


def _protected(session: Session, period: Period, insatser: list[str] | None = None) -> dict:
    secret = report_service.cell_key_secret(session)
    return protected_report(load_facts(session), period, insatser, secret, 5)


def test_the_secret_is_made_once_and_kept_in_the_register(session: Session) -> None:
    assert session.register.meta(report_service.CELL_KEY_SECRET_META) is None
    secret = report_service.cell_key_secret(session)
    assert len(secret) == 32
    assert report_service.cell_key_secret(session) == secret
    assert session.register.meta(report_service.CELL_KEY_SECRET_META) == secret.hex()


def test_the_same_people_give_the_same_value_in_every_table(session: Session) -> None:
    _populate(session)
    half, year = _protected(session, H1), _protected(session, Period.parse("2026"))
    only_sala = _protected(session, H1, [SALA])
    raw = build_report(session, H1)
    # The twelve Sala leavers are the exits of 2026H1, of 2026, and of Sala alone.
    assert raw["counts"]["exits"]["total"] == 12
    for column in ("kvinna", "man", "total"):
        # Shown in all (a cell may be hidden where its base is smaller): the same value.
        shown = {report["counts"]["exits"][column] for report in (half, year, only_sala)}
        assert len(shown - {HIDDEN_MARK}) <= 1
    # The reason: the same people have the same cell key in every table.
    secret = report_service.cell_key_secret(session)
    facts = load_facts(session)
    keys = [
        report_cell_keys(facts, period, insatser, secret)["counts"]["exits"]
        for period, insatser in ((H1, None), (Period.parse("2026"), None), (H1, [SALA]))
    ]
    assert keys[0] == keys[1] == keys[2]
    # ... and the same six women are exits, handovers and measurable exits: one cell key.
    counts = report_cell_keys(facts, H1, None, secret)["counts"]
    women = counts["exits"]["kvinna"]
    assert counts["exits_handover"]["kvinna"] == counts["exits_measurable"]["kvinna"] == women


def test_small_counts_are_never_shown_and_small_groups_not_broken_down(
    session: Session,
) -> None:
    _populate(session)
    raw, report = build_report(session, H1), _protected(session, H1)
    assert raw["counts"]["active_at_end"]["kvinna"] == 2
    # Two active women: published 0, 5 or 6, or hidden when their base may be small.
    assert report["counts"]["active_at_end"]["kvinna"] in (0, 5, 6, HIDDEN_MARK)
    shown = [v for row in report["counts"].values() for v in row.values()]
    assert not any(isinstance(v, int) and 0 < v < 5 for v in shown)
    # Three of the leavers went to work: a group that may be small, so its gender split and
    # the breakdown's columns under a base published below 9 are hidden, never telling zeros.
    work = report["breakdowns"]["exits_by_destination"]["forvarvsarbete"]
    assert work["kvinna"] == work["man"] == HIDDEN_MARK
    for column in ("kvinna", "man", "ej_angivet", "total"):
        base = report["counts"]["exits"][column]
        rows = report["breakdowns"]["exits_by_destination"].values()
        if not isinstance(base, int) or base < 9:
            assert all(row[column] == HIDDEN_MARK for row in rows)
    # Nobody of gender "ej angivet": the subsets of an empty group are hidden too.
    assert report["counts"]["exits_handover"]["ej_angivet"] == HIDDEN_MARK


def test_shares_and_goals_are_computed_from_the_published_counts(session: Session) -> None:
    _populate(session)
    report = _protected(session, H1)
    for name, by_column in report["shares"].items():
        for share in by_column.values():
            if share.get("suppressed"):
                assert share["value"] is None
                assert isinstance(share["num"], str) or not (
                    isinstance(share["den"], int) and share["den"] >= 9
                )
            elif share["den"]:
                expected = min(1.0, round(share["num"] / share["den"], 3))
                assert share["value"] == expected, name
    for goal in report["goals"]:
        share = report["shares"][goal["metric"]]["total"]
        assert (goal["num"], goal["den"], goal["value"]) == (
            share["num"],
            share["den"],
            share["value"],
        )
        if goal["met"] is not None:
            assert goal["met"] == (
                Fraction(share["num"], share["den"]) >= Fraction(str(goal["target"]))
            )
    assert report["internal"] is False and report["suppression"]["method"] == "cell-key"


# --- frozen closed periods -------------------------------------------------------------------


def test_a_closed_period_is_re_issued_unchanged_after_a_late_event(
    session: Session, tmp_path: Path
) -> None:
    codes = _populate(session)
    first = read_bundle(export_bundle(session, H1, formats=["json"], out_dir=tmp_path / "a"))
    # A late entry: one of Heby's active women left in May.
    cases.exit_case(
        session,
        code=codes[-1],
        on=_d("2026-05-20"),
        destination="studier",
        exit_kind="avslutad",
        handover=False,
        level=2,
    )
    assert build_report(session, H1)["counts"]["exits"]["total"] == 13
    again = read_bundle(export_bundle(session, H1, formats=["json"], out_dir=tmp_path / "b"))
    assert again.report["as_of"] == first.report["as_of"]
    assert again.report["counts"] == first.report["counts"]
    assert again.report["breakdowns"] == first.report["breakdowns"]
    # Another insats choice is another export: not frozen by the first one.
    sala = read_bundle(export_bundle(session, H1, [SALA], formats=["json"], out_dir=tmp_path))
    assert sala.report["as_of"]["seq"] > first.report["as_of"]["seq"]
    # Both recount exactly (the secret lives in the register).
    assert recount(session, again.path).ok and recount(session, first.path).ok


def test_a_running_period_is_not_frozen(session: Session, tmp_path: Path) -> None:
    codes = _populate(session)
    running = Period.parse("2026H2")  # today is 2026-11-20
    first = read_bundle(export_bundle(session, running, formats=["json"], out_dir=tmp_path))
    cases.exit_case(
        session,
        code=codes[-1],
        on=_d("2026-09-20"),
        destination="studier",
        exit_kind="avslutad",
        handover=False,
        level=2,
    )
    again = read_bundle(export_bundle(session, running, formats=["json"], out_dir=tmp_path))
    assert again.report["as_of"]["seq"] > first.report["as_of"]["seq"]
    assert report_service.frozen_head(session, running, None) is None

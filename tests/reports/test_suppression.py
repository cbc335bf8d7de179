"""Suppression (metrics.md): no published count is small, and no hidden count can be found
again from the published ones. The check is independent of the suppression code: for every
hidden cell an integer linear program (scipy's HiGHS) finds the smallest and the largest value
the cell can take given every published cell, every sum that holds and what a reader knows of
a hidden cell; a cell is recoverable exactly when both are its true value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from tracker.reports.suppression import (
    COLUMNS,
    GENDERS,
    SECONDARY_MARK,
    TOTAL,
    Cell,
    Group,
    choose_hidden,
    count_cells,
    groups_of,
    suppress_report,
)

DESTINATIONS = ("forvarvsarbete", "studier", "arbetssokande", "ovrigt")


def _row(values: Mapping[str, int]) -> dict[str, int]:
    return {**values, TOTAL: sum(values.values())}


def _sum_rows(*rows: Mapping[str, int]) -> dict[str, int]:
    return {c: sum(row[c] for row in rows) for c in COLUMNS}


@st.composite
def report_parts(draw: st.DrawFn) -> dict[str, Any]:
    """A report part shaped like the engine's: exits broken down by destination (each gender
    column adds up to exits), enrolled = still active + exits, and an unrelated count."""
    small = st.integers(min_value=0, max_value=9)
    codes = DESTINATIONS[: draw(st.integers(min_value=1, max_value=4))]
    table = {code: _row({g: draw(small) for g in GENDERS}) for code in codes}
    exits = _sum_rows(*table.values())
    active = _row({g: draw(small) for g in GENDERS})
    return {
        "counts": {
            "exits": exits,
            "active_at_end": active,
            "enrolled": _sum_rows(exits, active),
            "contacts": _row({g: draw(small) for g in GENDERS}),
        },
        "breakdowns": {"exits_by_destination": table},
    }


def recoverable_cells(
    values: Mapping[Cell, int],
    groups: list[Group],
    primary: set[Cell],
    secondary: set[Cell],
    threshold: int,
) -> set[Cell]:
    """Hidden cells whose value is forced: an integer program over the hidden cells, with every
    group's sum (published cells moved to the right-hand side) and the reader's bounds (a "<t"
    cell lies in 1..t-1, an "x" cell is at least t), minimised and maximised per cell."""
    hidden = sorted(primary | secondary)
    if not hidden:
        return set()
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, rhs = [], []
    for group in groups:
        row = np.zeros(len(hidden))
        known = 0
        for cell, sign in [(c, 1) for c in group.parts] + [(group.total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                known += sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(-known)
    low = np.array([1 if c in primary else threshold for c in hidden], dtype=float)
    high = np.array([threshold - 1 if c in primary else np.inf for c in hidden])
    constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
    truth = np.array([values[c] for c in hidden], dtype=float)
    assert all(np.array(rows) @ truth == rhs) if rows else True
    assert all(low <= truth) and all(truth <= high)
    forced = set()
    for cell, i in index.items():
        ends = []
        for direction in (1, -1):
            objective = np.zeros(len(hidden))
            objective[i] = direction
            result = milp(
                objective,
                constraints=constraints,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(low, high),
            )
            # 3 and 4 can only mean unbounded here: the true values are a solution (below).
            assert result.status in (0, 3, 4), result.message
            ends.append(round(result.x[i]) if result.status == 0 else None)
        if ends[0] == ends[1] == values[cell]:
            forced.add(cell)
    return forced


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=report_parts(), threshold=st.integers(min_value=3, max_value=6))
def test_no_hidden_cell_can_be_recovered(part: dict[str, Any], threshold: int) -> None:
    values = count_cells(part)
    groups = groups_of(part, values)
    primary, secondary = choose_hidden(values, groups, threshold)
    assert primary == {c for c, v in values.items() if 0 < v < threshold}
    assert all(values[c] >= threshold for c in secondary)
    for cell in recoverable_cells(values, groups, primary, secondary, threshold):
        # The one limit no hiding can mend (zero is always shown as 0): every non-zero cell
        # of the cell's groups is hidden already, and the bounds of the small ones still leave
        # one value. Anything else a reader can work out is a failure.
        hidden = primary | secondary
        assert all(
            all(c in hidden or values[c] == 0 for c in group.cells)
            for group in groups
            if cell in group.cells
        ), f"{cell} = {values[cell]} can be recovered"


def test_the_checker_finds_a_cell_given_away_by_subtraction() -> None:
    # The check itself must be able to fail: hiding only the small cell of 3 + 16 + 12 = 31
    # leaves it recoverable as 31 - 16 - 12.
    part = {"counts": {"exits": {"kvinna": 3, "man": 16, "ej_angivet": 12, TOTAL: 31}}}
    values = count_cells(part)
    groups = groups_of(part, values)
    small = {("counts", "exits", "kvinna")}
    assert recoverable_cells(values, groups, small, set(), 5) == small
    primary, secondary = choose_hidden(values, groups, 5)
    assert not recoverable_cells(values, groups, primary, secondary, 5)


@settings(max_examples=150, deadline=None)
@given(part=report_parts(), threshold=st.integers(min_value=3, max_value=6))
def test_published_report_has_no_small_count(part: dict[str, Any], threshold: int) -> None:
    published = suppress_report(part, threshold)
    for cell, value in count_cells(published).items():
        if isinstance(value, int):
            assert value == 0 or value >= threshold, cell
        else:
            assert value in (f"<{threshold}", SECONDARY_MARK), cell
    assert published["suppression"] == {"threshold": threshold}
    assert published["internal"] is False


def test_metrics_md_rule_hides_the_smallest_other_cell() -> None:
    part = {"counts": {"exits": {"kvinna": 3, "man": 16, "ej_angivet": 12, TOTAL: 31}}}
    published = suppress_report(part, 5)
    assert published["counts"]["exits"] == {
        "kvinna": "<5",
        "man": 16,
        "ej_angivet": SECONDARY_MARK,
        TOTAL: 31,
    }


def test_zero_stays_zero_and_a_share_over_a_hidden_count_is_hidden() -> None:
    part = {
        "counts": {
            "exits_measurable": {"kvinna": 2, "man": 9, "ej_angivet": 0, TOTAL: 11},
            "step_up": {"kvinna": 1, "man": 7, "ej_angivet": 0, TOTAL: 8},
        },
        "shares": {
            "step_up_share": {
                "kvinna": {"num": 1, "den": 2, "value": 0.5},
                "man": {"num": 7, "den": 9, "value": 0.778},
                "ej_angivet": {"num": 0, "den": 0, "value": None},
                TOTAL: {"num": 8, "den": 11, "value": 0.727},
            }
        },
        "goals": [{"metric": "step_up_share", "target": 0.8, "value": 0.727, "met": False}],
    }
    published = suppress_report(part, 5)
    counts = published["counts"]
    assert counts["exits_measurable"]["ej_angivet"] == 0
    assert counts["exits_measurable"]["kvinna"] == "<5"
    assert counts["exits_measurable"]["man"] == SECONDARY_MARK
    shares = published["shares"]["step_up_share"]
    assert shares["kvinna"]["value"] is None and shares["kvinna"]["suppressed"]
    assert shares["man"]["value"] is None
    assert shares[TOTAL]["value"] == 0.727  # 8 of 11: both published
    assert published["goals"][0]["value"] == 0.727


def test_a_goal_over_a_hidden_total_hides_its_value_and_its_counts() -> None:
    part = {
        "counts": {
            "exits_measurable": {"kvinna": 2, "man": 1, "ej_angivet": 0, TOTAL: 3},
            "step_up": {"kvinna": 1, "man": 1, "ej_angivet": 0, TOTAL: 2},
        },
        "goals": [
            {
                "metric": "step_up_share",
                "target": 0.8,
                "value": 0.667,
                "num": 2,
                "den": 3,
                "met": False,
            }
        ],
    }
    goal = suppress_report(part, 5)["goals"][0]
    assert (goal["value"], goal["met"], goal["num"], goal["den"]) == (None, None, "<5", "<5")


def test_two_ones_beside_a_published_total_are_not_left_pinned() -> None:
    # 1 + 1 + 10 = 12: the two hidden cells could only be 1 and 1, so more must go.
    part = {"counts": {"contacts": {"kvinna": 1, "man": 1, "ej_angivet": 10, TOTAL: 12}}}
    values = count_cells(part)
    _, secondary = choose_hidden(values, groups_of(part, values), 5)
    assert ("counts", "contacts", "ej_angivet") in secondary


@pytest.mark.parametrize("threshold", [0, 2, 2.5, True])
def test_threshold_never_below_three(threshold: Any) -> None:
    with pytest.raises(ValueError):
        suppress_report({"counts": {}}, threshold)

"""Small-count suppression for board exports (metrics.md, "Small-count suppression").

A report's counts form tables whose cells add up to published totals: the gender cells of one
metric add up to its total, and the cells of a breakdown (reasons, destinations, kinds) add up,
per gender column, to the metric they break down. Hiding a small count is not enough when the
cell can be found again by subtraction, so:

1. Primary: a count n with 0 < n < threshold is hidden and shown as ``<threshold``.
2. Secondary, as metrics.md says: in every group (an equation "cells = total"), if exactly one
   cell is hidden, the smallest other non-zero cell is hidden too; repeat until nothing changes.
3. A safety net for what that rule alone misses: hidden cells a reader can still pin down,
   jointly (a linear combination of several groups isolates one cell), through the bounds a
   reader knows (a primary cell lies in 1..threshold−1, a secondary one is at least the
   threshold), or exactly, by an integer program over all of it (the audit statistical offices
   run). Each pinned cell makes the smallest published non-zero cell of one of its groups
   hidden too, and the rule of step 2 runs again.

One case no hiding can mend, since zero is always shown as 0: a group whose every non-zero cell
is itself small can be reasoned out from the bounds alone (with threshold 3, "<3" and "<3" beside
a total of "<3" can only be 1, 1 and 2). Such cells are then treated as given away, and the rest
is protected against them too. The limit is stated in docs/metrics.md.

Secondary cells are shown as ``x`` (Statistics Sweden's mark for a figure withheld for
confidentiality), never as ``<threshold``, which would be untrue for them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tracker.services.reports import DEFAULT_SUPPRESSION_THRESHOLD, MIN_SUPPRESSION_THRESHOLD
from tracker.stats.engine import BREAKDOWNS, COLUMNS, GENDERS, SHARES

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

# scipy (HiGHS, the null space) is imported where a hidden cell is audited: a report with
# nothing to hide, and every command that merely imports this module, never loads it.

# The register's setting is checked by the service; these are the same rule, not a copy.
DEFAULT_THRESHOLD = DEFAULT_SUPPRESSION_THRESHOLD
MIN_THRESHOLD = MIN_SUPPRESSION_THRESHOLD
TOTAL = "total"
SECONDARY_MARK = "x"

Cell = tuple[str, ...]  # ("counts", metric, column) or ("breakdowns", name, code, column)


@dataclass(frozen=True)
class Group:
    """Published cells that add up to a published total: sum(parts) == total."""

    parts: tuple[Cell, ...]
    total: Cell

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (*self.parts, self.total)


def primary_mark(threshold: int) -> str:
    return f"<{threshold}"


def check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise ValueError(f"the suppression threshold must be an integer ≥ {MIN_THRESHOLD}")
    return threshold


# --- the tables of a report ------------------------------------------------------------------


def count_cells(part: Mapping[str, Any]) -> dict[Cell, int]:
    """Every count of a report part (``counts`` and ``breakdowns``) by its cell address."""
    cells: dict[Cell, int] = {}
    for metric, row in part.get("counts", {}).items():
        for column, value in row.items():
            cells[("counts", metric, column)] = value
    for name, table in part.get("breakdowns", {}).items():
        for code, row in table.items():
            for column, value in row.items():
                cells[("breakdowns", name, code, column)] = value
    return cells


def _holds(values: Mapping[Cell, int], group: Group) -> bool:
    return all(c in values for c in group.cells) and (
        sum(values[c] for c in group.parts) == values[group.total]
    )


def groups_of(part: Mapping[str, Any], values: Mapping[Cell, int]) -> list[Group]:
    """The additive groups of a report part; only those that hold, since only a true sum can
    give a hidden cell away."""
    found: list[Group] = []
    for metric in part.get("counts", {}):
        found.append(
            Group(tuple(("counts", metric, g) for g in GENDERS), ("counts", metric, TOTAL))
        )
    for name, table in part.get("breakdowns", {}).items():
        for code in table:
            found.append(
                Group(
                    tuple(("breakdowns", name, code, g) for g in GENDERS),
                    ("breakdowns", name, code, TOTAL),
                )
            )
        # exits_by_destination adds up to exits; a breakdown the engine does not know, to
        # the count its name starts with
        base = BREAKDOWNS[name][2] if name in BREAKDOWNS else name.split("_by_")[0]
        for column in COLUMNS:
            found.append(
                Group(
                    tuple(("breakdowns", name, code, column) for code in table),
                    ("counts", base, column),
                )
            )
    # Identities between metrics a reader could also subtract with (metrics.md): everyone
    # enrolled during the period either ended in it or is still active at its end.
    for column in COLUMNS:
        found.append(
            Group(
                (("counts", "active_at_end", column), ("counts", "exits", column)),
                ("counts", "enrolled", column),
            )
        )
    return [g for g in found if _holds(values, g)]


# --- choosing the hidden cells ---------------------------------------------------------------


def choose_hidden(
    values: Mapping[Cell, int], groups: Iterable[Group], threshold: int
) -> tuple[set[Cell], set[Cell]]:
    """The (primary, secondary) hidden cells of one table system."""
    check_threshold(threshold)
    groups = list(groups)
    primary = {c for c, v in values.items() if 0 < v < threshold}
    hidden = set(primary)
    # Hidden cells a reader can pin down and no further hiding can protect (every other cell of
    # their groups is hidden or zero): from here on they are reasoned with as if published.
    given_away: set[Cell] = set()
    while True:
        if _one_hidden_rule(values, groups, hidden, given_away):
            continue
        pinned = pinned_cells(values, groups, hidden - given_away, primary, threshold)
        if not pinned:
            return primary, hidden - primary
        if not any(
            _hide_smallest_other(values, group, hidden)
            for cell in sorted(pinned)
            for group in groups
            if cell in group.cells
        ):
            given_away |= pinned


def _hide_smallest_other(values: Mapping[Cell, int], group: Group, hidden: set[Cell]) -> bool:
    candidates = [c for c in group.cells if c not in hidden and values[c] > 0]
    if not candidates:
        return False
    hidden.add(min(candidates, key=lambda c: (values[c], c)))
    return True


def _one_hidden_rule(
    values: Mapping[Cell, int], groups: list[Group], hidden: set[Cell], given_away: set[Cell]
) -> bool:
    """metrics.md's rule, one pass: True when it hid something."""
    changed = False
    for group in groups:
        if sum(c in hidden and c not in given_away for c in group.cells) == 1:
            changed |= _hide_smallest_other(values, group, hidden)
    return changed


def pinned_cells(
    values: Mapping[Cell, int],
    groups: list[Group],
    unknown: set[Cell],
    primary: set[Cell],
    threshold: int,
) -> set[Cell]:
    """Unknown cells a reader can determine from everything else: by the groups' sums together,
    or by the bounds of hidden cells carried from group to group."""
    # The two quick tests first; the exact one (an integer program per cell) only when they
    # find nothing, since it costs two solver runs per hidden cell.
    quick = _pinned_jointly(values, groups, unknown) | _pinned_by_bounds(
        values, groups, unknown, primary, threshold
    )
    return quick or _pinned_exactly(values, groups, unknown, primary, threshold)


def _pinned_exactly(
    values: Mapping[Cell, int],
    groups: list[Group],
    unknown: set[Cell],
    primary: set[Cell],
    threshold: int,
) -> set[Cell]:
    """Cells with one possible value given everything a reader knows: every published cell,
    every group's sum, whole numbers, and the bounds of each hidden cell. For each unknown cell
    an integer program (HiGHS through scipy) looks for a solution with that cell below its true
    value, and one above; a cell with neither is pinned. This is the audit statistical offices
    run on suppressed tables, and it catches what interval reasoning alone misses."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    unknowns = sorted(unknown)
    if not unknowns:
        return set()
    index = {c: i for i, c in enumerate(unknowns)}
    matrix, sums = _equations(values, groups, index)
    if not len(sums):
        return set()
    equations = LinearConstraint(matrix, sums, sums)
    ranges = [bounds(c, primary, threshold) for c in unknowns]
    integral = np.ones(len(unknowns))
    truths = np.array([values[c] for c in unknowns], dtype=float)
    # A few solutions with random objectives first: every cell that differs from its true value
    # in any of them is not pinned, which spares most of the per-cell runs below. The search
    # box is narrowed to near the truth so every run has a finite optimum; any solution inside
    # it is a solution. Seeded, so the same report always hides the same cells.
    open_cells = set(range(len(unknowns)))
    randomness = np.random.default_rng(0)
    lows = np.array([r[0] for r in ranges], dtype=float)
    highs = np.minimum([r[1] for r in ranges], truths + threshold)
    for _ in range(8):
        result = milp(
            randomness.choice([-1.0, 1.0], len(unknowns)),
            constraints=[equations],
            integrality=integral,
            bounds=Bounds(lows, highs),
        )
        if result.status == 0:
            open_cells -= set(np.flatnonzero(np.round(result.x) != truths).tolist())
    pinned = set()
    for cell, i in index.items():
        if i not in open_cells:
            continue
        truth = values[cell]
        low, high = ranges[i]
        # Another solution has this cell at most truth-1, or at least truth+1.
        alternatives = [(low, truth - 1), (truth + 1, high)]
        if not any(
            lo <= hi and _feasible(equations, ranges, integral, i, lo, hi)
            for lo, hi in alternatives
        ):
            pinned.add(cell)
    return pinned


def _equations(
    values: Mapping[Cell, int], groups: list[Group], index: Mapping[Cell, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The groups as equations over the unknown cells (``index``: cell → column): one row per
    group that holds an unknown, ``matrix @ x == sums`` with the published cells moved right."""
    rows, sums = [], []
    for group in groups:
        row = np.zeros(len(index))
        known = 0
        for cell, sign in [(c, 1) for c in group.parts] + [(group.total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                known += sign * values[cell]
        if row.any():
            rows.append(row)
            sums.append(-known)
    return np.array(rows).reshape(len(rows), len(index)), np.array(sums, dtype=float)


def _feasible(
    equations: LinearConstraint,
    ranges: list[tuple[float, float]],
    integral: np.ndarray,
    i: int,
    low: float,
    high: float,
) -> bool:
    from scipy.optimize import Bounds, milp

    lows = np.array([r[0] for r in ranges], dtype=float)
    highs = np.array([r[1] for r in ranges], dtype=float)
    lows[i], highs[i] = low, high
    result = milp(
        np.zeros(len(ranges)),
        constraints=[equations],
        integrality=integral,
        bounds=Bounds(lows, highs),
    )
    return bool(result.status == 0)


def _pinned_jointly(
    values: Mapping[Cell, int], groups: list[Group], unknown: set[Cell]
) -> set[Cell]:
    """Cells fixed by the groups' linear equations together: x_i is determined exactly when the
    unit vector e_i lies in the row space of the equations restricted to the unknown cells."""
    index = {c: i for i, c in enumerate(sorted(unknown))}
    matrix, _sums = _equations(values, groups, index)
    if not index or not len(matrix):
        return set()
    from scipy.linalg import null_space

    # e_i lies in the row space exactly when every vector of the null space has x_i = 0.
    kernel = null_space(matrix)
    return {cell for cell, i in index.items() if np.allclose(kernel[i], 0, atol=1e-9)}


def bounds(cell: Cell, primary: set[Cell], threshold: int) -> tuple[float, float]:
    """What a reader knows of a hidden cell: 1..threshold−1 when shown as <threshold, else at
    least the threshold (a secondary cell was not small enough for primary suppression)."""
    return (1, threshold - 1) if cell in primary else (threshold, math.inf)


def _pinned_by_bounds(
    values: Mapping[Cell, int],
    groups: list[Group],
    unknown: set[Cell],
    primary: set[Cell],
    threshold: int,
) -> set[Cell]:
    """Interval propagation: each group narrows its unknown cells' ranges from the others'
    ranges, until nothing narrows; a range of one value gives the cell away."""
    ranges = {c: list(bounds(c, primary, threshold)) for c in unknown}
    narrowed = True
    while narrowed:
        narrowed = False
        for group in groups:
            signed = [(c, 1) for c in group.parts] + [(group.total, -1)]
            if not any(c in unknown for c, _ in signed):
                continue
            known = sum(s * values[c] for c, s in signed if c not in unknown)
            terms = [(c, s) for c, s in signed if c in unknown]
            for cell, sign in terms:
                others = [
                    sorted((s * ranges[c][0], s * ranges[c][1])) for c, s in terms if c != cell
                ]
                low_rest = sum(o[0] for o in others)
                high_rest = sum(o[1] for o in others)
                # sign·x = −known − rest
                ends = sorted(((-known - high_rest) * sign, (-known - low_rest) * sign))
                low, high = max(ranges[cell][0], ends[0]), min(ranges[cell][1], ends[1])
                if (low, high) != tuple(ranges[cell]):
                    ranges[cell] = [low, high]
                    narrowed = True
    return {c for c, (low, high) in ranges.items() if low == high}


# --- applying it to a report -----------------------------------------------------------------


def _set(part: dict[str, Any], cell: Cell, mark: str) -> None:
    target = part
    for key in cell[:-1]:
        target = target[key]
    target[cell[-1]] = mark


def _suppress_part(part: dict[str, Any], threshold: int) -> set[Cell]:
    values = count_cells(part)
    primary, secondary = choose_hidden(values, groups_of(part, values), threshold)
    for cell in primary:
        _set(part, cell, primary_mark(threshold))
    for cell in secondary:
        _set(part, cell, SECONDARY_MARK)
    hidden = primary | secondary
    _suppress_shares(part, hidden)
    _suppress_figures(part, hidden)
    return hidden


def share_cells(name: str, column: str) -> tuple[Cell, Cell] | None:
    if name in SHARES:  # which counts each share divides (metrics.md)
        num, den = SHARES[name]
        return ("counts", num, column), ("counts", den, column)
    if name.startswith("destination_share."):
        code = name.split(".", 1)[1]
        return ("breakdowns", "exits_by_destination", code, column), ("counts", "exits", column)
    return None


def _suppress_shares(part: dict[str, Any], hidden: set[Cell]) -> None:
    values = count_cells(part)  # already marked: hidden cells read as their marks
    for name, by_column in part.get("shares", {}).items():
        for column, share in by_column.items():
            cells = share_cells(name, column)
            if cells is None or not any(c in hidden for c in cells):
                continue
            num, den = cells
            share["num"], share["den"], share["value"] = values[num], values[den], None
            share["suppressed"] = True


def _suppress_figures(part: dict[str, Any], hidden: set[Cell]) -> None:
    """The median stay of a hidden group of exits would describe those few people."""
    median = part.get("figures", {}).get("days_in_insats_median", {})
    for column in list(median):
        if ("counts", "exits", column) in hidden:
            median[column] = None


def suppress_report(report: Mapping[str, Any], threshold: int = DEFAULT_THRESHOLD) -> dict:
    """A suppressed copy of a ``tracker.report/1`` dictionary (interfaces.md)."""
    check_threshold(threshold)
    out = copy.deepcopy(dict(report))
    hidden = _suppress_part(out, threshold)
    if isinstance(out.get("comparison"), dict):
        comparison_hidden = _suppress_part(out["comparison"], threshold)
    else:
        comparison_hidden = set()
    for goal in out.get("goals", []):
        cells = share_cells(goal.get("metric", ""), TOTAL)
        if cells is None:
            continue
        if any(c in hidden for c in cells):
            goal["value"], goal["met"] = None, None
            values = count_cells(out)  # already marked: a hidden count reads as its mark
            goal["num"], goal["den"] = values[cells[0]], values[cells[1]]
        if any(c in comparison_hidden for c in cells) and "comparison_value" in goal:
            goal["comparison_value"] = None
            goal["comparison_met"] = None
    out["suppression"] = {"threshold": threshold}
    out["internal"] = False
    return out

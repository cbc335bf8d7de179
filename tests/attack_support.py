"""An integer-programming attacker over published board reports (issue 10's "Done when").

The attacker holds every report.json a register exported and knows metrics.md's definitions,
the case rules and the protection method with its parameters (never the secret). From all of
it together it builds one integer model of the register's true counts:

- each published cell bounds its true value: for the cell-key method every true count the
  perturbation table can publish as that value (``preimages``), for threshold suppression the
  number itself, ``<t`` = 1..t−1, ``x`` = at least t; a hidden cell (``..``) only says ≥ 0;
- the cells of one report part: the gender cells add up to the total, a breakdown's codes to
  the count they break down, contacts = enrolled + not started + pending, enrolled = active at
  the end + exits, and every subset is at most its base (step-up ≤ measurable ≤ exits, held ≤
  follow-ups, …);
- between parts: all insatser = the sum of the single insatser, a flow over a period = the sum
  over the two periods it splits into, active at the next boundary = active + started − exits,
  and a cell computed before and after one late event differs by at most 1;
- every true count is a whole number ≥ 0.

For each target cell it then asks HiGHS (scipy.optimize.milp) whether any whole-number solution
of all that has the cell at another value than the truth. A cell without one is recovered
exactly. Every relation is checked against the truth before it is used, so the model is the
real register's, never stronger than what is true.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components

from tracker.reports.cellkey import BASES, HIDDEN_MARK, perturbation_table
from tracker.stats.engine import COLUMNS, GENDERS, breakdown_base

TOTAL = "total"
# Counts that add up over consecutive periods (dated events in P); the "missing" follow-ups
# and the stocks do not.
FLOWS = (
    "applications",
    "started",
    "not_started",
    "exits",
    "exits_handover",
    "exits_measurable",
    "step_up",
    "followup_6m",
    "followup_6m_held",
    "followup_18m",
    "followup_18m_held",
)
SUBSETS = {**BASES, "exits_handover": "exits"}

PartKey = tuple[int, str, str, tuple[str, ...]]  # (version, first day, last day, insatser)
Cell = tuple[str, ...]


@dataclass(frozen=True)
class Part:
    """One published report part (a period's figures, or a bundle's comparison period)."""

    key: PartKey
    published: Mapping[Cell, Any]  # every count and breakdown cell as published
    truth: Mapping[Cell, int]


def part_cells(part: Mapping[str, Any]) -> dict[Cell, Any]:
    cells: dict[Cell, Any] = {}
    for metric, row in part["counts"].items():
        for column, value in row.items():
            cells[("counts", metric, column)] = value
    for name, table in part.get("breakdowns", {}).items():
        for code, row in table.items():
            for column, value in row.items():
                cells[("breakdowns", name, code, column)] = value
    return cells


def parts_of(report: Mapping[str, Any], truth: Mapping[str, Any], version: int) -> list[Part]:
    """The report's own period and its comparison period, with the unprotected ``truth``
    (the same report computed without protection, comparison included)."""
    selection = tuple(sorted(report["insatser"]))
    found = []
    for name, period in (("", report["period"]), ("comparison", report["comparison_period"])):
        published = report[name] if name else report
        true = truth[name] if name else truth
        key = (version, period["first"], period["last"], selection)
        found.append(Part(key, part_cells(published), part_cells(true)))
    return found


# --- bounds from what is published -----------------------------------------------------------


def cell_key_bounds(threshold: int):
    table = perturbation_table(threshold)

    def bounds(value: Any) -> tuple[float, float]:
        if value == HIDDEN_MARK:
            return 0, math.inf
        origins = table.preimages(int(value))
        return min(origins), max(origins)

    return bounds


def suppression_bounds(threshold: int):
    def bounds(value: Any) -> tuple[float, float]:
        if value == f"<{threshold}":
            return 1, threshold - 1
        if value == "x":
            return threshold, math.inf
        return int(value), int(value)

    return bounds


# --- the model -------------------------------------------------------------------------------


@dataclass
class Model:
    index: dict[tuple[PartKey, Cell], int] = field(default_factory=dict)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    truth: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    skipped: int = 0  # relations that did not hold in the register (never used)
    skipped_rows: list[dict[tuple[PartKey, Cell], float]] = field(default_factory=list)

    def variable(self, part: PartKey, cell: Cell, truth: int) -> int:
        key = (part, cell)
        if key not in self.index:
            self.index[key] = len(self.truth)
            self.low.append(0)
            self.high.append(math.inf)
            self.truth.append(truth)
        return self.index[key]

    def bound(self, i: int, low: float, high: float) -> None:
        self.low[i], self.high[i] = max(self.low[i], low), min(self.high[i], high)
        assert self.low[i] <= self.truth[i] <= self.high[i], "a bound excludes the truth"

    def relation(self, terms: Iterable[tuple[int, float]], low: float, high: float) -> None:
        """low ≤ Σ coefficient·x ≤ high, used only when the truth satisfies it."""
        row: dict[int, float] = {}
        for i, coefficient in terms:
            row[i] = row.get(i, 0) + coefficient
        value = sum(c * self.truth[i] for i, c in row.items())
        if low - 1e-9 <= value <= high + 1e-9:
            self.rows.append((row, low, high))
        else:
            self.skipped += 1
            names = {i: key for key, i in self.index.items()}
            self.skipped_rows.append({names[i]: c for i, c in row.items()})


def _breakdowns(part: Part) -> list[str]:
    return sorted({cell[1] for cell in part.published if cell[0] == "breakdowns"})


def build_model(parts: Sequence[Part], bounds_of) -> Model:
    model = Model()
    by_key: dict[PartKey, Part] = {}
    for part in parts:
        for cell, value in part.published.items():
            i = model.variable(part.key, cell, part.truth[cell])
            model.bound(i, *bounds_of(value))
        by_key.setdefault(part.key, part)

    def var(key: PartKey, cell: Cell) -> int | None:
        return model.index.get((key, cell))

    def equal(key: PartKey, total: Cell, parts_: Sequence[Cell]) -> None:
        ids = [var(key, c) for c in (total, *parts_)]
        if all(i is not None for i in ids):
            model.relation([(ids[0], -1), *((i, 1) for i in ids[1:])], 0, 0)

    for key, part in by_key.items():
        metrics = {c[1] for c in part.published if c[0] == "counts"}
        for metric in metrics:
            equal(key, ("counts", metric, TOTAL), [("counts", metric, g) for g in GENDERS])
        for name in _breakdowns(part):
            parent = breakdown_base(name)
            codes = sorted({c[2] for c in part.published if c[0] == "breakdowns" and c[1] == name})
            for code in codes:
                equal(
                    key,
                    ("breakdowns", name, code, TOTAL),
                    [("breakdowns", name, code, g) for g in GENDERS],
                )
            for column in COLUMNS:
                equal(
                    key,
                    ("counts", parent, column),
                    [("breakdowns", name, code, column) for code in codes],
                )
        for column in COLUMNS:
            equal(
                key,
                ("counts", "contacts", column),
                [("counts", m, column) for m in ("enrolled", "not_started", "pending_at_end")],
            )
            equal(
                key,
                ("counts", "enrolled", column),
                [("counts", m, column) for m in ("active_at_end", "exits")],
            )
            for subset, base in SUBSETS.items():
                ids = var(key, ("counts", subset, column)), var(key, ("counts", base, column))
                if None not in ids:
                    model.relation([(ids[0], 1), (ids[1], -1)], -math.inf, 0)

    keys = list(by_key)
    cells_of = {key: list(by_key[key].published) for key in keys}
    _insats_sums(model, keys, cells_of)
    _period_relations(model, keys, by_key)
    _late_event(model, keys, cells_of)
    return model


def _insats_sums(model: Model, keys: list[PartKey], cells_of: Mapping[PartKey, list[Cell]]) -> None:
    """All insatser = the sum of each insats alone (every case belongs to one insats)."""
    singles: dict[tuple[int, str, str], dict[str, PartKey]] = {}
    for key in keys:
        if len(key[3]) == 1:
            singles.setdefault(key[:3], {})[key[3][0]] = key
    for key in keys:
        alone = singles.get(key[:3], {})
        if len(key[3]) < 2 or not set(key[3]) <= set(alone):
            continue
        for cell in cells_of[key]:
            ids = [model.index.get((alone[name], cell)) for name in key[3]]
            if all(i is not None for i in ids):
                total = model.index[(key, cell)]
                model.relation([(total, -1), *((i, 1) for i in ids)], 0, 0)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _period_relations(model: Model, keys: list[PartKey], by_key: Mapping[PartKey, Part]) -> None:
    """Flows add up over a period's two halves; stocks follow the flows across a boundary."""
    index = model.index
    starting: dict[tuple[int, str, tuple[str, ...]], list[PartKey]] = {}
    for key in keys:
        starting.setdefault((key[0], key[1], key[3]), []).append(key)
    for key in keys:
        version, first, last, selection = key
        following = starting.get(
            (version, (_day(last) + timedelta(days=1)).isoformat(), selection), []
        )
        for later in following:
            for column in COLUMNS:
                ids = [
                    index.get((later, ("counts", "active_at_end", column))),
                    index.get((key, ("counts", "active_at_end", column))),
                    index.get((later, ("counts", "started", column))),
                    index.get((later, ("counts", "exits", column))),
                ]
                if None not in ids:
                    a1, a0, s, e = ids
                    model.relation([(a1, 1), (a0, -1), (s, -1), (e, 1)], 0, 0)
        # A flow over this part = over a first piece + the piece right after it.
        for piece in starting.get((version, first, selection), []):
            if piece == key or _day(piece[2]) >= _day(last):
                continue
            rest = [
                k
                for k in starting.get(
                    (version, (_day(piece[2]) + timedelta(days=1)).isoformat(), selection), []
                )
                if k[2] == last
            ]
            for other in rest:
                for cell in by_key[key].published:
                    counted = breakdown_base(cell[1]) if cell[0] == "breakdowns" else cell[1]
                    flow = counted in FLOWS
                    ids = [index.get((k, cell)) for k in (key, piece, other)]
                    if flow and None not in ids:
                        model.relation([(ids[0], -1), (ids[1], 1), (ids[2], 1)], 0, 0)
    # The same last day: the same stock at the end.
    ending: dict[tuple[int, str, tuple[str, ...]], list[PartKey]] = {}
    for key in keys:
        ending.setdefault((key[0], key[2], key[3]), []).append(key)
    for group in ending.values():
        for a, b in itertools.pairwise(group):
            for column in COLUMNS:
                for metric in ("active_at_end", "pending_at_end"):
                    ids = [index.get((k, ("counts", metric, column))) for k in (a, b)]
                    if None not in ids:
                        model.relation([(ids[0], 1), (ids[1], -1)], 0, 0)


def _late_event(model: Model, keys: list[PartKey], cells_of: Mapping[PartKey, list[Cell]]) -> None:
    """One late event changes any count by at most one."""
    for key in keys:
        if key[0] != 1:
            continue
        before = (0, *key[1:])
        for cell in cells_of[key]:
            ids = [model.index.get((k, cell)) for k in (key, before)]
            if None not in ids:
                model.relation([(ids[0], 1), (ids[1], -1)], -1, 1)


# --- the attack ------------------------------------------------------------------------------


@dataclass
class Attack:
    targets: list[int]
    pinned: list[int]  # recovered exactly
    model: Model


def attack(model: Model, targets: Sequence[int], rounds: int = 6, seed: int = 0) -> Attack:
    """Which ``targets`` have no other whole-number value consistent with everything.

    Exact, and solved in pieces. First what the relations force on their own: a relation with
    one cell left open bounds that cell (``_forced``); a cell whose bounds meet can only be its
    true value and enters the relations as a constant. The open cells fall into groups that no
    relation joins, and whether a target can take another value depends only on its own group
    (every other group keeps its true values, which fit). Each group is a small integer program
    of its own instead of one of tens of thousands of variables.
    """
    n, m = len(model.truth), len(model.rows)
    truth = np.array(model.truth, dtype=float)
    rows, cols, data = [], [], []
    for r, (row, _, _) in enumerate(model.rows):
        for i, coefficient in row.items():
            rows.append(r)
            cols.append(i)
            data.append(coefficient)
    matrix = csr_array((data, (rows, cols)), shape=(m, n))
    low, high = _forced(model, np.array(rows, dtype=int), np.array(cols, dtype=int), data)
    fixed = low == high
    pinned = {i for i in targets if fixed[i]}  # nothing else fits
    # The constants' share moves into each row's bounds.
    constant = matrix @ np.where(fixed, truth, 0.0)
    row_low = np.array([bound for _, bound, _ in model.rows], dtype=float) - constant
    row_high = np.array([bound for _, _, bound in model.rows], dtype=float) - constant
    # Groups: the connected pieces of the graph of free cells (0..n-1) and relations (n..).
    row_of, cell_of = np.array(rows, dtype=int), np.array(cols, dtype=int)
    joins = ~fixed[cell_of] if len(cell_of) else np.zeros(0, dtype=bool)
    graph = coo_array(
        (np.ones(int(joins.sum())), (row_of[joins] + n, cell_of[joins])), shape=(n + m, n + m)
    )
    _, label = connected_components(graph, directed=False)
    wanted: dict[int, list[int]] = {}
    for i in sorted(set(targets) - pinned):
        wanted.setdefault(int(label[i]), []).append(i)
    rng = np.random.default_rng(seed)
    for group, group_targets in wanted.items():
        cells = np.flatnonzero(label[:n] == group)
        relations = np.flatnonzero(label[n:] == group)
        piece = Piece(
            matrix[relations][:, cells],
            row_low[relations],
            row_high[relations],
            truth[cells],
            low[cells],
            high[cells],
        )
        local = {int(cell): k for k, cell in enumerate(cells)}
        found = piece.pinned([local[i] for i in group_targets], rounds, rng)
        pinned |= {int(cells[k]) for k in found}
    return Attack(list(targets), sorted(pinned), model)


def _forced(
    model: Model, row_of: np.ndarray, cell_of: np.ndarray, data: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Every cell's bounds narrowed by what single relations force: where all of a relation's
    cells but one are fixed, ``low ≤ c·x + constant ≤ high`` bounds x (rounded inwards, since x
    is whole). Repeated until nothing changes; the set of whole-number solutions stays the same.
    """
    m = len(model.rows)
    truth = np.array(model.truth, dtype=float)
    low = np.array(model.low, dtype=float)
    high = np.array(model.high, dtype=float)
    coefficient = np.array(data, dtype=float)
    row_low = np.array([bound for _, bound, _ in model.rows], dtype=float)
    row_high = np.array([bound for _, _, bound in model.rows], dtype=float)
    while m:
        fixed = low == high
        open_entry = ~fixed[cell_of]
        open_count = np.bincount(row_of[open_entry], minlength=m)
        known = np.where(fixed[cell_of], coefficient * low[cell_of], 0.0)
        constant = np.bincount(row_of, weights=known, minlength=m)
        changed = False
        for e in np.flatnonzero(open_entry & (open_count[row_of] == 1)):
            r, i, c = row_of[e], cell_of[e], coefficient[e]
            ends = ((row_low[r] - constant[r]) / c, (row_high[r] - constant[r]) / c)
            below, above = min(ends), max(ends)
            new_low = max(low[i], math.ceil(below - 1e-9) if math.isfinite(below) else below)
            new_high = min(high[i], math.floor(above + 1e-9) if math.isfinite(above) else above)
            if (new_low, new_high) != (low[i], high[i]):
                assert new_low <= truth[i] <= new_high, "a forced bound excludes the truth"
                low[i], high[i] = new_low, new_high
                changed = True
        if not changed:
            break
    return low, high


@dataclass
class Piece:
    """One group's integer program: relations ``row_low ≤ matrix·x ≤ row_high`` and bounds."""

    matrix: csr_array
    row_low: np.ndarray
    row_high: np.ndarray
    truth: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def solve(self, objective: np.ndarray, low: np.ndarray, high: np.ndarray) -> Any:
        constraints = (
            [LinearConstraint(self.matrix, self.row_low, self.row_high)]
            if self.matrix.shape[0]
            else []
        )
        return milp(
            objective,
            constraints=constraints,
            integrality=np.ones(len(self.truth)),
            bounds=Bounds(low, high),
        )

    def moved(self, result: Any) -> set[int]:
        return set(np.flatnonzero(np.round(result.x) != self.truth).tolist())

    def pinned(self, targets: Sequence[int], rounds: int, rng: np.random.Generator) -> list[int]:
        k = len(self.truth)
        open_ = set(targets)
        # Solutions with random pushes first: each target it moves is not pinned. The search
        # box is finite so every run has an optimum; a solution inside it is a solution.
        box = np.minimum(self.high, self.truth + 20)
        for _ in range(rounds):
            if not open_:
                break
            objective = np.zeros(k)
            chosen = np.array(sorted(open_))
            objective[chosen] = rng.choice([-1.0, 1.0], len(chosen))
            result = self.solve(objective, self.low, box)
            assert result.status == 0, result.message  # the truth is a solution
            open_ -= self.moved(result)
        pinned = []
        # Then each remaining target alone, below and above its true value; a solution found
        # for one also clears every other target it moves.
        for i in sorted(open_):
            if i not in open_:
                continue
            other = False
            for lo, hi in ((self.low[i], self.truth[i] - 1), (self.truth[i] + 1, self.high[i])):
                if lo > hi:
                    continue
                lows, highs = self.low.copy(), self.high.copy()
                lows[i], highs[i] = lo, hi
                result = self.solve(np.zeros(k), lows, highs)
                if result.status == 0:
                    other = True
                    open_ -= self.moved(result)
                    break
            if not other:
                pinned.append(i)
        return pinned


def small_targets(model: Model, threshold: int) -> list[int]:
    return [i for i, v in enumerate(model.truth) if 0 < v < threshold]


# --- group attribute disclosure --------------------------------------------------------------


def single_code_breakdowns(parts: Sequence[Part], threshold: int) -> list[tuple[PartKey, str, str]]:
    """Breakdown columns of a small group (true base 1..threshold−1) shown with exactly one
    non-zero code: everyone in the group is seen to share that code."""
    found = []
    for part in parts:
        for name in _breakdowns(part):
            parent = breakdown_base(name)
            for column in COLUMNS:
                base = part.truth.get(("counts", parent, column), 0)
                if not 0 < base < threshold:
                    continue
                shown = [
                    value
                    for cell, value in part.published.items()
                    if cell[0] == "breakdowns" and cell[1] == name and cell[3] == column
                ]
                if not shown or HIDDEN_MARK in shown:
                    continue  # hidden: nothing to read ("<5" and "x" are read as non-zero)
                if sum(1 for v in shown if v != 0) == 1:
                    found.append((part.key, name, column))
    return found

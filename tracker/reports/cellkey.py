"""The cell-key method: how a board export protects small counts (docs/metrics.md, "Skydd av små
tal"), the method Statistics Sweden moved to in 2025 and the ABS uses in TableBuilder.

1. **Record keys.** Every participant code gets a fixed random record key, a whole number below
   ``MODULUS``: HMAC-SHA256 of the code under a random secret kept once in the (encrypted)
   register. Without the secret the keys look random; with it (a reviewer's recount) they are
   reproduced exactly.
2. **Cell keys.** A cell's key is the sum of the record keys of the people counted in it,
   modulo ``MODULUS``. The same people give the same cell key in every table, period and bundle.
3. **Perturbation table.** The published value of a cell with true count ``i`` and cell key
   ``k`` is row ``i`` of the table, looked up at ``k / MODULUS``: a draw from a distribution of
   ``i + v`` with ``|v| ≤ D``. The rows follow sdcTools/ptable's construction (the
   maximum-entropy transition matrix of Giessing 2016, as SCB and Destatis build it): the
   possible values of row ``i`` are ``max(0, i − D) … i + D`` without the blocked values
   ``1 … js`` (``js = threshold − 1``), every one of them has a positive probability, and the
   perturbation has mean 0. Instead of a numerical entropy optimisation the weights here are
   exact: binomial weights ``C(2D, D + v)`` (variance D/2 where nothing is blocked), mixed with
   the extreme possible value just enough to make the mean 0. Exact fractions, so a recount on
   any machine draws the same values.

So a count of 1 to threshold−1 is never published as itself (it becomes 0 or at least the
threshold), every published value could have come from several true counts, and differencing
two overlapping cells gives noise, not a person.

A breakdown or subset of a group the reader cannot be sure is large enough is not shown at all
(``HIDDEN_MARK``), because "everyone in this small group has the same code" is a disclosure
whatever the noise: a cell whose base (the count it is part of) is published below
``threshold + D`` (the smallest value no small count can produce) is hidden, and so is
everything under it. Shares, the median and goals are computed from the published counts, and
hidden with their base.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from math import comb
from typing import Any

import pandas as pd
from cryptography.hazmat.primitives import hashes, hmac

from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.services.reports import MIN_SUPPRESSION_THRESHOLD
from tracker.stats.engine import SHARE_DECIMALS, SHARES, breakdown_base
from tracker.stats.facts import StatsFacts
from tracker.stats.report import report_from_facts, report_key_sums

METHOD = "cell-key"
MODULUS = 2**32
HIDDEN_MARK = ".."  # SCB's sign for a figure that is not available or too uncertain
TOTAL = "total"
_RECORD_KEY_CONTEXT = b"tracker.cellkey.record/1\x00"

# A subset count and the count it is part of (metrics.md): shown only under a large enough base.
BASES: dict[str, str] = {
    "applications": "contacts",
    "not_started": "contacts",
    "pending_at_end": "contacts",
    "enrolled": "contacts",
    "started": "enrolled",
    "active_at_end": "enrolled",
    "active_step_up": "enrolled",
    "exits": "enrolled",
    "exits_handover": "exits",
    "exits_measurable": "exits",
    "step_up": "exits_measurable",
    "followup_6m_held": "followup_6m",
    "followup_18m_held": "followup_18m",
}

Cell = tuple[str, ...]  # ("counts", metric, column) or ("breakdowns", name, code, column)


# --- the perturbation table ------------------------------------------------------------------


def max_perturbation(threshold: int) -> int:
    """D: the smallest bound that lets a count of 1 jump to the threshold."""
    return threshold - 1


def _row(count: int, spread: int, blocked: int) -> list[tuple[int, Fraction]]:
    """Row ``count`` of the table: (published value, probability) pairs, mean exactly 0."""
    if count == 0:
        return [(0, Fraction(1))]
    values = [j for j in range(max(0, count - spread), count + spread + 1) if not 1 <= j <= blocked]
    weights = [comb(2 * spread, spread + j - count) for j in values]
    total = sum(weights)
    probabilities = [Fraction(w, total) for w in weights]
    mean = sum(p * (j - count) for p, j in zip(probabilities, values, strict=True))
    if mean:
        # Move just enough mass to the value on the other side of 0 to make the mean 0.
        extreme = values[0] if mean > 0 else values[-1]
        share = mean / (mean - (extreme - count))
        probabilities = [p * (1 - share) for p in probabilities]
        probabilities[values.index(extreme)] += share
    # A value the mean correction emptied (the row of the threshold itself) is not possible.
    return [(j, p) for j, p in zip(values, probabilities, strict=True) if p > 0]


@dataclass(frozen=True)
class PerturbationTable:
    """The cell-key perturbation table for one threshold (see the module docstring)."""

    threshold: int
    # rows[i]: (published value, upper end of its interval of cell keys) for true count i;
    # the last row serves every larger count, shifted.
    rows: tuple[tuple[tuple[int, int], ...], ...]
    probabilities: tuple[tuple[tuple[int, Fraction], ...], ...]

    @property
    def spread(self) -> int:
        """D: no published value is further than this from the true count."""
        return max_perturbation(self.threshold)

    @property
    def blocked(self) -> int:
        """js: published values 1..js never occur."""
        return self.threshold - 1

    @property
    def base_minimum(self) -> int:
        """The smallest published value no count of 1..js can produce: a breakdown, subset,
        share or median is shown only under a base published at least this large."""
        return self.blocked + self.spread + 1

    def _shifted(self, count: int) -> tuple[int, tuple[tuple[int, int], ...]]:
        last = len(self.rows) - 1
        return (count - last, self.rows[last]) if count > last else (0, self.rows[count])

    def published(self, count: int, cell_key: int) -> int:
        """The value published for a true ``count`` whose cell key is ``cell_key``."""
        if count < 0 or not 0 <= cell_key < MODULUS:
            raise ValueError("a count is never negative; a cell key lies in [0, MODULUS)")
        shift, row = self._shifted(count)
        for value, upper in row:
            if cell_key < upper:
                return value + shift
        raise AssertionError("the last interval ends at MODULUS")

    def support(self, count: int) -> list[int]:
        """Every value the table may publish for a true ``count``."""
        shift, row = self._shifted(count)
        return [value + shift for value, _upper in row]

    def preimages(self, published: int) -> list[int]:
        """Every true count that may be published as ``published``."""
        return [
            i
            for i in range(max(0, published - self.spread), published + self.spread + 1)
            if published in self.support(i)
        ]

    def parameters(self) -> dict[str, Any]:
        """What report.json and the manifest state about the method (and a recount checks)."""
        rows = [[[value, upper] for value, upper in row] for row in self.rows]
        digest = hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()
        return {
            "method": METHOD,
            "threshold": self.threshold,
            "max_perturbation": self.spread,
            "blocked_up_to": self.blocked,
            "base_minimum": self.base_minimum,
            "variance": float(self.variance(len(self.rows) - 1)),
            "modulus": MODULUS,
            "record_key": "HMAC-SHA256(secret, code) mod modulus",
            "ptable_sha256": digest,
        }

    def variance(self, count: int) -> Fraction:
        """The perturbation's variance for a true ``count`` (D/2 where nothing is blocked)."""
        row_count = min(count, len(self.probabilities) - 1)
        return sum(
            (p * (value - row_count) ** 2 for value, p in self.probabilities[row_count]),
            Fraction(0),
        )


@cache
def perturbation_table(threshold: int) -> PerturbationTable:
    """The table for ``threshold`` (rows 0 … js + D + 1; beyond that every row is the last
    one shifted, since nothing is blocked or cut off at 0 there)."""
    spread, blocked = max_perturbation(threshold), threshold - 1
    probabilities = [_row(i, spread, blocked) for i in range(blocked + spread + 2)]
    rows = []
    for row in probabilities:
        cumulative, bounds = Fraction(0), []
        for value, p in row:
            cumulative += p
            bounds.append((value, (cumulative * MODULUS).__floor__()))
        bounds[-1] = (bounds[-1][0], MODULUS)
        rows.append(tuple(bounds))
    return PerturbationTable(threshold, tuple(rows), tuple(tuple(row) for row in probabilities))


def protection_note(threshold: int, lang: str | None = None) -> str:
    """The one sentence every protected page, sheet and preview carries."""
    table = perturbation_table(threshold)
    return t(
        "report.protection",
        lang,
        spread=table.spread,
        below=table.blocked,
        base=table.base_minimum,
    )


# --- record keys and cell keys ---------------------------------------------------------------


def _keyed(secret: bytes) -> hmac.HMAC:
    """HMAC-SHA256 keyed with ``secret`` and fed the record-key context, to be copied per code
    (keying anew per code took three times as long for a county's 20,000 codes)."""
    keyed = hmac.HMAC(secret, hashes.SHA256())
    keyed.update(_RECORD_KEY_CONTEXT)
    return keyed


def _key_of(keyed: hmac.HMAC, code: str) -> int:
    mac = keyed.copy()
    mac.update(code.encode())
    return int.from_bytes(mac.finalize()[:8], "big") % MODULUS


def record_key(secret: bytes, code: str) -> int:
    """A participant's record key: HMAC-SHA256(secret, code), reduced modulo MODULUS."""
    return _key_of(_keyed(secret), code)


def record_keys(secret: bytes, codes: Iterable[str]) -> pd.Series:
    keyed = _keyed(secret)
    codes = list(codes)
    return pd.Series([_key_of(keyed, code) for code in codes], index=codes, dtype="int64")


def report_cell_keys(
    facts: StatsFacts, period: Period, insatser: Sequence[str] | None, secret: bytes
) -> dict[str, Any]:
    """The cell keys of every count and breakdown cell of the report ``report_from_facts``
    makes of the same arguments; the comparison period's under "comparison"."""
    # Unique codes: one record key per participant, however many cases (episodes) they have.
    keys = record_keys(secret, facts.cases.index.unique())
    return report_key_sums(facts, period, keys, MODULUS, insatser)


def protected_report(
    facts: StatsFacts,
    period: Period,
    insatser: Sequence[str] | None,
    secret: bytes,
    threshold: int,
) -> dict[str, Any]:
    """The board's report of ``period``: computed from ``facts``, then protected."""
    report = report_from_facts(facts, period, insatser)
    return protect_report(report, report_cell_keys(facts, period, insatser, secret), threshold)


# --- protecting a report ---------------------------------------------------------------------


def protect_report(
    report: Mapping[str, Any], keys: Mapping[str, Any], threshold: int
) -> dict[str, Any]:
    """A protected copy of a ``tracker.report/1`` dictionary: every count perturbed by its cell
    key (``keys``: from ``cell_keys``), small groups' breakdowns hidden, shares, medians and
    goals computed from the published counts."""
    table = perturbation_table(check_threshold(threshold))
    out = copy.deepcopy(dict(report))
    _protect_part(out, keys, table)
    if isinstance(out.get("comparison"), dict):
        _protect_part(out["comparison"], keys["comparison"], table)
    for goal in out.get("goals", []):
        _protect_goal(goal, out)
    out["suppression"] = table.parameters()
    out["internal"] = False
    return out


def check_threshold(threshold: int) -> int:
    minimum = MIN_SUPPRESSION_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < minimum:
        raise ValueError(f"the threshold must be an integer ≥ {minimum}")
    return threshold


def _protect_part(part: dict[str, Any], keys: Mapping[str, Any], table: PerturbationTable) -> None:
    true_counts = part["counts"]
    published: dict[Cell, int] = {}
    for metric, row in true_counts.items():
        for column, value in row.items():
            published[("counts", metric, column)] = table.published(
                value, keys["counts"][metric][column]
            )
    for name, by_code in part.get("breakdowns", {}).items():
        for code, row in by_code.items():
            for column, value in row.items():
                published[("breakdowns", name, code, column)] = table.published(
                    value, keys["breakdowns"][name][code][column]
                )
    hidden = hidden_cells(published, table.base_minimum)
    for cell, value in published.items():
        _set(part, cell, HIDDEN_MARK if cell in hidden else value)
    shown = {cell: (HIDDEN_MARK if cell in hidden else value) for cell, value in published.items()}
    for name, by_column in part.get("shares", {}).items():
        for column in by_column:
            cells = share_cells(name, column)
            if cells is not None:
                by_column[column] = _share(shown[cells[0]], shown[cells[1]], table)
    medians = part.get("figures", {}).get("days_in_insats_median", {})
    for column in medians:
        if not _large(shown[("counts", "exits", column)], table):
            medians[column] = HIDDEN_MARK


def _large(value: int | str, table: PerturbationTable) -> bool:
    """A published base certainly not small (no count of 1..js is published this high)."""
    return isinstance(value, int) and value >= table.base_minimum


def hidden_cells(published: Mapping[Cell, int], base_minimum: int) -> set[Cell]:
    """The cells not to show: each whose base (the row's total for a gender cell, the count
    it is part of for a subset or breakdown cell) is hidden or published below
    ``base_minimum``. The rule reads published values only, so hiding reveals nothing more."""
    memo: dict[Cell, bool] = {}

    def is_hidden(cell: Cell) -> bool:
        if cell not in memo:
            memo[cell] = any(
                base in published and (is_hidden(base) or published[base] < base_minimum)
                for base in bases_of(cell)
            )
        return memo[cell]

    return {cell for cell in published if is_hidden(cell)}


def bases_of(cell: Cell) -> list[Cell]:
    """The cells ``cell`` is part of, one level up (metrics.md's definitions): a subset
    count's base in the same column; a breakdown cell's count in the same column and, for a
    gender cell, its code's total (a small code split by gender is a small group too).

    A count's gender cells are not hidden under a small row total: gender is the breakdown
    every board report must show, and each gender cell is protected by its own perturbation
    and by its own base (contacts of that gender, say). docs/metrics.md states what this
    leaves: a small row's zeros say that nobody of that gender is in it."""
    column = cell[-1]
    if cell[0] == "counts":
        return [("counts", BASES[cell[1]], column)] if cell[1] in BASES else []
    bases: list[Cell] = [("counts", breakdown_base(cell[1]), column)]
    if column != TOTAL:
        bases.append((*cell[:-1], TOTAL))
    return bases


def share_cells(name: str, column: str) -> tuple[Cell, Cell] | None:
    """The (numerator, denominator) cells of a share (metrics.md)."""
    if name in SHARES:
        num, den = SHARES[name]
        return ("counts", num, column), ("counts", den, column)
    if name.startswith("destination_share."):
        code = name.split(".", 1)[1]
        return ("breakdowns", "exits_by_destination", code, column), ("counts", "exits", column)
    return None


def _share(num: int | str, den: int | str, table: PerturbationTable) -> dict[str, Any]:
    """A share of published counts; hidden when either is hidden or the base is small.
    A perturbed numerator may exceed its denominator: the share then stops at 100 %."""
    if isinstance(num, str) or not _large(den, table):
        return {"num": num, "den": den, "value": None, "suppressed": True}
    assert isinstance(den, int)
    return {"num": num, "den": den, "value": min(1.0, round(num / den, SHARE_DECIMALS))}


def _protect_goal(goal: dict[str, Any], report: Mapping[str, Any]) -> None:
    """A goal's result and verdict from the protected share (comparison period's too)."""
    metric = goal.get("metric", "")
    target = Fraction(str(goal["target"]))
    for prefix, part in (("", report), ("comparison_", report.get("comparison"))):
        if not isinstance(part, Mapping) or metric not in part.get("shares", {}):
            continue
        share = part["shares"][metric][TOTAL]
        met = (
            None
            if share.get("suppressed") or not share["den"]
            else Fraction(share["num"], share["den"]) >= target
        )
        goal[f"{prefix}value"], goal[f"{prefix}met"] = share["value"], met
        if not prefix:
            goal["num"], goal["den"] = share["num"], share["den"]


def _set(part: dict[str, Any], cell: Cell, value: Any) -> None:
    target = part
    for key in cell[:-1]:
        target = target[key]
    target[cell[-1]] = value

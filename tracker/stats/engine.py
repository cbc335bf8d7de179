"""metrics.md computed over the per-case facts for one period: counts, breakdowns, shares and
figures, each split by gender (kvinna, man, ej_angivet) and in total. Pure computation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tracker.domain.periods import Period
from tracker.stats.facts import StatsFacts

GENDERS: tuple[str, ...] = ("kvinna", "man", "ej_angivet")
COLUMNS: tuple[str, ...] = (*GENDERS, "total")

# metrics.md's counts, in the order a report lists them.
COUNTS: tuple[str, ...] = (
    "contacts",
    "applications",
    "started",
    "not_started",
    "pending_at_end",
    "enrolled",
    "active_at_end",
    "active_step_up",
    "exits",
    "exits_handover",
    "exits_measurable",
    "step_up",
    "followup_6m",
    "followup_6m_held",
    "followup_6m_missing",
    "followup_18m",
    "followup_18m_held",
    "followup_18m_missing",
)
# breakdown id -> (code list, fact column, the count it breaks down)
BREAKDOWNS: dict[str, tuple[str, str, str]] = {
    "not_started_by_reason": ("non_start_reason", "reason", "not_started"),
    "exits_by_destination": ("exit_destination", "destination", "exits"),
    "exits_by_kind": ("exit_kind", "exit_kind", "exits"),
    # Why each missing follow-up is missing: the reason it was closed as not made (dated on
    # or before the last day), or NOT_RECORDED when nothing was registered.
    "followup_6m_missing_by_reason": (
        "follow_up_missed_reason",
        "followup_6m_missing_reason",
        "followup_6m_missing",
    ),
    "followup_18m_missing_by_reason": (
        "follow_up_missed_reason",
        "followup_18m_missing_reason",
        "followup_18m_missing",
    ),
}
# The code of a missing follow-up about which nothing was registered (not in any code list).
NOT_RECORDED = "ej_registrerad"
# Breakdowns by the report's insatser (Uppföljning Finsam, calendar years only):
# breakdown id -> the count it breaks down. Each case has one insats, so per column the
# insatser's cells add up to the count, like every other breakdown.
INSATS_BREAKDOWNS: dict[str, str] = {
    "started_by_insats": "started",
    "enrolled_by_insats": "enrolled",
}


def breakdown_base(breakdown: str) -> str:
    """The count a breakdown (of BREAKDOWNS or INSATS_BREAKDOWNS) breaks down."""
    return BREAKDOWNS[breakdown][2] if breakdown in BREAKDOWNS else INSATS_BREAKDOWNS[breakdown]


# share id -> (numerator count, denominator count)
SHARES: dict[str, tuple[str, str]] = {
    "step_up_share": ("step_up", "exits_measurable"),
    "handover_share": ("exits_handover", "exits"),
    "followup_6m_share": ("followup_6m_held", "followup_6m"),
    "followup_18m_share": ("followup_18m_held", "followup_18m"),
}
FIGURES: tuple[str, ...] = ("days_in_insats_median",)
SHARE_DECIMALS = 3


def cell_counts(gender_index: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    """How many of ``mask`` per gender, and in total."""
    per = np.bincount(gender_index[mask], minlength=len(GENDERS) + 1)
    cells = {gender: int(per[i]) for i, gender in enumerate(GENDERS)}
    cells["total"] = int(mask.sum())
    return cells


def share_cell(num: int, den: int) -> dict[str, Any]:
    """A share with its numerator and denominator; ``value`` is null when den = 0."""
    value = round(num / den, SHARE_DECIMALS) if den else None
    return {"num": num, "den": den, "value": value}


def _latest_levels(facts: StatsFacts, case_ids: np.ndarray, last: pd.Timestamp) -> np.ndarray:
    """Each case's latest ladder level dated on or before ``last`` (case order: date, then
    kind, so the exit's level wins on the exit day, then registration order)."""
    levels = facts.levels
    upto = levels[(levels["date"] <= last).to_numpy()]
    # ``levels`` is already in case order, so the last row per case is the latest.
    latest = upto.drop_duplicates("case_id", keep="last").set_index("case_id")["level"]
    return latest.reindex(case_ids).to_numpy(dtype=float)


def _median(values: pd.Series) -> int | float | None:
    if values.empty:
        return None
    median = float(values.median())
    return int(median) if median.is_integer() else median


@dataclass(frozen=True)
class _Selection:
    """Which cases of one period and insats selection each count holds (one mask per count and
    per breakdown code), the data every table of a report is counted from."""

    cases: pd.DataFrame
    gender_index: np.ndarray
    masks: dict[str, np.ndarray]
    breakdowns: dict[str, dict[str, np.ndarray]]


def _select(
    facts: StatsFacts, period: Period, insats_ids: Sequence[int], by_insats: bool = False
) -> _Selection:
    cases = facts.cases[facts.cases["insats"].isin(list(insats_ids))]
    first, last = pd.Timestamp(period.first), pd.Timestamp(period.last)
    gender_index = (
        cases["gender"].map({g: i for i, g in enumerate(GENDERS)}).fillna(len(GENDERS))
    ).to_numpy(dtype=np.int64)

    def within(column: str) -> np.ndarray:
        values = cases[column]
        return ((values >= first) & (values <= last)).to_numpy()

    def on_or_before(column: str) -> np.ndarray:
        return (cases[column] <= last).to_numpy()

    application, start = cases["application"], cases["start"]
    opened = application.fillna(start)
    closed = cases["non_start"].fillna(cases["exit"])
    exit_date = cases["exit"]
    start_level = cases["start_level"].to_numpy()
    exit_level = cases["exit_level"].to_numpy()

    masks: dict[str, np.ndarray] = {}
    masks["contacts"] = ((opened <= last) & (closed.isna() | (closed >= first))).to_numpy()
    masks["applications"] = within("application")
    masks["started"] = within("start")
    masks["not_started"] = within("non_start")
    masks["pending_at_end"] = (
        on_or_before("application") & ~on_or_before("start") & ~on_or_before("non_start")
    )
    started_by_end = on_or_before("start")
    masks["enrolled"] = started_by_end & (exit_date.isna() | (exit_date >= first)).to_numpy()
    masks["active_at_end"] = started_by_end & (exit_date.isna() | (exit_date > last)).to_numpy()
    latest = _latest_levels(facts, cases["case_id"].to_numpy(), last)
    masks["active_step_up"] = masks["enrolled"] & (latest > start_level)
    exits = within("exit")
    masks["exits"] = exits
    masks["exits_handover"] = exits & (cases["handover"] == 1).to_numpy()
    measurable = exits & ~np.isnan(start_level) & ~np.isnan(exit_level)
    masks["exits_measurable"] = measurable
    masks["step_up"] = measurable & (exit_level > start_level)
    for months in (6, 18):
        name = f"followup_{months}m"
        masks[name] = within(name)
        # A follow-up of an exit without a level cannot show it held: NaN compares False.
        masks[f"{name}_held"] = masks[name] & (cases[f"{name}_level"].to_numpy() >= exit_level)
        masks[f"{name}_missing"] = within(f"due_{months}m") & ~on_or_before(name)

    # Per-period columns for the breakdowns that depend on the last day.
    derived: dict[str, np.ndarray] = {}
    for months in (6, 18):
        closed_by_end = on_or_before(f"followup_{months}m_missed")
        reasons = cases[f"followup_{months}m_missed_reason"].to_numpy(dtype=object)
        derived[f"followup_{months}m_missing_reason"] = np.where(
            closed_by_end, reasons, NOT_RECORDED
        )

    breakdowns: dict[str, dict[str, np.ndarray]] = {}
    for breakdown, (list_name, column, parent) in BREAKDOWNS.items():
        values = derived[column] if column in derived else cases[column].to_numpy(dtype=object)
        listed = facts.code_lists[list_name].codes if list_name in facts.code_lists else ()
        present = {v for v in values[masks[parent]] if isinstance(v, str)}
        codes = [*listed, *sorted(present - set(listed))]
        if column in derived and NOT_RECORDED not in codes:
            codes.append(NOT_RECORDED)  # always shown, like a listed code
        breakdowns[breakdown] = {code: masks[parent] & (values == code) for code in codes}
    if by_insats:
        insats = cases["insats"].to_numpy()
        for breakdown, parent in INSATS_BREAKDOWNS.items():
            breakdowns[breakdown] = {
                facts.insatser[insats_id]: masks[parent] & (insats == insats_id)
                for insats_id in insats_ids
            }
    return _Selection(cases, gender_index, masks, breakdowns)


def key_sums(
    facts: StatsFacts,
    period: Period,
    insats_ids: Sequence[int],
    record_keys: pd.Series,
    modulus: int,
    *,
    by_insats: bool = False,
) -> dict[str, Any]:
    """Per count and breakdown cell, the sum of its cases' record keys modulo ``modulus``
    (``record_keys``: one whole number below ``modulus`` per participant code): the cell keys
    of the cell-key method (tracker.reports.cellkey), cell for cell like ``compute``'s counts
    (``by_insats`` as there)."""
    chosen = _select(facts, period, insats_ids, by_insats)
    weights = record_keys.reindex(chosen.cases.index).to_numpy(dtype=np.float64)
    # Exact in float64 while the sum stays below 2**53: 2**32 per key, up to 2**21 cases.
    return {
        "counts": {
            name: _key_cells(chosen.gender_index, chosen.masks[name], weights, modulus)
            for name in COUNTS
        },
        "breakdowns": {
            name: {
                code: _key_cells(chosen.gender_index, mask, weights, modulus)
                for code, mask in by_code.items()
            }
            for name, by_code in chosen.breakdowns.items()
        },
    }


def _key_cells(
    gender_index: np.ndarray, mask: np.ndarray, weights: np.ndarray, modulus: int
) -> dict[str, int]:
    per = np.bincount(gender_index[mask], weights=weights[mask], minlength=len(GENDERS) + 1)
    cells = {gender: int(per[i]) % modulus for i, gender in enumerate(GENDERS)}
    cells["total"] = int(weights[mask].sum()) % modulus
    return cells


def compute(
    facts: StatsFacts, period: Period, insats_ids: Sequence[int], *, by_insats: bool = False
) -> dict[str, Any]:
    """Counts, breakdowns, shares and figures of metrics.md for ``period`` over the cases of
    ``insats_ids``: ``{"counts": …, "breakdowns": …, "shares": …, "figures": …}``.

    ``by_insats``: also the INSATS_BREAKDOWNS, one code per insats (its name)."""
    chosen = _select(facts, period, insats_ids, by_insats)
    cases, gender_index, masks = chosen.cases, chosen.gender_index, chosen.masks
    exit_date, start = cases["exit"], cases["start"]
    exits = masks["exits"]
    counts = {name: cell_counts(gender_index, masks[name]) for name in COUNTS}

    breakdowns = {
        name: {code: cell_counts(gender_index, mask) for code, mask in by_code.items()}
        for name, by_code in chosen.breakdowns.items()
    }

    shares: dict[str, dict[str, dict[str, Any]]] = {}
    for share, (num, den) in SHARES.items():
        shares[share] = {col: share_cell(counts[num][col], counts[den][col]) for col in COLUMNS}
    for code, cells in breakdowns["exits_by_destination"].items():
        shares[f"destination_share.{code}"] = {
            col: share_cell(cells[col], counts["exits"][col]) for col in COLUMNS
        }

    days = (exit_date - start).dt.days
    figures = {
        "days_in_insats_median": {
            **{
                gender: _median(days[exits & (gender_index == i)])
                for i, gender in enumerate(GENDERS)
            },
            "total": _median(days[exits]),
        }
    }
    return {"counts": counts, "breakdowns": breakdowns, "shares": shares, "figures": figures}

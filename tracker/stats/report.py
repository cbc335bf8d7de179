"""The statistics report: report.json (interfaces.md, schema ``tracker.report/1``) unsuppressed.

Public API (what the TUI and the board-report bundle call):

- ``build_report(session, period, insatser=None, as_of=None)``: read and compute in one go.
- ``load_facts(session, as_of=None)`` then ``report_from_facts(facts, period, insatser)``:
  one read of the log, any number of periods and insats selections computed from it.

The result is internal (``"internal": true``, ``"suppression": null``): small counts are shown
as they are. Board exports apply suppression on top of it (tracker.reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pandas as pd

from tracker.domain.goals import DEFAULT_GOALS, GOAL_METRICS
from tracker.domain.periods import Period
from tracker.services.session import ServiceError, Session
from tracker.stats.engine import INSATS_BREAKDOWNS, compute, key_sums
from tracker.stats.facts import StatsFacts, read_facts

SCHEMA = "tracker.report/1"


def load_facts(session: Session, as_of: int | None = None) -> StatsFacts:
    """Read the register as of event ``as_of`` (default: the newest event), in one query."""
    with session.read() as connection:
        return read_facts(connection, as_of)


GOAL_SET = "set"  # a coordinator set it: the board's goal
GOAL_DEFAULT = "default"  # metrics.md's default: nobody decided it


def goal_targets(facts: StatsFacts, insats_ids: Sequence[int]) -> dict[str, tuple[float, str]]:
    """Each goal's (target, source) over the selected insatser, as of the facts' ``as_of``.

    The goals a coordinator set come first: where selected insatser have set different
    targets, the report holds all of them to the strictest (the highest). Only when no selected
    insats has set a goal for a share does metrics.md's default apply, and it says so
    (source ``"default"``), so a default is never presented as the board's decision.
    """
    targets: dict[str, tuple[float, str]] = {}
    for metric in GOAL_METRICS:
        chosen = [
            facts.goals[(insats_id, metric)]
            for insats_id in insats_ids
            if (insats_id, metric) in facts.goals
        ]
        if chosen:
            targets[metric] = (max(chosen), GOAL_SET)
        elif metric in DEFAULT_GOALS and insats_ids:
            targets[metric] = (DEFAULT_GOALS[metric], GOAL_DEFAULT)
    return targets


def _met(share: dict[str, Any], target: float) -> bool | None:
    if not share["den"]:
        return None
    # Exact: 4/5 meets 0.8 whatever floating point makes of 0.8.
    return Fraction(share["num"], share["den"]) >= Fraction(str(target))


# Uppföljning Finsam (Försäkringskassan's national follow-up of financial coordination): per
# insats and calendar year, the participants new in the year and those active during it, split
# by gender: the engine's breakdowns of ``started`` and ``enrolled`` by insats. Being breakdowns
# of the report's own counts, they are protected in a board bundle like every other breakdown.
FINSAM_BREAKDOWNS: dict[str, str] = {
    "new": "started_by_insats",  # started in the year
    "active": "enrolled_by_insats",  # enrolled at some time during the year
}
assert set(FINSAM_BREAKDOWNS.values()) == set(INSATS_BREAKDOWNS)


def is_calendar_year(period: Period) -> bool:
    """True for ``2026`` and for ``2026-01-01..2026-12-31``: the Finsam follow-up's unit."""
    return (
        period.first.year == period.last.year
        and (period.first.month, period.first.day) == (1, 1)
        and (period.last.month, period.last.day) == (12, 31)
    )


def report_from_facts(
    facts: StatsFacts, period: Period, insatser: Sequence[str] | None = None
) -> dict[str, Any]:
    """report.json's content for ``period`` and the named insatser (default: all)."""
    insats_ids = facts.insats_ids(list(insatser) if insatser is not None else None)
    comparison_period = period.comparison()
    purged_before = facts.purged_before
    if purged_before is not None and period.first.isoformat() < purged_before:
        # Cases of this period have been purged: refuse rather than undercount.
        raise ServiceError(
            "purge.period_purged",
            period=period.label,
            first=period.first.isoformat(),
            before=purged_before,
        )
    year = is_calendar_year(period)
    current = compute(facts, period, insats_ids, by_insats=year)
    earlier = compute(facts, comparison_period, insats_ids)
    goals = []
    for metric, (target, source) in goal_targets(facts, insats_ids).items():
        share, earlier_share = (
            current["shares"][metric]["total"],
            earlier["shares"][metric]["total"],
        )
        goals.append(
            {
                "metric": metric,
                "target": target,
                "source": source,
                "value": share["value"],
                "num": share["num"],
                "den": share["den"],
                "met": _met(share, target),
                "comparison_value": earlier_share["value"],
                "comparison_met": _met(earlier_share, target),
            }
        )
    marks: dict[str, Any] = {}
    if purged_before is not None and comparison_period.first.isoformat() < purged_before:
        # The period itself is whole; the one it is compared with has lost cases.
        marks["purged"] = {"before": purged_before, "comparison_incomplete": True}
    finsam: dict[str, Any] = {}
    if year:
        finsam = {"finsam": {"year": period.first.year, "breakdowns": dict(FINSAM_BREAKDOWNS)}}
    return {
        **marks,
        "schema": SCHEMA,
        "internal": True,
        "period": period.to_dict(),
        "comparison_period": comparison_period.to_dict(),
        "insatser": [facts.insatser[insats_id] for insats_id in insats_ids],
        "as_of": {"seq": facts.as_of, "hash": facts.head_hash},
        "suppression": None,
        **current,
        "goals": goals,
        "comparison": earlier,
        **finsam,
    }


def report_key_sums(
    facts: StatsFacts,
    period: Period,
    record_keys: pd.Series,
    modulus: int,
    insatser: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The cell keys of ``report_from_facts``'s counts and breakdowns, for the period and its
    comparison period (``{"counts", "breakdowns", "comparison": {…}}``): each cell's sum of
    its participants' record keys modulo ``modulus`` (tracker.reports.cellkey)."""
    insats_ids = facts.insats_ids(list(insatser) if insatser is not None else None)
    year = is_calendar_year(period)
    return {
        **key_sums(facts, period, insats_ids, record_keys, modulus, by_insats=year),
        "comparison": key_sums(facts, period.comparison(), insats_ids, record_keys, modulus),
    }


def build_report(
    session: Session,
    period: Period,
    insatser: Sequence[str] | None = None,
    as_of: int | None = None,
) -> dict[str, Any]:
    """Read the register as of ``as_of`` (default: head) and compute the report for ``period``."""
    return report_from_facts(load_facts(session, as_of), period, insatser)

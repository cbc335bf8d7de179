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

from tracker.domain.goals import DEFAULT_GOALS, GOAL_METRICS
from tracker.domain.periods import Period
from tracker.services.session import ServiceError, Session
from tracker.stats.engine import compute
from tracker.stats.facts import StatsFacts, read_facts

SCHEMA = "tracker.report/1"


def load_facts(session: Session, as_of: int | None = None) -> StatsFacts:
    """Read the register as of event ``as_of`` (default: the newest event), in one query."""
    with session.read() as connection:
        return read_facts(connection, as_of)


def goal_targets(facts: StatsFacts, insats_ids: Sequence[int]) -> dict[str, float]:
    """Each goal's target over the selected insatser, as of the facts' ``as_of``.

    A goal an insats has not set is metrics.md's default. Where selected insatser have
    different targets, the report holds all of them to the strictest (the highest).
    """
    targets: dict[str, float] = {}
    for metric in GOAL_METRICS:
        values = [
            facts.goals.get((insats_id, metric), DEFAULT_GOALS.get(metric))
            for insats_id in insats_ids
        ]
        present = [value for value in values if value is not None]
        if present:
            targets[metric] = max(present)
    return targets


def _met(share: dict[str, Any], target: float) -> bool | None:
    if not share["den"]:
        return None
    # Exact: 4/5 meets 0.8 whatever floating point makes of 0.8.
    return Fraction(share["num"], share["den"]) >= Fraction(str(target))


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
    current = compute(facts, period, insats_ids)
    earlier = compute(facts, comparison_period, insats_ids)
    goals = []
    for metric, target in goal_targets(facts, insats_ids).items():
        share, earlier_share = (
            current["shares"][metric]["total"],
            earlier["shares"][metric]["total"],
        )
        goals.append(
            {
                "metric": metric,
                "target": target,
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
    }


def build_report(
    session: Session,
    period: Period,
    insatser: Sequence[str] | None = None,
    as_of: int | None = None,
) -> dict[str, Any]:
    """Read the register as of ``as_of`` (default: head) and compute the report for ``period``."""
    return report_from_facts(load_facts(session, as_of), period, insatser)

"""Board goals per insats (metrics.md, "Goals"): read them, and let a coordinator set them.

A goal is a ``goals_set`` event ``{"insats": id, "metric": id, "target": 0.8}``; the ``goals``
projection holds the latest per insats and metric. Where none is set, the default applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker.domain.goals import (
    DEFAULT_GOALS,
    GOAL_METRICS,
    GOALS_SET,
    check_goal_metric,
    check_target,
)
from tracker.services.session import ROLE_COORDINATOR, NotFound, Session, insats_ids
from tracker.store.schema import goals


@dataclass(frozen=True)
class Goal:
    insats: str
    metric: str
    target: float
    is_default: bool  # no coordinator has set this one: metrics.md's default applies


def list_goals(session: Session, insats: str | None = None) -> list[Goal]:
    """Every goal of every insats (or of one), by insats name then metric order.

    Metrics with neither a set goal nor a default are left out.
    """
    with session.read() as connection:
        ids = insats_ids(connection)
        rows = connection.execute(select(goals.c.insats_id, goals.c.metric, goals.c.target)).all()
    if insats is not None and insats not in ids:
        raise NotFound("service.unknown_insats", insats=insats)
    stored = {(row.insats_id, row.metric): row.target for row in rows}
    names = [insats] if insats is not None else sorted(ids)
    result = []
    for name in names:
        for metric in GOAL_METRICS:
            target = stored.get((ids[name], metric))
            if target is not None:
                result.append(Goal(name, metric, target, is_default=False))
            elif metric in DEFAULT_GOALS:
                result.append(Goal(name, metric, DEFAULT_GOALS[metric], is_default=True))
    return result


def set_goal(session: Session, *, insats: str, metric: str, target: float) -> Goal:
    """A coordinator sets the board's goal for one share of one insats (target 0–1)."""
    session.require_role(ROLE_COORDINATOR)
    check_goal_metric(metric)
    value = check_target(target)
    with session.transaction() as tx:
        ids = insats_ids(tx.connection)
        if insats not in ids:
            raise NotFound("service.unknown_insats", insats=insats)
        tx.append(GOALS_SET, {"insats": ids[insats], "metric": metric, "target": value})
    return Goal(insats, metric, value, is_default=False)


__all__ = ["Goal", "list_goals", "set_goal"]

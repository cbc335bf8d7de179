"""Board goals (metrics.md, "Goals"): which shares may carry a goal, the defaults, and targets
as people type them ("80", "80 %", "0,8")."""

from __future__ import annotations

import re

from tracker.domain.errors import RuleError, Violation

# The shares a board may set a goal for (metrics.md ids).
GOAL_METRICS: tuple[str, ...] = (
    "step_up_share",
    "handover_share",
    "followup_6m_share",
    "followup_18m_share",
)

# metrics.md defaults; they apply to every insats until a coordinator sets its own.
DEFAULT_GOALS: dict[str, float] = {
    "step_up_share": 0.80,
    "followup_6m_share": 0.80,
    "followup_18m_share": 0.90,
}

GOALS_SET = "goals_set"  # the event kind: {"insats": id, "metric": id, "target": 0.8}

_NUMBER = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(%?)")


def check_goal_metric(metric: str) -> None:
    """RuleError unless ``metric`` is a share a goal can be set for."""
    if metric not in GOAL_METRICS:
        raise RuleError(
            [
                Violation(
                    "stats.goal_metric_unknown",
                    {"metric": metric, "metrics": ", ".join(GOAL_METRICS)},
                    "metric",
                )
            ]
        )


def check_target(target: float) -> float:
    """The target as a float in [0, 1]; RuleError otherwise."""
    if isinstance(target, bool) or not 0.0 <= float(target) <= 1.0:
        raise RuleError([Violation("stats.goal_target", {}, "target")])
    return float(target)


def parse_target(text: str) -> float:
    """``"0.8"``, ``"0,8"``, ``"80"``, ``"80 %"`` → 0.8.

    A number above 1, or one followed by ``%``, is a percentage; 0–1 without ``%`` is a share
    (so ``"1"`` means 100 %). Anything else, or a result outside 0–100 %, is refused.
    """
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        raise RuleError([Violation("stats.goal_target", {}, "target")])
    value = float(match.group(1).replace(",", "."))
    if match.group(2) == "%" or value > 1:
        value /= 100
    return round(check_target(value), 6)

"""The stats layer's catalog entries exist, and its vectorised due dates equal the domain's."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.dates import add_months
from tracker.domain.goals import GOAL_METRICS
from tracker.i18n import CATALOG
from tracker.stats.engine import BREAKDOWNS, COLUMNS, COUNTS, FIGURES, SHARES

PACKAGE = Path(__file__).resolve().parents[2] / "tracker"


def test_every_metric_and_column_has_a_label() -> None:
    for name in (*COUNTS, *BREAKDOWNS, *SHARES, *FIGURES, *GOAL_METRICS, "destination_share"):
        assert f"stats.metric.{name}" in CATALOG, name
    for column in COLUMNS:
        assert f"stats.col.{column}" in CATALOG, column


def test_every_stats_key_named_in_the_code_exists() -> None:
    named = {
        node.value
        for path in PACKAGE.rglob("*.py")
        if path.name != "i18n.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("stats.")
        and " " not in node.value
        and not node.value.endswith(".")
    }
    assert named, "the stats layer names its messages"
    assert sorted(key for key in named if key not in CATALOG) == []


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.sampled_from([6, 18]))
def test_pandas_month_offsets_equal_the_domains_add_months(day: date, months: int) -> None:
    # The engine computes follow-up due dates with pandas; they must be the domain's dates.
    shifted = pd.Series(pd.to_datetime([day, day + timedelta(days=1)])) + pd.DateOffset(
        months=months
    )
    assert [stamp.date() for stamp in shifted] == [
        add_months(day, months),
        add_months(day + timedelta(days=1), months),
    ]

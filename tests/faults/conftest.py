"""The fault suite: the short version runs by default; ``-m slow`` runs the long one.

Tests marked ``slow`` in this folder are the long trials (hundreds of kills, corruptions and
fuzzed files); they are left out unless the marker expression asks for ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("markexpr") or ""):
        return
    kept, dropped = [], []
    for item in items:
        in_here = HERE in Path(str(item.fspath)).parents
        (dropped if in_here and item.get_closest_marker("slow") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

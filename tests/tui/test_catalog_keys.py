"""Every catalog key the case screens name exists, in both languages (tests/test_i18n.py checks
that each key has both)."""

from __future__ import annotations

import ast
from pathlib import Path

from tracker.domain.case import STATUSES
from tracker.i18n import CATALOG
from tracker.tui.cases import CASE_COLUMNS, FILTERS
from tracker.tui.detail import TIMELINE_COLUMNS
from tracker.tui.followups import DUE_COLUMNS

TUI = Path(__file__).resolve().parents[2] / "tracker" / "tui"
OURS = ("cases.py", "forms.py", "detail.py", "followups.py", "widgets.py")


def test_literal_keys_exist() -> None:
    named = set()
    for name in OURS:
        for node in ast.walk(ast.parse((TUI / name).read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            # f-string fragments ("tui.cases.status_") are checked below as composed keys.
            if isinstance(value, str) and value.startswith("tui.") and " " not in value:
                if value.endswith((".", "_")):
                    continue
                named.add(value)
    assert named, "the scan found no keys"
    assert sorted(key for key in named if key not in CATALOG) == []


def test_composed_keys_exist() -> None:
    composed = {f"tui.cases.status_{status}" for status in STATUSES}
    composed |= {f"tui.cases.filter_{name}" for name in FILTERS}
    composed |= {f"tui.detail_{key}" for key in TIMELINE_COLUMNS}
    composed |= {f"tui.cases.{key}" for key in CASE_COLUMNS}
    composed |= {f"tui.followups_col_{key}" for key in DUE_COLUMNS}
    assert sorted(key for key in composed if key not in CATALOG) == []

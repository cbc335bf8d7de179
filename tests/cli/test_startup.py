"""Start-up: `import tracker.cli` and `tracker --help` load none of the heavy packages.

Each command handler imports what it needs inside its body (docs/architecture.md, "The command
line"); this test names the package that a module-level import brought back.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "pandas",
    "numpy",
    "matplotlib",
    "reportlab",
    "scipy",
    "cryptography",
    "textual",
)
PROBE = """
import json, sys
{action}
heavy = {heavy!r}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("tracker."))))
"""
HELP = """
import contextlib, io
from tracker.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(["{args}"])
"""


def _loaded(action: str) -> tuple[list[str], list[str]]:
    code = PROBE.format(action=action, heavy=HEAVY)
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    heavy, project = run.stdout.splitlines()
    return json.loads(heavy), json.loads(project)


@pytest.mark.parametrize(
    "action",
    [
        "import tracker.cli",
        HELP.format(args="--help"),
        HELP.format(args="--version"),
        HELP.format(args="--no-such-option"),
    ],
    ids=["import", "help", "version", "usage-error"],
)
def test_start_up_loads_no_heavy_package(action: str) -> None:
    heavy, project = _loaded(action)
    assert heavy == [], f"tracker.cli loads {heavy} at start-up: import it inside the handler"
    assert project == ["tracker.cli", "tracker.i18n"], project

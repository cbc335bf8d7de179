"""Shared fixtures: real SQLCipher registers in temporary folders.

In-process tests lower the Argon2id cost (monkeypatched module constants, not reachable from
the environment) so each register opens in milliseconds; the CLI tests run the real command in a
subprocess, at the same cheap cost through tests/cli_launcher.py except where a test's meaning
needs the production cost (tests/cli_support.py lists them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import CHEAP_KDF, INSATSER, PASSPHRASE, TODAY, cheap_kdf_patched

from tracker import i18n
from tracker.services import registers
from tracker.services.session import Session
from tracker.store import keyfile


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts) runs the benchmarks in this one process: timed side
    by side, each would measure the other."""
    expression = config.getoption("markexpr") or ""
    if "perf" in expression and "not perf" not in expression:
        return 0
    return None  # xdist's own choice: one worker per core


# The units of work that take longest (a file, or a class where a file groups its tests in
# classes; pytest-xdist's --dist loadscope hands out one unit at a time), measured with
# --durations: they start first, so no worker is left running one of them alone at the end.
# Every other test keeps pytest's order (docs/performance.md, "The test suite").
LONGEST_FIRST = (
    "tests/reports/test_disclosure_attack.py::TestCellKeyFull::",  # -m slow
    "tests/reports/test_disclosure_attack.py::TestThresholdSuppression::",  # -m slow
    "tests/serve/test_serve_browser.py::",
    "tests/reports/test_disclosure_attack.py::TestCellKey::",
    "tests/tui/test_shell.py::",
    "tests/faults/test_store_faults.py::",
    "tests/tui/test_end_to_end.py::",
    "tests/reports/test_insider_forgery.py::",
    "tests/tui/test_reports_screen.py::",
    "tests/tui/test_flows.py::",
    "tests/cli/test_backup_cli.py::",
    "tests/cli/test_report_cli.py::",
    "tests/stats/test_sql_twin.py::",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` are the long versions of tests that also run in a short form by
    default (hundreds of fault trials, the full disclosure attack): they run only when the
    marker expression names them (``uv run pytest -m slow``). The rest: the longest units
    first (``LONGEST_FIRST``)."""
    if "slow" not in (config.getoption("markexpr") or ""):
        long_versions = [item for item in items if item.get_closest_marker("slow")]
        if long_versions:
            config.hook.pytest_deselected(items=long_versions)
            items[:] = [item for item in items if not item.get_closest_marker("slow")]

    def rank(item: pytest.Item) -> int:
        return next(
            (n for n, unit in enumerate(LONGEST_FIRST) if item.nodeid.startswith(unit)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)  # stable: the order inside each unit stays


@pytest.fixture(autouse=True)
def swedish_by_default() -> Iterator[None]:
    """Every test starts in the default language and leaves it so: a test that switches to
    English (as ``--lang en`` does) must not change the next test's messages on its worker."""
    i18n.set_language("sv")
    yield
    i18n.set_language("sv")


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> keyfile.KdfParams:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", CHEAP_KDF)
    monkeypatch.setattr(keyfile, "KDF_FLOOR", CHEAP_KDF)
    return CHEAP_KDF


@pytest.fixture(scope="module")
def cheap_kdf_module() -> Iterator[keyfile.KdfParams]:
    """``cheap_kdf`` for a whole module: its module fixtures make and open registers (in-process
    or through the cheap CLI children) at the cheap cost."""
    with cheap_kdf_patched() as cheap:
        yield cheap


@pytest.fixture
def db_path(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> Path:
    path = tmp_path / "db" / "tracker.db"
    registers.create_register(
        path, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    return path


@pytest.fixture
def session(db_path: Path) -> Iterator[Session]:
    with registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as opened:
        yield opened

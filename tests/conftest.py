"""Shared fixtures: real SQLCipher registers in temporary folders.

In-process tests lower the Argon2id cost (monkeypatched module constants, not reachable from
the environment) so each register opens in milliseconds; the CLI tests in tests/cli run the real
command in a subprocess with the production cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import INSATSER, PASSPHRASE, TODAY

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` are the long versions of tests that also run in a short form by
    default (hundreds of fault trials, the full disclosure attack): they run only when the
    marker expression names them (``uv run pytest -m slow``)."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    long_versions = [item for item in items if item.get_closest_marker("slow")]
    if long_versions:
        config.hook.pytest_deselected(items=long_versions)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture(autouse=True)
def swedish_by_default() -> Iterator[None]:
    """Every test starts in the default language and leaves it so: a test that switches to
    English (as ``--lang en`` does) must not change the next test's messages on its worker."""
    i18n.set_language("sv")
    yield
    i18n.set_language("sv")


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> keyfile.KdfParams:
    cheap = keyfile.KdfParams(memory_cost=8, iterations=1, lanes=1)
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", cheap)
    monkeypatch.setattr(keyfile, "KDF_FLOOR", cheap)
    return cheap


@pytest.fixture
def db_path(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> Path:
    path = tmp_path / "db" / "tracker.db"
    registers.create_register(
        path, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    return path


@pytest.fixture
def session(db_path: Path) -> Iterator[Session]:
    opened = registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    )
    try:
        yield opened
    finally:
        opened.close()

"""The shell's small parts: settings file, passphrase hints, failure delays, CLI without a
terminal."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.i18n import t
from tracker.services import registers
from tracker.tui.login import FAILURE_DELAY_MAX, failure_delay
from tracker.tui.settings import (
    DEFAULT_IDLE_MINUTES,
    Settings,
    idle_seconds,
    load_settings,
    save_settings,
    settings_path_for,
)
from tracker.tui.wizard import strength_hint


def test_settings_round_trip_and_damaged_files(tmp_path: Path) -> None:
    path = settings_path_for(tmp_path / "db" / "tracker.db")
    assert path == tmp_path / "db" / "tracker.db.settings.json"
    assert load_settings(path) == Settings()
    save_settings(path, Settings(last_user="anna", idle_minutes=5))
    assert load_settings(path) == Settings(last_user="anna", idle_minutes=5.0)
    assert json.loads(path.read_text(encoding="utf-8")) == {"last_user": "anna", "idle_minutes": 5}
    for damaged in ("{not json", "[1, 2]", '{"last_user": 3, "idle_minutes": -1}'):
        path.write_text(damaged, encoding="utf-8")
        assert load_settings(path) == Settings()


def test_idle_time_from_argument_environment_or_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_IDLE_SECONDS", raising=False)
    assert idle_seconds(Settings()) == DEFAULT_IDLE_MINUTES * 60 == 600
    assert idle_seconds(Settings(idle_minutes=2)) == 120
    monkeypatch.setenv("TRACKER_IDLE_SECONDS", "3")
    assert idle_seconds(Settings(idle_minutes=2)) == 3
    assert idle_seconds(Settings(), 0.5) == 0.5
    monkeypatch.setenv("TRACKER_IDLE_SECONDS", "soon")
    assert idle_seconds(Settings()) == 600


@pytest.mark.parametrize(
    ("passphrase", "key", "warning"),
    [
        ("", "tui.hint_words", False),
        ("kort", "tui.hint_too_short", True),
        ("12345678901", "tui.hint_digits", True),
        ("supercalifragilistic", "tui.hint_one_word", True),
        ("blå cykel rullar", "tui.hint_more_words", False),
        ("korrekt-häst-batteri-häftklammer", "tui.hint_good", False),
        ("fyra vanliga ord här", "tui.hint_good", False),
    ],
)
def test_strength_hint(passphrase: str, key: str, warning: bool) -> None:
    assert strength_hint(passphrase) == (key, warning)
    # The hint never contradicts the rule the services enforce.
    if key == "tui.hint_too_short":
        with pytest.raises(registers.ServiceError):
            registers.check_new_passphrase(passphrase)


def test_failure_delay_grows_and_is_capped() -> None:
    delays = [failure_delay(n) for n in range(1, 12)]
    assert delays[0] == 0
    assert all(a < b for a, b in itertools.pairwise(delays[1:7]))
    assert max(delays) == FAILURE_DELAY_MAX


def test_bare_tracker_without_a_terminal_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    run = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(tmp_path / "x.db")],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.strip() == t("tui.needs_terminal", "sv")
    assert not (tmp_path / "x.db").exists()

"""The shell's small parts: settings file, passphrase hints, failure delays, CLI without a
terminal."""

from __future__ import annotations

import ast
import fcntl
import itertools
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

import tracker.tui
from tracker.i18n import CATALOG, t
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


def test_every_tui_key_in_the_shell_exists() -> None:
    package = Path(tracker.tui.__file__).parent
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    # The literal pieces of an f-string ("tui.cases.status_") are prefixes, not keys.
    pieces = {
        id(value)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for value in node.values
    }
    keys = {
        node.value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and id(node) not in pieces
        and isinstance(node.value, str)
        and node.value.startswith("tui.")
        and node.value != "tui."  # a prefix test, not a key
        and " " not in node.value
    }
    assert "tui.login_title" in keys
    assert sorted(key for key in keys if key not in CATALOG) == []


def test_settings_round_trip_and_damaged_files(tmp_path: Path) -> None:
    path = settings_path_for(tmp_path / "db" / "tracker.db")
    assert path == tmp_path / "db" / "tracker.db.settings.json"
    assert load_settings(path) == Settings()
    save_settings(path, Settings(last_user="anna", idle_minutes=5, demo=True))
    assert load_settings(path) == Settings(last_user="anna", idle_minutes=5.0, demo=True)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "last_user": "anna",
        "idle_minutes": 5,
        "theme": "",
        "demo": True,
    }
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


def test_bare_tracker_in_a_terminal_opens_the_first_run_wizard(tmp_path: Path) -> None:
    """The real command in a pseudo-terminal: the app starts, shows the wizard, quits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(tmp_path / "db" / "tracker.db")],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
        env=env,
    )
    os.close(slave)
    output = b""

    def read_for(seconds: float, until: bytes | None = None) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in output):
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    return

    try:
        read_for(60, t("tui.wizard_title", "sv").encode())
        assert t("tui.wizard_title", "sv").encode() in output
        os.write(master, b"\x11")  # ctrl+q
        read_for(2)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert b"Traceback" not in output
    assert not (tmp_path / "db" / "tracker.db").exists()


@pytest.mark.parametrize("command", [(), ("demo", "--open")], ids=["bare", "demo-open"])
def test_the_tui_without_a_terminal_says_so(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    run = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(tmp_path / "x.db"), *command],
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

"""What a new user meets on day one at the command line (issue 14): every ``--help`` works in
both languages, ``tracker demo`` then ``tracker demo --open`` opens the demo, a closed pipe
(``tracker stats | head``) ends quietly, and a demo's report bundle says DEMO in its name.
"""

from __future__ import annotations

import argparse
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import clean_env, program, run_cli, start_cli

from tracker import cli
from tracker.i18n import t

DEMO_LOGIN = {"TRACKER_USER": "demo", "TRACKER_PASSPHRASE": "demo"}


def command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand the parser knows, read from argparse itself, so commands
    added later are covered without a list to keep in step."""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from command_paths(sub, (*prefix, name))


ALL_COMMANDS = sorted(set(command_paths(cli.build_parser())))


def test_the_parser_has_nested_commands() -> None:
    # The walk really finds subcommands (a broken walk would make the next test trivial).
    assert ("goals", "set") in ALL_COMMANDS and ("key", "add") in ALL_COMMANDS
    assert len(ALL_COMMANDS) > 15


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: " ".join(c) or "tracker")
def test_every_help_exits_0_without_traceback(
    command: tuple[str, ...], lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--lang", lang, *command, "--help"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    assert "Traceback" not in out + err and err == ""
    assert " ".join(("tracker", *command)) in out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_goals_set_help_prints_the_percent_sign(tmp_path: Path, lang: str) -> None:
    run = run_cli("--lang", lang, "goals", "set", "--help", cwd=tmp_path, env={})
    assert run.code == 0 and run.err == "", run
    assert "80 %" in run.out


def test_stats_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    assert run_cli("demo", "--participants", "20", "--seed", "3", cwd=tmp_path, env={}).code == 0
    process = start_cli(["--db", "db/demo.db", "stats", "--period", "2026"], tmp_path, DEMO_LOGIN)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line, like "| head -0"
    err = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=300) == cli.EXIT_ERROR
    assert err == ""  # not "Filfel: Broken pipe", no traceback


def test_demo_bundle_is_named_demo(tmp_path: Path) -> None:
    assert run_cli("demo", "--participants", "20", "--seed", "3", cwd=tmp_path, env={}).code == 0
    run = run_cli(
        "--db",
        "db/demo.db",
        "report",
        "--period",
        "2026",
        "--format",
        "csv",
        "--out",
        "out",
        cwd=tmp_path,
        env=DEMO_LOGIN,
    )
    assert run.code == 0, run
    (bundle,) = (tmp_path / "out").iterdir()
    assert bundle.name.startswith("DEMO_2026_alla_"), bundle.name


def _read_screen(master: int, until: bytes, seconds: float) -> bytes:
    """What the TUI drew on the pseudo-terminal, until ``until`` shows up (or time runs out)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while until not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_demo_then_demo_open_opens_the_existing_demo(tmp_path: Path) -> None:
    first = run_cli("demo", "--participants", "20", "--seed", "3", cwd=tmp_path, env={})
    assert first.code == 0, first
    before = (tmp_path / "db" / "demo.db").read_bytes()
    master, slave = os.openpty()
    process = subprocess.Popen(
        [*program(), "demo", "--open"],
        cwd=tmp_path,
        env=clean_env(TERM="xterm-256color", COLUMNS="80", LINES="24"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    try:
        # The demo hint's last words; the hint wraps at 80 columns, so wait for words that stay
        # on one line (waiting for a split phrase would only ever end at the time-out).
        screen = _read_screen(master, "lösenfras demo".encode(), 120)
        # The login screen of the existing demo, marked DEMO before anyone logged in.
        assert (
            "lösenfras demo".encode() in screen
            and b"DEMO" in screen
            and t("cli.demo_exists", path="db/demo.db")[:20].encode() not in screen
        )
        os.write(master, b"\x11")  # Ctrl+Q
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert (tmp_path / "db" / "demo.db").read_bytes() == before


def test_demo_open_refuses_a_register_that_is_not_a_demo(tmp_path: Path) -> None:
    made = run_cli(
        "--db",
        "db/demo.db",
        "init",
        "--user",
        "anna",
        "--insats",
        "Samordningsteam Sala",
        cwd=tmp_path,
        env={"TRACKER_NEW_PASSPHRASE": "korrekt häst batteri zebra"},
    )
    assert made.code == 0, made
    run = run_cli("demo", "--open", cwd=tmp_path, env={})
    assert run.code == cli.EXIT_ERROR
    assert run.err.strip() == t("cli.demo_not_demo", "sv", path=str(Path("db") / "demo.db"))

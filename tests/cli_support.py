"""The real command line in subprocesses, for the CLI tests of each command.

Each run gets an environment without any inherited TRACKER_* variable, stdin closed (nothing
is interactive) and the production key-derivation cost. Logins cost a second or two, so
independent commands can run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

TIMEOUT = 300


class Run(NamedTuple):
    code: int
    out: str
    err: str


def start_cli(args: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish_cli(process: subprocess.Popen[bytes]) -> Run:
    out, err = process.communicate(timeout=TIMEOUT)
    return Run(process.returncode, out.decode("utf-8"), err.decode("utf-8"))


def run_cli(*args: str, cwd: Path, env: Mapping[str, str]) -> Run:
    return finish_cli(start_cli(args, cwd, env))


def run_side_by_side(cwd: Path, *calls: tuple[Sequence[str], Mapping[str, str]]) -> list[Run]:
    started = [start_cli(args, cwd, env) for args, env in calls]
    return [finish_cli(process) for process in started]

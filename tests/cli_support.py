"""The real command line in subprocesses, for the CLI tests of each command.

Each run gets an environment without any inherited TRACKER_* variable and stdin closed (nothing
is interactive). By default the child is tests/cli_launcher.py: the real ``python -m tracker``
(its argv, exit codes, stdout and stderr) with the tests' cheap Argon2id (support.CHEAP_KDF, set
in the child as the ``cheap_kdf`` fixture sets it in-process), so a login costs microseconds
instead of 0.5-1.4 s (256 MiB, 3 passes, 4 lanes; docs/performance.md, "The test suite").

``production=True`` runs ``python -m tracker`` unmodified, at the production cost. Tests use it
where the meaning depends on the real cost or on what the unmodified program writes:
- tests/cli/test_cli.py: ``tracker init`` writes the production parameters into the key file
  and logins with them work; a wrong passphrase (and an unknown user) is exit 3 after the same
  real derivation; the console script equals ``python -m tracker``;
- tests/serve: ``tracker serve`` starts its sessions as ``python -m tracker`` (production code),
  so the register it serves is made at the production cost too;
- tests/faults/test_store_faults.py: its tests also start ``python -m tracker`` themselves
  (under a file-size limit, against a held lock timed around a real login) on one register.
A register made by a cheap child (or under ``cheap_kdf``) has slots below the production floor:
a production child refuses to open it (WeakKdfError), so mixing the two fails loudly. A test
process that opens a cheap child's register in-process lowers its own floor the same way
(``cheap_kdf``, ``cheap_kdf_module`` or support.cheap_kdf_patched).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

TIMEOUT = 300
LAUNCHER = Path(__file__).with_name("cli_launcher.py")
CHEAP = (sys.executable, str(LAUNCHER))
PRODUCTION = (sys.executable, "-m", "tracker")


def program(*, production: bool = False) -> tuple[str, ...]:
    """The command that starts the CLI: the cheap launcher, or the unmodified module."""
    return PRODUCTION if production else CHEAP


class Run(NamedTuple):
    code: int
    out: str
    err: str


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any TRACKER_* variable, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}, **extra}


def start_cli(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], *, production: bool = False
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*program(production=production), *args],
        cwd=cwd,
        env=clean_env(**env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish_cli(process: subprocess.Popen[bytes]) -> Run:
    out, err = process.communicate(timeout=TIMEOUT)
    return Run(process.returncode, out.decode("utf-8"), err.decode("utf-8"))


def run_cli(*args: str, cwd: Path, env: Mapping[str, str], production: bool = False) -> Run:
    return finish_cli(start_cli(args, cwd, env, production=production))


def run_side_by_side(
    cwd: Path, *calls: tuple[Sequence[str], Mapping[str, str]], production: bool = False
) -> list[Run]:
    started = [start_cli(args, cwd, env, production=production) for args, env in calls]
    return [finish_cli(process) for process in started]

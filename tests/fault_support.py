"""Helpers for the fault suite: workers in subprocesses, byte damage, and the checks every trial
ends with ("no acknowledged event lost, chain valid, a true message, no traceback")."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import audit, registers
from tracker.store import keyfile
from tracker.store.eventlog import iter_events

# The one word that may only appear for a damaged file.
RESTORE_WORDS = ("säkerhetskopia", "backup")


def killed_after_ready(
    driver: str, args: list[str], rng: random.Random, longest: float
) -> list[str]:
    """Run ``driver`` (``python -c``) with ``args``; once it prints "ready", SIGKILL it after a
    random pause of up to ``longest`` seconds. The lines it printed before it died."""
    process = subprocess.Popen(
        [sys.executable, "-c", driver, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready"
    time.sleep(rng.uniform(0.0, longest))
    process.send_signal(signal.SIGKILL)
    return process.communicate()[0].decode().splitlines()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Forked:
    """A forked child running ``work(say)``; ``say(line)`` reaches the parent at once.

    Forking skips the interpreter start and imports (seconds on a loaded machine), which is
    what makes hundreds of kill trials affordable. The child never returns into pytest: it
    reports an exception as one line ("error <kind> <key>") and exits.
    """

    def __init__(self, work: Callable[[Callable[[str], None]], None]) -> None:
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            os.close(read_end)
            stream = os.fdopen(write_end, "w", buffering=1)
            code = 0
            try:
                work(lambda line: (stream.write(line + "\n"), stream.flush()))
            except BaseException as error:
                stream.write(f"error {type(error).__name__} {getattr(error, 'key', '')}\n")
                code = 1
            finally:
                stream.flush()
                os._exit(code)
        os.close(write_end)
        self.stream = os.fdopen(read_end, "r")

    def readline(self) -> str:
        return self.stream.readline().strip()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def finish(self) -> list[str]:
        """Wait for the child; every line it said."""
        lines = self.stream.read().splitlines()
        self.stream.close()
        os.waitpid(self.pid, 0)
        return lines


def new_register(path: Path) -> Path:
    """A register made in-process (the caller's cheap KDF applies)."""
    registers.create_register(
        path, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    return path


def committer(db: Path, prefix: str, count: int) -> Callable[[Callable[[str], None]], None]:
    """Work for a Forked child: add insatser PREFIX-0 … one transaction each, saying
    "ack NAME" after each commit returns."""

    def work(say: Callable[[str], None]) -> None:
        with open_session(db) as session:
            say("ready")
            for number in range(count):
                name = f"{prefix}-{number}"
                registers.add_insatser(session, [name])
                say(f"ack {name}")

    return work


def initialiser(db: Path, user: str) -> Callable[[Callable[[str], None]], None]:
    def work(say: Callable[[str], None]) -> None:
        say("ready")
        registers.create_register(
            db, user=user, passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
        )
        say("created")

    return work


def acknowledged(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines if line.startswith("ack ")]


def copy_register(db: Path, target: Path, *, with_wal: bool = False) -> Path:
    """The register's files (database, key file, and the -wal when asked) under ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    copied = target / db.name
    suffixes = ["", ".keys", *(["-wal"] if with_wal else [])]
    for suffix in suffixes:
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, copied.with_name(copied.name + suffix))
    return copied


def open_session(db: Path, *, read_only: bool = False, user: str = "anna") -> registers.Session:
    return registers.open_session(
        db, user=user, passphrase=PASSPHRASE, today=lambda: TODAY, read_only=read_only
    )


def insats_events(db: Path) -> list[str]:
    """The names of every ``insats_added`` event in the log (what the workers write)."""
    with open_session(db, read_only=True) as session, session.read() as connection:
        return [
            str((event.payload or {}).get("name"))
            for event in iter_events(connection)
            if event.kind == "insats_added"
        ]


def assert_sound(db: Path, user: str = "anna") -> int:
    """The register opens, its chain and pages verify, and its projections match; returns the
    number of events."""
    with open_session(db, read_only=True, user=user) as session:
        report = audit.verify(session)
    assert report.ok, report
    assert report.chain is not None
    return report.chain.count


def flip_byte(path: Path, offset: int, bit: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


def truncate(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


def cheap_kdf_in_process() -> None:
    """What the tests' ``cheap_kdf`` fixture does, for a worker process."""
    cheap = keyfile.KdfParams(memory_cost=8, iterations=1, lanes=1)
    keyfile.DEFAULT_KDF = cheap
    keyfile.KDF_FLOOR = cheap


def no_traceback(text: str) -> bool:
    return "Traceback" not in text


def environment(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return {**clean, **extra}

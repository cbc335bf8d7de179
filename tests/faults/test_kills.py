"""SIGKILL during commits, concurrent writers, and kills and races during init.

Every trial ends with the same checks: every commit a worker acknowledged is in the log, the
chain and pages verify, and no worker failed with anything but a known, worded error.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest
from fault_support import (
    Forked,
    acknowledged,
    assert_sound,
    committer,
    initialiser,
    insats_events,
    new_register,
)
from support import PASSPHRASE

from tracker.services import registers
from tracker.services.session import ServiceError
from tracker.store.keyfile import keyfile_path

pytestmark = [
    pytest.mark.usefixtures("cheap_kdf"),
    pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL"),
]

SHORT_KILLS = 8
LONG_KILLS = 200


def _kill_during_commits(db: Path, trials: int, seed: int) -> int:
    """Kill a committing worker at random moments; returns the acknowledged commits."""
    rng = random.Random(seed)
    acked: list[str] = []
    for trial in range(trials):
        worker = Forked(committer(db, f"k{trial}", 100_000))
        assert worker.readline() == "ready"
        time.sleep(rng.uniform(0.0, 0.3))
        worker.kill()
        lines = worker.finish()
        assert not [line for line in lines if line.startswith("error")], lines
        acked += acknowledged(lines)
        present = set(insats_events(db))
        missing = [name for name in acked if name not in present]
        assert not missing, f"trial {trial}: acknowledged but lost: {missing[:5]}"
    assert_sound(db)
    return len(acked)


def test_kill_during_commits_loses_nothing_acknowledged(db_path: Path) -> None:
    assert _kill_during_commits(db_path, SHORT_KILLS, seed=13) > 0


@pytest.mark.slow
def test_kill_during_commits_long(db_path: Path) -> None:
    acked = _kill_during_commits(db_path, LONG_KILLS, seed=2026)
    print(f"\nFIGURES kill_commits trials={LONG_KILLS} acknowledged={acked} lost=0")


def _concurrent_writers(db: Path, writers: int, each: int) -> int:
    before = insats_events(db)
    workers = [Forked(committer(db, f"w{n}", each)) for n in range(writers)]
    acked: list[str] = []
    for worker in workers:
        lines = worker.finish()
        assert not [line for line in lines if line.startswith("error")], lines
        acked += acknowledged(lines)
    assert len(acked) == writers * each
    assert sorted(insats_events(db)) == sorted([*before, *acked])
    assert_sound(db)
    return len(acked)


def test_concurrent_writers_commit_everything(db_path: Path) -> None:
    assert _concurrent_writers(db_path, 3, 15) == 45


@pytest.mark.slow
def test_concurrent_writers_long(db_path: Path) -> None:
    committed = _concurrent_writers(db_path, 4, 300)
    print(f"\nFIGURES concurrent_writers writers=4 committed={committed} of 1200")


# --- init -------------------------------------------------------------------------------------


def _outcome(db: Path) -> str:
    """After a killed init: either no register at all (and init works again), or a whole one."""
    if not db.exists():
        assert not keyfile_path(db).exists(), "a key file without its database"
        registers.create_register(db, user="anna", passphrase=PASSPHRASE, insatser=["Sala"])
        assert_sound(db)
        return "none"
    assert_sound(db)  # completes an init stopped between its last two renames
    return "whole"


def _init_seconds(folder: Path) -> float:
    """How long one init takes here (the kills are spread over it)."""
    started = time.monotonic()
    worker = Forked(initialiser(folder / "timed" / "tracker.db", "anna"))
    assert worker.finish()[-1] == "created"
    return time.monotonic() - started


def _kill_during_init(folder: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    outcomes = {"none": 0, "whole": 0}
    duration = _init_seconds(folder)
    for trial in range(trials):
        db = folder / f"t{trial}" / "tracker.db"
        worker = Forked(initialiser(db, "anna"))
        assert worker.readline() == "ready"
        time.sleep(rng.uniform(0.0, duration * 1.1))
        worker.kill()
        lines = worker.finish()
        assert not [line for line in lines if line.startswith("error")], lines
        outcomes[_outcome(db)] += 1
    return outcomes


def test_kill_during_init_leaves_nothing_or_a_whole_register(tmp_path: Path) -> None:
    assert sum(_kill_during_init(tmp_path, 8, seed=5).values()) == 8


@pytest.mark.slow
def test_kill_during_init_long(tmp_path: Path) -> None:
    outcomes = _kill_during_init(tmp_path, 100, seed=55)
    print(f"\nFIGURES kill_init trials=100 none={outcomes['none']} whole={outcomes['whole']}")


def _racing_inits(folder: Path, trials: int) -> int:
    for trial in range(trials):
        db = folder / f"r{trial}" / "tracker.db"
        first, second = (Forked(initialiser(db, user)) for user in ("anna", "bertil"))
        said = {user: worker.finish() for user, worker in (("anna", first), ("bertil", second))}
        winners = [user for user, lines in said.items() if "created" in lines]
        assert len(winners) == 1, said
        loser = next(user for user in said if user not in winners)
        # The other one was told, in words, that init is busy or the register exists.
        assert said[loser][-1] in (
            "error InitLocked store.init_locked",
            "error ServiceError service.register_exists",
        ), said
        with registers.open_session(db, user=winners[0], passphrase=PASSPHRASE) as session:
            assert [slot.user for slot in registers.list_users(session)] == winners
        assert_sound(db, winners[0])
    return trials


def test_two_inits_on_one_path_make_one_register(tmp_path: Path) -> None:
    assert _racing_inits(tmp_path, 4) == 4


@pytest.mark.slow
def test_two_inits_long(tmp_path: Path) -> None:
    print(f"\nFIGURES racing_inits trials={_racing_inits(tmp_path, 20)} mismatched=0")


def test_key_file_without_database_is_explained(db_path: Path, tmp_path: Path) -> None:
    """A key file without its database (a database moved away, or an init of an older version
    killed half-way): init and every command say so in the same words."""
    db_path.rename(tmp_path / "moved.db")
    with pytest.raises(ServiceError) as by_init:
        registers.create_register(db_path, user="anna", passphrase=PASSPHRASE, insatser=["Sala"])
    with pytest.raises(ServiceError) as by_open:
        registers.open_session(db_path, user="anna", passphrase=PASSPHRASE)
    assert by_init.value.key == by_open.value.key == "store.half_created"


def test_database_renamed_but_key_file_pending_is_completed(tmp_path: Path) -> None:
    """The moment between init's two renames: the next open puts the key file in place."""
    db = new_register(tmp_path / "db" / "tracker.db")
    keys = keyfile_path(db)
    pending = db.with_name(f".{keys.name}.0a0b0c0d.init")
    keys.rename(pending)
    assert assert_sound(db) > 0
    assert keys.exists() and not pending.exists()

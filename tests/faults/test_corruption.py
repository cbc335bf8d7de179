"""Byte flips and cuts in the database, its WAL and its key file.

Every damaged file must be reported as damaged (a classified error with a message, or a failed
audit), never verified as sound with data silently gone, and never written to.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from fault_support import (
    assert_sound,
    copy_register,
    flip_byte,
    insats_events,
    open_session,
    sha256,
    truncate,
)
from support import PASSPHRASE

from tracker.services import audit, errors, registers
from tracker.store import engine, keyfile
from tracker.store.errors import RegisterDamaged
from tracker.store.wal import check_wal, wal_path

pytestmark = pytest.mark.usefixtures("cheap_kdf")

WAL_EVENTS = 40


def _add(db: Path, prefix: str, count: int) -> list[str]:
    names = [f"{prefix}-{n}" for n in range(count)]
    with open_session(db) as session:
        for name in names:
            registers.add_insatser(session, [name])
    return names


@pytest.fixture
def wal_register(db_path: Path, tmp_path: Path) -> Path:
    """A copy of a register whose last WAL_EVENTS commits live only in its WAL: a reader held
    a snapshot while they were written, so no checkpoint could fold them in."""
    unlocked = keyfile.unlock(keyfile.keyfile_path(db_path), "anna", PASSPHRASE)
    reader = engine.connect(db_path, unlocked.data_key)
    unlocked.wipe()
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    _add(db_path, "wal", WAL_EVENTS)
    copied = copy_register(db_path, tmp_path / "base", with_wal=True)
    reader.execute("ROLLBACK")
    reader.close()
    assert check_wal(wal_path(copied)).frames > WAL_EVENTS
    return copied


def _wal_flips(base: Path, folder: Path, trials: int, seed: int) -> int:
    rng = random.Random(seed)
    size = wal_path(base).stat().st_size
    detected = 0
    for trial in range(trials):
        db = copy_register(base, folder / f"f{trial}", with_wal=True)
        log = wal_path(db)
        flip_byte(log, rng.randrange(size), rng.randrange(8))
        damaged = log.read_bytes()
        with pytest.raises(RegisterDamaged) as raised:
            open_session(db, read_only=rng.random() < 0.5)
        assert errors.message(raised.value)  # a worded message, not a crash
        assert log.read_bytes() == damaged  # never checkpointed nor deleted
        assert sorted(p.name for p in db.parent.glob("*.damaged-*"))  # a copy was kept
        detected += 1
    return detected


def test_wal_byte_flips_are_detected_before_any_checkpoint(wal_register: Path, tmp_path: Path):
    assert _wal_flips(wal_register, tmp_path, 4, seed=1) == 4


@pytest.mark.slow
def test_wal_byte_flips_long(wal_register: Path, tmp_path: Path) -> None:
    detected = _wal_flips(wal_register, tmp_path, 20, seed=20)
    print(f"\nFIGURES wal_flips trials=20 detected={detected}")


def _wal_cuts_after_checkpoint(db: Path, folder: Path, trials: int, seed: int) -> int:
    """A WAL left by a killed process (every commit already folded in) cut at random: nothing
    acknowledged is lost, because the passive checkpoint after each commit put it in the file."""
    rng = random.Random(seed)
    names = _add(db, "cut", 10)
    unlocked = keyfile.unlock(keyfile.keyfile_path(db), "anna", PASSPHRASE)
    holder = engine.connect(db, unlocked.data_key)  # keeps the WAL file from being deleted
    unlocked.wipe()
    _add(db, "cut2", 5)
    base = copy_register(db, folder / "cutbase", with_wal=True)
    holder.close()
    size = wal_path(base).stat().st_size
    assert size > 0
    for trial in range(trials):
        copy = copy_register(base, folder / f"c{trial}", with_wal=True)
        truncate(wal_path(copy), rng.randrange(size))
        present = set(insats_events(copy))
        assert set(names) <= present and {f"cut2-{n}" for n in range(5)} <= present
        assert_sound(copy)
    return trials


def test_wal_cut_loses_nothing_committed(db_path: Path, tmp_path: Path) -> None:
    assert _wal_cuts_after_checkpoint(db_path, tmp_path, 2, seed=3) == 2


@pytest.mark.slow
def test_wal_cut_long(db_path: Path, tmp_path: Path) -> None:
    trials = _wal_cuts_after_checkpoint(db_path, tmp_path, 5, seed=33)
    print(f"\nFIGURES wal_cuts trials={trials} lost=0")


def _database_damage(db: Path, folder: Path, trials: int, seed: int) -> dict[str, int]:
    """Flip a byte or cut the (closed, checkpointed) database: always reported as damage."""
    rng = random.Random(seed)
    _add(db, "d", 20)
    size = db.stat().st_size
    found = {"refused_at_open": 0, "audit_failed": 0}
    for trial in range(trials):
        copy = copy_register(db, folder / f"d{trial}")
        if trial % 5 == 4:
            truncate(copy, rng.randrange(size))
        else:
            flip_byte(copy, rng.randrange(size), rng.randrange(8))
        damaged = sha256(copy)
        try:
            with open_session(copy, read_only=True) as session:
                report = audit.verify(session)
        except Exception as error:
            assert errors.is_damaged_database(error), repr(error)
            assert errors.message(error) or errors.is_damaged_database(error)
            found["refused_at_open"] += 1
        else:
            assert not report.ok, f"trial {trial}: damage not found"
            found["audit_failed"] += 1
        assert sha256(copy) == damaged  # the damaged file was not written to
    return found


def test_database_damage_is_always_reported(db_path: Path, tmp_path: Path) -> None:
    assert sum(_database_damage(db_path, tmp_path, 10, seed=4).values()) == 10


@pytest.mark.slow
def test_database_damage_long(db_path: Path, tmp_path: Path) -> None:
    found = _database_damage(db_path, tmp_path, 100, seed=100)
    print(
        f"\nFIGURES db_damage trials=100 refused_at_open={found['refused_at_open']} "
        f"audit_failed={found['audit_failed']}"
    )


def _key_file_damage(db: Path, folder: Path, trials: int, seed: int) -> int:
    rng = random.Random(seed)
    keys = keyfile.keyfile_path(db)
    size = keys.stat().st_size
    for trial in range(trials):
        copy = copy_register(db, folder / f"k{trial}")
        copied_keys = keyfile.keyfile_path(copy)
        if trial % 4 == 3:
            truncate(copied_keys, rng.randrange(size))
        else:
            flip_byte(copied_keys, rng.randrange(size), rng.randrange(8))
        before = sha256(copy)
        with pytest.raises(keyfile.KeyFileError) as raised:
            open_session(copy)
        assert raised.value.message()
        assert sha256(copy) == before
    shutil.rmtree(folder, ignore_errors=True)
    return trials


def test_key_file_damage_is_refused_with_a_message(db_path: Path, tmp_path: Path) -> None:
    assert _key_file_damage(db_path, tmp_path, 6, seed=6) == 6


@pytest.mark.slow
def test_key_file_damage_long(db_path: Path, tmp_path: Path) -> None:
    print(f"\nFIGURES keyfile_damage trials={_key_file_damage(db_path, tmp_path, 50, seed=60)}")

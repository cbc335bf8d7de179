"""copy_encrypted: a consistent, encrypted copy of a register that other connections write to."""

from __future__ import annotations

import secrets
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import INSATSER, PASSPHRASE, TODAY

from tracker.services import cases, registers
from tracker.store import keyfile
from tracker.store.database import Register, integrity_problems
from tracker.store.engine import WrongDataKey
from tracker.store.eventlog import verify_chain
from tracker.store.schema import cases as cases_table
from tracker.store.schema import events
from tracker.store.snapshot import copy_encrypted


def _data_key(db_path: Path) -> tuple[bytearray, str]:
    unlocked = keyfile.unlock(keyfile.keyfile_path(db_path), "anna", PASSPHRASE)
    return bytearray(unlocked.data_key), unlocked.keyfile.database_id


def _counts(register: Register) -> tuple[int, int]:
    with register.read() as connection:
        event_count = connection.execute(select(func.count()).select_from(events)).scalar_one()
        case_count = connection.execute(select(func.count()).select_from(cases_table)).scalar_one()
    return event_count, case_count


def test_copy_while_another_connection_writes(db_path: Path) -> None:
    key, database_id = _data_key(db_path)
    writer = registers.open_session(db_path, user="anna", passphrase=PASSPHRASE)
    copier = Register.open(db_path, key, database_id)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            view = cases.register_application(
                writer, insats=INSATSER[0], gender="kvinna", on=date(2026, 3, 1), referrer="af"
            )
            written.append(view.last_seq)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    targets = [db_path.parent / f"copy{index}.db" for index in range(3)]
    try:
        while len(written) < 5:  # the writer is under way before the first copy
            stop.wait(0.01)
        for target in targets:
            copy_encrypted(copier, target, key)
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert len(written) > 5
    heads = []
    for target in targets:
        with Register.open(target, key, database_id) as copy:
            assert integrity_problems(copy) == []
            with copy.read() as connection:
                chain = verify_chain(connection)
            assert chain.ok
            event_count, case_count = _counts(copy)
            with copy.read() as connection:
                applications = connection.execute(
                    select(func.count()).where(events.c.kind == "application")
                ).scalar_one()
            # Every event of the snapshot and exactly its cases: nothing torn between tables.
            assert event_count == chain.head.seq
            assert case_count == applications >= 5
            heads.append(chain.head.seq)
    assert heads == sorted(heads)
    assert heads[-1] <= max(written)
    with Register.open(db_path, key, database_id) as original:
        assert _counts(original)[0] == max(written)
    copier.close()
    # Only the copies are left beside the register: no temporary or journal files.
    assert sorted(p.name for p in db_path.parent.iterdir() if "copy" in p.name) == [
        t.name for t in targets
    ]


def test_copy_under_a_new_key_opens_only_with_that_key(db_path: Path) -> None:
    key, database_id = _data_key(db_path)
    new_key = bytearray(secrets.token_bytes(32))
    target = db_path.parent / "rekeyed.db"
    with Register.open(db_path, key, database_id) as register:
        copy_encrypted(register, target, new_key)
        with register.read() as connection:
            original_head = verify_chain(connection).head
    with pytest.raises(WrongDataKey):
        Register.open(target, key, database_id)
    with Register.open(target, new_key, database_id) as copy:
        with copy.read() as connection:
            assert verify_chain(connection).head == original_head
        assert integrity_problems(copy) == []
    # Encrypted at rest: not a plain SQLite file, and the key is nowhere in it.
    content = target.read_bytes()
    assert not content.startswith(b"SQLite format 3")
    assert new_key.hex().encode() not in content


def test_an_existing_target_is_never_overwritten(db_path: Path) -> None:
    key, database_id = _data_key(db_path)
    target = db_path.parent / "taken.db"
    target.write_bytes(b"keep me")
    with Register.open(db_path, key, database_id) as register, pytest.raises(FileExistsError):
        copy_encrypted(register, target, key)
    assert target.read_bytes() == b"keep me"


def test_a_failed_copy_leaves_nothing_and_names_no_key(db_path: Path) -> None:
    key, database_id = _data_key(db_path)
    before = sorted(db_path.parent.iterdir())
    with Register.open(db_path, key, database_id) as register:
        with pytest.raises(FileNotFoundError) as missing:
            copy_encrypted(register, db_path.parent / "no-such-folder" / "copy.db", key)
        with pytest.raises(ValueError) as short:
            copy_encrypted(register, db_path.parent / "copy.db", key[:16])
    for raised in (missing, short):
        assert key.hex() not in str(raised.value)
        assert key[:16].hex() not in str(raised.value)
    assert sorted(db_path.parent.iterdir()) == before


def test_the_register_stays_usable_after_a_copy(session: registers.Session) -> None:
    key, _ = _data_key(session.db_path)
    copy_encrypted(session.register, session.db_path.parent / "copy.db", key)
    view = cases.register_application(
        session, insats=INSATSER[1], gender="man", on=TODAY, referrer="fk"
    )
    assert cases.get_case(session, view.code).insats == INSATSER[1]

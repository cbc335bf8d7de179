"""The SQLCipher engine, migrations and the hash-chained event log, on real encrypted files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlcipher3
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import DBAPIError

from tracker.store import engine as store_engine
from tracker.store import eventlog, keyfile
from tracker.store.database import SCHEMA_HEAD, Register, creating, head_revision, migrate
from tracker.store.eventlog import (
    GENESIS_HASH,
    EventWriter,
    KeptEvents,
    canonical_json,
    chain_hash,
    payload_hash,
    verify_chain,
)
from tracker.store.schema import events, metadata

KEY = bytes(range(32))


@pytest.fixture
def register(tmp_path: Path):
    path = tmp_path / "r.db"
    with creating(path, KEY, "ab" * 16):
        pass
    with Register.open(path, KEY, "ab" * 16) as opened:
        yield opened


def _append(register: Register, count: int) -> None:
    with register.write() as connection:
        writer = EventWriter(connection)
        for index in range(count):
            writer.append(user="anna", kind="step", payload={"level": index % 7 + 1}, case_code="K")


def test_file_is_encrypted_and_wrong_key_is_refused_silently(register: Register, capfd) -> None:
    _append(register, 3)
    register.checkpoint()
    data = register.path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert b"anna" not in data
    with pytest.raises(store_engine.WrongDataKey):
        store_engine.connect(register.path, bytes(32))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_connection_pragmas(register: Register) -> None:
    connection = store_engine.connect(register.path, KEY)
    try:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert (
            connection.execute("PRAGMA busy_timeout").fetchone()[0] == store_engine.BUSY_TIMEOUT_MS
        )
        # SQLCipher 4 settings: HMAC-SHA512 on every 4 KiB page.
        assert connection.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
        assert connection.execute("PRAGMA cipher_page_size").fetchone()[0] == "4096"
    finally:
        connection.close()


def test_migrations_match_schema_and_are_idempotent(register: Register) -> None:
    with register.read() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        tables = set(inspect(connection).get_table_names())
    assert version == head_revision() == SCHEMA_HEAD
    assert set(metadata.tables) <= tables
    migrate(register.engine)  # at head: nothing to do, no error


def test_freshly_migrated_database_equals_the_models(register: Register) -> None:
    """Alembic's autogenerate finds no difference between the migrated file and the table
    models: types, nullability, server defaults, indexes, keys and unique constraints."""
    with register.read() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_creating_leaves_nothing_behind_on_error(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with pytest.raises(RuntimeError), creating(path, KEY, "cd" * 16):
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_chain_formula(register: Register) -> None:
    _append(register, 2)
    with register.read() as connection:
        rows = connection.execute(select(events).order_by(events.c.seq)).all()
    previous = GENESIS_HASH
    for row in rows:
        assert row.payload_hash == payload_hash(row.payload.encode())
        expected = chain_hash(
            previous, row.seq, row.recorded_at, row.user, row.kind, row.payload_hash
        )
        assert row.chain_hash == expected
        previous = row.chain_hash
    assert json.loads(rows[0].payload) == {"case": "K", "level": 1}
    assert canonical_json({"b": 1, "a": "å"}) == '{"a":"å","b":1}'.encode()


def test_event_table_refuses_update_and_delete(register: Register) -> None:
    _append(register, 2)
    connection = store_engine.connect(register.path, KEY)
    try:
        with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
            connection.execute("UPDATE events SET user = 'eve' WHERE seq = 1")
        with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM events WHERE seq = 1")
    finally:
        connection.close()


def _tamper(register: Register, *statements: str) -> None:
    connection = store_engine.connect(register.path, KEY)
    try:
        connection.execute("DROP TRIGGER events_append_only_update")
        connection.execute("DROP TRIGGER events_append_only_delete")
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("statement", "bad_seq", "problem"),
    [
        (
            """UPDATE events SET payload = '{"case":"K","level":7}' WHERE seq = 5""",
            5,
            "store.chain_payload",
        ),
        ("DELETE FROM events WHERE seq = 4", 4, "store.chain_missing"),
        ("UPDATE events SET user = 'eve' WHERE seq = 6", 6, "store.chain_link"),
        ("UPDATE events SET case_code = 'X' WHERE seq = 3", 3, "store.chain_case_code"),
    ],
)
def test_verify_names_the_first_bad_event(
    register: Register, statement: str, bad_seq: int, problem: str
) -> None:
    _append(register, 9)
    with register.read() as connection:
        assert verify_chain(connection).ok
    _tamper(register, statement)
    with register.read() as connection:
        report = verify_chain(connection)
    assert (report.first_bad_seq, report.problem) == (bad_seq, problem)


def _walk_kept(register: Register) -> tuple[object, list[tuple[list[object], object]]]:
    kept: KeptEvents = []
    with register.read() as connection:
        report = verify_chain(connection, keep=kept)
    assert not [t for t in threading.enumerate() if t.name == "chain-reader"]
    return report, [(list(row), body) for row, body in kept]


@pytest.mark.parametrize(
    "statements",
    [
        [],
        ["DELETE FROM events WHERE seq BETWEEN 4 AND 9"],  # a gap longer than a chunk
        ["DELETE FROM events WHERE seq > 6"],
        ["UPDATE events SET signature = x'00ff' WHERE seq = 5"],  # a blob: no JSON for it
        ["UPDATE events SET recorded_at = CAST(x'61ff' AS TEXT) WHERE seq = 8"],  # not UTF-8
        ["UPDATE events SET payload = payload || char(0) || 'x' WHERE seq = 7"],  # a NUL
        [
            "INSERT INTO events (seq, recorded_at, user, kind, payload_hash, chain_hash)"
            " VALUES (0, 't', 'eve', 'step', 'h', 'c')"
        ],
        [
            "INSERT INTO events (seq, recorded_at, user, kind, payload_hash, chain_hash)"
            " VALUES (40000, 't', 'eve', 'step', 'h', 'c')"
        ],
    ],
)
def test_the_chunked_read_ahead_walks_as_the_plain_cursor_does(
    register: Register, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    """The walk reads chunks of events as JSON texts in a second thread; with chunks of 3 and
    with SQLite's JSON refused altogether (every read through the cursor), the same report and
    the same rows and payloads, or the same error, whatever was done to the table."""
    _append(register, 14)
    _tamper(register, *statements)
    outcomes = []
    refused = "SELECT no_such_function(?, ?)"
    for chunk, json_statement in ((10_000, None), (3, None), (3, refused)):
        monkeypatch.setattr(eventlog, "_CHUNK_EVENTS", chunk)
        if json_statement is not None:
            monkeypatch.setattr(eventlog, "_CHUNK_BOUNDED", json_statement)
        try:
            outcomes.append(_walk_kept(register))
        except DBAPIError as error:
            outcomes.append(type(error.orig).__name__)
    assert outcomes[0] == outcomes[1] == outcomes[2]
    if not statements:
        report, kept = outcomes[0]
        assert report.ok and report.count == 14 and len(kept) == 14


def test_a_walk_that_stops_early_stops_its_reader(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventlog, "_CHUNK_EVENTS", 2)
    _append(register, 30)
    _tamper(register, "UPDATE events SET user = 'eve' WHERE seq = 3")
    report, kept = _walk_kept(register)
    assert (report.first_bad_seq, report.problem, len(kept)) == (3, "store.chain_link", 2)


def test_recomputed_payload_hash_still_breaks_the_chain(register: Register) -> None:
    _append(register, 5)
    forged = '{"case":"K","level":7}'
    _tamper(
        register,
        f"UPDATE events SET payload = '{forged}', payload_hash = '{payload_hash(forged.encode())}' "
        "WHERE seq = 2",
    )
    with register.read() as connection:
        assert verify_chain(connection).first_bad_seq == 2


def test_immediate_transactions_serialise_two_writers(register: Register) -> None:
    """Two writers appending concurrently: no lost update, no duplicate seq, chain intact."""
    second = Register.open(register.path, KEY, "ab" * 16)
    errors: list[BaseException] = []

    def work(target: Register) -> None:
        try:
            for _ in range(20):
                _append(target, 1)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(r,)) for r in (register, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second.close()
    assert errors == []
    with register.read() as connection:
        report = verify_chain(connection)
    assert report.ok and report.count == 40


def test_register_close_zeroes_its_key_copy(tmp_path: Path) -> None:
    path = tmp_path / "z.db"
    with creating(path, KEY, "ef" * 16):
        pass
    opened = Register.open(path, KEY, "ef" * 16)
    key_copy = opened._data_key
    opened.close()
    assert key_copy == bytearray(32)


def test_raw_key_buffer_is_sqlcipher_raw_key_literal() -> None:
    buffer = store_engine._raw_key_buffer(KEY)
    assert bytes(buffer) == b"x'" + KEY.hex().encode() + b"'"
    with pytest.raises(ValueError):
        store_engine._raw_key_buffer(b"short")


def test_keyfile_module_has_one_path_rule(tmp_path: Path) -> None:
    assert keyfile.keyfile_path(tmp_path / "a.db") == tmp_path / "a.db.keys"

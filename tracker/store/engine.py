"""SQLCipher connections and the SQLAlchemy engine on top of them.

The data key reaches SQLCipher only through the driver's key call, as a raw 256-bit key
(``x'<hex>'`` form, so SQLCipher skips its own passphrase KDF), built in a bytearray that is
zeroed straight after. It never appears in SQL text, a URL or a log.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 10_000
# Keyed connections an open register keeps between transactions: one for the caller and one
# for a worker thread (the TUI exports in one). More are opened when needed and closed after.
KEPT_CONNECTIONS = 2
_HEX = b"0123456789abcdef"


class WrongDataKey(Exception):
    """The data key does not open this database (or the file is not a tracker database)."""


def _raw_key_buffer(data_key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key literal x'…' in a mutable buffer the caller must zero."""
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    buffer = bytearray(3 + 2 * len(data_key))
    buffer[0:2] = b"x'"
    for index, byte in enumerate(data_key):
        buffer[2 + 2 * index] = _HEX[byte >> 4]
        buffer[3 + 2 * index] = _HEX[byte & 0x0F]
    buffer[-1] = ord("'")
    return buffer


def connect(path: Path, data_key: bytes | bytearray) -> sqlcipher3.Connection:
    """Open ``path`` keyed with ``data_key``; raises WrongDataKey when the key does not fit."""
    connection = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    key_buffer = _raw_key_buffer(data_key)
    try:
        connection.set_key(key_buffer)
    finally:
        key_buffer[:] = bytes(len(key_buffer))
    try:
        # A wrong key must not print SQLCipher's own messages on stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute("PRAGMA cipher_compatibility = 4")
        # Reading the schema checks the key at once instead of at some later query.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as error:
        connection.close()
        raise WrongDataKey(str(path)) from error
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def make_engine(path: Path, data_key: bytearray) -> Engine:
    """A SQLAlchemy engine whose connections are keyed SQLCipher connections, kept open.

    A plain ``sqlite://`` URL with our own creator: the ``sqlite+pysqlcipher`` dialect re-keys
    with an empty key when a creator is given. The pool keeps up to KEPT_CONNECTIONS keyed
    connections open until ``dispose()`` (Register.close), for two reasons: opening one costs
    the key setup and a schema read on every transaction, and closing the last connection to a
    WAL database checkpoints the WAL into the main file (an extra write and fsync per save).
    With one kept open, a commit is one fsync of the WAL (synchronous = FULL) and SQLite's own
    automatic checkpoint folds the WAL in every 1,000 pages. The keyed connections live exactly
    as long as the register holds the data key.
    """
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3,
        creator=lambda: connect(path, data_key),
        poolclass=QueuePool,
        pool_size=KEPT_CONNECTIONS,
        max_overflow=-1,  # never wait for a connection: open an extra one and close it after
    )

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # pysqlite-style drivers defer BEGIN until the first write; a read-then-write
        # transaction then fails under a second writer. We issue BEGIN ourselves, and
        # BEGIN IMMEDIATE for writes so the write lock is taken before anything is read.
        mode = "IMMEDIATE" if connection.get_execution_options().get("tracker_write") else ""
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction (BEGIN IMMEDIATE): committed on success, rolled back on error."""
    with engine.connect() as connection:
        connection = connection.execution_options(tracker_write=True)
        with connection.begin():
            yield connection


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One consistent read snapshot (deferred BEGIN)."""
    with engine.connect() as connection, connection.begin():
        yield connection

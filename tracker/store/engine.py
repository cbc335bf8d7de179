"""SQLCipher connections and the SQLAlchemy engine on top of them.

The data key reaches SQLCipher only through the driver's key call, as a raw 256-bit key
(``x'<hex>'`` form, so SQLCipher skips its own passphrase KDF), built in a bytearray that is
zeroed straight after. It never appears in SQL text, a URL or a log.
"""

from __future__ import annotations

import contextlib
import os
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from tracker.store.errors import RegisterBusy, classify, writable

# SQLite waits this long inside one attempt; between attempts the busy listener is told how long
# we have waited, so a command can show a progress line instead of hanging silently.
BUSY_TIMEOUT_MS = 1_000
# How long a write waits for another process's write lock before giving up with RegisterBusy.
BUSY_WAIT_SECONDS = 30.0
BUSY_WAIT_ENVIRONMENT = "TRACKER_BUSY_WAIT"
# Called as listener(waited_seconds, limit_seconds) while a write waits; set by the interface.
busy_listener: Callable[[float, float], None] | None = None
_SQLITE_NOTADB = 26
# Keyed connections an open register keeps between transactions: one for the caller and one
# for a worker thread (the TUI exports in one). More are opened when needed and closed after.
KEPT_CONNECTIONS = 2
_HEX = b"0123456789abcdef"
_T = TypeVar("_T")


def busy_wait_limit() -> float:
    """The wait limit in seconds: ``$TRACKER_BUSY_WAIT`` when set to a number ≥ 0, else 30."""
    try:
        limit = float(os.environ.get(BUSY_WAIT_ENVIRONMENT, ""))
    except ValueError:
        return BUSY_WAIT_SECONDS
    return limit if 0 <= limit <= 24 * 3600 else BUSY_WAIT_SECONDS


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


def connect(
    path: Path, data_key: bytes | bytearray, *, read_only: bool = False
) -> sqlcipher3.Connection:
    """Open ``path`` keyed with ``data_key``; raises WrongDataKey when the key does not fit.

    ``read_only`` opens with SQLite's ``mode=ro``: nothing is written to the database and the
    WAL is read but never checkpointed (a damaged WAL stays as it is for inspection).
    """
    log = path.with_name(path.name + "-wal")
    # Read-only: with frames in the WAL, SQLite's mode=ro reads them without ever checkpointing.
    # Without any, a normal connection with query_only leaves no -wal/-shm behind (mode=ro
    # would) and has nothing it could checkpoint.
    has_log = log.exists() and log.stat().st_size > 0
    # A register this process cannot write, without a WAL, is opened as immutable: SQLite could
    # not create the -shm file a WAL-mode reader needs. (Only someone allowed to write the
    # folder could change it meanwhile; docs/security.md states the limit.)
    immutable = read_only and not has_log and not writable(path)
    uri_read_only = read_only and (has_log or immutable)
    try:
        if uri_read_only:
            uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
            if immutable:
                uri += "&immutable=1"
            connection = sqlcipher3.connect(
                uri, isolation_level=None, check_same_thread=False, uri=True
            )
        else:
            connection = sqlcipher3.connect(
                str(path), isolation_level=None, check_same_thread=False
            )
    except sqlcipher3.Error as error:
        raise (classify(error, path) or error) from None
    key_buffer = _raw_key_buffer(data_key)
    try:
        connection.set_key(key_buffer)
    finally:
        key_buffer[:] = bytes(len(key_buffer))
    try:
        # A wrong key must not print SQLCipher's own messages on stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute("PRAGMA cipher_compatibility = 4")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the schema checks the key at once instead of at some later query.
        _with_busy_wait(
            lambda: connection.execute("SELECT count(*) FROM sqlite_master").fetchone(), path
        )
        connection.execute("PRAGMA foreign_keys = ON")
        if read_only:
            connection.execute("PRAGMA query_only = ON")
        else:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
    except sqlcipher3.DatabaseError as error:
        connection.close()
        # Only "not a database" means the key does not fit; busy, full, read-only and I/O
        # failures are told as what they are.
        if getattr(error, "sqlite_errorcode", _SQLITE_NOTADB) & 0xFF == _SQLITE_NOTADB:
            raise WrongDataKey(str(path)) from error
        raise (classify(error, path) or error) from error
    except BaseException:
        connection.close()
        raise
    return connection


def _with_busy_wait(attempt: Callable[[], object], path: Path) -> None:
    """Run ``attempt`` until SQLite stops answering busy, telling the listener as time passes;
    RegisterBusy after the wait limit."""
    limit = busy_wait_limit()
    started = time.monotonic()
    while True:
        try:
            attempt()
            return
        except sqlcipher3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF not in (5, 6):
                raise
            waited = time.monotonic() - started
            if waited >= limit:
                raise RegisterBusy(path=str(path), seconds=round(limit)) from None
            if busy_listener is not None:
                busy_listener(waited, limit)


def make_engine(path: Path, data_key: bytearray, *, read_only: bool = False) -> Engine:
    """A SQLAlchemy engine whose connections are keyed SQLCipher connections, kept open.

    A plain ``sqlite://`` URL with our own creator: the ``sqlite+pysqlcipher`` dialect re-keys
    with an empty key when a creator is given. The pool keeps up to KEPT_CONNECTIONS keyed
    connections open until ``dispose()`` (Register.close), for two reasons: opening one costs
    the key setup and a schema read on every transaction, and closing the last connection to a
    WAL database checkpoints the WAL into the main file (an extra write and fsync per save).
    With one kept open, a commit is one fsync of the WAL (synchronous = FULL) and SQLite's own
    automatic checkpoint folds the WAL in every 1,000 pages; write_transaction adds a passive
    checkpoint after each commit (see there). The keyed connections live exactly as long as the
    register holds the data key.
    """
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3,
        creator=lambda: connect(path, data_key, read_only=read_only),
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
        raw = connection.connection.dbapi_connection
        _with_busy_wait(lambda: raw.execute(f"BEGIN {mode}".strip()), path)

    return engine


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction (BEGIN IMMEDIATE): committed on success, rolled back on error.

    After the commit the WAL is folded into the database file (a passive checkpoint: it never
    waits, and copies only what no reader still needs), so committed data do not linger in the
    WAL, where damage or a cut file could take them without SQLite noticing (wal.py).
    """
    with engine.connect() as connection:
        connection = connection.execution_options(tracker_write=True)
        with connection.begin():
            yield connection
        with contextlib.suppress(sqlcipher3.Error):
            connection.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One consistent read snapshot (deferred BEGIN)."""
    with engine.connect() as connection, connection.begin():
        yield connection


def schema_prefix(connection: Connection) -> str:
    """The schema SQLAlchemy's statements are translated to on this connection (a read-only
    register's scratch copy, Register.scratch), for the plain driver statements too."""
    translate = connection.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(None)
    return f"{schema}." if schema else ""


def driver_rows(
    connection: Connection, statement: str, parameters: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """The rows of a small query run through the driver's own cursor, in the connection's
    transaction: for one-row reads on the save path SQLAlchemy's per-statement set-up costs
    several times what SQLite needs. ``{schema}`` in the statement names the connection's
    schema (schema_prefix). A driver error is raised as SQLAlchemy's, as callers tell damage by
    those classes."""
    return _driver_statement(connection, statement, parameters, lambda cursor: cursor.fetchall())


def driver_change(connection: Connection, statement: str, parameters: Sequence[Any] = ()) -> int:
    """How many rows a small INSERT, UPDATE or DELETE changed, run as ``driver_rows`` runs."""
    return _driver_statement(connection, statement, parameters, lambda cursor: cursor.rowcount)


def _driver_statement(
    connection: Connection,
    statement: str,
    parameters: Sequence[Any],
    result: Callable[[sqlcipher3.Cursor], _T],
) -> _T:
    statement = statement.format(schema=schema_prefix(connection))
    driver = connection.connection.driver_connection
    try:
        return result(driver.execute(statement, parameters))  # type: ignore[union-attr]
    except sqlcipher3.Error as error:
        raise DBAPIError.instance(statement, parameters, error, sqlcipher3.Error) from error

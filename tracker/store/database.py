"""Opening, creating and checking the encrypted register database."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from tracker.store.atomic import fsync_directory
from tracker.store.engine import make_engine, read_transaction, write_transaction
from tracker.store.filesystem import refuse_network_file_system
from tracker.store.schema import meta

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision. Kept here so opening a current register needs no Alembic
# import (it costs a noticeable part of a second); a test checks it against the scripts.
SCHEMA_HEAD = "0002"


class NotATrackerDatabase(Exception):
    """The file opened with the key but is not this key file's register."""


def new_database_id() -> str:
    return secrets.token_hex(16)


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # a new, empty database has no version table yet
            return None


def head_revision() -> str | None:
    """The newest revision among the migration scripts (asks Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one write transaction on the keyed engine."""
    if _current_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config

    with write_transaction(engine) as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def set_meta(connection: Connection, key: str, value: str) -> None:
    """Set one register setting inside the caller's transaction (so it commits with the event
    that records the change)."""
    connection.execute(meta.delete().where(meta.c.key == key))
    connection.execute(meta.insert().values(key=key, value=value))


class Register:
    """An open, keyed register database. Holds the data key until ``close()``."""

    def __init__(self, path: Path, data_key: bytes | bytearray) -> None:
        self.path = path
        refuse_network_file_system(path)  # before SQLite touches the file (WAL, see there)
        # Our own copy, zeroed on close; every new connection is keyed from it.
        self._data_key = bytearray(data_key)
        self.engine = make_engine(path, self._data_key)

    @classmethod
    def open(cls, path: Path, data_key: bytes | bytearray, database_id: str) -> Register:
        """Open an existing database; WrongDataKey when the key does not fit."""
        register = cls(path, data_key)
        try:
            migrate(register.engine)
            if register.meta("database_id") != database_id:
                raise NotATrackerDatabase(str(path))
        except Exception:
            register.close()
            raise
        return register

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return read_transaction(self.engine)

    def write(self) -> contextlib.AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Connection]:
        """A write transaction that is always rolled back: for what-if checks."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(tracker_write=True)
            transaction = connection.begin()
            try:
                yield connection
            finally:
                transaction.rollback()

    def meta(self, key: str) -> str | None:
        with self.read() as connection:
            return connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def write_meta(self, key: str, value: str) -> None:
        with self.write() as connection:
            set_meta(connection, key, value)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (so a copied or renamed file is complete)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()
        self._data_key[:] = bytes(len(self._data_key))

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Register({self.path!s})"


@contextlib.contextmanager
def creating(path: Path, data_key: bytes | bytearray, database_id: str) -> Iterator[Register]:
    """Build a new database in a temporary file, and move it to ``path`` only when complete.

    The caller writes the first events inside the block; on any error nothing is left behind.
    """
    if path.exists():
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # Personal data: readable by the owner only (SQLite gives its -wal/-shm files the same mode).
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    register = Register(temporary, data_key)
    try:
        migrate(register.engine)
        with register.write() as connection:
            connection.execute(meta.insert().values(key="database_id", value=database_id))
        yield register
        register.checkpoint()
        register.engine.dispose()
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        if path.exists():
            raise FileExistsError(str(path))
        os.replace(temporary, path)
        fsync_directory(path.parent)
    finally:
        register.close()
        for leftover in (
            temporary,
            *(temporary.with_name(temporary.name + s) for s in ("-wal", "-shm")),
        ):
            leftover.unlink(missing_ok=True)


def _summarise(prefix: str, lines: list[str], keep: int = 3) -> list[str]:
    """At most ``keep`` lines, then a count of the rest: damage is reported, not dumped."""
    shown = [f"{prefix}: {line}" for line in lines[:keep]]
    if len(lines) > keep:
        shown.append(f"{prefix}: (+{len(lines) - keep})")
    return shown


def integrity_problems(register: Register) -> list[str]:
    """SQLCipher's page HMAC check and SQLite's structural check over every page."""
    cipher: list[str] = []
    structure: list[str] = []
    with register.engine.connect() as connection:
        for (line,) in connection.exec_driver_sql("PRAGMA cipher_integrity_check"):
            cipher.append(str(line))
        try:
            for (text,) in connection.exec_driver_sql("PRAGMA integrity_check"):
                structure.extend(line for line in str(text).splitlines() if line not in ("ok", ""))
        except DBAPIError as error:
            # A page that fails its HMAC cannot be decrypted, so SQLite's walk stops there.
            structure.append(str(error.orig))
    return _summarise("cipher", cipher) + _summarise("sqlite", structure)

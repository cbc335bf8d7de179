"""Opening, creating and checking the encrypted register database."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from tracker.store.atomic import (
    fsync_directory,
    make_private_directory,
    new_private_file,
    publish_new,
    remove_database_files,
)
from tracker.store.engine import connect, make_engine, read_transaction, write_transaction
from tracker.store.errors import NotARegister, StoreError, WalDamaged, classify
from tracker.store.filesystem import refuse_network_file_system
from tracker.store.schema import meta
from tracker.store.wal import check_wal, wal_path

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision. Kept here so opening a current register needs no Alembic
# import (it costs a noticeable part of a second); a test checks it against the scripts.
SCHEMA_HEAD = "0004"


class RegisterInUse(Exception):
    """Another connection has the register open (rekey needs it to itself)."""


class NotATrackerDatabase(Exception):
    """The file opened with the key but is not this key file's register."""


class SchemaBehind(StoreError):
    """A read-only open found an older schema: only a writing command may upgrade it."""

    key = "store.schema_behind"


# A SQLCipher database is at least one page: anything shorter is not (or no longer) a register.
MIN_DATABASE_BYTES = 4096
# A WAL that a concurrent writer is appending to can look cut short for a moment: damage must be
# seen this many times in a row before it is reported.
_WAL_CHECKS = 3
_WAL_RECHECK_SECONDS = 0.05


def check_register_file(path: Path) -> None:
    """Refuse a file that cannot be a register before anything opens (and could write) it,
    and a damaged WAL before anything could checkpoint it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise (classify(error, path) or error) from None
    if size < MIN_DATABASE_BYTES:
        raise NotARegister(path=str(path))
    log = wal_path(path)
    for attempt in range(_WAL_CHECKS):
        if not check_wal(log).damaged:
            return
        if attempt + 1 < _WAL_CHECKS:
            time.sleep(_WAL_RECHECK_SECONDS)
    raise WalDamaged(path=str(path), wal=str(log), copy=str(keep_damaged_wal(log)))


def keep_damaged_wal(log: Path) -> Path:
    """A copy of the damaged WAL beside it, named by its content (so repeats add no copies)."""
    data = log.read_bytes()
    copy = log.with_name(f"{log.name}.damaged-{hashlib.sha256(data).hexdigest()[:12]}")
    if not copy.exists():
        descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return copy


def new_database_id() -> str:
    return secrets.token_hex(16)


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as error:
            if classify(error) is not None:
                raise  # busy, full, damaged: not "no version table"
            return None  # a new, empty database has no version table yet


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

    def __init__(self, path: Path, data_key: bytes | bytearray, *, read_only: bool = False) -> None:
        self.path = path
        refuse_network_file_system(path)  # before SQLite touches the file (WAL, see there)
        self.read_only = read_only
        # Our own copy, zeroed on close; every new connection is keyed from it.
        self._data_key = bytearray(data_key)
        self.engine = make_engine(path, self._data_key, read_only=read_only)

    @classmethod
    def open(
        cls,
        path: Path,
        data_key: bytes | bytearray,
        database_id: str,
        *,
        read_only: bool = False,
    ) -> Register:
        """Open an existing database; WrongDataKey when the key does not fit.

        Never writes to a file that is not already a register: a file too short to be one, or
        one without the register's schema, is refused (NotARegister) before any migration.
        ``read_only`` opens without any write (commands that only read, ``audit verify``).
        """
        check_register_file(path)
        register = cls(path, data_key, read_only=read_only)
        try:
            revision = _current_revision(register.engine)
            if revision is None:
                raise NotARegister(path=str(path))
            if revision != SCHEMA_HEAD:
                if read_only:
                    raise SchemaBehind(path=str(path))
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
        """A write transaction that is always rolled back: for what-if checks.

        On a read-only register the writes go to an in-memory copy of the database instead
        (attached as ``scratch``; every table name is translated to it), so the file is never
        written."""
        if self.read_only:
            with self.engine.connect() as connection:
                raw = connection.connection.dbapi_connection
                # Writes are allowed again only on this connection, and only reach the copy.
                raw.execute("PRAGMA query_only = OFF")
                raw.execute("ATTACH DATABASE ':memory:' AS scratch KEY ''")
                try:
                    raw.execute("SELECT sqlcipher_export('scratch')")
                    yield connection.execution_options(schema_translate_map={None: "scratch"})
                finally:
                    # The connection goes back to the pool: as read-only as it came.
                    connection.rollback()
                    raw.execute("DETACH DATABASE scratch")
                    raw.execute("PRAGMA query_only = ON")
            return
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

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[Any]:
        """A driver connection holding SQLite's exclusive lock (locking_mode EXCLUSIVE): nobody
        else can read or write until it closes. Refused at once (RegisterInUse) while any other
        connection, of any process, has the database open. For swapping the file (rekey)."""
        connection = connect(self.path, self._data_key)
        try:
            connection.execute("PRAGMA busy_timeout = 0")
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            try:
                connection.execute("BEGIN EXCLUSIVE")
            except sqlcipher3.OperationalError as error:
                raise RegisterInUse(str(self.path)) from error
            yield connection
        finally:
            connection.close()

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (so a copied or renamed file is complete)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self) -> None:
        """Rewrite the whole file without free pages, then fold the WAL into it: after a purge,
        no page of the database (nor its WAL) holds what was deleted. ``secure_delete`` also
        zeroes content freed by the rewrite itself."""
        proxy = self.engine.raw_connection()
        try:
            connection = proxy.driver_connection
            connection.execute("PRAGMA secure_delete = ON")
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            proxy.close()

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
    make_private_directory(path.parent)
    temporary = new_private_file(path)
    register = Register(temporary, data_key)
    try:
        migrate(register.engine)
        with register.write() as connection:
            connection.execute(meta.insert().values(key="database_id", value=database_id))
        yield register
        register.checkpoint()
        register.engine.dispose()
        publish_new(temporary, path)
    finally:
        register.close()
        remove_database_files(temporary)


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


# --- creating a register safely: one init at a time, and recovery from a half-done one -------


class InitLocked(StoreError):
    """Another ``init`` holds the lock on this path."""

    key = "store.init_locked"
    exit_code = 5


_INIT_KEYS_SUFFIX = ".init"


def _init_lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.init.lock")


def _try_lock(descriptor: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def init_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on creating a register at ``path`` (a locked file beside it), so two
    ``init`` on one path cannot interleave. The OS drops the lock when the process dies."""
    make_private_directory(path.parent)
    lock_path = _init_lock_path(path)
    while True:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(descriptor):
            os.close(descriptor)
            raise InitLocked(path=str(path))
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(lock_path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)  # the holder removed the file as we opened it: lock the new one
    try:
        yield
    finally:
        # Removed while still locked, so a waiting opener notices (the samestat check above).
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(descriptor)


def pending_keys_path(path: Path, keys_path: Path) -> Path:
    """Where ``init`` writes the key file until the database is in place."""
    return path.with_name(f".{keys_path.name}.{secrets.token_hex(4)}{_INIT_KEYS_SUFFIX}")


def _pending_keys(path: Path, keys_path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{keys_path.name}.*{_INIT_KEYS_SUFFIX}"))


def place_keys(pending: Path, keys_path: Path) -> None:
    """The last step of ``init``: the key file appears only once its database is in place."""
    os.replace(pending, keys_path)
    fsync_directory(keys_path.parent)


def finish_interrupted_init(path: Path, keys_path: Path) -> None:
    """Complete or clear what an ``init`` killed half-way left behind.

    ``init`` builds the database and the key file under temporary names and renames the
    database first, the key file last. A database without its key file but with exactly one
    pending key file beside it was stopped between the two renames: the key file is put in
    place. Without a database, pending key files and temporary databases are leftovers that
    nothing refers to: removed. Any other combination is left alone (the caller explains it).
    """
    pending = _pending_keys(path, keys_path)
    if path.exists():
        if not keys_path.exists() and len(pending) == 1:
            place_keys(pending[0], keys_path)
        return
    for leftover in (*pending, *path.parent.glob(f".{path.name}.*.tmp")):
        if leftover.name.endswith((".tmp", _INIT_KEYS_SUFFIX)):
            with contextlib.suppress(OSError):
                leftover.unlink()
    for sidecar in path.parent.glob(f".{path.name}.*.tmp-*"):
        with contextlib.suppress(OSError):
            sidecar.unlink()

"""What went wrong with the register's files, told truthfully.

A busy register, a full disk, a read-only file and a damaged file call for different actions
(wait, free space, fix permissions, restore a backup). SQLite and the OS report them as error
codes; :func:`classify` turns those into one of the classes here, each with its own message and
exit code. Only :class:`RegisterDamaged` may tell the user to restore a backup: telling a team
to restore because a colleague is importing is how real data gets lost.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from tracker.i18n import t

# SQLite's primary result codes (sqlite3.h) and the extended ones we tell apart.
_SQLITE_ERROR = 1
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
_SQLITE_IOERR_WRITE = _SQLITE_IOERR | (3 << 8)
_SQLITE_IOERR_FSYNC = _SQLITE_IOERR | (4 << 8)
_SQLITE_IOERR_TRUNCATE = _SQLITE_IOERR | (6 << 8)
_SQLITE_IOERR_SHMSIZE = _SQLITE_IOERR | (19 << 8)  # growing the -shm file failed
_WRITE_FAILURES = {
    _SQLITE_IOERR_WRITE,
    _SQLITE_IOERR_FSYNC,
    _SQLITE_IOERR_TRUNCATE,
    _SQLITE_IOERR_SHMSIZE,
}


class StoreError(Exception):
    """Base of the store's file errors; ``key`` and ``params`` give the user's message."""

    key = "store.io_error"
    exit_code = 1

    def __init__(self, **params: object) -> None:
        # Only public facts (paths): never a key, a passphrase or a value from the register.
        self.params = params
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class RegisterBusy(StoreError):
    """Another process held the write lock for longer than the wait limit."""

    key = "store.busy"
    exit_code = 5


class DiskFull(StoreError):
    """A write failed for lack of space (or a file-size limit); nothing was changed."""

    key = "store.disk_full"
    exit_code = 6


class ReadOnlyRegister(StoreError):
    """The file or its folder cannot be written (read-only file system, permissions)."""

    key = "store.read_only"
    exit_code = 7


class RegisterDamaged(StoreError):
    """The file's content is damaged: the one case where restoring a backup is the advice."""

    key = "store.damaged"
    exit_code = 4


class NotARegister(RegisterDamaged):
    """The file at the register's path is empty, cut short or has no register in it."""

    key = "store.not_a_register"


class WalDamaged(RegisterDamaged):
    """The write-ahead log is damaged; it was left as it is and a copy kept (``copy``)."""

    key = "store.wal_damaged"


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code != _SQLITE_ERROR:
        return code
    # Errors raised without a code (older drivers), or passed on as a generic SQLITE_ERROR (by
    # SQL functions such as sqlcipher_export): the message is SQLite's standard text.
    text = str(error).lower()
    for fragment, value in (
        ("database is locked", _SQLITE_BUSY),
        ("database or disk is full", _SQLITE_FULL),
        ("readonly database", _SQLITE_READONLY),
        ("disk i/o error", _SQLITE_IOERR),
        ("malformed", _SQLITE_CORRUPT),
        ("file is not a database", _SQLITE_NOTADB),
    ):
        if fragment in text:
            return value
    return None


def _from_os(error: OSError, path: str) -> StoreError | None:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EFBIG):
        return DiskFull(path=path)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyRegister(path=path)
    return None


# Below this much free space, a failed write is put down to the full disk.
_LOW_SPACE_BYTES = 1024 * 1024


def _space_exhausted(path: str) -> bool:
    """After an unspecified I/O error: is the file system (nearly) full, or has one of the
    register's files reached the process's file-size limit (``ulimit -f``)? The driver reports
    both as a bare "disk I/O error" (an EFBIG write is SQLITE_IOERR_WRITE, not SQLITE_FULL)."""
    if not path:
        return False
    database = Path(path)
    with contextlib.suppress(OSError):
        status = os.statvfs(database.parent if str(database.parent) else ".")
        if status.f_bavail * status.f_frsize < _LOW_SPACE_BYTES:
            return True
    try:
        import resource
    except ImportError:  # Windows has no file-size limit
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return False
    for suffix in ("", "-wal", "-shm", ".keys"):
        with contextlib.suppress(OSError):
            if database.with_name(database.name + suffix).stat().st_size + 65536 > soft:
                return True
    return soft < 65536  # too small for even the -shm file


def writable(database: Path) -> bool:
    """Can this process write the database file and create files beside it (-wal, -shm)?"""
    folder = database.parent if str(database.parent) else Path(".")
    if database.exists() and not os.access(database, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def classify(error: BaseException, path: object = "") -> StoreError | None:
    """The store error ``error`` stands for, or None when it is not a file/database failure.

    Accepts the driver's errors, SQLAlchemy's wrappers around them and OSError.
    """
    if isinstance(error, StoreError):
        return error
    place = str(path)
    original = getattr(error, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    if original is not None and original is not error:
        found = classify(original, path)
        if found is not None:
            return found
    if isinstance(error, OSError):
        return _from_os(error, place or str(error.filename or ""))
    code = (
        _sqlite_code(error)
        if type(error).__module__.startswith(("sqlcipher3", "sqlite3"))
        else None
    )
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return RegisterBusy(path=place)
    if primary == _SQLITE_FULL or code in _WRITE_FAILURES:
        return DiskFull(path=place)
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return ReadOnlyRegister(path=place)
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return RegisterDamaged(path=place)
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        if _space_exhausted(place):
            return DiskFull(path=place)
        if place and not writable(Path(place)):
            return ReadOnlyRegister(path=place)
        return StoreError(path=place)
    return None

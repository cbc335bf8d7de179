"""Crash-safe file replacement.

A key file or database that is half written after a power cut or a full disk would lock the team
out of its register, so every write goes to a temporary file in the same directory, is flushed to
disk, and only then renamed over the old file. A rename within one directory is atomic on every
platform we support: readers see either the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

# Errors from fsync on a directory that only mean "this filesystem cannot do that" (some network
# and FUSE filesystems); the rename itself already happened, so they are not worth failing over.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF}


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new content.

    The temporary file is created with ``mode`` from the start (never briefly world-readable),
    written, flushed and fsynced, renamed over ``path`` with :func:`os.replace`, and then the
    directory is fsynced so the rename itself survives a crash. On any error the temporary file
    is removed and ``path`` is left untouched.
    """
    path = Path(path)
    directory = path.parent
    # O_EXCL: never reuse (or follow a symlink planted at) an existing name; the random part makes
    # a collision with a leftover from another process practically impossible.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    tmp = directory / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, flags, mode)
    try:
        try:
            if hasattr(os, "fchmod"):
                # The umask may have narrowed ``mode``; the caller asked for exactly this mode.
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_directory(directory)


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; a no-op where the OS has no directory fsync."""
    if os.name == "nt":
        # Windows cannot open a directory as a file; NTFS journals the rename itself.
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def make_private_directory(directory: Path) -> None:
    """Create ``directory`` (and parents) readable by the owner only, whatever the umask."""
    missing = []
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for created in missing:
        with contextlib.suppress(OSError):
            os.chmod(created, 0o700)


def new_private_file(path: Path) -> Path:
    """A new temporary file beside ``path``, readable by the owner only from the first byte."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return temporary


def publish_new(temporary: Path, path: Path) -> None:
    """Flush a completed ``temporary`` file to disk and rename it to ``path``, which must not
    exist (FileExistsError): a new database appears whole or not at all."""
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    if path.exists():
        raise FileExistsError(str(path))
    os.replace(temporary, path)
    fsync_directory(path.parent)


def remove_database_files(path: Path) -> None:
    """Remove a database file and the journal files SQLite may have left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path.with_name(path.name + suffix))

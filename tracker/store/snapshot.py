"""Consistent encrypted copies of an open, running register.

A live register is in WAL mode: its main file alone is not the database (committed pages may
still sit in ``-wal``), and copying the files while another connection writes can capture a
torn state. So a copy is made *through SQLCipher*: a fresh keyed connection attaches a new,
empty database keyed with the target key and runs ``sqlcipher_export`` inside one read
transaction, which sees a single WAL snapshot however much other connections write meanwhile.
The copy is re-encrypted page by page under the target key (the same key for a backup, a new
one for a re-key).

The target key reaches SQLCipher as a bound parameter (the raw-key literal ``x'…'`` in a
bytearray that is zeroed straight after), never in SQL text, so it cannot appear in a statement
log or an error message.
"""

from __future__ import annotations

from pathlib import Path

from tracker.store.atomic import new_private_file, publish_new, remove_database_files
from tracker.store.database import Register
from tracker.store.engine import _raw_key_buffer

_ALIAS = "snapshot"


def copy_encrypted(register: Register, target: Path, key: bytes | bytearray) -> None:
    """Write a consistent copy of ``register`` to ``target``, encrypted with ``key``.

    Works while other connections write to the register. ``target`` must not exist; the copy
    is built in a temporary file in the same folder, flushed to disk and renamed to ``target``
    only when complete, so a crash or an error leaves no half-written copy.
    """
    target = Path(target)
    if target.exists():
        raise FileExistsError(str(target))
    temporary = new_private_file(target)
    try:
        _export(register, temporary, key)
        publish_new(temporary, target)
    finally:
        remove_database_files(temporary)


def _export(register: Register, path: Path, key: bytes | bytearray) -> None:
    key_buffer = _raw_key_buffer(key)
    # A connection of its own (the engine keys each new one), closed when done.
    proxy = register.engine.raw_connection()
    try:
        connection = proxy.driver_connection
        try:
            connection.execute(f"ATTACH DATABASE ? AS {_ALIAS} KEY ?", (str(path), key_buffer))
        finally:
            key_buffer[:] = bytes(len(key_buffer))
        try:
            # One read transaction over the whole export: one WAL snapshot of the register.
            connection.execute("BEGIN")
            try:
                connection.execute(f"SELECT sqlcipher_export('{_ALIAS}')").fetchall()
                (user_version,) = connection.execute("PRAGMA main.user_version").fetchone()
                connection.execute(f"PRAGMA {_ALIAS}.user_version = {int(user_version)}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        finally:
            connection.execute(f"DETACH DATABASE {_ALIAS}")
    finally:
        proxy.close()

"""``tracker rekey``: a new data key for the whole register (what really cuts a departed user off).

A user who once held a slot may have kept the data key (or an old key file and her passphrase);
only a new data key locks her out. A coordinator can rekey without anyone else's passphrase,
because the data key is wrapped to each user's X25519 public key (tracker.store.keyfile).

The swap is crash-safe; a kill at any moment leaves the old register (old key file) or the new one
(new key file), each openable by its users:

1. the database is copied, re-encrypted under the new key, to ``<db>.rekey``
   (``copy_encrypted``: one consistent snapshot), and the copy gets the signed
   ``register_rekeyed`` event, which records the new key file's SHA-256 and the new recovery
   key's public keys;
2. under SQLite's exclusive lock on the old database (refused while anyone else has it open; and
   refused if anything was written since the copy), the old WAL is checkpointed, and the new key
   file is written to ``<db>.keys.pending``;
3. ``<db>.rekey`` is renamed over ``<db>`` (the commit point), then the pending key file over
   ``<db>.keys``.

On the next open: a leftover ``<db>.rekey`` (before the commit point) is removed, and so is the
pending key file, whose digest the old log never recorded; after the commit point the old key
file no longer opens the database, the pending one does, and its digest is in the (new) log, so
it is renamed into place (tracker.services.registers.open_session).
"""

from __future__ import annotations

import base64
import contextlib
import os

from tracker.services.registers import (
    _unlocked_for,
    membership,
    rekey_path,
    remove_rekey_leftovers,
)
from tracker.services.session import ROLE_COORDINATOR, ServiceError, Session
from tracker.store import keyfile
from tracker.store.atomic import fsync_directory
from tracker.store.database import Register
from tracker.store.eventlog import Head, head
from tracker.store.keyfile import keyfile_path
from tracker.store.snapshot import copy_encrypted
from tracker.store.trust import REGISTER_REKEYED


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def rekey(session: Session, *, passphrase: str, reason: str = "rekey") -> str:
    """Give the register a new data key; returns the new recovery key (show it once).

    Coordinators only, with their passphrase. Refused while a user still has a version 1 slot
    (it cannot be re-wrapped without her passphrase: she must log in once first) or while anyone
    else has the register open. ``session`` is left open on the new register."""
    session.require_role(ROLE_COORDINATOR)
    unlocked = _unlocked_for(session, passphrase)
    unlocked.wipe()
    if session.authority is None:
        raise ServiceError("service.no_authority")
    db_path = session.db_path
    keys_path = keyfile_path(db_path)
    current = keyfile.load_keyfile(keys_path)
    state = membership(session)
    if state.keyfile_digest is not None and current.digest != state.keyfile_digest:
        raise keyfile.KeyFileNotBacked(keys_path, session.actor.user, "file")
    legacy = sorted(s.user for s in current.legacy if s.user is not None)
    if legacy:
        raise ServiceError("rekey.legacy_slots", users=", ".join(legacy))

    new_key = keyfile.new_data_key()
    try:
        rekeyed, recovery_key, recovery = keyfile.rekeyed(current, new_key, session.authority)
        data = rekeyed.encode()
        digest = keyfile.digest(data)
        remove_rekey_leftovers(db_path)
        with session.read() as connection:
            before = head(connection)
        copy_path = rekey_path(db_path)
        copy_encrypted(session.register, copy_path, new_key)
        database_id = current.database_id
        copy = Register.open(copy_path, new_key, database_id)
        try:
            copied = Session(
                copy,
                session.actor,
                copy_path,
                session.today,
                signer=session.signer,
                authority=session.authority,
            )
            with copied.transaction() as tx:
                if tx.writer.head != before:
                    raise ServiceError("rekey.busy")
                tx.append(
                    REGISTER_REKEYED,
                    {
                        "reason": reason,
                        "users": rekeyed.users(),
                        "recovery_x25519": _b64(recovery.x25519_public),
                        "recovery_ed25519": _b64(recovery.ed25519_public),
                        "keyfile_sha256": digest,
                    },
                )
            copy.checkpoint()
        finally:
            copy.close()
        with open(copy_path, "rb+") as handle:
            os.fsync(handle.fileno())
        _swap(session, before, data, digest)
        session.register.close()
        session.register = Register.open(db_path, new_key, database_id)
        return recovery_key
    except BaseException:
        remove_rekey_leftovers(db_path)
        raise
    finally:
        new_key[:] = bytes(len(new_key))


def _swap(session: Session, before: Head, data: bytes, digest: str) -> None:
    db_path = session.db_path
    keys_path = keyfile_path(db_path)
    session.register.engine.dispose()
    try:
        with session.register.exclusive() as connection:
            now = connection.execute(
                "SELECT seq, chain_hash FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            if Head(*now) != before:
                raise ServiceError("rekey.busy")
            connection.execute("COMMIT")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            keyfile.write_pending(keys_path, data)
    except BaseException:
        keyfile.pending_path(keys_path).unlink(missing_ok=True)
        raise
    # The commit point: from here the new database (and the pending key file) is the register.
    os.replace(rekey_path(db_path), db_path)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(db_path.with_name(db_path.name + suffix))
    fsync_directory(db_path.parent)
    keyfile.apply_pending(keys_path, digest)

"""Backup and restore use cases: backups of a running register, rotation, verified restore.

The backup folder and rotation are register settings (a coordinator sets them; the change is
an event). A backup is not an event: it changes nothing in the register, and a restored backup
shows the very head it was made at.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from tracker.services import audit
from tracker.services.session import ROLE_COORDINATOR, Actor, ServiceError, Session
from tracker.store import keyfile
from tracker.store.atomic import fsync_directory, publish_new
from tracker.store.backup import (
    BackupDamaged,
    BackupFile,
    BackupHeader,
    extract,
    list_backups,
    private_folder,
    read_backup,
    rotation_keeps,
    write_backup,
)
from tracker.store.database import NotATrackerDatabase, Register, set_meta
from tracker.store.engine import WrongDataKey
from tracker.store.eventlog import Head, head

BACKUP_SETTINGS_SET = "backup_settings_set"

FOLDER_META = "backup_folder"
KEEP_LAST_META = "backup_keep_last"
KEEP_MONTHLY_META = "backup_keep_monthly"
REMIND_DAYS_META = "backup_remind_days"
LAST_BACKUP_META = "last_backup"

DEFAULT_KEEP_LAST = 7
DEFAULT_KEEP_MONTHLY = 12
DEFAULT_REMIND_DAYS = 7
_LIMITS = {"keep_last": (1, 1000), "keep_monthly": (0, 1200), "remind_days": (1, 366)}


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    folder_is_default: bool
    keep_last: int
    keep_monthly: int
    remind_days: int


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _int_meta(session: Session, key: str, default: int) -> int:
    stored = session.register.meta(key)
    try:
        return int(stored) if stored is not None else default
    except ValueError:
        return default


def backup_settings(session: Session) -> BackupSettings:
    folder = session.register.meta(FOLDER_META)
    return BackupSettings(
        folder=Path(folder) if folder else default_folder(session.db_path),
        folder_is_default=not folder,
        keep_last=_int_meta(session, KEEP_LAST_META, DEFAULT_KEEP_LAST),
        keep_monthly=_int_meta(session, KEEP_MONTHLY_META, DEFAULT_KEEP_MONTHLY),
        remind_days=_int_meta(session, REMIND_DAYS_META, DEFAULT_REMIND_DAYS),
    )


def _checked_count(name: str, value: int | str) -> int:
    low, high = _LIMITS[name]
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise ServiceError("backup.setting_out_of_range", value=value, low=low, high=high)
    return number


def set_backup_settings(
    session: Session,
    *,
    folder: Path | None = None,
    keep_last: int | str | None = None,
    keep_monthly: int | str | None = None,
    remind_days: int | str | None = None,
) -> BackupSettings:
    """A coordinator sets the backup folder and rotation; recorded in the audit log. With
    nothing to change, anyone may read the settings."""
    changes: dict[str, object] = {}
    if folder is not None:
        changes[FOLDER_META] = str(Path(folder).expanduser().absolute())
    for name, value, meta_key in (
        ("keep_last", keep_last, KEEP_LAST_META),
        ("keep_monthly", keep_monthly, KEEP_MONTHLY_META),
        ("remind_days", remind_days, REMIND_DAYS_META),
    ):
        if value is not None:
            changes[meta_key] = _checked_count(name, value)
    if changes:
        session.require_role(ROLE_COORDINATOR)
        with session.transaction() as tx:
            tx.append(BACKUP_SETTINGS_SET, changes)
            for key, value in changes.items():
                set_meta(tx.connection, key, str(value))
    return backup_settings(session)


@dataclass(frozen=True)
class LastBackup:
    at: datetime
    seq: int
    path: str


def last_backup(session: Session) -> LastBackup | None:
    stored = session.register.meta(LAST_BACKUP_META)
    if not stored:
        return None
    try:
        content = json.loads(stored)
        at = datetime.fromisoformat(content["at"].removesuffix("Z")).replace(tzinfo=UTC)
        return LastBackup(at, int(content["seq"]), str(content["path"]))
    except (ValueError, KeyError, TypeError):
        return None


def backup_due(session: Session, now: datetime | None = None) -> bool:
    """True when no backup was made, or the last is older than the reminder setting."""
    last = last_backup(session)
    if last is None:
        return True
    now = now or datetime.now(UTC)
    return now - last.at > timedelta(days=backup_settings(session).remind_days)


@dataclass(frozen=True)
class BackupResult:
    backup: BackupFile
    removed: list[Path]
    settings: BackupSettings


def make_backup(session: Session, out: Path | None = None) -> BackupResult:
    """Back up the register (any role: a backup changes nothing and stays encrypted).

    Into ``out`` when given, else the register's backup folder, where rotation then removes
    what the settings no longer keep (only this register's backups, never an unreadable file).
    """
    settings = backup_settings(session)
    folder = Path(out) if out is not None else settings.folder
    written = write_backup(session.register, keyfile.keyfile_path(session.db_path), folder)
    session.register.write_meta(
        LAST_BACKUP_META,
        json.dumps(
            {
                "at": written.header.created_at,
                "seq": written.header.head_seq,
                "path": str(written.path.absolute()),
            }
        ),
    )
    removed: list[Path] = []
    if out is None:
        removed = _rotate(folder, written.header.database_id, settings)
    return BackupResult(written, removed, settings)


def _rotate(folder: Path, database_id: str, settings: BackupSettings) -> list[Path]:
    backups, _unreadable = list_backups(folder, database_id)
    kept = rotation_keeps(backups, keep_last=settings.keep_last, keep_monthly=settings.keep_monthly)
    removed = [backup.path for backup in backups if backup.path not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    if removed:
        fsync_directory(folder)
    return removed


def register_backups(
    session: Session, folder: Path | None = None
) -> tuple[list[BackupFile], list[Path], Path]:
    """This register's backups in ``folder`` (default: its backup folder), oldest first, the
    unreadable backup files there, and the folder looked in."""
    folder = Path(folder) if folder is not None else backup_settings(session).folder
    backups, unreadable = list_backups(folder, session.register.meta("database_id"))
    return backups, unreadable, folder


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    head: Head
    replaced: list[Path]  # the files the restore moved aside (kept, never deleted)
    migrated_from: str  # the backup's schema revision
    made: datetime  # when the backup was made


def free_path_beside(path: Path, stamp: str) -> Path:
    """A new database path beside ``path`` that is not taken (nor its key file)."""
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        candidate = path.with_name(f"{path.stem}-restored-{stamp}{suffix}{path.suffix}")
        if not candidate.exists() and not keyfile.keyfile_path(candidate).exists():
            return candidate
    raise FileExistsError(str(path))


def _existing_head(db_path: Path, user: str, passphrase: str) -> tuple[str, Head] | None:
    """The database id and head of the register at ``db_path``, or None when it cannot be
    opened with these credentials (damaged, missing key file, another user's register)."""
    try:
        unlocked = keyfile.unlock(keyfile.keyfile_path(db_path), user, passphrase)
        try:
            register = Register.open(db_path, unlocked.data_key, unlocked.keyfile.database_id)
        finally:
            unlocked.wipe()
        with register, register.read() as connection:
            return register.meta("database_id") or "", head(connection)
    except Exception:  # whatever is wrong with it, it is not known to be older
        return None


def restore(
    backup_path: Path,
    target: Path,
    *,
    user: str,
    passphrase: str,
    force: bool = False,
    keep_existing: bool = True,
    today: Callable[[], date] = date.today,
) -> RestoreResult:
    """Verify a backup, then put its register at ``target``.

    Verification first: the file's hashes, then a login with ``user``'s slot in the backup's
    key file, every page, the whole chain, the projections, and the head named in the header.
    With ``keep_existing`` (the default) a register already at ``target`` is left alone and the
    backup goes to a new path beside it. Otherwise it is replaced, but only when it is not
    longer (further ahead) than the backup, or with ``force``; the replaced files are kept
    beside it with ``.replaced-<time>`` added to their names.
    """
    backup = read_backup(backup_path)
    header = backup.header
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    occupied = target.exists() or keyfile.keyfile_path(target).exists()
    if occupied and keep_existing:
        target = free_path_beside(target, stamp)
        occupied = False
    target.parent.mkdir(parents=True, exist_ok=True)
    with private_folder(target.parent / target.name) as work:
        database = work / "register.db"
        keys = keyfile.keyfile_path(database)
        extract(backup, database, keys)
        unlocked = keyfile.unlock(keys, user, passphrase)
        try:
            if unlocked.keyfile.database_id != header.database_id:
                raise BackupDamaged("backup.keys_differ", path=str(backup_path))
            _verify_restored(backup_path, database, unlocked, header, today)
        finally:
            unlocked.wipe()
        migrated_from = header.schema
        replaced: list[Path] = []
        if occupied:
            existing = _existing_head(target, user, passphrase)
            if not force:
                if existing is None:
                    raise ServiceError("restore.existing_unreadable", path=str(target))
                existing_id, existing_head = existing
                if existing_id != header.database_id:
                    raise ServiceError("restore.other_register", path=str(target))
                if existing_head.seq > header.head_seq:
                    raise ServiceError(
                        "restore.register_newer",
                        path=str(target),
                        register_seq=existing_head.seq,
                        backup_seq=header.head_seq,
                    )
            replaced = _move_aside(target, stamp)
        publish_new(database, target)
        target_keys = keyfile.keyfile_path(target)
        if target_keys.exists():
            raise FileExistsError(str(target_keys))
        os.replace(keys, target_keys)
        fsync_directory(target.parent)
    return RestoreResult(target, header.head, replaced, migrated_from, header.created)


def _verify_restored(
    backup_path: Path,
    database: Path,
    unlocked: keyfile.Unlocked,
    header: BackupHeader,
    today: Callable[[], date],
) -> None:
    """Every page, the chain, the projections and the head of the extracted copy (which is
    migrated when it comes from an older release); BackupDamaged on any difference."""
    try:
        register = Register.open(database, unlocked.data_key, header.database_id)
        session = Session(
            register, Actor(unlocked.user or "", unlocked.role or ""), database, today
        )
        with session:
            report = audit.verify(session)
            register.checkpoint()
    except (DBAPIError, WrongDataKey, NotATrackerDatabase) as error:
        # A page that fails its HMAC stops SQLite before the audit can name it.
        raise BackupDamaged("backup.audit_failed", path=str(backup_path)) from error
    if not report.ok or report.chain is None:
        raise BackupDamaged("backup.audit_failed", path=str(backup_path))
    if report.chain.head != header.head:
        raise BackupDamaged("backup.head_differs", path=str(backup_path))


def _move_aside(db_path: Path, stamp: str) -> list[Path]:
    moved: list[Path] = []
    for path in (db_path, keyfile.keyfile_path(db_path)):
        for suffix in ("", "-wal", "-shm"):
            current = path.with_name(path.name + suffix)
            if current.exists():
                kept = current.with_name(f"{path.name}.replaced-{stamp}{suffix}")
                os.replace(current, kept)
                moved.append(kept)
    with contextlib.suppress(OSError):
        fsync_directory(db_path.parent)
    return moved

"""The backup file: one file holding an encrypted copy of the register and its key file.

A backup is a zip archive (stored, not compressed: the content is encrypted and would not
shrink) of three members:

- ``backup.json``: the header (format, database id, audit head, time, tool version, schema
  revision, and the SHA-256 and size of the two other members);
- ``register.db``: a consistent copy of the register made by :func:`copy_encrypted`, still
  encrypted under the register's data key;
- ``register.db.keys``: the key file's bytes, as they were (this module does not read them; the
  key file's format belongs to tracker.store.keyfile).

A reader checks the header's hashes before it trusts anything else, so a flipped byte anywhere
is found before a restore touches a register. The audit head is also in the file's name, so a
folder listing shows which backup holds what.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracker.store.atomic import fsync_directory, new_private_file, publish_new
from tracker.store.database import SCHEMA_HEAD, Register, integrity_problems
from tracker.store.eventlog import Head, verify_chain
from tracker.store.snapshot import copy_encrypted

FORMAT = "tracker.backup/1"
SUFFIX = ".trbackup"
HEADER_MEMBER = "backup.json"
DATABASE_MEMBER = "register.db"
KEYS_MEMBER = "register.db.keys"
_MEMBERS = {HEADER_MEMBER, DATABASE_MEMBER, KEYS_MEMBER}
_MAX_HEADER_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_NAME_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class BackupDamaged(Exception):
    """The file is not a readable backup, or its content differs from what its header says.

    ``key`` is an i18n key (backup.*) with ``params``; never any key material.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class BackupHeader:
    database_id: str
    head_seq: int
    head_hash: str
    created_at: str  # UTC, ISO 8601 with a Z
    tool_version: str
    schema: str
    database_sha256: str
    database_size: int
    keys_sha256: str
    keys_size: int
    format: str = FORMAT

    @property
    def head(self) -> Head:
        return Head(self.head_seq, self.head_hash)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at.removesuffix("Z")).replace(tzinfo=UTC)

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> BackupHeader:
        try:
            content = json.loads(raw.decode("utf-8"))
            if not isinstance(content, dict) or content.get("format") != FORMAT:
                raise ValueError("format")
            header = cls(**content)
            if not isinstance(header.head_seq, int) or not isinstance(header.database_id, str):
                raise ValueError("head")
            header.created  # noqa: B018 (the time must parse)
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            raise BackupDamaged("backup.not_a_backup") from error
        return header


@dataclass(frozen=True)
class BackupFile:
    path: Path
    header: BackupHeader

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_path(folder: Path, db_path: Path, header: BackupHeader) -> Path:
    """``<register>_<UTC time>_seq<N>.trbackup`` in ``folder`` (``-2``… added when taken):
    sorts by time, shows the audit head."""
    stamp = header.created.strftime("%Y%m%dT%H%M%SZ")
    stem = _NAME_SAFE.sub("-", db_path.stem) or "register"
    for number in range(1, 1000):
        extra = "" if number == 1 else f"-{number}"
        candidate = folder / f"{stem}_{stamp}_seq{header.head_seq}{extra}{SUFFIX}"
        if not candidate.exists():
            return candidate
    raise FileExistsError(str(folder))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@contextlib.contextmanager
def private_folder(beside: Path) -> Iterator[Path]:
    """A temporary folder beside ``beside`` (same disk, so renames out of it are atomic)."""
    folder = new_private_file(beside)
    folder.unlink()
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verify_copy(path: Path, key: bytes | bytearray, database_id: str) -> Head:
    """Open a database copy with ``key``; check every page and the whole chain; its head.

    Raises BackupDamaged when a page or the chain is wrong.
    """
    with Register.open(path, key, database_id) as copy:
        problems = integrity_problems(copy)
        if problems:
            raise BackupDamaged("backup.pages_damaged", detail=problems[0])
        with copy.read() as connection:
            chain = verify_chain(connection)
    if not chain.ok:
        raise BackupDamaged("backup.chain_broken", seq=chain.first_bad_seq)
    return chain.head


def write_backup(register: Register, keys_path: Path, folder: Path) -> BackupFile:
    """Back up the open ``register`` and its key file into ``folder``; verified before return.

    The database copy is consistent however much other connections write meanwhile. The file
    appears in ``folder`` only when complete, and is then read back and checked (hashes, every
    page, the chain) before this returns.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    database_id = register.meta("database_id") or ""
    key = register._data_key  # the same key: a backup opens with the register's key file
    with private_folder(folder / "backup") as work:
        copy_path = work / DATABASE_MEMBER
        copy_encrypted(register, copy_path, key)
        # The key file right after the snapshot: the pair belongs together.
        keys_bytes = Path(keys_path).read_bytes()
        head = verify_copy(copy_path, key, database_id)
        header = BackupHeader(
            database_id=database_id,
            head_seq=head.seq,
            head_hash=head.hash,
            created_at=_now(),
            tool_version=_tool_version(),
            schema=SCHEMA_HEAD,
            database_sha256=_sha256_file(copy_path),
            database_size=copy_path.stat().st_size,
            keys_sha256=hashlib.sha256(keys_bytes).hexdigest(),
            keys_size=len(keys_bytes),
        )
        target = backup_path(folder, register.path, header)
        archive = new_private_file(target)
        try:
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
                bundle.writestr(HEADER_MEMBER, header.to_json())
                bundle.write(copy_path, DATABASE_MEMBER)
                bundle.writestr(KEYS_MEMBER, keys_bytes)
            publish_new(archive, target)
        finally:
            archive.unlink(missing_ok=True)
    written = read_backup(target)
    # Read back what is on disk: the copy in the file, not the one we made, must open.
    with private_folder(folder / "verify") as work:
        extract(written, work / DATABASE_MEMBER, work / KEYS_MEMBER)
        if verify_copy(work / DATABASE_MEMBER, key, database_id) != header.head:
            raise BackupDamaged("backup.head_differs", path=str(target))
    return written


def _tool_version() -> str:
    from tracker import __version__

    return __version__


def read_backup(path: Path) -> BackupFile:
    """Read a backup's header and check both members against its hashes (BackupDamaged)."""
    path = Path(path)
    try:
        bundle = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise BackupDamaged("backup.not_a_backup", path=str(path)) from error
    try:
        with bundle:
            names = set(bundle.namelist())
            if names != _MEMBERS:
                raise BackupDamaged("backup.not_a_backup", path=str(path))
            info = bundle.getinfo(HEADER_MEMBER)
            if info.file_size > _MAX_HEADER_BYTES:
                raise BackupDamaged("backup.not_a_backup", path=str(path))
            header = BackupHeader.from_json(bundle.read(HEADER_MEMBER))
            for member, expected, size in (
                (DATABASE_MEMBER, header.database_sha256, header.database_size),
                (KEYS_MEMBER, header.keys_sha256, header.keys_size),
            ):
                digest = hashlib.sha256()
                with bundle.open(member) as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                if digest.hexdigest() != expected or bundle.getinfo(member).file_size != size:
                    raise BackupDamaged("backup.content_differs", path=str(path))
    except BackupDamaged as error:
        error.params.setdefault("path", str(path))
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError) as error:
        # A flipped byte in a member makes the zip's own CRC check fail on reading.
        raise BackupDamaged("backup.content_differs", path=str(path)) from error
    return BackupFile(path, header)


def extract(backup: BackupFile, database_target: Path, keys_target: Path) -> None:
    """Write the backup's database and key file to two new private files (already verified by
    :func:`read_backup`; the hashes are checked again on the way out)."""
    with zipfile.ZipFile(backup.path) as bundle:
        for member, target, expected in (
            (DATABASE_MEMBER, database_target, backup.header.database_sha256),
            (KEYS_MEMBER, keys_target, backup.header.keys_sha256),
        ):
            digest = hashlib.sha256()
            descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(descriptor, "wb") as out, bundle.open(member) as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != expected:
                raise BackupDamaged("backup.content_differs", path=str(backup.path))
    fsync_directory(database_target.parent)


def list_backups(
    folder: Path, database_id: str | None = None
) -> tuple[list[BackupFile], list[Path]]:
    """The backups in ``folder`` (of one register when ``database_id`` is given), oldest first,
    and the ``.trbackup`` files whose header cannot be read. Only headers are read (quick)."""
    found: list[BackupFile] = []
    unreadable: list[Path] = []
    if not folder.is_dir():
        return found, unreadable
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            with zipfile.ZipFile(path) as bundle:
                header = BackupHeader.from_json(bundle.read(HEADER_MEMBER))
        except (BackupDamaged, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
            unreadable.append(path)
            continue
        if database_id is None or header.database_id == database_id:
            found.append(BackupFile(path, header))
    found.sort(key=lambda backup: (backup.header.created_at, backup.header.head_seq))
    return found, unreadable


def rotation_keeps(backups: list[BackupFile], *, keep_last: int, keep_monthly: int) -> set[Path]:
    """Which backups rotation keeps: the newest ``keep_last``, and the newest of each of the
    ``keep_monthly`` most recent calendar months that have one (like restic's --keep-last and
    --keep-monthly)."""
    newest_first = sorted(
        backups, key=lambda b: (b.header.created_at, b.header.head_seq), reverse=True
    )
    kept = {backup.path for backup in newest_first[:keep_last]}
    months: list[str] = []
    for backup in newest_first:
        month = backup.header.created_at[:7]
        if month not in months:
            months.append(month)
            if len(months) <= keep_monthly:
                kept.add(backup.path)
    return kept

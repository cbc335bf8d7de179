"""The backup file format: what a reader refuses, and which backups rotation keeps."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from support import PASSPHRASE

from tracker.services import backups
from tracker.services.session import Session
from tracker.store.backup import (
    DATABASE_MEMBER,
    HEADER_MEMBER,
    KEYS_MEMBER,
    BackupDamaged,
    BackupFile,
    BackupHeader,
    read_backup,
    rotation_keeps,
)
from tracker.store.eventlog import head


def _header(created_at: str, seq: int = 1) -> BackupHeader:
    return BackupHeader("0" * 32, seq, "a" * 64, created_at, "0", "0003", "", 0, "", 0)


def _files(*times: str) -> list[BackupFile]:
    return [BackupFile(Path(f"{t}.trbackup"), _header(t)) for t in times]


def test_rotation_keeps_the_newest_and_one_per_month() -> None:
    found = _files(
        "2026-01-05T10:00:00Z",
        "2026-01-20T10:00:00Z",
        "2026-02-03T10:00:00Z",
        "2026-03-01T10:00:00Z",
        "2026-03-08T10:00:00Z",
        "2026-03-15T10:00:00Z",
    )
    kept = rotation_keeps(found, keep_last=2, keep_monthly=2)
    assert sorted(p.stem for p in kept) == [
        "2026-02-03T10:00:00Z",  # the newest of February (the second-newest month)
        "2026-03-08T10:00:00Z",
        "2026-03-15T10:00:00Z",  # the newest two, March's newest among them
    ]
    assert rotation_keeps(found, keep_last=1, keep_monthly=0) == {
        Path("2026-03-15T10:00:00Z.trbackup")
    }
    everything = rotation_keeps(found, keep_last=10, keep_monthly=10)
    assert everything == {backup.path for backup in found}


@pytest.fixture
def backup(session: Session) -> Path:
    return backups.make_backup(session).backup.path


def _rewrite(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    members.update(change)
    with zipfile.ZipFile(target, "w") as out:
        for name, data in members.items():
            if data:
                out.writestr(name, data)
    return target


def test_a_good_backup_reads_with_its_head(session: Session, backup: Path) -> None:
    header = read_backup(backup).header
    with session.read() as connection:
        assert header.head == head(connection)
    assert f"seq{header.head_seq}" in backup.name
    assert PASSPHRASE.encode() not in backup.read_bytes()


def test_damaged_or_foreign_files_are_refused(backup: Path, tmp_path: Path) -> None:
    not_zip = tmp_path / "x.trbackup"
    not_zip.write_bytes(b"hello")
    with pytest.raises(BackupDamaged) as refused:
        read_backup(not_zip)
    assert refused.value.key == "backup.not_a_backup"

    missing = _rewrite(backup, tmp_path / "missing.trbackup", {KEYS_MEMBER: b""})
    with pytest.raises(BackupDamaged) as refused:
        read_backup(missing)
    assert refused.value.key == "backup.not_a_backup"

    with zipfile.ZipFile(backup) as bundle:
        database = bytearray(bundle.read(DATABASE_MEMBER))
        header = json.loads(bundle.read(HEADER_MEMBER))
    database[9000] ^= 0x40
    swapped = _rewrite(backup, tmp_path / "swapped.trbackup", {DATABASE_MEMBER: bytes(database)})
    with pytest.raises(BackupDamaged) as refused:
        read_backup(swapped)
    assert refused.value.key == "backup.content_differs"

    # A header forged to match the changed database passes the hash check, but restore then
    # checks every page with the key (the page HMAC) and refuses it; nothing is written.
    header["database_sha256"] = hashlib.sha256(bytes(database)).hexdigest()
    forged = _rewrite(
        swapped,
        tmp_path / "forged.trbackup",
        {HEADER_MEMBER: json.dumps(header).encode()},
    )
    assert read_backup(forged).header.database_sha256 == header["database_sha256"]
    target = tmp_path / "restored" / "tracker.db"
    with pytest.raises(BackupDamaged) as refused:
        backups.restore(forged, target, user="anna", passphrase=PASSPHRASE)
    assert refused.value.key == "backup.audit_failed"
    assert sorted(p.name for p in target.parent.iterdir()) == []

"""Registers on network file systems are refused before SQLite touches them (WAL needs one host).

The mount table is a file the check reads; these tests hand it a written one, so a CIFS or NFS
mount is simulated without mounting anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import PASSPHRASE

from tracker.services import errors, registers
from tracker.store import filesystem
from tracker.store.filesystem import NetworkFileSystemError


def _mount_table(tmp_path: Path, mounts: list[tuple[str, str]]) -> Path:
    """A /proc/self/mountinfo in the kernel's format, one line per (mount point, type)."""
    lines = [
        f"{n + 20} 1 0:{n + 30} / {point.replace(' ', chr(92) + '040')} rw,relatime - {fs} src rw"
        for n, (point, fs) in enumerate(mounts)
    ]
    table = tmp_path / "mountinfo"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return table


@pytest.mark.parametrize("fs_type", ["cifs", "smb3", "nfs", "nfs4", "fuse.sshfs"])
def test_a_register_on_a_network_share_is_refused_with_the_message(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fs_type: str
) -> None:
    share = db_path.parent
    table = _mount_table(tmp_path, [("/", "ext4"), (str(share.resolve()), fs_type)])
    monkeypatch.setattr(filesystem, "MOUNT_TABLE", table)
    with pytest.raises(NetworkFileSystemError) as refused:
        registers.open_session(db_path, user="anna", passphrase=PASSPHRASE)
    text = errors.message(refused.value, "sv")
    assert text is not None
    assert "nätverksenhet" in text and fs_type in text and "tracker serve" in text
    assert "network drive" in (errors.message(refused.value, "en") or "")


def test_the_same_register_on_a_local_disk_opens(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    table = _mount_table(tmp_path, [("/", "ext4"), (str(elsewhere), "cifs")])
    monkeypatch.setattr(filesystem, "MOUNT_TABLE", table)
    registers.open_session(db_path, user="anna", passphrase=PASSPHRASE).close()


def test_a_new_register_is_not_created_on_a_network_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_kdf: object
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    table = _mount_table(tmp_path, [("/", "ext4"), (str(share.resolve()), "nfs4")])
    monkeypatch.setattr(filesystem, "MOUNT_TABLE", table)
    with pytest.raises(NetworkFileSystemError):
        registers.create_register(
            share / "tracker.db", user="anna", passphrase=PASSPHRASE, insatser=["A"]
        )
    assert not (share / "tracker.db").exists()


def test_the_innermost_mount_decides_and_escaped_paths_are_read(tmp_path: Path) -> None:
    table = _mount_table(
        tmp_path,
        [("/", "ext4"), ("/mnt/team share", "cifs"), ("/mnt/team share/local", "ext4")],
    )
    assert filesystem.file_system_type(Path("/mnt/team share/x.db"), table) == "cifs"
    assert filesystem.file_system_type(Path("/mnt/team share/local/x.db"), table) == "ext4"
    assert filesystem.file_system_type(Path("/mnt/team sharex/x.db"), table) == "ext4"
    assert filesystem.is_network_file_system("nfs4")
    assert not filesystem.is_network_file_system("ext4")
    assert not filesystem.is_network_file_system(None)


@pytest.mark.skipif(not Path("/proc/self/mountinfo").exists(), reason="no Linux mount table")
def test_the_real_mount_table_names_the_temporary_folders_file_system(tmp_path: Path) -> None:
    fs_type = filesystem.file_system_type(tmp_path / "tracker.db")
    assert fs_type and not filesystem.is_network_file_system(fs_type)

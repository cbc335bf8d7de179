"""Refuse registers on network file systems.

SQLite's WAL mode keeps its index in shared memory beside the database, which works only when
every process using the file runs on one host; over SMB/CIFS, NFS and similar, locks and shared
memory are unreliable and a register can be damaged or lose commits. A team shares a register
through `tracker serve` instead (docs/dela-registret.md).

Detection reads the kernel's mount table (Linux). On Windows and macOS there is no mount table
to read with the standard library (GetVolumeInformation / statfs would need ctypes), so the
check is skipped there; docs/dela-registret.md says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tracker.store.errors import StoreError

MOUNT_TABLE = Path("/proc/self/mountinfo")

NETWORK_FILE_SYSTEMS = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "ncpfs",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "fuse.sshfs",
        "sshfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.glusterfs",
        "fuse.cephfs",
    }
)


class NetworkFileSystemError(StoreError):
    """The register lies on a network file system, where tracker refuses to open it."""

    key = "store.network_file_system"

    def __init__(self, path: Path, fs_type: str) -> None:
        super().__init__(path=str(path), fs_type=fs_type)


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040 …).
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def mount_types(mount_table: Path) -> list[tuple[str, str]]:
    """(mount point, file-system type) for every line of a /proc/<pid>/mountinfo table."""
    mounts = []
    for line in mount_table.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        after = line.split(" - ", 1)[1].split()
        if after:
            mounts.append((_unescape(fields[4]), after[0]))
    return mounts


def file_system_type(path: Path, mount_table: Path | None = None) -> str | None:
    """The type of the file system holding ``path`` (or, when it does not exist yet, its
    folder), from the mount table; None where there is no mount table to read."""
    table = mount_table or MOUNT_TABLE
    if not table.exists():
        return None
    target = os.path.realpath(path if path.exists() else path.parent)
    best, best_type = "", None
    for mount_point, fs_type in mount_types(table):
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        # The last of equally long matches is the one on top (mounted over the earlier).
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type


def is_network_file_system(fs_type: str | None) -> bool:
    return fs_type is not None and (
        fs_type in NETWORK_FILE_SYSTEMS or fs_type.split(".")[0] in NETWORK_FILE_SYSTEMS
    )


def refuse_network_file_system(path: Path, mount_table: Path | None = None) -> None:
    """Raise NetworkFileSystemError when ``path`` lies on a network file system."""
    fs_type = file_system_type(path, mount_table)
    if is_network_file_system(fs_type):
        raise NetworkFileSystemError(path, fs_type or "")

"""Checking a register's write-ahead log (``<db>-wal``) before SQLite gets to fold it in.

Why this exists: SQLite rebuilds its WAL index on open by reading frames from the start and
stops, silently, at the first frame whose salt or cumulative checksum does not match. That is
by design (a frame torn by a power cut must look like the end of the log), and SQLCipher does
not change it: SQLCipher's per-page HMAC is checked only when a page is read, and a frame that
SQLite has already dropped is never read. Every transaction at or after a damaged frame is
therefore discarded without an error, and the next checkpoint makes the loss permanent (the
WAL is folded into the database and deleted).

The check here reads the WAL as SQLite would and also looks past the point where SQLite
stops. What a process killed during a write can leave (a last frame whose page was not yet
written, frames of an older WAL generation after the current ones) is not damage; what it cannot
leave is damage:
- a header that is not a WAL header, or whose own checksum fails;
- a complete frame of the current generation (same salts) that checks against its predecessor's
  recorded checksum after a frame that failed: the log went on after the failing frame, so the
  failure is damage, not the end of a write;
- a failing frame that marks a commit (a commit's frames are all written and synced before the
  transaction is acknowledged).
What it cannot see: a WAL cut short, or deleted. A cut leaves a log that simply ends earlier, the
same shape a write stopped by a full disk leaves (frames of a transaction that never committed,
the last one partial), so refusing it would call every full disk damage. Damage in the last
frames of the last transaction that is not in its commit frame looks like that too. This is why
every write transaction is folded into the database file straight after its commit (a passive
checkpoint, engine.py): the WAL then holds only what a concurrent reader keeps from being
folded in, so what a cut or late damage can take is small. docs/security.md says so.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_MAGIC_LE = 0x377F0682
_MAGIC_BE = 0x377F0683
_VERSION = 3007000
HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class WalReport:
    """What the check found: ``problem`` is None for a sound WAL (or none at all)."""

    frames: int  # complete frames in the file
    valid_frames: int  # the prefix SQLite would use
    problem: str | None = None  # an English note for developers and the docs

    @property
    def damaged(self) -> bool:
        return self.problem is not None


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum (walChecksumBytes) over ``data`` (a multiple of 8 bytes)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for index in range(0, len(words), 2):
        s0 = (s0 + words[index] + s1) & _MASK
        s1 = (s1 + words[index + 1] + s0) & _MASK
    return s0, s1


def check_wal(path: Path) -> WalReport:
    """Check the WAL file at ``path`` (the ``-wal`` file itself). A missing or empty file is
    sound: the database holds everything."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return WalReport(0, 0)
    if not data:
        return WalReport(0, 0)
    if len(data) < HEADER_BYTES:
        return WalReport(0, 0, "the file is shorter than a WAL header")
    magic, version, page_size, _seq, salt1, salt2, check1, check2 = struct.unpack(
        ">8I", data[:HEADER_BYTES]
    )
    if magic not in (_MAGIC_LE, _MAGIC_BE) or version != _VERSION:
        return WalReport(0, 0, "not a WAL header")
    big_endian = magic == _MAGIC_BE
    if _checksum(data[:24], big_endian, 0, 0) != (check1, check2):
        return WalReport(0, 0, "the WAL header's checksum fails")
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return WalReport(0, 0, "the WAL header's page size is not a power of two")
    frame_bytes = FRAME_HEADER_BYTES + page_size
    body = len(data) - HEADER_BYTES
    frames = body // frame_bytes  # a partial last frame is ignored, as SQLite does

    def frame(index: int) -> tuple[tuple[int, ...], bytes]:
        start = HEADER_BYTES + index * frame_bytes
        header = struct.unpack(">6I", data[start : start + FRAME_HEADER_BYTES])
        return header, data[start : start + 8] + data[
            start + FRAME_HEADER_BYTES : start + frame_bytes
        ]

    def current(header: tuple[int, ...]) -> bool:
        return (header[2], header[3]) == (salt1, salt2)

    # SQLite's own walk: the valid prefix.
    running = (check1, check2)
    valid = 0
    while valid < frames:
        header, covered = frame(valid)
        if not current(header) or _checksum(covered, big_endian, *running) != header[4:6]:
            break
        running = header[4], header[5]
        valid += 1
    if valid < frames:
        header, covered = frame(valid)
        if current(header) and header[1] != 0:
            return WalReport(frames, valid, f"commit frame {valid} fails its checksum")
        # Past the stop: a later frame of this generation that checks against its
        # predecessor's checksum (as recorded, or for the first one after the stop also as
        # computed, in case the recorded one is what was damaged) means the log went on after
        # the failing frame.
        seeds = {_checksum(covered, big_endian, *running)}
        for index in range(valid + 1, frames):
            header, covered = frame(index)
            previous, _ = frame(index - 1)
            seeds.add((previous[4], previous[5]))
            if current(header) and any(
                _checksum(covered, big_endian, *seed) == header[4:6] for seed in seeds
            ):
                return WalReport(frames, valid, f"frame {valid} fails; frame {index} checks")
            seeds = set()
    return WalReport(frames, valid)

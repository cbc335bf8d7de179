"""A demo register with a coordinator, a reviewer and a staff member, for the bundle tests.

The key derivation is cheap for the whole module using it (as tests/services/test_demo.py
does), so each user's login costs milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from support import cheap_kdf_patched

from tracker.services import registers
from tracker.services.demo import build_demo
from tracker.services.session import Session

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, 30, 15, tzinfo=UTC)
PERIOD = "2026H1"
PASSPHRASES = {
    "demo": registers.DEMO_PASSPHRASE,
    "rita": "rita granskar allt noga",
    "sam": "sam skriver in händelser",
}


@dataclass(frozen=True)
class DemoRegister:
    path: Path
    folder: Path

    @contextlib.contextmanager
    def login(self, user: str = "demo") -> Iterator[Session]:
        with registers.open_session(
            self.path, user=user, passphrase=PASSPHRASES[user], today=lambda: TODAY
        ) as session:
            yield session


@contextlib.contextmanager
def demo_register(folder: Path, participants: int = 120, seed: int = 7) -> Iterator[DemoRegister]:
    """Build the register; the cheap key derivation lasts until the block ends."""
    with cheap_kdf_patched():
        summary = build_demo(folder / "demo.db", participants=participants, seed=seed, today=TODAY)
        register = DemoRegister(summary.db_path, folder)
        with register.login() as session:
            colleagues = [("rita", "reviewer"), ("sam", "staff")]
            add_colleagues(session, [(user, role, PASSPHRASES[user]) for user, role in colleagues])
        yield register


def cli_env(user: str, passphrase: str, db: str = "demo.db") -> dict[str, str]:
    """The environment that logs ``user`` in for a CLI run in the register's folder."""
    return {"TRACKER_USER": user, "TRACKER_PASSPHRASE": passphrase, "TRACKER_DB": db}


def build_cli_demo(
    folder: Path, colleagues: Iterable[tuple[str, str, str]], *, participants: int, seed: int
) -> None:
    """A demo register ``folder/demo.db`` for the CLI tests, with the colleagues' key slots, at
    the key-derivation cost in force (the CLI tests' ``cheap_kdf_module``, which their CLI
    children share: tests/cli_support.py)."""
    build_demo(folder / "demo.db", participants=participants, seed=seed, today=TODAY)
    with registers.open_session(
        folder / "demo.db", user="demo", passphrase=registers.DEMO_PASSPHRASE
    ) as session:
        add_colleagues(session, colleagues)


def add_colleagues(session: Session, colleagues: Iterable[tuple[str, str, str]]) -> None:
    """Key slots for (user, role, passphrase) in a demo register, added by its coordinator."""
    for user, role, passphrase in colleagues:
        registers.add_user(
            session,
            passphrase=registers.DEMO_PASSPHRASE,
            user=user,
            role=role,
            new_passphrase=passphrase,
        )


def member_offsets(data: bytes) -> dict[str, tuple[int, int]]:
    """Each stored member's data span (start, length) in the zip's raw bytes."""
    spans = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            spans[info.filename] = (start, info.compress_size)
    return spans


def flipped(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0x01
    return bytes(changed)


def rezipped(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The same members (changed, added or, with None, removed), as a well-formed zip: what a
    careful forger would make, with valid checksums."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in replace:
                content = replace[info.filename]
                if content is not None:
                    target.writestr(info, content)
            else:
                target.writestr(info, source.read(info))
        for name, content in replace.items():
            if content is not None and name not in source.namelist():
                target.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return out.getvalue()

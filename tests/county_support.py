"""The county-scale demo register the benchmarks share (tests/perf), built once and kept.

``build_demo(participants=20000, seed=1)``: 20,000 participants in ten insatser, about 165,000
case events. Building it takes a few minutes, so it is kept in ``tmp/perf/`` (ignored by git);
a benchmark that writes to it works on a copy (``county_copy``).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from tracker.services.demo import DEMO_USER, build_demo
from tracker.services.registers import DEMO_PASSPHRASE
from tracker.services.session import Session
from tracker.store.keyfile import keyfile_path

COUNTY = Path(__file__).resolve().parents[1] / "tmp" / "perf" / "county-20000-seed1.db"
COUNTY_PARTICIPANTS = 20_000
COUNTY_TODAY = date(2026, 11, 20)
COUNTY_USER = DEMO_USER
COUNTY_PASSPHRASE = DEMO_PASSPHRASE


def county_register() -> Path:
    """The shared register (built on first use); open it read-only or copy it first."""
    if not COUNTY.exists():
        COUNTY.parent.mkdir(parents=True, exist_ok=True)
        build_demo(COUNTY, participants=COUNTY_PARTICIPANTS, seed=1, today=COUNTY_TODAY)
    return COUNTY


def county_copy(folder: Path) -> Path:
    """A private copy of the closed, checkpointed register and its key file in ``folder``."""
    source = county_register()
    target = folder / source.name
    shutil.copyfile(source, target)
    shutil.copyfile(keyfile_path(source), keyfile_path(target))
    return target


def bare_scan(session: Session) -> int:
    """The floor for anything that reads the log: every row and column of the event table,
    through the driver's own cursor (no per-row objects of SQLAlchemy's)."""
    with session.read() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SELECT * FROM events")
        rows = cursor.fetchall()
        cursor.close()
    return len(rows)

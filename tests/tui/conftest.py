"""Registers with a few synthetic cases for the TUI tests, with fixed clocks."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from support import PASSPHRASE, TODAY

from tracker.domain.dates import add_months
from tracker.services import cases, registers
from tracker.services.session import Session
from tracker.store import eventlog

SALA = "Samordningsteam Sala"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log's timestamps and the local time zone fixed, so screens render the same."""
    moments = iter(range(10_000))

    def stamp() -> str:
        minute = next(moments)
        return f"2026-11-20T{8 + minute // 60:02d}:{minute % 60:02d}:00.000000Z"

    monkeypatch.setattr(eventlog, "utc_now", stamp)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def seed(session: Session) -> dict[str, str]:
    """A handful of cases in every state, with reproducible codes."""
    rng = random.Random(7)
    codes: dict[str, str] = {}
    codes["pending"] = cases.register_application(
        session, insats=SALA, gender="kvinna", on=TODAY - timedelta(days=3), referrer="af", rng=rng
    ).code
    active = cases.register_application(
        session, insats=SALA, gender="man", on=TODAY - timedelta(days=90), referrer="fk", rng=rng
    ).code
    cases.start(session, code=active, on=TODAY - timedelta(days=80), level=2)
    cases.log_step(
        session, code=active, on=TODAY - timedelta(days=40), level=3, meeting="flerpartsmote"
    )
    codes["active"] = active
    exited = cases.start(
        session, on=add_months(TODAY, -7), level=3, insats=SALA, gender="ej_angivet", rng=rng
    ).code
    wrong = cases.log_step(
        session, code=exited, on=add_months(TODAY, -6) - timedelta(days=20), level=2
    ).last_seq
    # A step logged at the wrong level and corrected: the detail shows both.
    cases.correct(session, code=exited, seq=wrong, reason="fel_niva", level=4)
    cases.exit_case(
        session,
        code=exited,
        on=add_months(TODAY, -6) + timedelta(days=10),
        destination="studier",
        exit_kind="avslutad",
        handover=True,
        level=5,
    )
    codes["exited"] = exited
    codes["other_insats"] = cases.register_application(
        session,
        insats="Samordningsteam Heby",
        gender="man",
        on=TODAY - timedelta(days=1),
        referrer="kommun",
        rng=rng,
    ).code
    return codes


@pytest.fixture
def seeded(db_path: Path, fixed_clock: None) -> Iterator[tuple[Path, dict[str, str]]]:
    with registers.open_session(
        db_path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as session:
        codes = seed(session)
    yield db_path, codes

"""``tracker audit recount BUNDLE`` through the real command line, in subprocesses.

Each test builds its own register (production Argon2id cost, as a user's would be) with a few
cases, exports a bundle through ``export_bundle`` and then runs the command as the reviewer.
Independent commands run side by side, since each login spends about a second in the KDF.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cli_support import run_cli, run_side_by_side
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update

from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle
from tracker.services import cases, registers
from tracker.services.session import Session
from tracker.store.eventlog import GENESIS_HASH, chain_hash
from tracker.store.schema import events

pytestmark = pytest.mark.slow

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
ANNA = "korrekt häst batteri zebra"
BO = "bo granskar varje siffra"
H1 = Period.parse("2026H1")
TODAY = date(2026, 11, 20)


def _as(user: str, passphrase: str) -> dict[str, str]:
    return {"TRACKER_USER": user, "TRACKER_PASSPHRASE": passphrase, "TRACKER_DB": "r.db"}


REVIEWER = _as("bo", BO)


def _session(folder: Path) -> Session:
    return registers.open_session(
        folder / "r.db", user="anna", passphrase=ANNA, today=lambda: TODAY
    )


def _register(folder: Path) -> list[str]:
    """A register with a reviewer and seven cases around 2026H1; returns the case codes."""
    path = folder / "r.db"
    registers.create_register(
        path, user="anna", passphrase=ANNA, insatser=[SALA, HEBY], today=lambda: TODAY
    )
    codes = []
    with _session(folder) as session:
        registers.add_user(session, passphrase=ANNA, user="bo", role="reviewer", new_passphrase=BO)
        for index in range(6):
            code = cases.start(
                session,
                on=date(2025, 10, 1),
                level=2,
                insats=SALA,
                gender=("kvinna", "man")[index % 2],
            ).code
            cases.exit_case(
                session,
                code=code,
                on=date(2026, 3, 15),
                destination="studier",
                exit_kind="avslutad",
                handover=True,
                level=3,
            )
            codes.append(code)
        codes.append(
            cases.start(session, on=date(2026, 2, 1), level=1, insats=HEBY, gender="kvinna").code
        )
    return codes


def _export(folder: Path) -> Path:
    with _session(folder) as session:
        return export_bundle(
            session, H1, formats=("json",), out_dir=folder / "exports", now=None
        )

"""Registers made by earlier releases open, migrate and verify with the current code.

Each folder under tests/data/upgrade was written by tests/data/make_upgrade_fixture.py with the
code of its schema revision and is never remade; a new schema revision adds a new folder.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tracker.services import audit, cases, registers
from tracker.store import keyfile
from tracker.store.database import SCHEMA_HEAD
from tracker.store.schema import events

FIXTURES = sorted((Path(__file__).parents[1] / "data" / "upgrade").glob("schema-*"))


def test_there_is_a_fixture_of_the_current_schema() -> None:
    """A schema change without its own fixture would leave the next upgrade untested."""
    assert [f.name for f in FIXTURES if f.name == f"schema-{SCHEMA_HEAD}"], (
        "run: uv run python tests/data/make_upgrade_fixture.py"
    )


@pytest.fixture(params=FIXTURES, ids=[f.name for f in FIXTURES])
def old_register(
    request: pytest.FixtureRequest, tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> tuple[Path, dict[str, Any]]:
    folder: Path = request.param
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    expected = json.loads((copy / "expected.json").read_text(encoding="utf-8"))
    return copy / "tracker.db", expected


def test_an_old_register_opens_migrates_and_verifies(
    old_register: tuple[Path, dict[str, Any]],
) -> None:
    db_path, expected = old_register
    today = date.fromisoformat(expected["made"])
    for user, passphrase in expected["users"].items():
        with registers.open_session(db_path, user=user, passphrase=passphrase) as session:
            assert session.register.meta("database_id")
            report = audit.verify(session)
            assert report.ok, report
            with session.read() as connection:
                revision = connection.exec_driver_sql(
                    "SELECT version_num FROM alembic_version"
                ).scalar()
                at_head = connection.execute(
                    select(events.c.chain_hash).where(events.c.seq == expected["head"]["seq"])
                ).scalar()
            assert revision == SCHEMA_HEAD
            # The history made by the old release is still there, link for link.
            assert at_head == expected["head"]["hash"]
            assert report.chain is not None and report.chain.head.seq >= expected["head"]["seq"]
            codes = sorted(row.code for row in cases.list_cases(session))
            assert codes == expected["cases"]
            assert set(expected["insatser"]) <= set(cases.insats_names(session))
    # The migrated register takes new events from the new code.
    coordinator, passphrase = next(iter(expected["users"].items()))
    with registers.open_session(
        db_path, user=coordinator, passphrase=passphrase, today=lambda: today
    ) as session:
        view = cases.register_application(
            session, insats=expected["insatser"][0], gender="man", on=today, referrer="af"
        )
        assert audit.verify(session).ok
        assert view.code in {row.code for row in cases.list_cases(session)}


def test_an_old_register_recovers_with_its_recovery_key(
    old_register: tuple[Path, dict[str, Any]],
) -> None:
    db_path, expected = old_register
    user = next(iter(expected["users"]))
    registers.recover(
        db_path,
        recovery_key=expected["recovery_key"],
        user=user,
        new_passphrase="ny lösenfras 2027",
    )
    with registers.open_session(db_path, user=user, passphrase="ny lösenfras 2027") as session:
        assert audit.verify(session).ok

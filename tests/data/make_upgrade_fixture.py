"""Make the upgrade fixture of the current schema: a small register as this release writes it.

Run from the repository root when a schema change lands (a new migration):

    uv run python tests/data/make_upgrade_fixture.py

It writes ``tests/data/upgrade/schema-<SCHEMA_HEAD>/`` (the database, its key file and
``expected.json``); commit that folder and keep the older ones. tests/store/test_upgrade.py opens
every fixture with the current code, migrates and verifies it. Synthetic data only; the
passphrases are test constants, and the key derivation is cheap so the test runs fast.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

from tracker import __version__
from tracker.services import audit, cases, goals, insatser, purge, registers
from tracker.store import keyfile
from tracker.store.database import SCHEMA_HEAD
from tracker.store.eventlog import head

FOLDER = Path(__file__).parent / "upgrade"
COORDINATOR = ("anna", "korrekt häst batteri")
STAFF = ("bertil", "zebra lampa moln 42")
INSATSER = ("Samordningsteam Sala", "Samordningsteam Norrby")
TODAY = date(2026, 11, 20)


def _cases(session: registers.Session) -> None:
    rng = random.Random(11)
    sala, norrby = INSATSER
    exited = cases.start(
        session, on=date(2025, 2, 3), level=2, insats=sala, gender="kvinna", rng=rng
    )
    cases.log_step(session, code=exited.code, on=date(2025, 4, 1), level=4, meeting="enskilt")
    cases.exit_case(
        session,
        code=exited.code,
        on=date(2025, 6, 10),
        destination="arbetssokande",
        exit_kind="avslutad",
        handover=True,
        level=6,
    )
    cases.follow_up(session, code=exited.code, on=date(2025, 12, 12), months=6, level=6)
    declined = cases.register_application(
        session, insats=norrby, gender="man", on=date(2025, 3, 3), referrer="af", rng=rng
    )
    cases.non_start(session, code=declined.code, on=date(2025, 3, 20), reason="uteblev")
    active = cases.register_application(
        session, insats=sala, gender="ej_angivet", on=date(2026, 1, 8), referrer="fk", rng=rng
    )
    cases.start(session, code=active.code, on=date(2026, 2, 2), level=1)
    wrong = cases.log_step(
        session, code=active.code, on=date(2026, 3, 3), level=5, meeting="flerpartsmote"
    )
    cases.correct(session, code=active.code, seq=wrong.last_seq, reason="fel_niva", level=3)
    mistake = cases.register_application(
        session, insats=norrby, gender="kvinna", on=date(2026, 5, 5), referrer="egen", rng=rng
    )
    cases.retract(session, code=mistake.code, seq=mistake.last_seq, reason="fel_deltagare")
    cases.register_application(
        session, insats=norrby, gender="kvinna", on=date(2026, 9, 1), referrer="kommun", rng=rng
    )


def make(folder: Path) -> None:
    # Cheap key derivation: the fixture opens in tests in milliseconds (tests lower the floor).
    cheap = keyfile.KdfParams(memory_cost=8, iterations=1, lanes=1)
    keyfile.DEFAULT_KDF = cheap
    keyfile.KDF_FLOOR = cheap
    db_path = folder / "tracker.db"
    if folder.exists():
        sys.exit(f"{folder} exists: a fixture is never remade, only added")
    user, passphrase = COORDINATOR
    recovery_key = registers.create_register(
        db_path, user=user, passphrase=passphrase, insatser=INSATSER, today=lambda: TODAY
    )
    session = registers.open_session(db_path, user=user, passphrase=passphrase, today=lambda: TODAY)
    with session:
        registers.add_user(
            session, passphrase=passphrase, user=STAFF[0], role="staff", new_passphrase=STAFF[1]
        )
        goals.set_goal(session, insats=INSATSER[0], metric="step_up_share", target=0.75)
        _cases(session)
        # Schema 0003: insatser over time and a purge (the non-start of March 2025).
        insatser.add_insats(session, "Samordningsteam Tierp")
        insatser.rename_insats(session, "Samordningsteam Tierp", "Team Tierp")
        insatser.close_insats(session, "Team Tierp", date(2026, 6, 30))
        purge.purge(session, date(2025, 4, 1))
        report = audit.verify(session)
        assert report.ok, report
        with session.read() as connection:
            last = head(connection)
        case_codes = sorted(row.code for row in cases.list_cases(session))
        session.register.checkpoint()
    with registers.open_session(db_path, user=user, passphrase=passphrase) as session:
        names = [insats.name for insats in insatser.list_insatser(session)]
    expected = {
        "schema": SCHEMA_HEAD,
        "tool_version": __version__,
        "made": TODAY.isoformat(),
        "users": {COORDINATOR[0]: COORDINATOR[1], STAFF[0]: STAFF[1]},
        "recovery_key": recovery_key,
        "insatser": names,
        "cases": case_codes,
        "head": {"seq": last.seq, "hash": last.hash},
    }
    (folder / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{folder}: head {last.seq}, {len(case_codes)} cases")


if __name__ == "__main__":
    make(FOLDER / f"schema-{SCHEMA_HEAD}")

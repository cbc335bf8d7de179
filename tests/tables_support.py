"""A demo register's report for the tests of the board tables, csv and xlsx writers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from support import cheap_kdf_patched

from tracker.domain.periods import Period
from tracker.reports.cellkey import protected_report
from tracker.reports.info import ReportInfo
from tracker.services import registers
from tracker.services import reports as report_service
from tracker.services.demo import build_demo
from tracker.services.session import Session
from tracker.stats.report import load_facts, report_from_facts

DEMO_TODAY = date(2026, 11, 20)
PERIOD = "2026H1"
THRESHOLD = 5


def demo_report(folder: Path, participants: int = 120, seed: int = 7) -> dict[str, Any]:
    """The unsuppressed report of a fresh demo register (cheap key derivation, as in
    tests/services/test_demo.py)."""
    return demo_reports(folder, participants, seed)[0]


def both_reports(
    session: Session, period: Period, threshold: int = THRESHOLD
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The register's report of ``period``, unprotected and as the board gets it."""
    facts = load_facts(session)
    secret = report_service.cell_key_secret(session)
    return (
        report_from_facts(facts, period),
        protected_report(facts, period, None, secret, threshold),
    )


def demo_reports(
    folder: Path, participants: int = 120, seed: int = 7
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The unprotected and the protected report of a fresh demo register."""
    with cheap_kdf_patched():
        summary = build_demo(
            folder / "demo.db", participants=participants, seed=seed, today=DEMO_TODAY
        )
        with registers.open_session(
            summary.db_path,
            user="demo",
            passphrase=registers.DEMO_PASSPHRASE,
            today=lambda: DEMO_TODAY,
        ) as session:
            return both_reports(session, Period.parse(PERIOD))


def report_info(*, demo: bool = True, threshold: int | None = THRESHOLD) -> ReportInfo:
    return ReportInfo(
        forbund="Samordningsförbundet Exempel",
        generated_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        signer_fingerprint="SHA256:synthetic-test-fingerprint",
        demo=demo,
        threshold=threshold,
        tool_version="0.0.0-test",
        database_id="test-database-id",
    )

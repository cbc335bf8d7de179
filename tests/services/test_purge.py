"""Gallring on the 300-participant demo: the purged codes are in no decrypted page, the chain
verifies, later periods are unchanged and purged periods are refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle, verify_bundle
from tracker.reports.recount import recount
from tracker.services import audit, purge, registers
from tracker.services.demo import build_demo
from tracker.services.session import PermissionDenied, ServiceError, Session
from tracker.stats.report import build_report
from tracker.store import keyfile
from tracker.store.schema import events

TODAY = date(2026, 11, 20)
CUTOFF = date(2025, 1, 1)
PAGE_SIZE = 4096
RESERVE = 80  # SQLCipher 4: a 16-byte IV and a 64-byte HMAC-SHA512 at the end of each page
SALT = 16  # the first page starts with the file's salt


def decrypted_pages(path: Path, key: bytes) -> list[bytes]:
    """Every page of a SQLCipher 4 file decrypted with the raw data key (AES-256-CBC with the
    page's own IV), independently of SQLite: what is in the file, live or free."""
    content = path.read_bytes()
    assert len(content) % PAGE_SIZE == 0
    pages = []
    for start in range(0, len(content), PAGE_SIZE):
        page = content[start : start + PAGE_SIZE]
        body = page[SALT if start == 0 else 0 : PAGE_SIZE - RESERVE]
        iv = page[PAGE_SIZE - RESERVE : PAGE_SIZE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        pages.append(decryptor.update(body) + decryptor.finalize())
    # The first page decrypts to SQLite's header after its magic: page size 4096, big-endian.
    assert pages[0][:2] == PAGE_SIZE.to_bytes(2, "big")
    return pages


def all_codes(session: Session) -> set[str]:
    with session.read() as connection:
        return set(
            connection.execute(
                select(events.c.case_code).where(events.c.case_code.is_not(None)).distinct()
            ).scalars()
        )


@pytest.fixture
def demo(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> Session:
    path = tmp_path / "db" / "demo.db"
    build_demo(path, participants=300, seed=7, today=TODAY)
    session = registers.open_session(path, user="demo", passphrase="demo", today=lambda: TODAY)
    yield session
    session.close()


def _data_key(session: Session) -> bytes:
    unlocked = keyfile.unlock(keyfile.keyfile_path(session.db_path), "demo", "demo")
    return bytes(unlocked.data_key)


def _without_head(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "as_of"}


def test_purge_removes_the_codes_from_every_page_and_keeps_the_chain(
    demo: Session, tmp_path: Path
) -> None:
    key = _data_key(demo)
    later = Period.parse("2026H1")
    report_before = build_report(demo, later)
    bundle = export_bundle(demo, Period.parse("2024H2"), out_dir=tmp_path / "exports", now=None)
    codes_before = all_codes(demo)
    dry = purge.purge(demo, CUTOFF, dry_run=True)
    assert dry.cases > 10 and all_codes(demo) == codes_before

    demo.register.checkpoint()
    pages = b"".join(decrypted_pages(demo.db_path, key))
    assert all(code.encode() in pages for code in codes_before)  # the check can fail

    summary = purge.purge(demo, CUTOFF)
    assert (summary.cases, summary.events) == (dry.cases, dry.events)
    purged_codes = codes_before - all_codes(demo)
    assert len(purged_codes) == summary.cases

    # The bytes are gone from the file: every page decrypted, none holds a purged code.
    wal = demo.db_path.with_name(demo.db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    pages = b"".join(decrypted_pages(demo.db_path, key))
    assert not [code for code in purged_codes if code.encode() in pages]
    assert all(code.encode() in pages for code in sorted(all_codes(demo))[:20])

    # The chain verifies, the purged events are reported as purged, not as damage.
    report = audit.verify(demo)
    assert report.ok, report
    assert report.chain is not None and report.chain.purged == summary.events
    with demo.read() as connection:
        purge_event = connection.execute(
            select(events.c.payload).where(events.c.kind == purge.PURGE)
        ).scalar_one()
    assert json.loads(purge_event) == {
        "closed_before": "2025-01-01",
        "cases": summary.cases,
        "events": summary.events,
        "retention_years": None,
    }

    # A period after the cut-off is unchanged; one before it is refused.
    assert _without_head(build_report(demo, later)) == _without_head(report_before)
    with pytest.raises(ServiceError) as refused:
        build_report(demo, Period.parse("2024H2"))
    assert refused.value.key == "purge.period_purged"
    # A period whose comparison (a year earlier) lost cases is marked.
    assert build_report(demo, Period.parse("2025H1"))["purged"]["comparison_incomplete"]
    # A bundle issued before the purge stays valid; recounting its purged period is refused.
    assert verify_bundle(bundle).ok
    recounted = recount(demo, bundle)
    assert not recounted.identical
    assert any("2025-01-01" in problem for problem in recounted.problems)


def test_the_log_refuses_an_erasure_that_is_not_a_purge(demo: Session) -> None:
    with demo.register.write() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(
            events.update().where(events.c.seq == 30).values(payload=None, case_code=None)
        )
    with demo.register.write() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(events.delete().where(events.c.seq == 30))
    assert audit.verify(demo).ok


def test_purge_is_for_coordinators_and_never_for_future_dates(demo: Session) -> None:
    with pytest.raises(ServiceError) as future:
        purge.purge(demo, date(2027, 1, 1))
    assert future.value.key == "purge.date_in_future"
    registers.add_user(
        demo, passphrase="demo", user="bo", role="staff", new_passphrase="bo cyklar hem"
    )
    with registers.open_session(demo.db_path, user="bo", passphrase="bo cyklar hem") as bo:
        with pytest.raises(PermissionDenied):
            purge.purge(bo, CUTOFF, dry_run=True)
        with pytest.raises(PermissionDenied):
            purge.set_retention(bo, 5)


def test_retention_setting_is_logged_and_gives_the_cutoff(demo: Session) -> None:
    assert purge.retention_cutoff(demo) is None
    assert purge.set_retention(demo, "2") == 2
    assert purge.retention_cutoff(demo) == date(2024, 11, 20)
    with pytest.raises(ServiceError):
        purge.set_retention(demo, "0")
    assert purge.set_retention(demo, "none") is None
    with demo.read() as connection:
        kinds = list(
            connection.execute(
                select(events.c.payload).where(events.c.kind == purge.RETENTION_SET)
            ).scalars()
        )
    assert [json.loads(kind)["years"] for kind in kinds] == [2, None]

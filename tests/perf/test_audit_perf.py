"""Benchmark: `audit verify` in process on the county-scale register, against a bare scan.

    uv run pytest -m perf tests/perf/test_audit_perf.py -s

``audit.verify`` (SQLCipher's and SQLite's page checks, the chain walk, every Ed25519
signature, the projections rebuilt and compared: the cases table in memory, the other tables in
a rolled-back transaction) against the floor
for anything that reads the log: ``SELECT * FROM events`` fetched through the driver's cursor.
Also timed alone: verifying every signature (the public keys made once; a batch signs its last
event for the others), the part of the audit no faster code can take away. Interleaved rounds,
medians; nothing asserts a time. Goal: at most 5 x the bare scan; docs/performance.md
("Auditing").
"""

from __future__ import annotations

import base64
import statistics
import time

import pytest
from county_support import COUNTY_PASSPHRASE, COUNTY_TODAY, COUNTY_USER, bare_scan, county_register
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tracker.services import audit, registers
from tracker.services.session import Session
from tracker.store import trust
from tracker.store.eventlog import signed_message

pytestmark = pytest.mark.perf

ROUNDS = 3


def _signatures_alone(session: Session) -> int:
    """Every signed event's Ed25519 signature checked against its author's current key."""
    with session.read() as connection:
        keys = {
            member.user: Ed25519PublicKey.from_public_bytes(member.ed25519)
            for member in trust.membership(connection).members.values()
            if member.ed25519 is not None
        }
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SELECT user, chain_hash, signature FROM events ORDER BY seq")
        rows = cursor.fetchall()
        cursor.close()
    signed = covers = 0
    for user, link, signature in rows:
        if signature is None:
            covers += 1  # a batch's event, vouched for by the batch's last
            continue
        keys[user].verify(base64.b64decode(signature), signed_message(link, covers))
        signed += 1
        covers = 0
    return signed


def test_audit_verify_against_abare_scan() -> None:
    with registers.open_session(
        county_register(),
        user=COUNTY_USER,
        passphrase=COUNTY_PASSPHRASE,
        today=lambda: COUNTY_TODAY,
    ) as session:
        events = bare_scan(session)
        signed = _signatures_alone(session)
        scans, audits, signatures = [], [], []
        cpu_scans, cpu_audits = [], []
        for _ in range(ROUNDS):
            started, cpu = time.perf_counter(), time.process_time()
            bare_scan(session)
            scans.append(time.perf_counter() - started)
            cpu_scans.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            report = audit.verify(session)
            audits.append(time.perf_counter() - started)
            cpu_audits.append(time.process_time() - cpu)
            assert report.ok
            started = time.perf_counter()
            _signatures_alone(session)
            signatures.append(time.perf_counter() - started)
    scan, verify = statistics.median(scans), statistics.median(audits)
    alone = statistics.median(signatures)
    print(
        f"\n{events:,} events, {signed:,} of them signed"
        f"\nbare scan of the event table: median {scan:.2f} s"
        f" (CPU {statistics.median(cpu_scans):.2f} s)"
        f"\naudit verify (in process):    median {verify:.2f} s"
        f" (CPU {statistics.median(cpu_audits):.2f} s)"
        f"\nratio: {verify / scan:.1f} x (goal: at most 5 x)"
        f"\nthe signatures alone:         median {alone:.2f} s ({alone / scan:.1f} x);"
        f" the rest of the audit {(verify - alone) / scan:.1f} x"
    )

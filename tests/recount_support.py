"""What a forger could do to a bundle or a register, for the recount tests.

- ``resign_with_other_key``: change report.json inside a real bundle, fix its hash in the
  manifest and sign the manifest again with a fresh key: the bundle then verifies on its own
  (signature and hashes hold), and only pinning the register's key shows the forgery.
- ``resign`` with the register's own key (``services.reports.sign``): figures changed before
  signing, by someone who could log in; only the recount shows it.
- ``rewrite_history``: change one event's timestamp and recompute every chain hash from there,
  so the chain alone still verifies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Connection, select, update

from tracker.reports.bundle import (
    MANIFEST,
    REPORT,
    SIGNATURE,
    canonical_json,
    canonical_zip,
    read_bundle,
    sha256,
)
from tracker.services import cases
from tracker.services.session import Session
from tracker.store.database import Register
from tracker.store.eventlog import GENESIS_HASH, chain_hash
from tracker.store.schema import events
from tracker.store.signing import PublicKey


def report_bytes(report: dict[str, Any]) -> bytes:
    """report.json's bytes, exactly as a bundle writes them."""
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def resign(
    path: Path,
    change: Callable[[dict[str, Any]], None],
    public: PublicKey,
    sign: Callable[[bytes], bytes],
) -> None:
    """Apply ``change`` to the bundle's report.json, fix the manifest and sign it again, in
    place, with ``sign`` (the key whose public half is ``public``)."""
    bundle = read_bundle(path)
    report = json.loads(json.dumps(bundle.report))
    change(report)
    members = dict(bundle.members)
    members[REPORT] = report_bytes(report)
    manifest = json.loads(json.dumps(bundle.manifest))
    manifest["files"][REPORT] = sha256(members[REPORT])
    manifest["signer"] = {
        **manifest["signer"],
        "public_key": public.base64,
        "fingerprint": public.fingerprint,
    }
    members[MANIFEST] = canonical_json(manifest)
    members[SIGNATURE] = sign(members[MANIFEST])
    generated_at = datetime.fromisoformat(manifest["generated_at"].replace("Z", "+00:00"))
    path.write_bytes(canonical_zip(members, generated_at))


def resign_with_other_key(path: Path, change: Callable[[dict[str, Any]], None]) -> PublicKey:
    """``resign`` with a fresh key: the forger does not have the register's."""
    key = Ed25519PrivateKey.generate()
    public = PublicKey(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    resign(path, change, public, key.sign)
    return public


def without_append_only_guard(connection: Connection) -> None:
    # The log's triggers refuse updates and deletes; a forger with the key could drop them.
    connection.exec_driver_sql("DROP TRIGGER events_append_only_update")
    connection.exec_driver_sql("DROP TRIGGER events_append_only_delete")


def rewrite_history(register: Register, seq: int) -> None:
    """Move event ``seq`` back to 2019 and recompute every chain hash, so the chain verifies."""
    with register.write() as connection:
        without_append_only_guard(connection)
        rows = list(connection.execute(select(events).order_by(events.c.seq)))
        previous = GENESIS_HASH
        for row in rows:
            recorded_at = row.recorded_at
            if row.seq == seq:
                recorded_at = "2019" + recorded_at[4:]
            link = chain_hash(previous, row.seq, recorded_at, row.user, row.kind, row.payload_hash)
            connection.execute(
                update(events)
                .where(events.c.seq == row.seq)
                .values(recorded_at=recorded_at, chain_hash=link)
            )
            previous = link


SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"


def populate_leavers(session: Session, leavers: int, work_every: int) -> list[str]:
    """Cases started at Sala in 2025 that leave in 2026H1 (every ``work_every``-th to work, the
    rest to studies), and two women still active at Heby; returns their codes."""
    codes = []
    for index in range(leavers):
        gender = ("kvinna", "man")[index % 2]
        code = cases.start(session, on=date(2025, 10, 1), level=2, insats=SALA, gender=gender).code
        cases.exit_case(
            session,
            code=code,
            on=date(2026, 3, 15),
            destination="studier" if index % work_every else "forvarvsarbete",
            exit_kind="avslutad",
            handover=index % 2 == 0,
            level=3 + index % 2,
        )
        codes.append(code)
    for _ in range(2):
        codes.append(
            cases.start(session, on=date(2026, 2, 1), level=1, insats=HEBY, gender="kvinna").code
        )
    return codes

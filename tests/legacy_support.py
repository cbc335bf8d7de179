"""Version 1 key files (``tracker.keys/1``), written the way tracker wrote them before per-user
key pairs, so the tests can show old registers keep working and upgrade in place."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import tracker.store.keyfile as kf


def _slot(database_id: str, kind: str, user: str | None, role: str | None, secret: bytes,
          data_key: bytes) -> dict:  # fmt: skip
    salt = secrets.token_bytes(16)
    legacy = kf.LegacySlot(
        id=secrets.token_hex(8),
        kind=kind,
        user=user,
        role=role,
        created="2026-01-01T09:00:00Z",
        kdf=kf.DEFAULT_KDF,
        salt=salt,
        nonce=secrets.token_bytes(12),
        wrapped_key=b"",
    )
    kek = kf._derive_kek(secret, salt, legacy.kdf)
    wrapped = AESGCM(bytes(kek)).encrypt(
        legacy.nonce, bytes(data_key), kf._legacy_ad(database_id, legacy)
    )
    return {**legacy.to_json(), "wrapped_key": base64.b64encode(wrapped).decode()}


def write_v1_keyfile(
    path: Path,
    database_id: str,
    data_key: bytes | bytearray,
    users: list[tuple[str, str, str]],
    recovery_raw: bytes,
) -> None:
    """A version 1 file with a slot per (user, role, passphrase) and a recovery slot."""
    slots = [
        _slot(database_id, "user", user, role, passphrase.encode(), bytes(data_key))
        for user, role, passphrase in users
    ]
    slots.append(_slot(database_id, "recovery", None, None, recovery_raw, bytes(data_key)))
    body = {
        "format": kf.FORMAT_V1,
        "database_id": database_id,
        "created": "2026-01-01T09:00:00Z",
        "slots": slots,
    }
    mac_key = kf._mac_key(data_key)
    h = hmac.HMAC(bytes(mac_key), hashes.SHA256())
    h.update(kf._canonical(body))
    doc = {**body, "mac": base64.b64encode(h.finalize()).decode()}
    path.write_text(json.dumps(doc, indent=2, sort_keys=True), "utf-8")

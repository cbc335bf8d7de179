"""Public keys and their fingerprints; the legacy signing key of schema 0001 registers.

Registers made before per-user keys kept an Ed25519 bundle-signing key inside the database, where
every slot holder could read it. It is replaced by the register authority (wrapped to
coordinators in the key file, tracker.store.keyfile); its private half is erased from the table
when a coordinator first logs in after the upgrade, and its public half stays so bundles it
signed can still be recounted."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import Connection, select

from tracker.store.schema import signing_key


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, first 128 bits in groups of four hex digits."""
        digest = hashlib.sha256(self.raw).hexdigest()[:32]
        return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


ROTATION_KIND = "tracker.authority_rotation/1"


def rotation_statement(database_id: str, previous: str, new: str) -> bytes:
    """What the old register authority signs when it hands over to a new one (TUF's root
    rotation): the register, the old and the new public key (base64)."""
    return json.dumps(
        {"kind": ROTATION_KIND, "database_id": database_id, "previous": previous, "authority": new},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def rotation_valid(database_id: str, rotation: dict[str, Any]) -> bool:
    """True when ``rotation`` ({previous, authority, signature}, base64) is signed by its
    ``previous`` key for this register."""
    try:
        previous = base64.b64decode(str(rotation["previous"]), validate=True)
        signature = base64.b64decode(str(rotation["signature"]), validate=True)
        statement = rotation_statement(
            database_id, str(rotation["previous"]), str(rotation["authority"])
        )
        Ed25519PublicKey.from_public_bytes(previous).verify(signature, statement)
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidSignature):
        return False
    return True


def generate() -> tuple[bytes, PublicKey]:
    """A new key pair: (private key raw bytes, public key)."""
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private_raw, PublicKey(public_raw)


def store(connection: Connection, private_raw: bytes, public: PublicKey, created_seq: int) -> None:
    connection.execute(
        signing_key.insert().values(
            id=1, private_key=private_raw, public_key=public.raw, created_seq=created_seq
        )
    )


def sign(connection: Connection, data: bytes) -> bytes:
    """The database's Ed25519 signature (64 raw bytes) over ``data``.

    The private key is read inside the caller's (encrypted) connection and never leaves this
    function.
    """
    raw = connection.execute(
        select(signing_key.c.private_key).where(signing_key.c.id == 1)
    ).scalar_one()
    return Ed25519PrivateKey.from_private_bytes(bytes(raw)).sign(data)


def public_key(connection: Connection) -> PublicKey:
    raw = connection.execute(
        select(signing_key.c.public_key).where(signing_key.c.id == 1)
    ).scalar_one()
    return PublicKey(bytes(raw))


def legacy_public_key(connection: Connection) -> PublicKey | None:
    """The schema 0001 signing key's public half, if this register ever had one."""
    raw = connection.execute(
        select(signing_key.c.public_key).where(signing_key.c.id == 1)
    ).scalar_one_or_none()
    return PublicKey(bytes(raw)) if raw is not None else None


def erase_legacy_private(connection: Connection) -> None:
    """Overwrite the legacy private key (every slot holder could read it: it must sign nothing
    more)."""
    connection.execute(signing_key.update().where(signing_key.c.id == 1).values(private_key=b""))

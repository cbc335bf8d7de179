"""The register's signing key signs inside the encrypted database; anyone holding only the
public key (or its fingerprint) can check the signature."""

from __future__ import annotations

import base64

import pytest

from tracker.reports.signature import (
    BadPublicKey,
    decode_public_key,
    is_fingerprint,
    matches_pin,
    signature_valid,
)
from tracker.services import registers, reports
from tracker.services.session import Session
from tracker.store import signing


def test_the_register_signs_and_the_public_key_alone_verifies(session: Session) -> None:
    data = b'{"schema": "tracker.manifest/1"}\n'
    signature = reports.sign(session, data)
    public = registers.public_key(session)
    assert len(signature) == 64
    assert signature_valid(public, data, signature)
    assert not signature_valid(public, data + b" ", signature)
    assert not signature_valid(public, data, bytes(64))
    assert not signature_valid(public, data, signature[:-1])
    _private, other = signing.generate()
    assert not signature_valid(other, data, signature)


def test_pins_by_key_or_fingerprint(session: Session) -> None:
    public = registers.public_key(session)
    _private, other = signing.generate()
    assert decode_public_key(public.base64) == public
    assert is_fingerprint(public.fingerprint)
    assert matches_pin(public, public.base64)
    assert matches_pin(public, f"  {public.fingerprint.upper()} ")
    assert not matches_pin(public, other.base64)
    assert not matches_pin(public, other.fingerprint)
    short = base64.b64encode(public.raw[:16]).decode()
    for bad in ("", "inte en nyckel", short, public.fingerprint[:-1]):
        with pytest.raises(BadPublicKey):
            matches_pin(public, bad)

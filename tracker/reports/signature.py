"""Checking a bundle's Ed25519 signature with nothing but the public key: no database, no
passphrase (a reviewer verifies on their own machine)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tracker.store.signing import PublicKey, rotation_valid

PUBLIC_KEY_LENGTH = 32
SIGNATURE_LENGTH = 64
# ``tracker key public`` prints the fingerprint as 8 groups of 4 hex digits joined by ":".
_FINGERPRINT = re.compile(r"[0-9a-f]{4}(:[0-9a-f]{4}){7}")


class BadPublicKey(ValueError):
    """Text that is neither a base64 Ed25519 public key nor a fingerprint."""


def decode_public_key(text: str) -> PublicKey:
    """A public key from its base64 form (as ``tracker key public`` prints it)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadPublicKey(text) from None
    if len(raw) != PUBLIC_KEY_LENGTH:
        raise BadPublicKey(text)
    return PublicKey(raw)


def is_fingerprint(text: str) -> bool:
    return _FINGERPRINT.fullmatch(text.strip().lower()) is not None


def matches_pin(public: PublicKey, pin: str) -> bool:
    """Whether ``public`` is the key a reviewer pinned, given as base64 key or fingerprint.

    Raises BadPublicKey when ``pin`` is neither.
    """
    if is_fingerprint(pin):
        return public.fingerprint == pin.strip().lower()
    return decode_public_key(pin).raw == public.raw


def follows_rotation(
    pin: str, public: PublicKey, rotations: Sequence[Mapping[str, Any]], database_id: str
) -> bool:
    """Whether ``public`` is the pinned key's successor: an unbroken chain of hand-overs, each
    signed by the key before it (TUF's root rotation), leads from the pin to ``public``."""
    current: str | None = None
    for rotation in rotations:
        try:
            previous = decode_public_key(str(rotation["previous"]))
        except (BadPublicKey, KeyError):
            return False
        if current is None and not matches_pin(previous, pin):
            continue
        if (current is not None and previous.base64 != current) or not rotation_valid(
            database_id, dict(rotation)
        ):
            return False
        current = str(rotation["authority"])
        if current == public.base64:
            return True
    return False


def signature_valid(public: PublicKey, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` (64 raw bytes) is ``public``'s Ed25519 signature over ``data``."""
    if len(signature) != SIGNATURE_LENGTH or len(public.raw) != PUBLIC_KEY_LENGTH:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public.raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


__all__ = [
    "BadPublicKey",
    "decode_public_key",
    "follows_rotation",
    "is_fingerprint",
    "matches_pin",
    "signature_valid",
]

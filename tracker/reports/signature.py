"""Checking a bundle's Ed25519 signature with nothing but the public key: no database, no
passphrase (a reviewer verifies on their own machine)."""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tracker.store.signing import PublicKey

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
    "is_fingerprint",
    "matches_pin",
    "signature_valid",
]

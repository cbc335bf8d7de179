"""Participant codes: the only identifier the register holds.

Generated codes look like ``K7QM-4XTB``: seven random characters and one check character from
an alphabet without look-alikes (no 0/O, 1/I/L, U, Z), so a code read aloud or copied by hand
survives. The check is a weighted sum modulo the prime 29 (the alphabet's size): with distinct
non-zero weights it catches every single substitution and every transposition of two characters,
adjacent or not, including the check character itself. (Luhn mod N misses one transposition pair,
so a prime modulus is used instead.)
"""

from __future__ import annotations

import random
import re
import secrets

from tracker.domain.errors import Violation
from tracker.domain.personnummer import looks_like_personnummer

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
_MODULUS = len(ALPHABET)  # 29, a prime: every weight and every difference is invertible
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_PAYLOAD_LENGTH = 7
_CHECK_WEIGHT = _PAYLOAD_LENGTH + 1
_CHECK_WEIGHT_INVERSE = pow(_CHECK_WEIGHT, -1, _MODULUS)

GENERATED_PATTERN = re.compile(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")
# interfaces.md: codes in import files may be any 3–20 of A–Z, 0–9 and "-".
CODE_PATTERN = re.compile(r"[A-Z0-9-]{3,20}")


def _weighted_sum(chars: str) -> int:
    return sum((i + 1) * _VALUE[ch] for i, ch in enumerate(chars)) % _MODULUS


def check_char(payload: str) -> str:
    """The check character for seven payload characters from ``ALPHABET``."""
    if len(payload) != _PAYLOAD_LENGTH or any(ch not in _VALUE for ch in payload):
        raise ValueError("payload must be 7 characters from the code alphabet")
    value = (-_weighted_sum(payload) * _CHECK_WEIGHT_INVERSE) % _MODULUS
    return ALPHABET[value]


def generate_code(rng: random.Random | None = None) -> str:
    """A new random code ``XXXX-XXXX`` (secrets by default; pass ``rng`` for reproducible demos)."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    while True:
        payload = "".join(chooser.choice(ALPHABET) for _ in range(_PAYLOAD_LENGTH))
        chars = payload + check_char(payload)
        # A letter guarantees the code can never be read as a date or a personnummer.
        if any(ch.isalpha() for ch in chars):
            return f"{chars[:4]}-{chars[4:]}"


def has_valid_check(code: str) -> bool:
    """True when ``code`` has the generated shape and its check character is right."""
    if not GENERATED_PATTERN.fullmatch(code):
        return False
    return _weighted_sum(code.replace("-", "")) == 0


def normalize_code(text: str) -> str:
    """What the user typed, as a code: surrounding space removed, upper case."""
    return text.strip().upper()


def code_problem(code: str) -> Violation | None:
    """Why ``code`` (already normalised) cannot be a participant code, or None when it can."""
    if looks_like_personnummer(code):
        return Violation("domain.personnummer_refused", {}, "code")
    if not CODE_PATTERN.fullmatch(code):
        return Violation("domain.code_format", {}, "code")
    if not any(char.isalpha() for char in code):
        # Digits and dashes only could be a date or a mistyped personnummer: a code that
        # cannot be read as one always has a letter (as every generated code has).
        return Violation("domain.code_needs_letter", {}, "code")
    if GENERATED_PATTERN.fullmatch(code) and not has_valid_check(code):
        return Violation("domain.code_check", {}, "code")
    return None

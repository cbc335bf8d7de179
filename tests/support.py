"""Constants shared by the tests (importable: tests/ is on pytest's pythonpath)."""

import contextlib
from collections.abc import Iterator
from datetime import date

from tracker.store import keyfile

TODAY = date(2026, 11, 20)
PASSPHRASE = "korrekt häst batteri"
INSATSER = ("Samordningsteam Sala", "Samordningsteam Heby")

# The tests' Argon2id cost (8 KiB, one pass, one lane): a login in microseconds instead of a
# second. Only tests set it, by replacing keyfile's module constants in their own process (or in
# a CLI child through tests/cli_launcher.py); nothing in the environment or settings reaches it.
CHEAP_KDF = keyfile.KdfParams(memory_cost=8, iterations=1, lanes=1)


@contextlib.contextmanager
def cheap_kdf_patched() -> Iterator[keyfile.KdfParams]:
    """The cheap cost for new slots and as the floor for opening them, until the block ends
    (the ``cheap_kdf`` fixture's work, for module-scoped fixtures and helpers)."""
    saved = keyfile.DEFAULT_KDF, keyfile.KDF_FLOOR
    keyfile.DEFAULT_KDF = keyfile.KDF_FLOOR = CHEAP_KDF
    try:
        yield CHEAP_KDF
    finally:
        keyfile.DEFAULT_KDF, keyfile.KDF_FLOOR = saved


def luhn_check_digit(nine_digits: str) -> str:
    """The personnummer check digit for nine digits (Luhn, weights 2,1,2,… from the left)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def synthetic_personnummer() -> str:
    """A Luhn-valid, date-valid personnummer shape built at run time, so none is written in the
    code base; the tests only check that it is refused."""
    nine = "850307" + "986"
    return f"19{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"

"""Constants shared by the tests (importable: tests/ is on pytest's pythonpath)."""

from datetime import date

TODAY = date(2026, 11, 20)
PASSPHRASE = "korrekt häst batteri"
INSATSER = ("Samordningsteam Sala", "Samordningsteam Heby")


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

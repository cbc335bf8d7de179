"""Detection of Swedish personnummer and samordningsnummer in any text a user gives us.

The register may hold participant codes only (domain.md, "The privacy boundary"), so every place
that accepts text refuses anything shaped like one of these numbers. Detection errs on the side
of refusing: a valid date (or samordningsnummer day) plus a valid Luhn digit is enough.
"""

from __future__ import annotations

import re
import string
from datetime import date

from tracker.domain.case import Violation

# One pattern per length; the lookahead keeps a match from being the head of a longer digit run
# and the caller checks that no digit precedes it.
_LONG = re.compile(r"([0-9]{8})[-+ ]?([0-9]{4})(?![0-9])")  # YYYYMMDD-NNNN
_SHORT = re.compile(r"([0-9]{6})[-+ ]?([0-9]{4})(?![0-9])")  # YYMMDD-NNNN
_DIGITS = frozenset(string.digits)
# Both shapes hold six digits in a row; text without such a run (nearly all) is cleared in C.
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_CENTURIES = (18, 19, 20)
_SAMORDNING_OFFSET = 60


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by personnummer: weights 2,1,2,1,… from the left over 10 digits."""
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def _valid_date(year: int, month: int, day: int) -> bool:
    # A samordningsnummer is a personnummer with 60 added to the day.
    if day > _SAMORDNING_OFFSET:
        day -= _SAMORDNING_OFFSET
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_number(date_part: str, serial: str) -> bool:
    if len(date_part) == 8:
        century, yy = int(date_part[:2]), int(date_part[2:4])
        if century not in _CENTURIES:
            return False
        years: tuple[int, ...] = (century * 100 + yy,)
        short = date_part[2:]
    else:
        yy = int(date_part[:2])
        # Without a century the date only has to exist in one of them (29 Feb of year 00).
        years = tuple(c * 100 + yy for c in _CENTURIES)
        short = date_part
    month, day = int(short[2:4]), int(short[4:6])
    if not any(_valid_date(year, month, day) for year in years):
        return False
    return luhn_ok(short + serial)


def find_personnummer(text: str) -> str | None:
    """The first substring of ``text`` shaped like a personnummer or samordningsnummer."""
    if not _SIX_DIGITS.search(text):
        return None
    for i, ch in enumerate(text):
        if ch not in _DIGITS or (i > 0 and text[i - 1] in _DIGITS):
            continue
        for pattern in (_LONG, _SHORT):
            match = pattern.match(text, i)
            if match and _is_number(match.group(1), match.group(2)):
                return match.group(0)
    return None


def looks_like_personnummer(text: str) -> bool:
    """True when ``text`` contains something shaped like a personnummer or samordningsnummer."""
    return find_personnummer(text) is not None


def check_free_text(text: str, field: str) -> Violation | None:
    """A refusal when ``text`` (destined for ``field``) contains a personnummer, else None."""
    if looks_like_personnummer(text):
        # The number itself is deliberately left out of the violation: it must not be echoed.
        return Violation("domain.personnummer_refused", {}, field)
    return None


# A cell starting with one of these is a formula in Excel and LibreOffice (CSV/XLSX injection);
# names end up in exported spreadsheets, so they may not start with one.
FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_NAME_LENGTH = 80


def check_name(text: str, field: str) -> Violation | None:
    """A refusal for a name (an insats, a team) that could be personal data or a formula."""
    stripped = text.strip()
    if not stripped:
        return Violation("domain.name_empty", {}, field)
    if stripped.startswith(FORMULA_PREFIXES):
        return Violation("domain.name_formula", {"first": stripped[0]}, field)
    if len(stripped) > MAX_NAME_LENGTH or any(not char.isprintable() for char in stripped):
        return Violation("domain.name_shape", {"maximum": MAX_NAME_LENGTH}, field)
    return check_free_text(stripped, field)

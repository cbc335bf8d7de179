"""Detection of Swedish personnummer and samordningsnummer in any text a user gives us.

The register may hold participant codes only (domain.md, "The privacy boundary"), so every place
that accepts text refuses anything shaped like one of these numbers. Detection errs on the side
of refusing: a valid date (or samordningsnummer day) plus a valid Luhn digit is enough.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from tracker.domain.errors import Violation

# Separators people put between the parts (after NFKC, which turns full-width digits and
# punctuation into ASCII): any dash (Unicode category Pd), the minus sign, "/", ".", "_", "+"
# and any white space. Digits joined by single separators form one candidate chain.
_SEPARATORS = frozenset("/._+\u2212")
# Cheap pre-filter in C: nine digits with at most one character between neighbours. Text
# without such a run (nearly all) cannot hold any of the shapes below.
_CANDIDATE = re.compile(r"\d(?:\D?\d){8}")
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


def _valid_date_part(date_part: str) -> bool:
    """YYMMDD or CCYYMMDD (century 18, 19 or 20) naming a real day (or samordningsnummer day)."""
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
    return any(_valid_date(year, month, day) for year in years)


def _is_separator(char: str) -> bool:
    return char in _SEPARATORS or char.isspace() or unicodedata.category(char) == "Pd"


def _chains(text: str) -> list[list[tuple[int, int]]]:
    """Runs of ASCII digits as (start, end) spans, grouped into chains of runs joined by
    exactly one separator."""
    chains: list[list[tuple[int, int]]] = []
    index, length = 0, len(text)
    while index < length:
        if not ("0" <= text[index] <= "9"):
            index += 1
            continue
        start = index
        while index < length and "0" <= text[index] <= "9":
            index += 1
        run = (start, index)
        joined = chains and chains[-1][-1][1] == start - 1 and _is_separator(text[start - 1])
        if joined:
            chains[-1].append(run)
        else:
            chains.append([run])
    return chains


def _shaped(digits: str, serial_run: int, separated: bool) -> bool:
    """Whether ``digits`` (date part then serial) is a personnummer shape.

    - 10 or 12 digits with a valid date and a valid Luhn digit, separated or not;
    - 10 or 12 digits with a valid date whose last four digits stand apart (YYMMDD-NNNN): a
      mistyped check digit;
    - 9 or 11 digits with a valid date whose last three stand apart (YYMMDD-NNN): the check
      digit dropped; 11 digits with a century (CCYYMMDDNNN) also without a separator.
    """
    count = len(digits)
    if count in (10, 12):
        date_part = digits[: count - 4]
        if not _valid_date_part(date_part):
            return False
        return luhn_ok(digits[-10:]) or (separated and serial_run == 4)
    if count in (9, 11):
        date_part = digits[: count - 3]
        if not _valid_date_part(date_part):
            return False
        return (separated and serial_run == 3) or count == 11
    return False


def find_personnummer(text: str) -> str | None:
    """The first substring of ``text`` shaped like a personnummer or samordningsnummer.

    The text is NFKC-normalised first (full-width digits, odd dashes), and any dash, slash,
    dot, underscore, plus or space may separate the parts: ``YYMMDD-NNNN``, ``YY MM DD-NNNN``,
    ``YYMMDD/NNNN`` and the same in full-width digits with a Unicode hyphen are all found.
    Detection errs on the side of refusing: a shaped number with a mistyped or dropped check
    digit is refused too.
    """
    normal = unicodedata.normalize("NFKC", text)
    if not _CANDIDATE.search(normal):
        return None
    for chain in _chains(normal):
        for first in range(len(chain)):
            for last in range(first, len(chain)):
                digits = "".join(normal[a:b] for a, b in chain[first : last + 1])
                if len(digits) > 12:
                    break
                serial_run = chain[last][1] - chain[last][0]
                if len(digits) >= 9 and _shaped(digits, serial_run, separated=last > first):
                    return normal[chain[first][0] : chain[last][1]]
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

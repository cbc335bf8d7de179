"""Personnummer / samordningsnummer detection. Every number here is generated, none is real."""

from __future__ import annotations

import random
import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import luhn_check_digit

from tracker.domain import (
    RuleError,
    check_free_text,
    find_personnummer,
    generate_code,
    looks_like_personnummer,
)
from tracker.domain.participant_code import ALPHABET


def synthetic_personnummer(
    born: date, serial: int, *, samordning: bool = False, form: str = "short-"
) -> str:
    """A synthetic personnummer (or samordningsnummer) for ``born`` in the requested form."""
    day = born.day + (60 if samordning else 0)
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    nnn = f"{serial:03d}"
    last4 = nnn + luhn_check_digit(yymmdd + nnn)
    return render(f"{born.year // 100:02d}", yymmdd, last4, form)


def raw_personnummer(century: str, yymmdd: str, serial: int) -> tuple[str, str, str]:
    """Digits for an arbitrary (possibly impossible) date part, with a correct Luhn digit."""
    nnn = f"{serial:03d}"
    return century, yymmdd, nnn + luhn_check_digit(yymmdd + nnn)


FORMS = ("short-", "short+", "short ", "short", "long", "long-", "long ")


def render(century: str, yymmdd: str, last4: str, form: str) -> str:
    """Lay out the parts in one of ``FORMS``: short/long, then the separator (if any)."""
    if form.startswith("short"):
        return f"{yymmdd}{form.removeprefix('short')}{last4}"
    return f"{century}{yymmdd}{form.removeprefix('long')}{last4}"


@pytest.mark.parametrize("form", FORMS)
def test_every_form_is_found(form: str) -> None:
    number = synthetic_personnummer(date(1990, 1, 1), 123, form=form)
    assert find_personnummer(number) == number
    assert find_personnummer(f"Deltagare {number}, möte idag") == number


@pytest.mark.parametrize("form", FORMS)
def test_samordningsnummer_is_found(form: str) -> None:
    number = synthetic_personnummer(date(1985, 7, 31), 456, samordning=True, form=form)
    assert looks_like_personnummer(number)


@pytest.mark.parametrize("born", [date(2000, 2, 29), date(2024, 2, 29), date(1896, 2, 29)])
def test_leap_day_is_found(born: date) -> None:
    for form in FORMS:
        assert looks_like_personnummer(synthetic_personnummer(born, 7, form=form))


def test_leap_day_in_a_common_year_is_rejected() -> None:
    # 1900 was not a leap year, so 19000229 is no date; 000229 is (2000).
    century, yymmdd, last4 = raw_personnummer("19", "000229", 321)
    assert not looks_like_personnummer(render(century, yymmdd, last4, "long"))
    assert looks_like_personnummer(render(century, yymmdd, last4, "short-"))


def test_wrong_luhn_digit_is_found_only_where_the_shape_says_personnummer() -> None:
    """Ten bare digits need the Luhn digit; with the serial set apart (YYMMDD-NNNN) a mistyped
    check digit is still a personnummer (issue 13)."""
    number = synthetic_personnummer(date(1990, 1, 1), 123, form="short")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert find_personnummer(wrong) is None
    assert find_personnummer(f"{wrong[:6]}-{wrong[6:]}") == f"{wrong[:6]}-{wrong[6:]}"


@pytest.mark.parametrize(
    "text",
    [
        "121212/1212",
        "１２１２１２-１２１２",  # full-width digits
        "121212\u20101212",  # Unicode hyphen
        "12 12 12-1212",
        "121212.1212",
        "121212_1212",
        "19121212121",  # twelve digits with the check digit dropped
        "121212-121",  # the check digit dropped
        "121212-1213",  # a mistyped check digit
        "anna121212.1212",
    ],
)
def test_personnummer_in_disguise_is_found(text: str) -> None:
    assert find_personnummer(text) is not None
    assert check_free_text(text, "user") is not None


@pytest.mark.parametrize(
    "yymmdd",
    ["901301", "900132", "900230", "900001", "900100", "900192", "900160"],
    ids=["month-13", "day-32", "feb-30", "month-0", "day-0", "samordning-day-92", "day-60"],
)
def test_invalid_dates_are_not_found(yymmdd: str) -> None:
    for form in FORMS:
        century, ymd, last4 = raw_personnummer("19", yymmdd, 555)
        assert find_personnummer(render(century, ymd, last4, form)) is None


@pytest.mark.parametrize("century", ["17", "21", "99"])
def test_unknown_century_is_not_found(century: str) -> None:
    _, yymmdd, last4 = raw_personnummer(century, "900101", 123)
    assert find_personnummer(century + yymmdd + last4) is None


@pytest.mark.parametrize("form", FORMS)
def test_number_inside_a_longer_digit_run_is_not_found(form: str) -> None:
    number = synthetic_personnummer(date(1990, 1, 1), 123, form=form)
    assert find_personnummer("7" + number) is None
    assert find_personnummer(number + "7") is None


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01",
        "20240501",
        "ABCD-2345",
        "TEAM-0001",
        "",
        "möte 2024-05-01 kl 10",
        "tel 08-123 45 67",
    ],
)
def test_ordinary_text_is_not_found(text: str) -> None:
    assert find_personnummer(text) is None


def test_check_free_text_refuses_without_echoing_the_number() -> None:
    number = synthetic_personnummer(date(1975, 12, 24), 42, form="long-")
    violation = check_free_text(f"anteckning {number}", "note")
    assert violation is not None
    assert violation.key == "domain.personnummer_refused"
    assert violation.field == "note"
    for lang in ("sv", "en"):
        assert number not in violation.message(lang)
    assert "personnummer" in violation.message("sv")
    assert check_free_text("helt vanlig text", "note") is None
    assert "deltagarkoder" in RuleError([violation]).violations[0].message("sv")


# --- property-based --------------------------------------------------------------------------

noise = st.text(alphabet=string.ascii_letters + "åäöÅÄÖ ,.:;()/", max_size=12)


@given(
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(0, 999),
    samordning=st.booleans(),
    form=st.sampled_from(FORMS),
    before=noise,
    after=noise,
)
def test_every_valid_number_is_detected(
    born: date, serial: int, samordning: bool, form: str, before: str, after: str
) -> None:
    number = synthetic_personnummer(born, serial, samordning=samordning, form=form)
    # The noise has no digits, so the number is the first and only candidate.
    assert find_personnummer(before + number + after) == number


@given(seed=st.integers(0, 2**32 - 1))
def test_generated_participant_codes_are_never_detected(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(20):
        assert not looks_like_personnummer(generate_code(rng))


@given(st.text(alphabet=ALPHABET + "-", min_size=1, max_size=9))
def test_code_alphabet_strings_without_digit_runs_are_not_detected(text: str) -> None:
    # Fewer than nine digits can never form a number (nine: YYMMDD-NNN, check digit dropped).
    if sum(ch.isdigit() for ch in text) < 9:
        assert not looks_like_personnummer(text)

"""Typed dates and calendar-month arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import RuleError, add_months, parse_user_date

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-28", date(2026, 2, 28)),
        (" 2024-02-29 ", date(2024, 2, 29)),
        ("idag", TODAY),
        ("IDAG", TODAY),
        ("i dag", TODAY),
        ("today", TODAY),
        ("igår", date(2026, 3, 9)),
        ("Igår", date(2026, 3, 9)),
        ("igar", date(2026, 3, 9)),
        ("yesterday", date(2026, 3, 9)),
        ("-0", TODAY),
        ("-1", date(2026, 3, 9)),
        ("-10", date(2026, 2, 28)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_user_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-02-30",
        "2026-13-01",
        "2026-1-5",
        "26-01-05",
        "20260105",
        "imorgon",
        "+1",
        "-",
        "-x",
    ],
)
def test_refused_forms(text: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_user_date(text, TODAY)
    [violation] = caught.value.violations
    assert violation.key == "domain.date_format"
    assert violation.field == "date"
    assert "ÅÅÅÅ-MM-DD" in violation.message("sv")


def test_days_ago_before_year_one_is_refused() -> None:
    with pytest.raises(RuleError):
        parse_user_date("-99999", date(1, 1, 5))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 15), 18, date(2027, 11, 15)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 6, 30), 0, date(2026, 6, 30)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 1, 1)), st.integers(-240, 240))
def test_add_months_properties(d: date, months: int) -> None:
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day <= d.day
    if d.day <= 28:
        assert result.day == d.day
        assert add_months(result, -months) == d

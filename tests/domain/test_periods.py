"""Report periods and their comparison periods."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import Period, RuleError


@pytest.mark.parametrize(
    ("text", "label", "first", "last"),
    [
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026H1", "2026H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026h2", "2026H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026Q1", "2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024Q1", "2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        (" 2026Q2 ", "2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", "2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", "2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026T1", "2026T1", date(2026, 1, 1), date(2026, 4, 30)),
        ("2026t2", "2026T2", date(2026, 5, 1), date(2026, 8, 31)),
        ("2026T3", "2026T3", date(2026, 9, 1), date(2026, 12, 31)),
        (
            "2026-01-15..2026-03-31",
            "2026-01-15..2026-03-31",
            date(2026, 1, 15),
            date(2026, 3, 31),
        ),
        ("2026-05-01..2026-05-01", "2026-05-01..2026-05-01", date(2026, 5, 1), date(2026, 5, 1)),
    ],
)
def test_parse(text: str, label: str, first: date, last: date) -> None:
    assert Period.parse(text) == Period(label, first, last)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26",
        "2026H3",
        "2026Q0",
        "2026Q5",
        "2026T0",
        "2026T4",
        "H1",
        "2026-H1",
        "2026-02-30..2026-03-01",
        "x",
        "0001",
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(RuleError) as caught:
        Period.parse(text)
    assert [v.key for v in caught.value.violations] == ["domain.period_format"]


def test_first_after_last_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        Period.between(date(2026, 3, 1), date(2026, 2, 1))
    [violation] = caught.value.violations
    assert violation.key == "domain.period_order"
    assert violation.params == {"first": "2026-03-01", "last": "2026-02-01"}
    with pytest.raises(RuleError):
        Period.parse("2026-03-01..2026-02-01")


def test_between_label() -> None:
    assert Period.between(date(2026, 1, 15), date(2026, 3, 31)).label == "2026-01-15..2026-03-31"


def test_contains_includes_both_ends() -> None:
    p = Period.parse("2026H1")
    assert p.contains(date(2026, 1, 1))
    assert p.contains(date(2026, 6, 30))
    assert not p.contains(date(2025, 12, 31))
    assert not p.contains(date(2026, 7, 1))


def test_overlaps() -> None:
    p = Period.parse("2026H1")
    assert p.overlaps(date(2025, 1, 1), None)
    assert p.overlaps(date(2025, 1, 1), date(2026, 1, 1))
    assert p.overlaps(date(2026, 6, 30), date(2026, 8, 1))
    assert p.overlaps(date(2026, 3, 1), date(2026, 3, 2))
    assert not p.overlaps(date(2025, 1, 1), date(2025, 12, 31))
    assert not p.overlaps(date(2026, 7, 1), None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022H1", Period("2021H1", date(2021, 1, 1), date(2021, 6, 30))),
        ("2026", Period("2025", date(2025, 1, 1), date(2025, 12, 31))),
        ("2025Q1", Period("2024Q1", date(2024, 1, 1), date(2024, 3, 31))),
        ("2026-01-15..2026-03-20", Period.between(date(2025, 1, 15), date(2025, 3, 20))),
        ("2024-02-29..2024-02-29", Period.between(date(2023, 2, 28), date(2023, 2, 28))),
        ("2025-02-01..2025-02-28", Period.between(date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_comparison(text: str, expected: Period) -> None:
    assert Period.parse(text).comparison() == expected


def test_to_dict() -> None:
    assert Period.parse("2022H1").to_dict() == {
        "label": "2022H1",
        "first": "2022-01-01",
        "last": "2022-06-30",
    }


@given(
    st.integers(1901, 2999),
    st.sampled_from(["", "H1", "H2", "Q1", "Q2", "Q3", "Q4"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
)
def test_named_periods_properties(year: int, suffix: str, d: date) -> None:
    p = Period.parse(f"{year}{suffix}")
    assert Period.parse(p.label) == p
    c = p.comparison()
    assert (c.first.year, c.last.year) == (year - 1, year - 1)
    assert (c.first.month, c.last.month, c.last.day) == (p.first.month, p.last.month, p.last.day)
    assert p.contains(d) == (p.first <= d <= p.last)


@pytest.mark.parametrize(
    ("text", "kind", "comparison"),
    [
        ("2026", "year", "2025"),
        ("2026H2", "half", "2025H2"),
        ("2026T1", "tertial", "2025T1"),
        ("2026T3", "tertial", "2025T3"),
        ("2026Q2", "quarter", "2025Q2"),
        ("2026-01-15..2026-03-31", "other", "2025-01-15..2025-03-31"),
    ],
)
def test_kinds_and_comparison_one_year_earlier(text: str, kind: str, comparison: str) -> None:
    period = Period.parse(text)
    assert period.kind == kind
    assert period.comparison() == Period.parse(comparison)


def test_future_running_and_ended_periods() -> None:
    today = date(2026, 5, 10)
    ended, running, future = (Period.parse(p) for p in ("2026T1", "2026T2", "2026T3"))
    assert ended.has_ended(today) and not ended.is_future(today)
    assert not running.has_ended(today) and not running.is_future(today)
    assert future.is_future(today) and not future.has_ended(today)
    # The last day itself is still running; the first day is no longer the future.
    assert not Period.parse("2026-01-01..2026-05-10").has_ended(today)
    assert not Period.parse("2026-05-10..2026-05-31").is_future(today)
    running.check_not_future(today)
    with pytest.raises(RuleError) as caught:
        future.check_not_future(today)
    (violation,) = caught.value.violations
    assert violation.key == "domain.period_future"
    assert violation.message("sv") == (
        "Perioden 2026T3 har inte börjat än (den börjar 2026-09-01, i dag är det 2026-05-10). "
        "Det går inte att ta fram siffror för en period i framtiden."
    )

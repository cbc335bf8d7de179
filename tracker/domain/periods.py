"""Report periods (metrics.md, "Period"): both ends inclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.domain.dates import add_months, last_day_of_month
from tracker.domain.errors import RuleError, Violation

_YEAR = re.compile(r"([0-9]{4})")
_HALF = re.compile(r"([0-9]{4})H([12])")
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])")
_TERTIAL = re.compile(r"([0-9]{4})T([1-3])")  # Jan–Apr, May–Aug, Sep–Dec (delårsrapporter)
# The first letter of a named period's suffix → (its kind, months per part).
_PARTS = {"H": ("half", 6), "T": ("tertial", 4), "Q": ("quarter", 3)}
_BETWEEN = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})")
# Every period needs a comparison period one year earlier, so year 1 is out; nobody reports
# on the distant past or future either.
_MIN_YEAR, _MAX_YEAR = 1900, 9998


def _format_error() -> RuleError:
    # The text is not echoed back, like every other refused input.
    return RuleError([Violation("domain.period_format", {}, "period")])


@dataclass(frozen=True)
class Period:
    """A labelled date range [first, last], both days included."""

    label: str
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise RuleError(
                [
                    Violation(
                        "domain.period_order",
                        {"first": self.first.isoformat(), "last": self.last.isoformat()},
                        "period",
                    )
                ]
            )

    def contains(self, d: date) -> bool:
        """True when ``d`` falls in the period."""
        return self.first <= d <= self.last

    def overlaps(self, first: date, last: date | None) -> bool:
        """True when [first, last] meets the period; ``last=None`` means still open."""
        return first <= self.last and (last is None or last >= self.first)

    @property
    def kind(self) -> str:
        """``"year"``, ``"half"``, ``"tertial"``, ``"quarter"``, or ``"other"`` (a date range)."""
        named = _parse_named(self.label)
        if named is None:
            return "other"
        suffix = named[1]
        return _PARTS[suffix[0]][0] if suffix else "year"

    def is_future(self, today: date) -> bool:
        """True when the whole period lies after ``today``: nothing in it can have happened."""
        return self.first > today

    def has_ended(self, today: date) -> bool:
        """True when the period's last day is before ``today``; until then its figures are
        preliminary (events of the days still to come are missing)."""
        return self.last < today

    def check_not_future(self, today: date) -> None:
        """RuleError when the period lies entirely after ``today`` (a report of it says nothing
        and would be signed as if it did)."""
        if self.is_future(today):
            raise RuleError(
                [
                    Violation(
                        "domain.period_future",
                        {
                            "label": self.label,
                            "first": self.first.isoformat(),
                            "today": today.isoformat(),
                        },
                        "period",
                    )
                ]
            )

    def comparison(self) -> Period:
        """The same period one year earlier (2022H1 → 2021H1)."""
        named = _parse_named(self.label)
        if named is not None:
            year, suffix = named
            return Period.parse(f"{year - 1}{suffix}")
        first = add_months(self.first, -12)
        last = add_months(self.last, -12)
        if self.last.day == last_day_of_month(self.last.year, self.last.month):
            # A range ending on a month's last day keeps doing so (29 Feb → 28 Feb and back).
            last = last.replace(day=last_day_of_month(last.year, last.month))
        return Period.between(first, last)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, as report.json uses it."""
        return {"label": self.label, "first": self.first.isoformat(), "last": self.last.isoformat()}

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        """An explicit range, labelled ``2026-01-15..2026-03-31``."""
        return cls(f"{first.isoformat()}..{last.isoformat()}", first, last)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026``, ``2026H1``/``H2``, ``2026T1``…``T3``, ``2026Q1``…``Q4`` or
        ``2026-01-15..2026-03-31``."""
        cleaned = text.strip().upper()
        between = _BETWEEN.fullmatch(cleaned)
        if between:
            try:
                first, last = (date.fromisoformat(g) for g in between.groups())
            except ValueError:
                raise _format_error() from None
            if first.year < _MIN_YEAR or last.year > _MAX_YEAR:
                raise _format_error()
            return cls.between(first, last)
        named = _parse_named(cleaned)
        if named is None:
            raise _format_error()
        year, suffix = named
        if suffix == "":
            return cls(cleaned, date(year, 1, 1), date(year, 12, 31))
        months = _PARTS[suffix[0]][1]
        first_month = months * (int(suffix[1]) - 1) + 1
        last_month = first_month + months - 1
        return cls(
            cleaned,
            date(year, first_month, 1),
            date(year, last_month, last_day_of_month(year, last_month)),
        )


def _parse_named(label: str) -> tuple[int, str] | None:
    # (year, "" | "H1" | "T2" | "Q3"), or None when ``label`` is not a named period.
    for pattern in (_YEAR, _HALF, _TERTIAL, _QUARTER):
        match = pattern.fullmatch(label)
        if match:
            year = int(match.group(1))
            if not _MIN_YEAR <= year <= _MAX_YEAR:
                return None
            return year, label[4:]
    return None

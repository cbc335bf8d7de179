"""Dates as staff type them, and calendar-month arithmetic for follow-up due dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from tracker.domain.errors import RuleError, Violation

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS_AGO = re.compile(r"-([0-9]{1,5})")
_TODAY = frozenset({"idag", "i dag", "today"})
_YESTERDAY = frozenset({"igår", "igar", "i går", "yesterday"})


def parse_user_date(text: str, today: date) -> date:
    """Parse ``YYYY-MM-DD``, ``idag``/``today``, ``igår``/``igar``/``yesterday`` or ``-N`` days ago.

    Raises RuleError (``domain.date_format``) for anything else, including impossible dates.
    """
    cleaned = text.strip().lower()
    if cleaned in _TODAY:
        return today
    if cleaned in _YESTERDAY:
        return today - timedelta(days=1)
    days_ago = _DAYS_AGO.fullmatch(cleaned)
    try:
        if days_ago:
            return today - timedelta(days=int(days_ago.group(1)))
        if _ISO.fullmatch(cleaned):
            return date.fromisoformat(cleaned)
    except (ValueError, OverflowError):
        pass
    # The text itself is not echoed: whatever was typed might be personal data.
    raise RuleError([Violation("domain.date_format", {}, "date")])


def last_day_of_month(year: int, month: int) -> int:
    """The number of days in ``month`` of ``year``."""
    return calendar.monthrange(year, month)[1]


def add_months(d: date, months: int) -> date:
    """``d`` moved by calendar months, clipped to the month's end (08-31 + 6 → 02-28)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, last_day_of_month(year, month + 1)))

"""Frappe's named periods (``timespan``, ``previous``, ``next`` filter operators) as first and last day.

Usage::

    from django_frappe_api.timespans import timespan_dates, timespan_range
    timespan_dates("last quarter", dt.date(2024, 2, 29))     # (date(2023, 10, 1), date(2023, 12, 31))
    timespan_range("next", "1 week")                         # [monday, sunday] of next week, as of today
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from . import exceptions, fieldtypes

TIMESPANS = (
    "last week", "last month", "last quarter", "last 6 months", "last year", "yesterday", "today",
    "tomorrow", "this week", "this month", "this quarter", "this year", "next week", "next month",
    "next quarter", "next 6 months", "next year",
)  # fmt: skip


def timespan_range(operator: str, value: Any) -> list[dt.date]:
    """``[first, last]`` day of a ``timespan`` value ("this month"), or of ``previous``/``next`` ("1 week")."""
    text = str(value or "").strip().lower()
    if operator in ("previous", "next"):
        unit = {"1 week": "week", "1 month": "month", "3 months": "quarter", "6 months": "6 months",
                "1 year": "year"}.get(text)  # fmt: skip
        if unit is None:
            raise exceptions.ValidationError(f"Invalid value for '{operator}' operator: {value}")
        text = f"{'last' if operator == 'previous' else 'next'} {unit}"
    if text not in TIMESPANS:
        raise exceptions.ValidationError(f"Invalid timespan: {value}")
    return list(timespan_dates(text, timezone.localdate()))


def timespan_dates(span: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of a named period relative to ``today`` (weeks start on Monday)."""
    if span in ("yesterday", "today", "tomorrow"):
        day = today + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[span])
        return day, day
    direction, unit = span.split(" ", 1)
    shift = {"last": -1, "this": 0, "next": 1}[direction]
    if unit == "week":
        start = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=shift)
        return start, start + dt.timedelta(days=6)
    if unit == "month":
        start = _add_months(today.replace(day=1), shift)
        return start, _add_months(start, 1) - dt.timedelta(days=1)
    if unit == "year":
        start = dt.date(today.year + shift, 1, 1)
        return start, dt.date(today.year + shift, 12, 31)
    quarter_start = today.replace(day=1, month=3 * ((today.month - 1) // 3) + 1)
    if unit == "quarter":
        start = _add_months(quarter_start, 3 * shift)
        return start, _add_months(start, 3) - dt.timedelta(days=1)
    # "6 months": two whole quarters before the current one, or after it.
    if shift < 0:
        return _add_months(quarter_start, -6), quarter_start - dt.timedelta(days=1)
    start = _add_months(quarter_start, 3)
    return start, _add_months(start, 6) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def day_start(value: Any) -> dt.datetime:
    """Midnight of a date (a ``between`` bound on a Datetime field); a datetime as it is."""
    if _is_date_only(value):
        return dt.datetime.combine(fieldtypes.parse_date(value), dt.time.min)
    return fieldtypes.parse_datetime(value)


def day_end(value: Any) -> dt.datetime:
    """The last microsecond of a date, so that ``between`` includes the whole last day."""
    if _is_date_only(value):
        return dt.datetime.combine(fieldtypes.parse_date(value), dt.time.max)
    return fieldtypes.parse_datetime(value)


def _is_date_only(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and len(value.strip()) <= 10

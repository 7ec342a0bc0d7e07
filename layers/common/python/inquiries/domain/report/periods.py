"""The periods of a report's series: days, ISO weeks or calendar months of UTC dates.

A series has one entry per period that overlaps [first, last], the first and the
last possibly cut short by the report's period. Weeks are ISO weeks named by
their ISO week-year, so 31 December 2026 and 1 January 2027 are both
`2026-W53`, and 30 December 2024 is `2025-W01`.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Interval(StrEnum):
    """How long one entry of a series is."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def period_of(day: date, interval: Interval) -> str:
    """The name of the period holding `day`: `2026-12-01`, `2026-W49` or `2026-12`."""
    if interval is Interval.DAY:
        return day.isoformat()
    if interval is Interval.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def _start_of(day: date, interval: Interval) -> date:
    if interval is Interval.DAY:
        return day
    if interval is Interval.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _after(start: date, interval: Interval) -> date:
    """The first day of the period after the one starting on `start`."""
    if interval is Interval.DAY:
        return start + timedelta(days=1)
    if interval is Interval.WEEK:
        return start + timedelta(days=7)
    if start.month == 12:
        return date(start.year + 1, 1, 1)
    return date(start.year, start.month + 1, 1)


def periods(first: date, last: date, interval: Interval) -> list[str]:
    """The names of the periods overlapping [first, last], in order, each once."""
    names: list[str] = []
    start = _start_of(first, interval)
    while start <= last:
        names.append(period_of(start, interval))
        start = _after(start, interval)
    return names

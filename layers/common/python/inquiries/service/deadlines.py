"""Deadlines and working hours in a partner's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from inquiries.domain.model import Calendar

# `business_time` is imported where it is used: most requests of the decide function
# (lists, views, accept, reject) never compute a deadline.


def deadline_for(calendar: Calendar, start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start`, in the partner's calendar, rounded up
    to the whole second: what the view shows (milliseconds) and what a schedule can name
    (`at()` has seconds) are then the deadline itself, and the partner loses nothing."""
    from inquiries import business_time  # noqa: PLC0415

    exact = business_time.add_working_hours(
        start,
        hours,
        country=calendar.country,
        subdivision=calendar.subdivision,
        timezone=calendar.timezone,
        working_days=calendar.working_days,
    )
    if not exact.microsecond:
        return exact
    return exact.replace(microsecond=0) + timedelta(seconds=1)


def working_hours(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Working hours between two moments in the partner's calendar."""
    from inquiries import business_time  # noqa: PLC0415

    return business_time.working_hours_between(
        start,
        end,
        country=calendar.country,
        subdivision=calendar.subdivision,
        timezone=calendar.timezone,
        working_days=calendar.working_days,
    )

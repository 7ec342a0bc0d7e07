"""An offer's deadline: 48 working hours in the partner's calendar, to the whole second."""

from __future__ import annotations

from datetime import UTC, datetime

from inquiries import business_time
from inquiries.domain.model import Calendar
from inquiries.service.deadlines import deadline_for

BOLZANO = Calendar(country="IT", subdivision="BZ", timezone="Europe/Rome")


def test_a_deadline_is_rounded_up_to_the_whole_second() -> None:
    # Submitted at 09:00:00.300 on a Monday: the exact moment has a fraction of a second,
    # which neither the view (milliseconds) nor a schedule (`at()`, seconds) can name.
    start = datetime(2027, 4, 12, 7, 0, 0, 300_123, tzinfo=UTC)
    exact = business_time.add_working_hours(
        start, 48, country="IT", subdivision="BZ", timezone="Europe/Rome"
    )

    deadline = deadline_for(BOLZANO, start, 48)

    assert exact.microsecond == 300_123
    assert deadline.microsecond == 0
    assert 0 < (deadline - exact).total_seconds() < 1


def test_a_whole_second_deadline_stays_as_it_is() -> None:
    start = datetime(2027, 4, 12, 7, 0, 0, tzinfo=UTC)

    assert deadline_for(BOLZANO, start, 48) == business_time.add_working_hours(
        start, 48, country="IT", subdivision="BZ", timezone="Europe/Rome"
    )

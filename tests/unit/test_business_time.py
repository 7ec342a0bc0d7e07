"""The deadline rule: working hours counted in a partner's own calendar.

Expected results in the tables are worked out by hand from the dates the
``holidays`` package reports (for example
``holidays.country_holidays("IT", subdiv="BZ", years=2026)``); the note on
each case says what it exercises. Property tests compare against a slow
day-by-day reference built directly on the ``holidays`` package.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import inquiries
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from inquiries.business_time import (
    add_working_hours,
    validate_calendar,
    working_hours_between,
)

WEEKDAYS = (1, 2, 3, 4, 5)
MON_SAT = (1, 2, 3, 4, 5, 6)
TUE_SAT = (2, 3, 4, 5, 6)
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)


# -- hand-checked cases -----------------------------------------------------------

# (country, subdivision, timezone, start, hours, working_days, expected, what it shows)
CASES: list[tuple[str, str | None, str, str, float, tuple[int, ...], str, str]] = [
    # Italy: Whit Monday 2026-05-25 is a holiday in South Tyrol only.
    ("IT", "BZ", "Europe/Rome", "2026-05-22T10:00+02:00", 48, WEEKDAYS,
     "2026-05-27T10:00:00+02:00", "IT-BZ: Fri, weekend, Whit Monday, Tue, Wed 10:00"),
    ("IT", None, "Europe/Rome", "2026-05-22T10:00+02:00", 48, WEEKDAYS,
     "2026-05-26T10:00:00+02:00", "IT without region: Whit Monday is a working day"),
    # Bavaria vs Berlin: Epiphany (Tue 2026-01-06) is Bavarian only.
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00+01:00", 48, WEEKDAYS,
     "2026-01-08T09:00:00+01:00", "DE-BY: Epiphany skipped"),
    ("DE", "BE", "Europe/Berlin", "2026-01-05T09:00+01:00", 48, WEEKDAYS,
     "2026-01-07T09:00:00+01:00", "DE-BE: Epiphany is a working day"),
    # Women's Day (Mon 2027-03-08) is Berlin only.
    ("DE", "BE", "Europe/Berlin", "2027-03-05T12:00+01:00", 48, WEEKDAYS,
     "2027-03-10T12:00:00+01:00", "DE-BE: International Women's Day skipped"),
    ("DE", "BY", "Europe/Berlin", "2027-03-05T12:00+01:00", 48, WEEKDAYS,
     "2027-03-09T12:00:00+01:00", "DE-BY: 8 March is a working day"),
    # Corpus Christi (Thu 2026-06-04): Bavaria yes, Berlin no.
    ("DE", "BY", "Europe/Berlin", "2026-06-03T08:00+02:00", 48, WEEKDAYS,
     "2026-06-08T08:00:00+02:00", "DE-BY: Corpus Christi, then the weekend"),
    ("DE", "BE", "Europe/Berlin", "2026-06-03T08:00+02:00", 48, WEEKDAYS,
     "2026-06-05T08:00:00+02:00", "DE-BE: Corpus Christi is a working day"),
    # Easter 2026: Good Friday 04-03, Easter Monday 04-06.
    ("DE", "BY", "Europe/Berlin", "2026-04-02T16:00+02:00", 48, WEEKDAYS,
     "2026-04-08T16:00:00+02:00", "DE: Good Friday and Easter Monday"),
    ("IT", "BZ", "Europe/Rome", "2026-04-02T16:00+02:00", 48, WEEKDAYS,
     "2026-04-07T16:00:00+02:00", "IT: Easter Monday only, Good Friday is worked"),
    ("AT", "9", "Europe/Vienna", "2026-04-02T16:00+02:00", 48, WEEKDAYS,
     "2026-04-07T16:00:00+02:00", "AT-9: Easter Monday only"),
    ("CH", "ZH", "Europe/Zurich", "2026-04-02T16:00+02:00", 48, WEEKDAYS,
     "2026-04-08T16:00:00+02:00", "CH-ZH: Good Friday and Easter Monday"),
    # Austrian National Day (Mon 2026-10-26), right after the autumn DST change.
    ("AT", "9", "Europe/Vienna", "2026-10-23T09:00+02:00", 48, WEEKDAYS,
     "2026-10-28T09:00:00+01:00", "AT-9: National Day; same clock time after DST ends"),
    ("DE", "BY", "Europe/Berlin", "2026-10-23T09:00+02:00", 48, WEEKDAYS,
     "2026-10-27T09:00:00+01:00", "DE-BY: 26 October is worked"),
    # Immaculate Conception (Tue 2026-12-08): Austria yes, Bavaria no.
    ("AT", "9", "Europe/Vienna", "2026-12-07T12:00+01:00", 48, WEEKDAYS,
     "2026-12-10T12:00:00+01:00", "AT-9: Immaculate Conception"),
    ("DE", "BY", "Europe/Berlin", "2026-12-07T12:00+01:00", 48, WEEKDAYS,
     "2026-12-09T12:00:00+01:00", "DE-BY: 8 December is worked"),
    # Christmas and the year end.
    ("DE", "BY", "Europe/Berlin", "2026-12-23T10:00+01:00", 48, WEEKDAYS,
     "2026-12-28T10:00:00+01:00", "DE: 24 Dec counts, 25 Dec is a holiday, 26 Dec a Saturday"),
    ("DE", "BE", "Europe/Berlin", "2026-12-30T15:00+01:00", 48, WEEKDAYS,
     "2027-01-04T15:00:00+01:00", "into the new year: 1 January skipped"),
    ("DE", "BY", "Europe/Berlin", "2026-12-30T15:00+01:00", 96, WEEKDAYS,
     "2027-01-07T15:00:00+01:00", "into the new year: 1 January and Epiphany 2027 skipped"),
    # Starts outside working time count from the next working day's 00:00.
    ("DE", "BY", "Europe/Berlin", "2026-01-06T11:00+01:00", 48, WEEKDAYS,
     "2026-01-09T00:00:00+01:00", "start on a holiday: Wed, Thu, so Thu 24:00"),
    ("IT", "BZ", "Europe/Rome", "2026-03-14T10:00+01:00", 48, WEEKDAYS,
     "2026-03-18T00:00:00+01:00", "start on a Saturday: Mon, Tue, so Tue 24:00"),
    # The plain rule: same clock time two working days later.
    ("CH", "ZH", "Europe/Zurich", "2026-03-10T14:00+01:00", 48, WEEKDAYS,
     "2026-03-12T14:00:00+01:00", "Tue 14:00 -> Thu 14:00"),
    ("CH", "ZH", "Europe/Zurich", "2026-03-13T14:00+01:00", 48, WEEKDAYS,
     "2026-03-17T14:00:00+01:00", "Fri 14:00 -> Tue 14:00"),
    ("CH", "ZH", "Europe/Zurich", "2026-05-13T09:00+02:00", 48, WEEKDAYS,
     "2026-05-18T09:00:00+02:00", "CH-ZH: Ascension Day"),
    # DST: a working day is 24 wall-clock hours, whatever the real length.
    ("IT", "BZ", "Europe/Rome", "2026-03-27T14:00+01:00", 48, WEEKDAYS,
     "2026-03-31T14:00:00+02:00", "spring-forward weekend in between: same clock time"),
    ("IT", "BZ", "Europe/Rome", "2026-03-28T12:00+01:00", 48, EVERY_DAY,
     "2026-03-30T12:00:00+02:00", "Sun 2026-03-29 worked: 24 wall hours (23 real)"),
    ("IT", "BZ", "Europe/Rome", "2026-10-24T12:00+02:00", 48, EVERY_DAY,
     "2026-10-26T12:00:00+01:00", "Sun 2026-10-25 worked: 24 wall hours (25 real)"),
    # Custom working weeks.
    ("IT", "BZ", "Europe/Rome", "2026-03-13T14:00+01:00", 48, MON_SAT,
     "2026-03-16T14:00:00+01:00", "Mon-Sat: Fri, Sat, Mon"),
    ("IT", "BZ", "Europe/Rome", "2026-03-16T10:00+01:00", 48, TUE_SAT,
     "2026-03-19T00:00:00+01:00", "Tue-Sat: start on the free Monday"),
    ("IT", "BZ", "Europe/Rome", "2026-03-13T14:00+01:00", 48, TUE_SAT,
     "2026-03-17T14:00:00+01:00", "Tue-Sat: Fri, Sat, then Tue"),
    # The result is in the calendar's zone whatever the start's zone.
    ("DE", "BY", "Europe/Berlin", "2026-01-05T08:00+00:00", 48, WEEKDAYS,
     "2026-01-08T09:00:00+01:00", "start in UTC"),
    ("CH", "ZH", "Europe/Zurich", "2026-03-13T08:00-05:00", 48, WEEKDAYS,
     "2026-03-17T14:00:00+01:00", "start at -05:00"),
    ("CH", "ZH", "Europe/Zurich", "2026-03-13T23:30+00:00", 48, WEEKDAYS,
     "2026-03-18T00:00:00+01:00", "Friday in UTC is Saturday 00:30 in Zurich"),
    # Fractions and exact day ends.
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00+01:00", 0.5, WEEKDAYS,
     "2026-01-05T09:30:00+01:00", "half an hour"),
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00+01:00", 15, WEEKDAYS,
     "2026-01-06T00:00:00+01:00", "exactly the rest of Monday: Mon 24:00"),
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00+01:00", 15.25, WEEKDAYS,
     "2026-01-07T00:15:00+01:00", "a quarter hour past Monday: Epiphany skipped"),
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00:00.000001+01:00", 1 / 3600, WEEKDAYS,
     "2026-01-05T09:00:01.000001+01:00", "one second, microsecond start"),
    # Zero hours: inside working time the start itself, else the next working start.
    ("DE", "BY", "Europe/Berlin", "2026-01-05T09:00+00:00", 0, WEEKDAYS,
     "2026-01-05T10:00:00+01:00", "zero hours inside a working day"),
    ("DE", "BY", "Europe/Berlin", "2026-01-10T09:00+01:00", 0, WEEKDAYS,
     "2026-01-12T00:00:00+01:00", "zero hours on a Saturday"),
    ("DE", "BY", "Europe/Berlin", "2026-01-10T00:00+01:00", 0, WEEKDAYS,
     "2026-01-10T00:00:00+01:00", "zero hours at Fri 24:00"),
    # Subdivision aliases and alpha-3 country codes, as the package accepts them.
    ("DE", "Bayern", "Europe/Berlin", "2026-01-05T09:00+01:00", 48, WEEKDAYS,
     "2026-01-08T09:00:00+01:00", "alias Bayern = BY"),
    ("DEU", "BY", "Europe/Berlin", "2026-01-05T09:00+01:00", 48, WEEKDAYS,
     "2026-01-08T09:00:00+01:00", "alpha-3 DEU = DE"),
    ("AT", "Wien", "Europe/Vienna", "2026-12-07T12:00+01:00", 48, WEEKDAYS,
     "2026-12-10T12:00:00+01:00", "alias Wien = 9"),
    ("IT", "Bolzano", "Europe/Rome", "2026-05-22T10:00+02:00", 48, WEEKDAYS,
     "2026-05-27T10:00:00+02:00", "alias Bolzano = BZ"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("country", "subdivision", "zone", "start", "hours", "working_days", "expected"),
    [case[:7] for case in CASES],
    ids=[case[7] for case in CASES],
)
def test_deadline_table(
    country: str,
    subdivision: str | None,
    zone: str,
    start: str,
    hours: float,
    working_days: tuple[int, ...],
    expected: str,
) -> None:
    result = add_working_hours(
        datetime.fromisoformat(start),
        hours,
        country=country,
        subdivision=subdivision,
        timezone=zone,
        working_days=working_days,
    )
    assert result.isoformat() == expected
    assert result.tzinfo is ZoneInfo(zone)


def test_table_holidays_are_what_the_package_says() -> None:
    """The premises of the table, so a change in the package shows up here first."""
    bz = holidays.country_holidays("IT", subdiv="BZ", years=2026)
    assert date(2026, 5, 25) in bz
    assert date(2026, 5, 25) not in holidays.country_holidays("IT", years=2026)
    assert date(2026, 4, 3) not in bz
    by = holidays.country_holidays("DE", subdiv="BY", years=[2026, 2027])
    be = holidays.country_holidays("DE", subdiv="BE", years=[2026, 2027])
    assert date(2026, 1, 6) in by and date(2026, 1, 6) not in be
    assert date(2027, 1, 6) in by
    assert date(2027, 3, 8) in be and date(2027, 3, 8) not in by
    assert date(2026, 6, 4) in by and date(2026, 6, 4) not in be
    assert date(2026, 12, 24) not in by and date(2026, 12, 25) in by
    assert date(2026, 10, 26) in holidays.country_holidays("AT", subdiv="9", years=2026)
    assert date(2026, 4, 3) not in holidays.country_holidays("AT", subdiv="9", years=2026)
    assert date(2026, 5, 14) in holidays.country_holidays("CH", subdiv="ZH", years=2026)


def test_same_instant_given_in_any_zone_gives_the_same_deadline() -> None:
    instants = [
        datetime(2026, 5, 22, 8, 0, tzinfo=UTC),
        datetime(2026, 5, 22, 10, 0, tzinfo=ZoneInfo("Europe/Rome")),
        datetime(2026, 5, 22, 4, 0, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 5, 22, 13, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ]
    results = {
        add_working_hours(s, 48, country="IT", subdivision="BZ", timezone="Europe/Rome")
        for s in instants
    }
    assert {r.isoformat() for r in results} == {"2026-05-27T10:00:00+02:00"}


# -- daylight-saving edge cases -------------------------------------------------------


def test_dst_days_count_24_wall_hours_not_real_hours() -> None:
    rome = "Europe/Rome"
    spring = add_working_hours(
        datetime(2026, 3, 28, 12, tzinfo=ZoneInfo(rome)),
        48,
        country="IT",
        subdivision="BZ",
        timezone=rome,
        working_days=EVERY_DAY,
    )
    assert spring - datetime(2026, 3, 28, 11, tzinfo=UTC) == timedelta(hours=47)
    autumn = add_working_hours(
        datetime(2026, 10, 24, 12, tzinfo=ZoneInfo(rome)),
        48,
        country="IT",
        subdivision="BZ",
        timezone=rome,
        working_days=EVERY_DAY,
    )
    assert autumn - datetime(2026, 10, 24, 10, tzinfo=UTC) == timedelta(hours=49)


@pytest.mark.parametrize(
    ("hours", "expected_utc"),
    [
        (1.5, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # 01:30 CET exists
        (2, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 02:00 missing -> 03:00 CEST
        (2.5, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 02:30 missing -> 03:00 CEST
        (3, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 03:00 CEST exists
        (3.25, datetime(2026, 3, 29, 1, 15, tzinfo=UTC)),
    ],
)
def test_wall_time_in_the_spring_gap_is_the_first_instant_after_it(
    hours: float, expected_utc: datetime
) -> None:
    result = add_working_hours(
        datetime(2026, 3, 29, 0, 0, tzinfo=ZoneInfo("Europe/Rome")),
        hours,
        country="IT",
        subdivision="BZ",
        timezone="Europe/Rome",
        working_days=EVERY_DAY,
    )
    assert result == expected_utc
    assert result.tzinfo is ZoneInfo("Europe/Rome")
    assert result.utcoffset() == (timedelta(hours=2) if hours >= 2 else timedelta(hours=1))


def test_a_day_ending_in_a_midnight_gap_ends_when_the_clock_jumps() -> None:
    # Chile springs forward at Saturday 24:00: the clock goes from 23:59:59 to
    # Sunday 01:00, so Saturday 24:00 is the instant shown as 01:00.
    result = add_working_hours(
        datetime(2026, 9, 4, 0, 0, tzinfo=ZoneInfo("America/Santiago")),
        48,
        country="CL",
        timezone="America/Santiago",
        working_days=MON_SAT,
    )
    assert result.isoformat() == "2026-09-06T01:00:00-03:00"
    assert result == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_ambiguous_wall_time_is_the_first_occurrence() -> None:
    result = add_working_hours(
        datetime(2026, 10, 25, 0, 0, tzinfo=ZoneInfo("Europe/Rome")),
        2.5,
        country="IT",
        subdivision="BZ",
        timezone="Europe/Rome",
        working_days=EVERY_DAY,
    )
    assert result.isoformat() == "2026-10-25T02:30:00+02:00"
    # (An ambiguous datetime never compares equal to another zone's: PEP 495.)
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_ambiguous_wall_time_never_before_a_start_in_the_repeated_hour() -> None:
    start = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 the second time (CET)
    result = add_working_hours(
        start,
        0.5,
        country="IT",
        subdivision="BZ",
        timezone="Europe/Rome",
        working_days=EVERY_DAY,
    )
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 1, 40, tzinfo=UTC)
    assert result.isoformat() == "2026-10-25T02:40:00+01:00"


# -- the inverse measure ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-05-22T10:00+02:00", "2026-05-27T10:00+02:00", 48.0),
        ("2026-05-27T10:00+02:00", "2026-05-22T10:00+02:00", -48.0),
        ("2026-05-23T10:00+02:00", "2026-05-25T23:00+02:00", 0.0),  # weekend + Whit Monday
        ("2026-05-23T10:00+02:00", "2026-05-26T01:30+02:00", 1.5),
        ("2026-05-22T10:00+02:00", "2026-05-22T10:00+02:00", 0.0),
        ("2026-05-22T08:00+00:00", "2026-05-22T12:15+02:00", 2.25),
    ],
)
def test_working_hours_between_table(a: str, b: str, expected: float) -> None:
    hours = working_hours_between(
        datetime.fromisoformat(a),
        datetime.fromisoformat(b),
        country="IT",
        subdivision="BZ",
        timezone="Europe/Rome",
    )
    assert hours == expected


# -- validation ----------------------------------------------------------------------

BAD_CALENDARS: list[tuple[Any, Any, Any, Any, str]] = [
    ("XX", None, "Europe/Berlin", WEEKDAYS, "unknown country 'XX'"),
    ("de", None, "Europe/Berlin", WEEKDAYS, "unknown country 'de'"),
    ("", None, "Europe/Berlin", WEEKDAYS, "unknown country ''"),
    (None, None, "Europe/Berlin", WEEKDAYS, "unknown country None"),
    ("DE", "BZ", "Europe/Berlin", WEEKDAYS, "unknown subdivision 'BZ' for country 'DE'"),
    ("AT", "10", "Europe/Vienna", WEEKDAYS, "unknown subdivision '10' for country 'AT'"),
    ("AT", 9, "Europe/Vienna", WEEKDAYS, "unknown subdivision 9"),
    ("IT", "", "Europe/Rome", WEEKDAYS, "unknown subdivision '' for country 'IT'"),
    ("DE", "BY", "Mars/Olympus_Mons", WEEKDAYS, "unknown time zone 'Mars/Olympus_Mons'"),
    ("DE", "BY", "Europe", WEEKDAYS, "unknown time zone 'Europe'"),
    ("DE", "BY", "europe/berlin", WEEKDAYS, "unknown time zone 'europe/berlin'"),
    ("DE", "BY", "", WEEKDAYS, "unknown time zone ''"),
    ("DE", "BY", "../etc/passwd", WEEKDAYS, "unknown time zone"),
    ("DE", "BY", "localtime", WEEKDAYS, "unknown time zone 'localtime'"),
    ("DE", "BY", None, WEEKDAYS, "unknown time zone None"),
    ("DE", "BY", "Europe/Berlin", (), "working days must not be empty"),
    ("DE", "BY", "Europe/Berlin", (0, 1), "got 0"),
    ("DE", "BY", "Europe/Berlin", (1, 8), "got 8"),
    ("DE", "BY", "Europe/Berlin", (1, 2, 2), "must not repeat"),
    ("DE", "BY", "Europe/Berlin", ("1",), "got '1'"),
    ("DE", "BY", "Europe/Berlin", (True,), "got True"),
    ("DE", "BY", "Europe/Berlin", ([1],), "got \\[1\\]"),
    ("DE", "BY", "Europe/Berlin", "12345", "working days must be a collection"),
    ("DE", "BY", "Europe/Berlin", 5, "working days must be a collection"),
]


@pytest.mark.parametrize(
    ("country", "subdivision", "zone", "working_days", "message"),
    BAD_CALENDARS,
    ids=[f"{c[0]!r}-{c[1]!r}-{c[2]!r}-{c[3]!r}" for c in BAD_CALENDARS],
)
def test_bad_calendars_are_rejected_with_a_message(
    country: Any, subdivision: Any, zone: Any, working_days: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        validate_calendar(country, subdivision, zone, working_days)
    with pytest.raises(ValueError, match=message):
        add_working_hours(
            datetime(2026, 1, 5, 9, tzinfo=UTC),
            48,
            country=country,
            subdivision=subdivision,
            timezone=zone,
            working_days=working_days,
        )
    with pytest.raises(ValueError, match=message):
        working_hours_between(
            datetime(2026, 1, 5, 9, tzinfo=UTC),
            datetime(2026, 1, 7, 9, tzinfo=UTC),
            country=country,
            subdivision=subdivision,
            timezone=zone,
            working_days=working_days,
        )


def test_unknown_subdivision_message_lists_the_codes() -> None:
    with pytest.raises(ValueError, match="known codes: BB, BE, BW, BY"):
        validate_calendar("DE", "Bavaria", "Europe/Berlin", WEEKDAYS)


@pytest.mark.parametrize(
    ("country", "subdivision", "zone", "working_days"),
    [
        ("IT", "BZ", "Europe/Rome", WEEKDAYS),
        ("IT", None, "Europe/Rome", [1, 2, 3, 4, 5]),
        ("DE", "Bayern", "Europe/Berlin", range(1, 6)),
        ("AT", "9", "Europe/Vienna", (2, 3, 4, 5, 6)),
        ("CH", "ZH", "Europe/Zurich", {1, 2, 3, 4, 5, 6, 7}),
        ("GB", "ENG", "Europe/London", (5, 4, 3, 2, 1)),
    ],
)
def test_good_calendars_pass(
    country: str, subdivision: str | None, zone: str, working_days: Any
) -> None:
    validate_calendar(country, subdivision, zone, working_days)  # does not raise


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 1, 5, 9), 48, country="DE", timezone="Europe/Berlin")
    aware = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        working_hours_between(aware, datetime(2026, 1, 7), country="DE", timezone="Europe/Berlin")
    with pytest.raises(ValueError, match="aware"):
        working_hours_between(datetime(2026, 1, 7), aware, country="DE", timezone="Europe/Berlin")


@pytest.mark.parametrize("hours", [-1, -0.001, math.nan, math.inf, -math.inf])
def test_bad_hours_are_rejected(hours: float) -> None:
    with pytest.raises(ValueError, match="hours must be a finite number >= 0"):
        add_working_hours(
            datetime(2026, 1, 5, 9, tzinfo=UTC), hours, country="DE", timezone="Europe/Berlin"
        )


def test_a_deadline_past_the_year_9999_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="beyond the supported date range"):
        add_working_hours(
            datetime(9999, 12, 30, 9, tzinfo=UTC),
            1_000,
            country="DE",
            timezone="UTC",
            working_days=EVERY_DAY,
        )


# -- performance-related behaviour -----------------------------------------------------


def test_importing_the_module_does_not_import_holidays() -> None:
    package_root = Path(inquiries.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    code = "import sys, inquiries.business_time; print('holidays' in sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert completed.stdout.strip() == "False"


def test_holiday_calendars_are_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def calendar() -> datetime:
        return add_working_hours(
            datetime(2026, 6, 3, 8, tzinfo=UTC),
            48,
            country="DE",
            subdivision="BY",
            timezone="Europe/Berlin",
        )

    first = calendar()

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("holidays rebuilt")

    monkeypatch.setattr(holidays, "country_holidays", fail)
    assert calendar() == first


# -- properties --------------------------------------------------------------------------

Calendar = tuple[str, str | None, str, tuple[int, ...]]

REGIONS = [
    ("IT", "BZ", "Europe/Rome"),
    ("IT", None, "Europe/Rome"),
    ("DE", "BY", "Europe/Berlin"),
    ("DE", "BE", "Europe/Berlin"),
    ("AT", "9", "Europe/Vienna"),
    ("CH", "ZH", "Europe/Zurich"),
]
START_ZONES = [
    UTC,
    ZoneInfo("Europe/Rome"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
    timezone(timedelta(hours=5, minutes=30)),
]
# The European DST changes of 2026 and 2027 (01:00 UTC on a Sunday).
DST_CHANGES_UTC = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
]

regions = st.sampled_from(REGIONS)
working_weeks = st.one_of(
    st.sampled_from([WEEKDAYS, MON_SAT, TUE_SAT, EVERY_DAY]),
    st.sets(st.integers(1, 7), min_size=1).map(lambda days: tuple(sorted(days))),
)
any_start = st.datetimes(
    min_value=datetime(2025, 6, 1),
    max_value=datetime(2028, 6, 30),
    timezones=st.sampled_from(START_ZONES),
    allow_imaginary=False,
)
# Up to two days before a DST change, on a calendar that works on its Sunday:
# deadlines there often fall in the spring gap or the autumn fold.
dst_start = st.builds(
    lambda change, minutes_before: change - timedelta(minutes=minutes_before),
    st.sampled_from(DST_CHANGES_UTC),
    st.integers(0, 2 * 24 * 60),
)
sunday_weeks = st.sampled_from([EVERY_DAY, (6, 7), (7,), (1, 7)])


def _calendar(region: tuple[str, str | None, str], days: tuple[int, ...]) -> Calendar:
    return (*region, days)


# (start, calendar): anywhere in 2025-2028, or close to a DST change.
scenarios = st.one_of(
    st.tuples(any_start, st.builds(_calendar, regions, working_weeks)),
    st.tuples(dst_start, st.builds(_calendar, regions, sunday_weeks)),
)
# Whole minutes keep sums exact in floating point; a few days, or over a year.
minutes = st.one_of(st.integers(0, 6 * 24 * 60), st.integers(0, 400 * 24 * 60))
PROPERTIES = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _add(start: datetime, hours: float, calendar: Calendar) -> datetime:
    country, subdivision, zone, days = calendar
    return add_working_hours(
        start, hours, country=country, subdivision=subdivision, timezone=zone, working_days=days
    )


def _between(a: datetime, b: datetime, calendar: Calendar) -> float:
    country, subdivision, zone, days = calendar
    return working_hours_between(
        a, b, country=country, subdivision=subdivision, timezone=zone, working_days=days
    )


def _wall_exists(wall: datetime, zone: str) -> bool:
    """Whether a naive local wall time exists in ``zone`` (is not in a spring-forward gap)."""
    back = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).astimezone(ZoneInfo(zone))
    return back.replace(tzinfo=None) == wall


def _deadline_wall_exists(start: datetime, hours: float, calendar: Calendar) -> bool:
    return hours == 0 or _wall_exists(_reference_wall(start, hours, calendar), calendar[2])


_HOLIDAY_OBJECTS: dict[tuple[str, str | None], holidays.HolidayBase] = {}


def _is_working_date(day: date, calendar: Calendar) -> bool:
    country, subdivision, _, days = calendar
    if (country, subdivision) not in _HOLIDAY_OBJECTS:
        _HOLIDAY_OBJECTS[country, subdivision] = holidays.country_holidays(
            country, subdiv=subdivision
        )
    return day.isoweekday() in days and day not in _HOLIDAY_OBJECTS[country, subdivision]


def _reference_wall(start: datetime, hours: float, calendar: Calendar) -> datetime:
    """The deadline's local wall time, walking day by day (hours > 0)."""
    local = start.astimezone(ZoneInfo(calendar[2])).replace(tzinfo=None)
    day = local.date()
    left = timedelta(microseconds=round(hours * 3_600_000_000))
    position = local - datetime.combine(day, datetime.min.time())
    while True:
        if _is_working_date(day, calendar):
            available = timedelta(days=1) - position
            if left <= available:
                return datetime.combine(day, datetime.min.time()) + position + left
            left -= available
        day += timedelta(days=1)
        position = timedelta(0)


@PROPERTIES
@given(case=scenarios, total=minutes)
def test_matches_the_day_by_day_reference(case: tuple[datetime, Calendar], total: int) -> None:
    start, calendar = case
    assume(total > 0)
    result = _add(start, total / 60, calendar)
    expected_wall = _reference_wall(start, total / 60, calendar)
    if _wall_exists(expected_wall, calendar[2]):
        assert result.replace(tzinfo=None) == expected_wall
        return
    # In a spring-forward gap: the first instant after it, when the clock jumps
    # past the wall time, so the instant just before still shows an earlier time.
    assert expected_wall < result.replace(tzinfo=None) <= expected_wall + timedelta(hours=1)
    just_before = (result.astimezone(UTC) - timedelta(microseconds=1)).astimezone(result.tzinfo)
    assert just_before.replace(tzinfo=None) < expected_wall


@PROPERTIES
@given(case=scenarios, total=minutes)
def test_result_is_aware_in_the_zone_and_not_before_the_start(
    case: tuple[datetime, Calendar], total: int
) -> None:
    start, calendar = case
    result = _add(start, total / 60, calendar)
    assert result.tzinfo is ZoneInfo(calendar[2])
    assert result.utcoffset() is not None
    assert result.timestamp() >= start.timestamp()


@PROPERTIES
@given(case=scenarios, first=minutes, second=minutes)
def test_monotone_in_hours(case: tuple[datetime, Calendar], first: int, second: int) -> None:
    start, calendar = case
    low, high = sorted((first, second))
    assert (
        _add(start, low / 60, calendar).timestamp() <= _add(start, high / 60, calendar).timestamp()
    )


@PROPERTIES
@given(case=scenarios, first=minutes, second=minutes)
def test_additive(case: tuple[datetime, Calendar], first: int, second: int) -> None:
    start, calendar = case
    # A middle moved out of a spring-forward gap has lost up to an hour of
    # wall time; that is the rule for a deadline, not for a chain of them.
    assume(_deadline_wall_exists(start, first / 60, calendar))
    chained = _add(_add(start, first / 60, calendar), second / 60, calendar)
    direct = _add(start, (first + second) / 60, calendar)
    assert chained.isoformat() == direct.isoformat()


@PROPERTIES
@given(case=scenarios, total=minutes)
def test_between_inverts_add(case: tuple[datetime, Calendar], total: int) -> None:
    start, calendar = case
    hours = total / 60
    assume(total > 0 and _deadline_wall_exists(start, hours, calendar))
    result = _add(start, hours, calendar)
    assert _between(start, result, calendar) == pytest.approx(hours, abs=1e-9)
    assert _between(result, start, calendar) == pytest.approx(-hours, abs=1e-9)


@PROPERTIES
@given(case=scenarios, total=minutes)
def test_never_lands_inside_a_non_working_day(case: tuple[datetime, Calendar], total: int) -> None:
    start, calendar = case
    result = _add(start, total / 60, calendar)
    day = result.date()
    at_midnight = result.replace(tzinfo=None) == datetime.combine(day, datetime.min.time())
    assert _is_working_date(day, calendar) or (
        at_midnight and _is_working_date(day - timedelta(days=1), calendar)
    )


@PROPERTIES
@given(case=scenarios)
def test_zero_hours_inside_a_working_day_is_the_start(case: tuple[datetime, Calendar]) -> None:
    start, calendar = case
    assume(_is_working_date(start.astimezone(ZoneInfo(calendar[2])).date(), calendar))
    result = _add(start, 0, calendar)
    assert result.astimezone(UTC) == start.astimezone(UTC)


@PROPERTIES
@given(case=scenarios, other=any_start)
def test_between_is_antisymmetric_and_bounded(
    case: tuple[datetime, Calendar], other: datetime
) -> None:
    a, calendar = case
    forward = _between(a, other, calendar)
    assert forward == -_between(other, a, calendar)
    wall = _wall_hours(other, calendar) - _wall_hours(a, calendar)
    assert abs(forward) <= abs(wall) + 1e-9
    assert forward * wall >= 0


def _wall_hours(instant: datetime, calendar: Calendar) -> float:
    wall = instant.astimezone(ZoneInfo(calendar[2])).replace(tzinfo=None)
    return (wall - datetime(2000, 1, 1)) / timedelta(hours=1)


def test_a_deadline_loads_the_holidays_of_its_country_only() -> None:
    """Cold starts: the holidays package would import all of its ~250 countries at once.

    (A year past the generated table, which would spare the package altogether.)"""
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from inquiries import business_time\n"
        "business_time.add_working_hours("
        "datetime(2040, 12, 3, 8, tzinfo=UTC), 48, country='IT', subdivision='BZ', "
        "timezone='Europe/Rome')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('holidays.countries.'))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "holidays.countries.italy"

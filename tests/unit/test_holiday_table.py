"""The generated holiday table (`inquiries/holiday_table.py`) against the `holidays` package.

The package is the source of truth; the table spares a cold function its import. Every
entry is compared, so a package release that moves, adds or drops a holiday of a
supported region fails here until `make holiday-table` regenerates the table.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import holidays
import pytest
from inquiries import business_time, holiday_table
from inquiries.business_time import add_working_hours, validate_calendar, working_hours_between
from inquiries.tools.holiday_table import COUNTRIES, FIRST_YEAR, LAST_YEAR, build, render

YEARS = range(holiday_table.FIRST_YEAR, holiday_table.LAST_YEAR + 1)


@pytest.mark.parametrize("country", sorted(holiday_table.SUBDIVISIONS))
def test_every_region_and_year_has_the_package_s_holidays(country: str) -> None:
    wrong = []
    for subdivision in (None, *holiday_table.SUBDIVISIONS[country]):
        for year in YEARS:
            package = {
                day.toordinal()
                for day in holidays.country_holidays(country, subdiv=subdivision, years=year)
            }
            table = business_time._table_ordinals(holiday_table, country, subdivision, year)
            if table != package:
                added = sorted(str(date.fromordinal(o)) for o in table - package)
                missing = sorted(str(date.fromordinal(o)) for o in package - table)
                wrong.append(f"{country}-{subdivision} {year}: +{added} -{missing}")
    assert not wrong, "the table differs from the package (make holiday-table):\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize("country", sorted(holiday_table.SUBDIVISIONS))
def test_subdivision_codes_and_aliases_are_the_package_s(country: str) -> None:
    calendar = holidays.country_holidays(country)
    assert holiday_table.SUBDIVISIONS[country] == tuple(calendar.subdivisions)
    assert holiday_table.ALIASES[country] == dict(calendar.subdivisions_aliases)


def test_the_table_is_what_the_generator_writes_today() -> None:
    """Countries and years as the generator states them (the version line may lag)."""
    assert set(holiday_table.SUBDIVISIONS) == set(COUNTRIES)
    assert (holiday_table.FIRST_YEAR, holiday_table.LAST_YEAR) == (FIRST_YEAR, LAST_YEAR)
    fresh = render({**build(), "version": holiday_table.PACKAGE_VERSION})
    assert fresh == Path(holiday_table.__file__).read_text(encoding="utf-8")


def test_the_table_reaches_two_years_ahead() -> None:
    """A reminder to move the range: deadlines and reports are computed around today."""
    this_year = datetime.now(UTC).year
    assert this_year - 1 >= holiday_table.FIRST_YEAR
    assert this_year + 2 <= holiday_table.LAST_YEAR, "move LAST_YEAR and make holiday-table"


def test_aliases_and_codes_validate_as_before() -> None:
    validate_calendar("AT", "Tirol", "Europe/Vienna", (1, 2, 3, 4, 5))
    validate_calendar("IT", "BZ", "Europe/Rome", (1, 2, 3, 4, 5))
    with pytest.raises(ValueError, match="unknown subdivision 'XX' for country 'DE'; known"):
        validate_calendar("DE", "XX", "Europe/Berlin", (1, 2, 3, 4, 5))
    # An alias counts like its code: Tirol is AT-7.
    start = datetime(2026, 3, 18, 9, tzinfo=UTC)
    by_alias = add_working_hours(start, 48, country="AT", subdivision="Tirol", timezone="UTC")
    by_code = add_working_hours(start, 48, country="AT", subdivision="7", timezone="UTC")
    assert by_alias == by_code


def test_outside_the_table_the_package_answers() -> None:
    # France is not in the table: 14 July 2026 (a Tuesday) is skipped all the same.
    start = datetime(2026, 7, 13, 10, tzinfo=UTC)
    deadline = add_working_hours(start, 48, country="FR", timezone="UTC")
    assert deadline == datetime(2026, 7, 16, 10, tzinfo=UTC)
    # Years past the table: Whit Monday 2040 (21 May) in South Tyrol comes from the package.
    assert LAST_YEAR < 2040
    hours = working_hours_between(
        datetime(2040, 5, 18, 0, tzinfo=UTC),
        datetime(2040, 5, 23, 0, tzinfo=UTC),
        country="IT",
        subdivision="BZ",
        timezone="UTC",
    )
    assert hours == 48  # Fri and Tue; the weekend and Whit Monday do not count
    # The alpha-3 code the package accepts is the same calendar.
    assert add_working_hours(start, 48, country="FRA", timezone="UTC") == deadline


def _modules_after(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code + "\nprint(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_a_deadline_in_the_table_does_not_import_the_package() -> None:
    loaded = _modules_after(
        "from datetime import UTC, datetime\n"
        "from inquiries import business_time\n"
        "business_time.add_working_hours(datetime(2026, 12, 1, 8, tzinfo=UTC), 48, "
        "country='IT', subdivision='BZ', timezone='Europe/Rome')"
    )
    assert "'inquiries.holiday_table'" in loaded
    assert "'holidays'" not in loaded

"""Working-time arithmetic: the deadline rule of the product.

A partner's calendar is its IANA time zone, its working weekdays (ISO numbers,
1 = Monday) and the public holidays of its country and region, as the
``holidays`` package knows them. Working time is measured in *local wall-clock*
hours: every working day counts 24 hours, also on a daylight-saving change day,
so a deadline falls at the same local clock time two working days later when
nothing is in between.

Internally a local wall time is the pair (proleptic ordinal of the local date,
microseconds since local midnight); the arithmetic works on those integers and
skips whole working days in O(1) steps (weekday arithmetic plus a binary search
in the sorted holiday ordinals), so the cost does not grow with the number of
hours. Only the final result becomes a ``datetime`` again.

The module is pure: no clock, no I/O. The holidays of the countries partners
work in come from ``inquiries.holiday_table``, generated from the ``holidays``
package for a range of years (``make holiday-table``; a test compares the two
entry by entry), so a cold function computes a deadline without importing the
package (50-100 ms of a first request). Any other country, subdivision or year
is asked of the package itself, imported lazily the first time it is needed.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import ModuleType
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["CalendarError", "add_working_hours", "validate_calendar", "working_hours_between"]

_US_PER_HOUR: Final = 3_600_000_000
_US_PER_DAY: Final = 24 * _US_PER_HOUR
_MIN_ORDINAL: Final = date.min.toordinal()
_MAX_ORDINAL: Final = date.max.toordinal()
_DEFAULT_WORKING_DAYS: Final = (1, 2, 3, 4, 5)
_NOON: Final = time(12)
# Keys that ZoneInfo resolves but that are not IANA zones: they name whatever
# the host happens to be configured with.
_HOST_DEPENDENT_ZONES: Final = frozenset({"localtime", "posixrules"})


class CalendarError(ValueError):
    """A calendar that cannot be used.

    The message names the value at fault, for whoever debugs their own call; ``field``
    names the argument (``country``, ``subdivision``, ``timezone`` or ``working_days``)
    and ``reason`` says what is wrong without repeating the value, for an answer that
    must not echo what was sent (the API's 422).
    """

    def __init__(self, message: str, *, field: str, reason: str) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason


_COUNTRY_REASON: Final = "not a country of the holidays package (an ISO 3166-1 code such as DE)"
_ZONE_REASON: Final = "not an IANA time zone such as Europe/Rome"
_DAYS_REASON: Final = "distinct ISO weekdays 1 (Monday) to 7 (Sunday), at least one"


class _Coverage(NamedTuple):
    """The years of a calendar loaded so far, as ordinals ``[start, end)``."""

    start: int
    end: int
    first_year: int
    last_year: int
    # Holidays that fall on working weekdays (the others change nothing),
    # sorted for counting and as a set for membership.
    holidays: tuple[int, ...]
    holiday_set: frozenset[int]
    # Local dates near a UTC-offset change, where a wall time may not exist
    # or may exist twice; every other date skips that check.
    offset_change_days: frozenset[int]


_NO_COVERAGE: Final = _Coverage(0, 0, 0, 0, (), frozenset(), frozenset())


def add_working_hours(
    start: datetime,
    hours: float,
    *,
    country: str,
    subdivision: str | None = None,
    timezone: str,
    working_days: Iterable[int] = _DEFAULT_WORKING_DAYS,
) -> datetime:
    """Return the instant at which ``hours`` working hours after ``start`` have elapsed.

    Hours are local wall-clock hours in ``timezone``; hours on weekdays not in
    ``working_days`` (ISO numbers, 1 = Monday) and on public holidays of
    ``country``/``subdivision`` do not count. A start outside working time
    counts from the beginning of the next working day. A result that ends a
    working day exactly is that day's 24:00, i.e. the next local midnight.

    The result is aware, in ``ZoneInfo(timezone)``. A wall time that falls in
    a spring-forward gap becomes the first real instant after the gap (the
    moment the local clock first shows a time at or past it); an ambiguous
    wall time (fall back) is its first occurrence (``fold=0``), unless that
    would lie before ``start``.

    Raises ``ValueError`` for a naive ``start``, for ``hours`` negative or not
    finite, for a calendar that ``validate_calendar`` rejects, and for a
    result beyond the year 9999.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be a time-zone aware datetime")
    # One chained comparison rejects negatives, NaN and infinity alike.
    if not 0 <= hours < math.inf:
        raise ValueError(f"hours must be a finite number >= 0, got {hours!r}")
    calendar = _lookup_calendar(country, subdivision, timezone, working_days)
    return calendar.add(start, round(hours * _US_PER_HOUR))


def working_hours_between(
    a: datetime,
    b: datetime,
    *,
    country: str,
    subdivision: str | None = None,
    timezone: str,
    working_days: Iterable[int] = _DEFAULT_WORKING_DAYS,
) -> float:
    """Return the working hours from ``a`` to ``b`` in the given calendar.

    The inverse measure of ``add_working_hours``: local wall-clock hours in
    ``timezone`` that fall on working days, negative when ``b`` is before
    ``a``. For ``h > 0``, ``working_hours_between(s, add_working_hours(s, h,
    ...), ...) == h`` (up to a microsecond), except when the deadline's wall
    time does not exist (a spring-forward gap on a working day).

    Within an hour that the clock repeats (fall back), instants are ordered by
    their wall time, as the deadline rule counts them.

    Raises ``ValueError`` for a naive ``a`` or ``b`` and for a calendar that
    ``validate_calendar`` rejects.
    """
    if a.tzinfo is None or a.utcoffset() is None or b.tzinfo is None or b.utcoffset() is None:
        raise ValueError("a and b must be time-zone aware datetimes")
    calendar = _lookup_calendar(country, subdivision, timezone, working_days)
    return calendar.between(a, b) / _US_PER_HOUR


def validate_calendar(
    country: str,
    subdivision: str | None,
    timezone: str,
    working_days: Iterable[int],
) -> None:
    """Raise ``CalendarError`` (a ``ValueError``) naming the problem if the calendar cannot
    be used.

    Checks that ``country`` is supported by the ``holidays`` package, that
    ``subdivision`` (a code such as ``"BY"`` or one of the package's aliases
    such as ``"Bayern"``) belongs to it, that ``timezone`` is an IANA time zone
    and that ``working_days`` is a non-empty set of distinct ISO weekday
    numbers 1..7. A valid calendar is cached, so validating it again is cheap.
    """
    # Checked before the cache lookup, which needs hashable arguments.
    if not isinstance(country, str):
        raise CalendarError(
            f"unknown country {country!r}: expected an ISO 3166-1 code such as 'DE'",
            field="country",
            reason=_COUNTRY_REASON,
        )
    if subdivision is not None and not isinstance(subdivision, str):
        raise CalendarError(
            f"unknown subdivision {subdivision!r}: expected a code such as 'BY'",
            field="subdivision",
            reason="not a subdivision code such as BY",
        )
    _zone(timezone)
    days = _as_tuple(working_days)
    _check_working_days(days)
    _calendar(country, subdivision, timezone, days)


def _lookup_calendar(
    country: str, subdivision: str | None, timezone: str, working_days: Iterable[int]
) -> _Calendar:
    """The cached calendar for these arguments; ``ValueError`` if they are invalid."""
    try:
        days = working_days if type(working_days) is tuple else _as_tuple(working_days)
        return _calendar(country, subdivision, timezone, days)
    except TypeError:
        # Unhashable or non-iterable arguments: let validation say what is wrong.
        validate_calendar(country, subdivision, timezone, working_days)
        raise


@lru_cache(maxsize=1024)
def _calendar(
    country: str, subdivision: str | None, timezone: str, working_days: tuple[int, ...]
) -> _Calendar:
    """Validate a calendar once and keep it; invalid ones raise and are not cached."""
    weekdays = _check_working_days(working_days)
    zone = _zone(timezone)
    country_code, subdivision_code = _check_region(country, subdivision)
    return _Calendar(country_code, subdivision_code, zone, weekdays)


def _as_tuple(working_days: Iterable[int]) -> tuple[int, ...]:
    if isinstance(working_days, str | bytes) or not isinstance(working_days, Iterable):
        raise CalendarError(
            f"working days must be a collection of ISO weekday numbers, got {working_days!r}",
            field="working_days",
            reason=_DAYS_REASON,
        )
    return tuple(working_days)


def _check_working_days(days: tuple[int, ...]) -> frozenset[int]:
    if not days:
        raise CalendarError(
            "working days must not be empty", field="working_days", reason=_DAYS_REASON
        )
    for day in days:
        # bool is an int subclass, but True is not a weekday.
        if type(day) is not int or not 1 <= day <= 7:
            raise CalendarError(
                f"working days must be ISO weekday numbers 1 (Monday) to 7 (Sunday), got {day!r}",
                field="working_days",
                reason=_DAYS_REASON,
            )
    if len(set(days)) != len(days):
        raise CalendarError(
            f"working days must not repeat a day, got {days!r}",
            field="working_days",
            reason=_DAYS_REASON,
        )
    return frozenset(days)


def _zone(timezone: str) -> ZoneInfo:
    if not isinstance(timezone, str) or timezone in _HOST_DEPENDENT_ZONES:
        raise _unknown_zone(timezone)
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _unknown_zone(timezone) from None


def _unknown_zone(timezone: object) -> CalendarError:
    return CalendarError(
        f"unknown time zone {timezone!r}: expected an IANA name such as 'Europe/Rome'",
        field="timezone",
        reason=_ZONE_REASON,
    )


def _holidays() -> ModuleType:
    """The holidays package, loading only the countries asked for.

    Its `holidays.countries` package imports all of its ~250 country modules when it is
    imported, although the package's own lazy loaders import one module per country.
    Registering that package without running its `__init__` lets a first request load
    one country instead of all (half of a cold deadline's time). Lazy: the package stays
    out of cold starts.
    """
    import sys  # noqa: PLC0415

    import holidays  # noqa: PLC0415

    if "holidays.countries" not in sys.modules:
        from importlib.util import find_spec, module_from_spec  # noqa: PLC0415

        spec = find_spec("holidays.countries")
        if spec is not None:
            sys.modules["holidays.countries"] = module_from_spec(spec)  # __path__, no imports
    return holidays


def _check_region(country: str, subdivision: str | None) -> tuple[str, str | None]:
    """Return the canonical (country, subdivision) codes or raise ``ValueError``."""
    if not isinstance(country, str):
        raise _unknown_country(country)
    from inquiries import holiday_table  # noqa: PLC0415

    codes: tuple[str, ...]
    aliases: dict[str, str]
    if country in holiday_table.SUBDIVISIONS:
        # The package's codes and aliases, as generated with the table.
        country_code = country
        codes = holiday_table.SUBDIVISIONS[country]
        aliases = holiday_table.ALIASES[country]
    else:
        try:
            calendar = _holidays().country_holidays(country)
        except NotImplementedError:  # the package's way of saying "no such country"
            raise _unknown_country(country) from None
        # The package accepts alpha-3 codes too; keep one cache entry per country.
        country_code = str(calendar.country)
        codes = tuple(calendar.subdivisions)
        aliases = dict(getattr(calendar, "subdivisions_aliases", {}))
    if subdivision is None:
        return country_code, None
    if isinstance(subdivision, str):
        if subdivision in codes:
            return country_code, subdivision
        if subdivision in aliases:
            return country_code, aliases[subdivision]
    known = ", ".join(codes) if codes else "none"
    raise CalendarError(
        f"unknown subdivision {subdivision!r} for country {country!r}; known codes: {known}",
        field="subdivision",
        reason=f"not a subdivision of the partner's country; known codes: {known}",
    )


def _unknown_country(country: object) -> CalendarError:
    return CalendarError(
        f"unknown country {country!r}: not supported by the holidays package "
        "(expected an ISO 3166-1 code such as 'DE')",
        field="country",
        reason=_COUNTRY_REASON,
    )


@lru_cache(maxsize=4096)
def _holiday_ordinals(country: str, subdivision: str | None, year: int) -> frozenset[int]:
    """Ordinals of the public holidays of one region in one year."""
    from inquiries import holiday_table  # noqa: PLC0415

    if (
        holiday_table.FIRST_YEAR <= year <= holiday_table.LAST_YEAR
        and country in holiday_table.NATIONAL
        and (subdivision is None or subdivision in holiday_table.SUBDIVISIONS[country])
    ):
        return _table_ordinals(holiday_table, country, subdivision, year)
    holidays = _holidays()

    # The default category is the public one; the package keeps each year's
    # dates in that year, so years can be unioned without overlap.
    return frozenset(
        day.toordinal()
        for day in holidays.country_holidays(country, subdiv=subdivision, years=year)
    )


def _table_ordinals(
    table: ModuleType, country: str, subdivision: str | None, year: int
) -> frozenset[int]:
    """The holidays of one region and year as the generated table has them."""
    days = set(table.NATIONAL[country][year].split())
    regional = table.REGIONAL.get(f"{country}-{subdivision}", "") if subdivision else ""
    for run in regional.split("; ") if regional else ():
        years, *changes = run.split()
        first, _, last = years.partition("-")
        if int(first) <= year <= int(last or first):
            for change in changes:
                (days.add if change[0] == "+" else days.discard)(change[1:])
    return frozenset(date(year, int(day[:2]), int(day[3:])).toordinal() for day in days)


class _Calendar:
    """One validated calendar and the holidays it has needed so far.

    Working-weekday arithmetic: ``ordinal % 7`` is 0 on Sundays and 1..6 on
    Monday..Saturday (ordinal 1 is a Monday), so ``_prefix[r]`` counts the working
    weekdays among residues ``0..r-1`` and ``_weekdays_before(o)`` counts those in
    ``[0, o)`` in O(1).
    """

    __slots__ = (
        "_coverage",
        "_first_end",
        "_mask",
        "_per_week",
        "_prefix",
        "country",
        "subdivision",
        "zone",
    )

    def __init__(
        self, country: str, subdivision: str | None, zone: ZoneInfo, weekdays: frozenset[int]
    ) -> None:
        self.country = country
        self.subdivision = subdivision
        self.zone = zone
        self._mask = tuple((residue or 7) in weekdays for residue in range(7))
        prefix = [0]
        for working in self._mask:
            prefix.append(prefix[-1] + working)
        self._prefix = tuple(prefix)
        self._per_week = prefix[7]
        # _first_end[j]: the smallest r in 1..7 with _prefix[r] > j, for j < per_week.
        self._first_end = tuple(
            next(r for r in range(1, 8) if prefix[r] > j) for j in range(self._per_week)
        )
        # Replaced as a whole, never mutated, so concurrent readers see a
        # consistent snapshot.
        self._coverage: _Coverage = _NO_COVERAGE

    # -- the two operations ---------------------------------------------------

    def add(self, start: datetime, total_us: int) -> datetime:
        """``start`` plus ``total_us`` working microseconds, as an aware local datetime."""
        local = start.astimezone(self.zone)
        ordinal = local.toordinal()
        us = _us_of_day(local)
        if total_us == 0:
            # Inside working time, or exactly at the midnight that ends a
            # working day: nothing to count, the start is the answer.
            if self._is_working(ordinal) or (us == 0 and self._is_working(ordinal - 1)):
                return local
            end_ordinal, end_us = self._nth_working_day(ordinal, 1), 0
        else:
            if self._is_working(ordinal):
                left_today = _US_PER_DAY - us
                if total_us <= left_today:
                    return self._resolve(local + timedelta(microseconds=total_us), local)
                total_us -= left_today
                ordinal_from = ordinal + 1
            else:
                ordinal_from = ordinal
            # Whole days needed; the last of them is only partly used.
            days = -(-total_us // _US_PER_DAY)
            end_ordinal = self._nth_working_day(ordinal_from, days)
            end_us = total_us - (days - 1) * _US_PER_DAY
        delta_us = (end_ordinal - ordinal) * _US_PER_DAY + end_us - us
        try:
            # datetime + timedelta with a tzinfo is wall-clock arithmetic: exactly
            # the rule. Overflow means a result beyond the year 9999.
            result = local + timedelta(microseconds=delta_us)
        except OverflowError:
            raise ValueError("the deadline is beyond the supported date range") from None
        return self._resolve(result, local)

    def between(self, a: datetime, b: datetime) -> int:
        """Working microseconds from ``a`` to ``b`` (negative if ``b`` is earlier)."""
        local_a = a.astimezone(self.zone)
        local_b = b.astimezone(self.zone)
        ordinal_a, us_a = local_a.toordinal(), _us_of_day(local_a)
        ordinal_b, us_b = local_b.toordinal(), _us_of_day(local_b)
        if (ordinal_b, us_b) < (ordinal_a, us_a):
            return -self._between(ordinal_b, us_b, ordinal_a, us_a)
        return self._between(ordinal_a, us_a, ordinal_b, us_b)

    # -- working days -----------------------------------------------------------

    def _between(self, ordinal_a: int, us_a: int, ordinal_b: int, us_b: int) -> int:
        total = self._working_days_in(ordinal_a, ordinal_b) * _US_PER_DAY
        if self._is_working(ordinal_b):
            total += us_b
        if self._is_working(ordinal_a):
            total -= us_a
        return total

    def _is_working(self, ordinal: int) -> bool:
        coverage = self._coverage
        if not coverage.start <= ordinal < coverage.end:
            coverage = self._cover(ordinal, ordinal)
        return self._mask[ordinal % 7] and ordinal not in coverage.holiday_set

    def _weekdays_before(self, ordinal: int) -> int:
        """Working weekdays (holidays ignored) in ``[0, ordinal)``."""
        weeks, residue = divmod(ordinal, 7)
        return weeks * self._per_week + self._prefix[residue]

    def _weekday_end(self, ordinal: int, count: int) -> int:
        """Smallest ``end`` such that ``[ordinal, end)`` holds ``count`` >= 1 working weekdays."""
        target = self._weekdays_before(ordinal) + count
        weeks, index = divmod(target - 1, self._per_week)
        return weeks * 7 + self._first_end[index]

    def _working_days_in(self, first: int, end: int) -> int:
        """Working days (weekdays minus holidays on them) in ``[first, end)``, ``first <= end``."""
        if end <= first:
            return 0
        holidays = self._cover(first, end - 1).holidays
        return (
            self._weekdays_before(end)
            - self._weekdays_before(first)
            - (bisect_left(holidays, end) - bisect_left(holidays, first))
        )

    def _nth_working_day(self, first: int, count: int) -> int:
        """The ordinal of the ``count``-th (>= 1) working day in ``[first, ...)``.

        Jump by weekday arithmetic to where ``count`` working weekdays end, then
        as many further working weekdays as there were holidays on the way,
        until a jump passes no holiday. Each round costs O(log holidays).
        """
        end = self._weekday_end(first, count)
        while True:
            if end > _MAX_ORDINAL:
                raise ValueError("the deadline is beyond the supported date range")
            holidays = self._cover(first, end - 1).holidays
            missing = bisect_left(holidays, end) - bisect_left(holidays, first)
            if missing == 0:
                return end - 1
            first, end = end, self._weekday_end(end, missing)

    def _cover(self, first: int, last: int) -> _Coverage:
        """Make sure holidays are loaded for the years of ``first..last``; return them."""
        coverage = self._coverage
        if coverage.start <= first and last < coverage.end:
            return coverage
        if first < _MIN_ORDINAL or last > _MAX_ORDINAL:
            raise ValueError("the deadline is beyond the supported date range")
        first_year = date.fromordinal(first).year
        last_year = date.fromordinal(last).year
        if coverage.end > coverage.start:
            # Keep the covered years contiguous so one range test suffices.
            first_year = min(first_year, coverage.first_year)
            last_year = max(last_year, coverage.last_year)
        holidays: set[int] = set()
        change_days: set[int] = set()
        for year in range(first_year, last_year + 1):
            holidays |= _holiday_ordinals(self.country, self.subdivision, year)
            change_days |= _offset_change_days(self.zone, year)
        relevant = sorted(o for o in holidays if self._mask[o % 7])
        coverage = _Coverage(
            start=date(first_year, 1, 1).toordinal(),
            end=date(last_year, 12, 31).toordinal() + 1,
            first_year=first_year,
            last_year=last_year,
            holidays=tuple(relevant),
            holiday_set=frozenset(relevant),
            offset_change_days=frozenset(change_days),
        )
        self._coverage = coverage
        return coverage

    # -- back to an instant -------------------------------------------------------

    def _resolve(self, result: datetime, start: datetime) -> datetime:
        """Turn a local wall-clock result (``fold=0``) into the instant the rule means."""
        ordinal = result.toordinal()
        coverage = self._coverage
        if coverage.start <= ordinal < coverage.end and ordinal not in coverage.offset_change_days:
            return result  # the usual case: no offset change near this date
        offset = result.utcoffset()
        other = result.replace(fold=1)
        other_offset = other.utcoffset()
        if offset == other_offset:
            return result  # the usual case: the wall time exists exactly once
        assert offset is not None and other_offset is not None
        if offset < other_offset:
            return self._end_of_gap(result, other)
        # Ambiguous: the first occurrence, unless the start already lies in
        # the second one (timestamp() respects fold; comparison would not).
        if start.fold == 1 and result.timestamp() < start.timestamp():
            return other
        return result

    def _end_of_gap(self, result: datetime, other: datetime) -> datetime:
        """The first real instant after the spring-forward gap that hides ``result``.

        With ``fold=0`` a wall time in the gap is read with the offset before the
        transition (an instant after it); with ``fold=1`` with the offset after
        it (an instant before it). Transitions fall on whole seconds, so a
        binary search between the two finds the transition itself.
        """
        after = other.utcoffset()
        before_second = math.floor(other.timestamp())  # still before the transition
        after_second = math.ceil(result.timestamp())  # already after it
        while after_second - before_second > 1:
            middle = (before_second + after_second) // 2
            if datetime.fromtimestamp(middle, self.zone).utcoffset() == after:
                after_second = middle
            else:
                before_second = middle
        return datetime.fromtimestamp(after_second, self.zone)


@lru_cache(maxsize=1024)
def _offset_change_days(zone: ZoneInfo, year: int) -> frozenset[int]:
    """Ordinals of the local dates of ``year`` on which a wall time may be missing or doubled.

    Compares the UTC offset at local noon of consecutive days. A change between
    the noons of two days marks both, and one more on each side: offset jumps
    of many hours, and results at 24:00, stay covered. (Two changes that cancel
    out between two noons would go unseen; that is not how zones change.)
    """
    first = max(date(year, 1, 1).toordinal() - 1, _MIN_ORDINAL)
    last = min(date(year, 12, 31).toordinal() + 1, _MAX_ORDINAL)
    days: set[int] = set()
    previous = None
    for ordinal in range(first, last + 1):
        current = datetime.combine(date.fromordinal(ordinal), _NOON, tzinfo=zone).utcoffset()
        if previous is not None and current != previous:
            days.update(range(ordinal - 2, ordinal + 2))
        previous = current
    return frozenset(days)


def _us_of_day(local: datetime) -> int:
    return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond

"""Durations, percentiles and rates as the report shows them.

Percentiles are exact nearest-rank values: the smallest value with at least
the given share of all values at or below it. That is the reference the
contract measures approximations against (a later rollup may use a sketch
within 2 % of it), and it is always a duration that really occurred.
Durations are hours rounded half up to 0.01, rates shares rounded to 0.001.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

_HUNDREDTH = Decimal("0.01")
_THOUSANDTH = Decimal("0.001")
_SECONDS_PER_HOUR = 3600


def hours_between(start: datetime, end: datetime) -> float:
    """Plain hours from `start` to `end`, unrounded."""
    return (end - start).total_seconds() / _SECONDS_PER_HOUR


def rounded_hours(hours: float) -> float:
    """Hours to 0.01, half up: 36 seconds are 0.01 h, 90 seconds 0.03 h."""
    # repr gives the shortest decimal that reads back as the same float, so 0.025 is 0.025.
    return float(Decimal(repr(hours)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


def percentile(values: Sequence[float], percent: int) -> float:
    """The nearest-rank percentile: the value at rank ceil(percent/100 * n) of the sorted values."""
    if not values:
        raise ValueError("no values")
    if not 0 < percent <= 100:
        raise ValueError("percent must be in (0, 100]")
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # integer ceiling: no float error at exact ranks
    return ordered[rank - 1]


def spread(values: Sequence[float]) -> dict[str, float | None]:
    """Median, 90th percentile and maximum in hours to 0.01; all null without data."""
    if not values:
        return {"median": None, "p90": None, "max": None}
    return {
        "median": rounded_hours(percentile(values, 50)),
        "p90": rounded_hours(percentile(values, 90)),
        "max": rounded_hours(max(values)),
    }


def rate(part: int, whole: int) -> float | None:
    """part / whole to 0.001, half up; null when the whole is zero."""
    if not whole:
        return None
    share = Decimal(part) / Decimal(whole)
    return float(share.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP))

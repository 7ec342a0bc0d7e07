"""A mergeable sketch of durations: counts of values kept to about three significant digits.

A duration in hours is kept as its *bucket*: the value rounded half up to three
significant digits when its leading digits are below 5 (3.456 -> 3.46,
0.3333 -> 0.333) and to two above (66.43 -> 66, 0.6667 -> 0.67). Each bucket
is off its values by at most 0.5 % (at 1.005) or 1 % (at 5.05), so the kept
value is always within 1 % of the duration it stands for.

Rounding is monotonic, so the nearest-rank percentile of the kept values is
the kept value of the exact percentile: the sketch's median and p90 are within
1 % of the exact ones, and shown to 0.01 h within 1 % of the exact value +
0.01 h (the display rounding may tip the other way at a half hundredth). That
is the bound docs/data-model.md states and the property test checks; round
durations (3 h, 66 h, 20 min) come out exact. The maximum is kept exactly
(`largest`), as the contract wants it.

Sketches of disjoint groups merge by adding counts per bucket, so a rollup
stores one counter per bucket and DynamoDB adds to it (`ADD`) in the same
transaction as the decision. A day of one partner holds at most ~450 buckets
per decade of durations (0.1-1 h, 1-10 h, ...), usually far fewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from inquiries.domain.report.figures import rounded_hours

# Shorter than this (0.036 s) counts as zero: it shows as 0.00 h either way.
_NEGLIGIBLE = Decimal("0.00001")
_FINE = Decimal("0.01")  # mantissa step below 5: three significant digits
_COARSE = Decimal("0.1")  # mantissa step from 5: two significant digits
_FIVE = Decimal(5)
ZERO = Decimal(0)


def bucket_of(hours: float) -> Decimal:
    """The bucket (kept value) of a duration in hours; never negative."""
    value = Decimal(repr(hours)) if hours > 0 else ZERO
    if value < _NEGLIGIBLE:
        return ZERO
    exponent = value.adjusted()  # the power of ten of the leading digit
    scale = Decimal(1).scaleb(exponent)
    mantissa = value / scale
    step = _FINE if mantissa < _FIVE else _COARSE
    kept = mantissa.quantize(step, rounding=ROUND_HALF_UP) * scale
    return kept.normalize()


def bucket_name(bucket: Decimal) -> str:
    """A bucket as text without exponent (`66`, `0.333`, `0`): part of an attribute name."""
    return format(bucket.normalize(), "f")


@dataclass
class Sketch:
    """How many durations fell into each bucket (hours)."""

    buckets: Counter[Decimal] = field(default_factory=Counter)
    largest: float | None = None  # the exact maximum

    def add(self, hours: float) -> None:
        """Count one duration."""
        self.buckets[bucket_of(hours)] += 1
        self.largest = hours if self.largest is None else max(self.largest, hours)

    def merge(self, other: Sketch) -> None:
        """Add the durations of another sketch (a disjoint group)."""
        self.buckets.update(other.buckets)
        if other.largest is not None:
            self.largest = (
                other.largest if self.largest is None else max(self.largest, other.largest)
            )

    def __len__(self) -> int:
        return sum(self.buckets.values())

    def __iter__(self) -> Iterator[tuple[Decimal, int]]:
        """The buckets with a count, smallest first."""
        return iter(sorted((b, n) for b, n in self.buckets.items() if n))

    def percentile(self, percent: int) -> float:
        """The nearest-rank percentile of the kept values (see figures.percentile)."""
        total = len(self)
        if not total:
            raise ValueError("no values")
        rank = -(-percent * total // 100)
        seen = 0
        for bucket, count in self:
            seen += count
            if seen >= rank:
                return float(bucket)
        raise AssertionError("unreachable: the ranks add up to the total")

    def spread(self) -> dict[str, float | None]:
        """Median, 90th percentile and maximum in hours to 0.01; all null without data."""
        if not len(self):
            return {"median": None, "p90": None, "max": None}
        return {
            "median": rounded_hours(self.percentile(50)),
            "p90": rounded_hours(self.percentile(90)),
            "max": rounded_hours(
                self.largest if self.largest is not None else self.percentile(100)
            ),
        }

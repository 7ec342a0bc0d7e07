"""A mergeable sketch of durations: counts of values kept to within 1 % of their size.

A duration in hours is kept as the number of its *bucket*, the value rounded half
up to a step that grows with its leading digits: 0.02 of its power of ten below a
leading 5 (1.00, 1.02, ... 4.98) and 0.1 from it (5.0, 5.1, ... 9.9). So 20 min
(0.3333 h) is kept as 0.334, 66.43 h as 66 and 3.456 h as 3.46, and each kept
value is within 1 % of the durations it stands for (0.01 off at 1.0, 0.05 at
5.0). That is 250 buckets per decade of durations (0.1-1 h, 1-10 h, ...), where
three significant digits needed 450 for the same 1 %, and round durations (3 h,
2.5 h, 20 or 45 min, 66 h) come out exact as shown (to 0.01 h), which log-scale
buckets (DDSketch: 116 per decade at 1 %) would shift. Durations under 0.00001 h
(0.036 s) are kept as zero (`ZERO`), shown as 0.00 h either way. Buckets are
numbered upwards (`bucket_of`: 250 per decade, 1 h is 0) so that a rollup can keep
ranges of them in items of their own.

Rounding is monotonic, so the nearest-rank percentile of the kept values is the
kept value of the exact percentile: the sketch's median and p90 are within 1 %
of the exact ones, and shown to 0.01 h within 1 % of the exact value + 0.01 h
(the display rounding may tip the other way at a half hundredth). That is the
bound docs/data-model.md states and the property test checks. The maximum is
kept exactly (`largest`), and no percentile is shown above it.

Sketches of disjoint groups merge by adding counts per bucket, so a rollup
stores one counter per bucket and DynamoDB adds to it (`ADD`) in the same
transaction as the decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from inquiries.domain.report.figures import rounded_hours

ACCURACY = 0.01  # the largest relative error of a kept value
# Shorter than this (0.036 s) counts as zero: it shows as 0.00 h either way.
NEGLIGIBLE = Decimal("0.00001")
# The steps of the mantissa (1 <= m < 10): (from, step, first bucket number of the range).
_RANGES = ((Decimal(5), Decimal("0.1"), 200),)
_FIRST = (Decimal(1), Decimal("0.02"), 0)
PER_DECADE = 250
# The bucket of zero: below the bucket of the shortest duration kept as such (1e-05 h).
ZERO = -5 * PER_DECADE - 1


def bucket_of(hours: float) -> int:
    """The bucket (number) of a duration in hours; `ZERO` for none or negligible ones."""
    if not hours > 0:  # also NaN
        return ZERO
    value = Decimal(repr(hours))
    if value < NEGLIGIBLE:
        return ZERO
    exponent = value.adjusted()  # the power of ten of the leading digit
    mantissa = value.scaleb(-exponent)
    start, step, first = next((r for r in _RANGES if mantissa >= r[0]), _FIRST)
    steps = ((mantissa - start) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    # 9.96 rounds up to 10.0: the first bucket of the next decade, as numbered.
    return exponent * PER_DECADE + first + int(steps)


def value_of(bucket: int) -> float:
    """The duration a bucket stands for (hours): within `ACCURACY` of each of its own."""
    if bucket <= ZERO:
        return 0.0
    exponent, position = divmod(bucket, PER_DECADE)
    start, step, first = next((r for r in _RANGES if position >= r[2]), _FIRST)
    mantissa = start + step * (position - first)
    return float(mantissa.scaleb(exponent))


@dataclass
class Sketch:
    """How many durations fell into each bucket (hours)."""

    buckets: Counter[int] = field(default_factory=Counter)
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

    def __iter__(self) -> Iterator[tuple[int, int]]:
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
                return value_of(bucket)
        raise AssertionError("unreachable: the ranks add up to the total")

    def spread(self) -> dict[str, float | None]:
        """Median, 90th percentile and maximum in hours to 0.01; all null without data."""
        if not len(self):
            return {"median": None, "p90": None, "max": None}
        largest = self.largest if self.largest is not None else self.percentile(100)
        # A kept value may be rounded above the exact maximum (113 h is kept as 114):
        # no percentile is larger than the maximum, and the exact one is closer.
        return {
            "median": rounded_hours(min(self.percentile(50), largest)),
            "p90": rounded_hours(min(self.percentile(90), largest)),
            "max": rounded_hours(largest),
        }

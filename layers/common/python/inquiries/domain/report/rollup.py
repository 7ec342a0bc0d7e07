"""A rollup: the tally of one partner's offers made on one UTC day, in one shard.

The report reads rollups instead of offers, so what it reads grows with
partners x days x shards, never with the number of offers. A day's offers of a
partner are spread over a few shards (by inquiry) so that no single item takes
every decision of a busy partner; the report merges the shards back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from inquiries.domain.report.tally import Tally


def day_of(moment: datetime) -> date:
    """The UTC day an offer counts on: the day it was made (assigned)."""
    return moment.astimezone(UTC).date()


@dataclass
class DayRollup:
    """What is known about the offers one partner got on one UTC day, in one shard."""

    partner_id: str
    day: date
    shard: int
    tally: Tally = field(default_factory=Tally)

    @property
    def key(self) -> tuple[str, date, int]:
        """Which rollup this is."""
        return (self.partner_id, self.day, self.shard)

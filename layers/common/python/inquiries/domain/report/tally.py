"""The figures of a group of offers: counted per partner and day, merged into rows and periods.

A `Tally` is what the report knows about some offers before it shows them.
Tallies of disjoint groups merge into the tally of their union, so the report
is built from one tally per partner and UTC day: a row merges a partner's
days, a series entry the days of one period, the total every partner. The
rollups (`inquiries.service.rollups`) store exactly these tallies, per partner,
day and shard, so rows, series and totals are made the same way from them as
from the offers. Durations are kept in `Sketch`es (within 1 %, see sketch.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inquiries.domain.model import Outcome, ProgressStep
from inquiries.domain.report.figures import rate
from inquiries.domain.report.outcomes import outcomes, reached
from inquiries.domain.report.sketch import Sketch


@dataclass
class Tally:
    """Counts and durations (in hours) of a group of offers; empty when new.

    `counts` has the offers per outcome as stored (a rollup's pending may include
    offers past their deadline, see `overdue`); `reasons` the rejections per reason.
    """

    assigned: int = 0
    counts: Counter[Outcome] = field(default_factory=Counter)
    decision_hours: Sketch = field(default_factory=Sketch)
    decision_working_hours: Sketch = field(default_factory=Sketch)
    first_progress_hours: Sketch = field(default_factory=Sketch)
    steps: Counter[ProgressStep] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        outcome: Outcome,
        *,
        decision_hours: float | None = None,
        decision_working_hours: float | None = None,
        first_progress_hours: float | None = None,
        recorded_steps: Iterable[ProgressStep] = (),
        reason: str | None = None,
    ) -> None:
        """Count one offer with its standing outcome and what was measured on it.

        Durations are given only where they apply (decided offers, accepted
        ones with progress); steps count only for an accepted offer.
        """
        self.assigned += 1
        self.counts[outcome] += 1
        if decision_hours is not None:
            self.decision_hours.add(decision_hours)
        if decision_working_hours is not None:
            self.decision_working_hours.add(decision_working_hours)
        if first_progress_hours is not None:
            self.first_progress_hours.add(first_progress_hours)
        if outcome is Outcome.ACCEPTED:
            self.steps.update(reached(recorded_steps))
        if outcome is Outcome.REJECTED and reason:
            self.reasons[reason] += 1

    def overdue(self, offers: int = 1) -> None:
        """Count pending offers whose deadline has passed as expired (the sweeper lags)."""
        self.counts[Outcome.PENDING] -= offers
        self.counts[Outcome.EXPIRED] += offers

    def merge(self, other: Tally) -> None:
        """Add the offers of `other` (a disjoint group) to this tally."""
        self.assigned += other.assigned
        self.counts.update(other.counts)
        self.decision_hours.merge(other.decision_hours)
        self.decision_working_hours.merge(other.decision_working_hours)
        self.first_progress_hours.merge(other.first_progress_hours)
        self.steps.update(other.steps)
        self.reasons.update(other.reasons)

    @classmethod
    def of(cls, tallies: Iterable[Tally]) -> Tally:
        """The tally of the union of disjoint groups."""
        union = cls()
        for tally in tallies:
            union.merge(tally)
        return union

    def row(self) -> dict[str, Any]:
        """The figures as a report row (without partner id or series).

        Withdrawn offers count in `assigned` and nowhere else.
        """
        accepted = self.counts[Outcome.ACCEPTED]
        rejected = self.counts[Outcome.REJECTED]
        expired = self.counts[Outcome.EXPIRED]
        decided = accepted + rejected + expired
        won, lost = self.steps[ProgressStep.WON], self.steps[ProgressStep.LOST]
        return {
            "assigned": self.assigned,
            "accepted": accepted,
            "rejected": rejected,
            "expired": expired,
            "pending": self.counts[Outcome.PENDING],
            "acceptance_rate": rate(accepted, decided),
            "decision_hours": self.decision_hours.spread(),
            "decision_working_hours": self.decision_working_hours.spread(),
            "decided_in_time_rate": rate(accepted + rejected, decided),
            "first_progress_hours": self.first_progress_hours.spread(),
            "outcomes": outcomes(self.steps),
            "win_rate": rate(won, won + lost),
        }

    def series_entry(self, period: str) -> dict[str, Any]:
        """The figures as one entry of a series: zeros and nulls for an empty period."""
        return {
            "period": period,
            "assigned": self.assigned,
            "accepted": self.counts[Outcome.ACCEPTED],
            "rejected": self.counts[Outcome.REJECTED],
            "expired": self.counts[Outcome.EXPIRED],
            "decision_hours": self.decision_hours.spread(),
        }

"""Keeping the report's rollups: what a change adds to them, and rebuilding them from offers.

Every change that makes or decides an offer adds to the rollup of the offer's
partner and assignment day, in the same transaction as the change itself
(`rollup_deltas`): a decision days later updates the day the offer was made,
so a report of a period always counts the offers made in it, as before.
Counts can go down (a pending offer that is decided); durations only get added.

`rollups_from` builds the same rollups from stored offers: the one-off rebuild
(`python -m inquiries.tools.rebuild_rollups`) and the tests' reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from inquiries.adapters.keys import rollup_shard
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import Inquiry, Offer, Outcome
from inquiries.domain.report.figures import hours_between
from inquiries.domain.report.outcomes import reached
from inquiries.domain.report.rollup import DayRollup, day_of
from inquiries.domain.report.tally import Tally
from inquiries.service.deadlines import working_hours
from inquiries.service.ports import ListFilter

if TYPE_CHECKING:
    from inquiries.service.ports import Repository


def rollup_of(offer: Offer) -> DayRollup:
    """An empty rollup of the day and shard the offer counts in."""
    return DayRollup(offer.partner_id, day_of(offer.offered_at), rollup_shard(offer.inquiry_id))


def _decided(tally: Tally, offer: Offer) -> None:
    """A decision's durations; the caller has counted the outcome."""
    if offer.decided_at is None or offer.outcome not in (Outcome.ACCEPTED, Outcome.REJECTED):
        return
    tally.decision_hours.add(hours_between(offer.offered_at, offer.decided_at))
    tally.decision_working_hours.add(
        working_hours(offer.calendar, offer.offered_at, offer.decided_at)
    )
    if offer.outcome is Outcome.REJECTED and offer.reason:
        tally.reasons[offer.reason] += 1


def rollup_deltas(change: Change) -> list[DayRollup]:
    """What the change adds to rollups: at most one delta per rollup item it touches.

    A new offer is assigned and pending; a decided one leaves pending for its outcome
    (accepted and rejected ones with their decision times); progress on an accepted
    offer adds the steps newly reached and, the first time, the time to progress.
    """
    deltas: dict[tuple[Any, ...], DayRollup] = {}
    for write in change.offers:
        offer = write.offer
        rollup = rollup_of(offer)
        tally = deltas.setdefault(rollup.key, rollup).tally
        if write.expected is None:
            tally.assigned += 1
            tally.counts[offer.outcome] += 1
        elif write.expected is Outcome.PENDING:
            tally.counts[Outcome.PENDING] -= 1
            tally.counts[offer.outcome] += 1
            _decided(tally, offer)
        elif write.expected is Outcome.ACCEPTED and offer.outcome is Outcome.ACCEPTED:
            before = change.before.progress if change.before is not None else ()
            had = reached(entry.step for entry in before)
            tally.steps.update(reached(offer.steps) - had)
            if not before and offer.first_progress_at and offer.decided_at:
                tally.first_progress_hours.add(
                    hours_between(offer.decided_at, offer.first_progress_at)
                )
    return [d for d in deltas.values() if not _empty(d.tally)]


def _empty(tally: Tally) -> bool:
    return not (
        tally.assigned
        or any(tally.counts.values())
        or any(tally.steps.values())
        or len(tally.decision_hours)
        or len(tally.first_progress_hours)
    )


def count_stored(tally: Tally, offer: Offer) -> None:
    """Add one offer as stored (a pending offer stays pending, whatever its deadline)."""
    tally.assigned += 1
    tally.counts[offer.outcome] += 1
    _decided(tally, offer)
    if offer.outcome is Outcome.ACCEPTED:
        tally.steps.update(reached(offer.steps))
        if offer.first_progress_at and offer.decided_at:
            tally.first_progress_hours.add(hours_between(offer.decided_at, offer.first_progress_at))


def rollups_from(offers: Iterable[Offer]) -> list[DayRollup]:
    """The rollups of these offers (every offer once), as the live updates build them."""
    rollups: dict[tuple[Any, ...], DayRollup] = {}
    for offer in offers:
        rollup = rollup_of(offer)
        count_stored(rollups.setdefault(rollup.key, rollup).tally, offer)
    return list(rollups.values())


def with_progress(inquiry: Inquiry, offer: Offer) -> Offer:
    """The accepted offer with the steps and first progress its inquiry recorded: offers
    accepted before they kept `steps` count their outcomes in a rebuild too."""
    if offer.outcome is not Outcome.ACCEPTED or offer.seq != inquiry.offer_seq:
        return offer
    if not inquiry.progress:
        return offer
    return replace(
        offer,
        steps=offer.steps | {entry.step for entry in inquiry.progress},
        first_progress_at=offer.first_progress_at or inquiry.progress[0].at,
    )


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild read and wrote."""

    inquiries: int
    offers: int
    rollups: int


def rebuild(repository: Repository, page_size: int = 100) -> Rebuilt:
    """Rebuild every rollup from the stored offers: idempotent, run it as often as needed.

    Reads the inquiry list page by page and each inquiry's offers, then replaces each
    rollup item whole. Decisions written while it runs may be overwritten by the
    rebuild's older count, so run it when no decisions are made (or run it again).
    """
    rollups: dict[tuple[Any, ...], DayRollup] = {}
    inquiries = offers = 0
    cursor: str | None = None
    while True:
        page = repository.inquiries(ListFilter(), page_size, cursor)
        for inquiry in page.items:
            record = repository.load(inquiry.id)
            inquiries += 1
            for stored in record.offers if record else ():
                offer = with_progress(record.inquiry, stored) if record else stored
                rollup = rollup_of(offer)
                count_stored(rollups.setdefault(rollup.key, rollup).tally, offer)
                offers += 1
        cursor = page.next
        if cursor is None:
            break
    repository.put_rollups(list(rollups.values()))
    return Rebuilt(inquiries, offers, len(rollups))

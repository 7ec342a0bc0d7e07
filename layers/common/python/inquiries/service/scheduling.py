"""Scheduling and cancelling expiries. A failure here never fails the request:
the sweeper returns overdue inquiries whose schedule was lost."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from aws_lambda_powertools import Logger

from inquiries.domain.model import Offer
from inquiries.parallel import in_parallel
from inquiries.service.ports import Dependencies

logger = Logger(child=True)

# The partner is reminded once this share of the offer's working window has passed.
REMINDER_SHARE = 0.75


def reminder_at(offer: Offer) -> datetime:
    """When the offer's reminder fires: 75 % of its working window, in the partner's calendar."""
    from inquiries.service.deadlines import deadline_for, working_hours  # noqa: PLC0415

    window = working_hours(offer.calendar, offer.offered_at, offer.deadline)
    return deadline_for(offer.calendar, offer.offered_at, window * REMINDER_SHARE)


def schedule_expiry(deps: Dependencies, offer: Offer) -> None:
    """Ask the scheduler to fire the offer's expiry at its deadline, and its reminder.

    The two schedules are created at the same time: the request waits for one round
    trip to the scheduler, not two.
    """
    in_parallel([partial(_schedule_expiry, deps, offer), partial(_remind, deps, offer)])


def _schedule_expiry(deps: Dependencies, offer: Offer) -> None:
    try:
        deps.scheduler.schedule_expiry(offer)
    except Exception:  # the sweeper catches what the scheduler missed
        logger.exception(
            "could not schedule the expiry; the sweeper will return it",
            extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
        )


def _remind(deps: Dependencies, offer: Offer) -> None:
    try:
        deps.scheduler.schedule_reminder(offer, reminder_at(offer))
    except Exception:  # a missed reminder costs a mail, never the inquiry
        logger.exception(
            "could not schedule the reminder",
            extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
        )


def cancel_expiries(deps: Dependencies, offers: Iterable[Offer]) -> None:
    """Delete the schedules (expiry and reminder) of decided offers; a missing one is fine.

    An offer's two schedules are deleted at the same time.
    """
    for offer in offers:
        in_parallel([partial(_cancel_reminder, deps, offer), partial(_cancel_expiry, deps, offer)])


def _cancel_reminder(deps: Dependencies, offer: Offer) -> None:
    try:
        deps.scheduler.cancel_reminder(offer)
    except Exception:  # a stale reminder fires a no-op; harmless
        logger.warning(
            "could not delete the reminder schedule",
            extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
        )


def _cancel_expiry(deps: Dependencies, offer: Offer) -> None:
    try:
        deps.scheduler.cancel_expiry(offer)
    except Exception:  # a stale schedule fires a no-op expiry; harmless
        logger.warning(
            "could not delete the expiry schedule",
            extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
        )

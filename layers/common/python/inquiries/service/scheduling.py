"""Scheduling and cancelling expiries. A failure here never fails the request:
the sweeper returns overdue inquiries whose schedule was lost."""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools import Logger

from inquiries.domain.model import Offer
from inquiries.service.ports import Dependencies

logger = Logger(child=True)


def schedule_expiry(deps: Dependencies, offer: Offer) -> None:
    """Ask the scheduler to fire the offer's expiry at its deadline."""
    try:
        deps.scheduler.schedule_expiry(offer)
    except Exception:  # the sweeper catches what the scheduler missed
        logger.exception(
            "could not schedule the expiry; the sweeper will return it",
            extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
        )


def cancel_expiries(deps: Dependencies, offers: Iterable[Offer]) -> None:
    """Delete the schedules of decided offers; a missing schedule is fine."""
    for offer in offers:
        try:
            deps.scheduler.cancel_expiry(offer)
        except Exception:  # a stale schedule fires a no-op expiry; harmless
            logger.warning(
                "could not delete the expiry schedule",
                extra={"inquiry_id": offer.inquiry_id, "offer": offer.seq},
            )

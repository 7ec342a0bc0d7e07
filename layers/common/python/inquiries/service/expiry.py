"""Returning unanswered inquiries to HQ at their deadline.

The scheduler fires one expiry per offer; the sweeper finds pending offers
past their deadline, so a lost or failed schedule never leaves one stuck.
Both are safe to run twice and do nothing before the deadline.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from inquiries.domain import lifecycle
from inquiries.domain.errors import ChangeRejected
from inquiries.service.ports import Dependencies
from inquiries.service.scheduling import cancel_expiries

logger = Logger(child=True)

SWEEP_BATCH = 100
SWEEP_ROUNDS = 50  # at most 5,000 expiries per run; the next run takes the rest


def expire_offer(
    deps: Dependencies, inquiry_id: str, seq: int, *, delete_schedule: bool = False
) -> bool:
    """Return the inquiry to HQ if this offer is still pending and overdue; True if it did.

    A schedule that fired deletes itself; the sweeper deletes the schedule it overtook.
    """
    record = deps.repository.load(inquiry_id)
    if record is None:
        logger.warning("expiry for an unknown inquiry", extra={"inquiry_id": inquiry_id})
        return False
    offer = next((o for o in record.offers if o.seq == seq), None)
    change = lifecycle.expire(record.inquiry, offer=offer, now=deps.clock.now())
    if change is None:
        logger.info(
            "expiry not due or already decided", extra={"inquiry_id": inquiry_id, "offer": seq}
        )
        return False
    try:
        deps.repository.apply(change)
    except ChangeRejected:
        # A decision landed first (accept, reject, withdraw): exactly one wins.
        logger.info("expiry lost the race", extra={"inquiry_id": inquiry_id, "offer": seq})
        return False
    if delete_schedule:
        cancel_expiries(deps, change.closed_offers)
    logger.info("inquiry expired", extra={"inquiry_id": inquiry_id, "offer": seq})
    return True


def sweep(deps: Dependencies) -> int:
    """Expire every pending offer past its deadline; the number expired."""
    now = deps.clock.now()
    expired = 0
    for _ in range(SWEEP_ROUNDS):
        due = deps.repository.due_offers(now, SWEEP_BATCH)
        progressed = 0
        for item in due:
            if expire_offer(deps, item.inquiry_id, item.seq, delete_schedule=True):
                expired += 1
                progressed += 1
        if len(due) < SWEEP_BATCH or progressed == 0:
            break
    return expired

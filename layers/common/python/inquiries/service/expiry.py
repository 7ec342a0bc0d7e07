"""Returning unanswered inquiries to HQ at their deadline.

The scheduler fires one expiry per offer; the sweeper finds pending offers
past their deadline, so a lost or failed schedule never leaves one stuck.
Both are safe to run twice and do nothing before the deadline.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from inquiries.domain import lifecycle
from inquiries.domain.errors import ChangeRejected
from inquiries.service import rerouting
from inquiries.service.ports import Dependencies
from inquiries.service.scheduling import cancel_expiries, schedule_expiry

logger = Logger(child=True)

SWEEP_BATCH = 100
# A re-routing expiry whose next partner was deactivated meanwhile is decided again.
REROUTE_ATTEMPTS = 3
SWEEP_ROUNDS = 50  # at most 5,000 expiries per run; the next run takes the rest


def expire_offer(
    deps: Dependencies, inquiry_id: str, seq: int, *, delete_schedule: bool = False
) -> bool:
    """Return the inquiry to HQ if this offer is still pending and overdue; True if it did.

    Where automatic re-routing applies, the same write offers it to the next partner
    (service/rerouting.py), whose expiry is then scheduled. A schedule that fired deletes
    itself; the sweeper deletes the schedule it overtook.
    """
    for attempt in range(1, REROUTE_ATTEMPTS + 1):
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
        change = rerouting.onward(deps, record, change, cause=rerouting.EXPIRED)
        try:
            deps.repository.apply(change)
        except ChangeRejected:
            # A decision landed first (accept, reject, withdraw): exactly one wins. Or the
            # next partner was deactivated meanwhile: then the next round decides again.
            if change.opened_offer is None or attempt == REROUTE_ATTEMPTS:
                logger.info("expiry lost the race", extra={"inquiry_id": inquiry_id, "offer": seq})
                return False
            continue
        if delete_schedule:
            cancel_expiries(deps, change.closed_offers)
        opened = change.opened_offer
        if opened is not None:
            schedule_expiry(deps, opened)
        logger.info(
            "inquiry expired",
            extra={
                "inquiry_id": inquiry_id,
                "offer": seq,
                "rerouted_to": opened.partner_id if opened else None,
            },
        )
        return True
    return False  # pragma: no cover  (the loop returns)


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

"""Automatic re-routing: a website inquiry that came back goes on to the next candidate.

Off unless `AUTO_REROUTE_MAX` (N) is set. After a rejection for `out_of_area`,
`product_not_offered` or `no_capacity`, or an expiry, the routing rule picks the next
partner among those never offered this inquiry, at most N times in the inquiry's life;
then, or when nobody is left, it stays with HQ. A dealer's page inquiry always goes back
to HQ: the prospect chose that dealer, nobody else is picked behind HQ's back.

The onward offer is added to the change that returns the inquiry, so the return, the new
offer and their events are one conditional write; its expiry is scheduled like intake's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from aws_lambda_powertools import Logger

from inquiries.domain import lifecycle, routing
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import SYSTEM, Action, Channel, Event, RejectReason
from inquiries.service.deadlines import deadline_for
from inquiries.service.ports import Dependencies, Record

logger = Logger(child=True)

EXPIRED = "expired"
# What a re-routing may follow: the partner could not take it, not that it is bad.
CAUSES = frozenset(
    {
        RejectReason.OUT_OF_AREA.value,
        RejectReason.PRODUCT_NOT_OFFERED.value,
        RejectReason.NO_CAPACITY.value,
        EXPIRED,
    }
)
# Why a chain ended at HQ (the `reason` of a `reroute_ended` event).
ENDED_DEALER_PAGE = "dealer_page"
ENDED_LIMIT = "limit"
ENDED_NO_CANDIDATE = "no_candidate"
ENDED_ROUTING_FAILED = "routing_failed"


def onward(deps: Dependencies, record: Record, returned: Change, *, cause: str) -> Change:
    """The change that returns the inquiry to HQ, with the next offer where re-routing applies.

    `record` is the inquiry as read before the return (its offers: who had it already);
    `cause` the reject reason or `expired`. Off, or for another cause: `returned` as it is.
    """
    limit = deps.auto_reroute_max
    if limit <= 0 or cause not in CAUSES:
        return returned
    inquiry = returned.after
    now = deps.clock.now()
    from_partner = returned.before.partner_id if returned.before else None
    if inquiry.channel is Channel.DEALER_PAGE:
        return _ended(returned, ENDED_DEALER_PAGE, cause, from_partner, now)
    if inquiry.reroutes >= limit:
        return _ended(returned, ENDED_LIMIT, cause, from_partner, now)
    # Never offered twice: not to those that declined, nor to any that had an offer.
    excluded = inquiry.declined_by | {offer.partner_id for offer in record.offers}
    repo = deps.repository
    try:
        partner = routing.choose_partner(
            repo.partners_covering(inquiry.contact.country),
            product=inquiry.product,
            country=inquiry.contact.country,
            postal_code=inquiry.contact.postal_code,
            pending_count=repo.pending_count,
            excluded=excluded,
        )
    except Exception:  # the return to HQ must not fail for want of a next partner
        logger.exception(
            "re-routing failed; the inquiry stays with HQ", extra={"inquiry_id": inquiry.id}
        )
        return _ended(returned, ENDED_ROUTING_FAILED, cause, from_partner, now)
    if partner is None:
        return _ended(returned, ENDED_NO_CANDIDATE, cause, from_partner, now)
    step = inquiry.reroutes + 1
    rerouted = Event(
        now,
        SYSTEM,
        Action.REROUTED,
        # `partner_id` is the one it came back from, as in the rejection or expiry: the
        # next partner's view leaves out other partners' events (domain/view.py).
        {
            "partner_id": from_partner,
            "to_partner_id": partner.id,
            "cause": cause,
            "step": step,
            "of": limit,
        },
    )
    return lifecycle.offer_to(
        replace(inquiry, reroutes=step),
        partner,
        current=None,
        deadline=deadline_for(partner.calendar, now, deps.deadline_hours),
        actor=SYSTEM,
        now=now,
        base=replace(returned, events=(*returned.events, rerouted)),
    )


def _ended(
    returned: Change, reason: str, cause: str, from_partner: str | None, now: datetime
) -> Change:
    """The inquiry stays with HQ; the event says why no partner got it automatically."""
    event = Event(
        now,
        SYSTEM,
        Action.REROUTE_ENDED,
        {"reason": reason, "cause": cause, "partner_id": from_partner},
    )
    return replace(returned, events=(*returned.events, event))

"""The lifecycle of an inquiry as an explicit state machine, in pure code.

Every transition takes the state it starts from and answers a `Change`: the new
state, the offers it creates or decides, and the events it records. Storage
applies a change as one conditional write whose condition is the state the
change started from (status and version), so races are settled by the store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from inquiries.domain.errors import Conflict, DeadlinePassed, NotFound
from inquiries.domain.model import (
    SYSTEM,
    Action,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    Partner,
    Principal,
    ProgressEntry,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)
from inquiries.domain.view import iso


class Transition(StrEnum):
    """What can be done to an inquiry (each one a function below)."""

    OFFER = "offer"
    ASSIGN_HQ_USER = "assign_hq_user"
    ASSIGN_COLLEAGUE = "assign_colleague"
    ACCEPT = "accept"
    REJECT = "reject"
    EXPIRE = "expire"
    DISCARD = "discard"
    PROGRESS = "progress"
    LINK_CONTACT = "link_contact"


# Which transition may start from which status. The functions below enforce it.
ALLOWED_FROM: dict[Transition, frozenset[Status]] = {
    Transition.OFFER: frozenset(
        {Status.UNASSIGNED, Status.ASSIGNED, Status.RETURNED, Status.PENDING}
    ),
    Transition.ASSIGN_HQ_USER: frozenset(
        {Status.UNASSIGNED, Status.ASSIGNED, Status.RETURNED, Status.PENDING}
    ),
    Transition.ASSIGN_COLLEAGUE: frozenset({Status.PENDING, Status.ACCEPTED}),
    Transition.ACCEPT: frozenset({Status.PENDING}),
    Transition.REJECT: frozenset({Status.PENDING}),
    Transition.EXPIRE: frozenset({Status.PENDING}),
    Transition.DISCARD: frozenset({Status.UNASSIGNED, Status.ASSIGNED, Status.RETURNED}),
    Transition.PROGRESS: frozenset({Status.ACCEPTED}),
    Transition.LINK_CONTACT: frozenset({Status.ACCEPTED, Status.CLOSED}),
}


@dataclass(frozen=True)
class OfferWrite:
    """An offer to store: `expected` is the outcome it must still have (None: a new offer)."""

    offer: Offer
    expected: Outcome | None


@dataclass(frozen=True)
class NewContact:
    """A contact created in a partner's own address book on acceptance."""

    partner_id: str
    contact_id: str
    contact: Contact
    inquiry_id: str


@dataclass(frozen=True)
class Change:
    """One state change, applied atomically or not at all."""

    before: Inquiry | None  # None: the inquiry is new
    after: Inquiry
    offers: tuple[OfferWrite, ...] = ()
    events: tuple[Event, ...] = ()
    new_contact: NewContact | None = None

    @property
    def opened_offer(self) -> Offer | None:
        """The offer this change makes, whose expiry must be scheduled."""
        return next((w.offer for w in self.offers if w.expected is None), None)

    @property
    def closed_offers(self) -> tuple[Offer, ...]:
        """Offers this change decides, whose schedules are no longer needed."""
        return tuple(w.offer for w in self.offers if w.expected is Outcome.PENDING)


# Why a transition is refused, as the 409's message (the web app shows it as it is):
# `{status}` is the inquiry's, `{a_status}` the same with its article ("an accepted").
_REFUSALS: dict[Transition, str] = {
    Transition.OFFER: "cannot offer an inquiry that is {status}",
    Transition.ASSIGN_HQ_USER: "cannot hand {a_status} inquiry to an HQ user",
    Transition.ASSIGN_COLLEAGUE: "cannot hand {a_status} inquiry to a colleague",
    Transition.ACCEPT: "cannot accept an inquiry that is {status}",
    Transition.REJECT: "cannot reject an inquiry that is {status}",
    Transition.EXPIRE: "the offer of an inquiry that is {status} cannot expire",
    Transition.DISCARD: "cannot discard an inquiry that is {status}",
    Transition.PROGRESS: "cannot record progress on an inquiry that is {status}",
    Transition.LINK_CONTACT: "cannot link a contact to an inquiry that is {status}",
}


def refusal(action: Transition, status: Status) -> str:
    """The sentence that says why `action` cannot start from `status`."""
    article = "an" if status[0] in "aeiou" else "a"
    return _REFUSALS[action].format(status=status, a_status=f"{article} {status}")


def _require(action: Transition, inquiry: Inquiry) -> None:
    if inquiry.status not in ALLOWED_FROM[action]:
        raise Conflict(refusal(action, inquiry.status))


def _next(inquiry: Inquiry, **changes: object) -> Inquiry:
    return replace(inquiry, version=inquiry.version + 1, **changes)  # type: ignore[arg-type]


def current_offer(inquiry: Inquiry, offers: tuple[Offer, ...]) -> Offer | None:
    """The latest offer of the inquiry, if it has one."""
    return next((o for o in offers if o.seq == inquiry.offer_seq), None)


def _withdraw_open_offer(
    inquiry: Inquiry, offer: Offer | None, actor: str, now: datetime
) -> tuple[tuple[OfferWrite, ...], tuple[Event, ...]]:
    if inquiry.status is not Status.PENDING or offer is None:
        return (), ()
    withdrawn = replace(offer, outcome=Outcome.WITHDRAWN, decided_at=now, decided_by=actor)
    details = {"partner_id": offer.partner_id, "offer": offer.seq}
    event = Event(now, actor, Action.WITHDRAWN, details)
    return (OfferWrite(withdrawn, Outcome.PENDING),), (event,)


def receive(inquiry: Inquiry, now: datetime) -> Change:
    """A new inquiry arrives, not yet routed: it waits in HQ's queue."""
    event = Event(now, inquiry.channel.value, Action.RECEIVED, {"product": inquiry.product})
    return Change(before=None, after=replace(inquiry, version=1), events=(event,))


def offer_to(
    inquiry: Inquiry,
    partner: Partner,
    *,
    current: Offer | None,
    deadline: datetime,
    actor: str,
    now: datetime,
    base: Change | None = None,
) -> Change:
    """Offer the inquiry to a partner with a deadline; an open offer elsewhere is withdrawn,
    and one to this partner already is a Conflict.

    With `base` (a change not yet stored: intake, or a rejection or expiry that re-routes)
    the offer is added to it, its offers and events kept. An inactive partner gets no new
    offer (Conflict).
    """
    if base is None:
        _require(Transition.OFFER, inquiry)
        if inquiry.status is Status.PENDING and inquiry.partner_id == partner.id:
            # A second click or a retry: withdrawing and offering again would restart the
            # deadline and mail the partner "withdrawn" and "new offer" for nothing.
            raise Conflict(
                f"the inquiry is already pending with partner {partner.id}; "
                "its offer and deadline stay"
            )
    if not partner.active:
        raise Conflict(
            f"partner {partner.id} is inactive and takes no new inquiries; "
            "activate it first or choose another partner"
        )
    withdrawals, withdraw_events = _withdraw_open_offer(inquiry, current, actor, now)
    seq = inquiry.offer_seq + 1
    offer = Offer(
        inquiry_id=inquiry.id,
        seq=seq,
        partner_id=partner.id,
        calendar=partner.calendar,
        offered_at=now,
        deadline=deadline,
    )
    after = replace(
        inquiry,
        status=Status.PENDING,
        partner_id=partner.id,
        user_id=None,
        assigned_at=now,
        deadline=deadline,
        deadline_timezone=partner.calendar.timezone,
        offer_seq=seq,
        return_reason=None,
        version=inquiry.version + (0 if base else 1),
    )
    event = Event(
        now,
        actor,
        Action.OFFERED,
        {
            "partner_id": partner.id,
            "offer": seq,
            "deadline": iso(deadline),
            "timezone": partner.calendar.timezone,  # the history shows it in the partner's zone
        },
    )
    events = (*(base.events if base else ()), *withdraw_events, event)
    return Change(
        before=base.before if base else inquiry,
        after=after,
        offers=(*(base.offers if base else ()), *withdrawals, OfferWrite(offer, None)),
        events=events,
    )


def assign_to_hq_user(
    inquiry: Inquiry, *, user_id: str, current: Offer | None, actor: str, now: datetime
) -> Change:
    """HQ hands the inquiry to one of its own users: internal, no acceptance step."""
    _require(Transition.ASSIGN_HQ_USER, inquiry)
    if inquiry.status is Status.ASSIGNED:
        _not_held_by(inquiry, user_id)
    withdrawals, withdraw_events = _withdraw_open_offer(inquiry, current, actor, now)
    after = _next(
        inquiry,
        status=Status.ASSIGNED,
        partner_id=None,
        user_id=user_id,
        assigned_at=now,
        deadline=None,
        deadline_timezone=None,
        return_reason=None,
    )
    event = Event(now, actor, Action.ASSIGNED, {"user_id": user_id})
    return Change(inquiry, after, withdrawals, (*withdraw_events, event))


def _not_held_by(inquiry: Inquiry, user_id: str) -> None:
    """A hand-over to whoever holds the inquiry already changes nothing: a Conflict, so a
    second click or a retry records no hand-over that did not happen."""
    if inquiry.user_id == user_id:
        raise Conflict(f"the inquiry is already with user {user_id}")


def assign_to_colleague(
    inquiry: Inquiry,
    *,
    offer: Offer | None,
    principal: Principal,
    user_id: str,
    now: datetime,
) -> Change:
    """A partner hands an inquiry to a colleague of its own organisation.

    Accepted: the colleague works on it. Pending: the offer is handed over as it is, the
    deadline unchanged, by the rule of a decision (the offered partner, before the
    deadline; after it, `DeadlinePassed`). The offer itself is not written: who holds it
    inside the organisation is the inquiry's `user_id`.
    """
    _require(Transition.ASSIGN_COLLEAGUE, inquiry)
    if inquiry.status is Status.PENDING:
        decidable_offer(inquiry, offer, principal, now)
    elif inquiry.partner_id != principal.partner_id:
        raise NotFound("inquiry not found")
    _not_held_by(inquiry, user_id)
    after = _next(inquiry, user_id=user_id)
    # The partner names whose hand-over it is (HQ's hand-over to its own user has none).
    details: dict[str, object] = {"user_id": user_id, "partner_id": principal.partner_id}
    if inquiry.status is Status.PENDING:
        details["deadline"] = iso(inquiry.deadline) if inquiry.deadline else None
        details["timezone"] = inquiry.deadline_timezone
    event = Event(now, principal.user_id, Action.ASSIGNED, details)
    return Change(inquiry, after, events=(event,))


def decidable_offer(
    inquiry: Inquiry, offer: Offer | None, principal: Principal, now: datetime
) -> Offer:
    """The one rule of a decision (accept or reject): the inquiry is pending, offered to
    the caller's partner, and its deadline has not come. Returns the offer to decide.

    At or after the deadline it is `DeadlinePassed`: the inquiry goes back to HQ.
    """
    if inquiry.status is not Status.PENDING:
        raise Conflict(f"the inquiry is {inquiry.status}, not pending")
    if inquiry.partner_id != principal.partner_id:
        raise NotFound("inquiry not found")
    if offer is None:
        raise Conflict("the inquiry has no open offer")
    if offer.outcome is not Outcome.PENDING:
        raise Conflict(f"the offer is {offer.outcome}, no longer open")
    if now >= offer.deadline:
        raise DeadlinePassed("the deadline has passed; the inquiry went back to headquarters")
    return offer


def accept(
    inquiry: Inquiry,
    *,
    offer: Offer | None,
    principal: Principal,
    now: datetime,
    new_contact: NewContact | None = None,
) -> Change:
    """The offered partner takes the inquiry, strictly before the deadline.

    From this moment the partner is the data controller of the contact.
    """
    pending = decidable_offer(inquiry, offer, principal, now)
    accepted = replace(
        pending, outcome=Outcome.ACCEPTED, decided_at=now, decided_by=principal.user_id
    )
    after = _next(
        inquiry,
        status=Status.ACCEPTED,
        user_id=principal.user_id,
        deadline=None,
        deadline_timezone=None,
        contact_id=new_contact.contact_id if new_contact else inquiry.contact_id,
    )
    events: tuple[Event, ...] = (
        Event(now, principal.user_id, Action.ACCEPTED, {"partner_id": pending.partner_id}),
        Event(
            now,
            principal.user_id,
            Action.CONTROLLERSHIP_TRANSFERRED,
            {"controller": pending.partner_id},
        ),
    )
    if new_contact:
        events += (
            Event(
                now,
                principal.user_id,
                Action.CONTACT_CREATED,
                {"contact_id": new_contact.contact_id},
            ),
        )
    return Change(inquiry, after, (OfferWrite(accepted, Outcome.PENDING),), events, new_contact)


def reject(
    inquiry: Inquiry,
    *,
    offer: Offer | None,
    principal: Principal,
    reason: RejectReason,
    note: str | None,
    now: datetime,
) -> Change:
    """The offered partner declines; the inquiry goes back to HQ and the partner loses access."""
    pending = decidable_offer(inquiry, offer, principal, now)
    rejected = replace(
        pending,
        outcome=Outcome.REJECTED,
        decided_at=now,
        decided_by=principal.user_id,
        reason=reason.value,
    )
    after = _return_to_hq(inquiry, pending.partner_id, ReturnReason.REJECTED)
    details: dict[str, object] = {"partner_id": pending.partner_id, "reason": reason.value}
    if note:
        details["note"] = note
    event = Event(now, principal.user_id, Action.REJECTED, details)
    return Change(inquiry, after, (OfferWrite(rejected, Outcome.PENDING),), (event,))


def expire(inquiry: Inquiry, *, offer: Offer | None, now: datetime) -> Change | None:
    """At the deadline, an unanswered offer returns the inquiry to HQ.

    Anything else (decided, withdrawn, not yet due, another offer) is no change: None.
    """
    if (
        inquiry.status is not Status.PENDING
        or offer is None
        or offer.seq != inquiry.offer_seq
        or offer.outcome is not Outcome.PENDING
        or now < offer.deadline
    ):
        return None
    expired = replace(offer, outcome=Outcome.EXPIRED, decided_at=now, decided_by=SYSTEM)
    after = _return_to_hq(inquiry, offer.partner_id, ReturnReason.EXPIRED)
    details = {"partner_id": offer.partner_id, "deadline": iso(offer.deadline)}
    event = Event(now, SYSTEM, Action.EXPIRED, details)
    return Change(inquiry, after, (OfferWrite(expired, Outcome.PENDING),), (event,))


def _return_to_hq(inquiry: Inquiry, partner_id: str, reason: ReturnReason) -> Inquiry:
    return _next(
        inquiry,
        status=Status.RETURNED,
        partner_id=None,
        user_id=None,
        deadline=None,
        deadline_timezone=None,
        return_reason=reason,
        declined_by=inquiry.declined_by | {partner_id},
    )


def discard(inquiry: Inquiry, *, principal: Principal, note: str | None, now: datetime) -> Change:
    """HQ drops an inquiry that is not with a partner."""
    _require(Transition.DISCARD, inquiry)
    after = _next(
        inquiry, status=Status.DISCARDED, partner_id=None, deadline=None, deadline_timezone=None
    )
    event = Event(now, principal.user_id, Action.DISCARDED, {"note": note} if note else {})
    return Change(inquiry, after, events=(event,))


def record_progress(
    inquiry: Inquiry,
    *,
    offer: Offer | None,
    principal: Principal,
    step: ProgressStep,
    note: str | None,
    now: datetime,
) -> Change:
    """The partner records a step; `won` or `lost` closes the inquiry."""
    _require(Transition.PROGRESS, inquiry)
    entry = ProgressEntry(step, now, principal.user_id, note)
    closes = step in (ProgressStep.WON, ProgressStep.LOST)
    after = _next(
        inquiry,
        status=Status.CLOSED if closes else Status.ACCEPTED,
        progress=(*inquiry.progress, entry),
    )
    offers: tuple[OfferWrite, ...] = ()
    if offer is not None and (offer.first_progress_at is None or step not in offer.steps):
        # The offer keeps what the report needs: when progress began, which steps were reached.
        progressed = replace(
            offer, first_progress_at=offer.first_progress_at or now, steps=offer.steps | {step}
        )
        offers = (OfferWrite(progressed, Outcome.ACCEPTED),)
    details: dict[str, object] = {"step": step.value}
    if note:
        details["note"] = note
    event = Event(now, principal.user_id, Action.PROGRESS, details)
    return Change(inquiry, after, offers, (event,))


def link_contact(
    inquiry: Inquiry,
    *,
    principal: Principal,
    contact_id: str,
    new_contact: NewContact | None,
    now: datetime,
) -> Change:
    """After acceptance: link the inquiry to one of the partner's contacts (or a new one)."""
    _require(Transition.LINK_CONTACT, inquiry)
    if inquiry.contact_id is not None:
        raise Conflict("the inquiry is already linked to a contact")
    after = _next(inquiry, contact_id=contact_id)
    action = Action.CONTACT_CREATED if new_contact else Action.CONTACT_LINKED
    event = Event(now, principal.user_id, action, {"contact_id": contact_id})
    return Change(inquiry, after, events=(event,), new_contact=new_contact)

"""What partners and HQ do with an inquiry: look, accept, reject, assign, work on it.

Each action reads the inquiry once, lets the state machine decide, and stores
the change with one conditional write. Losing a race is a `Conflict`. The use cases
answer domain objects; what a caller sees of them is built at the API's edge.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from inquiries.domain import lifecycle
from inquiries.domain.contacts import PartnerContact
from inquiries.domain.duplicates import duplicates, match_keys
from inquiries.domain.errors import (
    ChangeRejected,
    Conflict,
    DeadlinePassed,
    Forbidden,
    ValidationFailed,
)
from inquiries.domain.lifecycle import Change, NewContact
from inquiries.domain.model import (
    Event,
    Inquiry,
    Offer,
    Outcome,
    Principal,
    ProgressStep,
    RejectReason,
    Status,
)
from inquiries.domain.view import ensure_visible
from inquiries.service import rerouting
from inquiries.service.deadlines import deadline_for
from inquiries.service.partners import known_partner
from inquiries.service.ports import Dependencies, ListFilter, Page, Record
from inquiries.service.scheduling import cancel_expiries, schedule_expiry

logger = Logger(child=True)

MAX_PAGE = 100
# A rejection whose onward offer lost a race (the next partner deactivated) is decided
# again on the stored state this often.
REROUTE_ATTEMPTS = 3


@dataclass(frozen=True)
class Loaded:
    """An inquiry the caller may see, with its offers and events, as read once."""

    record: Record
    events: list[Event]

    @property
    def current_offer(self) -> Offer | None:
        return lifecycle.current_offer(self.record.inquiry, self.record.offers)


def load_visible(deps: Dependencies, inquiry_id: str, principal: Principal) -> Loaded:
    """The inquiry if the caller may see it; else NotFound (never Forbidden)."""
    found = deps.repository.load_with_events(inquiry_id)
    record, events = found if found else (None, [])
    ensure_visible(record.inquiry if record else None, principal)
    assert record is not None
    return Loaded(record, events)


@dataclass(frozen=True)
class Accepted:
    """An accepted inquiry and the partner's contacts that may be the same person."""

    loaded: Loaded
    duplicates: list[dict[str, object]]
    # The candidates' contacts by id, so the partner can compare them with the inquiry's:
    # every candidate's is here (`_candidates` drops a key whose contact is not there).
    contacts: dict[str, PartnerContact] = field(default_factory=dict)


def _store(deps: Dependencies, loaded: Loaded, change: Change) -> Loaded:
    """Apply the change; a lost race is a Conflict. Schedules follow the offers."""
    try:
        deps.repository.apply(change)
    except ChangeRejected:
        raise Conflict("the inquiry was changed meanwhile; load it again") from None
    cancel_expiries(deps, change.closed_offers)
    opened = change.opened_offer
    if opened is not None:
        schedule_expiry(deps, opened)
    offers = {o.seq: o for o in loaded.record.offers}
    offers.update({w.offer.seq: w.offer for w in change.offers})
    logger.info(
        "inquiry changed",
        extra={
            "inquiry_id": change.after.id,
            "from_status": loaded.record.inquiry.status.value,
            "status": change.after.status.value,
            "actions": [e.action for e in change.events],
        },
    )
    return Loaded(
        Record(change.after, tuple(offers[k] for k in sorted(offers))),
        [*loaded.events, *change.events],
    )


def _decidable(deps: Dependencies, loaded: Loaded, principal: Principal) -> None:
    """The rule of a decision (`lifecycle.decidable_offer`), checked before anything is read.

    A decision at or after the deadline returns the inquiry to HQ at once, then is refused.
    """
    now = deps.clock.now()
    inquiry = loaded.record.inquiry
    try:
        lifecycle.decidable_offer(inquiry, loaded.current_offer, principal, now)
    except DeadlinePassed:
        change = lifecycle.expire(inquiry, offer=loaded.current_offer, now=now)
        if change is not None:
            # If the expiry (or anyone) got there first, the outcome is the same.
            with suppress(Conflict):
                _store(deps, loaded, change)
        raise


def accept(deps: Dependencies, loaded: Loaded, principal: Principal) -> Accepted:
    """The offered partner accepts; it gets the contact and the duplicate check."""
    inquiry = loaded.record.inquiry
    _decidable(deps, loaded, principal)
    assert principal.partner_id is not None
    candidates, contacts = _candidates(deps, principal.partner_id, inquiry)
    # No candidates: the contact is created at once, in the same write as the acceptance.
    new_contact = (
        None
        if candidates
        else NewContact(principal.partner_id, deps.new_id(), inquiry.contact, inquiry.id)
    )
    change = lifecycle.accept(
        inquiry,
        offer=loaded.current_offer,
        principal=principal,
        now=deps.clock.now(),
        new_contact=new_contact,
    )
    return Accepted(_store(deps, loaded, change), candidates, contacts)


def duplicate_check(deps: Dependencies, loaded: Loaded, principal: Principal) -> Accepted | None:
    """The duplicate check again, for the partner that accepted while it has linked no contact
    (the answer of its acceptance is gone after a reload); None for anyone else."""
    inquiry = loaded.record.inquiry
    if (
        principal.is_hq
        or inquiry.status not in lifecycle.ALLOWED_FROM[lifecycle.Transition.LINK_CONTACT]
        or inquiry.contact_id is not None
        or inquiry.partner_id != principal.partner_id
        or inquiry.erased_at is not None
    ):
        return None
    assert principal.partner_id is not None
    candidates, contacts = _candidates(deps, principal.partner_id, inquiry)
    return Accepted(loaded, candidates, contacts)


def _candidates(
    deps: Dependencies, partner_id: str, inquiry: Inquiry
) -> tuple[list[dict[str, object]], dict[str, PartnerContact]]:
    """The partner's contacts that may be the inquiry's person, each read.

    A match key can name a contact that is not there: an import cut short (a timeout, a
    throttled write) files a row's keys before its contact. Such a key is no candidate, or
    an acceptance would neither create the contact nor offer one to link.
    """
    found = deps.repository.contacts_matching(partner_id, match_keys(inquiry.contact))
    candidates = duplicates(found)
    if not candidates:
        return [], {}
    contacts = deps.repository.contacts(partner_id, [str(c["contact_id"]) for c in candidates])
    return [c for c in candidates if str(c["contact_id"]) in contacts], contacts


def reject(
    deps: Dependencies,
    loaded: Loaded,
    principal: Principal,
    reason: RejectReason,
    note: str | None,
) -> Loaded:
    """The offered partner declines; the inquiry returns to HQ, or goes on to the next
    partner where automatic re-routing applies (service/rerouting.py), in the same write."""
    for attempt in range(1, REROUTE_ATTEMPTS + 1):
        _decidable(deps, loaded, principal)
        change = lifecycle.reject(
            loaded.record.inquiry,
            offer=loaded.current_offer,
            principal=principal,
            reason=reason,
            note=note,
            now=deps.clock.now(),
        )
        change = rerouting.onward(deps, loaded.record, change, cause=reason.value)
        try:
            return _store(deps, loaded, change)
        except Conflict:
            # The next partner may have been deactivated meanwhile (its condition check
            # failed): decide again on what is stored now. Anything else answers as before.
            if change.opened_offer is None or attempt == REROUTE_ATTEMPTS:
                raise
            loaded = load_visible(deps, loaded.record.inquiry.id, principal)
    raise AssertionError("unreachable")  # pragma: no cover


def link_contact(
    deps: Dependencies,
    loaded: Loaded,
    principal: Principal,
    *,
    contact_id: str | None,
    new: bool,
) -> Loaded:
    """Link an accepted inquiry to one of the partner's contacts, or create one."""
    inquiry = loaded.record.inquiry
    assert principal.partner_id is not None
    new_contact = None
    if new:
        contact_id = deps.new_id()
        new_contact = NewContact(principal.partner_id, contact_id, inquiry.contact, inquiry.id)
    elif contact_id is None or not deps.repository.has_contact(principal.partner_id, contact_id):
        raise ValidationFailed.at(
            "contact_id names no contact of yours", "body", "contact_id", msg="unknown contact"
        )
    change = lifecycle.link_contact(
        inquiry,
        principal=principal,
        contact_id=contact_id,
        new_contact=new_contact,
        now=deps.clock.now(),
    )
    return _store(deps, loaded, change)


def assign(
    deps: Dependencies,
    loaded: Loaded,
    principal: Principal,
    *,
    partner_id: str | None,
    user_id: str | None,
) -> Loaded:
    """HQ offers to a partner or hands to an HQ user; a partner hands to a colleague."""
    inquiry = loaded.record.inquiry
    now = deps.clock.now()
    if not principal.is_hq:
        if partner_id is not None:
            raise Forbidden("only headquarters assigns inquiries to partners")
        assert user_id is not None
        if inquiry.status is Status.PENDING:
            _decidable(deps, loaded, principal)  # after the deadline it is HQ's again
        change = lifecycle.assign_to_colleague(
            inquiry, offer=loaded.current_offer, principal=principal, user_id=user_id, now=now
        )
    elif partner_id is not None:
        partner = known_partner(deps, partner_id)
        change = lifecycle.offer_to(
            inquiry,
            partner,
            current=loaded.current_offer,
            deadline=deadline_for(partner.calendar, now, deps.deadline_hours),
            actor=principal.user_id,
            now=now,
        )
    else:
        assert user_id is not None
        change = lifecycle.assign_to_hq_user(
            inquiry, user_id=user_id, current=loaded.current_offer, actor=principal.user_id, now=now
        )
    return _store(deps, loaded, change)


def discard(deps: Dependencies, loaded: Loaded, principal: Principal, note: str | None) -> Loaded:
    """HQ discards an inquiry it holds (spam, a duplicate)."""
    change = lifecycle.discard(
        loaded.record.inquiry, principal=principal, note=note, now=deps.clock.now()
    )
    return _store(deps, loaded, change)


def record_progress(
    deps: Dependencies,
    loaded: Loaded,
    principal: Principal,
    step: ProgressStep,
    note: str | None,
) -> Loaded:
    """The accepted partner records how far it got."""
    offer = loaded.current_offer
    accepted = offer if offer is not None and offer.outcome is Outcome.ACCEPTED else None
    change = lifecycle.record_progress(
        loaded.record.inquiry,
        offer=accepted,
        principal=principal,
        step=step,
        note=note,
        now=deps.clock.now(),
    )
    return _store(deps, loaded, change)


def list_inquiries(
    deps: Dependencies,
    principal: Principal,
    *,
    filters: ListFilter,
    limit: int,
    cursor: str | None,
    q: str | None = None,
) -> Page:
    """A partner's own inquiries (pending first, earliest deadline first), or all for HQ.

    A partner may narrow its list by status only; any other filter is refused (422).
    """
    repo = deps.repository
    if principal.is_hq:
        if q is not None:  # HQ's search: one more list, through the keyed-hash indexes
            from inquiries.service import subjects  # noqa: PLC0415

            return subjects.search(deps, q, filters, limit, cursor)
        return repo.inquiries(filters, limit, cursor)
    assert principal.partner_id is not None
    hq_only = [name for name in HQ_ONLY_FILTERS if getattr(filters, name) is not None]
    if q is not None:
        hq_only.insert(0, "q")
    if hq_only:
        raise ValidationFailed(
            "a partner may filter its list by status only",
            [
                {"loc": ["query", QUERY_NAMES.get(name, name)], "msg": "HQ only", "type": "hq_only"}
                for name in hq_only
            ],
        )
    return repo.inbox(principal.partner_id, filters.status, limit, cursor)


# The filters only HQ may use, and their names in the query where they differ.
HQ_ONLY_FILTERS = ("partner_id", "channel", "return_reason", "created_from", "created_to")
QUERY_NAMES = {"created_from": "from", "created_to": "to"}

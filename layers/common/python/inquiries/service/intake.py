"""Submitting an inquiry: store it, route it, schedule its expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aws_lambda_powertools import Logger

from inquiries.domain import lifecycle, routing
from inquiries.domain.anonymise import anonymise_message
from inquiries.domain.errors import Conflict, Unavailable
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import SYSTEM, Channel, Contact, Inquiry, Partner, Status
from inquiries.domain.spam import sent_by_a_bot
from inquiries.service.deadlines import deadline_for
from inquiries.service.partners import known_partner
from inquiries.service.ports import (
    Dependencies,
    IdempotencyClaim,
    IdempotencyKeyTaken,
    InquiryExists,
)
from inquiries.service.scheduling import schedule_expiry

logger = Logger(child=True)

IDEMPOTENCY_WINDOW = timedelta(hours=72)
# New random ids tried when the one drawn belongs to another inquiry (9 random bytes:
# a second collision in a row does not happen; the bound only keeps the loop finite).
_ID_ATTEMPTS = 3


class _IdTaken(Exception):
    """The new inquiry's random id belongs to another, stored inquiry."""


@dataclass(frozen=True)
class Submission:
    product: str
    contact: Contact
    message: str | None = None
    language: str | None = None
    partner_id: str | None = None
    # The website form's bot trap (domain/spam.py); None from other clients.
    form_trap: str | None = None
    form_fill_ms: int | None = None


@dataclass(frozen=True)
class Submitted:
    inquiry_id: str
    replayed: bool  # True: the same Idempotency-Key answered an earlier submission
    stored: bool = True  # False: taken for a bot, answered like a success, nothing stored


def submit(
    deps: Dependencies,
    submission: Submission,
    *,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    _attempt: int = 1,
) -> Submitted:
    """Store a new inquiry and offer it to the partner routing picks (or queue it at HQ).

    A submission the website form marks as a bot's (domain/spam.py) gets an id like any
    other and is stored as nothing.

    Answers only once the inquiry is stored, read back where the store's answer left
    any doubt; otherwise raises Unavailable (503) with nothing written. The inquiry,
    its first offer, its events and the idempotency claim are one transaction.
    """
    if sent_by_a_bot(submission.form_trap, submission.form_fill_ms):
        # Answered like a success, so the bot learns nothing to adapt to; nothing is read
        # or written (no inquiry, no offer, no idempotency claim, no schedule).
        logger.info("submission taken for a bot; nothing stored")
        return Submitted(deps.new_id(), replayed=False, stored=False)
    repo = deps.repository
    now = deps.clock.now()
    dealer = None
    if submission.partner_id is not None:
        dealer = known_partner(deps, submission.partner_id)
    inquiry = Inquiry(
        id=deps.new_id(),
        status=Status.UNASSIGNED,
        channel=Channel.DEALER_PAGE if dealer else Channel.WEBSITE,
        product=submission.product,
        contact=submission.contact,
        created_at=now,
        message=submission.message,
        language=submission.language,
        # Computed once, here: no partner's read pays for it again.
        redacted_message=anonymise_message(submission.message, submission.contact),
    )
    change = lifecycle.receive(inquiry, now)
    # A dealer's page of an inactive partner still works (the website cannot know):
    # the inquiry is kept and waits unassigned in the HQ queue instead of being refused.
    partner = _route(deps, inquiry) if dealer is None else (dealer if dealer.active else None)
    if partner is not None:
        change = lifecycle.offer_to(
            change.after,
            partner,
            current=None,
            deadline=deadline_for(partner.calendar, now, deps.deadline_hours),
            actor=SYSTEM,
            now=now,
            base=change,
        )
    claim = None
    if idempotency_key is not None:
        claim = IdempotencyClaim(
            idempotency_key, fingerprint, inquiry.id, now, now + IDEMPOTENCY_WINDOW
        )
    try:
        _store(deps, change, claim)
    except _IdTaken:
        if _attempt >= _ID_ATTEMPTS:
            raise Unavailable(
                "could not store the inquiry; nothing was changed, please retry"
            ) from None
        return submit(
            deps,
            submission,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            _attempt=_attempt + 1,
        )
    except IdempotencyKeyTaken:
        assert idempotency_key is not None
        earlier = repo.claim_of(idempotency_key, now)
        if earlier is None:  # expired between the write and the read: a new submission
            return submit(
                deps,
                submission,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                _attempt=_attempt,
            )
        if earlier.fingerprint != fingerprint:
            raise Conflict("this Idempotency-Key was used with another body") from None
        logger.info("idempotent replay", extra={"inquiry_id": earlier.inquiry_id})
        _ensure_scheduled(deps, earlier.inquiry_id)
        return Submitted(earlier.inquiry_id, replayed=True)
    offer = change.opened_offer
    if offer is not None:
        schedule_expiry(deps, offer)
    logger.info(
        "inquiry received",
        extra={
            "inquiry_id": inquiry.id,
            "status": change.after.status.value,
            "partner_id": change.after.partner_id,
            "channel": inquiry.channel.value,
        },
    )
    return Submitted(inquiry.id, replayed=False)


def _store(deps: Dependencies, change: Change, claim: IdempotencyClaim | None) -> None:
    """Write the new inquiry; return only when it is stored, verified where in doubt.

    Raises IdempotencyKeyTaken (the key answers an earlier inquiry), _IdTaken (another
    inquiry has this id) or Unavailable (nothing of ours is stored).
    """
    inquiry = change.after
    try:
        deps.repository.apply(change, claim)
    except InquiryExists:
        # Our id is stored: by this very write, sent before and answered late, or by
        # another inquiry that drew the same random id. Only the stored item tells.
        if not _is_stored(deps, inquiry):
            raise _IdTaken() from None
        logger.info("intake write was already stored", extra={"inquiry_id": inquiry.id})
    except Unavailable:
        # A timeout or a lost answer: the transaction may have landed all the same.
        if not _is_stored(deps, inquiry):
            raise
        logger.info(
            "intake write landed though its answer was lost", extra={"inquiry_id": inquiry.id}
        )


def _is_stored(deps: Dependencies, inquiry: Inquiry) -> bool:
    """Whether the stored inquiry under this id is this one (not merely one with its id).

    What never changes after intake tells: the moment it was received (to the
    microsecond), the prospect's contact, the product and the channel. The state may
    have moved on, and a stored message may be kept in another form.
    """
    record = deps.repository.load(inquiry.id)
    if record is None:
        return False
    stored = record.inquiry
    return (
        stored.created_at == inquiry.created_at
        and stored.contact == inquiry.contact
        and stored.product == inquiry.product
        and stored.channel is inquiry.channel
    )


def _route(deps: Dependencies, inquiry: Inquiry) -> Partner | None:
    """The partner for the inquiry, or None: a failure to route queues it at HQ, never loses it."""
    repo = deps.repository
    try:
        return routing.choose_partner(
            repo.partners_covering(inquiry.contact.country),
            product=inquiry.product,
            country=inquiry.contact.country,
            postal_code=inquiry.contact.postal_code,
            pending_count=repo.pending_count,
            excluded=inquiry.declined_by,
        )
    except Exception:  # routing must never lose an inquiry; HQ routes it by hand
        logger.exception(
            "routing failed; the inquiry goes to the HQ queue", extra={"inquiry_id": inquiry.id}
        )
        return None


def _ensure_scheduled(deps: Dependencies, inquiry_id: str) -> None:
    """A replay may follow a first attempt that stored the inquiry but never scheduled it."""
    record = deps.repository.load(inquiry_id)
    if record is None or record.inquiry.status is not Status.PENDING:
        return
    offer = lifecycle.current_offer(record.inquiry, record.offers)
    if offer is not None:
        schedule_expiry(deps, offer)  # an existing schedule is left as it is

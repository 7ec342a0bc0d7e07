"""The data subject: finding a person's data by keyed hashes, erasing it, retention.

A person is found through keyed hashes (HMAC-SHA256 with a secret of the service)
of the normalised e-mail address and last name: the indexes hold no value a reader
of the table could use, and nobody without the secret can test a guess against them.

Erasing an inquiry removes everything that is the person's (the contact, the message
and its redacted form, notes, the look-up keys) and keeps what the statistics need
(product, channel, times, offers and their outcomes, reasons, the location and the
language as a partner sees them before accepting).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from inquiries.domain.anonymise import location_before_accept
from inquiries.domain.language import language_before_accept
from inquiries.domain.lifecycle import Change, OfferWrite
from inquiries.domain.model import (
    Action,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    ProgressEntry,
    Status,
    SubjectKeys,
)

# Statuses in which an inquiry rests without a partner: its personal data is kept for
# RETENTION_DAYS after it came to rest, then erased.
AT_REST = frozenset({Status.RETURNED, Status.DISCARDED, Status.UNASSIGNED})
# Statuses that are still being worked on at HQ or offered: erasing one discards it
# (nobody can act on an inquiry without its contact), a pending offer is withdrawn.
_STILL_OPEN = frozenset({Status.UNASSIGNED, Status.ASSIGNED, Status.PENDING, Status.RETURNED})
# Statuses in which a partner has taken the inquiry and holds its own copy of the contact.
_TAKEN = frozenset({Status.ACCEPTED, Status.CLOSED})
# Event details that are free text and may hold anything about the person.
FREE_TEXT = frozenset({"note", "message", "comment"})

BY_REQUEST = "request"
BY_RETENTION = "retention"


def normalise_email(email: str) -> str:
    """An e-mail address as it is compared: trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def normalise_last_name(name: str) -> str:
    """A last name as it is compared: case-insensitive, exact (inner spaces collapsed)."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def keyed_hash(secret: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value under the service's secret, hex; `kind`
    separates the e-mail's and the name's key spaces."""
    return hmac.new(secret, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def email_key(secret: bytes, email: str) -> str:
    """The look-up key of an e-mail address."""
    return keyed_hash(secret, "email", normalise_email(email))


def last_name_key(secret: bytes, last_name: str) -> str:
    """The look-up key of a last name."""
    return keyed_hash(secret, "last_name", normalise_last_name(last_name))


def subject_keys(secret: bytes, contact: Contact) -> SubjectKeys:
    """The look-up keys of the contact of an inquiry."""
    return SubjectKeys(email_key(secret, contact.email), last_name_key(secret, contact.last_name))


def came_to_rest(before: Inquiry | None, after: Inquiry, now: datetime) -> Inquiry:
    """`after` with `left_at` kept up to date: set when the inquiry comes to rest without
    a partner (returned, discarded, unassigned), kept while it stays so, cleared otherwise.
    """
    if after.erased_at is not None or after.status not in AT_REST:
        return after if after.left_at is None else replace(after, left_at=None)
    if before is not None and before.status is after.status and before.left_at is not None:
        return replace(after, left_at=before.left_at)
    return replace(after, left_at=now)


def erase_after(left_at: datetime, retention_days: int) -> datetime:
    """The moment the personal data of an inquiry at rest since `left_at` is erased."""
    return left_at + timedelta(days=retention_days)


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Inquiries at rest since this moment or earlier are due for erasure at `now`."""
    return now - timedelta(days=retention_days)


def scrubbed(event: Event) -> Event | None:
    """The event without its free text, or None when it holds none (nothing to rewrite)."""
    if not FREE_TEXT & event.details.keys():
        return None
    kept = {k: v for k, v in event.details.items() if k not in FREE_TEXT}
    return replace(event, details=kept)


@dataclass(frozen=True)
class Erasure:
    """One inquiry's erasure: the change (a conditional write on the inquiry's version)
    and the partners to tell (they accepted it and hold their own copy)."""

    change: Change
    told: tuple[str, ...]


def erase(
    inquiry: Inquiry,
    offers: tuple[Offer, ...],
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> Erasure | None:
    """The inquiry without the person's data, or None when it is erased already.

    An inquiry still open (unassigned, assigned, pending, returned) is discarded, since
    nobody can act on it without its contact; its pending offer is withdrawn. Accepted
    and closed inquiries keep their status: their offers and progress are statistics,
    and the partner, controller of its own copy since it accepted, is told.
    """
    if inquiry.erased_at is not None:
        return None
    offer_writes: tuple[OfferWrite, ...] = ()
    events: list[Event] = []
    status = inquiry.status
    changes: dict[str, object] = {}
    if status in _STILL_OPEN:
        pending = next(
            (o for o in offers if o.seq == inquiry.offer_seq and o.outcome is Outcome.PENDING),
            None,
        )
        if status is Status.PENDING and pending is not None:
            withdrawn = replace(
                pending, outcome=Outcome.WITHDRAWN, decided_at=now, decided_by=actor
            )
            offer_writes = (OfferWrite(withdrawn, Outcome.PENDING),)
            events.append(
                Event(
                    now,
                    actor,
                    Action.WITHDRAWN,
                    {"partner_id": pending.partner_id, "reason": "erasure"},
                )
            )
        changes = {
            "status": Status.DISCARDED,
            "partner_id": None,
            "deadline": None,
            "deadline_timezone": None,
        }
    told: tuple[str, ...] = ()
    if status in _TAKEN and inquiry.partner_id is not None:
        told = (inquiry.partner_id,)
        events.append(
            Event(now, actor, Action.ERASURE_REQUESTED, {"partner_id": inquiry.partner_id})
        )
    events.append(Event(now, actor, Action.ERASED, {"reason": reason}))
    location = location_before_accept(inquiry.contact)
    after = replace(
        inquiry,
        version=inquiry.version + 1,
        # What stays of the contact is what a partner sees before accepting: the district,
        # the city where it is one (never the raw text of the field).
        contact=Contact(
            last_name="",
            email="",
            postal_code=location.postal_code,
            country=location.country,
            city=location.city,
        ),
        message=None,
        redacted_message=None,
        # Of the language, its language, script and region (no free subtags).
        language=language_before_accept(inquiry.language),
        progress=tuple(_without_note(p) for p in inquiry.progress),
        subject_keys=None,
        left_at=None,
        erased_at=now,
        **changes,  # type: ignore[arg-type]
    )
    return Erasure(Change(inquiry, after, offer_writes, tuple(events)), told)


def _without_note(entry: ProgressEntry) -> ProgressEntry:
    return replace(entry, note=None)


def with_contact_erased(erasure: Erasure) -> Erasure:
    """The erasure that also deletes the partner's contact made from the inquiry (the
    partner asked HQ to): its `erasure_requested` event says so."""
    events = tuple(
        replace(e, details={**e.details, "contact_erased": True})
        if e.action == Action.ERASURE_REQUESTED
        else e
        for e in erasure.change.events
    )
    return replace(erasure, change=replace(erasure.change, events=events))

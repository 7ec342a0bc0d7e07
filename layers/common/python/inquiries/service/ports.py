"""The ports the use cases need: storage, the expiry scheduler and the clock."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from inquiries.domain.errors import ChangeRejected
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import (
    Channel,
    Contact,
    Event,
    Inquiry,
    Offer,
    Partner,
    ReturnReason,
    Status,
)


@dataclass(frozen=True)
class Record:
    """An inquiry with all its offers (few: one per partner it was offered to)."""

    inquiry: Inquiry
    offers: tuple[Offer, ...] = ()


@dataclass(frozen=True)
class Page:
    items: list[Inquiry]
    next: str | None


@dataclass(frozen=True)
class IdempotencyClaim:
    """A website's `Idempotency-Key`, claimed for one inquiry until `expires_at`."""

    key: str
    fingerprint: str  # hash of the body, compared as JSON
    inquiry_id: str
    claimed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class DueOffer:
    inquiry_id: str
    seq: int
    deadline: datetime


class IdempotencyKeyTaken(Exception):
    """The key is held by an earlier, still valid submission."""


class InquiryExists(ChangeRejected):
    """A new inquiry's id is already stored: by this very write, sent before, or by another.

    Only a read of the stored inquiry tells which; never take it for success unread.
    """


class Repository(Protocol):
    """Storage of inquiries, offers, events, partners and contacts."""

    def load(self, inquiry_id: str) -> Record | None: ...

    def load_with_events(self, inquiry_id: str) -> tuple[Record, list[Event]] | None: ...

    def apply(self, change: Change, claim: IdempotencyClaim | None = None) -> None:
        """Store the change atomically, conditional on the state it started from.

        Raises ChangeRejected when that state changed meanwhile (InquiryExists when a new
        inquiry's id is already stored), IdempotencyKeyTaken when the claim's key is held
        by another inquiry, and Unavailable when conflicts or throttling outlast the
        retries (nothing was written).
        """

    def claim_of(self, key: str, now: datetime) -> IdempotencyClaim | None: ...

    def get_partner(self, partner_id: str) -> Partner | None: ...

    def partners_covering(self, country: str) -> list[Partner]: ...

    def pending_count(self, partner_id: str) -> int: ...

    def put_partner(self, partner: Partner) -> None: ...

    def list_partners(self) -> list[Partner]: ...

    def inbox(
        self, partner_id: str, status: Status | None, limit: int, cursor: str | None
    ) -> Page: ...

    def inquiries(self, filters: ListFilter, limit: int, cursor: str | None) -> Page:
        """HQ's list, newest first, narrowed by the filters (never a Scan)."""
        ...

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]: ...

    def offers_between(
        self, start: datetime, end: datetime, partner_id: str | None
    ) -> list[Offer]: ...

    def contacts_matching(self, partner_id: str, keys: dict[str, str]) -> dict[str, frozenset[str]]:
        """The partner's contact ids filed under each kind of key."""
        ...

    def has_contact(self, partner_id: str, contact_id: str) -> bool: ...

    def contacts(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, Contact]:
        """The partner's contacts of these ids (one batch read); unknown ids are left out."""
        ...


class ExpiryScheduler(Protocol):
    """One-time schedules that fire the expiry of an offer at its deadline."""

    def schedule_expiry(self, offer: Offer) -> None: ...

    def cancel_expiry(self, offer: Offer) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class Dependencies:
    """What every use case gets: storage, scheduler, clock and the deadline window."""

    repository: Repository
    scheduler: ExpiryScheduler
    clock: Clock
    deadline_hours: float = 48.0
    new_id: Callable[[], str] = lambda: secrets.token_urlsafe(9)


@dataclass(frozen=True)
class ListFilter:
    """HQ's list filters (docs/api.md "Lists"); all given ones must hold.

    `created_from`/`created_to` are whole UTC days, both included.
    """

    status: Status | None = None
    partner_id: str | None = None
    channel: Channel | None = None
    return_reason: ReturnReason | None = None
    created_from: date | None = None
    created_to: date | None = None

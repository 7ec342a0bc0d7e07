"""The ports the use cases need: storage, the expiry scheduler and the clock."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from inquiries.domain.contacts import PartnerContact
from inquiries.domain.errors import ChangeRejected
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import (
    Channel,
    Event,
    Inquiry,
    Offer,
    Partner,
    ReturnReason,
    Status,
)
from inquiries.domain.report.rollup import DayRollup

if TYPE_CHECKING:
    from inquiries.domain.subjects import Erasure


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
    # The keyed hash of the submitter's e-mail (the claim is found and erased with it).
    email_key: str | None = None


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

    def partner_for_change(self, partner_id: str) -> tuple[Partner, int] | None:
        """The partner (a consistent read) and its version, for a change in part."""
        ...

    def replace_partner(self, partner: Partner, replacing: Partner, version: int) -> None:
        """Store `partner` over `replacing` as read at `version`; ChangeRejected when the
        stored partner changed meanwhile."""
        ...

    def inbox(
        self, partner_id: str, status: Status | None, limit: int, cursor: str | None
    ) -> Page: ...

    def inquiries(self, filters: ListFilter, limit: int, cursor: str | None) -> Page:
        """HQ's list, newest first, narrowed by the filters (never a Scan)."""
        ...

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]: ...

    def rollups(self, partner_ids: Sequence[str], first: date, last: date) -> list[DayRollup]:
        """The stored rollups of these partners for the UTC days first..last (every shard)."""
        ...

    def put_rollups(self, rollups: Sequence[DayRollup]) -> None:
        """Replace these rollups whole (the rebuild); other rollups stay as they are."""
        ...

    def contacts_matching(self, partner_id: str, keys: dict[str, str]) -> dict[str, frozenset[str]]:
        """The partner's contact ids filed under each kind of key."""
        ...

    def has_contact(self, partner_id: str, contact_id: str) -> bool: ...

    def contacts(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, PartnerContact]:
        """The partner's contacts of these ids (one batch read); unknown ids are left out."""
        ...


class ExpiryScheduler(Protocol):
    """One-time schedules that fire the expiry of an offer at its deadline."""

    def schedule_expiry(self, offer: Offer) -> None: ...

    def cancel_expiry(self, offer: Offer) -> None: ...

    def schedule_reminder(self, offer: Offer, at: datetime) -> None:
        """Fire the partner's reminder of a pending offer at `at` (issue 15)."""
        ...

    def cancel_reminder(self, offer: Offer) -> None:
        """Delete the offer's reminder schedule; a missing one is fine."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class Dependencies:
    """What every use case gets: storage, scheduler, clock and the deadline window."""

    repository: Repository
    scheduler: ExpiryScheduler
    clock: Clock
    deadline_hours: float = 48.0
    # Automatic re-routes an inquiry may take after a rejection or expiry; 0: off.
    auto_reroute_max: int = 0
    new_id: Callable[[], str] = lambda: secrets.token_urlsafe(9)
    # The secret of the data subject's keyed hashes (read on first use); None: inquiries
    # are stored without look-up keys (the in-memory fakes of the unit tests).
    subject_secret: Callable[[], bytes] | None = None
    retention_days: int = 180
    # The data subject's look-ups, erasure and retention (None: not wired, as in the fakes).
    subjects: SubjectStore | None = None


# contacts (issue 13) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPage:
    items: list[PartnerContact]
    next: str | None


@dataclass(frozen=True)
class ContactChanges:
    """What an import writes: contacts (whole), and match keys filed and unfiled."""

    contacts: list[PartnerContact]
    filed: list[tuple[str, str, str]]  # (kind, value, contact_id)
    unfiled: list[tuple[str, str, str]]


class AddressBook(Protocol):
    """A partner's own contacts: read, found by their match keys, listed, imported."""

    def get(self, partner_id: str, contact_id: str) -> PartnerContact | None: ...

    def many(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, PartnerContact]:
        """The partner's contacts of these ids; unknown ids are left out."""
        ...

    def filed_under(
        self, partner_id: str, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], frozenset[str]]:
        """The contact ids under each (kind, value) match key; keys with none are left out."""
        ...

    def match_index(self, partner_id: str) -> list[tuple[str, str, str]]:
        """Every match key of the partner's contacts: (kind, value, contact_id)."""
        ...

    def page(
        self, partner_id: str, limit: int, cursor: str | None, last_name_prefix: str = ""
    ) -> ContactPage:
        """The address book by last name, optionally of the last names with this start."""
        ...

    def page_of(
        self, partner_id: str, contacts: Collection[PartnerContact], limit: int, cursor: str | None
    ) -> ContactPage:
        """A page of these contacts, in the address book's order and with its cursors."""
        ...

    def write(self, partner_id: str, changes: ContactChanges) -> int:
        """Store the changes in batches; answers the number of batch calls."""
        ...

    def delete(
        self,
        partner_id: str,
        contact_id: str,
        wanted: Callable[[PartnerContact], bool] | None = None,
    ) -> PartnerContact | None:
        """Delete the contact and its match keys at once if it exists (and is `wanted`);
        the contact deleted, else None. Raises ChangeRejected when it changed meanwhile."""
        ...


# --- mail (issue 15) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """One e-mail, rendered: to whom, what, and which of the product's kinds it is."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    kind: str  # new_offer, reminder, withdrawn, returned, unassigned, receipt, accepted, erasure
    # Ids only (kind, inquiry, partner): SES hands them back with a bounce or complaint.
    tags: dict[str, str] = field(default_factory=dict)


class Mailer(Protocol):
    """Sends a mail (SES on AWS, the outbox locally); raises when it could not."""

    def send(self, mail: Mail) -> str | None:
        """Send it; the provider's message id, if it gives one."""
        ...


class Deliveries(Protocol):
    """What was sent already (one marker per mail), and the events a mail follows from."""

    def was_sent(self, inquiry_id: str, key: str) -> bool: ...

    def sent_keys(self, inquiry_id: str, prefix: str) -> set[str]:
        """The keys of the inquiry's mails sent already that start with `prefix`: all the
        mails of one change, read at once."""
        ...

    def mark_sent(
        self, inquiry_id: str, key: str, *, kind: str, at: datetime, message_id: str | None
    ) -> None:
        """Record the mail `key` of the inquiry as sent (kept if it is recorded already)."""
        ...

    def events_of_version(self, inquiry_id: str, version: int) -> list[Event]:
        """The events one change (the inquiry's `version`) recorded, in order."""
        ...


@dataclass
class Mailing:
    """What the notify function needs besides `Dependencies`: where and how mails go."""

    mailer: Mailer
    deliveries: Deliveries
    hq_email: str | None
    app_url: str  # the web app's address; links are `<app_url>/#/inquiries/<id>`
    hq_language: str = "en"


# data subjects (issue 13) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRecord:
    """An idempotency claim filed under a person's e-mail key (its own key is a hash)."""

    key: dict[str, Any]  # the item's key, as the store addresses it
    inquiry_id: str
    claimed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LinkedContact:
    """A contact in a partner's address book that an inquiry was linked to."""

    partner_id: str
    contact_id: str
    contact: PartnerContact
    from_inquiry: str | None  # the inquiry it was created from, if any


@dataclass(frozen=True)
class ErasureRecord:
    """An erasure by request, as recorded: when and how many inquiries (no personal data)."""

    at: datetime
    inquiries: int


class SubjectStore(Protocol):
    """Where a person's data is found by its keyed hashes, erased, and retained."""

    def inquiry_ids(self, email_key: str) -> list[str]: ...

    def claims(self, email_key: str) -> list[ClaimRecord]: ...

    def search(
        self, kind: str, key: str, filters: ListFilter, limit: int, cursor: str | None
    ) -> Page:
        """The inquiries under the key, newest first, that pass HQ's list filters."""
        ...

    def partner_contact(self, partner_id: str, contact_id: str) -> LinkedContact | None: ...

    def book_contacts(self, emails: Collection[str]) -> list[LinkedContact]:
        """Every contact in any partner's book filed under one of these normalised e-mail
        match keys (the keys may lag an import: check each contact's e-mail)."""
        ...

    def delete_contact(
        self, partner_id: str, contact_id: str, wanted: Callable[[PartnerContact], bool]
    ) -> PartnerContact | None:
        """Delete the partner's contact and its match keys at once if it is still `wanted`;
        raises ChangeRejected when it changed meanwhile."""
        ...

    def erase(
        self, erasure: Erasure, claims: list[ClaimRecord], contact: LinkedContact | None
    ) -> None:
        """One inquiry's erasure, atomically and conditional on its version; raises
        ChangeRejected when the inquiry changed meanwhile."""

    def delete_claim(self, claim: ClaimRecord) -> None: ...

    def record_erasure(self, email_key: str, at: datetime, inquiries: int, actor: str) -> None: ...

    def erasures(self, email_key: str) -> list[ErasureRecord]: ...

    def at_rest_since(self, cutoff: datetime, limit: int) -> list[str]: ...


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

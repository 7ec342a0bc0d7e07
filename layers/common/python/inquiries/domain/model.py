"""The things the product talks about: inquiries, partners, offers, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where an inquiry stands in its lifecycle."""

    UNASSIGNED = "unassigned"
    ASSIGNED = "assigned"
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    DISCARDED = "discarded"
    CLOSED = "closed"


class Channel(StrEnum):
    WEBSITE = "website"
    DEALER_PAGE = "dealer_page"


class Product(StrEnum):
    WINDOWS = "windows"
    ENTRANCE_DOORS = "entrance_doors"
    SLIDING_DOORS = "sliding_doors"
    SUNROOMS = "sunrooms"
    SHADING = "shading"
    OTHER = "other"


class Outcome(StrEnum):
    """What became of one offer of an inquiry to one partner."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ReturnReason(StrEnum):
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class RejectReason(StrEnum):
    OUT_OF_AREA = "out_of_area"
    NO_CAPACITY = "no_capacity"
    PRODUCT_NOT_OFFERED = "product_not_offered"
    SPAM = "spam"
    OTHER = "other"


class ProgressStep(StrEnum):
    CONTACTED = "contacted"
    OFFER_SENT = "offer_sent"
    WON = "won"
    LOST = "lost"


class Role(StrEnum):
    HQ = "hq"
    PARTNER = "partner"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user of HQ or of one partner organisation, or the system."""

    user_id: str
    role: Role
    partner_id: str | None = None

    @property
    def is_hq(self) -> bool:
        return self.role is Role.HQ


# The actor of automatic changes (routing, expiry) in events.
SYSTEM = "system"
WEBSITE = "website"


@dataclass(frozen=True)
class Contact:
    """The prospect's personal data. It lives only here and leaves only through the view."""

    last_name: str
    email: str
    postal_code: str
    country: str
    first_name: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class Location:
    """The part of the contact that a partner may see before accepting."""

    postal_code: str
    city: str | None
    country: str


@dataclass(frozen=True)
class Calendar:
    """A partner's working-time calendar, which its deadlines follow."""

    country: str
    timezone: str
    subdivision: str | None = None
    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Territory:
    country: str
    postal_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class Partner:
    """A dealer organisation: where it works, what it sells, and its calendar."""

    id: str
    name: str
    calendar: Calendar
    territories: tuple[Territory, ...] = ()
    products: frozenset[str] = frozenset()  # empty: all products
    # False: no new offers, automatic or by HQ; offers already pending stay.
    active: bool = True
    notify_emails: tuple[str, ...] = ()  # where offers are announced (issue 15)
    language: str = "en"  # of those mails: de, it or en

    def handles(self, product: str) -> bool:
        return not self.products or product in self.products

    def longest_prefix(self, country: str, postal_code: str) -> int | None:
        """Length of the longest territory prefix covering the location, or None."""
        best: int | None = None
        for territory in self.territories:
            if territory.country != country:
                continue
            for prefix in territory.postal_prefixes:
                if postal_code.startswith(prefix) and (best is None or len(prefix) > best):
                    best = len(prefix)
        return best


@dataclass(frozen=True)
class Offer:
    """One inquiry offered to one partner, with a deadline and, later, an outcome."""

    inquiry_id: str
    seq: int
    partner_id: str
    calendar: Calendar
    offered_at: datetime
    deadline: datetime
    outcome: Outcome = Outcome.PENDING
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    first_progress_at: datetime | None = None
    # The progress steps recorded while this offer was the accepted one (for the report).
    steps: frozenset[ProgressStep] = frozenset()


class Action(StrEnum):
    """What an event records (the `action` of an inquiry's events)."""

    RECEIVED = "received"
    OFFERED = "offered"
    WITHDRAWN = "withdrawn"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    CONTROLLERSHIP_TRANSFERRED = "controllership_transferred"
    CONTACT_CREATED = "contact_created"
    CONTACT_LINKED = "contact_linked"
    REJECTED = "rejected"
    EXPIRED = "expired"
    DISCARDED = "discarded"
    PROGRESS = "progress"
    # Automatic re-routing (issue 13): the next candidate got it, or the chain ended at HQ.
    REROUTED = "rerouted"
    REROUTE_ENDED = "reroute_ended"


@dataclass(frozen=True)
class Event:
    """Who did what, when."""

    at: datetime
    actor: str
    action: str  # an Action; stored and shown as its text
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgressEntry:
    step: ProgressStep
    at: datetime
    by: str
    note: str | None = None


@dataclass(frozen=True)
class Inquiry:
    """An inquiry and its current state. `version` grows with every change."""

    id: str
    status: Status
    channel: Channel
    product: str
    contact: Contact
    created_at: datetime
    message: str | None = None
    language: str | None = None
    partner_id: str | None = None
    user_id: str | None = None
    assigned_at: datetime | None = None
    deadline: datetime | None = None
    offer_seq: int = 0  # number of the latest offer; 0: never offered
    return_reason: ReturnReason | None = None
    declined_by: frozenset[str] = frozenset()  # partners that rejected or let it expire
    contact_id: str | None = None
    progress: tuple[ProgressEntry, ...] = ()
    version: int = 0
    # The message as a partner reads it before accepting, computed once at intake;
    # None for items stored before it existed (then the view computes it).
    redacted_message: str | None = None
    # The time zone of `deadline`: the offered partner's calendar, set with the offer.
    deadline_timezone: str | None = None
    # How often it was offered on automatically after a rejection or an expiry.
    reroutes: int = 0

    @property
    def location(self) -> Location:
        return Location(self.contact.postal_code, self.contact.city, self.contact.country)

"""What the API answers, as pydantic models for the OpenAPI document.

The views (`api/views.py`) build the answers as plain JSON; these models only describe
them: routes name them as their `answer`, and `api/operations.py` hands them to
Powertools as each route's response models. They are not used to validate answers at
run time (that would cost every request; the end-to-end Schemathesis run checks that
the answers match them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from inquiries.domain.model import Product, ProgressStep, RejectReason, Status


class Answer(BaseModel):
    model_config = ConfigDict(defer_build=True)


Count = Annotated[int, Field(ge=0)]
Rate = Annotated[float, Field(ge=0, le=1)] | None


class Error(Answer):
    message: str


class ErrorAt(Answer):
    loc: list[str | int]
    msg: str
    type: str
    ctx: dict[str, Any] | None = Field(
        default=None,
        description="what an app needs to say the error (a contacts file's: line, positions,"
        " the contract's columns); never the values sent",
    )


class ValidationFailedAnswer(Answer):
    """A 422: the errors (where, what, which rule) and the fields at fault; no input values."""

    message: str
    errors: list[ErrorAt]
    fields: list[str]


class Submitted(Answer):
    id: str
    status: Literal["received"]


class Location(Answer):
    postal_code: str
    city: str | None
    country: str


class Contact(Answer):
    first_name: str | None
    last_name: str
    email: str
    phone: str | None
    street: str | None
    postal_code: str
    city: str | None
    country: str
    company: str | None


class ProgressEntry(Answer):
    step: ProgressStep
    at: datetime
    by: str
    note: str | None


class Event(Answer):
    """Who did what, when; further fields depend on the action."""

    at: datetime
    actor: str
    action: str


class Inquiry(Answer):
    """An inquiry as the caller may see it: anonymised (`contact: null`) for a partner that
    has not accepted it."""

    id: str
    status: Status
    channel: Literal["website", "dealer_page"]
    product: str
    language: str | None
    created_at: datetime
    assigned_at: datetime | None
    deadline: datetime | None
    timezone: str | None
    partner_id: str | None
    user_id: str | None
    location: Location
    message: str | None
    anonymized: bool
    contact: Contact | None
    contact_id: str | None
    return_reason: Literal["rejected", "expired", "withdrawn"] | None
    progress: list[ProgressEntry]
    erased_at: datetime | None = Field(
        default=None, description="When the person's data was erased (then `contact: null`)"
    )


class InquiryDetail(Inquiry):
    """One inquiry with its events (who did what, when)."""

    events: list[Event]


class InquiryList(Answer):
    items: list[Inquiry]
    next: str | None


class PartnerContact(Contact):
    """A contact in the partner's address book."""

    contact_id: str
    source: Literal["inquiry", "import"]


class Duplicate(Answer):
    contact_id: str
    matched_on: Annotated[list[Literal["email", "phone", "name_postal_code"]], Field(min_length=1)]
    contact: PartnerContact


class Accepted(Answer):
    inquiry: InquiryDetail
    duplicates: list[Duplicate]


class InquiryChecked(InquiryDetail):
    """One inquiry with its events; for the partner that accepted it while it has linked no
    contact, also the duplicate check of the acceptance again."""

    duplicates: list[Duplicate] | None = Field(
        default=None,
        description="Only while the accepting partner has linked no contact and has candidates",
    )


class Rejected(Answer):
    id: str
    status: Status
    reason: RejectReason


class TerritoryAnswer(Answer):
    country: str
    postal_prefixes: list[str]


class Partner(Answer):
    id: str
    name: str
    country: str
    subdivision: str | None
    timezone: str
    working_days: list[int]
    territories: list[TerritoryAnswer]
    products: list[Product]
    active: bool = Field(description="false: no new offers, automatic or by HQ; pending ones stay")
    notify_emails: Annotated[list[str], Field(max_length=20)]
    language: Literal["de", "it", "en"]


class PartnerList(Answer):
    items: list[Partner]


class Candidate(Answer):
    partner_id: str
    name: str
    why: list[Literal["territory", "product", "closest_territory", "fewest_pending"]]
    postal_prefix: str | None = None
    pending: int | None = None


class Suggestions(Answer):
    candidates: list[Candidate] = Field(
        description="best first: the order the routing rule follows"
    )


class Stats(Answer):
    median: float | None
    p90: float | None
    max: float | None


class Outcomes(Answer):
    contacted: Count
    offer_sent: Count
    won: Count
    lost: Count


class SeriesEntry(Answer):
    """One day, ISO week or month of the period (only with `?interval=`)."""

    period: str
    assigned: Count
    accepted: Count
    rejected: Count
    expired: Count
    decision_hours: Stats | None


class ReportTotals(Answer):
    assigned: Count
    accepted: Count
    rejected: Count
    expired: Count
    pending: Count
    acceptance_rate: Rate
    decision_hours: Stats | None
    decision_working_hours: Stats | None
    decided_in_time_rate: Rate
    first_progress_hours: Stats | None
    outcomes: Outcomes
    win_rate: Rate
    series: list[SeriesEntry] = []


class ReportRow(ReportTotals):
    partner_id: str


class Report(Answer):
    model_config = ConfigDict(populate_by_name=True, defer_build=True)

    from_: date = Field(alias="from")
    to: date
    as_of: datetime | None = None
    partners: list[ReportRow]
    total: ReportTotals


# data subjects (issue 13)


class SubjectContact(Answer):
    """A partner's contact linked to one of the person's inquiries."""

    partner_id: str
    contact_id: str
    from_inquiry: str | None
    contact: Contact


class IdempotencyRecord(Answer):
    inquiry_id: str
    claimed_at: datetime
    expires_at: datetime


class ErasureAnswer(Answer):
    at: datetime
    inquiries: Count


class Subject(Answer):
    """Everything held about one person, found by the keyed hash of the e-mail."""

    email: str
    inquiries: list[InquiryDetail]
    contacts: list[SubjectContact]
    idempotency_records: list[IdempotencyRecord]
    erasures: list[ErasureAnswer]


class Erased(Answer):
    """What this call erased: inquiries, and partners' contacts (`partner_contacts`)."""

    inquiries: Count
    contacts: Count


# contacts (issue 13)


class ContactList(Answer):
    items: list[PartnerContact]
    next: str | None


RowProblemType = Literal[
    "missing",
    "invisible",
    "too_long",
    "control_characters",
    "email",
    "country",
    "phone",
    "postal_code",
    "cells",
    "invalid",
]


class RowProblem(Answer):
    field: str | None = Field(description="the column; None for the row (`cells`)")
    type: RowProblemType
    message: str
    ctx: dict[str, Any] = Field(
        description="`max_length` (too_long), `reason` (email: alone, local_part_too_long),"
        " `cells` and `columns` (cells)"
    )


class RejectedRow(Answer):
    row: Annotated[int, Field(ge=2, description="the line in the file; the header is line 1")]
    message: str
    field: str | None = Field(description="the first problem's column")
    type: RowProblemType = Field(description="the first problem's type")
    ctx: dict[str, Any]
    problems: list[RowProblem]


class ContactImport(Answer):
    imported: Count
    rejected: list[RejectedRow]
    created: Count = 0
    updated: Count = 0
    unchanged: Count = 0

"""Request models: what the API accepts, validated by pydantic (422 with the fields at fault)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from inquiries.api.countries import ISO_COUNTRIES
from inquiries.domain.model import (
    Channel,
    Product,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)
from inquiries.domain.report.periods import Interval

ID_PATTERN = r"^[A-Za-z0-9_.~-]{1,64}$"


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_COUNTRIES:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


def _postal_code(value: str) -> str:
    code = " ".join(value.split())
    if not re.fullmatch(r"(?:[A-Za-z]{1,3}-)?[A-Za-z0-9][A-Za-z0-9 -]{0,14}", code):
        raise ValueError("not a postal code")
    return code


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not re.fullmatch(r"[+0-9][0-9 ()./-]{3,39}", value.strip()):
        raise ValueError("not a phone number")
    return value.strip()


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone such as Europe/Rome") from None
    return value


def _working_days(value: list[int]) -> list[int]:
    if len(set(value)) != len(value) or not all(1 <= day <= 7 for day in value):
        raise ValueError("distinct ISO weekdays 1 (Monday) to 7 (Sunday)")
    return sorted(value)


def _distinct_emails(value: list[str]) -> list[str]:
    """The addresses in their given order, each once: `A@x.example` and `a@x.example` are one."""
    seen: set[str] = set()
    distinct = []
    for address in value:
        if address.casefold() not in seen:
            seen.add(address.casefold())
            distinct.append(address)
    return distinct


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Country = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]
PostalCode = Annotated[str, StringConstraints(max_length=20), AfterValidator(_postal_code)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
MAX_NOTIFY_EMAILS = 20


class Strict(BaseModel):
    # defer_build: each function builds only the validators of the models it uses.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class ContactIn(Strict):
    first_name: Name | None = None
    last_name: Name
    email: Annotated[EmailStr, StringConstraints(max_length=254)]
    phone: Annotated[str | None, StringConstraints(max_length=40), AfterValidator(_phone)] = None
    street: Text | None = None
    postal_code: PostalCode
    city: Text | None = None
    country: Country
    company: Text | None = None


class SubmissionIn(Strict):
    """The website's form: `POST /inquiries`."""

    product: Product
    contact: ContactIn
    message: Annotated[str, StringConstraints(max_length=5000)] | None = None
    language: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None
    ) = None
    partner_id: Id | None = None
    consent: StrictBool

    # A field validator, so that the 422 names `consent` as the field at fault.
    @field_validator("consent")
    @classmethod
    def _consent_given(cls, consent: bool) -> bool:
        if consent is not True:
            raise ValueError("consent must be true")
        return consent


class AcceptIn(Strict):
    """`POST .../accept`: no body is needed; an empty object is fine, anything else is not."""


class RejectIn(Strict):
    reason: RejectReason
    note: Note | None = None


class ContactLinkIn(Strict):
    one_of: ClassVar[tuple[str, ...]] = ("contact_id", "new")

    contact_id: Id | None = None
    new: StrictBool | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ContactLinkIn:
        if (self.contact_id is None) == (self.new is not True):
            raise ValueError('give either "contact_id" or "new": true')
        return self


class AssignIn(Strict):
    one_of: ClassVar[tuple[str, ...]] = ("partner_id", "user_id")

    partner_id: Id | None = None
    user_id: UserId | None = None

    @model_validator(mode="after")
    def _one_of(self) -> AssignIn:
        if (self.partner_id is None) == (self.user_id is None):
            raise ValueError('give either "partner_id" or "user_id"')
        return self


class DiscardIn(Strict):
    note: Note | None = None


class ProgressIn(Strict):
    step: ProgressStep
    note: Note | None = None


class TerritoryIn(Strict):
    country: Country
    postal_prefixes: list[Annotated[str, StringConstraints(max_length=16)]] = Field(
        min_length=1, max_length=1000
    )


class PartnerIn(Strict):
    """`PUT /partners/{partner_id}`."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    country: Country
    subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    timezone: Annotated[
        str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone)
    ]
    working_days: Annotated[
        list[StrictInt], Field(min_length=1, max_length=7), AfterValidator(_working_days)
    ] = [1, 2, 3, 4, 5]
    territories: list[TerritoryIn] = Field(default=[], max_length=50)
    # Bounded: each wrong item would be one more error in the answer (see requests.parse).
    products: list[Product] = Field(default=[], max_length=100)
    active: StrictBool = True
    notify_emails: Annotated[
        list[Email], Field(max_length=MAX_NOTIFY_EMAILS), AfterValidator(_distinct_emails)
    ] = []
    language: Literal["de", "it", "en"] = "en"


class ListQuery(BaseModel):
    """`GET /inquiries`: a partner may use `status` only; HQ every filter (docs/api.md)."""

    one_of: ClassVar[tuple[str, ...]] = ("from", "to")
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    status: Status | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2048)] | None = None
    partner_id: Id | None = None
    channel: Channel | None = None
    return_reason: ReturnReason | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _days(self) -> ListQuery:
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError('"to" is before "from"')
        return self


class ReportQuery(BaseModel):
    one_of: ClassVar[tuple[str, ...]] = ("from", "to")

    from_: date = Field(alias="from")
    to: date
    partner_id: Id | None = None
    format: Literal["json", "csv", "xlsx"] = "json"
    interval: Interval | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _period(self) -> ReportQuery:
        if self.to < self.from_:
            raise ValueError('"to" is before "from"')
        if (self.to - self.from_).days > 366:
            raise ValueError("the period is longer than a year")
        return self

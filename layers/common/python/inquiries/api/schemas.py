"""Request models: what the API accepts, validated by Powertools with pydantic (422 with the
fields at fault).

Their JSON Schemas are the OpenAPI document's: where a validator checks more than a
type, the type says so for the document too (`WithJsonSchema`, `json_schema_extra`), so
generated requests agree with what is accepted. A model's `example` (a class variable)
is the document's example of the body; it works against the demo data of `make run`.
"""

# No `from __future__ import annotations` here: pydantic would compile and evaluate every
# annotation string again when it creates the classes (a cold request's first validation
# pays it); forward references to the class itself are `Self`.
import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from inquiries.api.countries import ISO_COUNTRIES
from inquiries.api.ids import ID_PATTERN
from inquiries.domain.model import (
    Channel,
    Product,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)
from inquiries.domain.report.periods import Interval

_POSTAL_CODE = r"^(?:[A-Za-z]{1,3}-)?[A-Za-z0-9][A-Za-z0-9 -]{0,14}$"
_PHONE = r"^[+0-9][0-9 ()./-]{3,39}$"
# Strings are stripped before their length is checked: a required one may not be blank.
_NOT_BLANK = Field(json_schema_extra={"pattern": r"\S"})


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_COUNTRIES:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


def _postal_code(value: str) -> str:
    code = " ".join(value.split())
    if not re.fullmatch(_POSTAL_CODE, code):
        raise ValueError("not a postal code")
    return code


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not re.fullmatch(_PHONE, value.strip()):
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
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), _NOT_BLANK
]
Country = Annotated[
    str,
    StringConstraints(min_length=2, max_length=2),
    AfterValidator(_country),
    WithJsonSchema(
        {"type": "string", "description": "ISO 3166-1 alpha-2", "enum": sorted(ISO_COUNTRIES)}
    ),
]
PostalCode = Annotated[
    str,
    StringConstraints(max_length=20),
    AfterValidator(_postal_code),
    WithJsonSchema({"type": "string", "maxLength": 20, "pattern": _POSTAL_CODE}),
]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}
UserId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), _NOT_BLANK
]
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
    phone: Annotated[
        str | None,
        StringConstraints(max_length=40),
        AfterValidator(_phone),
        WithJsonSchema(
            {"anyOf": [{"type": "string", "maxLength": 40, "pattern": _PHONE}, {"type": "null"}]}
        ),
    ] = None
    street: Text | None = None
    postal_code: PostalCode
    city: Text | None = None
    country: Country
    company: Text | None = None


# A submission from Bolzano: routed to the demo partner `alpin-bz`. The local stack's
# banner prints it as its `curl` example too.
EXAMPLE_SUBMISSION: dict[str, Any] = {
    "product": "windows",
    "contact": {
        "first_name": "Anna",
        "last_name": "Rossi",
        "email": "anna@example.com",
        "phone": "+39 0471 123456",
        "street": "Via Roma 1",
        "postal_code": "39100",
        "city": "Bolzano",
        "country": "IT",
    },
    "message": "We are renovating our house and need 12 new windows.",
    "language": "it",
    "consent": True,
}


class SubmissionIn(Strict):
    """The website's form: `POST /inquiries`."""

    example: ClassVar[dict[str, Any]] = EXAMPLE_SUBMISSION

    product: Product
    contact: ContactIn
    message: Annotated[str, StringConstraints(max_length=5000)] | None = None
    language: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None
    ) = None
    partner_id: Id | None = None
    consent: Annotated[
        StrictBool,
        WithJsonSchema(
            {"const": True, "description": "The prospect agreed to be contacted; must be true"}
        ),
    ]
    # The website form's spam defence (docs/decisions.md): the hidden field people never see
    # (bots fill it in) and the milliseconds from the form's render to its submission.
    form_trap: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None,
        description="The website form's hidden field: filled in, the submission is a bot's "
        "(answered 201, stored as nothing)",
    )
    form_fill_ms: Annotated[StrictInt, Field(ge=0, le=10**10)] | None = Field(
        default=None,
        description="Milliseconds from the website form's render to its submission: under "
        "3000, the submission is a bot's (answered 201, stored as nothing)",
    )

    # A field validator, so that the 422 names `consent` as the field at fault.
    @field_validator("consent")
    @classmethod
    def _consent_given(cls, consent: bool) -> bool:
        if consent is not True:
            raise ValueError("consent must be true")
        return consent


class AcceptIn(Strict):
    """`POST .../accept`: no body is needed; an empty object is fine, anything else is not."""

    example: ClassVar[dict[str, Any]] = {}


# No example for reject and discard: a client (or Schemathesis) trying the document's
# examples out would close the very inquiries it then wants to accept.
class RejectIn(Strict):
    reason: RejectReason
    note: Note | None = None


# Exactly one of two fields, as the model's validator demands.
_ONE_OF = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})


class ContactLinkIn(Strict):
    model_config = _ONE_OF
    one_of: ClassVar[tuple[str, ...]] = ("contact_id", "new")
    example: ClassVar[dict[str, Any]] = {"new": True}

    contact_id: Annotated[Id | None, WithJsonSchema(_ID_SCHEMA)] = None
    new: Annotated[StrictBool | None, WithJsonSchema({"const": True})] = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.contact_id is None) == (self.new is not True):
            raise ValueError('give either "contact_id" or "new": true')
        return self


class AssignIn(Strict):
    model_config = _ONE_OF
    one_of: ClassVar[tuple[str, ...]] = ("partner_id", "user_id")
    example: ClassVar[dict[str, Any]] = {"partner_id": "alpin-bz"}

    partner_id: Annotated[Id | None, WithJsonSchema(_ID_SCHEMA)] = None
    user_id: Annotated[
        UserId | None,
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"\S"}),
    ] = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.partner_id is None) == (self.user_id is None):
            raise ValueError('give either "partner_id" or "user_id"')
        return self


class DiscardIn(Strict):
    note: Note | None = None


class ProgressIn(Strict):
    example: ClassVar[dict[str, Any]] = {"step": "contacted", "note": "Called, visit on Friday"}

    step: ProgressStep
    note: Note | None = None


class TerritoryIn(Strict):
    country: Country
    postal_prefixes: list[Annotated[str, StringConstraints(max_length=16)]] = Field(
        min_length=1, max_length=1000
    )


class PartnerIn(Strict):
    """`PUT /partners/{partner_id}`."""

    example: ClassVar[dict[str, Any]] = {
        "name": "Fenster Alpin (South Tyrol)",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "working_days": [1, 2, 3, 4, 5],
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        "products": ["windows", "entrance_doors"],
        "active": True,
        "notify_emails": ["sales@fenster-alpin.example"],
        "language": "de",
    }

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _NOT_BLANK
    ]
    country: Country
    subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    timezone: Annotated[
        str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone), _NOT_BLANK
    ]
    working_days: Annotated[
        list[Annotated[StrictInt, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 7})]],
        Field(min_length=1, max_length=7, json_schema_extra={"uniqueItems": True}),
        AfterValidator(_working_days),
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
    # HQ only: an inquiry id, or an e-mail address or last name (issue 13, data subjects).
    q: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
        | None
    ) = None
    partner_id: Id | None = None
    channel: Channel | None = None
    return_reason: ReturnReason | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _days(self) -> Self:
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
    def _period(self) -> Self:
        if self.to < self.from_:
            raise ValueError('"to" is before "from"')
        if (self.to - self.from_).days > 366:
            raise ValueError("the period is longer than a year")
        return self


class SubmissionHeaders(BaseModel):
    """The headers `POST /inquiries` reads (by their names, in any case)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    idempotency_key: Annotated[
        str | None,
        Field(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"^[ -~]+$",  # printable ASCII
            description="The same key with the same body within 72 hours answers as the first "
            "time; with another body it is 409",
        ),
    ] = None


# data subjects (issue 13)


class SubjectQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)

    email: Email


class EraseIn(Strict):
    email: Email
    # Also delete the contacts partners created from these inquiries (the partner asked).
    partner_contacts: bool = False


# contacts (issue 13) ----------------------------------------------------------------------


class ContactsQuery(BaseModel):
    """`GET /contacts`: the address book, or a search of it."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2048)] | None = None


class ContactRowIn(Strict):
    """One row of `POST /contacts/import`: `last_name` and `country` required, the rest may
    be empty (an empty cell arrives as None)."""

    first_name: Name | None = None
    last_name: Name
    email: Email | None = None
    phone: Annotated[str | None, StringConstraints(max_length=40), AfterValidator(_phone)] = None
    street: Text | None = None
    postal_code: PostalCode | None = None
    city: Text | None = None
    country: Country
    company: Text | None = None


class FormQuery(BaseModel):
    """`GET /form`: a dealer's page names its partner; `lang` overrides the browser's."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    partner: Id | None = None
    lang: Literal["de", "it", "en"] | None = None


# partners (issue 13) ----------------------------------------------------------------------


class PartnerPatchIn(Strict):
    """`PATCH /partners/{partner_id}`: the fields of `PartnerIn` to change, each validated
    as there; a field left out keeps its value. Only `subdivision` may be set to null."""

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    country: Country | None = None
    subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    timezone: (
        Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone)]
        | None
    ) = None
    working_days: (
        Annotated[list[StrictInt], Field(min_length=1, max_length=7), AfterValidator(_working_days)]
        | None
    ) = None
    territories: Annotated[list[TerritoryIn], Field(max_length=50)] | None = None
    products: Annotated[list[Product], Field(max_length=100)] | None = None
    active: StrictBool | None = None
    notify_emails: (
        Annotated[
            list[Email], Field(max_length=MAX_NOTIFY_EMAILS), AfterValidator(_distinct_emails)
        ]
        | None
    ) = None
    language: Literal["de", "it", "en"] | None = None

    @field_validator(
        "name",
        "country",
        "timezone",
        "working_days",
        "territories",
        "products",
        "active",
        "notify_emails",
        "language",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value

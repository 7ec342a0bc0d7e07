"""A partner as HQ saves it (`PUT`) or changes it (`PATCH`)."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from inquiries.api.schemas.fields import (
    MAX_NOTIFY_EMAILS,
    NOT_BLANK,
    SINGLE_LINE,
    VISIBLE,
    Country,
    Email,
    Strict,
    check_timezone,
    check_working_days,
    distinct_emails,
    single_line,
    visible,
)
from inquiries.domain.model import (
    Product,
)


class TerritoryIn(Strict):
    country: Country
    postal_prefixes: list[
        Annotated[str, StringConstraints(max_length=16), AfterValidator(single_line), SINGLE_LINE]
    ] = Field(min_length=1, max_length=1000)


# Shown in HQ's console and the mails: one line, something visible (as a contact's name).
PartnerName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(single_line),
    AfterValidator(visible),
    VISIBLE,
]


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

    name: PartnerName
    country: Country
    subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    timezone: Annotated[
        str,
        StringConstraints(min_length=1, max_length=64),
        AfterValidator(check_timezone),
        NOT_BLANK,
    ]
    working_days: Annotated[
        list[Annotated[StrictInt, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 7})]],
        Field(min_length=1, max_length=7, json_schema_extra={"uniqueItems": True}),
        AfterValidator(check_working_days),
    ] = [1, 2, 3, 4, 5]
    territories: list[TerritoryIn] = Field(default=[], max_length=50)
    # Bounded: each wrong item would be one more error in the answer (see requests.parse).
    products: list[Product] = Field(default=[], max_length=100)
    active: StrictBool = True
    notify_emails: Annotated[
        list[Email], Field(max_length=MAX_NOTIFY_EMAILS), AfterValidator(distinct_emails)
    ] = []
    language: Literal["de", "it", "en"] = "en"


# partners (issue 13) ----------------------------------------------------------------------


class PartnerPatchIn(Strict):
    """`PATCH /partners/{partner_id}`: the fields of `PartnerIn` to change, each validated
    as there; a field left out keeps its value. Only `subdivision` may be set to null."""

    name: PartnerName | None = None
    country: Country | None = None
    subdivision: Annotated[str, StringConstraints(max_length=10)] | None = None
    timezone: (
        Annotated[
            str, StringConstraints(min_length=1, max_length=64), AfterValidator(check_timezone)
        ]
        | None
    ) = None
    working_days: (
        Annotated[
            list[StrictInt], Field(min_length=1, max_length=7), AfterValidator(check_working_days)
        ]
        | None
    ) = None
    territories: Annotated[list[TerritoryIn], Field(max_length=50)] | None = None
    products: Annotated[list[Product], Field(max_length=100)] | None = None
    active: StrictBool | None = None
    notify_emails: (
        Annotated[list[Email], Field(max_length=MAX_NOTIFY_EMAILS), AfterValidator(distinct_emails)]
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

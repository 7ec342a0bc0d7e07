"""What partners and HQ send about inquiries: the list's query and the decisions' bodies."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from inquiries.api.schemas.fields import (
    ID_SCHEMA,
    SINGLE_LINE,
    VISIBLE_SCHEMA,
    Day,
    Id,
    Note,
    Strict,
    UserId,
    search_term,
)
from inquiries.domain.model import (
    Channel,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)


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
    # Without a candidate an acceptance creates the contact at once: nothing left to link.
    example_summary: ClassVar[str] = (
        "Works against the demo data of `make run` once `alpin-bz` accepted the example "
        "submission twice: the second acceptance finds the first's contact"
    )

    contact_id: Annotated[Id | None, WithJsonSchema(ID_SCHEMA)] = None
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

    partner_id: Annotated[Id | None, WithJsonSchema(ID_SCHEMA)] = None
    user_id: Annotated[
        UserId | None,
        WithJsonSchema({**VISIBLE_SCHEMA, "minLength": 1, "maxLength": 128}),
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


class ListQuery(BaseModel):
    """`GET /inquiries`: a partner may use `status` only; HQ every filter (docs/api.md)."""

    one_of: ClassVar[tuple[str, ...]] = ("from", "to")
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    status: Status | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2048)] | None = None
    # HQ only: an inquiry id, or an e-mail address or last name (issue 13, data subjects).
    q: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
            AfterValidator(search_term),
            SINGLE_LINE,
        ]
        | None
    ) = None
    partner_id: Id | None = None
    channel: Channel | None = None
    return_reason: ReturnReason | None = None
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None

    @model_validator(mode="after")
    def _days(self) -> Self:
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError('"to" is before "from"')
        return self

"""The website's submission (`POST /inquiries`), its headers, and the form page's query."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from inquiries.api.schemas.fields import (
    PHONE,
    City,
    Country,
    Email,
    Id,
    Message,
    Name,
    PostalCode,
    Street,
    Strict,
    Text,
    check_phone,
)
from inquiries.domain.language import LANGUAGE_TAG, language_tag
from inquiries.domain.model import (
    Product,
)


def _language(value: str) -> str:
    tag = language_tag(value)
    if tag is None:
        raise ValueError(
            "not a language tag of a language, an optional script and an optional region "
            "(such as de, it-IT, en-GB or zh-Hans-CN)"
        )
    return tag


# A language tag (domain/language.py): stored in BCP 47's case (`de-AT`, `zh-Hans-CN`).
LanguageTag = Annotated[
    str,
    AfterValidator(_language),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LANGUAGE_TAG,
            "description": "BCP 47: a language (2 or 3 letters), an optional script "
            "(4 letters) and an optional region (2 letters or 3 digits), as de, it-IT, "
            "en-GB, zh-Hans-CN, es-419",
        }
    ),
]


class ContactIn(Strict):
    first_name: Name | None = None
    last_name: Name
    email: Email
    phone: Annotated[
        str | None,
        StringConstraints(max_length=40),
        AfterValidator(check_phone),
        WithJsonSchema(
            {"anyOf": [{"type": "string", "maxLength": 40, "pattern": PHONE}, {"type": "null"}]}
        ),
    ] = None
    street: Street | None = None
    postal_code: PostalCode
    city: City | None = None
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
    message: Message | None = None
    language: LanguageTag | None = None
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


class FormQuery(BaseModel):
    """`GET /form`: a dealer's page names its partner; `lang` overrides the browser's."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    partner: Id | None = None
    lang: Literal["de", "it", "en"] | None = None

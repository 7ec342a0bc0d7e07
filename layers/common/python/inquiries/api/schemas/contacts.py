"""Partners' contacts (issue 13): the list's query and a row of an imported file."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from inquiries.api.schemas.fields import (
    SINGLE_LINE,
    Country,
    Email,
    Name,
    PostalCode,
    Street,
    Strict,
    Text,
    check_phone,
    search_term,
)


class ContactsQuery(BaseModel):
    """`GET /contacts`: the address book, or a search of it."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    q: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=254),
            AfterValidator(search_term),
            SINGLE_LINE,
        ]
        | None
    ) = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2048)] | None = None


class ContactRowIn(Strict):
    """One row of `POST /contacts/import`: `last_name` and `country` required, the rest may
    be empty (an empty cell arrives as None)."""

    first_name: Name | None = None
    last_name: Name
    email: Email | None = None
    phone: Annotated[str | None, StringConstraints(max_length=40), AfterValidator(check_phone)] = (
        None
    )
    street: Street | None = None
    postal_code: PostalCode | None = None
    city: Text | None = None
    country: Country
    company: Text | None = None

"""Data subjects (issue 13): the look-up's query and the erasure's body."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.

from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
)

from inquiries.api.schemas.fields import (
    EmailToLookUp,
    Strict,
)


class SubjectQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)

    email: EmailToLookUp


class EraseIn(Strict):
    email: EmailToLookUp
    # Also delete the contacts partners created from these inquiries (the partner asked).
    # Strict: it cannot be undone, so only JSON `true` asks for it ("yes", 1: 422).
    partner_contacts: StrictBool = False

"""Request models: what the API accepts, validated by Powertools with pydantic (422 with the
fields at fault).

Their JSON Schemas are the OpenAPI document's: where a validator checks more than a
type, the type says so for the document too (`WithJsonSchema`, `json_schema_extra`), so
generated requests agree with what is accepted. A model's `example` (a class variable)
is the document's example of the body; it works against the demo data of `make run`.

One module per part of the API; `inquiries.api.schemas.<Name>` imports only the module
that defines the model (`_HOME`), so a cold function's first request creates the few
model classes its route validates, not all of them (each costs pydantic a few tenths of
a millisecond). A new model goes into its part's module and into `_HOME`
(`tests/unit/test_request_models.py` checks that every model is there).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inquiries.api.schemas.contacts import ContactRowIn, ContactsQuery
    from inquiries.api.schemas.decisions import (
        AcceptIn,
        AssignIn,
        ContactLinkIn,
        DiscardIn,
        ListQuery,
        ProgressIn,
        RejectIn,
    )
    from inquiries.api.schemas.fields import Strict
    from inquiries.api.schemas.partners import PartnerIn, PartnerPatchIn, TerritoryIn
    from inquiries.api.schemas.reports import ReportQuery
    from inquiries.api.schemas.subjects import EraseIn, SubjectQuery
    from inquiries.api.schemas.submissions import (
        EXAMPLE_SUBMISSION,
        ContactIn,
        FormQuery,
        SubmissionHeaders,
        SubmissionIn,
    )

# Name -> the module of this package that defines it.
_HOME: dict[str, str] = {
    "Strict": "fields",
    "ContactIn": "submissions",
    "EXAMPLE_SUBMISSION": "submissions",
    "SubmissionIn": "submissions",
    "SubmissionHeaders": "submissions",
    "FormQuery": "submissions",
    "AcceptIn": "decisions",
    "RejectIn": "decisions",
    "ContactLinkIn": "decisions",
    "AssignIn": "decisions",
    "DiscardIn": "decisions",
    "ProgressIn": "decisions",
    "ListQuery": "decisions",
    "TerritoryIn": "partners",
    "PartnerIn": "partners",
    "PartnerPatchIn": "partners",
    "ReportQuery": "reports",
    "SubjectQuery": "subjects",
    "EraseIn": "subjects",
    "ContactsQuery": "contacts",
    "ContactRowIn": "contacts",
}

__all__ = [
    "EXAMPLE_SUBMISSION",
    "AcceptIn",
    "AssignIn",
    "ContactIn",
    "ContactLinkIn",
    "ContactRowIn",
    "ContactsQuery",
    "DiscardIn",
    "EraseIn",
    "FormQuery",
    "ListQuery",
    "PartnerIn",
    "PartnerPatchIn",
    "ProgressIn",
    "RejectIn",
    "ReportQuery",
    "Strict",
    "SubjectQuery",
    "SubmissionHeaders",
    "SubmissionIn",
    "TerritoryIn",
]


def __getattr__(name: str) -> Any:
    """A model (or the example submission) from the one module that defines it."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)

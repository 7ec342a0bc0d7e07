"""The route table: every HTTP route, declared once.

Each route names its method and path, who may call it, the function that serves it,
its request model (body or query), its answer, and what can go wrong. Everything
else is derived from this table: the CDK app's routes and authorizer
(`infra/concerns/api.py`), the local gateway (`local/gateway.py`), the Powertools
registration with its validation and the role check of every function
(`api/endpoints.py`, `api/operations.py`), and the OpenAPI document Powertools
generates (`api/openapi.py`). A function that does not serve each of its routes
fails at import.

Models are named, not imported: the request models (pydantic) load when a request
needs them, not at cold start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HQ = "hq"
PARTNER = "partner"
JSON = "application/json"

_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /inquiries/{inquiry_id}
    function: str  # the directory under functions/
    roles: frozenset[str]  # empty: public, no token needed
    summary: str
    operation_id: str
    body: str | None = None  # the request model in api/schemas/
    body_optional: bool = False  # an empty body reads as `{}`
    query: str | None = None  # the query model in api/schemas/; none: no parameters
    # The answer's model in api/answers.py (for the document); None with status 204 only.
    answer: str | None = None
    header: str | None = None  # the model of the headers it reads, in api/schemas/
    status: int = 200
    conflicts: bool = False  # the inquiry's state may not allow it (409)
    csv: bool = False  # the answer can also be text/csv or a spreadsheet (xlsx)
    # A body that is a file rather than JSON (no `body` model): its media type and most bytes.
    content_type: str = JSON
    max_body: int = 256 * 1024

    @property
    def takes_file(self) -> bool:
        """The body is a file of `content_type`, read by the handler (not a JSON model)."""
        return self.content_type != JSON

    @property
    def key(self) -> str:
        """API Gateway's routeKey, e.g. `POST /inquiries/{inquiry_id}/accept`."""
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return not self.roles

    @property
    def parameters(self) -> tuple[str, ...]:
        """The path parameters, in order."""
        return tuple(_PARAMETER.findall(self.path))

    @property
    def rule(self) -> str:
        """The path in Powertools' syntax: /inquiries/<inquiry_id>."""
        return _PARAMETER.sub(r"<\1>", self.path)


_BOTH = frozenset({HQ, PARTNER})
_HQ = frozenset({HQ})
_PARTNER = frozenset({PARTNER})
_PUBLIC: frozenset[str] = frozenset()
_INQUIRY = "/inquiries/{inquiry_id}"

ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/inquiries",
        "intake",
        _PUBLIC,
        "Submit an inquiry (the website)",
        "submitInquiry",
        body="SubmissionIn",
        answer="Submitted",
        header="SubmissionHeaders",
        status=201,
        conflicts=True,  # an Idempotency-Key reused with another body
    ),
    Route("GET", "/openapi.json", "intake", _PUBLIC, "The OpenAPI document", "getOpenApiDocument"),
    Route("GET", "/docs", "intake", _PUBLIC, "Swagger UI", "getSwaggerUi"),
    Route(
        "GET",
        "/docs/{asset}",
        "intake",
        _PUBLIC,
        "Swagger UI's script and style sheet (from the Powertools package in the layer)",
        "getSwaggerAsset",
    ),
    Route(
        "GET",
        "/inquiries",
        "decide",
        _BOTH,
        "List inquiries",
        "listInquiries",
        query="ListQuery",
        answer="InquiryList",
    ),
    Route(
        "GET",
        _INQUIRY,
        "decide",
        _BOTH,
        "One inquiry with its events",
        "getInquiry",
        answer="InquiryChecked",
    ),
    Route(
        "POST",
        f"{_INQUIRY}/accept",
        "decide",
        _PARTNER,
        "Accept a pending inquiry",
        "acceptInquiry",
        body="AcceptIn",
        body_optional=True,
        answer="Accepted",
        conflicts=True,
    ),
    Route(
        "POST",
        f"{_INQUIRY}/reject",
        "decide",
        _PARTNER,
        "Reject a pending inquiry",
        "rejectInquiry",
        body="RejectIn",
        answer="Rejected",
        conflicts=True,
    ),
    Route(
        "POST",
        f"{_INQUIRY}/contact",
        "decide",
        _PARTNER,
        "Link an accepted inquiry to a contact",
        "linkContact",
        body="ContactLinkIn",
        answer="InquiryDetail",
        conflicts=True,
    ),
    Route(
        "POST",
        f"{_INQUIRY}/assign",
        "decide",
        _BOTH,
        "Assign to a partner or a user",
        "assignInquiry",
        body="AssignIn",
        answer="InquiryDetail",
        conflicts=True,
    ),
    Route(
        "POST",
        f"{_INQUIRY}/discard",
        "decide",
        _HQ,
        "Discard an inquiry",
        "discardInquiry",
        body="DiscardIn",
        body_optional=True,
        answer="InquiryDetail",
        conflicts=True,
    ),
    Route(
        "POST",
        f"{_INQUIRY}/progress",
        "decide",
        _PARTNER,
        "Record a progress step",
        "recordProgress",
        body="ProgressIn",
        answer="InquiryDetail",
        conflicts=True,
    ),
    Route(
        "PUT",
        "/partners/{partner_id}",
        "decide",
        _HQ,
        "Create or replace a partner",
        "putPartner",
        body="PartnerIn",
        answer="Partner",
    ),
    Route("GET", "/partners", "decide", _HQ, "List partners", "listPartners", answer="PartnerList"),
    Route(
        "GET",
        "/reports/response-times",
        "report",
        _BOTH,
        "Response-time report",
        "responseTimesReport",
        query="ReportQuery",
        answer="Report",
        csv=True,
    ),
    # data subjects (issue 13)
    Route(
        "GET",
        "/subjects",
        "decide",
        _HQ,
        "Everything held about one person",
        "getSubject",
        query="SubjectQuery",
        answer="Subject",
    ),
    Route(
        "POST",
        "/subjects/erase",
        "decide",
        _HQ,
        "Erase one person's personal data",
        "eraseSubject",
        body="EraseIn",
        answer="Erased",
    ),
    # contacts (issue 13)
    Route(
        "GET",
        "/contacts",
        "contacts",
        _PARTNER,
        "The partner's own contacts, or a search of them",
        "listContacts",
        query="ContactsQuery",
        answer="ContactList",
    ),
    Route(
        "GET",
        "/contacts/{contact_id}",
        "contacts",
        _PARTNER,
        "One of the partner's own contacts",
        "getContact",
        answer="PartnerContact",
    ),
    Route(
        "DELETE",
        "/contacts/{contact_id}",
        "contacts",
        _PARTNER,
        "Erase one of the partner's own contacts from its address book",
        "deleteContact",
        status=204,  # no body
    ),
    Route(
        "POST",
        "/contacts/import",
        "contacts",
        _PARTNER,
        "Import contacts from a CSV file",
        "importContacts",
        answer="ContactImport",
        content_type="text/csv",
        max_body=5 * 1024 * 1024,
    ),
    # the website form (issue 15)
    Route(
        "GET",
        "/form",
        "intake",
        _PUBLIC,
        "The website's inquiry form, as a page (HTML)",
        "getInquiryForm",
        query="FormQuery",
        answer="FormPage",  # text/html, see api/operations.py
    ),
    # partners (issue 13): one partner read and changed in part; who next
    Route(
        "GET",
        "/partners/{partner_id}",
        "decide",
        _HQ,
        "One partner",
        "getPartner",
        answer="Partner",
    ),
    Route(
        "PATCH",
        "/partners/{partner_id}",
        "decide",
        _HQ,
        "Change the fields given of a partner, keep the rest",
        "patchPartner",
        body="PartnerPatchIn",
        answer="Partner",
        conflicts=True,  # changed by someone else more often than it could retry
    ),
    Route(
        "GET",
        f"{_INQUIRY}/suggestions",
        "decide",
        _HQ,
        "Who the routing rule would offer the inquiry to next, best first",
        "inquirySuggestions",
        answer="Suggestions",
        conflicts=True,  # accepted, closed or discarded: no longer offered
    ),
)

# contacts serves the partner's address book apart from decide, sized for its import (issue 12).
# notify serves no route: the table's stream, the reminders and SES's feedback (issue 15).
FUNCTIONS: tuple[str, ...] = ("intake", "decide", "contacts", "expire", "report", "notify")

_BY_KEY = {route.key: route for route in ROUTES}


def route_for(route_key: str) -> Route | None:
    """The route with this routeKey, if there is one."""
    return _BY_KEY.get(route_key)


def routes_of(function: str) -> tuple[Route, ...]:
    """The routes one function serves."""
    return tuple(route for route in ROUTES if route.function == function)

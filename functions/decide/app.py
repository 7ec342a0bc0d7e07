"""decide: partners and HQ look at inquiries and act on them; HQ manages partners.

The routes, their roles and request models are declared in `inquiries.api.routes`;
the caller, the inquiry (404) and the body are checked before a handler runs.
"""

from __future__ import annotations

from inquiries import startup  # noqa: F401  (first: the function starts without garbage collection)

# isort: split
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from inquiries import wiring
from inquiries.api.endpoints import Endpoints, Request
from inquiries.api.resolver import inquiry_id_of
from inquiries.api.views import (
    accepted_view,
    checked_view,
    inquiry_detail,
    inquiry_page,
    partner_from_input,
    partner_patched,
    partner_view,
    rejected_view,
    subject_view,
    suggestions_view,
)
from inquiries.domain.model import Partner
from inquiries.logs import function_logger
from inquiries.service import decisions, partners, subjects, suggestions
from inquiries.service.ports import ListFilter

logger = function_logger()
metrics = Metrics()


def _visible_inquiry(request: Request) -> decisions.Loaded | Partner | None:
    """The inquiry of the path, if the caller may see it (404), before any body is read;
    for a route on one existing partner, that partner (404 before a body's 422)."""
    inquiry_id = request.params.get("inquiry_id")
    if inquiry_id is None:
        if request.route.operation_id in _ONE_PARTNER:
            return partners.get_partner(wiring.dependencies(), request.params["partner_id"])
        return None
    return decisions.load_visible(wiring.dependencies(), inquiry_id_of(inquiry_id), request.caller)


_ONE_PARTNER = frozenset({"getPartner", "patchPartner"})


api = Endpoints("decide", before=_visible_inquiry)
app = api.app


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@api.serves("listInquiries")
def list_inquiries(request: Request) -> dict[str, Any]:
    query = request.query
    filters = ListFilter(
        status=query.status,
        partner_id=query.partner_id,
        channel=query.channel,
        return_reason=query.return_reason,
        created_from=query.from_,
        created_to=query.to,
    )
    page = decisions.list_inquiries(
        wiring.dependencies(),
        request.caller,
        filters=filters,
        limit=query.limit,
        cursor=query.cursor,
        q=query.q,
    )
    return inquiry_page(page, request.caller)


@api.serves("getInquiry")
def get_inquiry(request: Request) -> dict[str, Any]:
    check = decisions.duplicate_check(wiring.dependencies(), request.context, request.caller)
    if check is not None and check.duplicates:
        return checked_view(check, request.caller)
    return inquiry_detail(request.context, request.caller)


@api.serves("acceptInquiry")
def accept(request: Request) -> dict[str, Any]:
    accepted = decisions.accept(wiring.dependencies(), request.context, request.caller)
    _count("InquiriesAccepted")
    return accepted_view(accepted, request.caller)


@api.serves("rejectInquiry")
def reject(request: Request) -> dict[str, Any]:
    body = request.body
    after = decisions.reject(
        wiring.dependencies(), request.context, request.caller, body.reason, body.note
    )
    _count("InquiriesRejected")
    return rejected_view(after, body.reason)


@api.serves("linkContact")
def link_contact(request: Request) -> dict[str, Any]:
    body = request.body
    after = decisions.link_contact(
        wiring.dependencies(),
        request.context,
        request.caller,
        contact_id=body.contact_id,
        new=bool(body.new),
    )
    return inquiry_detail(after, request.caller)


@api.serves("assignInquiry")
def assign(request: Request) -> dict[str, Any]:
    body = request.body
    after = decisions.assign(
        wiring.dependencies(),
        request.context,
        request.caller,
        partner_id=body.partner_id,
        user_id=body.user_id,
    )
    _count("InquiriesAssigned")
    return inquiry_detail(after, request.caller)


@api.serves("discardInquiry")
def discard(request: Request) -> dict[str, Any]:
    after = decisions.discard(
        wiring.dependencies(), request.context, request.caller, request.body.note
    )
    return inquiry_detail(after, request.caller)


@api.serves("recordProgress")
def progress(request: Request) -> dict[str, Any]:
    body = request.body
    after = decisions.record_progress(
        wiring.dependencies(), request.context, request.caller, body.step, body.note
    )
    return inquiry_detail(after, request.caller)


@api.serves("putPartner")
def put_partner(request: Request) -> dict[str, Any]:
    partner_id = request.params["partner_id"]  # an id, or Powertools answered 422 (its Path)
    partner = partners.put_partner(
        wiring.dependencies(), partner_from_input(partner_id, request.body)
    )
    return partner_view(partner)


@api.serves("listPartners")
def list_partners(request: Request) -> dict[str, Any]:
    return {"items": [partner_view(p) for p in partners.list_partners(wiring.dependencies())]}


@api.serves("getSubject")
def get_subject(request: Request) -> dict[str, Any]:
    email = request.query.email
    return subject_view(email, subjects.held(wiring.dependencies(), email), request.caller)


@api.serves("eraseSubject")
def erase_subject(request: Request) -> dict[str, Any]:
    body = request.body
    erased = subjects.erase(
        wiring.dependencies(),
        body.email,
        request.caller,
        partner_contacts=body.partner_contacts,
    )
    _count("SubjectsErased")
    return {"inquiries": erased.inquiries, "contacts": erased.contacts}


@api.serves("getPartner")
def get_partner(request: Request) -> dict[str, Any]:
    return partner_view(request.context)


@api.serves("patchPartner")
def patch_partner(request: Request) -> dict[str, Any]:
    body = request.body
    partner = partners.patch_partner(
        wiring.dependencies(),
        request.params["partner_id"],
        lambda stored: partner_patched(stored, body),
    )
    return partner_view(partner)


@api.serves("inquirySuggestions")
def inquiry_suggestions(request: Request) -> dict[str, Any]:
    return suggestions_view(suggestions.suggestions(wiring.dependencies(), request.context))


handler = api.lambda_handler(logger, metrics)

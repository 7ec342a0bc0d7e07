"""decide: partners and HQ look at inquiries and act on them; HQ manages partners."""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from inquiries import wiring
from inquiries.api.requests import body, parse
from inquiries.api.resolver import caller, inquiry_id_of, make_resolver, query_of
from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Principal
from inquiries.service import decisions, partners

logger = Logger()
metrics = Metrics()
app = make_resolver()

# The request models (pydantic) are imported in the routes that parse a body or a query,
# on first use rather than at import: see docs/performance.md.


def _loaded(inquiry_id: str) -> tuple[Principal, decisions.Loaded]:
    """The caller (401/403), then the inquiry it may see (404), before any body is read."""
    who = caller(app)
    loaded = decisions.load_visible(wiring.dependencies(), inquiry_id_of(inquiry_id), who)
    return who, loaded


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@app.get("/inquiries")
def list_inquiries() -> dict[str, Any]:
    from inquiries.api.schemas import ListQuery  # noqa: PLC0415

    who = caller(app)
    query = parse(ListQuery, query_of(app), "query")
    return decisions.list_inquiries(
        wiring.dependencies(), who, status=query.status, limit=query.limit, cursor=query.cursor
    )


@app.get("/inquiries/<inquiry_id>")
def get_inquiry(inquiry_id: str) -> dict[str, Any]:
    who, loaded = _loaded(inquiry_id)
    return decisions.detail(loaded, who)


@app.post("/inquiries/<inquiry_id>/accept")
def accept(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import AcceptIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    body(AcceptIn, app.current_event.raw_event)  # nothing required, but still checked
    answer = decisions.accept(wiring.dependencies(), loaded, who)
    _count("InquiriesAccepted")
    return answer


@app.post("/inquiries/<inquiry_id>/reject")
def reject(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import RejectIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    request = body(RejectIn, app.current_event.raw_event)
    answer = decisions.reject(wiring.dependencies(), loaded, who, request.reason, request.note)
    _count("InquiriesRejected")
    return answer


@app.post("/inquiries/<inquiry_id>/contact")
def link_contact(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import ContactLinkIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    request = body(ContactLinkIn, app.current_event.raw_event)
    return decisions.link_contact(
        wiring.dependencies(), loaded, who, contact_id=request.contact_id, new=bool(request.new)
    )


@app.post("/inquiries/<inquiry_id>/assign")
def assign(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import AssignIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    request = body(AssignIn, app.current_event.raw_event)
    answer = decisions.assign(
        wiring.dependencies(), loaded, who, partner_id=request.partner_id, user_id=request.user_id
    )
    _count("InquiriesAssigned")
    return answer


@app.post("/inquiries/<inquiry_id>/discard")
def discard(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import DiscardIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    request = body(DiscardIn, app.current_event.raw_event)
    return decisions.discard(wiring.dependencies(), loaded, who, request.note)


@app.post("/inquiries/<inquiry_id>/progress")
def progress(inquiry_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import ProgressIn  # noqa: PLC0415

    who, loaded = _loaded(inquiry_id)
    request = body(ProgressIn, app.current_event.raw_event)
    return decisions.record_progress(wiring.dependencies(), loaded, who, request.step, request.note)


@app.put("/partners/<partner_id>")
def put_partner(partner_id: str) -> dict[str, Any]:
    from inquiries.api.schemas import ID_PATTERN, PartnerIn  # noqa: PLC0415
    from inquiries.api.views import partner_from_input, partner_view  # noqa: PLC0415

    caller(app)
    request = body(PartnerIn, app.current_event.raw_event)

    if not re.fullmatch(ID_PATTERN, partner_id):
        raise ValidationFailed.at(
            "partner_id must be 1 to 64 URL-safe characters", "path", "partner_id", msg="invalid id"
        )
    partner = partners.put_partner(wiring.dependencies(), partner_from_input(partner_id, request))
    return partner_view(partner)


@app.get("/partners")
def list_partners() -> dict[str, Any]:
    from inquiries.api.views import partner_view  # noqa: PLC0415  (it imports the models)

    caller(app)
    return {"items": [partner_view(p) for p in partners.list_partners(wiring.dependencies())]}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

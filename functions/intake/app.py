"""intake: the website submits an inquiry (public), and the API describes itself."""

from __future__ import annotations

from inquiries import startup  # noqa: F401  (first: the function starts without garbage collection)

# isort: split
import hashlib
import hmac
import json
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from inquiries import wiring
from inquiries.api.endpoints import Endpoints, Request
from inquiries.api.resolver import json_response
from inquiries.config import settings
from inquiries.domain.errors import Forbidden
from inquiries.domain.model import Contact
from inquiries.logs import function_logger
from inquiries.service.intake import Submission, submit

logger = function_logger()
metrics = Metrics()

_KEY_HEADER = "idempotency-key"
ORIGIN_HEADER = "x-origin-verify"


def _through_the_edge(request: Request) -> None:
    """On AWS a submission must come through CloudFront, whose WAF limits each client.

    CloudFront adds a secret header to what it sends on (it replaces one a client sends);
    a request to the API's own address lacks it and is refused, so no client can go
    around the per-client rate limit. Locally there is no such setting.
    """
    expected = settings().origin_verify
    if expected is None or request.route.operation_id != "submitInquiry":
        return
    sent = request.headers.get(ORIGIN_HEADER, "")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("submit through the website's address")


api = Endpoints("intake", before=_through_the_edge)
app = api.app


@api.serves("submitInquiry")
def submit_inquiry(request: Request) -> dict[str, Any]:
    # The request models (pydantic, email-validator) load on first use, not at import:
    # see docs/performance.md for what that does and does not save.
    form = request.body
    key = request.headers.get(_KEY_HEADER)  # its form checked by Powertools (the route's header)
    fingerprint = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    submitted = submit(
        wiring.dependencies(),
        Submission(
            product=form.product.value,
            contact=Contact(**form.contact.model_dump()),
            message=form.message,
            language=form.language,
            partner_id=form.partner_id,
            form_trap=form.form_trap,
            form_fill_ms=form.form_fill_ms,
        ),
        idempotency_key=key,
        fingerprint=fingerprint,
    )
    if not submitted.stored:
        metrics.add_metric(name="BotSubmissions", unit=MetricUnit.Count, value=1)
    elif not submitted.replayed:
        metrics.add_metric(name="InquiriesReceived", unit=MetricUnit.Count, value=1)
    return {"id": submitted.inquiry_id, "status": "received"}


@api.serves("getInquiryForm")
def inquiry_form(request: Request) -> Response[str]:
    from inquiries.api import form_page  # noqa: PLC0415  (a small template, loaded when asked for)

    language = form_page.language_of(request.query.lang, request.headers.get("accept-language"))
    page = form_page.render(
        language=language, partner=request.query.partner, privacy_url=settings().privacy_url
    )
    headers = form_page.security_headers()
    headers["Content-Language"] = language
    # The page differs by the browser's language when `?lang=` does not choose it.
    headers["Vary"] = "Accept-Language"
    return Response(
        status_code=200, content_type="text/html; charset=utf-8", body=page, headers=headers
    )


@api.serves("getOpenApiDocument")
def openapi_document(request: Request) -> Response[str]:
    from inquiries.api.openapi import document  # noqa: PLC0415  (built only when asked for)

    return json_response(200, document())


@api.serves("getSwaggerUi")
def swagger_ui(request: Request) -> Response[str]:
    from inquiries.api.openapi import swagger_page  # noqa: PLC0415

    return Response(status_code=200, content_type="text/html; charset=utf-8", body=swagger_page())


@api.serves("getSwaggerAsset")
def swagger_asset(request: Request) -> Response[str]:
    from inquiries.api.openapi import swagger_asset  # noqa: PLC0415
    from inquiries.domain.errors import NotFound  # noqa: PLC0415

    found = swagger_asset(request.params["asset"])
    if found is None:
        raise NotFound("no such file")
    content_type, content = found
    return Response(
        status_code=200,
        content_type=content_type,
        body=content,
        # The files change only with the layer: a day in any cache is fine.
        headers={"Cache-Control": "public, max-age=86400"},
    )


handler = api.lambda_handler(logger, metrics)

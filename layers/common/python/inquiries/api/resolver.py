"""The HTTP API resolver every function shares: error mapping and small helpers."""

from __future__ import annotations

import json
import traceback
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from inquiries.api.errors import Error, RequestError, error_response
from inquiries.api.ids import is_id
from inquiries.api.requests import invalid
from inquiries.domain.errors import DomainError, NotFound

logger = Logger(child=True)
# Where `api/endpoints.py` leaves the checked request in Powertools' context.
REQUEST = "request"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False),
        headers=headers or {},
    )


def _error_answer(error: Error) -> Response[str]:
    status, body, headers = error_response(error)
    if status >= 500:
        logger.warning("dependency unavailable", extra={"error": type(error).__name__})
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


def _unexpected(error: Exception) -> Response[str]:
    # The type and where it happened, not the message: a message could carry input values.
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f"{frame.filename}:{frame.lineno} in {frame.name}" if frame else "unknown"
    logger.error("unexpected error", extra={"error": type(error).__name__, "where": where})
    return json_response(500, {"message": "internal error"})


def _no_route(_: Exception) -> Response[str]:
    # Powertools' own "no route": a path parameter its patterns refuse (a `"`, a NUL, a
    # CR). Without this, the catch-all below would answer its NotFoundError with a 500.
    return _error_answer(NotFound("not found"))


def make_resolver() -> APIGatewayHttpResolver:
    """A resolver whose errors become the statuses of api.md.

    Validation is switched on per route (`api/operations.register`), so the validation
    middleware and pydantic load with the first request, not with the function.
    """
    app = APIGatewayHttpResolver()

    def _invalid(error: RequestValidationError) -> Response[str]:
        # Powertools' own validation: its errors carry the input values, left out here.
        route = app.context[REQUEST].route if REQUEST in app.context else None
        whole: dict[str, tuple[str, ...]] = {}
        if route is not None:
            from inquiries.api.operations import model  # noqa: PLC0415

            for where, name in (("body", route.body), ("query", route.query)):
                if name is not None:
                    whole[where] = getattr(model(name), "one_of", ())
        return _error_answer(invalid(error.errors(), whole))

    app.exception_handler(DomainError)(_error_answer)
    app.exception_handler(RequestError)(_error_answer)
    app.exception_handler(RequestValidationError)(_invalid)
    app.not_found(_no_route)
    app.exception_handler(Exception)(_unexpected)
    return app


def refusal(error: Exception) -> dict[str, Any]:
    """The Lambda answer to a request refused before Powertools resolved it (401-400).

    The shape of what `APIGatewayHttpResolver.resolve` returns for an HTTP API (v2).
    """
    if isinstance(error, DomainError | RequestError):
        answer = _error_answer(error)
    else:
        answer = _unexpected(error)
    return {
        "statusCode": answer.status_code,
        "body": answer.body,
        "isBase64Encoded": False,
        "headers": dict(answer.headers),
        "cookies": [],
    }


def inquiry_id_of(value: str) -> str:
    """A path id that cannot name an inquiry is simply not found."""
    if not is_id(value):
        raise NotFound("inquiry not found")
    return value

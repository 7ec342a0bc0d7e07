"""The HTTP API resolver every function shares: error mapping and small helpers."""

from __future__ import annotations

import json
import re
import traceback
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from inquiries.api.errors import Error, RequestError, error_response
from inquiries.domain.errors import DomainError, NotFound

logger = Logger(child=True)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False),
        headers=headers or {},
    )


def make_resolver() -> APIGatewayHttpResolver:
    """A resolver whose errors become the statuses of api.md."""
    app = APIGatewayHttpResolver()

    def _domain_error(error: Error) -> Response[str]:
        status, body, headers = error_response(error)
        if status >= 500:
            logger.warning("dependency unavailable", extra={"error": type(error).__name__})
        return Response(
            status_code=status, content_type="application/json", body=body, headers=headers
        )

    def _unexpected(error: Exception) -> Response[str]:
        # The type and where it happened, not the message: a message could carry input values.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        where = f"{frame.filename}:{frame.lineno} in {frame.name}" if frame else "unknown"
        logger.error("unexpected error", extra={"error": type(error).__name__, "where": where})
        return json_response(500, {"message": "internal error"})

    def _no_route(_: Exception) -> Response[str]:
        # Powertools' own "no route": a path parameter its patterns refuse (a `"`, a NUL, a
        # CR). Without this, the catch-all below would answer its NotFoundError with a 500.
        return _domain_error(NotFound("not found"))

    app.exception_handler(DomainError)(_domain_error)
    app.exception_handler(RequestError)(_domain_error)
    app.not_found(_no_route)
    app.exception_handler(Exception)(_unexpected)
    return app


def inquiry_id_of(value: str) -> str:
    """A path id that cannot name an inquiry is simply not found."""
    # Not at module level: the request models (pydantic) load when a request needs them.
    from inquiries.api.schemas import ID_PATTERN  # noqa: PLC0415

    if not re.fullmatch(ID_PATTERN, value):  # fullmatch: no trailing newline slips through
        raise NotFound("inquiry not found")
    return value

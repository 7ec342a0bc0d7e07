"""Domain exceptions -> HTTP answers, in one place for every function."""

from __future__ import annotations

import json
from typing import Any

from inquiries.domain.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)

STATUS_OF: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    PayloadTooLarge: 413,
    BadRequest: 400,
    ValidationFailed: 422,
    Conflict: 409,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    for kind, status in STATUS_OF.items():
        if isinstance(error, kind):
            return status
    return 500


def error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"message": error.message}
    if isinstance(error, ValidationFailed):
        body["errors"] = error.errors
        body["fields"] = sorted({".".join(str(p) for p in e["loc"][1:]) for e in error.errors})
    return body


def error_response(error: DomainError) -> tuple[int, str, dict[str, str]]:
    """Status, JSON body and headers of the answer to a domain error."""
    headers = {"Content-Type": "application/json"}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, Unavailable):
        headers["Retry-After"] = "1"
    return status_of(error), json.dumps(error_body(error)), headers

"""Errors -> HTTP answers, in one place for every function.

The domain says what went wrong (`domain/errors.py`); the errors of the request
itself (no token, too large, not JSON) are the API's own, defined here.
"""

from __future__ import annotations

import json
from typing import Any

from inquiries.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Unavailable,
    ValidationFailed,
)


class RequestError(Exception):
    """Something is wrong with the request itself, before the domain sees it."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(RequestError):
    """No or bad credentials."""

    status = 401


class PayloadTooLarge(RequestError):
    """The body is over the limit."""

    status = 413


class UnsupportedMediaType(RequestError):
    """The body is not declared as JSON."""

    status = 415


class BadRequest(RequestError):
    """The body is not JSON."""

    status = 400


# The order of precedence of api.md: 401, 403, 404, 413, 415, 400, 422, 409.
STATUS_OF: dict[type[DomainError], int] = {
    Forbidden: 403,
    NotFound: 404,
    ValidationFailed: 422,
    Conflict: 409,
    Unavailable: 503,
}

Error = DomainError | RequestError


def status_of(error: Error) -> int:
    """The HTTP status of an error (500 for one nobody mapped)."""
    if isinstance(error, RequestError):
        return error.status
    for kind, status in STATUS_OF.items():
        if isinstance(error, kind):
            return status
    return 500


def error_body(error: Error) -> dict[str, Any]:
    """`{"message"}`, and for a 422 the errors and the fields at fault (no input values)."""
    body: dict[str, Any] = {"message": error.message}
    if isinstance(error, ValidationFailed):
        body["errors"] = error.errors
        body["fields"] = sorted({".".join(str(p) for p in e["loc"][1:]) for e in error.errors})
    return body


def error_response(error: Error) -> tuple[int, str, dict[str, str]]:
    """Status, JSON body and headers of the answer to an error."""
    headers = {"Content-Type": "application/json"}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, Unavailable):
        headers["Retry-After"] = "1"
    return status_of(error), json.dumps(error_body(error)), headers

"""Domain exceptions: the API maps each to one HTTP status. Messages carry no personal data."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a caller is told about."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(DomainError):
    """No or bad credentials (401)."""


class Forbidden(DomainError):
    """The caller's role may not use this route (403)."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not see it (404)."""


class PayloadTooLarge(DomainError):
    """The body is over the limit (413)."""


class BadRequest(DomainError):
    """The body is not JSON (400)."""


class ValidationFailed(DomainError):
    """The input is well-formed but wrong (422); `errors` names the fields at fault."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @classmethod
    def at(cls, message: str, *loc: str, msg: str, kind: str = "value_error") -> ValidationFailed:
        """One thing at fault, e.g. `at("...", "body", "partner_id", msg="unknown partner")`."""
        return cls(message, [{"loc": list(loc), "msg": msg, "type": kind}])


class Conflict(DomainError):
    """The inquiry's state does not allow the action (409)."""


class Unavailable(DomainError):
    """A dependency failed or throttled; nothing was changed, try again (503)."""


class ChangeRejected(Exception):
    """The storage refused a conditional write: someone else changed the state first."""

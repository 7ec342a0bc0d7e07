"""What went wrong, in the product's words. Messages carry no personal data.

The domain and the services raise these; how they are told to a caller (the HTTP
status and body) is the API's business (`api/errors.py`).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a caller is told about."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Forbidden(DomainError):
    """The caller may not do this (its role, or the partner it asks about)."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not see it (the same to the caller)."""


class ValidationFailed(DomainError):
    """The input is well-formed but wrong; `errors` names the fields at fault."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @classmethod
    def at(cls, message: str, *loc: str, msg: str, kind: str = "value_error") -> ValidationFailed:
        """One thing at fault, e.g. `at("...", "body", "partner_id", msg="unknown partner")`."""
        return cls(message, [{"loc": list(loc), "msg": msg, "type": kind}])


class Conflict(DomainError):
    """The inquiry's state does not allow the action, or someone changed it first."""


class DeadlinePassed(Conflict):
    """A decision came at or after the deadline: the inquiry is due back at HQ."""


class Unavailable(DomainError):
    """A dependency failed or throttled; nothing was changed, try again."""


class ChangeRejected(Exception):
    """The storage refused a conditional write: someone else changed the state first."""

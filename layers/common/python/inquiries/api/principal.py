"""Who is asking, from the claims API Gateway's JWT authorizer put into the event."""

from __future__ import annotations

from typing import Any

from inquiries.api.errors import Unauthenticated
from inquiries.api.routes import Route
from inquiries.domain.errors import Forbidden
from inquiries.domain.model import Principal, Role


def claims_of(event: dict[str, Any]) -> dict[str, Any] | None:
    """The JWT claims where API Gateway's authorizer puts them; None if anything is amiss."""
    found: Any = event
    for key in ("requestContext", "authorizer", "jwt", "claims"):
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else None


def principal_of(event: dict[str, Any], route: Route) -> Principal:
    """The caller, or Unauthenticated (401) / Forbidden (403) per the route's roles."""
    claims = claims_of(event)
    subject = claims.get("sub") if claims else None
    if not claims or not isinstance(subject, str) or not subject:
        raise Unauthenticated("a valid bearer token is required")
    role_claim = claims.get("custom:role")
    if role_claim not in (Role.HQ.value, Role.PARTNER.value):
        raise Forbidden("your role may not use this route")
    role = Role(role_claim)
    partner_id = claims.get("custom:partner_id") or None
    if role is Role.PARTNER and not isinstance(partner_id, str):
        raise Unauthenticated("a partner token must name its partner organisation")
    if role.value not in route.roles:
        raise Forbidden("your role may not use this route")
    return Principal(
        user_id=subject, role=role, partner_id=partner_id if role is Role.PARTNER else None
    )

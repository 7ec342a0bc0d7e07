"""The route table: every HTTP route, the function that serves it, and who may call it.

The CDK app builds the HTTP API from this table and the local gateway routes
with it, so a route exists in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

HQ = "hq"
PARTNER = "partner"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /inquiries/{inquiry_id}
    function: str  # the directory under functions/
    roles: frozenset[str]  # empty: public, no token needed
    summary: str

    @property
    def key(self) -> str:
        """API Gateway's routeKey, e.g. `POST /inquiries/{inquiry_id}/accept`."""
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return not self.roles


_BOTH = frozenset({HQ, PARTNER})

ROUTES: tuple[Route, ...] = (
    Route("POST", "/inquiries", "intake", frozenset(), "Submit an inquiry (the website)"),
    Route("GET", "/openapi.json", "intake", frozenset(), "The OpenAPI document"),
    Route("GET", "/docs", "intake", frozenset(), "Swagger UI"),
    Route("GET", "/inquiries", "decide", _BOTH, "List inquiries"),
    Route("GET", "/inquiries/{inquiry_id}", "decide", _BOTH, "One inquiry with its events"),
    Route(
        "POST",
        "/inquiries/{inquiry_id}/accept",
        "decide",
        frozenset({PARTNER}),
        "Accept a pending inquiry",
    ),
    Route(
        "POST",
        "/inquiries/{inquiry_id}/reject",
        "decide",
        frozenset({PARTNER}),
        "Reject a pending inquiry",
    ),
    Route(
        "POST",
        "/inquiries/{inquiry_id}/contact",
        "decide",
        frozenset({PARTNER}),
        "Link an accepted inquiry to a contact",
    ),
    Route(
        "POST", "/inquiries/{inquiry_id}/assign", "decide", _BOTH, "Assign to a partner or a user"
    ),
    Route(
        "POST", "/inquiries/{inquiry_id}/discard", "decide", frozenset({HQ}), "Discard an inquiry"
    ),
    Route(
        "POST",
        "/inquiries/{inquiry_id}/progress",
        "decide",
        frozenset({PARTNER}),
        "Record a progress step",
    ),
    Route(
        "PUT", "/partners/{partner_id}", "decide", frozenset({HQ}), "Create or replace a partner"
    ),
    Route("GET", "/partners", "decide", frozenset({HQ}), "List partners"),
    Route("GET", "/reports/response-times", "report", _BOTH, "Response-time report"),
)

FUNCTIONS: tuple[str, ...] = ("intake", "decide", "expire", "report")

_BY_KEY = {route.key: route for route in ROUTES}


def route_for(route_key: str) -> Route | None:
    """The route with this routeKey, if there is one."""
    return _BY_KEY.get(route_key)

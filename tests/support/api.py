"""Drive the functions through real API Gateway HTTP API v2 events, as AWS would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from local.events import http_event, invoke, match


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    text: str


def hq(user: str = "hq-user-1") -> dict[str, str]:
    return {"sub": user, "custom:role": "hq"}


def partner(partner_id: str, user: str | None = None) -> dict[str, str]:
    return {
        "sub": user or f"user-of-{partner_id}",
        "custom:role": "partner",
        "custom:partner_id": partner_id,
    }


def call(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw: bytes | None = None,
    claims: dict[str, Any] | None = None,
    query: dict[str, Any] | list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request through the route table to the function that serves it; a `query` of
    pairs may name a parameter more than once."""
    found = match(method, path)
    assert found is not None, f"no route {method} {path}"
    route, params = found
    payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    event = http_event(
        route,
        path=path,
        path_parameters=params,
        query=urlencode(query or {}),
        headers={"content-type": "application/json", **(headers or {})},
        body=payload,
        claims=claims,
    )
    response = invoke(route.function, event)
    text = response.get("body") or ""
    content_type = response.get("headers", {}).get("Content-Type", "")
    parsed = json.loads(text) if text and content_type.startswith("application/json") else text
    return Answer(response["statusCode"], parsed, response.get("headers", {}), text)


def pages(path: str, claims: dict[str, Any], **query: Any) -> list[list[dict[str, Any]]]:
    """Every page of a list route (`items`, `next`), following `next` until it is null."""
    found: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        answer = call(
            "GET", path, claims=claims, query={**query, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status == 200, (answer.status, answer.text[:400])
        found.append(answer.body["items"])
        cursor = answer.body["next"]
        if cursor is None:
            return found

"""API Gateway HTTP API (payload 2.0) events, built from HTTP requests, and handler invocation.

The local gateway and the integration tests both use this, so the handlers see
what AWS would give them. Routing uses the one route table of the package.
"""

from __future__ import annotations

import base64
import importlib
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from inquiries.api.routes import ROUTES, Route

_PARAM = re.compile(r"\{(\w+)\}")
_TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded")


def _compile(route: Route) -> re.Pattern[str]:
    return re.compile("^" + _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", route.path) + "$")


_PATTERNS = [(route, _compile(route)) for route in ROUTES]


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request and its path parameters, or None."""
    for route, pattern in _PATTERNS:
        found = pattern.match(path)
        if found and route.method == method.upper():
            return route, found.groupdict()
    return None


def path_exists(path: str) -> bool:
    return any(pattern.match(path) for _, pattern in _PATTERNS)


def template_of(path: str) -> str | None:
    """The route template (`/inquiries/{inquiry_id}`) a path matches, whatever the method;
    None for a path of no route. A route without parameters goes first (`/contacts/import`
    before `/contacts/{contact_id}`)."""
    matching = [route.path for route, pattern in _PATTERNS if pattern.match(path)]
    return path if path in matching else next(iter(matching), None)


def http_event(
    route: Route,
    *,
    path: str,
    path_parameters: Mapping[str, str] | None = None,
    query: str = "",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    claims: Mapping[str, Any] | None = None,
    source_ip: str = "127.0.0.1",
    stage: str = "$default",
) -> dict[str, Any]:
    """An HTTP API payload 2.0 event as API Gateway would deliver it."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    now = datetime.now(UTC)
    query_params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        # API Gateway joins repeated parameters with commas.
        query_params[key] = f"{query_params[key]},{value}" if key in query_params else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    content_type = lowered.get("content-type", "application/json")
    is_text = body is None or any(content_type.startswith(t) for t in _TEXT_TYPES)
    encoded_body: str | None = None
    if body:
        try:
            encoded_body = body.decode("utf-8") if is_text else None
        except UnicodeDecodeError:
            encoded_body = None
        if encoded_body is None:
            is_text = False
            encoded_body = base64.b64encode(body).decode()
    request_id = uuid.uuid4().hex
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": route.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.key,
            "stage": stage,
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if cookies:
        event["cookies"] = cookies
    if query_params:
        event["queryStringParameters"] = query_params
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if encoded_body is not None:
        event["body"] = encoded_body
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": dict(claims), "scopes": None}}
    return event


@dataclass
class LambdaContext:
    """What the handlers read of Lambda's context object."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 256
    deadline_ms: float = 0.0

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:eu-central-1:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.deadline_ms - time.time() * 1000))


def handler_of(function: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The handler of functions/<function>/app.py, as Lambda would import it."""
    module = importlib.import_module(f"functions.{function}.app")
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = module.handler
    return handler


def invoke(function: str, event: dict[str, Any], timeout_s: float = 30.0) -> dict[str, Any]:
    """Call a function's handler with the event and a Lambda-like context."""
    context = LambdaContext(
        function_name=f"inquiries-{function}",
        aws_request_id=str(uuid.uuid4()),
        deadline_ms=time.time() * 1000 + timeout_s * 1000,
    )
    return handler_of(function)(event, context)

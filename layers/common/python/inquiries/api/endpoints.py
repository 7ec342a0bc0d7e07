"""A function's HTTP endpoints, registered from the route table with one pipeline.

    api = Endpoints("decide", before=load_the_inquiry)

    @api.serves("rejectInquiry")
    def reject(request: Request) -> dict[str, Any]: ...

    handler = api.lambda_handler(logger, metrics)  # at the end: every route is served

Every request goes through the same steps, in the order of precedence of api.md
(401, 403, 404, 413, 415, 400, 422, then what the handler decides, such as 409):

1. the caller and its role, per the route's roles (public routes skip it);
2. the function's `before` step (decide: the inquiry the caller may see, else 404);
3. the body, if the route takes one: size, media type, JSON; query names the route
   does not take, or given more than once (422);
4. Powertools' own validation (`enable_validation`): the query's model, then the body's,
   from the typed signature `api/operations.py` generates from the route's models;
   its `RequestValidationError` becomes the sanitised 422 of `api/resolver.py`.

Steps 1-3 run before `app.resolve()`, found by the event's routeKey, because
Powertools runs its validation before any middleware and the contract answers
401/403/404/413/415/400 first. So a handler cannot forget the role check or skip
validation: it gets a `Request` whose caller, body and query are checked already.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from inquiries.api.operations import BODY, QUERY, register
from inquiries.api.principal import principal_of
from inquiries.api.requests import (
    json_body,
    query_names,
    query_of,
    refuse_unknown,
    repeated_names,
)
from inquiries.api.resolver import REQUEST, make_resolver, refusal
from inquiries.api.routes import Route, route_for, routes_of
from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Principal

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics


@dataclass
class Request:
    """One request, checked: the caller, the validated body and query."""

    route: Route
    event: dict[str, Any]
    params: dict[str, str]
    who: Principal | None  # None on public routes
    raw_query: dict[str, str]
    context: Any = None  # what the function's `before` step found
    data: Any = None  # the body as JSON, as sent
    body: Any = None  # the body's model
    query: Any = None  # the query's model
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def caller(self) -> Principal:
        """The authenticated caller (routes with roles only)."""
        assert self.who is not None, f"{self.route.key} is public"
        return self.who


def _path_parameters(route: Route, event: dict[str, Any]) -> dict[str, str]:
    """API Gateway's path parameters; read from the path if an event lacks them."""
    given = event.get("pathParameters")
    if given or not route.parameters:
        return dict(given or {})
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path))
    found = re.fullmatch(pattern, str(event.get("rawPath", "")))
    return {k: unquote(v) for k, v in found.groupdict().items()} if found else {}


Handler = Callable[[Request], Any]
Before = Callable[[Request], Any]


class Endpoints:
    """The routes of one function on one Powertools resolver."""

    def __init__(self, function: str, before: Before | None = None) -> None:
        self.function = function
        self.app: APIGatewayHttpResolver = make_resolver()
        self._routes = {route.operation_id: route for route in routes_of(function)}
        self._served: set[str] = set()
        self._before = before

    def serves(self, operation_id: str) -> Callable[[Handler], Handler]:
        """Register the handler of the route with this operation id."""
        route = self._routes[operation_id]

        def register_handler(handler: Handler) -> Handler:
            def endpoint(**values: Any) -> Any:
                request: Request = self.app.context[REQUEST]
                request.body = values.get(BODY)  # never None: an empty body is sent as `{}`
                request.query = values.get(QUERY)
                answer = handler(request)
                # A plain answer gets the route's status; a Response is sent as it is.
                return answer if isinstance(answer, Response) else (answer, route.status)

            register(self.app, route, endpoint)
            self._served.add(operation_id)
            return handler

        return register_handler

    def complete(self) -> None:
        """Fail at import if a route of the table has no handler here."""
        missing = sorted(set(self._routes) - self._served)
        if missing:
            raise RuntimeError(f"{self.function} does not serve {', '.join(missing)}")

    def lambda_handler(
        self, logger: Logger, metrics: Metrics
    ) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """The function's Lambda entry point, once every route has its handler (`complete`):
        the start ends after the first call (`inquiries.startup`), with the function's
        logger (its Lambda context, cleared per call) and its metrics flushed per call."""
        from inquiries import startup  # noqa: PLC0415  (imported first by the function)

        self.complete()

        @startup.ends_after_first_call
        @logger.inject_lambda_context(clear_state=True)
        @metrics.log_metrics
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            return self.resolve(event, context)

        return handler

    def _check(self, route: Route, event: dict[str, Any]) -> tuple[Request, dict[str, Any]]:
        """Steps 1-3; the request, and the event as Powertools is to validate it."""
        query = query_of(event)
        request = Request(
            route=route,
            event=event,
            params=_path_parameters(route, event),
            who=None if route.public else principal_of(event, route),
            raw_query=query,
            headers={k.lower(): v for k, v in (event.get("headers") or {}).items()},
        )
        if self._before is not None:
            request.context = self._before(request)
        if route.body is not None:
            request.data = json_body(event)  # 413, 415, 400
            # Powertools reads the body as checked here: JSON (an empty body is `{}`),
            # whatever the case of its media type or its transfer encoding.
            headers = {k: v for k, v in request.headers.items() if k != "content-type"}
            event = {
                **event,
                "body": json.dumps(request.data),
                "isBase64Encoded": False,
                "headers": {**headers, "content-type": "application/json"},
            }
        elif route.takes_file:  # contacts (issue 13): a CSV file, as bytes
            from inquiries.api.uploads import upload  # noqa: PLC0415

            request.data = upload(event, route)  # 413, 415
        if route.query is None:
            refuse_unknown(query, frozenset())
        else:
            from inquiries.api.operations import model  # noqa: PLC0415

            refuse_unknown(query, query_names(model(route.query)), repeated_names(event))
        if route.body is not None and not isinstance(request.data, dict):
            # Checked here: Powertools would read `[{...}]` as its first item (form fields).
            raise ValidationFailed.at(
                "the body must be a JSON object",
                "body",
                msg="expected an object",
                kind="object_type",
            )
        return request, event

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Answer one API Gateway event."""
        route = route_for(str(event.get("routeKey", "")))
        if route is None or route.function != self.function:
            return self.app.resolve(event, context)  # Powertools' "no route" (404)
        try:
            request, checked = self._check(route, event)
        except Exception as error:  # refusal maps and logs every kind
            return refusal(error)
        self.app.context[REQUEST] = request
        return self.app.resolve(checked, context)

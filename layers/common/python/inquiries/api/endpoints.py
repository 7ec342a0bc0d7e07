"""A function's HTTP endpoints, registered from the route table with one pipeline.

    api = Endpoints("decide", before=load_the_inquiry)

    @api.serves("rejectInquiry")
    def reject(request: Request) -> dict[str, Any]: ...

    api.complete()  # at the end of the module: every route of the function is served

Every request goes through the same steps, in the order of precedence of api.md
(401, 403, 404, 413, 415, 400, 422, then what the handler decides, such as 409):

1. the caller and its role, per the route's roles (public routes skip it);
2. the function's `before` step (decide: the inquiry the caller may see, else 404);
3. the body, if the route takes one: size, media type, JSON;
4. the query: names the route does not take, then its model; then the body's model.

So a handler cannot forget the role check or skip validation: it gets a `Request`
whose caller, body and query are checked already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from inquiries.api.principal import principal_of
from inquiries.api.requests import json_body, parse, query_names, query_of, refuse_unknown
from inquiries.api.resolver import json_response, make_resolver
from inquiries.api.routes import Route, routes_of
from inquiries.domain.model import Principal


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


Handler = Callable[[Request], Any]
Before = Callable[[Request], Any]


def _model(name: str) -> Any:
    # The request models (pydantic) load with the first request that needs them.
    from inquiries.api import schemas  # noqa: PLC0415

    return getattr(schemas, name)


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

        def register(handler: Handler) -> Handler:
            def endpoint(**params: str) -> Any:
                return self._answer(route, handler(self._request(route, params)))

            endpoint.__name__ = handler.__name__
            self.app.route(route.rule, route.method)(endpoint)
            self._served.add(operation_id)
            return handler

        return register

    def complete(self) -> None:
        """Fail at import if a route of the table has no handler here."""
        missing = sorted(set(self._routes) - self._served)
        if missing:
            raise RuntimeError(f"{self.function} does not serve {', '.join(missing)}")

    def _request(self, route: Route, params: dict[str, str]) -> Request:
        event = self.app.current_event.raw_event
        who = None if route.public else principal_of(event, route)
        query = query_of(event)
        request = Request(
            route=route,
            event=event,
            params=params,
            who=who,
            raw_query=query,
            headers={k.lower(): v for k, v in (event.get("headers") or {}).items()},
        )
        if self._before is not None:
            request.context = self._before(request)
        if route.body is not None:
            request.data = json_body(event)  # 413, 415, 400
        elif route.takes_file:  # contacts (issue 13): a CSV file, as bytes
            from inquiries.api.uploads import upload  # noqa: PLC0415

            request.data = upload(event, route)  # 413, 415
        # 422s: the query's names and values, then the body's.
        if route.query is None:
            refuse_unknown(query, frozenset())
        else:
            model = _model(route.query)
            refuse_unknown(query, query_names(model))
            request.query = parse(model, query, "query")
        if route.body is not None:
            request.body = parse(_model(route.body), request.data)
        return request

    @staticmethod
    def _answer(route: Route, answer: Any) -> Any:
        # A plain answer gets the route's status; a Response is sent as it is.
        if isinstance(answer, Response) or route.status == 200:
            return answer
        return json_response(route.status, answer)

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Answer one API Gateway event."""
        return self.app.resolve(event, context)

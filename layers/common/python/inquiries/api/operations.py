"""A route of the table as a Powertools operation: its typed signature and its answers.

Powertools validates a request (`enable_validation`) and describes it in the OpenAPI
document from the handler's signature: `Body()`, `Query()` and `Path()` parameters
typed with pydantic models. The handlers of this package keep one interface
(`@api.serves` and a `Request`), so the signature Powertools reads is generated
here from the route's named models, and every function (and the OpenAPI document,
which registers all four functions' routes the same way) goes through `register`.

The signature is built when Powertools first asks for it, on the first request,
so pydantic and the request models stay out of the functions' import.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from inquiries.api.ids import ID_MAX_LENGTH, ID_PATTERN
from inquiries.api.requests import MAX_BODY_BYTES
from inquiries.api.routes import HQ, PARTNER, Route

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

BEARER = "bearer"
_DEMO = "Works against the demo data of `make run`"
# The names of the body's, the query's and the headers' parameters in the generated
# signature; the 422 handler drops them from an error's location (`query.query.limit`
# -> `query.limit`).
BODY, QUERY, HEADER = "body", "query", "header"

ERRORS: dict[int, str] = {
    400: "The body is not JSON",
    401: "No bearer token, or not a valid one",
    403: "The caller's role may not use this route",
    404: "No such inquiry, partner (or file), or one the caller may not see",
    409: "The inquiry's state does not allow it, or the Idempotency-Key was used with another body",
    413: f"The body is over {MAX_BODY_BYTES // 1024} KiB",
    415: "The body is not sent as `Content-Type: application/json`",
    422: "Validation failed, or a query parameter the route does not take; `fields` names "
    "the fields at fault",
    503: "The service or one of its dependencies failed; retry later",
}
# Documented as the range `5XX` (`api/openapi.py`): API Gateway answers 500, 503 or 504
# on its own when the function fails or times out. Powertools' models take numbers only.
SERVER_ERRORS = 503
NO_CONTENT = 204


def model(name: str) -> Any:
    """A model of `api/schemas/` (request) or `api/answers.py` (answer) by its name."""
    from inquiries.api import schemas  # noqa: PLC0415  (pydantic: first request)

    found = getattr(schemas, name, None)
    if found is None:
        # The answer models describe the document only: a request never imports them.
        from inquiries.api import answers  # noqa: PLC0415

        found = getattr(answers, name, None)
    if found is None:
        raise LookupError(f"no model {name} in api/schemas/ or api/answers.py")
    return found


def typed_signature(route: Route, described: bool = False) -> inspect.Signature:
    """The signature Powertools validates and documents: path, query and body, typed.

    `described`: with the body's example (the document's; the functions need none).
    """
    from aws_lambda_powertools.event_handler.openapi.params import (  # noqa: PLC0415
        Body,
        Header,
        Path,
        Query,
    )

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        # An `..._id` names a stored thing: the pattern of ids (an inquiry's is checked
        # before, as a 404; a new partner's here, as a 422).
        inspect.Parameter(
            name,
            keyword,
            annotation=(
                Annotated[str, Path(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
                if name.endswith("_id")
                else str
            ),
        )
        for name in route.parameters
    ]
    if route.query is not None:
        parameters.append(
            inspect.Parameter(QUERY, keyword, annotation=Annotated[model(route.query), Query()])
        )
    if route.header is not None:
        parameters.append(
            inspect.Parameter(HEADER, keyword, annotation=Annotated[model(route.header), Header()])
        )
    if route.body is not None:
        body = model(route.body)
        example = getattr(body, "example", None) if described else None
        examples = None
        if example is not None:
            from aws_lambda_powertools.event_handler.openapi.models import Example  # noqa: PLC0415

            summary = getattr(body, "example_summary", _DEMO)
            examples = {"demo": Example(summary=summary, value=example)}
        if route.body_optional:
            annotation: Any = Annotated[body | None, Body(openapi_examples=examples)]
            parameters.append(inspect.Parameter(BODY, keyword, annotation=annotation, default=None))
        else:
            annotation = Annotated[body, Body(openapi_examples=examples)]
            parameters.append(inspect.Parameter(BODY, keyword, annotation=annotation))
    return inspect.Signature(parameters)


class Operation:
    """What Powertools calls for one route: `call(**validated values)`.

    Its `__signature__` (what `inspect.signature` reads) is typed from the route's models,
    built on first use.
    """

    def __init__(self, route: Route, call: Callable[..., Any], described: bool = False) -> None:
        self.route = route
        self.call = call
        self.described = described
        self.__name__ = route.operation_id
        self.__qualname__ = route.operation_id

    @cached_property
    def __signature__(self) -> inspect.Signature:
        return typed_signature(self.route, self.described)

    def __call__(self, **values: Any) -> Any:
        return self.call(**values)


# The answers that are no JSON: the API's own description.
_DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "getOpenApiDocument": ("This document", {"application/json": {"schema": {"type": "object"}}}),
    "getInquiryForm": (
        "The page with the `<inquiry-form>` element",
        {"text/html": {"schema": {"type": "string"}}},
    ),
    "getSwaggerUi": (
        "A Swagger UI of this API",
        {"text/html": {"schema": {"type": "string"}}},
    ),
    "getSwaggerAsset": (
        "The file",
        {
            "text/javascript": {"schema": {"type": "string"}},
            "text/css": {"schema": {"type": "string"}},
        },
    ),
}


def _content(route: Route) -> dict[str, Any]:
    if route.operation_id in _DOCUMENTS:
        return _DOCUMENTS[route.operation_id][1]
    assert route.answer is not None, f"{route.key} declares no answer"
    content: dict[str, Any] = {"application/json": {"model": model(route.answer)}}
    if route.csv:
        content["text/csv"] = {"schema": {"type": "string"}}
        content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
            "schema": {"type": "string", "format": "binary"}
        }
    return content


def error_statuses(route: Route) -> list[int]:
    """What can go wrong on a route, in the order of precedence of api.md."""
    statuses = [401, 403] if not route.public else []
    # One inquiry, one of the partner's contacts, or one existing partner (PUT creates one:
    # no 404 there), or a file.
    if (
        "inquiry_id" in route.parameters
        or "contact_id" in route.parameters
        or ("partner_id" in route.parameters and route.method != "PUT")
        or route.operation_id == "getSwaggerAsset"
    ):
        statuses.append(404)
    if route.body or route.takes_file:
        statuses += [413, 415, 400]
    statuses.append(422)  # every route refuses query parameters it does not take
    if route.conflicts:
        statuses.append(409)
    return [*statuses, SERVER_ERRORS]


def responses(route: Route) -> dict[int, Any]:
    """The route's answers for the OpenAPI document (built when the document is asked for)."""
    error, invalid = model("Error"), model("ValidationFailedAnswer")
    described = _DOCUMENTS.get(route.operation_id, ("Done", None))[0]
    answers: dict[int, Any] = {
        # 204: no body, so no content to describe.
        route.status: {"description": described}
        if route.status == NO_CONTENT
        else {"description": described, "content": _content(route)},
    }
    for status in error_statuses(route):
        answers[status] = {
            "description": ERRORS[status],
            "content": {"application/json": {"model": invalid if status == 422 else error}},
        }
    return answers


def who(route: Route) -> str:
    """Who may call the route, for the document."""
    if route.public:
        return "Public: no token needed."
    names = {HQ: "HQ", PARTNER: "partners"}
    return "For " + " and ".join(names[r] for r in sorted(route.roles)) + "."


def tag(route: Route) -> str:
    """The route's group in the document: its first path segment (`docs` for the docs)."""
    first = route.path.split("/")[1]
    return "docs" if first in ("docs", "openapi.json") else first


def validated(route: Route) -> bool:
    """Whether Powertools validates the route's requests: it names a model to validate."""
    return any(name is not None for name in (route.body, route.query, route.header))


def register(
    app: APIGatewayHttpResolver,
    route: Route,
    call: Callable[..., Any],
    *,
    described: bool = False,
) -> None:
    """Register the route on a Powertools resolver, validated by Powertools.

    `described`: with the answers and descriptions of the OpenAPI document (they import
    the models, so the functions leave them out and only the document's resolvers add them).
    """
    extra: dict[str, Any] = {}
    if described:
        extra = {
            "responses": responses(route),
            "description": who(route),
            "tags": [tag(route)],
            "security": None if route.public else [{BEARER: []}],
        }
    app.route(
        route.rule,
        route.method,
        summary=route.summary,
        operation_id=route.operation_id,
        status_code=route.status,  # of a plain (dict) answer
        # A route that names no model has nothing for Powertools to validate (its path ids
        # are checked where they are looked up): it does not load pydantic at all.
        enable_validation=described or validated(route),
        **extra,
    )(Operation(route, call, described))

"""Every route of the one route table, as declared: who may call it, what it takes.

The role check is part of every function's pipeline (`api/endpoints.py`), not of
each handler; these tests walk the table, so a new route is checked the day it
is declared.
"""

from __future__ import annotations

from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock
from inquiries.api import schemas
from inquiries.api.routes import HQ, PARTNER, ROUTES, Route

from local import demo as local_demo
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

CLAIMS = {HQ: hq(), PARTNER: partner(SOUTH_TYROL)}
PROTECTED = [route for route in ROUTES if not route.public]


@pytest.fixture
def pending(aws: dict[str, Any], clock: FixedClock) -> str:
    put_partners(SOUTH_TYROL, BAVARIA)
    return submit()


def _path(route: Route, inquiry_id: str) -> str:
    # An existing partner: a route on one partner answers 404 for an unknown one first.
    return route.path.format(
        inquiry_id=inquiry_id, partner_id=SOUTH_TYROL, asset="swagger-ui.css", contact_id="c-none"
    )


def test_the_table_declares_every_route_once_with_an_operation_and_an_answer() -> None:
    keys = [route.key for route in ROUTES]
    operations = [route.operation_id for route in ROUTES]
    assert len(set(keys)) == len(keys)
    assert len(set(operations)) == len(operations)
    for route in ROUTES:
        assert route.roles <= {HQ, PARTNER}, route.key
        if route.body or route.query:
            assert route.answer, f"{route.key} takes input but declares no answer"


def test_every_route_with_roles_is_401_without_a_token(pending: str) -> None:
    for route in PROTECTED:
        answer = call(route.method, _path(route, pending), body={"x": 1}, claims=None)
        assert answer.status == 401, f"{route.key}: {answer.text}"
        assert answer.headers.get("WWW-Authenticate") == "Bearer"
    assert view(pending)["status"] == "pending"


def test_every_route_is_403_for_each_role_it_does_not_list(pending: str) -> None:
    checked = 0
    for route in PROTECTED:
        for role in {HQ, PARTNER} - route.roles:
            answer = call(route.method, _path(route, pending), body={}, claims=CLAIMS[role])
            assert answer.status == 403, f"{role} on {route.key}: {answer.text}"
            checked += 1
        answer = call(
            route.method, _path(route, pending), claims={"sub": "u", "custom:role": "admin"}
        )
        assert answer.status == 403, f"an unknown role on {route.key}: {answer.text}"
    assert checked >= 6  # partners-only and HQ-only routes exist
    assert view(pending)["status"] == "pending"


def test_every_route_lets_each_role_it_lists_past_the_role_check(pending: str) -> None:
    for route in PROTECTED:
        for role in route.roles:
            # An empty body: the answer may be 2xx, 404, 409 or 422, never 401/403.
            answer = call(route.method, _path(route, pending), claims=CLAIMS[role])
            assert answer.status not in (401, 403), f"{role} on {route.key}: {answer.text}"


# --- 415: the body must be JSON --------------------------------------------------------------


def test_a_body_that_is_not_declared_json_is_415_and_changes_nothing(pending: str) -> None:
    form = b'{"reason": "spam"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        answer = call(
            "POST",
            f"/inquiries/{pending}/reject",
            raw=form,
            claims=partner(SOUTH_TYROL),
            headers={"content-type": content_type},
        )
        assert answer.status == 415, f"{content_type}: {answer.text}"
        assert answer.body == {"message": "the body must be JSON (Content-Type: application/json)"}
    submitted = call("POST", "/inquiries", raw=b"{}", headers={"content-type": "text/plain"})
    assert submitted.status == 415
    assert view(pending)["status"] == "pending"


def test_json_with_parameters_or_in_capitals_is_json(pending: str) -> None:
    for content_type in ("application/json; charset=utf-8", "Application/JSON"):
        answer = call(
            "POST",
            f"/inquiries/{pending}/progress",
            raw=b'{"step": "contacted"}',
            claims=partner(SOUTH_TYROL),
            headers={"content-type": content_type},
        )
        assert answer.status == 409, f"{content_type}: {answer.text}"  # pending: no progress


def test_415_comes_after_401_403_404_413_and_before_400_and_422(pending: str) -> None:
    text = {"content-type": "text/plain"}
    st, by = partner(SOUTH_TYROL), partner(BAVARIA)
    cases = [
        ("no token", None, pending, b"x", 401),
        ("role", hq(), pending, b"x", 403),
        ("not found", by, pending, b"x", 404),
        ("too large", st, pending, b"x" * 300_000, 413),
        ("not json, not declared json", st, pending, b"{oops", 415),
        ("invalid, not declared json", st, pending, b'{"reason": "maybe"}', 415),
    ]
    for case, claims, inquiry_id, raw, expected in cases:
        answer = call(
            "POST", f"/inquiries/{inquiry_id}/reject", raw=raw, claims=claims, headers=text
        )
        assert answer.status == expected, f"{case}: {answer.status} {answer.text[:200]}"
    # Without a body there is nothing to type: an optional body may be left out.
    empty = call("POST", f"/inquiries/{pending}/accept", raw=b"", claims=st, headers=text)
    assert empty.status == 200, empty.text


# --- 422: unknown query parameters -----------------------------------------------------------


def test_an_unknown_query_parameter_is_422_naming_it_on_every_route(pending: str) -> None:
    for route in ROUTES:
        claims = None if route.public else CLAIMS[sorted(route.roles)[0]]
        answer = call(
            route.method,
            _path(route, pending),
            body={} if route.body else None,
            claims=claims,
            query={"colour": "red", "sort": "x"},
            headers={"content-type": route.content_type},  # a file route takes its own type
        )
        assert answer.status == 422, f"{route.key}: {answer.text}"
        assert answer.body["fields"] == ["colour", "sort"], route.key
        assert "red" not in answer.text  # the names, never the values
    assert view(pending)["status"] == "pending"


def test_known_query_parameters_still_work_next_to_the_check(pending: str) -> None:
    listed = call("GET", "/inquiries", claims=hq(), query={"status": "pending", "limit": 5})
    assert listed.status == 200
    assert [i["id"] for i in listed.body["items"]] == [pending]
    report = call(
        "GET",
        "/reports/response-times",
        claims=hq(),
        query={"from": "2026-03-01", "to": "2026-03-31", "colour": "red"},
    )
    assert report.status == 422
    assert report.body["fields"] == ["colour"]


# --- Swagger UI without a CDN ----------------------------------------------------------------


def test_swagger_ui_loads_its_files_from_the_function_not_a_cdn(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SWAGGER_ASSETS_URL", raising=False)
    page = call("GET", "/docs")
    assert page.status == 200
    assert "https://" not in page.text and "http://" not in page.text
    assert 'src="docs/swagger-ui-bundle.js"' in page.text
    assert 'href="docs/swagger-ui.css"' in page.text

    script = call("GET", "/docs/swagger-ui-bundle.js")
    assert script.status == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in script.text
    style = call("GET", "/docs/swagger-ui.css")
    assert style.status == 200
    assert style.headers["Content-Type"].startswith("text/css")
    assert ".swagger-ui" in style.text

    for name in ("app.py", "..%2Fapp.py", "swagger-ui-bundle.min.js", "oauth2.py"):
        assert call("GET", f"/docs/{name}").status == 404, name


# --- the document's examples work against the demo data ------------------------------------


def test_every_request_example_is_valid_and_the_submission_reaches_a_demo_partner(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    document = call("GET", "/openapi.json").body
    examples = {}
    for route in ROUTES:
        if route.body:
            operation = document["paths"][route.path][route.method.lower()]
            # Powertools writes a body's examples as the media type's named `examples`.
            named = operation["requestBody"]["content"]["application/json"].get("examples", {})
            if named:
                example = named["demo"]["value"]
                getattr(schemas, route.body).model_validate(example)  # raises if not valid
                examples[route.operation_id] = example
    assert {"submitInquiry", "putPartner", "assignInquiry"} <= set(examples)

    for partner_id, body in local_demo.PARTNERS.items():
        assert call("PUT", f"/partners/{partner_id}", body=body, claims=hq()).status == 200
    submitted = call("POST", "/inquiries", body=examples["submitInquiry"])
    assert submitted.status == 201, submitted.text
    inquiry = call("GET", f"/inquiries/{submitted.body['id']}", claims=hq()).body
    assert (inquiry["status"], inquiry["partner_id"]) == ("pending", local_demo.SOUTH_TYROL)
    accepted = call(
        "POST",
        f"/inquiries/{submitted.body['id']}/accept",
        body=examples["acceptInquiry"],
        claims=partner(local_demo.SOUTH_TYROL),
    )
    assert accepted.status == 200, accepted.text
    # The link example needs a candidate: the same person's second inquiry finds the
    # contact the first acceptance made (its summary says so).
    again = call("POST", "/inquiries", body=examples["submitInquiry"]).body["id"]
    call("POST", f"/inquiries/{again}/accept", claims=partner(local_demo.SOUTH_TYROL))
    linked = call(
        "POST",
        f"/inquiries/{again}/contact",
        body=examples["linkContact"],
        claims=partner(local_demo.SOUTH_TYROL),
    )
    assert linked.status == 200, linked.text
    link = document["paths"]["/inquiries/{inquiry_id}/contact"]["post"]["requestBody"]
    assert "twice" in link["content"]["application/json"]["examples"]["demo"]["summary"]


# --- the document: Powertools' own, from every route's models --------------------------------


def test_the_document_describes_every_route_with_its_models() -> None:
    from inquiries.api import answers, openapi  # noqa: PLC0415

    document = openapi.document()
    schemas_ = document["components"]["schemas"]
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert operation["operationId"] == route.operation_id
        if route.body:
            body = operation["requestBody"]
            assert body.get("required", False) is not route.body_optional, route.key
            assert f"#/components/schemas/{route.body}" in str(body), route.key
            assert route.body in schemas_
        if route.query:
            model = getattr(schemas, route.query)
            names = {field.alias or name for name, field in model.model_fields.items()}
            documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
            assert documented == names, route.key
        if route.status == 204:  # no body: nothing to describe
            assert "content" not in operation["responses"]["204"], route.key
            continue
        content = operation["responses"][str(route.status)]["content"]
        if route.answer and "application/json" in content:  # not a page (`FormPage`: HTML)
            assert getattr(answers, route.answer, None) is not None, route.key
            done = content["application/json"]
            assert done["schema"] == {"$ref": f"#/components/schemas/{route.answer}"}, route.key
        statuses = set(operation["responses"])
        assert {"422", "5XX"} <= statuses, route.key
        assert ({"401", "403"} <= statuses) is not route.public, route.key

"""The API describes itself: a valid OpenAPI document and a Swagger UI that works offline."""

from __future__ import annotations

import subprocess
import sys

import pytest
from inquiries.api import openapi
from inquiries.api.routes import ROUTES

from tests.e2e.stack import REPOSITORY, LocalStack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-local")]


def test_the_document_is_valid_openapi_and_covers_every_route(local: LocalStack) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    answer = local.get("/openapi.json")
    assert answer.status == 200
    document = answer.body
    validator.validate(document)
    assert document["openapi"].startswith("3.1")
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {(route.method, route.path) for route in ROUTES}
    assert not [path for path in document["paths"] if path.startswith("/_local")]
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert bool(operation.get("security")) is not route.public, route.key
    submit = document["paths"]["/inquiries"]["post"]
    body = submit["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SubmissionIn"}
    form = document["components"]["schemas"]["SubmissionIn"]
    assert set(form["required"]) == {"product", "contact", "consent"}


def test_swagger_ui_is_served_with_its_own_assets(local: LocalStack) -> None:
    page = local.get("/docs")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "https://" not in page.text and "http://" not in page.text  # nothing from outside
    assert 'url: "openapi.json"' in page.text
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        assert f'"/docs/assets/{asset}"' in page.text
        served = local.get(f"/docs/assets/{asset}")
        assert served.status == 200, asset
        assert kind in served.headers["Content-Type"]
        assert len(served.text) > 10_000
    assert local.get("/docs/assets/../../pyproject.toml").status == 404
    assert local.get("/docs/assets/no-such-file.js").status == 404


def test_the_page_takes_its_asset_base_and_the_document_is_a_fresh_copy() -> None:
    page = openapi.swagger_page('https://cdn.example/ui"><script>')
    assert "https://cdn.example/ui&quot;&gt;&lt;script&gt;/swagger-ui-bundle.js" in page
    first = openapi.document()
    first["paths"].clear()
    assert openapi.document()["paths"], "a caller changed the cached document"


def test_the_handlers_do_not_build_the_document_when_they_start() -> None:
    probe = (
        "import sys, functions.intake.app, functions.decide.app, functions.expire.app; "
        "print('inquiries.api.openapi' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-central-1"},
    )
    assert result.stdout.strip() == "False"

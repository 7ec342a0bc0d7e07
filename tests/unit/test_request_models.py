"""The request models' package: every model where `inquiries.api.schemas.<Name>` finds it,
and a request that validates one model does not create the others."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from inquiries.api import schemas
from inquiries.api.ids import is_id
from inquiries.api.operations import model
from inquiries.api.routes import ROUTES, Route
from inquiries.api.schemas.fields import Id
from pydantic import BaseModel, TypeAdapter, ValidationError


def _defined() -> dict[str, str]:
    """Every model (and the example submission) by the module of the package defining it."""
    found = {}
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"{schemas.__name__}.{info.name}")
        for name, value in vars(module).items():
            is_model = (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            )
            if is_model or (name == "EXAMPLE_SUBMISSION" and info.name == "submissions"):
                found[name] = info.name
    return found


def test_every_model_is_found_by_its_name() -> None:
    assert _defined() == schemas._HOME
    assert sorted(schemas.__all__) == sorted(schemas._HOME)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_s_models_are_request_models(route: Route) -> None:
    for name in (route.body, route.query, route.header):
        if name is not None:
            assert issubclass(model(name), BaseModel)
            assert getattr(schemas, name) is model(name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = schemas.NoSuchModel
    with pytest.raises(LookupError, match="no model NoSuchModel"):
        model("NoSuchModel")


def test_validating_the_list_s_query_creates_only_its_own_models() -> None:
    code = (
        "import sys\n"
        "from inquiries.api.operations import model\n"
        "model('ListQuery').model_validate({'limit': 5})\n"
        "print(sorted(m for m in sys.modules if m.startswith('inquiries.api.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = done.stdout
    assert "'inquiries.api.schemas.decisions'" in loaded
    for other in ("partners", "submissions", "subjects", "contacts", "reports"):
        assert f"'inquiries.api.schemas.{other}'" not in loaded
    # The answer models describe the OpenAPI document only.
    assert "'inquiries.api.answers'" not in loaded


def _bool_schemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every `bool` validator in a pydantic core schema."""
    if isinstance(schema, dict):
        if schema.get("type") == "bool":
            yield schema
        for value in schema.values():
            yield from _bool_schemas(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _bool_schemas(value)


@pytest.mark.parametrize("name", sorted(n for n in schemas._HOME if n != "EXAMPLE_SUBMISSION"))
def test_every_boolean_of_a_request_is_strict(name: str) -> None:
    """`"yes"`, `"on"`, `1` or `"false"` are no answer to a yes-or-no field: 422, not a guess."""
    request_model = model(name)
    request_model.model_rebuild()
    found = list(_bool_schemas(request_model.__pydantic_core_schema__))
    assert all(schema.get("strict") for schema in found), found


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("alpin-bz", True),
        ("fenster.alpin", True),
        (".alpin", True),
        ("alpin..", True),
        ("~", True),
        ("a" * 64, True),
        (".", False),
        ("..", False),
        ("." * 64, False),
        ("a" * 65, False),
        ("", False),
        ("a b", False),
        ("alpin\n", False),
    ],
)
def test_an_id_is_url_safe_and_a_path_segment(value: str, valid: bool) -> None:
    """Paths (`is_id`) and bodies and queries (the models' `Id`) agree on what an id is."""
    assert is_id(value) is valid
    try:
        TypeAdapter(Id).validate_python(value)
    except ValidationError:
        assert not valid
    else:
        assert valid

"""The API described for machines (OpenAPI 3.1) and for people (a Swagger UI page).

Built from the one route table (paths, roles, operation ids, request models, answers,
what can go wrong) and the pydantic request models, so the document cannot name a
route that does not exist or miss one that does. The intake
function imports this module only when `/openapi.json` or `/docs` is asked for,
and the document is built once per process.
"""

from __future__ import annotations

import html
import json
import os
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from inquiries.api import schemas as request_models
from inquiries.api.countries import ISO_COUNTRIES
from inquiries.api.requests import MAX_BODY_BYTES
from inquiries.api.routes import HQ, PARTNER, ROUTES, Route
from inquiries.api.schemas import ID_PATTERN
from inquiries.domain.model import Product, ProgressStep, RejectReason, Status
from inquiries.domain.report.periods import Interval

TITLE = "Partner inquiries"
VERSION = "1.0.0"
OPENAPI_VERSION = "3.1.0"
SCHEMAS = "#/components/schemas/"
BEARER = "bearer"

# The Swagger UI page loads its script and style sheet from `/docs/<file>`, which the
# intake function serves from the Powertools package (in the layer): no CDN, on AWS
# too. The local stack may point elsewhere with SWAGGER_ASSETS_URL.
ASSETS_SETTING = "SWAGGER_ASSETS_URL"
DEFAULT_ASSETS = "docs"  # relative to /docs: /docs/swagger-ui.css
_ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMAS + name}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


# --- request bodies: the pydantic models, refined where a validator checks more than a type ---

_ID = {"type": "string", "pattern": ID_PATTERN}
_POSTAL_CODE = r"^(?:[A-Za-z]{1,3}-)?[A-Za-z0-9][A-Za-z0-9 -]{0,14}$"
_PHONE = r"^[+0-9][0-9 ()./-]{3,39}$"


def _request_schemas() -> dict[str, Any]:
    """The request models' JSON Schemas, keyed by model name."""
    models = {getattr(request_models, route.body) for route in ROUTES if route.body}
    _, top = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=SCHEMAS + "{model}",
    )
    schemas: dict[str, Any] = top.get("$defs", {})
    for enum in (Status, Product, ProgressStep, RejectReason, Interval):
        schemas[enum.__name__] = {"type": "string", "enum": [member.value for member in enum]}
    _refine(schemas)
    return schemas


def _refine(schemas: dict[str, Any]) -> None:
    """What the models' validators check beyond their types, so generated requests agree."""
    schemas["CountryCode"] = {
        "type": "string",
        "description": "ISO 3166-1 alpha-2",
        "enum": sorted(ISO_COUNTRIES),
    }
    for model in ("ContactIn", "PartnerIn", "TerritoryIn"):
        schemas[model]["properties"]["country"] = _ref("CountryCode")
    contact = schemas["ContactIn"]["properties"]
    contact["postal_code"] = {"type": "string", "maxLength": 20, "pattern": _POSTAL_CODE}
    contact["phone"] = _nullable({"type": "string", "maxLength": 40, "pattern": _PHONE})
    schemas["SubmissionIn"]["properties"]["consent"] = {
        "const": True,
        "description": "The prospect agreed to be contacted; must be true",
    }
    # Exactly one of the two, as the model's validator demands.
    schemas["AssignIn"]["properties"] = {
        "partner_id": _ID,
        "user_id": {"type": "string", "minLength": 1, "maxLength": 128},
    }
    schemas["ContactLinkIn"]["properties"] = {"contact_id": _ID, "new": {"const": True}}
    for model in ("AssignIn", "ContactLinkIn"):
        schemas[model].update(minProperties=1, maxProperties=1)
    working_days = schemas["PartnerIn"]["properties"]["working_days"]
    working_days["items"] = {"type": "integer", "minimum": 1, "maximum": 7}
    working_days["uniqueItems"] = True
    _no_blank_strings(schemas)


def _no_blank_strings(node: Any) -> None:
    """Strings are stripped before their length is checked: a required one may not be blank."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("minLength", 0) >= 1 and "pattern" not in node:
            node["pattern"] = r"\S"
        for value in node.values():
            _no_blank_strings(value)
    elif isinstance(node, list):
        for value in node:
            _no_blank_strings(value)


# --- responses -----------------------------------------------------------------------------

_TIME = {"type": "string", "format": "date-time"}
_TEXT_OR_NULL = _nullable({"type": "string"})


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def _stats() -> dict[str, Any]:
    number = _nullable({"type": "number"})
    return _nullable(_object({"median": number, "p90": number, "max": number}))


_INQUIRY_FIELDS: dict[str, Any] = {
    "id": {"type": "string"},
    "status": _ref("Status"),
    "channel": {"enum": ["website", "dealer_page"]},
    "product": {"type": "string"},
    "language": _TEXT_OR_NULL,
    "created_at": _TIME,
    "assigned_at": _nullable(_TIME),
    "deadline": _nullable(_TIME),
    "timezone": _TEXT_OR_NULL,
    "partner_id": _TEXT_OR_NULL,
    "user_id": _TEXT_OR_NULL,
    "location": _ref("Location"),
    "message": _TEXT_OR_NULL,
    "anonymized": {"type": "boolean"},
    "contact": _nullable(_ref("Contact")),
    "contact_id": _TEXT_OR_NULL,
    "return_reason": _nullable({"enum": ["rejected", "expired", "withdrawn"]}),
    "progress": {"type": "array", "items": _ref("ProgressEntry")},
}


def _response_schemas() -> dict[str, Any]:
    count = {"type": "integer", "minimum": 0}
    rate = _nullable({"type": "number", "minimum": 0, "maximum": 1})
    totals = {k: count for k in ("assigned", "accepted", "rejected", "expired", "pending")}
    figures = {
        "acceptance_rate": rate,
        "decision_hours": _stats(),
        "decision_working_hours": _stats(),
        "decided_in_time_rate": rate,
        "first_progress_hours": _stats(),
        "outcomes": _object({k: count for k in ("contacted", "offer_sent", "won", "lost")}),
        "win_rate": rate,
    }
    # Only with ?interval=: one entry per day, ISO week or month of the period.
    series = {
        "type": "array",
        "items": _object(
            {
                "period": {"type": "string"},
                **{k: count for k in ("assigned", "accepted", "rejected", "expired")},
                "decision_hours": _stats(),
            }
        ),
    }
    return {
        "Error": _object({"message": {"type": "string"}}),
        "ValidationError": _object(
            {
                "message": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": _object(
                        {
                            "loc": {
                                "type": "array",
                                "items": {"type": ["string", "integer"]},
                            },
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        }
                    ),
                },
                "fields": {"type": "array", "items": {"type": "string"}},
            },
            ["message", "errors", "fields"],
        ),
        "Submitted": _object({"id": {"type": "string"}, "status": {"const": "received"}}),
        "Location": _object(
            {
                "postal_code": {"type": "string"},
                "city": _TEXT_OR_NULL,
                "country": {"type": "string"},
            }
        ),
        "Contact": _object(
            {
                "first_name": _TEXT_OR_NULL,
                "last_name": {"type": "string"},
                "email": {"type": "string"},
                "phone": _TEXT_OR_NULL,
                "street": _TEXT_OR_NULL,
                "postal_code": {"type": "string"},
                "city": _TEXT_OR_NULL,
                "country": {"type": "string"},
                "company": _TEXT_OR_NULL,
            }
        ),
        "ProgressEntry": _object(
            {
                "step": _ref("ProgressStep"),
                "at": _TIME,
                "by": {"type": "string"},
                "note": _TEXT_OR_NULL,
            }
        ),
        "Event": {
            **_object({"at": _TIME, "actor": {"type": "string"}, "action": {"type": "string"}}),
            "description": "Who did what, when; further fields depend on the action",
        },
        "Inquiry": {
            **_object(_INQUIRY_FIELDS),
            "description": (
                "An inquiry as the caller may see it: anonymised (`contact: null`) for a "
                "partner that has not accepted it."
            ),
        },
        "InquiryDetail": {
            **_object({**_INQUIRY_FIELDS, "events": {"type": "array", "items": _ref("Event")}}),
            "description": "One inquiry with its events (who did what, when).",
        },
        "InquiryList": _object(
            {"items": {"type": "array", "items": _ref("Inquiry")}, "next": _TEXT_OR_NULL}
        ),
        "Duplicate": _object(
            {
                "contact_id": {"type": "string"},
                "matched_on": {
                    "type": "array",
                    "items": {"enum": ["email", "phone", "name_postal_code"]},
                    "minItems": 1,
                },
                "contact": _ref("PartnerContact"),
            }
        ),
        "PartnerContact": {
            **_object(
                {
                    "contact_id": {"type": "string"},
                    "first_name": _TEXT_OR_NULL,
                    "last_name": {"type": "string"},
                    "email": _TEXT_OR_NULL,
                    "phone": _TEXT_OR_NULL,
                    "street": _TEXT_OR_NULL,
                    "postal_code": _TEXT_OR_NULL,
                    "city": _TEXT_OR_NULL,
                    "country": {"type": "string"},
                    "company": _TEXT_OR_NULL,
                    "source": {"enum": ["inquiry", "import"]},
                }
            ),
            "description": "A contact in the partner's address book.",
        },
        "Accepted": _object(
            {
                "inquiry": _ref("InquiryDetail"),
                "duplicates": {"type": "array", "items": _ref("Duplicate")},
            }
        ),
        "Rejected": _object(
            {"id": {"type": "string"}, "status": _ref("Status"), "reason": _ref("RejectReason")}
        ),
        "Partner": _object(
            {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "country": {"type": "string"},
                "subdivision": _TEXT_OR_NULL,
                "timezone": {"type": "string"},
                "working_days": {"type": "array", "items": {"type": "integer"}},
                "territories": {
                    "type": "array",
                    "items": _object(
                        {
                            "country": {"type": "string"},
                            "postal_prefixes": {"type": "array", "items": {"type": "string"}},
                        }
                    ),
                },
                "products": {"type": "array", "items": _ref("Product")},
                "active": {
                    "type": "boolean",
                    "description": "false: no new offers, automatic or by HQ; pending ones stay",
                },
                "notify_emails": {
                    "type": "array",
                    "items": {"type": "string", "format": "email"},
                    "maxItems": 20,
                },
                "language": {"enum": ["de", "it", "en"]},
            }
        ),
        "PartnerList": _object({"items": {"type": "array", "items": _ref("Partner")}}),
        # contacts (issue 13)
        "ContactList": _object(
            {"items": {"type": "array", "items": _ref("PartnerContact")}, "next": _TEXT_OR_NULL}
        ),
        "ContactImport": _object(
            {
                "imported": count,
                "rejected": {
                    "type": "array",
                    "items": _object(
                        {"row": {"type": "integer", "minimum": 2}, "message": {"type": "string"}}
                    ),
                },
                "created": count,
                "updated": count,
                "unchanged": count,
            },
            ["imported", "rejected"],
        ),
        "Suggestions": _object(
            {
                "candidates": {
                    "type": "array",
                    "description": "best first: the order the routing rule follows",
                    "items": _object(
                        {
                            "partner_id": {"type": "string"},
                            "name": {"type": "string"},
                            "why": {
                                "type": "array",
                                "items": {
                                    "enum": [
                                        "territory",
                                        "product",
                                        "closest_territory",
                                        "fewest_pending",
                                    ]
                                },
                            },
                            "postal_prefix": _TEXT_OR_NULL,
                            "pending": _nullable({"type": "integer"}),
                        },
                        ["partner_id", "name", "why"],
                    ),
                }
            },
            ["candidates"],
        ),
        "ReportTotals": _object({**totals, **figures, "series": series}, [*totals, *figures]),
        "ReportRow": _object(
            {"partner_id": {"type": "string"}, **totals, **figures, "series": series},
            ["partner_id", *totals, *figures],
        ),
        "Report": _object(
            {
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "as_of": _TIME,
                "partners": {"type": "array", "items": _ref("ReportRow")},
                "total": _ref("ReportTotals"),
            },
            ["from", "to", "partners", "total"],
        ),
    }


_ERRORS: dict[str, str] = {
    "400": "The body is not JSON",
    "401": "No bearer token, or not a valid one",
    "403": "The caller's role may not use this route",
    "404": "No such inquiry, partner (or file), or one the caller may not see",
    "409": "The inquiry's state does not allow it, or the Idempotency-Key was used with "
    "another body",
    "413": f"The body is over {MAX_BODY_BYTES // 1024} KiB",
    "415": "The body is not sent as `Content-Type: application/json`",
    "422": "Validation failed, or a query parameter the route does not take; `fields` names "
    "the fields at fault",
    "5XX": "The service or one of its dependencies failed; retry later",
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


# A submission from Bolzano: routed to the demo partner `alpin-bz`. The local stack's
# banner prints it as its `curl` example too.
EXAMPLE_SUBMISSION: dict[str, Any] = {
    "product": "windows",
    "contact": {
        "first_name": "Anna",
        "last_name": "Rossi",
        "email": "anna@example.com",
        "phone": "+39 0471 123456",
        "street": "Via Roma 1",
        "postal_code": "39100",
        "city": "Bolzano",
        "country": "IT",
    },
    "message": "We are renovating our house and need 12 new windows.",
    "language": "it",
    "consent": True,
}

# Request examples that work against the demo data of the local stack (`make run`): the
# submission is from Bolzano, so it is routed and offered to the demo partner `alpin-bz`.
# None for reject and discard: a client (or schemathesis) trying the examples out would
# close the very inquiries it then wants to accept.
_EXAMPLES: dict[str, dict[str, Any]] = {
    "SubmissionIn": EXAMPLE_SUBMISSION,
    "AcceptIn": {},
    "ContactLinkIn": {"new": True},
    "AssignIn": {"partner_id": "alpin-bz"},
    "ProgressIn": {"step": "contacted", "note": "Called, visit on Friday"},
    "PartnerIn": {
        "name": "Fenster Alpin (South Tyrol)",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "working_days": [1, 2, 3, 4, 5],
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        "products": ["windows", "entrance_doors"],
        "active": True,
        "notify_emails": ["sales@fenster-alpin.example"],
        "language": "de",
    },
}


def _request_body(route: Route) -> dict[str, Any]:
    assert route.body is not None
    content = _json(_ref(route.body))
    if route.body in _EXAMPLES:
        content["application/json"]["example"] = _EXAMPLES[route.body]
    return {"required": not route.body_optional, "content": content}


def _error(status: str) -> dict[str, Any]:
    schema = _ref("ValidationError" if status == "422" else "Error")
    return {"description": _ERRORS[status], "content": _json(schema)}


def _who(route: Route) -> str:
    if route.public:
        return "Public: no token needed."
    names = {HQ: "HQ", PARTNER: "partners"}
    return "For " + " and ".join(names[r] for r in sorted(route.roles)) + "."


def _tag(route: Route) -> str:
    first = route.path.split("/")[1]
    return first if first in ("inquiries", "partners", "reports", "contacts") else "docs"


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True, ref_template=SCHEMAS + "{model}")
    required = set(schema.get("required", []))
    parameters = []
    for name, described in schema["properties"].items():
        field = {k: v for k, v in described.items() if k not in ("title", "default")}
        # A query parameter is absent rather than null.
        options = field.pop("anyOf", None)
        if options:
            field.update(next(o for o in options if o.get("type") != "null"))
        parameters.append(
            {"name": name, "in": "query", "required": name in required, "schema": field}
        )
    return parameters


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": dict(_ID)}
        for name in route.parameters
    ]


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "description": _who(route),
        "tags": [_tag(route)],
    }
    parameters = _path_parameters(route)
    if route.query:
        parameters += _query_parameters(getattr(request_models, route.query))
    if route.operation_id == "submitInquiry":
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "The same key with the same body within 72 hours answers as "
                "the first time; with another body it is 409",
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": r"^[ -~]+$",
                },
            }
        )
    if parameters:
        operation["parameters"] = parameters
    if route.body:
        operation["requestBody"] = _request_body(route)
    elif route.takes_file:  # contacts (issue 13): the import's CSV file
        operation["requestBody"] = {
            "required": True,
            "content": {route.content_type: {"schema": {"type": "string"}}},
        }
    responses: dict[str, Any] = {}
    if route.operation_id == "getOpenApiDocument":
        responses["200"] = {"description": "This document", "content": _json({"type": "object"})}
    elif route.operation_id == "getSwaggerAsset":
        responses["200"] = {
            "description": "The file",
            "content": {
                "text/javascript": {"schema": {"type": "string"}},
                "text/css": {"schema": {"type": "string"}},
            },
        }
        responses["404"] = _error("404")
    elif route.operation_id == "getInquiryForm":
        responses["200"] = {
            "description": "The page with the `<inquiry-form>` element",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    elif route.operation_id == "getSwaggerUi":
        responses["200"] = {
            "description": "A Swagger UI of this API",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    else:
        assert route.answer is not None, f"{route.key} declares no answer"
        content = _json(_ref(route.answer))
        if route.csv:
            content["text/csv"] = {"schema": {"type": "string"}}
            content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
                "schema": {"type": "string", "format": "binary"}
            }
        responses[str(route.status)] = {"description": "Done", "content": content}
    errors: list[str] = []
    if not route.public:
        errors += ["401", "403"]
    # One inquiry, one of the partner's contacts, or one existing partner (PUT creates one:
    # no 404 there).
    if (
        "inquiry_id" in route.parameters
        or "contact_id" in route.parameters
        or ("partner_id" in route.parameters and route.method != "PUT")
    ):
        errors.append("404")
    if route.body or route.takes_file:
        errors += ["400", "413", "415"]
    # Every route refuses query parameters it does not take.
    errors.append("422")
    if route.conflicts:
        errors.append("409")
    errors.append("5XX")
    for status in sorted(errors):
        responses[status] = _error(status)
    if route.takes_file:  # contacts (issue 13)
        responses["413"] = {
            **_error("413"),
            "description": f"The file is over {route.max_body // (1024 * 1024)} MiB",
        }
        responses["415"] = {
            **_error("415"),
            "description": f"The body is not sent as `Content-Type: {route.content_type}`",
        }
        responses["400"] = {**_error("400"), "description": "The body is not valid base64"}
    if route.operation_id == "submitInquiry":
        responses["403"] = {
            **_error("403"),
            "description": "Deployed: not sent through the website's address (CloudFront)",
        }
    operation["responses"] = responses
    if not route.public:
        operation["security"] = [{BEARER: []}]
    return operation


@cache
def _build() -> str:
    schemas = _request_schemas()
    schemas.update(_response_schemas())
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Routes sales inquiries from the website to dealer partners. Every route but "
                "`POST /inquiries`, `/openapi.json` and `/docs` needs `Authorization: Bearer "
                "<JWT>` with the claims `sub`, `custom:role` (`hq` or `partner`) and, for "
                "partners, `custom:partner_id`. Times are ISO 8601 in UTC."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "tags": [
            {"name": "inquiries", "description": "Submitting, reading and deciding inquiries"},
            {"name": "partners", "description": "HQ manages the dealer partners"},
            {"name": "reports", "description": "Response-time statistics"},
            {"name": "docs", "description": "This description of the API"},
        ],
    }
    # Kept as text: every caller gets its own copy, and the cached one cannot be changed.
    return json.dumps(document)


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the whole API (built on first call, then cached)."""
    return dict(json.loads(_build()))


def swagger_page(assets_base: str | None = None) -> str:
    """The Swagger UI page for the document at `openapi.json` (next to `/docs`).

    `assets_base` is where `swagger-ui.css` and `swagger-ui-bundle.js` are served:
    by default the setting SWAGGER_ASSETS_URL, else `/docs/` (see `swagger_asset`).
    """
    base = (assets_base or os.environ.get(ASSETS_SETTING) or DEFAULT_ASSETS).rstrip("/")
    assets = html.escape(base, quote=True)
    return _PAGE.format(title=html.escape(TITLE), assets=assets)


def swagger_asset(name: str) -> tuple[str, str] | None:
    """The content type and bytes of one of Swagger UI's files, or None if there is no such."""
    found = _ASSETS.get(name)
    if found is None:
        return None
    file_name, content_type = found
    from importlib.resources import files  # noqa: PLC0415

    package = files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
    return content_type, package.joinpath(file_name).read_text(encoding="utf-8")


_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      validatorUrl: null
    }});
  </script>
</body>
</html>
"""

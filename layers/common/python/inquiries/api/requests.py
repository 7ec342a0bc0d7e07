"""Reading a request: the body's size (413), type (415) and JSON (400), the query's names
(422: unknown, or given more than once), and the 422 of Powertools' validation (the models)."""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from inquiries.api.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from inquiries.domain.errors import ValidationFailed

if TYPE_CHECKING:  # pydantic is imported when a request is parsed, not at cold start
    from pydantic import BaseModel

MAX_BODY_BYTES = 256 * 1024
# The errors a 422 lists: a body of many small mistakes must not make an answer over
# Lambda's 6 MB response limit (a 5xx), nor cost the time to write it.
MAX_REPORTED_ERRORS = 50


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("the body is not valid base64") from None
    return body.encode("utf-8", "surrogatepass")


def is_json(content_type: str | None) -> bool:
    """`application/json`, in any case, optionally with parameters (`; charset=utf-8`)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def _content_type(event: dict[str, Any]) -> str | None:
    headers = event.get("headers") or {}
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def json_body(event: dict[str, Any]) -> Any:
    """The body as JSON; an empty body is an empty object."""
    raw = raw_body(event)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES // 1024} KiB")
    if not raw.strip():
        return {}
    if not is_json(_content_type(event)):
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    try:
        # Strictly UTF-8, as JSON on the wire must be (RFC 8259); a leading BOM is ignored.
        # json.loads(bytes) would also take UTF-16 and CESU-8 surrogates.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("the body is not JSON") from None
    try:
        data = json.loads(text)
    except ValueError:
        if _has_too_long_integer(text):  # valid JSON, but more digits than Python reads
            raise BadRequest(
                f"a number in the body is too long (over {sys.get_int_max_str_digits():,} digits)"
            ) from None
        raise BadRequest("the body is not JSON") from None
    except RecursionError:  # [[[...]]] deeper than the parser goes: not a 500
        raise BadRequest("the body is nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text) and not _is_unicode(data):
        # "\ud800" alone is no character: it could be stored, but never shown again.
        raise BadRequest("the body has an unpaired surrogate (\\ud800-\\udfff)")
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _TooLong(Exception):
    pass


def _integer(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # a JSON integer that int() refuses: over its digit limit
        raise _TooLong from None


def _has_too_long_integer(text: str) -> bool:
    """Whether JSON that did not parse holds an integer over Python's digit limit (read
    again only when parsing failed: a valid body pays nothing for it)."""
    try:
        json.loads(text, parse_int=_integer)
    except _TooLong:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def _is_unicode(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def invalid(
    errors: Sequence[Mapping[str, Any]], whole: Mapping[str, tuple[str, ...]] | None = None
) -> ValidationFailed:
    """The 422 of Powertools' validation errors, without the input values (personal data).

    Locations read as the request has them: `["query", "limit"]`, `["body", "contact",
    "email"]` (the name of the typed parameter, `query` or `header`, is left out). The
    query's errors come first and alone, as the query is checked before the body. An
    error of a whole model (such as "give either a or b") names the fields in
    `whole[where]`.
    """
    found: list[dict[str, Any]] = []
    for error in errors:
        where, *loc = error["loc"]
        if where in ("query", "header") and loc[:1] == [where]:
            loc = loc[1:]
        locations = [loc] if loc else [[name] for name in (whole or {}).get(where, ())] or [[]]
        found += [
            {"loc": [where, *at], "msg": error["msg"], "type": error["type"]} for at in locations
        ]
    if any(e["loc"][0] == "query" for e in found):
        found = [e for e in found if e["loc"][0] == "query"]
    found = found[:MAX_REPORTED_ERRORS]
    where = found[0]["loc"][0] if found else "body"
    fields = ", ".join(sorted({".".join(str(p) for p in e["loc"][1:]) for e in found}))
    return ValidationFailed(f"invalid {where}: {fields}", found)


def query_of(event: dict[str, Any]) -> dict[str, str]:
    """The query parameters (API Gateway joins repeated ones with commas)."""
    return dict(event.get("queryStringParameters") or {})


def repeated_names(event: dict[str, Any]) -> list[str]:
    """The query parameters given more than once, by name.

    API Gateway (HTTP API, payload 2.0) joins a repeated parameter's values with commas
    in `queryStringParameters`, where `status=a&status=b` looks like `status=a,b`, and
    Powertools' validation, which reads `rawQueryString`, would take the first value
    alone. `rawQueryString` has the query as sent: its names are counted there.
    """
    raw = event.get("rawQueryString") or ""
    counts = Counter(name for name, _ in parse_qsl(raw, keep_blank_values=True))
    return sorted(name for name, count in counts.items() if count > 1)


def refuse_unknown(
    query: dict[str, str], known: frozenset[str], repeated: Iterable[str] = ()
) -> None:
    """A parameter the route does not take, or one given more than once, is a 422 naming
    it: never silently ignored, never one of its values picked."""
    unknown = sorted(set(query) - known)[:MAX_REPORTED_ERRORS]
    twice = [name for name in repeated if name in known]
    errors = [
        {"loc": ["query", name], "msg": "unknown parameter", "type": "extra_forbidden"}
        for name in unknown
    ] + [
        {"loc": ["query", name], "msg": "given more than once", "type": "repeated"}
        for name in twice
    ]
    if errors:
        said = [
            *(["unknown query parameter: " + ", ".join(unknown)] if unknown else []),
            *(["query parameter given more than once: " + ", ".join(twice)] if twice else []),
        ]
        raise ValidationFailed("; ".join(said), errors[:MAX_REPORTED_ERRORS])


def query_names(model: type[BaseModel]) -> frozenset[str]:
    """The parameter names a query model takes (by alias, as they appear in the URL)."""
    return frozenset(field.alias or name for name, field in model.model_fields.items())

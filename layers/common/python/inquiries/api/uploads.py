"""Bodies that are not JSON: a route that takes a file (`POST /contacts/import`, CSV).

Checked in the order of api.md like a JSON body: size (413), then media type (415).
The route declares both (`Route.content_type`, `Route.max_body`).
"""

from __future__ import annotations

from typing import Any

from inquiries.api.errors import PayloadTooLarge, UnsupportedMediaType
from inquiries.api.requests import raw_body
from inquiries.api.routes import Route


def _content_type(event: dict[str, Any]) -> str:
    headers = event.get("headers") or {}
    return next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")


def upload(event: dict[str, Any], route: Route) -> bytes:
    """The body as sent (API Gateway's base64 undone), within the route's size and type."""
    raw = raw_body(event)
    if len(raw) > route.max_body:
        raise PayloadTooLarge(f"the body is over {route.max_body // (1024 * 1024)} MiB")
    media_type, _, parameters = _content_type(event).partition(";")
    if media_type.strip().lower() != route.content_type:
        raise UnsupportedMediaType(f"the body must be sent as Content-Type: {route.content_type}")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise UnsupportedMediaType("the file must be UTF-8 (charset=utf-8)")
    return raw

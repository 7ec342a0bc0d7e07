"""Event items as the table's stream delivers them (DynamoDB's typed images).

The stream's filter, the notify function and the local stream poller share these,
so that exactly the same records reach the mails on AWS and locally.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from inquiries.service.notifications import StoredEvent

_EVENT_KEY = re.compile(r"^EVENT#(\d{6})#(\d{2})$")
_INQUIRY_KEY = re.compile(r"^INQ#(.+)$")

# The event source's filter: new event items only (docs/decisions.md).
EVENT_FILTER: dict[str, Any] = {
    "eventName": ["INSERT"],
    "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}},
}


def is_event_record(record: dict[str, Any]) -> bool:
    """Whether a stream record passes `EVENT_FILTER` (what the local poller applies)."""
    if record.get("eventName") != "INSERT":
        return False
    sort_key = record.get("dynamodb", {}).get("Keys", {}).get("sk", {}).get("S", "")
    return isinstance(sort_key, str) and sort_key.startswith("EVENT#")


def stored_event(keys: dict[str, Any], image: dict[str, Any]) -> StoredEvent | None:
    """The event of a stream record's keys and new image (plain values); None for others.

    Powertools' DynamoDBRecord deserialises the images (numbers as Decimal).
    """
    from inquiries.adapters.keys import unstamp  # noqa: PLC0415
    from inquiries.domain.model import Event  # noqa: PLC0415

    pk, sk = keys.get("pk"), keys.get("sk")
    if not isinstance(pk, str) or not isinstance(sk, str):
        return None
    found_key, found_pk = _EVENT_KEY.match(sk), _INQUIRY_KEY.match(pk)
    if found_key is None or found_pk is None or image.get("type") != "event":
        return None
    at = unstamp(str(image.get("at")))
    if at is None:
        return None
    details = _plain(image.get("details") or {})
    event = Event(at, str(image.get("actor", "")), str(image.get("action", "")), dict(details))
    return StoredEvent(found_pk.group(1), int(found_key.group(1)), int(found_key.group(2)), event)


def _plain(value: Any) -> Any:
    """Decimals as int or float, as the rest of the code reads stored numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(v) for v in value]
    return value

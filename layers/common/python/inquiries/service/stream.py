"""Event items as the table's stream delivers them (DynamoDB's typed images).

The stream's filter, the notify function and the local stream poller share these,
so that exactly the same records reach the mails on AWS and locally.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from inquiries.service.notifications import StoredEvent

if TYPE_CHECKING:
    from inquiries.domain.model import Event

# `EVENT#<version>`: every event of a change in one item; `EVENT#<version>#<nn>`: one
# event an item, as they were written before.
_EVENT_KEY = re.compile(r"^EVENT#(\d{6})(?:#(\d{2}))?$")
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


def stored_events(keys: dict[str, Any], image: dict[str, Any]) -> list[StoredEvent]:
    """The events of a stream record's keys and new image (plain values), in their order;
    none for other records. Each keeps its place in the change (`index`), which names
    its mails' markers.

    Powertools' DynamoDBRecord deserialises the images (numbers as Decimal).
    """
    pk, sk = keys.get("pk"), keys.get("sk")
    if not isinstance(pk, str) or not isinstance(sk, str):
        return []
    found_key, found_pk = _EVENT_KEY.match(sk), _INQUIRY_KEY.match(pk)
    if found_key is None or found_pk is None:
        return []
    inquiry_id, version = found_pk.group(1), int(found_key.group(1))
    if image.get("type") == "events" and found_key.group(2) is None:
        listed = image.get("events")
        if not isinstance(listed, list):
            return []
        found = [_event(data) for data in listed]
        change = tuple(event for event in found if event is not None)
        return [
            StoredEvent(inquiry_id, version, index, event, change)
            for index, event in enumerate(found)
            if event is not None
        ]
    if image.get("type") != "event" or found_key.group(2) is None:
        return []
    event = _event(image)
    if event is None:
        return []
    return [StoredEvent(inquiry_id, version, int(found_key.group(2)), event)]


def _event(data: Any) -> Event | None:
    """An event of its stored form, or None when it is not one."""
    from inquiries.adapters.keys import unstamp  # noqa: PLC0415
    from inquiries.domain.model import Event  # noqa: PLC0415

    if not isinstance(data, dict):
        return None
    at = unstamp(str(data.get("at"))) if data.get("at") else None
    if at is None:
        return None
    details = _plain(data.get("details") or {})
    return Event(at, str(data.get("actor", "")), str(data.get("action", "")), dict(details))


def _plain(value: Any) -> Any:
    """Decimals as int or float, as the rest of the code reads stored numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(v) for v in value]
    return value

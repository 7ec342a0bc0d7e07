"""The events a stream record carries: all of a change's in one item, or (items written
before) one event an item; each keeps its place in the change, which names its mails."""

from __future__ import annotations

from decimal import Decimal

from inquiries.service.stream import stored_events

AT = "2026-12-01T08:00:00.000000Z"


def test_one_item_hands_over_every_event_of_its_change_in_order() -> None:
    image = {
        "type": "events",
        "events": [
            {"at": AT, "actor": "website", "action": "received", "details": {"product": "x"}},
            {"at": AT, "actor": "system", "action": "offered", "details": {"offer": Decimal(1)}},
        ],
    }
    found = stored_events({"pk": "INQ#abc", "sk": "EVENT#000001"}, image)
    assert [(s.inquiry_id, s.version, s.index, s.event.action) for s in found] == [
        ("abc", 1, 0, "received"),
        ("abc", 1, 1, "offered"),
    ]
    assert found[1].event.details == {"offer": 1} and found[1].key == "EVENT#000001#01"


def test_an_item_of_one_event_as_written_before_is_still_handed_over() -> None:
    image = {"type": "event", "at": AT, "actor": "system", "action": "expired"}
    (found,) = stored_events({"pk": "INQ#abc", "sk": "EVENT#000004#02"}, image)
    assert (found.version, found.index, found.key) == (4, 2, "EVENT#000004#02")


def test_other_records_hand_over_nothing() -> None:
    assert stored_events({"pk": "INQ#abc", "sk": "SENT#EVENT#000001#00#hq"}, {"type": "sent"}) == []
    assert stored_events({"pk": "INQ#abc", "sk": "EVENT#000001"}, {"type": "event"}) == []
    assert stored_events({"pk": "INQ#abc", "sk": "EVENT#000001"}, {"type": "events"}) == []

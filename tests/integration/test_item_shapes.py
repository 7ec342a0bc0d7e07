"""Inquiries stored in the shapes written before the items were slimmed (docs/data-model.md,
"Item shapes") read and change exactly like new ones, and a new one holds no copies.

Before: the keyed hashes also as `email_key`/`last_name_key`, the redacted message even
when nothing was redacted, empty `declined_by`/`progress` lists, one item per event, a
sort key attribute of its own for each index (`gsi6sk`..`gsi9sk`, now gsi5's and gsi3's
shared) and `reroutes` of 0.
"""

from __future__ import annotations

from typing import Any

from inquiries.adapters.clock import FixedClock

from tests.integration.conftest import TABLE
from tests.support.api import hq, partner
from tests.support.demo import (
    SOUTH_TYROL,
    accept,
    form,
    listing,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    stored_items,
    submit,
    view,
)


def _as_written_before(dynamodb: Any, inquiry_id: str) -> None:
    """Rewrite the inquiry's items in the older shapes, as an older release stored them."""
    for item in stored_items(dynamodb, TABLE, inquiry_id):
        kind = item["type"]["S"]
        if kind == "inquiry":
            item["email_key"] = {"S": item["gsi5pk"]["S"].removeprefix("EMAIL#")}
            item["last_name_key"] = {"S": item["gsi6pk"]["S"].removeprefix("NAME#")}
            item["redacted_message"] = item["message"]
            item["declined_by"] = {"L": []}
            item["progress"] = {"L": []}
            item["gsi6sk"] = item["gsi5sk"]
            for index in ("gsi7", "gsi8", "gsi9"):
                if f"{index}pk" in item:
                    item[f"{index}sk"] = item["gsi3sk"]
            item["reroutes"] = {"N": "0"}
            dynamodb.put_item(TableName=TABLE, Item=item)
        elif kind == "events":
            dynamodb.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})
            for index, event in enumerate(item["events"]["L"]):
                one = {
                    "pk": item["pk"],
                    "sk": {"S": f"{item['sk']['S']}#{index:02d}"},
                    "type": {"S": "event"},
                    **event["M"],
                }
                dynamodb.put_item(TableName=TABLE, Item=one)


def test_a_new_inquiry_stores_no_copies_and_one_item_for_the_events_of_a_change(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(form(message="Twelve windows, triple glazing."))
    items = {i["type"]["S"]: i for i in stored_items(aws["dynamodb"], TABLE, inquiry_id)}
    inquiry = items["inquiry"]
    copies = {"email_key", "last_name_key", "declined_by", "progress", "reroutes"}
    assert not copies & inquiry.keys()
    # One sort key attribute serves several indexes: gsi3's for gsi7-gsi9, gsi5's for gsi6.
    assert not {"gsi6sk", "gsi7sk", "gsi8sk", "gsi9sk"} & inquiry.keys()
    assert {"gsi3sk", "gsi5sk", "gsi6pk", "gsi7pk", "gsi8pk"} <= inquiry.keys()
    assert inquiry["redacted_message"] == {"NULL": True}  # nothing to redact: no copy
    assert [e["M"]["action"]["S"] for e in items["events"]["events"]["L"]] == [
        "received",
        "offered",
    ]
    # A partner that has not accepted still sees the message (there was nothing to remove).
    shown = view(inquiry_id, partner(SOUTH_TYROL))
    assert shown["message"] == "Twelve windows, triple glazing." and shown["contact"] is None


def test_a_redacted_message_is_stored_and_shown_before_acceptance(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(form(message="Call me on +39 0471 123456 please."))
    (inquiry,) = (
        i for i in stored_items(aws["dynamodb"], TABLE, inquiry_id) if i["type"]["S"] == "inquiry"
    )
    redacted = inquiry["redacted_message"]["S"]
    assert "123456" not in redacted
    assert view(inquiry_id, partner(SOUTH_TYROL))["message"] == redacted


def test_an_inquiry_in_the_older_shapes_reads_and_changes_like_a_new_one(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(form())
    as_new = {
        who: view(inquiry_id, claims)
        for who, claims in (("hq", hq()), ("partner", partner(SOUTH_TYROL)))
    }
    _as_written_before(aws["dynamodb"], inquiry_id)
    kinds = sorted(i["type"]["S"] for i in stored_items(aws["dynamodb"], TABLE, inquiry_id))
    assert kinds == ["event", "event", "inquiry", "offer"]

    assert view(inquiry_id, hq()) == as_new["hq"]
    assert view(inquiry_id, partner(SOUTH_TYROL)) == as_new["partner"]
    assert [i["id"] for i in listing(hq(), q=form()["contact"]["last_name"])] == [inquiry_id]
    for query in ({"partner_id": SOUTH_TYROL}, {"channel": "website"}):
        assert [i["id"] for i in listing(hq(), **query)] == [inquiry_id]

    accepted = accept(inquiry_id, SOUTH_TYROL)["inquiry"]
    assert [e["action"] for e in accepted["events"]][:3] == ["received", "offered", "accepted"]
    # Written again by the change: the keyed hashes only in the index keys from now on.
    (inquiry,) = (
        i for i in stored_items(aws["dynamodb"], TABLE, inquiry_id) if i["type"]["S"] == "inquiry"
    )
    assert not {"email_key", "gsi6sk", "gsi7sk", "gsi8sk", "reroutes"} & inquiry.keys()
    assert [i["id"] for i in listing(hq(), q=form()["contact"]["email"])] == [inquiry_id]
    assert [i["id"] for i in listing(hq(), q=form()["contact"]["last_name"])] == [inquiry_id]
    for query in ({"partner_id": SOUTH_TYROL}, {"channel": "website"}):
        assert [i["id"] for i in listing(hq(), **query)] == [inquiry_id]

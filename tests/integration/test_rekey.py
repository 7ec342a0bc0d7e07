"""Items written before sharding: invisible to the sharded lists until `rekey` moves them.

The items are made by the API, then put back as the code before sharding wrote them
(one partition per shared key, no filter index entries, contacts in `PARTNER#<p>`).
"""

from __future__ import annotations

from typing import Any

from inquiries.adapters.keys import PARTNER_SHARDS
from inquiries.adapters.lists import shards_of
from inquiries.adapters.rekey import INDEX_KEYS, rekey
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.model import Status

from tests.integration.conftest import TABLE
from tests.support.api import call, hq, partner

ALPIN = "alpin-bz"


def _form(n: int) -> dict[str, Any]:
    return {
        "product": "windows",
        "contact": {
            "last_name": "Rossi",
            "email": "anna@example.com",
            "postal_code": "39100",
            "country": "IT",
        },
        "consent": True,
        "message": f"inquiry {n}",
    }


def _unsharded(item: dict[str, Any]) -> dict[str, Any]:
    """The item as it was written before sharding."""
    old = {k: v for k, v in item.items() if k not in INDEX_KEYS}
    kind = item["type"]["S"]
    if kind == "inquiry":
        old["gsi2pk"] = {"S": f"STATUS#{item['status']['S']}"}
        old["gsi2sk"], old["gsi3sk"] = item["gsi2sk"], item["gsi3sk"]
        old["gsi3pk"] = {"S": "INQUIRIES"}
        if "gsi1pk" in item:
            old["gsi1pk"] = {"S": f"PARTNER#{item['partner_id']['S']}"}
            old["gsi1sk"] = item["gsi1sk"]
    elif kind == "offer":
        old["gsi1pk"] = {"S": f"PARTNER#{item['partner_id']['S']}"}
        old["gsi1sk"] = item["gsi1sk"]
        old["gsi3pk"] = {"S": f"OFFERS#{item['offered_at']['S'][:7]}"}
        old["gsi3sk"] = item["gsi3sk"]
        if "gsi4pk" in item:
            old["gsi4pk"], old["gsi4sk"] = {"S": "DUE"}, item["gsi4sk"]
    return old


def _age(db: Any, inquiry_ids: list[str]) -> None:
    """Put every inquiry, offer and contact back as the unsharded code stored it."""
    for inquiry_id in inquiry_ids:
        items = db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
        )["Items"]
        for item in items:
            db.put_item(TableName=TABLE, Item=_unsharded(item))
    for pk in shards_of(f"CONTACTS#{ALPIN}", PARTNER_SHARDS):
        for item in db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )["Items"]:
            db.delete_item(TableName=TABLE, Key={k: item[k] for k in (PARTITION_KEY, SORT_KEY)})
            db.put_item(TableName=TABLE, Item={**item, PARTITION_KEY: {"S": f"PARTNER#{ALPIN}"}})


def _listed(claims: dict[str, str], **query: Any) -> list[str]:
    answer = call("GET", "/inquiries", claims=claims, query={"limit": 100, **query})
    assert answer.status == 200, answer.text
    return [i["id"] for i in answer.body["items"]]


def test_rekey_makes_old_items_listed_again_and_their_contacts_found(
    aws: dict[str, Any], clock: Any
) -> None:
    body = {
        "name": "Alpin",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
    }
    assert call("PUT", f"/partners/{ALPIN}", body=body, claims=hq()).status == 200
    ids = []
    for n in range(4):
        clock.advance(minutes=5)
        ids.append(call("POST", "/inquiries", body=_form(n)).body["id"])
    accepted = call("POST", f"/inquiries/{ids[0]}/accept", claims=partner(ALPIN))
    assert accepted.status == 200 and accepted.body["duplicates"] == []
    before = {
        "hq": _listed(hq()),
        "pending": _listed(hq(), status="pending"),
        "partner": _listed(partner(ALPIN)),
        "by partner": _listed(hq(), partner_id=ALPIN),
    }
    assert len(before["hq"]) == 4

    _age(aws["dynamodb"], ids)
    assert _listed(hq()) == _listed(partner(ALPIN)) == []  # the lists read only the shards

    moved = rekey(aws["dynamodb"], TABLE)

    assert (moved.inquiries, moved.offers) == (4, 4)
    assert moved.contacts >= 2  # the contact and its match keys
    assert {
        "hq": _listed(hq()),
        "pending": _listed(hq(), status="pending"),
        "partner": _listed(partner(ALPIN)),
        "by partner": _listed(hq(), partner_id=ALPIN),
    } == before
    # The accepted contact was moved with its match keys: the same person is a duplicate.
    again = call("POST", f"/inquiries/{ids[1]}/accept", claims=partner(ALPIN))
    assert again.status == 200, again.text
    assert [d["contact_id"] for d in again.body["duplicates"]] == [
        accepted.body["inquiry"]["contact_id"]
    ]
    # The sweeper finds the old pending offers again.
    clock.advance(hours=24 * 7)
    from local.events import invoke  # noqa: PLC0415

    assert invoke("expire", {"sweep": True}) == {"expired": 2}
    assert _listed(hq(), status=Status.RETURNED.value) == list(reversed(ids[2:]))
    # Nothing is left to move.
    assert rekey(aws["dynamodb"], TABLE).inquiries == 0

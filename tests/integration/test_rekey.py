"""Items written before sharding: invisible to the sharded lists until `rekey` moves them.

The items are made by the API, then put back as the code before sharding wrote them
(one partition per shared key, no filter index entries, offers in gsi1 and gsi3). A
partner's address book is not sharded: it stays where it is.
"""

from __future__ import annotations

from typing import Any

from inquiries.adapters.rekey import INDEX_KEYS, rekey
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
        offered, seq = item["offered_at"]["S"], item["seq"]["N"]
        old["gsi1pk"] = {"S": f"PARTNER#{item['partner_id']['S']}"}
        old["gsi1sk"] = {"S": f"OFFER#{offered}#{item['inquiry_id']['S']}#{seq}"}
        old["gsi3pk"] = {"S": f"OFFERS#{offered[:7]}"}
        old["gsi3sk"] = {"S": f"{offered}#{item['inquiry_id']['S']}#{seq}"}
        if "gsi4pk" in item:
            old["gsi4pk"], old["gsi4sk"] = {"S": "DUE"}, item["gsi4sk"]
    return old


def _age(db: Any, inquiry_ids: list[str]) -> None:
    """Put every inquiry and offer back as the unsharded code stored it."""
    for inquiry_id in inquiry_ids:
        items = db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
        )["Items"]
        for item in items:
            db.put_item(TableName=TABLE, Item=_unsharded(item))


def _listed(claims: dict[str, str], **query: Any) -> list[str]:
    answer = call("GET", "/inquiries", claims=claims, query={"limit": 100, **query})
    assert answer.status == 200, answer.text
    return [i["id"] for i in answer.body["items"]]


def test_rekey_makes_old_items_listed_again_and_keeps_their_contacts_found(
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
    # The offers' old gsi1/gsi3 entries are gone (nothing reads them since the rollups).
    for inquiry_id in ids:
        for item in aws["dynamodb"].query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :offer)",
            ExpressionAttributeValues={
                ":pk": {"S": f"INQ#{inquiry_id}"},
                ":offer": {"S": "OFFER#"},
            },
        )["Items"]:
            assert not {"gsi1pk", "gsi1sk", "gsi3pk", "gsi3sk"} & set(item), item
    assert {
        "hq": _listed(hq()),
        "pending": _listed(hq(), status="pending"),
        "partner": _listed(partner(ALPIN)),
        "by partner": _listed(hq(), partner_id=ALPIN),
    } == before
    # The address book was not moved: the same person is still found as a duplicate.
    again = call("POST", f"/inquiries/{ids[1]}/accept", claims=partner(ALPIN))
    assert again.status == 200, again.text
    assert [d["contact_id"] for d in again.body["duplicates"]] == [
        accepted.body["inquiry"]["contact_id"]
    ]
    # The sweeper finds the old pending offers again.
    clock.advance(hours=24 * 7)
    from local.events import invoke  # noqa: PLC0415

    assert invoke("expire", {"sweep": True})["expired"] == 2
    assert _listed(hq(), status=Status.RETURNED.value) == list(reversed(ids[2:]))
    # Nothing is left to move.
    assert rekey(aws["dynamodb"], TABLE).inquiries == 0

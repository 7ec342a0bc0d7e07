"""Items written before sharding: invisible to the sharded lists until `rekey` moves them.

The items are made by the API, then put back as the code before sharding wrote them
(one partition per shared key, no filter index entries, offers in gsi1 and gsi3, the
inquiries at rest in gsi4 `ATREST`, a partner's address book in its own partition).
"""

from __future__ import annotations

from typing import Any

from inquiries import wiring
from inquiries.adapters.keys import book_pks
from inquiries.adapters.rekey import INDEX_KEYS, rekey
from inquiries.adapters.subjects import DynamoSubjects
from inquiries.domain.model import Status

from tests.integration.conftest import TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import SOUTH_TYROL, form, put_partners, submit

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
    # The contact written on accept is in its shard already: still found as a duplicate.
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


def _book(db: Any, partner_id: str) -> list[dict[str, Any]]:
    return [
        item
        for pk in book_pks(partner_id)
        for item in db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )["Items"]
    ]


def _old_book(db: Any, partner_id: str) -> list[dict[str, Any]]:
    return [
        item
        for item in db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"PARTNER#{partner_id}"}},
        )["Items"]
        if item["sk"]["S"] != "PARTNER"
    ]


def _searched(q: str) -> list[str]:
    answer = call("GET", "/contacts", claims=partner(SOUTH_TYROL), query={"q": q})
    assert answer.status == 200, answer.text
    return [c["contact_id"] for c in answer.body["items"]]


def test_rekey_moves_the_address_book_and_atrest_onto_their_shards(
    aws: dict[str, Any], clock: Any
) -> None:
    db = aws["dynamodb"]
    put_partners(SOUTH_TYROL)
    header = "first_name,last_name,email,phone,street,postal_code,city,country,company"
    rows = "".join(
        f"Anna{n},Rossi{n},p{n}@example.com,0471 {100000 + n},,39100,,IT,\n" for n in range(12)
    )
    imported = call(
        "POST",
        "/contacts/import",
        raw=f"{header}\n{rows}".encode(),
        claims=partner(SOUTH_TYROL),
        headers={"content-type": "text/csv"},
    )
    assert imported.status == 200 and imported.body["created"] == 12, imported.text
    listed = call("GET", "/contacts", claims=partner(SOUTH_TYROL), query={"limit": 100}).body
    at_rest = []
    for _ in range(6):  # nobody covers Berlin: at rest from the start
        clock.advance(minutes=1)
        at_rest.append(submit(form(contact={"postal_code": "10115", "country": "DE"})))
    # As stored before sharding: the address book in the partner's partition, the
    # inquiries at rest in gsi4 `ATREST`.
    book = _book(db, SOUTH_TYROL)
    assert len(book) == 12 * 4
    for item in book:
        db.delete_item(TableName=TABLE, Key={k: item[k] for k in ("pk", "sk")})
        db.put_item(TableName=TABLE, Item={**item, "pk": {"S": f"PARTNER#{SOUTH_TYROL}"}})
    for inquiry_id in at_rest:
        db.update_item(
            TableName=TABLE,
            Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}},
            UpdateExpression="SET gsi4pk = :old",
            ExpressionAttributeValues={":old": {"S": "ATREST"}},
        )
    # One contact was written again by the current code meanwhile: that copy is the newer.
    newer = next(i for i in book if i["type"]["S"] == "contact")
    db.put_item(TableName=TABLE, Item={**newer, "company": {"S": "written since"}})
    assert _searched("p3@example.com") == []  # its key is not where the look-up reads
    store = DynamoSubjects(wiring.dependencies().repository)  # type: ignore[arg-type]
    clock.advance(days=200)
    assert store.at_rest_since(clock.now(), 100) == []

    scans: list[str] = []

    def scan(**_: Any) -> None:
        scans.append("Scan")

    db.meta.events.register("before-call.dynamodb.Scan", scan)
    try:
        moved = rekey(db, TABLE)
    finally:
        db.meta.events.unregister("before-call.dynamodb.Scan", scan)

    assert scans == []  # partners through gsi2, each one's partition by Query
    assert (moved.contacts, moved.contact_keys, moved.changed_meanwhile) == (11, 36, 1)
    assert moved.inquiries == 6
    assert _old_book(db, SOUTH_TYROL) == []
    after = _book(db, SOUTH_TYROL)
    assert len(after) == 12 * 4
    assert [i.get("company") for i in after if i["sk"] == newer["sk"]] == [{"S": "written since"}]
    # Found by every key again, listed as before, the retention sweep sees them.
    contacts = {c["email"]: c["contact_id"] for c in listed["items"]}
    for n in range(12):
        assert _searched(f"p{n}@example.com") == [contacts[f"p{n}@example.com"]]
        assert _searched(f"0471 {100000 + n}") == [contacts[f"p{n}@example.com"]]
    assert (
        call("GET", "/contacts", claims=partner(SOUTH_TYROL), query={"limit": 100}).body == listed
    )
    assert store.at_rest_since(clock.now(), 100) == at_rest
    # Nothing is left to move.
    again = rekey(db, TABLE)
    assert (again.inquiries, again.contacts, again.contact_keys, again.changed_meanwhile) == (
        0,
        0,
        0,
        0,
    )

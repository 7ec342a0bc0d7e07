"""The sharded keys of a partner's address book (`BOOK#<p>#<n>`) and of retention's gsi4
(`ATREST#<n>`), through API Gateway events against moto (docs/data-model.md, "Hot
partitions"): every shard is written, and every read still finds what it must.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import (
    BOOK_SHARDS,
    SHARDS,
    book_pks,
    contact_key_parts,
    contact_pk,
    match_key_pk,
)
from inquiries.adapters.lookups import AT_REST
from inquiries.adapters.subjects import DynamoSubjects

from bench._counting import Recorder
from local.events import invoke
from tests.integration.conftest import TABLE
from tests.support.api import call, partner
from tests.support.api import pages as every_page
from tests.support.demo import (
    SOUTH_TYROL,
    accept,
    assign,
    form,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

ST = partner(SOUTH_TYROL)
HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"
NAMES = ["Rossi", "Huber", "Gruber", "Bauer", "Meier", "Pichler", "Egger", "Moser", "Hofer"]


def _row(n: int) -> str:
    last = f"{NAMES[n % len(NAMES)]}{'' if n < len(NAMES) else n}"
    return f"Anna{n},{last},p{n}@example.com,0471 {100000 + n},,39{n:03d},,IT,\n"


def _import(rows: str) -> dict[str, Any]:
    answer = call(
        "POST",
        "/contacts/import",
        raw=f"{HEADER}\n{rows}".encode(),
        claims=ST,
        headers={"content-type": "text/csv"},
    )
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _pages(**query: Any) -> list[list[dict[str, Any]]]:
    """Every page of the address book or a search, following `next`."""
    return every_page("/contacts", ST, **query)


def _partition(dynamodb: Any, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    while True:
        page = dynamodb.query(**query)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture
def book(aws: dict[str, Any], clock: FixedClock) -> dict[str, dict[str, Any]]:
    """40 imported contacts of South Tyrol, by e-mail."""
    put_partners(SOUTH_TYROL)
    assert _import("".join(_row(n) for n in range(40)))["created"] == 40
    return {c["email"]: c for page in _pages() for c in page}


def test_contacts_and_match_keys_are_spread_over_every_shard(
    aws: dict[str, Any], book: dict[str, dict[str, Any]]
) -> None:
    contacts = keys = 0
    for pk in book_pks(SOUTH_TYROL):
        items = _partition(aws["dynamodb"], pk)
        found = [i for i in items if i["type"]["S"] == "contact"]
        filed = [i for i in items if i["type"]["S"] == "contact_key"]
        assert found and filed, f"shard {pk} is empty"
        # Each item is in the shard its own key names, so a read knows where to look.
        assert all(contact_pk(SOUTH_TYROL, i["contact_id"]["S"]) == pk for i in found)
        for item in filed:
            kind, value, _ = contact_key_parts(item["sk"]["S"])
            assert match_key_pk(SOUTH_TYROL, kind, value) == pk
        contacts += len(found)
        keys += len(filed)
    assert (contacts, keys) == (40, 120)  # e-mail, phone, name and postal code each
    # Nothing is left in the partner's own partition but the partner.
    assert [i["sk"]["S"] for i in _partition(aws["dynamodb"], f"PARTNER#{SOUTH_TYROL}")] == [
        "PARTNER"
    ]


def test_the_duplicate_check_finds_a_contact_of_every_shard_in_one_query_a_key(
    book: dict[str, dict[str, Any]],
) -> None:
    by_shard: dict[str, dict[str, Any]] = {}
    for contact in book.values():
        by_shard.setdefault(contact_pk(SOUTH_TYROL, contact["contact_id"]), contact)
    assert len(by_shard) == BOOK_SHARDS
    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    for contact in by_shard.values():
        inquiry = submit(form(contact={"email": contact["email"].upper(), "phone": None}))
        with recorder.measuring() as tally:
            answer = accept(inquiry, SOUTH_TYROL)
        assert [(d["contact_id"], d["matched_on"]) for d in answer["duplicates"]] == [
            (contact["contact_id"], ["email"])
        ]
        # A Query for each of the 2 keys (e-mail; name and postal code), whatever its shard,
        # and the inquiry's own partition.
        assert tally.of("dynamodb")["Query"] == 3
        # Searched by phone, a key in another shard than the contact, it is found too.
        phone = f"0471 {100000 + int(contact['first_name'].removeprefix('Anna'))}"
        assert [c["contact_id"] for p in _pages(q=phone) for c in p] == [contact["contact_id"]]


def test_the_list_pages_in_order_across_shards_with_its_cursor(
    book: dict[str, dict[str, Any]],
) -> None:
    whole = [c for page in _pages(limit=100) for c in page]
    assert len(whole) == 40
    order = [(c["last_name"].casefold(), c["first_name"].casefold()) for c in whole]
    assert order == sorted(order)
    # Pages of 7: the same contacts in the same order, none twice, none left out.
    pages = _pages(limit=7)
    assert [len(p) for p in pages] == [7, 7, 7, 7, 7, 5]
    assert [c for p in pages for c in p] == whole
    # A name prefix narrows it, in the same order (Rossi, Rossi9, Rossi18, ...).
    rossi = [c for p in _pages(limit=2, q="ross") for c in p]
    assert rossi == [c for c in whole if c["last_name"].startswith("Rossi")]
    assert len(rossi) == 5


def test_a_search_found_in_several_shards_pages_in_order(aws: dict[str, Any]) -> None:
    put_partners(SOUTH_TYROL)
    # One office number for eight people: their contacts sit in different shards.
    rows = "".join(f"Eva{n},Kofler{8 - n},,0471 999999,,39100,,IT,\n" for n in range(8))
    assert _import(rows)["created"] == 8
    pages = _pages(q="0471 999999", limit=3)
    assert [len(p) for p in pages] == [3, 3, 2]
    names = [c["last_name"] for p in pages for c in p]
    assert names == [f"Kofler{n}" for n in range(1, 9)]
    shards = {contact_pk(SOUTH_TYROL, c["contact_id"]) for p in pages for c in p}
    assert len(shards) > 1


def test_reimporting_the_same_file_changes_nothing_in_any_shard(
    aws: dict[str, Any], book: dict[str, dict[str, Any]]
) -> None:
    before = {pk: _partition(aws["dynamodb"], pk) for pk in book_pks(SOUTH_TYROL)}
    assert _import("".join(_row(n) for n in range(40)))["unchanged"] == 40
    assert {pk: _partition(aws["dynamodb"], pk) for pk in book_pks(SOUTH_TYROL)} == before


# --- retention over the shards of ATREST ---------------------------------------------------------


def test_retention_reads_every_shard_of_atrest_oldest_first(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    # Nobody covers Berlin: each inquiry comes to rest (unassigned) as it arrives.
    ids = []
    for n in range(16):
        clock.advance(minutes=1)
        ids.append(submit(form(contact={"postal_code": "10115", "country": "DE"}, message=f"{n}")))
    assert all(view(i)["status"] == "unassigned" for i in ids)
    filed = {
        n: aws["dynamodb"].query(
            TableName=TABLE,
            IndexName="gsi4",
            KeyConditionExpression="gsi4pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"{AT_REST}#{n}"}},
        )["Items"]
        for n in range(SHARDS)
    }
    assert sum(len(items) for items in filed.values()) == 16
    assert sum(1 for items in filed.values() if items) > 2  # spread, not in one shard
    store = DynamoSubjects(wiring.dependencies().repository)  # type: ignore[arg-type]
    left = clock.now()
    assert store.at_rest_since(left, 5) == ids[:5]  # the oldest five of all shards
    assert store.at_rest_since(left, 100) == ids

    # 180 days after the sixth came to rest: the six oldest go, from whatever shard.
    clock.advance(days=180, minutes=-10)
    assert int(invoke("expire", {"sweep": True})["erased"]) == 6
    assert [view(i)["contact"] is None for i in ids] == [True] * 6 + [False] * 10
    assert store.at_rest_since(clock.now() - timedelta(days=180), 100) == []  # later ones
    clock.advance(minutes=10)
    assert int(invoke("expire", {"sweep": True})["erased"]) == 10
    assert all(view(i)["contact"] is None for i in ids)


def test_an_inquiry_taken_up_again_leaves_its_atrest_shard(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry = submit()
    assert call(
        "POST", f"/inquiries/{inquiry}/reject", claims=ST, body={"reason": "no_capacity"}
    ).status in (200, 204)
    store = DynamoSubjects(wiring.dependencies().repository)  # type: ignore[arg-type]
    assert store.at_rest_since(clock.now(), 10) == [inquiry]
    assign(inquiry, user_id="hq-user-2")  # HQ takes it up again: no longer at rest
    assert store.at_rest_since(clock.now() + timedelta(days=1), 10) == []

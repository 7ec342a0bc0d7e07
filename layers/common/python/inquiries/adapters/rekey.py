"""Move items written before sharding onto the sharded keys (docs/data-model.md).

    PYTHONPATH=layers/common/python python -m inquiries.adapters.rekey --table <name>

Items stored before the keys were sharded sit in the unsharded index partitions
(`INQUIRIES`, `STATUS#<s>`, `DUE`, `ATREST`, gsi1 `PARTNER#<p>`) and carry no entries in
HQ's filter indexes; offers of then may still carry gsi1/gsi3 entries that nothing reads
any more (the report reads rollups); a partner's address book sits in the partner's
partition `PARTNER#<p>` instead of its shards `BOOK#<p>#<n>`.
The lists read only the shards, so such items are not listed until this has run; reading
and writing one inquiry by its id works all along, and any change of an old inquiry
writes it with the new keys.

Without a Scan: the old `INQUIRIES` partition of gsi3 lists every inquiry item written
before sharding, gsi4's old `ATREST` the inquiries at rest written before it was
sharded; each inquiry's partition holds its offers. Each inquiry item and offer gets its
index keys recomputed by `items.py` (an UpdateItem of the key attributes only,
conditional on the version or outcome it was read with: a change meanwhile wrote the
new keys itself; an offer's old gsi1/gsi3 entries are removed). gsi2 `PARTNERS` lists
the partners; a Query of each one's partition finds its old contacts and match keys,
and each moves to its shard in one transaction (a put where none is yet, the old one's
delete): an item already in its shard was written since by the new code and is the
newer, so only the old one is deleted. Its gsi1 entry (`CONTACTS#<p>`) keeps its key.
Safe to run again; it stops when the old partitions are empty.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from inquiries.adapters.items import (
    from_item,
    inquiry_from,
    inquiry_item,
    offer_from,
    offer_item,
)
from inquiries.adapters.keys import (
    ALL_INQUIRIES,
    ALL_PARTNERS,
    contact_key_parts,
    contact_pk,
    match_key_pk,
)
from inquiries.adapters.lookups import AT_REST
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY, index_keys, key_attributes

INDEX_KEYS = tuple(key_attributes()[2:])  # every index key attribute, once


@dataclass
class Moved:
    inquiries: int = 0
    offers: int = 0
    changed_meanwhile: int = 0
    contacts: int = 0  # contact items moved into their address book's shard
    contact_keys: int = 0  # match-key items moved likewise


def rekey(client: Any, table: str) -> Moved:
    """Rewrite every item stored with the unsharded keys; what was moved."""
    moved = Moved()
    for index, old in (("gsi3", ALL_INQUIRIES), ("gsi4", AT_REST)):
        while True:
            found = list(_query(client, table, index, index_keys(index)[0], old, "pk"))
            if not found:
                break
            for entry in found:
                _rekey_inquiry(client, table, entry[PARTITION_KEY]["S"], moved)
    for partner in _query(client, table, "gsi2", "gsi2pk", ALL_PARTNERS, "pk"):
        _move_address_book(client, table, partner[PARTITION_KEY]["S"], moved)
    return moved


def _query(
    client: Any, table: str, index: str | None, pk_name: str, pk: str, projection: str
) -> Iterator[dict[str, Any]]:
    query: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": f"{pk_name} = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    if index:
        query["IndexName"] = index
        query["ProjectionExpression"] = projection
    else:
        query["ConsistentRead"] = True
    while True:
        page = client.query(**query)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _rekey_inquiry(client: Any, table: str, pk: str, moved: Moved) -> None:
    for item in _query(client, table, None, PARTITION_KEY, pk, ""):
        data = from_item(item)
        if data.get("type") == "inquiry":
            wanted = inquiry_item(inquiry_from(data))
            condition = ("version", item["version"])
        elif data.get("type") == "offer":
            wanted = offer_item(offer_from(data))
            condition = ("outcome", item["outcome"])
        else:
            continue
        if _set_index_keys(client, table, item, wanted, condition):
            if data["type"] == "inquiry":
                moved.inquiries += 1
            else:
                moved.offers += 1
        else:
            moved.changed_meanwhile += 1


def _set_index_keys(
    client: Any,
    table: str,
    item: dict[str, Any],
    wanted: dict[str, Any],
    condition: tuple[str, dict[str, Any]],
) -> bool:
    """Set the index keys the item has now; False when it changed since it was read."""
    # Only the keys to set or to remove: DynamoDB refuses names and values left unused.
    present = [n for n, name in enumerate(INDEX_KEYS) if name in wanted or name in item]
    names = {f"#k{n}": INDEX_KEYS[n] for n in present}
    sets = [f"#k{n} = :k{n}" for n in present if INDEX_KEYS[n] in wanted]
    removes = [f"#k{n}" for n in present if INDEX_KEYS[n] not in wanted]
    expression = " ".join(
        part
        for part in (
            "SET " + ", ".join(sets) if sets else "",
            "REMOVE " + ", ".join(removes) if removes else "",
        )
        if part
    )
    if not expression:
        return True
    try:
        client.update_item(
            TableName=table,
            Key={k: item[k] for k in (PARTITION_KEY, SORT_KEY)},
            UpdateExpression=expression,
            ConditionExpression="#c = :c",
            ExpressionAttributeNames={**names, "#c": condition[0]},
            ExpressionAttributeValues={
                **{f":k{n}": wanted[INDEX_KEYS[n]] for n in present if INDEX_KEYS[n] in wanted},
                ":c": condition[1],
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _move_address_book(client: Any, table: str, partner_pk: str, moved: Moved) -> None:
    """Move the contacts and match keys stored in the partner's own partition."""
    partner_id = partner_pk.removeprefix("PARTNER#")
    for prefix in ("CONTACT#", "CKEY#"):
        query: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": partner_pk}, ":prefix": {"S": prefix}},
            "ConsistentRead": True,
        }
        while True:
            page = client.query(**query)
            for item in page.get("Items", []):
                sort_key = item[SORT_KEY]["S"]
                if prefix == "CONTACT#":
                    new_pk = contact_pk(partner_id, sort_key.removeprefix(prefix))
                else:
                    kind, value, _ = contact_key_parts(sort_key)
                    new_pk = match_key_pk(partner_id, kind, value)
                if _move(client, table, item, new_pk):
                    if prefix == "CONTACT#":
                        moved.contacts += 1
                    else:
                        moved.contact_keys += 1
                else:
                    moved.changed_meanwhile += 1
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _move(client: Any, table: str, item: dict[str, Any], new_pk: str) -> bool:
    """Put the item under `new_pk` and delete the old one in one transaction; False when
    the new one was there already (written since: it stays, the old one goes)."""
    old_key = {k: item[k] for k in (PARTITION_KEY, SORT_KEY)}
    delete = {"TableName": table, "Key": old_key}
    try:
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {**item, PARTITION_KEY: {"S": new_pk}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Delete": {**delete, "ConditionExpression": "attribute_exists(pk)"}},
            ]
        )
    except ClientError as error:
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        if reasons[:1] == ["ConditionalCheckFailed"]:  # the new one is there already
            client.delete_item(**delete)
            return False
        if reasons[1:2] == ["ConditionalCheckFailed"]:  # moved meanwhile by another run
            return False
        raise  # throttled or in conflict: nothing was written, run it again
    return True


def main() -> None:
    import boto3  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", required=True, help="the table's name (stack output)")
    args = parser.parse_args()
    moved = rekey(boto3.client("dynamodb"), args.table)
    print(
        f"moved {moved.inquiries} inquiries, {moved.offers} offers, {moved.contacts} "
        f"contacts and {moved.contact_keys} match keys; {moved.changed_meanwhile} had "
        "changed meanwhile (already moved)"
    )


if __name__ == "__main__":
    main()

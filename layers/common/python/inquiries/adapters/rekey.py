"""Move items written before sharding onto the sharded keys (docs/data-model.md).

    PYTHONPATH=layers/common/python python -m inquiries.adapters.rekey --table <name>

Items stored before the keys were sharded sit in the unsharded index partitions
(`INQUIRIES`, `STATUS#<s>`, `OFFERS#<month>`, `DUE`, gsi1 `PARTNER#<p>`), carry no
entries in HQ's filter indexes, and a partner's contacts sit in `PARTNER#<p>`. The
lists read only the shards, so such items are not listed until this has run; reading
and writing one inquiry by its id works all along, and any change of an old inquiry
writes it with the new keys.

Without a Scan: the old `INQUIRIES` partition of gsi3 lists every inquiry item written
before; each inquiry's partition holds its offers. Each inquiry item and offer gets its
index keys recomputed by `items.py` (an UpdateItem of the key attributes only,
conditional on the version or outcome it was read with: a change meanwhile wrote the
new keys itself). Contacts and match keys move to their shard in one transaction each
(put there, delete here; a match key written since is merged). Partners come from gsi2
`PARTNERS`. Safe to run again; it stops when the old partitions are empty.
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
from inquiries.adapters.keys import ALL_INQUIRIES, ALL_PARTNERS, contacts_pk, partner_pk
from inquiries.adapters.table import INDEXES, PARTITION_KEY, SORT_KEY

INDEX_KEYS = tuple(name for i in INDEXES for name in (i.partition_key, i.sort_key))


@dataclass
class Moved:
    inquiries: int = 0
    offers: int = 0
    contacts: int = 0
    changed_meanwhile: int = 0


def rekey(client: Any, table: str) -> Moved:
    """Rewrite every item stored with the unsharded keys; what was moved."""
    moved = Moved()
    while True:
        found = list(_query(client, table, "gsi3", "gsi3pk", ALL_INQUIRIES, "pk"))
        if not found:
            break
        for entry in found:
            _rekey_inquiry(client, table, entry[PARTITION_KEY]["S"], moved)
    for partner in _query(client, table, "gsi2", "gsi2pk", ALL_PARTNERS, "pk"):
        _move_contacts(client, table, partner[PARTITION_KEY]["S"], moved)
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
    names = {f"#k{n}": name for n, name in enumerate(INDEX_KEYS)}
    sets = [f"#k{n} = :k{n}" for n, name in enumerate(INDEX_KEYS) if name in wanted]
    removes = [f"#k{n}" for n, name in enumerate(INDEX_KEYS) if name not in wanted]
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    try:
        client.update_item(
            TableName=table,
            Key={k: item[k] for k in (PARTITION_KEY, SORT_KEY)},
            UpdateExpression=expression,
            ConditionExpression="#c = :c",
            ExpressionAttributeNames={**names, "#c": condition[0]},
            ExpressionAttributeValues={
                **{f":k{n}": wanted[name] for n, name in enumerate(INDEX_KEYS) if name in wanted},
                ":c": condition[1],
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _move_contacts(client: Any, table: str, partner_key: str, moved: Moved) -> None:
    partner_id = partner_key.removeprefix(partner_pk(""))
    for item in _query(client, table, None, PARTITION_KEY, partner_key, ""):
        sort_key = item[SORT_KEY]["S"]
        if not sort_key.startswith(("CONTACT#", "CKEY#")):
            continue
        target = contacts_pk(partner_id, sort_key)
        delete = {
            "Delete": {"TableName": table, "Key": {k: item[k] for k in (PARTITION_KEY, SORT_KEY)}}
        }
        if sort_key.startswith("CKEY#"):
            write = {
                "Update": {
                    "TableName": table,
                    "Key": {PARTITION_KEY: {"S": target}, SORT_KEY: item[SORT_KEY]},
                    "UpdateExpression": "ADD contact_ids :ids SET #type = :type",
                    "ExpressionAttributeNames": {"#type": "type"},
                    "ExpressionAttributeValues": {
                        ":ids": item["contact_ids"],
                        ":type": item["type"],
                    },
                }
            }
        else:
            write = {"Put": {"TableName": table, "Item": {**item, PARTITION_KEY: {"S": target}}}}
        client.transact_write_items(TransactItems=[write, delete])
        moved.contacts += 1


def main() -> None:
    import boto3  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", required=True, help="the table's name (stack output)")
    args = parser.parse_args()
    moved = rekey(boto3.client("dynamodb"), args.table)
    print(
        f"moved {moved.inquiries} inquiries, {moved.offers} offers, {moved.contacts} contacts "
        f"and match keys; {moved.changed_meanwhile} had changed meanwhile (already moved)"
    )


if __name__ == "__main__":
    main()

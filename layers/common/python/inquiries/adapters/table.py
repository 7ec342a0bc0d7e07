"""The one DynamoDB table: its keys and indexes, defined once.

The CDK app, the tests and the local stack all build the table from this
definition. See docs/data-model.md for the access patterns behind each index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expires_at_epoch"
# The stream carries each new item's image to the notify function (issue 15).
STREAM_VIEW_TYPE = "NEW_IMAGE"


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str
    purpose: str
    # None: the index projects ALL; otherwise INCLUDE these attributes besides the keys,
    # KEYS_ONLY when empty (DynamoDB then writes an entry only when its keys or these
    # attributes change).
    include: tuple[str, ...] | None = None

    def projection(self) -> dict[str, Any]:
        """The Projection of CreateTable for this index."""
        if self.include is None:
            return {"ProjectionType": "ALL"}
        if not self.include:
            return {"ProjectionType": "KEYS_ONLY"}
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(self.include)}


# What HQ's filter indexes carry besides the keys: what a combined filter may check there.
# The channel index is read only when no other filter is given (adapters/lists.py), so it
# holds keys only and is written once per inquiry.
FILTERED = ("status", "channel", "return_reason")
# The lists (inbox, HQ's queue, all inquiries) read their rows from the table
# (adapters/lists.py), so their indexes hold what a list's filter checks there and what
# other items are read for: an inquiry's entry is written again only when its keys or
# these few attributes change, never for a change that leaves them as they were.
# gsi1: the inbox's status filter; a contact of the address book is read from its entry
# (inquiry items have a `contact` too: it changes only with an erasure).
INBOX = ("status", "contact_id", "contact", "source", "inquiry_id")
# gsi2: HQ's status queue checks the channel; a partner is read from its entry.
BY_STATUS = ("channel", "partner")
# gsi4: what the sweeper reads of a pending offer and retention of an inquiry at rest
# (not the whole inquiry: its entry is written when it comes to rest or leaves it).
DUE_OR_AT_REST = ("inquiry_id", "seq", "deadline", "id")
# The look-up indexes are read rarely (a data subject's request, HQ's q=): they hold keys,
# and the inquiries are read from the table, so that no change of an inquiry rewrites its
# entries. gsi5 also carries what an idempotency claim's entry is read for; inquiry items
# have none of these attributes, so their entries stay keys only.
CLAIMED = ("inquiry_id", "claimed_at", "expires_at")


# Sort keys shared by several indexes (issue 12, part "cost"): an inquiry's entries in
# gsi3 and HQ's filter indexes gsi7-gsi9 all sort by `<created>#<id>`, its look-up entries
# in gsi5 and gsi6 by `INQ#<created>#<id>`. One attribute each instead of one per index
# keeps the inquiry item, which every change writes again, some 160 bytes smaller (under
# 1 KB for a short message: one write unit instead of two). gsi2 keeps its own: partners
# sort by their id there.
CREATED_SORT_KEY = "gsi3sk"
LOOKUP_SORT_KEY = "gsi5sk"


INDEXES: tuple[Index, ...] = (
    Index(
        "gsi1",
        "gsi1pk",
        "gsi1sk",
        "per partner: inbox (pending by deadline, then newest); address book (contacts)",
        INBOX,
    ),
    Index(
        "gsi2",
        "gsi2pk",
        "gsi2sk",
        "inquiries by status, newest first (HQ queue); partners",
        BY_STATUS,
    ),
    Index("gsi3", "gsi3pk", CREATED_SORT_KEY, "all inquiries newest first", ()),
    Index(
        "gsi4",
        "gsi4pk",
        "gsi4sk",
        "pending offers by deadline (sweeper); inquiries at rest (retention); sparse",
        DUE_OR_AT_REST,
    ),
    Index(
        "gsi5",
        "gsi5pk",
        LOOKUP_SORT_KEY,
        "by keyed hash of the e-mail (data subjects, q=); sparse",
        CLAIMED,
    ),
    Index("gsi6", "gsi6pk", LOOKUP_SORT_KEY, "by keyed hash of the last name (q=); sparse", ()),
    Index(
        "gsi7", "gsi7pk", CREATED_SORT_KEY, "HQ: inquiries a partner holds, newest first", FILTERED
    ),
    Index("gsi8", "gsi8pk", CREATED_SORT_KEY, "HQ: inquiries by channel, newest first", ()),
    Index("gsi9", "gsi9pk", CREATED_SORT_KEY, "HQ: returned inquiries by reason; sparse", FILTERED),
)


def index_keys(index_name: str) -> tuple[str, str]:
    """The partition and sort key attributes of the table's index of this name (several
    indexes share a sort key attribute: never build the name from the index's)."""
    for index in INDEXES:
        if index.name == index_name:
            return (index.partition_key, index.sort_key)
    raise ValueError(f"no index {index_name}")


def key_attributes() -> list[str]:
    """Every attribute that is a key of the table or of an index (all strings), once."""
    names = [PARTITION_KEY, SORT_KEY]
    for index in INDEXES:
        names += [index.partition_key, index.sort_key]
    return list(dict.fromkeys(names))


def create_table_request(table_name: str, *, stream: bool = False) -> dict[str, Any]:
    """The CreateTable request for boto3 (tests and the local stack), on demand.

    `stream`: with the stream the deployed table has (the local stack feeds notify from
    it). Tests leave it off: moto copies a whole table, stream included, for every
    transaction, so a stream makes each write of a long test slower than the last.
    """
    request: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in key_attributes()
        ],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": index.projection(),
            }
            for index in INDEXES
        ],
    }
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": STREAM_VIEW_TYPE}
    return request


def create_table(client: Any, table_name: str, *, stream: bool = False) -> None:
    """Create the table (and its TTL, and its stream if asked) if it does not exist yet."""
    existing = client.list_tables().get("TableNames", [])
    if table_name in existing:
        return
    client.create_table(**create_table_request(table_name, stream=stream))
    client.get_waiter("table_exists").wait(TableName=table_name)
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )

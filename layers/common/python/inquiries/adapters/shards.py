"""Lists over sharded partitions: one query per shard, in parallel, merged in key order.

A shared key such as `INQUIRIES` is split into shards (`INQUIRIES#0` .. `#7`,
adapters/keys.py). A page asks every shard for its next entries at the same time and
merges them by sort key. A shard that has more than it returned sets a frontier: no
entry beyond it is given out yet, since that shard may hold earlier ones. The cursor
keeps one position per shard (the sort key of the last entry given out from it, or
where its read stopped), so it stays valid across shards and is checked against the
list it was made for.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from inquiries.adapters.cursors import invalid_cursor, unwrapped
from inquiries.adapters.keys import INQUIRY_SK, inquiry_pk
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY, index_keys
from inquiries.parallel import in_parallel

# A shard's read for one page stops after this many calls even if its filter matched
# fewer than the page needs: a page of a narrow filter may come short, with a cursor
# that goes on (docs/api.md: follow `next` until it is null).
MAX_CALLS_PER_SHARD = 3
# Under a filter, a call evaluates this many times the page's entries.
FILTERED_READ_FACTOR = 4

Query = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Listing:
    """The same key condition on several partitions of one index, merged in sort-key order.

    `condition` is the sort key's part of the key condition (`:sk...` placeholders in
    `values`), `filter` a FilterExpression; `fetch` says the index projects only some
    attributes, so the page's items are read from the table afterwards.
    """

    index: str
    partitions: tuple[str, ...]
    descending: bool
    condition: str | None = None
    filter: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    fetch: bool = False

    @property
    def pk_name(self) -> str:
        return index_keys(self.index)[0]

    @property
    def sk_name(self) -> str:
        return index_keys(self.index)[1]

    def request(self, partition: str) -> dict[str, Any]:
        """The Query parameters for one partition (without Limit and start)."""
        condition = f"{self.pk_name} = :pk"
        if self.condition:
            condition += f" AND {self.condition}"
        query: dict[str, Any] = {
            "IndexName": self.index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {":pk": {"S": partition}, **self.values},
            "ScanIndexForward": not self.descending,
        }
        if self.filter:
            query["FilterExpression"] = self.filter
        if self.names:
            query["ExpressionAttributeNames"] = self.names
        return query

    def fingerprint(self) -> str:
        """What a cursor must have been made for: the same index, shards and conditions."""
        plain = [self.index, self.partitions, self.descending, self.condition, self.filter]
        plain += [self.values]
        return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class MergedPage:
    items: list[dict[str, Any]]  # DynamoDB's typed items, in list order
    next: str | None


def earliest_entries(
    call: Callable[..., Any],
    partitions: Sequence[str],
    before: str,
    projection: str,
    limit: int,
) -> list[dict[str, Any]]:
    """The `limit` earliest gsi4 entries whose sort key starts with a moment at or before
    `before` (a stamp), over the given shards of one key, read in parallel and merged.

    `call(operation, **params)` runs a DynamoDB call. The sort keys start with the moment
    and a `#`, and '#' < '$', so `< before$` takes every key at or before it.
    """

    def shard(partition: str) -> Callable[[], dict[str, Any]]:
        return lambda: call(
            "query",
            IndexName="gsi4",
            KeyConditionExpression="gsi4pk = :pk AND gsi4sk < :upper",
            ExpressionAttributeValues={":pk": {"S": partition}, ":upper": {"S": f"{before}$"}},
            ProjectionExpression=f"{projection}, gsi4sk",
            Limit=limit,
        )

    pages = in_parallel([shard(p) for p in partitions])
    entries = sorted(
        (item for page in pages for item in page.get("Items", [])),
        key=lambda item: str(item["gsi4sk"]["S"]),
    )
    return entries[:limit]


@dataclass
class _Shard:
    start: dict[str, Any] | None
    items: list[dict[str, Any]]
    last: dict[str, Any] | None  # where DynamoDB stopped; None: nothing more


def merged_page(query: Query, listing: Listing, limit: int, cursor: str | None) -> MergedPage:
    """One page of the listing: `limit` entries at most, merged across its shards."""
    starts = _decode(listing, cursor) if cursor else dict.fromkeys(range(len(listing.partitions)))
    order = sorted(starts)
    shards = in_parallel(
        [lambda i=i: _read(query, listing, i, starts[i], limit) for i in order]  # type: ignore[misc]
    )
    by_index: dict[int, _Shard] = dict(zip(order, shards, strict=True))
    sk = listing.sk_name

    def key(item: dict[str, Any]) -> str:
        return str(item[sk]["S"])

    # No entry beyond the nearest frontier: a shard that stopped early may hold earlier ones.
    frontiers = [key(s.last) for s in by_index.values() if s.last is not None]
    merged = sorted(
        ((key(item), i, item) for i, s in by_index.items() for item in s.items),
        key=lambda entry: entry[0],
        reverse=listing.descending,
    )
    if frontiers:
        bound = max(frontiers) if listing.descending else min(frontiers)
        merged = [e for e in merged if (e[0] >= bound if listing.descending else e[0] <= bound)]
    page = merged[:limit]
    taken: dict[int, int] = {}
    for _, i, _item in page:
        taken[i] = taken.get(i, 0) + 1
    positions: dict[int, str] = {}
    for i, shard in by_index.items():
        count = taken.get(i, 0)
        if count == len(shard.items):  # all it returned was given out: go on where it stopped
            if shard.last is not None:
                positions[i] = key(shard.last)
        elif count:
            positions[i] = key(shard.items[count - 1])
        else:
            positions[i] = key(shard.start) if shard.start else ""
    next_cursor = _encode(listing, positions) if positions else None
    return MergedPage([item for _, _, item in page], next_cursor)


def _read(query: Query, listing: Listing, shard: int, start_at: str | None, limit: int) -> _Shard:
    partition = listing.partitions[shard]
    start = _start_key(listing, partition, start_at) if start_at else None
    request = listing.request(partition)
    # One more than the page needs tells the merge whether the shard goes on.
    wanted = limit + 1
    batch = wanted * (FILTERED_READ_FACTOR if listing.filter else 1)
    items: list[dict[str, Any]] = []
    last = start
    for _ in range(MAX_CALLS_PER_SHARD):
        answer = query(
            **request,
            Limit=batch if listing.filter else wanted - len(items),
            **({"ExclusiveStartKey": last} if last else {}),
        )
        items += answer.get("Items", [])
        last = answer.get("LastEvaluatedKey")
        if not last or len(items) >= wanted:
            break
    return _Shard(start, items, last)


def _start_key(listing: Listing, partition: str, position: str) -> dict[str, Any]:
    """The ExclusiveStartKey of an inquiry entry from its sort key (`...#<inquiry id>`)."""
    inquiry_id = position.rsplit("#", 1)[-1]
    return {
        PARTITION_KEY: {"S": inquiry_pk(inquiry_id)},
        SORT_KEY: {"S": INQUIRY_SK},
        listing.pk_name: {"S": partition},
        listing.sk_name: {"S": position},
    }


def _encode(listing: Listing, positions: dict[int, str]) -> str:
    plain = {"l": listing.fingerprint(), "p": {str(i): p for i, p in sorted(positions.items())}}
    raw = json.dumps(plain, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(listing: Listing, cursor: str) -> dict[int, str | None]:
    invalid = invalid_cursor()
    plain = unwrapped(cursor)
    if not isinstance(plain, dict) or plain.get("l") != listing.fingerprint():
        raise invalid
    positions = plain.get("p")
    shards = {str(i) for i in range(len(listing.partitions))}
    if (
        not isinstance(positions, dict)
        or not positions
        or not set(positions) <= shards
        or not all(isinstance(p, str) and _is_position(p) for p in positions.values())
    ):
        raise invalid
    return {int(i): (p or None) for i, p in positions.items()}


def _is_position(value: str) -> bool:
    """Empty (the shard's start) or a sort key ending in `#<inquiry id>`."""
    return value == "" or ("#" in value and bool(value.rsplit("#", 1)[-1]) and len(value) < 200)


def fetch_items(
    batch_get: Callable[[list[dict[str, Any]]], Iterator[dict[str, Any]]],
    entries: list[dict[str, Any]],
    index_keys: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The table's items of index entries that project only some attributes, in order.

    `index_keys`: the index's key attributes; an item whose keys there changed between
    the index's Query and this read (accepted, passed to another partner) is no longer
    on the list read, and is left out rather than shown where it does not belong.
    """
    keys = [{PARTITION_KEY: e[PARTITION_KEY], SORT_KEY: e[SORT_KEY]} for e in entries]
    found = {item[PARTITION_KEY]["S"]: item for item in batch_get(keys)}
    # An entry whose item went meanwhile (never, today: inquiries are not deleted) is left out.
    return [
        item
        for entry in entries
        if (item := found.get(entry[PARTITION_KEY]["S"])) is not None
        and all(item.get(name) == entry.get(name) for name in index_keys)
    ]

"""The merge of sharded lists (adapters/shards.py) against a model of DynamoDB's Query.

The model keeps each partition's entries sorted by the index sort key and answers a
Query as DynamoDB does: from after ExclusiveStartKey, at most Limit entries evaluated,
the filter applied after the limit, LastEvaluatedKey when it stopped at the limit.
Whatever the shards hold, the bite size and the page size, following the cursors must
give every matching entry exactly once, in order, pages never over the limit.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inquiries.adapters import shards
from inquiries.adapters.shards import Listing, merged_page
from inquiries.adapters.table import index_keys
from inquiries.domain.errors import ValidationFailed


class ModelTable:
    """Partitions of index entries `{gsi3pk, gsi3sk, pk, sk, keep}`; `keep` is the filter."""

    def __init__(self, partitions: dict[str, list[tuple[str, bool]]]) -> None:
        self.entries = {
            pk: sorted(
                (
                    {
                        "gsi3pk": {"S": pk},
                        "gsi3sk": {"S": f"{when}#{pk}-{n}"},
                        "pk": {"S": f"INQ#{pk}-{n}"},
                        "sk": {"S": "INQ"},
                        "keep": keep,
                    }
                    for n, (when, keep) in enumerate(entries)
                ),
                key=lambda e: e["gsi3sk"]["S"],
            )
            for pk, entries in partitions.items()
        }
        self.calls = 0

    def query(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        assert request["Limit"] >= 1
        pk = request["ExpressionAttributeValues"][":pk"]["S"]
        entries = list(self.entries[pk])
        if not request["ScanIndexForward"]:
            entries.reverse()
        start = request.get("ExclusiveStartKey")
        if start is not None:
            assert start["gsi3pk"]["S"] == pk  # the partition comes from the listing
            after = start["gsi3sk"]["S"]
            forward = request["ScanIndexForward"]
            entries = [e for e in entries if (e["gsi3sk"]["S"] > after) == forward]
            entries = [e for e in entries if e["gsi3sk"]["S"] != after]
        evaluated = entries[: request["Limit"]]
        answer: dict[str, Any] = {
            "Items": [
                e for e in evaluated if "FilterExpression" not in request or e["keep"] is True
            ]
        }
        if len(evaluated) == request["Limit"] and evaluated:
            last = evaluated[-1]
            answer["LastEvaluatedKey"] = {k: last[k] for k in ("gsi3pk", "gsi3sk", "pk", "sk")}
        return answer


def listing(count: int, *, filtered: bool, descending: bool = True) -> Listing:
    return Listing(
        index="gsi3",
        partitions=tuple(f"P#{n}" for n in range(count)),
        descending=descending,
        filter="keep = :yes" if filtered else None,
        values={":yes": {"BOOL": True}} if filtered else {},
    )


def follow(table: ModelTable, lst: Listing, limit: int) -> list[list[str]]:
    found: list[list[str]] = []
    cursor = None
    while True:
        page = merged_page(table.query, lst, limit, cursor)
        found.append([item["gsi3sk"]["S"] for item in page.items])
        assert len(page.items) <= limit
        cursor = page.next
        if cursor is None:
            return found
        assert len(found) < 1000, "the cursors go round in circles"


entries = st.lists(st.tuples(st.integers(0, 50).map(lambda n: f"{n:03d}"), st.booleans()))


@settings(max_examples=150, deadline=None)
@given(
    partitions=st.lists(entries, min_size=1, max_size=5),
    limit=st.integers(1, 6),
    filtered=st.booleans(),
    descending=st.booleans(),
    calls=st.integers(1, 3),
    factor=st.integers(1, 3),
)
def test_following_the_cursors_gives_every_entry_once_in_order(
    partitions: list[list[tuple[str, bool]]],
    limit: int,
    filtered: bool,
    descending: bool,
    calls: int,
    factor: int,
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "MAX_CALLS_PER_SHARD", calls)
        patch.setattr(shards, "FILTERED_READ_FACTOR", factor)
        table = ModelTable({f"P#{n}": e for n, e in enumerate(partitions)})
        lst = listing(len(partitions), filtered=filtered, descending=descending)

        pages = follow(table, lst, limit)

    expected = sorted(
        (
            e["gsi3sk"]["S"]
            for part in table.entries.values()
            for e in part
            if not filtered or e["keep"]
        ),
        reverse=descending,
    )
    assert [k for page in pages for k in page] == expected
    if not filtered:  # unfiltered pages are full until the last
        assert all(len(page) == limit for page in pages[:-1])


def test_a_page_asks_each_shard_once_when_unfiltered() -> None:
    table = ModelTable({f"P#{n}": [(f"{n}{m:02d}", True) for m in range(20)] for n in range(8)})

    page = merged_page(table.query, listing(8, filtered=False), 25, None)

    assert len(page.items) == 25 and page.next
    assert table.calls == 8


def test_a_cursor_is_refused_by_another_list() -> None:
    table = ModelTable({f"P#{n}": [(f"{n}{m:02d}", True) for m in range(5)] for n in range(3)})
    cursor = merged_page(table.query, listing(3, filtered=False), 2, None).next
    assert cursor

    with pytest.raises(ValidationFailed):
        merged_page(table.query, listing(3, filtered=True), 2, cursor)
    with pytest.raises(ValidationFailed):
        merged_page(table.query, listing(4, filtered=False), 2, cursor)
    with pytest.raises(ValidationFailed):
        merged_page(table.query, listing(3, filtered=False, descending=False), 2, cursor)


def test_an_item_that_left_the_list_between_the_index_and_the_table_read_is_left_out() -> None:
    # The inbox's index said pending for both; the second was accepted (its inbox key moved)
    # and the third passed to another partner before the page's items were read.
    def entry(n: int, gsi1pk: str, gsi1sk: str) -> dict[str, Any]:
        return {
            "pk": {"S": f"INQ#{n}"},
            "sk": {"S": "INQUIRY"},
            "gsi1pk": {"S": gsi1pk},
            "gsi1sk": {"S": gsi1sk},
        }

    entries = [entry(1, "P#a", "0#d1#1"), entry(2, "P#a", "0#d2#2"), entry(3, "P#a", "0#d3#3")]
    now = {
        "INQ#1": {**entries[0], "status": {"S": "pending"}},
        "INQ#2": {**entry(2, "P#a", "1#t#2"), "status": {"S": "accepted"}},
        "INQ#3": {**entry(3, "P#b", "0#d9#3"), "status": {"S": "pending"}},
    }

    def batch_get(keys: list[dict[str, Any]]) -> Any:
        return (now[k["pk"]["S"]] for k in keys)

    keys = index_keys("gsi1")
    assert keys == ("gsi1pk", "gsi1sk")
    assert shards.fetch_items(batch_get, entries, keys) == [now["INQ#1"]]
    # Without the index's keys (a look-up by hash, which no change moves): every item found.
    assert len(shards.fetch_items(batch_get, entries)) == 3

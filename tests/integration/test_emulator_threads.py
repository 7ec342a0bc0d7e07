"""The moto speed-ups under the lists' parallel shard Queries (adapters/shards.py).

In the local stack moto's requests run one at a time; here, in-process, a list's
Queries of its shards run on threads at once. The first index Query of a table places
every item's index entries (local/emulator.py, `_SortedIndexes`): a Query on another
thread must not read them half placed, or a list leaves out inquiries it holds.
"""

from __future__ import annotations

import threading
from typing import Any

from inquiries.adapters.keys import SHARDS

from tests.integration.conftest import TABLE

PER_SHARD = 400


def _entry(shard: int, n: int) -> dict[str, Any]:
    inquiry_id = f"id-{shard}-{n:05d}"
    return {
        "PutRequest": {
            "Item": {
                "pk": {"S": f"INQ#{inquiry_id}"},
                "sk": {"S": "INQ"},
                "gsi3pk": {"S": f"INQUIRIES#{shard}"},
                "gsi3sk": {"S": f"2026-12-01T08:00:{n % 60:02d}.{n:06d}Z#{inquiry_id}"},
            }
        }
    }


def test_parallel_first_queries_of_a_table_each_read_the_whole_partition(
    aws: dict[str, Any],
) -> None:
    dynamodb = aws["dynamodb"]
    entries = [_entry(shard, n) for shard in range(SHARDS) for n in range(PER_SHARD)]
    for start in range(0, len(entries), 25):
        dynamodb.batch_write_item(RequestItems={TABLE: entries[start : start + 25]})
    counts: dict[int, int] = {}
    ready = threading.Barrier(SHARDS)

    def read(shard: int) -> None:
        ready.wait()
        answer = dynamodb.query(
            TableName=TABLE,
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"INQUIRIES#{shard}"}},
            Limit=PER_SHARD + 1,
        )
        counts[shard] = len(answer["Items"])

    threads = [threading.Thread(target=read, args=(shard,)) for shard in range(SHARDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counts == dict.fromkeys(range(SHARDS), PER_SHARD)

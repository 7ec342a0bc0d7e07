"""What a report reads of one partner's day of rollups, counted on moto: items and attributes.

Issue 12: the report reads a number of items that depends on partners and days, never
on offers. Decisions are added here as the live updates add them (`items_of`: one
`ADD` per rollup item), then the day is read as the report reads it (`read_rollups`),
which folds a partition's day read as many items into one (adapters/rollup_folds.py).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from inquiries.adapters.keys import ROLLUP_SHARDS, rollup_pk
from inquiries.adapters.rollup_folds import fold_day
from inquiries.adapters.rollups import (
    FOLD_AT,
    _update,
    home_of,
    items_of,
    largest_of,
    read_rollups,
    rollup_key,
)
from inquiries.domain.model import Outcome
from inquiries.domain.report.tally import Tally

TABLE = "inquiries-test"
DAY = date(2026, 12, 1)
PARTNER = "P-BZ"


def decide(client: Any, hours: float, shard: int) -> None:
    """One accepted offer decided after `hours` (within working hours), as a decision's
    transaction adds it to the rollup of its shard."""
    tally = Tally()
    tally.counts[Outcome.PENDING] -= 1
    tally.counts[Outcome.ACCEPTED] += 1
    tally.decision_hours.add(hours)
    tally.decision_working_hours.add(hours)
    home = home_of(tally)
    for part, figures in items_of(tally, home).items():
        client.update_item(**_update(TABLE, rollup_key(PARTNER, DAY, shard, part), figures))
    # The largest durations, SET in the item of the counts while larger than the stored.
    for name, value in largest_of(tally).items():
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.update_item(
                TableName=TABLE,
                Key=rollup_key(PARTNER, DAY, shard, home),
                UpdateExpression="SET #x = :x",
                ConditionExpression="attribute_not_exists(#x) OR #x < :x",
                ExpressionAttributeNames={"#x": name},
                ExpressionAttributeValues={":x": {"N": repr(value)}},
            )


def read_day(client: Any, *, folding: bool = False) -> tuple[int, int, Tally]:
    """The items and attributes the report reads of the day, and their figures merged;
    `folding`: then folds the day's partitions read as more than FOLD_AT items, as the
    report does."""
    counted = {"items": 0, "attributes": 0}

    def pages(**query: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            page = client.query(
                TableName=TABLE, **query, **({"ExclusiveStartKey": start} if start else {})
            )
            counted["items"] += len(page["Items"])
            counted["attributes"] += sum(len(item) for item in page["Items"])
            yield from page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def fold(pk: str, day: str, items: list[dict[str, Any]]) -> bool:
        return fold_day(client, TABLE, pk, day, items)

    rollups = read_rollups(pages, [PARTNER], DAY, DAY, fold if folding else None)
    return counted["items"], counted["attributes"], Tally.of(r.tally for r in rollups)


def test_more_decisions_of_the_same_durations_read_the_same_items(
    aws: dict[str, Any],
) -> None:
    client = aws["dynamodb"]
    durations = [0.25, 0.5, 1.0, 2.5, 4.0, 8.0, 20.0, 47.0]
    for n in range(40):
        decide(client, durations[n % len(durations)], n % ROLLUP_SHARDS)
    items, attributes, tally = read_day(client)
    for n in range(40, 200):
        decide(client, durations[n % len(durations)], n % ROLLUP_SHARDS)
    more_items, more_attributes, more = read_day(client)

    assert (more_items, more_attributes) == (items, attributes)
    assert (tally.counts[Outcome.ACCEPTED], more.counts[Outcome.ACCEPTED]) == (40, 200)
    assert more.decision_hours.spread() == tally.decision_hours.spread()


def test_a_days_report_reads_no_more_as_its_decisions_pile_up(aws: dict[str, Any]) -> None:
    """Reports asked all along a busy day (as in the load run: one every 50 decisions,
    seconds-long decisions spread over many buckets) read about as much at the end as
    at the start, and every figure stays exact."""
    client = aws["dynamodb"]
    rng = random.Random(5)
    expected = Tally()
    reads = []
    for _ in range(16):
        for _ in range(50):
            hours = 10 ** rng.uniform(-4.5, -3.3)  # 0.1 to 1.8 s
            decide(client, hours, rng.randrange(ROLLUP_SHARDS))
            expected.decision_hours.add(hours)
        reads.append(read_day(client, folding=True))

    items, _, tally = read_day(client)
    assert tally.counts[Outcome.ACCEPTED] == 800
    assert tally.decision_hours.buckets == expected.decision_hours.buckets
    assert tally.decision_hours.largest == expected.decision_hours.largest
    assert tally.decision_working_hours.buckets == expected.decision_hours.buckets
    start = sorted(attributes for _, attributes, _ in reads[1:4])[1]
    end = sorted(attributes for _, attributes, _ in reads[-3:])[1]
    assert end <= 1.5 * start, [a for _, a, _ in reads]
    # Every partition's day is one folded item and what was added since (FOLD_AT at most).
    assert items <= ROLLUP_SHARDS * (FOLD_AT + 1)


def test_a_fold_read_before_a_concurrent_decision_changes_nothing(aws: dict[str, Any]) -> None:
    client = aws["dynamodb"]
    for n in range(12):
        decide(client, 0.25 * (n + 1), shard=0)
    pk = rollup_pk(PARTNER, 0)
    day = DAY.isoformat()
    read = client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )["Items"]
    decide(client, 0.25, shard=0)  # after the report read, before its fold

    assert not fold_day(client, TABLE, pk, day, read)
    _, _, tally = read_day(client)
    assert tally.counts[Outcome.ACCEPTED] == 13
    assert fold_day(client, TABLE, pk, day, stored(client, pk))
    items, _, folded = read_day(client)
    assert items == 1
    assert folded == tally


def test_the_folded_item_holds_the_figures_of_what_it_replaced(aws: dict[str, Any]) -> None:
    client = aws["dynamodb"]
    durations = [0.004, 0.3, 1.0, 2.5, 9.75, 33.0, 47.0, 120.0, 500.0, 2000.0]
    for hours in durations:
        decide(client, hours, shard=1)
    _, _, before = read_day(client)
    pk = rollup_pk(PARTNER, 1)

    assert fold_day(client, TABLE, pk, DAY.isoformat(), stored(client, pk))
    items, attributes, after = read_day(client)
    assert after == before
    assert after.decision_hours.spread() == before.decision_hours.spread()
    assert items == 1
    # keys, version, the counts of accepted and of pending (-10), two packed sketches
    # and their largest durations
    assert attributes == 2 + 1 + 2 + 2 + 2
    assert after.decision_hours.largest == 2000.0
    # A second fold over the folded item and a new decision adds them up.
    decide(client, 3.0, shard=1)
    assert fold_day(client, TABLE, pk, DAY.isoformat(), stored(client, pk))
    _, _, again = read_day(client)
    assert again.counts[Outcome.ACCEPTED] == 11
    assert len(again.decision_hours) == 11


def stored(client: Any, pk: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )["Items"]
    return found

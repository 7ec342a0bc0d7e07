"""Rollup items of the report on DynamoDB: the updates in a change's transaction, reads, puts.

The rollup of one partner, UTC day and shard (keys in keys.py: `ROLLUP#<partner>#<shard>`)
is kept in a few items of at most 1 KB each, so that a decision never rewrites more
than a write unit per item however busy the partner is:

    DAY#<day>           the base item: counts without a duration (offers made,
                        withdrawn, expired) and, after a rebuild, all the counts
    DAY#<day>#<part>    the duration buckets of `part` (buckets 24 part .. 24 part + 23
                        of each sketch) and the counts of the decisions (or progress)
                        whose decision hours (or first progress hours) fell into it

Every figure is a top-level number attribute, so a change adds to it with one `ADD`
(which creates the item and the attribute when missing) and no read. The figures of
all items of a day add up (the report merges them as it merges shards):

    n              offers assigned
    o:<outcome>    offers per outcome as stored (pending, accepted, rejected, ...)
    r:<reason>     rejections per reason
    s:<step>       accepted offers per sales step reached (contacted, offer_sent, won, lost)
    d<bucket>      decisions per bucket of decision hours (sketch.py: `d-12`, `d151`)
    w<bucket>      the same in working hours
    f<bucket>      accepted offers per bucket of hours to the first progress step
    x:d x:w x:f    the exact largest of each of these durations (the report takes the
                   largest over the items)

Items written before the log-scale buckets kept a bucket as its value (`d:3.46`, all in
the base item): they are read into the bucket of that value (within 2 % then, instead
of 1 %) until `python -m inquiries.tools.rebuild_rollups` writes them anew.

A decision writes one item when its decision and working hours fall into the same part
(a decision within working hours), two otherwise. The fullest possible item (a
64-character partner id, every count of five digits, all 3 x 24 buckets of a part, a
version of ten digits) is 993 bytes: one write unit (two in a transaction), whatever
the partner's volume.

    v              the item's version: every update adds 1 (rollup_folds.py)
    DAY#<day>#all  the day's folded item: what a report folded of the items above (the
                   counts as numbers, each sketch packed into one string `k:d`, `k:w`,
                   `k:f`, see `packed`); decisions never write it (rollup_folds.py)

Rollup items carry no index attributes: keeping them up costs no index writes.
DynamoDB has no "max" in update expressions, so a duration larger than the stored
largest (read before the transaction) is SET under the condition that the stored one is
still smaller; when a concurrent decision raised it meanwhile, only that condition fails,
and the repository builds the transaction again from a consistent read
(`only_maxima_failed`), never answering 409 for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from inquiries.adapters.keys import (
    ROLLUP_DAY_PREFIX,
    ROLLUP_PREFIX,
    ROLLUP_SHARDS,
    rollup_day_end,
    rollup_pk,
    rollup_sk,
)
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import Outcome, ProgressStep
from inquiries.domain.report.rollup import DayRollup
from inquiries.domain.report.sketch import Sketch, bucket_of
from inquiries.domain.report.tally import Tally
from inquiries.service.rollups import rollup_deltas

ASSIGNED = "n"
_OUTCOME, _REASON, _STEP = "o:", "r:", "s:"
# The duration sketches of a rollup item: attribute letter -> the Tally field it holds.
SKETCHES = {
    "d": "decision_hours",
    "w": "decision_working_hours",
    "f": "first_progress_hours",
}
_LARGEST = "x:"
# A folded item's sketch packed into one string: `k:d` (`packed`, rollup_folds.py).
PACKED = "k:"
# Every update adds 1: a fold deletes an item only while it is as the report read it.
VERSION = "v"
# Buckets of each sketch per item: 3 x 24 of them, the counts and the keys stay under 1 KB.
PART_BUCKETS = 24
# The sort key's day: `DAY#` and `YYYY-MM-DD`.
_DAY = slice(len(ROLLUP_DAY_PREFIX), len(ROLLUP_DAY_PREFIX) + 10)
# The stored largest durations of a rollup (attribute name -> hours), read by key.
Maxima = Callable[[dict[str, Any], list[str]], dict[str, float]]
# Parallel queries of one report: partners x shards partitions, each a short key range.
_READERS = 8
# Items of one partition and day above which a report folds them into one (rollup_folds.py).
FOLD_AT = 8
_BATCH_WRITES = 25  # BatchWriteItem's most requests a call
_BATCH_ATTEMPTS = 8


def rollup_key(partner_id: str, day: date, shard: int, part: int | None = None) -> dict[str, Any]:
    """A rollup item's key in DynamoDB's typed form (`part` None: the day's base item)."""
    return {
        PARTITION_KEY: {"S": rollup_pk(partner_id, shard)},
        SORT_KEY: {"S": rollup_sk(day.isoformat(), part)},
    }


def part_of(bucket: int) -> int:
    """The item (part) that holds a bucket's counts."""
    return bucket // PART_BUCKETS


def counts_of(tally: Tally) -> dict[str, int]:
    """A tally's counts without its durations, as attribute name -> number (zeros left out)."""
    figures: dict[str, int] = {ASSIGNED: tally.assigned}
    figures.update({_OUTCOME + outcome.value: n for outcome, n in tally.counts.items()})
    figures.update({_REASON + reason: n for reason, n in tally.reasons.items()})
    figures.update({_STEP + step.value: n for step, n in tally.steps.items()})
    return {name: n for name, n in figures.items() if n}


def buckets_of(tally: Tally) -> dict[int, dict[str, int]]:
    """A tally's duration buckets by the part that holds them, as attribute name -> count."""
    parts: dict[int, dict[str, int]] = {}
    for letter, name in SKETCHES.items():
        sketch: Sketch = getattr(tally, name)
        for bucket, n in sketch.buckets.items():
            if n:
                parts.setdefault(part_of(bucket), {})[f"{letter}{bucket}"] = n
    return parts


def figures_of(tally: Tally) -> dict[str, int]:
    """All figures of a tally in one dict (as one item would hold them), zeros left out."""
    figures = counts_of(tally)
    for buckets in buckets_of(tally).values():
        figures.update(buckets)
    return figures


def home_of(tally: Tally) -> int | None:
    """Where a change's counts go: the part of its decision hours (or else of its first
    progress hours), so that a decision within working hours writes one item; None (the
    base item) for a change without durations."""
    for name in ("decision_hours", "first_progress_hours"):
        buckets = [b for b, n in getattr(tally, name).buckets.items() if n]
        if buckets:
            return part_of(min(buckets))
    return None


def items_of(tally: Tally, home: int | None) -> dict[int | None, dict[str, int]]:
    """The figures of a tally by item: the buckets in their parts, the counts in `home`."""
    items: dict[int | None, dict[str, int]] = {}
    items.update(buckets_of(tally).items())
    counts = counts_of(tally)
    if counts:
        items[home] = {**items.get(home, {}), **counts}
    return items


def duration_number(hours: float) -> str:
    """A duration as a DynamoDB number without exponent (1e-05 -> 0.00001)."""
    return format(Decimal(repr(hours)), "f")


def largest_of(tally: Tally) -> dict[str, float]:
    """The exact largest durations of a tally, by attribute name."""
    found = {}
    for letter, name in SKETCHES.items():
        largest = getattr(tally, name).largest
        if largest is not None:
            found[_LARGEST + letter] = largest
    return found


def tally_of(item: dict[str, Any]) -> Tally:
    """The tally stored in a rollup item (typed form); unknown attributes are ignored.

    Items of the earlier shape kept a bucket as its value in hours (`d:3.46`): counted
    in the bucket of that value."""
    tally = Tally()
    for name, value in item.items():
        if name.startswith(PACKED) and name[len(PACKED) :] in SKETCHES and "S" in value:
            sketch = getattr(tally, SKETCHES[name[len(PACKED) :]])
            sketch.buckets.update(unpacked(value["S"]))
            continue
        if "N" not in value or name.startswith(_LARGEST) or name == VERSION:
            continue
        n = int(value["N"])
        prefix, _, rest = name.partition(":")
        prefix += ":"
        if name == ASSIGNED:
            tally.assigned = n
        elif prefix == _OUTCOME:
            tally.counts[Outcome(rest)] += n
        elif prefix == _REASON:
            tally.reasons[rest] += n
        elif prefix == _STEP:
            tally.steps[ProgressStep(rest)] += n
        elif name[:1] in SKETCHES and (bucket := _bucket(name[1:])) is not None:
            getattr(tally, SKETCHES[name[0]]).buckets[bucket] += n
    for letter, name in SKETCHES.items():
        stored = item.get(_LARGEST + letter)
        if stored is not None:
            getattr(tally, name).largest = float(stored["N"])
    return tally


def packed(buckets: Mapping[int, int]) -> str:
    """A sketch's buckets with a count as one short string, smallest first: each entry
    the bucket's distance from the one before (the first: its number) and, unless 1,
    `:` and its count. Buckets -1003 (2), -980 (1), -979 (1) are `-1003:2,23,1`."""
    entries, previous = [], None
    for bucket, n in sorted(buckets.items()):
        if not n:
            continue
        step = bucket if previous is None else bucket - previous
        entries.append(str(step) if n == 1 else f"{step}:{n}")
        previous = bucket
    return ",".join(entries)


def unpacked(text: str) -> dict[int, int]:
    """The buckets of a packed sketch (see `packed`)."""
    found: dict[int, int] = {}
    bucket: int | None = None
    for entry in text.split(",") if text else ():
        step, _, n = entry.partition(":")
        bucket = int(step) if bucket is None else bucket + int(step)
        found[bucket] = found.get(bucket, 0) + (int(n) if n else 1)
    return found


def _bucket(rest: str) -> int | None:
    """The bucket an attribute name counts (after its sketch's letter): `-83`, or in
    the earlier shape the value in hours (`:3.46`); None for any other name."""
    try:
        return bucket_of(float(rest[1:])) if rest[:1] == ":" else int(rest)
    except ValueError:
        return None


def _update(table: str, key: dict[str, Any], figures: dict[str, int]) -> dict[str, Any]:
    names = {f"#{i}": name for i, name in enumerate(figures)}
    values: dict[str, Any] = {f":{i}": {"N": str(n)} for i, n in enumerate(figures.values())}
    names["#v"], values[":v"] = VERSION, {"N": "1"}
    adds = [f"#{i} :{i}" for i in range(len(figures))] + ["#v :v"]
    return {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "ADD " + ", ".join(adds),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def _raise_largest(update: dict[str, Any], raised: dict[str, float]) -> None:
    """SET the larger durations, conditional on the stored ones being still smaller."""
    sets, conditions = [], []
    for i, (attribute, hours) in enumerate(raised.items()):
        update["ExpressionAttributeNames"][f"#m{i}"] = attribute
        update["ExpressionAttributeValues"][f":m{i}"] = {"N": duration_number(hours)}
        sets.append(f"#m{i} = :m{i}")
        conditions.append(f"(attribute_not_exists(#m{i}) OR #m{i} < :m{i})")
    update["UpdateExpression"] += " SET " + ", ".join(sets)
    update["ConditionExpression"] = " AND ".join(conditions)


def rollup_updates(table: str, change: Change, maxima: Maxima) -> list[dict[str, Any]]:
    """The transaction items that add the change to its rollups: one Update per item.

    `maxima(key, names)` tells the stored largest durations of a rollup item; only a
    larger one is written (into the item of the change's counts), conditional on the
    stored one being still smaller.
    """
    updates = []
    for delta in rollup_deltas(change):
        home = home_of(delta.tally)
        largest = largest_of(delta.tally)
        items = items_of(delta.tally, home)
        for part, figures in items.items():
            key = rollup_key(delta.partner_id, delta.day, delta.shard, part)
            update = _update(table, key, figures)
            if part == home and largest:
                stored = maxima(key, list(largest))
                raised = {a: v for a, v in largest.items() if a not in stored or v > stored[a]}
                if raised:
                    _raise_largest(update, raised)
            updates.append({"Update": update})
    return updates


def only_maxima_failed(items: Sequence[dict[str, Any]], reasons: Sequence[str]) -> bool:
    """Whether a cancelled transaction failed only on the largest-duration conditions of
    rollups (a concurrent decision raised them): build it again, it is no conflict."""
    failed = [n for n, reason in enumerate(reasons) if reason == "ConditionalCheckFailed"]
    return bool(failed) and all(
        n < len(items)
        and "Update" in items[n]
        and items[n]["Update"]["Key"][PARTITION_KEY]["S"].startswith(ROLLUP_PREFIX)
        for n in failed
    )


# What folds one partition's items of a day: (partition key, day, the items as read).
Fold = Callable[[str, str, list[dict[str, Any]]], object]


def read_rollups(
    pages: Callable[..., Iterator[dict[str, Any]]],
    partner_ids: Sequence[str],
    first: date,
    last: date,
    fold: Fold | None = None,
) -> list[DayRollup]:
    """Every item of these partners' rollups for first..last, one DayRollup each (the
    report merges a day's items): one strongly consistent Query per partner and shard,
    run in parallel (`pages(**query)` yields a query's items, page by page).

    A day of a partition read as more than FOLD_AT items is then given to `fold`
    (adapters/rollup_folds.py), so that the next report reads it as one item and the
    few changed since; what this report answers is what it read."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (only the report reads)

    low, high = rollup_sk(first.isoformat()), rollup_day_end(last.isoformat())

    def shard(partner_id: str, number: int) -> list[DayRollup]:
        pk = rollup_pk(partner_id, number)
        items = list(
            pages(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                ExpressionAttributeValues={
                    ":pk": {"S": pk},
                    ":low": {"S": low},
                    ":high": {"S": high},
                },
                # A fold moves figures between items in one transaction: read them together.
                ConsistentRead=True,
            )
        )
        if fold is not None:
            days: dict[str, list[dict[str, Any]]] = {}
            for item in items:
                days.setdefault(item[SORT_KEY]["S"][_DAY], []).append(item)
            folds.extend((pk, day, found) for day, found in days.items() if len(found) > FOLD_AT)
        return [
            DayRollup(
                partner_id,
                date.fromisoformat(item[SORT_KEY]["S"][_DAY]),
                number,
                tally_of(item),
            )
            for item in items
        ]

    folds: list[tuple[str, str, list[dict[str, Any]]]] = []  # list.extend is atomic
    jobs = [(p, s) for p in partner_ids for s in range(ROLLUP_SHARDS)]
    if len(jobs) <= 1:
        found = [r for p, s in jobs for r in shard(p, s)]
    else:
        with ThreadPoolExecutor(max_workers=min(_READERS, len(jobs))) as pool:
            found = [r for part in pool.map(lambda job: shard(*job), jobs) for r in part]
    # One after the other, once everything is read: each fold is a transaction of its own.
    for pk, day, items in sorted(folds, key=lambda fold: (fold[0], fold[1])):
        assert fold is not None
        fold(pk, day, items)
    return found


def _rebuilt_items(rollups: Sequence[DayRollup]) -> dict[tuple[str, str], dict[str, Any]]:
    """The items of these whole rollups by (pk, sk): the counts and the largest durations
    in the base item, the buckets in their parts."""
    written: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rollups:
        for part, figures in items_of(r.tally, None).items():
            key = rollup_key(r.partner_id, r.day, r.shard, part)
            item = {**key, **{name: {"N": str(n)} for name, n in figures.items()}}
            if part is None:
                item |= {name: {"N": duration_number(h)} for name, h in largest_of(r.tally).items()}
            written[(key[PARTITION_KEY]["S"], key[SORT_KEY]["S"])] = item
    return written


def put_rollups(
    client: Any, table: str, rollups: Sequence[DayRollup], sleep: Callable[[float], None]
) -> None:
    """Write these rollups whole: their items put, the other items of the same partners,
    shards and days deleted (BatchWriteItem, 25 a call, unprocessed ones again)."""
    written = _rebuilt_items(rollups)
    days: dict[str, set[str]] = {}
    for r in rollups:
        days.setdefault(rollup_pk(r.partner_id, r.shard), set()).add(r.day.isoformat())
    stale = [
        key
        for pk, rebuilt in days.items()
        for key in _keys_of(client, table, pk, min(rebuilt), max(rebuilt))
        if key[SORT_KEY]["S"][_DAY] in rebuilt
        and (key[PARTITION_KEY]["S"], key[SORT_KEY]["S"]) not in written
    ]
    requests = [{"PutRequest": {"Item": item}} for item in written.values()]
    requests += [{"DeleteRequest": {"Key": key}} for key in stale]
    for start in range(0, len(requests), _BATCH_WRITES):
        batch = {table: requests[start : start + _BATCH_WRITES]}
        for attempt in range(_BATCH_ATTEMPTS):
            batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}
            if not batch:
                break
            sleep(0.05 * 2**attempt)
        else:
            raise RuntimeError("DynamoDB left rollup writes unprocessed; run the rebuild again")


def _keys_of(client: Any, table: str, pk: str, first: str, last: str) -> list[dict[str, Any]]:
    """The keys of a rollup partition's items of the days first..last (a key range)."""
    keys: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
        "ExpressionAttributeValues": {
            ":pk": {"S": pk},
            ":low": {"S": rollup_sk(first)},
            ":high": {"S": rollup_day_end(last)},
        },
        "ProjectionExpression": "pk, sk",
    }
    while True:
        page = client.query(**query)
        keys += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return keys
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

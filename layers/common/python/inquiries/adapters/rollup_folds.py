"""Folding a rollup's items of one day into one, so that a report reads few attributes.

Decisions add to a rollup with one `ADD` per item (adapters/rollups.py): a day of one
partner's shard grows an item per range of 24 duration buckets in use, each with an
attribute per bucket, and the report's read grew with them (issue 12 item 5: 67 items
and 478 attributes for HQ's report after 50 load-like inquiries, 213 and 3,461 after
1,000; bench/report_growth.py). When a report reads more than `FOLD_AT` items of one
partition and day, it folds them: one transaction puts their merged figures into the
day's folded item (`DAY#<day>#all`: the counts and largest durations as numbers, each
sketch packed into one string attribute `k:d`, `k:w`, `k:f`) and deletes the items it
merged. The next report reads that item and what decisions added since.

Safe against every concurrent change, without locks: every update adds 1 to the
item's version `v`, and the fold deletes an item only if its version is still the one
read (or it still has none); the folded item is put only if its own version is still
the one read (or it does not exist yet). When a decision or another report got there
first, DynamoDB cancels the whole fold and nothing changed; the report answers from
what it read either way, and a later report folds again. A decision after the fold
adds to a new item of the day, as to any missing one.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.keys import rollup_fold_sk
from inquiries.adapters.rollups import (
    PACKED,
    SKETCHES,
    VERSION,
    counts_of,
    duration_number,
    largest_of,
    packed,
    tally_of,
)
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.report.tally import Tally

# TransactWriteItems takes 100 items: the folded item and 99 it replaces at most.
_MOST_FOLDED = 99


def folded_item(pk: str, day: str, tally: Tally, version: int) -> dict[str, Any]:
    """The folded item of a partition's day holding `tally` (DynamoDB's typed form)."""
    item: dict[str, Any] = {
        PARTITION_KEY: {"S": pk},
        SORT_KEY: {"S": rollup_fold_sk(day)},
        VERSION: {"N": str(version)},
    }
    item |= {name: {"N": str(n)} for name, n in counts_of(tally).items()}
    item |= {name: {"N": duration_number(hours)} for name, hours in largest_of(tally).items()}
    for letter, name in SKETCHES.items():
        text = packed(getattr(tally, name).buckets)
        if text:
            item[PACKED + letter] = {"S": text}
    return item


def _as_read(item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The condition that an item is still as read: its version unchanged (or none yet)."""
    if VERSION in item:
        return "#v = :v", {":v": item[VERSION]}
    return "attribute_not_exists(#v)", {}


def fold_day(client: Any, table: str, pk: str, day: str, items: list[dict[str, Any]]) -> bool:
    """Fold these items of one partition's day (as read) into its folded item.

    True when the fold was written; False when a concurrent change cancelled it (or
    DynamoDB did not answer): then nothing changed, and the items stay as they are.
    """
    sk = rollup_fold_sk(day)
    current = next((i for i in items if i[SORT_KEY]["S"] == sk), None)
    others = [i for i in items if i[SORT_KEY]["S"] != sk][:_MOST_FOLDED]
    if not others:
        return False
    merged = Tally.of(tally_of(i) for i in ([current] if current else []) + others)
    version = int(current[VERSION]["N"]) + 1 if current is not None else 1
    put: dict[str, Any] = {
        "TableName": table,
        "Item": folded_item(pk, day, merged, version),
        "ExpressionAttributeNames": {"#v": VERSION},
    }
    if current is None:
        put["ConditionExpression"] = "attribute_not_exists(#v)"
    else:
        put["ConditionExpression"], put["ExpressionAttributeValues"] = _as_read(current)
    deletes = []
    for item in others:
        condition, values = _as_read(item)
        delete: dict[str, Any] = {
            "TableName": table,
            "Key": {PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]},
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#v": VERSION},
        }
        if values:
            delete["ExpressionAttributeValues"] = values
        deletes.append({"Delete": delete})
    try:
        client.transact_write_items(TransactItems=[{"Put": put}, *deletes])
    except (ClientError, BotoCoreError):
        # Cancelled (a decision or another fold came first) or unanswered: nothing was
        # written, and the report's figures come from what it read.
        return False
    return True

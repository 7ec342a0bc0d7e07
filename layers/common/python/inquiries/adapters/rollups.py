"""Rollup items of the report on DynamoDB: the updates in a change's transaction, reads, puts.

One item per partner, UTC day and shard (keys in keys.py: `ROLLUP#<partner>#<shard>`,
`DAY#<day>`). Every figure is a top-level number attribute, so a change adds to it
with one `ADD` (which creates the item and the attribute when missing) and no read:

    n              offers assigned
    o:<outcome>    offers per outcome as stored (pending, accepted, rejected, ...)
    r:<reason>     rejections per reason
    s:<step>       accepted offers per sales step reached (contacted, offer_sent, won, lost)
    d:<bucket>     decisions per bucket of decision hours (sketch.py: `66`, `0.333`)
    w:<bucket>     the same in working hours
    f:<bucket>     accepted offers per bucket of hours to the first progress step
    x:d x:w x:f    the exact largest of each of these durations

Rollup items carry no index attributes: keeping them up costs no index writes.
DynamoDB has no "max" in update expressions, so a duration larger than the stored
largest (read before the transaction) is SET under the condition that the stored one is
still smaller; when a concurrent decision raised it meanwhile, only that condition fails,
and the repository builds the transaction again from a consistent read
(`only_maxima_failed`), never answering 409 for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from inquiries.adapters.keys import (
    ROLLUP_DAY_PREFIX,
    ROLLUP_PREFIX,
    ROLLUP_SHARDS,
    rollup_pk,
    rollup_sk,
)
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import Outcome, ProgressStep
from inquiries.domain.report.rollup import DayRollup
from inquiries.domain.report.sketch import Sketch, bucket_name
from inquiries.domain.report.tally import Tally
from inquiries.service.rollups import rollup_deltas

ASSIGNED = "n"
_OUTCOME, _REASON, _STEP = "o:", "r:", "s:"
_DECISION, _WORKING, _PROGRESS = "d:", "w:", "f:"
_SKETCHES = {
    _DECISION: "decision_hours",
    _WORKING: "decision_working_hours",
    _PROGRESS: "first_progress_hours",
}
_LARGEST = "x:"
# The stored largest durations of a rollup (attribute name -> hours), read by key.
Maxima = Callable[[dict[str, Any], list[str]], dict[str, float]]
# Parallel queries of one report: partners x shards partitions, each a short key range.
_READERS = 8
_BATCH_WRITES = 25  # BatchWriteItem's most requests a call
_BATCH_ATTEMPTS = 8


def rollup_key(partner_id: str, day: date, shard: int) -> dict[str, Any]:
    """A rollup item's key in DynamoDB's typed form."""
    return {
        PARTITION_KEY: {"S": rollup_pk(partner_id, shard)},
        SORT_KEY: {"S": rollup_sk(day.isoformat())},
    }


def figures_of(tally: Tally) -> dict[str, int]:
    """A tally as attribute name -> number (zeros left out)."""
    figures: dict[str, int] = {ASSIGNED: tally.assigned}
    figures.update({_OUTCOME + outcome.value: n for outcome, n in tally.counts.items()})
    figures.update({_REASON + reason: n for reason, n in tally.reasons.items()})
    figures.update({_STEP + step.value: n for step, n in tally.steps.items()})
    for prefix, name in _SKETCHES.items():
        sketch: Sketch = getattr(tally, name)
        figures.update({prefix + bucket_name(b): n for b, n in sketch.buckets.items()})
    return {name: n for name, n in figures.items() if n}


def _number(hours: float) -> str:
    """A duration as a DynamoDB number without exponent (1e-05 -> 0.00001)."""
    return format(Decimal(repr(hours)), "f")


def largest_of(tally: Tally) -> dict[str, float]:
    """The exact largest durations of a tally, by attribute name."""
    found = {}
    for prefix, name in _SKETCHES.items():
        largest = getattr(tally, name).largest
        if largest is not None:
            found[_LARGEST + prefix[0]] = largest
    return found


def tally_of(item: dict[str, Any]) -> Tally:
    """The tally stored in a rollup item (typed form); unknown attributes are ignored."""
    tally = Tally()
    for name, value in item.items():
        if "N" not in value or name.startswith(_LARGEST):
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
        elif prefix in _SKETCHES:
            getattr(tally, _SKETCHES[prefix]).buckets[Decimal(rest)] += n
    for prefix, name in _SKETCHES.items():
        stored = item.get(_LARGEST + prefix[0])
        if stored is not None:
            getattr(tally, name).largest = float(stored["N"])
    return tally


def rollup_updates(table: str, change: Change, maxima: Maxima) -> list[dict[str, Any]]:
    """The transaction items that add the change to its rollups: one Update per item.

    `maxima(key, names)` tells the stored largest durations of a rollup; only a larger
    one is written, conditional on the stored one being still smaller.
    """
    updates = []
    for delta in rollup_deltas(change):
        key = rollup_key(delta.partner_id, delta.day, delta.shard)
        figures = figures_of(delta.tally)
        names = {f"#{i}": name for i, name in enumerate(figures)}
        values: dict[str, Any] = {f":{i}": {"N": str(n)} for i, n in enumerate(figures.values())}
        expression = "ADD " + ", ".join(f"#{i} :{i}" for i in range(len(figures)))
        update: dict[str, Any] = {"TableName": table, "Key": key}
        largest = largest_of(delta.tally)
        if largest:
            stored = maxima(key, list(largest))
            raised = {a: v for a, v in largest.items() if a not in stored or v > stored[a]}
            if raised:
                sets, conditions = [], []
                for i, (attribute, hours) in enumerate(raised.items()):
                    names[f"#m{i}"] = attribute
                    values[f":m{i}"] = {"N": _number(hours)}
                    sets.append(f"#m{i} = :m{i}")
                    conditions.append(f"(attribute_not_exists(#m{i}) OR #m{i} < :m{i})")
                expression += " SET " + ", ".join(sets)
                update["ConditionExpression"] = " AND ".join(conditions)
        update |= {
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
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


def read_rollups(
    pages: Callable[..., Iterator[dict[str, Any]]],
    partner_ids: Sequence[str],
    first: date,
    last: date,
) -> list[DayRollup]:
    """Every shard of these partners' rollups for first..last: one Query per partner and
    shard, run in parallel (`pages(**query)` yields a query's items, page by page)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (only the report reads)

    low, high = rollup_sk(first.isoformat()), rollup_sk(last.isoformat())

    def shard(partner_id: str, number: int) -> list[DayRollup]:
        items = pages(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues={
                ":pk": {"S": rollup_pk(partner_id, number)},
                ":low": {"S": low},
                ":high": {"S": high},
            },
        )
        return [
            DayRollup(
                partner_id,
                date.fromisoformat(item[SORT_KEY]["S"].removeprefix(ROLLUP_DAY_PREFIX)),
                number,
                tally_of(item),
            )
            for item in items
        ]

    jobs = [(p, s) for p in partner_ids for s in range(ROLLUP_SHARDS)]
    if len(jobs) <= 1:
        return [r for p, s in jobs for r in shard(p, s)]
    with ThreadPoolExecutor(max_workers=min(_READERS, len(jobs))) as pool:
        return [r for part in pool.map(lambda job: shard(*job), jobs) for r in part]


def put_rollups(
    client: Any, table: str, rollups: Sequence[DayRollup], sleep: Callable[[float], None]
) -> None:
    """Write these rollups whole (BatchWriteItem, 25 a call, unprocessed ones again)."""
    requests = [
        {
            "PutRequest": {
                "Item": {
                    **rollup_key(r.partner_id, r.day, r.shard),
                    **{name: {"N": str(n)} for name, n in figures_of(r.tally).items()},
                    **{name: {"N": _number(h)} for name, h in largest_of(r.tally).items()},
                }
            }
        }
        for r in rollups
    ]
    for start in range(0, len(requests), _BATCH_WRITES):
        batch = {table: requests[start : start + _BATCH_WRITES]}
        for attempt in range(_BATCH_ATTEMPTS):
            batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}
            if not batch:
                break
            sleep(0.05 * 2**attempt)
        else:
            raise RuntimeError("DynamoDB left rollup writes unprocessed; run the rebuild again")

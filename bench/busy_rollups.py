"""Benchmark: a busy partner's day of decisions, and what its report rollups cost.

    python bench/busy_rollups.py [--decisions 2000] [--seed 7]

One partner gets `--decisions` offers on one UTC day (a Wednesday, during its
working hours) and decides each of them (70 % accepted, 30 % rejected) after a
duration drawn log-uniformly from 5 minutes to 120 hours (about 45 working
hours). Each change's rollup updates (`adapters.rollups.rollup_updates`, as the
repository puts them into the change's transaction) are written to moto one by
one (moto copies its whole table for every transaction, too slow for thousands);
`bench._counting` sizes the items as DynamoDB bills them: a rollup item in a
transaction costs twice its write units. Printed: the rollup items of that day
(count, largest and total bytes), the write units a decision spends on rollup
items, and the read units of a report of that day. Run on a checkout before a
change of the rollups' shape for the "before" figures (docs/data-model.md).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

import _offline  # the layer on sys.path and moto's environment, before boto3 is imported

_offline.use_moto_environment(POWERTOOLS_LOG_LEVEL="WARNING", POWERTOOLS_METRICS_DISABLED="true")

import boto3  # noqa: E402
from _reports import CALENDAR, offer_change, partner_principal  # noqa: E402
from inquiries.adapters.keys import ROLLUP_SHARDS, rollup_pk  # noqa: E402
from inquiries.adapters.rollups import rollup_updates  # noqa: E402
from inquiries.adapters.table import create_table  # noqa: E402
from inquiries.domain import lifecycle  # noqa: E402
from inquiries.domain.model import Partner, RejectReason  # noqa: E402
from moto import mock_aws  # noqa: E402

from bench._counting import WRITE_UNIT_BYTES, Recorder, item_size  # noqa: E402

PARTNER = Partner("alpin-bz", "Partner alpin-bz", CALENDAR)
WHO = partner_principal("alpin-bz")
DAY = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # a Wednesday, 08:00 in Bolzano
SHORTEST, LONGEST = 5 / 60, 120.0  # hours from offer to decision


def run(decisions: int, seed: int) -> None:
    rng = random.Random(seed)
    table = os.environ["TABLE_NAME"]
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        create_table(dynamodb, table)

        def stored(key: dict[str, Any]) -> dict[str, Any]:
            found: dict[str, Any] = dynamodb.get_item(TableName=table, Key=key).get("Item", {})
            return found

        def maxima(key: dict[str, Any], names: list[str]) -> dict[str, float]:
            item = stored(key)
            return {name: float(item[name]["N"]) for name in names if name in item}

        def write(change: Any) -> tuple[int, int]:
            """Write a change's rollup updates: (items, write units in a transaction)."""
            units = 0
            updates = rollup_updates(table, change, maxima)
            for entry in updates:
                update = entry["Update"]
                before = item_size(stored(update["Key"]))
                dynamodb.update_item(**update)
                after = item_size(stored(update["Key"]))
                units += 2 * max(1, math.ceil(max(before, after) / WRITE_UNIT_BYTES))
            return len(updates), units

        offers = []
        step = timedelta(hours=9) / decisions  # every offer made in the day's working hours
        for n in range(decisions):
            now = DAY + n * step
            offered = offer_change(f"busy-{seed}-{n:06d}", PARTNER, now, hours=200)
            write(offered)
            offers.append(offered)
        items, units = [], []
        for offered in offers:
            offer = offered.offers[-1].offer
            hours = math.exp(rng.uniform(math.log(SHORTEST), math.log(LONGEST)))
            later = offer.offered_at + timedelta(hours=hours)
            if rng.random() < 0.7:
                decision = lifecycle.accept(offered.after, offer=offer, principal=WHO, now=later)
            else:
                decision = lifecycle.reject(
                    offered.after,
                    offer=offer,
                    principal=WHO,
                    reason=rng.choice(list(RejectReason)),
                    note=None,
                    now=later,
                )
            written, spent = write(decision)
            items.append(written)
            units.append(spent)
        sizes = []
        recorder = Recorder(shadow=dynamodb)
        reader = boto3.client("dynamodb")
        recorder.attach(reader)
        with recorder.measuring() as read:
            for shard in range(ROLLUP_SHARDS):
                answer = reader.query(
                    TableName=table,
                    KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": {"S": rollup_pk(PARTNER.id, shard)}},
                )
                sizes += [item_size(item) for item in answer["Items"]]
        last = units[-(decisions // 10) :]  # the day's last tenth: the items are fullest
        print(f"{decisions} decisions of one partner on one day (seed {seed})")
        print(
            f"rollup items of the day: {len(sizes)}, largest {max(sizes)} bytes, "
            f"together {sum(sizes)} bytes"
        )
        print(
            "WRU per decision on rollup items (in its transaction): "
            f"mean {statistics.mean(units):.2f}, last tenth mean {statistics.mean(last):.2f}, "
            f"max {max(units)}; rollup items per decision: mean {statistics.mean(items):.2f}, "
            f"max {max(items)}"
        )
        print(f"a report of the day reads them with {read.read_units:.1f} RRU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    run(args.decisions, args.seed)


if __name__ == "__main__":
    main()

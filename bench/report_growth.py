"""Benchmark: what HQ's report reads as one day's decisions pile up, as in `bench/load.py`.

    python bench/report_growth.py [--checkpoints 200 1000 4000] [--asks 5]

The load run makes every offer on one simulated day and decides it seconds later,
so every decision lands in the same day's rollups. This writes such a day change by
change through the repository into moto (four partners, each inquiry offered once
and accepted or rejected 0.2-3 s later, some progress, some left pending), and at each
checkpoint asks HQ's JSON report of the month through the report function as API
Gateway would call it (`--asks` times; the median counts). Between checkpoints a report
is asked every `--report-every` inquiries (40: the load run's report every 5 s at eight
inquiries a second), as the manager of the load run asks it. It prints, per report:
DynamoDB calls, items and attributes read, the bytes of DynamoDB's answers, and the
CPU time of the whole report (the report function and moto, in this one process) and
how much of it moto took to answer. A
report that reads only what depends on partners and days reads the same at every
checkpoint; its CPU time stays flat.

moto runs with the local stack's changes (`emulate_as_the_local_stack`), so the
emulator's cost is the stack's.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta
from typing import Any

import _offline  # the layer on sys.path and moto's environment, before boto3 is imported

_offline.use_moto_environment(POWERTOOLS_LOG_LEVEL="WARNING", POWERTOOLS_METRICS_DISABLED="true")

from _reports import offered, partner_principal, south_tyrol_partners  # noqa: E402
from inquiries import wiring  # noqa: E402
from inquiries.adapters.clock import FixedClock  # noqa: E402
from inquiries.domain import lifecycle  # noqa: E402
from inquiries.domain.model import (  # noqa: E402
    ProgressStep,
    RejectReason,
)

from tests.support.api import call, hq  # noqa: E402

PARTNERS = ("alpin-bz", "bayern-muc", "wien", "zuerich")
PERIOD = {"from": "2026-12-01", "to": "2026-12-31"}


def emulate_as_the_local_stack() -> None:
    """moto with the local stack's changes: its speed-ups (local/emulator.py) and its one
    backup per transaction (local/aws.py)."""
    from local import aws, emulator  # noqa: PLC0415

    emulator.speed_up()
    aws.models_not_kept()
    aws.one_backup_per_transaction()


def decide(repository: Any, n: int, rng: random.Random, clock: FixedClock) -> None:
    """One inquiry offered to a partner and, seconds later, decided (or left pending)."""
    now = clock.now()
    chosen = rng.choice(PARTNERS)
    change = offered(repository, n, chosen, now)
    later = now + timedelta(seconds=rng.uniform(0.2, 3.0))
    offer = change.offers[-1].offer
    who = partner_principal(chosen)
    luck = rng.random()
    if luck < 0.7:
        decided = lifecycle.accept(change.after, offer=offer, principal=who, now=later)
        repository.apply(decided)
        if rng.random() < 0.4:
            repository.apply(
                lifecycle.record_progress(
                    decided.after,
                    offer=decided.offers[0].offer,
                    principal=who,
                    step=ProgressStep.CONTACTED,
                    note=None,
                    now=later + timedelta(seconds=rng.uniform(0.2, 3.0)),
                )
            )
    elif luck < 0.9:
        repository.apply(
            lifecycle.reject(
                change.after,
                offer=offer,
                principal=who,
                reason=RejectReason.NO_CAPACITY,
                note=None,
                now=later,
            )
        )
    # The load run makes about eight inquiries a second.
    clock.set(now + timedelta(seconds=0.125))


class EmulatorTime:
    """CPU time spent answering inside moto's DynamoDB (each call on its own thread's clock)."""

    def __init__(self) -> None:
        import threading  # noqa: PLC0415

        from moto.dynamodb.responses import DynamoHandler  # noqa: PLC0415

        self.seconds = 0.0
        lock = threading.Lock()
        answer = DynamoHandler.call_action
        timer = self

        def timed(handler: Any) -> Any:
            started = time.thread_time()
            try:
                return answer(handler)
            finally:
                with lock:
                    timer.seconds += time.thread_time() - started

        DynamoHandler.call_action = timed  # type: ignore[method-assign]


def measure_report(client: Any, asks: int, emulator: EmulatorTime) -> dict[str, float]:
    """HQ's report of the month `asks` times: what it read and its CPU time (medians)."""
    seen: list[dict[str, Any]] = []

    def count(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        items = parsed.get("Items", [parsed["Item"]] if "Item" in parsed else [])
        seen.append(
            {
                "items": len(items),
                "attributes": sum(len(item) for item in items),
                "bytes": len(http_response.content or b""),
            }
        )

    client.meta.events.register("after-call.dynamodb", count)
    runs = []
    try:
        for _ in range(asks):
            seen.clear()
            in_emulator = emulator.seconds
            started = time.process_time()
            answer = call("GET", "/reports/response-times", claims=hq(), query=PERIOD)
            cpu = time.process_time() - started
            assert answer.status == 200, answer.text
            runs.append(
                {
                    "calls": len(seen),
                    "items": sum(s["items"] for s in seen),
                    "attributes": sum(s["attributes"] for s in seen),
                    "bytes": sum(s["bytes"] for s in seen),
                    "cpu_ms": cpu * 1000,
                    "emulator_ms": (emulator.seconds - in_emulator) * 1000,
                    "assigned": answer.body["total"]["assigned"],
                }
            )
    finally:
        client.meta.events.unregister("after-call.dynamodb", count)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[200, 1000, 4000])
    parser.add_argument("--asks", type=int, default=5)
    parser.add_argument("--report-every", type=int, default=40, help="inquiries (0: never)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    args = parser.parse_args()
    emulate_as_the_local_stack()
    rows = []
    emulator = EmulatorTime()
    with south_tyrol_partners(PARTNERS) as (_, clock):
        repository = wiring.dependencies().repository
        client = repository._client  # type: ignore[attr-defined]
        rng = random.Random(args.seed)
        done = 0
        print(
            f"{'inquiries':>9} {'calls':>6} {'items':>6} {'attributes':>10} "
            f"{'KB read':>8} {'CPU ms':>7} {'of which moto':>12}"
        )
        for checkpoint in sorted(args.checkpoints):
            while done < checkpoint:
                decide(repository, done, rng, clock)
                done += 1
                if args.report_every and done % args.report_every == 0 and done < checkpoint:
                    asked = call("GET", "/reports/response-times", claims=hq(), query=PERIOD)
                    assert asked.status == 200, asked.text
            row = {"inquiries": done, **measure_report(client, args.asks, emulator)}
            rows.append(row)
            print(
                f"{done:>9} {row['calls']:>6.0f} {row['items']:>6.0f} {row['attributes']:>10.0f} "
                f"{row['bytes'] / 1024:>8.1f} {row['cpu_ms']:>7.1f} {row['emulator_ms']:>12.1f}",
                flush=True,
            )
        wiring.reset()
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"last/first: items {last['items'] / first['items']:.2f}x, "
            f"attributes {last['attributes'] / first['attributes']:.2f}x, "
            f"CPU {last['cpu_ms'] / first['cpu_ms']:.2f}x"
        )
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()

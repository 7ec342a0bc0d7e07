"""Benchmark: what one response-time report reads, against the number of offers.

    python bench/report_cost.py [--offers 50 200 800]

For each size, a month of offers (three partners, about 70 % accepted, 20 % rejected,
10 % left to expire, some progress) is written change by change through the
repository into moto, then the HQ report of the month and one partner's report are
asked through the report function as API Gateway would call it. `bench._counting`
counts the DynamoDB calls, the items they read and the read units (computed from
item sizes). Before the rollups the report read every offer of the period; from
rollups it reads partners x days x shards items, whatever the number of offers.
The same file run on a checkout before the rollups gives the "before" figures of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from typing import Any

import _offline  # the layer on sys.path and moto's environment, before boto3 is imported

_offline.use_moto_environment(POWERTOOLS_LOG_LEVEL="WARNING", POWERTOOLS_METRICS_DISABLED="true")

from _reports import offered, partner_principal, south_tyrol_partners  # noqa: E402
from inquiries import wiring  # noqa: E402
from inquiries.domain import lifecycle  # noqa: E402
from inquiries.domain.model import (  # noqa: E402
    ProgressStep,
    RejectReason,
)
from inquiries.service.expiry import sweep  # noqa: E402

from bench._counting import Recorder  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.support.api import call, hq, partner  # noqa: E402

PARTNERS = ("alpin-bz", "meran-bz", "bozen-bz")


def history(repository: Any, offers: int, seed: int = 7) -> None:
    """`offers` inquiries over December, each offered once and mostly decided."""
    rng = random.Random(seed)
    minutes = 31 * 24 * 60 // offers
    for n in range(offers):
        now = START + timedelta(minutes=n * minutes)
        chosen = rng.choice(PARTNERS)
        change = offered(repository, n, chosen, now)
        luck, later = rng.random(), now + timedelta(minutes=rng.randint(5, 2000))
        offer = change.offers[-1].offer
        who = partner_principal(chosen)
        if luck < 0.7:
            decided = lifecycle.accept(change.after, offer=offer, principal=who, now=later)
            repository.apply(decided)
            if rng.random() < 0.5:
                step = rng.choice(list(ProgressStep))
                repository.apply(
                    lifecycle.record_progress(
                        decided.after,
                        offer=decided.offers[0].offer,
                        principal=who,
                        step=step,
                        note=None,
                        now=later + timedelta(hours=3),
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


def measure(offers: int) -> list[tuple[str, int, int, int, float]]:
    """(report, offers, queries, items read, RRU) of the HQ and a partner's report."""
    with south_tyrol_partners(PARTNERS) as (dynamodb, clock):
        history(wiring.dependencies().repository, offers)
        clock.set(START + timedelta(days=40))
        # The sweeper has expired what was left open, as it does every five minutes.
        while sweep(wiring.dependencies()):
            pass
        recorder = Recorder(shadow=dynamodb)
        recorder.attach_to(wiring.dependencies())
        counted: list[dict[str, Any]] = []

        def count_items(parsed: dict[str, Any], model: Any, **_: Any) -> None:
            if model.name in ("Query", "GetItem", "BatchGetItem"):
                counted.append(parsed)

        client = wiring.dependencies().repository._client  # type: ignore[attr-defined]
        client.meta.events.register("after-call.dynamodb", count_items)
        rows = []
        period = {"from": "2026-12-01", "to": "2026-12-31"}
        for name, claims in (("HQ", hq()), ("partner", partner(PARTNERS[0]))):
            counted.clear()
            with recorder.measuring() as tally:
                answer = call("GET", "/reports/response-times", claims=claims, query=period)
            assert answer.status == 200, answer.text
            items = sum(
                p.get("ScannedCount", p.get("Count", 1 if p.get("Item") else 0)) for p in counted
            )
            rows.append((name, offers, tally.total("dynamodb"), items, tally.read_units))
        wiring.reset()
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, nargs="+", default=[50, 200, 800])
    args = parser.parse_args()
    print(f"{'report':<8} {'offers':>7} {'DynamoDB calls':>15} {'items read':>11} {'RRU':>7}")
    for offers in args.offers:
        for name, n, calls, items, rru in measure(offers):
            print(f"{name:<8} {n:>7} {calls:>15} {items:>11} {rru:>7.1f}")


if __name__ == "__main__":
    main()

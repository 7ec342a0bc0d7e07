"""Benchmark: AWS calls and DynamoDB capacity per operation, and the cost of 1,000 inquiries.

    python bench/calls.py [--lambda-ms 150]

Runs the handlers in-process against moto (`moto.mock_aws`, the table from
`inquiries.adapters.table.create_table`, schedule group "inquiries", the
environment of tests/integration/conftest.py) through API Gateway HTTP API v2
events, as API Gateway would call them, and the expire function with the
events EventBridge Scheduler and the sweeper's rule send. `bench._counting`
hooks the clients that `inquiries.wiring` builds and counts every DynamoDB and
Scheduler call of each operation; the capacity units are computed from item
sizes (moto's ConsumedCapacity figures are constants, shown for reference).

Then the cost of 1,000 inquiries on AWS list prices (eu-central-1, on demand,
as known when this was written, not fetched), with the lifecycle mix below.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    p for p in (str(ROOT / "layers" / "common" / "python"), str(ROOT)) if p not in sys.path
]

# The environment of tests/integration/conftest.py, before boto3 reads it.
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_NAME": "inquiries-bench",
    "SCHEDULE_GROUP": "inquiries",
    "EXPIRE_FUNCTION_ARN": "arn:aws:lambda:eu-central-1:123456789012:function:inquiries-expire",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/inquiries-scheduler",
    "POWERTOOLS_SERVICE_NAME": "inquiries",
    "POWERTOOLS_METRICS_NAMESPACE": "PartnerInquiries",
    # The operations' log lines and metrics are not the point here.
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
os.environ.update(ENVIRONMENT)
os.environ.pop("AWS_ENDPOINT_URL", None)
warnings.filterwarnings("ignore", "No application metrics to publish")

import boto3  # noqa: E402
from inquiries import wiring  # noqa: E402
from inquiries.adapters.clock import FixedClock  # noqa: E402
from inquiries.adapters.table import create_table  # noqa: E402
from moto import mock_aws  # noqa: E402

from bench._counting import Recorder, Tally, item_size  # noqa: E402
from local.events import invoke  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.support.api import Answer, call, hq, partner  # noqa: E402

# --- prices (USD, eu-central-1, on demand; list prices as known, not fetched) ---------------

# eu-central-1 list prices as known (after DynamoDB's November 2024 on-demand cut), not
# fetched; the same as docs/deploy.md.
PRICE_WRU = 0.7625 / 1e6  # DynamoDB on-demand write request unit
PRICE_RRU = 0.1525 / 1e6  # DynamoDB on-demand read request unit
PRICE_LAMBDA_GB_S = 0.0000133334  # Lambda arm64, per GB-second
PRICE_LAMBDA_REQUEST = 0.20 / 1e6
PRICE_HTTP_API = 1.20 / 1e6  # per request
PRICE_SCHEDULER_INVOCATION = 1.00 / 1e6  # after the free tier; API calls are not billed
MEMORY_GB = {"intake": 0.5, "decide": 0.5, "expire": 0.5, "report": 1.0}  # infra/names.py
SWEEPS_PER_MONTH = 30 * 24 * 60 // 5  # the sweeper's rule fires every 5 minutes

# What happens to an inquiry in its life, per inquiry: every one is submitted and looked at a
# few times; of the first offers, 70 % are accepted, 20 % rejected (HQ reassigns them and the
# second partner accepts), 10 % expire (the scheduler fires; HQ takes them from the queue).
MIX: dict[str, float] = {
    "submit (routed)": 1.0,
    "list (partner)": 2.0,
    "list (HQ)": 1.0,
    "detail (partner)": 2.0,
    "accept (no duplicates)": 0.7 + 0.2,
    "reject": 0.2,
    "assign (HQ to partner)": 0.2,
    "expire (scheduler)": 0.1,
}

PARTNERS = {
    # Two partners cover South Tyrol, so routing breaks a tie on pending inquiries.
    "alpin-bz": ("IT", "BZ", "Europe/Rome", "39"),
    "meran-bz": ("IT", "BZ", "Europe/Rome", "39"),
    "bayern-by": ("DE", "BY", "Europe/Berlin", "8"),
}


def partner_body(partner_id: str) -> dict[str, Any]:
    country, subdivision, timezone, prefix = PARTNERS[partner_id]
    return {
        "name": f"Partner {partner_id}",
        "country": country,
        "subdivision": subdivision,
        "timezone": timezone,
        "territories": [{"country": country, "postal_prefixes": [prefix]}],
    }


def form(n: int, **extra: Any) -> dict[str, Any]:
    """A website form with its own prospect (n), in South Tyrol."""
    return {
        "product": "windows",
        "contact": {
            "first_name": "Anna",
            "last_name": f"Rossi{n}",
            "email": f"anna.rossi{n}@example.com",
            "phone": f"+39 0471 12{n:04d}",
            "street": "Via Roma 1",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": "We are renovating our house and need twelve windows, triple glazing.",
        "language": "it",
        "consent": True,
        **extra,
    }


# --- the run -------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    function: str
    tally: Tally


class Bench:
    def __init__(self, recorder: Recorder, clock: FixedClock) -> None:
        self.recorder = recorder
        self.clock = clock
        self.rows: list[Row] = []
        self.sample = ""  # an accepted inquiry, to show the sizes of its items

    def measure(self, operation: str, function: str, action: Callable[[], Any]) -> Any:
        with self.recorder.measuring() as tally:
            result = action()
        self.rows.append(Row(operation, function, tally))
        return result


def expect(answer: Answer, status: int) -> Answer:
    if answer.status != status:
        raise SystemExit(f"expected {status}, got {answer.status}: {answer.text[:300]}")
    return answer


def run() -> tuple[list[Row], dict[str, int]]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        boto3.client("scheduler").create_schedule_group(Name=ENVIRONMENT["SCHEDULE_GROUP"])
        create_table(dynamodb, ENVIRONMENT["TABLE_NAME"])
        wiring.reset()
        clock = FixedClock(START)
        wiring.override(clock=clock)
        recorder = Recorder(shadow=dynamodb)  # the fixture's client is not hooked
        recorder.attach_to(wiring.dependencies())
        bench = Bench(recorder, clock)
        operations(bench)
        wiring.reset()
        items = dynamodb.query(
            TableName=ENVIRONMENT["TABLE_NAME"],
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"INQ#{bench.sample}"}},
        )["Items"]
        sizes: dict[str, int] = {}
        for item in items:
            kind = item["type"]["S"]
            sizes[kind] = max(sizes.get(kind, 0), item_size(item))
        return bench.rows, sizes


def operations(b: Bench) -> None:
    """Every operation once, in an order a real day could have."""

    def put_partner(partner_id: str) -> Answer:
        return expect(
            call("PUT", f"/partners/{partner_id}", body=partner_body(partner_id), claims=hq()), 200
        )

    first_partner, *others = PARTNERS
    b.measure("put partner (HQ)", "decide", lambda: put_partner(first_partner))
    for partner_id in others:
        put_partner(partner_id)
    b.measure(
        "list partners (HQ)", "decide", lambda: expect(call("GET", "/partners", claims=hq()), 200)
    )

    def submit(n: int, headers: dict[str, str] | None = None, **extra: Any) -> str:
        answer = expect(call("POST", "/inquiries", body=form(n, **extra), headers=headers), 201)
        return str(answer.body["id"])

    def owner(inquiry_id: str) -> str:
        return str(
            expect(call("GET", f"/inquiries/{inquiry_id}", claims=hq()), 200).body["partner_id"]
        )

    routed = b.measure("submit (routed)", "intake", lambda: submit(1))
    dealer = b.measure("submit (dealer page)", "intake", lambda: submit(2, partner_id="bayern-by"))
    key = {"Idempotency-Key": "form-3-attempt"}
    keyed = b.measure("submit (with Idempotency-Key)", "intake", lambda: submit(3, key))
    replay = b.measure("submit (retried, same key)", "intake", lambda: submit(3, key))
    assert replay == keyed
    for n in range(4, 9):  # a partner inbox with a few inquiries in it
        submit(n)

    first = owner(routed)
    b.measure(
        "list (partner)",
        "decide",
        lambda: expect(call("GET", "/inquiries", claims=partner(first)), 200),
    )
    b.measure(
        "list (partner, pending, 2 per page)",
        "decide",
        lambda: expect(
            call(
                "GET", "/inquiries", claims=partner(first), query={"status": "pending", "limit": 2}
            ),
            200,
        ),
    )
    b.measure("list (HQ)", "decide", lambda: expect(call("GET", "/inquiries", claims=hq()), 200))
    b.measure(
        "detail (partner)",
        "decide",
        lambda: expect(call("GET", f"/inquiries/{routed}", claims=partner(first)), 200),
    )
    accepted = b.measure(
        "accept (no duplicates)",
        "decide",
        lambda: expect(call("POST", f"/inquiries/{routed}/accept", claims=partner(first)), 200),
    )
    assert accepted.body["duplicates"] == []
    b.sample = routed
    b.measure(
        "progress (contacted)",
        "decide",
        lambda: expect(
            call(
                "POST",
                f"/inquiries/{routed}/progress",
                body={"step": "contacted"},
                claims=partner(first),
            ),
            200,
        ),
    )
    # The same prospect again, from the accepting partner's own page: a duplicate.
    again = submit(1, partner_id=first)
    duplicate = b.measure(
        "accept (with duplicates)",
        "decide",
        lambda: expect(call("POST", f"/inquiries/{again}/accept", claims=partner(first)), 200),
    )
    assert duplicate.body["duplicates"], "the second acceptance must find the first contact"
    # With candidates, one more BatchGetItem reads their contacts for the answer.
    assert all(d["contact"] for d in duplicate.body["duplicates"])

    rejecting = owner(keyed)
    b.measure(
        "reject",
        "decide",
        lambda: expect(
            call(
                "POST",
                f"/inquiries/{keyed}/reject",
                body={"reason": "no_capacity"},
                claims=partner(rejecting),
            ),
            200,
        ),
    )
    other = next(p for p in PARTNERS if p not in (rejecting, "bayern-by"))
    b.measure(
        "assign (HQ to partner)",
        "decide",
        lambda: expect(
            call("POST", f"/inquiries/{keyed}/assign", body={"partner_id": other}, claims=hq()),
            200,
        ),
    )

    # The sweeper's every-five-minutes run, most of the time: nothing is due.
    b.measure(
        "sweep (nothing due)",
        "expire",
        lambda: _expect_expired(invoke("expire", {"sweep": True}), 0),
    )
    # The dealer-page inquiry's deadline passes: the scheduler fires its expiry.
    deadline = expect(call("GET", f"/inquiries/{dealer}", claims=hq()), 200).body["deadline"]
    b.clock.set(datetime.fromisoformat(deadline))
    b.measure(
        "expire (scheduler)",
        "expire",
        lambda: _expect_expired(invoke("expire", {"inquiry_id": dealer, "offer": 1}), 1),
    )
    b.measure(
        "expire (fired twice)",
        "expire",
        lambda: _expect_expired(invoke("expire", {"inquiry_id": dealer, "offer": 1}), 0),
    )
    # A week later every open offer is overdue: the sweeper returns those whose schedule was lost.
    b.clock.advance(days=7)
    swept = b.measure("sweep (6 due)", "expire", lambda: invoke("expire", {"sweep": True}))
    assert swept == {"expired": 6}, swept

    if (ROOT / "functions" / "report" / "app.py").is_file():
        period = {"from": "2026-12-01", "to": "2026-12-31"}
        b.measure(
            "report (HQ)",
            "report",
            lambda: expect(call("GET", "/reports/response-times", claims=hq(), query=period), 200),
        )
        b.measure(
            "report (partner)",
            "report",
            lambda: expect(
                call("GET", "/reports/response-times", claims=partner(first), query=period), 200
            ),
        )


def _expect_expired(answer: dict[str, Any], expired: int) -> dict[str, Any]:
    if answer.get("expired") != expired:
        raise SystemExit(f"expected {expired} expired, got {answer}")
    return answer


# --- output --------------------------------------------------------------------------------


def print_calls(rows: list[Row]) -> None:
    print(f"\n{'operation':<36} {'DynamoDB calls':<47} {'Scheduler':<18} {'RRU':>5} {'WRU':>4}")
    for row in rows:
        t = row.tally
        ddb = ", ".join(f"{op} {n}" for op, n in sorted(t.of("dynamodb").items())) or "-"
        sch = ", ".join(f"{op} {n}" for op, n in sorted(t.of("scheduler").items())) or "-"
        print(f"{row.operation:<36} {ddb:<47} {sch:<18} {t.read_units:5.1f} {t.write_units:4.0f}")
    moto = sum(r.tally.reported_units for r in rows)
    print(
        f"\n(moto's own ConsumedCapacity over all of these: {moto:.1f} units - constants per call, "
        "none for transactions; the RRU/WRU above are computed from item sizes)"
    )


def print_cost(rows: list[Row], lambda_ms: float) -> None:
    by_name = {r.operation: r for r in rows}
    per_inquiry = {"dynamodb": 0.0, "lambda": 0.0, "http": 0.0, "scheduler": 0.0}
    rru = wru = requests = 0.0
    for operation, times in MIX.items():
        row = by_name[operation]
        rru += times * row.tally.read_units
        wru += times * row.tally.write_units
        per_inquiry["lambda"] += times * (
            PRICE_LAMBDA_REQUEST + PRICE_LAMBDA_GB_S * MEMORY_GB[row.function] * lambda_ms / 1000
        )
        if row.function != "expire":
            per_inquiry["http"] += times * PRICE_HTTP_API
            requests += times
    per_inquiry["dynamodb"] = rru * PRICE_RRU + wru * PRICE_WRU
    per_inquiry["scheduler"] = MIX["expire (scheduler)"] * PRICE_SCHEDULER_INVOCATION
    sweep = by_name["sweep (nothing due)"].tally
    sweep_month = SWEEPS_PER_MONTH * (
        sweep.read_units * PRICE_RRU
        + PRICE_LAMBDA_REQUEST
        + PRICE_LAMBDA_GB_S * MEMORY_GB["expire"] * lambda_ms / 1000
    )
    print("\nlifecycle mix per inquiry: " + ", ".join(f"{k} x{v:g}" for k, v in MIX.items()))
    print(
        f"per inquiry: {rru:.1f} RRU, {wru:.1f} WRU, {requests:.1f} HTTP requests, "
        f"{sum(MIX.values()):.1f} Lambda invocations of {lambda_ms:g} ms (assumed)"
    )
    print("cost per 1,000 inquiries (USD):")
    for name, value in per_inquiry.items():
        print(f"  {name:<10} {1000 * value:8.4f}")
    print(f"  {'total':<10} {1000 * sum(per_inquiry.values()):8.4f}")
    print(
        f"plus the sweeper, whatever the volume: {SWEEPS_PER_MONTH} runs a month "
        f"= {sweep_month:.4f} USD a month"
    )
    print(
        "prices: DynamoDB on demand 0.7625 USD per million WRU, 0.1525 per million RRU; Lambda "
        "arm64 0.0000133334 USD per GB-s + 0.20 per million requests (512 MB; report 1024 MB); "
        "HTTP API 1.20 per million requests; EventBridge Scheduler 1.00 per million invocations "
        "(after the free tier; schedule API calls are not billed). List prices for eu-central-1 "
        "as known, not fetched."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--lambda-ms", type=float, default=150.0, help="assumed billed duration per invocation"
    )
    args = parser.parse_args()
    rows, sizes = run()
    print_calls(rows)
    print(
        "item sizes of an accepted inquiry (bytes, largest of each kind): "
        + ", ".join(f"{kind} {size}" for kind, size in sorted(sizes.items()))
    )
    print_cost(rows, args.lambda_ms)


if __name__ == "__main__":
    main()

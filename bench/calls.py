"""Benchmark: AWS calls and DynamoDB capacity per operation, and the cost of 1,000 inquiries.

    python bench/calls.py [--lambda-ms 150] [--tracing active]

Runs the handlers in-process against moto (`moto.mock_aws`, the table from
`inquiries.adapters.table.create_table`, schedule group "inquiries", the
environment of tests/integration/conftest.py) through API Gateway HTTP API v2
events, as API Gateway would call them, and the expire function with the
events EventBridge Scheduler and the sweeper's rule send. `bench._counting`
hooks the clients that `inquiries.wiring` builds and counts every DynamoDB and
Scheduler call of each operation; the capacity units are computed from item
sizes (moto's ConsumedCapacity figures are constants, shown for reference).

Then the cost of 1,000 inquiries on AWS list prices (eu-central-1, on demand,
as known when this was written, not fetched), with the lifecycle mix below,
everything counted: DynamoDB, Lambda (memory from infra/names.py), the HTTP API,
EventBridge Scheduler, X-Ray traces (as infra deploys tracing), CloudWatch Logs
(the bytes the handlers really write at the deployed log level, measured here,
plus Lambda's platform lines as infra configures them and the HTTP API's access
log line) and, apart, what does not grow with inquiries (custom metrics, the sweeper).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import _offline  # the layer and the repository root on sys.path

ROOT = _offline.ROOT
# The environment of tests/integration/conftest.py, before boto3 reads it.
ENVIRONMENT = dict(_offline.ENVIRONMENT)
from infra import names  # noqa: E402  (no CDK needed: the deployment's names and defaults)

# The log level the functions are deployed with: their log lines are counted, not shown.
ENVIRONMENT["LOG_LEVEL"] = names.DEFAULT_LOG_LEVEL
ENVIRONMENT["POWERTOOLS_LOG_LEVEL"] = names.DEFAULT_LOG_LEVEL
os.environ.update(ENVIRONMENT)
os.environ.pop("POWERTOOLS_METRICS_DISABLED", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
warnings.filterwarnings("ignore", "No application metrics to publish")

import boto3  # noqa: E402
from inquiries import wiring  # noqa: E402
from inquiries.adapters.clock import FixedClock  # noqa: E402
from inquiries.adapters.table import create_table  # noqa: E402
from moto import mock_aws  # noqa: E402

from bench._counting import Recorder, Tally, item_size  # noqa: E402


class Output(io.TextIOBase):
    """stdout while the handlers run: their log lines and metrics are counted, not shown."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.counting = False
        self.bytes = 0
        self.metrics: set[tuple[str, str]] = set()  # (metric name, dimension set)

    def write(self, text: str) -> int:
        if not self.counting:
            return int(self.real.write(text))
        self.bytes += len(text.encode("utf-8"))
        for line in text.splitlines():
            if '"_aws"' in line:
                self._metrics_of(json.loads(line))
        return len(text)

    def _metrics_of(self, document: dict[str, Any]) -> None:
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                for dimensions in directive["Dimensions"] or [[]]:
                    values = ",".join(f"{d}={document.get(d)}" for d in dimensions)
                    self.metrics.add((metric["Name"], values))

    def flush(self) -> None:
        self.real.flush()


OUTPUT = Output(sys.stdout)
sys.stdout = OUTPUT
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
PRICE_XRAY_TRACE = 5.00 / 1e6  # traces recorded (after 100,000 free a month)
PRICE_LOG_GB = 0.63  # CloudWatch Logs ingestion (standard), per GB
PRICE_LOG_GB_MONTH = 0.0324  # storage per GB-month (counted uncompressed: an upper bound)
PRICE_METRIC_MONTH = 0.30  # a custom metric (name x dimension values), per month
MEMORY_GB = {name: mb / 1024 for name, mb in names.MEMORY_MB.items()}
SWEEPS_PER_MONTH = 30 * 24 * 60 // names.SWEEP_EVERY_MINUTES
# Lambda's START, END and REPORT lines of one invocation (text format, measured on AWS:
# about 330 bytes); none when the system log level is WARN (infra/names.py).
PLATFORM_LOG_BYTES = 0 if names.SYSTEM_LOG_LEVEL == "WARN" else 330
# One HTTP API access log line (infra/concerns/api.py's format with typical values).
ACCESS_LOG_BYTES = len(
    json.dumps(
        {
            "requestId": "Pc7b1hN5FiAEJ9A=",
            "requestTime": "01/Dec/2026:08:00:00 +0000",
            "routeKey": "POST /inquiries/{inquiry_id}/accept",
            "status": "200",
            "protocol": "HTTP/1.1",
            "responseLength": "1432",
            "responseLatency": "85",
            "integrationLatency": "83",
            "integrationError": "-",
            "authorizerError": "-",
            "error": "-",
        }
    )
)

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
    log_bytes: int = 0  # what the handlers wrote to stdout (log lines, metrics)


class Bench:
    def __init__(self, recorder: Recorder, clock: FixedClock) -> None:
        self.recorder = recorder
        self.clock = clock
        self.rows: list[Row] = []
        self.sample = ""  # an accepted inquiry, to show the sizes of its items

    def measure(self, operation: str, function: str, action: Callable[[], Any]) -> Any:
        logged = OUTPUT.bytes
        with self.recorder.measuring() as tally:
            result = action()
        self.rows.append(Row(operation, function, tally, OUTPUT.bytes - logged))
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
        OUTPUT.counting = True
        try:
            operations(bench)
        finally:
            OUTPUT.counting = False
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
    assert swept == {"expired": 6, "erased": 0}, swept

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
    print(
        f"\n{'operation':<36} {'DynamoDB calls':<47} {'Scheduler':<18} {'RRU':>5} {'WRU':>4} "
        f"{'log B':>6}"
    )
    for row in rows:
        t = row.tally
        ddb = ", ".join(f"{op} {n}" for op, n in sorted(t.of("dynamodb").items())) or "-"
        sch = ", ".join(f"{op} {n}" for op, n in sorted(t.of("scheduler").items())) or "-"
        print(
            f"{row.operation:<36} {ddb:<47} {sch:<18} {t.read_units:5.1f} {t.write_units:4.0f} "
            f"{row.log_bytes:6d}"
        )
    moto = sum(r.tally.reported_units for r in rows)
    print(
        f"\n(moto's own ConsumedCapacity over all of these: {moto:.1f} units - constants per call, "
        "none for transactions; the RRU/WRU above are computed from item sizes; log B: bytes "
        f"the handlers wrote at log level {names.DEFAULT_LOG_LEVEL}, metrics included)"
    )


def print_cost(rows: list[Row], lambda_ms: float, tracing: str) -> dict[str, float]:
    """Print the cost of 1,000 inquiries by part; answer the parts (USD per 1,000)."""
    by_name = {r.operation: r for r in rows}
    parts = dict.fromkeys(("dynamodb", "lambda", "http", "scheduler", "xray", "logs"), 0.0)
    rru = wru = requests = invocations = log_bytes = 0.0
    for operation, times in MIX.items():
        row = by_name[operation]
        rru += times * row.tally.read_units
        wru += times * row.tally.write_units
        invocations += times
        parts["lambda"] += times * (
            PRICE_LAMBDA_REQUEST + PRICE_LAMBDA_GB_S * MEMORY_GB[row.function] * lambda_ms / 1000
        )
        log_bytes += times * (row.log_bytes + PLATFORM_LOG_BYTES)
        if row.function != "expire":
            parts["http"] += times * PRICE_HTTP_API
            log_bytes += times * ACCESS_LOG_BYTES
            requests += times
    parts["dynamodb"] = rru * PRICE_RRU + wru * PRICE_WRU
    parts["scheduler"] = MIX["expire (scheduler)"] * PRICE_SCHEDULER_INVOCATION
    # Active tracing records nearly every call at these volumes (first each second + 5 %).
    parts["xray"] = invocations * PRICE_XRAY_TRACE if tracing == "active" else 0.0
    retention_months = names.DEFAULT_LOG_RETENTION_DAYS / 30
    parts["logs"] = log_bytes / 1e9 * (PRICE_LOG_GB + PRICE_LOG_GB_MONTH * retention_months)
    sweep = by_name["sweep (nothing due)"].tally
    sweep_month = SWEEPS_PER_MONTH * (
        sweep.read_units * PRICE_RRU
        + PRICE_LAMBDA_REQUEST
        + PRICE_LAMBDA_GB_S * MEMORY_GB["expire"] * lambda_ms / 1000
    )
    metrics_month = len(OUTPUT.metrics) * PRICE_METRIC_MONTH
    print("\nlifecycle mix per inquiry: " + ", ".join(f"{k} x{v:g}" for k, v in MIX.items()))
    print(
        f"per inquiry: {rru:.1f} RRU, {wru:.1f} WRU, {requests:.1f} HTTP requests, "
        f"{invocations:.1f} Lambda invocations of {lambda_ms:g} ms (assumed), "
        f"{log_bytes / 1000:.1f} KB of logs, tracing {tracing}"
    )
    print("cost per 1,000 inquiries (USD):")
    for name, value in parts.items():
        print(f"  {name:<10} {1000 * value:8.4f}")
    print(f"  {'total':<10} {1000 * sum(parts.values()):8.4f}")
    print(
        f"plus, whatever the volume: the sweeper, {SWEEPS_PER_MONTH} runs a month = "
        f"{sweep_month:.4f} USD a month; {len(OUTPUT.metrics)} custom metrics "
        f"(name x dimensions) = {metrics_month:.2f} USD a month"
    )
    print(
        "prices: DynamoDB on demand 0.7625 USD per million WRU, 0.1525 per million RRU; Lambda "
        "arm64 0.0000133334 USD per GB-s + 0.20 per million requests (memory from "
        "infra/names.py); HTTP API 1.20 per million requests; EventBridge Scheduler 1.00 per "
        "million invocations (schedule API calls are not billed); X-Ray 5.00 per million traces "
        "recorded; CloudWatch Logs 0.63 per GB ingested + 0.0324 per GB-month stored; custom "
        "metrics 0.30 a month each. List prices for eu-central-1 as known, not fetched."
    )
    return {name: 1000 * value for name, value in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--lambda-ms", type=float, default=150.0, help="assumed billed duration per invocation"
    )
    parser.add_argument(
        "--tracing",
        choices=names.TRACING_MODES,
        default=names.DEFAULT_TRACING,
        help="X-Ray tracing of the functions (default: as infra deploys it)",
    )
    args = parser.parse_args()
    rows, sizes = run()
    print_calls(rows)
    print(
        "item sizes of an accepted inquiry (bytes, largest of each kind): "
        + ", ".join(f"{kind} {size}" for kind, size in sorted(sizes.items()))
    )
    print_cost(rows, args.lambda_ms, args.tracing)


if __name__ == "__main__":
    main()

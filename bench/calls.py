"""Benchmark: AWS calls and DynamoDB capacity per operation, and the cost of 1,000 inquiries.

    python bench/calls.py [--lambda-ms 150] [--tracing active]

Runs the handlers in-process against moto (`moto.mock_aws`, the table from
`inquiries.adapters.table.create_table` with its stream, schedule group
"inquiries", SES with the sender verified, the environment of
tests/integration/conftest.py plus the mail settings) through API Gateway HTTP
API v2 events, as API Gateway would call them, the expire function with the
events EventBridge Scheduler and the sweeper's rule send, and the notify
function with each change's new events from the table's stream (as Lambda's
event source mapping hands them over) and with a reminder. `bench._counting`
hooks the clients that `inquiries.wiring` builds and counts every DynamoDB,
Scheduler and SES call of each operation; the capacity units are computed from
item sizes (moto's ConsumedCapacity figures are constants, shown for reference).

Then the cost of 1,000 inquiries on AWS list prices (eu-central-1, on demand,
as known when this was written, not fetched), with the lifecycle mix below,
everything counted: DynamoDB, Lambda (memory from infra/names.py; each
operation's duration modelled from its CPU time as bench/power_tuning.py
measured it, in bench/durations.json, unless `--lambda-ms` assumes one), the
HTTP API, EventBridge Scheduler, X-Ray traces (as infra deploys tracing),
CloudWatch Logs (the bytes the handlers really write at the deployed log level,
measured here, plus Lambda's platform lines as infra configures them and the
HTTP API's access log line) and, apart, SES's mails and what does not grow with
inquiries (custom metrics, the sweeper).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import _offline  # the layer and the repository root on sys.path

ROOT = _offline.ROOT
# The environment of tests/integration/conftest.py, before boto3 reads it.
ENVIRONMENT = dict(_offline.ENVIRONMENT)
# As deployed (issue 15): each offer's reminder is scheduled for the notify function, and
# notify mails through SES (moto's, with the sender verified in `run`).
ENVIRONMENT.update(
    {
        "NOTIFY_FUNCTION_ARN": "arn:aws:lambda:eu-central-1:123456789012:function:inquiries-notify",
        "MAILER": "ses",
        "MAIL_FROM": "inquiries@mail.example",
        "HQ_EMAIL": "hq@mail.example",
        "APP_URL": "https://app.example",
    }
)
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

from bench import _lambda_model as model  # noqa: E402
from bench._counting import Recorder, Tally, item_size, tasks_as_lanes  # noqa: E402


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
from inquiries.service.stream import is_event_record  # noqa: E402

from local.events import invoke  # noqa: E402
from local.streams import lambda_record  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.support.api import Answer, call, hq, partner  # noqa: E402

# --- prices (USD, eu-central-1, on demand; list prices as known, not fetched) ---------------

# eu-central-1 list prices as known (after DynamoDB's November 2024 on-demand cut), not
# fetched; the same as docs/deploy.md.
PRICE_WRU = 0.7625 / 1e6  # DynamoDB on-demand write request unit
PRICE_RRU = 0.1525 / 1e6  # DynamoDB on-demand read request unit
PRICE_LAMBDA_GB_S = model.PRICE_LAMBDA_GB_S  # Lambda arm64, per GB-second
PRICE_LAMBDA_REQUEST = model.PRICE_LAMBDA_REQUEST
PRICE_HTTP_API = 1.20 / 1e6  # per request
PRICE_SCHEDULER_INVOCATION = 1.00 / 1e6  # after the free tier; API calls are not billed
PRICE_SES_MAIL = 0.10 / 1000  # SES outbound, per mail (per recipient)
PRICE_XRAY_TRACE = 5.00 / 1e6  # traces recorded (after 100,000 free a month)
PRICE_LOG_GB = 0.63  # CloudWatch Logs ingestion (standard), per GB
PRICE_LOG_GB_MONTH = 0.0324  # storage per GB-month (counted uncompressed: an upper bound)
PRICE_METRIC_MONTH = 0.30  # a custom metric (name x dimension values), per month
MEMORY_GB = {name: mb / 1024 for name, mb in names.MEMORY_MB.items()}
# The handlers' CPU time per operation, measured by bench/power_tuning.py (warm, median);
# Lambda's duration is modelled from it at the deployed memory (bench/_lambda_model.py).
DURATIONS = ROOT / "bench" / "durations.json"
SWEEPS_PER_MONTH = 30 * 24 * 60 // names.SWEEP_EVERY_MINUTES
# Lambda's START, END and REPORT lines of one invocation (text format, measured on AWS:
# about 330 bytes); none when the system log level is WARN (infra/names.py).
PLATFORM_LOG_BYTES = 0 if names.SYSTEM_LOG_LEVEL == "WARN" else 330
# One HTTP API access log line (infra/names.py's format with typical values).
TYPICAL_ACCESS_LOG_VALUES = {
    "$context.requestId": "Pc7b1hN5FiAEJ9A=",
    "$context.requestTime": "01/Dec/2026:08:00:00 +0000",
    "$context.routeKey": "POST /inquiries/{inquiry_id}/accept",
    "$context.status": "200",
    "$context.protocol": "HTTP/1.1",
    "$context.responseLength": "1432",
    "$context.responseLatency": "85",
    "$context.integrationLatency": "83",
}
ACCESS_LOG_BYTES = len(
    json.dumps(
        {
            name: TYPICAL_ACCESS_LOG_VALUES.get(variable, "-")
            for name, variable in names.ACCESS_LOG_FORMAT.items()
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
    # The mail path (issue 15): the table's stream hands each change's new events to notify,
    # one invocation per change (a quiet stream; a busy one batches up to 25 changes), which
    # mails and writes a SENT# marker per mail; the reminder fires for the offers still
    # pending at 75 % of their window (about those that expire).
    "notify (submitted)": 1.0,
    "notify (accepted)": 0.7 + 0.2,
    "notify (rejected)": 0.2,
    "notify (assigned)": 0.2,
    "notify (expired)": 0.1,
    "reminder (notify)": 0.1,
}
# The functions the HTTP API calls (the others: EventBridge Scheduler, the stream, SNS).
BEHIND_THE_API = ("intake", "decide", "report")

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
        "notify_emails": [f"sales@{partner_id}.example"],
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
    cpu_ms: float = 0.0  # the handler's CPU time, moto's taken off (with a MotoClock)
    moto_ms: float = 0.0  # moto's CPU time answering the handler's calls (with a MotoClock)
    wall_ms: float = 0.0  # the time it took here


class Stream:
    """The table's stream as Lambda's event source reads it (free: not counted).

    moto's mock does not serve the DynamoDB Streams API in-process, so its stream's
    records are read from moto's own store, as its server would answer GetRecords.
    """

    def __init__(self, table: str) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID  # noqa: PLC0415
        from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

        # moto puts a copy of the table in place when it rolls a transaction back: look the
        # table up each time.
        self.tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][
            ENVIRONMENT["AWS_DEFAULT_REGION"]
        ].tables
        self.name = table
        self.arn = f"arn:aws:dynamodb:eu-central-1:123456789012:table/{table}/stream/bench"
        self.read = 0

    def new_events(self) -> dict[str, Any]:
        """The event records written since the last call, as one batch for notify."""
        shard = self.tables[self.name].stream_shard
        records = [r.to_json() for r in shard.items[self.read :]]
        self.read = len(shard.items)
        region = ENVIRONMENT["AWS_DEFAULT_REGION"]
        return {
            "Records": [lambda_record(r, self.arn, region) for r in records if is_event_record(r)]
        }


class Bench:
    def __init__(
        self,
        recorder: Recorder,
        clock: FixedClock,
        stream: Stream,
        moto_clock: model.MotoClock | None = None,
    ) -> None:
        self.recorder = recorder
        self.clock = clock
        self.stream = stream
        self.moto_clock = moto_clock
        self.rows: list[Row] = []
        self.round = 0
        self.sample = ""  # an accepted inquiry, to show the sizes of its items

    def measure(self, operation: str, function: str, action: Callable[[], Any]) -> Any:
        self.mail()  # what earlier changes call for, unmeasured
        logged = OUTPUT.bytes
        cpu = [0.0, 0.0]
        started = time.perf_counter()
        with self.recorder.measuring() as tally:
            if self.moto_clock is None:
                result = action()
            else:
                with self.moto_clock.handler_cpu() as cpu:
                    result = action()
        wall = (time.perf_counter() - started) * 1000
        self.rows.append(Row(operation, function, tally, OUTPUT.bytes - logged, *cpu, wall))
        return result

    def mail(self, operation: str | None = None) -> None:
        """Hand the new events to notify, as the stream does; measured if named."""
        batch = self.stream.new_events()
        if not batch["Records"]:
            if operation is not None:
                raise SystemExit(f"{operation}: no new events on the stream")
            return
        if operation is None:
            _expect_delivered(invoke("notify", batch))
        else:
            self.measure(operation, "notify", lambda: _expect_delivered(invoke("notify", batch)))


def expect(answer: Answer, status: int) -> Answer:
    if answer.status != status:
        raise SystemExit(f"expected {status}, got {answer.status}: {answer.text[:300]}")
    return answer


def run(
    rounds: int = 1, moto_clock: model.MotoClock | None = None, capacity: bool = True
) -> tuple[list[Row], dict[str, int]]:
    """Every operation, `rounds` times (the rows of all of them), on a fresh moto.

    `moto_clock`: measure each operation's CPU time without moto's; `capacity`: compute
    the DynamoDB units (its look-ups cost CPU time; bench/power_tuning.py leaves it off).
    """
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        boto3.client("scheduler").create_schedule_group(Name=ENVIRONMENT["SCHEDULE_GROUP"])
        boto3.client("sesv2").create_email_identity(EmailIdentity=ENVIRONMENT["MAIL_FROM"])
        # With the stream the deployed table has: it is how changes reach notify.
        create_table(dynamodb, ENVIRONMENT["TABLE_NAME"], stream=True)
        wiring.reset()
        clock = FixedClock(START)
        wiring.override(clock=clock)
        recorder = Recorder(shadow=dynamodb if capacity else None)  # dynamodb is not hooked
        recorder.attach_to(wiring.dependencies())
        mailing = wiring.mailing()
        recorder.attach(mailing.deliveries._client)  # type: ignore[attr-defined]
        recorder.attach(mailing.mailer._client)  # type: ignore[attr-defined]
        bench = Bench(recorder, clock, Stream(ENVIRONMENT["TABLE_NAME"]), moto_clock)
        if moto_clock is not None:
            moto_clock.install()
        OUTPUT.counting = True
        try:
            with tasks_as_lanes():  # each parallel query its own lane, as on AWS
                for bench.round in range(rounds):
                    operations(bench)
                    clock.advance(days=7)
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
        # Each round its own prospects (n), so that a later round finds no duplicates.
        body = form(n + 100 * b.round, **extra)
        answer = expect(call("POST", "/inquiries", body=body, headers=headers), 201)
        return str(answer.body["id"])

    def owner(inquiry_id: str) -> str:
        return str(
            expect(call("GET", f"/inquiries/{inquiry_id}", claims=hq()), 200).body["partner_id"]
        )

    routed = b.measure("submit (routed)", "intake", lambda: submit(1))
    b.mail("notify (submitted)")  # the receipt to the prospect, the offer to the partner
    dealer = b.measure("submit (dealer page)", "intake", lambda: submit(2, partner_id="bayern-by"))
    key = {"Idempotency-Key": f"form-3-attempt-{b.round}"}
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
    b.mail("notify (accepted)")
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
    b.mail("notify (rejected)")
    other = next(p for p in PARTNERS if p not in (rejecting, "bayern-by"))
    b.measure(
        "assign (HQ to partner)",
        "decide",
        lambda: expect(
            call("POST", f"/inquiries/{keyed}/assign", body={"partner_id": other}, claims=hq()),
            200,
        ),
    )
    b.mail("notify (assigned)")

    # The sweeper's every-five-minutes run, most of the time: nothing is due.
    b.measure(
        "sweep (nothing due)",
        "expire",
        lambda: _expect_expired(invoke("expire", {"sweep": True}), 0),
    )
    # The dealer-page inquiry's deadline passes: the scheduler fires its expiry.
    deadline = datetime.fromisoformat(
        expect(call("GET", f"/inquiries/{dealer}", claims=hq()), 200).body["deadline"]
    )
    # Before that, its reminder fires (an hour before the deadline: still pending).
    b.clock.set(deadline - timedelta(hours=1))
    b.measure(
        "reminder (notify)",
        "notify",
        lambda: _expect_reminded(
            invoke("notify", {"reminder": {"inquiry_id": dealer, "offer": 1}})
        ),
    )
    b.clock.set(deadline)
    b.measure(
        "expire (scheduler)",
        "expire",
        lambda: _expect_expired(invoke("expire", {"inquiry_id": dealer, "offer": 1}), 1),
    )
    b.mail("notify (expired)")
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


def _expect_delivered(answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("batchItemFailures"):
        raise SystemExit(f"notify failed on {answer}")
    return answer


def _expect_reminded(answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("reminded") != 1:
        raise SystemExit(f"expected a reminder, got {answer}")
    return answer


def _expect_expired(answer: dict[str, Any], expired: int) -> dict[str, Any]:
    if answer.get("expired") != expired:
        raise SystemExit(f"expected {expired} expired, got {answer}")
    return answer


# --- output --------------------------------------------------------------------------------


def print_calls(rows: list[Row]) -> None:
    print(
        f"\n{'operation':<36} {'DynamoDB calls':<47} {'Scheduler, SES':<18} {'RRU':>5} {'WRU':>4} "
        f"{'log B':>6}"
    )
    for row in rows:
        t = row.tally
        ddb = ", ".join(f"{op} {n}" for op, n in sorted(t.of("dynamodb").items())) or "-"
        others = sorted({**t.of("scheduler"), **t.of("sesv2")}.items())
        sch = ", ".join(f"{op} {n}" for op, n in others) or "-"
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


def print_writes(rows: list[Row]) -> None:
    """Where each operation of the lifecycle mix spends its write units: per item kind
    (the prefixes of its keys), the second half that transactions bill, per index."""
    print("\nwrite units by what they are spent on (operations of the lifecycle mix):")
    for row in rows:
        if row.operation not in MIX or not row.tally.write_units:
            continue
        parts = ", ".join(f"{name} {units}" for name, units in row.tally.writes.most_common())
        print(f"  {row.operation:<26} {row.tally.write_units:4.0f} = {parts}")
    spent: Counter[str] = Counter()
    for row in rows:
        for name, units in row.tally.writes.items():
            spent[name] += MIX.get(row.operation, 0.0) * units
    total = sum(spent.values())
    print(
        "  per inquiry (mix): "
        + ", ".join(
            f"{name} {units:.1f} ({units / total:.0%})" for name, units in spent.most_common()
        )
    )


def measured_cpu_ms() -> dict[str, float]:
    """The handlers' CPU time per operation (ms) as bench/power_tuning.py last measured it."""
    if not DURATIONS.is_file():
        return {}
    measured = json.loads(DURATIONS.read_text())
    return {name: float(op["cpu_ms"]) for name, op in measured["operations"].items()}


def invocation_ms(row: Row, cpu_ms: dict[str, float], lambda_ms: float | None) -> float:
    """One invocation's duration: assumed, or modelled from the measured CPU time."""
    if lambda_ms is not None:
        return lambda_ms
    if row.operation not in cpu_ms:
        raise SystemExit(
            f"no measured duration of {row.operation!r}: run bench/power_tuning.py --write "
            "or give --lambda-ms"
        )
    return model.duration_ms(cpu_ms[row.operation], row.tally.lanes, names.MEMORY_MB[row.function])


def print_cost(rows: list[Row], lambda_ms: float | None, tracing: str) -> dict[str, float]:
    """Print the cost of 1,000 inquiries by part; answer the parts (USD per 1,000).

    `lambda_ms`: an assumed duration of every invocation; None: each operation's modelled
    from its measured CPU time and its AWS calls at the deployed memory.
    """
    by_name = {r.operation: r for r in rows}
    cpu_ms = measured_cpu_ms()
    parts = dict.fromkeys(("dynamodb", "lambda", "http", "scheduler", "xray", "logs"), 0.0)
    rru = wru = requests = invocations = log_bytes = mails = lambda_s = 0.0
    for operation, times in MIX.items():
        row = by_name[operation]
        rru += times * row.tally.read_units
        wru += times * row.tally.write_units
        invocations += times
        duration = invocation_ms(row, cpu_ms, lambda_ms)
        lambda_s += times * duration / 1000
        parts["lambda"] += times * model.invocation_usd(duration, names.MEMORY_MB[row.function])
        log_bytes += times * (row.log_bytes + PLATFORM_LOG_BYTES)
        mails += times * row.tally.of("sesv2")["SendEmail"]
        if row.function in BEHIND_THE_API:
            parts["http"] += times * PRICE_HTTP_API
            log_bytes += times * ACCESS_LOG_BYTES
            requests += times
    parts["dynamodb"] = rru * PRICE_RRU + wru * PRICE_WRU
    fired = MIX["expire (scheduler)"] + MIX["reminder (notify)"]  # schedules that fire
    parts["scheduler"] = fired * PRICE_SCHEDULER_INVOCATION
    # Active tracing records nearly every call at these volumes (first each second + 5 %).
    parts["xray"] = invocations * PRICE_XRAY_TRACE if tracing == "active" else 0.0
    retention_months = names.DEFAULT_LOG_RETENTION_DAYS / 30
    parts["logs"] = log_bytes / 1e9 * (PRICE_LOG_GB + PRICE_LOG_GB_MONTH * retention_months)
    sweep = by_name["sweep (nothing due)"]
    sweep_month = SWEEPS_PER_MONTH * (
        sweep.tally.read_units * PRICE_RRU
        + model.invocation_usd(invocation_ms(sweep, cpu_ms, lambda_ms), names.MEMORY_MB["expire"])
    )
    metrics_month = len(OUTPUT.metrics) * PRICE_METRIC_MONTH
    durations = (
        f"of {lambda_ms:g} ms (assumed)"
        if lambda_ms is not None
        else f"of {1000 * lambda_s / invocations:.0f} ms on average (modelled from the measured "
        "CPU time at the deployed memory, bench/power_tuning.py)"
    )
    print("\nlifecycle mix per inquiry: " + ", ".join(f"{k} x{v:g}" for k, v in MIX.items()))
    print(
        f"per inquiry: {rru:.1f} RRU, {wru:.1f} WRU, {requests:.1f} HTTP requests, "
        f"{invocations:.1f} Lambda invocations {durations}, "
        f"{log_bytes / 1000:.1f} KB of logs, tracing {tracing}, {mails:.1f} mails"
    )
    print("cost per 1,000 inquiries (USD):")
    for name, value in parts.items():
        print(f"  {name:<10} {1000 * value:8.4f}")
    print(f"  {'total':<10} {1000 * sum(parts.values()):8.4f}")
    print(
        f"  apart: SES {1000 * mails * PRICE_SES_MAIL:8.4f} ({mails:.1f} mails per inquiry = "
        f"{mails * PRICE_SES_MAIL:.5f} USD, {1000 * mails:.0f} per 1,000 inquiries; the 0.03 "
        "aim was set before mail existed)"
    )
    print(
        f"plus, whatever the volume: the sweeper, {SWEEPS_PER_MONTH} runs a month = "
        f"{sweep_month:.4f} USD a month; {len(OUTPUT.metrics)} custom metrics "
        f"(name x dimensions) = {metrics_month:.2f} USD a month"
    )
    memory = ", ".join(f"{name} {mb}" for name, mb in names.MEMORY_MB.items())
    print(
        "prices: DynamoDB on demand 0.7625 USD per million WRU, 0.1525 per million RRU; Lambda "
        "arm64 0.0000133334 USD per GB-s + 0.20 per million requests (memory from "
        f"infra/names.py, MB: {memory}); HTTP API 1.20 per million requests; EventBridge "
        "Scheduler 1.00 per million invocations (schedule API calls are not billed); X-Ray "
        "5.00 per million traces recorded; CloudWatch Logs 0.63 per GB ingested + 0.0324 per "
        "GB-month stored; custom metrics 0.30 a month each; SES 0.10 per 1,000 mails. List "
        "prices for eu-central-1 as known, not fetched."
    )
    return {name: 1000 * value for name, value in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--lambda-ms",
        type=float,
        default=None,
        help="assume this duration of every invocation instead of the one modelled from "
        "bench/durations.json (bench/power_tuning.py's measurement)",
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
    print_writes(rows)
    print(
        "item sizes of an accepted inquiry (bytes, largest of each kind): "
        + ", ".join(f"{kind} {size}" for kind, size in sorted(sizes.items()))
    )
    print_cost(rows, args.lambda_ms, args.tracing)


if __name__ == "__main__":
    main()

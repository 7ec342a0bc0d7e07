"""Benchmark: importing a partner's address book of 10,000 contacts (`POST /contacts/import`).

    python bench/contacts_import.py [--rows 10000]

Each row also shows the handler's own CPU time (moto's taken off, as
`bench/power_tuning.py` measures it) and what that is on Lambda at the contacts
function's memory (`bench/_lambda_model.py`): the import must end inside its timeout.

Runs the contacts function in-process against moto, through an API Gateway HTTP API v2
event with a `text/csv` body, as API Gateway would call it, and counts every DynamoDB
call (`bench._counting`). Three runs of the same partner's file:

1. the first import (every contact new),
2. the same file again (nothing changes: reads only, no write),
3. the file with every phone number changed (every contact updated, its phone key moved).

Then a search by e-mail and by last name, and one page of the address book. Times are
moto's, in this process: they show how the work grows (ratios), not what DynamoDB takes;
the DynamoDB calls are what the import costs anywhere.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from typing import Any

import _offline  # the layer on sys.path and moto's environment, before boto3 is imported

_offline.use_moto_environment(POWERTOOLS_LOG_LEVEL="WARNING", POWERTOOLS_METRICS_DISABLED="true")
warnings.filterwarnings("ignore", "No application metrics to publish")

import boto3  # noqa: E402
from inquiries import wiring  # noqa: E402
from inquiries.adapters.table import create_table  # noqa: E402
from moto import mock_aws  # noqa: E402

from bench import _lambda_model as model  # noqa: E402
from bench._counting import Recorder, Tally  # noqa: E402
from infra import names  # noqa: E402
from tests.support.api import call, hq, partner  # noqa: E402

HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"
PARTNER = "alpin-bz"


def address_book(rows: int, phone_base: int = 100000) -> str:
    """A partner's export: distinct people, a few sharing a last name and postal code."""
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            f"Anna{n},Rossi{n % 2000},anna.rossi{n}@example.com,0471 {phone_base + n:06d},"
            f'"Via Roma {n}, Scala B",39{n % 1000:03d},Bolzano,IT,'
        )
    return "\n".join(lines) + "\n"


MOTO = model.MotoClock()


def _measure(recorder: Recorder, label: str, send: Any) -> tuple[str, float, Tally, Any, float]:
    with recorder.measuring() as tally, MOTO.handler_cpu() as cpu:
        started = time.perf_counter()
        answer = send()
        seconds = time.perf_counter() - started
    return label, seconds, tally, answer, cpu[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    claims = partner(PARTNER)
    csv = {"content-type": "text/csv"}
    first = address_book(rows).encode()
    moved = address_book(rows, phone_base=500000).encode()

    MOTO.install()
    with mock_aws():
        create_table(boto3.client("dynamodb"), os.environ["TABLE_NAME"])
        boto3.client("scheduler").create_schedule_group(Name="inquiries")
        wiring.reset()
        partner_body = {
            "name": "Fenster Alpin",
            "country": "IT",
            "subdivision": "BZ",
            "timezone": "Europe/Rome",
            "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        }
        assert call("PUT", f"/partners/{PARTNER}", body=partner_body, claims=hq()).status == 200
        recorder = Recorder()
        recorder.attach_to(wiring.dependencies())

        def upload(body: bytes) -> Any:
            answer = call("POST", "/contacts/import", raw=body, claims=claims, headers=csv)
            assert answer.status == 200, answer.text[:300]
            return {k: v for k, v in answer.body.items() if k != "rejected"}

        def search(q: str) -> Any:
            answer = call("GET", "/contacts", claims=claims, query={"q": q})
            return len(answer.body["items"])

        runs = [
            _measure(recorder, f"import {rows:,} new", lambda: upload(first)),
            _measure(recorder, "the same file again", lambda: upload(first)),
            _measure(recorder, "every phone changed", lambda: upload(moved)),
            _measure(recorder, "search by e-mail", lambda: search("ANNA.ROSSI7@example.com")),
            _measure(recorder, "search by phone", lambda: search("0471 500007")),
            _measure(recorder, "search by last name", lambda: search("rossi7")),
            _measure(
                recorder,
                "list, first page of 25",
                lambda: len(call("GET", "/contacts", claims=claims).body["items"]),
            ),
        ]

    size = len(first)
    print(f"file: {rows:,} rows, {size / 1024 / 1024:.2f} MiB\n")
    memory = names.MEMORY_MB["contacts"]
    print(
        f"{'operation':<26} {'s (moto)':>9} {'ratio':>7} {'CPU s':>6} "
        f"{'Lambda CPU s':>12}  calls  answer"
    )
    base = runs[0][1]
    for label, seconds, tally, answer, cpu_ms in runs:
        calls = ", ".join(f"{op} {n}" for op, n in sorted(tally.of("dynamodb").items()))
        on_lambda = model.cpu_ms_at(cpu_ms, memory) / 1000
        print(
            f"{label:<26} {seconds:9.2f} {seconds / base:7.3f} {cpu_ms / 1000:6.2f} "
            f"{on_lambda:12.1f}  {calls}  -> {answer}"
        )
    print(
        f"\nCPU s: the handler's, moto's taken off; Lambda CPU s: at the contacts function's "
        f"{memory} MB (x {model.CPU_FACTOR:g} for Graviton, x {model.FULL_VCPU_MB} / MB below "
        f"it), without the round trips; its timeout is {names.TIMEOUT_S['contacts']} s"
    )


if __name__ == "__main__":
    main()

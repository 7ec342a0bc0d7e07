"""What a Lambda invocation lasts and costs at a memory size, from what it did here.

Shared by `bench/power_tuning.py` (which measures and chooses the memory) and
`bench/calls.py` (which prices the lifecycle mix with the measured durations).

The model (the power-tuning idea, run on the local handlers):

- CPU: Lambda gives a function a share of a vCPU proportional to its memory, one
  full vCPU at 1,769 MB (AWS's documentation); above that more vCPUs, which a
  single-threaded handler does not use. The handler's own CPU time, measured here,
  is scaled by `CPU_FACTOR` (Lambda's arm64 Graviton core against this machine's
  core) and stretched by 1,769 / memory below 1,769 MB.
- Waiting for AWS: every call the handler makes waits one round trip in the
  region, `LATENCY_MS` by service and operation (stated below, not measured: no
  AWS account here). Calls made in parallel (`in_parallel`'s threads: the sharded
  queries) wait alongside each other: such a pool waits as long as its slowest
  task (`waiting_ms`).
- Billing: Lambda bills the duration rounded up to the millisecond, per GB-second,
  plus the request.

While measuring, the AWS emulator (moto, in this process) must not count as the
handler's CPU: `MotoClock` takes the CPU time moto spends answering off the
process's CPU time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

FULL_VCPU_MB = 1769  # one vCPU's worth of CPU at this memory (AWS Lambda documentation)
# Memory sizes tried (MB): Lambda allows 128 to 10,240 in 1 MB steps; these are the usual
# power-tuning steps.
MEMORY_STEPS = (128, 192, 256, 320, 384, 448, 512, 640, 768, 1024, 1536, 1769, 2048)

# This machine's core (AMD EPYC, Zen 5, x86_64) against Lambda's arm64 core (Graviton2,
# Neoverse N1): CPython runs about half as fast per core there. An assumption, not measured
# here (no AWS account): `--cpu-factor` changes it.
CPU_FACTOR = 2.0

# One round trip to a regional AWS API from a warm function (HTTPS connection kept open),
# typical figures as published and commonly measured, not measured here.
LATENCY_MS: dict[tuple[str, str], float] = {
    ("dynamodb", "GetItem"): 5.0,
    ("dynamodb", "BatchGetItem"): 6.0,
    ("dynamodb", "Query"): 6.0,
    ("dynamodb", "PutItem"): 7.0,
    ("dynamodb", "UpdateItem"): 7.0,
    ("dynamodb", "DeleteItem"): 7.0,
    ("dynamodb", "TransactWriteItems"): 15.0,  # two-phase: about twice a single write
    ("scheduler", "CreateSchedule"): 35.0,
    ("scheduler", "DeleteSchedule"): 30.0,
    ("sesv2", "SendEmail"): 60.0,
}
DEFAULT_LATENCY_MS = 20.0  # any other call

PRICE_LAMBDA_GB_S = 0.0000133334  # Lambda arm64, per GB-second (eu-central-1)
PRICE_LAMBDA_REQUEST = 0.20 / 1e6


def round_trips_ms(calls: Mapping[tuple[str, str], int]) -> float:
    """Time spent waiting for AWS: one round trip per call, by (service, operation)."""
    return sum(n * LATENCY_MS.get(call, DEFAULT_LATENCY_MS) for call, n in calls.items())


def waiting_ms(lanes: Mapping[tuple[str, str, str], int]) -> float:
    """Time spent waiting for AWS, by the lane each call was made in (`Tally.lanes`).

    The handler's own calls wait one after the other; the tasks of one pool (one
    `in_parallel`) wait alongside each other, so a pool waits as long as its slowest
    task. Pools are counted one after the other, also when one was started inside
    another's task (an upper bound there).
    """
    serial: dict[tuple[str, str], int] = {}
    threads: dict[str, dict[str, dict[tuple[str, str], int]]] = {}
    for (lane, service, operation), n in lanes.items():
        if not lane:
            serial[(service, operation)] = serial.get((service, operation), 0) + n
            continue
        pool = lane.rsplit("_", 1)[0]
        calls = threads.setdefault(pool, {}).setdefault(lane, {})
        calls[(service, operation)] = calls.get((service, operation), 0) + n
    return round_trips_ms(serial) + sum(
        max(round_trips_ms(calls) for calls in pool.values()) for pool in threads.values()
    )


def cpu_ms_at(cpu_ms: float, memory_mb: int, cpu_factor: float = CPU_FACTOR) -> float:
    """The handler's CPU time on Lambda at this memory (its share of a vCPU)."""
    return cpu_ms * cpu_factor * max(1.0, FULL_VCPU_MB / memory_mb)


def duration_ms(
    cpu_ms: float,
    lanes: Mapping[tuple[str, str, str], int],
    memory_mb: int,
    cpu_factor: float = CPU_FACTOR,
) -> float:
    """Modelled duration of one warm invocation at this memory (`lanes`: `Tally.lanes`)."""
    return cpu_ms_at(cpu_ms, memory_mb, cpu_factor) + waiting_ms(lanes)


def invocation_usd(duration: float, memory_mb: int) -> float:
    """What one invocation costs: billed milliseconds x GB, plus the request."""
    billed_s = math.ceil(duration) / 1000
    return PRICE_LAMBDA_REQUEST + PRICE_LAMBDA_GB_S * memory_mb / 1024 * billed_s


@dataclass
class MotoClock:
    """CPU seconds that moto (in this process) spent answering calls; see the module doc."""

    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        """Time every request moto's stubber answers (on the thread that made it)."""
        from moto.core.botocore_stubber import BotocoreStubber  # noqa: PLC0415

        answer = BotocoreStubber.process_request
        clock = self

        def timed(stubber: Any, request: Any) -> Any:
            started = time.thread_time()
            try:
                return answer(stubber, request)
            finally:
                spent = time.thread_time() - started
                with clock._lock:  # the sharded queries answer on several threads
                    clock.seconds += spent

        BotocoreStubber.process_request = timed  # type: ignore[method-assign]

    @contextmanager
    def handler_cpu(self) -> Iterator[list[float]]:
        """CPU ms of the block: [the handler's (moto's taken off), moto's], in the list yielded."""
        result = [0.0, 0.0]
        moto_before, cpu_before = self.seconds, time.process_time()
        try:
            yield result
        finally:
            cpu = time.process_time() - cpu_before
            moto = self.seconds - moto_before
            result[:] = [max(0.0, cpu - moto) * 1000, moto * 1000]

"""Benchmark: each function's duration and cost against its memory size (power tuning, offline).

    python bench/power_tuning.py [--rounds 6] [--cpu-factor 2.0] [--write]

AWS Lambda Power Tuning runs a function at several memory sizes and picks the
cheapest that is fast enough. Without an AWS account this runs the handlers here
and models Lambda (bench/_lambda_model.py):

1. Measure: `bench/calls.py`'s operations, `--rounds` times in one process
   against moto in-process; the first round warms the code paths up and is
   dropped. For each operation, the handler's own CPU time with moto's answering
   taken off (moto's stubber is timed on each thread), and the AWS calls it made.
2. Footprint: each function's module, and what it loads lazily, imported in a
   fresh interpreter: peak resident memory and the CPU time of the import (the
   cold start's own work).
3. Model, at each memory size: warm duration = CPU x the CPU factor x
   1,769 / memory (below 1,769 MB) + one stated round trip per AWS call; the
   cost of the lifecycle mix's invocations (calls.py's MIX) by billed ms.
4. Choose, per function, the cheapest memory that (a) holds the footprint with
   room to spare and (b) keeps the latency aim: the slowest of its operations
   (all measured, in the mix or not), its 90th percentile, within the bound
   (below), warm and, where a person waits, cold.

Latency bounds (warm invocation, modelled): intake 500 ms, so that a prospect's
submission is answered within a second (the other half for the way through
CloudFront, API Gateway and back); decide 500 ms (people click through lists and
decisions); report 2,000 ms (asked now and then, reads many rollups); expire and
notify 1,000 ms (nobody waits: scheduler and stream; the bound keeps the stream's
iterator age and the concurrency at 1,000 inquiries a second small). Cold starts
are shown beside them (the import's CPU, clients built, at the memory's share,
without any boost AWS may give the init phase: an upper bound); where a person
waits, the first request after a cold start (init + the slowest operation) must
keep a bound too: intake and decide 2,000 ms, report 4,000 ms. Their cost is left
out: rare under load (bench/cold_start.py tunes them).

`--write` stores the measured CPU times in bench/durations.json, which
bench/calls.py prices the mix from (and `--lambda-ms` overrides).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import calls  # the operations and the mix; sets moto's environment up first

from bench import _lambda_model as model
from infra import names

BOUND_MS = {"intake": 500.0, "decide": 500.0, "report": 2000.0, "expire": 1000.0, "notify": 1000.0}
# The first request after a cold start (init + the slowest operation), where a person waits.
COLD_BOUND_MS = {"intake": 2000.0, "decide": 2000.0, "report": 4000.0}
# Room beyond the measured footprint: Lambda's runtime client, the request and answer,
# a page of items, a report's workbook.
HEADROOM_MB = 64
# What each function loads on its first request rather than at import (cold-start work).
LAZY = {
    "intake": ("pydantic", "inquiries.api.schemas"),
    "decide": ("pydantic", "inquiries.api.schemas"),
    "report": ("pydantic", "inquiries.api.schemas", "openpyxl"),
    "expire": (),
    "notify": ("inquiries.mail.compose",),
}

_FOOTPRINT = """
import importlib, json, sys, time
sys.path[:0] = [{layer!r}, {root!r}]
started = time.process_time()
importlib.import_module("functions.{function}.app")
for name in {lazy!r}:
    importlib.import_module(name)
from inquiries import wiring
wiring.dependencies()  # the clients and their service models, as the first request builds them
if {function!r} == "notify":
    wiring.mailing()
cpu = time.process_time() - started
# The peak of this process's own memory (ru_maxrss would carry the parent's over the exec).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"rss_mb": peak_kb / 1024, "import_cpu_ms": cpu * 1000}}))
"""


def footprint(function: str, runs: int = 3) -> dict[str, float]:
    """Peak resident memory (MB) and import CPU (ms) of the function in a fresh interpreter.

    The least CPU of `runs` (others share this machine), the largest memory.
    """
    code = _FOOTPRINT.format(
        layer=str(calls.ROOT / "layers" / "common" / "python"),
        root=str(calls.ROOT),
        function=function,
        lazy=LAZY[function],
    )
    env = {**calls.ENVIRONMENT, "PATH": "/usr/bin:/bin"}
    seen = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout
        seen.append(json.loads(out.strip().splitlines()[-1]))
    return {
        "rss_mb": max(s["rss_mb"] for s in seen),
        "import_cpu_ms": min(s["import_cpu_ms"] for s in seen),
    }


def measure(rounds: int) -> tuple[dict[str, list[float]], dict[str, calls.Row]]:
    """CPU ms samples per operation (the warm-up round dropped), and its last row."""
    clock = model.MotoClock()
    rows, _ = calls.run(rounds=rounds, moto_clock=clock, capacity=False)
    per_round = len(rows) // rounds
    samples: dict[str, list[float]] = defaultdict(list)
    last: dict[str, calls.Row] = {}
    for row in rows[per_round:]:
        samples[row.operation].append(row.cpu_ms)
        last[row.operation] = row
    return samples, last


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]


# The emulation's duty cycle: CFS bandwidth control's default period (Lambda's own period
# is not published).
CHECK_PERIOD_MS = 100.0


def child(path: str) -> None:
    """`--child PATH`: two rounds (the first a warm-up); each operation's wall and CPU ms."""
    rows, _ = calls.run(rounds=2, moto_clock=model.MotoClock(), capacity=False)
    measured = rows[len(rows) // 2 :]
    Path(path).write_text(
        json.dumps([[r.operation, r.wall_ms, r.cpu_ms + r.moto_ms] for r in measured])
    )


def emulate(memory_mb: int) -> list[tuple[str, float, float]]:
    """Run the operations in a child that gets the CPU share of `memory_mb`, by duty cycle.

    The child is stopped (SIGSTOP) for the part of each period that Lambda would not give
    a function of this memory; answers (operation, wall ms, CPU ms) of its warm round.
    """
    share = min(1.0, memory_mb / model.FULL_VCPU_MB)
    on, off = CHECK_PERIOD_MS * share / 1000, CHECK_PERIOD_MS * (1 - share) / 1000
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "rows.json"
        process = subprocess.Popen([sys.executable, __file__, "--child", str(out)])
        try:
            while process.poll() is None:
                time.sleep(on)
                if off > 0 and process.poll() is None:
                    os.kill(process.pid, signal.SIGSTOP)
                    time.sleep(off)
                    os.kill(process.pid, signal.SIGCONT)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.terminate()
            process.wait()
        if process.returncode != 0:
            raise SystemExit(f"the emulated run at {memory_mb} MB failed")
        return [(op, wall, cpu) for op, wall, cpu in json.loads(out.read_text())]


def check(sizes: list[int]) -> None:
    """Print, per memory size, the emulated wall time against the model's CPU / share."""
    print(
        f"\nmodel check: all operations (moto in-process too) in a child stopped for the part of "
        f"each {CHECK_PERIOD_MS:g} ms period its memory's CPU share leaves out; wall time "
        "against the model's CPU time / share (on this machine, shared with others: at "
        "1,769 MB the ratio is the machine's own contention)"
    )
    print(
        f"  {'MB':>5} {'share':>6} {'wall ms':>9} {'CPU/share ms':>13} {'ratio':>6} "
        f"{'ops p50':>8} {'p90':>6}"
    )
    for mb in sizes:
        share = min(1.0, mb / model.FULL_VCPU_MB)
        rows = emulate(mb)
        wall = sum(w for _, w, _ in rows)
        predicted = sum(c for _, _, c in rows) / share
        ratios = sorted(w / (c / share) for _, w, c in rows if c > 0)
        print(
            f"  {mb:5d} {share:6.2f} {wall:9.0f} {predicted:13.0f} {wall / predicted:6.2f} "
            f"{statistics.median(ratios):8.2f} {p90(ratios):6.2f}"
        )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds, the first a warm-up")
    parser.add_argument(
        "--cpu-factor",
        type=float,
        default=model.CPU_FACTOR,
        help="Lambda arm64 CPU time per CPU second here (assumed)",
    )
    parser.add_argument("--write", action="store_true", help="store bench/durations.json")
    parser.add_argument(
        "--check",
        metavar="MB",
        type=int,
        nargs="*",
        help="check the CPU-share model by emulating these memory sizes (duty-cycled child)",
    )
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2 (the first is a warm-up)")
    if args.check is not None:
        check(args.check or [model.FULL_VCPU_MB, 512, 256])
        return

    samples, rows = measure(args.rounds)
    functions: dict[str, list[str]] = defaultdict(list)
    for operation, row in rows.items():
        functions[row.function].append(operation)

    print(
        f"\nmeasured: {args.rounds - 1} warm rounds of bench/calls.py's operations, moto "
        f"in-process with its CPU taken off; machine {platform.machine()}, Python "
        f"{platform.python_version()}; CPU factor to Lambda arm64 {args.cpu_factor:g} "
        "(assumed); round trips as stated in bench/_lambda_model.py"
    )
    print(
        f"\n{'operation':<28} {'function':<8} {'CPU ms':>7} {'p90':>6} {'AWS calls':>9} "
        f"{'wait ms':>8}"
    )
    for function, operations in sorted(functions.items()):
        for operation in operations:
            row = rows[operation]
            print(
                f"{operation:<28} {function:<8} {statistics.median(samples[operation]):7.1f} "
                f"{p90(samples[operation]):6.1f} {sum(row.tally.calls.values()):9d} "
                f"{model.waiting_ms(row.tally.lanes):8.0f}"
            )

    chosen: dict[str, int] = {}
    for function, operations in sorted(functions.items()):
        chosen[function] = choose(function, operations, samples, rows, args.cpu_factor)

    print("\nchosen memory (MB), against infra/names.py:")
    for function, mb in sorted(chosen.items()):
        deployed = names.MEMORY_MB[function]
        mark = "" if deployed == mb else f"  (deployed: {deployed})"
        print(f"  {function:<8} {mb:5d}{mark}")

    if args.write:
        measured = {
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "how": "bench/power_tuning.py: median CPU ms of warm invocations, moto's taken off",
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "rounds": args.rounds - 1,
            "operations": {
                operation: {
                    "function": rows[operation].function,
                    "cpu_ms": round(statistics.median(values), 2),
                    "cpu_ms_p90": round(p90(values), 2),
                }
                for operation, values in sorted(samples.items())
            },
        }
        calls.DURATIONS.write_text(json.dumps(measured, indent=2) + "\n")
        print(f"wrote {calls.DURATIONS.relative_to(calls.ROOT)}")


def choose(
    function: str,
    operations: list[str],
    samples: dict[str, list[float]],
    rows: dict[str, calls.Row],
    cpu_factor: float,
) -> int:
    """Print the function's duration and cost against memory; the memory chosen."""
    foot = footprint(function)
    floor = foot["rss_mb"] + HEADROOM_MB
    bound = BOUND_MS[function]
    # Cost by the lifecycle mix; every operation measured must keep the bound, in the mix
    # or not (the sweeper, a retried submission, an acceptance with duplicates).
    weights = {op: calls.MIX.get(op, 0.0) for op in operations}
    if not any(weights.values()):  # the report is not in the mix: each report once
        weights = dict.fromkeys(operations, 1.0)
    per = "per 1,000 inquiries" if function != "report" else "per 1,000 of each report"
    print(
        f"\n{function}: {len(operations)} operations; footprint {foot['rss_mb']:.0f} MB "
        f"(+{HEADROOM_MB} room = {floor:.0f} MB), import {foot['import_cpu_ms']:.0f} ms CPU here; "
        f"bound {bound:.0f} ms (slowest operation, p90, warm)"
        + (f", {COLD_BOUND_MS[function]:.0f} ms cold" if function in COLD_BOUND_MS else "")
    )
    print(
        f"  {'MB':>5} {'slowest p90 ms':>15} {'mean ms':>8} {'USD ' + per:>34} "
        f"{'cold init ms':>12}  verdict"
    )
    best: tuple[float, int] | None = None
    for mb in model.MEMORY_STEPS:
        slowest = max(
            model.duration_ms(p90(samples[op]), rows[op].tally.lanes, mb, cpu_factor)
            for op in operations
        )
        durations = {
            op: model.duration_ms(
                statistics.median(samples[op]), rows[op].tally.lanes, mb, cpu_factor
            )
            for op in operations
        }
        usd = 1000 * sum(w * model.invocation_usd(durations[op], mb) for op, w in weights.items())
        mean = sum(w * durations[op] for op, w in weights.items()) / sum(weights.values())
        cold = model.cpu_ms_at(foot["import_cpu_ms"], mb, cpu_factor)
        if mb < floor:
            verdict = "too small for the footprint"
        elif slowest > bound:
            verdict = "too slow"
        elif cold + slowest > COLD_BOUND_MS.get(function, math.inf):
            verdict = "too slow when cold"
        else:
            verdict = "ok"
            if best is None or usd < best[0] - 1e-12:
                best = (usd, mb)
        print(f"  {mb:5d} {slowest:15.0f} {mean:8.0f} {usd:34.5f} {cold:12.0f}  {verdict}")
    if best is None:
        raise SystemExit(f"{function}: no memory size keeps the bound")
    return best[1]


if __name__ == "__main__":
    main()

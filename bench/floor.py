"""Benchmark: the least the lifecycle mix can cost with this contract, beside today's cost.

    python bench/floor.py

Issue 12's item 4 asks for at most 0.03 USD per 1,000 inquiries, everything counted,
with bench/calls.py's mix and prices. This script runs calls.py's operations (today's
figures, measured), then prices the same mix with the writes that a storage layer built
for cost could not do without: one item per inquiry of under 1 KB (its events and its
offer inside), written by single conditional writes (no transaction billing twice), the
contact's match keys as index entries, one mail marker per change, and one index entry
for each list the contract serves. Each write is one write unit, so this is a lower
bound: no design that keeps the contract's lists, look-ups, reports and guarantees
writes less.

Three floors are printed. "Every list indexed": each list of the contract has its own
index, as today (HQ's lists by status, partner, channel and return reason, the sweeper's
due list, the retention list), so each stays fast at a million inquiries by reading only
what it shows. "Lists shared": the least writes that keep those lists fast, with each
list served from another where it can be (status: pending from the due list, returned
from the return queue, the common ones filtered from HQ's list, the rare ones in a
sparse list the mix never enters; partner: from the partner's inbox; channel: only the
rare one listed; retention: the return queue sorted by the moment of return). "Only the
lists the mix reads": HQ's filters and the sweeper read every inquiry instead (they no
longer scale). Each is priced three ways: what must be paid whatever the code does (its
writes, the mix's HTTP requests and Lambda's per-request fee); that plus today's measured
reads, Lambda compute, logs and Scheduler; and that with reads halved, Lambda's compute
only waiting for AWS at 128 MB (one round trip to the store, one to SES if it mails and
one to Scheduler if it schedules, no CPU) and only the API's access log written (a bound
no code reaches).
"""

from __future__ import annotations

from typing import NamedTuple

import calls  # the operations, the mix and the prices; sets moto's environment up first

from bench import _lambda_model as model

INDEXED = "indexed"  # every list indexed, as today
SHARED = "shared"  # lists shared where they can be
MIX_ONLY = "mix"  # only the lists the mix reads
LABELS = {
    INDEXED: "every list indexed (as today)",
    SHARED: "lists shared where they can be",
    MIX_ONLY: "only the lists the mix reads",
}
FLOORS = (INDEXED, SHARED, MIX_ONLY)
_ALL = frozenset(FLOORS)
_LISTED = frozenset({INDEXED, SHARED})  # the sweeper's due list and HQ's return queue
_OWN = frozenset({INDEXED})  # a list a shared design serves from another one
_RETENTION = frozenset({INDEXED, MIX_ONLY})  # the shared design keeps it in the return list


class Write(NamedTuple):
    what: str
    units: int
    floors: frozenset[str] = _ALL  # the floors that need this write


_INQUIRY = Write("the inquiry (one item under 1 KB: its events and offer inside)", 1)
_ROLLUP = Write("the partner's day rollup (the report)", 1)
_STATUS_MOVE = Write("HQ's status list: the entry moves (out and in)", 2, _OWN)
_BACK_TO_HQ = (  # reject and expire: the inquiry goes back to headquarters
    _INQUIRY,
    Write("the partner's inbox: the entry leaves", 1),
    _ROLLUP,
    Write("the retention list: the entry comes in (at rest without a partner)", 1, _RETENTION),
    _STATUS_MOVE,
    Write("HQ's partner list: the entry leaves", 1, _OWN),
    Write("HQ's return queue: the entry comes in", 1, _LISTED),
    Write("the sweeper's due list: the entry leaves", 1, _LISTED),
)

FLOOR: dict[str, tuple[Write, ...]] = {
    "submit (routed)": (
        _INQUIRY,
        Write("the partner's inbox entry", 1),
        Write("HQ's list entry (all, newest first)", 1),
        Write("the e-mail look-up entry (q=, /subjects)", 1),
        Write("the last-name look-up entry (q=)", 1),
        _ROLLUP,
        Write("HQ's status list entry", 1, _OWN),
        Write("HQ's partner list entry", 1, _OWN),
        Write("HQ's channel list entry", 1, _OWN),
        Write("the sweeper's due list entry (a lost schedule still expires)", 1, _LISTED),
    ),
    "accept (no duplicates)": (
        _INQUIRY,
        Write("the partner's inbox: the entry moves (pending by deadline, then newest)", 2),
        _ROLLUP,
        Write("the contact", 1),
        Write("its match keys, as index entries (the duplicate check)", 3),
        _STATUS_MOVE,
        Write("the sweeper's due list: the entry leaves", 1, _LISTED),
    ),
    "reject": _BACK_TO_HQ,
    "expire (scheduler)": _BACK_TO_HQ,
    "assign (HQ to partner)": (
        _INQUIRY,
        Write("the partner's inbox: the entry comes in", 1),
        _ROLLUP,
        Write("the retention list: the entry leaves", 1, _RETENTION),
        _STATUS_MOVE,
        Write("HQ's partner list: the entry comes in", 1, _OWN),
        Write("HQ's return queue: the entry leaves", 1, _LISTED),
        Write("the sweeper's due list: the entry comes in", 1, _LISTED),
    ),
}
# Every change that mails: one marker, so a redelivered stream record mails nothing twice.
MARKER = Write("the change's mail marker (sent once per change)", 1)
MAILING = ("notify", "reminder")  # the mix's operations that mail a change


def writes_of(operation: str) -> tuple[Write, ...]:
    """The floor's writes of one operation of the mix (none for a read)."""
    return (MARKER,) if operation.startswith(MAILING) else FLOOR.get(operation, ())


def floor_wru(floor: str) -> float:
    """The write units per inquiry of one floor design."""
    return sum(
        times * sum(w.units for w in writes_of(operation) if floor in w.floors)
        for operation, times in calls.MIX.items()
    )


def least_compute_usd(rows: list[calls.Row]) -> float:
    """Lambda's compute at its least, per inquiry: at 128 MB, each invocation waits for one
    store round trip, one mail round trip if it mails and one schedule round trip if it
    schedules (mails and schedules sent all at once), and uses no CPU."""
    by_name = {r.operation: r for r in rows}
    total = 0.0
    for operation, times in calls.MIX.items():
        tally = by_name[operation].tally
        waited = model.LATENCY_MS[("dynamodb", "GetItem")]
        if tally.total("sesv2"):
            waited += model.LATENCY_MS[("sesv2", "SendEmail")]
        if tally.total("scheduler"):
            waited += max(model.LATENCY_MS[("scheduler", op)] for op in tally.of("scheduler"))
        least = model.invocation_usd(waited, 128) - model.PRICE_LAMBDA_REQUEST
        total += times * least
    return total


def main() -> None:
    rows, _ = calls.run()
    print("today (bench/calls.py, measured):")
    today = calls.print_cost(rows, None, calls.names.DEFAULT_TRACING)  # USD per 1,000

    by_name = {r.operation: r for r in rows}
    unpriced = [
        op
        for op in calls.MIX
        if by_name[op].tally.write_units and not op.startswith(MAILING) and op not in FLOOR
    ]
    if unpriced:  # a new writing operation in the mix must get its floor here
        raise SystemExit(f"no floor for {', '.join(unpriced)}: add it to FLOOR")
    requests = sum(t for op, t in calls.MIX.items() if by_name[op].function in calls.BEHIND_THE_API)
    invocations = sum(calls.MIX.values())
    rru = sum(t * by_name[op].tally.read_units for op, t in calls.MIX.items())
    http = 1000 * requests * calls.PRICE_HTTP_API
    lambda_requests = 1000 * invocations * model.PRICE_LAMBDA_REQUEST
    reads = 1000 * rru * calls.PRICE_RRU
    compute = today["lambda"] - lambda_requests
    least_compute = 1000 * least_compute_usd(rows)
    access_logs = (
        1000 * requests * calls.ACCESS_LOG_BYTES / 1e9 * calls.PRICE_LOG_GB
    )  # ingestion only

    print("\nthe floor: the writes no design keeping the contract can leave out (WRU each)")
    for operation, writes in FLOOR.items():
        print(f"  {operation} (x{calls.MIX[operation]:g} per inquiry)")
        for w in writes:
            marks = "" if w.floors == _ALL else f"  [{', '.join(sorted(w.floors))} only]"
            print(f"    {w.units}  {w.what}{marks}")
    mailing = sum(t for o, t in calls.MIX.items() if o.startswith(MAILING))
    print(f"  every change that mails (x{mailing:g} per inquiry)")
    print(f"    {MARKER.units}  {MARKER.what}")

    print("\nUSD per 1,000 inquiries (aim: 0.03)")
    print(f"  {'':<44}{'WRU':>6} {'must pay':>9} {'+ today':>9} {'at best':>9}")
    for floor in FLOORS:
        wru = floor_wru(floor)
        writes = 1000 * wru * calls.PRICE_WRU
        must = writes + http + lambda_requests
        with_today = must + reads + compute + today["logs"] + today["scheduler"]
        best = must + reads / 2 + least_compute + access_logs + today["scheduler"]
        label = f"{LABELS[floor]} ({floor})"
        print(f"  {label:<44}{wru:6.1f} {must:9.4f} {with_today:9.4f} {best:9.4f}")
    wru_today = sum(t * by_name[op].tally.write_units for op, t in calls.MIX.items())
    print(f"  {'today':<44}{wru_today:6.1f} {'':>9} {sum(today.values()):9.4f}")
    print(
        f"must pay: the floor's writes, {requests:.1f} HTTP requests ({http:.4f}) and "
        f"{invocations:.1f} Lambda requests ({lambda_requests:.4f}); + today: with today's "
        f"reads ({rru:.1f} RRU, {reads:.4f}), Lambda compute ({compute:.4f}), logs "
        f"({today['logs']:.4f}) and Scheduler ({today['scheduler']:.4f}); at best: reads "
        f"halved, compute only waiting at 128 MB ({least_compute:.4f}: one store, mail and "
        f"schedule round trip each, no CPU), only the access log ({access_logs:.4f})"
    )


if __name__ == "__main__":
    main()

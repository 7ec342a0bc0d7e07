"""Benchmark: 48-working-hour deadlines, ours against ``businesstimedelta``.

    python bench/business_time.py [--n 10000] [--seed 20260101] [--repeat 3]

Both compute the same rule: 24-hour working days Monday to Friday in the
partner's local zone, minus the public holidays of its region. Starts are
pseudo-random instants (fixed seed) spread over 2026-2027, over five partner
calendars. Both are warmed up first (holiday calendars built), so the timings
are steady state; the cold first call of ours is reported separately, since
that is what a Lambda cold start pays. Results are compared instant by instant.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any

try:
    from inquiries.business_time import add_working_hours, working_hours_between
except ImportError:  # the project is not installed: use the layer's source directly
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common" / "python"))
    from inquiries.business_time import add_working_hours, working_hours_between

HOURS = 48
CALENDARS = [
    ("IT", "BZ", "Europe/Rome"),
    ("DE", "BY", "Europe/Berlin"),
    ("DE", "BE", "Europe/Berlin"),
    ("AT", "9", "Europe/Vienna"),
    ("CH", "ZH", "Europe/Zurich"),
]
SPAN_START = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2028, 1, 1, tzinfo=UTC) - SPAN_START).total_seconds())
# businesstimedelta cannot express a 24-hour day: its working day ends at
# 23:59:59.999999, so every full day it crosses is 1 microsecond short.
TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Case:
    start: datetime
    calendar: int  # index into CALENDARS


def make_cases(n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    return [
        Case(
            start=SPAN_START + timedelta(seconds=rng.randrange(SPAN_SECONDS)),
            calendar=rng.randrange(len(CALENDARS)),
        )
        for _ in range(n)
    ]


def ours(cases: list[Case]) -> list[datetime]:
    calendars = CALENDARS
    return [
        add_working_hours(
            case.start,
            HOURS,
            country=calendars[case.calendar][0],
            subdivision=calendars[case.calendar][1],
            timezone=calendars[case.calendar][2],
        )
        for case in cases
    ]


def businesstimedelta_rules() -> list[Any]:
    """One ``BusinessTimeDelta`` of 48 hours per calendar, configured for the same rule."""
    # Imported here, after the cold first call of ours (which does not need them).
    import businesstimedelta  # noqa: PLC0415
    import holidays  # noqa: PLC0415
    import pytz  # noqa: PLC0415

    deltas = []
    for country, subdivision, zone in CALENDARS:
        tz = pytz.timezone(zone)
        workday = businesstimedelta.WorkDayRule(
            start_time=clock_time(0),
            end_time=clock_time(23, 59, 59, 999999),
            working_days=[0, 1, 2, 3, 4],
            tz=tz,
        )
        # Years up front; the package would also add them on demand.
        public_holidays = holidays.country_holidays(
            country, subdiv=subdivision, years=range(2025, 2030)
        )
        rule = businesstimedelta.Rules(
            [workday, businesstimedelta.HolidayRule(public_holidays, tz=tz)]
        )
        deltas.append(businesstimedelta.BusinessTimeDelta(rule, hours=HOURS))
    return deltas


def theirs(cases: list[Case], deltas: list[Any]) -> list[datetime]:
    return [case.start + deltas[case.calendar] for case in cases]


def timed(run: Any, *args: Any) -> tuple[list[datetime], float]:
    began = time.perf_counter()
    results = run(*args)
    return results, time.perf_counter() - began


def report(label: str, seconds: list[float], n: int) -> float:
    best = min(seconds)
    spread = ", ".join(f"{s:.4f}" for s in seconds)
    print(f"  {label:<18} best {best:8.4f} s  {best / n * 1e6:8.2f} us/call   (runs: {spread} s)")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="deadlines to compute")
    parser.add_argument("--seed", type=int, default=20260101, help="seed for the start times")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed passes of each, interleaved; best is reported"
    )
    args = parser.parse_args()
    cases = make_cases(args.n, args.seed)

    # Cold: the first deadline in this process builds one calendar from the generated
    # holiday table (inquiries/holiday_table.py), as the first request of a Lambda
    # container would; the `holidays` package is not imported for these regions.
    began = time.perf_counter()
    ours(cases[:1])
    cold = time.perf_counter() - began

    deltas = businesstimedelta_rules()
    # Warm-up: every calendar over every year the cases reach.
    warm = [
        Case(SPAN_START + timedelta(days=day), calendar)
        for day in range(0, 731 + 7, 7)
        for calendar in range(len(CALENDARS))
    ]
    ours(warm)
    theirs(warm, deltas)

    print(
        f"python {platform.python_version()}, holidays {version('holidays')}, "
        f"businesstimedelta {version('businesstimedelta')}, pytz {version('pytz')}"
    )
    print(f"n = {args.n} deadlines of {HOURS} working hours, seed {args.seed}, calendars:")
    print("  " + ", ".join(f"{c}-{s} {z}" for c, s, z in CALENDARS))
    print(f"cold first call of ours (holiday table, one calendar): {cold * 1e3:.1f} ms")
    print(f"steady state ({args.repeat} interleaved passes each, best counts):")
    our_seconds: list[float] = []
    their_seconds: list[float] = []
    for _ in range(args.repeat):
        our_results, elapsed = timed(ours, cases)
        our_seconds.append(elapsed)
        their_results, elapsed = timed(theirs, cases, deltas)
        their_seconds.append(elapsed)
    our_best = report("ours", our_seconds, args.n)
    their_best = report("businesstimedelta", their_seconds, args.n)
    print(f"  ratio (businesstimedelta / ours): {their_best / our_best:.1f}x")

    compare(cases, our_results, their_results)


def compare(cases: list[Case], our_results: list[datetime], their_results: list[datetime]) -> None:
    """Count agreements; classify the rest by the working time between the two results."""
    pairs = list(zip(cases, our_results, their_results, strict=True))
    exact = sum(a == b for _, a, b in pairs)
    close = [(case, a, b) for case, a, b in pairs if abs(b - a) <= TOLERANCE]
    apart = [(case, a, b) for case, a, b in pairs if abs(b - a) > TOLERANCE]
    within = f"within {TOLERANCE.total_seconds():g} s"
    print(f"agreement: {len(close)}/{len(pairs)} {within}, {exact} exact")
    if close:
        late = [b - a for _, a, b in close]
        print(f"  businesstimedelta - ours, when close: {min(late)} to {max(late)}")
    # Results far apart in real time may still be the same point in working
    # time: ours ends a working day at 24:00, businesstimedelta (whose days are
    # 1 us short) moves on to the start of the next working day.
    same_working_time = 0
    for case, a, b in apart:
        country, subdivision, zone = CALENDARS[case.calendar]
        between = working_hours_between(
            a, b, country=country, subdivision=subdivision, timezone=zone
        )
        if abs(between) * 3600 <= TOLERANCE.total_seconds():
            same_working_time += 1
        else:
            print(f"  DIFFERENT: {country}-{subdivision} {case.start} ours {a} theirs {b}")
    if apart:
        case, a, b = apart[0]
        print(
            f"  the other {len(apart)}: {same_working_time} are the same point in working time "
            "(no working hour between them). Note: a deadline that ends a working day exactly "
            "(a start outside working time, 48 h = two whole days) is 24:00 of that day for us; "
            "businesstimedelta's day ends at 23:59:59.999999, so it has microseconds left and "
            "carries them to the next working day, past the weekend or holiday. Example: "
            f"{'-'.join(str(x) for x in CALENDARS[case.calendar][:2])} start {case.start}: "
            f"ours {a}, businesstimedelta {b}"
        )


if __name__ == "__main__":
    main()

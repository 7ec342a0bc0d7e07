"""The local EventBridge Scheduler: fires due one-time schedules, and runs the sweeper.

On AWS, EventBridge Scheduler invokes the expire function at each schedule's
time and deletes the schedule after (`ActionAfterCompletion: DELETE`); a rule
runs the sweeper every few minutes. moto stores schedules but fires nothing, so
this does the firing, reading the schedules (from the emulator's models in this
process, or through the Scheduler API) and comparing them with the one simulated
clock of the local stack.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from local.clock import LocalClock

logger = logging.getLogger("local.scheduler")

Invoke = Callable[[str, dict[str, Any]], dict[str, Any]]

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
SWEEP_EVERY = timedelta(minutes=5)  # of simulated time, like the sweeper's rule on AWS
TICK_SECONDS = 1.0
# Every write to the Scheduler passes the journaled store, which marks the list stale
# (`ScheduleBook.touch`): reading it on a timer is only a fallback.
RELIST_SECONDS = 60.0
# After a function ran, the list is read again no sooner than this, and no more than this
# share of the time goes to reading it: a listing reads every schedule (some 3,000 pending
# offers' in a long load run, 0.1-0.6 s each), and the functions run all the time under
# load. A schedule is due hours after it is made; EventBridge Scheduler itself fires
# within a minute of the time. A clock move always reads the list afresh.
MIN_RELIST_SECONDS = 5.0
LISTING_SHARE = 0.1
MAX_ATTEMPTS = 3  # then the schedule is dropped, as AWS drops it to the dead-letter queue


def due_time(expression: str, timezone: str | None) -> datetime | None:
    """When a one-time schedule `at(YYYY-MM-DDTHH:MM:SS)` fires, in UTC; None for others."""
    found = _AT.match(expression.strip())
    if not found:
        return None
    local = datetime.fromisoformat(found.group(1)).replace(tzinfo=ZoneInfo(timezone or "UTC"))
    return local.astimezone(UTC)


class ScheduleBook:
    """The group's schedules, as `GetSchedule` answers them.

    Listed (`ListSchedules` or the emulator's models: `source`), then each new or
    changed one (by `LastModificationDate`) read. The list is read again only after a
    write to the Scheduler (`touch`, called by the journaled store, which sees every
    write), or after `RELIST_SECONDS` as a fallback: an idle stack costs nothing. Under
    load (schedules made and deleted all the time) it is read at most every
    `MIN_RELIST_SECONDS` and with at most `LISTING_SHARE` of the time, unless `exact` is
    asked (a clock move).
    """

    def __init__(self, client: Any, group: str, source: Schedules | None = None) -> None:
        self.client = client
        self.group = group
        self._source = source or ApiSchedules(client, group)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Any, dict[str, Any]]] = {}
        self._stale = True
        self._listed_at = 0.0
        self._listing_s = 0.0  # how long the last listing took

    def touch(self) -> None:
        """A schedule was created, changed or deleted: the list is stale."""
        self._stale = True

    def current(self, *, exact: bool = False) -> dict[str, dict[str, Any]]:
        """Every schedule of the group by name, as `GetSchedule` answers.

        `exact`: as they are now (after every invocation so far); otherwise as of a
        listing a few seconds old at most while functions run.
        """
        with self._lock:
            since = time.monotonic() - self._listed_at
            if not self._stale:
                wait = RELIST_SECONDS
            elif exact:
                wait = 0.0
            else:
                wait = max(MIN_RELIST_SECONDS, self._listing_s / LISTING_SHARE)
            if since < wait:
                return {name: schedule for name, (_, schedule) in self._cache.items()}
            self._stale = False  # before listing: a touch meanwhile lists again next time
            self._listed_at = started = time.monotonic()
        try:
            return self._relist()
        finally:
            self._listing_s = time.monotonic() - started

    def _relist(self) -> dict[str, dict[str, Any]]:
        listed = self._source.listed()
        with self._lock:
            for name in list(self._cache):
                if name not in listed:
                    del self._cache[name]
            for name, modified in listed.items():
                cached = self._cache.get(name)
                if cached is not None and cached[0] == modified:
                    continue
                schedule = self._source.get(name)
                if schedule is None:
                    continue  # deleted meanwhile (a decision cancelled it)
                self._cache[name] = (modified, schedule)
            return {name: schedule for name, (_, schedule) in self._cache.items()}

    def delete(self, name: str) -> None:
        """Delete a schedule; one that is gone already is fine."""
        with self._lock:
            self._cache.pop(name, None)
        try:
            self.client.delete_schedule(Name=name, GroupName=self.group)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise


class Schedules(Protocol):
    """Where the book reads the group's schedules from."""

    def listed(self) -> dict[str, Any]:
        """Every schedule's name and its `LastModificationDate`."""
        ...

    def get(self, name: str) -> dict[str, Any] | None:
        """A schedule as `GetSchedule` answers it; None when it is gone."""
        ...


class ApiSchedules:
    """The group's schedules through the Scheduler API, as they are read on AWS."""

    def __init__(self, client: Any, group: str) -> None:
        self.client = client
        self.group = group

    def listed(self) -> dict[str, Any]:
        for attempt in range(3):
            try:
                listed: dict[str, Any] = {}
                pages = self.client.get_paginator("list_schedules").paginate(
                    GroupName=self.group, PaginationConfig={"PageSize": 100}
                )
                for page in pages:
                    for summary in page.get("Schedules", []):
                        listed[summary["Name"]] = summary.get("LastModificationDate")
                return listed
            except ClientError as error:
                # A schedule deleted between two pages invalidates the page token: list again.
                if _code(error) != "InvalidToken" or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, name: str) -> dict[str, Any] | None:
        try:
            schedule: dict[str, Any] = self.client.get_schedule(Name=name, GroupName=self.group)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return None
            raise
        return schedule


class EmulatedSchedules:
    """The group's schedules read from the emulator's models in this process (moto's
    scheduler backend), with the emulator's lock held: what `ListSchedules` and
    `GetSchedule` answer, without a request each. Through the API a restart read every
    pending schedule one request at a time (a tenth of its CPU with a hundred), and a
    busy stack listed them every few seconds. Writes still go through the API (the
    journal keeps them)."""

    def __init__(self, lock: Any, group: str, account: str, region: str) -> None:
        self._lock = lock
        self._group = group
        self._account = account
        self._region = region

    def _schedules(self) -> dict[str, Any]:
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        group = scheduler_backends[self._account][self._region].get_schedule_group(self._group)
        schedules: dict[str, Any] = group.schedules
        return schedules

    def listed(self) -> dict[str, Any]:
        with self._lock:
            return {name: s.last_modified_date for name, s in self._schedules().items()}

    def get(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            schedule = self._schedules().get(name)
            # A copy: moto's schedule may change after (its target is moto's own dict).
            return None if schedule is None else copy.deepcopy(schedule.to_dict())


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass(frozen=True)
class _Due:
    """A one-time schedule as the local scheduler reads it."""

    name: str
    at: datetime | None
    payload: dict[str, Any]
    delete_after: bool
    enabled: bool
    function: str = "expire"  # the target function (expiries; reminders go to notify)


class LocalScheduler:
    """Fires what is due by the simulated clock: every second, and whenever the clock moves."""

    def __init__(
        self,
        book: ScheduleBook,
        clock: LocalClock,
        invoke: Invoke,
        *,
        tick_seconds: float = TICK_SECONDS,
        sweep_every: timedelta = SWEEP_EVERY,
    ) -> None:
        self._book = book
        self._clock = clock
        self._invoke = invoke
        self._tick_seconds = tick_seconds
        self._sweep_every = sweep_every
        # One lock for moving the clock and firing: a clock move answers only after
        # everything due by then has fired, and two passes never fire the same schedule.
        self.lock = threading.RLock()
        self._attempts: dict[str, int] = {}
        self._read: dict[str, tuple[dict[str, Any], _Due]] = {}  # each schedule read once
        self._done: set[str] = set()  # fired and kept (ActionAfterCompletion NONE)
        self._last_sweep: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the clock ---------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock.now()

    def move_clock(self, to: datetime) -> int:
        """Set the simulated clock, then fire all that is due by then; the expiries fired."""
        with self.lock:
            self._clock.set(to)
            return self.run_due(sweep=True)

    # --- firing -------------------------------------------------------------------------------

    def run_due(self, *, sweep: bool = False) -> int:
        """Fire every due schedule, and the sweeper when it is due (or asked); expiries done."""
        with self.lock:
            now = self._clock.now()
            expired = self._fire_due(now, exact=sweep)
            last = self._last_sweep
            if sweep or last is None or now < last or now - last >= self._sweep_every:
                expired += self._sweep()
                self._last_sweep = now
            return expired

    def _fire_due(self, now: datetime, *, exact: bool = False) -> int:
        current = self._book.current(exact=exact)
        # Parsed once per schedule as the book answers it (the same dict until it changes).
        read = self._read
        for name in [name for name in read if name not in current]:
            del read[name]
        for name, answer in current.items():
            seen = read.get(name)
            if seen is None or seen[0] is not answer:
                read[name] = (answer, _read(answer))
        schedules = [due for _, due in read.values()]
        names = set(current)
        self._done &= names
        self._attempts = {k: v for k, v in self._attempts.items() if k in names}
        due = [
            s
            for s in schedules
            if s.enabled and s.at is not None and s.at <= now and s.name not in self._done
        ]
        expired = 0
        for schedule in sorted(due, key=lambda s: (s.at, s.name)):
            expired += self._fire(schedule) or 0
        return expired

    def _fire(self, schedule: _Due) -> int | None:
        """Invoke the target with the schedule's input; None when it failed (retried later)."""
        name = schedule.name
        try:
            result = self._invoke(schedule.function, dict(schedule.payload))
        except Exception:
            attempts = self._attempts[name] = self._attempts.get(name, 0) + 1
            logger.exception("schedule %s failed (attempt %d)", name, attempts)
            if attempts < MAX_ATTEMPTS:
                return None
            logger.error("schedule %s dropped after %d attempts", name, attempts)
            self._book.delete(name)
            return 0
        if schedule.delete_after:
            self._book.delete(name)
        else:
            self._done.add(name)
        expired = int(result.get("expired", 0)) if isinstance(result, dict) else 0
        if schedule.function != "expire":
            expired = 0  # only expiries count as "fired" (POST /_local/clock)
        logger.info("schedule %s fired: %d expired", name, expired)
        return expired

    def _sweep(self) -> int:
        try:
            result = self._invoke("expire", {"sweep": True})
        except Exception:
            logger.exception("the sweeper failed")
            return 0
        swept = int(result.get("expired", 0)) if isinstance(result, dict) else 0
        if swept:
            logger.info("the sweeper returned %d overdue inquiries", swept)
        return swept

    # --- the background loop ------------------------------------------------------------------

    def start(self) -> None:
        """Fire due schedules at once, then every second, in a background thread."""
        self._thread = threading.Thread(target=self._loop, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        # The first pass at once: what fell due while the stack was stopped, and the sweeper.
        try:
            self.run_due(sweep=True)
        except Exception:
            logger.exception("the local scheduler's first pass failed; trying again")
        while not self._stop.wait(self._tick_seconds):
            try:
                self.run_due()
            except Exception:
                logger.exception("the local scheduler's pass failed; trying again")


def _read(schedule: dict[str, Any]) -> _Due:
    target = schedule.get("Target") or {}
    try:
        payload = json.loads(target.get("Input") or "{}")
    except ValueError:
        payload = {}
    at = due_time(
        schedule.get("ScheduleExpression", ""), schedule.get("ScheduleExpressionTimezone")
    )
    if at is None:
        logger.debug("schedule %s: only one-time at() schedules fire locally", schedule["Name"])
    return _Due(
        name=schedule["Name"],
        at=at,
        payload=payload if isinstance(payload, dict) else {},
        delete_after=schedule.get("ActionAfterCompletion") == "DELETE",
        enabled=schedule.get("State", "ENABLED") == "ENABLED",
        function=target_function(str(target.get("Arn", ""))),
    )


def target_function(arn: str) -> str:
    """The local function a schedule's target ARN names (`...:function:inquiries-notify`)."""
    name = arn.rsplit(":function:", 1)[-1] if ":function:" in arn else ""
    return name.removeprefix("inquiries-") or "expire"

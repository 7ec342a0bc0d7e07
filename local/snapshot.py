"""Keeping the local data across restarts: table items, schedules and the clock, in one file.

moto keeps everything in memory. The local stack writes a snapshot to the data
folder (`.local/` by default) shortly after every change and at shutdown, and
loads it on start. The table is read with a Scan: acceptable in this dev tool
against the emulator, never in product code.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from inquiries.adapters.clock import SystemClock

from local.scheduler import ScheduleBook

logger = logging.getLogger("local.snapshot")

FILE = "snapshot.json"
FORMAT = 1
_SCHEDULE_FIELDS = (
    "Name",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "ActionAfterCompletion",
    "State",
    "Description",
)


class UnreadableSnapshot(ValueError):
    """The data folder holds a snapshot this version cannot load."""


@dataclass(frozen=True)
class ClockState:
    """The simulated time at a real instant: the clock runs on from there at real speed."""

    simulated: datetime
    real: datetime

    def now(self, real_now: datetime) -> datetime:
        """The simulated time now, the clock having run on while the stack was stopped."""
        return self.simulated + (real_now - self.real)


def dump(dynamodb: Any, table: str, schedules: ScheduleBook, clock_now: datetime) -> dict[str, Any]:
    """Everything the local stack keeps, read through the DynamoDB and Scheduler APIs."""
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items += [_encode(item) for item in page.get("Items", [])]
    return {
        "format": FORMAT,
        "clock": {"simulated": clock_now.isoformat(), "real": SystemClock().now().isoformat()},
        "items": items,
        "schedules": [
            {k: full[k] for k in _SCHEDULE_FIELDS if full.get(k) is not None}
            for _, full in sorted(schedules.current().items())
        ],
    }


def restore(dynamodb: Any, scheduler: Any, table: str, group: str, data: dict[str, Any]) -> None:
    """Put a snapshot's items and schedules back into an empty emulator."""
    items = [_decode(item) for item in data.get("items", [])]
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        pending: dict[str, Any] = {table: requests}
        while pending:
            answer = dynamodb.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
    for schedule in data.get("schedules", []):
        scheduler.create_schedule(GroupName=group, **schedule)


def clock_state(data: dict[str, Any]) -> ClockState | None:
    clock = data.get("clock")
    if not isinstance(clock, dict):
        return None
    return ClockState(
        datetime.fromisoformat(clock["simulated"]), datetime.fromisoformat(clock["real"])
    )


def read(folder: Path) -> dict[str, Any] | None:
    """The snapshot in the folder, or None when there is none (a fresh start)."""
    path = folder / FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableSnapshot(
            f"{path} is not a snapshot this version can read; RESET=1 (--reset) starts clean"
        )
    return data


def write(folder: Path, data: dict[str, Any]) -> None:
    """Replace the snapshot atomically: a crash mid-write leaves the previous one."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".snapshot-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump(data, file, separators=(",", ":"))
        os.replace(temporary, folder / FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(folder: Path) -> None:
    (folder / FILE).unlink(missing_ok=True)


class Snapshotter:
    """Writes the snapshot soon after a change and at shutdown.

    At most every `every` seconds, and never busier than a fifth of the time: the
    Scan of a big emulated table takes a while (moto serialises every item), and
    requests should not wait behind it.
    """

    def __init__(
        self, folder: Path, take: Callable[[], dict[str, Any]], every: float = 2.0
    ) -> None:
        self._folder = folder
        self._take = take
        self._every = every
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pause = every

    def changed(self) -> None:
        """Something was written: save soon."""
        self._dirty.set()

    def flush(self) -> None:
        """Write the snapshot now."""
        with self._write_lock:
            self._dirty.clear()
            started = time.monotonic()
            write(self._folder, self._take())
            self._pause = max(self._every, 4 * (time.monotonic() - started))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="local-snapshot", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background writer, then write what is not written yet."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._dirty.is_set():
            self.flush()

    def _loop(self) -> None:
        while not self._stop.wait(self._pause):
            if self._dirty.is_set():
                try:
                    self.flush()
                except Exception:
                    logger.exception("could not write the snapshot; trying again")
                    self._dirty.set()


def clock_from(data: dict[str, Any] | None, real_now: datetime) -> datetime:
    """Where the simulated clock starts: on from the snapshot's, or the real time."""
    state = clock_state(data) if data else None
    return state.now(real_now) if state else real_now


# Binary attribute values are bytes in boto3; JSON keeps them as base64 text ("B64", "BS64").
def _encode(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _encode_value(value) for name, value in item.items()}


def _encode_value(value: dict[str, Any]) -> dict[str, Any]:
    kind, content = next(iter(value.items()))
    if kind == "B":
        return {"B64": base64.b64encode(content).decode()}
    if kind == "BS":
        return {"BS64": [base64.b64encode(b).decode() for b in content]}
    if kind == "M":
        return {"M": _encode(content)}
    if kind == "L":
        return {"L": [_encode_value(v) for v in content]}
    return value


def _decode(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _decode_value(value) for name, value in item.items()}


def _decode_value(value: dict[str, Any]) -> dict[str, Any]:
    kind, content = next(iter(value.items()))
    if kind == "B64":
        return {"B": base64.b64decode(content)}
    if kind == "BS64":
        return {"BS": [base64.b64decode(b) for b in content]}
    if kind == "M":
        return {"M": _decode(content)}
    if kind == "L":
        return {"L": [_decode_value(v) for v in content]}
    return value

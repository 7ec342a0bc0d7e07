"""Keeping the local data across restarts: table items, schedules and the clock.

moto keeps everything in memory. Every change is in the journal before it is
answered (local/journal.py); the snapshot in the data folder (`.local/` by
default) holds everything up to a journal generation, and is written when the
journal has grown, at start after a replay, and at a clean stop. At start the
snapshot is loaded and the journal generations from the one it names replayed.
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
from datetime import datetime
from pathlib import Path
from typing import Any

from local import journal
from local.aws import ACCOUNT, REGION
from local.clock import ClockState
from local.journal import JournaledStore

logger = logging.getLogger("local.snapshot")

FILE = "snapshot.json"
# Additions older versions ignore: the journal generation (`"journal"`), the keys the
# items have (`"keys"`, local/journal.py KEYS; a snapshot without it holds older data), and
# the stream's state (`"stream"`: what was not mailed yet, local/streams.py).
FORMAT = 1
COMPACT_AT_BYTES = 8 * 1024 * 1024  # replaying a journal this big takes a few seconds
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


def dump_models(table: str, group: str, clock: ClockState) -> dict[str, Any]:
    """Everything the local stack keeps, read from moto's models in this process.

    Called with the store's lock held, so no request changes anything meanwhile:
    the snapshot is an exact cut of the journal. Reading the models directly
    (not with a Scan through the API) takes a fraction of a second for a big table.
    """
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415
    from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

    dynamodb = dynamodb_backends[ACCOUNT][REGION]
    model = dynamodb.get_table(table)
    # The partitions as stored, not `all_items()`: that sorts every item by its key,
    # comparing moto's values in Python, while the store is held; the order is not needed.
    stored = model.items.values()
    ranged = model.range_key_attr is not None
    items = [
        {name: _encode_value(_wire(value)) for name, value in item.attrs.items()}
        for partition in stored
        for item in (partition.values() if ranged else (partition,))
    ]
    schedules = scheduler_backends[ACCOUNT][REGION].get_schedule_group(group).schedules
    return {
        "format": FORMAT,
        # The data is on the current keys: the start moved older data onto them before
        # any snapshot was written, and everything written since has them.
        "keys": journal.KEYS,
        "clock": clock.to_json(),
        "items": items,
        "schedules": [
            {k: v for k, v in schedules[name].to_dict().items() if k in _SCHEDULE_FIELDS and v}
            for name in sorted(schedules)
        ],
    }


def _wire(value: Any) -> dict[str, Any]:
    """A moto attribute value as DynamoDB's JSON has it (binary as base64 text)."""
    kind, content = value.type, value.value
    if kind == "M":
        return {"M": {k: _wire(v) for k, v in content.items()}}
    if kind == "L":
        return {"L": [_wire(v) for v in content]}
    if kind == "B":
        return {"B": _base64(content)}
    if kind == "BS":
        return {"BS": [_base64(v) for v in content]}
    return {kind: content}


def _base64(content: bytes | str) -> str:
    return base64.b64encode(content).decode() if isinstance(content, bytes) else content


def restore(store: JournaledStore, table: str, group: str, data: dict[str, Any]) -> None:
    """Put a snapshot's items and schedules back into an empty emulator, straight into
    moto's models in this process (as `dump_models` reads them).

    Through the API (BatchWriteItem, CreateSchedule) a restore was some 200 HTTP calls,
    validated and serialised by boto3 and parsed again by moto: most of a restart's CPU.
    Items go through the table's `put_item` as a request's would (the emulator's look-up
    maps of local/emulator.py follow it), with the values as they arrive on the wire
    (binary as base64 text). The table's stream records nothing meanwhile: a restored
    item is no change (the records the snapshot's cut had not delivered are kept in it
    apart, `stream`). The stream numbers its next record as it would have at the cut, so
    the journal's replay numbers its records as they were first numbered (the stream
    poller's checkpoint is such a number). Not journaled: the snapshot holds it.
    """
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415
    from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

    model = dynamodb_backends[ACCOUNT][REGION].get_table(table)
    schedules = scheduler_backends[ACCOUNT][REGION]
    with store.lock:  # moto's models are not thread-safe; nothing else runs yet anyway
        shard, model.stream_shard = model.stream_shard, None
        try:
            for item in data.get("items", []):
                model.put_item(_on_the_wire(item), overwrite=True)
        finally:
            model.stream_shard = shard
        following = stream_state(data).get("next")
        if shard is not None and isinstance(following, int):
            shard.items.clear()
            shard.starting_sequence_number = following
        for schedule in data.get("schedules", []):
            schedules.create_schedule(
                group_name=group,
                name=schedule["Name"],
                description=schedule.get("Description"),
                schedule_expression=schedule["ScheduleExpression"],
                schedule_expression_timezone=schedule.get("ScheduleExpressionTimezone"),
                flexible_time_window=schedule.get("FlexibleTimeWindow"),
                target=schedule["Target"],
                state=schedule.get("State"),
                action_after_completion=schedule.get("ActionAfterCompletion"),
                kms_key_arn=None,
                start_date=None,
                end_date=None,
            )


def stream_state(data: dict[str, Any] | None) -> dict[str, Any]:
    """The stream as the snapshot's cut left it (local/streams.py `saved`): `next`, the
    number of the record that followed; `delivered`, the poller's checkpoint; `records`,
    the event records not delivered then. Empty for a snapshot of an older version."""
    state = data.get("stream") if data else None
    return state if isinstance(state, dict) else {}


def keyed(data: dict[str, Any] | None) -> bool:
    """Whether the snapshot's items have this version's keys (a marker since it is so)."""
    return data is not None and data.get("keys") == journal.KEYS


def clock_state(data: dict[str, Any]) -> ClockState | None:
    return ClockState.from_json(data.get("clock"))


def journal_generation(data: dict[str, Any] | None) -> int:
    """The first journal generation that follows the snapshot (0 without a snapshot)."""
    generation = data.get("journal", 0) if data else 0
    return generation if isinstance(generation, int) else 0


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


def write(folder: Path, data: dict[str, Any]) -> int:
    """Replace the snapshot atomically and durably: a crash mid-write leaves the previous one.

    Answers the snapshot's size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".snapshot-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w") as file:
            # `dumps`, then one write: `json.dump` encodes in Python, piece by piece (most
            # of a compaction's CPU); `dumps` in C.
            file.write(json.dumps(data, separators=(",", ":")))
            file.flush()
            os.fsync(file.fileno())
            size = file.tell()
        os.replace(temporary, folder / FILE)
        journal.sync_folder(folder)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size


def remove(folder: Path) -> None:
    """Drop the snapshot and the journal: the next start is a fresh one."""
    (folder / FILE).unlink(missing_ok=True)
    for generation in journal.generations(folder):
        (folder / journal.file_name(generation)).unlink(missing_ok=True)


class Compactor:
    """Folds the journal into the snapshot: when it has grown, and at the end.

    The store's lock is held while the models are read and the journal moves to
    its next generation (a fraction of a second); the snapshot is written after,
    while requests go on, and only then are the older generations deleted.

    "Grown" means past the threshold and past the size of the last snapshot: each
    compaction reads and writes all the data, so with a fixed threshold their cost
    would grow with the data stored times the changes made (quadratic over a long
    run). With the last snapshot's size as the floor the compactions get rarer as the
    data grows and cost in all a constant times the journal written, and a restart
    still replays at most about as much journal as there is snapshot.
    """

    def __init__(
        self,
        folder: Path,
        store: JournaledStore,
        take: Callable[[], dict[str, Any]],
        *,
        threshold_bytes: int = COMPACT_AT_BYTES,
        check_every: float = 0.2,
        idle_check_every: float = 5.0,
    ) -> None:
        self._folder = folder
        self._store = store
        self._take = take
        self._threshold = threshold_bytes
        self._snapshot_bytes = 0  # the size of the last snapshot written
        self._check_every = check_every
        self._idle_check_every = idle_check_every
        self._written = threading.Event()  # the journal grew (`wake`)
        self._compacting = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def compact(self) -> None:
        """Write the snapshot of now, and drop the journal it holds."""
        with self._compacting:
            current = self._store.journal
            if current is None:
                raise RuntimeError("the journal is not open")
            started = time.perf_counter()
            with self._store.lock:
                data = self._take()
                generation = current.rotate()
            held = time.perf_counter() - started
            data["journal"] = generation
            self._snapshot_bytes = write(self._folder, data)
            for old in journal.generations(self._folder):
                if old < generation:
                    (self._folder / journal.file_name(old)).unlink(missing_ok=True)
            logger.info(
                "snapshot written: %d items, journal from generation %d (store held %.0f ms)",
                len(data["items"]),
                generation,
                held * 1000,
            )

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="local-compactor", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """The journal grew: see (within `check_every`) whether it is time to compact."""
        self._written.set()

    def stop(self) -> None:
        """Stop the background compaction, then fold everything into the snapshot."""
        self._stop.set()
        self._written.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.compact()

    def _loop(self) -> None:
        # Looks when the journal grew (the journaled store wakes it), at most every
        # `check_every`; an idle stack only every `idle_check_every` (a clock move is
        # journaled without the store).
        while not self._stop.wait(self._check_every):
            self._written.wait(self._idle_check_every)
            self._written.clear()
            if self._stop.is_set():
                return
            current = self._store.journal
            if current is None or current.size < max(self._threshold, self._snapshot_bytes):
                continue
            try:
                self.compact()
            except Exception:
                logger.exception("could not compact the journal; it is kept, trying again")


def clock_from(data: dict[str, Any] | None, real_now: datetime) -> datetime:
    """Where the simulated clock starts: on from the snapshot's, or the real time."""
    state = clock_state(data) if data else None
    return state.now(real_now) if state else real_now


# Binary attribute values are bytes in boto3 (base64 text on the wire); the file keeps them as
# base64 text, marked ("B64", "BS64").
def _encode(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _encode_value(value) for name, value in item.items()}


def _encode_value(value: dict[str, Any]) -> dict[str, Any]:
    kind, content = next(iter(value.items()))
    if kind == "B":
        return {"B64": _base64(content)}
    if kind == "BS":
        return {"BS64": [_base64(b) for b in content]}
    if kind == "M":
        return {"M": _encode(content)}
    if kind == "L":
        return {"L": [_encode_value(v) for v in content]}
    return value


def _on_the_wire(item: dict[str, Any]) -> dict[str, Any]:
    """A stored item as DynamoDB's JSON has it on the wire (binary as base64 text)."""
    return {name: _wire_value(value) for name, value in item.items()}


def _wire_value(value: dict[str, Any]) -> dict[str, Any]:
    kind, content = next(iter(value.items()))
    if kind == "B64":
        return {"B": content}
    if kind == "BS64":
        return {"BS": list(content)}
    if kind == "M":
        return {"M": _on_the_wire(content)}
    if kind == "L":
        return {"L": [_wire_value(v) for v in content]}
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

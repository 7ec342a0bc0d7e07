"""Counting the AWS calls an operation makes, and what DynamoDB would bill for them.

Shared by `bench/calls.py` and the integration tests. A `Recorder` hooks the
botocore clients that `inquiries.wiring.dependencies()` built (botocore's event
system: `provide-client-params`, `before-call`, `after-call`), counts every API
call per service and operation, and, if asked, estimates the DynamoDB capacity
each call consumes.

Capacity: moto answers `ReturnConsumedCapacity` with constants (1.0 for any
Query, 0.5 for any GetItem, nothing for transactions), so the units are computed
here from item sizes, by DynamoDB's published rules as we know them:

- reads: 4 KB units, half a unit when eventually consistent, at least one unit
  per GetItem and per Query (a Query sums the sizes of the items it evaluates,
  before any filter or projection; a Select=COUNT query reads the items it
  counts); BatchGetItem rounds each item on its own;
- writes: 1 KB units of the larger of the item before and after; twice that in
  TransactWriteItems; a cancelled transaction still pays its writes (no index
  changes); every global secondary index whose entry the write adds, changes
  or removes costs one write of the entry's size (two when its key changes);
  an entry is the whole item, or for an index that projects only some
  attributes its keys and those (written only when the entry changes).

To see what a Query evaluated or how large an item was, the recorder asks a
second client that is not hooked (the `shadow`), so its look-ups are never
counted.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from inquiries.adapters.table import INDEXES, PARTITION_KEY, SORT_KEY

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


@dataclass
class Tally:
    """What one measured stretch of work cost."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)  # (service, operation)
    # The same calls by where they were made: (lane, service, operation), the lane "" for
    # the handler's own thread, else `<pool>_<task>`: one task of a thread pool (adapters/
    # shards.py's `in_parallel`), whose calls wait alongside the pool's other tasks.
    lanes: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    reported_units: float = 0.0  # what the emulator put in ConsumedCapacity
    # Write units by what they were spent on: an item kind (`INQ/OFFER`: the prefixes of
    # its keys), "transactions (twice)" for the second half a transaction bills, an index.
    writes: Counter[str] = field(default_factory=Counter)

    def of(self, service: str) -> Counter[str]:
        """Calls of one service by operation name."""
        return Counter({op: n for (svc, op), n in self.calls.items() if svc == service})

    def total(self, service: str) -> int:
        return sum(self.of(service).values())


# --- item sizes ----------------------------------------------------------------------------


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(str(data).encode("utf-8"))
    if kind == "N":
        digits = str(data).lstrip("-").replace(".", "").strip("0") or "0"
        return 1 + math.ceil(len(digits) / 2)
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        inner = {"SS": "S", "NS": "N", "BS": "B"}[kind]
        return sum(_value_size({inner: v}) for v in data)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _value_size(v) for k, v in data.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any] | None) -> int:
    """An item's size in bytes as DynamoDB counts it (names plus values)."""
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + _value_size(v) for name, v in item.items())


def _read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def _write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def _entry(index: Any, item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The index's entry of an item: all of it, or the keys and included attributes."""
    if not item or index.partition_key not in item or index.sort_key not in item:
        return None
    if index.include is None:
        return item
    names = {PARTITION_KEY, SORT_KEY, index.partition_key, index.sort_key, *index.include}
    return {k: v for k, v in item.items() if k in names}


def _index_writes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> int:
    """Write units the global secondary indexes cost for one item changing.

    An index that projects only some attributes is written only when its entry changes.
    """
    return sum(index_writes(before, after).values())


def index_writes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Counter[str]:
    """Write units per global secondary index for one item changing (see `_index_writes`)."""
    units: Counter[str] = Counter()
    if before == after:  # a condition check, or a write of the same item: no index changes
        return units
    for index in INDEXES:
        old, new = _entry(index, before), _entry(index, after)
        keys = (index.partition_key, index.sort_key)
        if old is not None and new is not None and all(old[k] == new[k] for k in keys):
            if index.include is None or old != new:
                units[index.name] += _write_units(max(item_size(old), item_size(new)))
        else:
            units[index.name] += _write_units(item_size(old)) if old is not None else 0
            units[index.name] += _write_units(item_size(new)) if new is not None else 0
    return +units


def kind_of(key: dict[str, Any]) -> str:
    """What an item is, by its keys' prefixes: `INQ/OFFER`, `ROLLUP/DAY`, `CLAIM/CLAIM`."""
    parts = []
    for name in (PARTITION_KEY, SORT_KEY):
        value = str(next(iter(key.get(name, {"S": "-"}).values())))
        parts.append(re.split(r"[#:]", value, maxsplit=1)[0] or value[:8])
    return "/".join(parts)


# --- lanes: which calls wait alongside each other ------------------------------------------

_TASK = threading.local()


def current_lane() -> str:
    """Where a call is made: "" on the main thread, else the pool task (or thread) it is in."""
    lane = getattr(_TASK, "lane", None)
    if lane is not None:
        return str(lane)
    thread = threading.current_thread()
    return "" if thread is threading.main_thread() else thread.name


@contextmanager
def tasks_as_lanes() -> Iterator[None]:
    """Inside the block, each task submitted to a thread pool is a lane of its own.

    A pool reuses an idle thread for its next task, and the emulator answers so fast that
    one thread may run every task of a pool one after the other; on AWS each task waits
    for its answer while the next starts on another thread. Naming lanes by task keeps
    the tasks apart as they would be there.
    """
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    submit = ThreadPoolExecutor.submit
    counter = iter(range(1 << 62))

    def tracked(pool: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        lane = f"pool{id(pool)}_{next(counter)}"

        def task() -> Any:
            _TASK.lane = lane
            try:
                return fn(*args, **kwargs)
            finally:
                _TASK.lane = None

        return submit(pool, task)

    ThreadPoolExecutor.submit = tracked  # type: ignore[method-assign]
    try:
        yield
    finally:
        ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]


# --- the recorder --------------------------------------------------------------------------

_PROJECTING = ("ProjectionExpression", "Select", "FilterExpression", "AttributesToGet")


def _write_actions(operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(table, key) of every item a write touches."""
    if operation == "TransactWriteItems":
        actions = []
        for entry in params.get("TransactItems", []):
            ((_, action),) = entry.items()
            key = action.get("Key") or {
                k: action["Item"][k] for k in (PARTITION_KEY, SORT_KEY) if k in action["Item"]
            }
            actions.append((action["TableName"], key))
        return actions
    if operation == "PutItem":
        item = params["Item"]
        return [(params["TableName"], {k: item[k] for k in (PARTITION_KEY, SORT_KEY)})]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(params["TableName"], params["Key"])]
    return []


class Recorder:
    """Counts the calls of the clients it is attached to; estimates DynamoDB capacity."""

    def __init__(self, shadow: Any | None = None) -> None:
        """`shadow`: an unhooked DynamoDB client on the same store; without it, no capacity."""
        self._shadow = shadow
        self._tally = Tally()
        self._lock = threading.Lock()

    # attaching ------------------------------------------------------------------------------

    def attach(self, client: Any) -> None:
        """Hook a botocore client (DynamoDB, Scheduler, ...)."""
        service = client.meta.service_model.service_id.hyphenize()
        events = client.meta.events
        events.register(f"before-call.{service}", self._before_call)
        if service == "dynamodb":
            events.register("provide-client-params.dynamodb", self._ask_for_capacity)
            events.register("after-call.dynamodb", self._after_call)

    def attach_to(self, deps: Any) -> None:
        """Hook the clients of a `Dependencies` built by `inquiries.wiring`."""
        for client in clients_of(deps).values():
            self.attach(client)

    @contextmanager
    def measuring(self) -> Iterator[Tally]:
        """Everything the clients do inside the block is tallied in the Tally yielded."""
        outer, self._tally = self._tally, Tally()
        try:
            yield self._tally
        finally:
            self._tally = outer

    # hooks ----------------------------------------------------------------------------------

    def _ask_for_capacity(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
        context["counting_params"] = dict(params)

    def _before_call(self, model: Any, context: dict[str, Any], event_name: str, **_: Any) -> None:
        service = event_name.split(".")[1]
        lane = current_lane()
        with self._lock:
            self._tally.calls[(service, model.name)] += 1
            self._tally.lanes[(lane, service, model.name)] += 1
        params = context.get("counting_params")
        if self._shadow is not None and params is not None:
            context["counting_before"] = [
                self._item(table, key) for table, key in _write_actions(model.name, params)
            ]

    def _after_call(
        self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        reported = parsed.get("ConsumedCapacity")
        for entry in reported if isinstance(reported, list) else [reported] if reported else []:
            with self._lock:
                self._tally.reported_units += float(entry.get("CapacityUnits", 0.0))
        params = context.get("counting_params")
        if self._shadow is None or params is None:
            return
        operation = model.name
        failed = "Error" in parsed
        if operation in ("GetItem", "Query", "BatchGetItem"):
            units = self._reads(operation, params, parsed)
            with self._lock:  # parallel queries (shards) end on several threads at once
                self._tally.read_units += units
            return
        actions = _write_actions(operation, params)
        befores = context.get("counting_before", [None] * len(actions))
        factor = 2 if operation == "TransactWriteItems" else 1
        for (table, key), before in zip(actions, befores, strict=True):
            after = before if failed else self._item(table, key)
            size = max(item_size(before), item_size(after))
            indexes = Counter() if failed else index_writes(before, after)
            with self._lock:
                self._tally.write_units += factor * _write_units(size) + sum(indexes.values())
                self._tally.writes[kind_of(key)] += _write_units(size)
                if factor == 2:
                    self._tally.writes["transactions (twice)"] += _write_units(size)
                self._tally.writes.update({f"index {n}": u for n, u in indexes.items()})

    # capacity -------------------------------------------------------------------------------

    def _item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        assert self._shadow is not None
        found: dict[str, Any] | None = self._shadow.get_item(
            TableName=table, Key=key, ConsistentRead=True
        ).get("Item")
        return found

    def _reads(self, operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
        projected = any(name in params for name in _PROJECTING)
        if operation == "GetItem":
            item = parsed.get("Item")
            if projected:
                item = self._item(params["TableName"], params["Key"])
            return _read_units(item_size(item), bool(params.get("ConsistentRead")))
        if operation == "BatchGetItem":
            units = 0.0
            for table, request in params["RequestItems"].items():
                for key in request["Keys"]:
                    size = item_size(self._item(table, key))
                    units += _read_units(size, bool(request.get("ConsistentRead")))
            return units
        items = parsed.get("Items", [])
        if projected:
            items = self._evaluated(params)
        size = sum(item_size(i) for i in items)
        return _read_units(size, bool(params.get("ConsistentRead")))

    def _evaluated(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The items a Query read, before its filter and projection."""
        assert self._shadow is not None
        keep = ("TableName", "IndexName", "KeyConditionExpression", "ExclusiveStartKey")
        query: dict[str, Any] = {k: params[k] for k in keep if k in params}
        for optional in ("Limit", "ScanIndexForward", "ConsistentRead"):
            if optional in params:
                query[optional] = params[optional]
        used = set(re.findall(r"[:#][A-Za-z0-9_]+", params["KeyConditionExpression"]))
        names = {k: v for k, v in params.get("ExpressionAttributeNames", {}).items() if k in used}
        values = {k: v for k, v in params.get("ExpressionAttributeValues", {}).items() if k in used}
        if names:
            query["ExpressionAttributeNames"] = names
        if values:
            query["ExpressionAttributeValues"] = values
        items: list[dict[str, Any]] = self._shadow.query(**query).get("Items", [])
        return items


def clients_of(deps: Any) -> dict[str, Any]:
    """The botocore clients behind the repository and the scheduler that wiring built."""
    return {"dynamodb": deps.repository._client, "scheduler": deps.scheduler._client}

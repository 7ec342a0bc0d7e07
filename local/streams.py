"""The local DynamoDB Streams event source: what Lambda's event source mapping does on AWS.

moto's server keeps the table's stream; this poller reads it through the
DynamoDB Streams API, keeps the records that pass the same filter as the
deployed event source mapping (new event items), and invokes the notify
function with a batch in Lambda's shape. A batch item failure is retried from
that record on (as `ReportBatchItemFailures` does), a few times with a pause,
and then dropped with a log line, as AWS hands it to the on-failure destination.
Records are delivered in lanes by partition key, as a busy table's stream shards
are read side by side on AWS (`LANES`).

It starts at the stream's end (`LATEST`) after the data was restored: changes
made before a restart were mailed then, or, if the stack died in between, are
not mailed now (on AWS the stream keeps records for 24 hours).

It reads the stream when a write was applied (`wake`, called by the journaled store,
which sees every write), at most every `POLL_SECONDS`, and otherwise only every
`IDLE_SECONDS`: an idle stack asks the emulator nothing (reading five times a second
was most of an idle stack's CPU, and the e2e tests run several stacks at once).
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inquiries.service.stream import is_event_record

logger = logging.getLogger("local.streams")

Invoke = Callable[[str, dict[str, Any]], dict[str, Any]]

POLL_SECONDS = 0.2  # the least time between two reads while writes come in
IDLE_SECONDS = 5.0  # without a wake-up (every write wakes it: a fallback only)
BATCH_SIZE = 25
# DynamoDB spreads a busy table's stream over shards by partition key, and Lambda reads
# each shard on its own: the records of one inquiry arrive in order, those of different
# inquiries side by side. Locally there is one shard; the poller delivers it in this many
# lanes by partition key (one notify invocation per lane at a time, as per shard), so the
# mails keep up with a busy stack instead of falling behind one batch at a time.
LANES = 4
# Records read per GetRecords: the emulator is held while it builds the answer (about a
# second for 1,000 records, every request waiting), so the poller reads less at a time.
READ_LIMIT = 250
MAX_ATTEMPTS = 4  # then the records go where AWS's on-failure destination would take them
RETRY_PAUSE_SECONDS = 0.5


@dataclass
class _Lane:
    """Records of some partition keys, delivered in order, and the tries of the first."""

    pending: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A stream record as Lambda hands it to a function (JSON: times as epoch seconds)."""
    data = dict(record.get("dynamodb", {}))
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        data["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": data,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    """Feeds the notify function from the table's stream, in a background thread."""

    def __init__(
        self,
        dynamodb: Any,
        streams: Any,
        table: str,
        invoke: Invoke,
        *,
        region: str,
        poll_seconds: float = POLL_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
        lanes: int = LANES,
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table = table
        self._invoke = invoke
        self._region = region
        self._poll_seconds = poll_seconds
        self._idle_seconds = idle_seconds
        self._woken = threading.Event()
        self._full = False  # the last read got as many records as it asked for: more wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterators: dict[str, str | None] = {}
        self._lanes = [_Lane() for _ in range(max(1, lanes))]
        self._arn = ""

    def start(self) -> None:
        """Begin at the stream's end: what is written from now on is delivered."""
        self._arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        self._open_shards("LATEST")
        self._thread = threading.Thread(target=self._loop, name="local-streams", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A write was applied: read the stream (within `POLL_SECONDS` of the last read)."""
        self._woken.set()

    def stop(self) -> None:
        self._stop.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _open_shards(self, position: str) -> None:
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            self._iterators[shard_id] = self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=position
            )["ShardIterator"]

    def _loop(self) -> None:
        read_at = 0.0
        behind = False  # records wait (a failed batch, a full read): read again soon
        while not self._stop.is_set():
            if not behind:
                self._woken.wait(self._idle_seconds)
            # At most one read per POLL_SECONDS: under load every request writes.
            if self._stop.wait(max(0.0, read_at + self._poll_seconds - time.monotonic())):
                return
            # Cleared before reading: a write applied from now on wakes the next pass.
            self._woken.clear()
            read_at = time.monotonic()
            try:
                self.poll()
                behind = self._full or any(lane.pending for lane in self._lanes)
            except Exception:
                logger.exception("the local stream poller failed; trying again")
                behind = True

    def poll(self) -> int:
        """Read new records and deliver them; the records delivered in this pass."""
        if not any(lane.pending for lane in self._lanes):
            self._full = False
            for shard_id, iterator in list(self._iterators.items()):
                if iterator is None:
                    continue
                answer = self._streams.get_records(ShardIterator=iterator, Limit=READ_LIMIT)
                self._iterators[shard_id] = answer.get("NextShardIterator")
                self._full = self._full or len(answer.get("Records", [])) >= READ_LIMIT
                for record in answer.get("Records", []):
                    if is_event_record(record):
                        self._lane_of(record).pending.append(record)
        busy = [lane for lane in self._lanes if lane.pending]
        if len(busy) <= 1:
            return sum(self._drain(lane) for lane in busy)
        with ThreadPoolExecutor(len(busy), thread_name_prefix="local-streams-lane") as pool:
            return sum(pool.map(self._drain, busy))

    def _lane_of(self, record: dict[str, Any]) -> _Lane:
        """The lane of the record's partition key (its inquiry): one lane keeps them in order."""
        key = record.get("dynamodb", {}).get("Keys", {}).get("pk", {}).get("S", "")
        return self._lanes[zlib.crc32(str(key).encode()) % len(self._lanes)]

    def _drain(self, lane: _Lane) -> int:
        """Deliver a lane's records batch by batch; stops at a failure (retried next pass)."""
        delivered = 0
        while lane.pending and not self._stop.is_set():
            batch = lane.pending[:BATCH_SIZE]
            failed_from = self._deliver(batch)
            if failed_from is None:
                delivered += len(batch)
                lane.pending = lane.pending[len(batch) :]
                lane.attempts = 0
                continue
            delivered += failed_from
            lane.pending = lane.pending[failed_from:]
            lane.attempts += 1
            if lane.attempts >= MAX_ATTEMPTS:
                dropped = lane.pending[0]
                logger.error(
                    "stream record %s failed %d times; dropped (on AWS: the on-failure queue)",
                    dropped.get("dynamodb", {}).get("SequenceNumber"),
                    lane.attempts,
                )
                lane.pending = lane.pending[1:]
                lane.attempts = 0
                continue
            time.sleep(RETRY_PAUSE_SECONDS)
            break  # the next pass retries from the failed record
        return delivered

    def _deliver(self, batch: list[dict[str, Any]]) -> int | None:
        """Invoke notify with the batch; None if all went, else the index to retry from."""
        event = {"Records": [lambda_record(r, self._arn, self._region) for r in batch]}
        try:
            answer = self._invoke("notify", event)
        except Exception:
            logger.exception("the notify function failed on a stream batch")
            return 0
        failures = answer.get("batchItemFailures", []) if isinstance(answer, dict) else []
        failed = {f.get("itemIdentifier") for f in failures if isinstance(f, dict)}
        for index, record in enumerate(batch):
            if record.get("dynamodb", {}).get("SequenceNumber") in failed:
                return index
        return None

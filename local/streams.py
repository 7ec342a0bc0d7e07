"""The local DynamoDB Streams event source: what Lambda's event source mapping does on AWS.

moto's server keeps the table's stream; this poller reads it through the
DynamoDB Streams API, keeps the records that pass the same filter as the
deployed event source mapping (new event items), and invokes the notify
function with a batch in Lambda's shape. A batch item failure is retried from
that record on (as `ReportBatchItemFailures` does), a few times with a pause,
and then dropped with a log line, as AWS hands it to the on-failure destination.
Records are delivered in lanes by partition key, as a busy table's stream shards
are read side by side on AWS (`LANES`).

No acknowledged change loses its mail to a restart, as none does on AWS (the
stream keeps records for 24 hours and the event source mapping resumes from its
checkpoint). The poller's checkpoint is the stream's sequence number below which
every record went to notify (or was given up on), `delivered`; after each batch
it is appended to the journal (`{"delivered": n}`, synced), so it survives a
`kill -9` with the changes themselves. A restart numbers the stream's records
exactly as before (the snapshot keeps the next number, `next`, and the journal is
replayed in order: the same writes, the same records, the same numbers), takes
the new event items of the replayed writes from the emulator's stream
(`take_records`) and delivers those at or past the checkpoint first. A snapshot
keeps the records its cut had not delivered yet (`saved`), since the journal
that wrote them is deleted after it. A record delivered twice (the kill came
between its mails and the checkpoint) sends nothing twice: notify sends only the
mails without a SENT# marker.

It reads the stream when a write was applied (`wake`, called by the journaled store,
which sees every write), at most every `POLL_SECONDS`, and otherwise only every
`IDLE_SECONDS`: an idle stack asks the emulator nothing (reading five times a second
was most of an idle stack's CPU, and the e2e tests run several stacks at once).
"""

from __future__ import annotations

import base64
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
Checkpoint = Callable[[int], None]

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


def sequence(record: dict[str, Any]) -> int:
    """A record's place in the stream (its `SequenceNumber`, a number in a string)."""
    return int(record.get("dynamodb", {}).get("SequenceNumber", 0))


def portable(record: dict[str, Any]) -> dict[str, Any]:
    """A stream record as JSON keeps it: the time as epoch seconds, binary as base64 text
    (as Lambda hands them over)."""
    data = dict(record.get("dynamodb", {}))
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        data["ApproximateCreationDateTime"] = created.timestamp()
    kept = {k: v for k, v in record.items() if k in ("eventID", "eventName", "eventVersion")}
    return {**kept, "dynamodb": _text(data)}


def _text(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_text(v) for v in value]
    return value


def shard_of(table: str) -> Any:
    """moto's stream shard of the table, in this process (the emulator's, not an API)."""
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

    from local.aws import ACCOUNT, REGION  # noqa: PLC0415

    return dynamodb_backends[ACCOUNT][REGION].get_table(table).stream_shard


def stream_end(shard: Any) -> int:
    """The sequence number the shard's next record gets."""
    return int(shard.starting_sequence_number) + len(shard.items)


def take_records(shard: Any) -> list[dict[str, Any]]:
    """Empty the shard (its numbering goes on): the new event items among its records,
    portable. What a restart's replay wrote, taken as it is written (the rest is never
    delivered, and would fill the memory); call with the emulator held."""
    taken = [portable(r.to_json()) for r in shard.items if is_event_record(r.to_json())]
    shard.starting_sequence_number = stream_end(shard)
    shard.items.clear()
    return taken


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
        checkpoint: Checkpoint | None = None,
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
        # `_lock` guards the lanes' records and `_next_read` (the lanes' threads take them
        # off, a compaction reads them); never held while calling out.
        self._lock = threading.Lock()
        self._next_read: int | None = None  # the first sequence number not read yet
        self._checkpoint = checkpoint
        self._checkpointing = threading.Lock()
        self._checkpointed: int | None = None  # the last checkpoint written

    def resume(self, records: list[dict[str, Any]], next_read: int, delivered: int) -> None:
        """Before `start`: the records a restart found undelivered (portable, in order), the
        stream's number to read on from, and the checkpoint as it was saved."""
        with self._lock:
            for record in records:
                self._lane_of(record).pending.append(record)
            self._next_read = next_read
        self._checkpointed = delivered

    def start(self) -> None:
        """Read on from `resume`'s number (else from the stream's end) and deliver."""
        self._arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        if self._next_read is None:
            self._open_shards("LATEST")
        else:
            self._open_shards("AT_SEQUENCE_NUMBER", str(self._next_read))
        if any(lane.pending for lane in self._lanes):
            self._woken.set()  # what the restart found goes at once
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

    def _open_shards(self, position: str, number: str | None = None) -> None:
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        at = {"SequenceNumber": number} if number is not None else {}
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            self._iterators[shard_id] = self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=position, **at
            )["ShardIterator"]

    def delivered(self) -> int | None:
        """The checkpoint: every record numbered below it went (None: nothing read yet)."""
        with self._lock:
            return self._delivered()

    def _delivered(self) -> int | None:
        firsts = [sequence(lane.pending[0]) for lane in self._lanes if lane.pending]
        known = firsts + ([self._next_read] if self._next_read is not None else [])
        return min(known) if known else None

    def saved(self, shard: Any) -> dict[str, Any]:
        """What a snapshot keeps of the stream, with the emulator held (an exact cut): the
        next record's number, the checkpoint, and every event record not delivered yet
        (the lanes', and those the poller has not read)."""
        with self._lock:
            end = stream_end(shard)
            delivered = self._delivered()
            if delivered is None:
                delivered = end
            waiting = {sequence(r): r for lane in self._lanes for r in lane.pending}
            start = int(shard.starting_sequence_number)
            unread = self._next_read if self._next_read is not None else end
            for item in shard.items[max(0, unread - start) :]:
                record = item.to_json()
                if is_event_record(record):
                    waiting.setdefault(sequence(record), record)
        records = [portable(waiting[n]) for n in sorted(waiting) if n >= delivered]
        return {"next": end, "delivered": delivered, "records": records}

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
                records = answer.get("Records", [])
                self._full = self._full or len(records) >= READ_LIMIT
                with self._lock:
                    for record in records:
                        if is_event_record(record):
                            self._lane_of(record).pending.append(record)
                    if records:
                        self._next_read = sequence(records[-1]) + 1
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
                with self._lock:
                    lane.pending = lane.pending[len(batch) :]
                lane.attempts = 0
                self._save_checkpoint()
                continue
            delivered += failed_from
            with self._lock:
                lane.pending = lane.pending[failed_from:]
            lane.attempts += 1
            if lane.attempts >= MAX_ATTEMPTS:
                dropped = lane.pending[0]
                logger.error(
                    "stream record %s failed %d times; dropped (on AWS: the on-failure queue)",
                    dropped.get("dynamodb", {}).get("SequenceNumber"),
                    lane.attempts,
                )
                with self._lock:
                    lane.pending = lane.pending[1:]
                lane.attempts = 0
                self._save_checkpoint()
                continue
            self._save_checkpoint()
            time.sleep(RETRY_PAUSE_SECONDS)
            break  # the next pass retries from the failed record
        return delivered

    def _save_checkpoint(self) -> None:
        """Write the checkpoint if it moved on (lanes in turn: it never goes back)."""
        if self._checkpoint is None:
            return
        with self._checkpointing:
            below = self.delivered()
            if below is None or (self._checkpointed is not None and below <= self._checkpointed):
                return
            try:
                self._checkpoint(below)
            except Exception:
                # Nothing is lost: the records are delivered again after a restart.
                logger.exception("could not write the stream's checkpoint")
                return
            self._checkpointed = below

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

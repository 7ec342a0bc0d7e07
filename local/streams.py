"""The local DynamoDB Streams event source: what Lambda's event source mapping does on AWS.

moto's server keeps the table's stream; this poller reads it through the
DynamoDB Streams API, keeps the records that pass the same filter as the
deployed event source mapping (new event items), and invokes the notify
function with a batch in Lambda's shape. A batch item failure is retried from
that record on (as `ReportBatchItemFailures` does), a few times with a pause,
and then dropped with a log line, as AWS hands it to the on-failure destination.

It starts at the stream's end (`LATEST`) after the data was restored: changes
made before a restart were mailed then, or, if the stack died in between, are
not mailed now (on AWS the stream keeps records for 24 hours).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from inquiries.service.stream import is_event_record

logger = logging.getLogger("local.streams")

Invoke = Callable[[str, dict[str, Any]], dict[str, Any]]

POLL_SECONDS = 0.2
BATCH_SIZE = 25
MAX_ATTEMPTS = 4  # then the records go where AWS's on-failure destination would take them
RETRY_PAUSE_SECONDS = 0.5


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
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table = table
        self._invoke = invoke
        self._region = region
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterators: dict[str, str | None] = {}
        self._pending: list[dict[str, Any]] = []
        self._attempts = 0
        self._arn = ""

    def start(self) -> None:
        """Begin at the stream's end: what is written from now on is delivered."""
        self._arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        self._open_shards("LATEST")
        self._thread = threading.Thread(target=self._loop, name="local-streams", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
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
        while not self._stop.wait(self._poll_seconds):
            try:
                self.poll()
            except Exception:
                logger.exception("the local stream poller failed; trying again")

    def poll(self) -> int:
        """Read new records and deliver them; the records delivered in this pass."""
        if not self._pending:
            for shard_id, iterator in list(self._iterators.items()):
                if iterator is None:
                    continue
                answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
                self._iterators[shard_id] = answer.get("NextShardIterator")
                self._pending += [r for r in answer.get("Records", []) if is_event_record(r)]
        delivered = 0
        while self._pending and not self._stop.is_set():
            batch = self._pending[:BATCH_SIZE]
            failed_from = self._deliver(batch)
            if failed_from is None:
                delivered += len(batch)
                self._pending = self._pending[len(batch) :]
                self._attempts = 0
                continue
            delivered += failed_from
            self._pending = self._pending[failed_from:]
            self._attempts += 1
            if self._attempts >= MAX_ATTEMPTS:
                dropped = self._pending[0]
                logger.error(
                    "stream record %s failed %d times; dropped (on AWS: the on-failure queue)",
                    dropped.get("dynamodb", {}).get("SequenceNumber"),
                    self._attempts,
                )
                self._pending = self._pending[1:]
                self._attempts = 0
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

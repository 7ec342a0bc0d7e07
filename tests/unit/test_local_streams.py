"""The local stream poller: Lambda's event source on the table's stream, as notify sees it."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from local import streams
from local.streams import StreamPoller


def record(seq: int, sk: str = "EVENT#000001#00", name: str = "INSERT") -> dict[str, Any]:
    return {
        "eventID": f"e{seq}",
        "eventName": name,
        "dynamodb": {
            "Keys": {"pk": {"S": "INQ#a"}, "sk": {"S": sk}},
            "NewImage": {"pk": {"S": "INQ#a"}, "sk": {"S": sk}},
            "SequenceNumber": str(seq),
        },
    }


class FakeStreams:
    """One shard whose records arrive as the test adds them."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def describe_table(self, TableName: str) -> dict[str, Any]:  # noqa: N803
        return {"Table": {"LatestStreamArn": "arn:stream"}}

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803
        return {"StreamDescription": {"Shards": [{"ShardId": "s1"}]}}

    def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]:
        return {"ShardIterator": str(len(self.records))}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        start = int(ShardIterator)
        return {"Records": self.records[start:], "NextShardIterator": str(len(self.records))}


class Notify:
    """The notify function: fails the records named in `failing`, remembers what it got."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.failing: set[str] = set()

    def __call__(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        assert function == "notify"
        numbers = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        assert all(r["eventSource"] == "aws:dynamodb" for r in event["Records"])
        self.batches.append(numbers)
        failed = [{"itemIdentifier": n} for n in numbers if n in self.failing]
        return {"batchItemFailures": failed}


@pytest.fixture
def poller(monkeypatch: pytest.MonkeyPatch) -> tuple[StreamPoller, FakeStreams, Notify]:
    monkeypatch.setattr(streams, "RETRY_PAUSE_SECONDS", 0.0)
    fake, notify = FakeStreams(), Notify()
    local = StreamPoller(fake, fake, "inquiries", notify, region="eu-central-1")
    local._arn = "arn:stream"  # what start() reads, without its thread
    local._open_shards("LATEST")
    return local, fake, notify


def test_only_new_event_items_reach_notify(
    poller: tuple[StreamPoller, FakeStreams, Notify],
) -> None:
    local, fake, notify = poller
    fake.records += [
        record(1),
        record(2, sk="INQ"),  # the inquiry item itself
        record(3, name="MODIFY"),
        record(4, sk="SENT#EVENT#000001#00#hq"),  # a mail's marker
        record(5, sk="EVENT#000002#00"),
    ]
    assert local.poll() == 2
    assert notify.batches == [["1", "5"]]


def test_a_failed_record_is_retried_from_there_then_dropped(
    poller: tuple[StreamPoller, FakeStreams, Notify],
) -> None:
    local, fake, notify = poller
    fake.records += [record(1), record(2), record(3)]
    notify.failing = {"2"}
    assert local.poll() == 1  # the first went; the second and third wait
    assert local.poll() == 0
    assert notify.batches == [["1", "2", "3"], ["2", "3"]]
    notify.failing = set()
    assert local.poll() == 2  # the mail works again: retried, delivered
    assert notify.batches[-1] == ["2", "3"]

    fake.records += [record(4), record(5)]
    notify.failing = {"4"}
    for _ in range(streams.MAX_ATTEMPTS):
        local.poll()
    # Given up on record 4 (on AWS: the on-failure queue); 5 still goes.
    notify.failing = set()
    local.poll()
    assert notify.batches[-1] == ["5"]
    assert local.poll() == 0


def test_inquiries_go_side_by_side_each_in_order_and_a_failure_holds_up_only_its_own(
    poller: tuple[StreamPoller, FakeStreams, Notify],
) -> None:
    local, fake, notify = poller
    inquiries = [f"INQ#{name}" for name in "abcdefghij"]
    for seq in range(1, 201):
        pk = inquiries[seq % len(inquiries)]
        entry = record(seq, sk=f"EVENT#{seq:06d}#00")
        entry["dynamodb"]["Keys"]["pk"] = {"S": pk}
        fake.records.append(entry)
    failing = "7"  # INQ#h's first record
    notify.failing = {failing}
    delivered = local.poll()
    by_number = {
        r["dynamodb"]["SequenceNumber"]: r["dynamodb"]["Keys"]["pk"]["S"] for r in fake.records
    }
    held = [n for n in by_number if by_number[n] == "INQ#h"]
    # Everything but the failing inquiry's lane went in this pass, in more than one batch
    # at a time (lanes); the failing record and what follows it in its lane wait.
    assert 0 < delivered < 200
    assert len({tuple(b) for b in notify.batches}) > 1
    notify.failing = set()
    while local.poll():
        pass
    seen: dict[str, list[int]] = {}
    for batch in notify.batches:
        for number in batch:
            seen.setdefault(by_number[number], []).append(int(number))
    for pk, numbers in seen.items():
        # Each inquiry's records, all of them, first seen in order (the failing lane's
        # records from the failed one on were sent again, as Lambda retries a shard).
        assert sorted(set(numbers)) == [int(n) for n in by_number if by_number[n] == pk]
        assert list(dict.fromkeys(numbers)) == sorted(set(numbers))
    assert int(failing) in seen["INQ#h"] and all(n in by_number for n in held)


class CountingStreams(FakeStreams):
    """Counts the reads, and says when one found records."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.found = threading.Event()

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        self.reads += 1
        answer = super().get_records(ShardIterator, Limit)
        if answer["Records"]:
            self.found.set()
        return answer


def test_an_idle_poller_reads_nothing_and_a_write_wakes_it() -> None:
    fake, notify = CountingStreams(), Notify()
    # Without a wake-up it would read only after a minute: every read here was woken.
    local = StreamPoller(
        fake, fake, "inquiries", notify, region="eu-central-1", poll_seconds=0.01, idle_seconds=60
    )
    local.start()
    try:
        time.sleep(0.2)
        assert fake.reads == 0  # idle: the emulator is not asked
        fake.records.append(record(1))
        local.wake()  # what the journaled store calls after the write
        assert fake.found.wait(5)
        deadline = time.monotonic() + 5
        while not notify.batches and time.monotonic() < deadline:
            time.sleep(0.01)
        assert notify.batches == [["1"]]
        # A failed batch is tried again without another wake-up.
        notify.failing = {"2"}
        fake.records.append(record(2))
        local.wake()
        while len(notify.batches) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert notify.batches[1:3] == [["2"], ["2"]]
    finally:
        local.stop()


class FakeItem:
    """A record as moto's stream shard keeps it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_json(self) -> dict[str, Any]:
        return self.data


class FakeShard:
    """moto's stream shard: its records from a starting number on."""

    def __init__(self, starting: int, records: list[dict[str, Any]]) -> None:
        self.starting_sequence_number = starting
        self.items = [FakeItem(r) for r in records]


def test_the_checkpoint_passes_only_what_every_lane_delivered(
    poller: tuple[StreamPoller, FakeStreams, Notify],
) -> None:
    local, fake, notify = poller
    written: list[int] = []
    local._checkpoint = written.append
    local.resume([], 1, 0)
    inquiries = ["INQ#a", "INQ#b"]
    for seq in range(1, 7):
        entry = record(seq, sk=f"EVENT#{seq:06d}#00")
        entry["dynamodb"]["Keys"]["pk"] = {"S": inquiries[seq % 2]}
        fake.records.append(entry)
    failing = next(
        str(n)
        for n in range(1, 7)
        if local._lane_of(fake.records[n - 1]) is not local._lane_of(fake.records[0])
    )
    notify.failing = {failing}
    local.poll()
    # The failed record and all after it in its lane wait: the checkpoint stays below it.
    assert written and max(written) <= int(failing)
    assert local.delivered() == int(failing)
    notify.failing = set()
    while local.poll():
        pass
    assert written[-1] == 7  # all six went: read on from the seventh
    assert written == sorted(written)  # it never goes back


def test_a_snapshot_keeps_what_was_not_delivered_and_a_restart_delivers_it(
    poller: tuple[StreamPoller, FakeStreams, Notify],
) -> None:
    local, fake, notify = poller
    local.resume([], 1, 0)
    fake.records += [record(1), record(2), record(3)]
    notify.failing = {"2"}
    local.poll()  # 1 went; 2 and 3 wait in their lane
    # Two more written, not read yet; one of them not an event item (never delivered).
    unread = [record(4, sk="INQ"), record(5, sk="EVENT#000005#00")]
    saved = local.saved(FakeShard(4, unread))
    assert saved["next"] == 6 and saved["delivered"] == 2
    assert [r["dynamodb"]["SequenceNumber"] for r in saved["records"]] == ["2", "3", "5"]

    # The next start: a poller resumes from what the snapshot kept, and delivers it first.
    again = Notify()
    after = StreamPoller(FakeStreams(), FakeStreams(), "inquiries", again, region="eu-central-1")
    after._arn = "arn:stream"
    after._open_shards("LATEST")
    after.resume(saved["records"], saved["next"], saved["delivered"])
    assert after.poll() == 3
    assert sorted(n for batch in again.batches for n in batch) == ["2", "3", "5"]
    assert after.delivered() == 6


def test_records_carry_over_as_json_keeps_them() -> None:
    raw = record(7)
    raw["dynamodb"]["ApproximateCreationDateTime"] = datetime(2030, 1, 1, tzinfo=UTC)
    raw["dynamodb"]["NewImage"]["blob"] = {"B": b"\x00\xff"}
    kept = streams.portable(raw)
    assert json.loads(json.dumps(kept)) == kept
    assert kept["dynamodb"]["NewImage"]["blob"] == {"B": "AP8="}
    assert streams.sequence(kept) == 7

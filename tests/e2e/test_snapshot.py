"""A snapshot put back into moto answers as the data did; older data gets the current keys.

The local stack restores its snapshot straight into moto's models (local/snapshot.py),
not through the API: a probe writes items of every kind of value (binary ones at the
top, in maps, lists and sets) and schedules through boto3, reads them back (items,
index Queries, schedules), takes the snapshot as the stack takes it, empties the
emulator as a new start finds it, restores, and must read the same. A restored item is
no change: the table's stream carries nothing for it (no mail goes out again). On moto
as it is (`--stock-moto`), then as the stack changes it, in one process (both keep
moto's item size limit: the changed one sums an item's size once). The local
scheduler, which reads the schedules from moto's models, reads what the API answers.

A snapshot written by an older version (without the `keys` marker) has its items moved
onto the current keys at the start; one of this version says it needs nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local import journal
from tests.e2e.stack import LocalStack
from tests.e2e.test_lifecycle import form
from tests.support.probe import run_probe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-restart")]

_PROBE = """
import json, sys
sys.path.insert(0, ".")
from datetime import UTC, datetime
from inquiries.adapters.table import create_table
from local import aws, emulator, snapshot
from local.clock import ClockState
from local.scheduler import EmulatedSchedules, ScheduleBook

local = aws.start(stock=True)  # moto as it is (`--stock-moto`); changed below
db, scheduler, streams = local.dynamodb, local.scheduler, local.streams
TABLE, GROUP = aws.TABLE_NAME, aws.SCHEDULE_GROUP
target = {"Arn": aws.EXPIRE_FUNCTION_ARN, "RoleArn": aws.SCHEDULER_ROLE_ARN, "Input": "{}"}
FIELDS = ("Name", "ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow",
          "Target", "ActionAfterCompletion", "State", "Description")

def item(n):
    one = {"pk": {"S": f"INQ#{n % 4}"}, "sk": {"S": f"E#{n:03d}"}, "n": {"N": str(n)},
           "b": {"B": bytes([n, 0, 255])},
           "m": {"M": {"deep": {"L": [{"B": bytes([255])}, {"BOOL": False}]}, "z": {"NULL": True}}},
           "ss": {"SS": ["a", "\u00fc"]}, "ns": {"NS": ["1", "2.5"]}, "f": {"N": "0.125"}}
    if n % 2:  # stock moto cannot project an item holding a binary set onto an index
        one["bs"] = {"BS": [b"q", bytes([n])]}
    else:
        one.update({"gsi3pk": {"S": "ALL"}, "gsi3sk": {"S": f"{n:03d}"}})
    return one

def plain(value):
    if isinstance(value, dict):
        return {k: sorted(plain(v)) if k in ("SS", "NS", "BS") else plain(v)
                for k, v in value.items()
                if k not in ("ResponseMetadata", "CreationDate", "LastModificationDate")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value

def emptied():
    # The emulator as a new start finds it: an empty table and schedule group.
    db.delete_table(TableName=TABLE)
    for name in [s["Name"] for s in scheduler.list_schedules(GroupName=GROUP)["Schedules"]]:
        scheduler.delete_schedule(Name=name, GroupName=GROUP)
    create_table(db, TABLE, stream=True)

def check():
    emptied()
    items = [item(n) for n in range(12)]
    for one in items:
        db.put_item(TableName=TABLE, Item=one)
    scheduler.create_schedule(
        Name="a", GroupName=GROUP, ScheduleExpression="at(2030-01-02T03:04:05)",
        FlexibleTimeWindow={"Mode": "OFF"}, Target=target, ActionAfterCompletion="DELETE")
    scheduler.create_schedule(
        Name="b", GroupName=GROUP, ScheduleExpression="at(2030-01-02T03:04:05)",
        ScheduleExpressionTimezone="Europe/Rome", Description="kept",
        FlexibleTimeWindow={"Mode": "OFF"}, Target=target, State="DISABLED")

    def answers():
        got = [db.get_item(TableName=TABLE, Key={k: i[k] for k in ("pk", "sk")},
                           ConsistentRead=True).get("Item") for i in items]
        got.append(db.query(TableName=TABLE, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": "INQ#1"}})["Items"])
        got.append(db.query(TableName=TABLE, IndexName="gsi3",
                            KeyConditionExpression="gsi3pk = :a",
                            ExpressionAttributeValues={":a": {"S": "ALL"}}, Limit=5)["Items"])
        got += [scheduler.get_schedule(Name=n, GroupName=GROUP) for n in ("a", "b")]
        return plain(got)

    before = answers()
    assert all(before[:12]), before
    clock = ClockState(datetime(2030, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    data = json.loads(json.dumps(snapshot.dump_models(TABLE, GROUP, clock)))
    assert len(data["items"]) == 12 and len(data["schedules"]) == 2, data

    emptied()
    arn = db.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    oldest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    snapshot.restore(local.server.store, TABLE, GROUP, data)
    after = answers()
    assert after == before, (before, after)
    assert streams.get_records(ShardIterator=oldest)["Records"] == []  # no change: no mail

    # The local scheduler reads the schedules from moto's models as the API answers them.
    through_api = ScheduleBook(scheduler, GROUP).current()
    models = EmulatedSchedules(local.server.store.lock, GROUP, aws.ACCOUNT, aws.REGION)
    read = ScheduleBook(scheduler, GROUP, models).current()
    assert sorted(read) == ["a", "b"]
    assert {n: {f: s.get(f) for f in FIELDS} for n, s in read.items()} == {
        n: {f: s.get(f) for f in FIELDS} for n, s in through_api.items()}, (read, through_api)

    # A write after the restore is on the stream as usual.
    db.put_item(TableName=TABLE, Item=item(99))
    assert len(streams.get_records(ShardIterator=oldest)["Records"]) == 1
    # The item size limit holds as moto has it (the changed moto sums an item's size once).
    big = {**item(98), "x": {"S": "y" * 404000}}
    db.put_item(TableName=TABLE, Item=big)
    try:
        db.put_item(TableName=TABLE, Item={**big, "x": {"S": "y" * 405000}})
        raise AssertionError("an item past the size limit was stored")
    except db.exceptions.ClientError as error:
        assert "Item size has exceeded" in str(error), error

check()
emulator.speed_up()  # moto as the stack changes it (what `python -m local` serves)
check()
local.stop()
print("ok")
"""


def test_a_restored_snapshot_answers_as_the_data_did_on_stock_and_changed_moto() -> None:
    run_probe(_PROBE)


# The data subject's look-up keys, which inquiries stored by older versions lack.
_LOOK_UP_KEYS = ("gsi5pk", "gsi5sk", "gsi6pk")  # gsi6 sorts by gsi5sk


def test_a_snapshot_of_an_older_version_is_moved_onto_the_current_keys(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStack.start(data_dir, "--reset", "--empty")  # no partners: it waits for HQ
    try:
        answer = first.post("/inquiries", form(email="older.version@example.com"))
        assert answer.status == 201, answer.text
        inquiry_id = answer.body["id"]
    finally:
        assert first.stop() == 0, first.logs()
    path = data_dir / "snapshot.json"
    saved = json.loads(path.read_text())
    assert saved["keys"] == journal.KEYS  # this version's snapshot says so: no upgrade needed
    # As an older version wrote it: no marker, the inquiry without its look-up keys.
    del saved["keys"]
    stored = [i for i in saved["items"] if i["pk"]["S"] == f"INQ#{inquiry_id}"]
    inquiry = next(i for i in stored if i["sk"]["S"] == "INQ")
    assert all(name in inquiry for name in _LOOK_UP_KEYS), sorted(inquiry)
    for name in _LOOK_UP_KEYS:
        del inquiry[name]
    path.write_text(json.dumps(saved))

    second = LocalStack.start(data_dir)
    try:
        found = second.get("/subjects?email=older.version%40example.com", token=second.token("hq"))
        assert [i["id"] for i in found.body["inquiries"]] == [inquiry_id], second.logs()
        # Upgraded once: the snapshot written at the start says so.
        assert json.loads(path.read_text())["keys"] == journal.KEYS
    finally:
        assert second.stop() == 0, second.logs()

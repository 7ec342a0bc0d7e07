"""The local stack's changes to moto (local/emulator.py) answer every Query exactly as moto
does, and its stream forgets only what its reader has read.

The same writes (batched puts, puts, updates that move an item between index partitions,
deletes, cancelled transactions) and the same Queries (table and index, sort key
conditions, paging with ExclusiveStartKey, backwards, projections), item reads and
stream reads run on moto as it is (`--stock-moto`) and on the stack's moto
(`moto_queries_read_partitions` with the big partition's keys bisected, pages cut on
plain strings and index pages read from sorted entries, `moto_streams_drop_what_was_read`,
`moto_answers_reads_plainly`, `moto_projects_plainly`, `moto_finds_services_once`), each
in a process of its own; boto3 must parse the same answers (the pages the same items in
the same order), and the stream's reader must read the same records.

The sizes are the least that still take every path (`ITEMS` and below): before, 300
items, a big partition of 300 (the stack bisects from 256) and 80 moves, each put one
at a time, 29.2 s of CPU for the test; now 100, 100 (bisected from 64: the same code,
and the test checks that it ran) and 30, the first puts in batches: 14.1 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# How many items the probe writes: enough for pages of 9 to need several Queries in every
# partition (7 of the table's, 3 and 5 of the indexes'), and for the big partition to be
# bisected (from 64 items in the probe). The probe is the same for both runs.
ITEMS = 100  # spread over the table's 7 partitions
BIG_ITEMS = 100  # the address book, even numbers; 20 odd ones come later
MOVED = 30  # updated onto another index partition (and out of gsi2)
GONE = 20  # deleted
ADDED = 30  # put after the first Queries
LATE = 10  # put after the stream's first reads

_PROBE = """
import json, random, sys
sys.path.insert(0, ".")
import boto3
from local import aws
from inquiries.adapters.table import create_table

ITEMS, BIG_ITEMS, MOVED, GONE, ADDED, LATE = json.loads(sys.argv[2])
bisected = []
bisected_entries = []  # index Queries answered from the sorted entries
if sys.argv[1] == "changed":
    # A big partition's sort keys are bisected from this size on (256 in the stack): the
    # same code at a third of the items. Counted, so the test knows it ran.
    from local import emulator
    emulator._SortedPartitions.BIG = 64
    def count(kind, answers):  # whether each of its look-ups answered (not None)
        in_range = kind.in_range
        def counted(self, *args):
            found = in_range(self, *args)
            answers.append(found is not None)
            return found
        kind.in_range = counted
    count(emulator._SortedPartitions, bisected)
    count(emulator._SortedIndexes, bisected_entries)
import socketserver
connections = []  # one per connection the emulator's server accepts
serve = socketserver.ThreadingMixIn.process_request
def counted_serve(self, request, address):
    connections.append(address)
    return serve(self, request, address)
socketserver.ThreadingMixIn.process_request = counted_serve
server = aws.start_moto(stock=sys.argv[1] == "stock")
aws.configure_environment(server.endpoint)
requests = []
db = boto3.client("dynamodb")
db.meta.events.register("before-send", lambda **kw: requests.append(1))
create_table(db, "t", stream=True)
rng = random.Random(7)
out = []

def item(n):
    return {"pk": {"S": f"P#{n % 7}"}, "sk": {"S": f"S#{n:04d}"}, "n": {"N": str(n)},
            "gsi1pk": {"S": f"G#{n % 3}"}, "gsi1sk": {"S": f"{rng.randrange(50):03d}"},
            "gsi2pk": {"S": f"H#{n % 5}"}, "gsi2sk": {"S": f"T#{n:04d}"},
            # every kind of value, as the answers must carry them unchanged
            "f": {"N": "0.125"}, "b": {"B": bytes([n % 256, 0, 255])}, "t": {"BOOL": n % 2 == 0},
            "z": {"NULL": True}, "ss": {"SS": ["a", "ü"]}, "ns": {"NS": ["1", "2.5"]},
            "l": {"L": [{"S": "x"}, {"N": "-3"}, {"M": {"k": {"S": "v"}}}]},
            "m": {"M": {"deep": {"L": [{"BOOL": False}]}, "bs": {"BS": [b"q"]}}},
            # attributes the indexes project (gsi1, gsi2 INCLUDE them), of every kind
            "status": {"S": f"s{n % 4}"}, "contact": {"M": {"e": {"S": "ü"}, "n": {"N": "1.50"}}},
            "source": {"B": bytes([n % 256])}, "channel": {"NS": ["7", "0.5"]},
            "partner": {"L": [{"S": "p"}, {"NULL": True}]}}

def plain(value):
    # boto3's parsed answer as JSON: bytes as their hex, sets (SS, NS, BS) sorted
    if isinstance(value, dict):
        # a set has no order (moto's projection may turn one around)
        return {k: sorted(plain(v)) if k in ("SS", "NS", "BS") else plain(v)
                for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    return value

def queries():
    asked = []
    for p in range(7):
        asked.append({"KeyConditionExpression": "pk = :p",
                      "ExpressionAttributeValues": {":p": {"S": f"P#{p}"}}})
        asked.append({"KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
                      "ExpressionAttributeValues": {":p": {"S": f"P#{p}"}, ":s": {"S": "S#01"}}})
        asked.append({"KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                      "ExpressionAttributeValues": {":p": {"S": f"P#{p}"},
                                                    ":a": {"S": "S#0050"}, ":b": {"S": "S#0150"}},
                      "ScanIndexForward": False})
    for g in range(3):
        asked.append({"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :g",
                      "ExpressionAttributeValues": {":g": {"S": f"G#{g}"}}})
        asked.append({"IndexName": "gsi1",
                      "KeyConditionExpression": "gsi1pk = :g AND gsi1sk > :s",
                      "ExpressionAttributeValues": {":g": {"S": f"G#{g}"}, ":s": {"S": "025"}},
                      "ScanIndexForward": False})
        for condition, values in (("gsi1sk BETWEEN :a AND :b", ("010", "030")),
                                  ("gsi1sk = :a", ("017",)), ("gsi1sk <= :a", ("020",)),
                                  ("begins_with(gsi1sk, :a)", ("03",))):
            for forward in (True, False):
                asked.append({"IndexName": "gsi1",
                              "KeyConditionExpression": "gsi1pk = :g AND " + condition,
                              "ExpressionAttributeValues": {
                                  ":g": {"S": f"G#{g}"},
                                  **{f":{n}": {"S": v} for n, v in zip("ab", values)}},
                              "ScanIndexForward": forward})
    for h in range(5):
        asked.append({"IndexName": "gsi2", "KeyConditionExpression": "gsi2pk = :h",
                      "ExpressionAttributeValues": {":h": {"S": f"H#{h}"}}})
        asked.append({"IndexName": "gsi2",
                      "KeyConditionExpression": "gsi2pk = :h AND begins_with(gsi2sk, :t)",
                      "ExpressionAttributeValues": {":h": {"S": f"H#{h}"}, ":t": {"S": "T#00"}}})
    asked.append({"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :g",
                  "ExpressionAttributeValues": {":g": {"S": "nowhere"}}})
    # a big partition (an address book): its sort keys are bisected
    for condition, values in (("begins_with(sk, :a)", ("C#3#",)), ("sk = :a", ("C#4#0104",)),
                              ("sk BETWEEN :a AND :b", ("C#2#", "C#5#0105")),
                              ("sk < :a", ("C#1#0200",)), ("sk <= :a", ("C#0#0010",)),
                              ("sk > :a", ("C#8#",)), ("sk >= :a", ("C#9#0009",)),
                              ("begins_with(sk, :a)", ("D#",))):
        for forward in (True, False):
            asked.append({"KeyConditionExpression": "pk = :p AND " + condition,
                          "ExpressionAttributeValues": {
                              ":p": {"S": "BIG"},
                              **{f":{n}": {"S": v} for n, v in zip("ab", values)}},
                          "ScanIndexForward": forward})
    for p in (0, 3):  # projections: top-level names (and one that no item has), a nested path
        asked.append({"KeyConditionExpression": "pk = :p",
                      "ProjectionExpression": "sk, #s, contact, #o, channel, nothing, l",
                      "ExpressionAttributeNames": {"#s": "status", "#o": "source"},
                      "ExpressionAttributeValues": {":p": {"S": f"P#{p}"}}})
        asked.append({"KeyConditionExpression": "pk = :p",
                      "ProjectionExpression": "sk, contact.e, l[2]",
                      "ExpressionAttributeValues": {":p": {"S": f"P#{p}"}},
                      "ScanIndexForward": False})
    answers = []
    for query in asked:
        pages, start = [], None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            page = db.query(TableName="t", Limit=9, **query, **extra)
            pages.append(plain(page["Items"]))
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        answers.append(pages)
    return answers

def big(n):
    return {"pk": {"S": "BIG"}, "sk": {"S": f"C#{n % 10}#{n:04d}"}, "n": {"N": str(n)}}

def put_all(items):  # in batches: the same puts underneath (a Query builds its maps after)
    for at in range(0, len(items), 25):
        db.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": i}}
                                                for i in items[at:at + 25]]})

put_all([item(n) for n in range(ITEMS)])
put_all([big(n) for n in range(0, 2 * BIG_ITEMS, 2)])
out.append(queries())
for n in range(1, 40, 2):  # the big partition: new keys among the old, some deleted
    db.put_item(TableName="t", Item=big(n))
for n in range(0, 100, 6):
    db.delete_item(TableName="t", Key={"pk": {"S": "BIG"}, "sk": big(n)["sk"]})
last = 2 * BIG_ITEMS - 2  # the big partition's last even key
try:  # cancelled: deletes one item of the big partition and adds another; neither shows
    db.transact_write_items(TransactItems=[
        {"Delete": {"TableName": "t", "Key": {"pk": {"S": "BIG"}, "sk": big(last)["sk"]}}},
        {"Put": {"TableName": "t", "Item": big(last + 1)}},
        {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "none"}, "sk": {"S": "x"}},
                            "ConditionExpression": "attribute_exists(pk)"}},
    ])
except db.exceptions.TransactionCanceledException:
    pass
for n in rng.sample(range(ITEMS), MOVED):  # move items to other index partitions, and out of one
    db.update_item(TableName="t", Key={"pk": item(n)["pk"], "sk": item(n)["sk"]},
                   UpdateExpression="SET gsi1pk = :g, n = :n REMOVE gsi2pk",
                   ExpressionAttributeValues={":g": {"S": f"G#{rng.randrange(3)}"},
                                              ":n": {"N": str(1000 + n)}})
for n in rng.sample(range(ITEMS), GONE):
    db.delete_item(TableName="t", Key={"pk": item(n)["pk"], "sk": item(n)["sk"]})
try:  # cancelled: moves an item, then fails a check; nothing may show
    db.transact_write_items(TransactItems=[
        {"Put": {"TableName": "t", "Item": {**item(400), "gsi1pk": {"S": "G#0"}}}},
        {"Update": {"TableName": "t", "Key": {"pk": item(1)["pk"], "sk": item(1)["sk"]},
                    "UpdateExpression": "SET gsi1pk = :g",
                    "ExpressionAttributeValues": {":g": {"S": "G#9"}}}},
        {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "none"}, "sk": {"S": "x"}},
                            "ConditionExpression": "attribute_exists(pk)"}},
    ])
except db.exceptions.TransactionCanceledException:
    pass
for n in range(ITEMS, ITEMS + ADDED):
    db.put_item(TableName="t", Item=item(n))
out.append(queries())
keys = [{"pk": item(n)["pk"], "sk": item(n)["sk"]} for n in (2, 3, 5, 400)]
out.append([plain(db.get_item(TableName="t", Key=k)) for k in keys])
batch = db.batch_get_item(RequestItems={"t": {"Keys": keys}})["Responses"]["t"]
out.append(sorted(plain(batch), key=json.dumps))
out.append(plain(db.transact_get_items(TransactItems=[{"Get": {"TableName": "t", "Key": k}}
                                                    for k in keys])))

streams = boto3.client("dynamodbstreams")
streams.meta.events.register("before-send", lambda **kw: requests.append(1))
arn = db.describe_table(TableName="t")["Table"]["LatestStreamArn"]
shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
seen = []
def record(r):
    # All but what differs from run to run (a random id, the time of the change, and
    # moto's size estimate, which counts the time's digits).
    when = r["dynamodb"].pop("ApproximateCreationDateTime")
    assert when.year >= 2024, when
    assert r["dynamodb"].pop("SizeBytes") > 0
    return plain({k: v for k, v in r.items() if k != "eventID"})
for _ in range(3):  # read on in pages; then write more and read on again
    answer = streams.get_records(ShardIterator=iterator, Limit=100)
    seen += [record(r) for r in answer["Records"]]
    iterator = answer["NextShardIterator"]
for n in range(ITEMS + ADDED, ITEMS + ADDED + LATE):
    db.put_item(TableName="t", Item=item(n))
while True:
    answer = streams.get_records(ShardIterator=iterator, Limit=100)
    if not answer["Records"]:
        break
    seen += [record(r) for r in answer["Records"]]
    iterator = answer["NextShardIterator"]
out.append(seen)
from moto.dynamodb.models import dynamodb_backends
kept = len(dynamodb_backends[aws.ACCOUNT][aws.REGION].get_table("t").stream_shard.items)
server.stop()
print(json.dumps({"answers": out, "kept": kept, "bisected": sum(bisected),
                  "bisected_entries": sum(bisected_entries),
                  "index_queries": len(bisected_entries),
                  "requests": len(requests), "connections": len(connections)}))
"""


def _start(mode: str) -> subprocess.Popen[str]:
    sizes = json.dumps([ITEMS, BIG_ITEMS, MOVED, GONE, ADDED, LATE])
    return subprocess.Popen(
        [sys.executable, "-c", _PROBE, mode, sizes],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(process: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-3000:]
    answer: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return answer


def _pages(answers: object) -> object:
    """The pages with items. Where a page ends at the last item matching the sort key
    condition, moto as it is may still answer a LastEvaluatedKey (it saw further items
    of the partition) and then an empty page; the stack's moto, which left those out
    first, may not. DynamoDB itself may do either; a reader pages on until there is no
    key, so it sees the same items in the same order."""
    assert isinstance(answers, list)
    return [[[page for page in pages if page] for pages in phase] for phase in answers[:2]]


STREAM = 5  # where the stream's records are in the answers


def test_the_local_stacks_moto_answers_queries_and_streams_as_moto_does() -> None:
    # Side by side: each its own process (moto's classes are changed for good).
    running = _start("stock"), _start("changed")
    stock, changed = _answer(running[0]), _answer(running[1])
    assert _pages(changed["answers"]) == _pages(stock["answers"])
    answers = stock["answers"]
    assert isinstance(answers, list) and isinstance(changed["answers"], list)
    assert changed["answers"][2:] == answers[2:]
    assert any(page for pages in answers[0] for page in pages)  # the queries found items
    # every change read once, none twice (the big partition: its puts, 20 more, 17 deletes)
    assert len(answers[STREAM]) == ITEMS + ADDED + LATE + MOVED + GONE + BIG_ITEMS + 20 + 17
    # moto keeps every record; the stack's keeps none its reader has read.
    assert stock["kept"] == len(answers[STREAM])
    assert changed["kept"] == 0
    assert changed["bisected"] > 0  # the big partition's Queries took the bisecting path
    # and the index Queries were answered from the sorted index entries
    # (every one of them: an entry that disagreed with its item would have sent the Query
    # the slow way, with the same answer)
    assert changed["bisected_entries"] == changed["index_queries"] > 0
    # werkzeug closes each connection after one answer; the stack's server keeps it open
    # (the probe's two clients, each one connection at a time).
    assert stock["connections"] == stock["requests"] > 300
    assert changed["requests"] > 300
    assert changed["connections"] <= 2

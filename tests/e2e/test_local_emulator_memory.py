"""The local emulator does not keep every object moto ever made (the stack's memory would
grow with every change, copy and answer, and never shrink)."""

from __future__ import annotations

from tests.support.probe import run_probe

_PROBE = """
import gc
import boto3
from local import aws
from inquiries.adapters.table import create_table

server = aws.start_moto()
aws.configure_environment(server.endpoint)
db = boto3.client("dynamodb")
create_table(db, "t", stream=True)
key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
for n in range(200):  # one item, changed again and again, and read
    db.put_item(TableName="t", Item={**key, "n": {"N": str(n)}, "gsi1pk": {"S": "g"},
                                     "gsi1sk": {"S": "s"}})
    db.update_item(TableName="t", Key=key, UpdateExpression="SET m = :m",
                   ExpressionAttributeValues={":m": {"N": str(n)}})
    db.query(TableName="t", KeyConditionExpression="pk = :p",
             ExpressionAttributeValues={":p": {"S": "a"}})
from moto.dynamodb.models.dynamo_type import Item
gc.collect()
alive = sum(1 for o in gc.get_objects() if type(o) is Item)
assert alive < 20, alive
server.stop()
print("ok")
"""


def test_the_emulator_frees_old_item_versions_and_copies() -> None:
    # In a process of its own: starting the emulator adjusts moto (local/aws.py).
    run_probe(_PROBE, timeout=120)

"""The local emulator honours a transaction's ClientRequestToken, as DynamoDB does.

botocore resends a request whose answer is late with the same token; when the first
attempt was stored, DynamoDB answers the resend with success instead of failing its
conditions, and the product relies on that (adapters/dynamodb.py, `commit`).
"""

from __future__ import annotations

from tests.support.probe import run_probe

_TOKEN_PROBE = """
import boto3
from local import aws
from inquiries.adapters.table import create_table

server = aws.start_moto()
aws.configure_environment(server.endpoint)
db = boto3.client("dynamodb")
create_table(db, "t", stream=True)
key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
def put(v):
    return [{"Put": {"TableName": "t", "Item": {**key, "v": {"N": str(v)}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}]
def stored():
    return db.get_item(TableName="t", Key=key).get("Item", {}).get("v", {}).get("N")

db.transact_write_items(TransactItems=put(1), ClientRequestToken="first")
# The resend of a stored transaction: success, nothing written again.
db.transact_write_items(TransactItems=put(1), ClientRequestToken="first")
assert stored() == "1", stored()
# Another token is another request: its condition fails, as without tokens.
try:
    db.transact_write_items(TransactItems=put(1), ClientRequestToken="second")
    raise SystemExit("a new request should have failed its condition")
except db.exceptions.TransactionCanceledException:
    pass
# The same token with other items is refused and writes nothing.
try:
    db.transact_write_items(TransactItems=put(2), ClientRequestToken="first")
    raise SystemExit("a token reused for other items should be refused")
except db.exceptions.IdempotentParameterMismatchException:
    pass
assert stored() == "1", stored()
# A cancelled transaction is not remembered: its retry (same token) is tried afresh.
db.delete_item(TableName="t", Key=key)
try:
    db.transact_write_items(TransactItems=[{"ConditionCheck": {"TableName": "t", "Key": key,
        "ConditionExpression": "attribute_exists(pk)"}}], ClientRequestToken="third")
    raise SystemExit("the check should have failed")
except db.exceptions.TransactionCanceledException:
    pass
db.transact_write_items(TransactItems=put(3), ClientRequestToken="fourth")
db.transact_write_items(TransactItems=[{"ConditionCheck": {"TableName": "t", "Key": key,
    "ConditionExpression": "attribute_exists(pk)"}}], ClientRequestToken="third")
assert stored() == "3", stored()
server.stop()
print("ok")
"""


def test_a_resent_transaction_with_its_token_is_answered_without_writing_again() -> None:
    # In a process of its own: starting the emulator adjusts moto's transactions (local/aws.py).
    run_probe(_TOKEN_PROBE)

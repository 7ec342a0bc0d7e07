"""The local stack's outbox: a Mailer that keeps each mail instead of sending it.

The mails are items of the table's `OUTBOX` partition, so the local stack's
journal and snapshot keep them like any other data, and `GET /_local/outbox`
reads them oldest first. Only the local stack configures this Mailer
(`MAILER=outbox`); on AWS the table never holds an outbox.
"""

from __future__ import annotations

import secrets
from typing import Any

from inquiries.adapters.items import from_item, to_item
from inquiries.adapters.keys import stamp
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.service.ports import Clock, Mail

OUTBOX_PK = "OUTBOX"


class OutboxMailer:
    """The Mailer port of the local stack: the mail goes into the outbox, sent at `clock`."""

    def __init__(self, client: Any, table_name: str, clock: Clock) -> None:
        self._client = client
        self._table = table_name
        self._clock = clock

    def send(self, mail: Mail) -> str | None:
        sent_at = stamp(self._clock.now())
        message_id = secrets.token_hex(8)
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    PARTITION_KEY: OUTBOX_PK,
                    # Time first: the partition reads oldest first.
                    SORT_KEY: f"{sent_at}#{message_id}",
                    "type": "outbox",
                    "to": list(mail.to),
                    "subject": mail.subject,
                    "text": mail.text,
                    "html": mail.html,
                    "kind": mail.kind,
                    "sent_at": sent_at,
                }
            ),
        )
        return message_id


def outbox_messages(client: Any, table_name: str) -> list[dict[str, Any]]:
    """Every mail in the outbox, oldest first, as `GET /_local/outbox` answers them."""
    messages: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "TableName": table_name,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": OUTBOX_PK}},
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**query)
        for item in page.get("Items", []):
            data = from_item(item)
            messages.append(
                {
                    "to": data["to"],
                    "subject": data["subject"],
                    "text": data["text"],
                    "html": data["html"],
                    "sent_at": data["sent_at"],
                    "kind": data["kind"],
                }
            )
        if not page.get("LastEvaluatedKey"):
            return messages
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def clear_outbox(client: Any, table_name: str) -> int:
    """Delete every mail of the outbox; how many there were."""
    deleted = 0
    query: dict[str, Any] = {
        "TableName": table_name,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": OUTBOX_PK}},
        "ProjectionExpression": "pk, sk",
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**query)
        keys = [{"DeleteRequest": {"Key": item}} for item in page.get("Items", [])]
        for start in range(0, len(keys), 25):
            pending: dict[str, Any] = {table_name: keys[start : start + 25]}
            while pending:
                answer = client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
        deleted += len(keys)
        if not page.get("LastEvaluatedKey"):
            return deleted
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

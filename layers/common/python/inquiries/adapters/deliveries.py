"""The sent markers of mails, in the inquiry's own partition (docs/data-model.md).

One item per mail: `pk = INQ#<id>`, `sk = SENT#<key>`, where the key names the
event (or reminder) and the recipient: `EVENT#000003#00#partner`,
`REMINDER#0001#partner`. `SENT#` sorts after the offers, so reading an
inquiry (`INQ` .. `OFFER#~`) never reads its markers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from inquiries.adapters.items import events_from, from_item, to_item
from inquiries.adapters.keys import change_events_sort_key, inquiry_pk, stamp
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.model import Event

SENT_PREFIX = "SENT#"


def sent_sort_key(key: str) -> str:
    """The sort key of the marker of mail `key`."""
    return f"{SENT_PREFIX}{key}"


def marker_item(
    inquiry_id: str, key: str, *, kind: str, at: datetime, message_id: str | None
) -> dict[str, Any]:
    """A mail's sent marker (no address, no content: only what was sent, when)."""
    return to_item(
        {
            PARTITION_KEY: inquiry_pk(inquiry_id),
            SORT_KEY: sent_sort_key(key),
            "type": "sent",
            "kind": kind,
            "sent_at": stamp(at),
            "message_id": message_id,
        }
    )


class DynamoDeliveries:
    """The Deliveries port on the table."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def was_sent(self, inquiry_id: str, key: str) -> bool:
        answer = self._client.get_item(
            TableName=self._table,
            Key={
                PARTITION_KEY: {"S": inquiry_pk(inquiry_id)},
                SORT_KEY: {"S": sent_sort_key(key)},
            },
            ConsistentRead=True,
            ProjectionExpression="sk",
        )
        return "Item" in answer

    def sent_keys(self, inquiry_id: str, prefix: str) -> set[str]:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": inquiry_pk(inquiry_id)},
                ":prefix": {"S": sent_sort_key(prefix)},
            },
            "ConsistentRead": True,
            "ProjectionExpression": "sk",
        }
        keys: set[str] = set()
        while True:
            answer = self._client.query(**query)
            keys.update(item[SORT_KEY]["S"][len(SENT_PREFIX) :] for item in answer["Items"])
            if "LastEvaluatedKey" not in answer:
                return keys
            query["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def mark_sent(
        self, inquiry_id: str, key: str, *, kind: str, at: datetime, message_id: str | None
    ) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=marker_item(inquiry_id, key, kind=kind, at=at, message_id=message_id),
                # The first marker stays: it tells when the mail really went.
                ConditionExpression="attribute_not_exists(sk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def events_of_version(self, inquiry_id: str, version: int) -> list[Event]:
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": inquiry_pk(inquiry_id)},
                # The change's one item `EVENT#<version>`, or its items `EVENT#<version>#nn`
                # as they were written before.
                ":prefix": {"S": change_events_sort_key(version)},
            },
            ConsistentRead=True,
        )
        return [event for item in answer.get("Items", []) for event in events_from(from_item(item))]

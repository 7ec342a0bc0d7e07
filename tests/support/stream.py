"""Stream records of the table's event items, as Lambda hands them to the notify function."""

from __future__ import annotations

from typing import Any

from tests.support.demo import stored_items


def stream_records(
    dynamodb: Any, table: str, inquiry_id: str, region: str = "eu-central-1"
) -> list[dict[str, Any]]:
    """The inquiry's event items as DynamoDB Streams records (INSERT, NEW_IMAGE)."""
    records = []
    for number, item in enumerate(stored_items(dynamodb, table, inquiry_id)):
        if not item["sk"]["S"].startswith("EVENT#"):
            continue
        records.append(
            {
                "eventID": f"e{number}",
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "awsRegion": region,
                "dynamodb": {
                    "Keys": {"pk": item["pk"], "sk": item["sk"]},
                    "NewImage": item,
                    "SequenceNumber": f"{1000 + number}",
                    "StreamViewType": "NEW_IMAGE",
                },
            }
        )
    return records

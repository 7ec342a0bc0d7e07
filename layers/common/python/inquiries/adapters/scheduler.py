"""EventBridge Scheduler: one one-time schedule per offer, firing the expire function."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from inquiries.domain.model import Offer


def schedule_name(inquiry_id: str, seq: int) -> str:
    """Names are unique per offer; inquiry ids are URL-safe, which Scheduler allows."""
    return f"expire-{inquiry_id}-{seq}"


def expiry_input(offer: Offer) -> dict[str, Any]:
    """What the expire function receives when the schedule fires."""
    return {"inquiry_id": offer.inquiry_id, "offer": offer.seq, "partner_id": offer.partner_id}


class EventBridgeScheduler:
    """The ExpiryScheduler port on EventBridge Scheduler."""

    def __init__(
        self,
        client: Any,
        *,
        group: str,
        target_arn: str,
        role_arn: str,
        dead_letter_arn: str | None = None,
    ) -> None:
        self._client = client
        self._group = group
        self._target_arn = target_arn
        self._role_arn = role_arn
        self._dead_letter_arn = dead_letter_arn

    def schedule_expiry(self, offer: Offer) -> None:
        # Rounded up to the second: a schedule must never fire before the deadline.
        deadline = offer.deadline.astimezone(UTC)
        at = deadline.replace(microsecond=0, tzinfo=None)
        if deadline.microsecond:
            at += timedelta(seconds=1)
        target: dict[str, Any] = {
            "Arn": self._target_arn,
            "RoleArn": self._role_arn,
            "Input": json.dumps(expiry_input(offer)),
            "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
        }
        if self._dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self._dead_letter_arn}
        try:
            self._create(offer, at, target)
        except ClientError as error:
            # Names are unique per offer: an existing schedule is this very one.
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise

    def _create(self, offer: Offer, at: datetime, target: dict[str, Any]) -> None:
        self._client.create_schedule(
            Name=schedule_name(offer.inquiry_id, offer.seq),
            GroupName=self._group,
            ScheduleExpression=f"at({at.isoformat()})",
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target=target,
        )

    def cancel_expiry(self, offer: Offer) -> None:
        try:
            self._client.delete_schedule(
                Name=schedule_name(offer.inquiry_id, offer.seq), GroupName=self._group
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise

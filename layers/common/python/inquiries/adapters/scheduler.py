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


def reminder_name(inquiry_id: str, seq: int) -> str:
    """The reminder's schedule, beside the offer's expiry (issue 15)."""
    return f"remind-{inquiry_id}-{seq}"


def reminder_input(offer: Offer) -> dict[str, Any]:
    """What the notify function receives when a reminder fires."""
    return {"reminder": {"inquiry_id": offer.inquiry_id, "offer": offer.seq}}


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
        reminder_target_arn: str | None = None,
    ) -> None:
        self._client = client
        self._group = group
        self._target_arn = target_arn
        self._role_arn = role_arn
        self._dead_letter_arn = dead_letter_arn
        self._reminder_target_arn = reminder_target_arn

    def schedule_expiry(self, offer: Offer) -> None:
        target = self._target(self._target_arn, expiry_input(offer))
        self._create(schedule_name(offer.inquiry_id, offer.seq), _at(offer.deadline), target)

    def schedule_reminder(self, offer: Offer, at: datetime) -> None:
        if not self._reminder_target_arn:
            return  # a deployment without mail: nothing to remind with
        target = self._target(self._reminder_target_arn, reminder_input(offer))
        self._create(reminder_name(offer.inquiry_id, offer.seq), _at(at), target)

    def _target(self, arn: str, payload: dict[str, Any]) -> dict[str, Any]:
        target: dict[str, Any] = {
            "Arn": arn,
            "RoleArn": self._role_arn,
            "Input": json.dumps(payload),
            "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
        }
        if self._dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self._dead_letter_arn}
        return target

    def _create(self, name: str, at: datetime, target: dict[str, Any]) -> None:
        try:
            self._create_schedule(name, at, target)
        except ClientError as error:
            # Names are unique per offer: an existing schedule is this very one.
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise

    def _create_schedule(self, name: str, at: datetime, target: dict[str, Any]) -> None:
        self._client.create_schedule(
            Name=name,
            GroupName=self._group,
            ScheduleExpression=f"at({at.isoformat()})",
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target=target,
        )

    def cancel_expiry(self, offer: Offer) -> None:
        self._delete(schedule_name(offer.inquiry_id, offer.seq))

    def cancel_reminder(self, offer: Offer) -> None:
        if self._reminder_target_arn:
            self._delete(reminder_name(offer.inquiry_id, offer.seq))

    def _delete(self, name: str) -> None:
        try:
            self._client.delete_schedule(Name=name, GroupName=self._group)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise


def _at(moment: datetime) -> datetime:
    """Rounded up to the second: a schedule must never fire before its moment."""
    utc = moment.astimezone(UTC)
    at = utc.replace(microsecond=0, tzinfo=None)
    if utc.microsecond:
        at += timedelta(seconds=1)
    return at

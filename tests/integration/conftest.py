"""Integration fixtures: moto in-process, the table from the shared definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.table import create_table
from moto import mock_aws

from tests.conftest import START

TABLE = "inquiries-test"
GROUP = "inquiries"
EXPIRE_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:inquiries-expire"
ROLE_ARN = "arn:aws:iam::123456789012:role/inquiries-scheduler"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "TABLE_NAME": TABLE,
        "SCHEDULE_GROUP": GROUP,
        "EXPIRE_FUNCTION_ARN": EXPIRE_ARN,
        "SCHEDULER_ROLE_ARN": ROLE_ARN,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        scheduler = boto3.client("scheduler")
        create_table(dynamodb, TABLE)
        scheduler.create_schedule_group(Name=GROUP)
        wiring.reset()
        yield {"dynamodb": dynamodb, "scheduler": scheduler}
        wiring.reset()


@pytest.fixture
def clock(aws: dict[str, Any]) -> FixedClock:
    fixed = FixedClock(START)
    wiring.override(clock=fixed)
    return fixed

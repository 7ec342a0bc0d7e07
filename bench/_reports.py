"""The report benchmarks' world: moto with the table, the schedule group and partners.

Imported after `_offline.use_moto_environment` (it imports boto3 and the layer).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.table import create_table
from moto import mock_aws

from tests.conftest import START
from tests.support.api import call, hq


@contextmanager
def south_tyrol_partners(partner_ids: Iterable[str]) -> Iterator[tuple[Any, FixedClock]]:
    """Inside moto: the table and the schedule group made, the wiring on a clock at START,
    and these partners put through the API (each covering Italy's postal codes 39...).

    Yields the test's DynamoDB client and the clock."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        boto3.client("scheduler").create_schedule_group(Name="inquiries")
        create_table(dynamodb, os.environ["TABLE_NAME"])
        wiring.reset()
        clock = FixedClock(START)
        wiring.override(clock=clock)
        for partner_id in partner_ids:
            answer = call(
                "PUT",
                f"/partners/{partner_id}",
                body={
                    "name": partner_id,
                    "country": "IT",
                    "subdivision": "BZ",
                    "timezone": "Europe/Rome",
                    "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
                },
                claims=hq(),
            )
            assert answer.status == 200, answer.text
        yield dynamodb, clock

"""The report benchmarks' world: moto with the table, the schedule group and partners.

Imported after `_offline.use_moto_environment` (it imports boto3 and the layer).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import boto3
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.table import create_table
from inquiries.domain import lifecycle
from inquiries.domain.model import (
    Calendar,
    Channel,
    Contact,
    Inquiry,
    Partner,
    Principal,
    Role,
    Status,
)
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


CALENDAR = Calendar(country="IT", subdivision="BZ", timezone="Europe/Rome")
CONTACT = Contact(
    first_name="Anna",
    last_name="Rossi",
    email="anna.rossi@example.com",
    phone=None,
    street=None,
    postal_code="39100",
    city="Bolzano",
    country="IT",
    company=None,
)


def offer_change(inquiry_id: str, partner: Partner, now: datetime, hours: float = 48) -> Any:
    """Inquiry `inquiry_id` from the website, received and offered to `partner` at `now`
    for `hours`: the change (not stored), whose last offer the partner may decide."""
    inquiry = Inquiry(
        id=inquiry_id,
        status=Status.UNASSIGNED,
        channel=Channel.WEBSITE,
        product="windows",
        contact=CONTACT,
        created_at=now,
    )
    received = lifecycle.receive(inquiry, now)
    return lifecycle.offer_to(
        received.after,
        partner,
        current=None,
        deadline=now + timedelta(hours=hours),
        actor="website",
        now=now,
        base=received,
    )


def offered(repository: Any, number: int, partner_id: str, now: datetime) -> Any:
    """Inquiry `inq-<number>` offered to the partner for 48 hours at `now`, stored; the
    change."""
    change = offer_change(f"inq-{number:06d}", Partner(partner_id, "Partner", CALENDAR), now)
    repository.apply(change)
    return change


def partner_principal(partner_id: str) -> Principal:
    """A user of the partner, as the partner's token would make it."""
    return Principal(f"{partner_id}-user", Role.PARTNER, partner_id)

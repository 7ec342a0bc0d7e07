"""Sample partners and website forms for the integration tests, and small helpers.

Five dealer partners with real calendars (time zone, region, public holidays):

| id          | region | time zone      | territory          |
| ----------- | ------ | -------------- | ------------------ |
| `alpin-bz`  | IT-BZ  | Europe/Rome    | IT `39`            |
| `bayern-by` | DE-BY  | Europe/Berlin  | DE `8`, `9`        |
| `berlin-be` | DE-BE  | Europe/Berlin  | DE `10` .. `14`    |
| `wien-9`    | AT-9   | Europe/Vienna  | AT `1`             |
| `zuerich-zh`| CH-ZH  | Europe/Zurich  | CH `80`, `81`      |

Every form has its own prospect, so that tests can tell them apart.
Everything goes through the HTTP API (`tests.support.api.call`), as a client would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import botocore.loaders
import botocore.session
import pytest

from tests.support.api import Answer, call, hq, partner

# --- speed ---------------------------------------------------------------------------------------

_shared_loader = cache(botocore.loaders.create_loader)


@pytest.fixture(autouse=True)
def shared_botocore_loader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One botocore model loader for every session of the process (import it into a module).

    Each test's moto gets fresh boto3 sessions (the fixture's and the composition root's),
    and each would parse the service models' JSON again: about 0.3 s of every test. The
    models are read-only, so sharing the loader changes nothing but the time.
    """
    monkeypatch.setattr(botocore.session, "create_loader", _shared_loader)
    yield


# --- partners and forms ---------------------------------------------------------------------------

SOUTH_TYROL = "alpin-bz"
BAVARIA = "bayern-by"
BERLIN = "berlin-be"
VIENNA = "wien-9"
ZURICH = "zuerich-zh"

PARTNERS: dict[str, dict[str, Any]] = {
    SOUTH_TYROL: {
        "name": "Fenster Alpin",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "working_days": [1, 2, 3, 4, 5],
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        "products": [],
        "active": True,
        "notify_emails": ["verkauf@fenster-alpin.example"],
        "language": "de",
    },
    BAVARIA: {
        "name": "Bayern Fenster & Türen",
        "country": "DE",
        "subdivision": "BY",
        "timezone": "Europe/Berlin",
        "territories": [{"country": "DE", "postal_prefixes": ["8", "9"]}],
    },
    BERLIN: {
        "name": "Berliner Fensterbau",
        "country": "DE",
        "subdivision": "BE",
        "timezone": "Europe/Berlin",
        "territories": [{"country": "DE", "postal_prefixes": ["10", "11", "12", "13", "14"]}],
    },
    VIENNA: {
        "name": "Wiener Türen",
        "country": "AT",
        "subdivision": "9",
        "timezone": "Europe/Vienna",
        "territories": [{"country": "AT", "postal_prefixes": ["1"]}],
    },
    ZURICH: {
        "name": "Zürich Glas",
        "country": "CH",
        "subdivision": "ZH",
        "timezone": "Europe/Zurich",
        "territories": [{"country": "CH", "postal_prefixes": ["80", "81"]}],
    },
}

# One prospect per region, each within its partner's territory.
CONTACTS: dict[str, dict[str, Any]] = {
    SOUTH_TYROL: {
        "first_name": "Anna",
        "last_name": "Rossi",
        "email": "anna.rossi@example.com",
        "phone": "+39 0471 123456",
        "street": "Via Roma 1",
        "postal_code": "39100",
        "city": "Bolzano",
        "country": "IT",
        "company": None,
    },
    BAVARIA: {
        "first_name": "Josef",
        "last_name": "Huber",
        "email": "j.huber@example.de",
        "phone": "089 1234567",
        "street": "Leopoldstraße 12",
        "postal_code": "80802",
        "city": "München",
        "country": "DE",
    },
    BERLIN: {
        "first_name": "Lena",
        "last_name": "Schulz",
        "email": "lena.schulz@example.de",
        "phone": "030 7654321",
        "street": "Torstraße 5",
        "postal_code": "10119",
        "city": "Berlin",
        "country": "DE",
    },
    VIENNA: {
        "first_name": "Maria",
        "last_name": "Gruber",
        "email": "maria.gruber@example.at",
        "phone": "+43 1 5551234",
        "street": "Praterstraße 7",
        "postal_code": "1020",
        "city": "Wien",
        "country": "AT",
    },
    ZURICH: {
        "first_name": "Urs",
        "last_name": "Meier",
        "email": "urs.meier@example.ch",
        "phone": "044 555 12 34",
        "street": "Bahnhofstrasse 3",
        "postal_code": "8001",
        "city": "Zürich",
        "country": "CH",
    },
}


def partner_body(partner_id: str, **changes: Any) -> dict[str, Any]:
    """The `PUT /partners/{id}` body of a sample partner, with top-level fields replaced."""
    return {**copy.deepcopy(PARTNERS[partner_id]), **changes}


def put_partner(
    partner_id: str, body: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    """Create or replace a partner as HQ; `body` defaults to the sample of that id."""
    if body is None:
        body = partner_body(partner_id, **changes)
    answer = call("PUT", f"/partners/{partner_id}", body=body, claims=hq())
    assert answer.status == 200, answer.text
    return dict(answer.body)


def put_partners(*partner_ids: str) -> None:
    """Create sample partners; all of them without arguments."""
    for partner_id in partner_ids or tuple(PARTNERS):
        put_partner(partner_id)


def form(
    region: str = SOUTH_TYROL, *, contact: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    """A website form from the region's prospect; `contact` entries replace the prospect's."""
    body: dict[str, Any] = {
        "product": "windows",
        "contact": {**CONTACTS[region], **(contact or {})},
        "message": "We are renovating our house and need new windows.",
        "language": "de",
        "partner_id": None,
        "consent": True,
    }
    body.update(changes)
    return body


def post_inquiry(body: Any = None, *, key: str | None = None, raw: bytes | None = None) -> Answer:
    """`POST /inquiries` as the website sends it (public, no token)."""
    headers = {"Idempotency-Key": key} if key is not None else None
    return call("POST", "/inquiries", body=body, raw=raw, headers=headers)


def submit(body: dict[str, Any] | None = None, *, key: str | None = None, **changes: Any) -> str:
    """Submit a form (default: South Tyrol's) and answer the new inquiry's id."""
    answer = post_inquiry(body if body is not None else form(**changes), key=key)
    assert answer.status == 201, answer.text
    assert answer.body["status"] == "received"
    return str(answer.body["id"])


def view(inquiry_id: str, claims: dict[str, Any] | None = None) -> dict[str, Any]:
    """The inquiry as HQ (or `claims`) sees it, with its events."""
    answer = call("GET", f"/inquiries/{inquiry_id}", claims=claims or hq())
    assert answer.status == 200, answer.text
    return dict(answer.body)


def listing(claims: dict[str, Any], **query: Any) -> list[dict[str, Any]]:
    """Every item of a list, following the cursor page by page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        answer = call("GET", "/inquiries", claims=claims, query=params)
        assert answer.status == 200, answer.text
        items += answer.body["items"]
        cursor = answer.body["next"]
        if cursor is None:
            return items


def act(
    inquiry_id: str, action: str, claims: dict[str, Any], body: Any = None, **kwargs: Any
) -> Answer:
    """`POST /inquiries/{id}/{action}`."""
    return call("POST", f"/inquiries/{inquiry_id}/{action}", body=body, claims=claims, **kwargs)


def accept(inquiry_id: str, partner_id: str) -> dict[str, Any]:
    """The partner accepts; answers `{"inquiry", "duplicates"}`."""
    answer = act(inquiry_id, "accept", partner(partner_id))
    assert answer.status == 200, answer.text
    return dict(answer.body)


def assign(inquiry_id: str, **target: str) -> dict[str, Any]:
    """HQ assigns to `partner_id=` or `user_id=`."""
    answer = act(inquiry_id, "assign", hq(), target)
    assert answer.status == 200, answer.text
    return dict(answer.body)


# --- looking into AWS (moto) directly --------------------------------------------------------


def stored_items(dynamodb: Any, table: str, inquiry_id: str) -> list[dict[str, Any]]:
    """Every item of the inquiry's partition (inquiry, offers, events), by Query."""
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
            ConsistentRead=True,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def offers_of(dynamodb: Any, table: str, inquiry_id: str) -> list[dict[str, Any]]:
    """The inquiry's offer items, oldest first, as plain strings/numbers."""
    return [
        {k: next(iter(v.values())) for k, v in item.items()}
        for item in stored_items(dynamodb, table, inquiry_id)
        if item["sk"]["S"].startswith("OFFER#")
    ]


def schedules(scheduler: Any, group: str) -> list[dict[str, Any]]:
    """Every schedule of the group, in full (GetSchedule), by name."""
    names = sorted(
        s["Name"]
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        for s in page["Schedules"]
    )
    return [scheduler.get_schedule(Name=name, GroupName=group) for name in names]


def schedule_input(schedule: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(schedule["Target"]["Input"]))

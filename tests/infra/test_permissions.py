"""The roles are enough, and no more: every AWS call each function makes, against its grants.

moto enforces no IAM, so the template alone cannot show that a least-privilege role
suffices. This runs every function through a whole lifecycle on moto, records each
DynamoDB and Scheduler call with the function that made it, turns the calls into the
IAM actions AWS checks (TransactWriteItems: one action per item), and compares them
with `TABLE_ACCESS` and `SCHEDULE_ACCESS`, from which the stack builds the roles.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import boto3
import botocore.client
import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.rollups import FOLD_AT, _update, rollup_key
from inquiries.adapters.table import create_table
from moto import mock_aws

import local.events
from infra import names
from infra.concerns.functions import MAIL_ACCESS, SCHEDULE_ACCESS, TABLE_ACCESS
from tests.conftest import START
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    accept,
    act,
    assign,
    form,
    partner_body,
    put_partner,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: one botocore loader)
    submit,
    view,
)
from tests.support.stream import stream_records

pytestmark = pytest.mark.xdist_group("cdk")

TABLE = "inquiries-permissions"
ACCOUNT = "123456789012"
REGION = "eu-central-1"
_TRANSACTION_ITEMS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}

_running: contextvars.ContextVar[str] = contextvars.ContextVar("function", default="test")


def iam_actions(service: str, operation: str, params: dict[str, Any]) -> set[str]:
    """The IAM actions AWS authorises for one API call."""
    if service == "dynamodb" and operation == "TransactWriteItems":
        return {
            f"dynamodb:{_TRANSACTION_ITEMS[kind]}"
            for item in params["TransactItems"]
            for kind in item
        }
    if service == "dynamodb" and operation == "TransactGetItems":
        return {"dynamodb:GetItem"}
    return {f"{service}:{operation}"}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    """IAM actions by function, for everything the functions call on moto."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": TABLE,
        "SCHEDULE_GROUP": names.SCHEDULE_GROUP,
        "EXPIRE_FUNCTION_ARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:expire",
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
        "NOTIFY_FUNCTION_ARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify",
        "MAIL_FROM": "inquiries@mail.example",
        "HQ_EMAIL": "hq@mail.example",
        "SUBJECT_KEY": "permissions-test-subject-key-0123456789abcdef",
        "AUTO_REROUTE_MAX": "1",  # an expiry re-routes: expire schedules the next offer
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    recorded: dict[str, set[str]] = defaultdict(set)
    original_call = botocore.client.BaseClient._make_api_call
    original_handler_of = local.events.handler_of

    def recording_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.signing_name
        recorded[_running.get()] |= iam_actions(service, operation, params)
        return original_call(client, operation, params)

    def handler_of(function: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        handler = original_handler_of(function)

        def as_function(event: dict[str, Any], context: Any) -> dict[str, Any]:
            token = _running.set(function)
            try:
                return handler(event, context)
            finally:
                _running.reset(token)

        return as_function

    with mock_aws():
        create_table(boto3.client("dynamodb"), TABLE)
        boto3.client("scheduler").create_schedule_group(Name=names.SCHEDULE_GROUP)
        boto3.client("sesv2").create_email_identity(EmailIdentity="inquiries@mail.example")
        wiring.reset()
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording_call)
        monkeypatch.setattr(local.events, "handler_of", handler_of)
        yield recorded
        wiring.reset()


def _lifecycle(clock: FixedClock) -> None:
    """Every route and both expiry paths, as users and the schedulers would use them."""
    put_partners(SOUTH_TYROL, BAVARIA)
    put_partner(SOUTH_TYROL, partner_body(SOUTH_TYROL, notify_emails=["sales@alpin.example"]))
    accepted = submit()  # routed by territory
    # The partner's reminder, before anyone decided.
    assert local.events.invoke("notify", {"reminder": {"inquiry_id": accepted, "offer": 1}})
    submit(form(BAVARIA, partner_id=BAVARIA), key="form-1")  # from a dealer's page
    submit(form(BAVARIA, partner_id=BAVARIA), key="form-1")  # retried: the same inquiry
    assert call("GET", "/inquiries", claims=partner(SOUTH_TYROL)).status == 200
    assert call("GET", "/inquiries", claims=hq()).status == 200
    assert call("GET", f"/inquiries/{accepted}", claims=partner(SOUTH_TYROL)).status == 200
    accept(accepted, SOUTH_TYROL)
    assert act(accepted, "progress", partner(SOUTH_TYROL), {"step": "contacted"}).status == 200
    rejected = submit()
    assert act(rejected, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"}).status == 200
    assign(rejected, partner_id=BAVARIA)
    put_partner("second-it", partner_body(SOUTH_TYROL))  # the next candidate in Italy
    overdue = submit()
    clock.advance(days=7)
    expired = local.events.invoke("expire", {"inquiry_id": overdue, "offer": 1})
    assert expired == {"expired": 1}
    assert view(overdue)["partner_id"] == "second-it"  # re-routed by the expiry
    # The sweeper returns the rest: the reassigned one and the dealer page's.
    assert local.events.invoke("expire", {"sweep": True})["expired"] >= 1
    # The partner's contacts: imported (and updated by a second file), listed, searched,
    # and one of them read, then erased.
    header = "last_name,country,email,phone"
    for phone in ("0471 1", "0471 2"):
        answer = call(
            "POST",
            "/contacts/import",
            raw=f"{header}\nRossi,IT,anna.rossi@example.com,{phone}\n".encode(),
            claims=partner(SOUTH_TYROL),
            headers={"content-type": "text/csv"},
        )
        assert answer.status == 200, answer.text
    for query in ({}, {"q": "rossi"}, {"q": "anna.rossi@example.com"}):
        assert call("GET", "/contacts", claims=partner(SOUTH_TYROL), query=query).status == 200
    listed = call("GET", "/contacts", claims=partner(SOUTH_TYROL)).body["items"]
    one = call("GET", f"/contacts/{listed[0]['contact_id']}", claims=partner(SOUTH_TYROL))
    assert one.status == 200, one.text
    gone = call("DELETE", f"/contacts/{listed[0]['contact_id']}", claims=partner(SOUTH_TYROL))
    assert gone.status == 204, gone.text
    put_partner(SOUTH_TYROL, partner_body(SOUTH_TYROL, territories=[]))  # leaves Italy
    day = (clock.now() - timedelta(days=8)).date().isoformat()
    # A busy day: more rollup items in one partition than a report leaves as they are,
    # so the report folds them into one (adapters/rollup_folds.py).
    for part in range(FOLD_AT + 1):
        key = rollup_key(SOUTH_TYROL, date.fromisoformat(day), 0, part)
        boto3.client("dynamodb").update_item(**_update(TABLE, key, {f"d{part * 24}": 1}))
    report = call("GET", "/reports/response-times", claims=hq(), query={"from": day, "to": day})
    assert report.status == 200, report.text
    # The mails of every change, as the table's stream delivers them.
    dynamodb = boto3.client("dynamodb")
    for inquiry_id in (accepted, rejected, overdue):
        records = stream_records(dynamodb, TABLE, inquiry_id, REGION)
        answer = local.events.invoke("notify", {"Records": records})
        assert answer == {"batchItemFailures": []}
    # The data subject: HQ's search, what is held, an erasure; retention by the sweeper
    # (the dealer page's inquiry, returned with its idempotency claim, after 180 days).
    assert call("GET", "/inquiries", claims=hq(), query={"q": "Rossi"}).status == 200
    email = form()["contact"]["email"]
    assert call("GET", "/subjects", claims=hq(), query={"email": email}).status == 200
    erased = call("POST", "/subjects/erase", claims=hq(), body={"email": email})
    assert erased.status == 200 and erased.body["inquiries"] >= 1, erased.text
    # The partners' copies, asked for later: looked for in every partner's book.
    copies = {"email": email, "partner_contacts": True}
    erased = call("POST", "/subjects/erase", claims=hq(), body=copies)
    assert erased.status == 200, erased.text
    clock.advance(days=181)
    assert local.events.invoke("expire", {"sweep": True})["erased"] >= 1


def granted(function: str) -> set[str]:
    return (
        set(TABLE_ACCESS[function])
        | set(SCHEDULE_ACCESS.get(function, ()))
        | set(MAIL_ACCESS.get(function, ()))
    )


def test_each_role_allows_every_call_its_function_makes(calls: dict[str, set[str]]) -> None:
    clock = FixedClock(START)
    wiring.override(clock=clock)
    _lifecycle(clock)
    assert set(calls) - {"test"} == set(TABLE_ACCESS), "a function never ran"
    missing = {f: sorted(calls[f] - granted(f)) for f in TABLE_ACCESS if calls[f] - granted(f)}
    assert missing == {}
    # And no grant goes unused: a role holds only what its function needs.
    unused = {f: sorted(granted(f) - calls[f]) for f in TABLE_ACCESS if granted(f) - calls[f]}
    assert unused == {}


def test_the_recording_sees_transaction_items() -> None:
    params = {"TransactItems": [{"Put": {}}, {"Update": {}}, {"ConditionCheck": {}}]}
    assert iam_actions("dynamodb", "TransactWriteItems", params) == {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    }
    assert iam_actions("scheduler", "CreateSchedule", {}) == {"scheduler:CreateSchedule"}

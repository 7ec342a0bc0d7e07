"""Faults: throttling, failures and lost answers never lose or half-write an inquiry.

Errors are injected with botocore event hooks on the clients `inquiries.wiring`
built: a `before-call` hook answers instead of AWS, as DynamoDB or Scheduler
would once botocore's own retries are spent, so nothing reaches moto; an
`after-call` hook loses an answer that AWS did give. What is stored is checked
with Query and GetItem on the fixture's own client, never through the handlers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import ALL_INQUIRIES
from inquiries.adapters.lists import shards_of

from bench._counting import Recorder, clients_of
from local.events import invoke
from tests.integration.conftest import GROUP, TABLE
from tests.support.api import Answer, call, hq, partner

ALPIN, MERAN = "alpin-bz", "meran-bz"
INQUIRY = "inq-under-test"
KEY = "website-form-42"

THROTTLING = ("ProvisionedThroughputExceededException", "ThrottlingException")
DYNAMODB_FAULTS = (*THROTTLING, "RequestLimitExceeded", "InternalServerError")


# --- injecting faults ----------------------------------------------------------------------


class Fault:
    """An AWS error answered in place of `operation`, for the next `times` calls (None: all)."""

    def __init__(
        self,
        client: Any,
        operation: str,
        code: str,
        *,
        times: int | None = None,
        when: Callable[[dict[str, Any]], bool] = lambda params: True,
    ) -> None:
        self.code = code
        self.times = times
        self.when = when
        self.answered = 0
        self._client = client
        self._event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"
        client.meta.events.register(self._event, self._answer)

    def _answer(
        self, params: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = json.loads(params.get("body") or b"{}")
        if (self.times is not None and self.answered >= self.times) or not self.when(body):
            return None
        self.answered += 1
        status = 500 if self.code in ("InternalServerError", "ServiceUnavailable") else 400
        error = {"Code": self.code, "Message": "injected by the test"}
        return AWSResponse("https://aws.invalid/", status, HTTPHeaders(), None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": status},
        }

    def clear(self) -> None:
        self._client.meta.events.unregister(self._event, self._answer)


def dynamodb() -> Any:
    return clients_of(wiring.dependencies())["dynamodb"]


def scheduler() -> Any:
    return clients_of(wiring.dependencies())["scheduler"]


# --- the world -----------------------------------------------------------------------------


def _partner_body(prefix: str) -> dict[str, Any]:
    return {
        "name": "Fenster",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "territories": [{"country": "IT", "postal_prefixes": [prefix]}],
    }


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "product": "windows",
        "contact": {
            "first_name": "Anna",
            "last_name": "Rossi",
            "email": "anna.rossi@example.com",
            "phone": "+39 0471 123456",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": "We are renovating.",
        "consent": True,
        **extra,
    }


@pytest.fixture
def world(aws: dict[str, Any], clock: FixedClock) -> dict[str, Any]:
    """Two partners for all of South Tyrol, so routing compares their pending counts.

    New inquiries get the id INQUIRY (then INQUIRY-2, ...).
    """
    for partner_id, prefix in ((ALPIN, "39"), (MERAN, "39")):
        answer = call("PUT", f"/partners/{partner_id}", body=_partner_body(prefix), claims=hq())
        assert answer.status == 200, answer.text
    ids = iter([INQUIRY, *(f"{INQUIRY}-{n}" for n in range(2, 100))])
    wiring.dependencies().new_id = lambda: next(ids)
    return aws


def submit(body: dict[str, Any] | None = None, key: str | None = None) -> Answer:
    headers = {"Idempotency-Key": key} if key else None
    return call("POST", "/inquiries", body=body or _form(), headers=headers)


def items_of(aws: dict[str, Any], inquiry_id: str) -> list[dict[str, Any]]:
    """Every item stored under the inquiry: itself, its offers, its events."""
    items: list[dict[str, Any]] = aws["dynamodb"].query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
        ConsistentRead=True,
    )["Items"]
    return items


def kinds(items: list[dict[str, Any]]) -> list[str]:
    return sorted(item["type"]["S"] for item in items)


def all_inquiry_ids(aws: dict[str, Any]) -> list[str]:
    """Every inquiry in the store (every shard of the all-inquiries index)."""
    items = [
        item
        for pk in shards_of(ALL_INQUIRIES)
        for item in aws["dynamodb"].query(
            TableName=TABLE,
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )["Items"]
    ]
    # The index holds keys only: the id is the inquiry's partition's (`INQ#<id>`).
    return sorted(item["pk"]["S"].removeprefix("INQ#") for item in items)


def claim_of(aws: dict[str, Any], key: str) -> dict[str, Any] | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    item: dict[str, Any] | None = (
        aws["dynamodb"]
        .get_item(
            TableName=TABLE,
            Key={"pk": {"S": f"IDEMPOTENCY#{digest}"}, "sk": {"S": "IDEMPOTENCY"}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    return item


def schedules(aws: dict[str, Any]) -> list[str]:
    listed = aws["scheduler"].list_schedules(GroupName=GROUP)["Schedules"]
    return sorted(s["Name"] for s in listed)


def view(inquiry_id: str) -> dict[str, Any]:
    answer = call("GET", f"/inquiries/{inquiry_id}", claims=hq())
    assert answer.status == 200, answer.text
    body: dict[str, Any] = answer.body
    return body


def actions(inquiry_id: str) -> list[str]:
    return [event["action"] for event in view(inquiry_id)["events"]]


def assert_unavailable(answer: Answer) -> None:
    """503, a JSON message, and a hint to come back."""
    assert answer.status == 503, answer.text
    assert answer.headers.get("Content-Type", "").startswith("application/json")
    assert isinstance(answer.body["message"], str) and answer.body["message"]
    assert "rossi" not in answer.text.lower()


# --- intake --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", DYNAMODB_FAULTS)
@pytest.mark.parametrize("key", [None, KEY], ids=["no key", "idempotency key"])
def test_a_failed_intake_write_is_503_and_stores_nothing(
    world: dict[str, Any], code: str, key: str | None
) -> None:
    fault = Fault(dynamodb(), "TransactWriteItems", code)

    answer = submit(key=key)

    assert_unavailable(answer)
    assert fault.answered == 1
    assert items_of(world, INQUIRY) == []
    assert all_inquiry_ids(world) == []
    assert claim_of(world, KEY) is None
    assert schedules(world) == []
    # Once the store answers again, the same request goes through: no claim was left behind.
    fault.clear()
    again = submit(key=key)
    assert again.status == 201, again.text
    assert kinds(items_of(world, again.body["id"])) == ["events", "inquiry", "offer"]


@pytest.mark.parametrize("operation", ["TransactWriteItems", "Query"])
def test_a_store_that_does_not_answer_is_503_not_500(world: dict[str, Any], operation: str) -> None:
    client = dynamodb()

    def time_out(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://dynamodb.invalid/")

    client.meta.events.register(f"before-call.dynamodb.{operation}", time_out)
    try:
        answer = (
            submit()
            if operation == "TransactWriteItems"
            else call("GET", "/inquiries", claims=hq())
        )
    finally:
        client.meta.events.unregister(f"before-call.dynamodb.{operation}", time_out)

    assert answer.status == 503, answer.text
    assert answer.body["message"] == "the store did not answer in time; please retry"
    assert answer.headers.get("Retry-After") == "1"


@pytest.mark.parametrize("failing", ["territory lookup", "pending count"])
def test_throttled_routing_queues_the_inquiry_at_hq_without_half_writes(
    world: dict[str, Any], failing: str
) -> None:
    def is_failing(params: dict[str, Any]) -> bool:
        counting = params.get("Select") == "COUNT"
        return counting if failing == "pending count" else not counting

    fault = Fault(dynamodb(), "Query", "ProvisionedThroughputExceededException", when=is_failing)

    answer = submit()

    assert fault.answered >= 1
    fault.clear()
    assert answer.status == 201, answer.text
    stored = view(answer.body["id"])
    assert stored["status"] == "unassigned"
    assert stored["partner_id"] is None and stored["deadline"] is None
    assert kinds(items_of(world, INQUIRY)) == ["events", "inquiry"]  # no offer, nothing half-done
    assert schedules(world) == []
    queue = call("GET", "/inquiries", claims=hq(), query={"status": "unassigned"})
    assert [i["id"] for i in queue.body["items"]] == [INQUIRY]


def test_a_throttled_dealer_lookup_is_503_and_stores_nothing(world: dict[str, Any]) -> None:
    Fault(dynamodb(), "GetItem", "ThrottlingException")

    answer = submit(_form(partner_id=ALPIN))

    assert_unavailable(answer)
    assert items_of(world, INQUIRY) == []
    assert schedules(world) == []


@pytest.mark.parametrize("failure", ["throttled", "unreachable"])
def test_a_failed_schedule_is_201_and_the_sweeper_returns_the_inquiry(
    world: dict[str, Any], clock: FixedClock, failure: str
) -> None:
    if failure == "throttled":
        Fault(scheduler(), "CreateSchedule", "ThrottlingException")
    else:

        def unreachable(**_: Any) -> None:
            raise EndpointConnectionError(
                endpoint_url="https://scheduler.eu-central-1.amazonaws.com"
            )

        scheduler().meta.events.register("before-call.scheduler.CreateSchedule", unreachable)

    answer = submit()

    assert answer.status == 201, answer.text
    assert schedules(world) == []
    deadline = datetime.fromisoformat(view(INQUIRY)["deadline"])
    clock.set(deadline - timedelta(minutes=1))
    assert invoke("expire", {"sweep": True}) == {"expired": 0, "erased": 0}
    assert view(INQUIRY)["status"] == "pending"

    clock.set(deadline + timedelta(minutes=5))  # the sweeper's next run
    assert invoke("expire", {"sweep": True}) == {"expired": 1, "erased": 0}

    returned = view(INQUIRY)
    assert returned["status"] == "returned"
    assert returned["return_reason"] == "expired"
    assert actions(INQUIRY).count("expired") == 1
    assert invoke("expire", {"sweep": True}) == {"expired": 0, "erased": 0}


def test_a_lost_answer_to_a_stored_write_is_read_back_and_answered_201(
    world: dict[str, Any],
) -> None:
    """The transaction went through, but its answer was lost: intake reads it back."""

    def lose_the_answer(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com")

    events = dynamodb().meta.events
    events.register("after-call.dynamodb.TransactWriteItems", lose_the_answer)
    first = submit()
    events.unregister("after-call.dynamodb.TransactWriteItems", lose_the_answer)

    assert first.status == 201, first.text
    assert first.body["id"] == INQUIRY
    assert all_inquiry_ids(world) == [INQUIRY]
    assert kinds(items_of(world, INQUIRY)) == ["events", "inquiry", "offer"]
    assert schedules(world) == [f"expire-{INQUIRY}-1"]


def test_a_retried_submit_after_a_lost_answer_gives_the_same_inquiry(
    world: dict[str, Any], clock: FixedClock
) -> None:
    """The answer was lost and so was the read back: the website sees 503 and sends again."""

    def lose_the_answer(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com")

    events = dynamodb().meta.events
    events.register("after-call.dynamodb.TransactWriteItems", lose_the_answer)
    events.register("before-call.dynamodb.Query", lose_the_answer)  # the read back, too
    first = submit(_form(partner_id=ALPIN), key=KEY)
    events.unregister("after-call.dynamodb.TransactWriteItems", lose_the_answer)
    events.unregister("before-call.dynamodb.Query", lose_the_answer)

    assert_unavailable(first)  # the website saw a failure, not an id
    assert kinds(items_of(world, INQUIRY)) == ["events", "inquiry", "offer"]

    retried = submit(_form(partner_id=ALPIN), key=KEY)

    assert retried.status == 201, retried.text
    assert retried.body["id"] == INQUIRY
    assert all_inquiry_ids(world) == [INQUIRY]
    assert kinds(items_of(world, INQUIRY)) == ["events", "inquiry", "offer"]
    # The first attempt failed before scheduling the expiry; whatever the retry did about
    # that, the inquiry goes back to HQ at its deadline.
    clock.set(datetime.fromisoformat(view(INQUIRY)["deadline"]) + timedelta(minutes=5))
    invoke("expire", {"sweep": True})
    assert view(INQUIRY)["status"] == "returned"


@pytest.mark.parametrize("key", [KEY, None], ids=["idempotency key", "no key"])
def test_botocore_retrying_a_stored_intake_transaction_still_answers_201(
    world: dict[str, Any], key: str | None
) -> None:
    """The answer to the transaction is lost on the wire and botocore sends it again."""
    sent: list[int] = []

    def answer_lost(**_: Any) -> int | None:
        sent.append(1)
        return 0 if len(sent) == 1 else None  # retry at once, as after a dropped connection

    dynamodb().meta.events.register_first("needs-retry.dynamodb.TransactWriteItems", answer_lost)

    answer = submit(key=key)

    assert len(sent) == 2
    assert all_inquiry_ids(world) == [INQUIRY]
    assert answer.status == 201, answer.text
    assert answer.body["id"] == INQUIRY


def test_the_same_key_and_body_twice_stores_one_inquiry(world: dict[str, Any]) -> None:
    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    first = submit(key=KEY)
    with recorder.measuring() as replay:
        second = submit(key=KEY)

    assert first.status == second.status == 201
    assert second.body["id"] == first.body["id"] == INQUIRY
    assert all_inquiry_ids(world) == [INQUIRY]
    assert kinds(items_of(world, INQUIRY)) == ["events", "inquiry", "offer"]
    # The replay makes sure the expiry is scheduled (a first attempt may have stored the
    # inquiry and died before scheduling): one CreateSchedule, refused as a duplicate.
    assert replay.of("scheduler") == {"CreateSchedule": 1}
    assert len(schedules(world)) == 1


# --- expiry --------------------------------------------------------------------------------


def _fire(seq: int = 1) -> dict[str, Any]:
    return invoke("expire", {"inquiry_id": INQUIRY, "offer": seq, "partner_id": ALPIN})


def test_the_same_expiry_delivered_twice_changes_the_inquiry_once(
    world: dict[str, Any], clock: FixedClock
) -> None:
    assert submit().status == 201
    clock.set(datetime.fromisoformat(view(INQUIRY)["deadline"]))

    assert _fire() == {"expired": 1}
    after_first = view(INQUIRY)
    assert _fire() == {"expired": 0}

    after_second = view(INQUIRY)
    assert after_second == after_first
    assert after_second["status"] == "returned"
    assert actions(INQUIRY).count("expired") == 1


def test_a_scheduler_firing_early_changes_nothing(world: dict[str, Any], clock: FixedClock) -> None:
    assert submit().status == 201
    before = view(INQUIRY)
    clock.set(datetime.fromisoformat(before["deadline"]) - timedelta(seconds=1))

    assert _fire() == {"expired": 0}

    assert view(INQUIRY) == before
    accepted = call("POST", f"/inquiries/{INQUIRY}/accept", claims=partner(before["partner_id"]))
    assert accepted.status == 200, accepted.text


def test_a_throttled_expiry_fails_so_the_scheduler_retries_and_it_expires_once(
    world: dict[str, Any], clock: FixedClock
) -> None:
    assert submit().status == 201
    clock.set(datetime.fromisoformat(view(INQUIRY)["deadline"]))
    fault = Fault(dynamodb(), "TransactWriteItems", "ThrottlingException", times=1)

    with pytest.raises(Exception, match="busy"):
        _fire()  # a failed invocation: EventBridge Scheduler retries it

    assert fault.answered == 1
    assert view(INQUIRY)["status"] == "pending"
    assert _fire() == {"expired": 1}
    assert actions(INQUIRY).count("expired") == 1


# --- decisions -----------------------------------------------------------------------------

DECISIONS = {
    "accept": ("accept", None, "partner"),
    "reject": ("reject", {"reason": "no_capacity"}, "partner"),
    "assign": ("assign", {"partner_id": "the other partner"}, "hq"),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
@pytest.mark.parametrize(
    ("operation", "code"),
    [
        ("TransactWriteItems", "ProvisionedThroughputExceededException"),
        ("TransactWriteItems", "InternalServerError"),
        ("Query", "ThrottlingException"),
    ],
)
def test_a_throttled_decision_is_503_and_the_inquiry_is_unchanged(
    world: dict[str, Any], decision: str, operation: str, code: str
) -> None:
    assert submit().status == 201
    before = view(INQUIRY)
    stored = sorted(json.dumps(i, sort_keys=True) for i in items_of(world, INQUIRY))
    timers = schedules(world)
    action, body, role = DECISIONS[decision]
    if body and body.get("partner_id"):
        body = {"partner_id": ALPIN if before["partner_id"] == MERAN else MERAN}
    claims = hq() if role == "hq" else partner(before["partner_id"])
    fault = Fault(dynamodb(), operation, code)

    answer = call("POST", f"/inquiries/{INQUIRY}/{action}", body=body, claims=claims)

    assert_unavailable(answer)
    assert fault.answered >= 1
    fault.clear()
    assert sorted(json.dumps(i, sort_keys=True) for i in items_of(world, INQUIRY)) == stored
    assert view(INQUIRY) == before
    assert schedules(world) == timers
    # The same decision, once the store answers again, goes through.
    again = call("POST", f"/inquiries/{INQUIRY}/{action}", body=body, claims=claims)
    assert again.status == 200, again.text


def test_a_throttled_duplicate_check_is_503_and_the_inquiry_is_unchanged(
    world: dict[str, Any],
) -> None:
    assert submit().status == 201
    before = view(INQUIRY)
    # The look-up of the partner's match keys (a Query of its `CKEY#` items).
    Fault(
        dynamodb(),
        "Query",
        "ProvisionedThroughputExceededException",
        when=lambda body: "CKEY#" in json.dumps(body),
    )

    answer = call("POST", f"/inquiries/{INQUIRY}/accept", claims=partner(before["partner_id"]))

    assert_unavailable(answer)
    assert view(INQUIRY) == before

"""Intake never answers 201 for an inquiry it did not store (issue 10, item 1).

Every call intake makes is failed in turn: the partner read, the routing queries, the
transaction (cancelled for conflicts or throttling, throttled, or unanswered), the read
of the idempotency claim, the read back and the schedule. Each submission ends either
in the stored inquiry, whose id the answer carries, or in a 5xx with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from inquiries import wiring

from tests.integration.test_faults import (
    ALPIN,
    INQUIRY,
    KEY,
    Fault,
    _form,
    all_inquiry_ids,
    assert_unavailable,
    claim_of,
    dynamodb,
    items_of,
    kinds,
    scheduler,
    schedules,
    submit,
    world,  # noqa: F401  (the fixture, used by pytestmark)
)
from tests.support.api import Answer

# Two partners cover South Tyrol; new inquiries get the id INQUIRY (see test_faults).
pytestmark = pytest.mark.usefixtures("world")

COMPLETE = ["events", "inquiry", "offer"]  # received and offered in one item; its offer


@pytest.fixture
def pauses() -> Iterator[list[float]]:
    """The repository's pauses between transaction attempts, recorded instead of slept."""
    recorded: list[float] = []
    repository: Any = wiring.dependencies().repository
    repository._sleep = recorded.append
    yield recorded


def cancelled(*reasons: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
            "CancellationReasons": [{"Code": reason} for reason in reasons],
        },
        "TransactWriteItems",
    )


class Cancel:
    """Cancels the next `times` transactions (None: all) for `reason` on the item at `index`.

    `index` counts the transaction's items; -1 is the last one, the idempotency claim.
    Nothing reaches the store: DynamoDB writes nothing of a cancelled transaction.
    """

    def __init__(self, reason: str, *, index: int = 0, times: int | None = None) -> None:
        self.reason, self.index, self.times, self.sent = reason, index, times, 0
        self._event = "before-call.dynamodb.TransactWriteItems"
        dynamodb().meta.events.register(self._event, self._cancel)

    def _cancel(self, params: dict[str, Any], **_: Any) -> None:
        if self.times is not None and self.sent >= self.times:
            return
        self.sent += 1
        import json  # noqa: PLC0415

        count = len(json.loads(params["body"])["TransactItems"])
        reasons = ["None"] * count
        reasons[self.index] = self.reason
        raise cancelled(*reasons)

    def clear(self) -> None:
        dynamodb().meta.events.unregister(self._event, self._cancel)


def assert_nothing_written(aws: dict[str, Any], before: list[str]) -> None:
    """Not an inquiry, an offer, an event, a claim or a schedule more than before."""
    assert sorted(all_inquiry_ids(aws)) == sorted(before)
    assert items_of(aws, INQUIRY) == [] or INQUIRY in before
    if not before:
        assert claim_of(aws, KEY) is None
        assert schedules(aws) == []


def assert_stored(aws: dict[str, Any], answer: Answer, kinds_expected: list[str]) -> None:
    """A 201 carries the id of an inquiry that is stored whole, and of no other."""
    assert answer.status == 201, answer.text
    assert answer.body["id"] in all_inquiry_ids(aws)
    assert kinds(items_of(aws, answer.body["id"])) == kinds_expected


# --- the transaction: conflicts and throttling are retried, then 503 ------------------------


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError"])
@pytest.mark.parametrize("index", [0, -1], ids=["on the inquiry", "on the claim"])
def test_a_transaction_cancelled_for_a_while_is_retried_and_stored(
    aws: dict[str, Any], pauses: list[float], reason: str, index: int
) -> None:
    cancel = Cancel(reason, index=index, times=2)

    answer = submit(key=KEY)

    assert cancel.sent == 2
    assert_stored(aws, answer, COMPLETE)
    assert answer.body["id"] == INQUIRY
    assert all_inquiry_ids(aws) == [INQUIRY]
    assert claim_of(aws, KEY) is not None
    assert schedules(aws) == [f"expire-{INQUIRY}-1"]
    assert len(pauses) == 2  # a pause before each new attempt, none after the last


@pytest.mark.parametrize(
    "reason", ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]
)
@pytest.mark.parametrize("key", [None, KEY], ids=["no key", "idempotency key"])
def test_a_transaction_that_keeps_conflicting_is_503_with_nothing_written(
    aws: dict[str, Any], pauses: list[float], reason: str, key: str | None
) -> None:
    cancel = Cancel(reason)

    answer = submit(key=key)

    assert_unavailable(answer)
    assert answer.body["message"] == "the store is busy; nothing was changed, please retry"
    assert_nothing_written(aws, [])
    # Bounded: six attempts, five pauses of full jitter under 20, 40, 80, 160, 320 ms.
    assert cancel.sent == 6
    assert len(pauses) == 5
    assert all(0 <= pause <= 0.02 * 2**n for n, pause in enumerate(pauses))
    assert sum(pauses) <= 0.62
    cancel.clear()
    assert_stored(aws, submit(key=key), COMPLETE)


def test_a_cancellation_for_a_reason_no_retry_can_fix_is_503_at_once(
    aws: dict[str, Any], pauses: list[float]
) -> None:
    cancel = Cancel("ValidationError")

    answer = submit()

    assert_unavailable(answer)
    assert "ValidationError" in answer.body["message"]
    assert cancel.sent == 1 and pauses == []
    assert_nothing_written(aws, [])


# --- one key, two submissions: the second answers with the id that is stored ----------------


def test_a_submission_that_lost_the_race_for_its_key_answers_with_the_stored_id(
    aws: dict[str, Any], pauses: list[float]
) -> None:
    """A and B share a key; B commits while A's transaction is cancelled by the conflict."""
    ids = iter(["inq-a", "inq-b"])
    wiring.dependencies().new_id = lambda: next(ids)
    finished: list[Answer] = []
    events = dynamodb().meta.events

    def b_wins_meanwhile(**_: Any) -> None:
        events.unregister("before-call.dynamodb.TransactWriteItems", b_wins_meanwhile)
        finished.append(submit(key=KEY))  # B, from start to end, inside A's transaction
        raise cancelled("None", "None", "None", "TransactionConflict")

    events.register("before-call.dynamodb.TransactWriteItems", b_wins_meanwhile)

    a = submit(key=KEY)

    (b,) = finished
    assert b.status == 201 and b.body["id"] == "inq-b"
    assert a.status == 201, a.text
    assert a.body["id"] == "inq-b"  # read from the store, not the id A drew
    assert all_inquiry_ids(aws) == ["inq-b"]
    assert items_of(aws, "inq-a") == []
    assert len(pauses) == 1


def test_another_body_under_a_key_that_won_meanwhile_is_409(
    aws: dict[str, Any], pauses: list[float]
) -> None:
    first = submit(key=KEY)
    assert first.status == 201
    cancel = Cancel("TransactionConflict", index=-1, times=1)

    answer = submit(_form(message="Something else entirely."), key=KEY)

    assert cancel.sent == 1
    assert answer.status == 409, answer.text
    assert all_inquiry_ids(aws) == [INQUIRY]


# --- "our id is already stored" is read, never assumed -------------------------------------


def test_a_write_stored_but_answered_as_cancelled_is_read_back_and_is_201(
    aws: dict[str, Any], pauses: list[float]
) -> None:
    """A resend DynamoDB no longer recognises: the first send stored it, the resend fails."""
    events = dynamodb().meta.events

    def stored_then_cancelled(**_: Any) -> None:
        events.unregister("after-call.dynamodb.TransactWriteItems", stored_then_cancelled)
        raise cancelled("ConditionalCheckFailed", "None", "None", "None", "None")

    events.register("after-call.dynamodb.TransactWriteItems", stored_then_cancelled)

    answer = submit(key=KEY)

    assert_stored(aws, answer, COMPLETE)
    assert answer.body["id"] == INQUIRY
    assert schedules(aws) == [f"expire-{INQUIRY}-1"]


def test_an_id_already_taken_by_another_inquiry_is_never_answered(
    aws: dict[str, Any],
) -> None:
    """The random id drawn belongs to someone else's inquiry: a new id is drawn."""
    ids = iter([INQUIRY, INQUIRY, "inq-fresh"])
    wiring.dependencies().new_id = lambda: next(ids)
    first = submit()
    assert first.status == 201 and first.body["id"] == INQUIRY
    other = _form()
    other["contact"] = {**other["contact"], "email": "someone.else@example.com"}

    answer = submit(other)

    assert answer.status == 201, answer.text
    assert answer.body["id"] == "inq-fresh"
    assert sorted(all_inquiry_ids(aws)) == sorted([INQUIRY, "inq-fresh"])
    assert kinds(items_of(aws, INQUIRY)) == COMPLETE  # the first one is untouched


# --- every other call of intake: throttled, unanswered --------------------------------------


def _time_out(operation: str, when: Callable[[dict[str, Any]], bool]) -> Callable[[], None]:
    client = dynamodb() if operation != "CreateSchedule" else scheduler()
    event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def time_out(params: dict[str, Any], **_: Any) -> None:
        import json  # noqa: PLC0415

        if when(json.loads(params.get("body") or b"{}")):
            raise ReadTimeoutError(endpoint_url="https://aws.invalid/")

    client.meta.events.register(event, time_out)
    return lambda: client.meta.events.unregister(event, time_out)


def _always(params: dict[str, Any]) -> bool:
    return True


def _claim_read(params: dict[str, Any]) -> bool:
    return str(params.get("Key", {}).get("pk", {}).get("S", "")).startswith("IDEMPOTENCY#")


def _partner_read(params: dict[str, Any]) -> bool:
    return str(params.get("Key", {}).get("pk", {}).get("S", "")).startswith("PARTNER#")


def _territories(params: dict[str, Any]) -> bool:
    return params.get("Select") != "COUNT" and "INQ#" not in json_text(params)


def _pending_count(params: dict[str, Any]) -> bool:
    return params.get("Select") == "COUNT"


def json_text(params: dict[str, Any]) -> str:
    import json  # noqa: PLC0415

    return json.dumps(params)


# (call, operation, which requests, the request's body, the outcome)
CALLS = [
    ("partner read", "GetItem", _partner_read, {"partner_id": ALPIN}, "503"),
    ("territory query", "Query", _territories, {}, "stored at HQ"),
    ("pending count", "Query", _pending_count, {}, "stored at HQ"),
    ("transaction", "TransactWriteItems", _always, {}, "503"),
    ("schedule", "CreateSchedule", _always, {}, "stored"),
]


@pytest.mark.parametrize("fault", ["throttled", "unanswered"])
@pytest.mark.parametrize(("call", "operation", "when", "extra", "outcome"), CALLS)
def test_each_call_of_intake_failing_ends_stored_or_503_with_nothing_written(
    aws: dict[str, Any],
    pauses: list[float],
    fault: str,
    call: str,
    operation: str,
    when: Callable[[dict[str, Any]], bool],
    extra: dict[str, Any],
    outcome: str,
) -> None:
    if fault == "throttled":
        code = "ThrottlingException"
        client = scheduler() if operation == "CreateSchedule" else dynamodb()
        clear = Fault(client, operation, code, when=when).clear
    else:
        clear = _time_out(operation, when)

    answer = submit(_form(**extra), key=KEY)
    clear()

    if outcome == "503":
        assert_unavailable(answer)
        assert_nothing_written(aws, [])
        assert_stored(aws, submit(_form(**extra), key=KEY), COMPLETE)  # the retry goes in
    elif outcome == "stored at HQ":
        assert_stored(aws, answer, ["events", "inquiry"])  # received, no offer
    else:
        assert_stored(aws, answer, COMPLETE)
        assert schedules(aws) == []  # the sweeper returns it at its deadline


@pytest.mark.parametrize("fault", ["throttled", "unanswered"])
def test_a_failed_read_of_the_claim_is_503_and_the_stored_inquiry_stays_the_only_one(
    aws: dict[str, Any], fault: str
) -> None:
    first = submit(key=KEY)
    assert first.status == 201
    if fault == "throttled":
        clear = Fault(dynamodb(), "GetItem", "ThrottlingException", when=_claim_read).clear
    else:
        clear = _time_out("GetItem", _claim_read)

    replay = submit(key=KEY)
    clear()

    assert_unavailable(replay)
    assert_nothing_written(aws, [INQUIRY])
    assert kinds(items_of(aws, INQUIRY)) == COMPLETE
    again = submit(key=KEY)
    assert again.status == 201 and again.body["id"] == INQUIRY


@pytest.mark.parametrize("fault", ["throttled", "unanswered"])
def test_an_unanswered_transaction_whose_read_back_fails_is_503(
    aws: dict[str, Any], fault: str
) -> None:
    """Nothing tells whether the write landed: 503, never a 201 for what may not be stored."""
    clear_write = _time_out("TransactWriteItems", _always)
    if fault == "throttled":
        clear_read = Fault(dynamodb(), "Query", "ThrottlingException", when=_inquiry_read).clear
    else:
        clear_read = _time_out("Query", _inquiry_read)

    answer = submit(_form(partner_id=ALPIN), key=KEY)
    clear_write()
    clear_read()

    assert_unavailable(answer)
    assert_nothing_written(aws, [])


def _inquiry_read(params: dict[str, Any]) -> bool:
    return "INQ#" in json_text(params)

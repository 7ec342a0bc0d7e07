"""Races, with real threads against moto: exactly one side wins, every time.

The threads call the use cases the handlers call, on the composition root's
repository and scheduler (`wiring.dependencies()`), each with its own clock:
an accept just before the deadline and the expiry at the deadline both read a
pending inquiry, and the conditional write decides. (The Powertools resolver
keeps the current request on a module-level app, as one Lambda environment
handles one request at a time, so the threads do not share handlers.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import book_pks
from inquiries.domain.errors import Conflict, NotFound
from inquiries.domain.model import Outcome, Principal, Role, Status
from inquiries.service import decisions
from inquiries.service.expiry import expire_offer
from inquiries.service.ports import Dependencies
from moto.dynamodb.responses import DynamoHandler

from tests.integration.conftest import TABLE
from tests.support.demo import (
    SOUTH_TYROL,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
)

ROUNDS = 100
PARTNER_USER = Principal("user-of-alpin-bz", Role.PARTNER, SOUTH_TYROL)


@pytest.fixture
def serialised_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One DynamoDB request at a time, as DynamoDB itself isolates each request.

    moto's in-process backend is not thread-safe: a failed TransactWriteItems
    restores a deep copy of the table taken when it began, which would also
    erase a transaction that committed meanwhile. The product's own race
    (read, then a conditional write) is untouched: threads still interleave
    between their requests.
    """
    lock = threading.Lock()
    call_action = DynamoHandler.call_action

    def one_at_a_time(self: Any) -> Any:
        with lock:
            return call_action(self)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)
    yield


def _with_clock(deps: Dependencies, now: datetime) -> Dependencies:
    """The same store and scheduler, seen at another moment."""
    return replace(deps, clock=FixedClock(now))


def _run_together(*sides: Callable[[], Any]) -> list[Any]:
    """Run the sides in threads released at once; each answer or the exception it raised."""
    barrier = threading.Barrier(len(sides))
    results: list[Any] = [None] * len(sides)

    def run(index: int, side: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = side()
        except Exception as error:  # the losing side's answer is its exception
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sides)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    return results


def _forget(aws: dict[str, Any], inquiry_id: str) -> None:
    """Remove a finished round's items: moto copies the whole table on every transaction."""
    client = aws["dynamodb"]
    page = client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
        ProjectionExpression="pk, sk",
    )
    deletes = [{"DeleteRequest": {"Key": item}} for item in page["Items"]]
    for start in range(0, len(deletes), 25):
        client.batch_write_item(RequestItems={TABLE: deletes[start : start + 25]})


def _accept(deps: Dependencies, inquiry_id: str, preloaded: decisions.Loaded | None) -> Any:
    loaded = preloaded or decisions.load_visible(deps, inquiry_id, PARTNER_USER)
    return decisions.accept(deps, loaded, PARTNER_USER)


def test_accept_against_expiry_has_exactly_one_winner_every_time(
    aws: dict[str, Any], clock: FixedClock, serialised_moto: None
) -> None:
    put_partners(SOUTH_TYROL)
    deps = wiring.dependencies()
    wins = {"accept": 0, "expiry": 0}
    # The clock stands still, so every round's offer has this deadline.
    deadline = clock.now() + timedelta(hours=48)  # Tuesday to Thursday, no holiday between
    at_deadline = _with_clock(deps, deadline)
    just_before = _with_clock(deps, deadline - timedelta(milliseconds=1))

    for round_ in range(ROUNDS):
        inquiry_id = submit()
        # Every other round the partner has loaded the inquiry before the race starts.
        preloaded = (
            decisions.load_visible(just_before, inquiry_id, PARTNER_USER) if round_ % 2 else None
        )

        accepted, expired = _run_together(
            partial(_accept, just_before, inquiry_id, preloaded),
            partial(expire_offer, at_deadline, inquiry_id, 1),
        )

        if isinstance(accepted, Exception):
            # Lost: 409 if it had read the inquiry, 404 if it came after the expiry
            # (a partner that let an inquiry expire loses it).
            assert isinstance(accepted, (Conflict, NotFound)), repr(accepted)
        assert isinstance(expired, bool), repr(expired)
        accept_won = not isinstance(accepted, Exception)
        assert accept_won != expired, f"round {round_}: accept {accepted!r}, expiry {expired!r}"
        found = deps.repository.load_with_events(inquiry_id)
        assert found is not None
        stored, events = found
        actions = [e.action for e in events]
        [offer] = stored.offers
        assert offer.deadline == deadline
        if accept_won:
            wins["accept"] += 1
            assert stored.inquiry.status is Status.ACCEPTED
            assert offer.outcome is Outcome.ACCEPTED
            assert accepted.loaded.record.inquiry.status is Status.ACCEPTED
            assert "expired" not in actions
            assert actions.count("accepted") == 1
        else:
            wins["expiry"] += 1
            assert stored.inquiry.status is Status.RETURNED
            assert offer.outcome is Outcome.EXPIRED
            assert "accepted" not in actions
            assert actions.count("expired") == 1
        assert stored.inquiry.version == 2
        _forget(aws, inquiry_id)

    assert sum(wins.values()) == ROUNDS
    # Both sides won some rounds: the threads really raced.
    assert min(wins.values()) > 0, wins
    print(f"accept won {wins['accept']}, expiry won {wins['expiry']} of {ROUNDS}")


def test_twenty_concurrent_accepts_have_exactly_one_winner(
    aws: dict[str, Any], clock: FixedClock, serialised_moto: None
) -> None:
    put_partners(SOUTH_TYROL)
    deps = wiring.dependencies()
    inquiry_id = submit()
    colleagues = [replace(PARTNER_USER, user_id=f"user-{n}") for n in range(20)]

    def accept_as(user: Principal) -> Any:
        return decisions.accept(deps, decisions.load_visible(deps, inquiry_id, user), user)

    answers = _run_together(*(lambda u=u: accept_as(u) for u in colleagues))

    statuses = [409 if isinstance(a, Conflict) else 200 for a in answers]
    assert all(isinstance(a, (decisions.Accepted, Conflict)) for a in answers), answers
    assert statuses.count(200) == 1
    assert statuses.count(409) == 19
    winner = colleagues[statuses.index(200)].user_id
    found = deps.repository.load_with_events(inquiry_id)
    assert found is not None
    stored, events = found
    assert stored.inquiry.status is Status.ACCEPTED
    assert stored.inquiry.user_id == winner
    assert stored.offers[0].decided_by == winner
    assert [e.action for e in events].count("accepted") == 1
    contacts = [
        item
        for pk in book_pks(SOUTH_TYROL)
        for item in aws["dynamodb"].query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :contact)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":contact": {"S": "CONTACT#"}},
        )["Items"]
    ]
    assert len(contacts) == 1
    assert contacts[0]["contact_id"]["S"] == stored.inquiry.contact_id

"""The expire function, fired as EventBridge Scheduler and the sweeper's rule would fire it.

The scheduler's event is the schedule's own `Input`, as stored in (moto's)
Scheduler; the sweeper's is `{"sweep": true}`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from inquiries.adapters.clock import FixedClock

from local.events import invoke
from tests.integration.conftest import GROUP, TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    accept,
    act,
    assign,
    form,
    listing,
    offers_of,
    put_partners,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

ST = partner(SOUTH_TYROL)


def _fire(event: dict[str, Any]) -> int:
    answer = invoke("expire", event)
    return int(answer["expired"])


def _scheduled_event(aws: dict[str, Any], inquiry_id: str, offer: int = 1) -> dict[str, Any]:
    """The Input of the inquiry's schedule: what the expire function gets when it fires."""
    for schedule in schedules(aws["scheduler"], GROUP):
        event = schedule_input(schedule)
        if (event["inquiry_id"], event["offer"]) == (inquiry_id, offer):
            return event
    raise AssertionError(f"no schedule for {inquiry_id} offer {offer}")


def _deadline(inquiry_id: str) -> datetime:
    return datetime.fromisoformat(view(inquiry_id)["deadline"])


def test_at_the_deadline_the_inquiry_returns_to_hq_by_the_system(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit()
    event = _scheduled_event(aws, inquiry_id)
    clock.set(_deadline(inquiry_id))

    assert _fire(event) == 1

    returned = view(inquiry_id)
    assert (returned["status"], returned["return_reason"]) == ("returned", "expired")
    assert (returned["partner_id"], returned["deadline"]) == (None, None)
    expired = returned["events"][-1]
    assert expired == {
        "at": "2026-12-03T08:00:00Z",
        "actor": "system",
        "action": "expired",
        "partner_id": SOUTH_TYROL,
        "deadline": "2026-12-03T08:00:00Z",
    }
    [offer] = offers_of(aws["dynamodb"], TABLE, inquiry_id)
    assert (offer["outcome"], offer["decided_by"]) == ("expired", "system")
    assert [i["id"] for i in listing(hq(), status="returned")] == [inquiry_id]
    # The partner that let it expire loses it.
    assert call("GET", f"/inquiries/{inquiry_id}", claims=ST).status == 404
    assert listing(ST) == []


def test_before_the_deadline_the_expiry_does_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit()
    clock.set(_deadline(inquiry_id) - timedelta(seconds=1))

    assert _fire(_scheduled_event(aws, inquiry_id)) == 0

    assert view(inquiry_id)["status"] == "pending"
    assert act(inquiry_id, "accept", ST).status == 200


def test_an_expiry_fired_twice_changes_the_inquiry_once(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit()
    event = _scheduled_event(aws, inquiry_id)
    clock.set(_deadline(inquiry_id) + timedelta(minutes=1))

    fired = [_fire(event), _fire(event)]
    clock.advance(hours=1)
    fired.append(_fire(event))

    assert fired == [1, 0, 0]
    events = view(inquiry_id)["events"]
    assert [e["action"] for e in events] == ["received", "offered", "expired"]


def test_an_expiry_after_a_decision_does_nothing(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    taken, refused = submit(), submit()
    events = {i: _scheduled_event(aws, i) for i in (taken, refused)}
    accept(taken, SOUTH_TYROL)
    assert act(refused, "reject", ST, {"reason": "spam"}).status == 200
    clock.advance(days=7)

    assert [_fire(events[taken]), _fire(events[refused])] == [0, 0]

    assert view(taken)["status"] == "accepted"
    assert view(taken, ST)["contact"] is not None
    assert view(refused)["return_reason"] == "rejected"
    assert [o["outcome"] for o in offers_of(aws["dynamodb"], TABLE, taken)] == ["accepted"]


def test_the_expiry_of_a_withdrawn_offer_leaves_the_new_offer_alone(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    inquiry_id = submit()
    first = _scheduled_event(aws, inquiry_id, 1)
    clock.advance(hours=4)
    assign(inquiry_id, partner_id=BAVARIA)
    second = _scheduled_event(aws, inquiry_id, 2)
    old_deadline = datetime.fromisoformat(
        next(o for o in offers_of(aws["dynamodb"], TABLE, inquiry_id) if o["seq"] == "1")[
            "deadline"
        ]
    )
    clock.set(old_deadline + timedelta(minutes=1))

    assert _fire(first) == 0
    assert view(inquiry_id)["partner_id"] == BAVARIA

    clock.set(_deadline(inquiry_id))
    assert _fire(second) == 1
    assert view(inquiry_id)["return_reason"] == "expired"
    outcomes = [o["outcome"] for o in offers_of(aws["dynamodb"], TABLE, inquiry_id)]
    assert outcomes == ["withdrawn", "expired"]


def test_unknown_or_malformed_events_do_nothing(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit()
    clock.advance(days=7)

    assert _fire({"inquiry_id": "no-such-inquiry", "offer": 1}) == 0
    assert _fire({"inquiry_id": inquiry_id, "offer": 2}) == 0
    assert _fire({"inquiry_id": inquiry_id, "offer": "1"}) == 0
    assert _fire({"inquiry_id": inquiry_id, "offer": True}) == 0
    assert _fire({}) == 0
    assert view(inquiry_id)["status"] == "pending"


def test_the_sweeper_returns_overdue_inquiries_whose_schedule_was_never_made(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    aws["scheduler"].delete_schedule_group(Name=GROUP)  # every schedule fails from here
    early = submit()
    clock.advance(hours=1)
    later = submit(form(BAVARIA))
    clock.advance(hours=1)
    taken = submit()
    accept(taken, SOUTH_TYROL)

    clock.set(_deadline(early) - timedelta(seconds=1))
    assert _fire({"sweep": True}) == 0

    clock.set(_deadline(early))
    assert _fire({"sweep": True}) == 1
    assert (view(early)["status"], view(later)["status"]) == ("returned", "pending")

    clock.advance(days=7)
    assert _fire({"sweep": True}) == 1
    assert _fire({"sweep": True}) == 0
    for inquiry_id in (early, later):
        inquiry = view(inquiry_id)
        assert (inquiry["status"], inquiry["return_reason"]) == ("returned", "expired")
        assert inquiry["events"][-1]["actor"] == "system"
    assert view(taken)["status"] == "accepted"


def test_the_sweeper_deletes_the_schedule_it_overtook(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit()
    event = _scheduled_event(aws, inquiry_id)
    clock.set(_deadline(inquiry_id) + timedelta(minutes=5))

    assert _fire({"sweep": True}) == 1

    assert schedules(aws["scheduler"], GROUP) == []
    assert _fire(event) == 0  # had it fired anyway, nothing more happens
    actions = [e["action"] for e in view(inquiry_id)["events"]]
    assert actions.count("expired") == 1


def test_the_sweeper_goes_through_many_overdue_inquiries(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    overdue = [submit() for _ in range(7)]
    clock.advance(days=1)
    fresh = submit()
    clock.advance(days=1, seconds=1)

    assert _fire({"sweep": True}) == 7

    assert {i["id"] for i in listing(hq(), status="returned")} == set(overdue)
    assert [i["id"] for i in listing(hq(), status="pending")] == [fresh]


def test_hq_offers_an_expired_inquiry_anew(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    inquiry_id = submit()
    clock.set(_deadline(inquiry_id))
    assert _fire(_scheduled_event(aws, inquiry_id)) == 1

    again = assign(inquiry_id, partner_id=BAVARIA)

    assert (again["status"], again["partner_id"], again["return_reason"]) == (
        "pending",
        BAVARIA,
        None,
    )
    assert _scheduled_event(aws, inquiry_id, 2)["partner_id"] == BAVARIA
    assert accept(inquiry_id, BAVARIA)["inquiry"]["status"] == "accepted"

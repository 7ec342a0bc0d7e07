"""The lifecycle state machine: which action is allowed from which status, and what it records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from inquiries.domain import lifecycle
from inquiries.domain.errors import Conflict, NotFound
from inquiries.domain.lifecycle import Change, NewContact
from inquiries.domain.model import (
    SYSTEM,
    Channel,
    Inquiry,
    Offer,
    Outcome,
    ProgressEntry,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)

from tests.conftest import START
from tests.unit.fakes import BOLZANO, HQ, a_contact, a_partner, partner_user

P1 = a_partner("P1", "39")
P2 = a_partner("P2", "39")
P1_USER = partner_user("P1")
DEADLINE = START + timedelta(hours=48)
NOW = START + timedelta(hours=3)


def pending_offer(seq: int = 1, partner_id: str = "P1", **changes: object) -> Offer:
    offer = Offer("inq-1", seq, partner_id, BOLZANO, START, DEADLINE)
    return replace(offer, **changes)  # type: ignore[arg-type]


def state(status: Status) -> tuple[Inquiry, Offer | None]:
    """A consistent inquiry in `status`, with its current offer where it has one."""
    base = Inquiry(
        id="inq-1",
        status=Status.UNASSIGNED,
        channel=Channel.WEBSITE,
        product="windows",
        contact=a_contact(),
        created_at=START,
        message="Please call me",
        version=3,
    )
    offered = {
        "partner_id": "P1",
        "assigned_at": START,
        "offer_seq": 1,
    }
    if status is Status.UNASSIGNED:
        return base, None
    if status is Status.ASSIGNED:
        return replace(base, status=status, user_id="hq-bert", assigned_at=START), None
    if status is Status.PENDING:
        return replace(base, status=status, deadline=DEADLINE, **offered), pending_offer()  # type: ignore[arg-type]
    accepted = pending_offer(outcome=Outcome.ACCEPTED, decided_at=START, decided_by="p1-user")
    if status is Status.ACCEPTED:
        return replace(base, status=status, user_id="p1-user", **offered), accepted  # type: ignore[arg-type]
    if status is Status.CLOSED:
        won = ProgressEntry(ProgressStep.WON, START, "p1-user")
        inquiry = replace(base, status=status, user_id="p1-user", progress=(won,), **offered)  # type: ignore[arg-type]
        return inquiry, replace(
            accepted, first_progress_at=START, steps=frozenset({ProgressStep.WON})
        )
    rejected = pending_offer(outcome=Outcome.REJECTED, decided_at=START, decided_by="p1-user")
    returned = replace(
        base,
        status=Status.RETURNED,
        offer_seq=1,
        assigned_at=START,
        return_reason=ReturnReason.REJECTED,
        declined_by=frozenset({"P1"}),
    )
    if status is Status.RETURNED:
        return returned, rejected
    assert status is Status.DISCARDED
    return replace(returned, status=status, return_reason=None), rejected


Transition = Callable[[Inquiry, Offer | None], Change]

TRANSITIONS: dict[str, Transition] = {
    "offer": lambda i, o: lifecycle.offer_to(
        i, P2, current=o, deadline=NOW + timedelta(hours=48), actor=HQ.user_id, now=NOW
    ),
    "assign_hq_user": lambda i, o: lifecycle.assign_to_hq_user(
        i, user_id="hq-carla", current=o, actor=HQ.user_id, now=NOW
    ),
    "assign_colleague": lambda i, o: lifecycle.assign_to_colleague(
        i, offer=o, principal=P1_USER, user_id="p1-colleague", now=NOW
    ),
    "accept": lambda i, o: lifecycle.accept(i, offer=o, principal=P1_USER, now=NOW),
    "reject": lambda i, o: lifecycle.reject(
        i, offer=o, principal=P1_USER, reason=RejectReason.NO_CAPACITY, note=None, now=NOW
    ),
    "discard": lambda i, o: lifecycle.discard(i, principal=HQ, note=None, now=NOW),
    "progress": lambda i, o: lifecycle.record_progress(
        i, offer=o, principal=P1_USER, step=ProgressStep.CONTACTED, note=None, now=NOW
    ),
    "link_contact": lambda i, o: lifecycle.link_contact(
        i, principal=P1_USER, contact_id="c-1", new_contact=None, now=NOW
    ),
}

# The contract (product.md, api.md), written out independently of lifecycle.ALLOWED_FROM.
WITH_HQ = {Status.UNASSIGNED, Status.ASSIGNED, Status.RETURNED}
ALLOWED: dict[str, set[Status]] = {
    "offer": WITH_HQ | {Status.PENDING},
    "assign_hq_user": WITH_HQ | {Status.PENDING},
    "assign_colleague": {Status.PENDING, Status.ACCEPTED},
    "accept": {Status.PENDING},
    "reject": {Status.PENDING},
    "discard": WITH_HQ,
    "progress": {Status.ACCEPTED},
    "link_contact": {Status.ACCEPTED, Status.CLOSED},
}

CASES = [(action, status) for action in TRANSITIONS for status in Status]


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_each_action_is_allowed_only_from_its_statuses(action: str, status: Status) -> None:
    inquiry, offer = state(status)
    if status in ALLOWED[action]:
        change = TRANSITIONS[action](inquiry, offer)
        assert change.before == inquiry
        assert change.after.version == inquiry.version + 1
        assert change.events, "every change is recorded as an event"
        assert all(e.at == NOW for e in change.events)
    else:
        with pytest.raises(Conflict):
            TRANSITIONS[action](inquiry, offer)


def _a(status: Status) -> str:
    return f"{'an' if status[0] in 'aeiou' else 'a'} {status}"


# What a person reads in the 409 (the web app shows it as it is), written out by hand.
REFUSALS: dict[str, Callable[[Status], str]] = {
    "offer": lambda s: f"cannot offer an inquiry that is {s}",
    "assign_hq_user": lambda s: f"cannot hand {_a(s)} inquiry to an HQ user",
    "assign_colleague": lambda s: f"cannot hand {_a(s)} inquiry to a colleague",
    "accept": lambda s: f"the inquiry is {s}, not pending",
    "reject": lambda s: f"the inquiry is {s}, not pending",
    "discard": lambda s: f"cannot discard an inquiry that is {s}",
    "progress": lambda s: f"cannot record progress on an inquiry that is {s}",
    "link_contact": lambda s: f"cannot link a contact to an inquiry that is {s}",
}
REFUSED = [(action, status) for action, status in CASES if status not in ALLOWED[action]]


@pytest.mark.parametrize(("action", "status"), REFUSED, ids=[f"{a}-from-{s}" for a, s in REFUSED])
def test_each_refusal_says_in_a_sentence_why(action: str, status: Status) -> None:
    inquiry, offer = state(status)
    with pytest.raises(Conflict) as refused:
        TRANSITIONS[action](inquiry, offer)
    assert str(refused.value) == REFUSALS[action](status)


def test_every_transition_has_its_own_refusal() -> None:
    # Also those no function refuses through the table today (expire answers None).
    texts = {t: lifecycle.refusal(t, Status.CLOSED) for t in lifecycle.Transition}
    assert len(set(texts.values())) == len(texts)
    expire = texts[lifecycle.Transition.EXPIRE]
    assert expire == "the offer of an inquiry that is closed cannot expire"
    assert texts[lifecycle.Transition.ACCEPT] == "cannot accept an inquiry that is closed"


@pytest.mark.parametrize("status", list(Status))
def test_expire_changes_only_a_pending_inquiry(status: Status) -> None:
    inquiry, offer = state(status)
    change = lifecycle.expire(inquiry, offer=offer, now=DEADLINE)
    assert (change is not None) is (status is Status.PENDING)


# --- offering and assigning -----------------------------------------------------------------


def test_receive_records_the_channel_as_actor_and_starts_at_version_one() -> None:
    inquiry = replace(state(Status.UNASSIGNED)[0], version=0, channel=Channel.DEALER_PAGE)
    change = lifecycle.receive(inquiry, START)
    assert change.before is None
    assert change.after.version == 1
    assert change.after.status is Status.UNASSIGNED
    [event] = change.events
    assert (event.at, event.actor, event.action) == (START, "dealer_page", "received")


def test_offer_on_intake_extends_the_unstored_change() -> None:
    inquiry = replace(state(Status.UNASSIGNED)[0], version=0)
    received = lifecycle.receive(inquiry, START)
    change = lifecycle.offer_to(
        received.after, P1, current=None, deadline=DEADLINE, actor=SYSTEM, now=START, base=received
    )
    assert change.before is None
    assert change.after.version == 1
    assert [e.action for e in change.events] == ["received", "offered"]
    assert change.events[1].actor == SYSTEM
    assert change.events[1].details == {
        "partner_id": "P1",
        "offer": 1,
        "deadline": "2026-12-03T08:00:00Z",
        "timezone": BOLZANO.timezone,  # the history shows the deadline in the partner's zone
    }
    assert change.opened_offer == Offer("inq-1", 1, "P1", BOLZANO, START, DEADLINE)


def test_offer_from_returned_clears_the_return_and_opens_a_new_offer() -> None:
    inquiry, offer = state(Status.RETURNED)
    deadline = NOW + timedelta(hours=48)
    change = lifecycle.offer_to(
        inquiry, P1, current=offer, deadline=deadline, actor=HQ.user_id, now=NOW
    )
    after = change.after
    assert after.status is Status.PENDING
    assert (after.partner_id, after.deadline, after.assigned_at) == ("P1", deadline, NOW)
    assert after.offer_seq == 2
    assert after.return_reason is None
    # HQ may offer to a partner that declined before; the declined offer is left as it is.
    assert [(w.offer.seq, w.expected) for w in change.offers] == [(2, None)]
    assert change.closed_offers == ()
    [event] = change.events
    assert (event.actor, event.action, event.details["partner_id"]) == (HQ.user_id, "offered", "P1")


def test_offer_to_another_partner_withdraws_the_open_offer() -> None:
    inquiry, offer = state(Status.PENDING)
    change = lifecycle.offer_to(
        inquiry, P2, current=offer, deadline=NOW + timedelta(hours=48), actor=HQ.user_id, now=NOW
    )
    [withdrawn] = change.closed_offers
    assert withdrawn.seq == 1
    assert withdrawn.outcome is Outcome.WITHDRAWN
    assert (withdrawn.decided_at, withdrawn.decided_by) == (NOW, HQ.user_id)
    assert change.opened_offer is not None
    assert (change.opened_offer.seq, change.opened_offer.partner_id) == (2, "P2")
    assert change.after.partner_id == "P2"
    assert [(e.action, e.details.get("partner_id")) for e in change.events] == [
        ("withdrawn", "P1"),
        ("offered", "P2"),
    ]


def test_assign_to_hq_user_is_internal_and_withdraws_an_open_offer() -> None:
    inquiry, offer = state(Status.PENDING)
    change = lifecycle.assign_to_hq_user(
        inquiry, user_id="hq-carla", current=offer, actor=HQ.user_id, now=NOW
    )
    after = change.after
    assert after.status is Status.ASSIGNED
    assert (after.user_id, after.partner_id, after.deadline) == ("hq-carla", None, None)
    assert [o.outcome for o in change.closed_offers] == [Outcome.WITHDRAWN]
    assert change.opened_offer is None
    assert [e.action for e in change.events] == ["withdrawn", "assigned"]
    assert change.events[-1].details == {"user_id": "hq-carla"}


def test_assign_to_hq_user_from_the_queue_withdraws_nothing() -> None:
    inquiry, _ = state(Status.UNASSIGNED)
    change = lifecycle.assign_to_hq_user(
        inquiry, user_id="hq-carla", current=None, actor=HQ.user_id, now=NOW
    )
    assert change.offers == ()
    assert [(e.actor, e.action) for e in change.events] == [(HQ.user_id, "assigned")]


def test_assign_to_colleague_keeps_the_partner() -> None:
    inquiry, _ = state(Status.ACCEPTED)
    change = lifecycle.assign_to_colleague(
        inquiry, offer=None, principal=P1_USER, user_id="p1-colleague", now=NOW
    )
    assert (change.after.partner_id, change.after.user_id) == ("P1", "p1-colleague")
    assert change.after.status is Status.ACCEPTED
    [event] = change.events
    assert (event.actor, event.action, event.details) == (
        P1_USER.user_id,
        "assigned",
        {"user_id": "p1-colleague", "partner_id": "P1"},
    )


# --- accept ---------------------------------------------------------------------------------


def test_accept_transfers_controllership_to_the_partner() -> None:
    inquiry, offer = state(Status.PENDING)
    change = lifecycle.accept(inquiry, offer=offer, principal=P1_USER, now=NOW)
    after = change.after
    assert after.status is Status.ACCEPTED
    assert (after.partner_id, after.user_id, after.deadline) == ("P1", P1_USER.user_id, None)
    [accepted] = change.closed_offers
    assert (accepted.outcome, accepted.decided_at, accepted.decided_by) == (
        Outcome.ACCEPTED,
        NOW,
        P1_USER.user_id,
    )
    assert [(e.at, e.actor, e.action, e.details) for e in change.events] == [
        (NOW, P1_USER.user_id, "accepted", {"partner_id": "P1"}),
        (NOW, P1_USER.user_id, "controllership_transferred", {"controller": "P1"}),
    ]
    assert change.new_contact is None
    assert after.contact_id is None


def test_accept_with_a_new_contact_links_it_in_the_same_change() -> None:
    inquiry, offer = state(Status.PENDING)
    new = NewContact("P1", "c-9", inquiry.contact, inquiry.id)
    change = lifecycle.accept(inquiry, offer=offer, principal=P1_USER, now=NOW, new_contact=new)
    assert change.after.contact_id == "c-9"
    assert change.new_contact == new
    assert change.events[-1].action == "contact_created"
    assert change.events[-1].details == {"contact_id": "c-9"}


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (DEADLINE - timedelta(microseconds=1), True),
        (DEADLINE, False),
        (DEADLINE + timedelta(seconds=1), False),
    ],
    ids=["just-before", "at-the-deadline", "after"],
)
def test_accept_and_reject_strictly_before_the_deadline(moment: datetime, allowed: bool) -> None:
    inquiry, offer = state(Status.PENDING)
    decide = [
        lambda: lifecycle.accept(inquiry, offer=offer, principal=P1_USER, now=moment),
        lambda: lifecycle.reject(
            inquiry, offer=offer, principal=P1_USER, reason=RejectReason.SPAM, note=None, now=moment
        ),
    ]
    for action in decide:
        if allowed:
            assert action().after.status in (Status.ACCEPTED, Status.RETURNED)
        else:
            with pytest.raises(Conflict):
                action()


def test_another_partner_cannot_decide_on_the_offer() -> None:
    inquiry, offer = state(Status.PENDING)
    other = partner_user("P2")
    with pytest.raises(NotFound):
        lifecycle.accept(inquiry, offer=offer, principal=other, now=NOW)
    with pytest.raises(NotFound):
        lifecycle.reject(
            inquiry, offer=offer, principal=other, reason=RejectReason.OTHER, note=None, now=NOW
        )


def test_a_decided_offer_cannot_be_accepted_again() -> None:
    inquiry, offer = state(Status.PENDING)
    assert offer is not None
    withdrawn = replace(offer, outcome=Outcome.WITHDRAWN)
    # The inquiry still reads pending here: the message says what is not (not "the
    # inquiry is pending, not pending").
    with pytest.raises(Conflict, match=r"^the offer is withdrawn, no longer open$"):
        lifecycle.accept(inquiry, offer=withdrawn, principal=P1_USER, now=NOW)
    with pytest.raises(Conflict, match=r"^the inquiry has no open offer$"):
        lifecycle.accept(inquiry, offer=None, principal=P1_USER, now=NOW)


# --- reject and expire ----------------------------------------------------------------------


def test_reject_returns_to_hq_and_adds_the_partner_to_declined_by() -> None:
    inquiry, offer = state(Status.PENDING)
    inquiry = replace(inquiry, declined_by=frozenset({"P0"}))
    change = lifecycle.reject(
        inquiry,
        offer=offer,
        principal=P1_USER,
        reason=RejectReason.OUT_OF_AREA,
        note="too far",
        now=NOW,
    )
    after = change.after
    assert after.status is Status.RETURNED
    assert after.return_reason is ReturnReason.REJECTED
    assert (after.partner_id, after.user_id, after.deadline) == (None, None, None)
    assert after.declined_by == {"P0", "P1"}
    [rejected] = change.closed_offers
    assert (rejected.outcome, rejected.reason, rejected.decided_by) == (
        Outcome.REJECTED,
        "out_of_area",
        P1_USER.user_id,
    )
    [event] = change.events
    assert (event.at, event.actor, event.action) == (NOW, P1_USER.user_id, "rejected")
    assert event.details == {"partner_id": "P1", "reason": "out_of_area", "note": "too far"}


def test_expire_is_recorded_by_the_system_at_the_deadline() -> None:
    inquiry, offer = state(Status.PENDING)
    change = lifecycle.expire(inquiry, offer=offer, now=DEADLINE)
    assert change is not None
    after = change.after
    assert after.status is Status.RETURNED
    assert after.return_reason is ReturnReason.EXPIRED
    assert after.declined_by == {"P1"}
    assert (after.partner_id, after.deadline) == (None, None)
    [expired] = change.closed_offers
    assert (expired.outcome, expired.decided_at, expired.decided_by) == (
        Outcome.EXPIRED,
        DEADLINE,
        SYSTEM,
    )
    [event] = change.events
    assert (event.at, event.actor, event.action) == (DEADLINE, SYSTEM, "expired")
    assert event.details == {"partner_id": "P1", "deadline": "2026-12-03T08:00:00Z"}


def test_expire_is_a_no_op_before_the_deadline() -> None:
    inquiry, offer = state(Status.PENDING)
    assert lifecycle.expire(inquiry, offer=offer, now=DEADLINE - timedelta(seconds=1)) is None


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.PENDING])
def test_expire_is_a_no_op_for_a_decided_offer(outcome: Outcome) -> None:
    inquiry, offer = state(Status.PENDING)
    assert offer is not None
    decided = replace(offer, outcome=outcome)
    assert lifecycle.expire(inquiry, offer=decided, now=DEADLINE + timedelta(days=1)) is None


def test_expire_is_a_no_op_for_an_offer_that_is_not_the_current_one() -> None:
    inquiry, _ = state(Status.PENDING)
    newer = replace(inquiry, offer_seq=2)
    old = pending_offer(seq=1)
    assert lifecycle.expire(newer, offer=old, now=DEADLINE + timedelta(days=1)) is None
    assert lifecycle.expire(newer, offer=None, now=DEADLINE + timedelta(days=1)) is None


# --- discard, progress, contact -------------------------------------------------------------


def test_discard_records_who_and_the_note() -> None:
    inquiry, _ = state(Status.RETURNED)
    change = lifecycle.discard(inquiry, principal=HQ, note="spam", now=NOW)
    assert change.after.status is Status.DISCARDED
    [event] = change.events
    assert (event.at, event.actor, event.action, event.details) == (
        NOW,
        HQ.user_id,
        "discarded",
        {"note": "spam"},
    )


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (ProgressStep.CONTACTED, Status.ACCEPTED),
        (ProgressStep.OFFER_SENT, Status.ACCEPTED),
        (ProgressStep.WON, Status.CLOSED),
        (ProgressStep.LOST, Status.CLOSED),
    ],
)
def test_progress_won_and_lost_close(step: ProgressStep, status: Status) -> None:
    inquiry, offer = state(Status.ACCEPTED)
    change = lifecycle.record_progress(
        inquiry, offer=offer, principal=P1_USER, step=step, note="n", now=NOW
    )
    assert change.after.status is status
    assert change.after.progress == (ProgressEntry(step, NOW, P1_USER.user_id, "n"),)
    [event] = change.events
    assert (event.actor, event.action, event.details) == (
        P1_USER.user_id,
        "progress",
        {"step": step.value, "note": "n"},
    )


def test_the_offer_keeps_the_first_progress_time_and_each_step_reached_once() -> None:
    inquiry, offer = state(Status.ACCEPTED)
    first = lifecycle.record_progress(
        inquiry, offer=offer, principal=P1_USER, step=ProgressStep.CONTACTED, note=None, now=NOW
    )
    [write] = first.offers
    assert write.expected is Outcome.ACCEPTED
    assert write.offer.first_progress_at == NOW
    assert write.offer.steps == {ProgressStep.CONTACTED}
    later = NOW + timedelta(hours=5)
    second = lifecycle.record_progress(
        first.after,
        offer=write.offer,
        principal=P1_USER,
        step=ProgressStep.OFFER_SENT,
        note=None,
        now=later,
    )
    [write] = second.offers
    assert write.expected is Outcome.ACCEPTED
    assert write.offer.first_progress_at == NOW  # the first progress, not the latest
    assert write.offer.steps == {ProgressStep.CONTACTED, ProgressStep.OFFER_SENT}
    assert [p.step for p in second.after.progress] == [
        ProgressStep.CONTACTED,
        ProgressStep.OFFER_SENT,
    ]
    # A step the offer already has changes the inquiry's history only.
    again = lifecycle.record_progress(
        second.after,
        offer=write.offer,
        principal=P1_USER,
        step=ProgressStep.CONTACTED,
        note="called again",
        now=later,
    )
    assert again.offers == ()
    assert len(again.after.progress) == 3


def test_link_contact_only_once() -> None:
    inquiry, _ = state(Status.ACCEPTED)
    change = lifecycle.link_contact(
        inquiry, principal=P1_USER, contact_id="c-1", new_contact=None, now=NOW
    )
    assert change.after.contact_id == "c-1"
    assert [(e.action, e.details) for e in change.events] == [
        ("contact_linked", {"contact_id": "c-1"})
    ]
    with pytest.raises(Conflict):
        lifecycle.link_contact(
            change.after, principal=P1_USER, contact_id="c-2", new_contact=None, now=NOW
        )


def test_link_to_a_new_contact_records_its_creation() -> None:
    inquiry, _ = state(Status.ACCEPTED)
    new = NewContact("P1", "c-7", inquiry.contact, inquiry.id)
    change = lifecycle.link_contact(
        inquiry, principal=P1_USER, contact_id="c-7", new_contact=new, now=NOW
    )
    assert change.new_contact == new
    assert change.events[0].action == "contact_created"


def test_an_inactive_partner_gets_no_new_offer() -> None:
    inquiry, offer = state(Status.PENDING)
    with pytest.raises(Conflict, match="inactive"):
        lifecycle.offer_to(
            inquiry,
            replace(P2, active=False),
            current=offer,
            deadline=NOW + timedelta(hours=48),
            actor=HQ.user_id,
            now=NOW,
        )

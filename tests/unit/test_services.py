"""The use cases against in-memory fakes: intake, decisions, expiry, lists."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from inquiries.api.views import accepted_view, inquiry_detail, inquiry_page, rejected_view
from inquiries.domain import lifecycle
from inquiries.domain.errors import (
    ChangeRejected,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from inquiries.domain.model import (
    SYSTEM,
    Calendar,
    Channel,
    Contact,
    Inquiry,
    Offer,
    Outcome,
    Principal,
    ProgressStep,
    RejectReason,
    ReturnReason,
    Status,
)
from inquiries.service import decisions, scheduling
from inquiries.service.expiry import SWEEP_BATCH, expire_offer, sweep
from inquiries.service.intake import Submission, submit
from inquiries.service.ports import ListFilter

from tests.conftest import START
from tests.unit.fakes import HQ, Fakes, a_contact, a_partner, fake_dependencies, partner_user

# Tuesday 09:00 in Bolzano; 48 working hours later is Thursday 09:00 there.
DEADLINE = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
MUNICH = Calendar(
    country="DE", subdivision="BY", timezone="Europe/Berlin", working_days=(1, 2, 3, 4, 5, 6)
)
P1 = a_partner("P1", "39")
P2 = a_partner("P2", "38")
P3 = a_partner("P3", "80", country="DE", calendar=MUNICH)
P1_USER = partner_user("P1")
P2_USER = partner_user("P2")


@pytest.fixture
def world() -> Fakes:
    return fake_dependencies(partners=[P1, P2, P3])


def submitted(
    world: Fakes,
    contact: Contact | None = None,
    *,
    partner_id: str | None = None,
    key: str | None = None,
    fingerprint: str = "body-1",
    at: datetime | None = None,
) -> str:
    if at is not None:
        world.clock.set(at)
    result = submit(
        world.deps,
        Submission(
            "windows", contact or a_contact(), message="Three windows", partner_id=partner_id
        ),
        idempotency_key=key,
        fingerprint=fingerprint,
    )
    return result.inquiry_id


def loaded(world: Fakes, inquiry_id: str, who: Principal) -> decisions.Loaded:
    return decisions.load_visible(world.deps, inquiry_id, who)


def stored(world: Fakes, inquiry_id: str) -> Inquiry:
    record = world.repository.load(inquiry_id)
    assert record is not None
    return record.inquiry


def offers(world: Fakes, inquiry_id: str) -> dict[int, Offer]:
    record = world.repository.load(inquiry_id)
    assert record is not None
    return {o.seq: o for o in record.offers}


def actions(world: Fakes, inquiry_id: str) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in world.repository.events_of(inquiry_id)]


def accept(world: Fakes, inquiry_id: str, who: Principal = P1_USER) -> dict[str, Any]:
    return accepted_view(decisions.accept(world.deps, loaded(world, inquiry_id, who), who), who)


def reject(world: Fakes, inquiry_id: str, who: Principal = P1_USER) -> dict[str, Any]:
    after = decisions.reject(
        world.deps, loaded(world, inquiry_id, who), who, RejectReason.NO_CAPACITY, None
    )
    return rejected_view(after, RejectReason.NO_CAPACITY)


def assign(
    world: Fakes,
    inquiry_id: str,
    who: Principal = HQ,
    *,
    partner_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    after = decisions.assign(
        world.deps, loaded(world, inquiry_id, who), who, partner_id=partner_id, user_id=user_id
    )
    return inquiry_detail(after, who)


def progress(world: Fakes, inquiry_id: str, step: ProgressStep) -> dict[str, Any]:
    after = decisions.record_progress(
        world.deps, loaded(world, inquiry_id, P1_USER), P1_USER, step, None
    )
    return inquiry_detail(after, P1_USER)


# --- intake ---------------------------------------------------------------------------------


def test_an_inquiry_is_routed_offered_and_its_expiry_scheduled(world: Fakes) -> None:
    inquiry_id = submitted(world)
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.partner_id, inquiry.channel) == (
        Status.PENDING,
        "P1",
        Channel.WEBSITE,
    )
    assert (inquiry.assigned_at, inquiry.deadline) == (START, DEADLINE)
    [offer] = offers(world, inquiry_id).values()
    assert (offer.partner_id, offer.outcome, offer.deadline) == ("P1", Outcome.PENDING, DEADLINE)
    assert world.scheduler.scheduled == [offer]
    assert actions(world, inquiry_id) == [("website", "received"), (SYSTEM, "offered")]


def test_a_dealer_page_inquiry_is_offered_to_that_dealer(world: Fakes) -> None:
    inquiry_id = submitted(world, partner_id="P3")
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.partner_id, inquiry.channel) == (
        Status.PENDING,
        "P3",
        Channel.DEALER_PAGE,
    )
    assert [o.partner_id for o in world.scheduler.scheduled] == ["P3"]
    assert actions(world, inquiry_id)[0] == ("dealer_page", "received")


def test_an_unknown_dealer_is_refused_and_nothing_is_stored(world: Fakes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        submitted(world, partner_id="NOPE")
    assert refused.value.errors[0]["loc"] == ["body", "partner_id"]
    assert world.repository.all_inquiries() == []
    assert world.scheduler.scheduled == []


def test_without_a_candidate_the_inquiry_waits_in_the_hq_queue(world: Fakes) -> None:
    inquiry_id = submitted(world, a_contact(postal_code="20100", city="Milano"))
    inquiry = stored(world, inquiry_id)
    assert inquiry.status is Status.UNASSIGNED
    assert (inquiry.partner_id, inquiry.deadline, inquiry.offer_seq) == (None, None, 0)
    assert offers(world, inquiry_id) == {}
    assert world.scheduler.scheduled == []
    assert actions(world, inquiry_id) == [("website", "received")]


def test_a_routing_failure_queues_the_inquiry_at_hq(world: Fakes) -> None:
    world.repository.fail_on.add("partners_covering")
    inquiry_id = submitted(world)
    assert stored(world, inquiry_id).status is Status.UNASSIGNED


def test_a_scheduler_failure_neither_fails_nor_loses_the_inquiry(world: Fakes) -> None:
    world.scheduler.fail_schedule = True
    inquiry_id = submitted(world)
    assert stored(world, inquiry_id).status is Status.PENDING
    assert world.scheduler.scheduled == []
    # The sweeper returns it once overdue, though no schedule exists.
    world.clock.set(DEADLINE)
    assert sweep(world.deps) == 1
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.return_reason) == (Status.RETURNED, ReturnReason.EXPIRED)


def test_the_same_key_and_body_answer_the_same_inquiry(world: Fakes) -> None:
    first = submit(world.deps, Submission("windows", a_contact()), idempotency_key="k1")
    world.clock.advance(hours=71, minutes=59)
    again = submit(world.deps, Submission("windows", a_contact()), idempotency_key="k1")
    assert again.inquiry_id == first.inquiry_id
    assert (first.replayed, again.replayed) == (False, True)
    assert len(world.repository.all_inquiries()) == 1
    # The replay re-asks for the same schedule (a first attempt may have died before
    # scheduling); the schedule's name makes that idempotent: still one expiry.
    assert len(world.scheduler.active) == 1
    assert [o.seq for o in world.scheduler.scheduled] == [1, 1]


def test_a_replay_schedules_an_expiry_the_first_attempt_never_scheduled(world: Fakes) -> None:
    world.scheduler.fail_schedule = True
    first = submit(world.deps, Submission("windows", a_contact()), idempotency_key="k1")
    assert world.scheduler.active == {}
    world.scheduler.fail_schedule = False
    again = submit(world.deps, Submission("windows", a_contact()), idempotency_key="k1")
    assert again.inquiry_id == first.inquiry_id
    assert list(world.scheduler.active) == [f"expire-{first.inquiry_id}-1"]


def test_the_same_key_with_another_body_is_a_conflict(world: Fakes) -> None:
    submitted(world, key="k1", fingerprint="body-1")
    with pytest.raises(Conflict):
        submitted(world, key="k1", fingerprint="body-2")
    assert len(world.repository.all_inquiries()) == 1


def test_a_key_after_72_hours_makes_a_new_inquiry(world: Fakes) -> None:
    first = submitted(world, key="k1")
    second = submitted(world, key="k1", fingerprint="body-2", at=START + timedelta(hours=72))
    assert second != first
    assert len(world.repository.all_inquiries()) == 2
    # The key now answers the second inquiry.
    world.clock.advance(hours=1)
    assert submitted(world, key="k1", fingerprint="body-2") == second


def test_without_or_with_different_keys_every_submission_is_new(world: Fakes) -> None:
    ids = {submitted(world), submitted(world), submitted(world, key="a"), submitted(world, key="b")}
    assert len(ids) == 4


# --- accept, duplicates, contacts -----------------------------------------------------------


def test_accept_without_duplicates_creates_the_contact_at_once(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.advance(hours=2)
    answer = accept(world, inquiry_id)
    assert answer["duplicates"] == []
    view = answer["inquiry"]
    assert (view["status"], view["anonymized"], view["deadline"]) == ("accepted", False, None)
    assert view["contact"]["email"] == a_contact().email
    [(contact_id, created)] = world.repository.contacts_of("P1").items()
    assert view["contact_id"] == contact_id == stored(world, inquiry_id).contact_id
    assert created.contact == a_contact()
    assert actions(world, inquiry_id)[-3:] == [
        ("p1-user", "accepted"),
        ("p1-user", "controllership_transferred"),
        ("p1-user", "contact_created"),
    ]
    offer = offers(world, inquiry_id)[1]
    assert (offer.outcome, offer.decided_by) == (Outcome.ACCEPTED, "p1-user")
    assert offer.decided_at == START + timedelta(hours=2)
    # The decided offer's schedule is no longer needed.
    assert world.scheduler.cancelled == [offer]
    assert world.scheduler.active == {}


def test_accept_with_duplicates_lists_them_and_creates_nothing(world: Fakes) -> None:
    earlier = submitted(world, a_contact(email="GUDRUN.Oberhollenzer@example.com", phone=None))
    accept(world, earlier)
    [old_contact] = world.repository.contacts_of("P1")
    # The same person, another e-mail spelling, her phone in local format.
    inquiry_id = submitted(world, a_contact(phone="0471 987654"))
    answer = accept(world, inquiry_id)
    # Each candidate carries the contact as the address book holds it (the earlier
    # spelling, no phone), so the partner can compare it with the inquiry's.
    assert answer["duplicates"] == [
        {
            "contact_id": old_contact,
            "matched_on": ["email", "name_postal_code"],
            "contact": {
                "contact_id": old_contact,
                "first_name": "Gudrun",
                "last_name": "Oberhollenzer",
                "email": "GUDRUN.Oberhollenzer@example.com",
                "phone": None,
                "street": "Via Cavour 17",
                "postal_code": "39100",
                "city": "Bolzano",
                "country": "IT",
                "company": "Tischlerei Sonnwend",
                "source": "inquiry",
            },
        }
    ]
    assert world.repository.contacts_calls == [[old_contact]]  # one batch read
    assert answer["inquiry"]["contact_id"] is None
    assert list(world.repository.contacts_of("P1")) == [old_contact]
    assert "contact_created" not in [a for _, a in actions(world, inquiry_id)]


def test_accept_without_candidates_reads_no_contacts(world: Fakes) -> None:
    answer = accept(world, submitted(world))
    assert answer["duplicates"] == []
    assert world.repository.contacts_calls == []


def test_a_pending_inquiry_shows_the_deadline_time_zone_of_the_offered_partner(
    world: Fakes,
) -> None:
    munich = submitted(world, a_contact(postal_code="80331", city="München", country="DE"))
    bolzano = submitted(world)
    p3_user = partner_user("P3")
    for who in (p3_user, HQ):
        view = inquiry_detail(loaded(world, munich, who), who)
        assert (view["status"], view["timezone"]) == ("pending", "Europe/Berlin")
    assert inquiry_detail(loaded(world, bolzano, HQ), HQ)["timezone"] == "Europe/Rome"
    # Accepted or returned: no deadline, so no time zone either.
    assert accept(world, munich, p3_user)["inquiry"]["timezone"] is None
    assert inquiry_detail(loaded(world, munich, HQ), HQ)["timezone"] is None
    reject(world, bolzano)
    assert inquiry_detail(loaded(world, bolzano, HQ), HQ)["timezone"] is None
    assert stored(world, bolzano).deadline_timezone is None


def test_another_partners_contacts_are_no_duplicates(world: Fakes) -> None:
    elsewhere = submitted(world, a_contact(postal_code="38100", city="Trento"))
    accept(world, elsewhere, P2_USER)
    inquiry_id = submitted(world)
    assert accept(world, inquiry_id)["duplicates"] == []


def test_link_an_accepted_inquiry_to_an_existing_contact(world: Fakes) -> None:
    accept(world, submitted(world))
    [old_contact] = world.repository.contacts_of("P1")
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    view = inquiry_detail(
        decisions.link_contact(
            world.deps,
            loaded(world, inquiry_id, P1_USER),
            P1_USER,
            contact_id=old_contact,
            new=False,
        ),
        P1_USER,
    )
    assert view["contact_id"] == old_contact == stored(world, inquiry_id).contact_id
    assert actions(world, inquiry_id)[-1] == ("p1-user", "contact_linked")
    # Once linked, it stays linked.
    with pytest.raises(Conflict):
        decisions.link_contact(
            world.deps, loaded(world, inquiry_id, P1_USER), P1_USER, contact_id=None, new=True
        )


def test_link_an_accepted_inquiry_to_a_new_contact(world: Fakes) -> None:
    accept(world, submitted(world))
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    view = inquiry_detail(
        decisions.link_contact(
            world.deps, loaded(world, inquiry_id, P1_USER), P1_USER, contact_id=None, new=True
        ),
        P1_USER,
    )
    assert len(world.repository.contacts_of("P1")) == 2
    assert view["contact_id"] in world.repository.contacts_of("P1")
    assert actions(world, inquiry_id)[-1] == ("p1-user", "contact_created")


def test_link_to_a_contact_that_is_not_the_partners_is_refused(world: Fakes) -> None:
    accept(world, submitted(world, a_contact(postal_code="38100")), P2_USER)
    [p2_contact] = world.repository.contacts_of("P2")
    accept(world, submitted(world))
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    before = stored(world, inquiry_id)
    for contact_id in (p2_contact, "no-such-contact", None):
        with pytest.raises(ValidationFailed):
            decisions.link_contact(
                world.deps,
                loaded(world, inquiry_id, P1_USER),
                P1_USER,
                contact_id=contact_id,
                new=False,
            )
    assert stored(world, inquiry_id) == before


def test_accept_twice_is_a_conflict(world: Fakes) -> None:
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    with pytest.raises(Conflict):
        accept(world, inquiry_id)


def test_accept_just_before_the_deadline_is_in_time(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE - timedelta(seconds=1))
    assert accept(world, inquiry_id)["inquiry"]["status"] == "accepted"


@pytest.mark.parametrize("late", [timedelta(0), timedelta(hours=5)], ids=["at", "after"])
@pytest.mark.parametrize("decide", [accept, reject], ids=["accept", "reject"])
def test_a_late_decision_is_refused_and_returns_the_inquiry(
    world: Fakes, decide: Any, late: timedelta
) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE + late)
    with pytest.raises(Conflict):
        decide(world, inquiry_id)
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.return_reason) == (Status.RETURNED, ReturnReason.EXPIRED)
    assert inquiry.declined_by == {"P1"}
    assert offers(world, inquiry_id)[1].outcome is Outcome.EXPIRED
    assert actions(world, inquiry_id)[-1] == (SYSTEM, "expired")
    assert world.scheduler.active == {}
    # The partner has lost access; the expiry that fires later changes nothing.
    with pytest.raises(NotFound):
        loaded(world, inquiry_id, P1_USER)
    assert expire_offer(world.deps, inquiry_id, 1) is False


def test_a_cancel_failure_does_not_fail_the_decision(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.scheduler.fail_cancel = True
    assert accept(world, inquiry_id)["inquiry"]["status"] == "accepted"


def test_a_reminder_that_cannot_be_worked_out_neither_fails_nor_loses_the_inquiry(
    world: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(offer: Any) -> datetime:
        raise ValueError("no working window")

    monkeypatch.setattr(scheduling, "reminder_at", broken)
    inquiry_id = submitted(world)
    [offer] = offers(world, inquiry_id).values()
    assert stored(world, inquiry_id).status is Status.PENDING
    assert world.scheduler.scheduled == [offer] and world.scheduler.reminders == []


def test_an_offers_two_schedules_are_made_and_deleted_at_the_same_time(world: Fakes) -> None:
    # Each scheduler call waits for another one to be under way: made one after the
    # other, each would time out and the offer would have no schedule at all.
    world.scheduler.together = threading.Barrier(2, timeout=2)
    inquiry_id = submitted(world)
    [offer] = offers(world, inquiry_id).values()
    assert world.scheduler.scheduled == [offer]
    assert [o for o, _ in world.scheduler.reminders] == [offer]
    accept(world, inquiry_id)
    deleted = world.scheduler.cancelled + world.scheduler.reminders_cancelled
    assert [(o.inquiry_id, o.seq) for o in deleted] == [(inquiry_id, 1)] * 2


# --- reject ---------------------------------------------------------------------------------


def test_reject_returns_the_inquiry_and_the_partner_loses_access(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.advance(hours=1)
    answer = reject(world, inquiry_id)
    assert answer == {"id": inquiry_id, "status": "returned", "reason": "no_capacity"}
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.return_reason) == (Status.RETURNED, ReturnReason.REJECTED)
    assert inquiry.declined_by == {"P1"}
    offer = offers(world, inquiry_id)[1]
    assert (offer.outcome, offer.reason) == (Outcome.REJECTED, "no_capacity")
    assert world.scheduler.cancelled == [offer]
    with pytest.raises(NotFound):
        loaded(world, inquiry_id, P1_USER)
    # HQ sees it, returned, with the reason.
    view = inquiry_detail(loaded(world, inquiry_id, HQ), HQ)
    assert (view["status"], view["return_reason"]) == ("returned", "rejected")


def test_only_the_offered_partner_may_reject_or_accept(world: Fakes) -> None:
    inquiry_id = submitted(world)
    with pytest.raises(NotFound):
        reject(world, inquiry_id, P2_USER)
    with pytest.raises(NotFound):
        accept(world, inquiry_id, P2_USER)
    assert stored(world, inquiry_id).status is Status.PENDING


# --- HQ assigns -----------------------------------------------------------------------------


def test_hq_offers_a_returned_inquiry_with_a_deadline_in_the_new_partners_calendar(
    world: Fakes,
) -> None:
    inquiry_id = submitted(world)
    reject(world, inquiry_id)
    # Thursday 11:00 in Munich; P3 works Monday to Saturday: Saturday 11:00.
    world.clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    view = assign(world, inquiry_id, partner_id="P3")
    assert (view["status"], view["partner_id"]) == ("pending", "P3")
    assert view["deadline"] == "2026-12-05T10:00:00Z"
    new = offers(world, inquiry_id)[2]
    assert (new.partner_id, new.outcome, new.deadline) == (
        "P3",
        Outcome.PENDING,
        datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
    )
    assert world.scheduler.active == {f"expire-{inquiry_id}-2": new}
    assert actions(world, inquiry_id)[-1] == (HQ.user_id, "offered")


def test_hq_may_offer_to_a_partner_that_declined(world: Fakes) -> None:
    inquiry_id = submitted(world)
    reject(world, inquiry_id)
    assign(world, inquiry_id, partner_id="P1")
    assert stored(world, inquiry_id).partner_id == "P1"
    assert accept(world, inquiry_id)["inquiry"]["status"] == "accepted"


def test_hq_cannot_offer_to_an_inactive_partner_and_nothing_changes(world: Fakes) -> None:
    inquiry_id = submitted(world)
    reject(world, inquiry_id)
    world.repository.put_partner(replace(P2, active=False))
    before = (stored(world, inquiry_id), offers(world, inquiry_id), dict(world.scheduler.active))
    with pytest.raises(Conflict, match="P2 is inactive"):
        assign(world, inquiry_id, partner_id="P2")
    after = (stored(world, inquiry_id), offers(world, inquiry_id), dict(world.scheduler.active))
    assert after == before


def test_a_pending_offer_stays_when_its_partner_becomes_inactive(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.repository.put_partner(replace(P1, active=False))
    assert stored(world, inquiry_id).status is Status.PENDING
    assert accept(world, inquiry_id)["inquiry"]["status"] == "accepted"


def test_hq_reassigning_a_pending_inquiry_withdraws_the_open_offer(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.advance(hours=1)
    assign(world, inquiry_id, partner_id="P2")
    old, new = offers(world, inquiry_id)[1], offers(world, inquiry_id)[2]
    assert (old.outcome, old.decided_by) == (Outcome.WITHDRAWN, HQ.user_id)
    assert world.scheduler.cancelled == [old]
    assert world.scheduler.active == {f"expire-{inquiry_id}-2": new}
    with pytest.raises(NotFound):
        loaded(world, inquiry_id, P1_USER)
    view = inquiry_detail(loaded(world, inquiry_id, P2_USER), P2_USER)
    assert (view["anonymized"], view["contact"]) == (True, None)
    # The withdrawn offer's expiry, should it fire, changes nothing.
    world.clock.set(DEADLINE)
    assert expire_offer(world.deps, inquiry_id, 1) is False
    assert stored(world, inquiry_id).status is Status.PENDING


def test_hq_assigning_an_unknown_partner_is_refused(world: Fakes) -> None:
    inquiry_id = submitted(world, a_contact(postal_code="20100"))
    with pytest.raises(ValidationFailed):
        assign(world, inquiry_id, partner_id="NOPE")
    assert stored(world, inquiry_id).status is Status.UNASSIGNED


def test_hq_assigns_to_an_hq_user_without_acceptance(world: Fakes) -> None:
    inquiry_id = submitted(world)
    view = assign(world, inquiry_id, user_id="hq-bert")
    assert (view["status"], view["user_id"], view["partner_id"], view["deadline"]) == (
        "assigned",
        "hq-bert",
        None,
        None,
    )
    assert offers(world, inquiry_id)[1].outcome is Outcome.WITHDRAWN
    assert world.scheduler.active == {}


def test_a_partner_hands_an_accepted_inquiry_to_a_colleague(world: Fakes) -> None:
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    view = assign(world, inquiry_id, P1_USER, user_id="p1-colleague")
    assert (view["status"], view["partner_id"], view["user_id"]) == (
        "accepted",
        "P1",
        "p1-colleague",
    )


def test_a_partner_may_not_assign_to_a_partner(world: Fakes) -> None:
    inquiry_id = submitted(world)
    accept(world, inquiry_id)
    with pytest.raises(Forbidden):
        assign(world, inquiry_id, P1_USER, partner_id="P2")
    assert stored(world, inquiry_id).partner_id == "P1"


# --- discard and progress -------------------------------------------------------------------


def test_discard_from_the_queue_from_an_hq_user_and_when_returned(world: Fakes) -> None:
    queued = submitted(world, a_contact(postal_code="20100"))
    with_user = submitted(world, a_contact(postal_code="20100"))
    assign(world, with_user, user_id="hq-bert")
    returned = submitted(world)
    reject(world, returned)
    for inquiry_id in (queued, with_user, returned):
        view = inquiry_detail(
            decisions.discard(world.deps, loaded(world, inquiry_id, HQ), HQ, "spam"), HQ
        )
        assert view["status"] == "discarded"
        assert actions(world, inquiry_id)[-1] == (HQ.user_id, "discarded")


def test_discard_is_refused_while_a_partner_has_it(world: Fakes) -> None:
    pending = submitted(world)
    accepted = submitted(world)
    accept(world, accepted)
    for inquiry_id in (pending, accepted):
        before = stored(world, inquiry_id)
        with pytest.raises(Conflict):
            decisions.discard(world.deps, loaded(world, inquiry_id, HQ), HQ, None)
        assert stored(world, inquiry_id) == before


def test_progress_is_recorded_and_won_closes(world: Fakes) -> None:
    inquiry_id = submitted(world)
    with pytest.raises(Conflict):
        progress(world, inquiry_id, ProgressStep.CONTACTED)
    accept(world, inquiry_id)
    world.clock.advance(hours=3)
    view = progress(world, inquiry_id, ProgressStep.CONTACTED)
    assert view["status"] == "accepted"
    assert offers(world, inquiry_id)[1].first_progress_at == START + timedelta(hours=3)
    world.clock.advance(hours=3)
    progress(world, inquiry_id, ProgressStep.OFFER_SENT)
    view = progress(world, inquiry_id, ProgressStep.WON)
    assert view["status"] == "closed"
    assert [p["step"] for p in view["progress"]] == ["contacted", "offer_sent", "won"]
    # The first step stays the first.
    assert offers(world, inquiry_id)[1].first_progress_at == START + timedelta(hours=3)
    with pytest.raises(Conflict):
        progress(world, inquiry_id, ProgressStep.LOST)
    # A closed inquiry stays the partner's, with the person's data.
    assert inquiry_detail(loaded(world, inquiry_id, P1_USER), P1_USER)["anonymized"] is False


# --- races ----------------------------------------------------------------------------------


def test_a_change_on_a_stale_read_is_a_conflict_and_changes_nothing(world: Fakes) -> None:
    inquiry_id = submitted(world, a_contact(postal_code="20100"))
    first, second = loaded(world, inquiry_id, HQ), loaded(world, inquiry_id, HQ)
    decisions.assign(world.deps, first, HQ, partner_id=None, user_id="hq-bert")
    with pytest.raises(Conflict):
        decisions.discard(world.deps, second, HQ, None)
    assert stored(world, inquiry_id).status is Status.ASSIGNED


def test_accept_and_expiry_exactly_one_wins_expiry_first(world: Fakes) -> None:
    inquiry_id = submitted(world)
    stale = loaded(world, inquiry_id, P1_USER)
    world.clock.set(DEADLINE)
    assert expire_offer(world.deps, inquiry_id, 1) is True
    # An accept computed on a clock a little behind still loses.
    world.clock.set(DEADLINE - timedelta(seconds=2))
    with pytest.raises(Conflict):
        decisions.accept(world.deps, stale, P1_USER)
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.return_reason) == (Status.RETURNED, ReturnReason.EXPIRED)
    assert world.repository.contacts_of("P1") == {}


def test_accept_and_expiry_exactly_one_wins_accept_first(world: Fakes) -> None:
    inquiry_id = submitted(world)
    record = world.repository.load(inquiry_id)
    assert record is not None
    [offer] = record.offers
    expiry = lifecycle.expire(record.inquiry, offer=offer, now=DEADLINE)
    assert expiry is not None
    world.clock.set(DEADLINE - timedelta(seconds=1))
    accept(world, inquiry_id)
    with pytest.raises(ChangeRejected):
        world.repository.apply(expiry)
    assert stored(world, inquiry_id).status is Status.ACCEPTED
    assert offers(world, inquiry_id)[1].outcome is Outcome.ACCEPTED


# --- expiry ---------------------------------------------------------------------------------


def test_expire_offer_does_nothing_before_the_deadline(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE - timedelta(microseconds=1))
    assert expire_offer(world.deps, inquiry_id, 1) is False
    assert stored(world, inquiry_id).status is Status.PENDING


def test_expire_offer_returns_the_inquiry_once(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE)
    assert expire_offer(world.deps, inquiry_id, 1) is True
    assert expire_offer(world.deps, inquiry_id, 1) is False
    inquiry = stored(world, inquiry_id)
    assert (inquiry.status, inquiry.return_reason) == (Status.RETURNED, ReturnReason.EXPIRED)
    assert [a for _, a in actions(world, inquiry_id)].count("expired") == 1
    assert actions(world, inquiry_id)[-1] == (SYSTEM, "expired")
    # A schedule that fired deleted itself; nobody cancels it.
    assert world.scheduler.cancelled == []


def test_expire_offer_of_an_unknown_inquiry_or_offer_does_nothing(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE)
    assert expire_offer(world.deps, "no-such-inquiry", 1) is False
    assert expire_offer(world.deps, inquiry_id, 7) is False
    assert stored(world, inquiry_id).status is Status.PENDING


def test_sweep_returns_only_overdue_pending_inquiries(world: Fakes) -> None:
    world.scheduler.fail_schedule = True
    overdue = submitted(world)
    later = submitted(world, at=START + timedelta(hours=2))
    accepted = submitted(world)
    accept(world, accepted)
    world.clock.set(DEADLINE + timedelta(hours=1))
    assert sweep(world.deps) == 1
    assert stored(world, overdue).status is Status.RETURNED
    assert stored(world, later).status is Status.PENDING
    assert stored(world, accepted).status is Status.ACCEPTED
    assert sweep(world.deps) == 0
    world.clock.set(DEADLINE + timedelta(hours=2))
    assert sweep(world.deps) == 1
    assert stored(world, later).status is Status.RETURNED


def test_sweep_takes_more_than_one_batch(world: Fakes) -> None:
    world.scheduler.fail_schedule = True
    count = SWEEP_BATCH + 20
    for _ in range(count):
        submitted(world)
    world.clock.set(DEADLINE)
    assert sweep(world.deps) == count
    assert {i.status for i in world.repository.all_inquiries()} == {Status.RETURNED}


def test_sweep_deletes_the_schedules_it_overtook(world: Fakes) -> None:
    inquiry_id = submitted(world)
    world.clock.set(DEADLINE)
    assert sweep(world.deps) == 1
    assert world.scheduler.cancelled == [offers(world, inquiry_id)[1]]


# --- lists ----------------------------------------------------------------------------------


def ids_of(answer: dict[str, Any]) -> list[str]:
    return [item["id"] for item in answer["items"]]


@pytest.fixture
def inbox(world: Fakes) -> dict[str, str]:
    """P1's inquiries: deadlines in another order than creation; some accepted, one closed."""
    hour = timedelta(hours=1)
    made = {"a": submitted(world, at=START)}
    made["b"] = submitted(world, a_contact(postal_code="38100"), at=START + hour)  # P2 first
    made["c"] = submitted(world, at=START + 2 * hour)
    made["d"] = submitted(world, at=START + 3 * hour)
    made["e"] = submitted(world, at=START + 4 * hour)
    world.clock.set(START + 5 * hour)
    assign(world, made["b"], partner_id="P1")  # offered to P1 last: latest deadline
    accept(world, made["d"])
    accept(world, made["e"])
    progress(world, made["e"], ProgressStep.WON)
    made["gone"] = submitted(world)
    reject(world, made["gone"])
    made["p2"] = submitted(world, a_contact(postal_code="38100"))
    return made


def test_a_partner_lists_pending_by_deadline_then_the_rest_newest_first(
    world: Fakes, inbox: dict[str, str]
) -> None:
    answer = inquiry_page(
        decisions.list_inquiries(world.deps, P1_USER, filters=ListFilter(), limit=50, cursor=None),
        P1_USER,
    )
    expected = [inbox[k] for k in ("a", "c", "b", "e", "d")]
    assert ids_of(answer) == expected
    assert answer["next"] is None
    by_id = {item["id"]: item for item in answer["items"]}
    assert by_id[inbox["a"]]["contact"] is None
    assert by_id[inbox["a"]]["anonymized"] is True
    assert by_id[inbox["d"]]["contact"]["last_name"] == a_contact().last_name


def test_a_partner_filters_its_list_by_status(world: Fakes, inbox: dict[str, str]) -> None:
    def listed(status: Status) -> list[str]:
        return ids_of(
            inquiry_page(
                decisions.list_inquiries(
                    world.deps, P1_USER, filters=ListFilter(status=status), limit=50, cursor=None
                ),
                P1_USER,
            )
        )

    assert listed(Status.PENDING) == [inbox["a"], inbox["c"], inbox["b"]]
    assert listed(Status.ACCEPTED) == [inbox["d"]]
    assert listed(Status.CLOSED) == [inbox["e"]]
    assert listed(Status.RETURNED) == []


def test_a_partner_pages_through_its_list(world: Fakes, inbox: dict[str, str]) -> None:
    seen: list[list[str]] = []
    cursor = None
    while True:
        answer = inquiry_page(
            decisions.list_inquiries(
                world.deps, P1_USER, filters=ListFilter(), limit=2, cursor=cursor
            ),
            P1_USER,
        )
        seen.append(ids_of(answer))
        cursor = answer["next"]
        if cursor is None:
            break
    assert seen == [[inbox["a"], inbox["c"]], [inbox["b"], inbox["e"]], [inbox["d"]]]


def test_hq_lists_everything_newest_first(world: Fakes, inbox: dict[str, str]) -> None:
    answer = inquiry_page(
        decisions.list_inquiries(world.deps, HQ, filters=ListFilter(), limit=50, cursor=None), HQ
    )
    newest_first = sorted(
        world.repository.all_inquiries(), key=lambda i: (i.created_at, i.id), reverse=True
    )
    assert ids_of(answer) == [i.id for i in newest_first]
    assert len(answer["items"]) == 7
    assert all(item["anonymized"] is False for item in answer["items"])
    returned = inquiry_page(
        decisions.list_inquiries(
            world.deps, HQ, filters=ListFilter(status=Status.RETURNED), limit=50, cursor=None
        ),
        HQ,
    )
    assert ids_of(returned) == [inbox["gone"]]


def test_hq_pages_through_the_list(world: Fakes, inbox: dict[str, str]) -> None:
    first = inquiry_page(
        decisions.list_inquiries(world.deps, HQ, filters=ListFilter(), limit=4, cursor=None), HQ
    )
    second = inquiry_page(
        decisions.list_inquiries(
            world.deps, HQ, filters=ListFilter(), limit=4, cursor=first["next"]
        ),
        HQ,
    )
    assert len(first["items"]) == 4
    assert len(second["items"]) == 3
    assert second["next"] is None
    assert set(ids_of(first)).isdisjoint(ids_of(second))
    everything = inquiry_page(
        decisions.list_inquiries(world.deps, HQ, filters=ListFilter(), limit=50, cursor=None), HQ
    )
    assert ids_of(first) + ids_of(second) == ids_of(everything)


def test_a_cursor_is_only_good_for_its_own_list(world: Fakes, inbox: dict[str, str]) -> None:
    hq_cursor = inquiry_page(
        decisions.list_inquiries(world.deps, HQ, filters=ListFilter(), limit=1, cursor=None), HQ
    )["next"]
    assert hq_cursor is not None
    with pytest.raises(ValidationFailed):
        inquiry_page(
            decisions.list_inquiries(
                world.deps, P1_USER, filters=ListFilter(), limit=1, cursor=hq_cursor
            ),
            P1_USER,
        )
    with pytest.raises(ValidationFailed):
        inquiry_page(
            decisions.list_inquiries(
                world.deps, HQ, filters=ListFilter(), limit=1, cursor="not a cursor!"
            ),
            HQ,
        )

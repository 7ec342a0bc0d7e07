"""The data subject's domain rules: normalising and keyed hashing, what an erasure
keeps and changes in each status, and when an inquiry comes to rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from inquiries.domain.model import (
    Calendar,
    Channel,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    ProgressEntry,
    ProgressStep,
    Status,
    SubjectKeys,
)
from inquiries.domain.subjects import (
    came_to_rest,
    email_key,
    erase,
    erase_after,
    last_name_key,
    retention_cutoff,
    scrubbed,
    subject_keys,
)

from tests.conftest import START

SECRET = b"unit-test-secret-of-32-bytes-or-more!"
CONTACT = Contact(
    last_name="Müller-Lüdenscheidt",
    email="Anna.Muller@Example.com",
    postal_code="SW1A 1AA",
    country="GB",
    first_name="Anna",
    phone="+44 20 7946 0000",
    street="1 Parliament Street",
    city="London",
)


def _inquiry(status: Status, **changes: object) -> Inquiry:
    base = Inquiry(
        id="inq1",
        status=status,
        channel=Channel.WEBSITE,
        product="windows",
        contact=CONTACT,
        created_at=START,
        message="Call Anna on +44 20 7946 0000",
        redacted_message="Call [redacted] on [redacted]",
        partner_id="P1" if status in (Status.PENDING, Status.ACCEPTED, Status.CLOSED) else None,
        offer_seq=1,
        version=4,
        subject_keys=subject_keys(SECRET, CONTACT),
        progress=(ProgressEntry(ProgressStep.CONTACTED, START, "u1", "Anna is nice"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _offer(outcome: Outcome) -> Offer:
    return Offer("inq1", 1, "P1", Calendar("GB", "Europe/London"), START, START, outcome)


def test_email_keys_ignore_case_and_surrounding_space_and_need_the_secret() -> None:
    key = email_key(SECRET, "anna.muller@example.com")
    assert email_key(SECRET, "  ANNA.Muller@EXAMPLE.com ") == key
    assert email_key(SECRET, "anna.muller@example.co") != key
    assert email_key(b"another-secret-of-32-bytes-or-more!!", "anna.muller@example.com") != key
    assert len(key) == 64 and "anna" not in key


def test_last_name_keys_are_case_insensitive_and_exact() -> None:
    key = last_name_key(SECRET, "Müller-Lüdenscheidt")
    assert last_name_key(SECRET, " müller-lüdenscheidt ") == key
    assert last_name_key(SECRET, "MÜLLER-LÜDENSCHEIDT") == key
    assert last_name_key(SECRET, "Müller") != key
    # The e-mail and the name key spaces are apart even for the same text.
    assert last_name_key(SECRET, "x@y.z") != email_key(SECRET, "x@y.z")
    assert subject_keys(SECRET, CONTACT) == SubjectKeys(
        email_key(SECRET, CONTACT.email), last_name_key(SECRET, CONTACT.last_name)
    )


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.CLOSED])
def test_erasing_a_taken_inquiry_keeps_its_status_and_tells_the_partner(status: Status) -> None:
    erasure = erase(_inquiry(status), (), actor="hq1", reason="request", now=START)
    assert erasure is not None
    after = erasure.change.after
    assert after.status is status and after.partner_id == "P1"
    assert erasure.told == ("P1",)
    assert [e.action for e in erasure.change.events] == ["erasure_requested", "erased"]
    assert erasure.change.events[0].details == {"partner_id": "P1"}
    # The person is gone; the district, product, times and progress steps stay.
    assert after.contact == Contact("", "", "SW1A", "GB", city="London")
    assert after.message is None and after.redacted_message is None
    assert after.subject_keys is None and after.erased_at == START
    assert after.progress[0].step is ProgressStep.CONTACTED and after.progress[0].note is None
    assert after.version == 5 and after.product == "windows" and after.created_at == START


def test_erasing_a_pending_inquiry_withdraws_its_offer_and_discards_it() -> None:
    erasure = erase(
        _inquiry(Status.PENDING, deadline=START, deadline_timezone="Europe/London"),
        (_offer(Outcome.PENDING),),
        actor="hq1",
        reason="request",
        now=START,
    )
    assert erasure is not None
    change = erasure.change
    assert change.after.status is Status.DISCARDED and change.after.partner_id is None
    assert change.after.deadline is None and change.after.deadline_timezone is None
    (write,) = change.offers
    assert write.expected is Outcome.PENDING and write.offer.outcome is Outcome.WITHDRAWN
    assert change.closed_offers == (write.offer,)
    assert erasure.told == ()
    assert [e.action for e in change.events] == ["withdrawn", "erased"]


@pytest.mark.parametrize("status", [Status.UNASSIGNED, Status.ASSIGNED, Status.RETURNED])
def test_erasing_an_inquiry_open_at_hq_discards_it(status: Status) -> None:
    erasure = erase(_inquiry(status), (), actor="system", reason="retention", now=START)
    assert erasure is not None
    assert erasure.change.after.status is Status.DISCARDED
    assert erasure.change.offers == ()
    assert erasure.change.events[-1].details == {"reason": "retention"}


def test_an_erased_inquiry_is_not_erased_again() -> None:
    assert (
        erase(_inquiry(Status.DISCARDED, erased_at=START), (), actor="a", reason="r", now=START)
        is None
    )


def test_scrubbing_drops_free_text_only() -> None:
    event = Event(START, "u1", "rejected", {"partner_id": "P1", "reason": "other", "note": "Anna"})
    assert scrubbed(event) == Event(
        START, "u1", "rejected", {"partner_id": "P1", "reason": "other"}
    )
    assert scrubbed(Event(START, "u1", "offered", {"partner_id": "P1"})) is None


def test_an_inquiry_comes_to_rest_when_it_leaves_the_partner_and_stays_so() -> None:
    later = START + timedelta(hours=3)
    pending = _inquiry(Status.PENDING)
    returned = came_to_rest(pending, _inquiry(Status.RETURNED), later)
    assert returned.left_at == later
    # Still returned at a later change (HQ looks at it): the moment it came to rest stays.
    assert came_to_rest(returned, returned, later + timedelta(days=1)).left_at == later
    # Discarded after being returned: a new status at rest, a new moment.
    discarded = came_to_rest(
        returned, _inquiry(Status.DISCARDED, left_at=later), later + timedelta(days=2)
    )
    assert discarded.left_at == later + timedelta(days=2)
    # Taken up again: no longer at rest.
    assert came_to_rest(returned, _inquiry(Status.ASSIGNED, left_at=later), later).left_at is None
    # Erased: nothing left to keep.
    erased = _inquiry(Status.DISCARDED, erased_at=later, left_at=later)
    assert came_to_rest(returned, erased, later).left_at is None


def test_retention_counts_whole_days_from_coming_to_rest() -> None:
    assert erase_after(START, 180) == START + timedelta(days=180)
    assert retention_cutoff(START + timedelta(days=180), 180) == START

"""Every mail kind end to end: a change over HTTP, the table's stream, notify, the outbox.

The stack is shared with the other end-to-end tests: each test makes its own
inquiries and finds its mails by the inquiry's id. Every mail to a partner or
to HQ is read whole and must hold nothing of the contact.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from inquiries.domain.model import Calendar, Offer
from inquiries.service.scheduling import reminder_at

from tests.e2e.stack import LocalStack
from tests.e2e.test_lifecycle import BAVARIA, SOUTH_TYROL, submit
from tests.e2e.test_lifecycle import form as lifecycle_form

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-local")]

HQ_EMAIL = "hq@inquiries.localhost"
PARTNER_ADDRESS = "sales@fenster-alpin.example"
BAVARIA_ADDRESS = "anfragen@fensterbau-bayern.example"
WAIT_S = 20.0


def form() -> dict[str, Any]:
    """A prospect of its own: street and number differ from test_lifecycle's, whose partner
    listings must not find them once these inquiries are accepted (the stack is shared)."""
    body = lifecycle_form()
    body["contact"]["street"] = "Piazza Walther 3"
    body["message"] = f"Bitte rufen Sie mich an: +39 0471 112233 oder {body['contact']['email']}"
    return body


def outbox(local: LocalStack) -> list[dict[str, Any]]:
    answer = local.get("/_local/outbox")
    assert answer.status == 200, answer.text
    messages: list[dict[str, Any]] = answer.body["messages"]
    return messages


def mails_of(local: LocalStack, inquiry_id: str) -> list[dict[str, Any]]:
    return [m for m in outbox(local) if inquiry_id in m["subject"] + m["text"]]


def wait_for(local: LocalStack, inquiry_id: str, *kinds: str) -> list[dict[str, Any]]:
    """The inquiry's mails once every kind asked for is there (the stream is asynchronous)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        found = mails_of(local, inquiry_id)
        if all(any(m["kind"] == kind for m in found) for kind in kinds):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no {kinds} for {inquiry_id}; outbox has {found}")
        time.sleep(0.2)


def one(mails: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    [mail] = [m for m in mails if m["kind"] == kind]
    return mail


def assert_no_personal_data(mail: dict[str, Any], body: dict[str, Any]) -> None:
    """Nothing of the contact in the whole mail: subject, text and HTML."""
    contact = body["contact"]
    whole = " ".join((mail["subject"], mail["text"], mail["html"], *mail["to"])).lower()
    personal = [
        contact["email"],
        contact["last_name"],
        contact["first_name"],
        contact["phone"],
        contact["phone"][-6:],
        contact["street"],
        "112233",
    ]
    for value in personal:
        # As a word: a first name like "Anna" is also part of "Annahme".
        assert not re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", whole), (
            value,
            mail["kind"],
        )


def test_the_outbox_answers_only_the_local_origin_and_can_be_emptied(local: LocalStack) -> None:
    foreign = local.get("/_local/outbox", headers={"Origin": "https://evil.example"})
    assert foreign.status == 403
    inquiry_id = submit(local)
    wait_for(local, inquiry_id, "receipt", "new_offer")
    emptied = local.request("DELETE", "/_local/outbox")
    assert emptied.status == 204
    assert mails_of(local, inquiry_id) == []


def test_a_routed_inquiry_sends_the_receipt_and_the_partner_its_new_offer(
    local: LocalStack,
) -> None:
    body = form()
    inquiry_id = submit(local, body)
    mails = wait_for(local, inquiry_id, "receipt", "new_offer")

    receipt = one(mails, "receipt")
    assert receipt["to"] == [body["contact"]["email"]]
    assert "Abbiamo ricevuto" in receipt["subject"]  # the inquiry's language: it
    assert inquiry_id in receipt["text"] and inquiry_id in receipt["html"]

    offer = one(mails, "new_offer")
    assert offer["to"] == [PARTNER_ADDRESS]
    assert offer["subject"].startswith("Neue Anfrage")  # the partner's language: de
    for fact in ("39100", "Bolzano", "IT", "Fenster", "Europe/Rome"):
        assert fact in offer["text"]
    assert f"{local.url}/#/inquiries/{inquiry_id}" in offer["text"]
    assert f'href="{local.url}/#/inquiries/{inquiry_id}"' in offer["html"]
    assert_no_personal_data(offer, body)
    assert not [m for m in mails if m["kind"] == "unassigned"]  # routed: HQ need not act


def test_an_inquiry_no_partner_covers_tells_hq(local: LocalStack) -> None:
    body = form()
    body["contact"].update(postal_code="00184", city="Roma")
    inquiry_id = submit(local, body)
    mails = wait_for(local, inquiry_id, "receipt", "unassigned")
    unassigned = one(mails, "unassigned")
    assert unassigned["to"] == [HQ_EMAIL]
    assert "00184" in unassigned["text"]
    assert_no_personal_data(unassigned, body)


def test_accepting_tells_the_prospect_which_partner(local: LocalStack) -> None:
    body = form()
    inquiry_id = submit(local, body)
    wait_for(local, inquiry_id, "new_offer")
    accepted = local.post(
        f"/inquiries/{inquiry_id}/accept", token=local.token("partner", SOUTH_TYROL)
    )
    assert accepted.status == 200, accepted.text
    mails = wait_for(local, inquiry_id, "accepted")
    mail = one(mails, "accepted")
    assert mail["to"] == [body["contact"]["email"]]
    assert "Fenster Alpin (South Tyrol)" in mail["subject"]
    assert "Fenster Alpin (South Tyrol)" in mail["html"]


def test_a_rejection_returns_it_to_hq_with_the_reason(local: LocalStack) -> None:
    body = form()
    inquiry_id = submit(local, body)
    wait_for(local, inquiry_id, "new_offer")
    rejected = local.post(
        f"/inquiries/{inquiry_id}/reject",
        {"reason": "no_capacity", "note": "Call Anna back"},
        token=local.token("partner", SOUTH_TYROL),
    )
    assert rejected.status == 200, rejected.text
    mail = one(wait_for(local, inquiry_id, "returned"), "returned")
    assert mail["to"] == [HQ_EMAIL]
    assert "rejected: no capacity" in mail["subject"]
    assert "Fenster Alpin (South Tyrol) (alpin-bz)" in mail["text"]
    assert_no_personal_data(mail, body)


def test_hq_moving_an_offer_tells_the_first_partner_it_was_withdrawn(local: LocalStack) -> None:
    body = form()
    inquiry_id = submit(local, body)
    wait_for(local, inquiry_id, "new_offer")
    moved = local.post(
        f"/inquiries/{inquiry_id}/assign", {"partner_id": BAVARIA}, token=local.token("hq")
    )
    assert moved.status == 200, moved.text
    mails = wait_for(local, inquiry_id, "withdrawn")
    withdrawn = one(mails, "withdrawn")
    assert withdrawn["to"] == [PARTNER_ADDRESS]
    offers = [m for m in mails if m["kind"] == "new_offer"]
    deadline = time.monotonic() + WAIT_S
    while len(offers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        offers = [m for m in mails_of(local, inquiry_id) if m["kind"] == "new_offer"]
    assert sorted(m["to"][0] for m in offers) == sorted([PARTNER_ADDRESS, BAVARIA_ADDRESS])
    for mail in (withdrawn, *offers):
        assert_no_personal_data(mail, body)


def test_the_reminder_comes_at_three_quarters_of_the_window_and_only_while_pending(
    local: LocalStack,
) -> None:
    body = form()
    waiting = submit(local, body)
    decided = submit(local, form())
    wait_for(local, waiting, "new_offer")
    wait_for(local, decided, "new_offer")
    partner = local.token("partner", SOUTH_TYROL)
    accepted = local.post(f"/inquiries/{decided}/accept", token=partner)
    assert accepted.status == 200, accepted.text

    # When 75 % of the working window has passed, in the partner's calendar.
    view = local.get(f"/inquiries/{waiting}", token=local.token("hq")).body
    offered = next(e for e in view["events"] if e["action"] == "offered")
    offer = Offer(
        inquiry_id=waiting,
        seq=1,
        partner_id=SOUTH_TYROL,
        calendar=Calendar(country="IT", subdivision="BZ", timezone="Europe/Rome"),
        offered_at=datetime.fromisoformat(offered["at"]),
        deadline=datetime.fromisoformat(view["deadline"]),
    )
    due = reminder_at(offer)
    assert offer.offered_at < due < offer.deadline

    def clock_to(moment: datetime) -> None:
        answer = local.post("/_local/clock", {"now": moment.isoformat()})
        assert answer.status == 200, answer.text

    clock_to(due - timedelta(minutes=2))
    time.sleep(1.0)
    assert not [m for m in mails_of(local, waiting) if m["kind"] == "reminder"]

    clock_to(due + timedelta(minutes=1))
    reminder = one(wait_for(local, waiting, "reminder"), "reminder")
    assert reminder["to"] == [PARTNER_ADDRESS]
    assert reminder["subject"].startswith("Erinnerung")
    assert_no_personal_data(reminder, body)
    # The accepted inquiry's reminder was deleted with its expiry, and would be a no-op.
    assert not [m for m in mails_of(local, decided) if m["kind"] == "reminder"]

    # Past the deadline: it expires and HQ hears of it; no second reminder, ever.
    clock_to(offer.deadline + timedelta(minutes=1))
    mails = wait_for(local, waiting, "returned")
    returned = one(mails, "returned")
    assert "deadline passed" in returned["subject"]
    assert_no_personal_data(returned, body)
    assert len([m for m in mails if m["kind"] == "reminder"]) == 1


def test_an_erasure_tells_the_partner_that_accepted(local: LocalStack) -> None:
    """The erasure use case (issue 13) records `erasure_requested`; the mail follows it."""
    body = form()
    inquiry_id = submit(local, body)
    wait_for(local, inquiry_id, "new_offer")
    partner = local.token("partner", SOUTH_TYROL)
    assert local.post(f"/inquiries/{inquiry_id}/accept", token=partner).status == 200
    # The event as the erasure records it, written straight into the emulator's table.
    table = boto3.client(
        "dynamodb",
        endpoint_url=local.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    table.put_item(
        TableName="inquiries",
        Item={
            "pk": {"S": f"INQ#{inquiry_id}"},
            "sk": {"S": "EVENT#000090#00"},
            "type": {"S": "event"},
            "at": {"S": "2030-01-01T00:00:00.000000Z"},
            "actor": {"S": "hq-" + uuid.uuid4().hex[:6]},
            "action": {"S": "erasure_requested"},
            "details": {"M": {"partner_id": {"S": SOUTH_TYROL}}},
        },
    )
    mail = one(wait_for(local, inquiry_id, "erasure"), "erasure")
    assert mail["to"] == [PARTNER_ADDRESS]
    assert mail["subject"] == f"Löschung: Anfrage {inquiry_id}"
    assert_no_personal_data(mail, body)


def test_no_change_sends_its_mail_twice(local: LocalStack) -> None:
    inquiry_id = submit(local)
    wait_for(local, inquiry_id, "receipt", "new_offer")
    time.sleep(1.0)  # any late duplicate would be in by now
    kinds = [m["kind"] for m in mails_of(local, inquiry_id)]
    assert sorted(kinds) == ["new_offer", "receipt"]

"""The mails that follow from changes: which, to whom, in which language, once, and safely."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from inquiries import business_time
from inquiries.domain import lifecycle
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import (
    Channel,
    Event,
    Inquiry,
    Partner,
    RejectReason,
    Status,
)
from inquiries.mail import compose
from inquiries.mail.texts import KINDS, LANGUAGES
from inquiries.service import notifications
from inquiries.service.notifications import (
    MailNotSent,
    StoredEvent,
    feedback_from,
    on_change,
    on_feedback,
    remind,
)
from inquiries.service.ports import Mail, Mailing
from inquiries.service.scheduling import cancel_expiries, reminder_at, schedule_expiry

from tests.conftest import START
from tests.unit.fakes import Fakes, a_contact, a_partner, fake_dependencies, partner_user

HQ_MAIL = "hq@example.com"
APP = "https://app.example"
MESSAGE = "Bitte rufen Sie mich an: +39 0471 987654, Gudrun"


class RecordingMailer:
    """Keeps what it sends; fails while `failing` names the kind."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.failing: set[str] = set()

    def send(self, mail: Mail) -> str | None:
        if mail.kind in self.failing:
            raise ConnectionError("mail provider down")
        self.sent.append(mail)
        return f"m-{len(self.sent)}"

    def kinds(self) -> list[str]:
        return [m.kind for m in self.sent]


class MemoryDeliveries:
    """The Deliveries port in memory; events by version as the test stored them."""

    def __init__(self) -> None:
        self.markers: dict[tuple[str, str], str] = {}
        self.events: dict[tuple[str, int], list[Event]] = {}

    def was_sent(self, inquiry_id: str, key: str) -> bool:
        return (inquiry_id, key) in self.markers

    def sent_keys(self, inquiry_id: str, prefix: str) -> set[str]:
        return {k for (i, k) in self.markers if i == inquiry_id and k.startswith(prefix)}

    def mark_sent(
        self, inquiry_id: str, key: str, *, kind: str, at: datetime, message_id: str | None
    ) -> None:
        self.markers.setdefault((inquiry_id, key), kind)

    def events_of_version(self, inquiry_id: str, version: int) -> list[Event]:
        return list(self.events.get((inquiry_id, version), []))


class World:
    def __init__(self, *partners: Partner) -> None:
        self.fakes: Fakes = fake_dependencies(partners=partners)
        self.mailer = RecordingMailer()
        self.deliveries = MemoryDeliveries()
        self.mailing = Mailing(self.mailer, self.deliveries, HQ_MAIL, APP, hq_language="en")

    @property
    def deps(self):  # type: ignore[no-untyped-def]
        return self.fakes.deps

    def store(self, change: Change) -> list[StoredEvent]:
        """Apply the change and answer its events as the stream delivers them."""
        self.fakes.repository.apply(change)
        version = change.after.version
        self.deliveries.events[(change.after.id, version)] = list(change.events)
        return [StoredEvent(change.after.id, version, i, e) for i, e in enumerate(change.events)]

    def deliver(self, change: Change) -> int:
        return sum(on_change(self.deps, self.mailing, [s]) for s in self.store(change))


def bolzano_partner(language: str = "de") -> Partner:
    partner = a_partner("P1", "39")
    return replace(
        partner,
        name="Fenster Alpin",
        notify_emails=("sales@alpin.example", "boss@alpin.example"),
        language=language,
    )


def new_inquiry(language: str | None = "it") -> Inquiry:
    return Inquiry(
        id="inq-1",
        status=Status.UNASSIGNED,
        channel=Channel.WEBSITE,
        product="windows",
        contact=a_contact(),
        created_at=START,
        message=MESSAGE,
        language=language,
    )


def offered_at_intake(world: World, partner: Partner, language: str | None = "it") -> Change:
    inquiry = new_inquiry(language)
    received = lifecycle.receive(inquiry, START)
    deadline = START + timedelta(hours=48)
    return lifecycle.offer_to(
        received.after,
        partner,
        current=None,
        deadline=deadline,
        actor="system",
        now=START,
        base=received,
    )


def personal_values() -> list[str]:
    contact = a_contact()
    values = [v for v in vars(contact).values() if isinstance(v, str)]
    return [v for v in values if v not in {"39100", "Bolzano", "IT"}] + ["987654", MESSAGE]


def assert_no_personal_data(mail: Mail) -> None:
    whole = " ".join((mail.subject, mail.text, mail.html, *mail.to)).lower()
    for value in personal_values():
        pattern = rf"(?<!\w){re.escape(value.lower())}(?!\w)"
        assert not re.search(pattern, whole), (value, mail.kind)


def test_intake_sends_the_receipt_and_the_partner_a_new_offer_in_each_language() -> None:
    partner = bolzano_partner("de")
    world = World(partner)
    assert world.deliver(offered_at_intake(world, partner, language="it-IT")) == 2

    receipt, offer = world.mailer.sent
    assert receipt.kind == "receipt" and receipt.to == ("gudrun.oberhollenzer@example.com",)
    assert receipt.subject == "Abbiamo ricevuto la sua richiesta (inq-1)"
    assert offer.kind == "new_offer" and offer.to == partner.notify_emails
    assert offer.subject == "Neue Anfrage inq-1: Fenster"
    # The deadline in the partner's time zone, and a link into the web app.
    local_deadline = (START + timedelta(hours=48)).astimezone(ZoneInfo("Europe/Rome"))
    assert local_deadline.strftime("%d.%m.%Y, %H:%M") + " (Europe/Rome)" in offer.text
    assert f"{APP}/#/inquiries/inq-1" in offer.text
    assert f'href="{APP}/#/inquiries/inq-1"' in offer.html
    assert_no_personal_data(offer)
    assert offer.tags == {"kind": "new_offer", "inquiry": "inq-1", "partner": "P1"}


def test_a_changes_mails_read_the_inquiry_and_their_markers_once() -> None:
    # Intake's change as one stream record: received and offered, their events carried along.
    partner = bolzano_partner("de")
    world = World(partner)
    stored = world.store(offered_at_intake(world, partner))
    record = [replace(s, change=tuple(e.event for e in stored)) for s in stored]
    reads: Counter[str] = Counter()

    def counted(name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            reads[name] += 1
            return read(*args)

        return call

    for name in ("was_sent", "sent_keys", "events_of_version"):
        setattr(world.deliveries, name, counted(name, getattr(world.deliveries, name)))
    repository = world.fakes.repository
    repository.load = counted("load", repository.load)  # type: ignore[method-assign]

    assert on_change(world.deps, world.mailing, record) == 2
    assert world.mailer.kinds() == ["receipt", "new_offer"]
    # Not one read per event and mail: the inquiry once, the change's markers once, and
    # HQ's "left unassigned" decided from the events the record carried.
    assert reads == {"load": 1, "sent_keys": 1}
    # Delivered again (the stream retries a record): every marker is there, nothing goes.
    assert on_change(world.deps, world.mailing, record) == 0
    assert world.mailer.kinds() == ["receipt", "new_offer"]


def test_an_inquiry_left_unassigned_tells_hq_without_personal_data() -> None:
    world = World()
    assert world.deliver(lifecycle.receive(new_inquiry(), START)) == 2
    unassigned = next(m for m in world.mailer.sent if m.kind == "unassigned")
    assert unassigned.to == (HQ_MAIL,)
    assert "39100" in unassigned.text and "Bolzano" in unassigned.text
    assert_no_personal_data(unassigned)


@pytest.mark.parametrize("postal_code", ["SW1A 1AA", "SW1A", "sw1a1aa"])
def test_a_partner_sees_the_postal_code_only_as_precise_as_before_accept(
    postal_code: str,
) -> None:
    partner = replace(bolzano_partner("en"), territories=())
    world = World(partner)
    inquiry = replace(new_inquiry(), contact=a_contact(postal_code=postal_code, country="GB"))
    received = lifecycle.receive(inquiry, START)
    change = lifecycle.offer_to(
        received.after,
        partner,
        current=None,
        deadline=START + timedelta(hours=48),
        actor="hq-anna",
        now=START,
        base=received,
    )
    world.deliver(change)
    offer = next(m for m in world.mailer.sent if m.kind == "new_offer")
    assert "Postal code: SW1A\n" in offer.text
    assert "1AA" not in offer.text.upper() and "1AA" not in offer.html.upper()


def test_every_kind_reads_in_german_italian_and_english() -> None:
    for kind, texts in KINDS.items():
        assert set(texts) == set(LANGUAGES), kind
        for language in LANGUAGES:
            assert texts[language]["subject"] and texts[language]["intro"], (kind, language)
    partner = bolzano_partner("it")
    world = World(partner)
    world.deliver(offered_at_intake(world, partner))
    assert world.mailer.sent[1].subject == "Nuova richiesta inq-1: Finestre"


def test_accept_tells_the_prospect_the_partners_name_escaped_in_html() -> None:
    partner = replace(bolzano_partner(), name="Fenster <b>Alpin</b> & Co")
    world = World(partner)
    offered = offered_at_intake(world, partner, language="de")
    world.deliver(offered)
    record = world.fakes.repository.load("inq-1")
    assert record is not None
    accepted = lifecycle.accept(
        record.inquiry,
        offer=record.offers[0],
        principal=partner_user("P1"),
        now=START + timedelta(hours=1),
    )
    world.deliver(accepted)
    mail = world.mailer.sent[-1]
    assert mail.kind == "accepted" and mail.to == ("gudrun.oberhollenzer@example.com",)
    assert mail.subject == "Ihre Anfrage inq-1: Fenster <b>Alpin</b> & Co meldet sich bei Ihnen"
    assert "Fenster &lt;b&gt;Alpin&lt;/b&gt; &amp; Co" in mail.html
    assert "<b>Alpin" not in mail.html


def test_a_rejection_tells_hq_the_reason_and_the_offer_was_decided() -> None:
    partner = bolzano_partner()
    world = World(partner)
    world.deliver(offered_at_intake(world, partner))
    record = world.fakes.repository.load("inq-1")
    assert record is not None
    rejected = lifecycle.reject(
        record.inquiry,
        offer=record.offers[0],
        principal=partner_user("P1"),
        reason=RejectReason.OUT_OF_AREA,
        note="Gudrun wants it cheap",
        now=START + timedelta(hours=2),
    )
    world.deliver(rejected)
    mail = world.mailer.sent[-1]
    assert mail.kind == "returned" and mail.to == (HQ_MAIL,)
    assert mail.subject == "Inquiry inq-1 came back: rejected: out of area"
    assert "Fenster Alpin (P1)" in mail.text
    assert_no_personal_data(mail)
    assert "cheap" not in mail.text  # the partner's note stays in the app


def test_a_new_offer_decided_before_its_mail_went_is_not_sent() -> None:
    partner = bolzano_partner()
    world = World(partner)
    offered = offered_at_intake(world, partner)
    stored = world.store(offered)
    record = world.fakes.repository.load("inq-1")
    assert record is not None
    world.store(
        lifecycle.accept(
            record.inquiry, offer=record.offers[0], principal=partner_user("P1"), now=START
        )
    )
    for event in stored:
        on_change(world.deps, world.mailing, [event])
    assert "new_offer" not in world.mailer.kinds()


def test_an_event_delivered_twice_sends_its_mails_once() -> None:
    partner = bolzano_partner()
    world = World(partner)
    stored = world.store(offered_at_intake(world, partner))
    for _ in range(3):
        for event in stored:
            on_change(world.deps, world.mailing, [event])
    assert sorted(world.mailer.kinds()) == ["new_offer", "receipt"]


def test_a_failing_mail_changes_nothing_else_and_goes_on_the_retry() -> None:
    world = World()
    [received] = world.store(lifecycle.receive(new_inquiry(), START))
    before = world.fakes.repository.load("inq-1")
    world.mailer.failing = {"receipt"}
    with pytest.raises(MailNotSent):
        on_change(world.deps, world.mailing, [received])
    # HQ's mail of the same event went; the inquiry is exactly as it was stored.
    assert world.mailer.kinds() == ["unassigned"]
    assert world.fakes.repository.load("inq-1") == before
    assert not world.deliveries.was_sent("inq-1", "EVENT#000001#00#prospect")

    world.mailer.failing = set()
    assert on_change(world.deps, world.mailing, [received]) == 1
    assert world.mailer.kinds() == ["unassigned", "receipt"]


def test_the_reminder_is_sent_while_pending_and_is_a_no_op_once_decided() -> None:
    partner = bolzano_partner()
    world = World(partner)
    world.deliver(offered_at_intake(world, partner))
    world.fakes.clock.set(START + timedelta(hours=30))
    assert remind(world.deps, world.mailing, "inq-1", 1) == 1
    assert remind(world.deps, world.mailing, "inq-1", 1) == 0  # fired twice: one mail
    reminder = world.mailer.sent[-1]
    assert reminder.kind == "reminder" and reminder.subject.startswith("Erinnerung")
    assert_no_personal_data(reminder)

    second = World(partner)
    second.deliver(offered_at_intake(second, partner))
    record = second.fakes.repository.load("inq-1")
    assert record is not None
    second.deliver(
        lifecycle.accept(
            record.inquiry, offer=record.offers[0], principal=partner_user("P1"), now=START
        )
    )
    second.fakes.clock.set(START + timedelta(hours=30))
    assert remind(second.deps, second.mailing, "inq-1", 1) == 0
    assert "reminder" not in second.mailer.kinds()
    assert remind(second.deps, second.mailing, "unknown", 1) == 0


def test_the_reminder_falls_at_three_quarters_of_the_working_window() -> None:
    partner = bolzano_partner()
    fakes = fake_dependencies(partners=[partner])
    friday_afternoon = datetime.fromisoformat("2026-12-04T15:00:00+01:00")
    deadline = friday_afternoon + timedelta(days=5)
    change = lifecycle.offer_to(
        lifecycle.receive(
            replace(new_inquiry(), created_at=friday_afternoon), friday_afternoon
        ).after,
        partner,
        current=None,
        deadline=deadline,
        actor="system",
        now=friday_afternoon,
    )
    offer = change.opened_offer
    assert offer is not None
    due = reminder_at(offer)
    kwargs = {"country": "IT", "subdivision": "BZ", "timezone": "Europe/Rome"}
    window = business_time.working_hours_between(friday_afternoon, deadline, **kwargs)
    elapsed = business_time.working_hours_between(friday_afternoon, due, **kwargs)
    assert elapsed == pytest.approx(0.75 * window, abs=1e-6)
    assert friday_afternoon < due < deadline

    schedule_expiry(fakes.deps, offer)
    assert fakes.scheduler.reminders == [(offer, due)]
    cancel_expiries(fakes.deps, [offer])
    assert fakes.scheduler.reminders_cancelled == [offer]


def test_a_withdrawn_offer_and_an_erasure_tell_the_partner() -> None:
    partner = bolzano_partner("en")
    other = replace(bolzano_partner("it"), id="P2", notify_emails=("p2@example.com",))
    world = World(partner, other)
    world.deliver(offered_at_intake(world, partner))
    record = world.fakes.repository.load("inq-1")
    assert record is not None
    moved = lifecycle.offer_to(
        record.inquiry,
        other,
        current=record.offers[0],
        deadline=START + timedelta(hours=50),
        actor="hq-anna",
        now=START + timedelta(hours=1),
    )
    world.deliver(moved)
    withdrawn = next(m for m in world.mailer.sent if m.kind == "withdrawn")
    assert withdrawn.to == partner.notify_emails
    assert withdrawn.subject == "Inquiry inq-1 was withdrawn"
    assert world.mailer.sent[-1].to == ("p2@example.com",)

    erasure = StoredEvent(
        "inq-1", 9, 0, Event(START, "hq-anna", "erasure_requested", {"partner_id": "P2"})
    )
    assert on_change(world.deps, world.mailing, [erasure]) == 1
    mail = world.mailer.sent[-1]
    assert mail.kind == "erasure" and mail.subject == "Cancellazione: richiesta inq-1"
    assert_no_personal_data(mail)


def test_a_partner_address_that_bounces_is_reported_to_hq() -> None:
    partner = bolzano_partner()
    world = World(partner)
    notice = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "feedbackId": "fb-1",
            "bouncedRecipients": [{"emailAddress": "Sales@alpin.example"}],
        },
        "mail": {"tags": {"kind": ["new_offer"], "inquiry": ["inq-1"], "partner": ["P1"]}},
    }
    feedback = feedback_from(notice)
    assert feedback is not None
    assert on_feedback(world.deps, world.mailing, feedback) == 1
    assert on_feedback(world.deps, world.mailing, feedback) == 0  # SNS delivered it twice
    [report] = world.mailer.sent
    assert report.kind == "bounce" and report.to == (HQ_MAIL,)
    assert "Sales@alpin.example" in report.text and "Fenster Alpin (P1)" in report.text

    transient = {**notice, "bounce": {**notice["bounce"], "bounceType": "Transient"}}
    assert feedback_from(transient) is None
    # A prospect's bounce is counted, never forwarded: the address is personal data.
    prospect = {**notice, "mail": {"tags": {"kind": ["receipt"], "inquiry": ["inq-1"]}}}
    found = feedback_from(prospect)
    assert found is not None
    assert on_feedback(world.deps, world.mailing, found) == 0


def test_events_that_call_for_no_mail_send_none() -> None:
    world = World()
    event = StoredEvent("inq-1", 3, 0, Event(START, "u", "progress", {"step": "won"}))
    assert on_change(world.deps, world.mailing, [event]) == 0
    assert "progress" not in notifications.MAILED_ACTIONS


def test_a_subject_stays_on_one_line() -> None:
    partner = replace(bolzano_partner(), name="Evil\r\nBcc: all@example.com")
    mail = compose.accepted(new_inquiry("en"), partner)
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_a_return_rerouted_in_the_same_change_does_not_trouble_hq() -> None:
    partner = bolzano_partner()
    world = World(partner)
    world.deliver(offered_at_intake(world, partner))
    rejected = Event(START, "p1-user", "rejected", {"partner_id": "P1", "reason": "no_capacity"})
    offered = Event(START, "system", "offered", {"partner_id": "P2", "offer": 2})
    world.deliveries.events[("inq-1", 2)] = [rejected, offered]
    before = len(world.mailer.sent)
    on_change(world.deps, world.mailing, [StoredEvent("inq-1", 2, 0, rejected)])
    assert len(world.mailer.sent) == before


@pytest.mark.parametrize(
    "city",
    [
        "juergen.mueller@gmail.com",
        "Bolzano Tel 0471 555123",
        "Bolzano, Via Roma 12 c/o Gudrun Oberhollenzer",
    ],
)
def test_the_offer_and_its_reminder_leave_out_a_city_holding_contact_data(city: str) -> None:
    partner = bolzano_partner("de")
    world = World(partner)
    inquiry = replace(new_inquiry(), contact=a_contact(city=city))
    received = lifecycle.receive(inquiry, START)
    world.deliver(
        lifecycle.offer_to(
            received.after,
            partner,
            current=None,
            deadline=START + timedelta(hours=48),
            actor="system",
            now=START,
            base=received,
        )
    )
    world.fakes.clock.set(START + timedelta(hours=30))
    assert remind(world.deps, world.mailing, "inq-1", 1) == 1

    mails = [m for m in world.mailer.sent if m.kind in ("new_offer", "reminder")]
    assert sorted(m.kind for m in mails) == ["new_offer", "reminder"]
    for mail in mails:
        whole = f"{mail.subject}\n{mail.text}\n{mail.html}".casefold()
        for piece in ("mueller", "gmail", "555123", "via roma", "oberhollenzer", "ort:"):
            assert piece not in whole, (piece, mail.kind)
        assert "Postleitzahl: 39100" in mail.text and "Land: IT" in mail.text


def test_the_offer_names_a_city_that_is_one() -> None:
    partner = bolzano_partner("de")
    world = World(partner)
    world.deliver(offered_at_intake(world, partner))
    offer = next(m for m in world.mailer.sent if m.kind == "new_offer")
    assert "Ort: Bolzano\n" in offer.text

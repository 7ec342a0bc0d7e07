"""Telling people: the mails that follow from stored changes, and the partners' reminders.

A change is stored first, with its events; the table's stream hands each new
change's events to `on_change`, which works out the mails they call for and sends
each one that has not been sent yet. Delivery is at least once with a marker: a mail is
sent, then its marker is written; a mail whose marker exists is never sent
again. Only a crash between the provider's "sent" and the marker's write sends
a mail twice (the retry finds no marker). A mail that fails raises, so the
stream retries that event; the change itself was stored before and stays as it
is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from inquiries.domain.model import Action, Event, Inquiry, Offer, Outcome, Partner, Status
from inquiries.service.ports import Dependencies, Mail, Mailing

logger = Logger(child=True)

# An event recorded by data-subject erasure (issue 13): a partner that accepted is told.
ERASURE_REQUESTED = "erasure_requested"

# The actions whose events may call for a mail (the stream's filter lets all events pass).
MAILED_ACTIONS = frozenset(
    {
        Action.RECEIVED.value,
        Action.OFFERED.value,
        Action.WITHDRAWN.value,
        Action.REJECTED.value,
        Action.EXPIRED.value,
        Action.ACCEPTED.value,
        ERASURE_REQUESTED,
    }
)


@dataclass(frozen=True)
class StoredEvent:
    """An event as the stream delivers it: of which inquiry, which change, which place."""

    inquiry_id: str
    version: int
    index: int
    event: Event
    # Every event of its change, when the stream's record carried them all (one item per
    # change); None: read them when a mail depends on them.
    change: tuple[Event, ...] | None = None

    @property
    def change_key(self) -> str:
        """What the keys of every mail of this event's change start with."""
        return f"EVENT#{self.version:06d}#"

    @property
    def key(self) -> str:
        return f"{self.change_key}{self.index:02d}"


class MailNotSent(Exception):
    """At least one mail of an event or reminder failed; the others went. Retry it."""

    def __init__(self, message: str, sent: int = 0) -> None:
        super().__init__(message)
        self.sent = sent  # the mails that went all the same


# One planned mail: the recipient's part of the marker key, and how to make the mail.
Planned = tuple[str, Callable[[], Mail | None]]


def on_change(deps: Dependencies, mailing: Mailing, change: Sequence[StoredEvent]) -> int:
    """Send the mails that the events of one change (one stream record) call for.

    The change is read once for all its events: the inquiry, and which of its mails
    went already (one read of its markers). Each event's mails are tried even when
    another's failed; then MailNotSent is raised, and the retry sends only what has no
    marker yet. Answers the number sent.
    """
    mailed = [stored for stored in change if stored.event.action in MAILED_ACTIONS]
    if not mailed:
        return 0
    first = mailed[0]
    sent_before = mailing.deliveries.sent_keys(first.inquiry_id, first.change_key)
    record = None
    if any(stored.event.action != ERASURE_REQUESTED for stored in mailed):
        record = deps.repository.load(first.inquiry_id)
        if record is None:
            logger.warning("event of an unknown inquiry", extra={"inquiry_id": first.inquiry_id})
    sent = 0
    failed: MailNotSent | None = None
    for stored in mailed:
        if stored.event.action == ERASURE_REQUESTED:
            # Erasure may leave little of the inquiry: the mail needs its id and the partner.
            planned = [_erasure(deps, mailing, stored)]
        elif record is not None:
            planned = _planned(deps, mailing, stored, record.inquiry, record.offers)
        else:
            continue
        try:
            sent += _deliver_all(deps, mailing, stored.inquiry_id, stored.key, planned, sent_before)
        except MailNotSent as error:
            sent += error.sent
            failed = failed or error
    if failed is not None:
        raise MailNotSent(str(failed), sent)
    return sent


def remind(deps: Dependencies, mailing: Mailing, inquiry_id: str, seq: int) -> int:
    """The reminder schedule fired: remind the partner if the offer is still pending.

    A no-op (0) when the offer was decided, is no longer the current one, or its
    deadline has come.
    """
    record = deps.repository.load(inquiry_id)
    if record is None:
        return 0
    inquiry = record.inquiry
    offer = next((o for o in record.offers if o.seq == seq), None)
    now = deps.clock.now()
    if (
        offer is None
        or inquiry.status is not Status.PENDING
        or inquiry.offer_seq != seq
        or offer.outcome is not Outcome.PENDING
        or now >= offer.deadline
    ):
        logger.info("reminder not needed", extra={"inquiry_id": inquiry_id, "offer": seq})
        return 0
    partner = deps.repository.get_partner(offer.partner_id)

    def mail() -> Mail | None:
        from inquiries.mail import compose  # noqa: PLC0415

        if partner is None:
            return None
        return _tagged(
            compose.reminder(partner, inquiry, offer, mailing.app_url), inquiry.id, partner.id
        )

    return _deliver_all(deps, mailing, inquiry_id, f"REMINDER#{seq:04d}", [("partner", mail)])


def _deliver_all(
    deps: Dependencies,
    mailing: Mailing,
    inquiry_id: str,
    key: str,
    planned: list[Planned],
    sent_before: set[str] | None = None,
) -> int:
    """Send each planned mail that has no marker yet. `sent_before`: the keys of the mails
    sent already, read before (a change's); None: each mail's marker is looked up."""
    sent = 0
    failed: list[str] = []
    for recipient, make in planned:
        mail_key = f"{key}#{recipient}"
        try:
            if (
                mail_key in sent_before
                if sent_before is not None
                else mailing.deliveries.was_sent(inquiry_id, mail_key)
            ):
                continue
            mail = make()
            if mail is None or not mail.to:
                continue
            message_id = mailing.mailer.send(mail)
        except Exception:
            # Ids only in the log: never an address or the mail's content.
            logger.exception(
                "mail not sent; the event is retried",
                extra={"inquiry_id": inquiry_id, "mail": mail_key},
            )
            failed.append(mail_key)
            continue
        sent += 1
        try:
            mailing.deliveries.mark_sent(
                inquiry_id, mail_key, kind=mail.kind, at=deps.clock.now(), message_id=message_id
            )
        except Exception:
            # The mail went. Without its marker only a retry of this event for another
            # mail's sake would send it again; failing here would make that certain.
            logger.exception(
                "mail sent but its marker not written",
                extra={"inquiry_id": inquiry_id, "mail": mail_key},
            )
        # DEBUG: the SENT# marker records each mail (with SES's message id), and the
        # MailsSent metric counts them; a line per mail at INFO would say it a third time.
        logger.debug("mail sent", extra={"inquiry_id": inquiry_id, "mail": mail_key})
    if failed:
        raise MailNotSent(f"{len(failed)} mail(s) of {inquiry_id} {key} not sent", sent)
    return sent


def _tagged(mail: Mail, inquiry_id: str, partner_id: str | None = None) -> Mail:
    tags = {"kind": mail.kind, "inquiry": inquiry_id}
    if partner_id:
        tags["partner"] = partner_id
    return Mail(mail.to, mail.subject, mail.text, mail.html, mail.kind, tags)


def _planned(
    deps: Dependencies,
    mailing: Mailing,
    stored: StoredEvent,
    inquiry: Inquiry,
    offers: tuple[Offer, ...],
) -> list[Planned]:
    """The mails an event calls for, each made only when it is sent (templates are lazy)."""
    from inquiries.mail import compose  # noqa: PLC0415  (jinja2: only when mailing)

    event = stored.event
    details = event.details
    app = mailing.app_url
    hq = (mailing.hq_email,) if mailing.hq_email else ()
    repo = deps.repository
    partner_id = details.get("partner_id") or details.get("controller")

    def partner() -> Partner | None:
        return repo.get_partner(partner_id) if isinstance(partner_id, str) else None

    action = event.action
    if action == Action.RECEIVED:

        def receipt() -> Mail | None:
            if not inquiry.contact.email:  # erased meanwhile
                return None
            return _tagged(compose.receipt(inquiry), inquiry.id)

        def unassigned() -> Mail | None:
            change = _events_of_change(mailing, stored)
            if any(e.action == Action.OFFERED for e in change):
                return None  # routed at intake: the partner hears of it, HQ need not
            return _tagged(compose.unassigned(hq, inquiry, app, mailing.hq_language), inquiry.id)

        return [("prospect", receipt), ("hq", unassigned)]
    if action == Action.OFFERED:
        seq = details.get("offer")

        def new_offer() -> Mail | None:
            found = partner()
            offer = next((o for o in offers if o.seq == seq), None)
            if found is None or offer is None or offer.outcome is not Outcome.PENDING:
                return None  # decided before the mail went: it would only confuse
            return _tagged(compose.new_offer(found, inquiry, offer, app), inquiry.id, found.id)

        return [("partner", new_offer)]
    if action == Action.WITHDRAWN:

        def withdrawn() -> Mail | None:
            found = partner()
            if found is None:
                return None
            return _tagged(compose.withdrawn(found, inquiry, app), inquiry.id, found.id)

        return [("partner", withdrawn)]
    if action in (Action.REJECTED, Action.EXPIRED):
        reason = (
            str(details.get("reason") or "rejected") if action == Action.REJECTED else "expired"
        )

        def returned() -> Mail | None:
            change = _events_of_change(mailing, stored)
            if any(e.action == Action.OFFERED for e in change):
                return None  # re-routed in the same change: it never waited for HQ
            found = partner()
            mail = compose.returned(hq, inquiry, found, reason, app, mailing.hq_language)
            return _tagged(mail, inquiry.id, found.id if found else None)

        return [("hq", returned)]
    if action == Action.ACCEPTED:

        def accepted() -> Mail | None:
            found = partner()
            if found is None or not inquiry.contact.email:
                return None
            return _tagged(compose.accepted(inquiry, found), inquiry.id, found.id)

        return [("prospect", accepted)]
    return []


def _events_of_change(mailing: Mailing, stored: StoredEvent) -> Sequence[Event]:
    """Every event of the change: as the stream's record carried them, else read."""
    if stored.change is not None:
        return stored.change
    return mailing.deliveries.events_of_version(stored.inquiry_id, stored.version)


def _erasure(deps: Dependencies, mailing: Mailing, stored: StoredEvent) -> Planned:
    partner_id = stored.event.details.get("partner_id")

    def erasure() -> Mail | None:
        from inquiries.mail import compose  # noqa: PLC0415

        found = deps.repository.get_partner(partner_id) if isinstance(partner_id, str) else None
        if found is None:
            return None
        mail = compose.erasure(found, stored.inquiry_id, mailing.app_url)
        return _tagged(mail, stored.inquiry_id, found.id)

    return ("partner", erasure)


# The kinds of mail that go to a partner's `notify_emails`.
PARTNER_KINDS = frozenset({"new_offer", "reminder", "withdrawn", "erasure"})


@dataclass(frozen=True)
class Feedback:
    """What SES reports back about one mail: a permanent bounce or a complaint."""

    event_type: str  # Bounce or Complaint
    feedback_id: str
    addresses: tuple[str, ...]
    tags: dict[str, str]


def feedback_from(notice: dict[str, object]) -> Feedback | None:
    """SES's event (from the configuration set, via SNS); None for what needs no action.

    Transient bounces are SES's to retry; only permanent ones and complaints count.
    """
    event_type = notice.get("eventType") or notice.get("notificationType")
    mail = notice.get("mail")
    raw_tags = mail.get("tags", {}) if isinstance(mail, dict) else {}
    tags = {str(k): str(v[0]) for k, v in raw_tags.items() if isinstance(v, list) and v}
    if event_type == "Bounce":
        bounce = notice.get("bounce")
        if not isinstance(bounce, dict) or bounce.get("bounceType") != "Permanent":
            return None
        recipients = bounce.get("bouncedRecipients", [])
    elif event_type == "Complaint":
        bounce = notice.get("complaint")
        if not isinstance(bounce, dict):
            return None
        recipients = bounce.get("complainedRecipients", [])
    else:
        return None
    addresses = tuple(
        str(r["emailAddress"]) for r in recipients if isinstance(r, dict) and "emailAddress" in r
    )
    return Feedback(str(event_type), str(bounce.get("feedbackId", "")), addresses, tags)


def on_feedback(deps: Dependencies, mailing: Mailing, feedback: Feedback) -> int:
    """Record a bounce or complaint; a partner's address that fails is reported to HQ.

    The prospect's address is never logged nor forwarded: its bounce is only counted.
    Returns the mails sent (0 or 1).
    """
    from inquiries.mail import compose  # noqa: PLC0415

    kind = feedback.tags.get("kind", "")
    partner_id = feedback.tags.get("partner")
    inquiry_id = feedback.tags.get("inquiry")
    logger.info(
        "mail feedback",
        extra={"feedback": feedback.event_type, "kind": kind, "inquiry_id": inquiry_id},
    )
    if kind not in PARTNER_KINDS or not partner_id or not inquiry_id or not mailing.hq_email:
        return 0
    partner = deps.repository.get_partner(partner_id)
    if partner is None:
        return 0
    # Only the partner's own business addresses are named to HQ.
    ours = {address.lower() for address in partner.notify_emails}
    addresses = [a for a in feedback.addresses if a.lower() in ours]

    def report() -> Mail | None:
        mail = compose.bounce(
            (mailing.hq_email or "",),
            partner,
            addresses,
            inquiry_id,
            mailing.app_url,
            mailing.hq_language,
        )
        return _tagged(mail, inquiry_id, partner.id)

    key = f"{feedback.event_type.upper()}#{feedback.feedback_id}"
    return _deliver_all(deps, mailing, inquiry_id, key, [("hq", report)])

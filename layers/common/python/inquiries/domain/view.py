"""The one way an inquiry leaves the service: a view built for the one who asks.

A partner that has not accepted gets the anonymised view: a whitelist of
fields, the message with contact details removed, the location down to its
district (and its city only where it holds nothing else), the language tag's
language, script and region only, `contact: null`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from inquiries.domain.anonymise import anonymise_message, location_before_accept
from inquiries.domain.errors import NotFound
from inquiries.domain.language import language_before_accept
from inquiries.domain.model import Event, Inquiry, Location, Principal, Status

# What a partner sees of an inquiry it has taken: its own, with the person's data.
_PARTNER_OWNS = frozenset({Status.ACCEPTED, Status.CLOSED})


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with `Z`; milliseconds only where there are any."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    spec = "seconds" if utc.microsecond == 0 else "milliseconds"
    return utc.isoformat(timespec=spec).replace("+00:00", "Z")


def may_see(inquiry: Inquiry, viewer: Principal) -> bool:
    """HQ sees everything; a partner only what is offered to it or taken by it."""
    if viewer.is_hq:
        return True
    return inquiry.partner_id is not None and inquiry.partner_id == viewer.partner_id


def ensure_visible(inquiry: Inquiry | None, viewer: Principal) -> Inquiry:
    """The inquiry, or NotFound when it does not exist or the viewer may not see it."""
    if inquiry is None or not may_see(inquiry, viewer):
        raise NotFound("inquiry not found")
    return inquiry


def is_anonymised_for(inquiry: Inquiry, viewer: Principal) -> bool:
    return not viewer.is_hq and inquiry.status not in _PARTNER_OWNS


def event_view(event: Event) -> dict[str, Any]:
    return {"at": iso(event.at), "actor": event.actor, "action": event.action, **event.details}


def inquiry_view(
    inquiry: Inquiry, viewer: Principal, events: list[Event] | None = None
) -> dict[str, Any]:
    """The inquiry as `viewer` may see it; `events` are included when given."""
    ensure_visible(inquiry, viewer)
    anonymised = is_anonymised_for(inquiry, viewer)
    view: dict[str, Any] = {
        "id": inquiry.id,
        "status": inquiry.status.value,
        "channel": inquiry.channel.value,
        "product": inquiry.product,
        "language": language_before_accept(inquiry.language) if anonymised else inquiry.language,
        "created_at": iso(inquiry.created_at),
        "assigned_at": iso(inquiry.assigned_at),
        "deadline": iso(inquiry.deadline) if inquiry.status is Status.PENDING else None,
        # The zone the deadline's working hours are counted in (the offered partner's).
        "timezone": inquiry.deadline_timezone if inquiry.status is Status.PENDING else None,
        "partner_id": inquiry.partner_id,
        "user_id": inquiry.user_id,
        "location": asdict(_location(inquiry, anonymised)),
        "message": _message_before_accept(inquiry) if anonymised else inquiry.message,
        "anonymized": anonymised,
        # Once erased, only the district of the location is left of the contact.
        "contact": None if anonymised or inquiry.erased_at else asdict(inquiry.contact),
        "contact_id": None if anonymised else inquiry.contact_id,
        "return_reason": inquiry.return_reason.value if inquiry.return_reason else None,
        "progress": [
            {"step": p.step.value, "at": iso(p.at), "by": p.by, "note": p.note}
            for p in inquiry.progress
        ],
        "erased_at": iso(inquiry.erased_at),
    }
    if events is not None:
        view["events"] = [event_view(e) for e in _events_for(inquiry, viewer, events)]
    return view


def _location(inquiry: Inquiry, anonymised: bool) -> Location:
    return location_before_accept(inquiry.contact) if anonymised else inquiry.location


def _message_before_accept(inquiry: Inquiry) -> str | None:
    """The redacted message stored at intake; computed here only for older items."""
    if not inquiry.message:
        return inquiry.message
    if inquiry.redacted_message is not None:
        return inquiry.redacted_message
    return anonymise_message(inquiry.message, inquiry.contact)


def _events_for(inquiry: Inquiry, viewer: Principal, events: list[Event]) -> list[Event]:
    if viewer.is_hq:
        return events
    # A partner sees the arrival and what happened since the inquiry was offered to it;
    # other partners' offers (withdrawn at the same instant included) are not its business.
    since = inquiry.assigned_at
    return [
        e
        for e in events
        if e.action == "received"
        or (
            since is not None
            and e.at >= since
            and e.details.get("partner_id", viewer.partner_id) == viewer.partner_id
        )
    ]

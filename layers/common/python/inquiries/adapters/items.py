"""Items <-> domain objects: what each kind of item holds (docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from inquiries.adapters.attributes import deserialize, serialize
from inquiries.adapters.keys import (
    ALL_PARTNERS,
    IN_INBOX,
    INQUIRY_SK,
    PARTNER_SK,
    all_inquiries_pk,
    change_events_sort_key,
    contact_key_sort_key,
    contact_pk,
    contact_sort_key,
    contacts_pk,
    created_sort_key,
    due_pk,
    event_sort_key,
    filter_keys,
    inbox_pk,
    inbox_sort_key,
    inquiry_pk,
    match_key_pk,
    offer_sort_key,
    partner_pk,
    stamp,
    status_pk,
    territory_pk,
    unstamp,
)
from inquiries.adapters.lookups import (
    at_rest_pk,
    at_rest_sort_key,
    claim_lookup_sort_key,
    email_pk,
    inquiry_lookup_sort_key,
    last_name_pk,
)
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from inquiries.domain.contacts import from_inquiry, sort_key
from inquiries.domain.model import (
    Calendar,
    Channel,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    Partner,
    ProgressEntry,
    ProgressStep,
    ReturnReason,
    Status,
    SubjectKeys,
    Territory,
)
from inquiries.service.ports import IdempotencyClaim


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Plain data -> DynamoDB's typed item; None values are left out."""
    return {k: serialize(v) for k, v in data.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB's typed item -> plain data (numbers as int or float)."""
    return {k: _plain(deserialize(v)) for k, v in item.items()}


def _calendar_data(calendar: Calendar) -> dict[str, Any]:
    return {
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "timezone": calendar.timezone,
        "working_days": list(calendar.working_days),
    }


def _calendar(data: dict[str, Any]) -> Calendar:
    return Calendar(
        country=data["country"],
        subdivision=data.get("subdivision"),
        timezone=data["timezone"],
        working_days=tuple(data["working_days"]),
    )


def _contact_data(contact: Contact) -> dict[str, Any]:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "street": contact.street,
        "postal_code": contact.postal_code,
        "city": contact.city,
        "country": contact.country,
        "company": contact.company,
    }


def inquiry_item(inquiry: Inquiry) -> dict[str, Any]:
    data: dict[str, Any] = {
        PARTITION_KEY: inquiry_pk(inquiry.id),
        SORT_KEY: INQUIRY_SK,
        "type": "inquiry",
        "id": inquiry.id,
        "status": inquiry.status.value,
        "channel": inquiry.channel.value,
        "product": inquiry.product,
        # The person's data lives here and nowhere else in the item.
        "contact": {k: v for k, v in _contact_data(inquiry.contact).items() if v is not None},
        "message": inquiry.message,
        # Stored only when it differs (see below: a NULL says "the message as it is").
        "redacted_message": (
            None if inquiry.redacted_message == inquiry.message else inquiry.redacted_message
        ),
        "language": inquiry.language,
        "partner_id": inquiry.partner_id,
        "user_id": inquiry.user_id,
        "created_at": stamp(inquiry.created_at),
        "assigned_at": stamp(inquiry.assigned_at) if inquiry.assigned_at else None,
        "deadline": stamp(inquiry.deadline) if inquiry.deadline else None,
        "deadline_timezone": inquiry.deadline_timezone,
        "reroutes": inquiry.reroutes or None,  # left out while 0 (read as 0)
        "offer_seq": inquiry.offer_seq,
        "return_reason": inquiry.return_reason.value if inquiry.return_reason else None,
        "declined_by": sorted(inquiry.declined_by) or None,  # left out while empty
        "contact_id": inquiry.contact_id,
        "progress": [
            {"step": p.step.value, "at": stamp(p.at), "by": p.by, "note": p.note}
            for p in inquiry.progress
        ]
        or None,  # left out while empty
        "version": inquiry.version,
        "gsi2pk": status_pk(inquiry.status, inquiry.id),
        "gsi2sk": created_sort_key(inquiry),
        "gsi3pk": all_inquiries_pk(inquiry.id),
        "gsi3sk": created_sort_key(inquiry),  # also gsi7-gsi9's (table.CREATED_SORT_KEY)
        **filter_keys(inquiry),
    }
    if inquiry.partner_id and inquiry.status in IN_INBOX:
        data["gsi1pk"] = inbox_pk(inquiry.partner_id, inquiry.id)
        data["gsi1sk"] = inbox_sort_key(inquiry)
    data.update(_subject_attributes(inquiry))
    item = to_item(data)
    if inquiry.message is not None and inquiry.redacted_message == inquiry.message:
        # Nothing was redacted at intake: a NULL instead of a second copy of the message.
        # (A reader that predates this reads None and redacts the message itself, which
        # is what it did for items written before the redacted message was stored.)
        item[_REDACTED] = {"NULL": True}
    return item


_REDACTED = "redacted_message"
_EMAIL_PREFIX = email_pk("")
_LAST_NAME_PREFIX = last_name_pk("")


def _subject_attributes(inquiry: Inquiry) -> dict[str, Any]:
    """The data subject's look-up entries (gsi5, gsi6) and the retention entry (gsi4)."""
    data: dict[str, Any] = {
        "left_at": stamp(inquiry.left_at) if inquiry.left_at else None,
        "erased_at": stamp(inquiry.erased_at) if inquiry.erased_at else None,
    }
    keys = inquiry.subject_keys
    if keys is not None:
        # The keys are read back from the index keys (`_subject_keys`): not stored twice.
        lookup = inquiry_lookup_sort_key(inquiry.created_at, inquiry.id)
        # gsi6 sorts by gsi5's sort key (table.LOOKUP_SORT_KEY): one attribute for both.
        data.update(gsi5pk=email_pk(keys.email), gsi5sk=lookup, gsi6pk=last_name_pk(keys.last_name))
    if inquiry.left_at is not None and inquiry.erased_at is None:
        data["gsi4pk"] = at_rest_pk(inquiry.id)
        data["gsi4sk"] = at_rest_sort_key(inquiry.left_at, inquiry.id)
    return data


def _subject_keys(data: dict[str, Any]) -> SubjectKeys | None:
    """The keyed hashes an inquiry is filed under: from its gsi5/gsi6 keys, or from the
    `email_key`/`last_name_key` that items written before carry."""
    email, last_name = data.get("gsi5pk"), data.get("gsi6pk")
    if email and last_name:
        return SubjectKeys(
            str(email).removeprefix(_EMAIL_PREFIX), str(last_name).removeprefix(_LAST_NAME_PREFIX)
        )
    if data.get("email_key") and data.get("last_name_key"):
        return SubjectKeys(data["email_key"], data["last_name_key"])
    return None


def _redacted_message(data: dict[str, Any]) -> str | None:
    """The message as a partner sees it before accepting: a NULL stands for the message
    itself (nothing to redact); absent on items from before it was stored."""
    if _REDACTED in data and data[_REDACTED] is None:
        return data.get("message")
    return data.get(_REDACTED)


def _contact(contact: Any) -> Contact:
    return Contact(**{k: contact.get(k) for k in _contact_data(Contact("", "", "", ""))})


def inquiry_from(data: dict[str, Any]) -> Inquiry:
    return Inquiry(
        id=data["id"],
        status=Status(data["status"]),
        channel=Channel(data["channel"]),
        product=data["product"],
        contact=_contact(data["contact"]),
        created_at=unstamp(data["created_at"]),  # type: ignore[arg-type]
        message=data.get("message"),
        redacted_message=_redacted_message(data),
        language=data.get("language"),
        partner_id=data.get("partner_id"),
        user_id=data.get("user_id"),
        assigned_at=unstamp(data.get("assigned_at")),
        deadline=unstamp(data.get("deadline")),
        deadline_timezone=data.get("deadline_timezone"),
        reroutes=int(data.get("reroutes", 0)),
        offer_seq=data.get("offer_seq", 0),
        return_reason=ReturnReason(data["return_reason"]) if data.get("return_reason") else None,
        declined_by=frozenset(data.get("declined_by", [])),
        contact_id=data.get("contact_id"),
        progress=tuple(
            ProgressEntry(ProgressStep(p["step"]), unstamp(p["at"]), p["by"], p.get("note"))  # type: ignore[arg-type]
            for p in data.get("progress", [])
        ),
        version=data["version"],
        subject_keys=_subject_keys(data),
        left_at=unstamp(data.get("left_at")),
        erased_at=unstamp(data.get("erased_at")),
    )


def offer_item(offer: Offer) -> dict[str, Any]:
    offered = stamp(offer.offered_at)
    data: dict[str, Any] = {
        PARTITION_KEY: inquiry_pk(offer.inquiry_id),
        SORT_KEY: offer_sort_key(offer.seq),
        "type": "offer",
        "inquiry_id": offer.inquiry_id,
        "seq": offer.seq,
        "partner_id": offer.partner_id,
        "calendar": _calendar_data(offer.calendar),
        "offered_at": offered,
        "deadline": stamp(offer.deadline),
        "outcome": offer.outcome.value,
        "decided_at": stamp(offer.decided_at) if offer.decided_at else None,
        "decided_by": offer.decided_by,
        "reason": offer.reason,
        "first_progress_at": stamp(offer.first_progress_at) if offer.first_progress_at else None,
        "steps": sorted(step.value for step in offer.steps) or None,
    }
    # No gsi1/gsi3 entries: the report reads rollups, nothing lists offers by partner or
    # month any more, and each entry cost a write with every change of the offer.
    if offer.outcome is Outcome.PENDING:
        # Sparse: only pending offers are in the sweeper's index.
        data["gsi4pk"] = due_pk(offer.inquiry_id)
        data["gsi4sk"] = f"{stamp(offer.deadline)}#{offer.inquiry_id}#{offer.seq}"
    return to_item(data)


def offer_from(data: dict[str, Any]) -> Offer:
    return Offer(
        inquiry_id=data["inquiry_id"],
        seq=data["seq"],
        partner_id=data["partner_id"],
        calendar=_calendar(data["calendar"]),
        offered_at=unstamp(data["offered_at"]),  # type: ignore[arg-type]
        deadline=unstamp(data["deadline"]),  # type: ignore[arg-type]
        outcome=Outcome(data["outcome"]),
        decided_at=unstamp(data.get("decided_at")),
        decided_by=data.get("decided_by"),
        reason=data.get("reason"),
        first_progress_at=unstamp(data.get("first_progress_at")),
        steps=frozenset(ProgressStep(step) for step in data.get("steps", ())),
    )


def event_item(inquiry_id: str, version: int, index: int, event: Event) -> dict[str, Any]:
    return to_item(
        {
            PARTITION_KEY: inquiry_pk(inquiry_id),
            SORT_KEY: event_sort_key(version, index),
            "type": "event",
            "at": stamp(event.at),
            "actor": event.actor,
            "action": event.action,
            "details": event.details,
        }
    )


def event_from(data: dict[str, Any]) -> Event:
    return Event(unstamp(data["at"]), data["actor"], data["action"], data.get("details", {}))  # type: ignore[arg-type]


def _event_data(event: Event) -> dict[str, Any]:
    return {
        "at": stamp(event.at),
        "actor": event.actor,
        "action": event.action,
        **({"details": event.details} if event.details else {}),
    }


def change_events_item(inquiry_id: str, version: int, events: Sequence[Event]) -> dict[str, Any]:
    """Every event of one change in one item (`EVENT#<version>`): a change writes one
    item for its events, however many there are, and the stream hands them over
    together. Items of one event each (`event_item`) are still read."""
    return to_item(
        {
            PARTITION_KEY: inquiry_pk(inquiry_id),
            SORT_KEY: change_events_sort_key(version),
            "type": CHANGE_EVENTS,
            "events": [_event_data(event) for event in events],
        }
    )


CHANGE_EVENTS = "events"


def events_from(data: dict[str, Any]) -> list[Event]:
    """The events of an event item: one (the older shape) or all of a change's."""
    if data.get("type") == CHANGE_EVENTS:
        return [event_from(event) for event in data.get("events", [])]
    return [event_from(data)]


def partner_data(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.id,
        "name": partner.name,
        "calendar": _calendar_data(partner.calendar),
        "territories": [
            {"country": t.country, "postal_prefixes": list(t.postal_prefixes)}
            for t in partner.territories
        ],
        "products": sorted(partner.products),
        "active": partner.active,
        "notify_emails": list(partner.notify_emails),
        "language": partner.language,
    }


def partner_from(data: dict[str, Any]) -> Partner:
    return Partner(
        id=data["id"],
        name=data["name"],
        calendar=_calendar(data["calendar"]),
        territories=tuple(
            Territory(t["country"], tuple(t["postal_prefixes"])) for t in data["territories"]
        ),
        products=frozenset(data.get("products", [])),
        # Items written before these fields existed read as the defaults.
        active=data.get("active", True),
        notify_emails=tuple(data.get("notify_emails", ())),
        language=data.get("language", "en"),
    )


def partner_item(partner: Partner, version: int) -> dict[str, Any]:
    """The partner's own item (gsi2 lists all partners)."""
    return to_item(
        {
            PARTITION_KEY: partner_pk(partner.id),
            SORT_KEY: PARTNER_SK,
            "type": "partner",
            "partner": partner_data(partner),
            "version": version,
            "gsi2pk": ALL_PARTNERS,
            "gsi2sk": partner.id,
        }
    )


def territory_item(country: str, partner: Partner) -> dict[str, Any]:
    """A copy of the partner under a country it covers (routing reads one partition)."""
    return to_item(
        {
            PARTITION_KEY: territory_pk(country),
            SORT_KEY: partner_pk(partner.id),
            "type": "territory",
            "partner": partner_data(partner),
        }
    )


def territory_key(country: str, partner_id: str) -> dict[str, Any]:
    """The key of a partner's entry under a country, in DynamoDB's typed form."""
    return {PARTITION_KEY: {"S": territory_pk(country)}, SORT_KEY: {"S": partner_pk(partner_id)}}


def claim_item(claim: IdempotencyClaim, key: dict[str, Any]) -> dict[str, Any]:
    """An Idempotency-Key's claim under its (hashed) key; DynamoDB's TTL removes it.

    Filed under the keyed hash of the submitter's e-mail (gsi5): its body's hash is the
    person's too, and an erasure removes it before the TTL would."""
    lookup: dict[str, Any] = {}
    if claim.email_key is not None:
        lookup = {
            "gsi5pk": {"S": email_pk(claim.email_key)},
            "gsi5sk": {"S": claim_lookup_sort_key(claim.claimed_at, claim.inquiry_id)},
        }
    return {
        **key,
        **lookup,
        "type": {"S": "idempotency"},
        "fingerprint": {"S": claim.fingerprint},
        "inquiry_id": {"S": claim.inquiry_id},
        "claimed_at": {"S": stamp(claim.claimed_at)},
        "expires_at": {"S": stamp(claim.expires_at)},
        TTL_ATTRIBUTE: {"N": str(int(claim.expires_at.timestamp()))},
    }


def claim_from(key: str, data: dict[str, Any]) -> IdempotencyClaim:
    """The claim of the client's key from its item's data."""
    return IdempotencyClaim(
        key=key,
        fingerprint=data["fingerprint"],
        inquiry_id=data["inquiry_id"],
        claimed_at=unstamp(data["claimed_at"]),  # type: ignore[arg-type]
        expires_at=unstamp(data["expires_at"]),  # type: ignore[arg-type]
    )


def contact_item(
    partner_id: str, contact_id: str, contact: Contact, inquiry_id: str
) -> dict[str, Any]:
    """A contact in the partner's address book (the person's data, from the inquiry)."""
    return to_item(
        {
            PARTITION_KEY: contact_pk(partner_id, contact_id),
            SORT_KEY: contact_sort_key(contact_id),
            "type": "contact",
            "contact_id": contact_id,
            "contact": {k: v for k, v in _contact_data(contact).items() if v is not None},
            "inquiry_id": inquiry_id,
            # The address book's order (GET /contacts): by last name, first name, id.
            "gsi1pk": contacts_pk(partner_id),
            "gsi1sk": sort_key(from_inquiry(contact_id, contact)),
        }
    )


def contact_from(data: dict[str, Any]) -> Contact:
    """The person's data of a contact item of the partner's address book."""
    return _contact(data["contact"])


def contact_key_item(partner_id: str, kind: str, value: str, contact_id: str) -> dict[str, Any]:
    """One contact filed under one match key, in the key's shard of the address book."""
    return to_item(
        {
            PARTITION_KEY: match_key_pk(partner_id, kind, value),
            SORT_KEY: contact_key_sort_key(kind, value, contact_id),
            "type": "contact_key",
            "contact_id": contact_id,
        }
    )

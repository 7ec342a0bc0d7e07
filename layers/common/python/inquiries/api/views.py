"""What a caller sees: domain objects -> the JSON answers of api.md, and partner input
-> domain. The use cases answer domain objects; the views are built here, at the edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inquiries.domain.contacts import PartnerContact
from inquiries.domain.model import Calendar, Partner, Principal, RejectReason, Territory
from inquiries.domain.routing import normalise_postal_code
from inquiries.domain.view import inquiry_view
from inquiries.service.decisions import Accepted, Loaded
from inquiries.service.ports import Page

if TYPE_CHECKING:  # the request models (pydantic) load with the first request
    from inquiries.api.schemas import PartnerIn


def inquiry_detail(loaded: Loaded, who: Principal) -> dict[str, Any]:
    """One inquiry with its events, as the caller may see it."""
    return inquiry_view(loaded.record.inquiry, who, loaded.events)


def inquiry_page(page: Page, who: Principal) -> dict[str, Any]:
    """A page of a list, with the cursor of the next one."""
    return {"items": [inquiry_view(i, who) for i in page.items], "next": page.next}


def accepted_view(accepted: Accepted, who: Principal) -> dict[str, Any]:
    """The accepted inquiry (now with the contact) and the possible duplicates, each with
    its contact as the address book holds it."""
    duplicates = []
    for candidate in accepted.duplicates:
        contact_id = str(candidate["contact_id"])
        contact = accepted.contacts.get(contact_id)
        if contact is None:  # vanished between the look-up and the read: nothing to compare
            continue
        duplicates.append({**candidate, "contact": contact_view(contact)})
    return {"inquiry": inquiry_detail(accepted.loaded, who), "duplicates": duplicates}


def contact_view(contact: PartnerContact) -> dict[str, Any]:
    """A contact of the partner's address book, as api.md describes a contact."""
    return {"contact_id": contact.contact_id, **contact.person(), "source": contact.source.value}


def rejected_view(after: Loaded, reason: RejectReason) -> dict[str, Any]:
    """The partner has lost access: it learns only what it did."""
    inquiry = after.record.inquiry
    return {"id": inquiry.id, "status": inquiry.status.value, "reason": reason.value}


def partner_from_input(partner_id: str, data: PartnerIn) -> Partner:
    """The partner of a `PUT /partners/{partner_id}` body."""
    return Partner(
        id=partner_id,
        name=data.name,
        calendar=Calendar(
            country=data.country,
            subdivision=data.subdivision or None,
            timezone=data.timezone,
            working_days=tuple(data.working_days),
        ),
        territories=tuple(
            Territory(
                t.country,
                tuple(
                    sorted(
                        {normalise_postal_code(p) if p.strip() else "" for p in t.postal_prefixes}
                    )
                ),
            )
            for t in data.territories
        ),
        products=frozenset(p.value for p in data.products),
        active=data.active,
        notify_emails=tuple(data.notify_emails),
        language=data.language,
    )


def partner_view(partner: Partner) -> dict[str, Any]:
    """A partner as HQ sees it."""
    calendar = partner.calendar
    return {
        "id": partner.id,
        "name": partner.name,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "timezone": calendar.timezone,
        "working_days": list(calendar.working_days),
        "territories": [
            {"country": t.country, "postal_prefixes": list(t.postal_prefixes)}
            for t in partner.territories
        ],
        "products": sorted(partner.products),
        "active": partner.active,
        "notify_emails": list(partner.notify_emails),
        "language": partner.language,
    }

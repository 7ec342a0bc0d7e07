"""What a caller sees: domain objects -> the JSON answers of api.md, and partner input
-> domain. The use cases answer domain objects; the views are built here, at the edge.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from inquiries.domain.contacts import PartnerContact
from inquiries.domain.model import (
    Calendar,
    Partner,
    Principal,
    RejectReason,
    Status,
    Territory,
)
from inquiries.domain.routing import Suggestion, normalise_postal_code
from inquiries.domain.view import inquiry_view, iso
from inquiries.service.decisions import Accepted, Loaded
from inquiries.service.ports import Page
from inquiries.service.subjects import Held

if TYPE_CHECKING:  # the request models (pydantic) load with the first request
    from inquiries.api.schemas import PartnerIn, PartnerPatchIn, TerritoryIn


def inquiry_detail(loaded: Loaded, who: Principal) -> dict[str, Any]:
    """One inquiry with its events, as the caller may see it."""
    return inquiry_view(loaded.record.inquiry, who, loaded.events)


def inquiry_page(page: Page, who: Principal) -> dict[str, Any]:
    """A page of a list, with the cursor of the next one."""
    return {"items": [inquiry_view(i, who) for i in page.items], "next": page.next}


def accepted_view(accepted: Accepted, who: Principal) -> dict[str, Any]:
    """The accepted inquiry (now with the contact) and the possible duplicates, each with
    its contact as the address book holds it."""
    return {"inquiry": inquiry_detail(accepted.loaded, who), "duplicates": _duplicates(accepted)}


def checked_view(check: Accepted, who: Principal) -> dict[str, Any]:
    """One inquiry with its events and, while its partner has linked no contact, the
    duplicate check of its acceptance again."""
    return {**inquiry_detail(check.loaded, who), "duplicates": _duplicates(check)}


def _duplicates(accepted: Accepted) -> list[dict[str, Any]]:
    """Each candidate with its contact (the service keeps only candidates it could read)."""
    return [
        {**candidate, "contact": contact_view(accepted.contacts[str(candidate["contact_id"])])}
        for candidate in accepted.duplicates
    ]


def contact_view(contact: PartnerContact) -> dict[str, Any]:
    """A contact of the partner's address book, as api.md describes a contact."""
    return {"contact_id": contact.contact_id, **contact.person(), "source": contact.source.value}


def rejected_view(after: Loaded, reason: RejectReason) -> dict[str, Any]:
    """The partner has lost access: it learns only what it did."""
    inquiry = after.record.inquiry
    # Returned, as far as the partner is concerned, even when it went on automatically
    # to the next partner (whose offer is not this partner's business).
    return {"id": inquiry.id, "status": Status.RETURNED.value, "reason": reason.value}


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
        territories=_territories(data.territories),
        products=frozenset(p.value for p in data.products),
        active=data.active,
        notify_emails=tuple(data.notify_emails),
        language=data.language,
    )


def _territories(territories: list[TerritoryIn]) -> tuple[Territory, ...]:
    """Territories as stored: prefixes normalised like postal codes, each once, sorted."""
    return tuple(
        Territory(
            t.country,
            tuple(
                sorted({normalise_postal_code(p) if p.strip() else "" for p in t.postal_prefixes})
            ),
        )
        for t in territories
    )


def partner_patched(partner: Partner, data: PartnerPatchIn) -> Partner:
    """The partner with the fields a `PATCH` body gives changed, the others kept."""
    given = data.model_fields_set
    calendar = partner.calendar
    return replace(
        partner,
        name=data.name if data.name is not None else partner.name,
        calendar=Calendar(
            country=data.country or calendar.country,
            subdivision=(data.subdivision or None)
            if "subdivision" in given
            else calendar.subdivision,
            timezone=data.timezone or calendar.timezone,
            working_days=tuple(data.working_days)
            if data.working_days is not None
            else calendar.working_days,
        ),
        territories=_territories(data.territories)
        if data.territories is not None
        else partner.territories,
        products=frozenset(p.value for p in data.products)
        if data.products is not None
        else partner.products,
        active=data.active if data.active is not None else partner.active,
        notify_emails=tuple(data.notify_emails)
        if data.notify_emails is not None
        else partner.notify_emails,
        language=data.language or partner.language,
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


# data subjects (issue 13)


def subject_view(email: str, held: Held, who: Principal) -> dict[str, Any]:
    """Everything held about one person: inquiries (full view with contact and events),
    the partners' contacts linked to them, idempotency records, and earlier erasures."""
    return {
        "email": email,
        "inquiries": [
            inquiry_view(record.inquiry, who, events) for record, events in held.inquiries
        ],
        "contacts": [
            {
                "partner_id": c.partner_id,
                "contact_id": c.contact_id,
                "from_inquiry": c.from_inquiry,
                "contact": c.contact.person(),
            }
            for c in held.contacts
        ],
        "idempotency_records": [
            {
                "inquiry_id": claim.inquiry_id,
                "claimed_at": iso(claim.claimed_at),
                "expires_at": iso(claim.expires_at),
            }
            for claim in held.claims
        ],
        "erasures": [{"at": iso(e.at), "inquiries": e.inquiries} for e in held.erasures],
    }


def suggestions_view(suggestions: list[Suggestion]) -> dict[str, Any]:
    """`GET /inquiries/{id}/suggestions`: the candidates, best first, with why."""
    return {
        "candidates": [
            {
                "partner_id": s.partner.id,
                "name": s.partner.name,
                "why": list(s.why),
                "postal_prefix": s.postal_prefix,
                "pending": s.pending,
            }
            for s in suggestions
        ]
    }

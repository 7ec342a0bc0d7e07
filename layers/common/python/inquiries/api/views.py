"""Partner input -> domain, domain -> partner view (partners hold no personal data)."""

from __future__ import annotations

from typing import Any

from inquiries.api.schemas import PartnerIn
from inquiries.domain.model import Calendar, Partner, Territory
from inquiries.domain.routing import normalise_postal_code


def partner_from_input(partner_id: str, data: PartnerIn) -> Partner:
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
    )


def partner_view(partner: Partner) -> dict[str, Any]:
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
    }

"""HQ manages its partners: where they work, what they sell, their calendar."""

from __future__ import annotations

from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Partner
from inquiries.domain.partner_limits import check_storable
from inquiries.service.ports import Dependencies


def put_partner(deps: Dependencies, partner: Partner) -> Partner:
    """Create or replace a partner; its calendar must be one we can count deadlines in,
    and it must fit in the one change that stores it (else 422 naming `territories`)."""
    from inquiries import business_time  # noqa: PLC0415  (only this route needs it here)

    calendar = partner.calendar
    # The country first, then its subdivision, so the answer names the field at fault.
    for field, subdivision in (("country", None), ("subdivision", calendar.subdivision)):
        try:
            business_time.validate_calendar(
                calendar.country, subdivision, calendar.timezone, calendar.working_days
            )
        except ValueError as error:
            raise ValidationFailed.at(
                f"invalid {field}: {error}", "body", field, msg=str(error)
            ) from None
    # A partner one transaction cannot store is refused as bad input, not retried as 503.
    check_storable(partner, replacing=deps.repository.get_partner(partner.id))
    deps.repository.put_partner(partner)
    return partner


def known_partner(deps: Dependencies, partner_id: str) -> Partner:
    """The partner a request names in its body, or 422: there is no such partner."""
    partner = deps.repository.get_partner(partner_id)
    if partner is None:
        raise ValidationFailed.at(
            "partner_id names no partner", "body", "partner_id", msg="unknown partner"
        )
    return partner


def list_partners(deps: Dependencies) -> list[Partner]:
    return sorted(deps.repository.list_partners(), key=lambda p: p.id)

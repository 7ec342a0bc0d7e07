"""HQ manages its partners: where they work, what they sell, their calendar."""

from __future__ import annotations

from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Partner
from inquiries.service.ports import Dependencies


def put_partner(deps: Dependencies, partner: Partner) -> Partner:
    """Create or replace a partner; its calendar must be one we can count deadlines in."""
    from inquiries import business_time  # noqa: PLC0415  (only this route needs it here)

    calendar = partner.calendar
    # The country first, then its subdivision, so the answer names the field at fault.
    for field, subdivision in (("country", None), ("subdivision", calendar.subdivision)):
        try:
            business_time.validate_calendar(
                calendar.country, subdivision, calendar.timezone, calendar.working_days
            )
        except ValueError as error:
            raise ValidationFailed(
                f"invalid {field}: {error}",
                [{"loc": ["body", field], "msg": str(error), "type": "value_error"}],
            ) from None
    deps.repository.put_partner(partner)
    return partner


def list_partners(deps: Dependencies) -> list[Partner]:
    return sorted(deps.repository.list_partners(), key=lambda p: p.id)

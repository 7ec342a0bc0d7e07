"""HQ manages its partners: where they work, what they sell, their calendar."""

from __future__ import annotations

from collections.abc import Callable

from inquiries.domain.errors import ChangeRejected, Conflict, NotFound, ValidationFailed
from inquiries.domain.model import Partner
from inquiries.domain.partner_limits import check_storable
from inquiries.service.ports import Dependencies

PATCH_ATTEMPTS = 3


def put_partner(deps: Dependencies, partner: Partner) -> Partner:
    """Create or replace a partner; its calendar must be one we can count deadlines in,
    and it must fit in the one change that stores it (else 422 naming `territories`)."""
    from inquiries.service.reports import TOTAL  # noqa: PLC0415  (decide's other routes: not)

    replacing = deps.repository.get_partner(partner.id)
    if replacing is None and partner.id.casefold() == TOTAL:
        # The report's CSV and workbook end with a row of that name (docs/api.md).
        raise ValidationFailed.at(
            "partner_id: the report's sum row is called total; choose another id",
            "path",
            "partner_id",
            msg="reserved for the report's sum row",
            kind="reserved",
        )
    _check(deps, partner, replacing=replacing)
    deps.repository.put_partner(partner)
    return partner


def _check(deps: Dependencies, partner: Partner, replacing: Partner | None) -> None:
    """The checks of a partner to store beyond its fields' own (422 naming the field)."""
    from inquiries import business_time  # noqa: PLC0415  (only these routes need it here)

    calendar = partner.calendar
    try:
        business_time.validate_calendar(
            calendar.country, calendar.subdivision, calendar.timezone, calendar.working_days
        )
    except business_time.CalendarError as error:
        # The field at fault (the country is checked before its subdivision) and what is
        # wrong with it, never the value sent (docs/api.md, Errors).
        raise ValidationFailed.at(
            f"invalid {error.field}: {error.reason}", "body", error.field, msg=error.reason
        ) from None
    # A partner one transaction cannot store is refused as bad input, not retried as 503.
    check_storable(partner, replacing=replacing)


def get_partner(deps: Dependencies, partner_id: str) -> Partner:
    """The partner of a path (`/partners/{partner_id}`), or NotFound. A consistent read:
    a partner just created or changed is found as it was stored."""
    found = deps.repository.partner_for_change(partner_id)
    if found is None:
        raise NotFound("partner not found")
    return found[0]


def patch_partner(
    deps: Dependencies, partner_id: str, change: Callable[[Partner], Partner]
) -> Partner:
    """Change a partner in part: `change` makes the new partner from the stored one.

    One conditional write on the version read: a PUT or PATCH landing in between makes
    it read again and apply the same change to what is stored then (the fields given
    win, the others are the latest), up to PATCH_ATTEMPTS times, then 409.
    """
    repo = deps.repository
    for _ in range(PATCH_ATTEMPTS):
        found = repo.partner_for_change(partner_id)
        if found is None:
            raise NotFound("partner not found")
        current, version = found
        partner = change(current)
        _check(deps, partner, replacing=current)
        try:
            repo.replace_partner(partner, current, version)
        except ChangeRejected:
            continue
        return partner
    raise Conflict("the partner is being changed by someone else; please retry")


def known_partner(deps: Dependencies, partner_id: str) -> Partner:
    """The partner a request names in its body, or 422: there is no such partner."""
    partner = deps.repository.get_partner(partner_id)
    if partner is None:
        raise ValidationFailed.at(
            "partner_id names no partner", "body", "partner_id", msg="unknown partner"
        )
    return partner


def list_partners(deps: Dependencies) -> list[Partner]:
    """Every partner, by id."""
    return sorted(deps.repository.list_partners(), key=lambda p: p.id)

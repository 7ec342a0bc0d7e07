"""How much one partner may hold: a partner is replaced in one atomic change, so it must fit.

Storing a partner writes the partner and one copy of it per country it covers (routing
reads a country's partners in one query), and deletes the copies of countries it no
longer covers, all in one DynamoDB transaction. That transaction takes at most 100
writes and 4 MB, and each copy at most 400 KB. A partner beyond that could never be
stored: it is refused as bad input (422) naming the field, instead of failing at the
store (503) on every try.
"""

from __future__ import annotations

import json

from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Partner

MAX_WRITES = 100  # items in one DynamoDB transaction
# The partner's own size, in bytes of compact JSON. JSON spends more bytes per string
# than DynamoDB does, so this over-counts; the rest of the 400 KB item limit covers the
# keys and the attributes stored beside the partner.
MAX_PARTNER_BYTES = 350_000
MAX_CHANGE_BYTES = 4_000_000  # of the 4 MB (4,194,304 bytes) a transaction may carry
_ITEM_OVERHEAD = 1_000  # keys and attributes beside the partner, per copy, generously


def partner_bytes(partner: Partner) -> int:
    """The partner's size as stored, over-counted: its compact JSON in UTF-8."""
    data = {
        "id": partner.id,
        "name": partner.name,
        "calendar": {
            "country": partner.calendar.country,
            "timezone": partner.calendar.timezone,
            "subdivision": partner.calendar.subdivision,
            "working_days": list(partner.calendar.working_days),
        },
        "territories": [
            {"country": t.country, "postal_prefixes": list(t.postal_prefixes)}
            for t in partner.territories
        ],
        "products": sorted(partner.products),
    }
    return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def check_storable(partner: Partner, replacing: Partner | None) -> None:
    """Raise ValidationFailed (422, naming `territories`) when the change could not be stored.

    `replacing` is the stored partner this one replaces, if any: the countries it covers
    and this one does not are deleted in the same change.
    """
    countries = {t.country for t in partner.territories}
    dropped = {t.country for t in replacing.territories} - countries if replacing else set()
    writes = 1 + len(countries) + len(dropped)
    if writes > MAX_WRITES:
        detail = (
            f"covering {len(countries)} countries and dropping {len(dropped)} others "
            f"takes {writes} writes, more than the {MAX_WRITES} one change can make; "
            "drop the old countries in a first change, then add the new ones"
            if dropped
            else f"a partner can cover at most {MAX_WRITES - 1} countries, not {len(countries)}"
        )
        raise ValidationFailed.at(f"territories: {detail}", "body", "territories", msg=detail)
    size = partner_bytes(partner)
    total = (1 + len(countries)) * (size + _ITEM_OVERHEAD)
    if size > MAX_PARTNER_BYTES or total > MAX_CHANGE_BYTES:
        limit = min(MAX_PARTNER_BYTES, MAX_CHANGE_BYTES // (1 + len(countries)) - _ITEM_OVERHEAD)
        detail = (
            f"the partner takes {size:,} bytes with its postal prefixes; covering "
            f"{len(countries)} countries it may take at most {limit:,}: use fewer, shorter "
            "prefixes (a prefix covers every postal code that starts with it)"
        )
        raise ValidationFailed.at(f"territories: {detail}", "body", "territories", msg=detail)

"""What a partner may read of an inquiry before it has accepted it: message and location.

The message goes through the redaction pipeline (`inquiries.domain.redaction`): every
contact detail of anyone and everything of the contact's own data is `[redacted]`,
the rest stays as written. It is computed once, when the inquiry is stored; items
stored before that field existed compute it on read.

The location keeps the postal code only down to its district where the full code
points at a street or a building.
"""

from __future__ import annotations

import re

from inquiries.domain.model import Contact, Location
from inquiries.domain.redaction import REDACTED, redact

__all__ = ["REDACTED", "anonymise_message", "district_location", "district_postal_code"]


def anonymise_message(message: str | None, contact: Contact) -> str | None:
    """The message with contact details and the contact's own data replaced by `[redacted]`."""
    if not message:
        return message
    return redact(message, contact)


_SPACES = re.compile(r"\s+")
# GB: the outward code is all but the last three characters (the inward code).
_GB_INWARD = 3


def district_postal_code(postal_code: str, country: str) -> str:
    """The district part of a postal code that points at a street or building (api.md).

    `GB` the outward code (`SW1A 1AA` -> `SW1A`), `NL` the four digits (`1012 AB` ->
    `1012`), `IE` the routing key (`D02 X285` -> `D02`), `PT` the first four digits
    (`1000-001` -> `1000`), `CA` the first three characters (`K1A 0B1` -> `K1A`).
    Other countries: the whole code.
    """
    code = postal_code.strip()
    compact = _SPACES.sub("", code).upper()
    match country.upper():
        case "GB":
            head = code.split()[0].upper() if len(code.split()) > 1 else ""
            return head or compact[:-_GB_INWARD] or compact
        case "NL":
            return compact[:4]
        case "IE":
            return compact[:3]
        case "PT":
            return compact.replace("-", "")[:4]
        case "CA":
            return compact[:3]
        case _:
            return postal_code


def district_location(location: Location) -> Location:
    """The location as a partner sees it before accepting."""
    return Location(
        district_postal_code(location.postal_code, location.country),
        location.city,
        location.country,
    )

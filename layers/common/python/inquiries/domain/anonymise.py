"""What a partner may read of an inquiry before it has accepted it: message and location.

The message goes through the redaction pipeline (`inquiries.domain.redaction`): every
contact detail of anyone and everything of the contact's own data is `[redacted]`,
the rest stays as written. It is computed once, when the inquiry is stored; items
stored before that field existed compute it on read.

The location keeps the postal code only down to its district where the full code
points at a street or a building, and the city only where the redaction finds nothing
in it: a city field that holds an address, a name, an e-mail or a phone number is no
city, and a partner sees none (`null`) rather than a part of it.
"""

from __future__ import annotations

import re

from inquiries.domain.model import Contact, Location
from inquiries.domain.redaction import REDACTED, findings, redact

# `NL-1012 AB`, `PT-1000-001`: a country prefix before the code (as routing reads codes).
_COUNTRY_PREFIX = re.compile(r"^[A-Z]{1,3}-")

__all__ = [
    "REDACTED",
    "anonymise_message",
    "city_before_accept",
    "district_location",
    "district_postal_code",
    "location_before_accept",
]


def anonymise_message(message: str | None, contact: Contact) -> str | None:
    """The message with contact details and the contact's own data replaced by `[redacted]`."""
    if not message:
        return message
    return redact(message, contact)


# GB (the real structure): the outward code is the area (one or two letters) and the
# district (a digit, then maybe a digit or a letter); the inward code, always three
# characters, a digit and two letters. `GIR 0AA` is the one postcode outside the pattern.
_GB_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?|GIR"
_GB_POSTCODE = re.compile(rf"({_GB_OUTWARD})[0-9][A-Z]{{2}}")
_GB_OUTWARD_ONLY = re.compile(_GB_OUTWARD)
# A letter after the district's digit is the outward code's: an inward code starts with a digit.
_GB_CERTAIN_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z]")
_GB_AREA = re.compile(r"([A-Z]{1,2})[0-9]")
# The part of the code a district keeps, by country, counted without spaces and dashes:
# NL's four digits, IE's routing key, PT's four digits, CA's forward sortation area, US's
# five-digit ZIP (ZIP+4 is a block face), BR's five-digit CEP prefix (the last three a
# street), JP's three-digit area (the last four a block), AR's letter and four digits (the
# CPA's last three letters a block face), MT's locality letters (the digits a street).
_DISTRICT_LENGTH = {"NL": 4, "IE": 3, "PT": 4, "CA": 3, "US": 5, "BR": 5, "JP": 3, "AR": 5}
_MT_LOCALITY = re.compile(r"[A-Z]{3}")


def _gb_outward_code(code: str) -> str:
    """The outward code of a British postcode however typed, never a character of the inward.

    Whole, the structure decides (the inward code is the last three characters). Else the
    user typed part of it: the first word if it is an outward code (`SW1A 1` -> `SW1A`),
    the whole if it is one (`SW1A`, `M1`), and where a digit could belong to either
    (`M11A`: `M1 1A` or `M11 A`) only the area, `M`; nothing where no area is to be read.
    """
    words = code.split()
    compact = "".join(words)
    if whole := _GB_POSTCODE.fullmatch(compact):
        return whole.group(1)
    if len(words) > 1 and _GB_OUTWARD_ONLY.fullmatch(words[0]):
        return words[0]
    if _GB_OUTWARD_ONLY.fullmatch(compact):
        return compact
    if certain := _GB_CERTAIN_OUTWARD.match(compact):
        return certain.group(0)
    area = _GB_AREA.match(compact)
    return area.group(1) if area else ""


def district_postal_code(postal_code: str, country: str) -> str:
    """The district part of a postal code that points at a street or building (api.md).

    `GB` the outward code (`SW1A 1AA` -> `SW1A`), `NL` the four digits (`1012 AB` ->
    `1012`), `IE` the routing key (`D02 X285` -> `D02`), `PT` the first four digits
    (`1000-001` -> `1000`), `CA` the first three characters (`K1A 0B1` -> `K1A`), `US`
    the ZIP code (`10001-1234` -> `10001`), `BR` the first five digits (`01310-100` ->
    `01310`), `JP` the first three (`100-0001` -> `100`), `AR` the letter and four digits
    (`C1002AAP` -> `C1002`), `MT` the locality's letters (`VLT 1117` -> `VLT`).
    In any case and spacing, without a country prefix such as `NL-`; a code typed only
    as far as its district (`SW1A`, `1012`, `D02`) is its own district.
    Other countries: the whole code.
    """
    country = country.upper()
    if country not in ("GB", "MT") and country not in _DISTRICT_LENGTH:
        return postal_code
    code = " ".join(postal_code.split()).upper()
    prefix = _COUNTRY_PREFIX.match(code)
    if prefix and len(code) > len(prefix.group(0)):
        code = code[len(prefix.group(0)) :]
    if country == "GB":
        return _gb_outward_code(code.replace("-", " "))
    compact = re.sub(r"[\s-]", "", code)
    if country == "MT":
        locality = _MT_LOCALITY.match(compact)
        return locality.group(0) if locality else ""
    return compact[: _DISTRICT_LENGTH[country]]


def district_location(location: Location) -> Location:
    """The location with its postal code down to the district (the city as it is)."""
    return Location(
        district_postal_code(location.postal_code, location.country),
        location.city,
        location.country,
    )


def city_before_accept(city: str | None, contact: Contact) -> str | None:
    """The city as a partner may read it before accepting: the city, or None where the
    message's redaction (every contact detail of anyone, the contact's own data) finds
    anything in it. Not the rest of it: what is left around a redacted address or name
    (`Bolzano, [redacted] c/o [redacted]`) still says more than a city should."""
    if not city:
        return city
    return None if findings(city, contact) else city


def location_before_accept(contact: Contact) -> Location:
    """The location as a partner sees it before accepting (its view, its lists, its mails),
    and as an erasure keeps it: the district's postal code, the city if it is one, the
    country."""
    district = district_location(Location(contact.postal_code, contact.city, contact.country))
    return Location(
        district.postal_code, city_before_accept(contact.city, contact), district.country
    )

"""Redaction: the message as a partner may read it before accepting the inquiry.

A pipeline of pure stages, each linear in the length of the message:

1. `shadow`: a folded copy of the text that the detectors read, with the way back to
   the original for every character;
2. detectors, each a list of spans of the shadow: `addresses` (e-mail, also spelled
   out; web addresses and bare domains; social handles), `numbers` (phone numbers,
   IBANs, tax and VAT numbers) and `own_data` (the contact's names, company, street,
   e-mail and phone however spelled);
3. the spans, mapped back to the original and merged, are each replaced by
   `[redacted]`; everything else of the message stays exactly as written.

`redact` runs once, when the inquiry is stored (see `service/intake.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from inquiries.domain.model import Contact

if TYPE_CHECKING:
    from inquiries.domain.redaction.shadow import Shadow

REDACTED = "[redacted]"

# Where a prospect's phone number may come from besides its own country: the neighbours.
_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "IT": ("AT", "CH", "FR", "SI", "SM", "VA", "DE"),
    "AT": ("DE", "CH", "IT", "SI", "HU", "SK", "CZ", "LI"),
    "DE": ("AT", "CH", "NL", "BE", "LU", "FR", "DK", "PL", "CZ"),
    "CH": ("DE", "AT", "IT", "FR", "LI"),
    "LI": ("CH", "AT"),
    "FR": ("BE", "LU", "DE", "CH", "IT", "ES", "MC"),
    "LU": ("BE", "DE", "FR"),
    "BE": ("NL", "DE", "LU", "FR"),
    "NL": ("BE", "DE"),
    "SI": ("IT", "AT", "HU", "HR"),
    "GB": ("IE",),
    "IE": ("GB",),
    "ES": ("PT", "FR", "AD"),
    "PT": ("ES",),
    "CA": ("US",),
    "US": ("CA", "MX"),
}


def phone_regions(country: str) -> tuple[str, ...]:
    """The regions a phone number in a message of this contact is read in, own first."""
    own = country.upper()
    return (own, *_NEIGHBOURS.get(own, ()))


def findings(text: str, contact: Contact) -> list[tuple[int, int]]:
    """The spans of `text` to redact, sorted and merged where they overlap or touch."""
    # The stages compile their patterns on import: only the functions that redact pay it.
    from inquiries.domain.redaction import addresses, numbers, own_data  # noqa: PLC0415
    from inquiries.domain.redaction.shadow import shadow_of  # noqa: PLC0415

    shadow = shadow_of(text)
    folded = shadow.text
    found: list[tuple[int, int]] = []
    checks = numbers.Checks()  # one budget of slow validations for the whole message
    for spans in (
        addresses.emails(folded),
        addresses.web_addresses(folded),
        addresses.handles(folded),
        numbers.phone_numbers(folded, phone_regions(contact.country), checks),
        numbers.ibans(folded, checks),
        numbers.tax_numbers(folded, checks),
        own_data.own_data(folded, contact),
    ):
        found.extend(_in_original(shadow, spans))
    return _merged(found)


def _in_original(shadow: Shadow, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return [shadow.original(start, end) for start, end in spans if end > start]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def redact(text: str, contact: Contact) -> str:
    """`text` with everything that identifies or reaches the contact replaced by `[redacted]`."""
    if not text:
        return text
    out: list[str] = []
    position = 0
    for start, end in findings(text, contact):
        out.append(text[position:start])
        out.append(REDACTED)
        position = end
    out.append(text[position:])
    return "".join(out)

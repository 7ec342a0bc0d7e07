"""The duplicate check: which of a partner's own contacts may be this prospect.

A contact matches on `email` (case-insensitive), `phone` (E.164, read in the
contact's country) or `name_postal_code` (last name, case-insensitive, and
postal code). Each contact is filed under one key per kind, so the check is a
handful of exact look-ups, never a scan.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Protocol

from inquiries.domain.routing import normalise_postal_code

MATCH_ORDER = ("email", "phone", "name_postal_code")


def normalise_email(email: str) -> str:
    return email.strip().casefold()


def normalise_phone(phone: str | None, country: str) -> str | None:
    """The number in E.164, read in the contact's country; None if it is not a number."""
    if not phone or not phone.strip():
        return None
    import phonenumbers  # noqa: PLC0415  (heavy; only acceptance needs it)

    try:
        parsed = phonenumbers.parse(phone, country.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


class Matchable(Protocol):
    """What the keys are made of: an inquiry's contact, or one of the address book."""

    @property
    def last_name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def country(self) -> str: ...


def match_keys(contact: Matchable) -> dict[str, str]:
    """The look-up keys of a contact, one per kind it can be matched on.

    An imported contact may lack an e-mail (no `email` key) or a postal code: its
    `name_postal_code` key then ends in an empty code, which no inquiry (whose postal
    code is required) ever looks up, but which lets a re-import find it again.
    """
    keys = {"email": normalise_email(contact.email)} if contact.email else {}
    phone = normalise_phone(contact.phone, contact.country)
    if phone:
        keys["phone"] = phone
    keys["name_postal_code"] = (
        f"{_fold(contact.last_name).replace('#', ' ')}#{contact.country.upper()}"
        f"#{normalise_postal_code(contact.postal_code or '')}"
    )
    return keys


def duplicates(found: Mapping[str, frozenset[str]]) -> list[dict[str, object]]:
    """Candidates from the contact ids found under each kind of key, in a stable order."""
    by_contact: dict[str, list[str]] = {}
    for kind in MATCH_ORDER:
        for contact_id in sorted(found.get(kind, frozenset())):
            by_contact.setdefault(contact_id, []).append(kind)
    return [
        {"contact_id": contact_id, "matched_on": kinds}
        for contact_id, kinds in sorted(by_contact.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]

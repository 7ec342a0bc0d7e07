"""A partner's address book: its contacts, from accepted inquiries and from its own files.

Pure: what a contact is, the order the address book lists them in, how a search term
is read, and what an imported row changes on a contact that is already there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from inquiries.domain.model import Contact


class Source(StrEnum):
    """Where a contact came from first; an import that updates it does not change this."""

    INQUIRY = "inquiry"
    IMPORT = "import"


# The person's fields of a contact, in the order of api.md (and of the import's header).
FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "company",
)


@dataclass(frozen=True)
class PartnerContact:
    """One contact of a partner's address book.

    Only `last_name` and `country` are sure to be there: an imported contact may have no
    e-mail or postal code, unlike the contact of an inquiry.
    """

    contact_id: str
    last_name: str
    country: str
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    company: str | None = None
    source: Source = Source.INQUIRY
    inquiry_id: str | None = None  # the inquiry it was created from, if any

    def person(self) -> dict[str, str | None]:
        """The person's fields, as api.md names them."""
        return {name: getattr(self, name) for name in FIELDS}


def from_inquiry(
    contact_id: str, contact: Contact, inquiry_id: str | None = None
) -> PartnerContact:
    """The address book's copy of an inquiry's contact."""
    return PartnerContact(
        contact_id=contact_id,
        **{f.name: getattr(contact, f.name) for f in fields(Contact)},
        source=Source.INQUIRY,
        inquiry_id=inquiry_id,
    )


def updated(existing: PartnerContact, row: dict[str, str | None]) -> PartnerContact:
    """The contact after an imported row: the row's values where it has one.

    An empty cell keeps what the address book holds: an import fills in and corrects,
    it never erases (a file exported without phone numbers must not wipe them).
    """

    def pick(name: str) -> str | None:
        return row.get(name) or getattr(existing, name)

    return replace(
        existing,
        first_name=pick("first_name"),
        last_name=pick("last_name") or existing.last_name,
        email=pick("email"),
        phone=pick("phone"),
        street=pick("street"),
        postal_code=pick("postal_code"),
        city=pick("city"),
        country=pick("country") or existing.country,
        company=pick("company"),
    )


def imported(contact_id: str, row: dict[str, str | None]) -> PartnerContact:
    """A new contact of an imported row (whose last name and country are checked)."""
    return PartnerContact(
        contact_id=contact_id,
        last_name=row.get("last_name") or "",
        country=row.get("country") or "",
        first_name=row.get("first_name"),
        email=row.get("email"),
        phone=row.get("phone"),
        street=row.get("street"),
        postal_code=row.get("postal_code"),
        city=row.get("city"),
        company=row.get("company"),
        source=Source.IMPORT,
    )


def fold(text: str) -> str:
    """Text compared without case, width or extra spaces: `  ROSSI` and `rossi` are one."""
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


def _sortable(text: str | None) -> str:
    # '#' separates the parts of the key: a name never needs one.
    return fold(text or "").replace("#", " ").strip()


def sort_key(contact: PartnerContact) -> str:
    """Where the contact sits in the address book: by last name, first name, then id."""
    return f"{_sortable(contact.last_name)}#{_sortable(contact.first_name)}#{contact.contact_id}"


def last_name_prefix(term: str) -> str:
    """The start of the sort keys of the contacts whose last name begins with the term."""
    return _sortable(term)


@dataclass(frozen=True)
class Row:
    """A valid row of an imported file: its line (the header is line 1) and its cells
    (empty cells are None)."""

    line: int
    cells: dict[str, str | None]


@dataclass(frozen=True)
class SearchTerm:
    """What `?q=` asks for: an e-mail address, a phone number, or the start of a last name."""

    kind: str  # "email", "phone" or "last_name"
    text: str


_PHONE_CHARACTERS = frozenset("+0123456789 ()./-")


def search_term(q: str) -> SearchTerm:
    """How the address book reads a search: `@` makes an e-mail, digits a phone number."""
    text = " ".join(q.split())
    if "@" in text:
        return SearchTerm("email", text)
    digits = sum(c.isdigit() for c in text)
    if digits >= 3 and set(text) <= _PHONE_CHARACTERS:
        return SearchTerm("phone", text)
    return SearchTerm("last_name", text)

"""A partner's contacts: its address book, searched, read, and filled from its own files.

Every use case works in the calling partner's address book only: another partner's
contact is not found (404), and HQ has no route here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from inquiries.domain.contacts import (
    PartnerContact,
    Row,
    Source,
    fold,
    imported,
    last_name_prefix,
    search_term,
    updated,
)
from inquiries.domain.duplicates import match_keys, normalise_email, normalise_phone
from inquiries.domain.errors import ChangeRejected, NotFound, Unavailable
from inquiries.service.ports import AddressBook, ContactChanges, ContactPage, Dependencies


def list_contacts(
    deps: Dependencies,
    book: AddressBook,
    partner_id: str,
    *,
    q: str | None,
    limit: int,
    cursor: str | None,
) -> ContactPage:
    """The address book by last name, or the contacts a search finds.

    `q` with an `@` is an e-mail address (exact, any case); digits are a phone number
    (as E.164, a national number read in the partner's countries); anything else is the
    start of a last name (any case).
    """
    if not q:
        return book.page(partner_id, limit, cursor)
    term = search_term(q)
    if term.kind == "last_name":
        return book.page(partner_id, limit, cursor, last_name_prefix(term.text))
    if term.kind == "email":
        keys = {("email", normalise_email(term.text))}
    else:
        keys = {("phone", number) for number in _phone_numbers(deps, partner_id, term.text)}
    ids = frozenset().union(*book.filed_under(partner_id, keys).values()) if keys else frozenset()
    return book.page_of(partner_id, list(book.many(partner_id, ids).values()), limit, cursor)


def _phone_numbers(deps: Dependencies, partner_id: str, text: str) -> set[str]:
    """The E.164 numbers a typed phone number may be: as written when international,
    else read in the country of the partner and of each of its territories."""
    countries = {"DE"}
    partner = deps.repository.get_partner(partner_id)
    if partner is not None:
        countries = {partner.calendar.country} | {t.country for t in partner.territories}
    numbers = {normalise_phone(text, country) for country in sorted(countries)}
    return {n for n in numbers if n}


def get_contact(book: AddressBook, partner_id: str, contact_id: str) -> PartnerContact:
    """One of the partner's contacts; another partner's, or none, is not found."""
    contact = book.get(partner_id, contact_id)
    if contact is None:
        raise NotFound("no such contact")
    return contact


# A deletion that finds the contact changed by an import meanwhile reads it again this often.
_DELETE_ATTEMPTS = 3


def delete_contact(book: AddressBook, partner_id: str, contact_id: str) -> None:
    """Erase one of the partner's own contacts from its own book: the contact and the
    match keys it is filed under, in one write conditional on the contact as read.
    Another partner's contact, or none (also one deleted already), is not found.
    Inquiries linked to it keep it as their `contact_id`, as after an erasure."""
    for _ in range(_DELETE_ATTEMPTS):
        try:
            deleted = book.delete(partner_id, contact_id)
        except ChangeRejected:
            continue  # an import changed it between the read and the write
        if deleted is None:
            raise NotFound("no such contact")
        return
    raise Unavailable("the contact kept changing while it was deleted; please retry")


@dataclass
class Imported:
    """What an import did: rows stored, and the contacts created, updated, left as they were."""

    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0  # BatchWriteItem calls


@dataclass
class _Group:
    """The rows of one file that are one contact: the same e-mail, or (without one) the
    same last name, first name, postal code and country."""

    key: tuple[str, str]  # the match key it is found under
    first_name: str  # folded; only for rows without an e-mail
    rows: list[Row] = field(default_factory=list)


def import_contacts(
    deps: Dependencies, book: AddressBook, partner_id: str, rows: Sequence[Row]
) -> Imported:
    """Store the rows as the partner's contacts: a contact whose e-mail is among the
    partner's contacts already is updated, not doubled; so is one without an e-mail that
    has the same names, postal code and country. Rows of one file that are one contact
    are applied in the file's order. Importing the same file again writes nothing.

    Reads: the partner's match keys (one Query, paged), the contacts the rows may be
    (BatchGetItem, 100 a call). Writes: BatchWriteItem, 25 items a call. A contact's keys
    are compared with the keys stored, so an import cut short is completed by the next.
    """
    result = Imported(imported=len(rows))
    filed: dict[tuple[str, str], set[str]] = {}
    keys_of: dict[str, set[tuple[str, str]]] = {}
    for kind, value, contact_id in book.match_index(partner_id):
        filed.setdefault((kind, value), set()).add(contact_id)
        keys_of.setdefault(contact_id, set()).add((kind, value))
    groups = list(_groups(rows))
    wanted = {cid for group in groups for cid in filed.get(group.key, ())}
    stored = book.many(partner_id, wanted)
    contacts: list[PartnerContact] = []
    put_keys: list[tuple[str, str, str]] = []
    drop_keys: list[tuple[str, str, str]] = []
    for group in groups:
        before = _existing(
            group, [stored[i] for i in sorted(filed.get(group.key, ())) if i in stored]
        )
        after = before
        for row in group.rows:
            if after is None:
                orphan = _orphan(group, filed, stored, keys_of)
                after = imported(orphan or deps.new_id(), row.cells)
            else:
                after = updated(after, row.cells)
        assert after is not None
        expected = set(match_keys(after).items())
        present = keys_of.get(after.contact_id, set())
        if before is None:
            result.created += 1
        elif after.person() == before.person():
            result.unchanged += 1
        else:
            result.updated += 1
        if before is None or after.person() != before.person():
            contacts.append(after)
        put_keys += [(kind, value, after.contact_id) for kind, value in sorted(expected - present)]
        drop_keys += [(kind, value, after.contact_id) for kind, value in sorted(present - expected)]
    result.batches = book.write(partner_id, ContactChanges(contacts, put_keys, drop_keys))
    return result


def _groups(rows: Sequence[Row]) -> Iterator[_Group]:
    groups: dict[tuple[str, str, str], _Group] = {}
    for row in rows:
        draft = imported("", row.cells)
        if draft.email:
            key, first = ("email", normalise_email(draft.email)), ""
        else:
            key = ("name_postal_code", match_keys(draft)["name_postal_code"])
            first = fold(draft.first_name or "")
        group = groups.setdefault((*key, first), _Group(key, first))
        group.rows.append(row)
    yield from groups.values()


def _existing(group: _Group, candidates: list[PartnerContact]) -> PartnerContact | None:
    """The stored contact a group updates: an imported one first, then the smallest id."""
    if group.key[0] == "email":
        same = [c for c in candidates if c.email and normalise_email(c.email) == group.key[1]]
    else:
        same = [
            c for c in candidates if not c.email and fold(c.first_name or "") == group.first_name
        ]
    same.sort(key=lambda c: (c.source is not Source.IMPORT, c.contact_id))
    return same[0] if same else None


def _orphan(
    group: _Group,
    filed: dict[tuple[str, str], set[str]],
    stored: dict[str, PartnerContact],
    keys_of: dict[str, set[tuple[str, str]]],
) -> str | None:
    """The id of a contact an earlier import filed under the group's key but did not get
    to write (cut short between its keys and its item): the contact is written under it
    now, and the keys already there are kept."""
    orphans = sorted(
        contact_id
        for contact_id in filed.get(group.key, ())
        if contact_id not in stored
        # A row without an e-mail never takes the id of a contact that has one.
        and (group.key[0] == "email" or not any(k == "email" for k, _ in keys_of[contact_id]))
    )
    return orphans[0] if orphans else None

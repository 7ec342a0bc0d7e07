"""The data subject's rights: what is held about a person, erasure, and retention.

A person is found by the keyed hash of the e-mail address (never by a Scan); each
inquiry is erased by one conditional write, so an erasure and a decision on the same
inquiry cannot interleave into a half state (the loser reads again and tries again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aws_lambda_powertools import Logger

from inquiries.config import SettingsError
from inquiries.domain import subjects as subject
from inquiries.domain.contacts import PartnerContact
from inquiries.domain.errors import ChangeRejected, Unavailable
from inquiries.domain.model import SYSTEM, Event, Inquiry, Principal
from inquiries.service.ports import (
    ClaimRecord,
    Dependencies,
    ErasureRecord,
    LinkedContact,
    ListFilter,
    Page,
    Record,
    SubjectStore,
)
from inquiries.service.scheduling import cancel_expiries

logger = Logger(child=True)

# An erasure that loses a race with a decision reads the inquiry again this often.
_ATTEMPTS = 3
# Inquiries erased by one run of the sweeper (the next run takes the rest).
RETENTION_BATCH = 100


@dataclass(frozen=True)
class Held:
    """Everything held about one person."""

    inquiries: list[tuple[Record, list[Event]]]
    contacts: list[LinkedContact]
    claims: list[ClaimRecord]
    erasures: list[ErasureRecord]


def _store(deps: Dependencies) -> SubjectStore:
    if deps.subjects is None:
        raise SettingsError("the data subject's store is not wired")
    return deps.subjects


def _secret(deps: Dependencies) -> bytes:
    if deps.subject_secret is None:
        raise SettingsError("missing settings: SUBJECT_KEY or SUBJECT_KEY_SECRET_ARN")
    return deps.subject_secret()


def search(deps: Dependencies, q: str, filters: ListFilter, limit: int, cursor: str | None) -> Page:
    """HQ's `q=`: an inquiry id (exact), else an e-mail address (with `@`) or a last
    name, case-insensitive and exact, through the keyed-hash indexes; HQ's other list
    filters (status, partner, channel, return reason, days) narrow what is found."""
    text = q.strip()
    if cursor is None and "@" not in text:
        found = deps.repository.load(text)
        if found is not None:
            # Ids are random: one that is also someone's last name does not happen.
            matches = passes(found.inquiry, filters)
            return Page([found.inquiry] if matches else [], None)
    secret = _secret(deps)
    if "@" in text:
        return _store(deps).search("email", subject.email_key(secret, text), filters, limit, cursor)
    return _store(deps).search(
        "last_name", subject.last_name_key(secret, text), filters, limit, cursor
    )


def passes(inquiry: Inquiry, filters: ListFilter) -> bool:
    """Whether the inquiry passes every given filter of HQ's list."""
    created = inquiry.created_at.astimezone(UTC).date()
    return (
        (filters.status is None or inquiry.status is filters.status)
        and (filters.partner_id is None or inquiry.partner_id == filters.partner_id)
        and (filters.channel is None or inquiry.channel is filters.channel)
        and (filters.return_reason is None or inquiry.return_reason is filters.return_reason)
        and (filters.created_from is None or created >= filters.created_from)
        and (filters.created_to is None or created <= filters.created_to)
    )


@dataclass(frozen=True)
class Erased:
    """What one erasure by request erased: inquiries, and partners' contacts (only when
    the partners asked HQ to)."""

    inquiries: int
    contacts: int


def held(deps: Dependencies, email: str) -> Held:
    """Every inquiry of the person (with events), every contact with the address in any
    partner's address book (from an inquiry or the partner's own, also once the inquiries
    are erased) and the contacts the inquiries were linked to, the idempotency claims of
    their submissions, and earlier erasures."""
    store = _store(deps)
    key = subject.email_key(_secret(deps), email)
    inquiries = []
    contacts = {(c.partner_id, c.contact_id): c for c in _book_contacts(store, email)}
    for inquiry_id in store.inquiry_ids(key):
        loaded = deps.repository.load_with_events(inquiry_id)
        # The index lags its table a moment: check the stored inquiry is still the person's.
        if loaded is None or not _is_theirs(loaded[0], key):
            continue
        inquiries.append(loaded)
        inquiry = loaded[0].inquiry
        if inquiry.contact_id and inquiry.partner_id:
            if (inquiry.partner_id, inquiry.contact_id) in contacts:
                continue
            contact = store.partner_contact(inquiry.partner_id, inquiry.contact_id)
            if contact is not None:
                contacts[(contact.partner_id, contact.contact_id)] = contact
    listed = [contacts[k] for k in sorted(contacts)]
    return Held(inquiries, listed, store.claims(key), store.erasures(key))


def _book_contacts(store: SubjectStore, email: str) -> list[LinkedContact]:
    """The contacts with this address in every partner's book, found by the duplicate
    check's e-mail match key, each checked against its own e-mail (an import may have
    changed it since the key was read)."""
    from inquiries.domain.duplicates import normalise_email  # noqa: PLC0415

    wanted = subject.normalise_email(email)
    keys = {normalise_email(email), wanted}
    return [c for c in store.book_contacts(sorted(keys)) if _carries(c.contact, wanted)]


def _carries(contact: PartnerContact, normalised: str) -> bool:
    return bool(contact.email) and subject.normalise_email(contact.email or "") == normalised


def _is_theirs(record: Record, key: str) -> bool:
    return _is_person(record.inquiry, key)


def _is_person(inquiry: Inquiry, key: str) -> bool:
    keys = inquiry.subject_keys
    return keys is not None and keys.email == key


def erase(deps: Dependencies, email: str, by: Principal, *, partner_contacts: bool) -> Erased:
    """Erase the person's data from every inquiry and copy; how many inquiries (and
    partners' contacts) were erased.

    `partner_contacts`: also delete the contacts partners created from an inquiry that
    carry the address (when the partner asked HQ to), in any partner's book, also those
    whose inquiries were erased before; a contact of the partner's own is never touched.
    Otherwise each partner that accepted, controller of its copy, is told by an
    `erasure_requested` event and erases its copy itself (`DELETE /contacts/{id}`).
    """
    store = _store(deps)
    key = subject.email_key(_secret(deps), email)
    now = deps.clock.now()
    claims = store.claims(key)
    erased = contacts = 0
    for inquiry_id in store.inquiry_ids(key):
        done = _erase_one(
            deps,
            inquiry_id,
            actor=by.user_id,
            reason=subject.BY_REQUEST,
            claims=claims,
            partner_contacts=partner_contacts,
            wanted=lambda inquiry: _is_person(inquiry, key),
        )
        if done is not None:
            erased += 1
            contacts += done
    if partner_contacts:
        contacts += _erase_book_contacts(deps, email)
    # Claims left without their inquiry under this key (none in practice: they go with it).
    for claim in store.claims(key):
        store.delete_claim(claim)
    store.record_erasure(key, now, erased, by.user_id)
    logger.info(
        "personal data erased by request", extra={"inquiries": erased, "contacts": contacts}
    )
    return Erased(erased, contacts)


def _erase_book_contacts(deps: Dependencies, email: str) -> int:
    """Delete every contact created from an inquiry that carries the address, in any
    partner's book (those the inquiries' own erasure did not take with it: their inquiry
    was erased before, or linked elsewhere); each with its match keys in one write
    conditional on the contact as read. The number deleted."""
    store = _store(deps)
    normalised = subject.normalise_email(email)

    def wanted(contact: PartnerContact) -> bool:
        return contact.inquiry_id is not None and _carries(contact, normalised)

    deleted = 0
    for found in _book_contacts(store, email):
        if found.from_inquiry is None:
            continue  # the partner's own record of its customer: never touched
        for _ in range(_ATTEMPTS):
            try:
                gone = store.delete_contact(found.partner_id, found.contact_id, wanted)
            except ChangeRejected:
                continue  # an import changed it meanwhile: read again
            deleted += gone is not None
            break
        else:
            raise Unavailable("a partner's contact kept changing while it was erased; retry")
    return deleted


def _erase_one(
    deps: Dependencies,
    inquiry_id: str,
    *,
    actor: str,
    reason: str,
    claims: list[ClaimRecord],
    partner_contacts: bool,
    wanted: Callable[[Inquiry], bool],
) -> int | None:
    """Erase one inquiry; None when there was nothing (left) to erase, else the number of
    partners' contacts erased with it (0 or 1)."""
    store = _store(deps)
    for _ in range(_ATTEMPTS):
        record = deps.repository.load(inquiry_id)
        if record is None:
            return None
        inquiry = record.inquiry
        if not wanted(inquiry):
            return None  # erased or changed meanwhile; the index lags its table a moment
        erasure = subject.erase(
            inquiry, record.offers, actor=actor, reason=reason, now=deps.clock.now()
        )
        if erasure is None:
            return None
        contact = None
        if partner_contacts and inquiry.contact_id and inquiry.partner_id:
            found = store.partner_contact(inquiry.partner_id, inquiry.contact_id)
            # Only the copy made from this inquiry: a contact it was linked to is the
            # partner's own record of its customer.
            if found is not None and found.from_inquiry == inquiry.id:
                contact = found
                erasure = subject.with_contact_erased(erasure)
        try:
            store.erase(erasure, claims, contact)
        except ChangeRejected:
            continue  # a decision came first: erase what it left
        cancel_expiries(deps, erasure.change.closed_offers)
        return 0 if contact is None else 1
    raise Unavailable("the inquiry kept changing while it was erased; please retry")


def erase_at_rest(deps: Dependencies, limit: int = RETENTION_BATCH) -> int:
    """Retention: erase the inquiries at rest (returned, discarded, unassigned) for
    `retention_days` or longer; the number erased. Run by the sweeper."""
    store = _store(deps)
    now = deps.clock.now()
    cutoff = subject.retention_cutoff(now, deps.retention_days)
    erased = 0
    for inquiry_id in store.at_rest_since(cutoff, limit):
        record = deps.repository.load(inquiry_id)
        if record is None or not _at_rest_since(record.inquiry, cutoff):
            continue
        keys = record.inquiry.subject_keys
        claims = store.claims(keys.email) if keys is not None else []
        if (
            _erase_one(
                deps,
                inquiry_id,
                actor=SYSTEM,
                reason=subject.BY_RETENTION,
                claims=claims,
                partner_contacts=False,
                wanted=lambda inquiry: _at_rest_since(inquiry, cutoff),
            )
            is not None
        ):
            erased += 1
    if erased:
        logger.info("personal data erased after retention", extra={"inquiries": erased})
    return erased


def _at_rest_since(inquiry: Inquiry, cutoff: datetime) -> bool:
    """Still at rest since the cutoff or before (the index lags the table a moment)."""
    return (
        inquiry.erased_at is None
        and inquiry.status in subject.AT_REST
        and inquiry.left_at is not None
        and inquiry.left_at <= cutoff
    )

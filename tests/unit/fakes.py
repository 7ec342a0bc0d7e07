"""In-memory fakes of the ports, for running the service layer without AWS.

`InMemoryRepository` keeps the promises of the `Repository` protocol the way
`adapters/dynamodb.py` does, and sorts by the same keys (`adapters/keys.py`):
a change is applied atomically and only if the
state it started from (status and version, each offer's expected outcome) is
still the stored one; an idempotency key is held until its claim runs out;
lists are paged with opaque cursors in the same orders as the table's indexes;
contacts are filed under their match keys.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import (
    ALL_INQUIRIES,
    IN_INBOX,
    created_sort_key,
    inbox_sort_key,
    partner_pk,
    stamp,
)
from inquiries.domain.contacts import PartnerContact, from_inquiry
from inquiries.domain.duplicates import match_keys
from inquiries.domain.errors import ChangeRejected, Unavailable, ValidationFailed
from inquiries.domain.lifecycle import Change, NewContact
from inquiries.domain.model import (
    Calendar,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    Partner,
    Principal,
    Role,
    Status,
    Territory,
)
from inquiries.domain.report.rollup import DayRollup
from inquiries.service.ports import (
    Dependencies,
    DueOffer,
    IdempotencyClaim,
    IdempotencyKeyTaken,
    InquiryExists,
    ListFilter,
    Page,
    Record,
)
from inquiries.service.rollups import rollup_deltas

from tests.conftest import START


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        "cursor is not valid",
        [{"loc": ["query", "cursor"], "msg": "not a cursor of this list", "type": "value_error"}],
    )


class InMemoryRepository:
    """The Repository port in memory. `fail_on` names methods that raise Unavailable."""

    def __init__(self, partners: Iterable[Partner] = ()) -> None:
        self._inquiries: dict[str, Inquiry] = {}
        self._offers: dict[tuple[str, int], Offer] = {}
        self._events: dict[str, list[Event]] = {}
        self._claims: dict[str, IdempotencyClaim] = {}
        self._partners: dict[str, Partner] = {}
        self._partner_versions: dict[str, int] = {}
        self._contacts: dict[tuple[str, str], NewContact] = {}
        self._contact_keys: dict[tuple[str, str, str], set[str]] = {}
        self.applied: list[Change] = []
        self.stored_rollups: dict[tuple[str, date, int], DayRollup] = {}
        self.rollup_reads: list[list[str]] = []
        self.pending_count_calls: list[str] = []
        self.contacts_calls: list[list[str]] = []
        self.list_calls: list[ListFilter] = []
        self.fail_on: set[str] = set()
        for partner in partners:
            self.put_partner(partner)

    def _check(self, operation: str) -> None:
        if operation in self.fail_on:
            raise Unavailable(f"{operation} failed (told to)")

    # inquiries ------------------------------------------------------------------------------

    def load(self, inquiry_id: str) -> Record | None:
        self._check("load")
        inquiry = self._inquiries.get(inquiry_id)
        if inquiry is None:
            return None
        offers = sorted(
            (o for (iid, _), o in self._offers.items() if iid == inquiry_id), key=lambda o: o.seq
        )
        return Record(inquiry, tuple(offers))

    def load_with_events(self, inquiry_id: str) -> tuple[Record, list[Event]] | None:
        record = self.load(inquiry_id)
        if record is None:
            return None
        return record, copy.deepcopy(self._events.get(inquiry_id, []))

    def apply(self, change: Change, claim: IdempotencyClaim | None = None) -> None:
        """All conditions are checked first; then everything is written, or nothing."""
        self._check("apply")
        # The claim is the transaction's last item: its failure is told apart from the others.
        if claim is not None:
            held = self._claims.get(claim.key)
            if held is not None and held.expires_at > claim.claimed_at:
                raise IdempotencyKeyTaken()
        after = change.after
        stored = self._inquiries.get(after.id)
        if change.before is None:
            if stored is not None:
                raise InquiryExists()
        elif (
            stored is None
            or stored.status is not change.before.status
            or stored.version != change.before.version
        ):
            raise ChangeRejected()
        for write in change.offers:
            existing = self._offers.get((write.offer.inquiry_id, write.offer.seq))
            if write.expected is None:
                if existing is not None:
                    raise ChangeRejected()
            elif existing is None or existing.outcome is not write.expected:
                raise ChangeRejected()
        new = change.new_contact
        if new is not None and (new.partner_id, new.contact_id) in self._contacts:
            raise ChangeRejected()

        self._inquiries[after.id] = after
        for write in change.offers:
            self._offers[(write.offer.inquiry_id, write.offer.seq)] = write.offer
        self._events.setdefault(after.id, []).extend(copy.deepcopy(list(change.events)))
        if new is not None:
            self._contacts[(new.partner_id, new.contact_id)] = new
            for kind, value in match_keys(new.contact).items():
                self._contact_keys.setdefault((new.partner_id, kind, value), set()).add(
                    new.contact_id
                )
        if claim is not None:
            self._claims[claim.key] = claim
        for delta in rollup_deltas(change):
            stored = self.stored_rollups.setdefault(
                delta.key, DayRollup(delta.partner_id, delta.day, delta.shard)
            )
            stored.tally.merge(copy.deepcopy(delta.tally))
        self.applied.append(change)

    def claim_of(self, key: str, now: datetime) -> IdempotencyClaim | None:
        claim = self._claims.get(key)
        return claim if claim is not None and claim.expires_at > now else None

    # partners -------------------------------------------------------------------------------

    def get_partner(self, partner_id: str) -> Partner | None:
        self._check("get_partner")
        return self._partners.get(partner_id)

    def partners_covering(self, country: str) -> list[Partner]:
        self._check("partners_covering")
        return [
            p
            for _, p in sorted(self._partners.items())
            if any(t.country == country for t in p.territories)
        ]

    def pending_count(self, partner_id: str) -> int:
        self._check("pending_count")
        self.pending_count_calls.append(partner_id)
        return sum(
            1
            for i in self._inquiries.values()
            if i.partner_id == partner_id and i.status is Status.PENDING and i.deadline
        )

    def put_partner(self, partner: Partner) -> None:
        self._check("put_partner")
        self._partners[partner.id] = partner
        self._partner_versions[partner.id] = self._partner_versions.get(partner.id, 0) + 1

    def partner_for_change(self, partner_id: str) -> tuple[Partner, int] | None:
        self._check("partner_for_change")
        partner = self._partners.get(partner_id)
        return None if partner is None else (partner, self._partner_versions[partner_id])

    def replace_partner(self, partner: Partner, replacing: Partner, version: int) -> None:
        self._check("replace_partner")
        if self._partner_versions.get(partner.id) != version:
            raise ChangeRejected()
        self.put_partner(partner)

    def list_partners(self) -> list[Partner]:
        return [p for _, p in sorted(self._partners.items())]

    # lists ----------------------------------------------------------------------------------

    def inbox(self, partner_id: str, status: Status | None, limit: int, cursor: str | None) -> Page:
        """Pending first, earliest deadline first; then the rest, newest first."""
        keyed = []
        for inquiry in self._inquiries.values():
            if inquiry.partner_id != partner_id or inquiry.status not in IN_INBOX:
                continue
            if status is None or inquiry.status is status:
                keyed.append((inbox_sort_key(inquiry), inquiry))
        return self._page(partner_pk(partner_id), keyed, limit, cursor, descending=False)

    def inquiries(self, filters: ListFilter, limit: int, cursor: str | None) -> Page:
        """All inquiries (or those the filters let through), newest first."""
        self.list_calls.append(filters)
        keyed = [(created_sort_key(i), i) for i in self._inquiries.values() if _passes(i, filters)]
        name = f"{ALL_INQUIRIES}{sorted((k, str(v)) for k, v in vars(filters).items() if v)}"
        return self._page(name, keyed, limit, cursor, descending=True)

    @staticmethod
    def _page(
        name: str,
        keyed: list[tuple[str, Inquiry]],
        limit: int,
        cursor: str | None,
        *,
        descending: bool,
    ) -> Page:
        keyed.sort(key=lambda pair: pair[0], reverse=descending)
        if cursor:
            try:
                plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            except (ValueError, binascii.Error, UnicodeError):
                raise _invalid_cursor() from None
            if not isinstance(plain, dict) or plain.get("list") != name:
                raise _invalid_cursor()
            after = plain.get("after")
            if not isinstance(after, str):
                raise _invalid_cursor()
            keyed = [(k, i) for k, i in keyed if (k < after if descending else k > after)]
        items = keyed[:limit]
        more = len(keyed) > limit
        next_cursor = None
        if more and items:
            raw = json.dumps({"list": name, "after": items[-1][0]}, sort_keys=True)
            next_cursor = base64.urlsafe_b64encode(raw.encode()).decode()
        return Page([i for _, i in items], next_cursor)

    # expiry and reports ---------------------------------------------------------------------

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]:
        """Pending offers whose deadline is at or before `now`, earliest deadline first."""
        self._check("due_offers")
        due = sorted(
            (
                o
                for o in self._offers.values()
                if o.outcome is Outcome.PENDING and o.deadline <= now
            ),
            key=lambda o: (stamp(o.deadline), o.inquiry_id, o.seq),
        )
        return [DueOffer(o.inquiry_id, o.seq, o.deadline) for o in due[:limit]]

    def rollups(self, partner_ids: Sequence[str], first: date, last: date) -> list[DayRollup]:
        """The stored rollups of these partners for the days first..last (copies)."""
        self._check("rollups")
        self.rollup_reads.append(list(partner_ids))
        return [
            copy.deepcopy(r)
            for r in self.stored_rollups.values()
            if r.partner_id in partner_ids and first <= r.day <= last
        ]

    def put_rollups(self, rollups: Sequence[DayRollup]) -> None:
        """Replace these rollups whole."""
        for rollup in rollups:
            self.stored_rollups[rollup.key] = copy.deepcopy(rollup)

    # contacts -------------------------------------------------------------------------------

    def contacts_matching(self, partner_id: str, keys: dict[str, str]) -> dict[str, frozenset[str]]:
        self._check("contacts_matching")
        found: dict[str, frozenset[str]] = {}
        for kind, value in keys.items():
            ids = self._contact_keys.get((partner_id, kind, value))
            if ids:
                found[kind] = frozenset(ids)
        return found

    def has_contact(self, partner_id: str, contact_id: str) -> bool:
        return (partner_id, contact_id) in self._contacts

    def contacts(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, PartnerContact]:
        self._check("contacts")
        self.contacts_calls.append(sorted(contact_ids))
        return {
            cid: from_inquiry(cid, self._contacts[(partner_id, cid)].contact)
            for cid in contact_ids
            if (partner_id, cid) in self._contacts
        }

    # for tests ------------------------------------------------------------------------------

    def contacts_of(self, partner_id: str) -> dict[str, NewContact]:
        """The partner's address book: contact id -> the contact as created."""
        return {cid: c for (pid, cid), c in self._contacts.items() if pid == partner_id}

    def add_contact(self, partner_id: str, contact_id: str, inquiry: Inquiry) -> None:
        """File a contact the partner already had (from an earlier inquiry)."""
        new = NewContact(partner_id, contact_id, inquiry.contact, inquiry.id)
        self._contacts[(partner_id, contact_id)] = new
        for kind, value in match_keys(new.contact).items():
            self._contact_keys.setdefault((partner_id, kind, value), set()).add(contact_id)

    def all_inquiries(self) -> list[Inquiry]:
        return list(self._inquiries.values())

    def events_of(self, inquiry_id: str) -> list[Event]:
        return list(self._events.get(inquiry_id, []))


def _passes(inquiry: Inquiry, filters: ListFilter) -> bool:
    """HQ's list filters, as the table's indexes apply them (created days in UTC)."""
    created = created_sort_key(inquiry)[:10]  # YYYY-MM-DD of the UTC creation stamp
    return (
        (filters.status is None or inquiry.status is filters.status)
        and (filters.partner_id is None or inquiry.partner_id == filters.partner_id)
        and (filters.channel is None or inquiry.channel is filters.channel)
        and (filters.return_reason is None or inquiry.return_reason is filters.return_reason)
        and (filters.created_from is None or created >= filters.created_from.isoformat())
        and (filters.created_to is None or created <= filters.created_to.isoformat())
    )


class SchedulerDown(Exception):
    """What a failing scheduler raises."""


class RecordingScheduler:
    """The ExpiryScheduler port that records what it was asked; can be told to fail."""

    def __init__(self) -> None:
        self.scheduled: list[Offer] = []
        self.cancelled: list[Offer] = []
        self.reminders: list[tuple[Offer, datetime]] = []
        self.reminders_cancelled: list[Offer] = []
        self.fail_schedule = False
        self.fail_cancel = False
        # Set: every call waits at it for another call to arrive (calls made at the same time).
        self.together: threading.Barrier | None = None

    def _meet(self) -> None:
        if self.together is not None:
            self.together.wait()

    @staticmethod
    def name(offer: Offer) -> str:
        """The schedule's name, as EventBridge Scheduler gets it."""
        return f"expire-{offer.inquiry_id}-{offer.seq}"

    def schedule_expiry(self, offer: Offer) -> None:
        self._meet()
        if self.fail_schedule:
            raise SchedulerDown("scheduler unavailable")
        self.scheduled.append(offer)

    def cancel_expiry(self, offer: Offer) -> None:
        self._meet()
        if self.fail_cancel:
            raise SchedulerDown("scheduler unavailable")
        self.cancelled.append(offer)

    def schedule_reminder(self, offer: Offer, at: datetime) -> None:
        self._meet()
        if self.fail_schedule:
            raise SchedulerDown("scheduler unavailable")
        self.reminders.append((offer, at))

    def cancel_reminder(self, offer: Offer) -> None:
        self._meet()
        if self.fail_cancel:
            raise SchedulerDown("scheduler unavailable")
        self.reminders_cancelled.append(offer)

    @property
    def active(self) -> dict[str, Offer]:
        """Schedules created and not cancelled, by name."""
        cancelled = {self.name(o) for o in self.cancelled}
        return {self.name(o): o for o in self.scheduled if self.name(o) not in cancelled}


def sequential_ids(prefix: str = "id") -> Callable[[], str]:
    """Deterministic, URL-safe ids: id-0001, id-0002, ..."""
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}-{counter:04d}"

    return new_id


@dataclass
class Fakes:
    """The dependencies of the use cases, with typed access to each fake."""

    repository: InMemoryRepository
    scheduler: RecordingScheduler
    clock: FixedClock
    deps: Dependencies


def fake_dependencies(
    now: datetime = START,
    *,
    partners: Iterable[Partner] = (),
    deadline_hours: float = 48.0,
    auto_reroute_max: int = 0,
) -> Fakes:
    """Dependencies on in-memory fakes, a FixedClock at `now` and deterministic ids."""
    repository = InMemoryRepository(partners)
    scheduler = RecordingScheduler()
    clock = FixedClock(now)
    deps = Dependencies(
        repository=repository,
        scheduler=scheduler,
        clock=clock,
        deadline_hours=deadline_hours,
        auto_reroute_max=auto_reroute_max,
        new_id=sequential_ids(),
    )
    return Fakes(repository, scheduler, clock, deps)


# --- builders shared by the unit tests ------------------------------------------------------

BOLZANO = Calendar(country="IT", subdivision="BZ", timezone="Europe/Rome")
HQ = Principal("hq-anna", Role.HQ)


def a_contact(**changes: str | None) -> Contact:
    """A prospect in Bolzano; every field distinctive enough to be searched for."""
    fields: dict[str, str | None] = {
        "first_name": "Gudrun",
        "last_name": "Oberhollenzer",
        "email": "gudrun.oberhollenzer@example.com",
        "phone": "+39 0471 987654",
        "street": "Via Cavour 17",
        "postal_code": "39100",
        "city": "Bolzano",
        "country": "IT",
        "company": "Tischlerei Sonnwend",
    }
    fields.update(changes)
    return Contact(**fields)  # type: ignore[arg-type]


def a_partner(
    partner_id: str,
    *prefixes: str,
    country: str = "IT",
    products: Iterable[str] = (),
    calendar: Calendar = BOLZANO,
) -> Partner:
    """A partner covering the given postal prefixes of one country."""
    territories = (Territory(country, tuple(prefixes)),) if prefixes else ()
    return Partner(partner_id, f"Partner {partner_id}", calendar, territories, frozenset(products))


def partner_user(partner_id: str, user_id: str | None = None) -> Principal:
    return Principal(user_id or f"{partner_id.lower()}-user", Role.PARTNER, partner_id)

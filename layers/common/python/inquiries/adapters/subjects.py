"""The data subject's look-ups, erasure and retention on the one table.

Look-ups are Queries of gsi5 (keyed hash of the e-mail: inquiries and idempotency
claims) and gsi6 (keyed hash of the last name: inquiries); retention reads gsi4's
`ATREST#<n>` shards, in parallel. The partners' contacts with an address are found by
the match key the duplicate check files them under: one Query per partner (the partners
from gsi2), in parallel. An inquiry's erasure is one transaction conditional on its
version, written through the repository's own transaction code. No Scan.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.contacts import DynamoAddressBook, contact_from_item, contact_removal
from inquiries.adapters.cursors import decode_cursor, encode_cursor
from inquiries.adapters.dynamodb import DynamoRepository
from inquiries.adapters.items import (
    CHANGE_EVENTS,
    change_events_item,
    event_item,
    events_from,
    from_item,
    inquiry_from,
    to_item,
)
from inquiries.adapters.keys import (
    ALL_PARTNERS,
    SHARDS,
    contact_item_key,
    inquiry_pk,
    sharded,
    stamp,
    unstamp,
)
from inquiries.adapters.lookups import (
    AT_REST,
    CLAIM_PREFIX,
    INQUIRY_PREFIX,
    email_pk,
    erasure_pk,
    last_name_pk,
)
from inquiries.adapters.shards import earliest_entries, fetch_items
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY, index_keys
from inquiries.domain.contacts import PartnerContact
from inquiries.domain.errors import Unavailable
from inquiries.domain.subjects import Erasure, scrubbed
from inquiries.parallel import in_parallel
from inquiries.service.ports import ClaimRecord, ErasureRecord, LinkedContact, ListFilter, Page

# An inquiry's partition key is `INQ#<id>` (keys.inquiry_pk).
INQUIRY_PARTITION_PREFIX = inquiry_pk("")
# TransactWriteItems takes at most 100 items.
_TRANSACTION_ITEMS = 100
# Address books read at once when a person's contacts are looked for (one Query each).
_BOOK_READERS = 16


class DynamoSubjects:
    """The SubjectStore port on DynamoDB (shares the repository's client and table)."""

    def __init__(self, repository: DynamoRepository) -> None:
        self._repository = repository
        self._client = repository._client
        self._table = repository._table

    def _call(self, operation: str, **kwargs: Any) -> Any:
        return self._repository._call(operation, **kwargs)

    def _pages(self, **query: Any) -> list[dict[str, Any]]:
        return [from_item(item) for item in self._repository._pages(**query)]

    # look-ups -------------------------------------------------------------------------------

    def inquiry_ids(self, email_key: str) -> list[str]:
        """Every inquiry filed under the e-mail key, newest first."""
        return [
            # The index holds keys only: the id is the inquiry's partition's.
            str(data["pk"]).removeprefix(INQUIRY_PARTITION_PREFIX)
            for data in self._pages(
                IndexName="gsi5",
                KeyConditionExpression="gsi5pk = :pk AND begins_with(gsi5sk, :prefix)",
                ExpressionAttributeValues={
                    ":pk": {"S": email_pk(email_key)},
                    ":prefix": {"S": INQUIRY_PREFIX},
                },
                ProjectionExpression="pk",
                ScanIndexForward=False,
            )
        ]

    def claims(self, email_key: str) -> list[ClaimRecord]:
        """The idempotency claims filed under the e-mail key (still stored: TTL may lag)."""
        return [
            ClaimRecord(
                {PARTITION_KEY: {"S": data["pk"]}, SORT_KEY: {"S": data["sk"]}},
                data["inquiry_id"],
                unstamp(data["claimed_at"]),  # type: ignore[arg-type]
                unstamp(data["expires_at"]),  # type: ignore[arg-type]
            )
            for data in self._pages(
                IndexName="gsi5",
                KeyConditionExpression="gsi5pk = :pk AND begins_with(gsi5sk, :prefix)",
                ExpressionAttributeValues={
                    ":pk": {"S": email_pk(email_key)},
                    ":prefix": {"S": CLAIM_PREFIX},
                },
                ProjectionExpression="pk, sk, inquiry_id, claimed_at, expires_at",
            )
        ]

    def search(
        self,
        kind: str,
        key: str,
        filters: ListFilter,
        limit: int,
        cursor: str | None,
    ) -> Page:
        """A page of the inquiries under an e-mail (`kind` "email") or last name key,
        newest first, of those that pass HQ's list filters. The indexes hold keys only:
        the days narrow the sort key, the inquiries are read from the table (BatchGetItem)
        and the other filters are checked on them."""
        index, pk = ("gsi5", email_pk(key)) if kind == "email" else ("gsi6", last_name_pk(key))
        pk_name, sk_name = index_keys(index)
        values: dict[str, Any] = {":pk": {"S": pk}}
        condition = f"{pk_name} = :pk AND begins_with({sk_name}, :prefix)"
        values[":prefix"] = {"S": INQUIRY_PREFIX}
        if filters.created_from or filters.created_to:
            # Sort keys are `INQ#<creation stamp>#<id>`: whole days, both ends included.
            low = filters.created_from.isoformat() if filters.created_from else "0"
            high = f"{filters.created_to.isoformat()}T~" if filters.created_to else "9"
            condition = f"{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high"
            values = {
                ":pk": {"S": pk},
                ":low": {"S": f"{INQUIRY_PREFIX}{low}"},
                ":high": {"S": f"{INQUIRY_PREFIX}{high}"},
            }
        checks = {
            "status": filters.status.value if filters.status else None,
            "partner_id": filters.partner_id,
            "channel": filters.channel.value if filters.channel else None,
            "return_reason": filters.return_reason.value if filters.return_reason else None,
        }
        wanted = {name: value for name, value in checks.items() if value is not None}

        def passes(item: dict[str, Any]) -> bool:
            # Still filed under this key (an erasure since the index was read removes it).
            if item.get(pk_name, {}).get("S") != pk:
                return False
            return all(item.get(name, {}).get("S") == value for name, value in wanted.items())

        query: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        key_names = (PARTITION_KEY, SORT_KEY, pk_name, sk_name)
        start = decode_cursor(cursor, pk_name, pk, key_names) if cursor else None
        found: list[dict[str, Any]] = []
        # One more than asked for tells whether there is a next page.
        for page in self._repository._query_pages(
            query, start, limit=lambda: limit - len(found) + 1
        ):
            fetched = fetch_items(self._repository._batch_get_keys, page.get("Items", []))
            found.extend(item for item in fetched if passes(item))
            if len(found) > limit:
                break
        items = found[:limit]
        next_cursor = (
            encode_cursor({k: items[-1][k] for k in key_names}) if len(found) > limit else None
        )
        return Page([inquiry_from(from_item(i)) for i in items], next_cursor)

    def partner_contact(self, partner_id: str, contact_id: str) -> LinkedContact | None:
        """A partner's contact, if it still exists."""
        item = self._call(
            "get_item",
            Key=contact_item_key(partner_id, contact_id),
            ConsistentRead=True,
        ).get("Item")
        if not item:
            return None
        return _linked(partner_id, contact_from_item(from_item(item)))

    def book_contacts(self, emails: Collection[str]) -> list[LinkedContact]:
        """Every contact in any partner's address book filed under one of these normalised
        e-mail match keys, by partner and id: a Query of gsi2 for the partners' ids, then
        one Query per partner of the one shard of its book the key is filed in (several
        at once), and BatchGetItem for the few contacts found. The keys may lag a contact
        an import is changing: the caller checks each contact's own e-mail."""
        partner_ids = [
            str(from_item(item)["gsi2sk"])
            for item in self._repository._pages(
                IndexName="gsi2",
                KeyConditionExpression="gsi2pk = :pk",
                ExpressionAttributeValues={":pk": {"S": ALL_PARTNERS}},
                ProjectionExpression="gsi2sk",
            )
        ]
        book = DynamoAddressBook(self._repository)

        def of(partner_id: str) -> Callable[[], list[LinkedContact]]:
            def read() -> list[LinkedContact]:
                ids: set[str] = set()
                for email in emails:
                    ids |= self._repository._filed_under(partner_id, "email", email)
                found = book.many(partner_id, ids)
                return [_linked(partner_id, found[cid]) for cid in sorted(found)]

            return read

        books = in_parallel([of(p) for p in sorted(partner_ids)], workers=_BOOK_READERS)
        return [contact for contacts in books for contact in contacts]

    def delete_contact(
        self, partner_id: str, contact_id: str, wanted: Callable[[PartnerContact], bool]
    ) -> PartnerContact | None:
        """Delete a partner's contact and its match keys at once if it is still `wanted`
        (adapters/contacts.py); raises ChangeRejected when it changed meanwhile."""
        return DynamoAddressBook(self._repository).delete(partner_id, contact_id, wanted)

    # erasure --------------------------------------------------------------------------------

    def erase(
        self,
        erasure: Erasure,
        claims: list[ClaimRecord],
        contact: LinkedContact | None,
    ) -> None:
        """One inquiry's erasure in one transaction, conditional on its version: the
        inquiry, its events' free text, its claims and (if given) the partner's contact.

        Raises ChangeRejected when the inquiry changed meanwhile (nothing was written).
        """
        change = erasure.change
        inquiry_id = change.after.id
        items = self._repository._transaction(change, None)
        items += [
            {"Delete": {"TableName": self._table, "Key": claim.key}}
            for claim in claims
            if claim.inquiry_id == inquiry_id
        ]
        if contact is not None:
            items += self._contact_removal(contact)
        scrubs = self._scrubbed_events(inquiry_id)
        room = _TRANSACTION_ITEMS - len(items)
        if len(scrubs) > room:
            # Many notes: the older ones are scrubbed first, a transaction at a time. Harmless
            # if the erasure then loses a race: it is tried again and the notes stay gone.
            for start in range(0, len(scrubs) - room, _TRANSACTION_ITEMS):
                batch = scrubs[start : min(start + _TRANSACTION_ITEMS, len(scrubs) - room)]
                self._write(batch)
            scrubs = scrubs[len(scrubs) - room :] if room > 0 else []
        self._repository.commit(change, items + scrubs)

    def _write(self, items: list[dict[str, Any]]) -> None:
        try:
            self._client.transact_write_items(TransactItems=items)
        except (ClientError, BotoCoreError) as error:
            raise Unavailable("the store refused the request; please retry") from error

    def _scrubbed_events(self, inquiry_id: str) -> list[dict[str, Any]]:
        writes = []
        for data in self._pages(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :events)",
            ExpressionAttributeValues={
                ":pk": {"S": inquiry_pk(inquiry_id)},
                ":events": {"S": "EVENT#"},
            },
            ConsistentRead=True,
        ):
            events = events_from(data)
            clean = [scrubbed(event) for event in events]
            if all(event is None for event in clean):
                continue
            kept = [new or old for old, new in zip(events, clean, strict=True)]
            if data.get("type") == CHANGE_EVENTS:
                item = change_events_item(inquiry_id, 0, kept)
            else:  # an item of one event, as they were written before
                item = event_item(inquiry_id, 0, 0, kept[0])
            item[SORT_KEY] = {"S": data["sk"]}
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": item,
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            )
        return writes

    def _contact_removal(self, contact: LinkedContact) -> list[dict[str, Any]]:
        """Deletes of the partner's contact item and of its match keys (one item each)."""
        return contact_removal(self._table, contact.partner_id, contact.contact)

    def delete_claim(self, claim: ClaimRecord) -> None:
        """Remove one idempotency claim (one left without its inquiry)."""
        self._call("delete_item", Key=claim.key)

    def record_erasure(self, email_key: str, at: datetime, inquiries: int, actor: str) -> None:
        """The erasure, recorded without personal data: the keyed hash, when, how many."""
        self._call(
            "put_item",
            Item=to_item(
                {
                    PARTITION_KEY: erasure_pk(email_key),
                    SORT_KEY: stamp(at),
                    "type": "erasure",
                    "at": stamp(at),
                    "inquiries": inquiries,
                    "actor": actor,
                }
            ),
        )

    def erasures(self, email_key: str) -> list[ErasureRecord]:
        """The erasures recorded for the e-mail key, oldest first."""
        return [
            ErasureRecord(unstamp(d["at"]), d["inquiries"])  # type: ignore[arg-type]
            for d in self._pages(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": erasure_pk(email_key)}},
            )
        ]

    # retention ------------------------------------------------------------------------------

    def at_rest_since(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of inquiries at rest since `cutoff` or earlier (oldest first), at most `limit`:
        the oldest `limit` of each shard of `ATREST`, read in parallel and merged."""

        partitions = [sharded(AT_REST, n) for n in range(SHARDS)]
        entries = earliest_entries(self._call, partitions, stamp(cutoff), "id", limit)
        return [str(from_item(item)["id"]) for item in entries]


def _linked(partner_id: str, contact: PartnerContact) -> LinkedContact:
    return LinkedContact(partner_id, contact.contact_id, contact, contact.inquiry_id)

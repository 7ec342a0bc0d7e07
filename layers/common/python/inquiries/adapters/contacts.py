"""A partner's address book on the one table (docs/data-model.md, "Contacts").

A partner's address book is spread over BOOK_SHARDS partitions `BOOK#<p>#<n>`
(adapters/keys.py), so that a busy partner's writes do not all land on one. A contact
(`CONTACT#<c>`) sits in the shard of a hash of its id; it is filed under its match keys
(`CKEY#<kind>#<value>#<c>`, one item per contact and key, so that filing and unfiling
are plain puts and deletes) in the shard of a hash of the key, so that looking a key up
reads one partition. The list goes through gsi1 (`CONTACTS#<p>` / last name, first
name, id: one partition, not hot). Reads are GetItem, Query and BatchGetItem; the
import writes with BatchWriteItem, 25 items a call; a contact is deleted with its match
keys in one transaction, conditional on the contact being as it was read. Never a Scan.
The calls go through the repository's helpers, so errors map the same way.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.cursors import decode_cursor, encode_cursor
from inquiries.adapters.dynamodb import DynamoRepository, _cancellation, _unavailable
from inquiries.adapters.items import contact_key_item, from_item, to_item
from inquiries.adapters.keys import (
    book_pks,
    contact_item_key,
    contact_key_item_key,
    contact_key_parts,
    contact_pk,
    contact_sort_key,
    contacts_pk,
)
from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.contacts import FIELDS, PartnerContact, Source, sort_key
from inquiries.domain.errors import ChangeRejected, Unavailable
from inquiries.parallel import in_parallel
from inquiries.service.ports import ContactChanges, ContactPage

_LIST_KEYS = (PARTITION_KEY, SORT_KEY, "gsi1pk", "gsi1sk")
_BATCH_WRITE_ITEMS = 25  # BatchWriteItem's most items a call
# Items DynamoDB left unprocessed (throttling) are sent again this often, with backoff.
_UNPROCESSED_ATTEMPTS = 8
_BACKOFF_BASE = 0.05
_WRITERS = 4  # BatchWriteItem calls in flight at once


def contact_from_item(data: dict[str, Any]) -> PartnerContact:
    """The address book's contact of a contact item (from an inquiry or imported)."""
    person = data.get("contact", {})
    return PartnerContact(
        contact_id=data["contact_id"],
        **{name: person.get(name) for name in FIELDS},
        source=Source(data.get("source", Source.INQUIRY.value)),
        inquiry_id=data.get("inquiry_id"),
    )


def contact_put_item(partner_id: str, contact: PartnerContact) -> dict[str, Any]:
    """A contact's whole item: its person, where it came from, its place in the list."""
    return to_item(
        {
            PARTITION_KEY: contact_pk(partner_id, contact.contact_id),
            SORT_KEY: contact_sort_key(contact.contact_id),
            "type": "contact",
            "contact_id": contact.contact_id,
            "contact": {k: v for k, v in contact.person().items() if v},
            "source": None if contact.source is Source.INQUIRY else contact.source.value,
            "inquiry_id": contact.inquiry_id,
            "gsi1pk": contacts_pk(partner_id),
            "gsi1sk": sort_key(contact),
        }
    )


def contact_removal(table: str, partner_id: str, contact: PartnerContact) -> list[dict[str, Any]]:
    """The transaction's deletes of a contact item and of the match keys it is filed
    under (one item each), the contact's first."""
    from inquiries.domain.duplicates import match_keys  # noqa: PLC0415

    keys = [contact_item_key(partner_id, contact.contact_id)] + [
        contact_key_item_key(partner_id, kind, value, contact.contact_id)
        for kind, value in match_keys(contact).items()
    ]
    return [{"Delete": {"TableName": table, "Key": key}} for key in keys]


class DynamoAddressBook:
    """The AddressBook port on the repository's table and client."""

    def __init__(self, repository: DynamoRepository) -> None:
        self._repository = repository
        self._table = repository._table

    # reads ----------------------------------------------------------------------------------

    def get(self, partner_id: str, contact_id: str) -> PartnerContact | None:
        item = self._repository._call("get_item", Key=contact_item_key(partner_id, contact_id)).get(
            "Item"
        )
        return contact_from_item(from_item(item)) if item else None

    def many(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, PartnerContact]:
        """The partner's contacts of these ids (BatchGetItem); unknown ids are left out."""
        if not contact_ids:
            return {}
        keys = [contact_item_key(partner_id, contact_id) for contact_id in sorted(set(contact_ids))]
        return {
            contact.contact_id: contact
            for contact in (
                contact_from_item(data)
                for data in self._repository._batch_get(
                    keys,
                    "contact_id, contact, #source, inquiry_id",
                    names={"#source": "source"},
                )
            )
        }

    def filed_under(
        self, partner_id: str, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], frozenset[str]]:
        """The contact ids under each (kind, value) match key: a Query each, of the one
        shard the key is filed in."""
        found = {}
        for kind, value in keys:
            ids = self._repository._filed_under(partner_id, kind, value)
            if ids:
                found[(kind, value)] = ids
        return found

    def page(
        self, partner_id: str, limit: int, cursor: str | None, last_name_prefix: str = ""
    ) -> ContactPage:
        """The address book in order (last name, first name), optionally only the contacts
        whose last name begins with the prefix: one Query of gsi1 (two when a page ends
        exactly where the Query's own page does)."""
        pk = contacts_pk(partner_id)
        start = decode_cursor(cursor, "gsi1pk", pk, _LIST_KEYS) if cursor else None
        query = {
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :pk AND begins_with(gsi1sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": last_name_prefix}},
        }
        if not last_name_prefix:
            query["KeyConditionExpression"] = "gsi1pk = :pk"
            query["ExpressionAttributeValues"] = {":pk": {"S": pk}}
        found: list[dict[str, Any]] = []
        for answer in self._repository._query_pages(
            query, start, limit=lambda: limit - len(found) + 1
        ):
            found.extend(answer.get("Items", []))
            if len(found) > limit:
                break
        items = found[:limit]
        next_cursor = (
            encode_cursor({k: items[-1][k] for k in _LIST_KEYS}) if len(found) > limit else None
        )
        return ContactPage([contact_from_item(from_item(i)) for i in items], next_cursor)

    def page_of(
        self, partner_id: str, contacts: Collection[PartnerContact], limit: int, cursor: str | None
    ) -> ContactPage:
        """A page of contacts found by their keys, in the address book's order, with the
        same cursors as `page` (the sort key of the last one)."""
        pk = contacts_pk(partner_id)
        ordered = sorted(contacts, key=sort_key)
        if cursor:
            after = decode_cursor(cursor, "gsi1pk", pk, _LIST_KEYS)["gsi1sk"]["S"]
            ordered = [c for c in ordered if sort_key(c) > after]
        items = ordered[:limit]
        next_cursor = None
        if len(ordered) > limit:
            last = items[-1]
            next_cursor = encode_cursor(
                {
                    PARTITION_KEY: {"S": contact_pk(partner_id, last.contact_id)},
                    SORT_KEY: {"S": contact_sort_key(last.contact_id)},
                    "gsi1pk": {"S": pk},
                    "gsi1sk": {"S": sort_key(last)},
                }
            )
        return ContactPage(items, next_cursor)

    # writes ---------------------------------------------------------------------------------

    def delete(
        self,
        partner_id: str,
        contact_id: str,
        wanted: Callable[[PartnerContact], bool] | None = None,
    ) -> PartnerContact | None:
        """Delete the contact and its match keys in one transaction, conditional on the
        contact being as read (consistently) just before, so that the keys deleted are
        the ones it is filed under; the contact deleted, or None when there is none (or
        it is not `wanted`). Raises ChangeRejected when it changed meanwhile (an import
        updated it, or it went): nothing was written, read again and retry."""
        item = self._repository._call(
            "get_item", Key=contact_item_key(partner_id, contact_id), ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        contact = contact_from_item(from_item(item))
        if wanted is not None and not wanted(contact):
            return None
        writes = contact_removal(self._table, partner_id, contact)
        writes[0]["Delete"].update(
            {
                "ConditionExpression": "#contact = :contact",
                "ExpressionAttributeNames": {"#contact": "contact"},
                "ExpressionAttributeValues": {":contact": item["contact"]},
            }
        )
        try:
            self._repository._client.transact_write_items(TransactItems=writes)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise _unavailable(error) from error
            # Changed or gone (ChangeRejected), or only a conflict (None): read again.
            raise _cancellation(error, created=False, claimed=None) or ChangeRejected() from error
        except BotoCoreError as error:
            raise _unavailable(error) from error
        return contact

    def match_index(self, partner_id: str) -> list[tuple[str, str, str]]:
        """Every match key of the partner's contacts: a Query of the `CKEY#` range of each
        shard of the address book, in parallel (keys only: about 8,000 a page)."""

        def shard(pk: str) -> Callable[[], list[tuple[str, str, str]]]:
            return lambda: [
                contact_key_parts(from_item(item)["sk"])
                for item in self._repository._pages(
                    KeyConditionExpression="pk = :pk AND begins_with(sk, :keys)",
                    ExpressionAttributeValues={":pk": {"S": pk}, ":keys": {"S": "CKEY#"}},
                    ProjectionExpression="sk",
                )
            ]

        shards = in_parallel([shard(pk) for pk in book_pks(partner_id)])
        return sorted(key for keys in shards for key in keys)

    def write(self, partner_id: str, changes: ContactChanges) -> int:
        """The keys the contacts are filed under first, then the contacts, then the keys
        they left. A write cut short (a timeout, a throttled batch) leaves keys of a
        contact not written yet: the next import of the file finds them and writes that
        contact under the same id, so nothing is doubled (service/contacts.py)."""
        contacts: list[dict[str, Any]] = [
            {"PutRequest": {"Item": contact_put_item(partner_id, c)}} for c in changes.contacts
        ]
        filed: list[dict[str, Any]] = [
            {"PutRequest": {"Item": contact_key_item(partner_id, kind, value, cid)}}
            for kind, value, cid in changes.filed
        ]
        unfiled: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": contact_key_item_key(partner_id, kind, value, cid)}}
            for kind, value, cid in changes.unfiled
        ]
        return sum(self._phase(phase) for phase in (filed, contacts, unfiled))

    def _phase(self, requests: list[dict[str, Any]]) -> int:
        """Batches of one phase, a few at a time: 10,000 contacts are 1,600 batches, too
        many to send one after the other within API Gateway's 30 seconds."""
        batches = [
            requests[start : start + _BATCH_WRITE_ITEMS]
            for start in range(0, len(requests), _BATCH_WRITE_ITEMS)
        ]
        if len(batches) <= 1:
            return sum(self._batch_write(batch) for batch in batches)
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

        # boto3's clients are thread-safe; a failed batch fails the import (503), and the
        # next import of the file completes it.
        with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
            return sum(pool.map(self._batch_write, batches))

    def _batch_write(self, requests: list[dict[str, Any]]) -> int:
        client = self._repository._client
        pending = {self._table: requests}
        for attempt in range(_UNPROCESSED_ATTEMPTS):
            try:
                answer = client.batch_write_item(RequestItems=pending)
            except (ClientError, BotoCoreError) as error:
                raise _unavailable(error) from error
            pending = answer.get("UnprocessedItems") or {}
            if not pending:
                return attempt + 1
            self._repository._sleep(random.uniform(0, _BACKOFF_BASE * 2**attempt))  # noqa: S311
        raise Unavailable(
            "the store is busy; part of the file was imported, import it again to finish "
            "(nothing is doubled)"
        )

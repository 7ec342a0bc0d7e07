"""The repository on one DynamoDB table (single-table design, see docs/data-model.md).

Keys are in `keys.py`, the item layouts in `items.py`, the lists (sharded, merged, with
their cursors) in `lists.py` and `shards.py`; this module makes the calls and turns
DynamoDB's errors into domain exceptions.
Every change is one TransactWriteItems whose conditions are the state the change
started from. There is no Scan anywhere.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.items import (
    CHANGE_EVENTS,
    change_events_item,
    claim_from,
    claim_item,
    contact_item,
    contact_key_item,
    events_from,
    from_item,
    inquiry_from,
    inquiry_item,
    offer_from,
    offer_item,
    partner_from,
    partner_item,
    territory_item,
    territory_key,
)
from inquiries.adapters.keys import (
    ALL_PARTNERS,
    DUE,
    INBOX_PENDING_PREFIX,
    INQUIRY_SK,
    PARTNER_SHARDS,
    claim_key,
    contact_item_key,
    contact_key_parts,
    contact_match_sort_key,
    inquiry_pk,
    match_key_pk,
    partner_key,
    partner_pk,
    stamp,
    territory_pk,
    unstamp,
)
from inquiries.adapters.lists import hq_listing, inbox_listing, shards_of
from inquiries.adapters.partners import PartnerVersions
from inquiries.adapters.rollups import (
    only_maxima_failed,
    put_rollups,
    read_rollups,
    rollup_updates,
)
from inquiries.adapters.shards import (
    Listing,
    earliest_entries,
    fetch_items,
    merged_page,
)
from inquiries.adapters.table import PARTITION_KEY, index_keys
from inquiries.domain.contacts import PartnerContact
from inquiries.domain.errors import ChangeRejected, Conflict, Unavailable
from inquiries.domain.lifecycle import Change, NewContact, OfferWrite
from inquiries.domain.model import Event, Inquiry, Offer, Partner, Status
from inquiries.domain.report.rollup import DayRollup
from inquiries.domain.subjects import came_to_rest
from inquiries.parallel import in_parallel
from inquiries.service.ports import (
    DueOffer,
    IdempotencyClaim,
    IdempotencyKeyTaken,
    InquiryExists,
    ListFilter,
    Page,
    Record,
)

_TRANSIENT = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_CONFLICT_RETRIES = 3
_BATCH_KEYS = 100  # BatchGetItem's most keys a call
# A transaction cancelled only by conflicts or throttling is tried this often, with full
# jitter under a doubling cap of _BACKOFF_BASE seconds: at most 0.02+0.04+0.08+0.16+0.32
# = 0.62 s of waiting in all, well inside the API's time budget.
_TRANSACTION_ATTEMPTS = 6
_BACKOFF_BASE = 0.02
# Cancellation reasons that say nothing about the state: the same transaction may succeed.
_RETRYABLE_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "None"}
)


class DynamoRepository(PartnerVersions):
    """The Repository port on DynamoDB."""

    def __init__(
        self, client: Any, table_name: str, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._client = client
        self._table = table_name
        self._sleep = sleep  # the pause between transaction attempts; tests record it

    # errors ---------------------------------------------------------------------------------

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, operation)(TableName=self._table, **kwargs)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error

    def _query_pages(
        self,
        query: dict[str, Any],
        start: dict[str, Any] | None = None,
        limit: Callable[[], int] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every page of a query, from `start` on: the one pagination loop of the adapter.

        `limit`, if given, is asked before each call for the page's Limit. The caller
        stops iterating when it has what it needs.
        """
        while True:
            page = self._call(
                "query",
                **query,
                **({"Limit": limit()} if limit else {}),
                **({"ExclusiveStartKey": start} if start else {}),
            )
            yield page
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def _pages(self, **query: Any) -> Iterator[dict[str, Any]]:
        """The items of every page of a query."""
        for page in self._query_pages(query):
            yield from page.get("Items", [])

    # inquiries ------------------------------------------------------------------------------

    def load(self, inquiry_id: str) -> Record | None:
        items = list(
            self._pages(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
                ExpressionAttributeValues={
                    ":pk": {"S": inquiry_pk(inquiry_id)},
                    ":a": {"S": INQUIRY_SK},
                    ":b": {"S": "OFFER#~"},
                },
                ConsistentRead=True,
            )
        )
        found = self._record(items)
        return found[0] if found else None

    def load_with_events(self, inquiry_id: str) -> tuple[Record, list[Event]] | None:
        items = list(
            self._pages(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": inquiry_pk(inquiry_id)}},
                ConsistentRead=True,
            )
        )
        return self._record(items)

    @staticmethod
    def _record(items: list[dict[str, Any]]) -> tuple[Record, list[Event]] | None:
        inquiry: Inquiry | None = None
        offers: list[Offer] = []
        events: list[Event] = []
        for raw in items:
            data = from_item(raw)
            kind = data.get("type")
            if kind == "inquiry":
                inquiry = inquiry_from(data)
            elif kind == "offer":
                offers.append(offer_from(data))
            elif kind in ("event", CHANGE_EVENTS):
                events += events_from(data)
        if inquiry is None:
            return None
        return Record(inquiry, tuple(offers)), events

    def apply(self, change: Change, claim: IdempotencyClaim | None = None) -> None:
        self.commit(change, self._transaction(change, claim), claim)

    def commit(
        self, change: Change, items: list[dict[str, Any]], claim: IdempotencyClaim | None = None
    ) -> None:
        """Write the transaction `items` of `change`, retried while only conflicts or
        throttling cancel it; the same errors as `apply`."""
        for attempt in range(_TRANSACTION_ATTEMPTS):
            # botocore's own resends of one attempt share its token: when the answer to a
            # stored transaction is lost, DynamoDB answers success instead of failing the
            # conditions of the first. A new attempt after a cancellation (which wrote
            # nothing) is a new request, with a token of its own.
            attempt_digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode())
            attempt_digest.update(str(attempt).encode())
            token = attempt_digest.hexdigest()[:36]
            try:
                self._client.transact_write_items(TransactItems=items, ClientRequestToken=token)
                return
            except BotoCoreError as error:
                raise _unavailable(error) from error
            except ClientError as error:
                if (
                    error.response.get("Error", {}).get("Code", "")
                    != "TransactionCanceledException"
                ):
                    raise _unavailable(error) from error
                reasons = [
                    r.get("Code") or "None" for r in error.response.get("CancellationReasons", [])
                ]
                if only_maxima_failed(items, reasons):
                    # A concurrent decision raised a rollup's largest duration: read it again.
                    items = self._transaction(change, claim, consistent=True)
                    continue
                verdict = _cancellation(error, created=change.before is None, claimed=claim)
                if verdict is not None:
                    raise verdict from None
                if attempt + 1 < _TRANSACTION_ATTEMPTS:
                    self._sleep(_backoff(attempt))
        raise Unavailable("the store is busy; nothing was changed, please retry")

    def _transaction(
        self, change: Change, claim: IdempotencyClaim | None, *, consistent: bool = False
    ) -> list[dict[str, Any]]:
        after = change.after
        if change.events:  # the retention entry follows the status (docs/data-model.md)
            after = came_to_rest(change.before, after, max(e.at for e in change.events))
        put: dict[str, Any] = {"TableName": self._table, "Item": inquiry_item(after)}
        if change.before is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "#status = :from AND version = :version"
            put["ExpressionAttributeNames"] = {"#status": "status"}
            put["ExpressionAttributeValues"] = {
                ":from": {"S": change.before.status.value},
                ":version": {"N": str(change.before.version)},
            }
        items: list[dict[str, Any]] = [{"Put": put}]
        items += [{"Put": self._offer_put(write)} for write in change.offers]
        if change.before is not None:
            # An offer made by hand goes only to a partner that is still active when it is
            # written: a deactivation at the same instant wins, and the assign is refused.
            items += [
                {"ConditionCheck": self._still_active(write.offer.partner_id)}
                for write in change.offers
                if write.expected is None
            ]
        if change.events:  # one item for all of them: each item is a write of its own
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": change_events_item(after.id, after.version, change.events),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        # The report's rollups move with the offers, in this same transaction.
        items += rollup_updates(
            self._table, change, lambda key, names: self._maxima(key, names, consistent)
        )
        if change.new_contact is not None:
            items += self._contact_writes(change.new_contact, after.created_at)
        if claim is not None:
            items.append({"Put": self._claim_put(claim)})  # last: its failure is told apart
        return items

    def _maxima(self, key: dict[str, Any], names: list[str], consistent: bool) -> dict[str, float]:
        """A rollup's stored largest durations (of these attribute names)."""
        item = self._call(
            "get_item",
            Key=key,
            ProjectionExpression=", ".join(f"#m{i}" for i in range(len(names))),
            ExpressionAttributeNames={f"#m{i}": name for i, name in enumerate(names)},
            ConsistentRead=consistent,
        ).get("Item", {})
        return {name: float(value["N"]) for name, value in item.items()}

    def _offer_put(self, write: OfferWrite) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": offer_item(write.offer)}
        if write.expected is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "outcome = :expected"
            put["ExpressionAttributeValues"] = {":expected": {"S": write.expected.value}}
        return put

    def _still_active(self, partner_id: str) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": partner_key(partner_id),
            "ConditionExpression": (
                f"attribute_exists({PARTITION_KEY})"
                " AND (attribute_not_exists(#p.#a) OR #p.#a = :yes)"
            ),
            "ExpressionAttributeNames": {"#p": "partner", "#a": "active"},
            "ExpressionAttributeValues": {":yes": {"BOOL": True}},
        }

    def _claim_put(self, claim: IdempotencyClaim) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Item": claim_item(claim, claim_key(claim.key)),
            # A key may be claimed again once the earlier claim has run out.
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at <= :now",
            "ExpressionAttributeValues": {":now": {"S": stamp(claim.claimed_at)}},
        }

    def claim_of(self, key: str, now: datetime) -> IdempotencyClaim | None:
        item = self._call("get_item", Key=claim_key(key), ConsistentRead=True).get("Item")
        if not item:
            return None
        claim = claim_from(key, from_item(item))
        return claim if claim.expires_at > now else None

    # partners -------------------------------------------------------------------------------

    def get_partner(self, partner_id: str) -> Partner | None:
        item = self._call("get_item", Key=partner_key(partner_id)).get("Item")
        return partner_from(from_item(item)["partner"]) if item else None

    def partners_covering(self, country: str) -> list[Partner]:
        return [
            partner_from(from_item(item)["partner"])
            for item in self._pages(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": territory_pk(country)}},
            )
        ]

    def pending_count(self, partner_id: str) -> int:
        def count(partition: str) -> Callable[[], int]:
            query = {
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :pk AND begins_with(gsi1sk, :pending)",
                "ExpressionAttributeValues": {
                    ":pk": {"S": partition},
                    ":pending": {"S": INBOX_PENDING_PREFIX},
                },
                "Select": "COUNT",
            }
            return lambda: sum(int(page.get("Count", 0)) for page in self._query_pages(query))

        return sum(
            in_parallel([count(p) for p in shards_of(partner_pk(partner_id), PARTNER_SHARDS)])
        )

    def put_partner(self, partner: Partner) -> None:
        """Replace the partner and its territory entries in one transaction."""
        for _ in range(_CONFLICT_RETRIES):
            existing = self._call("get_item", Key=partner_key(partner.id), ConsistentRead=True)
            old = from_item(existing["Item"]) if existing.get("Item") else None
            try:
                self._client.transact_write_items(TransactItems=self._partner_writes(partner, old))
                return
            except BotoCoreError as error:
                raise _unavailable(error) from error
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise _unavailable(error) from error
        raise Conflict("the partner is being changed by someone else; please retry")

    def _partner_writes(self, partner: Partner, old: dict[str, Any] | None) -> list[dict[str, Any]]:
        version = (old or {}).get("version", 0)
        put: dict[str, Any] = {"TableName": self._table, "Item": partner_item(partner, version + 1)}
        if old is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(version)}}
        writes: list[dict[str, Any]] = [{"Put": put}]
        countries = {t.country for t in partner.territories}
        for country in sorted(countries):
            writes.append(
                {"Put": {"TableName": self._table, "Item": territory_item(country, partner)}}
            )
        old_countries = {
            t["country"] for t in (old or {}).get("partner", {}).get("territories", [])
        }
        for country in sorted(old_countries - countries):
            writes.append(
                {"Delete": {"TableName": self._table, "Key": territory_key(country, partner.id)}}
            )
        return writes

    def list_partners(self) -> list[Partner]:
        return [
            partner_from(from_item(item)["partner"])
            for item in self._pages(
                IndexName="gsi2",
                KeyConditionExpression="gsi2pk = :pk",
                ExpressionAttributeValues={":pk": {"S": ALL_PARTNERS}},
            )
        ]

    # lists ----------------------------------------------------------------------------------

    def inbox(self, partner_id: str, status: Status | None, limit: int, cursor: str | None) -> Page:
        return self._merged(inbox_listing(partner_id, status), limit, cursor)

    def inquiries(self, filters: ListFilter, limit: int, cursor: str | None) -> Page:
        return self._merged(hq_listing(filters), limit, cursor)

    def _merged(self, listing: Listing, limit: int, cursor: str | None) -> Page:
        """One page of a list over the shards of its index (adapters/shards.py)."""
        page = merged_page(lambda **query: self._call("query", **query), listing, limit, cursor)
        items = page.items
        if listing.fetch:  # the index projects only what its filters check
            items = fetch_items(self._batch_get_keys, items, index_keys(listing.index))
        return Page([inquiry_from(from_item(i)) for i in items], page.next)

    def _batch_get_keys(self, keys: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The typed items of these keys (BatchGetItem, unprocessed keys asked again)."""
        for start in range(0, len(keys), _BATCH_KEYS):
            request: dict[str, Any] = {self._table: {"Keys": keys[start : start + _BATCH_KEYS]}}
            while request:
                try:
                    answer = self._client.batch_get_item(RequestItems=request)
                except (ClientError, BotoCoreError) as error:
                    raise _unavailable(error) from error
                yield from answer.get("Responses", {}).get(self._table, [])
                request = answer.get("UnprocessedKeys") or {}

    # expiry and reports ---------------------------------------------------------------------

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]:
        """The earliest-due pending offers of every shard of `DUE`, merged by deadline."""

        entries = earliest_entries(
            self._call, shards_of(DUE), stamp(now), "inquiry_id, seq, deadline", limit
        )
        due = [from_item(item) for item in entries]
        return [
            DueOffer(d["inquiry_id"], d["seq"], unstamp(d["deadline"]))  # type: ignore[arg-type]
            for d in due
        ]

    def rollups(self, partner_ids: Sequence[str], first: date, last: date) -> list[DayRollup]:
        from inquiries.adapters.rollup_folds import fold_day  # noqa: PLC0415 (the report only)

        def fold(pk: str, day: str, items: list[dict[str, Any]]) -> bool:
            return fold_day(self._client, self._table, pk, day, items)

        return read_rollups(self._pages, partner_ids, first, last, fold)

    def put_rollups(self, rollups: Sequence[DayRollup]) -> None:
        put_rollups(self._client, self._table, rollups, self._sleep)

    # contacts -------------------------------------------------------------------------------

    def _batch_get(
        self, keys: list[dict[str, Any]], projection: str, names: dict[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The items of these typed keys: BatchGetItem, 100 keys a call, with what
        DynamoDB left unprocessed asked for again."""
        for start in range(0, len(keys), _BATCH_KEYS):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": keys[start : start + _BATCH_KEYS],
                    "ProjectionExpression": projection,
                    **({"ExpressionAttributeNames": names} if names else {}),
                }
            }
            while request:
                try:
                    answer = self._client.batch_get_item(RequestItems=request)
                except (ClientError, BotoCoreError) as error:
                    raise _unavailable(error) from error
                for item in answer.get("Responses", {}).get(self._table, []):
                    yield from_item(item)
                request = answer.get("UnprocessedKeys") or {}

    def contacts_matching(self, partner_id: str, keys: dict[str, str]) -> dict[str, frozenset[str]]:
        # One Query per kind of key: each contact filed under a key is an item of its own.
        found = {}
        for kind, value in keys.items():
            ids = self._filed_under(partner_id, kind, value)
            if ids:
                found[kind] = ids
        return found

    def _filed_under(self, partner_id: str, kind: str, value: str) -> frozenset[str]:
        """The ids of the partner's contacts filed under one match key: one Query of the
        one address-book shard the key is filed in."""
        return frozenset(
            contact_key_parts(from_item(item)["sk"])[2]
            for item in self._pages(
                KeyConditionExpression="pk = :pk AND begins_with(sk, :key)",
                ExpressionAttributeValues={
                    ":pk": {"S": match_key_pk(partner_id, kind, value)},
                    ":key": {"S": contact_match_sort_key(kind, value)},
                },
                ProjectionExpression="sk",
            )
        )

    def contacts(self, partner_id: str, contact_ids: Collection[str]) -> dict[str, PartnerContact]:
        # The address book's reads live with it (adapters/contacts.py builds on this module).
        from inquiries.adapters.contacts import DynamoAddressBook  # noqa: PLC0415

        return DynamoAddressBook(self).many(partner_id, contact_ids)

    def _contact_writes(self, new: NewContact, created_at: datetime) -> list[dict[str, Any]]:
        from inquiries.domain.duplicates import match_keys  # noqa: PLC0415

        item = contact_item(new.partner_id, new.contact_id, new.contact, new.inquiry_id)
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for kind, value in match_keys(new.contact).items():
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": contact_key_item(new.partner_id, kind, value, new.contact_id),
                    }
                }
            )
        return writes

    def has_contact(self, partner_id: str, contact_id: str) -> bool:
        item = self._call(
            "get_item",
            Key=contact_item_key(partner_id, contact_id),
            ProjectionExpression="pk",
        ).get("Item")
        return bool(item)


def _unavailable(error: ClientError | BotoCoreError) -> Exception:
    if isinstance(error, BotoCoreError):
        # A timeout or a lost connection: a write may or may not have landed.
        return Unavailable("the store did not answer in time; please retry")
    code = error.response.get("Error", {}).get("Code", "")
    if code in _TRANSIENT:
        return Unavailable("the store is busy; nothing was changed, please retry")
    return Unavailable(f"the store refused the request ({code}); nothing was changed")


def _cancellation(
    error: ClientError, *, created: bool, claimed: IdempotencyClaim | None
) -> Exception | None:
    """What a cancelled transaction says about the state, or None when it may be retried.

    The reasons come in the order of the transaction's items: the inquiry first, the
    idempotency claim (when there is one) last.
    """
    reasons = [r.get("Code") or "None" for r in error.response.get("CancellationReasons", [])]
    if claimed is not None and reasons and reasons[-1] == "ConditionalCheckFailed":
        return IdempotencyKeyTaken()
    if created and reasons and reasons[0] == "ConditionalCheckFailed":
        return InquiryExists()
    if "ConditionalCheckFailed" in reasons:
        return ChangeRejected()
    if reasons and all(reason in _RETRYABLE_REASONS for reason in reasons):
        if set(reasons) == {"None"}:  # no reason given at all: nothing to go on
            return Unavailable("the store refused the request; nothing was changed")
        return None
    return Unavailable(
        f"the store refused the request ({', '.join(sorted(set(reasons) - {'None'}))}); "
        "nothing was changed"
    )


def _backoff(attempt: int) -> float:
    """Full jitter: concurrent writers that collided do not collide again in lockstep."""
    return random.uniform(0, _BACKOFF_BASE * 2**attempt)  # noqa: S311 (not for secrets)

"""The repository on one DynamoDB table (single-table design, see docs/data-model.md).

Only this module knows item layouts and turns DynamoDB's errors into domain
exceptions. Every change is one TransactWriteItems whose conditions are the
state the change started from. There is no Scan anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.table import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from inquiries.domain.errors import ChangeRejected, Conflict, Unavailable, ValidationFailed
from inquiries.domain.lifecycle import Change, NewContact, OfferWrite
from inquiries.domain.model import (
    Calendar,
    Channel,
    Contact,
    Event,
    Inquiry,
    Offer,
    Outcome,
    Partner,
    ProgressEntry,
    ProgressStep,
    ReturnReason,
    Status,
    Territory,
)
from inquiries.service.ports import (
    DueOffer,
    IdempotencyClaim,
    IdempotencyKeyTaken,
    InquiryExists,
    Page,
    Record,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Statuses in which an inquiry sits in its partner's inbox.
_IN_INBOX = frozenset({Status.PENDING, Status.ACCEPTED, Status.CLOSED})
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
# A transaction cancelled only by conflicts or throttling is tried this often, with full
# jitter under a doubling cap of _BACKOFF_BASE seconds: at most 0.02+0.04+0.08+0.16+0.32
# = 0.62 s of waiting in all, well inside the API's time budget.
_TRANSACTION_ATTEMPTS = 6
_BACKOFF_BASE = 0.02
# Cancellation reasons that say nothing about the state: the same transaction may succeed.
_RETRYABLE_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "None"}
)


# --- formats -------------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that keys sort in time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _unstamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _newest_first(moment: datetime) -> str:
    """A key part that sorts ascending from the newest to the oldest moment."""
    micros = int(moment.timestamp() * 1_000_000)
    return f"{10**17 - micros:018d}"


def _to_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in data.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def inquiry_key(inquiry_id: str) -> dict[str, Any]:
    return {PARTITION_KEY: {"S": f"INQ#{inquiry_id}"}, SORT_KEY: {"S": "INQ"}}


def offer_sort_key(seq: int) -> str:
    return f"OFFER#{seq:04d}"


def _partner_key(partner_id: str) -> dict[str, Any]:
    return {PARTITION_KEY: {"S": f"PARTNER#{partner_id}"}, SORT_KEY: {"S": "PARTNER"}}


def _claim_key(key: str) -> dict[str, Any]:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return {PARTITION_KEY: {"S": f"IDEMPOTENCY#{digest}"}, SORT_KEY: {"S": "IDEMPOTENCY"}}


# --- items <-> domain ----------------------------------------------------------------------


def _calendar_data(calendar: Calendar) -> dict[str, Any]:
    return {
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "timezone": calendar.timezone,
        "working_days": list(calendar.working_days),
    }


def _calendar(data: dict[str, Any]) -> Calendar:
    return Calendar(
        country=data["country"],
        subdivision=data.get("subdivision"),
        timezone=data["timezone"],
        working_days=tuple(data["working_days"]),
    )


def _contact_data(contact: Contact) -> dict[str, Any]:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "street": contact.street,
        "postal_code": contact.postal_code,
        "city": contact.city,
        "country": contact.country,
        "company": contact.company,
    }


def inquiry_item(inquiry: Inquiry) -> dict[str, Any]:
    created = stamp(inquiry.created_at)
    data: dict[str, Any] = {
        PARTITION_KEY: f"INQ#{inquiry.id}",
        SORT_KEY: "INQ",
        "type": "inquiry",
        "id": inquiry.id,
        "status": inquiry.status.value,
        "channel": inquiry.channel.value,
        "product": inquiry.product,
        # The person's data lives here and nowhere else in the item.
        "contact": {k: v for k, v in _contact_data(inquiry.contact).items() if v is not None},
        "message": inquiry.message,
        "redacted_message": inquiry.redacted_message,
        "language": inquiry.language,
        "partner_id": inquiry.partner_id,
        "user_id": inquiry.user_id,
        "created_at": created,
        "assigned_at": stamp(inquiry.assigned_at) if inquiry.assigned_at else None,
        "deadline": stamp(inquiry.deadline) if inquiry.deadline else None,
        "offer_seq": inquiry.offer_seq,
        "return_reason": inquiry.return_reason.value if inquiry.return_reason else None,
        "declined_by": sorted(inquiry.declined_by),
        "contact_id": inquiry.contact_id,
        "progress": [
            {"step": p.step.value, "at": stamp(p.at), "by": p.by, "note": p.note}
            for p in inquiry.progress
        ],
        "version": inquiry.version,
        "gsi2pk": f"STATUS#{inquiry.status.value}",
        "gsi2sk": f"{created}#{inquiry.id}",
        "gsi3pk": "INQUIRIES",
        "gsi3sk": f"{created}#{inquiry.id}",
    }
    if inquiry.partner_id and inquiry.status in _IN_INBOX:
        data["gsi1pk"] = f"PARTNER#{inquiry.partner_id}"
        if inquiry.status is Status.PENDING and inquiry.deadline:
            data["gsi1sk"] = f"INBOX#0#{stamp(inquiry.deadline)}#{inquiry.id}"
        else:
            data["gsi1sk"] = f"INBOX#1#{_newest_first(inquiry.created_at)}#{inquiry.id}"
    return _to_item(data)


def inquiry_from(data: dict[str, Any]) -> Inquiry:
    contact = data["contact"]
    return Inquiry(
        id=data["id"],
        status=Status(data["status"]),
        channel=Channel(data["channel"]),
        product=data["product"],
        contact=Contact(**{k: contact.get(k) for k in _contact_data(Contact("", "", "", ""))}),
        created_at=_unstamp(data["created_at"]),  # type: ignore[arg-type]
        message=data.get("message"),
        redacted_message=data.get("redacted_message"),
        language=data.get("language"),
        partner_id=data.get("partner_id"),
        user_id=data.get("user_id"),
        assigned_at=_unstamp(data.get("assigned_at")),
        deadline=_unstamp(data.get("deadline")),
        offer_seq=data.get("offer_seq", 0),
        return_reason=ReturnReason(data["return_reason"]) if data.get("return_reason") else None,
        declined_by=frozenset(data.get("declined_by", [])),
        contact_id=data.get("contact_id"),
        progress=tuple(
            ProgressEntry(ProgressStep(p["step"]), _unstamp(p["at"]), p["by"], p.get("note"))  # type: ignore[arg-type]
            for p in data.get("progress", [])
        ),
        version=data["version"],
    )


def offer_item(offer: Offer) -> dict[str, Any]:
    offered = stamp(offer.offered_at)
    data: dict[str, Any] = {
        PARTITION_KEY: f"INQ#{offer.inquiry_id}",
        SORT_KEY: offer_sort_key(offer.seq),
        "type": "offer",
        "inquiry_id": offer.inquiry_id,
        "seq": offer.seq,
        "partner_id": offer.partner_id,
        "calendar": _calendar_data(offer.calendar),
        "offered_at": offered,
        "deadline": stamp(offer.deadline),
        "outcome": offer.outcome.value,
        "decided_at": stamp(offer.decided_at) if offer.decided_at else None,
        "decided_by": offer.decided_by,
        "reason": offer.reason,
        "first_progress_at": stamp(offer.first_progress_at) if offer.first_progress_at else None,
        "steps": sorted(step.value for step in offer.steps) or None,
        "gsi1pk": f"PARTNER#{offer.partner_id}",
        "gsi1sk": f"OFFER#{offered}#{offer.inquiry_id}#{offer.seq}",
        "gsi3pk": f"OFFERS#{offered[:7]}",
        "gsi3sk": f"{offered}#{offer.inquiry_id}#{offer.seq}",
    }
    if offer.outcome is Outcome.PENDING:
        # Sparse: only pending offers are in the sweeper's index.
        data["gsi4pk"] = "DUE"
        data["gsi4sk"] = f"{stamp(offer.deadline)}#{offer.inquiry_id}#{offer.seq}"
    return _to_item(data)


def offer_from(data: dict[str, Any]) -> Offer:
    return Offer(
        inquiry_id=data["inquiry_id"],
        seq=data["seq"],
        partner_id=data["partner_id"],
        calendar=_calendar(data["calendar"]),
        offered_at=_unstamp(data["offered_at"]),  # type: ignore[arg-type]
        deadline=_unstamp(data["deadline"]),  # type: ignore[arg-type]
        outcome=Outcome(data["outcome"]),
        decided_at=_unstamp(data.get("decided_at")),
        decided_by=data.get("decided_by"),
        reason=data.get("reason"),
        first_progress_at=_unstamp(data.get("first_progress_at")),
        steps=frozenset(ProgressStep(step) for step in data.get("steps", ())),
    )


def _event_item(inquiry_id: str, version: int, index: int, event: Event) -> dict[str, Any]:
    return _to_item(
        {
            PARTITION_KEY: f"INQ#{inquiry_id}",
            SORT_KEY: f"EVENT#{version:06d}#{index:02d}",
            "type": "event",
            "at": stamp(event.at),
            "actor": event.actor,
            "action": event.action,
            "details": event.details,
        }
    )


def _event_from(data: dict[str, Any]) -> Event:
    return Event(_unstamp(data["at"]), data["actor"], data["action"], data.get("details", {}))  # type: ignore[arg-type]


def partner_data(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.id,
        "name": partner.name,
        "calendar": _calendar_data(partner.calendar),
        "territories": [
            {"country": t.country, "postal_prefixes": list(t.postal_prefixes)}
            for t in partner.territories
        ],
        "products": sorted(partner.products),
    }


def partner_from(data: dict[str, Any]) -> Partner:
    return Partner(
        id=data["id"],
        name=data["name"],
        calendar=_calendar(data["calendar"]),
        territories=tuple(
            Territory(t["country"], tuple(t["postal_prefixes"])) for t in data["territories"]
        ),
        products=frozenset(data.get("products", [])),
    )


# --- cursors -------------------------------------------------------------------------------


def _encode_cursor(key: dict[str, Any]) -> str:
    plain = {k: v["S"] for k, v in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode()


def _decode_cursor(
    cursor: str, index_pk: str, expected_pk: str, key_names: tuple[str, ...]
) -> dict[str, Any]:
    invalid = ValidationFailed.at(
        "cursor is not valid", "query", "cursor", msg="not a cursor of this list"
    )
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid from None
    if (
        not isinstance(plain, dict)
        # Exactly the keys a page ends with, none empty: DynamoDB refuses any other start
        # key with a ValidationException, which would be a 503 rather than this 422.
        or set(plain) != set(key_names)
        or not all(isinstance(v, str) and v for v in plain.values())
        or plain.get(index_pk) != expected_pk
    ):
        raise invalid
    return {k: {"S": v} for k, v in plain.items()}


# --- the repository ------------------------------------------------------------------------


class DynamoRepository:
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

    def _pages(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            page = self._call("query", **kwargs, **({"ExclusiveStartKey": start} if start else {}))
            yield from page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    # inquiries ------------------------------------------------------------------------------

    def load(self, inquiry_id: str) -> Record | None:
        items = list(
            self._pages(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
                ExpressionAttributeValues={
                    ":pk": {"S": f"INQ#{inquiry_id}"},
                    ":a": {"S": "INQ"},
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
                ExpressionAttributeValues={":pk": {"S": f"INQ#{inquiry_id}"}},
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
            data = _from_item(raw)
            kind = data.get("type")
            if kind == "inquiry":
                inquiry = inquiry_from(data)
            elif kind == "offer":
                offers.append(offer_from(data))
            elif kind == "event":
                events.append(_event_from(data))
        if inquiry is None:
            return None
        return Record(inquiry, tuple(offers)), events

    def apply(self, change: Change, claim: IdempotencyClaim | None = None) -> None:
        items = self._transaction(change, claim)
        digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode())
        for attempt in range(_TRANSACTION_ATTEMPTS):
            # botocore's own resends of one attempt share its token: when the answer to a
            # stored transaction is lost, DynamoDB answers success instead of failing the
            # conditions of the first. A new attempt after a cancellation (which wrote
            # nothing) is a new request, with a token of its own.
            attempt_digest = digest.copy()
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
                verdict = _cancellation(error, created=change.before is None, claimed=claim)
                if verdict is not None:
                    raise verdict from None
                if attempt + 1 < _TRANSACTION_ATTEMPTS:
                    self._sleep(_backoff(attempt))
        raise Unavailable("the store is busy; nothing was changed, please retry")

    def _transaction(self, change: Change, claim: IdempotencyClaim | None) -> list[dict[str, Any]]:
        after = change.after
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
        items += [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _event_item(after.id, after.version, index, event),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for index, event in enumerate(change.events)
        ]
        if change.new_contact is not None:
            items += self._contact_writes(change.new_contact, after.created_at)
        if claim is not None:
            items.append({"Put": self._claim_put(claim)})  # last: its failure is told apart
        return items

    def _offer_put(self, write: OfferWrite) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": offer_item(write.offer)}
        if write.expected is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "outcome = :expected"
            put["ExpressionAttributeValues"] = {":expected": {"S": write.expected.value}}
        return put

    def _claim_put(self, claim: IdempotencyClaim) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Item": {
                **_claim_key(claim.key),
                "type": {"S": "idempotency"},
                "fingerprint": {"S": claim.fingerprint},
                "inquiry_id": {"S": claim.inquiry_id},
                "claimed_at": {"S": stamp(claim.claimed_at)},
                "expires_at": {"S": stamp(claim.expires_at)},
                TTL_ATTRIBUTE: {"N": str(int(claim.expires_at.timestamp()))},
            },
            # A key may be claimed again once the earlier claim has run out.
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at <= :now",
            "ExpressionAttributeValues": {":now": {"S": stamp(claim.claimed_at)}},
        }

    def claim_of(self, key: str, now: datetime) -> IdempotencyClaim | None:
        item = self._call("get_item", Key=_claim_key(key), ConsistentRead=True).get("Item")
        if not item:
            return None
        data = _from_item(item)
        claim = IdempotencyClaim(
            key=key,
            fingerprint=data["fingerprint"],
            inquiry_id=data["inquiry_id"],
            claimed_at=_unstamp(data["claimed_at"]),  # type: ignore[arg-type]
            expires_at=_unstamp(data["expires_at"]),  # type: ignore[arg-type]
        )
        return claim if claim.expires_at > now else None

    # partners -------------------------------------------------------------------------------

    def get_partner(self, partner_id: str) -> Partner | None:
        item = self._call("get_item", Key=_partner_key(partner_id)).get("Item")
        return partner_from(_from_item(item)["partner"]) if item else None

    def partners_covering(self, country: str) -> list[Partner]:
        return [
            partner_from(_from_item(item)["partner"])
            for item in self._pages(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"TERRITORY#{country}"}},
            )
        ]

    def pending_count(self, partner_id: str) -> int:
        count = 0
        start: dict[str, Any] | None = None
        while True:
            page = self._call(
                "query",
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :pk AND begins_with(gsi1sk, :pending)",
                ExpressionAttributeValues={
                    ":pk": {"S": f"PARTNER#{partner_id}"},
                    ":pending": {"S": "INBOX#0#"},
                },
                Select="COUNT",
                **({"ExclusiveStartKey": start} if start else {}),
            )
            count += int(page.get("Count", 0))
            start = page.get("LastEvaluatedKey")
            if not start:
                return count

    def put_partner(self, partner: Partner) -> None:
        """Replace the partner and its territory entries in one transaction."""
        for _ in range(_CONFLICT_RETRIES):
            existing = self._call("get_item", Key=_partner_key(partner.id), ConsistentRead=True)
            old = _from_item(existing["Item"]) if existing.get("Item") else None
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
        data = partner_data(partner)
        version = (old or {}).get("version", 0)
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": _to_item(
                {
                    **{PARTITION_KEY: f"PARTNER#{partner.id}", SORT_KEY: "PARTNER"},
                    "type": "partner",
                    "partner": data,
                    "version": version + 1,
                    "gsi2pk": "PARTNERS",
                    "gsi2sk": partner.id,
                }
            ),
        }
        if old is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(version)}}
        writes: list[dict[str, Any]] = [{"Put": put}]
        countries = {t.country for t in partner.territories}
        for country in sorted(countries):
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": _to_item(
                            {
                                PARTITION_KEY: f"TERRITORY#{country}",
                                SORT_KEY: f"PARTNER#{partner.id}",
                                "type": "territory",
                                "partner": data,
                            }
                        ),
                    }
                }
            )
        old_countries = {
            t["country"] for t in (old or {}).get("partner", {}).get("territories", [])
        }
        for country in sorted(old_countries - countries):
            writes.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": {
                            PARTITION_KEY: {"S": f"TERRITORY#{country}"},
                            SORT_KEY: {"S": f"PARTNER#{partner.id}"},
                        },
                    }
                }
            )
        return writes

    def list_partners(self) -> list[Partner]:
        return [
            partner_from(_from_item(item)["partner"])
            for item in self._pages(
                IndexName="gsi2",
                KeyConditionExpression="gsi2pk = :pk",
                ExpressionAttributeValues={":pk": {"S": "PARTNERS"}},
            )
        ]

    # lists ----------------------------------------------------------------------------------

    def inbox(self, partner_id: str, status: Status | None, limit: int, cursor: str | None) -> Page:
        pk = f"PARTNER#{partner_id}"
        prefix = "INBOX#0#" if status is Status.PENDING else "INBOX#"
        values: dict[str, Any] = {":pk": {"S": pk}, ":prefix": {"S": prefix}}
        query: dict[str, Any] = {
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :pk AND begins_with(gsi1sk, :prefix)",
        }
        if status is not None and status is not Status.PENDING:
            query["FilterExpression"] = "#status = :status"
            query["ExpressionAttributeNames"] = {"#status": "status"}
            values[":status"] = {"S": status.value}
        query["ExpressionAttributeValues"] = values
        return self._page(query, "gsi1", "gsi1pk", pk, limit, cursor)

    def inquiries(self, status: Status | None, limit: int, cursor: str | None) -> Page:
        if status is None:
            index, pk_name, pk = "gsi3", "gsi3pk", "INQUIRIES"
        else:
            index, pk_name, pk = "gsi2", "gsi2pk", f"STATUS#{status.value}"
        query = {
            "IndexName": index,
            "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
        }
        return self._page(query, index, pk_name, pk, limit, cursor)

    def _page(
        self,
        query: dict[str, Any],
        index: str,
        pk_name: str,
        pk: str,
        limit: int,
        cursor: str | None,
    ) -> Page:
        key_names = (PARTITION_KEY, SORT_KEY, pk_name, f"{index[:4]}sk")
        start = _decode_cursor(cursor, pk_name, pk, key_names) if cursor else None
        found: list[dict[str, Any]] = []
        while True:
            page = self._call(
                "query",
                **query,
                Limit=limit - len(found) + (1 if "FilterExpression" not in query else 0),
                **({"ExclusiveStartKey": start} if start else {}),
            )
            found += page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if len(found) > limit or (len(found) == limit and start) or not start:
                break
        items = found[:limit]
        more = len(found) > limit or bool(start)
        next_cursor = (
            _encode_cursor({k: items[-1][k] for k in key_names}) if more and items else None
        )
        return Page([inquiry_from(_from_item(i)) for i in items], next_cursor)

    # expiry and reports ---------------------------------------------------------------------

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]:
        page = self._call(
            "query",
            IndexName="gsi4",
            KeyConditionExpression="gsi4pk = :pk AND gsi4sk < :upper",
            ExpressionAttributeValues={
                ":pk": {"S": "DUE"},
                # '#' < '$': every key whose deadline is at or before now.
                ":upper": {"S": f"{stamp(now)}$"},
            },
            ProjectionExpression="inquiry_id, seq, deadline",
            Limit=limit,
        )
        return [
            DueOffer(d["inquiry_id"], d["seq"], _unstamp(d["deadline"]))  # type: ignore[arg-type]
            for d in (_from_item(i) for i in page.get("Items", []))
        ]

    def offers_between(self, start: datetime, end: datetime, partner_id: str | None) -> list[Offer]:
        """Offers whose offered_at is in [start, end)."""
        low, high = stamp(start), stamp(end)
        if partner_id is not None:
            queries = [
                {
                    "IndexName": "gsi1",
                    "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk BETWEEN :a AND :b",
                    "ExpressionAttributeValues": {
                        ":pk": {"S": f"PARTNER#{partner_id}"},
                        ":a": {"S": f"OFFER#{low}"},
                        ":b": {"S": f"OFFER#{high}"},
                    },
                }
            ]
        else:
            queries = [
                {
                    "IndexName": "gsi3",
                    "KeyConditionExpression": "gsi3pk = :pk AND gsi3sk BETWEEN :a AND :b",
                    "ExpressionAttributeValues": {
                        ":pk": {"S": f"OFFERS#{month}"},
                        ":a": {"S": low},
                        ":b": {"S": high},
                    },
                }
                for month in _months(start, end)
            ]
        offers = [offer_from(_from_item(i)) for q in queries for i in self._pages(**q)]
        return [o for o in offers if start <= o.offered_at < end]

    # contacts -------------------------------------------------------------------------------

    def contacts_matching(self, partner_id: str, keys: dict[str, str]) -> dict[str, frozenset[str]]:
        pk = f"PARTNER#{partner_id}"
        wanted = {f"CKEY#{kind}#{value}": kind for kind, value in keys.items()}
        request = {
            self._table: {
                "Keys": [
                    {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sort_key}} for sort_key in wanted
                ],
                "ProjectionExpression": "sk, contact_ids",
            }
        }
        found: dict[str, frozenset[str]] = {}
        while request:
            try:
                answer = self._client.batch_get_item(RequestItems=request)
            except (ClientError, BotoCoreError) as error:
                raise _unavailable(error) from error
            for item in answer.get("Responses", {}).get(self._table, []):
                data = _from_item(item)
                found[wanted[data["sk"]]] = frozenset(data.get("contact_ids", set()))
            request = answer.get("UnprocessedKeys") or {}
        return found

    def _contact_writes(self, new: NewContact, created_at: datetime) -> list[dict[str, Any]]:
        from inquiries.domain.duplicates import match_keys  # noqa: PLC0415

        pk = f"PARTNER#{new.partner_id}"
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _to_item(
                        {
                            PARTITION_KEY: pk,
                            SORT_KEY: f"CONTACT#{new.contact_id}",
                            "type": "contact",
                            "contact_id": new.contact_id,
                            "contact": {
                                k: v for k, v in _contact_data(new.contact).items() if v is not None
                            },
                            "inquiry_id": new.inquiry_id,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for kind, value in match_keys(new.contact).items():
            writes.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": f"CKEY#{kind}#{value}"}},
                        "UpdateExpression": "ADD contact_ids :id SET #type = :type",
                        "ExpressionAttributeNames": {"#type": "type"},
                        "ExpressionAttributeValues": {
                            ":id": {"SS": [new.contact_id]},
                            ":type": {"S": "contact_key"},
                        },
                    }
                }
            )
        return writes

    def has_contact(self, partner_id: str, contact_id: str) -> bool:
        item = self._call(
            "get_item",
            Key={
                PARTITION_KEY: {"S": f"PARTNER#{partner_id}"},
                SORT_KEY: {"S": f"CONTACT#{contact_id}"},
            },
            ProjectionExpression="pk",
        ).get("Item")
        return bool(item)


def _months(start: datetime, end: datetime) -> list[str]:
    months = []
    year, month = start.astimezone(UTC).year, start.astimezone(UTC).month
    last = (end - timedelta(microseconds=1)).astimezone(UTC)  # the end is exclusive
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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

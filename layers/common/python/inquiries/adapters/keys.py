"""The table's keys: how every item and index entry is addressed (docs/data-model.md).

Only the DynamoDB adapter and the in-memory fake of the tests use these; the fake
imports them so that both sort and page in the same orders.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from inquiries.adapters.table import PARTITION_KEY, SORT_KEY
from inquiries.domain.model import Channel, Inquiry, ReturnReason, Status

# Statuses in which an inquiry sits in its partner's inbox.
IN_INBOX = frozenset({Status.PENDING, Status.ACCEPTED, Status.CLOSED})

INQUIRY_SK = "INQ"
PARTNER_SK = "PARTNER"
CLAIM_SK = "IDEMPOTENCY"
# gsi1 of a partner: pending inquiries (earliest deadline first), then the rest.
INBOX_PREFIX = "INBOX#"
INBOX_PENDING_PREFIX = "INBOX#0#"
# gsi2 of partners, gsi3 of all inquiries, gsi4 of pending offers.
ALL_PARTNERS = "PARTNERS"
ALL_INQUIRIES = "INQUIRIES"
DUE = "DUE"

# Sharding (docs/data-model.md, "Hot partitions"): every key that all inquiries share is
# split into SHARDS partitions by a hash of the inquiry id, and a partner's index keys
# into PARTNER_SHARDS. At 1,000 inquiries a second each shared key takes about 2,400
# writes a second (bench/hot_keys.py): 8 shards hold each near 300, under the 500 we
# allow a partition (DynamoDB's limit is 1,000). The busiest partner of a Zipf-skewed
# network gets about 17 % of the inquiries and near 6 index writes for each, about
# 1,000 a second: 4 shards hold each near 250. Reads query every shard in parallel and
# merge them in key order (adapters/shards.py).
SHARDS = 8
PARTNER_SHARDS = 4
# A partner's address book (contacts and their match keys) is spread over BOOK_SHARDS
# partitions: each accept of the busiest partner writes a contact and up to 3 match keys,
# about 550 writes a second in one partition unsharded; 4 shards hold each near 170.
BOOK_SHARDS = 4


def stamp(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that keys sort in time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def unstamp(value: str | None) -> datetime | None:
    """The moment of a stamp (None stays None)."""
    return datetime.fromisoformat(value) if value else None


def newest_first(moment: datetime) -> str:
    """A key part that sorts ascending from the newest to the oldest moment."""
    micros = int(moment.timestamp() * 1_000_000)
    return f"{10**17 - micros:018d}"


def shard_of(inquiry_id: str, shards: int | None = None) -> int:
    """The shard (of SHARDS unless told) of an inquiry's entries: stable across processes."""
    digest = hashlib.blake2b(inquiry_id.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % (shards or SHARDS)


def sharded(name: str, shard: int) -> str:
    """The key of one shard of a shared partition, e.g. `INQUIRIES#3`."""
    return f"{name}#{shard}"


def all_inquiries_pk(inquiry_id: str) -> str:
    """gsi3: the shard of all inquiries that holds this one."""
    return sharded(ALL_INQUIRIES, shard_of(inquiry_id))


def due_pk(inquiry_id: str) -> str:
    """gsi4: the shard of the pending offers (by deadline) that holds this inquiry's."""
    return sharded(DUE, shard_of(inquiry_id))


def inbox_pk(partner_id: str, inquiry_id: str) -> str:
    """gsi1: the shard of a partner's inbox and offers that holds this inquiry's entries."""
    return sharded(partner_pk(partner_id), shard_of(inquiry_id, PARTNER_SHARDS))


def inquiry_pk(inquiry_id: str) -> str:
    """The partition of an inquiry: its item, offers and events."""
    return f"INQ#{inquiry_id}"


def inquiry_key(inquiry_id: str) -> dict[str, Any]:
    """The inquiry item's key in DynamoDB's typed form."""
    return {PARTITION_KEY: {"S": inquiry_pk(inquiry_id)}, SORT_KEY: {"S": INQUIRY_SK}}


def offer_sort_key(seq: int) -> str:
    """The sort key of an inquiry's offer number `seq`."""
    return f"OFFER#{seq:04d}"


def event_sort_key(version: int, index: int) -> str:
    """The sort key of the `index`th event written with the inquiry's `version` (one item
    per event: how events were stored before `change_events_sort_key`)."""
    return f"EVENT#{version:06d}#{index:02d}"


def change_events_sort_key(version: int) -> str:
    """The sort key of the one item holding every event of the change to `version`."""
    return f"EVENT#{version:06d}"


def partner_pk(partner_id: str) -> str:
    """The partition of a partner: its item, contacts, and its gsi1 entries."""
    return f"PARTNER#{partner_id}"


def partner_key(partner_id: str) -> dict[str, Any]:
    """The partner item's key in DynamoDB's typed form."""
    return {PARTITION_KEY: {"S": partner_pk(partner_id)}, SORT_KEY: {"S": PARTNER_SK}}


def territory_pk(country: str) -> str:
    """The partition listing the partners with a territory in the country."""
    return f"TERRITORY#{country}"


def claim_key(key: str) -> dict[str, Any]:
    """The key of an Idempotency-Key's claim (hashed: the key is the client's text)."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return {PARTITION_KEY: {"S": f"IDEMPOTENCY#{digest}"}, SORT_KEY: {"S": CLAIM_SK}}


def book_pk(partner_id: str, shard: int) -> str:
    """One shard of a partner's address book: contacts and match keys (`BOOK#<p>#<n>`)."""
    return f"BOOK#{partner_id}#{shard}"


def book_pks(partner_id: str) -> tuple[str, ...]:
    """Every shard of a partner's address book."""
    return tuple(book_pk(partner_id, n) for n in range(BOOK_SHARDS))


def contact_pk(partner_id: str, contact_id: str) -> str:
    """The address book's shard of a contact item: by a hash of the contact id."""
    return book_pk(partner_id, shard_of(contact_id, BOOK_SHARDS))


def contact_item_key(partner_id: str, contact_id: str) -> dict[str, Any]:
    """A contact item's key in DynamoDB's typed form."""
    return {
        PARTITION_KEY: {"S": contact_pk(partner_id, contact_id)},
        SORT_KEY: {"S": contact_sort_key(contact_id)},
    }


def match_key_pk(partner_id: str, kind: str, value: str) -> str:
    """The address book's shard of one match key: by a hash of the key, so that the
    duplicate check of a key reads the one partition every contact under it is filed in."""
    return book_pk(partner_id, shard_of(f"{kind}#{value}", BOOK_SHARDS))


def contact_key_item_key(partner_id: str, kind: str, value: str, contact_id: str) -> dict[str, Any]:
    """The typed key of one contact filed under one match key."""
    return {
        PARTITION_KEY: {"S": match_key_pk(partner_id, kind, value)},
        SORT_KEY: {"S": contact_key_sort_key(kind, value, contact_id)},
    }


def contact_sort_key(contact_id: str) -> str:
    """The sort key of a contact in its partner's address book."""
    return f"CONTACT#{contact_id}"


def contact_match_sort_key(kind: str, value: str) -> str:
    """The start of the sort keys of a match key (email, phone, ...): one item per contact
    filed under it follows (`contact_key_sort_key`); a Query with begins_with finds them."""
    return f"CKEY#{kind}#{value}#"


def contact_key_sort_key(kind: str, value: str, contact_id: str) -> str:
    """The sort key of one contact filed under one match key."""
    return f"{contact_match_sort_key(kind, value)}{contact_id}"


def contact_key_parts(sort_key: str) -> tuple[str, str, str]:
    """(kind, value, contact_id) of a contact key's sort key (ids never hold a `#`)."""
    _, kind, rest = sort_key.split("#", 2)
    value, contact_id = rest.rsplit("#", 1)
    return kind, value, contact_id


def status_name(status: Status) -> str:
    """gsi2: the inquiries in one status, before sharding."""
    return f"STATUS#{status.value}"


def status_pk(status: Status, inquiry_id: str) -> str:
    """gsi2: the shard of the inquiries in one status that holds this one."""
    return sharded(status_name(status), shard_of(inquiry_id))


def created_sort_key(inquiry: Inquiry) -> str:
    """gsi2/gsi3: an inquiry by its creation time."""
    return f"{stamp(inquiry.created_at)}#{inquiry.id}"


def inbox_sort_key(inquiry: Inquiry) -> str:
    """gsi1: pending by deadline first, then the rest newest first."""
    if inquiry.status is Status.PENDING and inquiry.deadline:
        return f"{INBOX_PENDING_PREFIX}{stamp(inquiry.deadline)}#{inquiry.id}"
    return f"{INBOX_PREFIX}1#{newest_first(inquiry.created_at)}#{inquiry.id}"


def offer_partner_sort_key(offered: str, inquiry_id: str, seq: int) -> str:
    """gsi1: a partner's offers by the time they were made."""
    return f"OFFER#{offered}#{inquiry_id}#{seq}"


def offers_month_name(month: str) -> str:
    """gsi3: the offers made in one month (`YYYY-MM`), before sharding."""
    return f"OFFERS#{month}"


# HQ's list filters (docs/api.md "Lists"), one index each, sorted by creation like gsi3.
# gsi7: the inquiries a partner holds now; gsi8: by channel; gsi9: returned, by reason.
BY_PARTNER = "HQPARTNER#"
BY_CHANNEL = "CHANNEL#"
BY_RETURN_REASON = "RETURNED#"


def by_partner_name(partner_id: str) -> str:
    """gsi7: the inquiries a partner holds now, before sharding."""
    return f"{BY_PARTNER}{partner_id}"


def by_channel_name(channel: Channel) -> str:
    """gsi8: the inquiries of one channel, before sharding."""
    return f"{BY_CHANNEL}{channel.value}"


def by_return_reason_name(reason: ReturnReason) -> str:
    """gsi9: the returned inquiries of one reason, before sharding."""
    return f"{BY_RETURN_REASON}{reason.value}"


def filter_keys(inquiry: Inquiry) -> dict[str, str]:
    """The inquiry's entries in the filter indexes gsi7-gsi9 (sparse where not set)."""
    keys = {"gsi8pk": sharded(by_channel_name(inquiry.channel), shard_of(inquiry.id))}
    if inquiry.partner_id:
        shard = shard_of(inquiry.id, PARTNER_SHARDS)
        keys["gsi7pk"] = sharded(by_partner_name(inquiry.partner_id), shard)
    if inquiry.return_reason:
        keys["gsi9pk"] = sharded(by_return_reason_name(inquiry.return_reason), shard_of(inquiry.id))
    return keys


def contacts_pk(partner_id: str) -> str:
    """gsi1: a partner's address book, by last name (contact items only)."""
    return f"CONTACTS#{partner_id}"


# --- report rollups (issue 12, part "rollups") ---------------------------------------------
# A partner's rollups of one day are spread over ROLLUP_SHARDS items, chosen by the
# inquiry, so that a busy partner's decisions do not all update one item.
ROLLUP_SHARDS = 4
ROLLUP_PREFIX = "ROLLUP#"
ROLLUP_DAY_PREFIX = "DAY#"


def rollup_shard(inquiry_id: str) -> int:
    """The rollup shard of an inquiry's offers: stable, spread evenly by a hash of the id."""
    return int.from_bytes(hashlib.sha256(inquiry_id.encode()).digest()[:4], "big") % ROLLUP_SHARDS


def rollup_pk(partner_id: str, shard: int) -> str:
    """The partition of one shard of a partner's rollups (one item per day)."""
    return f"{ROLLUP_PREFIX}{partner_id}#{shard}"


def rollup_sk(day: str, part: int | None = None) -> str:
    """The sort key of a rollup item: its UTC day `YYYY-MM-DD`, so a period is a key range,
    and for the items holding a range of duration buckets, the number of that range."""
    return f"{ROLLUP_DAY_PREFIX}{day}" if part is None else f"{ROLLUP_DAY_PREFIX}{day}#{part}"


def rollup_fold_sk(day: str) -> str:
    """The sort key of a rollup's folded item of the day (adapters/rollup_folds.py): within
    the day's key range, apart from its parts' numbers."""
    return f"{ROLLUP_DAY_PREFIX}{day}#all"


def rollup_day_end(day: str) -> str:
    """A sort key after every rollup item of the day (the upper end of a period's range)."""
    return f"{ROLLUP_DAY_PREFIX}{day}#~"

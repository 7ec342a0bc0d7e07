"""The keys of the data subject's indexes (docs/data-model.md, "Data subjects").

gsi5 files inquiries and idempotency claims under the keyed hash of the contact's
e-mail, gsi6 inquiries under that of the last name; gsi4 (shared with the sweeper's
pending offers, under a partition of its own) lists the inquiries at rest by the
time they came to rest, for retention.
"""

from __future__ import annotations

from datetime import datetime

from inquiries.adapters.keys import shard_of, sharded, stamp

INQUIRY_PREFIX = "INQ#"
CLAIM_PREFIX = "CLAIM#"
# gsi4: inquiries at rest, oldest first, in SHARDS partitions by a hash of the inquiry id
# like `DUE` (`ATREST#<n>`): about 0.5 writes an inquiry, 570 a second unsharded at 1,000
# inquiries a second. The retention sweep reads every shard (adapters/subjects.py).
AT_REST = "ATREST"


def at_rest_pk(inquiry_id: str) -> str:
    """gsi4: the shard of the inquiries at rest that holds this one."""
    return sharded(AT_REST, shard_of(inquiry_id))


def email_pk(key: str) -> str:
    """gsi5: everything filed under one e-mail address's keyed hash."""
    return f"EMAIL#{key}"


def last_name_pk(key: str) -> str:
    """gsi6: the inquiries filed under one last name's keyed hash."""
    return f"NAME#{key}"


def inquiry_lookup_sort_key(created_at: datetime, inquiry_id: str) -> str:
    """gsi5/gsi6: an inquiry by its creation time (listed newest first)."""
    return f"{INQUIRY_PREFIX}{stamp(created_at)}#{inquiry_id}"


def claim_lookup_sort_key(claimed_at: datetime, inquiry_id: str) -> str:
    """gsi5: an idempotency claim, after the inquiries in the partition's order."""
    return f"{CLAIM_PREFIX}{stamp(claimed_at)}#{inquiry_id}"


def at_rest_sort_key(left_at: datetime, inquiry_id: str) -> str:
    """gsi4 `ATREST#<n>`: an inquiry by the moment it came to rest."""
    return f"{stamp(left_at)}#{inquiry_id}"


def erasure_pk(email_key: str) -> str:
    """The erasure records of one e-mail address (by keyed hash; no personal data)."""
    return f"ERASURE#{email_key}"

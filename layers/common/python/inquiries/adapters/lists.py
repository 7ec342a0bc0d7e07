"""Which index answers which list (docs/data-model.md, "Lists"): one index per filter.

HQ's list takes its key condition from the most selective filter it is given (a
partner, then a return reason, then a status, then a channel, else all inquiries)
and checks the other filters on the index entries; the creation days narrow the
sort key. Every list is sharded and read by `adapters/shards.py`. The indexes hold keys
and what the filters check (adapters/table.py): a page's rows are read from the table.
"""

from __future__ import annotations

from typing import Any

from inquiries.adapters.keys import (
    ALL_INQUIRIES,
    INBOX_PENDING_PREFIX,
    INBOX_PREFIX,
    PARTNER_SHARDS,
    SHARDS,
    by_channel_name,
    by_partner_name,
    by_return_reason_name,
    partner_pk,
    sharded,
    status_name,
)
from inquiries.adapters.shards import Listing
from inquiries.adapters.table import index_keys
from inquiries.domain.model import Status
from inquiries.service.ports import ListFilter


def shards_of(name: str, count: int | None = None) -> tuple[str, ...]:
    """Every shard (of SHARDS unless told) of a shared partition, e.g. `INQUIRIES#0`..`#7`."""
    return tuple(sharded(name, n) for n in range(count or SHARDS))


def inbox_listing(partner_id: str, status: Status | None) -> Listing:
    """gsi1: the partner's pending inquiries by deadline, then the rest newest first."""
    prefix = INBOX_PENDING_PREFIX if status is Status.PENDING else INBOX_PREFIX
    narrowed = status is not None and status is not Status.PENDING
    values: dict[str, Any] = {":prefix": {"S": prefix}}
    if status is not None and narrowed:
        values[":status"] = {"S": status.value}
    return Listing(
        index="gsi1",
        partitions=shards_of(partner_pk(partner_id), PARTNER_SHARDS),
        descending=False,
        condition="begins_with(gsi1sk, :prefix)",
        values=values,
        filter="#status = :status" if narrowed else None,
        names={"#status": "status"} if narrowed else {},
        fetch=True,
    )


def hq_listing(filters: ListFilter) -> Listing:
    """HQ's list, newest first: the index of the narrowest filter, the rest checked on it."""
    checks: dict[str, str] = {
        "status": filters.status.value if filters.status else "",
        "partner_id": filters.partner_id or "",
        "channel": filters.channel.value if filters.channel else "",
        "return_reason": filters.return_reason.value if filters.return_reason else "",
    }
    index, partitions, keyed = _narrowest(filters)
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    conditions = []
    for n, (attribute, wanted) in enumerate(sorted(checks.items())):
        if wanted and attribute != keyed:
            names[f"#f{n}"] = attribute
            values[f":f{n}"] = {"S": wanted}
            conditions.append(f"#f{n} = :f{n}")
    condition = None
    if filters.created_from or filters.created_to:
        # Sort keys start with the creation stamp `YYYY-MM-DDTHH:...`: whole days, both
        # ends included ("T~" sorts after every time of the day).
        low = f"{filters.created_from.isoformat()}T" if filters.created_from else "0"
        high = f"{filters.created_to.isoformat()}T~" if filters.created_to else "9"
        condition = f"{index_keys(index)[1]} BETWEEN :low AND :high"
        values[":low"], values[":high"] = {"S": low}, {"S": high}
    return Listing(
        index=index,
        partitions=partitions,
        descending=True,
        condition=condition,
        filter=" AND ".join(conditions) or None,
        values=values,
        names=names,
        fetch=True,
    )


def _narrowest(filters: ListFilter) -> tuple[str, tuple[str, ...], str | None]:
    """(index, its shards, the filter its key stands for)."""
    if filters.partner_id:
        return "gsi7", shards_of(by_partner_name(filters.partner_id), PARTNER_SHARDS), "partner_id"
    if filters.return_reason:
        return "gsi9", shards_of(by_return_reason_name(filters.return_reason)), "return_reason"
    if filters.status:
        return "gsi2", shards_of(status_name(filters.status)), "status"
    if filters.channel:
        return "gsi8", shards_of(by_channel_name(filters.channel)), "channel"
    return "gsi3", shards_of(ALL_INQUIRIES), None

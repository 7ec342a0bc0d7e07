"""Simulation: writes per partition key per second at 1,000 inquiries a second.

    python bench/hot_keys.py [--rate 1000] [--seconds 20] [--partners 400] [--zipf 1.0]

Generates a steady load: `rate` inquiries a second, each offered to a partner drawn
from a Zipf distribution (the k-th busiest partner gets a share proportional to
1/k^s), with the lifecycle mix of `bench/calls.py` (of the first offers 70 % are
accepted, 20 % rejected, then HQ offers them to another partner who accepts, 10 %
expire). Every change is made by the domain's own lifecycle functions and turned into
the very TransactWriteItems the repository would send (`DynamoRepository` with a
client that only records), so the keys come from `adapters/items.py` and
`adapters/keys.py`, not from a copy.

Each write is then counted on the partition it lands on: the table's `pk`, and for
every index an entry put, changed or removed (a changed key is a delete on the old
partition and a put on the new; an INCLUDE index is written only when its keys or
included attributes change, as DynamoDB does). Later steps of a lifecycle (accept after
hours, expiry after 48) fall on `(submitted + delay) mod seconds`: the window shows
the steady state, every second carrying a full second's mix. Write units are 1 KB of
the entry (twice in a transaction for the table; index upkeep is not doubled).

Prints the hottest keys of the table and of every index, writes and write units a
second (the peak second and the mean), first with every shard count at 1 (the keys
as they were before sharding: one partition each), then as configured. Exits non-zero
if any key of the configured run is over 500 writes or 1,000 write units a second.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    p for p in (str(ROOT / "layers" / "common" / "python"), str(ROOT)) if p not in sys.path
]

from inquiries.adapters import keys  # noqa: E402
from inquiries.adapters.dynamodb import DynamoRepository  # noqa: E402
from inquiries.adapters.table import INDEXES, PARTITION_KEY, SORT_KEY, Index  # noqa: E402
from inquiries.domain import lifecycle  # noqa: E402
from inquiries.domain.lifecycle import Change, NewContact  # noqa: E402
from inquiries.domain.model import (  # noqa: E402
    SYSTEM,
    Calendar,
    Channel,
    Contact,
    Inquiry,
    Offer,
    Partner,
    Principal,
    RejectReason,
    Role,
    Status,
    Territory,
)
from inquiries.service.ports import IdempotencyClaim  # noqa: E402

from bench._counting import item_size  # noqa: E402
from tests.conftest import START  # noqa: E402

TABLE = "inquiries"
DEADLINE = timedelta(hours=48)
# DynamoDB takes 1,000 write units a second on one partition; we allow half of it in
# writes (issue 12), which leaves room for entries over 1 KB and for bursts.
LIMIT_WRITES = 500
LIMIT_UNITS = 1000


# The lifecycle mix of bench/calls.py (per inquiry): first offers 70 % accepted,
# 20 % rejected (HQ offers each to a second partner, who accepts), 10 % expire.
ACCEPT_FIRST, REJECT_FIRST, EXPIRE_FIRST = 0.7, 0.2, 0.1


@dataclass
class Tally:
    """Writes and write units per (where, partition key, second)."""

    seconds: int
    writes: dict[tuple[str, str], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    units: dict[tuple[str, str], Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, where: str, pk: str, second: int, units: int) -> None:
        self.writes[(where, pk)][second % self.seconds] += 1
        self.units[(where, pk)][second % self.seconds] += units


class _Recording:
    """A DynamoDB client that keeps the transactions it is given (and answers nothing)."""

    def __init__(self) -> None:
        self.sent: list[list[dict[str, Any]]] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]], **_: Any) -> None:  # noqa: N803 (boto3's name)
        self.sent.append(TransactItems)

    def get_item(self, **_: Any) -> dict[str, Any]:
        """No item: a decision's read of its rollup's largest durations (reads are not
        counted here; the rollup's Update is, whatever the maxima)."""
        return {}


class Store:
    """The items as written so far, to tell which index entries each write changes."""

    def __init__(self, tally: Tally) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.tally = tally
        self.client = _Recording()
        self.repository = DynamoRepository(self.client, TABLE, sleep=lambda _: None)

    def apply(self, change: Change, second: int, claim: IdempotencyClaim | None = None) -> None:
        """Send the change through the repository, then count what each of its writes costs."""
        self.repository.apply(change, claim)
        for entry in self.client.sent.pop():
            ((kind, action),) = entry.items()
            if kind == "ConditionCheck":
                continue
            key = action.get("Key") or {k: action["Item"][k] for k in (PARTITION_KEY, SORT_KEY)}
            at = (key[PARTITION_KEY]["S"], key[SORT_KEY]["S"])
            before = self.items.get(at)
            after = (
                action.get("Item")
                if kind == "Put"
                else (before or key)
                if kind == "Update"
                else None
            )
            size = max(item_size(before), item_size(after))
            self.tally.add("table", at[0], second, 2 * _units(size))
            for index in INDEXES:
                for pk, units in _index_writes(index, before, after):
                    self.tally.add(index.name, pk, second, units)
            if after is None:
                self.items.pop(at, None)
            else:
                self.items[at] = after


def _units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def _entry(index: Index, item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The index's entry of an item (None when the item is not in the index)."""
    if item is None or index.partition_key not in item or index.sort_key not in item:
        return None
    if index.include is None:
        return item
    names = {PARTITION_KEY, SORT_KEY, index.partition_key, index.sort_key, *index.include}
    return {k: v for k, v in item.items() if k in names}


def _index_writes(
    index: Index, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterator[tuple[str, int]]:
    """(partition key, units) of every write the index takes for the item changing."""
    old, new = _entry(index, before), _entry(index, after)
    pk = index.partition_key
    same_key = (
        old is not None
        and new is not None
        and old[pk] == new[pk]
        and old[index.sort_key] == new[index.sort_key]
    )
    if same_key:
        assert old is not None and new is not None
        if old != new:
            yield new[pk]["S"], _units(max(item_size(old), item_size(new)))
        return
    if old is not None:
        yield old[pk]["S"], _units(item_size(old))
    if new is not None:
        yield new[pk]["S"], _units(item_size(new))


# --- the load ------------------------------------------------------------------------------


def zipf_weights(partners: int, exponent: float) -> list[float]:
    """The share of each partner, the busiest first: proportional to 1/k^s."""
    raw = [1 / (k**exponent) for k in range(1, partners + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def _partner(n: int) -> Partner:
    calendar = Calendar("IT", "Europe/Rome", "BZ")
    return Partner(
        id=f"partner-{n:04d}",
        name=f"Partner {n}",
        calendar=calendar,
        territories=(Territory("IT", ("39",)),),
    )


def _contact(n: int) -> Contact:
    return Contact(
        first_name="Anna",
        last_name=f"Rossi{n}",
        email=f"anna.rossi{n}@example.com",
        phone=f"+39 0471 {n % 1_000_000:06d}",
        street="Via Roma 1",
        postal_code="39100",
        city="Bolzano",
        country="IT",
    )


def simulate(rate: int, seconds: int, partners: int, exponent: float, seed: int) -> Tally:
    """Every lifecycle of `rate * seconds` inquiries, counted per key and second."""
    rng = random.Random(seed)
    tally = Tally(seconds)
    store = Store(tally)
    everyone = [_partner(n) for n in range(partners)]
    weights = zipf_weights(partners, exponent)
    message = "We are renovating our house and need twelve windows, triple glazing."
    for n in range(rate * seconds):
        at = n / rate  # seconds since the start
        now = START + timedelta(seconds=at)
        first, second = rng.choices(everyone, weights, k=2)
        dealer = rng.random() < 0.1
        inquiry = Inquiry(
            id=f"{rng.getrandbits(72):018x}",
            status=Status.UNASSIGNED,
            channel=Channel.DEALER_PAGE if dealer else Channel.WEBSITE,
            product="windows",
            contact=_contact(n),
            created_at=now,
            message=message,
            redacted_message=message,
            language="it",
        )
        change = lifecycle.offer_to(
            lifecycle.receive(inquiry, now).after,
            first,
            current=None,
            deadline=now + DEADLINE,
            actor=SYSTEM,
            now=now,
            base=lifecycle.receive(inquiry, now),
        )
        claim = IdempotencyClaim(f"key-{n}", "f" * 64, inquiry.id, now, now + timedelta(hours=72))
        store.apply(change, int(at), claim)
        fate = rng.random()
        delay = rng.uniform(600, 8 * 3600)
        if fate < ACCEPT_FIRST:
            _accept(store, change, first, now + timedelta(seconds=delay), at + delay)
        elif fate < ACCEPT_FIRST + REJECT_FIRST:
            when = now + timedelta(seconds=delay)
            rejected = lifecycle.reject(
                change.after,
                offer=_offer(change),
                principal=Principal("user", Role.PARTNER, first.id),
                reason=RejectReason.NO_CAPACITY,
                note=None,
                now=when,
            )
            store.apply(rejected, int(at + delay))
            later = delay + 3600  # HQ looks at its queue within the hour
            then = now + timedelta(seconds=later)
            offered = lifecycle.offer_to(
                rejected.after,
                second,
                current=None,
                deadline=then + DEADLINE,
                actor="hq-user",
                now=then,
            )
            store.apply(offered, int(at + later))
            accept_at = later + rng.uniform(600, 8 * 3600)
            _accept(store, offered, second, now + timedelta(seconds=accept_at), at + accept_at)
        else:
            expired = lifecycle.expire(change.after, offer=_offer(change), now=now + DEADLINE)
            assert expired is not None
            store.apply(expired, int(at + DEADLINE.total_seconds()))
    return tally


def _offer(change: Change) -> Offer:
    return change.offers[-1].offer


def _accept(store: Store, change: Change, partner: Partner, now: Any, at: float) -> None:
    inquiry = change.after
    contact = NewContact(partner.id, f"c-{inquiry.id}", inquiry.contact, inquiry.id)
    accepted = lifecycle.accept(
        inquiry,
        offer=_offer(change),
        principal=Principal("user", Role.PARTNER, partner.id),
        now=now,
        new_contact=contact,
    )
    store.apply(accepted, int(at))


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hot:
    where: str
    pk: str
    peak_writes: int
    mean_writes: float
    peak_units: int


def hottest(tally: Tally) -> list[Hot]:
    """Every partition key, the hottest first (by the peak second's writes)."""
    found = [
        Hot(
            where,
            pk,
            max(per_second.values()),
            sum(per_second.values()) / tally.seconds,
            max(tally.units[(where, pk)].values()),
        )
        for (where, pk), per_second in tally.writes.items()
    ]
    return sorted(found, key=lambda h: (-h.peak_writes, h.where, h.pk))


def report(title: str, tally: Tally, top: int) -> list[Hot]:
    hot = hottest(tally)
    print(f"\n{title}")
    print(
        f"  {'where':<6} {'partition key':<34} {'peak w/s':>9} {'mean w/s':>9} {'peak WCU/s':>11}"
    )
    # Then the hottest key of each family of every index (`BOOK`, `ATREST`, `DUE`, ...).
    wheres = ["table", *(i.name for i in INDEXES)]
    first: dict[tuple[str, str], Hot] = {}
    for h in hot:
        first.setdefault((h.where, _family(h.pk)), h)
    shown = hot[:top] + sorted(first.values(), key=lambda h: (wheres.index(h.where), h.pk))
    seen = set()
    for h in shown:
        if (h.where, h.pk) in seen:
            continue
        seen.add((h.where, h.pk))
        flag = "  OVER" if _over(h) else ""
        print(
            f"  {h.where:<6} {_short(h.pk):<34} {h.peak_writes:>9} {h.mean_writes:>9.0f}"
            f" {h.peak_units:>11}{flag}"
        )
    worst = hot[0]
    over = [h for h in hot if _over(h)]
    print(
        f"  hottest: {worst.where} {_short(worst.pk)} at {worst.peak_writes} writes/s "
        f"(limit {LIMIT_WRITES}); {len(over)} keys over"
    )
    return hot


def _family(pk: str) -> str:
    """The name a key is made of, without its ids: `BOOK` of `BOOK#<p>#<n>`, `INQ`, ..."""
    return pk.split("#", 1)[0]


def _over(hot: Hot) -> bool:
    return hot.peak_writes > LIMIT_WRITES or hot.peak_units > LIMIT_UNITS


def _short(pk: str) -> str:
    return pk if len(pk) <= 34 else pk[:31] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=1000, help="inquiries a second")
    parser.add_argument("--seconds", type=int, default=20, help="the window simulated")
    parser.add_argument("--partners", type=int, default=400)
    parser.add_argument("--zipf", type=float, default=1.0, help="the Zipf exponent s")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--top", type=int, default=8, help="how many of the hottest keys")
    args = parser.parse_args()
    weights = zipf_weights(args.partners, args.zipf)
    print(
        f"{args.rate} inquiries/s for {args.seconds} s, {args.partners} partners, Zipf s="
        f"{args.zipf}: the busiest partner gets {weights[0]:.1%} ({weights[0] * args.rate:.0f}/s),"
        f" the tenth {weights[9]:.1%}"
    )
    sharded = keys.SHARDS, keys.PARTNER_SHARDS, keys.BOOK_SHARDS
    keys.SHARDS = keys.PARTNER_SHARDS = keys.BOOK_SHARDS = 1
    try:
        before = report(
            "Before: one partition per shared key (SHARDS = PARTNER_SHARDS = BOOK_SHARDS = 1)",
            simulate(args.rate, args.seconds, args.partners, args.zipf, args.seed),
            args.top,
        )
    finally:
        keys.SHARDS, keys.PARTNER_SHARDS, keys.BOOK_SHARDS = sharded
    after = report(
        f"After: SHARDS = {keys.SHARDS}, PARTNER_SHARDS = {keys.PARTNER_SHARDS}, "
        f"BOOK_SHARDS = {keys.BOOK_SHARDS}",
        simulate(args.rate, args.seconds, args.partners, args.zipf, args.seed),
        args.top,
    )
    print(
        f"\nhottest key: {before[0].peak_writes} -> {after[0].peak_writes} writes/s "
        f"({before[0].peak_units} -> {after[0].peak_units} WCU/s); "
        f"hottest after: {after[0].where} {_short(after[0].pk)}"
    )
    over = [h for h in after if _over(h)]
    for h in over:
        print(
            f"over the limit: {h.where} {_short(h.pk)} at {h.peak_writes} writes/s "
            f"({h.peak_units} WCU/s; at most {LIMIT_WRITES} writes, {LIMIT_UNITS} WCU)"
        )
    if over:
        raise SystemExit(f"{len(over)} keys over the limit")


if __name__ == "__main__":
    main()

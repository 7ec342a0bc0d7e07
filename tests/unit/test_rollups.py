"""Rollups and duration sketches: the report from rollups equals the report from offers.

A generated history (random partners, offers, decisions, progress, re-assignments and
expiries at random times) is applied change by change to the in-memory repository,
which keeps rollups exactly as the DynamoDB adapter does (`rollup_deltas`). The report
the use case answers from those rollups must equal the report computed from every
offer, for any period, partner, interval and moment; the sketches must stay within
their stated bound of the exact percentiles.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inquiries.adapters.keys import ROLLUP_SHARDS, rollup_shard
from inquiries.adapters.rollups import (
    PART_BUCKETS,
    VERSION,
    items_of,
    largest_of,
    packed,
    part_of,
    rollup_key,
    tally_of,
    unpacked,
)
from inquiries.domain import lifecycle
from inquiries.domain.errors import ChangeRejected
from inquiries.domain.model import (
    Calendar,
    Channel,
    Inquiry,
    Outcome,
    ProgressStep,
    RejectReason,
    Status,
)
from inquiries.domain.report.figures import percentile, rounded_hours
from inquiries.domain.report.periods import Interval
from inquiries.domain.report.sketch import ACCURACY, ZERO, Sketch, bucket_of, value_of
from inquiries.domain.report.tally import Tally
from inquiries.service import reports
from inquiries.service.rollups import rebuild, rollups_from

from bench._counting import WRITE_UNIT_BYTES, item_size
from tests.conftest import START
from tests.unit.fakes import HQ, Fakes, a_contact, a_partner, fake_dependencies, partner_user

MUNICH = Calendar(country="DE", subdivision="BY", timezone="Europe/Berlin")
PARTNERS = ("P1", "P2", "P3")
NEGLIGIBLE = 0.00001

# --- the sketch ----------------------------------------------------------------------------

durations = st.lists(
    st.one_of(
        st.floats(min_value=0, max_value=2000, allow_nan=False),
        st.integers(min_value=0, max_value=400).map(lambda n: n / 4),  # round values
        st.just(0.0),
    ),
    min_size=1,
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(durations)
def test_sketch_percentiles_are_within_the_stated_bound_and_the_max_is_exact(
    values: list[float],
) -> None:
    sketch = Sketch()
    for value in values:
        sketch.add(value)

    shown = sketch.spread()
    for percent, name in ((50, "median"), (90, "p90"), (100, "max")):
        exact = percentile(values, percent)
        kept = sketch.percentile(percent)
        # Durations under 0.00001 h (0.036 s) are kept as zero.
        assert abs(kept - exact) <= ACCURACY * exact + NEGLIGIBLE, (percent, exact, kept)
        # As shown (hundredths): within 1 % of the exact value and one hundredth.
        value = shown[name]
        assert value is not None
        assert abs(value - rounded_hours(exact)) <= ACCURACY * exact + 0.01 + 1e-9, (name, exact)
    # The maximum is kept exactly.
    assert shown["max"] == rounded_hours(max(values))


@given(durations, durations)
def test_sketches_of_two_groups_merge_into_the_sketch_of_their_union(
    left: list[float], right: list[float]
) -> None:
    a, b, union = Sketch(), Sketch(), Sketch()
    for value in left:
        a.add(value)
        union.add(value)
    for value in right:
        b.add(value)
        union.add(value)
    a.merge(b)

    assert a.buckets == union.buckets
    assert a.spread() == union.spread()


@pytest.mark.parametrize(
    "hours", [3.0, 66.43, 3.456, 1 / 3, 2 / 3, 0.025, 113.0, 0.00001, 9.96, 48.0, 1234.5]
)
def test_a_duration_is_kept_within_the_stated_bound(hours: float) -> None:
    kept = value_of(bucket_of(hours))
    assert abs(kept - hours) <= ACCURACY * hours + 1e-12, (hours, kept)


@pytest.mark.parametrize(
    ("hours", "kept"),
    [
        (3.0, 3.0),
        (2.5, 2.5),
        (0.75, 0.75),
        (66.43, 66.0),
        (3.456, 3.46),
        (1 / 3, 0.334),
        (2 / 3, 0.67),
        (1.99, 2.0),
        (4.99, 5.0),
        (5.05, 5.1),
        (9.96, 10.0),
        (113.0, 114.0),
    ],
)
def test_durations_are_rounded_half_up_to_a_step_of_their_size(hours: float, kept: float) -> None:
    assert value_of(bucket_of(hours)) == kept


@pytest.mark.parametrize("hours", [0.0, 0.000001, -1.0, float("nan")])
def test_no_or_negligible_durations_are_kept_as_zero(hours: float) -> None:
    assert bucket_of(hours) == ZERO
    assert value_of(bucket_of(hours)) == 0.0


def test_250_buckets_cover_a_decade_numbered_upwards() -> None:
    assert bucket_of(1.0) == 0
    assert bucket_of(10.0) - bucket_of(1.0) == 250
    assert bucket_of(0.1) - bucket_of(0.01) == 250
    values = [value_of(b) for b in range(-400, 400)]
    assert values == sorted(values)
    assert all(bucket_of(value_of(b)) == b for b in range(-400, 400))


def test_round_durations_come_out_exact() -> None:
    sketch = Sketch()
    for value in (3.0, 66.0, 1 / 3, 93.0, 0.025):
        sketch.add(value)
    assert sketch.spread() == {"median": 3.0, "p90": 93.0, "max": 93.0}


# --- a generated history ---------------------------------------------------------------------


def a_new_inquiry(inquiry_id: str, now: datetime) -> Inquiry:
    return Inquiry(
        id=inquiry_id,
        status=Status.UNASSIGNED,
        channel=Channel.WEBSITE,
        product="windows",
        contact=a_contact(),
        created_at=now,
    )


def generated_history(seed: int, inquiries: int = 120) -> Fakes:
    """Inquiries over three weeks: offered, accepted, rejected, expired, re-offered by HQ,
    progressed step by step, each change applied as the service would (conditions and all)."""
    rng = random.Random(seed)
    partners = {
        p: a_partner(p, calendar=MUNICH if p == "P2" else a_partner(p).calendar) for p in PARTNERS
    }
    world = fake_dependencies(START, partners=partners.values())
    repository, now = world.repository, START
    ids = [f"inq-{seed}-{n}" for n in range(inquiries)]
    for inquiry_id in ids:
        repository.apply(lifecycle.receive(a_new_inquiry(inquiry_id, now), now))
    for _ in range(inquiries * 6):
        now += timedelta(minutes=rng.choice([1, 7, 36, 90, 240]))
        record = repository.load(rng.choice(ids))
        assert record is not None
        inquiry, offers = record.inquiry, record.offers
        current = lifecycle.current_offer(inquiry, offers)
        change = None
        if inquiry.status in (Status.UNASSIGNED, Status.RETURNED) or (
            inquiry.status is Status.PENDING and rng.random() < 0.1
        ):
            # Never the partner it is pending with: HQ's assign refuses that (409).
            others = [p for p in PARTNERS if p != inquiry.partner_id]
            partner = partners[rng.choice(others if inquiry.status is Status.PENDING else PARTNERS)]
            deadline = now + timedelta(hours=rng.choice([4, 24, 48]))
            change = lifecycle.offer_to(
                inquiry, partner, current=current, deadline=deadline, actor=HQ.user_id, now=now
            )
        elif inquiry.status is Status.PENDING and current is not None:
            who = partner_user(current.partner_id)
            if now >= current.deadline:
                change = lifecycle.expire(inquiry, offer=current, now=now)
            elif rng.random() < 0.6:
                change = lifecycle.accept(inquiry, offer=current, principal=who, now=now)
            else:
                reason = rng.choice(list(RejectReason))
                change = lifecycle.reject(
                    inquiry, offer=current, principal=who, reason=reason, note=None, now=now
                )
        elif inquiry.status is Status.ACCEPTED and current is not None:
            step = rng.choice(list(ProgressStep))
            change = lifecycle.record_progress(
                inquiry,
                offer=current,
                principal=partner_user(current.partner_id),
                step=step,
                note=None,
                now=now,
            )
        if change is not None:
            repository.apply(change)
    world.clock.set(now)
    return world


@pytest.fixture(scope="module", params=[1, 2, 3])
def history(request: pytest.FixtureRequest) -> Fakes:
    return generated_history(request.param)


def all_offers(world: Fakes) -> list:  # type: ignore[type-arg]
    return [o for i in world.repository.all_inquiries() for o in world.repository.load(i.id).offers]  # type: ignore[union-attr]


PERIODS = [
    (date(2026, 12, 1), date(2026, 12, 31)),
    (date(2026, 12, 2), date(2026, 12, 4)),
    (date(2026, 12, 5), date(2026, 12, 5)),
    (date(2026, 11, 20), date(2027, 1, 10)),
]


@pytest.mark.parametrize(("first", "last"), PERIODS)
@pytest.mark.parametrize("interval", [None, Interval.DAY, Interval.WEEK, Interval.MONTH])
@pytest.mark.parametrize("hours_later", [0, 30, 24 * 30])
def test_the_report_from_rollups_equals_the_report_from_every_offer(
    history: Fakes, first: date, last: date, interval: Interval | None, hours_later: int
) -> None:
    """Also later (hours_later): pending offers past their deadline count as expired."""
    history.clock.set(history.clock.now() + timedelta(hours=hours_later))
    try:
        start, end = reports.period(first, last)
        expected = reports.report_of(
            [o for o in all_offers(history) if start <= o.offered_at < end],
            first=first,
            last=last,
            now=history.clock.now(),
            interval=interval,
        )
        answered = reports.response_times(
            history.deps, HQ, first=first, last=last, interval=interval
        )
        assert answered == expected
        for partner_id in PARTNERS:
            own = reports.response_times(
                history.deps, partner_user(partner_id), first=first, last=last, interval=interval
            )
            assert own["partners"] == [
                row for row in expected["partners"] if row["partner_id"] == partner_id
            ]
    finally:
        history.clock.set(history.clock.now() - timedelta(hours=hours_later))


def test_the_history_has_every_kind_of_offer(history: Fakes) -> None:
    """The differential test above is only as good as the history it runs on."""
    outcomes = {o.outcome for o in all_offers(history)}
    assert outcomes >= {Outcome.ACCEPTED, Outcome.REJECTED, Outcome.EXPIRED, Outcome.WITHDRAWN}
    assert any(o.steps for o in all_offers(history))
    assert any(o.outcome is Outcome.PENDING for o in all_offers(history))
    shards = {rollup_shard(o.inquiry_id) for o in all_offers(history)}
    assert shards == set(range(ROLLUP_SHARDS))


def test_the_report_reads_rollups_per_partner_not_offers(history: Fakes) -> None:
    history.repository.rollup_reads.clear()
    reports.response_times(history.deps, HQ, first=date(2026, 12, 1), last=date(2026, 12, 31))
    reports.response_times(
        history.deps, partner_user("P2"), first=date(2026, 12, 1), last=date(2026, 12, 31)
    )
    assert history.repository.rollup_reads == [list(PARTNERS), ["P2"]]


def test_rebuild_from_offers_gives_the_rollups_kept_live_and_is_idempotent(
    history: Fakes,
) -> None:
    repository = history.repository
    live = {key: r.tally for key, r in repository.stored_rollups.items()}
    assert {r.key: r.tally for r in rollups_from(all_offers(history))} == live

    repository.stored_rollups.clear()
    done = rebuild(repository, page_size=7)
    assert {key: r.tally for key, r in repository.stored_rollups.items()} == live
    assert done.inquiries == len(repository.all_inquiries())
    assert done.offers == len(all_offers(history))
    assert done.rollups == len(live)

    again = rebuild(repository, page_size=50)
    assert again == done
    assert {key: r.tally for key, r in repository.stored_rollups.items()} == live


def test_a_rejected_change_leaves_the_rollups_as_they_were() -> None:
    repository = generated_history(9, inquiries=40).repository
    before = {key: copy.deepcopy(r.tally) for key, r in repository.stored_rollups.items()}
    pending = next((i for i in repository.all_inquiries() if i.status is Status.PENDING), None)
    assert pending is not None
    record = repository.load(pending.id)
    assert record is not None
    offer = lifecycle.current_offer(pending, record.offers)
    assert offer is not None
    stale = lifecycle.accept(
        pending,
        offer=offer,
        principal=partner_user(offer.partner_id),
        now=offer.offered_at,
    )
    other = lifecycle.reject(
        pending,
        offer=offer,
        principal=partner_user(offer.partner_id),
        reason=RejectReason.SPAM,
        note=None,
        now=offer.offered_at,
    )
    repository.apply(other)
    with pytest.raises(ChangeRejected):
        repository.apply(stale)
    after = repository.stored_rollups
    changed = {key for key in after if after[key].tally != before.get(key)}
    assert len(changed) == 1  # only the reject's rollup


def test_a_rebuild_counts_the_progress_of_offers_stored_before_they_kept_steps() -> None:
    world = generated_history(11, inquiries=40)
    repository = world.repository
    progressed = [
        i for i in repository.all_inquiries() if i.progress and i.status is not Status.PENDING
    ]
    assert progressed
    live = {key: copy.deepcopy(r.tally) for key, r in repository.stored_rollups.items()}
    # As an offer written before `steps` and `first_progress_at` existed reads back.
    for inquiry in progressed:
        record = repository.load(inquiry.id)
        assert record is not None
        for offer in record.offers:
            old = dataclasses.replace(offer, steps=frozenset(), first_progress_at=None)
            repository._offers[(offer.inquiry_id, offer.seq)] = old
    repository.stored_rollups.clear()

    rebuild(repository)

    assert {key: r.tally for key, r in repository.stored_rollups.items()} == live


# --- the size of a rollup item ---------------------------------------------------------------


def test_a_rollup_item_stays_under_one_write_unit_however_busy_the_partner() -> None:
    """The fullest item a decision can write: a 64-character partner id, every count at
    five digits, the longest maxima, and every bucket of one part of all three sketches."""
    tally = Tally()
    tally.assigned = 99_999
    for outcome in Outcome:
        tally.counts[outcome] = -99_999
    for reason in RejectReason:
        tally.reasons[reason.value] = 99_999
    for step in ProgressStep:
        tally.steps[step] = 99_999
    first = bucket_of(0.1)  # the first bucket of a part, as any part is alike
    first -= first % PART_BUCKETS
    for sketch in (tally.decision_hours, tally.decision_working_hours, tally.first_progress_hours):
        for bucket in range(first, first + PART_BUCKETS):
            sketch.buckets[bucket] = 99_999
        sketch.largest = 1234.5678901234567
    (part,) = {bucket // PART_BUCKETS for bucket in tally.decision_hours.buckets}

    (figures,) = items_of(tally, part).values()
    longest = part_of(ZERO)  # the part number with the most characters (zero's, `-53`)
    key = rollup_key("p" * 64, date(2026, 12, 31), ROLLUP_SHARDS - 1, longest)
    item = {
        **key,
        **{name: {"N": str(n)} for name, n in figures.items()},
        **{name: {"N": repr(h)} for name, h in largest_of(tally).items()},
        # The version every update adds 1 to (a fold deletes the item only as read).
        VERSION: {"N": "9" * 10},
    }

    assert len(figures) == 3 * PART_BUCKETS + 1 + len(Outcome) + len(RejectReason) + 4
    assert item_size(item) < WRITE_UNIT_BYTES


def test_a_rollup_item_of_either_shape_reads_into_the_same_buckets() -> None:
    """Items written before the parts kept a bucket as its value (`d:3.46`); the report
    reads them into the bucket of that value. Attributes it does not know are ignored."""
    new = {"n": {"N": "2"}, f"d{bucket_of(3.46)}": {"N": "2"}, "x:d": {"N": "3.461"}}
    old = {"n": {"N": "2"}, "d:3.46": {"N": "2"}, "x:d": {"N": "3.461"}, "dx": {"N": "1"}}

    assert tally_of(old) == tally_of(new)
    assert tally_of(old).decision_hours.spread() == {"median": 3.46, "p90": 3.46, "max": 3.46}


@pytest.mark.parametrize(
    ("buckets", "text"),
    [
        ({}, ""),
        ({-1003: 2, -980: 1, -979: 1}, "-1003:2,23,1"),
        ({ZERO: 3, 0: 1, 250: 12}, f"{ZERO}:3,{-ZERO},250:12"),
        ({5: 0, 7: 1}, "7"),  # a bucket counted 0 (ADD 1, then ADD -1) is left out
    ],
)
def test_a_folded_sketch_packs_its_buckets_into_one_short_string(
    buckets: dict[int, int], text: str
) -> None:
    assert packed(buckets) == text
    assert unpacked(text) == {b: n for b, n in buckets.items() if n}
    item = {"k:d": {"S": text}, "k:w": {"S": text}, "n": {"N": "4"}, "v": {"N": "3"}}
    tally = tally_of(item)
    assert tally.decision_hours.buckets == tally.decision_working_hours.buckets
    assert dict(tally.decision_hours.buckets) == {b: n for b, n in buckets.items() if n}
    assert tally.assigned == 4

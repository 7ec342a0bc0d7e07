"""Rollups on DynamoDB (moto): concurrent decisions on one rollup shard, the rebuild.

The history is the report's (test_reports_api): two partners, a fortnight of offers
decided through the API.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import ROLLUP_SHARDS, rollup_pk, rollup_shard
from inquiries.adapters.rollups import counts_of, largest_of, tally_of
from inquiries.domain.report.sketch import value_of
from inquiries.domain.report.tally import Tally
from inquiries.tools import rebuild_rollups

from tests.integration.test_reports_api import (  # the report's history and its helpers
    BZ,
    PERIOD,
    at,
    history,
    made,
    put_partner,
    submit,
)
from tests.support.api import call, hq, partner

__all__ = ["history", "made"]  # fixtures: the history is made once per module


def report() -> dict[str, Any]:
    answer = call("GET", "/reports/response-times", query=PERIOD, claims=hq())
    assert answer.status == 200, answer.body
    body: dict[str, Any] = answer.body
    return body


def rollup_items(aws: dict[str, Any]) -> list[tuple[str, str, Tally]]:
    """Every rollup of the table and its figures, read back by key (never a Scan)."""
    items = []
    for partner_id in sorted(p.id for p in wiring.dependencies().repository.list_partners()):
        for shard in range(ROLLUP_SHARDS):
            items += aws["dynamodb"].query(
                TableName="inquiries-test",
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": rollup_pk(partner_id, shard)}},
            )["Items"]
    # A live rollup may keep a zero (ADD 1, then ADD -1): the same figures as none.
    return sorted((item["pk"]["S"], item["sk"]["S"], tally_of(item)) for item in items)


def rollups_by_day(aws: dict[str, Any]) -> list[tuple[str, str, Tally]]:
    """The figures of each partner's shard and day: the sum of its items (the live
    updates put a decision's counts with its buckets, the rebuild all counts in the
    base item)."""
    days: dict[tuple[str, str], Tally] = {}
    for pk, sk, tally in rollup_items(aws):
        days.setdefault((pk, sk[:14]), Tally()).merge(tally)
    return sorted((pk, day, tally) for (pk, day), tally in days.items())


def test_the_rebuild_gives_back_the_rollups_and_the_report_and_is_idempotent(
    aws: dict[str, Any], history: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    live, live_report = rollups_by_day(aws), report()
    assert live
    for pk, sk, _ in rollup_items(aws):
        aws["dynamodb"].delete_item(
            TableName="inquiries-test", Key={"pk": {"S": pk}, "sk": {"S": sk}}
        )
    assert report()["total"]["assigned"] == 0  # no rollups, no figures: they are the source

    assert rebuild_rollups.main() == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert rollups_by_day(aws) == live
    assert report() == live_report
    assert done == {"inquiries": 9, "offers": 10, "rollups": len(live)}
    rebuilt = rollup_items(aws)
    assert rebuild_rollups.main() == 0
    assert rollup_items(aws) == rebuilt


def test_the_rebuild_replaces_a_days_items_whole_and_reads_the_earlier_shape(
    aws: dict[str, Any], history: FixedClock
) -> None:
    """A rollup item of the shape before the bucket parts (every bucket as its value in
    hours, `d:3.46`, in one item) is read by the report, and the rebuild replaces the
    day's items whole: no item of the day is left over to count twice."""
    live, live_report = rollups_by_day(aws), report()
    pk, day = next(
        (pk, sk[:14])
        for pk, sk, _ in rollup_items(aws)
        if PERIOD["from"] <= sk[4:14] <= PERIOD["to"]
    )
    for old_pk, old_sk, _ in rollup_items(aws):
        if (old_pk, old_sk[:14]) == (pk, day):
            aws["dynamodb"].delete_item(
                TableName="inquiries-test", Key={"pk": {"S": old_pk}, "sk": {"S": old_sk}}
            )
    (tally,) = [t for p, d, t in live if (p, d) == (pk, day)]
    old_shape: dict[str, Any] = {"pk": {"S": pk}, "sk": {"S": day}}
    for name, n in counts_of(tally).items():
        old_shape[name] = {"N": str(n)}
    for letter, sketch in (("d", tally.decision_hours), ("w", tally.decision_working_hours)):
        for bucket, n in sketch.buckets.items():
            old_shape[f"{letter}:{value_of(bucket)}"] = {"N": str(n)}
    for bucket, n in tally.first_progress_hours.buckets.items():
        old_shape[f"f:{value_of(bucket)}"] = {"N": str(n)}
    for name, hours in largest_of(tally).items():
        old_shape[name] = {"N": repr(hours)}
    aws["dynamodb"].put_item(TableName="inquiries-test", Item=old_shape)
    assert report() == live_report  # the earlier shape reads as the new one
    # A stray item of the day that the rebuild does not write (a part of earlier buckets).
    stray = {"pk": {"S": pk}, "sk": {"S": f"{day}#-99"}, "n": {"N": "5"}}
    aws["dynamodb"].put_item(TableName="inquiries-test", Item=stray)
    assert report()["total"]["assigned"] == live_report["total"]["assigned"] + 5

    assert rebuild_rollups.main() == 0

    assert rollups_by_day(aws) == live
    assert report() == live_report
    items = aws["dynamodb"].query(
        TableName="inquiries-test",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
        ExpressionAttributeValues={":pk": {"S": pk}, ":day": {"S": day}},
    )["Items"]
    assert f"{day}#-99" not in [item["sk"]["S"] for item in items]
    assert not [name for item in items for name in item if name[:2] in ("d:", "w:", "f:")]


def same_shard_ids() -> list[str]:
    """Two inquiry ids whose offers count in the same rollup shard."""
    candidates = [f"race-{n}" for n in range(100)]
    first = candidates[0]
    return [first, next(c for c in candidates[1:] if rollup_shard(c) == rollup_shard(first))]


def test_two_decisions_on_one_rollup_shard_both_count_after_a_conflict(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """A's transaction is cancelled for a TransactionConflict on the rollup item because B
    updated it meanwhile, as DynamoDB does; A is tried again and both decisions count."""
    put_partner(BZ, "IT", "BZ", "Europe/Rome")
    ids = iter([*same_shard_ids(), *(f"id-{n}" for n in range(100))])
    wiring.dependencies().new_id = lambda: next(ids)
    clock.set(at(1, 8))
    a, b = submit(BZ), submit(BZ)
    clock.set(at(1, 9))
    repository: Any = wiring.dependencies().repository
    pauses: list[float] = []
    repository._sleep = pauses.append
    events = aws["dynamodb"].meta.events
    finished: list[int] = []

    def b_decides_meanwhile(params: dict[str, Any], **_: Any) -> None:
        events.unregister("before-call.dynamodb.TransactWriteItems", b_decides_meanwhile)
        answer = call("POST", f"/inquiries/{b}/reject", body={"reason": "spam"}, claims=partner(BZ))
        finished.append(answer.status)
        items = json.loads(params["body"])["TransactItems"]
        rollup = next(
            n for n, item in enumerate(items) if "ROLLUP#" in json.dumps(item.get("Update", {}))
        )
        reasons = [{"Code": "None"} for _ in items]
        reasons[rollup] = {"Code": "TransactionConflict"}
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                "CancellationReasons": reasons,
            },
            "TransactWriteItems",
        )

    events.register("before-call.dynamodb.TransactWriteItems", b_decides_meanwhile)
    wiring.dependencies().repository._client = aws["dynamodb"]  # type: ignore[attr-defined]

    accepted = call("POST", f"/inquiries/{a}/accept", body={}, claims=partner(BZ))

    assert finished == [200]
    assert accepted.status == 200, accepted.body
    assert len(pauses) == 1  # tried once more, after a pause
    row = report()["partners"][0]
    assert (row["assigned"], row["accepted"], row["rejected"], row["pending"]) == (2, 1, 1, 0)
    assert row["decision_hours"] == {"median": 1.0, "p90": 1.0, "max": 1.0}


def test_a_decision_that_lost_the_race_for_its_inquiry_is_409_and_counts_once(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """The same inquiry accepted and rejected at once: the second is refused (a business
    conflict, not retried) and the rollup counts the decision that was stored."""
    put_partner(BZ, "IT", "BZ", "Europe/Rome")
    clock.set(at(1, 8))
    a = submit(BZ)
    clock.set(at(1, 10))
    events = aws["dynamodb"].meta.events
    finished: list[int] = []

    def reject_meanwhile(**_: Any) -> None:
        events.unregister("before-call.dynamodb.TransactWriteItems", reject_meanwhile)
        answer = call("POST", f"/inquiries/{a}/reject", body={"reason": "spam"}, claims=partner(BZ))
        finished.append(answer.status)

    events.register("before-call.dynamodb.TransactWriteItems", reject_meanwhile)
    wiring.dependencies().repository._client = aws["dynamodb"]  # type: ignore[attr-defined]

    accepted = call("POST", f"/inquiries/{a}/accept", body={}, claims=partner(BZ))

    assert finished == [200]
    assert accepted.status == 409, accepted.body
    row = report()["partners"][0]
    assert (row["assigned"], row["accepted"], row["rejected"], row["pending"]) == (1, 0, 1, 0)
    assert row["decision_hours"] == {"median": 2.0, "p90": 2.0, "max": 2.0}


def test_a_larger_duration_stored_meanwhile_is_no_conflict_and_the_max_stays_exact(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """A (3 h) read no largest decision time and writes its own under the condition that
    none is larger; meanwhile B (3.05 h) on the same rollup item (shard, and part of the
    buckets) stores 3.05 h. A's condition fails, A is built again from a consistent read
    and stored; the maximum is B's, exactly."""
    put_partner(BZ, "IT", "BZ", "Europe/Rome")
    ids = iter([*reversed(same_shard_ids()), *(f"id-{n}" for n in range(100))])
    wiring.dependencies().new_id = lambda: next(ids)
    clock.set(at(1, 7, 57))
    b = submit(BZ)
    clock.set(at(1, 8, 0))
    a = submit(BZ)
    clock.set(at(1, 11, 0))
    repository: Any = wiring.dependencies().repository
    repository._client = aws["dynamodb"]
    sent: list[list[str]] = []
    events = aws["dynamodb"].meta.events

    def b_decides_meanwhile(params: dict[str, Any], **_: Any) -> None:
        sent.append([json.dumps(item) for item in json.loads(params["body"])["TransactItems"]])
        if len(sent) == 1:
            answer = call(
                "POST", f"/inquiries/{b}/reject", body={"reason": "spam"}, claims=partner(BZ)
            )
            assert answer.status == 200, answer.body

    events.register("before-call.dynamodb.TransactWriteItems", b_decides_meanwhile)

    accepted = call("POST", f"/inquiries/{a}/accept", body={}, claims=partner(BZ))

    assert accepted.status == 200, accepted.body
    first, _b, again = sent
    assert any("x:d" in item for item in first)  # A's 3 h, as the largest it read (none)
    assert not any("x:d" in item for item in again)  # 3.05 h is stored: nothing to raise
    row = report()["partners"][0]
    assert (row["accepted"], row["rejected"], row["pending"]) == (1, 1, 0)
    assert row["decision_hours"] == {"median": 3.0, "p90": 3.05, "max": 3.05}


def test_the_largest_duration_is_exact_not_sketched(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partner(BZ, "IT", "BZ", "Europe/Rome")
    clock.set(at(1, 8, 0))
    a = submit(BZ)
    clock.set(at(1, 8, 0) + timedelta(hours=6, minutes=26))  # 6.43 h: sketched as 6.4
    assert call("POST", f"/inquiries/{a}/accept", body={}, claims=partner(BZ)).status == 200

    row = report()["partners"][0]
    assert row["decision_hours"] == {"median": 6.4, "p90": 6.4, "max": 6.43}

"""The local scheduler reads the schedule list again after functions ran, but not on every
tick of a busy stack: a listing reads every schedule (local/scheduler.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from local import scheduler
from local.scheduler import ScheduleBook


class FakeScheduler:
    """ListSchedules and GetSchedule of one group, counting the listings."""

    def __init__(self) -> None:
        self.schedules: dict[str, dict[str, Any]] = {}
        self.listings = 0

    def add(self, name: str) -> None:
        self.schedules[name] = {
            "Name": name,
            "ScheduleExpression": "at(2026-12-03T10:00:00)",
            "Target": {"Arn": "arn:aws:lambda:eu-central-1:1:function:inquiries-expire"},
        }

    def get_paginator(self, operation: str) -> FakeScheduler:
        assert operation == "list_schedules"
        return self

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        self.listings += 1
        modified = datetime(2026, 12, 1, tzinfo=UTC)
        return [
            {"Schedules": [{"Name": n, "LastModificationDate": modified} for n in self.schedules]}
        ]

    def get_schedule(self, Name: str, GroupName: str) -> dict[str, Any]:  # noqa: N803
        return self.schedules[Name]


def test_a_busy_stack_lists_the_schedules_at_most_every_few_seconds(monkeypatch: Any) -> None:
    now = [1000.0]
    monkeypatch.setattr(scheduler.time, "monotonic", lambda: now[0])
    client = FakeScheduler()
    book = ScheduleBook(client, "inquiries")
    client.add("a")
    assert set(book.current()) == {"a"}
    assert client.listings == 1
    # Functions run every second and make schedules: seen within MIN_RELIST_SECONDS.
    for second in range(1, int(scheduler.MIN_RELIST_SECONDS)):
        now[0] += 1
        client.add(f"s{second}")
        book.touch()
        assert set(book.current()) == {"a"}
    assert client.listings == 1
    now[0] += 1
    assert len(book.current()) == int(scheduler.MIN_RELIST_SECONDS)
    assert client.listings == 2
    # A clock move asks for the list as it is now.
    client.add("late")
    book.touch()
    assert "late" in book.current(exact=True)
    assert client.listings == 3
    # Nothing ran since: no listing, however exact, until RELIST_SECONDS.
    book.current(exact=True)
    now[0] += scheduler.RELIST_SECONDS - 1
    book.current()
    assert client.listings == 3
    now[0] += 1
    book.current()
    assert client.listings == 4

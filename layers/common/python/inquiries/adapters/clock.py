"""The clock port's adapters. The only place that reads the system time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told otherwise (tests)."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class SimulatedClock:
    """Runs at real speed from the instant it was last set (the local stack)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._base_real = datetime.now(UTC)
        self._base_sim = start or self._base_real

    def now(self) -> datetime:
        with self._lock:
            return self._base_sim + (datetime.now(UTC) - self._base_real)

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        with self._lock:
            self._base_real = datetime.now(UTC)
            self._base_sim = now

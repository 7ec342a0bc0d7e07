"""The one simulated clock of the local stack, kept in the journal, and its copies in the workers.

The gateway's process owns the clock. Every move is journaled before it is
answered, so a restart (even after `kill -9`) finds it where it was set, run on
at real speed. Each invocation carries the clock's state to the worker that runs
it, so every function instance reads the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inquiries.adapters.clock import SystemClock


@dataclass(frozen=True)
class ClockState:
    """The simulated time at a real instant: the clock runs on from there at real speed."""

    simulated: datetime
    real: datetime

    def now(self, real_now: datetime) -> datetime:
        """The simulated time at `real_now` (the clock runs on while the stack is stopped too)."""
        return self.simulated + (real_now - self.real)

    def to_json(self) -> dict[str, str]:
        return {"simulated": self.simulated.isoformat(), "real": self.real.isoformat()}

    @classmethod
    def from_json(cls, data: Any) -> ClockState | None:
        if not isinstance(data, dict):
            return None
        return cls(datetime.fromisoformat(data["simulated"]), datetime.fromisoformat(data["real"]))


class LocalClock:
    """The simulated clock: runs at real speed from where it was last set; moves are recorded."""

    def __init__(self, start: datetime | None = None) -> None:
        real = SystemClock().now()
        self._state = ClockState(start or real, real)
        self._lock = threading.Lock()
        self.record: Callable[[ClockState], None] = lambda state: None

    def now(self) -> datetime:
        return self.state().now(SystemClock().now())

    def state(self) -> ClockState:
        with self._lock:
            return self._state

    def set(self, now: datetime) -> None:
        """Set the simulated time; it is recorded (journaled) before this returns."""
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        with self._lock:
            self._state = ClockState(now, SystemClock().now())
            state = self._state
        self.record(state)


class AnchoredClock:
    """A worker's clock: the state the invocation brought, running on at real speed."""

    def __init__(self, state: ClockState | None) -> None:
        self.state = state

    def now(self) -> datetime:
        real_now = SystemClock().now()
        return self.state.now(real_now) if self.state is not None else real_now

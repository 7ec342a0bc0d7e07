"""The stack process's garbage collector leaves the stored data alone.

The emulator holds every item as Python objects (hundreds of MB after a few thousand
inquiries), and a full collection of Python's cyclic garbage collector walks every
object there is, with the whole process stopped. Full collections come as often as the
objects surviving the younger generations add up to a quarter of those already kept,
and each request's temporary copies survive into them too, so under a steady load the
stack spent more time in them the more data it held (the collections' time per minute
grew with the heap in a 3,000-inquiry load run: bench/load.py --profile-stack). After
each full collection `gc.freeze()` moves everything alive into the permanent
generation, which no collection walks again; the next ones walk only what was made
since. What a collection had found alive stays frozen: it is freed as usual when its
last reference goes, only a reference cycle formed among frozen objects is no longer
reclaimed (the stored items hold none).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

POLL_S = 1.0


class FreezeAfterFullCollections:
    """Freeze the heap shortly after each full collection (from a thread of its own)."""

    def __init__(self, poll_s: float = POLL_S) -> None:
        self._poll_s = poll_s
        self._due = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heap-freeze", daemon=True)

    def start(self) -> None:
        """Watch the collections and freeze after each full one."""
        gc.callbacks.append(self._collected)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (what is frozen stays frozen)."""
        self._stop.set()
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)

    def _collected(self, phase: str, info: dict[str, Any]) -> None:
        # Only a flag: a callback runs inside the collection, wherever it was triggered,
        # so it must not take a lock another thread may hold.
        if phase == "stop" and info.get("generation") == 2:
            self._due = True

    def _run(self) -> None:
        while not self._stop.wait(self._poll_s):
            if self._due:
                self._due = False
                gc.freeze()

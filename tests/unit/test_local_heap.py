"""The local stack's process freezes what a full collection found alive, so later
collections do not walk the stored data again (local/heap.py)."""

from __future__ import annotations

import gc
import time

from local.heap import FreezeAfterFullCollections


def test_what_a_full_collection_leaves_alive_is_frozen_and_later_ones_skip_it() -> None:
    kept = [[n] for n in range(50_000)]  # the stored data: containers the collector tracks
    freezer = FreezeAfterFullCollections(poll_s=0.01)
    gc.unfreeze()
    try:
        freezer.start()
        gc.collect(1)  # a young collection freezes nothing
        time.sleep(0.1)
        assert gc.get_freeze_count() == 0
        gc.collect()
        deadline = time.monotonic() + 5
        while gc.get_freeze_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gc.get_freeze_count() >= len(kept)
        # What is frozen is out of every generation a collection walks.
        assert not any(o is kept[0] for o in gc.get_objects(generation=2))
        # Freed as usual once nothing refers to it.
        before = gc.get_freeze_count()
        del kept
        assert gc.get_freeze_count() < before - 40_000
    finally:
        freezer.stop()
        gc.unfreeze()

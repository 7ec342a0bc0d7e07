"""Where the local stack's CPU goes, measured inside its process (no py-spy needed).

`bench/load.py --profile-stack DIR` starts the stack with this running: every request a
socketserver thread serves (the gateway's and moto's, so every emulator call too) runs
under cProfile on the thread's CPU clock (one request in `every`, as cProfile slows
down what it profiles), and `gc.callbacks` time every collection per
generation. Every `window` seconds it writes `DIR/profile-<n>.txt`: the functions with
the most CPU (own and with callees) and the collections' count and time in that window,
so the start and the end of a run can be compared. cProfile slows the stack down: read
the shares, not the times.
"""

from __future__ import annotations

import cProfile
import gc
import io
import itertools
import pstats
import socketserver
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

TOP = 40


class StackProfile:
    """Profiles every request thread of the process (CPU time) and times its collections."""

    def __init__(self, folder: Path, window: float = 60.0, every: int = 10) -> None:
        self.folder, self.window, self.every = folder, window, every
        self._served = itertools.count()
        self.stats: pstats.Stats | None = None
        self.requests = 0
        self.gc_count: Counter[int] = Counter()
        self.gc_seconds: Counter[int] = Counter()
        self._gc_started = 0.0
        self._lock = threading.Lock()

    def start(self) -> None:
        """Profile each request served by a socketserver thread; write a summary per window."""
        self.folder.mkdir(parents=True, exist_ok=True)
        gc.callbacks.append(self._on_gc)
        served = socketserver.ThreadingMixIn.process_request_thread
        profile = self

        def profiled(server: Any, request: Any, client_address: Any) -> None:
            if next(profile._served) % profile.every:
                served(server, request, client_address)
                return
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            try:
                served(server, request, client_address)
            finally:
                profiler.disable()
                profile._add(profiler)

        socketserver.ThreadingMixIn.process_request_thread = profiled  # type: ignore[method-assign]
        threading.Thread(target=self._run, name="stack-profile", daemon=True).start()

    def _add(self, profiler: cProfile.Profile) -> None:
        with self._lock:
            self.requests += 1
            if self.stats is None:
                self.stats = pstats.Stats(profiler)
            else:
                self.stats.add(profiler)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        generation = int(info["generation"])
        self.gc_count[generation] += 1
        self.gc_seconds[generation] += time.perf_counter() - self._gc_started

    def _run(self) -> None:
        number = 0
        while True:
            time.sleep(self.window)
            number += 1
            with self._lock:
                stats, self.stats = self.stats, None
                requests, self.requests = self.requests, 0
                counts, seconds = dict(self.gc_count), dict(self.gc_seconds)
                self.gc_count.clear()
                self.gc_seconds.clear()
            out = io.StringIO()
            out.write(f"requests profiled {requests}\n")
            for generation in sorted(counts):
                out.write(
                    f"gc gen {generation}: {counts[generation]} collections, "
                    f"{seconds[generation]:.3f} s\n"
                )
            if stats is not None:
                stats.stream = out  # type: ignore[attr-defined]
                stats.sort_stats("tottime").print_stats(TOP)
                stats.sort_stats("cumulative").print_stats(TOP)
            (self.folder / f"profile-{number:03d}.txt").write_text(out.getvalue())

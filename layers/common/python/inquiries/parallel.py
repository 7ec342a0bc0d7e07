"""Calls that wait for AWS at the same time: the sharded queries, an offer's two schedules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def in_parallel(calls: Sequence[Callable[[], Any]], workers: int | None = None) -> list[Any]:
    """Run the calls at the same time (one thread each, or at most `workers` at once);
    the answers in their order.

    Each thread runs in a copy of the caller's context variables, so what the caller's
    context carries (the request's logging keys, tracing) goes along.
    """
    if len(calls) <= 1:
        return [call() for call in calls]
    import contextvars  # noqa: PLC0415 (cold start)
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    with ThreadPoolExecutor(max_workers=min(len(calls), workers or len(calls))) as pool:
        futures = [pool.submit(contextvars.copy_context().run, call) for call in calls]
        return [future.result() for future in futures]

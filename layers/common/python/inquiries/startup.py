"""A function's cold start without cyclic garbage collection.

A handler module imports this module first: from then on Python's cyclic garbage
collector stays off while the function starts (its modules load, the first request
builds the AWS clients and Powertools' validation models). `ends_after_first_call`
wraps the handler: when its first invocation returns, everything the start made is
frozen (`gc.freeze`: kept, and never walked by a collection again) and collection
resumes for what the requests make.

Why: a start creates a few hundred thousand objects (Powertools, pydantic, botocore's
service models), and the collector walks all of them again and again as their number
grows. That is about 30 ms of CPU of the first request (`bench/cold_start.py`) and
frees nothing: what a module holds lives as long as the process. Reference counting
still frees everything else at once; only garbage in reference cycles made during the
start stays, a few kilobytes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

gc.disable()

Result = TypeVar("Result")
Event = TypeVar("Event")
Context = TypeVar("Context")


def ends_after_first_call(
    handler: Callable[[Event, Context], Result],
) -> Callable[[Event, Context], Result]:
    """The handler, after whose first call the start's objects are frozen and collected no more."""

    @wraps(handler)
    def handle(event: Event, context: Context) -> Result:
        try:
            return handler(event, context)
        finally:
            if not gc.isenabled():
                gc.freeze()
                gc.enable()

    return handle

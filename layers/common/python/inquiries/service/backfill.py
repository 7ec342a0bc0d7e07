"""Backfill: inquiries stored before the data subject's look-up keys existed get them.

An inquiry carries its keyed hashes from intake on; one stored earlier has none, and
no later change adds them (a change copies what is stored). This files each such
inquiry under its keys (gsi5, gsi6) and, when it rests without a partner, under the
retention index (gsi4 `ATREST`, from its latest event). It pages HQ's list of all
inquiries (a Query, never a Scan); each inquiry is one write conditional on its
version, retried after a concurrent change; running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from aws_lambda_powertools import Logger

from inquiries.domain.errors import ChangeRejected
from inquiries.domain.lifecycle import Change
from inquiries.domain.model import Inquiry
from inquiries.domain.subjects import AT_REST, subject_keys
from inquiries.service.ports import ListFilter, Repository

logger = Logger(child=True)

_PAGE = 100
_ATTEMPTS = 3


@dataclass(frozen=True)
class Backfilled:
    seen: int  # inquiries read
    keyed: int  # given their look-up keys
    at_rest: int  # filed for retention


def backfill(repository: Repository, secret: Callable[[], bytes]) -> Backfilled:
    """Give every stored inquiry its look-up keys and retention entry where it lacks them."""
    seen = keyed = at_rest = 0
    cursor: str | None = None
    while True:
        page = repository.inquiries(ListFilter(), _PAGE, cursor)
        for inquiry in page.items:
            seen += 1
            done = _backfill_one(repository, secret, inquiry)
            keyed += done[0]
            at_rest += done[1]
        cursor = page.next
        if cursor is None:
            break
    logger.info("backfill done", extra={"seen": seen, "keyed": keyed, "at_rest": at_rest})
    return Backfilled(seen, keyed, at_rest)


def _needs(inquiry: Inquiry) -> tuple[bool, bool]:
    if inquiry.erased_at is not None:
        return False, False
    return (
        inquiry.subject_keys is None,
        inquiry.status in AT_REST and inquiry.left_at is None,
    )


def _backfill_one(
    repository: Repository, secret: Callable[[], bytes], inquiry: Inquiry
) -> tuple[bool, bool]:
    for _ in range(_ATTEMPTS):
        needs_keys, needs_rest = _needs(inquiry)
        if not needs_keys and not needs_rest:
            return False, False
        changes: dict[str, object] = {}
        if needs_keys:
            changes["subject_keys"] = subject_keys(secret(), inquiry.contact)
        if needs_rest:
            loaded = repository.load_with_events(inquiry.id)
            events = loaded[1] if loaded else []
            # Its latest event is when it came to rest (or later: never earlier).
            changes["left_at"] = max((e.at for e in events), default=inquiry.created_at)
        after = replace(inquiry, version=inquiry.version + 1, **changes)  # type: ignore[arg-type]
        try:
            repository.apply(Change(inquiry, after))
            return needs_keys, needs_rest
        except ChangeRejected:
            record = repository.load(inquiry.id)
            if record is None:
                return False, False
            inquiry = record.inquiry
    logger.warning("backfill skipped a busy inquiry", extra={"inquiry_id": inquiry.id})
    return False, False

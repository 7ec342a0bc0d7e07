"""The product's races over real HTTP, against the local stack that runs like Lambda.

The local stack serves requests concurrently and runs each function in several
worker processes, so these requests really run at the same time, in different
instances, and only DynamoDB's conditional writes settle who wins, as on AWS.
(The same races with threads against moto: tests/integration/test_races.py.)
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
import requests
from inquiries.api.routes import FUNCTIONS

from tests.e2e.stack import LocalStack, children_of
from tests.e2e.test_durability import _stored
from tests.e2e.test_lifecycle import SOUTH_TYROL, form, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-local")]

T = TypeVar("T")


def at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run `call(i)` in `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        barrier.wait(timeout=60)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def post(
    local: LocalStack, path: str, body: Any = None, token: str | None = None, **headers: str
) -> requests.Response:
    """A POST on a connection of its own (a `requests.Session` is not for threads)."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(f"{local.url}{path}", json=body, headers=headers, timeout=60)


def test_twenty_concurrent_accepts_have_exactly_one_winner(local: LocalStack) -> None:
    inquiry_id = submit(local)
    partner = local.token("partner", SOUTH_TYROL)
    answers = at_once(20, lambda _: post(local, f"/inquiries/{inquiry_id}/accept", token=partner))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 19, [a.text for a in answers if a.status_code != 409]
    view = local.get(f"/inquiries/{inquiry_id}", token=local.token("hq")).body
    assert view["status"] == "accepted"
    # They ran in parallel instances: the pools grew past the one warm worker per function.
    workers = [w for child in children_of(local.process.pid) for w in children_of(child)]
    assert len(workers) > len(FUNCTIONS), workers
    assert [e["action"] for e in view["events"]].count("accepted") == 1, view["events"]


def test_accepts_against_the_expiry_at_the_deadline_have_exactly_one_winner_each(
    local: LocalStack,
) -> None:
    hq = local.token("hq")
    partner = local.token("partner", SOUTH_TYROL)
    ids = [submit(local) for _ in range(8)]
    deadlines = [
        datetime.fromisoformat(local.get(f"/inquiries/{i}", token=hq).body["deadline"]) for i in ids
    ]
    # Just before the earliest deadline: the accepts and the expiries race for every inquiry.
    set_to = min(deadlines) - timedelta(seconds=20)
    assert local.post("/_local/clock", {"now": set_to.isoformat()}).status == 200

    def act(index: int) -> requests.Response:
        if index == len(ids):
            return post(local, "/_local/clock", {"advance_hours": 1})
        return post(local, f"/inquiries/{ids[index]}/accept", token=partner)

    answers = at_once(len(ids) + 1, act)
    assert answers[-1].status_code == 200, answers[-1].text
    for inquiry_id, answer in zip(ids, answers, strict=False):
        view = local.get(f"/inquiries/{inquiry_id}", token=hq).body
        if answer.status_code == 200:
            assert view["status"] == "accepted", (inquiry_id, view)
        else:
            # The expiry won: the offer is gone, the partner no longer sees it.
            assert answer.status_code in (404, 409), answer.text
            assert view["status"] == "returned", (inquiry_id, view)
            assert view["return_reason"] == "expired"


def test_concurrent_submissions_with_one_idempotency_key_store_one_inquiry(
    local: LocalStack,
) -> None:
    hq = local.token("hq")
    before = _stored(local, hq)
    body, key = form(), str(uuid.uuid4())
    answers = at_once(20, lambda _: post(local, "/inquiries", body, **{"Idempotency-Key": key}))
    created = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    # Each answer is the stored inquiry, or an error that stored nothing (never a third id).
    assert all(a.status_code == 409 or a.status_code >= 500 for a in refused), [
        (a.status_code, a.text) for a in refused
    ]
    assert created, [(a.status_code, a.text) for a in answers]
    ids = {a.json()["id"] for a in created}
    after = _stored(local, hq)
    new = set(after) - set(before)
    assert len(ids) == 1, ids
    assert new == ids, (new, ids)

"""Nothing the local stack answered is lost: `kill -9` at random moments, polite stops, bursts.

The fault test drives submissions, decisions and clock moves from several
clients at once, kills the whole process group (`kill -9`) at a random moment,
starts the stack again on the same data folder and checks that every inquiry
that was acknowledged is there, in the state it was acknowledged in, and that
the clock is not behind the last move that was answered. A request cut off by
the kill was never answered: its inquiry may be in the state before or after.
At the end every acknowledged change has its mail: the receipt, and the outcome
of a decision (the kills came before many of them were mailed).
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import requests

from tests.e2e.stack import LocalStack, alive, children_of
from tests.e2e.test_lifecycle import SOUTH_TYROL, form

# The fault test is the longest: a group of its own, so xdist runs the others beside it.
pytestmark = [pytest.mark.slow]

KILLS = int(os.environ.get("LOCAL_FAULT_KILLS", "20"))
CLIENTS = 4
REQUEST_TIMEOUT_S = 30


class CutOff(Exception):
    """The stack went down before it answered (connection cut, or the gateway's 5xx)."""


@dataclass
class Ledger:
    """What the stack acknowledged, and what was cut off (may or may not have happened)."""

    status: dict[str, str] = field(default_factory=dict)  # inquiry id -> acknowledged status
    maybe: dict[str, set[str]] = field(default_factory=dict)  # id -> statuses it may have now
    clock: datetime | None = None  # the last clock move answered
    answered: int = 0
    cut_off: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pending(self) -> list[str]:
        with self.lock:
            return [i for i, s in self.status.items() if s == "pending" and i not in self.maybe]


def _client(url: str, partner: str, ledger: Ledger, stop: threading.Event, seed: int) -> None:
    """One client: submissions, accepts, rejects and clock moves until the stack is killed."""
    rng = random.Random(seed)
    session = requests.Session()
    while not stop.is_set():
        roll = rng.random()
        pending = ledger.pending()
        try:
            if roll < 0.5 or not pending:
                answer = session.post(f"{url}/inquiries", json=form(), timeout=REQUEST_TIMEOUT_S)
                if answer.status_code >= 500:
                    raise CutOff  # a worker killed a moment before the gateway: not answered
                assert answer.status_code == 201, answer.text
                with ledger.lock:
                    ledger.status[answer.json()["id"]] = "pending"
                    ledger.answered += 1
                continue
            if roll < 0.95:
                _decide(session, url, partner, rng.choice(pending), rng.random() < 0.6, ledger)
                continue
            # A small step: no deadline is passed (they are business days away).
            answer = session.post(
                f"{url}/_local/clock", json={"advance_hours": 0.01}, timeout=REQUEST_TIMEOUT_S
            )
            if answer.status_code >= 500:
                raise CutOff
            assert answer.status_code == 200, answer.text
            with ledger.lock:
                moved = datetime.fromisoformat(answer.json()["now"])
                ledger.clock = max(ledger.clock or moved, moved)
                ledger.answered += 1
        except (requests.RequestException, CutOff):
            with ledger.lock:
                ledger.cut_off += 1
            if stop.wait(0.05):
                return
        except AssertionError as error:
            with ledger.lock:
                ledger.failures.append(str(error))
            return


def _decide(
    session: requests.Session, url: str, partner: str, inquiry_id: str, accept: bool, ledger: Ledger
) -> None:
    target = "accepted" if accept else "returned"
    with ledger.lock:
        if inquiry_id in ledger.maybe or ledger.status.get(inquiry_id) != "pending":
            return
        ledger.maybe[inquiry_id] = {"pending", target}  # until the answer says which
    path = "accept" if accept else "reject"
    body = None if accept else {"reason": "no_capacity"}
    answer = session.post(
        f"{url}/inquiries/{inquiry_id}/{path}",
        json=body,
        headers={"Authorization": f"Bearer {partner}"},
        timeout=REQUEST_TIMEOUT_S,
    )
    with ledger.lock:
        if answer.status_code == 200:
            ledger.status[inquiry_id] = target
            del ledger.maybe[inquiry_id]
            ledger.answered += 1
        elif answer.status_code in (404, 409):
            # Decided already, by a request a kill cut off (its outcome was read back since).
            del ledger.maybe[inquiry_id]
        elif answer.status_code >= 500:
            raise CutOff  # it stays uncertain: the stack may have applied it or not
        else:
            raise AssertionError(f"{path} answered {answer.status_code}: {answer.text}")


def _stored(stack: LocalStack, hq: str) -> dict[str, str]:
    """Every inquiry's status, read through the API's list (HQ sees all)."""
    found: dict[str, str] = {}
    cursor: str | None = None
    while True:
        query = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        answer = stack.get("/inquiries", token=hq, query=query)
        assert answer.status == 200, answer.text
        found.update({item["id"]: item["status"] for item in answer.body["items"]})
        cursor = answer.body.get("next")
        if not cursor:
            return found


def _check(stack: LocalStack, ledger: Ledger) -> int:
    """Every acknowledged inquiry is stored as acknowledged; the clock is not behind."""
    stored = _stored(stack, stack.token("hq"))
    lost = [i for i in ledger.status if i not in stored]
    assert not lost, f"{len(lost)} acknowledged inquiries lost: {lost[:5]}"
    for inquiry_id, status in ledger.status.items():
        allowed = ledger.maybe.get(inquiry_id, {status})
        assert stored[inquiry_id] in allowed, (inquiry_id, stored[inquiry_id], allowed)
        ledger.status[inquiry_id] = stored[inquiry_id]  # what a cut-off decision left
    ledger.maybe.clear()
    if ledger.clock is not None:
        now = datetime.fromisoformat(stack.get("/_local/clock").body["now"])
        assert now >= ledger.clock, f"the clock came back behind: {now} < {ledger.clock}"
    return len(ledger.status)


@pytest.mark.xdist_group("e2e-faults")
def test_nothing_answered_is_lost_when_the_stack_is_killed_at_random_moments(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("LOCAL_FAULT_SEED", str(time.time_ns())))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    ledger = Ledger()
    # The journal is folded into the snapshot every few requests, so kills also hit compactions.
    compacting = ("--compact-at", "16384")
    stack = LocalStack.start(data_dir, "--reset", *compacting)
    checked = 0
    try:
        for kill in range(KILLS):
            partner = stack.token("partner", SOUTH_TYROL)
            stop = threading.Event()
            clients = [
                threading.Thread(
                    target=_client, args=(stack.url, partner, ledger, stop, rng.random())
                )
                for _ in range(CLIENTS)
            ]
            answered = ledger.answered
            started = time.monotonic()
            for client in clients:
                client.start()
            # The load is under way once a few answers are in (the workers' first start takes
            # a moment); the kill comes at a random moment after that.
            deadline = time.monotonic() + 60
            while ledger.answered < answered + 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            loaded = time.monotonic()
            time.sleep(rng.uniform(0.0, 1.0))
            stack.kill()  # kill -9 of the whole process group, mid-load
            stop.set()
            for client in clients:
                client.join(timeout=REQUEST_TIMEOUT_S)
            assert not ledger.failures, (seed, ledger.failures)
            began = time.monotonic()
            stack = LocalStack.start(data_dir, *compacting)
            assert "restored" in stack.banner, (seed, kill)
            restarted = time.monotonic()
            checked = _check(stack, ledger)
            if os.environ.get("LOCAL_FAULT_TRACE"):
                print(
                    f"load {loaded - started:.1f}s, restart {restarted - began:.1f}s, check "
                    f"{time.monotonic() - restarted:.1f}s, answered {ledger.answered}"
                )
        unmailed = _unmailed(stack, ledger)
        assert not unmailed, (seed, len(unmailed), unmailed[:5])
    finally:
        stack.kill()
    print(
        f"fault test (seed {seed}): {KILLS} kills survived, {checked} inquiries checked, 0 lost; "
        f"{ledger.answered} writes answered, {ledger.cut_off} requests cut off by the kills"
    )
    assert ledger.answered > KILLS  # the load really ran between the kills


# The mail each acknowledged state calls for, besides the receipt (Bolzano: one partner).
_OUTCOME_MAIL = {"accepted": "accepted", "returned": "returned"}


def _unmailed(stack: LocalStack, ledger: Ledger, wait_s: float = 120.0) -> list[str]:
    """The acknowledged changes whose mail is not in the outbox (waiting for the stream)."""
    deadline = time.monotonic() + wait_s
    while True:
        kinds: dict[str, set[str]] = {}
        for mail in stack.get("/_local/outbox").body["messages"]:
            # Every mail names its inquiry's id (a word of the URL-safe alphabet).
            for word in set(re.findall(r"[A-Za-z0-9_-]+", mail["subject"] + " " + mail["text"])):
                kinds.setdefault(word, set()).add(mail["kind"])
        missing = [
            f"{inquiry_id} {kind}"
            for inquiry_id, status in ledger.status.items()
            for kind in ("receipt", _OUTCOME_MAIL.get(status))
            if kind is not None and kind not in kinds.get(inquiry_id, set())
        ]
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.5)


@pytest.mark.xdist_group("e2e-durability")
def test_polite_stops_keep_everything_and_only_a_second_ctrl_c_forces(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStack.start(data_dir, "--reset", "--empty")
    ids = [submit_to_empty(first) for _ in range(3)]
    moved = first.post("/_local/clock", {"advance_hours": 30}).body["now"]
    processes = [w for c in children_of(first.process.pid) for w in [c, *children_of(c)]]
    assert processes  # the workers' template and its workers
    # `kill -TERM` to make's process group: the stack gets it, and make forwards it again.
    os.killpg(first.process.pid, signal.SIGTERM)
    os.killpg(first.process.pid, signal.SIGTERM)
    code = first.process.wait(timeout=30)
    assert code == 0, first.logs()
    assert "stopped" in first.stdout.read_text()
    assert not [pid for pid in processes if alive(pid)]

    second = LocalStack.start(data_dir)
    hq = second.token("hq")
    for inquiry_id in ids:
        assert second.get(f"/inquiries/{inquiry_id}", token=hq).status == 200
    now = datetime.fromisoformat(second.get("/_local/clock").body["now"])
    assert now >= datetime.fromisoformat(moved)
    ids += [submit_to_empty(second) for _ in range(2)]
    # Ctrl-C twice: the second one does not wait for the clean stop; the journal keeps all.
    second.session.close()
    second.process.send_signal(signal.SIGINT)
    second.process.send_signal(signal.SIGINT)
    assert second.process.wait(timeout=30) in (0, 1), second.logs()
    second.kill()  # whatever the forced exit left behind

    third = LocalStack.start(data_dir)
    try:
        hq = third.token("hq")
        for inquiry_id in ids:
            assert third.get(f"/inquiries/{inquiry_id}", token=hq).status == 200
    finally:
        third.kill()


def submit_to_empty(stack: LocalStack) -> str:
    """An inquiry on a stack without partners (it waits for HQ, `unassigned`)."""
    answer = stack.post("/inquiries", form())
    assert answer.status == 201, answer.text
    inquiry_id: str = answer.body["id"]
    return inquiry_id


@pytest.mark.xdist_group("e2e-durability")
def test_two_hundred_concurrent_submissions_get_no_connection_error(
    tmp_path: Path,
) -> None:
    stack = LocalStack.start(tmp_path / "data", "--reset")
    try:
        barrier = threading.Barrier(200)

        def post(_: int) -> int | str:
            body = form()
            barrier.wait(timeout=60)
            try:
                answer = requests.post(
                    f"{stack.url}/inquiries",
                    json=body,
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                    timeout=120,
                )
            except requests.ConnectionError as error:
                return f"connection error: {error}"
            return answer.status_code

        with ThreadPoolExecutor(max_workers=200) as pool:
            results = list(pool.map(post, range(200)))
        errors = [r for r in results if isinstance(r, str)]
        print(f"200 concurrent POST /inquiries: {len(errors)} connection errors")
        assert errors == []
        assert results == [201] * 200
        stored = _stored(stack, stack.token("hq"))
        assert len(stored) == 200
    finally:
        stack.kill()

"""Load: thousands of inquiries through their whole lifecycle on the local stack, then an audit.

    python bench/load.py [--inquiries 2000] [--clients 8] [--seed 20261201]
                         [--report-every 5] [--progress-every 60] [--stock-moto]
                         [--profile-stack DIR]

Starts the local stack (`python -m local --port 0 --data-dir <tmp> --reset`, no
journal compaction while it runs) as a subprocess, with the emulator's speed-ups
(local/emulator.py: Queries read only their partition, the stream forgets what was
read, reads are answered plainly, ...); `--stock-moto` runs moto without them, where
each request gets slower, and the stack bigger, with every item stored.
`--profile-stack DIR` starts it through `bench/load.py --serve-local` and shows where the
stack's CPU goes, minute by minute (bench/_stack_profile.py). The demo
partners: alpin-bz IT 39, bayern-muc DE 8/9, wien AT 1, zuerich CH 80/81. It sets the
stack's simulated clock to a Tuesday morning, and lets `--clients` threads (one
`requests` session each, loopback only) drive every inquiry of a seeded plan:

- submit: spread over the four partners' regions, some from a dealer's page (named
  partner), some from nowhere a partner covers (HQ's queue); some with an
  `Idempotency-Key`, retried with the same body (same id expected) and a few with another
  body (409 expected); some reusing an earlier prospect's e-mail (duplicates on accept);
- the partner opens it (anonymised) and every so often lists its inbox; HQ lists its queue;
- HQ discards some of its queue and offers the rest to a partner;
- the partner accepts (~70 %), rejects (~20 %: HQ reassigns to another partner, which
  accepts), or lets it lie (~8 %: expires); HQ withdraws a few pending ones (~2 %) by
  offering them to another partner, which accepts;
- after an acceptance with duplicates the partner links the contact (or creates one);
  progress on some accepted ones, won or lost closing a few.

REPORTS ALL ALONG: while the clients run, a manager asks HQ's report of the month
(JSON) every `--report-every` seconds, every fifth time also the CSV and, shifted, one
partner's own, one attempt each (`ReportWatch`). At the end the script prints the
median time of HQ's JSON report over the first and over the last tenth of the load
phase and their ratio; an answer other than `200` with the report's figures, or an end
median above 1.5 times the start's, fails the run. A PROGRESS line every
`--progress-every` seconds shows inquiries done, throughput, the stack's CPU per
request and memory, and the report's median in that window, so growth with the
stored data shows within one run.

Then it moves the clock a week (`POST /_local/clock`): the unanswered ones must expire,
and the report (JSON, CSV, each partner's own) is fetched. Latency percentiles are per
operation; throughput is over the load phase. A read answered `503` ("retry later") is
tried again, up to 3 attempts 1 s apart, and every attempt is counted (not the reports
asked during the load); a write is not retried, so a `503` on a write fails its
inquiry's lifecycle and the audit.

The AUDIT reads everything back through the API as HQ (paging with cursors, then every
inquiry's detail): each inquiry that got `201` is stored exactly once, nothing else is
stored, every inquiry's status agrees with its events and with what the plan did to it,
the offers rebuilt from the events agree with the report's figures per partner and in
total, and the CSV agrees with the JSON. Exit status 1 when anything disagrees.

The stack is stopped with SIGINT at the end. Its temporary data folder (snapshot, the
gateway's log) is removed after a passing run and kept after a failing one.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0
NO_COMPACTION_BYTES = 1 << 40
# The stop folds the whole journal into one snapshot: tens of seconds after a big run.
STOP_TIMEOUT_S = 600.0
REQUEST_TIMEOUT_S = 60.0
# The clock move answers once every expiry and reminder it makes due has fired: one
# invocation each, some 3,000 after 20,000 inquiries.
CLOCK_TIMEOUT_S = 1800.0
START = "2026-12-01T08:00:00Z"  # a Tuesday, as in tests/conftest.py
REPORT_PERIOD = {"from": "2026-12-01", "to": "2026-12-31"}
ADVANCE_HOURS = 7 * 24  # past every 48-working-hour deadline of the run
HQ_USER = "hq-load"
PROFILE_ENV = "LOAD_STACK_PROFILE"

# Region -> (country, the demo partner covering it, a postal code maker).
REGIONS: dict[str, tuple[str, str, Callable[[random.Random], str]]] = {
    "IT": ("IT", "alpin-bz", lambda rng: f"39{rng.randrange(1000):03d}"),
    "DE": ("DE", "bayern-muc", lambda rng: f"8{rng.randrange(10000):04d}"),
    "AT": ("AT", "wien", lambda rng: f"1{rng.randrange(1000):03d}"),
    "CH": ("CH", "zuerich", lambda rng: f"80{rng.randrange(100):02d}"),
}
PARTNERS = tuple(partner for _, partner, _ in REGIONS.values())
# Places no demo partner covers: Rome, Paris.
NOWHERE: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("IT", lambda rng: f"00{rng.randrange(100, 200)}"),
    ("FR", lambda rng: f"75{rng.randrange(1, 21):03d}"),
)
PRODUCTS = ("windows", "entrance_doors", "sliding_doors", "sunrooms", "shading", "other")
REASONS = ("out_of_area", "no_capacity", "product_not_offered", "spam", "other")
# What the partner does with an offer, and how often.
FATES = (("accept", 0.70), ("reject", 0.20), ("withdraw", 0.02), ("expire", 0.08))
SHARE_NOWHERE = 0.10  # submitted from where no partner works: HQ's queue
SHARE_DISCARDED = 0.30  # of HQ's queue, discarded; the rest HQ offers to a partner
SHARE_DEALER_PAGE = 0.05
SHARE_KEYED = 0.05  # with an Idempotency-Key, retried once
SHARE_KEY_CONFLICT = 0.20  # of those, the key also sent with another body (409)
SHARE_SAME_EMAIL = 0.10  # a prospect who wrote before
SHARE_PROGRESS = 0.40  # of accepted ones
LIST_EVERY = 10  # each client lists a partner's inbox after every so many inquiries
HQ_LIST_EVERY = 25
READ_ATTEMPTS = 3  # a GET answered 503 is tried again, as the API asks
RETRY_PAUSE_S = 1.0
REPORT_EVERY_S = 5.0  # a manager asks the report this often while the load runs
STRETCH = 0.10  # the report's start and end: its first and last tenth of the load phase
MAX_REPORT_GROWTH = 1.5  # the end's median at most this times the start's
PROGRESS_EVERY_S = 60.0


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What happens to one inquiry, decided up front from the seed."""

    index: int
    body: dict[str, Any]
    first_partner: str | None  # the partner routing (or the dealer page) offers it to
    hq_offer: str | None  # for HQ's queue: the partner HQ offers it to (None: discard)
    fate: str  # accept, reject, withdraw, expire, discard
    second_partner: str | None  # reject / withdraw: who gets it next
    reason: str
    steps: tuple[str, ...]
    key: str | None
    key_conflict: bool
    link_existing: bool  # after duplicates: link to the earlier contact (else a new one)

    @property
    def offered_to(self) -> str | None:
        return self.first_partner or self.hq_offer

    @property
    def final_partner(self) -> str | None:
        return self.second_partner or self.offered_to


@dataclass
class Outcome:
    """What the API answered along the way."""

    inquiry_id: str | None = None
    duplicates: list[dict[str, Any]] | None = None
    accepted_contact_id: str | None = None  # in the accept answer
    contact_id: str | None = None  # from accept (no duplicates) or the link
    linked: str | None = None  # "contact_linked" or "contact_created" when linked later
    problems: list[str] = field(default_factory=list)
    done: bool = False


def make_plans(n: int, seed: int) -> list[Plan]:
    """`n` plans from the seed: where each inquiry comes from and what happens to it."""
    rng = random.Random(seed)
    plans: list[Plan] = []
    emails_by_region: dict[str, list[str]] = defaultdict(list)
    fates, weights = zip(*FATES, strict=True)
    for index in range(n):
        nowhere = rng.random() < SHARE_NOWHERE
        if nowhere:
            country, postal = rng.choice(NOWHERE)
            region, first = "nowhere", None
            postal_code = postal(rng)
        else:
            region = rng.choice(list(REGIONS))
            country, first, make = REGIONS[region]
            postal_code = make(rng)
        dealer_page = not nowhere and rng.random() < SHARE_DEALER_PAGE
        if dealer_page:
            first = rng.choice(PARTNERS)  # the dealer's own page, wherever the prospect lives
        earlier = emails_by_region[region]
        if earlier and rng.random() < SHARE_SAME_EMAIL:
            email = rng.choice(earlier)
        else:
            email = f"p{index}-{rng.randrange(10**6):06d}@example.com"
            earlier.append(email)
        body: dict[str, Any] = {
            "product": rng.choice(PRODUCTS),
            "contact": {
                "first_name": "Load",
                "last_name": f"Prospect{index}",
                "email": email,
                "phone": f"+39 0471 {rng.randrange(10**6):06d}",
                "street": f"Teststrasse {index % 200 + 1}",
                "postal_code": postal_code,
                "city": "Loadtown",
                "country": country,
            },
            "message": f"Inquiry {index}: please call {rng.randrange(10**7):07d}.",
            "language": "de",
            "consent": True,
        }
        if dealer_page:
            body["partner_id"] = first
        hq_offer = None
        if first is None and rng.random() >= SHARE_DISCARDED:
            hq_offer = rng.choice(PARTNERS)
        fate = "discard" if first is None and hq_offer is None else _pick(rng, fates, weights)
        offered = first or hq_offer
        second = None
        if fate in ("reject", "withdraw"):
            second = rng.choice([p for p in PARTNERS if p != offered])
        steps: tuple[str, ...] = ()
        if fate in ("accept", "reject", "withdraw") and rng.random() < SHARE_PROGRESS:
            steps = ("contacted", "offer_sent", rng.choice(("won", "lost")))[: rng.randint(1, 3)]
        keyed = rng.random() < SHARE_KEYED
        plans.append(
            Plan(
                index=index,
                body=body,
                first_partner=first,
                hq_offer=hq_offer,
                fate=fate,
                second_partner=second,
                reason=rng.choice(REASONS),
                steps=steps,
                key=f"load-{seed}-{index}-{uuid.UUID(int=rng.getrandbits(128)).hex}"
                if keyed
                else None,
                key_conflict=keyed and rng.random() < SHARE_KEY_CONFLICT,
                link_existing=rng.random() < 0.5,
            )
        )
    return plans


def _pick(rng: random.Random, values: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(values, weights=weights)[0]


# --- the stack -----------------------------------------------------------------------------


def serve_local(argv: list[str]) -> int:
    """`python bench/load.py --serve-local ARGS`: `python -m local ARGS` with the stack's
    CPU profiled (`--profile-stack`, bench/_stack_profile.py) from its first instant."""
    sys.path.insert(0, str(ROOT))
    profile = os.environ.get(PROFILE_ENV)
    if profile:
        sys.path.insert(0, str(ROOT / "bench"))
        from _stack_profile import StackProfile  # noqa: PLC0415

        StackProfile(Path(profile)).start()
    from local.__main__ import main as local_main  # noqa: PLC0415

    return local_main(argv)


class Stack:
    """`python -m local` on a free port with a fresh temporary data folder."""

    def __init__(self, *, stock_moto: bool = False) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="load-"))
        self.stdout = self.folder / "stdout.txt"
        self.stderr = self.folder / "stderr.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.pop("TABLE_NAME", None)
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    # The profile hook (--profile-stack) needs its own entry point.
                    *(
                        [__file__, "--serve-local"]
                        if os.environ.get(PROFILE_ENV)
                        else ["-m", "local"]
                    ),
                    "--port",
                    "0",
                    "--data-dir",
                    str(self.folder / "data"),
                    "--reset",
                    # No compaction while the load runs (one at the stop): each reads every
                    # item with the store held, seconds for a big table, and the run never
                    # restarts the stack from the snapshot.
                    "--compact-at",
                    str(NO_COMPACTION_BYTES),
                    *(["--stock-moto"] if stock_moto else []),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.url = self._wait_until_ready()

    def _wait_until_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local stack exited:\n{self.logs()}")
            text = self.stdout.read_text(errors="replace")
            found = re.search(r"API\s+(http://\S+)", text)
            if found and "Ctrl-C" in text:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(found.group(1) + "/_local/clock", timeout=5).ok:
                        return found.group(1)
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the local stack did not get ready:\n{self.logs()}")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the stack process so far (Linux), or None."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float | None:
        """The stack process's resident memory in MB (Linux), or None."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) / 1024 if found else None

    def logs(self) -> str:
        return (
            f"--- stdout\n{self.stdout.read_text(errors='replace')}\n"
            f"--- stderr (end)\n{self.stderr.read_text(errors='replace')[-3000:]}"
        )

    def stop(self) -> int | None:
        """SIGINT, as Ctrl-C; SIGKILL to the process group if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_S)
        return self.process.returncode


# --- HTTP with timings ---------------------------------------------------------------------


class Unexpected(Exception):
    """An answer other than the one the lifecycle calls for."""


@dataclass
class Answer:
    status: int
    body: Any
    text: str


class Client:
    """One `requests` session per thread; every call timed under an operation name."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self._lock = threading.Lock()
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        token: str | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        attempts: int = READ_ATTEMPTS,
        timeout: float = REQUEST_TIMEOUT_S,
    ) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            response = self._session().request(
                method, self.url + path, data=data, headers=sent, params=query, timeout=timeout
            )
            elapsed = time.perf_counter() - started
            with self._lock:
                self.timings[operation].append(elapsed)
                self.statuses[operation][response.status_code] += 1
            # A 503 says "retry later"; a read is safe to retry, a write is left to the audit.
            if response.status_code != 503 or method != "GET" or attempt == attempts:
                break
            time.sleep(RETRY_PAUSE_S)
        text = response.text
        parsed: Any = text
        if response.headers.get("Content-Type", "").startswith("application/json") and text:
            parsed = response.json()
        if response.status_code != expect:
            raise Unexpected(
                f"{operation}: {method} {path} answered {response.status_code}, "
                f"expected {expect}: {text[:300]}"
            )
        return Answer(response.status_code, parsed, text)

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), as the report does."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


# --- the load ------------------------------------------------------------------------------


class Load:
    """The clients driving the plans, and what they saw."""

    def __init__(self, client: Client, plans: list[Plan], clients: int) -> None:
        self.client = client
        self.plans = plans
        self.clients = clients
        self.outcomes = [Outcome() for _ in plans]
        self.tokens: dict[str, str] = {}
        self.problems: list[str] = []  # of the lists, which belong to no one inquiry
        self.finished = 0  # inquiries whose lifecycle has ended (well or not), for the progress
        self._lock = threading.Lock()

    def mint_tokens(self) -> None:
        self.tokens["hq"] = self.client.call(
            "token", "POST", "/_local/token", body={"role": "hq", "user_id": HQ_USER}
        ).body["token"]
        for partner in PARTNERS:
            self.tokens[partner] = self.client.call(
                "token", "POST", "/_local/token", body={"role": "partner", "partner_id": partner}
            ).body["token"]

    def run(self) -> None:
        work: queue.Queue[Plan] = queue.Queue()
        for plan in self.plans:
            work.put(plan)
        threads = [
            threading.Thread(target=self._client_loop, args=(number, work), daemon=True)
            for number in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _client_loop(self, number: int, work: queue.Queue[Plan]) -> None:
        rng = random.Random(number)
        handled = 0
        try:
            while True:
                try:
                    plan = work.get_nowait()
                except queue.Empty:
                    return
                outcome = self.outcomes[plan.index]
                try:
                    self._lifecycle(plan, outcome)
                    outcome.done = True
                except Unexpected as error:
                    outcome.problems.append(str(error))
                except requests.RequestException as error:
                    outcome.problems.append(f"transport: {error!r}")
                handled += 1
                with self._lock:
                    self.finished += 1
                try:
                    if handled % LIST_EVERY == 0:
                        self._partner_lists(rng.choice(PARTNERS))
                    if handled % HQ_LIST_EVERY == 0:
                        self._hq_lists()
                except (Unexpected, requests.RequestException) as error:
                    with self._lock:
                        self.problems.append(f"lists: {error}")
        finally:
            self.client.close()

    def _partner_lists(self, partner: str) -> None:
        """Two pages of the partner's inbox and its pending ones: its own only, as it may see."""
        token = self.tokens[partner]
        page = self.client.call(
            "list (partner, inbox)", "GET", "/inquiries", token=token, query={"limit": "25"}
        ).body
        items = page["items"]
        if page["next"]:
            items += self.client.call(
                "list (partner, inbox)",
                "GET",
                "/inquiries",
                token=token,
                query={"limit": "25", "cursor": page["next"]},
            ).body["items"]
        pending = self.client.call(
            "list (partner, pending)",
            "GET",
            "/inquiries",
            token=token,
            query={"status": "pending", "limit": "50"},
        ).body["items"]
        _expect(all(i["partner_id"] == partner for i in items + pending), f"{partner}: not own")
        _expect(
            all(i["contact"] is None for i in items + pending if i["status"] == "pending"),
            f"{partner}: a pending inquiry not anonymised",
        )
        deadlines = [i["deadline"] for i in pending]
        _expect(
            all(i["status"] == "pending" for i in pending) and deadlines == sorted(deadlines),
            f"{partner}: pending list not pending, earliest deadline first",
        )

    def _hq_lists(self) -> None:
        for status in ("unassigned", "returned"):
            self.client.call(
                "list (HQ, queue)",
                "GET",
                "/inquiries",
                token=self.tokens["hq"],
                query={"status": status, "limit": "50"},
            )

    def _lifecycle(self, plan: Plan, outcome: Outcome) -> None:
        call, hq = self.client.call, self.tokens["hq"]
        headers = {"Idempotency-Key": plan.key} if plan.key else None
        submitted = call(
            "submit", "POST", "/inquiries", body=plan.body, headers=headers, expect=201
        )
        inquiry_id = outcome.inquiry_id = submitted.body["id"]
        path = f"/inquiries/{inquiry_id}"
        if plan.key:
            again = call(
                "submit (same key, retried)",
                "POST",
                "/inquiries",
                body=plan.body,
                headers=headers,
                expect=201,
            )
            if again.body["id"] != inquiry_id:
                raise Unexpected(f"retry with key {plan.key} gave {again.body['id']}")
            if plan.key_conflict:
                other = {**plan.body, "message": "another body with the same key"}
                call(
                    "submit (same key, other body)",
                    "POST",
                    "/inquiries",
                    body=other,
                    headers=headers,
                    expect=409,
                )

        if plan.first_partner is None:
            seen = call("detail (HQ)", "GET", path, token=hq).body
            _expect(seen["status"] == "unassigned", f"{inquiry_id} not in HQ's queue: {seen}")
            if plan.fate == "discard":
                call("discard (HQ)", "POST", path + "/discard", body={"note": "load"}, token=hq)
                return
            assert plan.hq_offer is not None
            call(
                "assign (HQ, offer)",
                "POST",
                path + "/assign",
                body={"partner_id": plan.hq_offer},
                token=hq,
            )

        offered = plan.offered_to
        assert offered is not None
        token = self.tokens[offered]
        seen = call("detail (partner)", "GET", path, token=token).body
        _expect(
            seen["status"] == "pending" and seen["partner_id"] == offered and seen["anonymized"],
            f"{inquiry_id} not pending and anonymised for {offered}",
        )
        _expect(plan.body["contact"]["email"] not in json.dumps(seen), f"{inquiry_id} leaks")

        if plan.fate == "expire":
            return
        if plan.fate == "reject":
            call("reject", "POST", path + "/reject", body={"reason": plan.reason}, token=token)
            call("detail (HQ)", "GET", path, token=hq)
        if plan.fate in ("reject", "withdraw"):
            assert plan.second_partner is not None
            operation = (
                "assign (HQ, reassign)" if plan.fate == "reject" else "assign (HQ, withdraw)"
            )
            call(
                operation,
                "POST",
                path + "/assign",
                body={"partner_id": plan.second_partner},
                token=hq,
            )
            token = self.tokens[plan.second_partner]
            call("detail (partner)", "GET", path, token=token)

        accepted = call("accept", "POST", path + "/accept", token=token).body
        outcome.duplicates = accepted["duplicates"]
        outcome.contact_id = outcome.accepted_contact_id = accepted["inquiry"]["contact_id"]
        if outcome.duplicates:
            link: dict[str, Any] = (
                {"contact_id": outcome.duplicates[0]["contact_id"]}
                if plan.link_existing
                else {"new": True}
            )
            linked = call("contact (link)", "POST", path + "/contact", body=link, token=token).body
            outcome.contact_id = linked["contact_id"]
            outcome.linked = "contact_linked" if plan.link_existing else "contact_created"
        for step in plan.steps:
            call("progress", "POST", path + "/progress", body={"step": step}, token=token)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Unexpected(message)


# --- reports asked all along, and the progress -------------------------------------------


@dataclass
class Asked:
    """One report asked during the load: when, of what, how it was answered."""

    at: float  # seconds since the load began
    finished: int  # inquiries finished by then
    kind: str
    status: int
    seconds: float
    problem: str | None = None


class _Background:
    """A daemon thread running `_loop` between `start` and `stop` (which waits for it)."""

    name = "background"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._began = 0.0

    def start(self, began: float) -> None:
        self._began = began
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        raise NotImplementedError


class ReportWatch(_Background):
    """A manager asking the report while the load runs, at a steady pace, one attempt each.

    Every `every` seconds HQ's JSON report of the month; every fifth ask also the CSV,
    and every fifth (shifted) one partner's own report, the partners in turn. No
    retry: an answer other than `200` with the report's figures is a failure of the run.
    """

    name = "report-watch"

    def __init__(self, client: Client, load: Load, every: float) -> None:
        self.client = client
        self.load = load
        self.every = every
        self.asked: list[Asked] = []
        super().__init__()

    def stop(self) -> None:
        super().stop()
        self.client.close()

    def _loop(self) -> None:
        number = 0
        while not self._stop.wait(0 if number == 0 else self.every):
            self._ask("report (HQ, JSON) during the load", self.load.tokens["hq"], REPORT_PERIOD)
            if number % 5 == 2:
                self._ask(
                    "report (HQ, CSV) during the load",
                    self.load.tokens["hq"],
                    {**REPORT_PERIOD, "format": "csv"},
                )
            if number % 5 == 4:
                partner = PARTNERS[(number // 5) % len(PARTNERS)]
                self._ask(
                    "report (partner, JSON) during the load",
                    self.load.tokens[partner],
                    REPORT_PERIOD,
                )
            number += 1

    def _ask(self, kind: str, token: str, query: dict[str, str]) -> None:
        at = time.perf_counter() - self._began
        finished = self.load.finished
        started = time.perf_counter()
        status, problem = 0, None
        try:
            answer = self.client.call(
                kind, "GET", "/reports/response-times", token=token, query=query, attempts=1
            )
            status = answer.status
            if "CSV" in kind:
                if "total" not in answer.text:
                    problem = f"{kind}: no total row"
            elif not isinstance(answer.body, dict) or "total" not in answer.body:
                problem = f"{kind}: no total in {str(answer.body)[:200]}"
        except Unexpected as error:
            found = re.search(r"answered (\d+)", str(error))
            status = int(found.group(1)) if found else 0
            problem = str(error)
        except requests.RequestException as error:
            problem = f"{kind}: transport: {error!r}"
        self.asked.append(Asked(at, finished, kind, status, time.perf_counter() - started, problem))

    def problems(self) -> list[str]:
        return [a.problem or f"{a.kind}: status {a.status}" for a in self.asked if a.problem]

    def stretches(self, load_s: float, share: float = STRETCH) -> tuple[list[float], list[float]]:
        """HQ's JSON report times (s) asked in the first and in the last `share` of the load."""
        hq = [a for a in self.asked if a.kind.startswith("report (HQ, JSON)")]
        first = [a.seconds for a in hq if a.at < load_s * share]
        last = [a.seconds for a in hq if a.at >= load_s * (1 - share)]
        return first, last


class Progress(_Background):
    """A line every `every` seconds: inquiries finished, throughput and stack CPU per request
    in that window, the stack's memory, HQ's report times in the window. Kept as rows too,
    so growth with the stored data shows within one run."""

    name = "progress"

    def __init__(
        self, stack: Stack, client: Client, load: Load, watch: ReportWatch, every: float
    ) -> None:
        self.stack, self.client, self.load, self.watch = stack, client, load, watch
        self.every = every
        self.rows: list[dict[str, float]] = []
        super().__init__()

    def _requests(self) -> int:
        with self.client._lock:
            return sum(len(v) for v in self.client.timings.values())

    def _loop(self) -> None:
        last_t, last_cpu, last_requests, last_done = 0.0, self.stack.cpu_seconds() or 0.0, 0, 0
        last_asked = 0
        print(
            "| s | inquiries done | inquiries/s | requests/s | stack CPU ms/request "
            "| stack RSS MB | HQ report p50 ms |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            flush=True,
        )
        while not self._stop.wait(self.every):
            t = time.perf_counter() - self._began
            cpu = self.stack.cpu_seconds() or 0.0
            requests_now, done = self._requests(), self.load.finished
            asked = self.watch.asked[last_asked:]
            last_asked += len(asked)
            hq = [a.seconds for a in asked if a.kind.startswith("report (HQ, JSON)")]
            window = t - last_t
            made = max(requests_now - last_requests, 1)
            row = {
                "s": t,
                "done": done,
                "inquiries/s": (done - last_done) / window,
                "requests/s": (requests_now - last_requests) / window,
                "cpu ms/request": (cpu - last_cpu) * 1000 / made,
                "rss MB": self.stack.rss_mb() or 0.0,
                "report p50 ms": percentile(hq, 0.5) * 1000 if hq else float("nan"),
            }
            self.rows.append(row)
            print(
                "| "
                + " | ".join(f"{v:.1f}" if isinstance(v, float) else f"{v}" for v in row.values())
                + " |",
                flush=True,
            )
            last_t, last_cpu, last_requests, last_done = t, cpu, requests_now, done


# --- the audit -----------------------------------------------------------------------------


@dataclass
class Audit:
    problems: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    # partner -> outcome -> offers, rebuilt from the events
    offers: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def check(self, what: str, condition: bool, message: str) -> None:
        self.checked[what] += 1
        if not condition:
            self.fail(message)


def page_all(client: Client, token: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every item of HQ's list, following the cursors."""
    items: list[dict[str, Any]] = []
    query = {"limit": "100"}
    if status:
        query["status"] = status
    for _ in range(100_000):  # bounded: far more pages than any run has
        page = client.call("audit: list (HQ)", "GET", "/inquiries", token=token, query=query).body
        items.extend(page["items"])
        if not page["next"]:
            return items
        query["cursor"] = page["next"]
    raise RuntimeError("the list did not end")


def rebuild_offers(events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The offers of an inquiry from its events: who got it, how it ended, who decided."""
    offers: list[dict[str, Any]] = []
    problems: list[str] = []
    current: dict[str, Any] | None = None
    for event in events:
        action = event["action"]
        if action == "offered":
            if current is not None:
                problems.append(f"offer {event.get('offer')} made while offer {current} is open")
            current = {
                "seq": event.get("offer"),
                "partner_id": event.get("partner_id"),
                "deadline": event.get("deadline"),
                "outcome": "pending",
                "by": None,
                "offered_by": event["actor"],
            }
            offers.append(current)
        elif action in ("accepted", "rejected", "expired", "withdrawn"):
            if current is None or current["partner_id"] != event.get("partner_id"):
                problems.append(f"{action} for {event.get('partner_id')} without its open offer")
                continue
            current["outcome"], current["by"] = action, event["actor"]
            current = None
    seqs = [o["seq"] for o in offers]
    if seqs != list(range(1, len(offers) + 1)):
        problems.append(f"offer numbers {seqs}")
    return offers, problems


def audit_inquiry(
    audit: Audit, plan: Plan, outcome: Outcome, view: dict[str, Any], partner_user: str
) -> None:
    """One inquiry: its status, events and offers against each other and against the plan."""
    iid = view["id"]
    events = view["events"]
    actions = [e["action"] for e in events]
    offers, problems = rebuild_offers(events)
    for problem in problems:
        audit.fail(f"{iid}: {problem}")
    for offer in offers:
        audit.offers[offer["partner_id"]][offer["outcome"]] += 1
    channel = "dealer_page" if "partner_id" in plan.body else "website"
    audit.check(
        "received",
        actions[:1] == ["received"] and events[0]["actor"] == channel,
        f"{iid}: first event {events[:1]}",
    )
    audit.check("channel", view["channel"] == channel, f"{iid}: channel {view['channel']}")
    audit.check(
        "location",
        view["location"]["postal_code"] == plan.body["contact"]["postal_code"],
        f"{iid}: location {view['location']}",
    )

    # What the plan did, offer by offer: (partner, outcome).
    expected: list[tuple[str, str]] = []
    if plan.offered_to is not None:
        first = {
            "accept": "accepted",
            "reject": "rejected",
            "withdraw": "withdrawn",
            "expire": "expired",
        }[plan.fate]
        expected.append((plan.offered_to, first))
        if plan.second_partner:
            expected.append((plan.second_partner, "accepted"))
    got = [(o["partner_id"], o["outcome"]) for o in offers]
    audit.check("offers as planned", got == expected, f"{iid}: offers {got}, planned {expected}")
    if offers:
        by = "system" if plan.first_partner else HQ_USER
        audit.check(
            "offered by",
            offers[0]["offered_by"] == by,
            f"{iid}: first offer by {offers[0]['offered_by']}",
        )

    status = view["status"]
    audit.by_status[status] += 1
    if plan.fate == "discard":
        audit.check(
            "discarded",
            status == "discarded" and actions[-1] == "discarded",
            f"{iid}: {status}, {actions}",
        )
    elif plan.fate == "expire":
        last = next((e for e in reversed(events) if e["action"] == "expired"), None)
        audit.check(
            "expired by system",
            status == "returned"
            and view["return_reason"] == "expired"
            and last is not None
            and last["actor"] == "system"
            and last.get("deadline") == offers[-1]["deadline"]
            and offers[-1]["by"] == "system"
            and view["partner_id"] is None
            and view["deadline"] is None
            and view["contact_id"] is None,
            f"{iid}: not expired by the system: {status} {view['return_reason']} {actions}",
        )
    else:
        _audit_accepted(audit, plan, outcome, view, partner_user)
    if plan.fate == "reject":
        rejected = next(e for e in events if e["action"] == "rejected")
        audit.check(
            "reject reason", rejected.get("reason") == plan.reason, f"{iid}: reason {rejected}"
        )
    if plan.fate == "withdraw":
        withdrawn = next(e for e in events if e["action"] == "withdrawn")
        audit.check("withdrawn by HQ", withdrawn["actor"] == HQ_USER, f"{iid}: {withdrawn}")


def _audit_accepted(
    audit: Audit, plan: Plan, outcome: Outcome, view: dict[str, Any], partner_user: str
) -> None:
    iid, events = view["id"], view["events"]
    actions = [e["action"] for e in events]
    partner = plan.final_partner
    closes = bool(plan.steps) and plan.steps[-1] in ("won", "lost")
    audit.check(
        "accepted status",
        view["status"] == ("closed" if closes else "accepted") and view["partner_id"] == partner,
        f"{iid}: {view['status']} with {view['partner_id']}, planned accepted by {partner}",
    )
    at = actions.index("accepted") if "accepted" in actions else -1
    audit.check(
        "accepted + controllership",
        at >= 0
        and actions[at + 1 : at + 2] == ["controllership_transferred"]
        and events[at + 1].get("controller") == partner
        and events[at]["actor"] == partner_user,
        f"{iid}: accepted without controllership_transferred: {actions}",
    )
    created = [e for e in events if e["action"] == "contact_created"]
    linked = [e for e in events if e["action"] == "contact_linked"]
    if outcome.duplicates == []:
        audit.check(
            "contact on acceptance",
            actions[at + 2 : at + 3] == ["contact_created"]
            and len(created) == 1
            and not linked
            and created[0]["contact_id"] == view["contact_id"] == outcome.contact_id,
            f"{iid}: no contact created on acceptance without duplicates: {actions}",
        )
    else:
        kind = linked if outcome.linked == "contact_linked" else created
        audit.check(
            "contact after duplicates",
            outcome.accepted_contact_id is None
            and len(created) + len(linked) == 1
            and len(kind) == 1
            and kind[0]["contact_id"] == view["contact_id"] == outcome.contact_id,
            f"{iid}: duplicates {outcome.duplicates}, then {actions}",
        )
    steps = [e["step"] for e in events if e["action"] == "progress"]
    audit.check(
        "progress",
        steps == list(plan.steps) == [p["step"] for p in view["progress"]],
        f"{iid}: progress {steps}, planned {plan.steps}",
    )
    audit.check(
        "contact visible to HQ",
        view["contact"] is not None and view["contact"]["email"] == plan.body["contact"]["email"],
        f"{iid}: contact {view['contact']}",
    )


def audit_all(
    list_problems: list[str],
    client: Client,
    tokens: dict[str, str],
    plans: list[Plan],
    outcomes: list[Outcome],
    clients: int,
    report: dict[str, Any],
    report_csv: str,
    own_reports: dict[str, Any],
) -> Audit:
    audit = Audit()
    hq = tokens["hq"]
    for outcome in outcomes:
        for problem in outcome.problems:
            audit.fail(f"load: {problem}")
    for problem in list_problems:
        audit.fail(f"load: {problem}")

    # Exactly once: every 201 id in HQ's list once, and nothing else.
    created = [o.inquiry_id for o in outcomes if o.inquiry_id]
    listed = page_all(client, hq)
    listed_ids = [item["id"] for item in listed]
    audit.check(
        "201 ids distinct",
        len(set(created)) == len(created),
        f"{len(created) - len(set(created))} submissions got an id already given",
    )
    twice = [i for i, n in Counter(listed_ids).items() if n > 1]
    audit.check("listed once", not twice, f"listed more than once: {twice[:10]}")
    missing = set(created) - set(listed_ids)
    extra = set(listed_ids) - set(created)
    audit.check("none missing", not missing, f"{len(missing)} missing, e.g. {sorted(missing)[:5]}")
    audit.check("none extra", not extra, f"{len(extra)} not submitted, e.g. {sorted(extra)[:5]}")
    audit.check(
        "list complete",
        len(listed) == len(plans),
        f"{len(listed)} listed for {len(plans)} submitted",
    )

    # The status lists (another index) agree with the full list.
    statuses = Counter(item["status"] for item in listed)
    for status in ("unassigned", "pending", "accepted", "returned", "discarded", "closed"):
        ids = [item["id"] for item in page_all(client, hq, status)]
        audit.check(
            f"status list {status}",
            sorted(ids) == sorted(item["id"] for item in listed if item["status"] == status),
            f"?status={status} lists {len(ids)}, the full list has {statuses[status]}",
        )

    # Every inquiry's detail, read with the same number of clients.
    views: dict[int, dict[str, Any]] = {}
    failures: list[str] = []
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for plan, outcome in zip(plans, outcomes, strict=True):
        if outcome.inquiry_id:
            work.put((plan.index, outcome.inquiry_id))

    def read() -> None:
        try:
            while True:
                try:
                    index, inquiry_id = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    views[index] = client.call(
                        "audit: detail (HQ)", "GET", f"/inquiries/{inquiry_id}", token=hq
                    ).body
                except (Unexpected, requests.RequestException) as error:
                    failures.append(str(error))
        finally:
            client.close()

    threads = [threading.Thread(target=read, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in failures:
        audit.fail(f"audit read: {failure}")

    for plan, outcome in zip(plans, outcomes, strict=True):
        if not outcome.done or plan.index not in views:
            continue  # already a problem above
        audit_inquiry(audit, plan, outcome, views[plan.index], f"{plan.final_partner}-user")

    # The report against the offers rebuilt from the events.
    _audit_report(audit, report, report_csv, own_reports)
    return audit


def _audit_report(
    audit: Audit, report: dict[str, Any], report_csv: str, own_reports: dict[str, Any]
) -> None:
    keys = ("assigned", "accepted", "rejected", "expired", "pending")

    def figures(outcomes: Counter[str]) -> dict[str, int]:
        counted = {k: outcomes[k] for k in keys[1:]}
        return {"assigned": sum(outcomes.values()), **counted}

    rows = {row["partner_id"]: row for row in report["partners"]}
    audit.check(
        "report partners",
        set(rows) == set(audit.offers),
        f"report rows {sorted(rows)}, offers to {sorted(audit.offers)}",
    )
    total: Counter[str] = Counter()
    for partner, outcomes in audit.offers.items():
        total.update(outcomes)
        row = rows.get(partner, {})
        mine = {k: row.get(k) for k in keys}
        audit.check(
            f"report row {partner}",
            mine == figures(outcomes),
            f"report {partner}: {mine}, audit {figures(outcomes)}",
        )
        own = own_reports.get(partner, {}).get("partners", [])
        audit.check(
            f"own report {partner}",
            own == [row],
            f"{partner}'s own report differs from HQ's row: {own} vs {row}",
        )
    reported = {k: report["total"][k] for k in keys}
    audit.check(
        "report total",
        reported == figures(total),
        f"report total {reported}, audit {figures(total)}",
    )
    # The CSV is for German spreadsheets: a byte order mark, then `;` (docs/decisions.md).
    table = list(csv.DictReader(io.StringIO(report_csv.removeprefix("\ufeff")), delimiter=";"))
    csv_total = table[-1] if table else {}
    audit.check(
        "CSV total",
        csv_total.get("partner_id") == "total"
        and {k: int(csv_total.get(k) or -1) for k in keys} == reported,
        f"CSV total row {csv_total}, JSON {reported}",
    )
    audit.check(
        "CSV rows",
        [r["partner_id"] for r in table[:-1]] == sorted(rows),
        f"CSV rows {[r['partner_id'] for r in table]}",
    )


# --- the run -------------------------------------------------------------------------------


def table(client: Client, operations: list[str]) -> str:
    lines = [
        "| operation | requests | p50 ms | p90 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for operation in operations:
        values = client.timings.get(operation)
        if not values:
            continue
        ms = [v * 1000 for v in values]
        lines.append(
            f"| {operation} | {len(ms)} | {percentile(ms, 0.5):.1f} | {percentile(ms, 0.9):.1f}"
            f" | {percentile(ms, 0.99):.1f} | {max(ms):.1f} |"
        )
    return "\n".join(lines)


def report_verdict(watch: ReportWatch, load_s: float) -> list[str]:
    """Print the reports asked during the load; the problems: an ask not answered `200`
    with figures, or HQ's median at the end above `MAX_REPORT_GROWTH` times the start's."""
    asked = watch.asked
    by_status = Counter(a.status for a in asked)
    kinds = Counter(a.kind.split(" during")[0] for a in asked)
    print(
        f"Reports asked during the load: {len(asked)} (every {watch.every:g} s; "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        + "); answered: "
        + ", ".join(f"{status} x {n}" for status, n in sorted(by_status.items()))
    )
    problems = watch.problems()
    first, last = watch.stretches(load_s)
    share = f"{STRETCH:.0%}"
    if len(first) < 3 or len(last) < 3:
        print(
            f"HQ's JSON report, first and last {share} of the load: {len(first)} and "
            f"{len(last)} asks, too few to compare (a longer run, or a smaller --report-every)"
        )
        return problems
    start, end = percentile(first, 0.5) * 1000, percentile(last, 0.5) * 1000
    ratio = end / start
    print(
        f"HQ's JSON report, median over the first {share} of the load ({len(first)} asks): "
        f"{start:.1f} ms; over the last {share} ({len(last)} asks): {end:.1f} ms; "
        f"end/start {ratio:.2f} (at most {MAX_REPORT_GROWTH:g} passes)"
    )
    if ratio > MAX_REPORT_GROWTH:
        problems.append(
            f"HQ's report slowed down: median {end:.1f} ms at the end, {start:.1f} ms at the "
            f"start ({ratio:.2f}x, at most {MAX_REPORT_GROWTH:g}x)"
        )
    return problems


def stack_cost_growth(rows: list[dict[str, float]], load_s: float) -> str | None:
    """The stack's CPU per request over the first and the last tenth of the load (the
    progress windows ending in them, weighted by their requests), and the ratio: what
    each request costs the stack as the data grows. Shown, not judged: it moves with
    whatever else the machine runs."""

    def mean(window: list[dict[str, float]]) -> float | None:
        made = sum(r["requests/s"] for r in window)
        if not made:
            return None
        return sum(r["cpu ms/request"] * r["requests/s"] for r in window) / made

    start = mean([r for r in rows if r["s"] <= max(STRETCH * load_s, rows[0]["s"])] if rows else [])
    end = mean([r for r in rows if r["s"] >= (1 - STRETCH) * load_s])
    if start is None or end is None:
        return None
    return (
        f"Stack CPU per request, first {STRETCH:.0%} of the load: {start:.1f} ms; "
        f"last {STRETCH:.0%}: {end:.1f} ms; end/start {end / start:.2f}"
    )


@contextlib.contextmanager
def timed(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    phases[name] = time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inquiries", type=int, default=2000, help="how many (default 2000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seed", type=int, default=20261201, help="the plan's seed")
    parser.add_argument(
        "--stock-moto",
        action="store_true",
        help="`python -m local --stock-moto`: moto without the stack's speed-ups "
        "(local/emulator.py; its Query sorts the whole table: a quadratic run)",
    )
    parser.add_argument(
        "--report-every",
        type=float,
        default=REPORT_EVERY_S,
        help=f"seconds between the reports asked during the load (default {REPORT_EVERY_S:g})",
    )
    parser.add_argument(
        "--progress-every",
        type=float,
        default=PROGRESS_EVERY_S,
        help=f"seconds between progress lines (default {PROGRESS_EVERY_S:g})",
    )
    parser.add_argument(
        "--profile-stack",
        metavar="DIR",
        help="sample the stack process's busy threads and time its garbage collections, "
        "a summary per minute in DIR (bench/_stack_profile.py)",
    )
    args = parser.parse_args()
    if args.profile_stack:
        os.environ[PROFILE_ENV] = str(Path(args.profile_stack).resolve())
    if args.report_every <= 0 or args.progress_every <= 0:
        parser.error("--report-every and --progress-every must be positive")
    if args.inquiries < 1 or args.clients < 1:
        parser.error("--inquiries and --clients must be at least 1")

    started = time.perf_counter()
    plans = make_plans(args.inquiries, args.seed)
    stack = Stack(stock_moto=args.stock_moto)
    phases: dict[str, float] = {"start the stack": time.perf_counter() - started}
    result = 1
    try:
        result = run(
            stack,
            plans,
            args.clients,
            phases,
            started,
            report_every=args.report_every,
            progress_every=args.progress_every,
        )
    finally:
        code = stack.stop()
        kept = f"; its data and log kept in {stack.folder}" if result else ""
        print(f"\nstack stopped with SIGINT: exit status {code}{kept}")
    if code != 0:
        return 1
    if result == 0:
        shutil.rmtree(stack.folder, ignore_errors=True)
    return result


def run(
    stack: Stack,
    plans: list[Plan],
    clients: int,
    phases: dict[str, float],
    started: float,
    *,
    report_every: float = REPORT_EVERY_S,
    progress_every: float = PROGRESS_EVERY_S,
) -> int:
    client = Client(stack.url)
    load = Load(client, plans, clients)
    load.mint_tokens()
    client.call("clock", "POST", "/_local/clock", body={"now": START})
    hq = load.tokens["hq"]
    print(
        f"{len(plans)} inquiries, {clients} clients, stack at {stack.url}; running ...", flush=True
    )

    cpu_before, process_before = stack.cpu_seconds(), time.process_time()
    watch = ReportWatch(Client(stack.url), load, report_every)
    progress = Progress(stack, client, load, watch, progress_every)
    with timed(phases, "load"):
        began = time.perf_counter()
        watch.start(began)
        progress.start(began)
        try:
            load.run()
        finally:
            watch.stop()
            progress.stop()
    cpu_load = (stack.cpu_seconds() or 0) - (cpu_before or 0)
    client_load = time.process_time() - process_before
    load_operations = sorted(client.timings)
    load_requests = sum(len(v) for v in client.timings.values())

    expect_expired = sum(
        1 for p, o in zip(plans, load.outcomes, strict=True) if p.fate == "expire" and o.done
    )
    with timed(phases, "expire (clock +1 week)"):
        moved = client.call(
            "clock (+1 week, expiries fired)",
            "POST",
            "/_local/clock",
            body={"advance_hours": ADVANCE_HOURS},
            timeout=CLOCK_TIMEOUT_S,
        ).body
    with timed(phases, "reports"):
        report = client.call(
            "report (HQ, JSON)", "GET", "/reports/response-times", token=hq, query=REPORT_PERIOD
        ).body
        report_csv = client.call(
            "report (HQ, CSV)",
            "GET",
            "/reports/response-times",
            token=hq,
            query={**REPORT_PERIOD, "format": "csv"},
        ).text
        own = {
            partner: client.call(
                "report (partner, JSON)",
                "GET",
                "/reports/response-times",
                token=load.tokens[partner],
                query=REPORT_PERIOD,
            ).body
            for partner in PARTNERS
        }
    with timed(phases, "audit"):
        audit = audit_all(
            load.problems,
            client,
            load.tokens,
            plans,
            load.outcomes,
            clients,
            report,
            report_csv,
            own,
        )
        audit.check(
            "expiries fired",
            moved["fired"] == expect_expired,
            f"the clock move fired {moved['fired']}, expected {expect_expired}",
        )
    total = time.perf_counter() - started

    load_s = phases["load"]
    print()
    print(
        f"Load phase: {len(plans)} inquiries, {clients} clients, {load_requests} requests in "
        f"{load_s:.1f} s: {load_requests / load_s:.1f} requests/s, "
        f"{len(plans) / load_s:.2f} inquiries/s"
    )
    print(
        f"CPU during the load: stack {cpu_load:.1f} s ({cpu_load / load_s:.0%} of one core), "
        f"this script {client_load:.1f} s ({client_load / load_s:.0%})"
    )
    print()
    print(table(client, load_operations))
    print()
    print(table(client, [op for op in sorted(client.timings) if op not in load_operations]))
    print()
    print(table(watch.client, sorted(watch.client.timings)))
    print()
    print("| phase | seconds |\n| --- | ---: |")
    for name, seconds in phases.items():
        print(f"| {name} | {seconds:.1f} |")
    print(f"| **total** | **{total:.1f}** |")
    print()
    fates = Counter(p.fate for p in plans)
    print(
        "Plan: "
        + ", ".join(f"{k} {v}" for k, v in sorted(fates.items()))
        + f"; keyed {sum(1 for p in plans if p.key)}, dealer page "
        f"{sum(1 for p in plans if 'partner_id' in p.body)}, HQ queue "
        f"{sum(1 for p in plans if p.first_partner is None)}, with progress "
        f"{sum(1 for p in plans if p.steps)}"
    )
    duplicates = sum(1 for o in load.outcomes if o.duplicates)
    print(
        f"Accepted with duplicates: {duplicates}; expiries fired by the clock move: "
        f"{moved['fired']}"
    )
    print("Statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(audit.by_status.items())))
    keys = ("assigned", "accepted", "rejected", "expired", "pending")
    print(f"Report total: {json.dumps({k: report['total'][k] for k in keys})}")
    unexpected = {op: dict(c) for op, c in client.statuses.items() if len(c) > 1}
    if unexpected:
        print(f"Operations with more than one status (503s on reads were retried): {unexpected}")
    print()
    verdict = report_verdict(watch, load_s)
    growth = stack_cost_growth(progress.rows, load_s)
    if growth:
        print(growth)
    print()
    checks = sum(audit.checked.values())
    if verdict:
        for problem in verdict:
            audit.fail(problem)
    if audit.problems:
        print(f"AUDIT FAILED: {len(audit.problems)} problems in {checks} checks")
        for problem in audit.problems[:50]:
            print(f"  - {problem}")
        return 1
    print(
        f"AUDIT PASSED: {checks} checks over {len(plans)} inquiries "
        f"({len(audit.checked)} kinds), no problem"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-local"]:
        sys.exit(serve_local(sys.argv[2:]))
    sys.exit(main())

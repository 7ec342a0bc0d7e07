"""No acknowledged change loses its mail to a `kill -9`, nor to the snapshot after it.

The mails follow the stored changes through the table's stream (local/streams.py).
Here the stream poller cannot deliver: the stack runs one instance per function
(`--workers 1`) and the notify function's instance is stopped (SIGSTOP) before the
changes are made, so nothing is mailed before the kill, by construction rather than
by timing. The whole process group is killed (`kill -9`); the next start replays the
journal and folds it into a snapshot while no function can run (the workers' template
is stopped before it forks one), and is killed too: the undelivered records are then
only in the snapshot. The start after that mails every acknowledged change, each
mail once, and the new offer only where it is still pending.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from local import journal
from tests.e2e.stack import LocalStack, children_of
from tests.e2e.test_lifecycle import BAVARIA, SOUTH_TYROL, form, submit
from tests.e2e.test_mail import BAVARIA_ADDRESS, HQ_EMAIL, PARTNER_ADDRESS, mails_of

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-durability")]

WAIT_S = 60.0


def _descendants(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *_descendants(child)]
    return found


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _wait_for(find: object, what: str, process: subprocess.Popen[bytes]) -> int:
    """The first process `find()` names, waiting for it to appear."""
    assert callable(find)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = find()
        if found:
            return int(found[0])
        assert process.poll() is None, f"the stack exited before its {what} started"
        time.sleep(0.005)
    raise AssertionError(f"no {what} started")


def _hold_notify(stack: LocalStack) -> int:
    """Stop the notify function's one instance: from now on nothing is mailed."""
    pid = _wait_for(
        lambda: [
            p
            for p in _descendants(stack.process.pid)
            if _read(f"/proc/{p}/comm").strip() == "local-notify"
        ],
        "notify instance",
        stack.process,
    )
    os.kill(pid, signal.SIGSTOP)
    return pid


def _hold_every_function(held: list[int]) -> object:
    """A `meanwhile` for LocalStack.start: stop the workers' template before it can fork a
    function instance (it imports every handler first), so no function runs at all."""

    def hold(process: subprocess.Popen[bytes]) -> None:
        pid = _wait_for(
            lambda: [
                p
                for p in children_of(process.pid)
                if "local.worker" in _read(f"/proc/{p}/cmdline").replace("\0", " ")
            ],
            "workers' template",
            process,
        )
        os.kill(pid, signal.SIGSTOP)
        held.append(pid)

    return hold


def _kinds(stack: LocalStack, inquiry_id: str) -> Counter[tuple[str, str]]:
    return Counter((m["kind"], ",".join(m["to"])) for m in mails_of(stack, inquiry_id))


def test_every_acknowledged_change_is_mailed_once_after_a_kill_and_a_snapshot(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    stack = LocalStack.start(data_dir, "--reset", "--workers", "1")
    try:
        _hold_notify(stack)
        partner = stack.token("partner", SOUTH_TYROL)
        hq = stack.token("hq")
        bodies = {name: form() for name in "abcde"}
        bodies["e"]["contact"].update(postal_code="00184", city="Roma")  # no partner: HQ
        ids = {name: submit(stack, body) for name, body in bodies.items()}
        accepted = stack.post(f"/inquiries/{ids['b']}/accept", token=partner)
        assert accepted.status == 200, accepted.text
        rejected = stack.post(
            f"/inquiries/{ids['c']}/reject", {"reason": "no_capacity"}, token=partner
        )
        assert rejected.status == 200, rejected.text
        moved = stack.post(f"/inquiries/{ids['d']}/assign", {"partner_id": BAVARIA}, token=hq)
        assert moved.status == 200, moved.text
        # Acknowledged, and not one mail of them went: the poller could not deliver.
        assert all(mails_of(stack, i) == [] for i in ids.values())
    finally:
        stack.kill()

    # Started again with no function able to run: the journal is replayed and folded
    # into the snapshot (its older generations deleted), and nothing is mailed.
    held: list[int] = []
    stack = LocalStack.start(data_dir, meanwhile=_hold_every_function(held))
    try:
        assert held and not children_of(held[0]), "a function instance started"
        saved = json.loads((data_dir / "snapshot.json").read_text())
        assert journal.generations(data_dir) == [saved["journal"]], stack.logs()
        assert all(mails_of(stack, i) == [] for i in ids.values())
    finally:
        stack.kill()

    stack = LocalStack.start(data_dir)
    try:
        receipt = [("receipt", body["contact"]["email"]) for body in bodies.values()]
        expected = {
            "a": [("new_offer", PARTNER_ADDRESS)],  # still pending: the partner is told
            # Decided before the mail could go: no new offer, only the outcome.
            "b": [("accepted", bodies["b"]["contact"]["email"])],
            "c": [("returned", HQ_EMAIL)],
            "d": [("withdrawn", PARTNER_ADDRESS), ("new_offer", BAVARIA_ADDRESS)],
            "e": [("unassigned", HQ_EMAIL)],
        }
        wanted = {
            name: Counter([receipt[index], *expected[name]]) for index, name in enumerate(ids)
        }
        deadline = time.monotonic() + WAIT_S
        while True:
            got = {name: _kinds(stack, ids[name]) for name in ids}
            if all(got[name] >= wanted[name] for name in ids) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        time.sleep(1.5)  # a second copy of any of them would be in by now
        got = {name: _kinds(stack, ids[name]) for name in ids}
        assert got == wanted, stack.logs()
    finally:
        stack.kill()

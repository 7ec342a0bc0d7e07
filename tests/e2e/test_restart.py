"""Stopping and starting again: data survives, Ctrl-C and SIGTERM leave nothing behind."""

from __future__ import annotations

import signal
import socket
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.stack import LocalStack, alive, children_of
from tests.e2e.test_lifecycle import SOUTH_TYROL, form, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-restart")]


def refuses(url: str) -> bool:
    """Nothing listens at the URL's address any more."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=1):
            return False
    except OSError:
        return True


def test_data_survives_a_restart_and_stopping_leaves_nothing_behind(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStack.start(data_dir, "--reset")
    try:
        inquiry_id = submit(first, form(email="restart.person@example.com"))
        hq = first.token("hq")
        moved = first.post("/_local/clock", {"advance_hours": 5})
        moved_to = datetime.fromisoformat(moved.body["now"])
        children = children_of(first.process.pid)
    finally:
        code = first.stop()  # SIGINT, as Ctrl-C sends it
    assert code == 0, first.logs()
    assert not alive(first.process.pid)
    assert not [pid for pid in children if alive(pid)]
    assert refuses(first.url) and refuses(first.moto_url)
    assert "stopped" in first.stdout.read_text()

    second = LocalStack.start(data_dir)
    try:
        assert "restored from the snapshot" in second.banner
        # The signing key is kept too: a token from before the restart still works.
        kept = second.get(f"/inquiries/{inquiry_id}", token=hq)
        assert kept.status == 200, second.logs()
        assert kept.body["status"] == "pending"
        assert kept.body["partner_id"] == SOUTH_TYROL
        # The clock ran on from where it was set, while the stack was down too.
        now = datetime.fromisoformat(second.get("/_local/clock").body["now"])
        assert moved_to <= now < moved_to + timedelta(minutes=5)
        partners = second.get("/partners", token=hq).body["items"]
        assert len(partners) == 4
        # So is the key of the look-ups: the person is found by e-mail after the restart.
        email = "Restart.Person@EXAMPLE.com"
        found = second.get(f"/subjects?email={quote(email)}", token=hq)
        assert [i["id"] for i in found.body["inquiries"]] == [inquiry_id], second.logs()
    finally:
        code = second.signal(signal.SIGTERM)
    assert code == 0, second.logs()
    assert refuses(second.url) and refuses(second.moto_url)

    third = LocalStack.start(data_dir, "--reset", "--empty")
    try:
        hq = third.token("hq")
        assert third.get(f"/inquiries/{inquiry_id}", token=hq).status == 404
        assert third.get("/partners", token=hq).body["items"] == []
        assert "fresh, empty" in third.banner
    finally:
        assert third.stop() == 0, third.logs()

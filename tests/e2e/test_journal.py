"""The local store's journal, in process: what is journaled, and how a crash mid-write reads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from local import journal


def environ(method: str, target: str = "", path: str = "/") -> dict[str, object]:
    found: dict[str, object] = {"REQUEST_METHOD": method, "PATH_INFO": path}
    if target:
        found["HTTP_X_AMZ_TARGET"] = f"DynamoDB_20120810.{target}"
    return found


def test_every_call_that_can_change_data_is_journaled_and_reads_are_not() -> None:
    for action in ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"):
        assert journal.changes_data(environ("POST", action)), action
    for action in ("GetItem", "Query", "Scan", "TransactGetItems", "DescribeTable"):
        assert not journal.changes_data(environ("POST", action)), action
    # An action this list does not know is journaled: the safe side.
    assert journal.changes_data(environ("POST", "ExecuteStatement"))
    # The Scheduler's REST calls: only GETs read.
    assert journal.changes_data(environ("POST", path="/schedules/s1"))
    assert journal.changes_data(environ("DELETE", path="/schedules/s1"))
    assert not journal.changes_data(environ("GET", path="/schedules"))


def test_an_entry_keeps_what_is_needed_to_send_the_request_again() -> None:
    body = b'{"TableName":"inquiries","Item":{"pk":{"S":"\xc3\xa4"}}}'
    request = {
        **environ("POST", "PutItem"),
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-amz-json-1.0",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=local/20260101/eu-central-1/dynamodb",
        "HTTP_USER_AGENT": "Boto3/1.40",
        "wsgi.input": io.BytesIO(body),
    }
    entry = journal.request_entry(request, body)
    assert entry["headers"]["x-amz-target"] == "DynamoDB_20120810.PutItem"
    assert entry["headers"]["authorization"].endswith("/dynamodb")
    assert "user-agent" not in entry["headers"]
    assert journal.entry_body(entry) == body
    binary = journal.request_entry(request, b"\xff\x00")
    assert journal.entry_body(binary) == b"\xff\x00"


def test_an_entry_says_it_was_written_on_the_current_keys() -> None:
    entry = journal.request_entry(environ("POST", "PutItem"), b"{}")
    assert journal.keyed(entry)
    # An older version's entry (no marker) makes the start move the data onto the keys.
    assert not journal.keyed({k: v for k, v in entry.items() if k != "keys"})
    assert journal.keyed({"clock": {"simulated": "a", "real": "b"}})  # writes no items


def test_a_torn_last_entry_was_never_answered_and_is_skipped(tmp_path: Path) -> None:
    written = journal.Journal(tmp_path, 3)
    written.append({"clock": {"simulated": "a", "real": "b"}})
    written.append({"method": "POST", "path": "/", "headers": {}, "body": "{}"})
    written.close()
    path = tmp_path / journal.file_name(3)
    with path.open("ab") as file:
        file.write(b'{"method": "POST", "pa')  # the process died in the middle of this write
    assert len(list(journal.read(tmp_path, 3))) == 2
    assert journal.generations(tmp_path) == [3]


def test_an_unreadable_entry_before_the_end_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / journal.file_name(0)
    path.write_bytes(b'{"clock": {}}\nnot json\n{"clock": {}}\n')
    with pytest.raises(journal.BrokenJournal, match="line 2"):
        list(journal.read(tmp_path, 0))


def test_rotation_continues_in_the_next_generation(tmp_path: Path) -> None:
    written = journal.Journal(tmp_path, 0)
    written.append({"n": 1})
    assert written.rotate() == 1
    written.append({"n": 2})
    written.sync()
    written.close()
    assert journal.generations(tmp_path) == [0, 1]
    assert [e["n"] for g in (0, 1) for e in journal.read(tmp_path, g)] == [1, 2]


def test_a_change_is_announced_once_journaled_and_a_read_is_not(tmp_path: Path) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"{}"]

    store = journal.JournaledStore(app)
    store.journal = journal.Journal(tmp_path, 0)
    announced: list[tuple[str, int]] = []

    def listener(entry: dict[str, Any]) -> None:
        on_disk = len(list(journal.read(tmp_path, 0)))  # the pollers read what is durable
        announced.append((entry["headers"]["x-amz-target"], on_disk))

    store.on_change(listener)
    for action in ("GetItem", "PutItem", "Query", "TransactWriteItems"):
        request = {
            **environ("POST", action),
            "CONTENT_LENGTH": "2",
            "wsgi.input": io.BytesIO(b"{}"),
        }
        assert store(request, lambda *_: None) == [b"{}"]
    assert announced == [
        ("DynamoDB_20120810.PutItem", 1),
        ("DynamoDB_20120810.TransactWriteItems", 2),
    ]
    assert all(journal.changes_table(e) for e in journal.read(tmp_path, 0))
    assert not journal.changes_table(journal.request_entry(environ("DELETE", path="/s/a"), b""))
    store.journal.close()

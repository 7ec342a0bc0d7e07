"""The local store's journal: every change to the emulator is on disk before it is answered.

moto keeps its data in memory. In front of moto's server sits `JournaledStore`,
a WSGI wrapper that runs one emulator request at a time (as DynamoDB isolates
each request; moto's models are not thread-safe) and, for a request that can
change data, appends the request itself to the journal and applies it, then
fsyncs the journal before the answer goes back. A `kill -9` at any instant
therefore loses nothing that was answered: at the next start the snapshot is
loaded and the journal replayed in order; the emulator's conditional writes
decide the same way again, because they see the same state in the same order.
Moves of the simulated clock are journaled the same way, and so is how far the
stream poller has delivered the table's stream to the notify function
(`{"delivered": n}`, local/streams.py), so no acknowledged change loses its mail.

The journal comes in generations (`journal-00000003.jsonl`): a compaction
writes a snapshot that names the generation following it, and only then
deletes the older ones, so a crash at any point leaves a snapshot plus every
journal written since.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger("local.journal")

_NAME = re.compile(r"^journal-(\d{8})\.jsonl$")
# DynamoDB actions that only read; every other action is journaled (the safe default).
_DYNAMODB_READS = frozenset(
    {
        "BatchGetItem",
        "DescribeContinuousBackups",
        "DescribeEndpoints",
        "DescribeLimits",
        "DescribeTable",
        "DescribeTimeToLive",
        "GetItem",
        "ListTables",
        "ListTagsOfResource",
        "Query",
        "Scan",
        "TransactGetItems",
        # DynamoDB Streams (the local stream poller) only reads.
        "DescribeStream",
        "GetRecords",
        "GetShardIterator",
        "ListStreams",
    }
)
# Headers that say nothing about what the request does (and change with every call).
_DROPPED_HEADERS = frozenset(
    {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "content-length", "connection"}
)


# Every request entry says the keys of the version that journaled it (`"keys": KEYS`):
# this version's functions give every item its current keys (the sharded ones and the
# data subject's look-up keys). An entry without it was written by an older version, whose
# items the start must move onto the current keys (local/stack.py `_upgrade`); older
# versions ignore the field. A version that changes the keys again counts it up.
KEYS = 1


class BrokenJournal(ValueError):
    """A journal line other than the last cannot be read: the data folder was damaged."""


def file_name(generation: int) -> str:
    return f"journal-{generation:08d}.jsonl"


def generations(folder: Path) -> list[int]:
    """The journal generations in the folder, oldest first."""
    if not folder.is_dir():
        return []
    found = [_NAME.match(path.name) for path in folder.iterdir()]
    return sorted(int(m.group(1)) for m in found if m)


def changes_data(environ: dict[str, Any]) -> bool:
    """Whether an emulator request may change what is stored (then it is journaled)."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        # The JSON protocols (DynamoDB): `DynamoDB_20120810.PutItem`.
        return target.rsplit(".", 1)[-1] not in _DYNAMODB_READS
    # The REST protocols (EventBridge Scheduler): reads are GETs.
    return method not in ("GET", "HEAD", "OPTIONS")


def request_entry(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    """What the journal keeps of an emulator request: enough to send it again."""
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
            if name not in _DROPPED_HEADERS:
                headers[name] = str(value)
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    entry: dict[str, Any] = {
        "keys": KEYS,
        "method": str(environ.get("REQUEST_METHOD", "GET")),
        "path": str(environ.get("PATH_INFO", "/")),
        "query": str(environ.get("QUERY_STRING", "")),
        "headers": headers,
    }
    try:
        entry["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        entry["body64"] = base64.b64encode(body).decode()
    return entry


def keyed(entry: dict[str, Any]) -> bool:
    """Whether a request entry was journaled by a version that keys all it writes as this
    one does (a clock or stream checkpoint entry writes no items)."""
    return "clock" in entry or "delivered" in entry or entry.get("keys") == KEYS


def changes_table(entry: dict[str, Any]) -> bool:
    """Whether a journaled request went to DynamoDB (a JSON protocol: it names its action
    in `X-Amz-Target`), not to the Scheduler (REST)."""
    return "x-amz-target" in (entry.get("headers") or {})


def entry_body(entry: dict[str, Any]) -> bytes:
    if "body64" in entry:
        return base64.b64decode(entry["body64"])
    return str(entry.get("body", "")).encode("utf-8")


class Journal:
    """The open journal generation: appended to, synced, rotated. Thread-safe."""

    def __init__(self, folder: Path, generation: int) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self.generation = generation
        self.size = 0
        self._descriptor = self._open(generation)

    def _open(self, generation: int) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / file_name(generation)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.size = os.fstat(descriptor).st_size
        _sync_folder(self.folder)  # the new file's name is durable too
        return descriptor

    def append(self, entry: dict[str, Any]) -> None:
        """Write one entry (a single write: a crash leaves it whole or leaves a torn last line)."""
        line = (json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        with self._lock:
            written = 0
            while written < len(line):
                written += os.write(self._descriptor, line[written:])
            self.size += len(line)

    def sync(self) -> None:
        """Make everything appended so far durable (fdatasync; concurrent callers share it)."""
        with self._lock:
            descriptor = self._descriptor
        try:
            os.fdatasync(descriptor)
        except OSError:
            # Rotated and closed meanwhile: the rotation synced it before closing.
            if not self._closed(descriptor):
                raise

    def _closed(self, descriptor: int) -> bool:
        with self._lock:
            return descriptor != self._descriptor

    def rotate(self) -> int:
        """Close this generation (synced) and continue in the next; the new generation."""
        with self._lock:
            os.fdatasync(self._descriptor)
            old = self._descriptor
            self.generation += 1
            self._descriptor = self._open(self.generation)
            os.close(old)
            return self.generation

    def close(self) -> None:
        with self._lock:
            if self._descriptor >= 0:
                os.fdatasync(self._descriptor)
                os.close(self._descriptor)
                self._descriptor = -1


def read(folder: Path, generation: int) -> Iterator[dict[str, Any]]:
    """The entries of one generation in order; a torn last line (a crash mid-write) is skipped.

    A torn line was never answered: the answer goes back only after the whole line
    is written.
    """
    path = folder / file_name(generation)
    lines = path.read_bytes().split(b"\n")
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            if not any(rest.strip() for rest in lines[number + 1 :]):
                logger.warning("%s: a torn last entry (never answered) is skipped", path.name)
                return
            raise BrokenJournal(
                f"{path} line {number + 1} is unreadable; RESET=1 (--reset) starts clean"
            ) from None
        if not isinstance(entry, dict):
            raise BrokenJournal(f"{path} line {number + 1} is not an entry")
        yield entry


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Make renames and deletions in the folder durable."""
    _sync_folder(folder)


WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


@dataclass
class _Captured:
    status: str = ""
    headers: list[tuple[str, str]] | None = None


class JournaledStore:
    """moto's WSGI application, one request at a time, changes journaled before they answer."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        # One emulator request at a time: moto's models are not thread-safe (a failed
        # transaction restores a copy of the table taken when it began). The product's
        # races (a read, then a conditional write) still interleave between requests.
        self.lock = threading.RLock()
        self.journal: Journal | None = None
        self._listeners: list[Callable[[dict[str, Any]], None]] = []

    def on_change(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call `listener(entry)` after each request that can change data was applied (and
        journaled), before it is answered: the stack's pollers wait on this instead of
        asking the emulator again and again. A listener must be quick and must not fail.
        Restores and replays (before anything listens) are not announced."""
        self._listeners.append(listener)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        entry = request_entry(environ, body) if changes_data(environ) else None
        with self.lock:
            journal = self.journal
            if entry is not None and journal is not None:
                journal.append(entry)  # before applying it: what is seen is on disk
            answer = b"".join(self.app(environ, start_response))
        if entry is not None:
            if journal is not None:
                journal.sync()  # before the answer goes back (outside the lock: syncs are shared)
            for listener in self._listeners:
                listener(entry)
        return [answer]

    def replay(self, entry: dict[str, Any]) -> int:
        """Send a journaled request again, in this process (not journaled); its status."""
        captured = _Captured()

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            captured.status, captured.headers = status, headers

        body = entry_body(entry)
        environ = _environ(entry, body)
        with self.lock:
            b"".join(self.app(environ, start_response))
        return int(captured.status.split(" ", 1)[0] or 0)


def _environ(entry: dict[str, Any], body: bytes) -> dict[str, Any]:
    headers: dict[str, str] = entry.get("headers") or {}
    environ: dict[str, Any] = {
        "REQUEST_METHOD": entry["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": entry["path"],
        "QUERY_STRING": entry.get("query", ""),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ

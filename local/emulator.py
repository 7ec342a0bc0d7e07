"""moto, changed where it is slow for the local stack: what `python -m local` serves.

moto answers as DynamoDB does, but some of its ways grow with the data stored or cost
more per request than the whole of what the functions do; under the e2e tests and the
load bench the stack's main process (gateway, moto, journal) spent most of its CPU there.
`speed_up()`, applied by `python -m local` before moto's server starts (`--stock-moto`
leaves moto as it is), changes these, each in a function below with its why:

- `moto_queries_read_partitions`: a Query reads the partition it asks for (bisecting the
  sorted keys of a big one, cutting a page before moto sorts it; an index Query bisects
  the index partition's sorted entries, `_SortedIndexes`) instead of sorting the whole
  table;
- `moto_streams_drop_what_was_read`: the stream forgets what its one reader has read;
- `moto_sizes_new_items_once`: a new item's size is summed once, not once per attribute;
- `moto_answers_reads_plainly`: reads are answered with `json.dumps` instead of moto's
  serializer;
- `moto_projects_plainly`: projections copy the attributes named;
- `moto_finds_services_once`: moto lists its services once, not per request;
- `moto_knows_its_actions`: each handler's method names are listed once, not per request;
- `DirectDynamo` (local/aws.py serves with it, also unless `--stock-moto`): a DynamoDB
  or DynamoDB Streams request goes straight to moto's handler, not through Flask;
- request headers are read by local/headers.py (local/aws.py installs it unless
  `--stock-moto`; the gateway's server installs it in any case, and it is process-wide, so
  under `python -m local --stock-moto` moto's server reads them so too: the same messages);
- `keeps_alive` (local/aws.py serves with it, also unless `--stock-moto`): moto's server
  keeps a client's connection open for its next request (werkzeug closes it after each:
  a new connection and thread per emulator call).

None changes what a client sees: tests/e2e/test_local_emulator_answers.py runs the same
writes, Queries, item reads and stream reads on stock and changed moto and compares
boto3's parsed answers. The patches that change behaviour or memory rather than speed
(a transaction backs up what it touches, honours its token, models are not kept) are
in local/aws.py and always apply.
"""

from __future__ import annotations

import base64
import bisect
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


def speed_up() -> None:
    """Apply every change of this module to moto (each only once; moto may be imported)."""
    moto_queries_read_partitions()
    moto_streams_drop_what_was_read()
    moto_answers_reads_plainly()
    moto_projects_plainly()
    moto_finds_services_once()
    moto_knows_its_actions()
    moto_sizes_new_items_once()


def keeps_alive(handler: type[Any]) -> type[Any]:
    """moto's request handler (a werkzeug one), keeping the connection open between requests.

    werkzeug's development server answers every request with `Connection: close` and then
    reads the socket dry for 10 ms (it cannot tell an unread body from the next request);
    so each of boto3's calls to the emulator (a few per API request, from the workers and
    the stack's own clients) opened a new connection, which the server accepted and
    served in a new thread: about a fifth of the stack's main process CPU (sampled while
    holding the GIL), and the workers' connecting on top. Here the application is the
    journaled store (local/journal.py), which always reads the whole `Content-Length`
    body first, so the next request on the connection is where it should be: the answer
    (headers and body in one write) keeps the connection open unless the client asked to
    close or the application failed. A chunked request goes to werkzeug's own way, as
    before. An idle connection ends after a minute, as the gateway's do.
    """

    class KeepAlive(handler):  # type: ignore[misc,valid-type]
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        timeout = 60

        def run_wsgi(self) -> None:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                super().run_wsgi()  # dechunked, drained and closed, as werkzeug does
                return
            if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.environ = environ = self.make_environ()
            answer: list[Any] = ["500 INTERNAL SERVER ERROR", []]
            written: list[bytes] = []

            def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
                answer[:] = [status, headers]
                return written.append

            try:
                chunks = list(self.server.app(environ, start_response))
                body = b"".join([*written, *chunks])
            except Exception:
                logging.getLogger("local.emulator").exception("an emulator request failed")
                answer[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")]]
                body = b"Internal Server Error"
                self.close_connection = True
            status, headers = answer
            code, _, reason = str(status).partition(" ")
            self.send_response(int(code), reason)
            for key, value in headers:
                if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            # end_headers(), with the body in the same write (http.server's header buffer).
            self._headers_buffer.append(b"\r\n")
            if self.command != "HEAD":
                self._headers_buffer.append(body)
            self.flush_headers()

        def log_request(self, *args: Any) -> None:
            return  # werkzeug's logger drops it anyway (local/aws.py); formatting it costs

        def log_error(self, format: str, *args: Any) -> None:
            if format.startswith("Request timed out"):
                return  # an idle kept-alive connection ending: not an error
            super().log_error(format, *args)

    KeepAlive.__name__ = KeepAlive.__qualname__ = f"KeepAlive{handler.__name__}"
    return KeepAlive


class DirectDynamo:
    """moto's WSGI application, with DynamoDB's JSON protocol served by moto's handler itself.

    moto's server finds the backend of a request (from its signature) and hands the
    request to that backend's Flask application, which makes a request and an
    application context, matches the one URL (`/`), calls the handler's `dispatch` and
    wraps its `(status, headers, body)` in a Flask response: for DynamoDB's small
    requests that was about a fifth of the stack's main process CPU (py-spy, sampled
    while holding the GIL, in tests/e2e/test_schemathesis.py), more than moto's own
    work on them. Here the backend is still found by moto's dispatcher, and a POST to
    `/` for DynamoDB or DynamoDB Streams is handed to the same `dispatch`, with the
    same request class and the same response class; anything else (the Scheduler's
    REST calls, other paths, a browser's CORS request) goes to moto's application as
    before. The answers are the same, byte for byte (tests/e2e/test_local_emulator_direct.py
    compares them with moto's application's; tests/e2e/test_local_emulator_answers.py
    compares what boto3 parses with stock moto's), and the journal still sees every
    request in the order served: it wraps this application.
    """

    def __init__(self, app: Any) -> None:
        from botocore.exceptions import ClientError  # noqa: PLC0415
        from flask import Response  # noqa: PLC0415  (moto's server imports it anyway)
        from moto.dynamodb.responses import DynamoHandler  # noqa: PLC0415
        from moto.dynamodbstreams.responses import DynamoDBStreamsHandler  # noqa: PLC0415
        from moto.moto_api import recorder  # noqa: PLC0415
        from moto.moto_server.werkzeug_app import BackendRequest  # noqa: PLC0415
        from moto.settings import DISABLE_GLOBAL_CORS  # noqa: PLC0415

        self.app = app
        # What moto's CORS extension adds to every answer of a request without an Origin.
        self._cors = [] if DISABLE_GLOBAL_CORS else [("Access-Control-Allow-Origin", "*")]
        self._handlers = {"dynamodb": DynamoHandler, "dynamodbstreams": DynamoDBStreamsHandler}
        self._request = BackendRequest
        self._response = Response
        self._recorder = recorder  # moto's request recorder (off unless asked for)
        self._client_error = ClientError

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        handler = None
        if (
            environ.get("REQUEST_METHOD") == "POST"
            and environ.get("PATH_INFO") == "/"
            and "HTTP_X_AMZ_TARGET" in environ
            and "HTTP_ORIGIN" not in environ  # CORS: Flask's extension answers those
        ):
            backend = self.app.get_application(environ)
            handler = self._handlers.get(getattr(backend, "service", None))
        if handler is None:
            return self.app(environ, start_response)
        # What moto's `convert_to_flask_response` does, without Flask around it.
        request = self._request(environ)
        self._recorder._record_request(request)
        try:
            result = handler.dispatch(request, request.raw_url, dict(request.headers))
        except self._client_error as error:
            result = 400, {}, error.response["Error"]["Message"]
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = self._response(response=content, status=status, headers=headers)
        response.headers.extend(self._cors)
        return response(environ, start_response)


def moto_queries_read_partitions() -> None:  # noqa: PLR0915  (a closure per method wrapped)
    """Make moto's Query read the partition it asks for instead of sorting the whole table.

    moto answers every Query (on the table or on an index) by sorting every item of
    the table, comparing `DynamoType`s in Python, and then filtering: each request
    gets slower with every item stored, so the run would be quadratic (stock: about
    30 ms of stack CPU per request at 100 inquiries, 90 ms at 600). DynamoDB does not
    do that. Within a Query only, `Table.all_items` here answers the candidates
    unsorted: for the table's key, that one partition; for an index, the page's items
    read from the partition's sorted entries (`_SortedIndexes`), or, where those cannot
    answer, the items whose string key attribute equals the query's, found in a map of
    each index's partition key kept up to date by every write (`_IndexMaps`). The range
    key condition is applied to the candidates first, with moto's own comparison, so a
    Query of a few items in a big partition (a partner's contacts by e-mail) does not
    sort the whole partition. moto still filters the candidates and sorts them by the
    full key (index keys, then the table's), which is unique, so the pages hold the same
    items in the same order (a page that ends at the last match may no longer be
    followed by an empty one; tests/e2e/test_local_emulator_answers.py). A Scan (the
    snapshot) still gets moto's sorted list.
    """
    import inspect  # noqa: PLC0415

    from moto.dynamodb.models import DynamoDBBackend  # noqa: PLC0415
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    query, all_items = Table.query, Table.all_items
    if getattr(query, "reads_partitions", False):
        return
    signature = inspect.signature(query)
    asked = threading.local()
    maps = _IndexMaps()

    def partition_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs).arguments
        asked.key = _Asked(
            hash_key=bound.get("hash_key"),
            index_name=bound.get("index_name"),
            conditions=list(bound.get("hash_key_conditions") or ()),
            comparison=bound.get("range_comparison"),
            values=list(bound.get("range_objs") or ()),
            range_names=[name for name, _, _ in bound.get("range_key_conditions") or ()],
            limit=bound.get("limit"),
            start=bound.get("exclusive_start_key"),
            forward=bound.get("scan_index_forward") is not False,
            plain_filter=not bound.get("filter_kwargs"),
        )
        try:
            return query(self, *args, **kwargs)
        finally:
            asked.key = None

    def candidates(self: Any) -> list[Any]:
        key: _Asked | None = getattr(asked, "key", None)
        if key is None:
            return all_items(self)
        if key.index_name is None and key.hash_key is not None:
            stored = self.items.get(key.hash_key)  # .get: never add to moto's defaultdict
            if stored is None:
                return []
            if self.range_key_attr is None:
                return key.page(key.in_range([stored], None), None)
            found = ordered.in_range(self, key.hash_key, stored, key)
            if found is None:
                found = key.in_range(list(stored.values()), self.range_key_attr)
            return key.page(found, [self.range_key_attr])
        found = entries.in_range(self, key)
        if found is not None:
            return found
        found = maps.candidates(self, key.conditions)
        if found is None:  # no string key to look up: every item, as moto does
            found = [i for s in self.items.values() for i in _partition_items(self, s)]
        wanted = [(name, value.value) for name, value in key.conditions if value.type == "S"]
        found = [
            item
            for item in found
            if all(getattr(item.attrs.get(name), "value", None) == v for name, v in wanted)
        ]
        found = key.in_range(found, _index_range_attr(self, key.index_name))
        return key.page(found, _index_order(self, key.index_name))

    put_item, delete_item = Table.put_item, Table.delete_item
    update_item = DynamoDBBackend.update_item
    transact_write_items = DynamoDBBackend.transact_write_items
    ordered = _SortedPartitions()

    entries = _SortedIndexes()

    def indexed_put(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = put_item(self, *args, **kwargs)
        maps.add(self, item)
        ordered.added(self, item)
        entries.changed(self, (item.hash_key, item.range_key))
        return item

    def ordered_delete(self: Any, hash_key: Any, range_key: Any) -> Any:
        item = delete_item(self, hash_key, range_key)
        ordered.removed(self, hash_key, range_key)
        entries.changed(self, (hash_key, range_key))
        return item

    def transact(self: Any, transact_items: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return transact_write_items(self, transact_items, *args, **kwargs)
        except Exception:
            # Cancelled: the items it touched are put back behind moto's methods (the
            # local stack's rollback, local/aws.py, after this): the sorted keys are made
            # afresh, and the index entries of the items it names are placed again
            # before the next index Query.
            ordered.forget()
            for name, keys in transaction_keys(self, transact_items).items():
                entries.unsure(self.tables[name], keys)
            raise

    def indexed_update(self: Any, *args: Any, **kwargs: Any) -> Any:
        table = self.get_table(args[0] if args else kwargs["table_name"])
        try:
            item = update_item(self, *args, **kwargs)  # changes the stored item in place
        except Exception:
            # moto may have changed the item before failing (an item grown too large)
            key = args[1] if len(args) > 1 else kwargs.get("key")
            found = table_key(table, key) if isinstance(key, dict) else None
            if found is not None:
                entries.unsure(table, {found})
            raise
        maps.add(table, item)
        entries.changed(table, (item.hash_key, item.range_key))
        return item

    partition_query.reads_partitions = True  # type: ignore[attr-defined]
    Table.query = partition_query  # type: ignore[method-assign]
    Table.all_items = candidates  # type: ignore[method-assign]
    Table.put_item = indexed_put  # type: ignore[method-assign]
    Table.delete_item = ordered_delete  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = transact  # type: ignore[method-assign]
    DynamoDBBackend.update_item = indexed_update  # type: ignore[method-assign]


@dataclass
class _Asked:
    """What the Query running in this thread asks for."""

    hash_key: Any
    index_name: str | None
    conditions: list[tuple[str, Any]]  # the partition key attribute(s) and value(s)
    comparison: str | None  # the sort key condition, as moto names it
    values: list[Any]
    range_names: list[str]
    limit: int | None = None
    start: dict[str, Any] | None = None  # ExclusiveStartKey, as DynamoDB's JSON
    forward: bool = True
    plain_filter: bool = True  # no legacy QueryFilter, which moto applies with the limit
    in_range_done: bool = False  # the sort key condition is applied: only matches are left

    def in_range(self, items: list[Any], range_attr: str | None) -> list[Any]:
        """The items whose sort key meets the condition, compared as moto compares it later.

        Only for a plain condition on the one sort key moto checks (`range_attr`); anything
        else is left to moto as it is.
        """
        if not self.comparison:
            self.in_range_done = True
            return items
        if range_attr is None:
            return items
        if self.range_names and self.range_names[-1] != range_attr:
            return items
        if len(self.range_names) > 1:
            return items  # a multi-attribute key: moto's own rules
        self.in_range_done = True
        text = _TEXT_COMPARISONS.get(self.comparison)
        if text is not None and self.values and all(v.type == "S" for v in self.values):
            # On plain strings (a partner's contact keys run to thousands per partition):
            # the same comparison moto makes on string values, without its value objects.
            wanted = [v.value for v in self.values]
            return [
                item
                for item in items
                if (value := item.attrs.get(range_attr)) is not None
                and value.type == "S"
                and text(value.value, *wanted)
            ]
        kept = []
        for item in items:
            value = item.attrs.get(range_attr)
            if value and value.compare(self.comparison, self.values):
                kept.append(item)
        return kept

    def page(self, items: list[Any], order: list[str] | None) -> list[Any]:
        """Of the matching items, only those moto's page can hold: after the start key, and
        one more than the limit (so that moto still sees whether another page follows).

        moto sorts every candidate by its key values (`DynamoType` comparisons, in Python)
        and then walks the list from the start to the ExclusiveStartKey: for a page of an
        inbox of thousands of items, most of the request. Here the same order is taken on
        plain strings, in C, and moto then sorts and pages the few left exactly as it
        would have. Only where that order is certain: every sort attribute (`order`, as
        moto's `_generate_attr_to_sort_by` lists them) a string on every item and in the
        start key, the sort key condition already applied, and no legacy QueryFilter.
        """
        if (
            self.limit is None
            or order is None
            or not self.in_range_done
            or not self.plain_filter
            or len(items) <= self.limit + 1
        ):
            return items
        keyed = []
        for item in items:
            values = [item.attrs.get(name) for name in order]
            if any(v is None or v.type != "S" for v in values):
                return items
            keyed.append((tuple(v.value for v in values), item))
        keyed.sort(key=lambda pair: pair[0], reverse=not self.forward)
        if self.start is not None:
            start = [self.start.get(name) for name in order]
            if any(not isinstance(v, dict) or set(v) != {"S"} for v in start):
                return items
            after = tuple(v["S"] for v in start)
            # moto skips the items that come before the start key or are it
            keyed = [(k, i) for k, i in keyed if (k > after if self.forward else k < after)]
        return [item for _, item in keyed[: self.limit + 1]]


# moto's comparisons of a string sort key (moto/dynamodb/comparisons.py), on plain strings.
_TEXT_COMPARISONS: dict[str, Callable[..., bool]] = {
    "EQ": lambda v, w: v == w,
    "=": lambda v, w: v == w,
    "LE": lambda v, w: v <= w,
    "<=": lambda v, w: v <= w,
    "LT": lambda v, w: v < w,
    "<": lambda v, w: v < w,
    "GE": lambda v, w: v >= w,
    ">=": lambda v, w: v >= w,
    "GT": lambda v, w: v > w,
    ">": lambda v, w: v > w,
    "BEGINS_WITH": lambda v, w: v.startswith(w),
    "BETWEEN": lambda v, low, high: low <= v <= high,
}


def _partition_items(table: Any, stored: Any) -> list[Any]:
    return list(stored.values()) if table.range_key_attr is not None else [stored]


def _index_range_attr(table: Any, index_name: str | None) -> str | None:
    """The sort key attribute of an index (None without one: then moto's rules apply)."""
    for index in table.all_indexes():
        if index.name == index_name:
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            return ranges[0] if len(ranges) == 1 else None
    return None


class _SortedPartitions:
    """The string sort keys of each big partition of a table, kept sorted for a bisect.

    A partner's partition holds its address book (four items per contact, thousands after
    a few thousand inquiries), and each accept asks it by a sort key prefix a few times:
    walking the whole partition per Query grew with every contact. DynamoDB reads such a
    range from its sorted keys; so does this, for a partition of at least `BIG` items:
    the sorted list is made on the first such Query and kept by every put and delete
    (`Table.put_item`, `Table.delete_item`, which transactions and updates go through),
    made afresh when its length disagrees with the partition's or after a cancelled
    transaction (whose rollback puts items back directly). Runs inside moto's requests,
    which the local stack serialises.
    """

    BIG = 256

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], list[str]] = {}
        self._owners: dict[str, Any] = {}  # table name -> the table object the keys are of

    def _held(self, table: Any) -> None:
        """Forget a table's keys when the table under its name is another object (a test
        puts a copy back, moto restores its copy after a cancelled transaction)."""
        if self._owners.get(table.name) is not table:
            for name in [n for n in self._keys if n[0] == table.name]:
                del self._keys[name]
            self._owners[table.name] = table

    @staticmethod
    def _name(table: Any, hash_key: Any) -> tuple[str, str] | None:
        if hash_key is None or hash_key.type != "S":
            return None
        return (table.name, hash_key.value)

    def forget(self) -> None:
        self._keys.clear()

    def added(self, table: Any, item: Any) -> None:
        self._held(table)
        name = self._name(table, getattr(item, "hash_key", None))
        keys = self._keys.get(name) if name else None
        if keys is None:
            return
        range_key = item.range_key
        if range_key is None or range_key.type != "S":
            self._keys.pop(name, None)  # type: ignore[arg-type]
            return
        at = bisect.bisect_left(keys, range_key.value)
        if at == len(keys) or keys[at] != range_key.value:
            keys.insert(at, range_key.value)

    def removed(self, table: Any, hash_key: Any, range_key: Any) -> None:
        self._held(table)
        name = self._name(table, hash_key)
        keys = self._keys.get(name) if name else None
        if keys is None or range_key is None or range_key.type != "S":
            return
        at = bisect.bisect_left(keys, range_key.value)
        if at < len(keys) and keys[at] == range_key.value:
            del keys[at]

    def in_range(self, table: Any, hash_key: Any, stored: Any, asked: _Asked) -> list[Any] | None:
        """The partition's items meeting the sort key condition, or None (then walk it)."""
        self._held(table)
        name = self._name(table, hash_key)
        bounds = _TEXT_BOUNDS.get(asked.comparison or "")
        if (
            name is None
            or bounds is None
            or len(stored) < self.BIG
            or len(asked.range_names) > 1
            or (asked.range_names and asked.range_names[-1] != table.range_key_attr)
            or not asked.values
            or any(v.type != "S" for v in asked.values)
        ):
            return None
        keys = self._keys.get(name)
        if keys is None or len(keys) != len(stored):
            if any(k.type != "S" for k in stored):
                return None
            keys = self._keys[name] = sorted(k.value for k in stored)
        from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415

        low, high = bounds(keys, *(v.value for v in asked.values))
        found = []
        for value in keys[low:high]:
            item = stored.get(DynamoType({"S": value}))
            if item is not None:
                found.append(item)
        asked.in_range_done = True
        return found


def _begins_with(keys: Any, prefix: str) -> tuple[int, int]:
    """The slice of sorted string `keys` that begin with `prefix`: they run from the prefix
    itself to the first string above every one of them (the prefix with its last character
    one higher), so both ends are bisected."""
    low = bisect.bisect_left(keys, prefix)
    if not prefix:
        return low, len(keys)
    if ord(prefix[-1]) == 0x10FFFF:  # no higher character: walk the matches
        high = low
        while high < len(keys) and keys[high].startswith(prefix):
            high += 1
        return low, high
    above = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return low, bisect.bisect_left(keys, above, lo=low)


# The slice of sorted string keys each sort key condition keeps (moto's names for them).
_TEXT_BOUNDS: dict[str, Callable[..., tuple[int, int]]] = {
    "EQ": lambda k, w: (bisect.bisect_left(k, w), bisect.bisect_right(k, w)),
    "LE": lambda k, w: (0, bisect.bisect_right(k, w)),
    "LT": lambda k, w: (0, bisect.bisect_left(k, w)),
    "GE": lambda k, w: (bisect.bisect_left(k, w), len(k)),
    "GT": lambda k, w: (bisect.bisect_right(k, w), len(k)),
    "BEGINS_WITH": _begins_with,
    "BETWEEN": lambda k, low, high: (bisect.bisect_left(k, low), bisect.bisect_right(k, high)),
}
for _symbol, _name in (("=", "EQ"), ("<=", "LE"), ("<", "LT"), (">=", "GE"), (">", "GT")):
    _TEXT_BOUNDS[_symbol] = _TEXT_BOUNDS[_name]


def _index_order(table: Any, index_name: str | None) -> list[str] | None:
    """The attributes moto sorts an index Query's items by: the index's partition and
    sort key, then the table's (moto's `_generate_attr_to_sort_by`); None for an index
    with more than one of either, where moto's own rules apply."""
    for index in table.all_indexes():
        if index.name == index_name:
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            if len(hashes) != 1 or len(ranges) != 1:
                return None
            table_keys = [table.hash_key_attr, table.range_key_attr]
            return [*hashes, *ranges, *(k for k in table_keys if k)]
    return None


class _IndexMaps:
    """For each table, each index partition key's string values -> the table keys holding them.

    Built from every item on a table's first index Query, then added to by every write
    (`Table.put_item`, `DynamoDBBackend.update_item`, which transactions and batches go
    through). Entries are never removed on a write, so the map always holds at least
    every item with that value (also after a cancelled transaction puts the old items
    back); a look-up reads the items at those keys now and drops the keys whose item is
    gone or holds another value. Runs inside moto's requests, which the local stack
    serialises (local/journal.py), so it needs no lock of its own.
    """

    def __init__(self) -> None:
        # table name -> (the table object the maps are of, the maps): a table put back
        # under its name as another object (a copy) gets its maps made afresh.
        self._tables: dict[str, tuple[Any, dict[str, dict[str, set[tuple[Any, Any]]]]]] = {}

    @staticmethod
    def _attributes(table: Any) -> list[str]:
        return sorted(
            {
                k["AttributeName"]
                for i in table.all_indexes()
                for k in i.schema
                if k["KeyType"] == "HASH"
            }
        )

    def _of(self, table: Any) -> dict[str, dict[str, set[tuple[Any, Any]]]]:
        held = self._tables.get(table.name)
        if held is not None and held[0] is table:
            return held[1]
        maps: dict[str, dict[str, set[tuple[Any, Any]]]] = {a: {} for a in self._attributes(table)}
        for stored in table.items.values():
            for item in _partition_items(table, stored):
                self._add(maps, item)
        self._tables[table.name] = (table, maps)
        return maps

    @staticmethod
    def _add(maps: dict[str, dict[str, set[tuple[Any, Any]]]], item: Any) -> None:
        key = (item.hash_key, item.range_key)
        for attribute, by_value in maps.items():
            value = item.attrs.get(attribute)
            if value is not None and value.type == "S":
                by_value.setdefault(value.value, set()).add(key)

    def add(self, table: Any, item: Any) -> None:
        held = self._tables.get(table.name)
        if held is not None and held[0] is table and item is not None:
            self._add(held[1], item)

    def candidates(self, table: Any, conditions: list[tuple[str, Any]]) -> list[Any] | None:
        """The items holding the first string partition key value asked, or None."""
        maps = self._of(table)
        for attribute, value in conditions:
            if value.type != "S" or attribute not in maps:
                continue
            keys = maps[attribute].get(value.value)
            if not keys:
                return []
            found, gone = [], []
            for key in keys:
                item = _stored(table, key)
                current = item.attrs.get(attribute) if item is not None else None
                if current is not None and current.type == "S" and current.value == value.value:
                    found.append(item)
                else:
                    gone.append(key)
            keys.difference_update(gone)
            return found
        return None


@dataclass
class _Entries:
    """One table's index entries: see `_SortedIndexes`."""

    table: Any  # the table object they are of
    # index name -> its partition key attribute and the attributes moto orders its items
    # by after that: the index's sort key, then the table's keys
    shapes: dict[str, tuple[str, list[str]]]
    # (index name, partition key value) -> the entries' order values, sorted
    parts: dict[tuple[str, str], list[tuple[str, ...]]]
    # table key -> where its item has entries
    placed: dict[tuple[Any, Any], list[tuple[tuple[str, str], tuple[str, ...]]]]
    mixed: set[tuple[str, str]]  # partitions with an order value other than a string
    unsure: set[tuple[Any, Any]]  # table keys to place again before the next look-up


class _SortedIndexes:
    """Each index partition's entries, kept sorted in the order moto pages them, for a bisect.

    HQ's lists and a partner's inbox are index Queries of a page (25 items) in a
    partition of thousands of entries (a shard of all inquiries, of a status, of a
    partner's): looking at every entry of the partition (`_IndexMaps`, then `_Asked.page`
    sorting them all) made each such Query grow with the partition, about 8 ms of the
    stack's CPU per 1,000 entries, and the whole load run's requests with it. DynamoDB
    reads a page from the partition's sorted entries; so does this: for each index with
    one partition key and one sort key, each partition's entries are kept as tuples of
    string values (the index's sort key, the table's partition and sort key: moto's order
    for the items of one index partition), placed on the first index Query of the table
    from every item and then again by each put, update and delete of an item (its old
    entries taken out, its new ones put in). A Query takes the entries after its
    ExclusiveStartKey and within its sort key condition by bisecting, one more than its
    Limit (as `_Asked.page`), and reads those items; moto then filters, sorts and pages
    those few exactly as it would have. A partition where an item has an order value other
    than a string, and a Query this cannot answer so (another condition, a legacy filter),
    go the `_IndexMaps` way. After a cancelled transaction (whose rollback puts the items
    back directly) the items it names are placed again before the next look-up. Runs
    inside moto's requests, which the local stack serialises; in-process (the integration
    tests) a list's shard Queries run on threads at once, so a lock keeps a Query from
    reading entries another thread is still placing.
    """

    def __init__(self) -> None:
        self._tables: dict[str, _Entries] = {}
        self._lock = threading.RLock()

    def _held(self, table: Any) -> _Entries | None:
        held = self._tables.get(table.name)
        return held if held is not None and held.table is table else None

    def _of(self, table: Any) -> _Entries:
        held = self._held(table)
        if held is None:
            shapes = {}
            for index in table.all_indexes():
                order = _index_order(table, index.name)
                if order is not None:
                    shapes[index.name] = (order[0], order[1:])
            held = _Entries(table, shapes, {}, {}, set(), set())
            for stored in table.items.values():
                for item in _partition_items(table, stored):
                    self._place(held, (item.hash_key, item.range_key), item)
            self._tables[table.name] = held  # once whole
        elif held.unsure:
            for key in held.unsure:
                self._follow(held, table, key)
            held.unsure.clear()
        return held

    @classmethod
    def _follow(cls, held: _Entries, table: Any, key: tuple[Any, Any]) -> None:
        """The item at `key`'s entries taken out, and placed again as the item is now."""
        cls._take_out(held, key)
        item = _stored(table, key)
        if item is not None:
            cls._place(held, key, item)

    @staticmethod
    def _place(held: _Entries, key: tuple[Any, Any], item: Any) -> None:
        places = []
        for name, (hash_attr, order) in held.shapes.items():
            value = item.attrs.get(hash_attr)
            if value is None or value.type != "S":
                continue  # not in this index, or not under a string key
            values = [item.attrs.get(attribute) for attribute in order]
            if values[0] is None:
                continue  # no sort key value: not in the index
            part = (name, value.value)
            if any(v is None or v.type != "S" for v in values):
                held.mixed.add(part)
                continue
            entry = tuple(v.value for v in values)
            bisect.insort(held.parts.setdefault(part, []), entry)
            places.append((part, entry))
        if places:
            held.placed[key] = places

    @staticmethod
    def _take_out(held: _Entries, key: tuple[Any, Any]) -> None:
        for part, entry in held.placed.pop(key, ()):
            entries = held.parts[part]
            at = bisect.bisect_left(entries, entry)
            if at < len(entries) and entries[at] == entry:
                del entries[at]

    def changed(self, table: Any, key: tuple[Any, Any]) -> None:
        """The item at `key` was put, updated or deleted: its entries follow it."""
        with self._lock:
            held = self._held(table)
            if held is None:
                return  # no index Query yet: the entries are placed from the items at the first
            self._follow(held, table, key)

    def unsure(self, table: Any, keys: set[tuple[Any, Any]]) -> None:
        """The items at these keys may have changed behind moto's methods."""
        with self._lock:
            held = self._held(table)
            if held is not None:
                held.unsure.update(keys)

    def in_range(self, table: Any, asked: _Asked) -> list[Any] | None:
        """The items of the index partition asked that moto's page can hold, or None (then
        the `_IndexMaps` way)."""
        with self._lock:
            return self._in_range(table, asked)

    def _in_range(self, table: Any, asked: _Asked) -> list[Any] | None:
        held = self._of(table)
        shape = held.shapes.get(asked.index_name or "")
        if shape is None or len(asked.conditions) != 1 or not asked.plain_filter:
            return None
        hash_attr, order = shape
        attribute, value = asked.conditions[0]
        if attribute != hash_attr or value.type != "S":
            return None
        part = (asked.index_name or "", value.value)
        if part in held.mixed:
            return None
        entries = held.parts.get(part, [])
        low, high = 0, len(entries)
        if asked.comparison:
            bounds = _TEXT_BOUNDS.get(asked.comparison)
            if (
                bounds is None
                or len(asked.range_names) > 1
                or (asked.range_names and asked.range_names[-1] != order[0])
                or not asked.values
                or any(v.type != "S" for v in asked.values)
            ):
                return None
            low, high = bounds(_FirstValues(entries), *(v.value for v in asked.values))
        if asked.limit is not None:
            if asked.start is not None:
                start = [asked.start.get(name) for name in (hash_attr, *order)]
                if any(not isinstance(v, dict) or set(v) != {"S"} for v in start):
                    return None
                if start[0]["S"] != value.value:
                    return None  # a start key in another partition: moto's own way
                after = tuple(v["S"] for v in start[1:])
                if asked.forward:
                    low = max(low, bisect.bisect_right(entries, after))
                else:
                    high = min(high, bisect.bisect_left(entries, after))
            if asked.forward:
                high = min(high, low + asked.limit + 1)
            else:
                low = max(low, high - asked.limit - 1)
        found = []
        for entry in entries[low:high]:
            item = self._item(table, order, entry)
            if item is None:  # cannot be: start afresh from the items, the slow way this time
                del self._tables[table.name]
                return None
            found.append(item)
        asked.in_range_done = True  # (only when answering: the other way applies it itself)
        return found

    @staticmethod
    def _item(table: Any, order: list[str], entry: tuple[str, ...]) -> Any:
        from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415

        if table.range_key_attr is None:
            item = table.items.get(DynamoType({"S": entry[-1]}))
        else:
            stored = table.items.get(DynamoType({"S": entry[-2]}))
            item = stored.get(DynamoType({"S": entry[-1]})) if stored is not None else None
        if item is None:
            return None
        for attribute, wanted in zip(order, entry, strict=True):
            if getattr(item.attrs.get(attribute), "value", None) != wanted:
                return None
        return item


class _FirstValues:
    """A sorted list of entries seen as the list of their first values (for `_TEXT_BOUNDS`)."""

    def __init__(self, entries: list[tuple[str, ...]]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, at: int) -> str:
        return self._entries[at][0]


def table_key(table: Any, key: dict[str, Any]) -> tuple[Any, Any] | None:
    """An item's key as moto's table holds it (partition, sort or None), from DynamoDB's
    JSON of its key or of the whole item; None without the partition key."""
    if table.hash_key_attr not in key:
        return None
    from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415

    range_attr = table.range_key_attr
    return (
        DynamoType(key[table.hash_key_attr]),
        DynamoType(key[range_attr]) if range_attr in key else None,
    )


def transaction_keys(backend: Any, transact_items: Any) -> dict[str, set[tuple[Any, Any]]]:
    """The keys of the items a TransactWriteItems names, by table name (its tables only)."""
    touched: dict[str, set[tuple[Any, Any]]] = {}
    for entry in transact_items if isinstance(transact_items, list) else ():
        for operation in entry.values() if isinstance(entry, dict) else ():
            table = backend.tables.get(operation.get("TableName"))
            key = operation.get("Key") or operation.get("Item")
            found = table_key(table, key) if table is not None and isinstance(key, dict) else None
            if found is not None:
                touched.setdefault(table.name, set()).add(found)
    return touched


def _stored(table: Any, key: tuple[Any, Any]) -> Any:
    hash_key, range_key = key
    stored = table.items.get(hash_key)  # .get: never add to moto's defaultdict
    if stored is None or table.range_key_attr is None:
        return stored
    return stored.get(range_key)


def moto_streams_drop_what_was_read() -> None:
    """Let moto's stream forget the records its reader has read.

    moto keeps every stream record (each with the item's old and new image as JSON)
    in a list for the life of the process, so the stack's memory grows with every
    change made (about half a megabyte per inquiry: 10 GB for 20,000). DynamoDB keeps
    a stream's records for 24 hours. The local stack has one reader, its stream poller,
    which only reads on from where it got to; so when it asks for the records from a
    sequence number on, the ones before it are dropped, and the shard's starting
    number moves on by as many, so sequence numbers go on as before. Runs inside
    moto's requests, which the local stack serialises.
    """
    from moto.dynamodb.models.table import StreamShard  # noqa: PLC0415

    get = StreamShard.get
    if getattr(get, "drops_read", False):
        return

    def get_and_drop(self: Any, start: int, quantity: int) -> Any:
        read = start - self.starting_sequence_number
        if read > 0:
            del self.items[:read]
            self.starting_sequence_number += read
        return get(self, start, quantity)

    get_and_drop.drops_read = True  # type: ignore[attr-defined]
    StreamShard.get = get_and_drop  # type: ignore[method-assign]


def moto_projects_plainly() -> None:
    """Project items onto an index or a ProjectionExpression by copying the attributes named.

    moto's `Item.project` turns the whole item into plain Python (through boto3's
    deserializer) once per attribute named, and back: an index with ten attributes in its
    projection converted each item of a page ten times over, about a quarter of the
    emulator's CPU in a load run (`bench/load.py --profile-stack`). Where every name is a
    top-level attribute (no nested path, no list index), the projection is those
    attributes' values as they are, copied; anything else goes to moto as before.
    """
    import copy  # noqa: PLC0415

    from moto.dynamodb.models.dynamo_type import Item  # noqa: PLC0415

    project = Item.project
    if getattr(project, "plain", False):
        return

    def plain_project(self: Any, projection_expressions: list[list[str]]) -> Any:
        names = []
        for path in projection_expressions:
            if len(path) != 1 or "[" in path[0]:
                return project(self, projection_expressions)
            names.append(path[0])
        projected = Item(hash_key=self.hash_key, range_key=self.range_key, attrs={})
        for name in names:
            value = self.attrs.get(name)
            if value is not None and name not in projected.attrs:
                projected.attrs[name] = copy.deepcopy(value)
        return projected

    plain_project.plain = True  # type: ignore[attr-defined]
    Item.project = plain_project  # type: ignore[method-assign]


def moto_finds_services_once() -> None:
    """List moto's services once, not on every request.

    moto's server finds the service a request is for by listing its package's folders
    (`os.listdir` and an `isdir` for each of some 150) on every request: about a tenth
    of the emulator's CPU per request in a load run. The folders do not change while it
    runs.
    """
    from moto import backends  # noqa: PLC0415

    listed = backends.list_of_moto_modules
    if getattr(listed, "once", False):
        return
    modules = tuple(listed())

    def list_of_moto_modules() -> tuple[str, ...]:
        return modules

    list_of_moto_modules.once = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules  # type: ignore[assignment]


# Read answers built with `json.dumps` instead of moto's response serializer (see below).
_PLAIN_ANSWERS = {
    "DynamoHandler": frozenset({"Query", "GetItem", "BatchGetItem", "TransactGetItems"}),
    "DynamoDBStreamsHandler": frozenset({"GetRecords"}),
}


def moto_answers_reads_plainly() -> None:
    """Answer DynamoDB's reads (and the stream's) with `json.dumps` of moto's result.

    moto 5 serialises each answer by walking botocore's shape model value by value,
    about a second of the emulator's CPU per megabyte, with the store held: half the
    stack's time under this load went there (sampled with py-spy), and an answer of a
    few hundred items (HQ's list reads 8 shards of 101 whole inquiries) took seconds,
    past the functions' 5 s read timeout once the stack was busy. The results of these
    reads are already DynamoDB's JSON (`{"S": ...}` values), so they are sent as they
    are, without the members that are None; errors and every other action still go
    through moto's serializer. The answers parse to the same in boto3
    (tests/e2e/test_local_emulator_answers.py).
    """
    from moto.core.responses import ActionResult  # noqa: PLC0415
    from moto.dynamodb.responses import DynamoHandler, DynamoResult  # noqa: PLC0415
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler  # noqa: PLC0415

    # DynamoResult: moto's values already turned into DynamoDB's JSON; not a paginated one.
    plain_results = (ActionResult, DynamoResult)

    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        serialized = handler.serialized
        if getattr(serialized, "plain", False):
            continue
        actions = _PLAIN_ANSWERS[handler.__name__]

        def plain(
            self: Any,
            action_result: Any,
            serialized: Callable[..., Any] = serialized,
            actions: frozenset[str] = actions,
        ) -> Any:
            result = action_result.result
            if (
                type(action_result) in plain_results
                and isinstance(result, dict)
                and self._get_action() in actions
            ):
                body = json.dumps(_present(result), default=_json_value, separators=(",", ":"))
                headers = dict(self.response_headers)
                headers["Content-Type"] = "application/x-amz-json-1.0"
                return 200, headers, body
            return serialized(self, action_result)

        plain.plain = True  # type: ignore[attr-defined]
        handler.serialized = plain  # type: ignore[method-assign]


def _present(value: Any) -> Any:
    """The value without the dictionary members that are None (moto's serializer drops them)."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def _json_value(value: Any) -> Any:
    """What JSON has for the few non-JSON values in moto's results."""
    if isinstance(value, datetime):
        return value.timestamp()  # the JSON protocols' timestamps: epoch seconds
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def moto_knows_its_actions() -> None:
    """List each moto handler's methods once, not on every request.

    To find the method of a request's action, moto's `BaseResponse.call_action` lists
    every function of the handler's class (`inspect.getmembers` over DynamoHandler's
    members) on every request: 26 us a call, some 0.3 % of the main process's CPU per
    API request (cProfile, which slows down small calls most, made it look like 8 %).
    The classes are set up before the server starts (the changes in this module and in
    local/aws.py replace methods, under the same names) and do not change while it
    runs, so the list is kept per class.
    """
    from moto.core import responses  # noqa: PLC0415

    listed = responses.method_names_from_class
    if getattr(listed, "once", False):
        return
    known: dict[type, list[str]] = {}

    def method_names_from_class(clazz: Any) -> list[str]:
        names = known.get(clazz)
        if names is None:
            names = known[clazz] = listed(clazz)
        return names

    method_names_from_class.once = True  # type: ignore[attr-defined]
    responses.method_names_from_class = method_names_from_class


def moto_sizes_new_items_once() -> None:
    """Check a new item's size (DynamoDB's 400 KB) once, not once per attribute.

    moto's `Item.__init__` sets the attributes one by one into a dict that sums the
    size of all it holds on every set: quadratic in the attributes, each size walked
    value by value in Python. An inquiry item has some forty attributes, and every
    write, copy and projection makes items: most of the CPU of putting an item (and of
    restoring a snapshot, local/snapshot.py). Here the sizes are summed once, and the
    same `ItemSizeTooLarge` is raised when the whole item is too large (the sum only
    grows as attributes are added, so the last set was the one that failed); later sets
    (an update's) are still checked by moto's dict.
    """
    from moto.dynamodb.exceptions import ItemSizeTooLarge  # noqa: PLC0415
    from moto.dynamodb.models.dynamo_type import (  # noqa: PLC0415
        DynamoType,
        Item,
        LimitedSizeDict,
        bytesize,
    )

    init = Item.__init__
    if getattr(init, "sized_once", False):
        return

    def sized_once(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: DynamoType(value) for key, value in attrs.items()}
        if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
            raise ItemSizeTooLarge  # moto's limit (DynamoDB's 400 KB, as moto measured it)
        self.attrs = held = LimitedSizeDict()
        for key, value in values.items():
            dict.__setitem__(held, key, value)

    sized_once.sized_once = True  # type: ignore[attr-defined]
    Item.__init__ = sized_once  # type: ignore[method-assign]

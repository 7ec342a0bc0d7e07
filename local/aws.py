"""moto's server as the local DynamoDB and EventBridge Scheduler, and the functions' settings.

The server runs in this process, on a free loopback port, so stopping the local
stack stops it too; every request passes the journaled store (local/journal.py).
The function workers reach it through `AWS_ENDPOINT_URL`, exactly as they reach
AWS: they do not know they are local.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError
from inquiries.adapters.table import create_table

from local import emulator, headers
from local.journal import JournaledStore

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's default account
TABLE_NAME = "inquiries"
SCHEDULE_GROUP = "inquiries"
EXPIRE_FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:inquiries-expire"
SCHEDULER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/inquiries-scheduler"
NOTIFY_FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:inquiries-notify"
# Where HQ's mails go locally (they land in the outbox); HQ_EMAIL overrides it.
LOCAL_HQ_EMAIL = "hq@inquiries.localhost"

# Never let a developer's own AWS configuration leak into the local stack.
_FOREIGN = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)


# How often the serving loop looks for a stop: socketserver's default, half a second, was
# most of a polite stop (the gateway's loop waits as long).
STOP_POLL_S = 0.05


@dataclass
class LocalAws:
    """The running emulator and the clients the local stack itself uses."""

    server: EmulatorServer
    endpoint: str
    dynamodb: Any
    scheduler: Any
    streams: Any  # DynamoDB Streams: the local event source of the notify function

    def stop(self) -> None:
        """Stop the emulator's server thread (its data is gone: keep a snapshot first)."""
        self.server.stop()


def bind(host: str = "127.0.0.1") -> socket.socket:
    """The emulator's listening socket on a free port, before moto is even imported.

    The endpoint is known at once, so the function instances can start (and import)
    while moto loads.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.bind((host, 0))
        listening.listen(128)
    except BaseException:
        listening.close()
        raise
    return listening


def endpoint_of(listening: socket.socket) -> str:
    host, port = listening.getsockname()[:2]
    return f"http://{host!s}:{port}"


class EmulatorServer:
    """moto's server, in a thread of this process, behind the journaled store."""

    def __init__(self, listening: socket.socket, *, stock: bool = False) -> None:
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415  (heavy; only when starting)
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server  # noqa: PLC0415

        moto_app = DomainDispatcherApplication(create_backend_app)
        self.store = JournaledStore(moto_app if stock else emulator.DirectDynamo(moto_app))
        handler = MotoRequestHandler if stock else emulator.keeps_alive(MotoRequestHandler)
        if not stock:
            headers.install()  # request headers read without the e-mail parser
        host, port = listening.getsockname()[:2]
        self._server = make_server(
            host,
            port,
            self.store,
            threaded=True,
            request_handler=handler,
            fd=listening.fileno(),  # werkzeug takes a duplicate
        )
        if not stock:
            # A kept-alive connection's thread waits for the client's next request: stopping
            # does not wait for those (they are daemons, and no request is in flight by then).
            self._server.block_on_close = False
        listening.close()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": STOP_POLL_S},
            name="local-moto",
            daemon=True,
        )
        self._thread.start()

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def start_moto(
    host: str = "127.0.0.1", listening: socket.socket | None = None, *, stock: bool = False
) -> EmulatorServer:
    """Start moto's server in this process, on the socket given or on a free port.

    Sped up where moto is slow (local/emulator.py) unless `stock`; the changes that make it
    behave as DynamoDB does (below) always apply.
    """
    if not stock:
        emulator.speed_up()
    models_not_kept()
    one_backup_per_transaction()
    _idempotent_transactions()
    # moto logs every request it serves; the gateway logs the ones that matter.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return EmulatorServer(listening if listening is not None else bind(host), stock=stock)


class _TransactionBackups:
    """`copy` for moto's DynamoDB models: a transaction's rollback copies only what it touches.

    Before applying a TransactWriteItems, moto deep-copies the whole table once
    per item of the transaction, to put it back if one fails: a submission (five
    items) copied the table five times and got slower with every inquiry stored
    (about 200 ms at a few hundred inquiries). A transaction only replaces,
    deletes or updates the items at its own keys, so here the "copy" moto asks for
    is the live table itself (moto's rollback, putting it back in place, changes
    nothing), and the items the transaction touches are saved aside, deep-copied;
    when the transaction fails, those items are put back as they were (or removed,
    where there was none). So a transaction costs what it touches, whatever the size
    of the table or of a partition (earlier versions copied the map of all partitions
    each time, then each touched partition's map: linear in the data stored, and
    garbage the collector was slow to free). Any other copy
    goes to `copy` unchanged.
    """

    def __init__(self, real: Any, table_type: type) -> None:
        self._real = real
        self._table_type = table_type
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        saved: dict[int, tuple[Any, dict[Any, Any]]] | None = getattr(self._local, "saved", None)
        if saved is None or not isinstance(value, self._table_type):
            return self._real.deepcopy(value, memo)
        if id(value) not in saved:
            # The table is kept with what was saved, so its id cannot be reused meanwhile.
            saved[id(value)] = (value, self._items(value))
        return value

    _ABSENT = object()

    def _items(self, table: Any) -> dict[tuple[Any, Any], Any]:
        """The items the transaction touches as they are now (absent ones marked).

        Only those: a transaction changes nothing else, and a partner's partition (its
        address book) holds thousands of items that a copy of the partition would walk
        on every transaction touching one of them.
        """
        touched: set[tuple[Any, Any]] = self._local.touched.get(table.name, set())
        items: dict[tuple[Any, Any], Any] = {}
        for hash_key, range_key in touched:
            stored = table.items.get(hash_key)  # .get: never add to the defaultdict
            if stored is not None and table.has_range_key:
                stored = stored.get(range_key)
            items[(hash_key, range_key)] = (
                self._ABSENT if stored is None else self._real.deepcopy(stored)
            )
        return items

    def _restore(self) -> None:
        """Put the touched items back as they were before the transaction."""
        for table, items in (getattr(self._local, "saved", None) or {}).values():
            for (hash_key, range_key), item in items.items():
                if not table.has_range_key:
                    if item is self._ABSENT:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                    continue
                partition = table.items.get(hash_key)
                if item is not self._ABSENT:
                    if partition is None:
                        partition = table.items[hash_key] = {}
                    partition[range_key] = item
                elif partition is not None:
                    partition.pop(range_key, None)
                    if not partition:
                        del table.items[hash_key]

    def _stream_ends(self, backend: Any) -> list[tuple[Any, int]]:
        """The stream of each table the transaction touches, and its length before it."""
        ends = []
        for name in self._local.touched:
            shard = getattr(backend.tables.get(name), "stream_shard", None)
            if shard is not None:
                ends.append((shard, len(shard.items)))
        return ends

    def wrap(self, transact: Any) -> Any:
        @functools.wraps(transact)
        def transact_write_items(
            backend: Any, transact_items: list[dict[str, Any]], *args: Any, **kwargs: Any
        ) -> Any:
            self._local.touched = emulator.transaction_keys(backend, transact_items)
            self._local.saved = {}
            streams = self._stream_ends(backend)
            try:
                return transact(backend, transact_items, *args, **kwargs)
            except Exception:
                # moto has "restored" the live table onto itself: put the touched partitions
                # back. The records of the items applied before the transaction failed must
                # go from the stream too, or it would carry changes that never happened
                # (mails for a lost race).
                self._restore()
                for shard, end in streams:
                    del shard.items[end:]
                raise
            finally:
                self._local.saved = None

        transact_write_items.touched_only = True  # type: ignore[attr-defined]
        return transact_write_items


def one_backup_per_transaction() -> None:
    """Make moto's TransactWriteItems back up only the items it touches (see above)."""
    from moto.dynamodb import models  # noqa: PLC0415
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    backend = models.DynamoDBBackend
    transact = getattr(backend, "transact_write_items", None)
    if transact is None or getattr(transact, "touched_only", False):
        return
    if getattr(models, "copy", None) is not copy:
        return  # a moto that copies differently: leave it as it is
    shim = _TransactionBackups(copy, Table)
    setattr(models, "copy", shim)  # noqa: B010  (a module attribute mypy does not know)
    backend.transact_write_items = shim.wrap(transact)  # type: ignore[method-assign]


def models_not_kept() -> None:
    """Stop moto from keeping every model object it ever made.

    moto's `BaseModel.__new__` appends each instance to a list on its class (for its
    dashboard and reset, which the local stack does not use): every version of every
    item, each copy moto makes of one (on an update, for a query's answer) and every
    stream record stayed in memory for good, about 0.4 MB per inquiry of a load run,
    and the garbage collector walked them all. Objects are now freed when nothing
    else holds them; the data itself is in the tables, as before.
    """
    from moto.core.common_models import BaseModel  # noqa: PLC0415

    if getattr(BaseModel.__new__, "untracked", False):
        return

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return super(BaseModel, cls).__new__(cls)

    untracked_new.untracked = True  # type: ignore[attr-defined]
    BaseModel.__new__ = untracked_new  # type: ignore[assignment,method-assign]


IDEMPOTENCY_WINDOW_S = 600.0  # DynamoDB honours a transaction's token for 10 minutes


class _IdempotentTransactions:
    """A TransactWriteItems with the `ClientRequestToken` of one that succeeded answers
    success again without writing, as DynamoDB does for 10 minutes.

    moto ignores the token. botocore resends a request whose answer does not come
    within the read timeout (5 s in the functions), with the same token; under a
    heavy local load the first attempt may have been applied meanwhile, and moto would
    then fail the resend's conditions: the function answers `409` "changed meanwhile"
    for a change that is stored. The same token with other items is refused with
    DynamoDB's `IdempotentParameterMismatchException`. Only successes are remembered: a
    cancelled transaction wrote nothing, and its retry is tried afresh. Runs inside moto's
    requests, which the journaled store serialises; a journal replay passes here too.
    """

    def __init__(self, handler: Any, window_s: float = IDEMPOTENCY_WINDOW_S) -> None:
        self._handler = handler
        self._window_s = window_s
        self._done: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def __call__(self, response: Any) -> Any:
        token = response.body.get("ClientRequestToken")
        if not token:
            return self._handler(response)
        digest = hashlib.sha256(
            # repr: moto decodes binary values to bytes, which JSON does not have
            json.dumps(response.body.get("TransactItems"), sort_keys=True, default=repr).encode()
        ).hexdigest()
        now = time.monotonic()
        while self._done and next(iter(self._done.values()))[1] < now - self._window_s:
            self._done.popitem(last=False)
        seen = self._done.get(token)
        if seen is not None:
            if seen[0] != digest:
                from moto.dynamodb.exceptions import DynamodbException  # noqa: PLC0415

                raise DynamodbException(
                    "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                    "The ClientRequestToken was used with a different request",
                )
            from moto.core.responses import ActionResult  # noqa: PLC0415

            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
        answer = self._handler(response)
        self._done[token] = (digest, now)
        return answer


def _idempotent_transactions() -> None:
    """Make moto's TransactWriteItems honour `ClientRequestToken` (see above)."""
    from moto.dynamodb.responses import DynamoHandler  # noqa: PLC0415

    handler = DynamoHandler.transact_write_items
    if getattr(handler, "honours_tokens", False):
        return
    idempotent = _IdempotentTransactions(handler)

    @functools.wraps(handler)
    def transact_write_items(self: Any) -> Any:
        return idempotent(self)

    transact_write_items.honours_tokens = True  # type: ignore[attr-defined]
    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]


def function_environment(endpoint: str) -> dict[str, str]:
    """What a deployed function finds in its environment, pointed at the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        # No ~/.aws/config or credentials file of the developer's is read.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TABLE_NAME": TABLE_NAME,
        "SCHEDULE_GROUP": SCHEDULE_GROUP,
        "EXPIRE_FUNCTION_ARN": EXPIRE_FUNCTION_ARN,
        "SCHEDULER_ROLE_ARN": SCHEDULER_ROLE_ARN,
        # Mail goes into the local outbox (GET /_local/outbox), by the same code as on AWS.
        "NOTIFY_FUNCTION_ARN": NOTIFY_FUNCTION_ARN,
        "MAILER": "outbox",
        "HQ_EMAIL": os.environ.get("HQ_EMAIL") or LOCAL_HQ_EMAIL,
    }


def configure_environment(endpoint: str) -> None:
    """Set the functions' environment in this process; its clients and the workers use it."""
    for name in _FOREIGN:
        os.environ.pop(name, None)
    os.environ.update(function_environment(endpoint))


def start(
    host: str = "127.0.0.1", listening: socket.socket | None = None, *, stock: bool = False
) -> LocalAws:
    """Start the emulator, point this process at it and create the table and schedule group
    (`stock`: moto without local/emulator.py's speed-ups)."""
    server = start_moto(host, listening, stock=stock)
    endpoint = server.endpoint
    try:
        configure_environment(endpoint)
        session = boto3.session.Session()
        dynamodb = session.client("dynamodb")
        scheduler = session.client("scheduler")
        create_table(dynamodb, TABLE_NAME, stream=True)
        try:
            scheduler.create_schedule_group(Name=SCHEDULE_GROUP)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise
    except BaseException:
        server.stop()
        raise
    return LocalAws(server, endpoint, dynamodb, scheduler, session.client("dynamodbstreams"))

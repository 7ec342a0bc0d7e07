"""The whole local stack, put together: emulator, journal, clock, scheduler, workers, gateway.

Start order: bind the gateway's port (a taken port fails before anything else
runs), bind the emulator's socket and start the function instances' template
(it imports the handlers meanwhile), start moto's server behind the journaled
store, load the snapshot and replay the journal (keeping the event records the
stream poller had not delivered), set the simulated clock, open the journal, load
the demo partners on a fresh start, then serve; the stream poller first delivers
what it had not, and the scheduler's first pass fires what fell due while stopped.
Stop order is the reverse: no new requests, running invocations finish, the
workers end, the journal is folded into the snapshot (with what the stream poller
has not delivered), the emulator stops. The workers are in the stack's process
group and end when its pipes close, so nothing outlives it.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inquiries.adapters.clock import SystemClock
from inquiries.api.openapi import ASSETS_SETTING, EXAMPLE_SUBMISSION
from inquiries.api.routes import FUNCTIONS
from inquiries.domain.view import iso

from local import aws, demo, journal, snapshot
from local.clock import ClockState, LocalClock
from local.control import LocalRoutes, Outbox
from local.gateway import ASSETS_PATH, Gateway, GatewayServer, own_origins
from local.scheduler import EmulatedSchedules, LocalScheduler, ScheduleBook
from local.streams import StreamPoller, sequence, shard_of, stream_end, take_records
from local.tokens import TokenIssuer
from local.workers import DEFAULT_SIZE, Workers

logger = logging.getLogger("local")

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPOSITORY / ".local"

# What a deployed function's configuration sets; the developer's environment may override.
_POWERTOOLS = {
    "POWERTOOLS_SERVICE_NAME": "inquiries",
    "POWERTOOLS_METRICS_NAMESPACE": "PartnerInquiries",
    # The functions' own JSON logs are quiet locally; POWERTOOLS_LOG_LEVEL=INFO shows them.
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    reset: bool = False
    empty: bool = False
    workers: int = DEFAULT_SIZE  # per function
    compact_at: int = snapshot.COMPACT_AT_BYTES  # journal size that starts a compaction
    stock_moto: bool = False  # moto without local/emulator.py's speed-ups


SUBJECT_KEY_SETTING = "SUBJECT_KEY"
SUBJECT_KEY_FILE = "subject-key"


def subject_key(data_dir: Path) -> str:
    """The secret of the data subject's keyed hashes: generated on the first start and
    kept in the data folder, since the stored look-up keys were made with it (on AWS it
    is a Secrets Manager secret). `--reset` keeps it: it is not data, and harmless."""
    path = data_dir / SUBJECT_KEY_FILE
    if path.is_file():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Owner-only from the start: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


def _upgrade(dynamodb: Any) -> int:
    """Move data saved before the keys were sharded onto the sharded keys, then give
    inquiries stored before the look-up keys existed their keys; the number keyed."""
    from inquiries.adapters.rekey import rekey  # noqa: PLC0415

    rekey(dynamodb, aws.TABLE_NAME)
    return _backfill(dynamodb)


def _backfill(dynamodb: Any) -> int:
    """Give restored inquiries stored before the look-up keys existed their keys (journaled,
    so once); the number changed."""
    from inquiries.adapters.dynamodb import DynamoRepository  # noqa: PLC0415
    from inquiries.service.backfill import backfill  # noqa: PLC0415

    key = os.environ[SUBJECT_KEY_SETTING].encode()
    done = backfill(DynamoRepository(dynamodb, aws.TABLE_NAME), lambda: key)
    return done.keyed + done.at_rest


def swagger_assets() -> Path | None:
    """The Swagger UI files of the `swagger-ui-bundle-v2` package, if it is installed."""
    try:
        bundle = importlib.import_module("swagger_ui_bundle")
    except ImportError:
        return None
    path = Path(str(bundle.swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


class Stack:
    """The local stack; `start()` returns once it serves, `stop()` once all is down."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.fresh = True
        self.server: GatewayServer | None = None
        self.aws: aws.LocalAws | None = None
        self.clock: LocalClock | None = None
        self.scheduler: LocalScheduler | None = None
        self.compactor: snapshot.Compactor | None = None
        self.workers: Workers | None = None
        self.tokens: TokenIssuer | None = None
        self.book: ScheduleBook | None = None
        self.streams: StreamPoller | None = None
        self.assets: Path | None = None
        self.replayed = 0
        self.backfilled = 0
        # The stream's event records a restart found undelivered, the number to read on
        # from, and the poller's checkpoint (local/streams.py).
        self._undelivered: list[dict[str, Any]] = []
        self._stream_from = 0
        self._delivered = 0
        self._serving = False

    # --- the functions, as Lambda runs them ---------------------------------------------------

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        """Run a function's handler in one of its workers, with the clock as it is now."""
        assert self.workers is not None and self.clock is not None
        result: dict[str, Any] = self.workers.invoke(function, event, self.clock.state())
        return result

    def _changed(self, entry: dict[str, Any]) -> None:
        """A write was applied (the journaled store's call): wake who waits for one."""
        if self.compactor is not None:
            self.compactor.wake()
        if journal.changes_table(entry):
            if self.streams is not None:
                self.streams.wake()  # its stream has a record to deliver
        elif self.book is not None:
            self.book.touch()  # a schedule was made or deleted

    # --- start and stop ----------------------------------------------------------------------

    def start(self) -> None:
        options = self.options
        data_dir = options.data_dir
        if options.reset:
            snapshot.remove(data_dir)
        saved = snapshot.read(data_dir)
        first_generation = snapshot.journal_generation(saved)
        journals = [g for g in journal.generations(data_dir) if g >= first_generation]
        self.fresh = saved is None and not journals
        # The port first: if it is taken, nothing else has started.
        self.server = GatewayServer((options.host, options.port), None)
        for name, value in _POWERTOOLS.items():
            os.environ.setdefault(name, value)
        os.environ.setdefault(SUBJECT_KEY_SETTING, subject_key(data_dir))
        self.assets = swagger_assets()
        if self.assets is not None:
            os.environ[ASSETS_SETTING] = ASSETS_PATH
        # The emulator's address before moto loads: the function instances' template starts
        # now and imports the handlers while this process imports moto and loads the data.
        listening = aws.bind(options.host)
        aws.configure_environment(aws.endpoint_of(listening))
        # Links in mails lead to this stack's web app.
        os.environ["APP_URL"] = self.server.url
        self.workers = Workers(FUNCTIONS, dict(os.environ), options.workers)
        self.workers.warm_up()
        self.aws = aws.start(options.host, listening, stock=options.stock_moto)
        clock_state, keyed = self._load(saved, journals)
        store = self.aws.server.store
        start_time = SystemClock().now()
        self.clock = clock = LocalClock(clock_state.now(start_time) if clock_state else None)
        # From here on every change is journaled before it is answered.
        store.journal = journal.Journal(data_dir, max([first_generation, *journals]))
        clock.record = self._record_clock
        self.streams = streams = self._stream_poller()

        def take() -> dict[str, Any]:
            data = snapshot.dump_models(aws.TABLE_NAME, aws.SCHEDULE_GROUP, clock.state())
            data["stream"] = streams.saved(shard_of(aws.TABLE_NAME))
            return data

        self.compactor = snapshot.Compactor(
            data_dir, store, take, threshold_bytes=options.compact_at
        )
        if self.fresh and not options.empty:
            demo.load_partners(self.invoke)
        # Data of an older version: onto the current keys (journaled, so once). Reading
        # every inquiry for it took a tenth of a restart, so only where the snapshot or a
        # journal entry says an older version wrote it.
        upgrading = not self.fresh and not keyed
        if upgrading:
            self.backfilled = _upgrade(self.aws.dynamodb)
        if self.fresh or self.replayed or upgrading:
            # Start from a snapshot (marked as on the current keys): the next start replays
            # little and upgrades nothing.
            self.compactor.compact()
        self.tokens = TokenIssuer.in_folder(data_dir)
        self.book = book = ScheduleBook(
            self.aws.scheduler,
            aws.SCHEDULE_GROUP,
            EmulatedSchedules(store.lock, aws.SCHEDULE_GROUP, aws.ACCOUNT, aws.REGION),
        )
        # What fell due while the stack was stopped fires in the scheduler's first pass, at once
        # (the banner does not wait for the workers' start on a restart).
        self.scheduler = LocalScheduler(book, clock, self.invoke)
        self.server.gateway = Gateway(
            self.tokens,
            self.invoke,
            local_routes=LocalRoutes(
                self.tokens, self.scheduler, outbox=Outbox(self.aws.dynamodb, aws.TABLE_NAME)
            ),
            assets=self.assets,
            own_origins=own_origins(options.host, self.server.server_address[1]),
        )
        store.on_change(self._changed)
        streams.start()  # before serving: no change goes unmailed
        self.server.serve_in_background()
        self._serving = True
        self.scheduler.start()
        self.compactor.start()

    def _load(
        self, saved: dict[str, Any] | None, journals: list[int]
    ) -> tuple[ClockState | None, bool]:
        """Restore the snapshot and replay the journal: the clock as it was last, and
        whether all the data is on the current keys (written by this version).

        The event records of the replayed writes are taken from the stream as they come
        (they are numbered as when first written), and with the snapshot's those the stream
        poller had not delivered are kept for it (`_undelivered`). Without a checkpoint
        (data of an older version) every replayed one is: notify sends none twice."""
        assert self.aws is not None
        store = self.aws.server.store
        if saved is not None:
            snapshot.restore(store, aws.TABLE_NAME, aws.SCHEDULE_GROUP, saved)
        stream = snapshot.stream_state(saved)
        delivered = stream.get("delivered", 0) if isinstance(stream.get("delivered"), int) else 0
        records: list[dict[str, Any]] = list(stream.get("records") or [])
        shard = shard_of(aws.TABLE_NAME)
        clock_state = snapshot.clock_state(saved) if saved else None
        keyed = snapshot.keyed(saved)
        for generation in journals:
            for entry in journal.read(self.options.data_dir, generation):
                if "clock" in entry:
                    clock_state = ClockState.from_json(entry["clock"])
                elif "delivered" in entry:
                    delivered = max(delivered, int(entry["delivered"]))
                    records = [r for r in records if sequence(r) >= delivered]
                else:
                    store.replay(entry)
                    with store.lock:
                        records += take_records(shard)
                keyed = keyed and journal.keyed(entry)
                self.replayed += 1
        self._undelivered = [r for r in records if sequence(r) >= delivered]
        with store.lock:
            self._stream_from = stream_end(shard)
        self._delivered = min(delivered, self._stream_from)
        return clock_state, keyed

    def _stream_poller(self) -> StreamPoller:
        """Mails follow stored changes through the table's stream, as on AWS; first those
        of changes made before the restart that were not delivered then."""
        assert self.aws is not None
        streams = StreamPoller(
            self.aws.dynamodb,
            self.aws.streams,
            aws.TABLE_NAME,
            self.invoke,
            region=aws.REGION,
            checkpoint=self._record_delivered,
        )
        streams.resume(self._undelivered, self._stream_from, self._delivered)
        if self._undelivered:
            logger.info("%d stream records not mailed before the stop", len(self._undelivered))
        self._undelivered = []
        return streams

    def _record_delivered(self, below: int) -> None:
        """Journal the stream poller's checkpoint (every record below it was delivered)."""
        assert self.aws is not None
        current = self.aws.server.store.journal
        if current is not None:
            current.append({"delivered": below})
            current.sync()

    def _record_clock(self, state: ClockState) -> None:
        """Journal a move of the clock before it is answered."""
        assert self.aws is not None
        current = self.aws.server.store.journal
        if current is not None:
            current.append({"clock": state.to_json()})
            current.sync()

    def stop(self) -> None:
        """Stop serving and firing, let running invocations finish, fold the journal, stop."""
        if self.server is not None:
            if self._serving:
                self.server.shutdown()
            self.server.server_close()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.streams is not None:
            self.streams.stop()
        if self.workers is not None:
            self.workers.close()
        if self.compactor is not None:
            try:
                self.compactor.stop()
            except Exception:
                # Nothing is lost: the journal still holds every change.
                logger.exception("could not write the last snapshot; the journal keeps all")
        if self.aws is not None:
            store = self.aws.server.store
            if store.journal is not None:
                store.journal.close()
            self.aws.stop()

    # --- what a person reads -----------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def banner(self) -> str:
        """Where to click, ready tokens, and a first request to try."""
        assert self.tokens is not None and self.aws is not None and self.clock is not None
        url = self.url
        hq = self.tokens.mint("hq")
        partner = self.tokens.mint("partner", partner_id=demo.SOUTH_TYROL)
        body = json.dumps(EXAMPLE_SUBMISSION, separators=(",", ":"))
        data = "fresh, demo partners loaded" if self.fresh else "restored from the snapshot"
        if self.fresh and self.options.empty:
            data = "fresh, empty"
        docs_note = "" if self.assets else "  (Swagger UI files served by the intake function)"
        lines = [
            "",
            "Partner inquiries, running locally",
            f"  Web app    {url}/  (sign in as HQ or with a partner id, e.g. {demo.SOUTH_TYROL})",
            f"  API        {url}",
            f'  Form       {url}/form  (embed: <script src="{url}/form.js"></script>)',
            f"  Docs       {url}/docs{docs_note}",
            f"  OpenAPI    {url}/openapi.json",
            f"  Clock      {iso(self.clock.now())} (simulated; POST {url}/_local/clock)",
            f"  Outbox     {url}/#/outbox  (every mail the stack sent; GET {url}/_local/outbox)",
            f"  Data       {self.options.data_dir} ({data}; RESET=1 starts clean)",
            f"  moto       {self.aws.endpoint} (DynamoDB table {aws.TABLE_NAME}, "
            f"schedule group {aws.SCHEDULE_GROUP})",
            "",
            "Tokens (24 h; more from POST /_local/token):",
            f"  export HQ_TOKEN={hq}",
            f"  export PARTNER_TOKEN={partner}   # partner {demo.SOUTH_TYROL} (South Tyrol)",
            "",
            "Try:",
            f"  curl -s -X POST {url}/inquiries -H 'Content-Type: application/json' \\",
            f"       -d {shlex.quote(body)}",
            f'  curl -s {url}/inquiries -H "Authorization: Bearer $PARTNER_TOKEN"',
            f"  curl -s -X POST {url}/_local/clock -d '{{\"advance_hours\": 100}}'",
            f'  curl -s {url}/inquiries -H "Authorization: Bearer $HQ_TOKEN"',
            "",
            "Ctrl-C stops everything; the data stays in the snapshot.",
            "",
        ]
        return "\n".join(lines)

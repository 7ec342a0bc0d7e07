"""The whole local stack, put together: emulator, clock, scheduler, gateway, snapshot.

Start order: bind the gateway's port (a taken port fails before anything else
runs), start moto's server, restore the snapshot, install the simulated clock,
load the demo partners on a fresh start, fire what fell due while stopped, then
serve. Stop order is the reverse; the last snapshot is written before the
emulator goes away. Everything runs in this one process, so nothing outlives it.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shlex
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inquiries import wiring
from inquiries.adapters.clock import SimulatedClock, SystemClock
from inquiries.api.openapi import ASSETS_SETTING
from inquiries.api.routes import FUNCTIONS
from inquiries.domain.view import iso

from local import aws, demo, events, snapshot
from local.control import LocalRoutes
from local.gateway import ASSETS_PATH, Gateway, GatewayServer
from local.scheduler import LocalScheduler, ScheduleBook
from local.tokens import TokenIssuer

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
}


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    reset: bool = False
    empty: bool = False


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
        self.clock: SimulatedClock | None = None
        self.scheduler: LocalScheduler | None = None
        self.snapshots: snapshot.Snapshotter | None = None
        self.tokens: TokenIssuer | None = None
        self.book: ScheduleBook | None = None
        self.assets: Path | None = None
        self._invocations = threading.Lock()
        self._serving = False

    # --- one execution environment per process -----------------------------------------------

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        """Call a function's handler, one invocation at a time.

        A Lambda execution environment runs one event at a time, and the handlers'
        module state (Powertools' resolver and metrics) assumes it; the local stack
        has one environment for all functions.
        """
        with self._invocations:
            try:
                return events.invoke(function, event)
            finally:
                if self.book is not None:
                    self.book.touch()

    # --- start and stop ----------------------------------------------------------------------

    def start(self) -> None:
        options = self.options
        data_dir = options.data_dir
        if options.reset:
            snapshot.remove(data_dir)
        saved = snapshot.read(data_dir)
        self.fresh = saved is None
        # The port first: if it is taken, nothing else has started.
        self.server = GatewayServer((options.host, options.port), None)
        for name, value in _POWERTOOLS.items():
            os.environ.setdefault(name, value)
        warnings.filterwarnings("ignore", "No application metrics to publish")
        self.assets = swagger_assets()
        if self.assets is not None:
            os.environ[ASSETS_SETTING] = ASSETS_PATH
        self.aws = aws.start(options.host)
        if saved is not None:
            snapshot.restore(
                self.aws.dynamodb, self.aws.scheduler, aws.TABLE_NAME, aws.SCHEDULE_GROUP, saved
            )
        self.clock = SimulatedClock(snapshot.clock_from(saved, SystemClock().now()))
        wiring.reset()
        wiring.override(clock=self.clock)
        wiring.dependencies()
        self._warm_up()
        if self.fresh and not options.empty:
            demo.load_partners(self.invoke)
        self.tokens = TokenIssuer.in_folder(data_dir)
        self.book = book = ScheduleBook(self.aws.scheduler, aws.SCHEDULE_GROUP)
        dynamodb, clock = self.aws.dynamodb, self.clock
        self.snapshots = snapshot.Snapshotter(
            data_dir, lambda: snapshot.dump(dynamodb, aws.TABLE_NAME, book, clock.now())
        )
        if self.fresh:
            self.snapshots.flush()  # the demo partners, and the key's folder, from the start
        self.scheduler = LocalScheduler(book, self.clock, self.invoke, self.snapshots.changed)
        # What fell due while the stack was stopped fires before the first request.
        self.scheduler.run_due(sweep=True)
        self.server.gateway = Gateway(
            self.tokens,
            self.invoke,
            local_routes=LocalRoutes(self.tokens, self.scheduler, self.snapshots.changed),
            assets=self.assets,
            on_write=self.snapshots.changed,
        )
        self.server.serve_in_background()
        self._serving = True
        self.scheduler.start()
        self.snapshots.start()

    def _warm_up(self) -> None:
        """Import every handler now, so the first request does not pay for it."""
        for function in FUNCTIONS:
            try:
                events.handler_of(function)
            except ImportError:
                logger.warning("function %s cannot be imported; its routes answer 500", function)

    def stop(self) -> None:
        """Stop serving, stop firing, write the last snapshot, stop the emulator."""
        if self.server is not None:
            if self._serving:
                self.server.shutdown()
            self.server.server_close()
        if self.scheduler is not None:
            self.scheduler.stop()
        # A request still in a handler finishes before the last snapshot, and none starts
        # after it: the lock is not given back, the process is ending.
        self._invocations.acquire(timeout=10)
        if self.snapshots is not None:
            try:
                self.snapshots.stop()
            except Exception:
                logger.exception("could not write the last snapshot")
        if self.aws is not None:
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
        body = json.dumps(demo.SAMPLE_INQUIRY, separators=(",", ":"))
        data = "fresh, demo partners loaded" if self.fresh else "restored from the snapshot"
        if self.fresh and self.options.empty:
            data = "fresh, empty"
        docs_note = "" if self.assets else "  (Swagger UI files served by the intake function)"
        lines = [
            "",
            "Partner inquiries, running locally",
            f"  API        {url}",
            f"  Docs       {url}/docs{docs_note}",
            f"  OpenAPI    {url}/openapi.json",
            f"  Clock      {iso(self.clock.now())} (simulated; POST {url}/_local/clock)",
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

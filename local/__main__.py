"""`python -m local`: the whole service on one machine (what `make run` starts).

    python -m local [--port 8000] [--host 127.0.0.1] [--data-dir .local] [--reset] [--empty]
                    [--workers N] [--compact-at BYTES] [--stock-moto]

Ctrl-C (SIGINT) or SIGTERM stops everything cleanly and writes the snapshot; a second
SIGTERM (make forwards the one sent to its process group) changes nothing; only a second
Ctrl-C forces the exit. Nothing answered is lost even then, nor after `kill -9`: every
change is in the journal before it is answered.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

# The handlers are imported as Lambda imports them (`functions.<name>.app`), from the repository.
_REPOSITORY = str(Path(__file__).resolve().parent.parent)
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

from local.heap import FreezeAfterFullCollections  # noqa: E402
from local.journal import BrokenJournal  # noqa: E402
from local.snapshot import COMPACT_AT_BYTES, UnreadableSnapshot  # noqa: E402
from local.stack import DEFAULT_DATA_DIR, Options, Stack  # noqa: E402
from local.workers import DEFAULT_SIZE  # noqa: E402


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m local", description="Run the whole service locally."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="0: any free port"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the snapshot is kept"
    )
    parser.add_argument("--reset", action="store_true", help="start clean (drop the snapshot)")
    parser.add_argument("--empty", action="store_true", help="no demo partners on a fresh start")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=DEFAULT_SIZE,
        help=f"worker processes per function, at most (default {DEFAULT_SIZE})",
    )
    parser.add_argument(
        "--compact-at",
        type=int,
        default=COMPACT_AT_BYTES,
        metavar="BYTES",
        help=f"fold the journal into the snapshot at this size (default {COMPACT_AT_BYTES})",
    )
    parser.add_argument(
        "--stock-moto",
        action="store_true",
        help="moto as it is, without the local stack's speed-ups (local/emulator.py)",
    )
    args = parser.parse_args(argv)
    return Options(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir.resolve(),
        reset=args.reset,
        empty=args.empty,
        workers=args.workers,
        compact_at=max(1, args.compact_at),
        stock_moto=args.stock_moto,
    )


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("between 1 and 64")
    return value


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    # Which credentials and endpoint boto3 found is not news: the stack set them.
    logging.getLogger("botocore").setLevel(logging.WARNING)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set() and signum == signal.SIGINT:
            # A second Ctrl-C: do not wait for a clean stop. The journal keeps every change.
            os._exit(1)
        stopping.set()

    # From the first instant: a Ctrl-C while starting stops right after the start.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    FreezeAfterFullCollections().start()
    stack = Stack(options)
    try:
        stack.start()
    except OSError as error:
        stack.stop()
        print(f"cannot start: {error} (is port {options.port} taken? PORT=... picks another)")
        return 1
    except (UnreadableSnapshot, BrokenJournal) as error:
        stack.stop()
        print(f"cannot start: {error}")
        return 1
    except Exception:
        logging.getLogger("local").exception("cannot start")
        stack.stop()
        return 1
    if not stopping.is_set():
        print(stack.banner(), flush=True)
    while not stopping.wait(0.5):
        pass
    print("stopping ...", flush=True)
    stack.stop()
    print("stopped; data kept in", options.data_dir, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

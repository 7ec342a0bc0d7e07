"""Function instances, as Lambda execution environments, forked from one prepared process.

`python -m local.worker <socket fd> <function>...` is the workers' template (a
"zygote"): it imports every function's handler once, with the clock port set to
the clock the invocations bring, and then, for each request of the worker pool,
forks a worker for one function, handing it two pipe descriptors. So a new
instance is ready in milliseconds and shares the imported code with its
siblings, as a restored Lambda snapshot would; from then on each worker is a
process of its own, serving one invocation at a time: a JSON line in (the
event, the clock's state, the deadline), a JSON line out (the handler's answer
or the error). Module state (Powertools' resolver, the clients) is the
worker's own and lives as long as the worker, as in an execution environment.

A worker names itself after its function (`local-notify`, as `ps` and `top` show it),
so a person (or a test) can tell which function a busy or stuck process runs.

The template and the workers ignore SIGINT and SIGTERM, which a terminal or make
sends to the whole process group: the stack ends them itself, by closing their
pipes, after the last answer. When the stack's process is gone (even by
`kill -9` of it alone), the pipes close and they end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
import traceback
import uuid
import warnings
from typing import Any

MAX_MESSAGE = 1024


def main(argv: list[str]) -> int:
    control_fd, functions = int(argv[0]), argv[1:]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    control = socket.socket(fileno=control_fd)
    handlers, clock = _prepare(functions)
    children: set[int] = set()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 2)
        except OSError:
            message, fds = b"", []
        _reap(children, block=False)
        if not message:
            break  # the stack closed the socket: it is stopping, or gone
        function = message.decode()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                control.close()
                _name(function)
                code = _serve(function, handlers.get(function), clock, fds[0], fds[1])
            finally:
                os._exit(code)
        children.add(pid)
        for descriptor in fds:
            os.close(descriptor)
        control.send(str(pid).encode())
    # The workers end once their pipes close; they are waited for, so nothing is left behind.
    _reap(children, block=True)
    return 0


def _name(function: str) -> None:
    """Name the process after its function (Linux: its `comm`, at most 15 bytes)."""
    try:
        with open("/proc/self/comm", "w") as comm:
            comm.write(f"local-{function}"[:15])
    except OSError:
        pass  # not Linux: the name is only a help


def _prepare(functions: list[str]) -> tuple[dict[str, Any], Any]:
    """Import every handler once, with the clock port set to the invocations' clock."""
    # Powertools warns on every invocation that publishes no metric (they are off locally).
    warnings.filterwarnings("ignore", "No application metrics to publish")
    from inquiries import wiring  # noqa: PLC0415  (after the signals: imports take a while)

    from local import headers  # noqa: PLC0415
    from local.clock import AnchoredClock  # noqa: PLC0415
    from local.events import handler_of  # noqa: PLC0415

    # The emulator's answers' headers read without the e-mail parser (local/headers.py: the
    # same message), as in the stack's process: they were a tenth of a worker's CPU.
    headers.install()

    clock = AnchoredClock(None)
    wiring.override(clock=clock)
    handlers: dict[str, Any] = {}
    for function in functions:
        try:
            handlers[function] = handler_of(function)
        except Exception:
            failure = traceback.format_exc()
            print(f"function {function} cannot be imported:\n{failure}", file=sys.stderr)
    # The functions' init, as Lambda's init phase: the boto3 clients are made once, here, and
    # every worker forked from here has them (no connection is open yet: safe to fork).
    wiring.dependencies()
    sys.stderr.flush()
    return handlers, clock


def _reap(children: set[int], *, block: bool, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while children:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid:
            children.discard(pid)
            continue
        if not block or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def _serve(function: str, handler: Any, clock: Any, requests_fd: int, answers_fd: int) -> int:
    """One worker: one invocation at a time until the pool closes the pipe."""
    from local.clock import ClockState  # noqa: PLC0415  (imported already: free)

    with os.fdopen(requests_fd, "rb") as requests, os.fdopen(answers_fd, "wb") as answers:
        for line in requests:
            message = json.loads(line)
            state = ClockState.from_json(message["clock"])
            if state is not None:
                clock.state = state
            answers.write(_answer(function, handler, message) + b"\n")
            answers.flush()
    return 0


def _answer(function: str, handler: Any, message: dict[str, Any]) -> bytes:
    """One invocation's answer line: the handler's result, or the error."""
    from local.events import LambdaContext  # noqa: PLC0415

    if handler is None:
        return json.dumps({"error": f"function {function} cannot be imported"}).encode()
    context = LambdaContext(
        function_name=f"inquiries-{function}",
        aws_request_id=str(uuid.uuid4()),
        deadline_ms=float(message["deadline_ms"]),
    )
    try:
        result = handler(message["event"], context)
        return json.dumps({"result": result}, separators=(",", ":")).encode()
    except Exception:
        # Lambda logs the error of an invocation and answers it as a failure.
        print(traceback.format_exc(), file=sys.stderr, flush=True)
        return json.dumps({"error": "the function failed"}).encode()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Function instances in worker processes, as Lambda runs them: in parallel, one event each.

Each function has its own pool of up to `size` workers, forked from one template
process that imported the handlers (local/worker.py).
An invocation takes an idle worker of its function, or starts a new one while
the pool is below its size (a cold start, as Lambda scales out), or waits for
one to be free. A worker serves one invocation at a time, and keeps its module
state between invocations, as an execution environment does. So two requests
really run at once, in different processes, and the product's races are real.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from local.clock import ClockState

logger = logging.getLogger("local.workers")

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_SIZE = 4
TIMEOUT_S = 30.0  # the functions' timeout on AWS


class InvocationFailed(RuntimeError):
    """The function raised, timed out or its worker died: API Gateway answers 500."""


class WorkerGone(InvocationFailed):
    """The worker had ended before the event reached it: another worker may take the event."""


class Zygote:
    """The workers' template process (local/worker.py): forks a worker on request."""

    def __init__(self, functions: tuple[str, ...], environment: Mapping[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "local.worker", str(theirs.fileno()), *functions],
                cwd=REPOSITORY,
                env=dict(environment),
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        self._socket = ours
        self._lock = threading.Lock()

    def fork(self, function: str) -> Worker:
        """A new worker for the function (the first waits for the template's imports)."""
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        try:
            with self._lock:
                socket.send_fds(
                    self._socket, [function.encode()], [to_worker_read, from_worker_write]
                )
                answer = self._socket.recv(64)
        except OSError:
            answer = b""
        finally:
            os.close(to_worker_read)
            os.close(from_worker_write)
        if not answer:
            os.close(to_worker_write)
            os.close(from_worker_read)
            raise InvocationFailed("the workers' template process is gone")
        return Worker(function, int(answer), to_worker_write, from_worker_read)

    def close(self, timeout_s: float) -> None:
        """Let it end (it waits for its workers, whose pipes are closed by then)."""
        self._socket.close()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Worker:
    """One function instance: a process forked by the template, and its two pipes."""

    def __init__(self, function: str, pid: int, requests_fd: int, answers_fd: int) -> None:
        self.function = function
        self.pid = pid
        self._requests: IO[bytes] = os.fdopen(requests_fd, "wb")
        self._answers: IO[bytes] = os.fdopen(answers_fd, "rb")
        self.alive = True

    def invoke(self, event: dict[str, Any], clock: ClockState, timeout_s: float) -> Any:
        """Run one invocation; the handler's answer."""
        deadline = time.time() + timeout_s
        message = {"event": event, "clock": clock.to_json(), "deadline_ms": deadline * 1000}
        try:
            self._requests.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
            self._requests.flush()
        except OSError:
            self.close(kill=True)
            raise WorkerGone(f"the {self.function} worker is gone") from None
        ready, _, _ = select.select([self._answers], [], [], timeout_s)
        line = self._answers.readline() if ready else b""
        if not line:
            self.close(kill=True)
            logger.warning(
                "a %s worker died or ran past %.0f s; the next invocation gets a new one",
                self.function,
                timeout_s,
            )
            raise InvocationFailed(f"the {self.function} worker died or timed out")
        answer = json.loads(line)
        if "error" in answer:
            raise InvocationFailed(str(answer["error"]))
        return answer["result"]

    def close(self, *, kill: bool = False) -> None:
        """End the worker: its pipe closes and it exits (killed at once when `kill`)."""
        self.alive = False
        if kill:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        for pipe in (self._requests, self._answers):
            with contextlib.suppress(OSError):
                pipe.close()


class Pool:
    """The workers of one function."""

    def __init__(self, function: str, zygote: Zygote, size: int) -> None:
        self.function = function
        self._zygote = zygote
        self._size = size
        self._idle: list[Worker] = []
        self._count = 0  # idle, busy and starting
        self._free = threading.Condition()
        self._closed = False

    def start_one(self) -> None:
        """Start a worker ahead of the first request (its imports run meanwhile)."""
        with self._free:
            if self._closed or self._count >= self._size:
                return
            self._count += 1
        self._put(self._new())

    def _new(self) -> Worker:
        try:
            return self._zygote.fork(self.function)
        except BaseException:
            with self._free:
                self._count -= 1
                self._free.notify()
            raise

    def _put(self, worker: Worker) -> None:
        with self._free:
            if self._closed:
                self._count -= 1
                worker.close()
                self._free.notify_all()
                return
            self._idle.append(worker)
            self._free.notify()

    def _take(self) -> Worker:
        with self._free:
            while True:
                if self._closed:
                    raise InvocationFailed("the local stack is stopping")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive:
                        return worker
                    self._count -= 1
                    worker.close()
                if self._count < self._size:
                    self._count += 1
                    break
                self._free.wait()
        return self._new()

    def invoke(self, event: dict[str, Any], clock: ClockState, timeout_s: float) -> Any:
        try:
            return self._invoke_once(event, clock, timeout_s)
        except WorkerGone:
            return self._invoke_once(event, clock, timeout_s)  # the event was not delivered

    def _invoke_once(self, event: dict[str, Any], clock: ClockState, timeout_s: float) -> Any:
        worker = self._take()
        try:
            result = worker.invoke(event, clock, timeout_s)
        except InvocationFailed:
            if worker.alive:
                self._put(worker)
            else:
                with self._free:
                    self._count -= 1
                    self._free.notify()
            raise
        self._put(worker)
        return result

    def close(self, timeout_s: float) -> None:
        """Take no more invocations, wait for the running ones, and end the workers."""
        deadline = time.monotonic() + timeout_s
        with self._free:
            self._closed = True
            ended = list(self._idle)
            self._count -= len(ended)
            self._idle.clear()
            while self._count > 0 and time.monotonic() < deadline:
                self._free.wait(timeout=max(0.0, deadline - time.monotonic()))
                ended += self._idle
                self._count -= len(self._idle)
                self._idle.clear()
        for worker in ended:
            worker.close()


class Workers:
    """A pool per function, its workers forked from one template process."""

    def __init__(self, functions: tuple[str, ...], environment: Mapping[str, str], size: int):
        self._zygote = Zygote(functions, environment)
        self._pools = {name: Pool(name, self._zygote, size) for name in functions}

    def warm_up(self) -> None:
        """One worker per function, in the background (the template's imports run meanwhile)."""
        for pool in self._pools.values():
            threading.Thread(target=pool.start_one, name="local-warm-up", daemon=True).start()

    def invoke(
        self, function: str, event: dict[str, Any], clock: ClockState, timeout_s: float = TIMEOUT_S
    ) -> Any:
        pool = self._pools.get(function)
        if pool is None:
            raise InvocationFailed(f"no function {function}")
        return pool.invoke(event, clock, timeout_s)

    def close(self, timeout_s: float = 10.0) -> None:
        """Wait for running invocations, then end every worker and the template."""
        deadline = time.monotonic() + timeout_s
        for pool in self._pools.values():
            pool.close(max(0.0, deadline - time.monotonic()))
        self._zygote.close(max(1.0, deadline - time.monotonic()))

"""Start the local stack as a person would (`python -m local`), and talk to it over HTTP.

Every answer of a deployed route is checked against the OpenAPI document the
stack serves: its status must be documented, and a JSON body must match the
documented schema. So these tests also prove the document describes the real answers.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import requests
from jsonschema import Draft202012Validator, FormatChecker

from local.events import match

REPOSITORY = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 40.0
STOP_TIMEOUT_S = 20.0


@dataclass
class Answer:
    status: int
    body: Any
    headers: requests.structures.CaseInsensitiveDict[str]
    text: str


@dataclass
class LocalStack:
    """One `python -m local` process, started in its own session and data folder."""

    data_dir: Path
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    url: str = ""
    moto_url: str = ""
    banner: str = ""
    document: dict[str, Any] | None = None
    session: requests.Session = field(default_factory=requests.Session)

    # --- life -----------------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *flags: str,
        meanwhile: Callable[[subprocess.Popen[bytes]], None] | None = None,
    ) -> LocalStack:
        """Start on a free port and wait until it answers (`meanwhile(process)` first)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        run = len(list(data_dir.parent.glob(f"{data_dir.name}-out-*")))
        stdout = data_dir.parent / f"{data_dir.name}-out-{run}.txt"
        stderr = data_dir.parent / f"{data_dir.name}-err-{run}.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.pop("TABLE_NAME", None)
        # Compiled modules are cached (outside the repository) even where the environment
        # turns that off: the tests start the stack many times.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "inquiries-e2e-pycache")
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "local", "--port", "0", "--data-dir", str(data_dir), *flags],
                cwd=REPOSITORY,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # signals go to it only when a test sends them
            )
        stack = cls(data_dir, process, stdout, stderr)
        if meanwhile is not None:
            try:
                meanwhile(process)
            except BaseException:
                stack.kill()
                raise
        stack._wait_until_ready()
        return stack

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the local stack exited: {self.logs()}")
            text = self.stdout.read_text(errors="replace")
            api = re.search(r"API\s+(http://\S+)", text)
            moto = re.search(r"moto\s+(http://\S+)", text)
            if api and moto and "Ctrl-C" in text:
                self.url, self.moto_url, self.banner = api.group(1), moto.group(1), text
                if self.get("/_local/clock").status == 200:
                    return
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"the local stack did not get ready: {self.logs()}")

    def logs(self) -> str:
        return (
            f"\n--- stdout\n{self.stdout.read_text(errors='replace')}"
            f"\n--- stderr\n{self.stderr.read_text(errors='replace')[-4000:]}"
        )

    def signal(self, signum: int) -> int:
        """Send a signal and wait for the exit code."""
        self.session.close()
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"no stop on {signum}: {self.logs()}") from None

    def stop(self) -> int:
        return self.signal(signal.SIGINT)

    def kill(self) -> None:
        """`kill -9` of the whole process group: the stack, its workers, their template."""
        self.session.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)

    # --- HTTP -----------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        response = self.session.request(
            method, self.url + path, data=data, headers=sent, params=query, timeout=30
        )
        content_type = response.headers.get("Content-Type", "")
        text = response.text
        parsed: Any = text
        if content_type.startswith("application/json") and text:
            parsed = response.json()
        answer = Answer(response.status_code, parsed, response.headers, text)
        self._conforms(method, path, answer)
        return answer

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, body=body, **kwargs)

    def token(self, role: str, partner_id: str | None = None, **extra: Any) -> str:
        body: dict[str, Any] = {"role": role, **extra}
        if partner_id is not None:
            body["partner_id"] = partner_id
        answer = self.post("/_local/token", body)
        assert answer.status == 200, answer.text
        token: str = answer.body["token"]
        return token

    def signing_key(self) -> bytes:
        return (self.data_dir / "token-key").read_text().strip().encode()

    def forge(self, claims: dict[str, Any], key: bytes | None = None) -> str:
        """A token signed with the stack's key (or another), for tests of its checks."""
        now = int(time.time())
        full = {"iss": "inquiries-local", "aud": "inquiries-local", "iat": now, "exp": now + 60}
        full.update(claims)
        return jwt.encode(full, key or self.signing_key(), algorithm="HS256")

    # --- the answers against the document -------------------------------------------------------

    def _conforms(self, method: str, path: str, answer: Answer) -> None:
        found = match(method, path)
        if found is None or self.document is None:
            return  # local-only routes and unknown paths are not in the document
        route = found[0]
        responses = self.document["paths"][route.path][method.lower()]["responses"]
        key = str(answer.status)
        documented = responses.get(key) or responses.get(f"{key[0]}XX")
        assert documented is not None, f"{method} {route.path} answered {key}, not documented"
        if answer.status == 204:  # no body, documented without content
            assert answer.text == "" and "content" not in documented, f"{method} {route.path}"
            return
        content_type = answer.headers.get("Content-Type", "").split(";")[0]
        content = documented.get("content", {})
        assert content_type in content, f"{method} {route.path} {key}: {content_type} undocumented"
        schema = content[content_type]["schema"]
        if content_type == "application/json":
            validator = Draft202012Validator(
                {**schema, "components": self.document["components"]},
                format_checker=FormatChecker(),
            )
            errors = [e.message for e in validator.iter_errors(answer.body)]
            assert not errors, f"{method} {route.path} {key} does not match its schema: {errors}"


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc), for 'nothing left behind'."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"

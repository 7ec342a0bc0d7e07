"""The local-only routes: tokens and the simulated clock. Never in the route table, never deployed.

- `POST /_local/token`: `{"role": "hq", "user_id"?}` or `{"role": "partner",
  "partner_id", "user_id"?}` -> `200 {"token"}` (also `"expires_in"`, seconds).
- `GET /_local/clock`: `200 {"now"}`.
- `POST /_local/clock`: `{"now": iso}` or `{"advance_hours": n}` -> `200 {"now", "fired"}`,
  answered only after every expiry due by the new time has fired.
- `GET /_local/outbox`: `200 {"messages": [...]}`, the mails the stack sent, oldest first.
- `DELETE /_local/outbox`: empties it; `204`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from inquiries.adapters.outbox import clear_outbox, outbox_messages
from inquiries.domain.view import iso

from local.gateway import Reply, Request, json_reply
from local.scheduler import LocalScheduler
from local.tokens import BadTokenRequest, TokenIssuer

TOKEN_PATH = "/_local/token"  # noqa: S105  (a path, not a secret)
CLOCK_PATH = "/_local/clock"
OUTBOX_PATH = "/_local/outbox"
MAX_ADVANCE_HOURS = 10 * 366 * 24


class BadInput(ValueError):
    """A local route got input it cannot use (422)."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


class Outbox:
    """The mails the local stack sent (the OUTBOX partition the notify function writes)."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self._dynamodb = dynamodb
        self._table = table

    def messages(self) -> list[dict[str, Any]]:
        return outbox_messages(self._dynamodb, self._table)

    def clear(self) -> int:
        return clear_outbox(self._dynamodb, self._table)


class LocalRoutes:
    """Answers `/_local/...`; None for anything else, which the gateway then handles."""

    def __init__(
        self,
        tokens: TokenIssuer,
        scheduler: LocalScheduler,
        outbox: Outbox | None = None,
    ) -> None:
        self._tokens = tokens
        self._scheduler = scheduler
        self._outbox = outbox

    def __call__(self, request: Request) -> Reply | None:
        routes: dict[str, dict[str, Callable[[Request], Reply]]] = {
            TOKEN_PATH: {"POST": self._token},
            CLOCK_PATH: {"GET": self._clock, "POST": self._move_clock},
        }
        if self._outbox is not None:
            routes[OUTBOX_PATH] = {"GET": self._messages, "DELETE": self._clear}
        methods = routes.get(request.path)
        if methods is None:
            return json_reply(404, {"message": "Not Found"})
        reply = self._answer(request, methods)
        reply.route = request.path  # one of the fixed paths above: the gateway logs it
        return reply

    def _answer(self, request: Request, methods: dict[str, Callable[[Request], Reply]]) -> Reply:
        serve = methods.get(request.method)
        if serve is None:
            return json_reply(
                405, {"message": "Method Not Allowed"}, [("Allow", ", ".join(sorted(methods)))]
            )
        try:
            return serve(request)
        except _NotJson:
            return json_reply(400, {"message": "the body is not JSON"})
        except BadInput as error:
            return json_reply(422, {"message": str(error), "fields": error.fields})

    def _token(self, request: Request) -> Reply:
        data = _json(request)
        try:
            token = self._tokens.mint_from_request(data)
        except BadTokenRequest as error:
            raise BadInput(str(error), ["role", "partner_id", "user_id"]) from None
        return json_reply(200, {"token": token})

    def _messages(self, request: Request) -> Reply:
        assert self._outbox is not None
        return json_reply(200, {"messages": self._outbox.messages()})

    def _clear(self, request: Request) -> Reply:
        assert self._outbox is not None
        self._outbox.clear()
        return Reply(204)

    def _clock(self, request: Request) -> Reply:
        return json_reply(200, {"now": iso(self._scheduler.now())})

    def _move_clock(self, request: Request) -> Reply:
        data = _json(request)
        with self._scheduler.lock:
            target = clock_target(data, self._scheduler.now())
            fired = self._scheduler.move_clock(target)
            now = self._scheduler.now()
        return json_reply(200, {"now": iso(now), "fired": fired})


class _NotJson(ValueError):
    pass


def _json(request: Request) -> Any:
    if not request.body.strip():
        return {}
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise _NotJson from None


def clock_target(data: Any, now: datetime) -> datetime:
    """Where `POST /_local/clock` sets the clock: `{"now": iso}` or `{"advance_hours": n}`."""
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object", [])
    unknown = sorted(set(data) - {"now", "advance_hours"})
    if unknown:
        raise BadInput(f"unknown fields: {', '.join(unknown)}", unknown)
    if ("now" in data) == ("advance_hours" in data):
        raise BadInput('give either "now" or "advance_hours"', ["now", "advance_hours"])
    if "now" in data:
        value = data["now"]
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadInput('"now" must be an ISO 8601 time with an offset', ["now"])
        return moment
    hours = data["advance_hours"]
    if (
        not isinstance(hours, int | float)
        or isinstance(hours, bool)
        or not math.isfinite(hours)
        or abs(hours) > MAX_ADVANCE_HOURS
    ):
        raise BadInput(
            f'"advance_hours" must be a number of hours, at most {MAX_ADVANCE_HOURS}',
            ["advance_hours"],
        )
    try:
        return now + timedelta(hours=hours)
    except OverflowError:
        raise BadInput('"advance_hours" goes past the calendar', ["advance_hours"]) from None

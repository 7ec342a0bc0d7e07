"""The local API Gateway: HTTP requests in, HTTP API (payload 2.0) events to the handlers.

It does what API Gateway does in front of the functions: find the route in the
one route table (unknown path 404, known path with another method 405), check
the bearer token on non-public routes as the JWT authorizer would (401 without
calling the function), build the event, invoke the route's function, and turn
its answer back into HTTP unchanged. It also serves the local-only routes
(`/_local/...`) and the Swagger UI's files under `/docs/assets/`.

Its log names each request by the route that answered it, as the deployed access log
does by its route key: `GET /inquiries/{inquiry_id} 200 12ms`, never the path or query
as sent (they may carry an e-mail address or a name); `(no route)` where none matched.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from local import headers, webapp
from local.aws import STOP_POLL_S
from local.events import http_event, match, path_exists, template_of
from local.tokens import InvalidToken, TokenIssuer, authorizer_claims

if TYPE_CHECKING:
    from inquiries.api.routes import Route

logger = logging.getLogger("local.gateway")

Invoke = Callable[[str, dict[str, Any]], dict[str, Any]]

ASSETS_PATH = "/docs/assets"
MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's HTTP API payload limit
# CORS as the deployed HTTP API answers it (infra/concerns/api.py), for any origin on this
# machine (`http://127.0.0.1:*`, `http://localhost:*`): a website or app under development on
# another port can call the local API. A page from anywhere else gets no CORS answer.
CORS_ORIGIN = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$")
LOCAL_ROUTES = "/_local/"
CORS_METHODS = "GET, POST, PUT, PATCH"
CORS_HEADERS = "authorization, content-type, idempotency-key"
CORS_MAX_AGE = "3600"
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# What the log says where no route matched, and of a method that is none of HTTP's.
NO_ROUTE = "(no route)"
OTHER_METHOD = "(other method)"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class Request:
    """One HTTP request as the gateway sees it."""

    method: str
    path: str  # as sent, without the query
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    source_ip: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        values = [v for k, v in self.headers if k.lower() == wanted]
        return ",".join(values) if values else None


@dataclass
class Reply:
    """One HTTP answer."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # The route that answered, as its template (`/inquiries/{inquiry_id}`), for the log
    # only; None: no route matched.
    route: str | None = None


def json_reply(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(
        status,
        [("Content-Type", "application/json"), *(headers or [])],
        json.dumps(data, ensure_ascii=False).encode(),
    )


class Gateway:
    """Turns requests into handler invocations, as API Gateway does on AWS."""

    def __init__(
        self,
        tokens: TokenIssuer,
        invoke: Invoke,
        *,
        local_routes: Callable[[Request], Reply | None] | None = None,
        assets: Path | None = None,
        own_origins: frozenset[str] = frozenset(),
    ) -> None:
        self._tokens = tokens
        self._invoke = invoke
        self._local_routes = local_routes
        self._assets = assets
        self._own_origins = own_origins
        # Tried in order; the first answer wins (a static-file fallback goes before the 404).
        self._steps: list[Callable[[Request], Reply | None]] = [
            self._local,
            self._asset_step,
            self._api,
            self._web_app,
        ]

    def handle(self, request: Request) -> Reply:
        """The answer to one request; never raises."""
        started = time.perf_counter()
        origin = request.header("origin")
        try:
            if request.path.startswith(LOCAL_ROUTES):
                # The local-only routes (tokens, the clock) serve the local app alone: a page
                # from any other origin must not mint tokens or move the clock (no CORS either).
                if origin is not None and origin not in self._own_origins:
                    # Refused before any route is looked at: logged as `(no route)`.
                    reply = json_reply(403, {"message": "Forbidden: not the local app's origin"})
                else:
                    reply = self._dispatch(request)
            elif (
                origin
                and request.method == "OPTIONS"
                and request.header("access-control-request-method")
            ):
                reply = _preflight(origin) if CORS_ORIGIN.match(origin) else _no_preflight()
                reply.route = template_of(request.path)
            else:
                reply = self._dispatch(request)
                if origin and CORS_ORIGIN.match(origin):
                    reply.headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        except Exception:
            logger.exception(
                "the gateway failed on %s %s",
                _method(request),
                template_of(request.path) or NO_ROUTE,
            )
            reply = json_reply(500, {"message": "Internal Server Error"})
        logger.info(
            "%s %s %d %.0fms",
            _method(request),
            reply.route or NO_ROUTE,
            reply.status,
            (time.perf_counter() - started) * 1000,
        )
        return reply

    def _dispatch(self, request: Request) -> Reply:
        for step in self._steps:
            reply = step(request)
            if reply is not None:
                return reply
        return json_reply(404, {"message": "Not Found"})

    def _local(self, request: Request) -> Reply | None:
        if request.path.startswith(LOCAL_ROUTES) and self._local_routes is not None:
            return self._local_routes(request)
        return None

    def _web_app(self, request: Request) -> Reply | None:
        """The web app's files and /config.json, for paths that are no route."""
        if request.method in ("GET", "HEAD") and (page := webapp.serve(request.path)) is not None:
            return Reply(*page, route=webapp.route_of(request.path))
        return None

    def _asset_step(self, request: Request) -> Reply | None:
        if request.path.startswith(ASSETS_PATH + "/") and request.method in ("GET", "HEAD"):
            reply = self._asset(request.path[len(ASSETS_PATH) + 1 :])
            reply.route = ASSETS_PATH + "/{file}"
            return reply
        return None

    def _api(self, request: Request) -> Reply | None:
        """A route of the route table, as API Gateway answers it; None for an unknown path."""
        found = match(request.method, request.path)
        if found is None:
            if path_exists(request.path):
                allowed = sorted(
                    {m for m in ("GET", "POST", "PUT", "DELETE") if match(m, request.path)}
                )
                refused = json_reply(
                    405, {"message": "Method Not Allowed"}, [("Allow", ", ".join(allowed))]
                )
                refused.route = template_of(request.path)
                return refused
            return None
        route, params = found
        answered = self._route(route, params, request)
        answered.route = route.path
        return answered

    def _route(self, route: Route, params: dict[str, str], request: Request) -> Reply:
        """The answer of a route of the route table (its token checked first)."""
        claims: dict[str, Any] | None = None
        if not route.public:
            try:
                claims = self._tokens.verify(request.header("authorization"))
            except InvalidToken as error:
                # API Gateway's JWT authorizer answers itself; the function is not called.
                challenge = f'Bearer error="invalid_token", error_description="{error}"'
                return json_reply(
                    401, {"message": "Unauthorized"}, [("WWW-Authenticate", challenge)]
                )
        event = http_event(
            route,
            path=request.path,
            path_parameters={name: unquote(value) for name, value in params.items()},
            query=request.query,
            headers=_joined(request.headers),
            body=request.body or None,
            claims=authorizer_claims(claims) if claims is not None else None,
            source_ip=request.source_ip,
        )
        try:
            result = self._invoke(route.function, event)
        except Exception:
            # What API Gateway answers when the function errors out.
            logger.exception("function %s failed", route.function)
            return json_reply(500, {"message": "Internal Server Error"})
        reply = reply_of(result)
        reply.headers.append(("apigw-requestid", event["requestContext"]["requestId"]))
        return reply

    def _asset(self, name: str) -> Reply:
        if self._assets is None or not _ASSET_NAME.match(name):
            return json_reply(404, {"message": "Not Found"})
        path = self._assets / name
        if not path.is_file():
            return json_reply(404, {"message": "Not Found"})
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        return Reply(
            200,
            [("Content-Type", content_type), ("Cache-Control", "public, max-age=3600")],
            path.read_bytes(),
        )


def _method(request: Request) -> str:
    """The method for the log: one of HTTP's, else a placeholder (a request line's first
    word can be anything)."""
    return request.method if request.method in _METHODS else OTHER_METHOD


def _preflight(origin: str) -> Reply:
    """API Gateway's answer to a CORS preflight: 204 with what is allowed."""
    return Reply(
        204,
        [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", CORS_METHODS),
            ("Access-Control-Allow-Headers", CORS_HEADERS),
            ("Access-Control-Max-Age", CORS_MAX_AGE),
            ("Vary", "Origin"),
        ],
    )


def _no_preflight() -> Reply:
    """A preflight from an origin that is not allowed: no CORS headers, so the browser stops."""
    return Reply(204, [("Vary", "Origin")])


def own_origins(host: str, port: int) -> frozenset[str]:
    """The origins of pages the gateway itself serves (the local app): its own addresses."""
    hosts = {"127.0.0.1", "localhost", "[::1]"}
    if host not in ("", "0.0.0.0", "::"):
        hosts.add(f"[{host}]" if ":" in host else host)
    return frozenset(f"http://{name}:{port}" for name in hosts)


def reply_of(result: Any) -> Reply:
    """An HTTP answer from a function's payload 2.0 response, as API Gateway makes it."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # API Gateway's inference: a bare value is a 200 with that value as JSON.
        return json_reply(200, result)
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(v)) for v in values]
    headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or []]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return Reply(int(result["statusCode"]), headers, raw)


def _joined(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Repeated headers joined as API Gateway joins them (cookies with `; `)."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        separator = "; " if key == "cookie" else ","
        joined[key] = f"{joined[key]}{separator}{value}" if key in joined else value
    return joined


# --- HTTP --------------------------------------------------------------------------------------


class GatewayServer(ThreadingHTTPServer):
    """A threaded HTTP server in front of a Gateway."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of connections got resets. The kernel caps
    # it at net.core.somaxconn (4096 on current Linux).
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], gateway: Gateway | None) -> None:
        # Bound at once; it serves once a gateway is set and `serve_in_background` is called.
        super().__init__(address, _Handler)
        headers.install()  # request headers read without the e-mail parser (local/headers.py)
        self.gateway = gateway

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": STOP_POLL_S},
            name="local-gateway",
            daemon=True,
        )
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "inquiries-local"
    timeout = 60  # an idle keep-alive connection does not hold a thread for ever
    # Headers and body go out as two writes; with Nagle on, the body waits for the client's
    # delayed ACK: about 40 ms on every request of a keep-alive connection.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        server = self.server
        assert isinstance(server, GatewayServer) and server.gateway is not None
        body = self._read_body()
        if body is None:
            return
        target = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=target.path or "/",
            query=target.query,
            headers=tuple((k, v) for k, v in self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
        )
        self._send(server.gateway.handle(request))

    # http.server's names for the handler of each method.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...) is answered as the route table says (405 on a
        # known path, else 404) where http.server would answer 501 in HTML.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering a body the gateway will not take."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length") or "0"
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send(json_reply(400, {"message": "Bad Request"}))
            return None
        if length > MAX_PAYLOAD:
            self.close_connection = True
            self._send(json_reply(413, {"message": "Request Entity Too Large"}))
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.close_connection = True
                self._send(json_reply(400, {"message": "Bad Request"}))
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_PAYLOAD:
                self.close_connection = True
                self._send(json_reply(413, {"message": "Request Entity Too Large"}))
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(16)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        # The gateway logs each request itself, without the query (it may carry ids).
        return

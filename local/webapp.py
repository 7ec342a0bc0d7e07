"""The web app's files at `/`, as the CDN serves them on AWS, plus the local runtime config.

Only the app's own paths are answered here (`/`, `/index.html`, `/assets/*`, `/config.json`,
the favicon, the website form's script `/form.js`); every other path goes on to the API's
routes. The app is built by `make web` into web/dist/; without a build, `/` says how to
make one.
"""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
# The app runs on the local stack's own sign-in (`POST /_local/token`).
CONFIG = {"auth": "local"}

Answer = tuple[int, list[tuple[str, str]], bytes]

_ASSET = re.compile(r"^/assets/[A-Za-z0-9][A-Za-z0-9._-]*$")
# `/form.js`: the website form's script (web/src/form/), at a stable path for other sites to
# embed; the gateway's CORS rule lets any local origin load it, as on AWS the form's origins.
_ROOT_FILES = frozenset({"/favicon.svg", "/favicon.ico", "/form.js"})
# What the app needs and nothing more: its own scripts and styles, the API at the same origin.
_SECURITY = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
]

_NOT_BUILT = b"""<!doctype html><html lang="en"><meta charset="utf-8">
<title>Web app not built</title><h1>The web app is not built</h1>
<p>Run <code>make web</code> (or <code>make run</code>) and reload.
The API is at <a href="/docs">/docs</a>.</p></html>"""


def route_of(path: str) -> str:
    """What the log names a path `serve` answers by: the built files under `/assets/` by
    their template, the rest (a fixed set of names) as they are."""
    return "/assets/{file}" if path.startswith("/assets/") else path


def serve(path: str, dist: Path = DIST) -> Answer | None:
    """The answer for one of the app's paths (GET or HEAD), or None for any other path."""
    if path == "/config.json":
        body = json.dumps(CONFIG).encode()
        return 200, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body
    if path in ("/", "/index.html"):
        index = dist / "index.html"
        if not index.is_file():
            return 200, [("Content-Type", "text/html; charset=utf-8"), *_SECURITY], _NOT_BUILT
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")]
        return 200, headers + _SECURITY, index.read_bytes()
    if _ASSET.match(path) or path in _ROOT_FILES:
        file = dist / path.lstrip("/")
        if not file.is_file():
            return None
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "svg+xml")):
            content_type += "; charset=utf-8"
        # Built asset names carry a content hash: they never change under the same name.
        cache = "public, max-age=31536000, immutable" if path.startswith("/assets/") else "no-cache"
        headers = [("Content-Type", content_type), ("Cache-Control", cache), *_SECURITY[:1]]
        return 200, headers, file.read_bytes()
    return None

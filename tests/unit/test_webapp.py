"""The local gateway serves the web app's files, its config, and nothing else at those paths."""

from __future__ import annotations

import json
from pathlib import Path

from local import webapp


def _dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    return dist


def test_config_is_local_sign_in() -> None:
    answer = webapp.serve("/config.json")
    assert answer is not None
    status, headers, body = answer
    assert status == 200 and json.loads(body) == {"auth": "local"}
    assert ("Content-Type", "application/json") in headers


def test_index_at_root_with_a_content_security_policy(tmp_path: Path) -> None:
    dist = _dist(tmp_path)
    for path in ("/", "/index.html"):
        answer = webapp.serve(path, dist)
        assert answer is not None
        status, headers, body = answer
        assert status == 200 and b"<title>app</title>" in body
        policy = dict(headers)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_hashed_assets_are_cached_for_good(tmp_path: Path) -> None:
    answer = webapp.serve("/assets/index-abc123.js", _dist(tmp_path))
    assert answer is not None
    status, headers, body = answer
    assert status == 200 and body == b"console.log(1)"
    assert dict(headers)["Content-Type"].endswith("javascript; charset=utf-8")
    assert "immutable" in dict(headers)["Cache-Control"]


def test_other_paths_go_on_to_the_api(tmp_path: Path) -> None:
    dist = _dist(tmp_path)
    for path in (
        "/inquiries",
        "/docs",
        "/assets/missing.js",
        "/assets/../index.html",
        "/assets/sub/dir.js",
        "/partners/x",
    ):
        assert webapp.serve(path, dist) is None, path


def test_without_a_build_the_root_says_how_to_make_one(tmp_path: Path) -> None:
    answer = webapp.serve("/", tmp_path / "nothing")
    assert answer is not None
    assert answer[0] == 200 and b"make web" in answer[2]

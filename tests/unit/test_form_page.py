"""The form page's own markup (the integration tests call it through the API)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from inquiries.api.form_page import render, security_headers


def test_the_page_names_its_icon_inline_so_no_favicon_ico_is_asked_for() -> None:
    page = render(language="en", partner=None, privacy_url=None)
    found = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert found, page[:400]
    href = found.group(1)
    assert href.startswith("data:image/svg+xml,")
    assert unquote(href.removeprefix("data:image/svg+xml,")).startswith("<svg")
    # The page's policy lets a data: image in.
    assert "img-src 'self' data:" in security_headers()["Content-Security-Policy"]

"""The website form's script (web/src/form/) agrees with the API, and the gateway serves it."""

from __future__ import annotations

import re
from pathlib import Path

from inquiries.api.countries import ISO_COUNTRIES
from inquiries.domain.model import Product

from local import webapp

SOURCE = Path(__file__).resolve().parents[2] / "web" / "src" / "form"


def test_the_form_offers_every_country_the_api_takes_and_no_other() -> None:
    text = (SOURCE / "countries.ts").read_text()
    block = text[text.index("COUNTRIES = (") : text.index(').split(" ")')]
    codes = " ".join(re.findall(r'"([A-Z ]+)"', block)).split()
    assert len(codes) == len(set(codes))
    assert set(codes) == set(ISO_COUNTRIES)


def test_the_form_offers_every_product_the_api_takes() -> None:
    text = (SOURCE / "texts.ts").read_text()
    block = text[text.index("PRODUCTS = [") : text.index("] as const;", text.index("PRODUCTS"))]
    assert re.findall(r'"(\w+)"', block) == [product.value for product in Product]


def test_the_gateway_serves_the_script_at_its_stable_path(tmp_path: Path) -> None:
    (tmp_path / "form.js").write_text("(function(){})();")
    answer = webapp.serve("/form.js", tmp_path)
    assert answer is not None
    status, headers, body = answer
    assert status == 200 and body == b"(function(){})();"
    assert dict(headers)["Content-Type"] == "text/javascript; charset=utf-8"
    # A stable name, not a hashed one: revalidated, so a new version shows at once.
    assert dict(headers)["Cache-Control"] == "no-cache"

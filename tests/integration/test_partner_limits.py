"""A partner that one change could never store is 422 naming `territories`, not 503 (issue 10).

Storing a partner is one DynamoDB transaction: the partner, a copy per country it
covers, and the deletion of countries it no longer covers. moto enforces 100 writes;
a real table also 4 MB a change and 400 KB an item: without the check these fail
on every try (503). The API's 256 KiB body limit keeps a single item under 400 KB; the
4 MB of a transaction and its 100 writes are within reach.
"""

from __future__ import annotations

from typing import Any

import pytest
from inquiries.api.countries import ISO_COUNTRIES
from inquiries.domain.partner_limits import MAX_PARTNER_BYTES

from tests.support.api import call, hq
from tests.support.demo import (
    SOUTH_TYROL,
    partner_body,
    put_partner,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
)

COUNTRIES = sorted(ISO_COUNTRIES)


def territories(countries: list[str], prefixes: int = 1, width: int = 5) -> list[dict[str, Any]]:
    return [
        {"country": c, "postal_prefixes": [f"{n:0{width}d}" for n in range(prefixes)]}
        for c in countries
    ]


def stored(partner_id: str) -> dict[str, Any] | None:
    listed = call("GET", "/partners", claims=hq()).body["items"]
    return next((p for p in listed if p["id"] == partner_id), None)


def put(body: dict[str, Any]) -> Any:
    return call("PUT", f"/partners/{SOUTH_TYROL}", body=body, claims=hq())


def assert_names_territories(answer: Any, words: str) -> None:
    assert answer.status == 422, answer.text
    assert answer.body["message"].startswith("territories: ")
    assert words in answer.body["message"]
    (error,) = answer.body["errors"]
    assert error["loc"] == ["body", "territories"]


@pytest.mark.usefixtures("aws", "clock")
def test_a_partner_too_large_for_one_change_is_422_and_nothing_is_stored() -> None:
    # 50 countries x 200 prefixes of 8 digits: a body of about 110 KB (under the API's
    # 256 KiB), stored 51 times (the partner and a copy per country): over 4 MB.
    body = partner_body(SOUTH_TYROL, territories=territories(COUNTRIES[:50], 200, 8))

    answer = put(body)

    assert_names_territories(answer, "use fewer, shorter prefixes")
    assert stored(SOUTH_TYROL) is None


@pytest.mark.usefixtures("aws", "clock")
def test_a_replacement_too_large_leaves_the_stored_partner_as_it_was() -> None:
    before = put_partner(SOUTH_TYROL)
    body = partner_body(SOUTH_TYROL, territories=territories(COUNTRIES[:40], 250, 8))

    answer = put(body)

    assert_names_territories(answer, "bytes with its postal prefixes")
    assert stored(SOUTH_TYROL) == before


@pytest.mark.usefixtures("aws", "clock")
def test_the_largest_partner_that_fits_is_stored_and_routable() -> None:
    # Just under the limit: 6 countries x 1,000 prefixes of 12 digits (~93 KB a copy).
    body = partner_body(SOUTH_TYROL, territories=territories(COUNTRIES[:6], 1000, 12))

    answer = put(body)

    assert answer.status == 200, answer.text
    saved = stored(SOUTH_TYROL)
    assert saved is not None
    assert [len(t["postal_prefixes"]) for t in saved["territories"]] == [1000] * 6


@pytest.mark.usefixtures("aws", "clock")
def test_moving_to_50_other_countries_at_once_is_422_and_two_steps_work() -> None:
    put_partner(SOUTH_TYROL, territories=territories(COUNTRIES[:50]))
    others = territories(COUNTRIES[50:100])

    answer = put(partner_body(SOUTH_TYROL, territories=others))

    # 1 partner + 50 new countries + 50 dropped = 101 writes, one more than a change holds.
    assert_names_territories(answer, "takes 101 writes")
    assert "drop the old countries in a first change" in answer.body["message"]
    assert [t["country"] for t in stored(SOUTH_TYROL)["territories"]] == COUNTRIES[:50]  # type: ignore[index]
    # The two steps the message proposes both go through.
    put_partner(SOUTH_TYROL, territories=others[:1])
    put_partner(SOUTH_TYROL, territories=others)
    assert [t["country"] for t in stored(SOUTH_TYROL)["territories"]] == COUNTRIES[50:100]  # type: ignore[index]


def test_the_limit_leaves_room_for_the_keys_of_an_item() -> None:
    assert MAX_PARTNER_BYTES + 1_000 < 400 * 1024

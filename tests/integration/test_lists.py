"""The lists over sharded indexes, through API Gateway events against moto.

Inquiries land in different shards (a hash of their id); a page asks every shard and
merges. These tests check what a user of the list sees: the order (HQ newest first; a
partner's pending first by deadline, then the rest newest first), pages that are full
until the last, cursors that lead through every shard without a gap or a repeat, and
HQ's filters (partner, channel, return reason, creation days, each with a status),
each answered by its own index.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from inquiries.adapters import shards
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import PARTNER_SHARDS, SHARDS, shard_of

from tests.integration.conftest import Moto
from tests.support.api import Answer, call, hq, partner
from tests.support.api import pages as every_page

ALPIN, MERAN, BAYERN = "alpin-bz", "meran-bz", "bayern-by"
INQUIRIES = 36


def _partner_body(country: str, subdivision: str, timezone: str, prefix: str) -> dict[str, Any]:
    return {
        "name": "Fenster",
        "country": country,
        "subdivision": subdivision,
        "timezone": timezone,
        "territories": [{"country": country, "postal_prefixes": [prefix]}],
    }


def _form(n: int, country: str, postal_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "product": "windows",
        "contact": {
            "last_name": f"Rossi{n}",
            "email": f"anna{n}@example.com",
            "postal_code": postal_code,
            "country": country,
        },
        "consent": True,
        **extra,
    }


def _ok(answer: Answer, status: int = 200) -> Any:
    assert answer.status == status, (answer.status, answer.text[:400])
    return answer.body


def pages(claims: dict[str, str], **query: Any) -> list[list[dict[str, Any]]]:
    """Every page of the inquiries list, following `next` until it is null."""
    return every_page("/inquiries", claims, **query)


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


@dataclass(frozen=True)
class Built:
    table: Any  # moto's table with the network in it
    now: datetime  # the clock when it was made
    views: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def built(moto: Moto) -> Built:
    """The network, made once for the module through the API (36 submissions and their
    decisions were most of each test's time); the tests only read it."""
    return Built(*moto.made_once(_make_network))


@pytest.fixture
def network(
    aws: dict[str, Any], clock: FixedClock, moto: Moto, built: Built
) -> dict[str, dict[str, Any]]:
    """Three partners and 36 inquiries over three days, in every state a list shows.

    Every fourth goes to Bavaria from its dealer page, every ninth to France (nobody
    covers it: HQ's queue); South Tyrol's are accepted or rejected in turn, some left
    pending. Answers the views of all of them, as HQ sees them, by id. The table is a
    fresh copy of the module's, the clock where it was when they were made.
    """
    moto.put_table(built.table)
    clock.set(built.now)
    return copy.deepcopy(built.views)


def _make_network(clock: FixedClock) -> dict[str, dict[str, Any]]:
    for partner_id, place in {
        ALPIN: ("IT", "BZ", "Europe/Rome", "391"),
        MERAN: ("IT", "BZ", "Europe/Rome", "390"),
        BAYERN: ("DE", "BY", "Europe/Berlin", "8"),
    }.items():
        _ok(call("PUT", f"/partners/{partner_id}", body=_partner_body(*place), claims=hq()))
    for n in range(INQUIRIES):
        clock.advance(hours=2, minutes=n)
        if n % 9 == 4:
            body = _form(n, "FR", "75001")
        elif n % 4 == 0:
            body = _form(n, "DE", "80331", partner_id=BAYERN)
        else:
            body = _form(n, "IT", "3910" if n % 2 else "39012")
        inquiry_id = _ok(call("POST", "/inquiries", body=body), 201)["id"]
        view = _ok(call("GET", f"/inquiries/{inquiry_id}", claims=hq()))
        owner = view["partner_id"]
        if owner in (ALPIN, MERAN) and n % 3 == 1:
            _ok(call("POST", f"/inquiries/{inquiry_id}/accept", claims=partner(owner)))
        elif owner in (ALPIN, MERAN) and n % 3 == 2:
            reject = {"reason": "no_capacity"}
            _ok(call("POST", f"/inquiries/{inquiry_id}/reject", body=reject, claims=partner(owner)))
    views = [i for page in pages(hq(), limit=100) for i in page]
    return {v["id"]: v for v in views}


def newest_first(views: list[dict[str, Any]]) -> list[str]:
    return ids(sorted(views, key=lambda v: (v["created_at"], v["id"]), reverse=True))


def test_the_inquiries_are_spread_over_the_shards(network: dict[str, dict[str, Any]]) -> None:
    assert len(network) == INQUIRIES
    assert len({shard_of(i) for i in network}) >= SHARDS - 2
    mine = [i for i, v in network.items() if v["partner_id"] == ALPIN]
    assert len({shard_of(i, PARTNER_SHARDS) for i in mine}) >= 2


@pytest.mark.parametrize("limit", [1, 2, 5, 7, 100])
def test_hq_pages_newest_first_across_shards(
    network: dict[str, dict[str, Any]], limit: int
) -> None:
    found = pages(hq(), limit=limit)

    assert [i for page in found for i in ids(page)] == newest_first(list(network.values()))
    # Every page is full but the last: the merge never hands out a short page unfiltered.
    assert all(len(page) == limit for page in found[:-1])
    assert 0 < len(found[-1]) <= limit


@pytest.mark.parametrize("status", ["pending", "accepted", "returned", "unassigned"])
def test_hq_pages_one_status_across_shards(network: dict[str, dict[str, Any]], status: str) -> None:
    found = pages(hq(), limit=3, status=status)

    expected = newest_first([v for v in network.values() if v["status"] == status])
    assert expected, f"the network has no {status} inquiry"
    assert [i for page in found for i in ids(page)] == expected


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_a_partners_inbox_keeps_its_order_across_shards(
    network: dict[str, dict[str, Any]], limit: int
) -> None:
    found = [i for page in pages(partner(ALPIN), limit=limit) for i in page]

    mine = [network[i["id"]] for i in found]
    pending = [v for v in mine if v["status"] == "pending"]
    rest = [v for v in mine if v["status"] != "pending"]
    by_deadline = ids(sorted(pending, key=lambda v: (v["deadline"], v["id"])))
    assert pending and rest
    assert ids(found) == by_deadline + newest_first(rest)
    assert set(ids(found)) == {
        i
        for i, v in network.items()
        if v["partner_id"] == ALPIN and v["status"] in ("pending", "accepted", "closed")
    }


FILTERS: list[dict[str, str]] = [
    {"partner_id": ALPIN},
    {"partner_id": MERAN, "status": "accepted"},
    {"partner_id": BAYERN, "channel": "dealer_page"},
    {"channel": "dealer_page"},
    {"channel": "website", "status": "pending"},
    {"return_reason": "rejected"},
    {"return_reason": "rejected", "channel": "website", "status": "returned"},
    {"from": "2026-12-02", "to": "2026-12-02"},
    {"from": "2026-12-03"},
    {"to": "2026-12-01", "status": "unassigned"},
    {"partner_id": ALPIN, "from": "2026-12-02", "to": "2026-12-03"},
    {"channel": "dealer_page", "from": "2026-12-02"},
]


def _matches(view: dict[str, Any], query: dict[str, str]) -> bool:
    created = view["created_at"][:10]  # the API's stamps are UTC
    for name, value in query.items():
        if name == "from" and created < value:
            return False
        if name == "to" and created > value:
            return False
        if name not in ("from", "to") and view[name] != value:
            return False
    return True


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_hq_filters_answer_exactly_the_matching_inquiries_newest_first(
    network: dict[str, dict[str, Any]], query: dict[str, str]
) -> None:
    expected = newest_first([v for v in network.values() if _matches(v, query)])
    assert expected, "the network has no inquiry for this filter"
    assert len(expected) < INQUIRIES

    everything = pages(hq(), limit=100, **query)
    paged = pages(hq(), limit=2, **query)

    assert [i for page in everything for i in ids(page)] == expected
    assert [i for page in paged for i in ids(page)] == expected
    assert all(len(page) <= 2 for page in paged)


def test_the_created_days_are_utc_days_both_included(
    network: dict[str, dict[str, Any]],
) -> None:
    days = sorted({v["created_at"][:10] for v in network.values()})
    assert len(days) >= 3
    whole = [i for day in days for page in pages(hq(), **{"from": day, "to": day}) for i in page]
    assert sorted(ids(whole)) == sorted(network)


def test_a_partner_may_filter_by_status_only(network: dict[str, dict[str, Any]]) -> None:
    assert pages(partner(ALPIN), status="accepted")
    for name, value in {
        "partner_id": ALPIN,
        "channel": "website",
        "return_reason": "rejected",
        "from": "2026-12-01",
        "to": "2026-12-31",
    }.items():
        answer = call("GET", "/inquiries", claims=partner(ALPIN), query={name: value})
        assert answer.status == 422, (name, answer.text)
        assert answer.body["errors"][0]["loc"] == ["query", name], answer.body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"return_reason": "bored"}, "return_reason"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        # Epoch seconds, a datetime, a date without dashes: the contract's days are YYYY-MM-DD.
        ({"from": "0"}, "from"),
        ({"to": "86400"}, "to"),
        ({"from": "2026-11-29T00:00:00+05:00"}, "from"),
        ({"from": "20261130"}, "from"),
        ({"partner_id": "a b"}, "partner_id"),
        ({"partner_id": ".."}, "partner_id"),
        ({"from": "2026-12-03", "to": "2026-12-02"}, "from"),
    ],
)
def test_bad_filters_are_422_naming_them(
    aws: dict[str, Any], query: dict[str, str], field: str
) -> None:
    answer = call("GET", "/inquiries", claims=hq(), query=query)

    assert answer.status == 422, answer.text
    assert ["query", field] in [e["loc"] for e in answer.body["errors"]], answer.body


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ([("status", "pending"), ("status", "closed")], "status"),
        ([("limit", "1"), ("limit", "2")], "limit"),
        ([("status", "pending"), ("status", "pending")], "status"),
        ([("from", "2026-12-01"), ("to", "2026-12-31"), ("from", "2026-12-02")], "from"),
        ([("partner_id", ALPIN), ("partner_id", MERAN)], "partner_id"),
    ],
)
def test_a_parameter_given_more_than_once_is_422_naming_it(
    aws: dict[str, Any], query: list[tuple[str, str]], name: str
) -> None:
    """Not the first value, nor the last: API Gateway would hand them over joined by commas."""
    for claims in (hq(), partner(ALPIN)) if name in ("status", "limit") else (hq(),):
        answer = call("GET", "/inquiries", claims=claims, query=query)

        assert answer.status == 422, answer.text
        assert answer.body["errors"] == [
            {"loc": ["query", name], "msg": "given more than once", "type": "repeated"}
        ]
        assert answer.body["message"] == f"query parameter given more than once: {name}"


def test_a_value_with_a_comma_given_once_is_no_repetition(aws: dict[str, Any]) -> None:
    answer = call("GET", "/inquiries", claims=hq(), query={"q": "Rossi,Anna"})

    assert answer.status == 200, answer.text
    assert answer.body["items"] == []


def test_a_cursor_belongs_to_its_filters(network: dict[str, dict[str, Any]]) -> None:
    cursor = _ok(call("GET", "/inquiries", claims=hq(), query={"limit": 1, "partner_id": ALPIN}))[
        "next"
    ]
    assert cursor
    for other in ({"partner_id": MERAN}, {}, {"partner_id": ALPIN, "status": "pending"}):
        answer = call("GET", "/inquiries", claims=hq(), query={**other, "cursor": cursor})
        assert answer.status == 422, (other, answer.text)
    answer = call("GET", "/inquiries", claims=hq(), query={"partner_id": ALPIN, "cursor": cursor})
    assert answer.status == 200, answer.text


@pytest.mark.parametrize(
    "query",
    [{"channel": "dealer_page", "status": "pending"}, {"partner_id": ALPIN, "status": "accepted"}],
)
def test_a_narrow_filter_read_in_small_bites_still_lists_everything_once(
    network: dict[str, dict[str, Any]], query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each shard evaluates two entries a page, one call: the frontiers keep the order."""
    monkeypatch.setattr(shards, "MAX_CALLS_PER_SHARD", 1)
    monkeypatch.setattr(shards, "FILTERED_READ_FACTOR", 1)
    expected = newest_first([v for v in network.values() if _matches(v, query)])

    found = pages(hq(), limit=1, **query)

    assert [i for page in found for i in ids(page)] == expected

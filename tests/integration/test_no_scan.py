"""No code path issues a DynamoDB Scan: every route, the expiry and the sweeper, watched.

A Scan reads the whole table; its cost grows with every inquiry ever stored.
Two guards: a botocore `before-call.dynamodb.Scan` hook on the clients that
`inquiries.wiring` builds, and, for a client built anywhere else, a wrapper
around botocore's `_make_api_call`. Both record the attempt and refuse it, and
the test fails if anything was recorded, whatever the handler made of the
refusal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from inquiries import wiring
from inquiries.adapters.clock import FixedClock

from bench._counting import Recorder, clients_of
from local.events import invoke
from tests.integration.conftest import TABLE
from tests.support.api import Answer, call, hq, partner
from tests.support.api import pages as every_page

ALPIN, MERAN, BAYERN = "alpin-bz", "meran-bz", "bayern-by"


def _partner_body(country: str, subdivision: str, timezone: str, prefix: str) -> dict[str, Any]:
    return {
        "name": "Fenster",
        "country": country,
        "subdivision": subdivision,
        "timezone": timezone,
        "territories": [{"country": country, "postal_prefixes": [prefix]}],
    }


def _form(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "product": "windows",
        "contact": {
            "last_name": f"Rossi{n}",
            "email": f"anna{n}@example.com",
            "phone": f"+39 0471 12{n:04d}",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": "Twelve windows, please.",
        "consent": True,
        **extra,
    }


@pytest.fixture
def scans(aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Scans attempted while the test runs (each refused with an AccessDenied)."""
    attempted: list[str] = []

    def refuse(where: str) -> None:
        attempted.append(where)
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "Scan is not allowed"}}, "Scan"
        )

    def hook(**_: Any) -> None:
        refuse("wiring's DynamoDB client")

    wired = clients_of(wiring.dependencies()).values()
    for client in wired:
        client.meta.events.register("before-call.dynamodb.Scan", hook)

    original = BaseClient.__dict__["_make_api_call"]  # botocore's one door to every API call

    def guarded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        dynamodb = self.meta.service_model.service_name == "dynamodb"
        if operation_name == "Scan" and dynamodb and all(self is not c for c in wired):
            refuse("another DynamoDB client")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", guarded)
    return attempted


def _ok(answer: Answer, status: int = 200) -> Any:
    assert answer.status == status, (answer.status, answer.text[:300])
    return answer.body


def _pages(claims: dict[str, str], **query: Any) -> list[list[dict[str, Any]]]:
    """Every page of the inquiries list, following `next`."""
    return every_page("/inquiries", claims, **query)


def test_the_guards_catch_a_scan(scans: list[str], aws: dict[str, Any]) -> None:
    deps = wiring.dependencies()
    with pytest.raises(ClientError):
        clients_of(deps)["dynamodb"].scan(TableName=TABLE)
    with pytest.raises(ClientError):
        aws["dynamodb"].scan(TableName=TABLE)

    assert scans == ["wiring's DynamoDB client", "another DynamoDB client"]


def test_no_route_expiry_or_sweep_scans_the_table(scans: list[str], clock: FixedClock) -> None:
    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    with recorder.measuring() as tally:
        _tour(clock)

    assert scans == []
    assert "Scan" not in tally.of("dynamodb")
    # The tour did reach the store on every kind of path.
    assert {"Query", "GetItem", "BatchGetItem", "TransactWriteItems"} <= set(tally.of("dynamodb"))
    assert {"CreateSchedule", "DeleteSchedule"} <= set(tally.of("scheduler"))


def _tour(clock: FixedClock) -> None:
    """Every route, each kind of list query, the expiry and the sweeper."""
    # Partners: create, replace (territory moves country), list.
    _ok(
        call(
            "PUT",
            f"/partners/{ALPIN}",
            body=_partner_body("IT", "BZ", "Europe/Rome", "39"),
            claims=hq(),
        )
    )
    _ok(
        call(
            "PUT",
            f"/partners/{MERAN}",
            body=_partner_body("IT", "BZ", "Europe/Rome", "390"),
            claims=hq(),
        )
    )
    _ok(
        call(
            "PUT",
            f"/partners/{BAYERN}",
            body=_partner_body("AT", "9", "Europe/Vienna", "1"),
            claims=hq(),
        )
    )
    _ok(
        call(
            "PUT",
            f"/partners/{BAYERN}",
            body=_partner_body("DE", "BY", "Europe/Berlin", "8"),
            claims=hq(),
        )
    )
    assert len(_ok(call("GET", "/partners", claims=hq()))["items"]) == 3

    # Intake: routed, from a dealer page, to the HQ queue, idempotent and conflicting retries.
    submitted = [_ok(call("POST", "/inquiries", body=_form(n)), 201)["id"] for n in range(6)]
    dealer = _ok(call("POST", "/inquiries", body=_form(10, partner_id=BAYERN)), 201)["id"]
    nowhere = _form(11)
    nowhere["contact"]["country"], nowhere["contact"]["postal_code"] = "FR", "75001"
    queued = _ok(call("POST", "/inquiries", body=nowhere), 201)["id"]
    key = {"Idempotency-Key": "tour-1"}
    keyed = _ok(call("POST", "/inquiries", body=_form(12), headers=key), 201)["id"]
    assert _ok(call("POST", "/inquiries", body=_form(12), headers=key), 201)["id"] == keyed
    _ok(call("POST", "/inquiries", body=_form(13), headers=key), 409)
    _ok(call("POST", "/inquiries", body=_form(14, partner_id="nobody")), 422)
    _ok(call("GET", "/openapi.json"))
    assert call("GET", "/docs").status == 200

    # Lists: HQ and partner, every status filter, paged.
    for status in (None, "unassigned", "pending", "accepted", "returned", "closed"):
        query = {"status": status} if status else {}
        hq_items = [i for page in _pages(hq(), limit=2, **query) for i in page]
        partner_items = [i for page in _pages(partner(MERAN), limit=2, **query) for i in page]
        assert all(i["status"] == status for i in hq_items + partner_items if status)
    # HQ's filters, each on its own index, with a status and creation days.
    for filters in (
        {"partner_id": MERAN},
        {"partner_id": MERAN, "status": "pending"},
        {"channel": "dealer_page"},
        {"return_reason": "rejected", "status": "returned"},
        {"from": "2026-12-01", "to": "2026-12-31", "channel": "website"},
    ):
        listed = [i for page in _pages(hq(), limit=2, **filters) for i in page]
        assert all(i.get("partner_id") == MERAN for i in listed if "partner_id" in filters)
    everything = [i for page in _pages(hq(), limit=3) for i in page]
    assert len(everything) == len({i["id"] for i in everything}) == 9
    _ok(call("GET", "/inquiries", claims=hq(), query={"cursor": "not-a-cursor"}), 422)

    views = {i: _ok(call("GET", f"/inquiries/{i}", claims=hq())) for i in submitted}
    by_partner: dict[str, list[str]] = {}
    for inquiry_id, view in views.items():
        by_partner.setdefault(view["partner_id"], []).append(inquiry_id)
    first_partner, mine = next(iter(by_partner.items()))
    stranger = next(p for p in (ALPIN, MERAN, BAYERN) if p != first_partner)
    _ok(call("GET", f"/inquiries/{mine[0]}", claims=partner(first_partner)))
    _ok(call("GET", f"/inquiries/{mine[0]}", claims=partner(stranger)), 404)

    # Decisions: accept (new contact), link, progress to closed, reject, colleague, HQ assigns.
    _ok(call("POST", f"/inquiries/{mine[0]}/accept", claims=partner(first_partner)))
    _ok(
        call(
            "POST",
            f"/inquiries/{mine[0]}/contact",
            body={"new": True},
            claims=partner(first_partner),
        ),
        409,
    )
    _ok(
        call(
            "POST",
            f"/inquiries/{mine[0]}/assign",
            body={"user_id": "colleague"},
            claims=partner(first_partner),
        )
    )
    for step in ("contacted", "won"):
        _ok(
            call(
                "POST",
                f"/inquiries/{mine[0]}/progress",
                body={"step": step},
                claims=partner(first_partner),
            )
        )
    again = _ok(call("POST", "/inquiries", body=_form(0, partner_id=first_partner)), 201)["id"]
    accepted = _ok(call("POST", f"/inquiries/{again}/accept", claims=partner(first_partner)))
    contact_id = accepted["duplicates"][0]["contact_id"]
    _ok(
        call(
            "POST",
            f"/inquiries/{again}/contact",
            body={"contact_id": contact_id},
            claims=partner(first_partner),
        )
    )
    _ok(
        call(
            "POST",
            f"/inquiries/{again}/contact",
            body={"contact_id": "nope"},
            claims=partner(first_partner),
        ),
        422,  # checked against the partner's contacts (a GetItem) before the state (409)
    )

    rejected = submitted[1] if views[submitted[1]]["status"] == "pending" else submitted[2]
    owner = views[rejected]["partner_id"]
    _ok(
        call(
            "POST",
            f"/inquiries/{rejected}/reject",
            body={"reason": "no_capacity"},
            claims=partner(owner),
        )
    )
    _ok(call("POST", f"/inquiries/{rejected}/assign", body={"partner_id": owner}, claims=hq()))
    _ok(call("POST", f"/inquiries/{queued}/assign", body={"user_id": "hq-user-2"}, claims=hq()))
    _ok(call("POST", f"/inquiries/{queued}/discard", body={"note": "spam"}, claims=hq()))

    # Reports: HQ for all and for one partner, a partner its own, CSV.
    period = {"from": "2026-12-01", "to": "2026-12-31"}
    if call("GET", "/reports/response-times", claims=hq(), query=period).status != 404:
        _ok(call("GET", "/reports/response-times", claims=hq(), query=period))
        _ok(
            call(
                "GET", "/reports/response-times", claims=hq(), query={**period, "partner_id": ALPIN}
            )
        )
        _ok(call("GET", "/reports/response-times", claims=partner(ALPIN), query=period))
        csv = call("GET", "/reports/response-times", claims=hq(), query={**period, "format": "csv"})
        assert csv.status == 200

    # Expiry: the scheduler fires at the deadline (twice), a late accept, then the sweeper.
    deadline = datetime.fromisoformat(
        _ok(call("GET", f"/inquiries/{dealer}", claims=hq()))["deadline"]
    )
    clock.set(deadline - timedelta(seconds=1))
    assert invoke("expire", {"inquiry_id": dealer, "offer": 1}) == {"expired": 0}
    clock.set(deadline)
    assert invoke("expire", {"inquiry_id": dealer, "offer": 1}) == {"expired": 1}
    assert invoke("expire", {"inquiry_id": dealer, "offer": 1}) == {"expired": 0}
    assert invoke("expire", {"inquiry_id": "unknown", "offer": 1}) == {"expired": 0}
    late = next(
        i for i in submitted if views[i]["status"] == "pending" and i not in (mine[0], rejected)
    )
    _ok(call("POST", f"/inquiries/{late}/accept", claims=partner(views[late]["partner_id"])), 409)
    clock.advance(days=7)
    assert invoke("expire", {"sweep": True})["expired"] >= 1
    assert invoke("expire", {"sweep": True}) == {"expired": 0, "erased": 0}

    # The data subject: HQ's search, what is held, an erasure; then retention.
    email = _form(0)["contact"]["email"]
    last_name = _form(0)["contact"]["last_name"]
    for q in (email, last_name, submitted[1]):
        _ok(call("GET", "/inquiries", claims=hq(), query={"q": q, "status": "accepted"}))
    _ok(call("GET", "/inquiries", claims=hq(), query={"q": last_name, "limit": 1}))
    _ok(call("GET", "/subjects", claims=hq(), query={"email": email}))
    assert _ok(call("POST", "/subjects/erase", claims=hq(), body={"email": email}))["inquiries"]
    # The partners' copies, asked for later: every partner's book is looked in.
    erase = {"email": email, "partner_contacts": True}
    assert _ok(call("POST", "/subjects/erase", claims=hq(), body=erase))["contacts"] == 1
    _ok(call("GET", "/subjects", claims=hq(), query={"email": email}))
    # A partner erases one of its own contacts (a second time: 404).
    row = b"last_name,country,email\nBianchi,IT,bianchi@example.com\n"
    own = partner(first_partner)
    _ok(call("POST", "/contacts/import", raw=row, claims=own, headers={"content-type": "text/csv"}))
    contact = _ok(call("GET", "/contacts", claims=own, query={"q": "bianchi"}))["items"][0][
        "contact_id"
    ]
    assert call("DELETE", f"/contacts/{contact}", claims=partner(first_partner)).status == 204
    _ok(call("DELETE", f"/contacts/{contact}", claims=partner(first_partner)), 404)
    clock.advance(days=200)
    assert invoke("expire", {"sweep": True})["erased"] >= 1

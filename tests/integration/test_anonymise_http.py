"""What a partner gets over HTTP before accepting: the corpus, and generated contacts.

Every inquiry goes in through `POST /inquiries` (a dealer page's form, so it is offered to
that partner at once) and is read back as API Gateway would deliver a partner's requests:
the list, the detail, the partner's mistakes (errors) and its report.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.support.anonymise_corpus import REDACTED, Case, load_cases, problems
from tests.support.api import call, partner
from tests.support.demo import (
    SOUTH_TYROL,
    post_inquiry,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
)
from tests.unit.test_anonymise_properties import Prospect, prospects, survivors

CASES = load_cases()
PARTNER = partner(SOUTH_TYROL)


def _submit(contact: dict[str, Any], message: str) -> str:
    body = {
        "product": "windows",
        "contact": {k: v for k, v in contact.items() if v is not None},
        "message": message,
        "language": "de",
        "partner_id": SOUTH_TYROL,
        "consent": True,
    }
    answer = post_inquiry(body)
    assert answer.status == 201, answer.text
    return str(answer.body["id"])


def _partner_list() -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        answer = call("GET", "/inquiries", claims=PARTNER, query=query)
        assert answer.status == 200, answer.text
        items.update({item["id"]: item for item in answer.body["items"]})
        cursor = answer.body["next"]
        if cursor is None:
            return items


# moto answers a table's queries in time that grows with the table: a fresh one per chunk.
CHUNK = 40
CHUNKS = [CASES[i : i + CHUNK] for i in range(0, len(CASES), CHUNK)]


@pytest.mark.parametrize(
    "chunk", CHUNKS, ids=[f"cases-{c[0].number:03d}-{c[-1].number:03d}" for c in CHUNKS]
)
def test_the_corpus_through_a_partners_list_and_detail(clock: Any, chunk: list[Case]) -> None:
    put_partners(SOUTH_TYROL)
    ids = [_submit(case.contact, case.text) for case in chunk]
    listed = _partner_list()
    failures = {}
    for case, inquiry_id in zip(chunk, ids, strict=True):
        item = listed[inquiry_id]
        assert item["anonymized"] is True and item["contact"] is None
        wrong = problems(case, item["message"])
        if case.number % 10 == 0:  # the detail answers the same message
            detail = call("GET", f"/inquiries/{inquiry_id}", claims=PARTNER)
            assert detail.status == 200
            assert detail.body["message"] == item["message"]
        if wrong:
            failures[case.id] = wrong
    assert failures == {}


def test_a_partner_sees_the_outward_code_of_a_british_postcode(clock: Any) -> None:
    put_partners(SOUTH_TYROL)
    london = next(case for case in CASES if case.contact["country"] == "GB")
    inquiry_id = _submit(london.contact, "We need 3 windows.")
    detail = call("GET", f"/inquiries/{inquiry_id}", claims=PARTNER)
    assert detail.body["location"] == {"postal_code": "NW1", "city": "London", "country": "GB"}
    assert "6XE" not in detail.text


def test_a_british_outward_code_typed_alone_is_shown_whole(clock: Any) -> None:
    put_partners(SOUTH_TYROL)
    london = next(case for case in CASES if case.contact["country"] == "GB")
    inquiry_id = _submit({**london.contact, "postal_code": "sw1a"}, "We need 3 windows.")
    detail = call("GET", f"/inquiries/{inquiry_id}", claims=PARTNER)
    assert detail.body["location"] == {"postal_code": "SW1A", "city": "London", "country": "GB"}


def _everything_a_partner_gets(inquiry_id: str) -> list[str]:
    """List, detail, the errors of a curious partner, and its report: the raw bodies."""
    base = f"/inquiries/{inquiry_id}"
    answers = [
        call("GET", "/inquiries", claims=PARTNER),
        call("GET", "/inquiries", claims=PARTNER, query={"status": "pending"}),
        call("GET", base, claims=PARTNER),
        call("POST", f"{base}/reject", claims=PARTNER, body={"reason": "nonsense"}),
        call("POST", f"{base}/progress", claims=PARTNER, body={"step": "won"}),
        call("POST", f"{base}/assign", claims=PARTNER, body={"partner_id": "elsewhere"}),
        call("GET", f"{base}x", claims=PARTNER),
        call(
            "GET",
            "/reports/response-times",
            claims=PARTNER,
            query={"from": "2026-11-01", "to": "2026-12-31", "partner_id": SOUTH_TYROL},
        ),
    ]
    assert answers[2].status == 200
    assert all(400 <= a.status < 500 for a in answers[3:7])  # mistakes, answered as such
    assert answers[7].status == 200, answers[7].text
    return [a.text for a in answers]


@settings(
    max_examples=15,
    deadline=None,
    # Shrinking through HTTP takes minutes; the domain's property test shrinks the same cases.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prospect=prospects())
def test_no_value_of_the_contact_in_any_variant_reaches_a_partner_before_accept(
    clock: Any, prospect: Prospect
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = _submit(prospect.contact, prospect.message)
    bodies = _everything_a_partner_gets(inquiry_id)
    for body in bodies:
        assert survivors(prospect, json.loads(body) if body.startswith("{") else body) == []
    detail = json.loads(bodies[2])
    assert REDACTED in detail["message"]
    assert detail["message"].endswith(prospect.message_tail)

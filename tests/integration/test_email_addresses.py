"""E-mail addresses through API Gateway events, against moto: every field that stores one
takes an address alone (no `Name <address>`) whose part before the @-sign is at most 64
octets (RFC 5321); the look-ups still find and erase an address stored before that rule.

A refusal is a `422` (a rejected row in the contacts import) that does not repeat the value.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock

from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    SOUTH_TYROL,
    accept,
    form,
    listing,
    partner_body,
    post_inquiry,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    view,
)

PREFIX = "value is not a valid email address: "
TOO_LONG = "The part before the @-sign is too long"
ALONE = "without a name or angle brackets"

# What each refused address must not leak into the answer: its local part and any name.
REFUSED = {
    "a local part of 70 letters": ("w" * 70 + "@example.com", ["w" * 65], TOO_LONG),
    "a local part of 66 octets (33 x ä)": ("ä" * 33 + "@example.com", ["ä" * 33], TOO_LONG),
    "a name before the address": (
        "Wendelin Obermair <wendelin.obermair@example.com>",
        ["Obermair", "wendelin.obermair"],
        ALONE,
    ),
    "a quoted name": ('"Obermair, W." <wo@example.com>', ["Obermair", "wo@"], ALONE),
    "the address in angle brackets": ("<wendelin.obermair@example.com>", ["obermair"], ALONE),
}
CASES = pytest.mark.parametrize(
    ("address", "secret", "reason"), list(REFUSED.values()), ids=list(REFUSED)
)


def _repeats_nothing(answer: Answer, secret: list[str]) -> None:
    text = json.dumps(answer.body, ensure_ascii=False).casefold()
    for part in secret:
        assert part.casefold() not in text, answer.body


# --- where an address is stored: refused ------------------------------------------------------


@CASES
def test_a_submission_with_such_an_address_is_422_and_stores_nothing(
    aws: dict[str, Any], clock: FixedClock, address: str, secret: list[str], reason: str
) -> None:
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form(contact={"email": address}))

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["contact.email"]
    [error] = answer.body["errors"]
    assert error["type"] == "value_error"
    assert error["msg"].startswith(PREFIX) and reason in error["msg"], error
    _repeats_nothing(answer, secret)
    assert listing(hq()) == []


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Anna.Rossi+fenster@Example.COM", "Anna.Rossi+fenster@example.com"),
        ("a" * 64 + "@example.com", "a" * 64 + "@example.com"),
        ("ä" * 32 + "@Bücher.de", "ä" * 32 + "@bücher.de"),
        ("anna@xn--bcher-kva.de", "anna@bücher.de"),
        ("  anna.rossi@example.com ", "anna.rossi@example.com"),
    ],
)
def test_what_was_accepted_before_still_is(
    aws: dict[str, Any], clock: FixedClock, sent: str, stored: str
) -> None:
    """Plus-addressing, the local part's case, international domains and local parts up to
    64 octets are taken as before."""
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form(contact={"email": sent}))

    assert answer.status == 201, answer.text
    assert view(answer.body["id"])["contact"]["email"] == stored


@CASES
def test_a_partners_notify_emails_refuse_such_an_address_on_put_and_patch(
    aws: dict[str, Any], clock: FixedClock, address: str, secret: list[str], reason: str
) -> None:
    put_partners(SOUTH_TYROL)
    before = call("GET", f"/partners/{SOUTH_TYROL}", claims=hq()).body
    emails = ["sales@dealer.example", address]

    put = call(
        "PUT",
        f"/partners/{SOUTH_TYROL}",
        body=partner_body(SOUTH_TYROL, notify_emails=emails),
        claims=hq(),
    )
    patch = call("PATCH", f"/partners/{SOUTH_TYROL}", body={"notify_emails": emails}, claims=hq())

    for answer in (put, patch):
        assert answer.status == 422, answer.text
        assert answer.body["fields"] == ["notify_emails.1"], answer.body
        assert reason in answer.body["errors"][0]["msg"], answer.body
        _repeats_nothing(answer, secret)
    assert call("GET", f"/partners/{SOUTH_TYROL}", claims=hq()).body == before


@CASES
def test_an_imported_row_with_such_an_address_is_rejected_alone(
    aws: dict[str, Any], clock: FixedClock, address: str, secret: list[str], reason: str
) -> None:
    put_partners(SOUTH_TYROL)
    cell = '"' + address.replace('"', '""') + '"'
    text = (
        "first_name,last_name,email,country\n"
        "Anna,Rossi,anna.rossi@example.com,IT\n"
        f"Wendelin,Huber,{cell},IT\n"
    )

    answer = call(
        "POST",
        "/contacts/import",
        raw=text.encode(),
        claims=partner(SOUTH_TYROL),
        headers={"content-type": "text/csv"},
    )

    assert answer.status == 200, answer.text
    assert answer.body["imported"] == 1
    [rejected] = answer.body["rejected"]
    assert rejected["row"] == 3
    assert rejected["message"].startswith("email is not a valid e-mail address")
    assert reason in rejected["message"], rejected
    _repeats_nothing(answer, secret)
    book = call("GET", "/contacts", claims=partner(SOUTH_TYROL)).body["items"]
    assert [c["last_name"] for c in book] == ["Rossi"]


# --- where an address is looked up: a name is refused, a long local part is not ------------


@pytest.mark.parametrize(
    "address",
    [
        "Anna Rossi <anna.rossi@example.com>",
        '"Rossi, Anna" <anna.rossi@example.com>',
        "<anna.rossi@example.com>",
    ],
)
def test_a_look_up_or_erasure_by_a_name_and_address_is_422_and_erases_nothing(
    aws: dict[str, Any], clock: FixedClock, address: str
) -> None:
    """HQ pasting `Name <address>` from a mail program is told to give the address alone,
    and the erasure does not act on an address it had to guess."""
    put_partners(SOUTH_TYROL)
    inquiry_id = post_inquiry(form()).body["id"]  # Anna Rossi, anna.rossi@example.com
    answers = {
        "subjects": call("GET", "/subjects", claims=hq(), query={"email": address}),
        "erase": call("POST", "/subjects/erase", claims=hq(), body={"email": address}),
        "q": call("GET", "/inquiries", claims=hq(), query={"q": address}),
        "contacts": call("GET", "/contacts", claims=partner(SOUTH_TYROL), query={"q": address}),
    }

    for route, answer in answers.items():
        assert answer.status == 422, (route, answer.text)
        assert answer.body["fields"] == ["q" if route in ("q", "contacts") else "email"], route
        assert ALONE in answer.body["errors"][0]["msg"], (route, answer.body)
        _repeats_nothing(answer, ["Rossi"])
    assert view(inquiry_id)["contact"]["email"] == "anna.rossi@example.com"


def test_an_address_stored_before_the_limit_is_still_found_and_erased(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """An inquiry taken before the local part's limit (stored as intake stored it then) is
    found by `GET /subjects`, HQ's `q=` and the partner's `q=`, and erased."""
    from inquiries import wiring  # noqa: PLC0415
    from inquiries.domain.model import Contact  # noqa: PLC0415
    from inquiries.service.intake import Submission, submit  # noqa: PLC0415

    put_partners(SOUTH_TYROL)
    long = "wendelin.obermair." * 4 + "bz@example.com"  # 74 characters before the @-sign
    contact = Contact(last_name="Obermair", email=long, postal_code="39100", country="IT")
    inquiry_id = submit(wiring.dependencies(), Submission("windows", contact)).inquiry_id
    contact_id = accept(inquiry_id, SOUTH_TYROL)["inquiry"]["contact_id"]
    assert contact_id
    asked = long.upper().replace("EXAMPLE.COM", "Example.com")

    held = call("GET", "/subjects", claims=hq(), query={"email": asked})
    assert held.status == 200, held.text
    assert [i["id"] for i in held.body["inquiries"]] == [inquiry_id]
    assert [i["id"] for i in listing(hq(), q=asked)] == [inquiry_id]
    found = call("GET", "/contacts", claims=partner(SOUTH_TYROL), query={"q": asked})
    assert [c["contact_id"] for c in found.body["items"]] == [contact_id]

    erased = call("POST", "/subjects/erase", claims=hq(), body={"email": asked})
    assert erased.status == 200, erased.text
    assert erased.body["inquiries"] == 1
    assert view(inquiry_id)["contact"] is None
    assert call("GET", "/subjects", claims=hq(), query={"email": long}).body["inquiries"] == []

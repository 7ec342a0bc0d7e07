"""A person's data in partners' address books: `GET /subjects` finds every contact with
the address in any partner's book, also once the inquiries were erased, and
`POST /subjects/erase` with `partner_contacts` erases every contact created from an
inquiry that carries it, also when the inquiries were erased before.
"""

from __future__ import annotations

from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock

from bench._counting import Recorder
from tests.integration.test_subjects import PERSON, _person, _subject, _table_text
from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    accept,
    partner_body,
    put_partner,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

ST, BY = partner(SOUTH_TYROL), partner(BAVARIA)
CSV = {"content-type": "text/csv"}
HEADER = "first_name,last_name,email,phone,country"
ADDRESS = "wendelin.oberhollenzer@example.org"


@pytest.fixture
def partners(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)


def _import(text: str, claims: dict[str, Any]) -> None:
    answer = call("POST", "/contacts/import", raw=text.encode(), claims=claims, headers=CSV)
    assert answer.status == 200, answer.text


def _erase(**extra: Any) -> dict[str, Any]:
    answer: Answer = call("POST", "/subjects/erase", claims=hq(), body={"email": ADDRESS, **extra})
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _listed(held: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(c["partner_id"], c["contact_id"], c["from_inquiry"]) for c in held["contacts"]]


def test_the_partners_copy_stays_listed_and_erasable_after_the_inquiries_erasure(
    partners: None,
) -> None:
    taken = submit(_person())
    contact_id = accept(taken, SOUTH_TYROL)["inquiry"]["contact_id"]
    assert contact_id

    # HQ erases the inquiries; the accepting partner's copy is the partner's.
    erased = _erase()
    assert erased["inquiries"] == 1
    held = _subject(ADDRESS.upper())
    assert held["inquiries"] == []
    assert _listed(held) == [(SOUTH_TYROL, contact_id, taken)]
    assert held["contacts"][0]["contact"]["last_name"] == "Oberhollenzer"
    assert erased == {"inquiries": 1, "contacts": 0}

    # Later the partner asks HQ to erase its copy too: the link is not lost.
    erased = _erase(partner_contacts=True)
    assert call("GET", f"/contacts/{contact_id}", claims=ST).status == 404
    assert erased == {"inquiries": 0, "contacts": 1}
    assert _subject(ADDRESS)["contacts"] == []
    assert "oberhollenzer" not in _table_text().casefold()
    # Its inquiry is as the erasure left it; the partner still works it.
    assert view(taken, ST)["status"] == "accepted"
    assert _erase(partner_contacts=True) == {"inquiries": 0, "contacts": 0}


def test_every_book_holding_the_address_is_listed_and_only_copies_from_inquiries_erased(
    partners: None,
) -> None:
    taken = submit(_person())
    copy = accept(taken, SOUTH_TYROL)["inquiry"]["contact_id"]
    # Bavaria has the person among its own customers, in another case; and someone else.
    _import(
        f"{HEADER}\nWendelin,Oberhollenzer,WENDELIN.Oberhollenzer@Example.org,,IT\n"
        "Anna,Rossi,anna.rossi@example.com,,IT\n",
        BY,
    )
    own = call("GET", "/contacts", claims=BY, query={"q": ADDRESS}).body["items"][0]

    held = _subject(ADDRESS)
    assert sorted(_listed(held)) == sorted(
        [(SOUTH_TYROL, copy, taken), (BAVARIA, own["contact_id"], None)]
    )
    mine = next(c for c in held["contacts"] if c["partner_id"] == BAVARIA)
    assert mine["contact"]["email"] == "WENDELIN.Oberhollenzer@example.org"  # domain folded
    assert "anna.rossi@example.com" not in str(held)

    # The inquiry and the copy made from it go (in the inquiry's one write); Bavaria's
    # own record of its customer is never touched, and HQ still sees it.
    assert _erase(partner_contacts=True) == {"inquiries": 1, "contacts": 1}
    assert call("GET", f"/contacts/{copy}", claims=ST).status == 404
    assert call("GET", f"/contacts/{own['contact_id']}", claims=BY).body == own
    assert _listed(_subject(ADDRESS)) == [(BAVARIA, own["contact_id"], None)]


def test_a_copy_the_partner_erased_itself_is_no_longer_listed(partners: None) -> None:
    taken = submit(_person())
    contact_id = accept(taken, SOUTH_TYROL)["inquiry"]["contact_id"]
    assert call("DELETE", f"/contacts/{contact_id}", claims=ST).status == 204

    held = _subject(ADDRESS)
    assert [i["id"] for i in held["inquiries"]] == [taken]
    assert held["contacts"] == []
    assert _erase(partner_contacts=True) == {"inquiries": 1, "contacts": 0}


def test_the_books_are_read_with_one_query_each_and_no_scan(partners: None) -> None:
    for n in range(3):
        put_partner(f"more-{n}", partner_body(SOUTH_TYROL))
    taken = submit(_person())
    accept(taken, SOUTH_TYROL)
    assert _erase()["inquiries"] == 1

    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    with recorder.measuring() as tally:
        held = _subject(PERSON["email"])
    assert len(held["contacts"]) == 1
    calls = tally.of("dynamodb")
    assert "Scan" not in calls
    # The person's inquiry ids, claims and erasures (gsi5 twice, the erasure records), the
    # partners (gsi2), and one Query of one shard of each of the 5 partners' books.
    assert calls["Query"] == 3 + 1 + 5, calls

"""`DELETE /contacts/{contact_id}`: a partner erases one of its own contacts from its own
address book (the contact and the match keys the duplicate check files it under), through
API Gateway events against moto.
"""

from __future__ import annotations

from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters import contacts as contacts_adapter
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import contact_item_key, contact_key_item_key
from inquiries.domain.contacts import PartnerContact
from inquiries.domain.duplicates import match_keys

from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    accept,
    act,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

ST = partner(SOUTH_TYROL)
BY = partner(BAVARIA)
CSV = {"content-type": "text/csv"}
HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"
ANNA = "Anna,Rossi,anna.rossi@example.com,+39 0471 123456,Via Roma 1,39100,Bolzano,IT,"
MARIA = "Maria,Gruber,maria.gruber@example.at,,,1020,Wien,AT,"


@pytest.fixture
def partners(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)


def _import(text: str, claims: dict[str, Any] = ST) -> dict[str, Any]:
    answer = call("POST", "/contacts/import", raw=text.encode(), claims=claims, headers=CSV)
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _book(claims: dict[str, Any] = ST, **query: str) -> list[dict[str, Any]]:
    answer = call("GET", "/contacts", claims=claims, query=query)
    assert answer.status == 200, answer.text
    return list(answer.body["items"])


def _delete(contact_id: str, claims: dict[str, Any] = ST) -> Answer:
    return call("DELETE", f"/contacts/{contact_id}", claims=claims)


def _stored(key: dict[str, Any]) -> bool:
    """Whether the table holds an item of this key (read directly, consistently)."""
    deps = wiring.dependencies()
    client = deps.repository._client  # type: ignore[attr-defined]
    table = deps.repository._table  # type: ignore[attr-defined]
    return "Item" in client.get_item(TableName=table, Key=key, ConsistentRead=True)


def _keys_of(contact: dict[str, Any]) -> list[dict[str, Any]]:
    person = {k: v for k, v in contact.items() if k not in ("contact_id", "source")}
    filed = match_keys(PartnerContact(contact_id=contact["contact_id"], **person))
    return [
        contact_key_item_key(SOUTH_TYROL, kind, value, contact["contact_id"])
        for kind, value in filed.items()
    ]


def test_a_partner_erases_its_own_contact_and_its_match_keys(partners: None) -> None:
    _import(f"{HEADER}\n{ANNA}\n{MARIA}\n")
    anna = _book(q="rossi")[0]
    keys = _keys_of(anna)
    assert len(keys) == 3 and all(_stored(k) for k in keys)

    answer = _delete(anna["contact_id"])

    assert answer.status == 204, answer.text
    assert answer.text == ""
    assert call("GET", f"/contacts/{anna['contact_id']}", claims=ST).status == 404
    assert [c["last_name"] for c in _book()] == ["Gruber"]
    for q in ("rossi", "anna.rossi@example.com", "0471 123456"):
        assert _book(q=q) == [], q
    # Nothing of her is left in the book: neither the contact nor a key it was filed under.
    assert not _stored(contact_item_key(SOUTH_TYROL, anna["contact_id"]))
    assert not any(_stored(k) for k in keys)
    # A second DELETE finds nothing; the same row imported again is a new contact.
    assert _delete(anna["contact_id"]).status == 404
    again = _import(f"{HEADER}\n{ANNA}\n")
    assert (again["created"], again["updated"]) == (1, 0)
    assert _book(q="rossi")[0]["contact_id"] != anna["contact_id"]


def test_only_the_partners_own_contact_is_erased(partners: None) -> None:
    _import(f"{HEADER}\n{ANNA}\n")
    anna = _book(q="rossi")[0]

    for claims in (BY, ST):
        answer = _delete("no-such-contact", claims)
        assert answer.status == 404, answer.text
    answer = _delete(anna["contact_id"], BY)  # another partner's id: as if there were none
    assert answer.status == 404 and "Rossi" not in answer.text
    assert _delete(anna["contact_id"], hq()).status == 403
    assert _delete(anna["contact_id"], None).status == 401  # type: ignore[arg-type]
    assert call("DELETE", "/contacts/not%20an%20id", claims=ST).status in (404, 422)
    assert _book(q="rossi") == [anna]


def test_an_inquiry_linked_to_an_erased_contact_keeps_working(partners: None) -> None:
    inquiry_id = submit()
    contact_id = accept(inquiry_id, SOUTH_TYROL)["inquiry"]["contact_id"]
    assert contact_id

    assert _delete(contact_id).status == 204

    # The inquiry still names the contact it was linked to (gone now, as after an
    # erasure), and the partner goes on working it.
    mine = view(inquiry_id, ST)
    assert mine["status"] == "accepted" and mine["contact_id"] == contact_id
    assert call("GET", f"/contacts/{contact_id}", claims=ST).status == 404
    assert act(inquiry_id, "progress", ST, {"step": "contacted"}).status == 200
    assert view(inquiry_id)["progress"][0]["step"] == "contacted"
    # The same person's next inquiry finds no duplicate: her keys went with the contact.
    again = accept(submit(), SOUTH_TYROL)
    assert again["duplicates"] == [] and again["inquiry"]["contact_id"] not in (None, contact_id)


def test_an_erasure_that_an_import_overtakes_erases_the_contact_as_changed(
    partners: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the erasure's read and its write an import changes the phone: the write,
    conditional on the contact as read, fails; the erasure reads again and takes the
    new phone's key with it, so no key of hers is left."""
    _import(f"{HEADER}\n{ANNA}\n")
    before = _book(q="rossi")[0]
    original = contacts_adapter.contact_removal
    raced: list[bool] = []

    def import_first(table: str, partner_id: str, contact: Any) -> Any:
        if not raced:
            raced.append(True)
            _import(f"{HEADER}\n{ANNA.replace('123456', '999888')}\n")
        return original(table, partner_id, contact)

    monkeypatch.setattr(contacts_adapter, "contact_removal", import_first)
    assert _delete(before["contact_id"]).status == 204

    assert raced and _book() == []
    after = {**before, "phone": "+39 0471 999888"}
    keys = _keys_of(before) + _keys_of(after)
    assert not any(_stored(k) for k in keys)

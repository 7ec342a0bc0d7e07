"""A partner's contacts through real API Gateway HTTP API v2 events, against moto.

`GET /contacts` (the address book, search), `GET /contacts/{id}`, `POST /contacts/import`
(CSV), and the duplicate check on accept against imported contacts. Contacts are a
partner's own: another partner and HQ never see them.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import BOOK_SHARDS, contact_item_key, contact_key_item_key

from bench._counting import Recorder
from local.events import http_event, invoke, match
from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    CONTACTS,
    SOUTH_TYROL,
    accept,
    form,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
)

ST = partner(SOUTH_TYROL)
BY = partner(BAVARIA)
HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"
CSV = {"content-type": "text/csv"}

ADDRESS_BOOK = (
    f"{HEADER}\n"
    "Anna,Rossi,anna.rossi@example.com,+39 0471 123456,Via Roma 1,39100,Bolzano,IT,\n"
    "Josef,Huber,j.huber@example.de,089 1234567,Leopoldstraße 12,80802,München,DE,Huber GmbH\n"
    "Lena,Schulz,,030 7654321,Torstraße 5,10119,Berlin,DE,\n"
    "Maria,gruber,maria.gruber@example.at,,,1020,Wien,AT,\n"
    "Urs,Meier,urs.meier@example.ch,044 555 12 34,Bahnhofstrasse 3,8001,Zürich,CH,\n"
)


def _import(text: str | bytes, claims: dict[str, Any] = ST, **headers: str) -> Answer:
    raw = text.encode() if isinstance(text, str) else text
    return call("POST", "/contacts/import", raw=raw, claims=claims, headers={**CSV, **headers})


def _imported(text: str | bytes, claims: dict[str, Any] = ST) -> dict[str, Any]:
    answer = _import(text, claims)
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _contacts(claims: dict[str, Any] = ST, **query: Any) -> list[dict[str, Any]]:
    """Every contact of a list or search, following `next`."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        answer = call(
            "GET",
            "/contacts",
            claims=claims,
            query={**query, **({"cursor": cursor} if cursor else {})},
        )
        assert answer.status == 200, answer.text
        items += answer.body["items"]
        cursor = answer.body["next"]
        if cursor is None:
            return items


def _names(contacts: list[dict[str, Any]]) -> list[str]:
    return [c["last_name"] for c in contacts]


@pytest.fixture
def partners(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)


# --- import and the address book -----------------------------------------------------------


def test_an_import_fills_the_address_book_listed_by_last_name(partners: None) -> None:
    answer = _imported(ADDRESS_BOOK)

    assert answer == {"imported": 5, "rejected": [], "created": 5, "updated": 0, "unchanged": 0}
    book = _contacts()
    # By last name, any case, then first name.
    assert _names(book) == ["gruber", "Huber", "Meier", "Rossi", "Schulz"]
    assert book[1] == {
        "contact_id": book[1]["contact_id"],
        "first_name": "Josef",
        "last_name": "Huber",
        "email": "j.huber@example.de",
        "phone": "089 1234567",
        "street": "Leopoldstraße 12",
        "postal_code": "80802",
        "city": "München",
        "country": "DE",
        "company": "Huber GmbH",
        "source": "import",
    }
    # Empty cells are null, not "".
    assert book[0]["phone"] is None and book[4]["email"] is None
    # Pages of two, in the same order, each contact once.
    pages = []
    cursor = None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = call("GET", "/contacts", claims=ST, query=query).body
        pages.append(_names(body["items"]))
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == [["gruber", "Huber"], ["Meier", "Rossi"], ["Schulz"]]
    # One of them, by id.
    one = call("GET", f"/contacts/{book[3]['contact_id']}", claims=ST)
    assert one.status == 200 and one.body == book[3]


def test_search_by_email_phone_or_last_name_in_any_case(partners: None) -> None:
    _imported(ADDRESS_BOOK)

    assert _names(_contacts(q="ANNA.Rossi@Example.COM")) == ["Rossi"]
    assert _names(_contacts(q="  anna.rossi@example.com ")) == ["Rossi"]
    # The phone in another notation, national (read in the partner's countries) or E.164.
    assert _names(_contacts(q="0471 123456")) == ["Rossi"]
    assert _names(_contacts(q="+390471123456")) == ["Rossi"]
    assert _names(_contacts(q="+49 89 1234567")) == ["Huber"]  # imported as 089 1234567 (DE)
    # The last name, or how it begins, in any case.
    assert _names(_contacts(q="GRUBER")) == ["gruber"]
    assert _names(_contacts(q="ro")) == ["Rossi"]
    assert _contacts(q="nobody@example.com") == []
    assert _contacts(q="0471 999999") == []
    assert _contacts(q="Bianchi") == []
    # A first name, a street or a city is not what the search looks at.
    assert _contacts(q="Anna") == []


def test_a_contact_created_on_accept_is_in_the_address_book(partners: None) -> None:
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]

    book = _contacts()
    assert book == [{"contact_id": contact_id, **CONTACTS[SOUTH_TYROL], "source": "inquiry"}]
    assert _contacts(q="anna.rossi@EXAMPLE.com") == book
    assert _contacts(q="rossi") == book


# --- update, not double ----------------------------------------------------------------------


def test_importing_again_updates_by_email_and_moves_the_match_keys(partners: None) -> None:
    _imported(ADDRESS_BOOK)
    before = {c["last_name"]: c for c in _contacts()}

    again = _imported(ADDRESS_BOOK)
    assert again == {"imported": 5, "rejected": [], "created": 0, "updated": 0, "unchanged": 5}
    assert {c["last_name"]: c for c in _contacts()} == before

    # Anna married and moved; her phone changed; the cells left empty keep what was there.
    moved = f"{HEADER}\n,Bianchi,ANNA.ROSSI@example.com,0471 654321,,39012,Merano,IT,\n"
    assert _imported(moved)["updated"] == 1
    book = {c["last_name"]: c for c in _contacts()}
    assert "Rossi" not in book
    anna = book["Bianchi"]
    assert anna["contact_id"] == before["Rossi"]["contact_id"]
    assert (anna["first_name"], anna["street"], anna["postal_code"], anna["city"]) == (
        "Anna",
        "Via Roma 1",
        "39012",
        "Merano",
    )
    assert anna["email"] == "ANNA.ROSSI@example.com"  # as the file spells it now
    # The match keys moved with her: the new phone and name find her, the old ones do not.
    assert _names(_contacts(q="0471 654321")) == ["Bianchi"]
    assert _contacts(q="0471 123456") == []
    assert _contacts(q="Rossi") == []
    accepted = accept(submit(form(contact={"email": "someone@else.example"})), SOUTH_TYROL)
    assert accepted["duplicates"] == []  # Rossi, 39100 is not hers any more


def test_a_contact_from_an_inquiry_is_updated_by_an_import_not_doubled(partners: None) -> None:
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]

    answer = _imported(f"{HEADER}\nAnna,Rossi,Anna.Rossi@example.com,,,,,IT,Rossi Srl\n")

    assert answer["updated"] == 1 and answer["created"] == 0
    assert _contacts() == [
        {
            "contact_id": contact_id,
            **CONTACTS[SOUTH_TYROL],
            "email": "Anna.Rossi@example.com",  # as the file spells it
            "company": "Rossi Srl",
            "source": "inquiry",
        }
    ]


def test_rows_without_email_are_found_again_by_names_and_postal_code(partners: None) -> None:
    text = f"{HEADER}\nLena,Schulz,,,,10119,Berlin,DE,\nLena,Schulz,,,,,Berlin,DE,\n"
    assert _imported(text)["created"] == 2  # with and without a postal code: two people
    again = _imported(text.replace("Berlin,DE", "Berlin-Mitte,DE"))
    assert (again["created"], again["updated"]) == (0, 2)
    assert [c["city"] for c in _contacts()] == ["Berlin-Mitte", "Berlin-Mitte"]
    # Another first name at the same address is another person.
    assert _imported(f"{HEADER}\nMax,Schulz,,,,10119,Berlin,DE,\n")["created"] == 1


def test_the_same_email_twice_in_one_file_is_one_contact_last_row_wins(partners: None) -> None:
    text = (
        f"{HEADER}\nAnna,Rossi,anna@example.com,,,39100,,IT,\n"
        "Anna,Rossi,ANNA@example.com,0471 1,,39100,Bolzano,IT,\n"
    )
    answer = _imported(text)
    assert (answer["imported"], answer["created"]) == (2, 1)
    [anna] = _contacts()
    assert (anna["phone"], anna["city"]) == ("0471 1", "Bolzano")


# --- the duplicate check on accept ------------------------------------------------------------


def test_a_key_left_by_an_import_cut_short_is_no_candidate(partners: None) -> None:
    """The import files a row's keys before its contact; cut short between the two, the
    keys name nobody: an acceptance then creates the contact as if they were not there."""
    _imported(f"{HEADER}\nAnna,Rossi,anna.rossi@example.com,+39 0471 123456,,39100,Bolzano,IT,\n")
    filed = _contacts(q="anna.rossi@example.com")[0]
    deps = wiring.dependencies()
    deps.repository._client.delete_item(  # type: ignore[attr-defined]
        TableName=deps.repository._table,  # type: ignore[attr-defined]
        Key=contact_item_key(SOUTH_TYROL, filed["contact_id"]),
    )

    answer = accept(submit(), SOUTH_TYROL)

    assert answer["duplicates"] == []
    created = answer["inquiry"]["contact_id"]
    assert created not in (None, filed["contact_id"])
    assert [c["contact_id"] for c in _contacts(q="anna.rossi@example.com")] == [created]


def test_accept_finds_imported_contacts_with_each_candidates_contact(partners: None) -> None:
    # The partner's existing customers: Anna by e-mail, a second one by phone, a third by
    # last name and postal code.
    _imported(
        f"{HEADER}\n"
        "Anna,Rossi,ANNA.ROSSI@example.com,,,,,IT,\n"
        "Marco,Verdi,marco@example.com,0471 123456,,,,IT,\n"
        "Paola,ROSSI,,,,39 100,,IT,\n"
    )
    book = {c["first_name"]: c for c in _contacts()}

    answer = accept(submit(), SOUTH_TYROL)

    assert answer["inquiry"]["contact_id"] is None  # candidates: the partner decides
    found = {d["contact"]["first_name"]: d for d in answer["duplicates"]}
    assert found == {
        "Anna": {
            "contact_id": book["Anna"]["contact_id"],
            "matched_on": ["email"],
            "contact": book["Anna"],
        },
        "Marco": {
            "contact_id": book["Marco"]["contact_id"],
            "matched_on": ["phone"],
            "contact": book["Marco"],
        },
        "Paola": {
            "contact_id": book["Paola"]["contact_id"],
            "matched_on": ["name_postal_code"],
            "contact": book["Paola"],
        },
    }
    assert all(d["contact"]["source"] == "import" for d in answer["duplicates"])
    # Linking one of them is allowed: it is the partner's own.
    linked = call(
        "POST",
        f"/inquiries/{answer['inquiry']['id']}/contact",
        body={"contact_id": book["Anna"]["contact_id"]},
        claims=ST,
    )
    assert linked.status == 200 and linked.body["contact_id"] == book["Anna"]["contact_id"]


def test_another_partners_contacts_are_not_candidates(partners: None) -> None:
    _imported(f"{HEADER}\nAnna,Rossi,anna.rossi@example.com,,,39100,,IT,\n", BY)

    assert accept(submit(), SOUTH_TYROL)["duplicates"] == []


# --- a partner's own: nobody else sees them ---------------------------------------------------


def test_contacts_are_the_partners_own(partners: None) -> None:
    _imported(ADDRESS_BOOK)
    anna = _contacts(q="rossi")[0]

    assert _contacts(BY) == []
    assert _contacts(BY, q="anna.rossi@example.com") == []
    assert _contacts(BY, q="rossi") == []
    # Another partner's id is not found, as if there were none (never 403).
    answer = call("GET", f"/contacts/{anna['contact_id']}", claims=BY)
    assert answer.status == 404 and "Rossi" not in answer.text
    assert call("GET", "/contacts/no-such-contact", claims=ST).status == 404
    # A cursor of one partner's list is no cursor of another's.
    page = call("GET", "/contacts", claims=ST, query={"limit": "1"}).body
    answer = call("GET", "/contacts", claims=BY, query={"cursor": page["next"]})
    assert answer.status == 422 and "gruber" not in answer.text
    # HQ has no route into a partner's address book.
    for method, path in (
        ("GET", "/contacts"),
        ("GET", f"/contacts/{anna['contact_id']}"),
        ("POST", "/contacts/import"),
    ):
        answer = call(method, path, claims=hq(), raw=b"x", headers=CSV)
        assert answer.status == 403, (path, answer.text)
        assert "Rossi" not in answer.text
    # The other partner's import of the same people makes contacts of its own.
    assert _imported(ADDRESS_BOOK, BY)["created"] == 5
    assert len(_contacts()) == len(_contacts(BY)) == 5


# --- the request: 401, 403, 404, 413, 415, 422 -------------------------------------------------


def test_the_routes_need_a_partners_token(partners: None) -> None:
    for method, path in (
        ("GET", "/contacts"),
        ("GET", "/contacts/c1"),
        ("POST", "/contacts/import"),
    ):
        assert call(method, path, claims=None, raw=b"x", headers=CSV).status == 401


def test_import_takes_csv_up_to_5_mib(partners: None) -> None:
    assert _import(ADDRESS_BOOK, **{"content-type": "application/json"}).status == 415
    assert _import(ADDRESS_BOOK, **{"content-type": "text/plain"}).status == 415
    latin = _import(ADDRESS_BOOK, **{"content-type": "text/csv; charset=iso-8859-1"})
    assert latin.status == 415 and "UTF-8" in latin.body["message"]
    fine = _import(ADDRESS_BOOK, **{"content-type": "Text/CSV; charset=UTF-8"})
    assert fine.status == 200, fine.text

    row = "Anna,Rossi,,,,,,IT," + "x" * 90 + "\n"
    big = HEADER + "\n" + row * (5 * 1024 * 1024 // len(row) + 1)
    answer = _import(big)
    assert answer.status == 413 and "5 MiB" in answer.body["message"]
    # 413 before 415, as api.md orders them; 403 before both.
    assert _import(big, **{"content-type": "application/json"}).status == 413
    assert _import(big, hq()).status == 403
    assert len(_contacts()) == 5  # only the one good import


def test_list_parameters_are_checked(partners: None) -> None:
    for query in ({"limit": "0"}, {"limit": "101"}, {"cursor": "nope"}, {"status": "x"}):
        answer = call("GET", "/contacts", claims=ST, query=query)
        assert answer.status == 422, (query, answer.text)
    assert call("GET", "/contacts/c1", claims=ST, query={"q": "x"}).status == 422


# --- the file: what is refused whole, and the rows refused one by one -----------------------


def _refused(text: str | bytes, kind: str | None = None, **ctx: Any) -> str:
    """The 422's message; its one error's `type` and `ctx` (what the app says) if given."""
    answer = _import(text)
    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["file"]
    assert _contacts() == []  # nothing imported
    if kind is not None:
        [error] = answer.body["errors"]
        assert (error["loc"], error["type"], error["ctx"]) == (["body", "file"], kind, ctx)
    return str(answer.body["message"])


def test_a_file_that_cannot_be_read_is_refused_whole(partners: None) -> None:
    columns = HEADER.split(",")
    unknown = _refused(
        HEADER.replace("email", "e_mail") + "\n",
        "unknown_columns",
        positions=[3],
        count=1,
        columns=columns,
    )
    assert "column 3 is not known" in unknown
    # A file without its header line: where, never the person's data of its first row.
    no_header = _refused(
        "Mario,Rossi,mario.rossi@privat.example,+39 333 1234567,,39100,,IT,\n",
        "unknown_columns",
        positions=[1, 2, 3, 4, 5],
        count=9,
        columns=columns,
    )
    assert "columns 1, 2, 3, 4, 5, ... are not known" in no_header
    assert "mario" not in no_header.lower() and "1234567" not in no_header
    lacking = _refused(
        "first_name,email,country\nAnna,a@example.com,IT\n",
        "missing_columns",
        columns=["last_name"],
    )
    assert "last_name" in lacking
    twice = _refused(
        "last_name,country,email,Email\nRossi,IT,a@x.it,b@x.it\n",
        "repeated_columns",
        columns=["email"],
    )
    assert "twice: email" in twice
    assert "empty" in _refused("", "empty")
    assert "empty" in _refused("\n\nlast_name,country\n", "empty")
    # Bad UTF-8 (a file saved as Latin-1), with the line it is on.
    latin = f"{HEADER}\nAnna,Rossi,,,,,,IT,\nJosef,Müller,,,,,,DE,\n".encode("latin-1")
    assert "not UTF-8 (line 3)" in _refused(latin, "not_utf8", line=3)
    # A quote never closed.
    assert "not valid CSV" in _refused(
        f'{HEADER}\nAnna,"Rossi,,,,,,IT,\n', "unclosed_quote", line=2
    )
    # More than 10,000 rows (empty lines do not count).
    rows = "".join(f"A,R{n},,,,,,IT,\n" for n in range(10_001))
    too_many = _refused(f"{HEADER}\n{rows}", "too_many_rows", max_rows=10_000)
    assert "more than 10,000 rows" in too_many
    # 10,000 are read (each rejected here, without a country: the limit is on rows, not writes).
    most = "".join(f"A,R{n},,,,,,,\n" for n in range(10_000))
    answer = _imported(f"{HEADER}\n\n{most}")
    assert (answer["imported"], len(answer["rejected"])) == (0, 10_000)
    required = {"field": "country", "type": "missing", "message": "country is required", "ctx": {}}
    assert answer["rejected"][-1] == {"row": 10_002, **required, "problems": [required]}


def test_rows_at_fault_are_rejected_alone_with_their_line(partners: None) -> None:
    text = (
        "\ufeff"  # Excel's byte order mark
        f"{HEADER}\r\n"
        "Anna,Rossi,anna.rossi@example.com,,,39100,Bolzano,IT,\r\n"  # line 2
        "\r\n"  # 3: empty lines are skipped
        ",,,,,,,,\r\n"  # 4: so are rows of empty cells
        'Josef,Huber,"not-an-email",,,,,DE,\r\n'  # 5
        '"Lena, Marie",Schulz,,,"Torstraße 5\r\n2. Hinterhof",10119,Berlin,DE,"Schulz, Söhne"\r\n'
        ",NoCountry,,,,,,,\r\n"  # 8 (the quoted street spans lines 6 and 7)
        "Maria,Gruber,,,,1020,Wien,XX,\r\n"  # 9
        "Urs,,,,,,,CH,\r\n"  # 10
        "Eva,Bauer,,call me!,,,,AT,\r\n"  # 11
        "Too,Many,,,,,,AT,,extra\r\n"  # 12
        "Ida,Kurz,,,,12345678901234567890123,,DE,\r\n"  # 13
        "Last,Line,,,,,,DE,"  # 14, no line break at the end
    )
    answer = _imported(text)

    assert answer["imported"] == 3
    rejected = {r["row"]: r["message"] for r in answer["rejected"]}
    assert sorted(rejected) == [5, 8, 9, 10, 11, 12, 13]
    assert rejected[5] == "email is not a valid e-mail address"
    assert rejected[8] == "country is required"
    assert "country" in rejected[9] and "ISO 3166-1" in rejected[9]
    assert rejected[10] == "last_name is required"
    assert rejected[11] == "phone: not a phone number"
    assert rejected[12] == "the row has 10 cells, the header 9"
    assert "postal_code" in rejected[13]
    # No message repeats what the row holds.
    for message in rejected.values():
        for value in ("not-an-email", "Huber", "XX", "call me", "extra", "1234567890"):
            assert value not in message
    # What the app says in its own words: the column, the type and its ctx, per problem.
    kinds = {r["row"]: (r["field"], r["type"], r["ctx"]) for r in answer["rejected"]}
    assert kinds == {
        5: ("email", "email", {}),
        8: ("country", "missing", {}),
        9: ("country", "country", {}),
        10: ("last_name", "missing", {}),
        11: ("phone", "phone", {}),
        12: (None, "cells", {"cells": 10, "columns": 9}),
        13: ("postal_code", "too_long", {"max_length": 20}),
    }
    for row in answer["rejected"]:
        [only] = row["problems"]
        assert only == {k: row[k] for k in ("field", "type", "message", "ctx")}
    book = {c["last_name"]: c for c in _contacts()}
    assert sorted(book) == ["Line", "Rossi", "Schulz"]
    assert book["Schulz"]["first_name"] == "Lena, Marie"
    assert book["Schulz"]["street"] == "Torstraße 5\r\n2. Hinterhof"
    assert book["Schulz"]["company"] == "Schulz, Söhne"


def test_control_characters_and_invisible_names_are_rejected_as_on_the_form(
    partners: None,
) -> None:
    """A row is checked like the form's contact: no NUL or other control character in a
    one-line cell, a last name that shows something; a street may have two lines."""
    text = (
        f"{HEADER}\n"
        "Anna,\u200b\u200e,,,,,,IT,\n"  # 2: a zero-width space and a bidi mark
        "Anna,Rossi,,,,,Bol\x00zano,IT,\n"  # 3
        "Anna\tMaria,Rossi,,,,,,IT,\n"  # 4
        "\x1b[31mAnna,Rossi,,,,,,IT,\n"  # 5: an escape sequence
        'Lena,Schulz,,,"Torstraße 5\n2. Hinterhof",,,DE,\n'  # 6, 7
        "Urs,\u200bMeier,,,,,,CH,\n"  # 8: something visible besides
    )
    answer = _imported(text)

    rejected = {r["row"]: r["message"] for r in answer["rejected"]}
    kinds = {r["row"]: (r["field"], r["type"]) for r in answer["rejected"]}
    assert kinds == {
        2: ("last_name", "invisible"),
        3: ("city", "control_characters"),
        4: ("first_name", "control_characters"),
        5: ("first_name", "control_characters"),
    }
    assert rejected == {
        2: "last_name: String should have at least 1 visible character",
        3: "city: control characters (such as NUL, a tab or a line break) are not allowed",
        4: "first_name: control characters (such as NUL, a tab or a line break) are not allowed",
        5: "first_name: control characters (such as NUL, a tab or a line break) are not allowed",
    }
    assert answer["imported"] == 2
    book = {c["last_name"]: c for c in _contacts()}
    assert sorted(book) == ["Schulz", "\u200bMeier"]
    assert book["Schulz"]["street"] == "Torstraße 5\n2. Hinterhof"


def test_columns_in_any_order_some_left_out_and_excel_semicolons(partners: None) -> None:
    answer = _imported("Country; Last_Name ;EMAIL\nIT;Rossi;anna@example.com\nDE;Huber;\n")
    assert answer["imported"] == 2 and answer["rejected"] == []
    assert [(c["last_name"], c["country"], c["email"]) for c in _contacts()] == [
        ("Huber", "DE", None),
        ("Rossi", "IT", "anna@example.com"),
    ]


def test_a_base64_body_as_api_gateway_may_send_it_is_read(partners: None) -> None:
    found = match("POST", "/contacts/import")
    assert found is not None
    route, params = found
    event = http_event(
        route,
        path="/contacts/import",
        path_parameters=params,
        query="",
        headers={"content-type": "text/csv"},
        body=ADDRESS_BOOK.encode(),
        claims=ST,
    )
    event["body"] = base64.b64encode(ADDRESS_BOOK.encode()).decode()
    event["isBase64Encoded"] = True
    response = invoke(route.function, event)
    assert response["statusCode"] == 200, response
    assert len(_contacts()) == 5


# --- what it costs ------------------------------------------------------------------------------


def test_an_import_writes_in_batches_and_never_scans(partners: None) -> None:
    rows = "".join(
        f"F{n},Name{n},p{n}@example.com,0471 {n:06d},,39{n % 1000:03d},,IT,\n" for n in range(300)
    )
    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    with recorder.measuring() as tally:
        assert _imported(f"{HEADER}\n{rows}")["created"] == 300
        assert len(_contacts(q="name1")) == 111  # Name1, Name10.., Name100..
        assert len(_contacts(q="p7@example.com")) == 1
        assert len(_contacts(q="0471 000007")) == 1
        assert len(_contacts()) == 300
    calls = tally.of("dynamodb")
    assert "Scan" not in calls
    # 300 contacts, each with 4 items (contact, e-mail, phone, name keys): 48 batches of 25.
    assert calls["BatchWriteItem"] == 48
    assert "TransactWriteItems" not in calls
    with recorder.measuring() as again:
        assert _imported(f"{HEADER}\n{rows}")["unchanged"] == 300
    # The keys (one Query per shard of the address book), the 300 contacts (3 BatchGetItem,
    # whatever shard each is in); nothing changed, nothing written.
    assert again.of("dynamodb") == {"Query": BOOK_SHARDS, "BatchGetItem": 3}


def test_an_import_cut_short_is_completed_by_the_next(partners: None) -> None:
    _imported(ADDRESS_BOOK)
    anna = _contacts(q="rossi")[0]
    # A write cut short after the contact, before its keys: the phone key is missing.
    book = wiring.address_book()
    deps = wiring.dependencies()
    client = deps.repository._client  # type: ignore[attr-defined]
    for kind, value, cid in book.match_index(SOUTH_TYROL):
        if cid == anna["contact_id"] and kind == "phone":
            client.delete_item(
                TableName=deps.repository._table,  # type: ignore[attr-defined]
                Key=contact_key_item_key(SOUTH_TYROL, kind, value, cid),
            )
    assert _contacts(q="0471 123456") == []

    assert _imported(ADDRESS_BOOK)["unchanged"] == 5

    assert _names(_contacts(q="0471 123456")) == ["Rossi"]
    # Cut short after the keys of a new contact, before its item: the next import writes
    # it under the id its keys name, not a second time.
    _imported(f"{HEADER}\nEva,Bauer,eva@example.at,,,1020,Wien,AT,\n")
    eva = _contacts(q="eva@example.at")[0]
    client.delete_item(
        TableName=deps.repository._table,  # type: ignore[attr-defined]
        Key=contact_item_key(SOUTH_TYROL, eva["contact_id"]),
    )
    assert _contacts(q="eva@example.at") == []
    assert _imported(f"{HEADER}\nEva,Bauer,eva@example.at,,,1020,Wien,AT,\n")["created"] == 1
    assert _contacts(q="eva@example.at") == [eva]
    assert len(_contacts()) == 6

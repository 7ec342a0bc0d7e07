"""The address book's pure parts: reading a CSV file, the search term, the order, updates."""

from __future__ import annotations

import pytest
from inquiries.api.contact_csv import read
from inquiries.domain.contacts import (
    PartnerContact,
    Source,
    imported,
    search_term,
    sort_key,
    updated,
)
from inquiries.domain.errors import ValidationFailed

HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"


def test_rows_keep_the_line_where_their_record_starts() -> None:
    text = (
        f'{HEADER}\n\nA,One,,,"Multi\nLine",,,IT,\n,,,,,,,,\n'
        'B,Two,,,"x\n\ny",,,DE,\nC,Three,,,,,,AT,'
    )
    rows, rejected = read(text.encode())
    assert [(r.line, r.cells["last_name"]) for r in rows] == [
        (3, "One"),
        (6, "Two"),
        (9, "Three"),
    ]
    assert rejected == []


def test_a_bom_and_crlf_are_read_and_a_bare_header_is_no_row() -> None:
    rows, rejected = read(f"\ufeff{HEADER}\r\n".encode())
    assert (rows, rejected) == ([], [])
    rows, _ = read(f"\ufeff{HEADER}\r\nA,B,,,,,,it,\r\n".encode())
    assert rows[0].cells["country"] == "IT"  # checked like the form: upper case


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "empty"),
        (b"last_name,country,fax\n", "column 3 is not known"),
        (b"last_name\n", "required columns: country"),
        (b"last_name,country\nM\xfcller,DE\n", "not UTF-8 (line 2)"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(raw: bytes, says: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        read(raw)
    assert says in error.value.message


def test_search_terms() -> None:
    assert search_term(" Anna@Example.com ").kind == "email"
    assert search_term("+39 0471 123456").kind == "phone"
    assert search_term("0471/123456").kind == "phone"
    assert search_term("12").kind == "last_name"  # too short for a number
    assert search_term("Rossi").kind == "last_name"
    assert search_term("O'Neill").kind == "last_name"


def test_the_order_is_by_last_then_first_name_in_any_case() -> None:
    names = [("rossi", "Anna"), ("Bianchi", None), ("ROSSI", "aldo"), ("Ärger", "X")]
    contacts = [PartnerContact(f"c{n}", last, "IT", first) for n, (last, first) in enumerate(names)]
    ordered = sorted(contacts, key=sort_key)
    assert [(c.last_name, c.first_name) for c in ordered] == [
        ("Bianchi", None),
        ("ROSSI", "aldo"),
        ("rossi", "Anna"),
        ("Ärger", "X"),
    ]


def test_an_update_fills_in_and_corrects_but_never_erases() -> None:
    stored = PartnerContact("c1", "Rossi", "IT", "Anna", phone="0471 1", source=Source.INQUIRY)
    after = updated(stored, {"last_name": "Bianchi", "phone": None, "city": "Merano"})
    assert (after.last_name, after.phone, after.city, after.first_name) == (
        "Bianchi",
        "0471 1",
        "Merano",
        "Anna",
    )
    assert after.source is Source.INQUIRY and after.contact_id == "c1"
    assert imported("c2", {"last_name": "Huber", "country": "DE"}).source is Source.IMPORT

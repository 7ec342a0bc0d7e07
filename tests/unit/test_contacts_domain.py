"""The address book's pure parts: reading a CSV file, the search term, the order, updates."""

from __future__ import annotations

from typing import Any

import pytest
from inquiries.api.contact_csv import FILE_PROBLEMS, ROW_PROBLEMS, read
from inquiries.domain.contacts import (
    FIELDS,
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
    ("raw", "says", "kind", "ctx"),
    [
        (b"", "empty", "empty", {}),
        (
            b"last_name,country,fax\n",
            "column 3 is not known",
            "unknown_columns",
            {"positions": [3], "count": 1, "columns": list(FIELDS)},
        ),
        (
            b"a,b,c,d,e,f,g\n",
            "columns 1, 2, 3, 4, 5, ... are not known",
            "unknown_columns",
            {"positions": [1, 2, 3, 4, 5], "count": 7, "columns": list(FIELDS)},
        ),
        (b"last_name,country,city,City\n", "twice", "repeated_columns", {"columns": ["city"]}),
        (b"last_name\n", "required columns: country", "missing_columns", {"columns": ["country"]}),
        (b"last_name,country\nM\xfcller,DE\n", "not UTF-8 (line 2)", "not_utf8", {"line": 2}),
        (b'last_name,country\n\nA,"B\n', "not valid CSV", "unclosed_quote", {"line": 3}),
        (b'last_name,country\nA,"B"C\n', "not valid CSV", "misplaced_quote", {"line": 2}),
        (
            b"last_name,country\n" + b"x" * 70_000 + b",IT\n",
            "not valid CSV",
            "cell_too_long",
            {"line": 2, "max_length": 65_536},
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(
    raw: bytes, says: str, kind: str, ctx: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed) as error:
        read(raw)
    assert says in error.value.message
    [only] = error.value.errors
    assert only == {"loc": ["body", "file"], "msg": error.value.message, "type": kind, "ctx": ctx}
    assert kind in FILE_PROBLEMS


def test_each_problem_of_a_row_has_its_column_type_and_ctx() -> None:
    header = ",".join(FIELDS)
    long_name = "x" * 101
    text = (
        f"{header}\n"
        'A,,A <a@x.it>,call,"a\x00",!!,B\tc,XX,\n'  # 2
        "A,B\n"  # 3
        ",\u200b,,,,,,I,\n"  # 4
        f"{long_name},B,{'a' * 65}@x.it,,,,,IT,\n"  # 5
        "A,B,not-an-email,,,,,ITA,\n"  # 6
    )
    _, rejected = read(text.encode())
    problems = {r.line: [(p.field, p.type, p.ctx) for p in r.problems] for r in rejected}
    assert problems == {
        2: [
            ("last_name", "missing", {}),
            ("email", "email", {"reason": "alone"}),
            ("phone", "phone", {}),
            ("street", "control_characters", {}),
            ("postal_code", "postal_code", {}),
            ("city", "control_characters", {}),
            ("country", "country", {}),
        ],
        3: [(None, "cells", {"cells": 2, "columns": 9})],
        4: [("last_name", "invisible", {}), ("country", "country", {})],
        5: [
            ("first_name", "too_long", {"max_length": 100}),
            ("email", "email", {"reason": "local_part_too_long"}),
        ],
        6: [("email", "email", {}), ("country", "country", {})],
    }
    assert all(p.type in ROW_PROBLEMS for r in rejected for p in r.problems)
    view = rejected[0].view()
    assert view["row"] == 2 and view["message"] == rejected[0].message
    assert (view["field"], view["type"], view["ctx"]) == ("last_name", "missing", {})
    assert view["problems"][1] == {
        "field": "email",
        "type": "email",
        "message": view["message"].split("; ")[1],
        "ctx": {"reason": "alone"},
    }


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

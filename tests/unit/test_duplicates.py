"""The duplicate check: match keys and the order of the candidates."""

from __future__ import annotations

import socket

import pytest
import pytest_socket
from inquiries.domain.duplicates import duplicates, match_keys, normalise_phone

from tests.unit.fakes import a_contact


def test_email_matches_case_insensitively() -> None:
    one = match_keys(a_contact(email="Anna.Rossi@Example.COM"))
    other = match_keys(a_contact(email=" anna.rossi@example.com "))
    assert one["email"] == other["email"] == "anna.rossi@example.com"


@pytest.mark.parametrize(
    ("phone", "country", "e164"),
    [
        ("0471 123456", "IT", "+390471123456"),
        ("+39 0471 123456", "IT", "+390471123456"),
        ("0039 0471 123456", "IT", "+390471123456"),
        ("+39 0471 123456", "DE", "+390471123456"),
        ("089 1234567", "DE", "+49891234567"),
        ("(089) 123 4567", "DE", "+49891234567"),
        ("0049-89-1234567", "DE", "+49891234567"),
        ("+49 89 1234567", "AT", "+49891234567"),
        ("044 123 45 67", "CH", "+41441234567"),
        ("0664 1234567", "AT", "+436641234567"),
    ],
)
def test_phone_is_e164_read_in_the_contacts_country(phone: str, country: str, e164: str) -> None:
    assert normalise_phone(phone, country) == e164


def test_the_same_local_number_in_two_countries_is_two_numbers() -> None:
    assert normalise_phone("0471 123456", "IT") != normalise_phone("0471 123456", "DE")


def test_a_local_and_an_international_spelling_give_the_same_key() -> None:
    local = match_keys(a_contact(phone="0471 123456", country="IT"))
    international = match_keys(a_contact(phone="+39 0471 123456", country="IT"))
    assert local["phone"] == international["phone"]


@pytest.mark.parametrize("phone", [None, "", "   ", "call me", "12"])
def test_no_phone_key_without_a_number(phone: str | None) -> None:
    assert "phone" not in match_keys(a_contact(phone=phone))


def test_name_and_postal_code_match_case_insensitively_with_the_code_normalised() -> None:
    one = match_keys(a_contact(last_name="Müller", postal_code="L-1616", country="LU"))
    other = match_keys(a_contact(last_name="MÜLLER", postal_code="1616", country="LU"))
    spaced = match_keys(a_contact(last_name="  müller ", postal_code="16 16", country="LU"))
    assert one["name_postal_code"] == other["name_postal_code"] == spaced["name_postal_code"]


def test_name_and_postal_code_differ_by_postal_code_and_by_country() -> None:
    here = match_keys(a_contact(last_name="Rossi", postal_code="39100", country="IT"))
    elsewhere = match_keys(a_contact(last_name="Rossi", postal_code="39042", country="IT"))
    abroad = match_keys(a_contact(last_name="Rossi", postal_code="39100", country="DE"))
    assert len({k["name_postal_code"] for k in (here, elsewhere, abroad)}) == 3


def test_a_contact_has_one_key_per_kind() -> None:
    keys = match_keys(a_contact())
    assert set(keys) == {"email", "phone", "name_postal_code"}


def test_candidates_with_more_matches_come_first_then_by_contact_id() -> None:
    found = {
        "email": frozenset({"c-3", "c-1"}),
        "phone": frozenset({"c-3", "c-2"}),
        "name_postal_code": frozenset({"c-3", "c-2", "c-4"}),
    }
    assert duplicates(found) == [
        {"contact_id": "c-3", "matched_on": ["email", "phone", "name_postal_code"]},
        {"contact_id": "c-2", "matched_on": ["phone", "name_postal_code"]},
        {"contact_id": "c-1", "matched_on": ["email"]},
        {"contact_id": "c-4", "matched_on": ["name_postal_code"]},
    ]


def test_no_keys_found_is_no_candidates() -> None:
    assert duplicates({}) == []
    assert duplicates({"email": frozenset()}) == []


@pytest.mark.filterwarnings("ignore:A test tried to use socket.socket")
def test_the_unit_tests_have_no_network() -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)

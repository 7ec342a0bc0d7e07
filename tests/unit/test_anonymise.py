"""What a partner reads before accepting: no contact details, no personal data, anywhere."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from boto3.dynamodb.types import TypeDeserializer
from hypothesis import given
from hypothesis import strategies as st
from inquiries.adapters.dynamodb import inquiry_from, inquiry_item
from inquiries.domain.anonymise import REDACTED, anonymise_message, district_postal_code
from inquiries.domain.errors import NotFound
from inquiries.domain.model import Contact, Event, Inquiry, Status
from inquiries.domain.view import inquiry_view
from inquiries.service.intake import Submission, submit

from tests.unit.fakes import HQ, Fakes, a_contact, a_partner, fake_dependencies, partner_user

CONTACT = a_contact()
NOBODY = Contact(last_name="Zz", email="zz@zz.zz", postal_code="39100", country="IT")


def scrub(message: str, contact: Contact = NOBODY) -> str:
    result = anonymise_message(message, contact)
    assert result is not None
    return result


# --- contact details of anyone --------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "anna@example.com",
        "Anna.Rossi+fenster@mail.example.co.uk",
        "info@fenster-alpin.it",
        "anna (at) example (dot) com",
        "anna[at]example.com",
    ],
)
def test_email_addresses_are_removed(email: str) -> None:
    assert scrub(f"write to {email} please") == f"write to {REDACTED} please"


@pytest.mark.parametrize(
    "phone",
    [
        "+39 0471 123456",
        "0049-89-1234567",
        "(089) 123 4567",
        "0471/123456",
        "+41 44 123 45 67",
        "00436641234567",
        "089.123.4567",
        # Three groups like a date, but no date: still a phone number.
        "0471-12-3456",
        "089/12/3456",
        "0471.12.1234",
        "12-34-5678",
    ],
)
def test_phone_numbers_are_removed(phone: str) -> None:
    result = scrub(f"call {phone} after 5")
    assert result == f"call {REDACTED} after 5"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/about",
        "https://www.fenster-alpin.it/kontakt?x=1",
        "www.fenster-alpin.it",
        "fenster-alpin.it",
        "shop.example.de/angebot",
    ],
)
def test_urls_are_removed(url: str) -> None:
    assert scrub(f"see {url} for photos") == f"see {REDACTED} for photos"


@pytest.mark.parametrize(
    "text",
    [
        "3 windows 120x140 and 2 doors 90 x 210",
        "by 2026-12-03 at the latest",
        "by 03.12.2026 at the latest",
        "by 3/12/2026 at the latest",
        "by 3.12.26 at the latest",
        "budget 15000 EUR, 2 floors, 45 m2",
        "on 2026-12-03 10:00 or 14:30",
    ],
)
def test_dates_and_quantities_are_kept(text: str) -> None:
    assert scrub(text) == text


# --- the contact's own data -----------------------------------------------------------------


@pytest.mark.parametrize(
    "mention",
    [
        "Gudrun",
        "gudrun",
        "OBERHOLLENZER",
        "Oberhollenzer",
        "Tischlerei Sonnwend",
        "tischlerei  sonnwend",
        "Via Cavour 17",
        "via cavour",
        "VIA CAVOUR 17",
        "gudrun.oberhollenzer@example.com",
        "GUDRUN.OBERHOLLENZER@EXAMPLE.COM",
        "+39 0471 987654",
    ],
)
def test_the_contacts_own_data_is_removed_in_any_case(mention: str) -> None:
    result = scrub(f"from {mention}, thanks", CONTACT)
    assert result == f"from {REDACTED}, thanks"


def test_a_street_with_the_number_first_is_removed_with_and_without_it() -> None:
    contact = a_contact(street="12, rue de la Gare", country="LU", postal_code="L-1616")
    result = scrub("we live at 12, rue de la Gare (Rue de la Gare, 2nd floor)", contact)
    assert "gare" not in result.casefold()


def test_the_own_name_is_removed_as_a_word_not_inside_other_words() -> None:
    contact = a_contact(first_name="Ann", last_name="Berg")
    assert scrub("Ann Berg plans a Bergamo trip; annual review", contact) == (
        f"{REDACTED} {REDACTED} plans a Bergamo trip; annual review"
    )


@pytest.mark.parametrize(
    ("contact", "mention"),
    [
        (a_contact(first_name="Jürgen", last_name="Müller"), "Mül-ler"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Mül ler"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Mül - ler"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "MUEL-LER"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Mü-l-ler"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Mül-lers"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Jür gen"),
        (a_contact(first_name="Jürgen", last_name="Müller"), "Juer-gen"),
        (a_contact(first_name="Marco", last_name="De Luca"), "DeLuca"),
        (a_contact(first_name="Marco", last_name="De Luca"), "deluca"),
        (a_contact(first_name="Marco", last_name="De Luca"), "De Lu-ca"),
        (a_contact(first_name="Anna Maria", last_name="Rossi"), "Annamaria"),
        (a_contact(company="Tischlerei Sonnwend"), "Sonn-wend"),
    ],
)
def test_a_name_cut_into_pieces_or_its_words_glued_is_removed(
    contact: Contact, mention: str
) -> None:
    assert scrub(f"ich bin {mention}, danke", contact) == f"ich bin {REDACTED}, danke"


@pytest.mark.parametrize(
    ("street", "mention"),
    [
        ("Via Roma 12b", "Via Roma 12b"),
        ("Via Roma 12b", "Via Roma 12 B"),
        ("Via Roma 12b", "via roma 12/b"),
        ("Hauptstraße 5a", "Hauptstraße 5a"),
        ("Hauptstraße 5a", "Hauptstr. 5 A"),
        ("Laubengasse 22 B", "Laubengasse 22 B"),
        ("Laubengasse 22 B", "Laubengasse 22b"),
        ("Mühlweg 3/c", "Mühlweg 3/c"),
        ("Corso Italia 20/B", "Corso Italia 20/B"),
        ("Via Verdi 12 int. 3", "Via Verdi 12 int. 3"),
        ("Via Verdi 12 int. 3", "via Verdi 12, int 3"),
        ("Corso Libertà 5A", "Corso Libertà 5A"),
        ("Hauptstraße 5 Stiege 2 Top 7", "Hauptstrasse 5, Stiege 2, Top 7"),
        ("Ulica Długa 5", "Ulica Dluga 5"),
        ("Ulica Długa 5", "ul. Długa 5"),
        ("12b, rue de la Gare", "12 B rue de la Gare"),
    ],
)
def test_the_own_street_goes_with_its_whole_house_number(street: str, mention: str) -> None:
    contact = a_contact(street=street)
    assert scrub(f"wir wohnen {mention}, danke", contact) == f"wir wohnen {REDACTED}, danke"


def test_a_street_number_is_taken_along_only_as_a_house_number() -> None:
    contact = a_contact(street="Via Roma 12b")
    text = "Via Roma 2nd floor; Via Roma 12 windows; Via Roma 12 Balkone"
    assert scrub(text, contact) == (f"{REDACTED} 2nd floor; {REDACTED} windows; {REDACTED} Balkone")


@pytest.mark.parametrize(
    ("first_name", "last_name", "mention"),
    [
        ("Łukasz", "Wałęsa", "Lukasz Walesa"),
        ("Søren", "Ødegård", "Soren Odegard"),
        ("Søren", "Ødegård", "Soeren Oedegaard"),
        ("Đorđe", "Đoković", "Djordje Djokovic"),
        ("Đorđe", "Đoković", "Dorde Dokovic"),
        ("Þóra", "Æbeltoft", "Thora Aebeltoft"),
        ("Guðrún", "Œhlenschläger", "Gudrun Oehlenschlaeger"),
        ("Lukasz", "Walesa", "Łukasz Wałęsa"),
        ("Soren", "Odegard", "SØREN ØDEGÅRD"),
        ("Djordje", "Djokovic", "Đorđe Đoković"),
        ("Dorde", "Dokovic", "Đorđe Đoković"),
        ("Thora", "Aebeltoft", "Þóra Æbeltoft"),
        ("Aylin", "Yildiz", "Aylın Yıldız"),  # noqa: RUF001  (the dotless i is the point)
    ],
)
def test_letters_without_a_decomposition_meet_their_plain_spelling(
    first_name: str, last_name: str, mention: str
) -> None:
    contact = a_contact(first_name=first_name, last_name=last_name)
    first, last = mention.split()
    assert scrub(f"ich bin {first} {last}, danke", contact) == (
        f"ich bin {REDACTED} {REDACTED}, danke"
    )


@pytest.mark.parametrize(
    "code", ["MLLJGN80A01A952X", "mlljgn80a01a952x", "MLL JGN 80A01 A952X", "RSSMRA85T10A562S"]
)
def test_an_italian_tax_code_is_removed(code: str) -> None:
    assert scrub(f"codice fiscale {code}, grazie") == f"codice fiscale {REDACTED}, grazie"


@pytest.mark.parametrize(
    "email",
    [
        "jm80 @ web . de",
        "jm80@web . de",
        "jm80&commat;web&period;de",
        "jm80&#64;web.de",
        "jm80&#x40;web&#46;de",
        "jm80@[192.168.0.1]",
    ],
)
def test_email_addresses_in_other_notations_are_removed_whole(email: str) -> None:
    assert scrub(f"write to {email} please") == f"write to {REDACTED} please"


def test_a_mailto_link_with_an_encoded_at_loses_the_whole_address() -> None:
    assert scrub("link mailto:jm80%40web.de here") == f"link mailto:{REDACTED} here"


@pytest.mark.parametrize(
    "phone", ["0471*555*123", "0471 | 555 | 123", "347x123x4567", "347 x 123 x 4567"]
)
def test_phone_numbers_with_other_separators_are_removed(phone: str) -> None:
    assert scrub(f"call {phone} after 5") == f"call {REDACTED} after 5"


@pytest.mark.parametrize(
    "text",
    [
        "12 x 24 windows and a door of 2 x 3 m",
        "frames 120x140x160 cm, profiles 1200x1400x1600 mm",
        "| pos | qty | width | height |\n| 1 | 3 | 1200 | 1400 |",
        "glass 3 * 120 * 140 cm",
        "order ABCDEF12A34B567C from May",
        "see you @ home . Bye",
        "%00 & Co, 100%% R&D, 20 % off, &nosuchname;",
    ],
)
def test_sizes_tables_and_order_numbers_stay(text: str) -> None:
    assert scrub(text) == text


def test_words_that_only_begin_like_a_name_in_pieces_stay() -> None:
    contact = a_contact(first_name="Jürgen", last_name="Müller")
    text = "Die Mühle mit Keller, Mül- und Ler-Arbeiten, Jürg und Gene; Müll-Abfuhr am Tor."
    assert scrub(text, contact) == text


def test_an_empty_message_stays_empty() -> None:
    assert anonymise_message(None, CONTACT) is None
    assert anonymise_message("", CONTACT) == ""


# --- the view -------------------------------------------------------------------------------

MESSAGE = (
    "Hello, I am Gudrun OBERHOLLENZER of Tischlerei Sonnwend, via cavour 17. "
    "Mail gudrun.oberhollenzer@example.com or call 0471 987654, see www.sonnwend.it. "
    "We need 3 windows 120x140 by 2026-12-03."
)
SECRETS = [
    "gudrun",
    "oberhollenzer",
    "sonnwend",
    "cavour",
    "example.com",
    "987654",
]


def pending_inquiry() -> tuple[Fakes, Inquiry, list[Event]]:
    fakes = fake_dependencies(partners=[a_partner("P1", "39")])
    submitted = submit(fakes.deps, Submission("windows", CONTACT, message=MESSAGE, language="de"))
    found = fakes.repository.load_with_events(submitted.inquiry_id)
    assert found is not None
    record, events = found
    assert record.inquiry.status is Status.PENDING
    return fakes, record.inquiry, events


def test_the_anonymised_view_holds_no_personal_data_anywhere() -> None:
    _, inquiry, events = pending_inquiry()
    view = inquiry_view(inquiry, partner_user("P1"), events)
    assert view["anonymized"] is True
    assert view["contact"] is None
    serialized = json.dumps(view).casefold()
    for secret in SECRETS:
        assert secret not in serialized, secret
    # What a partner may see before accepting.
    assert view["location"] == {"postal_code": "39100", "city": "Bolzano", "country": "IT"}
    assert view["deadline"] == "2026-12-03T08:00:00Z"
    assert (view["product"], view["channel"], view["status"]) == ("windows", "website", "pending")
    assert "3 windows 120x140 by 2026-12-03" in view["message"]
    assert [e["action"] for e in view["events"]] == ["received", "offered"]


def test_hq_sees_everything() -> None:
    _, inquiry, events = pending_inquiry()
    view = inquiry_view(inquiry, HQ, events)
    assert view["anonymized"] is False
    assert view["message"] == MESSAGE
    assert view["contact"]["email"] == CONTACT.email
    assert view["contact"]["company"] == CONTACT.company
    assert view["contact"]["street"] == CONTACT.street


def test_the_partner_sees_the_contact_once_it_has_accepted() -> None:
    _, inquiry, _ = pending_inquiry()
    accepted = replace(inquiry, status=Status.ACCEPTED, deadline=None)
    view = inquiry_view(accepted, partner_user("P1"))
    assert view["anonymized"] is False
    assert view["message"] == MESSAGE
    assert view["contact"]["last_name"] == "Oberhollenzer"


def test_another_partner_gets_not_found() -> None:
    _, inquiry, events = pending_inquiry()
    with pytest.raises(NotFound):
        inquiry_view(inquiry, partner_user("P2"), events)


def test_a_returned_inquiry_is_not_found_for_the_partner_that_had_it() -> None:
    _, inquiry, _ = pending_inquiry()
    returned = replace(inquiry, status=Status.RETURNED, partner_id=None)
    with pytest.raises(NotFound):
        inquiry_view(returned, partner_user("P1"))


# --- computed once, at intake ----------------------------------------------------------------


def test_intake_stores_the_redacted_message_with_the_inquiry() -> None:
    _, inquiry, _ = pending_inquiry()
    assert inquiry.redacted_message == anonymise_message(MESSAGE, CONTACT)
    assert inquiry.redacted_message is not None
    assert "gudrun" not in inquiry.redacted_message.casefold()


def test_a_partner_reads_the_stored_redaction_without_computing_it_again() -> None:
    _, inquiry, _ = pending_inquiry()
    stored = replace(inquiry, redacted_message=f"as stored: {REDACTED}")
    view = inquiry_view(stored, partner_user("P1"))
    assert view["message"] == f"as stored: {REDACTED}"


def test_an_item_stored_before_the_field_existed_is_redacted_on_read() -> None:
    _, inquiry, _ = pending_inquiry()
    older = replace(inquiry, redacted_message=None)
    assert inquiry_view(older, partner_user("P1"))["message"] == inquiry.redacted_message


def test_the_dynamodb_item_keeps_the_redacted_message() -> None:
    _, inquiry, _ = pending_inquiry()
    item = inquiry_item(inquiry)
    assert item["redacted_message"] == {"S": inquiry.redacted_message}
    plain = {k: TypeDeserializer().deserialize(v) for k, v in item.items()}
    assert inquiry_from(plain).redacted_message == inquiry.redacted_message


# --- location before accept ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "postal_code", "district"),
    [
        ("GB", "SW1A 1AA", "SW1A"),
        ("GB", "sw1a1aa", "SW1A"),
        ("GB", "M1 1AE", "M1"),
        # Every shape of outward code (area + district), with and without the inward code,
        # in any case and spacing: the outward code alone is a district already.
        ("GB", "SW1A", "SW1A"),
        ("GB", "sw1a", "SW1A"),
        ("GB", "SW1A1AA", "SW1A"),
        ("GB", "M1", "M1"),
        ("GB", "m11ae", "M1"),
        ("GB", "EC1A 1BB", "EC1A"),
        ("GB", "EC1A", "EC1A"),
        ("GB", "W1A 0AX", "W1A"),
        ("GB", "W1A", "W1A"),
        ("GB", "B33 8TH", "B33"),
        ("GB", "B33", "B33"),
        ("GB", "CR2 6XH", "CR2"),
        ("GB", "cr2", "CR2"),
        ("GB", "DN55 1PT", "DN55"),
        ("GB", "DN55", "DN55"),
        ("GB", " dn55  1pt ", "DN55"),
        ("GB", "GB-SW1A 1AA", "SW1A"),
        # Half an inward code: the outward code where it is certain, else only the area.
        ("GB", "SW1A 1", "SW1A"),
        ("GB", "SW1A1A", "SW1A"),
        ("GB", "M1 1A", "M1"),
        ("GB", "M11A", "M"),
        ("GB", "12345", ""),
        ("NL", "1012 AB", "1012"),
        ("NL", "1012AB", "1012"),
        ("NL", "1012", "1012"),
        ("NL", "1012 ab", "1012"),
        ("NL", "NL-1012 AB", "1012"),
        ("IE", "D02 X285", "D02"),
        ("IE", "D02", "D02"),
        ("IE", "d02x285", "D02"),
        ("IE", "D6W X285", "D6W"),
        ("PT", "1000-001", "1000"),
        ("PT", "1000", "1000"),
        ("PT", "1000 001", "1000"),
        ("PT", "PT-1000-001", "1000"),
        ("CA", "K1A 0B1", "K1A"),
        ("CA", "K1A", "K1A"),
        ("CA", "k1a0b1", "K1A"),
        # Codes of a block or a street elsewhere (a privacy tester's finds).
        ("US", "10001-1234", "10001"),
        ("US", "10001", "10001"),
        ("US", "100011234", "10001"),
        ("BR", "01310-100", "01310"),
        ("JP", "100-0001", "100"),
        ("JP", "1000001", "100"),
        ("AR", "C1002AAP", "C1002"),
        ("AR", "c1002aap", "C1002"),
        ("AR", "1002", "1002"),
        ("MT", "VLT 1117", "VLT"),
        ("MT", "vlt1117", "VLT"),
        ("IT", "39100", "39100"),
        ("DE", "80331", "80331"),
        ("LU", "L-1616", "L-1616"),
    ],
)
def test_the_district_part_of_a_postal_code(country: str, postal_code: str, district: str) -> None:
    assert district_postal_code(postal_code, country) == district


_LETTER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = st.sampled_from("0123456789")
# Every shape of British outward code: A9, A99, A9A, AA9, AA99, AA9A.
_OUTWARD = st.tuples(
    st.lists(_LETTER, min_size=1, max_size=2),
    _DIGIT,
    st.one_of(st.just(""), _DIGIT, _LETTER),
).map(lambda t: "".join(t[0]) + t[1] + t[2])
_INWARD = st.tuples(_DIGIT, _LETTER, _LETTER).map("".join)


@given(
    outward=_OUTWARD,
    inward=_INWARD,
    gap=st.sampled_from(["", " ", "  "]),
    lower=st.booleans(),
    cut=st.integers(min_value=0, max_value=3),
)
def test_a_british_postcode_shows_its_outward_code_and_never_the_inward(
    outward: str, inward: str, gap: str, lower: bool, cut: int
) -> None:
    typed = f"{outward}{gap}{inward}"
    typed = typed.lower() if lower else typed
    assert district_postal_code(typed, "GB") == outward
    # Typed only in part, with the space: the outward code, or less, never the inward.
    part = f"{outward} {inward[:cut]}"
    assert district_postal_code(part.lower() if lower else part, "GB") == outward


def test_a_partner_sees_only_the_district_until_it_accepts() -> None:
    _, inquiry, _ = pending_inquiry()
    london = replace(inquiry, contact=replace(CONTACT, country="GB", postal_code="SW1A 1AA"))
    before = inquiry_view(london, partner_user("P1"))
    assert before["location"] == {"postal_code": "SW1A", "city": "Bolzano", "country": "GB"}
    assert "1AA" not in json.dumps(before)
    accepted = replace(london, status=Status.ACCEPTED, deadline=None)
    assert inquiry_view(accepted, partner_user("P1"))["location"]["postal_code"] == "SW1A 1AA"
    assert inquiry_view(london, HQ)["location"]["postal_code"] == "SW1A 1AA"


def test_a_partner_sees_an_outward_code_typed_alone_as_typed() -> None:
    # People type just the outward code; it is the district already, not a code to cut.
    _, inquiry, _ = pending_inquiry()
    london = replace(inquiry, contact=replace(CONTACT, country="GB", postal_code="SW1A"))
    before = inquiry_view(london, partner_user("P1"))
    assert before["location"] == {"postal_code": "SW1A", "city": "Bolzano", "country": "GB"}


# --- the city and the language a partner reads before accepting ----------------------------

# Typed into the form's city (or stored before the city was checked at intake).
CITIES_WITH_CONTACT_DATA = [
    "Bolzano, Via Cavour 17 c/o Gudrun Oberhollenzer",
    "Bolzano c/o Oberhollenzer",
    "gudrun.oberhollenzer@example.com",
    "juergen.mueller@gmail.com",
    "Bolzano Tel 0471 555123",
    "Bolzano www.sonnwend.it",
]
CITIES = [
    "Bolzano",
    "Frankfurt am Main",
    "Sankt Ulrich in Gröden / Ortisei",
    "L'Aquila",
    "Reggio nell'Emilia",
    "Bozen-Bolzano",
    "Paris 16e",
    "Marseille 8e",
]


@pytest.mark.parametrize("city", CITIES_WITH_CONTACT_DATA)
def test_a_city_holding_contact_data_is_no_city_for_a_partner_before_accepting(
    city: str,
) -> None:
    _, inquiry, events = pending_inquiry()
    stored = replace(inquiry, contact=replace(CONTACT, city=city))

    before = inquiry_view(stored, partner_user("P1"), events)

    assert before["location"] == {"postal_code": "39100", "city": None, "country": "IT"}
    shown = json.dumps(before, ensure_ascii=False).casefold()
    for piece in ("oberhollenzer", "mueller", "gmail", "555123", "cavour", "sonnwend"):
        assert piece not in shown, piece
    # HQ, and the partner once it has accepted, see the city as typed.
    assert inquiry_view(stored, HQ)["location"]["city"] == city
    accepted = replace(stored, status=Status.ACCEPTED, deadline=None)
    assert inquiry_view(accepted, partner_user("P1"))["location"]["city"] == city


@pytest.mark.parametrize("city", CITIES)
def test_a_city_that_is_a_city_is_shown_before_accepting(city: str) -> None:
    _, inquiry, _ = pending_inquiry()
    stored = replace(inquiry, contact=replace(CONTACT, city=city))
    assert inquiry_view(stored, partner_user("P1"))["location"]["city"] == city


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("de-Langmann-jm80-webde-0471555-123", "de"),
        ("de-AT-x-gudrun", "de-AT"),
        ("zh-Hans-CN", "zh-Hans-CN"),
        ("it", "it"),
        ("Oberhollenzer", None),
        (None, None),
    ],
)
def test_a_partner_reads_of_the_language_only_its_language_script_and_region(
    stored: str | None, shown: str | None
) -> None:
    _, inquiry, _ = pending_inquiry()
    older = replace(inquiry, language=stored)
    assert inquiry_view(older, partner_user("P1"))["language"] == shown
    assert inquiry_view(older, HQ)["language"] == stored

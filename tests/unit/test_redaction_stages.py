# ruff: noqa: RUF001, RUF003  (look-alike letters from other alphabets are what these tests are about)
"""Each stage of the redaction pipeline on its own: shadow copy, detectors, replacement."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from inquiries.domain.model import Contact
from inquiries.domain.redaction import REDACTED, findings, phone_regions, redact
from inquiries.domain.redaction.addresses import emails, handles, web_addresses
from inquiries.domain.redaction.numbers import Checks, ibans, phone_numbers, tax_numbers
from inquiries.domain.redaction.own_data import own_data
from inquiries.domain.redaction.shadow import shadow_of
from inquiries.domain.redaction.tlds import is_top_level_domain

NOBODY = Contact(last_name="Zz", email="zz@zz.zz", postal_code="39100", country="IT")


def found(spans: Iterable[tuple[int, int]], text: str) -> list[str]:
    """The texts found, overlapping findings (of two patterns) taken together."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


# --- the shadow copy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "shadow"),
    [
        ("Müller", "mueller"),
        ("STRAẞE Straße", "strasse strasse"),
        ("Mu\u0308ller", "mueller"),  # a decomposed umlaut
        ("Perché città", "perche citta"),
        ("Rоssi", "rossi"),  # Cyrillic о
        ("Ηοmе", "home"),  # Greek capital eta, Greek omicron, Cyrillic е
        ("０４７１", "0471"),  # full width
        ("0471\u200b123\u00ad456", "0471123456"),  # zero-width space, soft hyphen
        ("0471–123—456", "0471-123-456"),
        ("a\u00a0b\u2009c", "a b c"),
        ("line\nbreak\ttab", "line break tab"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Søren Ødegård", "soeren oedegard"),
        ("Đorđe Đoković", "djordje djokovic"),
        ("Þóra Æbeltoft", "thora aebeltoft"),
        ("Guðrún Œhlenschläger", "gudrun oehlenschlaeger"),
        ("Yıldız", "yildiz"),
        ("jm80&commat;web&period;de", "jm80@web.de"),
        ("jm80&#64;web&#x2E;de", "jm80@web.de"),
        ("mailto:jm80%40web%2ede", "mailto:jm80@web.de"),
        ("M&uuml;ller", "mueller"),
        ("&nosuchname; &#0; 20%", "&nosuchname; &#0; 20%"),
        ("%00 & Co, 100%% R&D", "%00 & co, 100%% r&d"),
    ],
)
def test_the_shadow_folds_spellings_together(original: str, shadow: str) -> None:
    assert shadow_of(original).text == shadow


def test_a_character_reference_maps_back_to_all_of_it() -> None:
    text = "a&#64;b &commat; c%40d"
    shadow = shadow_of(text)
    ats = [i for i, char in enumerate(shadow.text) if char == "@"]
    assert [text[slice(*shadow.original(i, i + 1))] for i in ats] == ["&#64;", "&commat;", "%40"]


def test_every_shadow_character_knows_its_original_span() -> None:
    text = "Grüße 0471\u200b123 Rоssi"
    shadow = shadow_of(text)
    assert len(shadow.starts) == len(shadow.ends) == len(shadow.text)
    start = shadow.text.index("0471123")
    assert text[slice(*shadow.original(start, start + 7))] == "0471\u200b123"
    start = shadow.text.index("gruesse")
    assert text[slice(*shadow.original(start, start + 7))] == "Grüße"
    start = shadow.text.index("rossi")
    assert text[slice(*shadow.original(start, start + 5))] == "Rоssi"


# --- e-mail, web, handles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "anna@example.com",
        "anna @ example.com",
        "anna (at) example (dot) com",
        "anna[at]example[dot]com",
        "anna{at}example.com",
        "bolzanofan77 at gmail dot com",
        "x at gmx.net",
        "mario chiocciola libero punto it",
        "anna aet web punkt de",
        "anna <at> example <dot> org",
        "anna @ example . com",
        "anna@example . com",
        "anna (at) example . com",
        "anna@[192.168.0.1]",
        "anna@[ipv6:2001:db8::1]",
    ],
)
def test_email_addresses_are_found_as_written_and_spelled_out(address: str) -> None:
    text = f"schreib {address} bitte"
    assert found(emails(shadow_of(text).text), text) == [address]


def test_an_email_address_ending_a_sentence_leaves_the_next_word() -> None:
    text = "mail anna@example.com. thanks"
    assert found(emails(text), text) == ["anna@example.com"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("mail anna @ example . com . thanks", "anna @ example . com"),
        ("mail anna @ example.com . bye now", "anna @ example.com"),
        ("mail anna (at) example (dot) com . thanks", "anna (at) example (dot) com"),
    ],
)
def test_a_loosely_written_address_ends_at_its_top_level_domain(text: str, address: str) -> None:
    assert found(emails(text), text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "we meet at home dot",
        "see you @ home",
        "ci vediamo at casa",
        "2 @ 5 euro",
        "see you @ home . bye",
        "3 doors @ 900 . thanks",
    ],
)
def test_at_without_a_domain_is_no_email_address(text: str) -> None:
    assert list(emails(text)) == []


@pytest.mark.parametrize(
    "address",
    [
        "https://example.com/a?b=c",
        "http://foto.example.it",
        "www.fenster-alpin.it",
        "example.xyz/profile",
        "kranzl-holz.shop",
        "rossimarco.bz.it",
        "smithers.london",
        "ftp://files.example.org/x",
    ],
)
def test_web_addresses_with_any_top_level_domain_are_found(address: str) -> None:
    text = f"see {address}, thanks"
    assert found(web_addresses(text), text) == [address]


@pytest.mark.parametrize("text", ["am 12.01.2027 um 3.5 m", "z.b. u.a. bzw. i.e. e.g.", "a.a.a"])
def test_dotted_words_and_numbers_are_no_web_addresses(text: str) -> None:
    assert list(web_addresses(text)) == []


def test_the_top_level_domains_come_from_the_public_suffix_list() -> None:
    for label in ("com", "it", "xyz", "shop", "london", "bz"):
        assert is_top_level_domain(label), label
    for label in ("b", "danke", "2027", "fenster"):
        assert not is_top_level_domain(label), label


def test_social_handles_are_found_but_not_the_at_of_an_email() -> None:
    text = "insta @anna.rossi_77, mail a@b.it, 3 doors @ 900"
    assert found(handles(text), text) == ["@anna.rossi_77"]


# --- numbers -----------------------------------------------------------------------------------

REGIONS = phone_regions("IT")


@pytest.mark.parametrize(
    "number",
    [
        "0471-123456",
        "0471/12 34 56",
        "+39 0471 123456",
        "(0471) 123456",
        "333 1234567",
        "3331234567",
        "0 4 7 1 1 2 3 4 5 6",
        "+49(0)89-1234567",
        "0471.123.456",
        "12-34-5678",  # no date: month 34
        "0471 12345",
        "0471*555*123",
        "0471 | 555 | 123",
        "347x123x4567",
        "347 x 123 x 4567",
        "+39 347x123x4567",
    ],
)
def test_phone_numbers_are_found_in_any_notation(number: str) -> None:
    text = f"tel{number} danke"
    assert found(phone_numbers(text, REGIONS), text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "am 12.01.2027 - 15.01.2027",
        "vom 12.01.-15.01.",
        "2026-12-03 10:00",
        "um 14.30 uhr",
        "preis 1.250.000 €",
        "€ 1 250 000",
        "120 140 160 cm",
        "2026-2027",
        "15.000 eur",
        "3 x 120 x 140",
        "plz 39100 bolzano",
        "12 x 24 fenster",
        "2 x 3 m",
        "120x140x160 cm",
        "1200x1400x1600 mm",
        "3x120x140",
        "0,80x1,20x2,10 m",
        "| 3 | 1200 | 1400 |",
        "3 * 120 * 140 cm",
    ],
)
def test_dates_times_prices_and_sizes_are_no_phone_numbers(text: str) -> None:
    assert list(phone_numbers(text, REGIONS)) == []


def test_a_list_of_small_numbers_is_a_phone_number_only_where_it_dials_so() -> None:
    # Austria and France dial a trunk 0: without it, these are sizes.
    text = "120 140 160"
    assert list(phone_numbers(text, phone_regions("AT"))) == []
    # North America dials without one: a valid number there goes.
    us = "212 555 0123"
    assert found(phone_numbers(us, phone_regions("US")), us) == [us]


def test_past_the_budget_of_validations_doubt_goes_to_the_contact() -> None:
    text = "120 140 160"
    assert list(phone_numbers(text, REGIONS, Checks())) == []
    assert found(phone_numbers(text, REGIONS, Checks(limit=0)), text) == [text]


def test_many_candidates_cost_a_bounded_number_of_validations() -> None:
    checks = Checks(limit=5)
    text = " cm, ".join(f"{n} 140 160" for n in range(100, 150))
    spans = list(phone_numbers(text, REGIONS, checks))
    assert checks.left < 0
    assert len(spans) == 50 - 5  # the first five validated as sizes, the rest redacted


@pytest.mark.parametrize(
    "iban", ["de89370400440532013000", "de89 3704 0044 0532 0130 00", "gb29nwbk60161331926819"]
)
def test_valid_ibans_are_found(iban: str) -> None:
    text = f"konto {iban} danke"
    assert found(ibans(text), text) == [iban]


def test_an_iban_shape_with_wrong_check_digits_stays() -> None:
    assert list(ibans("ref de00370400440532013000")) == []


@pytest.mark.parametrize(
    "number", ["rssmra85t10a562s", "de136695976", "atu13585627", "it00743110157", "che-116.281.710"]
)
def test_valid_tax_and_vat_numbers_are_found(number: str) -> None:
    text = f"nr {number} ok"
    assert found(tax_numbers(text), text) == [number]


@pytest.mark.parametrize(
    "code",
    [
        "mlljgn80a01a952x",  # a check letter that does not fit: the person is still in it
        "rssmra85t10a562x",
        "mll jgn 80a01 a952x",
        "mlljgn 80a01 a952x",
        "mll-jgn-80a01-a952x",
        "mll jgn 80 a 01 a 952 x",
        "mlljgn80a41a952x",  # a woman: day + 40
        "mlljgnulalmavrnx",  # omocodia: letters for every digit
    ],
)
def test_an_italian_tax_code_goes_by_its_shape_whole_or_in_groups(code: str) -> None:
    text = f"codice fiscale {code} grazie"
    assert found(tax_numbers(text), text) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "code mlljgn80z01a952x ok",  # no month is `z`
        "code mlljgn80a32a952x ok",  # no day 32
        "code mlljgn80a00a952x ok",
        "code mlljgn80a01a952 ok",  # one character short
        "code mlljgn80a01a952xy ok",
        "ordine abcdef12a34b567c",
    ],
)
def test_shapes_that_are_no_tax_code_stay(text: str) -> None:
    assert list(tax_numbers(text)) == []


# --- the contact's own data --------------------------------------------------------------------

MUELLER = Contact(
    first_name="Anna",
    last_name="Müller",
    email="bolzanofan77@gmail.com",
    phone="+39 0471 987654",
    street="Hauptstraße 5",
    postal_code="39100",
    city="Bolzano",
    country="IT",
    company="Kranzwerk Immobilien",
)


@pytest.mark.parametrize(
    "mention",
    [
        "mueller",
        "muller",
        "m u e l l e r",
        "m-u-e-l-l-e-r",
        "muellers",
        "hauptstrasse 5",
        "hauptstr. 5",
        "haupt-strasse",
        "haupt str 5",
        "kranzwerk",
        "bolzanofan77",
    ],
)
def test_the_contacts_own_data_is_found_in_the_shadow(mention: str) -> None:
    text = f"von {mention} gesendet"
    assert found(own_data(text, MUELLER), text) == [mention]


@pytest.mark.parametrize(
    ("street", "mention"),
    [
        ("Via Roma 12b", "via roma 12b"),
        ("Via Roma 12b", "via roma 12 b"),
        ("Via Roma 12b", "roma 12b"),
        ("Hauptstraße 5a", "hauptstrasse 5a"),
        ("Laubengasse 22 B", "laubengasse 22b"),
        ("Mühlweg 3/c", "muehlweg 3/c"),
        ("Via Verdi 12 int. 3", "via verdi 12 int. 3"),
        ("Via Verdi 12 int. 3", "verdi 12 int 3"),
        ("Hauptstraße Nr. 5", "hauptstr. nr. 5"),
        ("Via Verdi 12", "via verdi 12 int. 3"),  # an extra the stored street does not have
        ("Via Verdi 12", "via verdi 12/b"),
        ("12b, rue de la Gare", "12 b, rue de la gare"),
    ],
)
def test_the_own_street_is_found_with_its_whole_house_number(street: str, mention: str) -> None:
    contact = Contact(last_name="Zz", email="z@z.it", postal_code="1", country="IT", street=street)
    text = f"bei {mention}, danke"
    assert found(own_data(text, contact), text) == [mention]


def test_own_data_is_found_as_whole_words_only() -> None:
    contact = Contact(
        first_name="Ann", last_name="Berg", email="a@b.it", postal_code="1", country="IT"
    )
    assert list(own_data("bergamo annual bergen", contact)) == []


def test_a_generic_word_of_the_company_alone_stays() -> None:
    assert list(own_data("immobilien gesucht", MUELLER)) == []


def test_an_italian_street_is_found_with_its_abbreviations() -> None:
    contact = Contact(
        last_name="Bianchi", email="g@b.it", postal_code="39100", country="IT",
        street="Piazza Walther 3",
    )  # fmt: skip
    for mention in (
        "piazza walther 3",
        "p.zza walther",
        "p.za walther 3",
        "pza walther",
        "walther",
    ):
        text = f"abito in {mention}, bolzano"
        assert found(own_data(text, contact), text) == [mention], mention


# --- the pipeline ------------------------------------------------------------------------------


def test_overlapping_findings_become_one_redaction() -> None:
    text = "mail bolzanofan77@gmail.com now"
    assert findings(text, MUELLER) == [(5, 27)]
    assert redact(text, MUELLER) == f"mail {REDACTED} now"


def test_each_finding_is_replaced_and_nothing_else_changes() -> None:
    text = "Hallo,  ich bin Anna\tMüller!  Tel. 0471 987654; Maße 120x140 cm."
    assert redact(text, MUELLER) == (
        f"Hallo,  ich bin {REDACTED}\t{REDACTED}!  Tel. {REDACTED}; Maße 120x140 cm."
    )


def test_a_finding_behind_invisible_characters_takes_them_along() -> None:
    text = "ruf 0471\u200b987\u200b654 an"
    assert redact(text, NOBODY) == f"ruf {REDACTED} an"


def test_an_empty_message_stays_empty() -> None:
    assert redact("", MUELLER) == ""


def test_a_message_without_an_iban_candidate_does_not_load_stdnum() -> None:
    """python-stdnum (and the pydoc it imports) cost a cold request: only a candidate whose
    check digits fit needs it."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys\n"
        "from inquiries.domain.redaction.numbers import ibans\n"
        "assert list(ibans('call me at 0471 123456, ref de00370400440532013000')) == []\n"
        "print('stdnum' in sys.modules)\n"
        "assert list(ibans('konto de89370400440532013000'))\n"
        "print('stdnum' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "True"]

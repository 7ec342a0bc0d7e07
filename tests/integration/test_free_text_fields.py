"""The form's two free-text fields a partner reads before accepting: `contact.city`, `language`.

At intake a city is refused with an e-mail address or a phone number in it, and a
language tag with more than a language, a script and a region. What slips through, or
was stored before these checks, is read through the view: a city holding contact data
is `null` for a partner before it accepts (its view, its list), and an erasure keeps
that, never the raw text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock

from local.events import invoke
from tests.integration.conftest import TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    SOUTH_TYROL,
    accept,
    act,
    form,
    listing,
    post_inquiry,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

# The prospect of these tests: the city is where people type what does not fit elsewhere.
JUERGEN = {
    "first_name": "Jürgen",
    "last_name": "Müller",
    "email": "juergen.mueller@gmail.com",
    "phone": "+39 0471 555123",
    "street": "Via Roma 12",
}
NOT_CITIES = {
    "an e-mail address": "juergen.mueller@gmail.com",
    "an address with an @": "Bolzano c/o juergen.mueller@gmail.com",
    "a phone number": "Bolzano Tel 0471 555123",
    "a phone number in dots": "Bolzano 0471.55.51.23",
    # `Bolzano 0471 555123` in full-width digits
    "a full-width phone number": "Bolzano \uff10\uff14\uff17\uff11 "
    "\uff15\uff15\uff15\uff11\uff12\uff13",
    "a full-width @": "juergen\uff20gmail.com",
}
CITIES = [
    "Bolzano",
    "Frankfurt am Main",
    "Sankt Ulrich in Gröden / Ortisei",
    "L'Aquila",
    "Reggio nell'Emilia",
    "Bozen-Bolzano",
    "Paris 16e",
    "Marseille 8e",
    "Wien 1010",
]
NOT_LANGUAGES = {
    "free subtags": "de-Langmann-jm80-webde-0471555-123",
    "a private-use subtag": "de-DE-x-juergen",
    "a variant": "de-DE-1901",
    "underscores": "de_DE",
    "a word": "Deutsch",
    "one letter": "d",
    "a region of three letters": "de-DEU",
}
# Browsers' values (navigator.language, Accept-Language) and BCP 47's case.
LANGUAGES = {
    "de": "de",
    "de-DE": "de-DE",
    "it-IT": "it-IT",
    "en-US": "en-US",
    "en-GB": "en-GB",
    "de-at": "de-AT",
    "zh-Hans-CN": "zh-Hans-CN",
    "ZH-hant-tw": "zh-Hant-TW",
    "es-419": "es-419",
    "gsw": "gsw",
}


def _pieces(value: str) -> list[str]:
    """The value and its words of four characters or more, as a 422 must not repeat them."""
    words = [w for w in value.replace("@", " ").replace(".", " ").split() if len(w) >= 4]
    return [value, *words]


@pytest.mark.parametrize("case", list(NOT_CITIES))
def test_a_city_with_an_email_address_or_a_phone_number_is_422_and_not_repeated(
    aws: dict[str, Any], clock: FixedClock, case: str
) -> None:
    put_partners(SOUTH_TYROL)
    city = NOT_CITIES[case]

    answer = post_inquiry(form(contact={**JUERGEN, "city": city}))

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["contact.city"]
    assert [e["type"] for e in answer.body["errors"]] == ["not_a_city"]
    for piece in _pieces(city):
        assert piece.casefold() not in answer.text.casefold(), piece
    assert listing(hq()) == []


@pytest.mark.parametrize("case", list(NOT_LANGUAGES))
def test_a_language_that_is_no_language_tag_is_422_and_not_repeated(
    aws: dict[str, Any], clock: FixedClock, case: str
) -> None:
    put_partners(SOUTH_TYROL)
    tag = NOT_LANGUAGES[case]

    answer = post_inquiry(form(language=tag))

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["language"]
    assert len(tag) < 4 or tag not in answer.text
    assert "Langmann" not in answer.text and "juergen" not in answer.text
    assert listing(hq()) == []


def test_cities_and_browser_language_tags_are_taken(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    for city in CITIES:
        inquiry_id = submit(form(contact={"city": city}))
        assert view(inquiry_id)["location"]["city"] == city
        assert view(inquiry_id, partner(SOUTH_TYROL))["location"]["city"] == city
    for sent, stored in LANGUAGES.items():
        inquiry_id = submit(form(language=sent))
        assert view(inquiry_id)["language"] == stored
        assert view(inquiry_id, partner(SOUTH_TYROL))["language"] == stored


def _as_stored_before_the_checks(dynamodb: Any, inquiry_id: str, **values: str) -> None:
    """The item as intake wrote it before the city and the language were checked."""
    names: dict[str, str] = {}
    sets = []
    if "city" in values:
        names |= {"#contact": "contact", "#city": "city"}
        sets.append("#contact.#city = :city")
    if "language" in values:
        names["#language"] = "language"
        sets.append("#language = :language")
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}},
        UpdateExpression="SET " + ", ".join(sets),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":{k}": {"S": v} for k, v in values.items()},
    )


def _shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False).casefold()


SECRETS = ("jürgen", "juergen", "müller", "mueller", "gmail", "555123", "via roma", "langmann")


def test_a_partner_sees_no_city_holding_contact_data_before_accepting(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    # Taken at intake (no @, no phone number), but the contact's own name and street.
    typed = "Bolzano, Via Roma 12 c/o Jürgen Müller"
    named = submit(form(contact={**JUERGEN, "city": typed}))
    # Stored before the city was checked.
    older = {
        "juergen.mueller@gmail.com": submit(form(contact=JUERGEN)),
        "Bolzano Tel 0471 555123": submit(form(contact=JUERGEN)),
    }
    for city, inquiry_id in older.items():
        _as_stored_before_the_checks(aws["dynamodb"], inquiry_id, city=city)
    cities = {named: typed} | {inquiry_id: city for city, inquiry_id in older.items()}

    listed = {i["id"]: i for i in listing(partner(SOUTH_TYROL))}
    for inquiry_id, city in cities.items():
        before = view(inquiry_id, partner(SOUTH_TYROL))
        assert before["anonymized"] is True
        assert before["location"] == {"postal_code": "39100", "city": None, "country": "IT"}
        assert listed[inquiry_id]["location"]["city"] is None
        for answer in (before, listed[inquiry_id]):
            assert not [s for s in SECRETS if s in _shown(answer)], _shown(answer)
        # HQ sees what was typed.
        assert view(inquiry_id)["location"]["city"] == city

    # The partner that has accepted sees the contact, the city as typed.
    assert accept(named, SOUTH_TYROL)["inquiry"]["location"]["city"] == typed


def test_a_partner_reads_of_a_stored_language_only_language_script_and_region(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(form())
    _as_stored_before_the_checks(
        aws["dynamodb"], inquiry_id, language="de-Langmann-jm80-webde-0471555-123"
    )

    assert view(inquiry_id, partner(SOUTH_TYROL))["language"] == "de"
    listed = {i["id"]: i for i in listing(partner(SOUTH_TYROL))}
    assert listed[inquiry_id]["language"] == "de"
    assert "langmann" not in _shown(listed[inquiry_id])


def _stored(aws: dict[str, Any], inquiry_id: str) -> str:
    item = aws["dynamodb"].get_item(
        TableName=TABLE, Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}}
    )["Item"]
    return json.dumps(item, ensure_ascii=False).casefold()


def test_an_erasure_keeps_the_city_and_language_as_a_partner_saw_them_never_as_typed(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    typed = submit(form(contact={**JUERGEN, "city": "Bolzano c/o Jürgen Müller"}))
    older = submit(form(contact=JUERGEN))
    _as_stored_before_the_checks(
        aws["dynamodb"],
        older,
        city="juergen.mueller@gmail.com",
        language="de-Langmann-jm80-webde-0471555-123",
    )
    clean = submit(form(contact={**JUERGEN, "city": "Bozen-Bolzano"}, language="it-IT"))

    erased = call("POST", "/subjects/erase", claims=hq(), body={"email": JUERGEN["email"]})

    assert erased.status == 200 and erased.body["inquiries"] == 3
    for inquiry_id in (typed, older):
        after = view(inquiry_id)
        assert after["location"] == {"postal_code": "39100", "city": None, "country": "IT"}
        assert after["language"] == "de"
        assert not [s for s in SECRETS if s in _shown(after)]
        assert not [s for s in SECRETS if s in _stored(aws, inquiry_id)]
    kept = view(clean)
    assert kept["location"] == {"postal_code": "39100", "city": "Bozen-Bolzano", "country": "IT"}
    assert kept["language"] == "it-IT"


def test_retention_keeps_the_city_as_a_partner_saw_it_never_as_typed(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(form(contact=JUERGEN))
    _as_stored_before_the_checks(
        aws["dynamodb"],
        inquiry_id,
        city="Bolzano Tel 0471 555123",
        language="de-Langmann-jm80-webde-0471555-123",
    )
    reject = act(inquiry_id, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})
    assert reject.status == 200, reject.text
    assert act(inquiry_id, "discard", hq(), {}).status == 200
    clock.advance(days=180)  # RETENTION_DAYS' default

    assert invoke("expire", {"sweep": True})["erased"] == 1

    after = view(inquiry_id)
    assert after["erased_at"] is not None
    assert after["location"] == {"postal_code": "39100", "city": None, "country": "IT"}
    assert after["language"] == "de"
    assert not [s for s in SECRETS if s in _stored(aws, inquiry_id)]

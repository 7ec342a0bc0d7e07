"""The website form through API Gateway events: its bot trap on `POST /inquiries`, `GET /form`.

A submission the form marks as a bot's (the hidden field filled in, or sent faster than
a person can) is answered like a success and stores nothing; the same form filled in
by a person is an inquiry like any other. The page is the element of the form's script
with its attributes, in the browser's language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.domain.spam import MIN_FILL_MS

from tests.integration.conftest import GROUP, TABLE
from tests.support.api import call, hq
from tests.support.demo import (
    SOUTH_TYROL,
    form,
    listing,
    post_inquiry,
    put_partners,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    stored_items,
    view,
)

ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{12}$")


def _record_calls(aws: dict[str, Any]) -> list[str]:
    """The name of every DynamoDB call the functions make from now on."""
    calls: list[str] = []
    client = wiring.dependencies().repository._client  # type: ignore[attr-defined]
    client.meta.events.register(
        "before-parameter-build.dynamodb", lambda model, **_: calls.append(model.name)
    )
    return calls


@pytest.mark.parametrize(
    "trap",
    [
        {"form_trap": "http://cheap-pills.example", "form_fill_ms": 9000},
        {"form_trap": "", "form_fill_ms": MIN_FILL_MS - 1},
        {"form_fill_ms": 150},
    ],
    ids=["hidden-field-filled", "just-too-fast", "instant"],
)
def test_a_bots_submission_is_answered_like_a_success_and_stores_nothing(
    aws: dict[str, Any], clock: FixedClock, trap: dict[str, Any]
) -> None:
    put_partners(SOUTH_TYROL)
    calls = _record_calls(aws)

    answer = post_inquiry(form(**trap), key="form-key-1")

    assert answer.status == 201, answer.text
    assert set(answer.body) == {"id", "status"} and answer.body["status"] == "received"
    assert ID_SHAPE.match(answer.body["id"])
    assert calls == []  # not a read, not a write
    assert call("GET", f"/inquiries/{answer.body['id']}", claims=hq()).status == 404
    assert stored_items(aws["dynamodb"], TABLE, answer.body["id"]) == []
    assert listing(hq()) == []
    assert schedules(aws["scheduler"], GROUP) == []


def test_a_person_who_took_their_time_gets_a_stored_routed_inquiry(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form(form_trap="", form_fill_ms=MIN_FILL_MS), key="form-key-2")

    assert answer.status == 201, answer.text
    stored = view(answer.body["id"])
    assert stored["status"] == "pending" and stored["partner_id"] == SOUTH_TYROL
    assert len(schedules(aws["scheduler"], GROUP)) == 1
    # The same form sent again (a double click) is the same inquiry.
    again = post_inquiry(form(form_trap="", form_fill_ms=MIN_FILL_MS), key="form-key-2")
    assert again.status == 201 and again.body["id"] == answer.body["id"]
    assert len(listing(hq())) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"form_fill_ms": -1}, "form_fill_ms"),
        ({"form_fill_ms": "4000"}, "form_fill_ms"),
        ({"form_trap": "x" * 201}, "form_trap"),
    ],
)
def test_the_form_fields_are_validated_like_the_others(
    aws: dict[str, Any], clock: FixedClock, changes: dict[str, Any], field: str
) -> None:
    put_partners(SOUTH_TYROL)
    answer = post_inquiry(form(**changes))
    assert answer.status == 422, answer.text
    assert answer.body["fields"] == [field]
    assert listing(hq()) == []


# --- GET /form --------------------------------------------------------------------------------


def _page(query: dict[str, str] | None = None, language: str | None = None) -> Any:
    headers = {"Accept-Language": language} if language else None
    return call("GET", "/form", query=query, headers=headers)


def test_the_page_holds_the_element_of_the_forms_script_with_its_attributes(
    aws: dict[str, Any],
) -> None:
    answer = _page({"partner": SOUTH_TYROL, "lang": "it"})

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    page = answer.body
    assert '<html lang="it">' in page
    assert '<script src="/form.js" defer></script>' in page
    assert f'<inquiry-form lang="it" partner="{SOUTH_TYROL}" privacy-url="#privacy">' in page
    # The consent's link leads to a notice on the page itself.
    assert '<section id="privacy"' in page and "Informativa sulla privacy" in page
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy


@pytest.mark.parametrize(
    ("accept_language", "language", "heading"),
    [
        ("de-AT,de;q=0.9,en;q=0.5", "de", "Ihre Anfrage"),
        ("fr-FR,fr;q=0.9,it;q=0.8,en;q=0.7", "it", "La sua richiesta"),
        ("fr-FR,es;q=0.5", "en", "Your inquiry"),
        ("en;q=0.2,de;q=0.9", "de", "Ihre Anfrage"),
        (None, "en", "Your inquiry"),
    ],
)
def test_the_page_speaks_the_browsers_first_language_it_knows(
    aws: dict[str, Any], accept_language: str | None, language: str, heading: str
) -> None:
    answer = _page(language=accept_language)
    assert answer.status == 200
    assert f'<html lang="{language}">' in answer.body
    assert f"<h1>{heading}</h1>" in answer.body
    assert f'<inquiry-form lang="{language}"' in answer.body
    assert answer.headers["Content-Language"] == language


def test_lang_in_the_query_wins_over_the_browser(aws: dict[str, Any]) -> None:
    answer = _page({"lang": "en"}, language="de")
    assert '<html lang="en">' in answer.body


def test_a_deployment_may_name_its_own_privacy_notice(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIVACY_URL", "https://www.fenster.example/privacy?x=1&y=2")
    wiring.reset()
    answer = _page()
    assert 'privacy-url="https://www.fenster.example/privacy?x=1&amp;y=2"' in answer.body
    assert 'id="privacy"' not in answer.body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"partner": "<script>"}, "partner"),
        ({"lang": "fr"}, "lang"),
        ({"utm_source": "newsletter"}, "utm_source"),
    ],
)
def test_a_wrong_or_unknown_query_parameter_is_422(
    aws: dict[str, Any], query: dict[str, str], field: str
) -> None:
    answer = _page(query)
    assert answer.status == 422, answer.text
    assert answer.body["fields"] == [field]

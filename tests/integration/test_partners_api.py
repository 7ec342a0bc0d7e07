"""PUT /partners/{id} and GET /partners through real API Gateway events, against moto.

HQ manages its partners; the calendar must be one deadlines can be counted in,
and routing follows the territories as they are now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from inquiries.adapters.clock import FixedClock

from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    BERLIN,
    PARTNERS,
    SOUTH_TYROL,
    VIENNA,
    ZURICH,
    act,
    form,
    partner_body,
    put_partner,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)


def _partners() -> list[dict[str, Any]]:
    answer = call("GET", "/partners", claims=hq())
    assert answer.status == 200, answer.text
    return list(answer.body["items"])


def test_put_creates_a_partner_and_answers_it(aws: dict[str, Any], clock: FixedClock) -> None:
    answer = call("PUT", f"/partners/{SOUTH_TYROL}", body=PARTNERS[SOUTH_TYROL], claims=hq())

    assert answer.status == 200, answer.text
    assert answer.body == {"id": SOUTH_TYROL, **PARTNERS[SOUTH_TYROL]}


def test_total_is_no_partner_id_as_the_reports_sum_row_has_that_name(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    for partner_id in ("total", "Total"):
        answer = call("PUT", f"/partners/{partner_id}", body=PARTNERS[SOUTH_TYROL], claims=hq())

        assert answer.status == 422, answer.text
        assert answer.body["fields"] == ["partner_id"]
        assert answer.body["errors"][0]["type"] == "reserved"
    assert call("GET", "/partners", claims=hq()).body["items"] == []


def test_defaults_are_monday_to_friday_and_all_products(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    minimal = {"name": "Minimal", "country": "AT", "timezone": "Europe/Vienna"}

    created = put_partner("minimal", minimal)

    assert created["working_days"] == [1, 2, 3, 4, 5]
    assert created["products"] == []
    assert created["territories"] == []
    assert created["subdivision"] is None
    assert (created["active"], created["notify_emails"], created["language"]) == (True, [], "en")


def test_get_lists_every_partner(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners()

    listed = _partners()

    assert sorted(p["id"] for p in listed) == sorted(PARTNERS)
    by_id = {p["id"]: p for p in listed}
    assert by_id[BAVARIA]["subdivision"] == "BY"
    assert by_id[VIENNA]["timezone"] == "Europe/Vienna"
    assert by_id[ZURICH]["territories"] == [{"country": "CH", "postal_prefixes": ["80", "81"]}]


def test_put_replaces_a_partner(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)

    replaced = put_partner(
        SOUTH_TYROL,
        partner_body(SOUTH_TYROL, name="Fenster Alpin GmbH", working_days=[1, 2, 3, 4, 5, 6]),
    )

    assert replaced["name"] == "Fenster Alpin GmbH"
    assert [(p["id"], p["name"], p["working_days"]) for p in _partners()] == [
        (SOUTH_TYROL, "Fenster Alpin GmbH", [1, 2, 3, 4, 5, 6])
    ]


def test_routing_follows_the_replaced_territories(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    assert view(submit(form(SOUTH_TYROL)))["partner_id"] == SOUTH_TYROL

    # The partner moves from South Tyrol to Vienna.
    put_partner(
        SOUTH_TYROL,
        partner_body(SOUTH_TYROL, territories=[{"country": "AT", "postal_prefixes": ["1"]}]),
    )

    from_bolzano = view(submit(form(SOUTH_TYROL)))
    from_vienna = view(submit(form(VIENNA)))
    assert (from_bolzano["status"], from_bolzano["partner_id"]) == ("unassigned", None)
    assert (from_vienna["status"], from_vienna["partner_id"]) == ("pending", SOUTH_TYROL)


def test_routing_follows_narrower_prefixes_and_products(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    put_partner(
        SOUTH_TYROL,
        partner_body(
            SOUTH_TYROL,
            territories=[{"country": "IT", "postal_prefixes": ["390", "391"]}],
            products=["windows"],
        ),
    )

    assert view(submit(form(contact={"postal_code": "39100"})))["partner_id"] == SOUTH_TYROL
    assert view(submit(form(contact={"postal_code": "39200"})))["status"] == "unassigned"
    assert view(submit(form(product="shading")))["status"] == "unassigned"


def test_the_new_calendar_counts_for_new_offers(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    # Saturdays too: from Friday 27 Nov 2026, 15:00 in Bolzano, 48 h end on Monday.
    put_partner(SOUTH_TYROL, partner_body(SOUTH_TYROL, working_days=[1, 2, 3, 4, 5, 6]))
    clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))

    assert view(submit())["deadline"] == "2026-11-30T14:00:00Z"


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "unknown country": ({"country": "XX"}, "country"),
    "three-letter country": ({"country": "ITA"}, "country"),
    "unknown subdivision": ({"subdivision": "ZZ"}, "subdivision"),
    "subdivision of another country": ({"subdivision": "BY"}, "subdivision"),
    "unknown time zone": ({"timezone": "Europe/Bolzano"}, "timezone"),
    "not an IANA zone": ({"timezone": "CET+1"}, "timezone"),
    "weekday 0": ({"working_days": [0, 1]}, "working_days"),
    "no working day": ({"working_days": []}, "working_days"),
    "territory in no country": (
        {"territories": [{"country": "XX", "postal_prefixes": ["1"]}]},
        "territories",
    ),
    "unknown product": ({"products": ["garage_doors"]}, "products"),
    "no name": ({"name": ""}, "name"),
    "a name of a NUL": ({"name": "\u0000"}, "name"),
    "a name of bidi marks": ({"name": "\u200f\u200e"}, "name"),
    "a name on two lines": ({"name": "Fenster\nAlpin"}, "name"),
    "a postal prefix with a NUL": (
        {"territories": [{"country": "IT", "postal_prefixes": ["39\u0000"]}]},
        "territories",
    ),
    "unknown language": ({"language": "fr"}, "language"),
    "language as a tag": ({"language": "de-AT"}, "language"),
    "not an e-mail address": ({"notify_emails": ["sales.example.com"]}, "notify_emails"),
    "e-mail addresses not a list": ({"notify_emails": "a@b.example"}, "notify_emails"),
    "too many e-mail addresses": (
        {"notify_emails": [f"sales{n}@dealer.example" for n in range(21)]},
        "notify_emails",
    ),
    "active not a boolean": ({"active": "no"}, "active"),
}


def test_an_unknown_country_subdivision_or_time_zone_is_422_and_changes_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    for case, (changes, field) in INVALID.items():
        body = partner_body(SOUTH_TYROL, **changes)
        answer = call("PUT", f"/partners/{SOUTH_TYROL}", body=body, claims=hq())
        assert answer.status == 422, f"{case}: {answer.text}"
        assert answer.body["message"], case
        fields = answer.body["fields"]
        assert any(f.split(".")[0] == field for f in fields), f"{case}: {fields}"

    assert _partners() == [{"id": SOUTH_TYROL, **PARTNERS[SOUTH_TYROL]}]
    assert view(submit())["partner_id"] == SOUTH_TYROL


def test_a_bad_calendar_never_creates_a_partner(aws: dict[str, Any], clock: FixedClock) -> None:
    answer = call(
        "PUT", "/partners/new-one", body=partner_body(VIENNA, subdivision="99"), claims=hq()
    )

    assert answer.status == 422
    assert _partners() == []
    assert call("POST", "/inquiries", body=form(VIENNA, partner_id="new-one")).status == 422


def test_a_partner_id_must_be_url_safe(aws: dict[str, Any], clock: FixedClock) -> None:
    answer = call("PUT", "/partners/bad!id", body=PARTNERS[VIENNA], claims=hq())

    assert answer.status == 422
    assert _partners() == []


def test_a_partner_id_of_dots_only_is_refused_as_no_url_can_name_it(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """`/partners/..` is `/` to a browser or curl: such a partner could never be read again."""
    for dots in (".", "..", "..."):
        answer = call("PUT", f"/partners/{dots}", body=PARTNERS[VIENNA], claims=hq())
        assert answer.status == 422, (dots, answer.text)
        assert answer.body["fields"] == ["partner_id"], answer.body
        assert call("GET", f"/partners/{dots}", claims=hq()).status == 404
        assert call("PATCH", f"/partners/{dots}", body={}, claims=hq()).status == 404
    assert _partners() == []
    # Dots among other characters are fine.
    for partner_id in ("fenster.alpin", ".alpin", "alpin..", "~"):
        put_partner(partner_id, PARTNERS[VIENNA])
    assert sorted(p["id"] for p in _partners()) == [".alpin", "alpin..", "fenster.alpin", "~"]


def test_only_hq_manages_partners(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    own = partner(SOUTH_TYROL)

    assert call("PUT", f"/partners/{SOUTH_TYROL}", body=PARTNERS[VIENNA], claims=own).status == 403
    assert call("GET", "/partners", claims=own).status == 403
    assert call("GET", "/partners").status == 401
    assert call("PUT", "/partners/x", body=PARTNERS[VIENNA]).status == 401
    assert _partners()[0]["name"] == "Fenster Alpin"


# --- the optional fields: active, notify_emails, language -----------------------------------


def test_put_stores_and_answers_the_optional_fields(aws: dict[str, Any], clock: FixedClock) -> None:
    body = partner_body(
        VIENNA,
        active=False,
        notify_emails=["sales@wiener-tueren.example", "office@wiener-tueren.example"],
        language="de",
    )

    answer = call("PUT", f"/partners/{VIENNA}", body=body, claims=hq())

    assert answer.status == 200, answer.text
    expected = {
        "active": False,
        "notify_emails": ["sales@wiener-tueren.example", "office@wiener-tueren.example"],
        "language": "de",
    }
    assert {k: answer.body[k] for k in expected} == expected
    assert {k: _partners()[0][k] for k in expected} == expected


def test_notify_emails_may_be_empty_and_are_kept_once_whatever_their_case(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    twice = ["sales@dealer.example", "SALES@dealer.example", "office@dealer.example"]

    assert put_partner(VIENNA, notify_emails=twice)["notify_emails"] == [
        "sales@dealer.example",
        "office@dealer.example",
    ]
    assert put_partner(VIENNA, notify_emails=[])["notify_emails"] == []


def test_an_inactive_partner_is_not_routed_to_and_pending_offers_stay(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    before = submit()
    assert view(before)["status"] == "pending"

    put_partner(SOUTH_TYROL, active=False)

    after = view(submit())
    assert (after["status"], after["partner_id"]) == ("unassigned", None)
    kept = view(before)
    assert (kept["status"], kept["partner_id"]) == ("pending", SOUTH_TYROL)
    assert accept_status(before) == 200

    put_partner(SOUTH_TYROL, active=True)
    assert view(submit())["partner_id"] == SOUTH_TYROL


def accept_status(inquiry_id: str) -> int:
    return act(inquiry_id, "accept", partner(SOUTH_TYROL), {}).status


def test_hq_assigning_to_an_inactive_partner_is_409_and_changes_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, VIENNA)
    put_partner(VIENNA, active=False)
    queued = submit(form(BERLIN))
    pending = submit()
    before = {i: view(i) for i in (queued, pending)}

    for inquiry_id in (queued, pending):
        answer = act(inquiry_id, "assign", hq(), {"partner_id": VIENNA})
        assert answer.status == 409, answer.text
        assert "inactive" in answer.body["message"]

    assert {i: view(i) for i in (queued, pending)} == before
    assert act(queued, "assign", hq(), {"partner_id": SOUTH_TYROL}).status == 200


def test_a_dealer_page_of_an_inactive_partner_waits_unassigned_at_hq(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, VIENNA)
    put_partner(VIENNA, active=False)

    # The dealer's page still answers like any submission; the inquiry is kept for HQ,
    # not handed to the territory's partner behind the dealer's back.
    inquiry = view(submit(form(SOUTH_TYROL, partner_id=VIENNA)))

    assert (inquiry["status"], inquiry["partner_id"]) == ("unassigned", None)
    assert inquiry["channel"] == "dealer_page"


def test_a_deactivation_racing_an_hq_assign_wins(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: Any
) -> None:
    """HQ read the partner while it was active; it was deactivated before the offer was written."""
    from inquiries.adapters.dynamodb import DynamoRepository  # noqa: PLC0415

    put_partners(SOUTH_TYROL, VIENNA)
    stale = DynamoRepository.get_partner
    queued = submit(form(BERLIN))
    put_partner(VIENNA, active=False)
    before = view(queued)

    def read_before_the_deactivation(self: DynamoRepository, partner_id: str) -> Any:
        found = stale(self, partner_id)
        return replace(found, active=True) if found is not None else None

    monkeypatch.setattr(DynamoRepository, "get_partner", read_before_the_deactivation)
    answer = act(queued, "assign", hq(), {"partner_id": VIENNA})

    assert answer.status == 409, answer.text
    assert view(queued) == before
    assert act(queued, "assign", hq(), {"partner_id": SOUTH_TYROL}).status == 200

"""GET and PATCH /partners/{id} through real API Gateway events, against moto.

HQ reads one partner and changes it in part: the fields given change, the rest stay,
validated as PUT validates them, stored in one conditional write whose version settles
a race with another PUT or PATCH. Deactivation keeps routing and HQ's offers away.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.dynamodb import DynamoRepository

from tests.integration.conftest import TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BERLIN,
    PARTNERS,
    SOUTH_TYROL,
    VIENNA,
    act,
    form,
    put_partner,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)


def _get(partner_id: str, claims: dict[str, Any] | None = None) -> Any:
    return call("GET", f"/partners/{partner_id}", claims=claims or hq())


def _patch(partner_id: str, body: Any, claims: dict[str, Any] | None = None) -> Any:
    return call("PATCH", f"/partners/{partner_id}", body=body, claims=claims or hq())


def _items(aws: dict[str, Any], pk: str) -> list[dict[str, Any]]:
    answer = aws["dynamodb"].query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
    )
    return list(answer["Items"])


def test_get_answers_one_partner_as_put_stored_it(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, VIENNA)

    answer = _get(SOUTH_TYROL)

    assert answer.status == 200, answer.text
    assert answer.body == {"id": SOUTH_TYROL, **PARTNERS[SOUTH_TYROL]}


def test_an_unknown_partner_is_404_for_get_and_patch(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    assert _get("nobody").status == 404
    assert _patch("nobody", {"name": "X"}).status == 404
    # 404 comes before the body's 422, as the contract orders them.
    assert _patch("nobody", {"timezone": "Mars/Base"}).status == 404
    assert _get("nobody").status == 404  # PATCH never creates


def test_only_hq_reads_and_changes_one_partner(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    own = partner(SOUTH_TYROL)

    assert _get(SOUTH_TYROL, own).status == 403
    assert _patch(SOUTH_TYROL, {"name": "Mine now"}, own).status == 403
    assert call("GET", f"/partners/{SOUTH_TYROL}").status == 401
    assert call("PATCH", f"/partners/{SOUTH_TYROL}", body={"name": "X"}).status == 401
    assert _get(SOUTH_TYROL).body["name"] == PARTNERS[SOUTH_TYROL]["name"]


def test_patch_changes_the_fields_given_and_keeps_the_rest(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    answer = _patch(SOUTH_TYROL, {"name": "Fenster Alpin GmbH", "language": "it"})

    assert answer.status == 200, answer.text
    expected = {**PARTNERS[SOUTH_TYROL], "name": "Fenster Alpin GmbH", "language": "it"}
    assert answer.body == {"id": SOUTH_TYROL, **expected}
    assert _get(SOUTH_TYROL).body == answer.body
    # Only the subdivision may be cleared with null.
    cleared = _patch(SOUTH_TYROL, {"subdivision": None})
    assert cleared.status == 200, cleared.text
    assert cleared.body["subdivision"] is None
    assert cleared.body["timezone"] == "Europe/Rome"


def test_patched_territories_move_the_routing_and_their_copies(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    assert view(submit())["partner_id"] == SOUTH_TYROL

    answer = _patch(SOUTH_TYROL, {"territories": [{"country": "AT", "postal_prefixes": ["1"]}]})

    assert answer.status == 200, answer.text
    assert view(submit())["status"] == "unassigned"  # no longer covers Bolzano
    assert view(submit(form(VIENNA)))["partner_id"] == SOUTH_TYROL
    # The country copies routing reads follow in the same write: none left under IT.
    assert _items(aws, "TERRITORY#IT") == []
    assert [i["sk"]["S"] for i in _items(aws, "TERRITORY#AT")] == [f"PARTNER#{SOUTH_TYROL}"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"timezone": "Mars/Base"}, "timezone", "not an IANA time zone"),
        ({"country": "XX"}, "country", "not an ISO 3166-1 alpha-2 country code"),
        ({"subdivision": "ZZ"}, "subdivision", ""),
        ({"working_days": [0, 9]}, "working_days", "distinct ISO weekdays"),
        ({"notify_emails": ["not-an-address"]}, "notify_emails", ""),
        ({"name": None}, "name", "may not be null"),
        ({"products": ["boats"]}, "products", ""),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_patch_is_422_naming_the_field_as_put_does_and_changes_nothing(
    aws: dict[str, Any], clock: FixedClock, body: dict[str, Any], field: str, message: str
) -> None:
    put_partners(SOUTH_TYROL)
    before = _get(SOUTH_TYROL).body

    answer = _patch(SOUTH_TYROL, body)

    assert answer.status == 422, answer.text
    fields = [e["loc"][1] for e in answer.body["errors"]]
    assert field in fields, answer.body
    assert message in answer.text
    assert _get(SOUTH_TYROL).body == before
    if field not in ("name", "colour"):
        # PUT of the same value answers the same message for the same field.
        put = call(
            "PUT",
            f"/partners/{SOUTH_TYROL}",
            body={**PARTNERS[SOUTH_TYROL], **body},
            claims=hq(),
        )
        assert put.status == 422
        assert [e["msg"] for e in put.body["errors"] if e["loc"][1] == field] == [
            e["msg"] for e in answer.body["errors"] if e["loc"][1] == field
        ]


@pytest.mark.parametrize(
    ("body", "field", "sent", "hint"),
    [
        ({"subdivision": "ZZ"}, "subdivision", "ZZ", "known codes: AG, AL, AN"),
        ({"subdivision": "Bayern"}, "subdivision", "Bayern", "known codes: AG, AL, AN"),
        # ZoneInfo finds the host's own zone, the deadline rule refuses it.
        ({"timezone": "localtime"}, "timezone", "localtime", "IANA time zone"),
    ],
)
def test_a_refused_calendar_names_the_field_and_the_known_codes_never_the_value_sent(
    aws: dict[str, Any], clock: FixedClock, body: dict[str, Any], field: str, sent: str, hint: str
) -> None:
    """docs/api.md: a 422 names the fields at fault, never the values sent."""
    put_partners(SOUTH_TYROL)
    before = _get(SOUTH_TYROL).body
    put_body = {**PARTNERS[SOUTH_TYROL], **body}

    for answer in (
        _patch(SOUTH_TYROL, body),
        call("PUT", "/partners/x1", body=put_body, claims=hq()),
    ):
        assert answer.status == 422, answer.text
        assert answer.body["fields"] == [field], answer.body
        assert hint in answer.body["message"], answer.body
        assert [e["msg"] for e in answer.body["errors"]] == [
            answer.body["message"].removeprefix(f"invalid {field}: ")
        ]
        assert sent not in answer.text, answer.text
        assert "'IT'" not in answer.text, answer.text
    assert _get(SOUTH_TYROL).body == before
    assert _get("x1").status == 404


def test_a_country_changed_alone_is_checked_with_the_kept_subdivision(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    # BZ is a province of Italy, not a state of Austria: the merged calendar is checked.
    answer = _patch(SOUTH_TYROL, {"country": "AT"})

    assert answer.status == 422, answer.text
    assert answer.body["errors"][0]["loc"] == ["body", "subdivision"]
    assert _get(SOUTH_TYROL).body["country"] == "IT"
    assert _patch(SOUTH_TYROL, {"country": "AT", "subdivision": "9"}).status == 200


def test_deactivation_by_patch_stops_new_offers_and_keeps_pending_ones(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BERLIN)
    pending = submit()

    answer = _patch(SOUTH_TYROL, {"active": False})

    assert answer.status == 200, answer.text
    assert answer.body["active"] is False
    assert view(submit())["status"] == "unassigned"  # routing passes it by
    queued = submit(form(BERLIN, contact={"postal_code": "99999"}))
    refused = act(queued, "assign", hq(), {"partner_id": SOUTH_TYROL})
    assert refused.status == 409, refused.text
    assert view(pending)["partner_id"] == SOUTH_TYROL  # its pending offer stays
    assert act(pending, "accept", partner(SOUTH_TYROL), {}).status == 200
    assert _patch(SOUTH_TYROL, {"active": True}).status == 200
    assert view(submit())["partner_id"] == SOUTH_TYROL


def test_two_patches_racing_both_land_each_with_its_fields(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another PATCH lands between this one's read and its write: the version condition
    refuses the stale write, and this PATCH is applied again on what is stored then."""
    put_partners(SOUTH_TYROL)
    write = DynamoRepository.replace_partner
    attempts: list[str] = []

    def lose_the_first_race(self: DynamoRepository, partner: Any, old: Any, version: int) -> None:
        attempts.append(partner.name)
        if len(attempts) == 1:  # the other PATCH writes first
            assert _patch(SOUTH_TYROL, {"language": "it"}).status == 200
        write(self, partner, old, version)

    monkeypatch.setattr(DynamoRepository, "replace_partner", lose_the_first_race)
    answer = _patch(SOUTH_TYROL, {"name": "Renamed"})

    assert answer.status == 200, answer.text
    stored = _get(SOUTH_TYROL).body
    assert (stored["name"], stored["language"]) == ("Renamed", "it")
    # This PATCH's first write was refused, its second (on the new version) stored.
    assert attempts.count("Renamed") == 2


def test_a_patch_that_always_loses_its_race_is_409_and_writes_nothing_stale(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_partners(SOUTH_TYROL)
    write = DynamoRepository.replace_partner

    def always_overtaken(self: DynamoRepository, partner: Any, old: Any, version: int) -> None:
        put_partner(SOUTH_TYROL, language="en")  # a PUT lands before every write
        write(self, partner, old, version)

    monkeypatch.setattr(DynamoRepository, "replace_partner", always_overtaken)
    answer = _patch(SOUTH_TYROL, {"name": "Never stored"})

    assert answer.status == 409, answer.text
    assert _get(SOUTH_TYROL).body["name"] == PARTNERS[SOUTH_TYROL]["name"]


def test_a_deactivation_by_patch_racing_an_hq_assign_wins(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HQ's assign read the partner as active; the PATCH landed before the offer was written."""
    put_partners(SOUTH_TYROL, VIENNA)
    queued = submit(form(BERLIN))
    stale = DynamoRepository.get_partner

    def deactivated_after_the_read(self: DynamoRepository, partner_id: str) -> Any:
        found = stale(self, partner_id)
        if partner_id == VIENNA and found is not None and found.active:
            monkeypatch.setattr(DynamoRepository, "get_partner", stale)
            assert _patch(VIENNA, {"active": False}).status == 200
            return replace(found, active=True)
        return found

    monkeypatch.setattr(DynamoRepository, "get_partner", deactivated_after_the_read)
    answer = act(queued, "assign", hq(), {"partner_id": VIENNA})

    assert answer.status == 409, answer.text
    assert view(queued)["status"] == "unassigned"
    assert _get(VIENNA).body["active"] is False

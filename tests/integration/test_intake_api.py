"""POST /inquiries through real API Gateway HTTP API v2 events, against moto.

Covers what the website relies on: 201 only once stored, the status codes of
bad input (and that it changes nothing), idempotency, routing end to end, the
expiry schedule of the first offer, and deadlines on real calendars.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock

from tests.conftest import START
from tests.integration.conftest import EXPIRE_ARN, GROUP, ROLE_ARN, TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    BERLIN,
    SOUTH_TYROL,
    VIENNA,
    ZURICH,
    accept,
    form,
    listing,
    partner_body,
    post_inquiry,
    put_partner,
    put_partners,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    stored_items,
    submit,
    view,
)

JSON_HEADERS = {"Content-Type": "application/json"}

# --- 201: stored, then answered -----------------------------------------------------------------


def test_submit_answers_201_with_an_id_and_the_inquiry_is_readable_at_once(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form())

    assert answer.status == 201
    assert set(answer.body) == {"id", "status"}
    assert answer.body["status"] == "received"
    stored = view(answer.body["id"])
    assert stored["status"] == "pending"
    assert stored["channel"] == "website"
    assert stored["partner_id"] == SOUTH_TYROL
    assert stored["created_at"] == "2026-12-01T08:00:00Z"
    assert stored["contact"]["email"] == "anna.rossi@example.com"
    assert stored["location"] == {"postal_code": "39100", "city": "Bolzano", "country": "IT"}
    assert [e["action"] for e in stored["events"]] == ["received", "offered"]


def test_inquiry_offer_and_events_are_written_in_one_transaction(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    writes: list[tuple[str, int]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name in {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}:
            writes.append((model.name, 1))
        if model.name == "TransactWriteItems":
            writes.append((model.name, len(params["TransactItems"])))

    client = wiring.dependencies().repository._client  # type: ignore[attr-defined]
    client.meta.events.register("before-parameter-build.dynamodb", record)

    inquiry_id = submit()

    # inquiry, offer, its two events (received, offered) in one item, rollup
    assert writes == [("TransactWriteItems", 4)]
    items = stored_items(aws["dynamodb"], TABLE, inquiry_id)
    kinds = sorted(item["type"]["S"] for item in items)
    assert kinds == ["events", "inquiry", "offer"]
    got = aws["dynamodb"].get_item(
        TableName=TABLE, Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}}
    )["Item"]
    assert got["status"]["S"] == "pending"
    assert got["partner_id"]["S"] == SOUTH_TYROL
    offer = next(i for i in items if i["type"]["S"] == "offer")
    assert offer["outcome"]["S"] == "pending"
    assert offer["partner_id"]["S"] == SOUTH_TYROL


def test_a_store_failure_is_never_a_201(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    aws["dynamodb"].delete_table(TableName=TABLE)

    answer = post_inquiry(form())

    assert answer.status == 503
    assert "message" in answer.body


# --- 403: on AWS, only through CloudFront ------------------------------------------------------


def test_with_an_origin_secret_only_requests_that_carry_it_are_stored(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On AWS CloudFront adds the secret; a call to the API's own address lacks it."""
    put_partners(SOUTH_TYROL)
    monkeypatch.setenv("ORIGIN_VERIFY", "s3cr3t-from-cloudfront")
    wiring.reset()  # the settings are read again
    body = json.dumps(form())

    for headers in ({}, {"X-Origin-Verify": "guess"}, {"X-Origin-Verify": ""}):
        answer = call("POST", "/inquiries", raw=body.encode(), headers=headers | JSON_HEADERS)
        assert answer.status == 403, answer.text
        assert "s3cr3t" not in answer.text
    _nothing_stored()

    through = call(
        "POST",
        "/inquiries",
        raw=body.encode(),
        headers={"X-Origin-Verify": "s3cr3t-from-cloudfront"} | JSON_HEADERS,
    )
    assert through.status == 201, through.text
    assert view(through.body["id"])["status"] == "pending"
    # The documents stay public: only submissions are checked.
    assert call("GET", "/openapi.json").status == 200


# --- 400, 413, 422: nothing is stored -----------------------------------------------------------


def _nothing_stored() -> None:
    assert listing(hq()) == []
    assert listing(hq(), status="unassigned") == []


def test_a_body_that_is_not_json_is_400_and_stores_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    not_json = {
        "garbage": b"{not json",
        "not utf-8": b"\xff\xfe{}",
        "truncated": b'{"product": "windows",',
        "a form post": b"product=windows&consent=true",
    }

    for case, raw in not_json.items():
        answer = post_inquiry(raw=raw)
        assert answer.status == 400, f"{case}: {answer.text}"
        assert answer.body["message"]
    # An empty body is read as an empty object: JSON, but not a form.
    assert post_inquiry(raw=b"").status == 422
    _nothing_stored()


def _body_of_size(size: int) -> bytes:
    """A form whose UTF-8 body is exactly `size` bytes (the message pads it)."""
    body = form(message="")
    base = len(json.dumps(body).encode())
    body["message"] = "x" * (size - base)
    encoded = json.dumps(body).encode()
    assert len(encoded) == size
    return encoded


def test_a_body_over_256_kib_is_413_and_at_256_kib_it_is_read(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    over = post_inquiry(raw=_body_of_size(256 * 1024 + 1))
    at_limit = post_inquiry(raw=_body_of_size(256 * 1024))

    assert over.status == 413, over.text
    assert over.body["message"]
    # Read and validated: its message is far over 5,000 characters.
    assert at_limit.status == 422, at_limit.text
    assert "message" in at_limit.body["fields"]
    _nothing_stored()


def _without(path: str) -> dict[str, Any]:
    body = form()
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    del target[last]
    return body


INVALID_FORMS: dict[str, tuple[Any, str]] = {
    "no e-mail": (_without("contact.email"), "contact.email"),
    "no last name": (_without("contact.last_name"), "contact.last_name"),
    "no postal code": (_without("contact.postal_code"), "contact.postal_code"),
    "no country": (_without("contact.country"), "contact.country"),
    "no product": (_without("product"), "product"),
    "no consent": (_without("consent"), "consent"),
    "bad e-mail": (form(contact={"email": "anna.rossi@"}), "contact.email"),
    "bad product": (form(product="garage_doors"), "product"),
    "unknown country": (form(contact={"country": "XX"}), "contact.country"),
    "country by name": (form(contact={"country": "Italy"}), "contact.country"),
    "consent false": (form(consent=False), "consent"),
    "consent as text": (form(consent="true"), "consent"),
    "message of 5001": (form(message="m" * 5001), "message"),
    "unknown dealer": (form(partner_id="no-such-dealer"), "partner_id"),
    "unknown field": ({**form(), "newsletter": True}, "newsletter"),
    # Text: no control character (a message keeps line breaks and tabs), names that show.
    "last name a NUL": (form(contact={"last_name": "\u0000"}), "contact.last_name"),
    "last name of bidi marks": (form(contact={"last_name": "\u200f\u200e"}), "contact.last_name"),
    "last name a zero-width space": (form(contact={"last_name": "\u200b "}), "contact.last_name"),
    "first name a BOM": (form(contact={"first_name": "\ufeff"}), "contact.first_name"),
    "NUL in a city": (form(contact={"city": "Bol\u0000zano"}), "contact.city"),
    "line break in a company": (form(contact={"company": "A\nB"}), "contact.company"),
    "NUL in a street": (form(contact={"street": "Via Roma 1\u0000"}), "contact.street"),
    "NUL in the message": (form(message="Hello\u0000"), "message"),
    "escape in the message": (form(message="\u001b[2J"), "message"),
    "C1 control in the message": (form(message="a\u0085b"), "message"),
}


def test_invalid_forms_are_422_with_the_fields_at_fault_and_store_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    for case, (body, field) in INVALID_FORMS.items():
        answer = post_inquiry(body)
        assert answer.status == 422, f"{case}: {answer.text}"
        assert answer.body["message"], case
        assert answer.body["errors"], case
        assert field in answer.body["fields"], f"{case}: {answer.body['fields']}"
    for case, value in {"array": [form()], "string": "a form", "number": 42, "null": None}.items():
        answer = post_inquiry(raw=json.dumps(value).encode())
        assert answer.status == 422, f"{case}: {answer.text}"
        assert answer.body["errors"], case
    _nothing_stored()


@pytest.mark.parametrize(
    ("email", "sent", "explained"),
    [
        ("anna@a\u0640b.com", "a\u0640b", "The part after the @-sign is invalid."),
        ("anna@[300.1.1.1]", "300.1.1.1", "It is not an IPv4 address."),
        ("anna@[IPv6:zzz]", "zzz", "The IPv6 address in brackets after the @-sign is not valid."),
        ("anna@exa_mple.com", "'_'", "The part after the @-sign contains invalid characters."),
        ("anna@example", "example", "It should have a period."),
    ],
)
def test_a_refused_e_mail_address_is_explained_without_repeating_it(
    aws: dict[str, Any], clock: FixedClock, email: str, sent: str, explained: str
) -> None:
    """docs/api.md: a 422 names the fields at fault, never the values sent."""
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form(contact={"email": email}))

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["contact.email"]
    [error] = answer.body["errors"]
    assert error["msg"].startswith("value is not a valid email address: "), error
    assert error["msg"].endswith(explained), error
    assert sent not in json.dumps(answer.body, ensure_ascii=False), answer.body
    _nothing_stored()


@pytest.mark.parametrize("dots", [".", "..", "..."])
def test_a_partner_id_of_dots_only_is_no_id(
    aws: dict[str, Any], clock: FixedClock, dots: str
) -> None:
    """No partner can be named so (no URL can name it): refused as an id, not looked up."""
    put_partners(SOUTH_TYROL)

    answer = post_inquiry(form(partner_id=dots))

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["partner_id"]
    assert [e["type"] for e in answer.body["errors"]] == ["string_pattern_mismatch"]
    _nothing_stored()


def test_a_number_too_long_to_read_is_400_saying_so(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    body = json.dumps(form()).removesuffix("}")

    answer = post_inquiry(raw=f'{body}, "form_fill_ms": {"1" * 5000}}}'.encode())

    assert answer.status == 400, answer.text
    assert answer.body == {"message": "a number in the body is too long (over 4,300 digits)"}
    # At the limit the number is read, and judged by the form's rules.
    answer = post_inquiry(raw=f'{body}, "form_fill_ms": {"1" * 4300}}}'.encode())
    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["form_fill_ms"]
    _nothing_stored()


def test_the_limits_themselves_are_accepted(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    lines = "Two windows:\r\n\t- kitchen\n\t- bath"
    two_lines = view(submit(form(message=lines, contact={"street": "Via Roma 1\nScala B"})))
    assert (two_lines["message"], two_lines["contact"]["street"]) == (lines, "Via Roma 1\nScala B")
    minimal = {
        "product": "other",
        "contact": {
            "last_name": "Rossi",
            "email": "r@example.com",
            "postal_code": "39100",
            "country": "it",
        },
        "consent": True,
    }

    assert post_inquiry(form(message="m" * 5000)).status == 201
    minimal_id = submit(minimal)
    assert view(minimal_id)["location"]["country"] == "IT"


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_the_same_key_and_body_answer_the_first_inquiry_and_create_nothing(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    body = form()

    first = post_inquiry(body, key="form-7f3a")
    clock.advance(minutes=5)
    # The same JSON, keys in another order and other whitespace.
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()
    again = post_inquiry(raw=reordered, key="form-7f3a")

    assert first.status == 201
    assert again.status == 201
    assert again.body == first.body
    assert [i["id"] for i in listing(hq())] == [first.body["id"]]
    assert len(schedules(aws["scheduler"], GROUP)) == 1
    events = view(first.body["id"])["events"]
    assert [e["action"] for e in events] == ["received", "offered"]


def test_the_same_key_with_another_body_is_409(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    first = post_inquiry(form(), key="form-7f3a")

    other = post_inquiry(form(message="Another text"), key="form-7f3a")

    assert other.status == 409, other.text
    assert other.body["message"]
    assert [i["id"] for i in listing(hq())] == [first.body["id"]]


def test_a_key_is_remembered_for_72_hours_of_the_service_clock(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    body = form()
    first = submit(body, key="k-1")

    clock.advance(hours=71, minutes=59)
    assert submit(body, key="k-1") == first
    clock.advance(minutes=2)
    later = submit(body, key="k-1")

    assert later != first
    assert {i["id"] for i in listing(hq())} == {first, later}


def test_other_keys_or_no_key_make_new_inquiries(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    body = form()

    ids = {submit(body, key="a"), submit(body, key="b"), submit(body), submit(body)}

    assert len(ids) == 4


def test_an_invalid_body_with_a_used_key_is_422_not_409(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    submit(form(), key="k-2")

    assert post_inquiry(form(consent=False), key="k-2").status == 422
    assert post_inquiry(raw=b"nope", key="k-2").status == 400


# --- routing end to end -------------------------------------------------------------------------


def test_a_dealer_page_inquiry_goes_to_that_dealer(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL, ZURICH)

    from_page = view(submit(form(SOUTH_TYROL, partner_id=ZURICH)))
    from_site = view(submit(form(SOUTH_TYROL)))

    assert (from_page["channel"], from_page["partner_id"]) == ("dealer_page", ZURICH)
    assert from_page["status"] == "pending"
    assert (from_site["channel"], from_site["partner_id"]) == ("website", SOUTH_TYROL)


def test_only_partners_that_handle_the_product_are_candidates(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partner("bz-windows", partner_body(SOUTH_TYROL, products=["windows"]))
    put_partner("bz-doors", partner_body(SOUTH_TYROL, products=["entrance_doors", "shading"]))

    assert view(submit(product="windows"))["partner_id"] == "bz-windows"
    assert view(submit(product="entrance_doors"))["partner_id"] == "bz-doors"
    sunroom = view(submit(product="sunrooms"))
    assert (sunroom["status"], sunroom["partner_id"]) == ("unassigned", None)

    put_partner("bz-all", partner_body(SOUTH_TYROL, products=[]))
    assert view(submit(product="sunrooms"))["partner_id"] == "bz-all"


def test_the_longest_matching_prefix_wins(aws: dict[str, Any], clock: FixedClock) -> None:
    def territory(*prefixes: str) -> dict[str, Any]:
        return partner_body(
            SOUTH_TYROL, territories=[{"country": "IT", "postal_prefixes": list(prefixes)}]
        )

    put_partner("z-bolzano", territory("391"))
    put_partner("m-south-tyrol", territory("39"))
    put_partner("a-italy", territory(""))

    def routed(postal_code: str) -> str:
        return str(view(submit(form(contact={"postal_code": postal_code})))["partner_id"])

    assert routed("39100") == "z-bolzano"
    assert routed("39040") == "m-south-tyrol"
    assert routed("00184") == "a-italy"


def test_equal_prefixes_go_to_the_partner_with_fewest_pending_then_smallest_id(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partner("tie-b", partner_body(SOUTH_TYROL))
    put_partner("tie-a", partner_body(SOUTH_TYROL))

    first = submit()
    routed = [view(first)["partner_id"]]
    routed += [view(submit())["partner_id"] for _ in range(3)]
    assert routed == ["tie-a", "tie-b", "tie-a", "tie-b"]

    # Accepted inquiries are no longer pending: tie-a has 1 pending, tie-b 2.
    accept(first, "tie-a")
    assert view(submit())["partner_id"] == "tie-a"


@pytest.mark.parametrize(
    ("region", "postal_code", "expected"),
    [
        (SOUTH_TYROL, "I-39100", SOUTH_TYROL),
        (SOUTH_TYROL, "39 100", SOUTH_TYROL),
        (VIENNA, "A-1020", VIENNA),
        (ZURICH, "CH-8001", ZURICH),
    ],
)
def test_postal_codes_are_compared_without_spaces_or_country_prefix(
    aws: dict[str, Any], clock: FixedClock, region: str, postal_code: str, expected: str
) -> None:
    put_partners(SOUTH_TYROL, VIENNA, ZURICH)

    inquiry = view(submit(form(region, contact={"postal_code": postal_code})))

    assert inquiry["partner_id"] == expected


def test_without_a_candidate_the_inquiry_waits_in_the_hq_queue(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)

    inquiry_id = submit(form(BERLIN))  # nobody covers DE 10119

    queued = view(inquiry_id)
    assert queued["status"] == "unassigned"
    assert (queued["partner_id"], queued["deadline"]) == (None, None)
    assert [i["id"] for i in listing(hq(), status="unassigned")] == [inquiry_id]
    assert listing(hq(), status="pending") == []
    assert listing(partner(SOUTH_TYROL)) == listing(partner(BAVARIA)) == []
    assert schedules(aws["scheduler"], GROUP) == []
    assert call("GET", f"/inquiries/{inquiry_id}", claims=partner(BAVARIA)).status == 404


# --- the expiry schedule of an offer ------------------------------------------------------------


def test_an_offer_creates_exactly_one_one_time_schedule_at_the_deadline(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    clock.set(START + timedelta(milliseconds=250))

    inquiry_id = submit()

    # The deadline is rounded up to the whole second (08:00:00.250 -> 08:00:01), so the
    # one-time schedule (seconds only) names it exactly and never fires before it.
    assert view(inquiry_id)["deadline"] == "2026-12-03T08:00:01Z"
    [schedule] = schedules(aws["scheduler"], GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-12-03T08:00:01)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["GroupName"] == GROUP
    assert schedule["Target"]["Arn"] == EXPIRE_ARN
    assert schedule["Target"]["RoleArn"] == ROLE_ARN
    assert schedule_input(schedule) == {
        "inquiry_id": inquiry_id,
        "offer": 1,
        "partner_id": SOUTH_TYROL,
    }


def test_a_deadline_on_a_whole_second_is_not_rounded(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(BAVARIA)

    submit(form(BAVARIA))

    [schedule] = schedules(aws["scheduler"], GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-12-03T08:00:00)"


def test_the_schedule_is_deleted_when_the_offer_is_decided(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    accepted, rejected, kept = submit(), submit(), submit()
    assert len(schedules(aws["scheduler"], GROUP)) == 3

    accept(accepted, SOUTH_TYROL)
    answer = call(
        "POST",
        f"/inquiries/{rejected}/reject",
        body={"reason": "no_capacity"},
        claims=partner(SOUTH_TYROL),
    )
    assert answer.status == 200

    [left] = schedules(aws["scheduler"], GROUP)
    assert schedule_input(left)["inquiry_id"] == kept


def test_a_missing_schedule_group_does_not_fail_intake(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    aws["scheduler"].delete_schedule_group(Name=GROUP)

    inquiry_id = submit()

    assert view(inquiry_id)["status"] == "pending"


def test_a_scheduler_error_does_not_fail_intake(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_partners(SOUTH_TYROL)

    def refuse(offer: Any) -> None:
        raise RuntimeError("scheduler down")

    monkeypatch.setattr(wiring.dependencies().scheduler, "schedule_expiry", refuse)

    answer = post_inquiry(form())

    assert answer.status == 201
    assert view(answer.body["id"])["status"] == "pending"
    assert schedules(aws["scheduler"], GROUP) == []


# --- deadlines on real calendars ----------------------------------------------------------------


def _deadline_of(region: str, at: datetime, clock: FixedClock) -> str:
    clock.set(at)
    inquiry = view(submit(form(region)))
    assert inquiry["partner_id"] == region
    return str(inquiry["deadline"])


def test_friday_afternoon_in_bolzano_is_due_tuesday_same_local_time(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    # Friday 27 Nov 2026, 15:00 in Bolzano.
    deadline = _deadline_of(SOUTH_TYROL, datetime(2026, 11, 27, 14, 0, tzinfo=UTC), clock)

    assert deadline == "2026-12-01T14:00:00Z"  # Tuesday, 15:00 in Bolzano
    [schedule] = schedules(aws["scheduler"], GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-12-01T14:00:00)"


def test_the_deadline_keeps_the_local_clock_time_over_the_spring_change(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)

    # Friday 27 Mar 2026, 15:00 CET; summer time starts on Sunday 29 March.
    deadline = _deadline_of(SOUTH_TYROL, datetime(2026, 3, 27, 14, 0, tzinfo=UTC), clock)

    assert deadline == "2026-03-31T13:00:00Z"  # Tuesday, 15:00 CEST


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (SOUTH_TYROL, "2026-12-10T09:00:00Z"),  # 8 Dec, Immaculate Conception (IT)
        (VIENNA, "2026-12-10T09:00:00Z"),  # 8 Dec, Mariä Empfängnis (AT)
        (BAVARIA, "2026-12-09T09:00:00Z"),  # a working day in Bavaria
        (ZURICH, "2026-12-09T09:00:00Z"),  # and in Zurich
    ],
)
def test_8_december_counts_only_where_it_is_a_holiday(
    aws: dict[str, Any], clock: FixedClock, region: str, expected: str
) -> None:
    put_partners(region)

    # Monday 7 Dec 2026, 10:00 local in every one of these zones.
    assert _deadline_of(region, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), clock) == expected


@pytest.mark.parametrize("region", [SOUTH_TYROL, BAVARIA, VIENNA, ZURICH])
def test_christmas_and_st_stephens_day_do_not_count(
    aws: dict[str, Any], clock: FixedClock, region: str
) -> None:
    put_partners(region)

    # Tuesday 23 Dec 2025, 15:00 local: 9 h on Tuesday, 24 h on Christmas Eve (a working
    # day), 25 and 26 Dec are holidays, then the weekend: 15 h on Monday 29 Dec.
    deadline = _deadline_of(region, datetime(2025, 12, 23, 14, 0, tzinfo=UTC), clock)

    assert deadline == "2025-12-29T14:00:00Z"


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (BAVARIA, "2027-01-08T09:00:00Z"),  # Epiphany is a holiday in Bavaria
        (BERLIN, "2027-01-07T09:00:00Z"),  # but not in Berlin
    ],
)
def test_bavaria_and_berlin_differ_on_6_january(
    aws: dict[str, Any], clock: FixedClock, region: str, expected: str
) -> None:
    put_partners(region)

    # Tuesday 5 Jan 2027, 10:00 in Germany.
    assert _deadline_of(region, datetime(2027, 1, 5, 9, 0, tzinfo=UTC), clock) == expected


def test_the_deadline_follows_the_partners_calendar_not_the_prospects(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))

    # A Bolzano prospect on the Bavarian dealer's page: Bavaria's calendar counts.
    inquiry = view(submit(form(SOUTH_TYROL, partner_id=BAVARIA)))

    assert inquiry["deadline"] == "2026-12-09T09:00:00Z"


# --- the API describes itself -------------------------------------------------------------------


def test_the_openapi_document_and_swagger_ui_are_public(aws: dict[str, Any]) -> None:
    pytest.importorskip("inquiries.api.openapi", reason="the OpenAPI module is not there yet")

    document = call("GET", "/openapi.json")
    docs = call("GET", "/docs")

    assert document.status == 200
    assert "/inquiries" in document.body["paths"]
    assert docs.status == 200
    assert "text/html" in docs.headers["Content-Type"]

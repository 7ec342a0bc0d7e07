"""The decide function through real API Gateway HTTP API v2 events, against moto.

Who may do what (401, 403, 404 and their order), the lists, the detail view,
and every action on an inquiry: accept (with the duplicate check and linking a
contact), reject, assign, discard and progress.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock

from tests.conftest import START
from tests.integration.conftest import GROUP, TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    BAVARIA,
    BERLIN,
    CONTACTS,
    SOUTH_TYROL,
    VIENNA,
    accept,
    act,
    assign,
    form,
    listing,
    offers_of,
    put_partners,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

ST = partner(SOUTH_TYROL)
BY = partner(BAVARIA)


def _status(inquiry_id: str) -> str:
    return str(view(inquiry_id)["status"])


def _actions(inquiry: dict[str, Any]) -> list[str]:
    return [e["action"] for e in inquiry["events"]]


def _reject(inquiry_id: str, claims: dict[str, Any] = ST, **body: Any) -> Any:
    return act(inquiry_id, "reject", claims, body or {"reason": "no_capacity"})


@pytest.fixture
def pending(aws: dict[str, Any], clock: FixedClock) -> str:
    """A website inquiry from Bolzano, offered to South Tyrol; Bavaria exists too."""
    put_partners(SOUTH_TYROL, BAVARIA)
    return submit()


@pytest.fixture
def accepted(pending: str) -> str:
    accept(pending, SOUTH_TYROL)
    return pending


# --- 401, 403, 404 ------------------------------------------------------------------------------
# Each test walks a whole table of cases on one setup: the store is moto, and a fresh one per
# case would cost more than the cases themselves.

INQUIRY_ROUTES = [
    ("GET", ""),
    ("POST", "/accept"),
    ("POST", "/reject"),
    ("POST", "/contact"),
    ("POST", "/assign"),
    ("POST", "/discard"),
    ("POST", "/progress"),
]
BAD_TOKENS: dict[str, dict[str, Any] | None] = {
    "no claims": None,
    "empty claims": {},
    "no sub": {"custom:role": "hq"},
    "empty sub": {"sub": "", "custom:role": "hq"},
    "partner without organisation": {"sub": "u-1", "custom:role": "partner"},
}


def test_without_a_valid_token_every_route_is_401_and_changes_nothing(pending: str) -> None:
    routes = [(m, f"/inquiries/{pending}{s}") for m, s in INQUIRY_ROUTES]
    routes += [("GET", "/inquiries"), ("GET", "/partners"), ("PUT", "/partners/x")]

    for token, claims in BAD_TOKENS.items():
        for method, path in routes:
            answer = call(method, path, body={"reason": "spam"}, claims=claims)
            assert answer.status == 401, f"{token}: {method} {path}: {answer.text}"
            assert answer.body["message"]
            assert answer.headers.get("WWW-Authenticate") == "Bearer"
    assert _status(pending) == "pending"
    assert [p["id"] for p in call("GET", "/partners", claims=hq()).body["items"]] == [
        SOUTH_TYROL,
        BAVARIA,
    ]


ADMIN = {"sub": "u", "custom:role": "admin"}
WRONG_ROLE = [
    ("partner discards", ST, "POST", "/inquiries/{id}/discard", {}),
    ("partner puts a partner", ST, "PUT", "/partners/alpin-bz", {"name": "Mine now"}),
    ("partner lists partners", ST, "GET", "/partners", None),
    ("hq accepts", hq(), "POST", "/inquiries/{id}/accept", {}),
    ("hq rejects", hq(), "POST", "/inquiries/{id}/reject", {"reason": "spam"}),
    ("hq records progress", hq(), "POST", "/inquiries/{id}/progress", {"step": "contacted"}),
    ("hq links a contact", hq(), "POST", "/inquiries/{id}/contact", {"new": True}),
    ("an unknown role reads", ADMIN, "GET", "/inquiries/{id}", None),
    ("an unknown role lists", ADMIN, "GET", "/inquiries", None),
    ("an unknown role assigns", ADMIN, "POST", "/inquiries/{id}/assign", {"user_id": "me"}),
]


def test_the_wrong_role_for_the_route_is_403_and_changes_nothing(pending: str) -> None:
    for case, claims, method, path, body in WRONG_ROLE:
        answer = call(method, path.format(id=pending), body=body, claims=claims)
        assert answer.status == 403, f"{case}: {answer.text}"
        assert answer.body["message"]

    inquiry = view(pending)
    assert (inquiry["status"], inquiry["partner_id"]) == ("pending", SOUTH_TYROL)
    assert _actions(inquiry) == ["received", "offered"]
    assert call("GET", "/partners", claims=hq()).body["items"][0]["name"] == "Fenster Alpin"


def test_another_partners_inquiry_is_404_never_403(pending: str) -> None:
    attempts = [
        ("GET", "", None),
        ("POST", "/accept", {}),
        ("POST", "/reject", {"reason": "spam"}),
        ("POST", "/contact", {"new": True}),
        ("POST", "/assign", {"user_id": "colleague"}),
        ("POST", "/progress", {"step": "contacted"}),
    ]
    for method, suffix, body in attempts:
        answer = call(method, f"/inquiries/{pending}{suffix}", body=body, claims=BY)
        assert answer.status == 404, f"{method} {suffix}: {answer.text}"
        assert answer.body == {"message": "inquiry not found"}

    assert _actions(view(pending)) == ["received", "offered"]
    assert listing(BY) == []


def test_an_unknown_inquiry_is_404_for_everyone(pending: str) -> None:
    for claims in (hq(), ST):
        assert call("GET", "/inquiries/no-such-id", claims=claims).status == 404
        assert call("GET", "/inquiries/bad%20id!", claims=claims).status == 404
    assert act("no-such-id", "discard", hq(), {}).status == 404
    assert act("no-such-id", "assign", hq(), {"user_id": "hq-anna"}).status == 404
    assert act("no-such-id", "accept", ST, {}).status == 404


# (case, claims, action, which inquiry, raw body, expected status)
PRECEDENCE: list[tuple[str, dict[str, Any] | None, str, str, bytes, int]] = [
    ("no token, before the role", None, "discard", "pending", b"not json", 401),
    ("no token, before not found", None, "accept", "unknown", b"not json", 401),
    ("role, before not found", ST, "discard", "unknown", b"not json", 403),
    ("role, before the size", hq(), "accept", "unknown", b"x" * 300_000, 403),
    ("not found, before the body", BY, "reject", "pending", b"not json", 404),
    ("not found, before the size", BY, "accept", "pending", b"x" * 300_000, 404),
    ("not found, for a partner that rejected", ST, "accept", "rejected", b"{", 404),
    ("size, before json", ST, "reject", "pending", b"{" * 300_000, 413),
    ("json, before validation", ST, "reject", "pending", b"reason=spam", 400),
    ("validation, before the state", ST, "reject", "accepted", b'{"reason": "maybe"}', 422),
    ("validation, before the state (accept)", ST, "accept", "accepted", b'{"x": 1}', 422),
    ("the state, last", ST, "reject", "accepted", b'{"reason": "spam"}', 409),
    ("hq: size, before json", hq(), "discard", "pending", b"[" * 300_000, 413),
    ("hq: json, before the state", hq(), "discard", "pending", b"{oops", 400),
    ("hq: validation, before the state", hq(), "discard", "pending", b'{"note": 5}', 422),
    ("hq: the state, last", hq(), "discard", "pending", b'{"note": "dup"}', 409),
]


def test_when_several_errors_apply_the_first_in_order_answers(pending: str) -> None:
    taken, refused = submit(), submit()
    accept(taken, SOUTH_TYROL)
    assert _reject(refused).status == 200
    ids = {"pending": pending, "accepted": taken, "rejected": refused, "unknown": "unknown-id"}

    for case, claims, action, which, raw, expected in PRECEDENCE:
        answer = call("POST", f"/inquiries/{ids[which]}/{action}", raw=raw, claims=claims)
        assert answer.status == expected, f"{case}: {answer.status} {answer.text[:200]}"
        assert answer.body["message"]

    assert [_status(ids[n]) for n in ("pending", "accepted", "rejected")] == [
        "pending",
        "accepted",
        "returned",
    ]


def test_partners_routes_check_the_role_before_the_body(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    assert call("PUT", "/partners/p-1", raw=b"{nope", claims=ST).status == 403
    assert call("PUT", "/partners/p-1", raw=b"{" * 300_000, claims=hq()).status == 413
    assert call("PUT", "/partners/p-1", raw=b"{nope", claims=hq()).status == 400
    assert call("PUT", "/partners/p-1", body={"name": "x"}, claims=hq()).status == 422
    assert call("GET", "/partners", claims=hq()).body["items"] == []


# --- lists --------------------------------------------------------------------------------------


@pytest.fixture
def inbox(aws: dict[str, Any], clock: FixedClock) -> dict[str, str]:
    """South Tyrol's inquiries in every state, made one hour apart, and one of Bavaria.

    `late` was made first but offered last (by HQ), so its deadline is the latest.
    """
    put_partners(SOUTH_TYROL, BAVARIA)
    made: dict[str, str] = {}
    made["late"] = submit(form(BERLIN))  # nobody covers Berlin: the HQ queue
    for name in ("first", "second", "taken", "won", "refused"):
        clock.advance(hours=1)
        made[name] = submit()
    clock.advance(hours=1)
    made["bavarian"] = submit(form(BAVARIA))
    accept(made["taken"], SOUTH_TYROL)
    accept(made["won"], SOUTH_TYROL)
    assert act(made["won"], "progress", ST, {"step": "won"}).status == 200
    assert _reject(made["refused"]).status == 200
    clock.advance(hours=1)
    assign(made["late"], partner_id=SOUTH_TYROL)
    return made


def test_a_partner_lists_pending_by_deadline_then_the_rest_newest_first(
    inbox: dict[str, str],
) -> None:
    items = listing(ST)

    assert [i["id"] for i in items] == [
        inbox["first"],
        inbox["second"],
        inbox["late"],
        inbox["won"],
        inbox["taken"],
    ]
    assert [i["status"] for i in items] == ["pending"] * 3 + ["closed", "accepted"]
    deadlines = [i["deadline"] for i in items[:3]]
    assert deadlines == sorted(deadlines)
    assert all(i["deadline"] is None for i in items[3:])
    # Anonymised while pending, in full once taken.
    for item in items[:3]:
        assert (item["anonymized"], item["contact"]) == (True, None)
        assert "Rossi" not in json.dumps(item)
    for item in items[3:]:
        assert item["anonymized"] is False
        assert item["contact"]["last_name"] == "Rossi"
    assert [i["id"] for i in listing(BY)] == [inbox["bavarian"]]


def test_a_partner_filters_its_list_by_status(inbox: dict[str, str]) -> None:
    expected = {
        "pending": ["first", "second", "late"],
        "accepted": ["taken"],
        "closed": ["won"],
        "returned": [],
        "unassigned": [],
        "discarded": [],
    }
    for status, names in expected.items():
        got = [i["id"] for i in listing(ST, status=status, limit=2)]
        assert got == [inbox[n] for n in names], status


def test_pages_of_a_partners_list_add_up_to_the_whole_list(inbox: dict[str, str]) -> None:
    whole = [i["id"] for i in listing(ST)]

    for limit in (1, 2, 4):
        assert [i["id"] for i in listing(ST, limit=limit)] == whole, limit
        first = call("GET", "/inquiries", claims=ST, query={"limit": limit})
        assert len(first.body["items"]) == limit
        assert first.body["next"]
    exact = call("GET", "/inquiries", claims=ST, query={"limit": 5})
    assert len(exact.body["items"]) == 5
    assert exact.body["next"] is None


def test_hq_lists_everything_newest_first_and_filters_by_status(inbox: dict[str, str]) -> None:
    everything = listing(hq())
    by_status = {
        status: [i["id"] for i in listing(hq(), status=status, limit=2)]
        for status in ("pending", "accepted", "closed", "returned", "unassigned")
    }

    created_order = ["late", "first", "second", "taken", "won", "refused", "bavarian"]
    assert [i["id"] for i in everything] == [inbox[n] for n in reversed(created_order)]
    assert all(i["anonymized"] is False for i in everything)
    assert [i["id"] for i in listing(hq(), limit=3)] == [i["id"] for i in everything]
    assert by_status == {
        "pending": [inbox[n] for n in ("bavarian", "second", "first", "late")],
        "accepted": [inbox["taken"]],
        "closed": [inbox["won"]],
        "returned": [inbox["refused"]],
        "unassigned": [],
    }


def test_invalid_list_queries_and_foreign_cursors_are_422(inbox: dict[str, str]) -> None:
    hq_cursor = call("GET", "/inquiries", claims=hq(), query={"limit": 1}).body["next"]
    st_cursor = call("GET", "/inquiries", claims=ST, query={"limit": 1}).body["next"]
    assert hq_cursor and st_cursor
    invalid: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (ST, {"cursor": "garbage"}),
        (hq(), {"cursor": "garbage"}),
        (ST, {"cursor": "eyJub3QiOiAiYSBjdXJzb3IifQ=="}),
        (hq(), {"cursor": "W10="}),
        (BY, {"cursor": st_cursor}),  # another partner's place in a list
        (ST, {"cursor": hq_cursor}),
        (hq(), {"cursor": st_cursor}),
        (hq(), {"cursor": hq_cursor, "status": "pending"}),
        (ST, {"limit": 0}),
        (hq(), {"limit": 101}),
        (ST, {"limit": "ten"}),
        (hq(), {"status": "lost"}),
    ]

    for claims, query in invalid:
        answer = call("GET", "/inquiries", claims=claims, query=query)
        assert answer.status == 422, f"{claims['custom:role']} {query}: {answer.text}"
        assert set(answer.body["fields"]) & set(query), query


# --- the detail view ----------------------------------------------------------------------------


def test_the_detail_has_events_and_is_anonymised_for_a_pending_partner(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    message = "Please call +39 0471 123456 or write to anna.rossi@example.com, Anna Rossi"
    inquiry_id = submit(form(message=message))

    as_partner = view(inquiry_id, ST)
    as_hq = view(inquiry_id)

    assert as_partner["anonymized"] is True
    assert as_partner["contact"] is None
    assert as_partner["deadline"] == "2026-12-03T08:00:00Z"
    for secret in ("0471", "anna.rossi", "Rossi", "Anna"):
        assert secret not in as_partner["message"]
    assert "[redacted]" in as_partner["message"]
    assert as_partner["location"] == {"postal_code": "39100", "city": "Bolzano", "country": "IT"}
    assert _actions(as_partner) == ["received", "offered"]
    assert as_hq["message"] == message
    assert as_hq["contact"]["phone"] == "+39 0471 123456"
    received, offered = as_hq["events"]
    assert received == {
        "at": "2026-12-01T08:00:00Z",
        "actor": "website",
        "action": "received",
        "product": "windows",
    }
    assert offered["actor"] == "system"
    assert offered["partner_id"] == SOUTH_TYROL
    assert offered["deadline"] == "2026-12-03T08:00:00Z"


# --- accept -------------------------------------------------------------------------------------


def test_accept_gives_the_full_contact_and_files_a_new_contact_at_once(pending: str) -> None:
    answer = act(pending, "accept", ST)

    assert answer.status == 200
    assert answer.body["duplicates"] == []
    inquiry = answer.body["inquiry"]
    assert inquiry["status"] == "accepted"
    assert inquiry["anonymized"] is False
    assert inquiry["contact"]["email"] == "anna.rossi@example.com"
    assert inquiry["contact"]["street"] == "Via Roma 1"
    assert inquiry["contact_id"]
    assert inquiry["deadline"] is None
    assert inquiry["user_id"] == ST["sub"]
    assert _actions(inquiry)[-3:] == ["accepted", "controllership_transferred", "contact_created"]
    assert view(pending, ST)["contact"]["phone"] == "+39 0471 123456"


def test_accepting_twice_is_409(accepted: str) -> None:
    again = act(accepted, "accept", ST)

    assert again.status == 409
    assert _actions(view(accepted)).count("accepted") == 1


def _prospect(**contact: Any) -> dict[str, Any]:
    """Someone else in Bolzano, with the given fields taken from Anna Rossi."""
    base = {
        "first_name": "Marco",
        "last_name": "Bianchi",
        "email": "marco.bianchi@example.net",
        "phone": "+39 0471 999888",
        "street": "Via Museo 9",
        "postal_code": "39012",
        "city": "Merano",
    }
    return form(contact={**base, **contact})


def test_accept_finds_duplicates_among_the_partners_own_contacts(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]

    cases = {
        "email": _prospect(email="ANNA.Rossi@Example.com"),
        "phone": _prospect(phone="0471 123456"),  # the same number, read in Italy
        "name_postal_code": _prospect(last_name="ROSSI", postal_code="39100"),
        "all": _prospect(
            email="anna.rossi@example.com",
            phone="0471/123456",
            last_name="rossi",
            postal_code="39 100",
        ),
        "none": _prospect(last_name="Rossi"),  # the name alone, elsewhere, is not enough
    }
    answers = {name: accept(submit(body), SOUTH_TYROL) for name, body in cases.items()}
    # What matched; the candidates' contacts are checked in the test after this one.
    found = {
        name: {
            **answer,
            "duplicates": [
                {k: v for k, v in d.items() if k != "contact"} for d in answer["duplicates"]
            ],
        }
        for name, answer in answers.items()
    }

    assert found["email"]["duplicates"] == [{"contact_id": contact_id, "matched_on": ["email"]}]
    assert found["phone"]["duplicates"] == [{"contact_id": contact_id, "matched_on": ["phone"]}]
    assert found["name_postal_code"]["duplicates"] == [
        {"contact_id": contact_id, "matched_on": ["name_postal_code"]}
    ]
    assert found["all"]["duplicates"] == [
        {"contact_id": contact_id, "matched_on": ["email", "phone", "name_postal_code"]}
    ]
    assert found["none"]["duplicates"] == []
    # With candidates the partner decides; the inquiry is not linked yet, but it has the contact.
    for name in ("email", "phone", "name_postal_code", "all"):
        assert found[name]["inquiry"]["contact_id"] is None
        assert found[name]["inquiry"]["contact"] is not None
    assert found["none"]["inquiry"]["contact_id"] not in (None, contact_id)


def test_each_candidate_carries_its_contact_to_compare_with_the_inquirys(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]
    # Anna again, moved house: the address book still has the old street.
    moved = form(contact={"street": "Via Museo 9", "email": "Anna.Rossi@example.com"})

    answer = accept(submit(moved), SOUTH_TYROL)

    assert answer["duplicates"] == [
        {
            "contact_id": contact_id,
            "matched_on": ["email", "phone", "name_postal_code"],
            "contact": {"contact_id": contact_id, **CONTACTS[SOUTH_TYROL], "source": "inquiry"},
        }
    ]
    assert answer["inquiry"]["contact"]["street"] == "Via Museo 9"


def test_the_deadline_time_zone_is_the_offered_partners_while_pending(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    inquiry_id = submit()
    assert view(inquiry_id, ST)["timezone"] == "Europe/Rome"
    assert view(inquiry_id)["timezone"] == "Europe/Rome"
    [listed] = listing(ST)
    assert listed["timezone"] == "Europe/Rome"

    assert assign(inquiry_id, partner_id=BAVARIA)["timezone"] == "Europe/Berlin"
    assert view(inquiry_id, BY)["timezone"] == "Europe/Berlin"

    assert accept(inquiry_id, BAVARIA)["inquiry"]["timezone"] is None
    assert view(inquiry_id)["timezone"] is None
    assert view(inquiry_id, BY)["timezone"] is None


def test_a_duplicate_is_linked_or_a_new_contact_is_made_once(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]
    same_email = submit(_prospect(email="anna.rossi@example.com"))
    same_phone = submit(_prospect(phone="+390471123456"))
    assert accept(same_email, SOUTH_TYROL)["duplicates"]
    assert accept(same_phone, SOUTH_TYROL)["duplicates"]

    linked = act(same_email, "contact", ST, {"contact_id": contact_id})
    relinked = act(same_email, "contact", ST, {"contact_id": contact_id})
    created = act(same_phone, "contact", ST, {"new": True})
    recreated = act(same_phone, "contact", ST, {"new": True})

    assert linked.status == 200
    assert linked.body["contact_id"] == contact_id
    assert _actions(linked.body)[-1] == "contact_linked"
    assert relinked.status == 409
    assert created.status == 200
    assert created.body["contact_id"] not in (None, contact_id)
    assert _actions(created.body)[-1] == "contact_created"
    assert recreated.status == 409
    assert view(same_email)["contact_id"] == contact_id
    # The new contact is itself a candidate for the next inquiry with that phone.
    later = accept(submit(_prospect(phone="0471 123456", email="x@example.org")), SOUTH_TYROL)
    assert {d["contact_id"] for d in later["duplicates"]} == {
        contact_id,
        created.body["contact_id"],
    }


def test_the_duplicate_check_is_in_the_view_until_a_contact_is_linked(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    """After a reload the acceptance's answer is gone: the partner's view brings it back."""
    put_partners(SOUTH_TYROL)
    contact_id = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]
    same_email = submit(_prospect(email="anna.rossi@example.com"))
    accepted = accept(same_email, SOUTH_TYROL)

    again = view(same_email, ST)

    assert again["duplicates"] == accepted["duplicates"]
    assert again["duplicates"][0]["contact"]["contact_id"] == contact_id
    assert "duplicates" not in view(same_email)  # HQ links nothing
    act(same_email, "contact", ST, {"contact_id": contact_id})
    assert "duplicates" not in view(same_email, ST)


def test_linking_needs_exactly_one_known_contact_or_new(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    accept(submit(), SOUTH_TYROL)
    second = submit(_prospect(email="anna.rossi@example.com"))
    accept(second, SOUTH_TYROL)
    wrong: list[dict[str, Any]] = [
        {},
        {"contact_id": "nobody"},
        {"new": False},
        {"contact_id": "x", "new": True},
        {"new": "yes"},
    ]

    for body in wrong:
        answer = act(second, "contact", ST, body)
        assert answer.status == 422, f"{body}: {answer.text}"
    assert view(second)["contact_id"] is None


def test_duplicates_are_only_ever_the_partners_own_contacts(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, BAVARIA)
    south_tyrol_contact = accept(submit(), SOUTH_TYROL)["inquiry"]["contact_id"]

    # The same prospect on the Bavarian dealer's page.
    on_page = submit(form(partner_id=BAVARIA))
    taken = accept(on_page, BAVARIA)

    assert taken["duplicates"] == []
    assert taken["inquiry"]["contact_id"] != south_tyrol_contact
    foreign = submit(_prospect(email="anna.rossi@example.com"))
    assert accept(foreign, SOUTH_TYROL)["duplicates"]
    answer = act(foreign, "contact", ST, {"contact_id": taken["inquiry"]["contact_id"]})
    assert answer.status == 422


def test_link_before_accepting_is_409(pending: str) -> None:
    answer = act(pending, "contact", ST, {"new": True})
    assert answer.status == 409
    assert answer.body == {"message": "cannot link a contact to an inquiry that is pending"}


def test_accept_at_the_deadline_is_409_and_returns_the_inquiry(
    aws: dict[str, Any], clock: FixedClock, pending: str
) -> None:
    deadline = datetime.fromisoformat(view(pending)["deadline"])
    clock.set(deadline)

    answer = act(pending, "accept", ST)

    assert answer.status == 409, answer.text
    assert "Rossi" not in answer.text
    returned = view(pending)
    assert (returned["status"], returned["return_reason"]) == ("returned", "expired")
    expired = returned["events"][-1]
    assert (expired["action"], expired["actor"]) == ("expired", "system")
    assert call("GET", f"/inquiries/{pending}", claims=ST).status == 404
    assert [o["outcome"] for o in offers_of(aws["dynamodb"], TABLE, pending)] == ["expired"]
    assert schedules(aws["scheduler"], GROUP) == []


def test_accept_just_before_the_deadline_is_in_time(clock: FixedClock, pending: str) -> None:
    deadline = datetime.fromisoformat(view(pending)["deadline"])
    clock.set(deadline - timedelta(microseconds=1))

    assert act(pending, "accept", ST).status == 200


def test_reject_after_the_deadline_is_409_and_returns_the_inquiry(
    clock: FixedClock, pending: str
) -> None:
    clock.advance(days=3)

    assert _reject(pending).status == 409
    assert view(pending)["return_reason"] == "expired"


# --- reject -------------------------------------------------------------------------------------


def test_reject_needs_a_valid_reason(pending: str) -> None:
    wrong: list[dict[str, Any]] = [
        {},
        {"reason": "too_far"},
        {"reason": None},
        {"note": "busy"},
        {"reason": "other", "note": "n" * 2001},
    ]

    for body in wrong:
        answer = act(pending, "reject", ST, body)
        assert answer.status == 422, f"{body}: {answer.text}"
        assert answer.body["fields"], body
    assert "reason" in act(pending, "reject", ST, {}).body["fields"]
    assert _status(pending) == "pending"


def test_reject_returns_the_inquiry_to_hq_and_the_partner_loses_it(
    aws: dict[str, Any], pending: str
) -> None:
    answer = _reject(pending, reason="out_of_area", note="we do not go to Merano")

    assert answer.status == 200
    assert answer.body == {"id": pending, "status": "returned", "reason": "out_of_area"}
    for method, suffix in INQUIRY_ROUTES:
        if suffix != "/discard":  # HQ's alone: 403 for any partner
            answer = call(method, f"/inquiries/{pending}{suffix}", body={}, claims=ST)
            assert answer.status == 404, suffix
    assert listing(ST) == []
    returned = view(pending)
    assert (returned["status"], returned["return_reason"]) == ("returned", "rejected")
    assert (returned["partner_id"], returned["deadline"]) == (None, None)
    rejected = returned["events"][-1]
    assert rejected["action"] == "rejected"
    assert rejected["reason"] == "out_of_area"
    assert rejected["note"] == "we do not go to Merano"
    assert rejected["actor"] == ST["sub"]
    assert [i["id"] for i in listing(hq(), status="returned")] == [pending]
    [offer] = offers_of(aws["dynamodb"], TABLE, pending)
    assert (offer["outcome"], offer["reason"]) == ("rejected", "out_of_area")


def test_reject_twice_is_404_for_the_partner(pending: str) -> None:
    assert _reject(pending).status == 200
    assert _reject(pending).status == 404


# --- assign -------------------------------------------------------------------------------------


def test_hq_assigns_a_queued_inquiry_to_a_partner_with_a_new_deadline_and_schedule(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL, VIENNA)
    queued = submit(form(BERLIN))
    clock.advance(hours=2)

    answer = act(queued, "assign", hq(), {"partner_id": VIENNA})

    assert answer.status == 200, answer.text
    inquiry = answer.body
    assert (inquiry["status"], inquiry["partner_id"]) == ("pending", VIENNA)
    assert inquiry["assigned_at"] == "2026-12-01T10:00:00Z"
    assert inquiry["deadline"] == "2026-12-03T10:00:00Z"
    [schedule] = schedules(aws["scheduler"], GROUP)
    assert schedule["ScheduleExpression"] == "at(2026-12-03T10:00:00)"
    assert schedule_input(schedule) == {"inquiry_id": queued, "offer": 1, "partner_id": VIENNA}
    assert view(queued, partner(VIENNA))["anonymized"] is True


def test_assigning_a_pending_inquiry_elsewhere_withdraws_the_open_offer(
    aws: dict[str, Any], clock: FixedClock, pending: str
) -> None:
    clock.advance(hours=1)

    moved = assign(pending, partner_id=BAVARIA)

    assert (moved["status"], moved["partner_id"]) == ("pending", BAVARIA)
    assert moved["return_reason"] is None
    assert moved["deadline"] == "2026-12-03T09:00:00Z"
    assert _actions(moved)[-2:] == ["withdrawn", "offered"]
    offers = offers_of(aws["dynamodb"], TABLE, pending)
    assert [(o["partner_id"], o["outcome"]) for o in offers] == [
        (SOUTH_TYROL, "withdrawn"),
        (BAVARIA, "pending"),
    ]
    [schedule] = schedules(aws["scheduler"], GROUP)
    assert schedule_input(schedule) == {"inquiry_id": pending, "offer": 2, "partner_id": BAVARIA}
    assert call("GET", f"/inquiries/{pending}", claims=ST).status == 404
    assert act(pending, "accept", ST).status == 404
    assert listing(ST) == []
    assert [i["id"] for i in listing(BY)] == [pending]


def test_assigning_a_pending_inquiry_to_the_partner_it_is_pending_with_is_409(
    aws: dict[str, Any], clock: FixedClock, pending: str
) -> None:
    """A second click or a retry after a lost answer: the offer and its deadline stay, the
    partner is not told "withdrawn" and "new offer" for nothing."""
    before = view(pending)
    [schedule] = schedules(aws["scheduler"], GROUP)
    expected = (schedule["Name"], schedule["ScheduleExpression"], schedule_input(schedule))
    clock.advance(hours=1)

    answer = act(pending, "assign", hq(), {"partner_id": SOUTH_TYROL})

    assert answer.status == 409, answer.text
    assert answer.body["message"] == (
        f"the inquiry is already pending with partner {SOUTH_TYROL}; its offer and deadline stay"
    )
    assert view(pending) == before
    assert [
        (o["partner_id"], o["outcome"]) for o in offers_of(aws["dynamodb"], TABLE, pending)
    ] == [(SOUTH_TYROL, "pending")]
    [after] = schedules(aws["scheduler"], GROUP)
    assert (after["Name"], after["ScheduleExpression"], schedule_input(after)) == expected


def test_hq_may_offer_again_to_a_partner_that_rejected(clock: FixedClock, pending: str) -> None:
    _reject(pending)
    clock.advance(hours=1)

    again = assign(pending, partner_id=SOUTH_TYROL)

    assert (again["status"], again["partner_id"], again["return_reason"]) == (
        "pending",
        SOUTH_TYROL,
        None,
    )
    assert act(pending, "accept", ST).status == 200


def test_hq_assigns_to_one_of_its_users(aws: dict[str, Any], pending: str) -> None:
    internal = assign(pending, user_id="hq-anna")

    assert internal["status"] == "assigned"
    assert (internal["user_id"], internal["partner_id"], internal["deadline"]) == (
        "hq-anna",
        None,
        None,
    )
    assert offers_of(aws["dynamodb"], TABLE, pending)[0]["outcome"] == "withdrawn"
    assert schedules(aws["scheduler"], GROUP) == []
    assert call("GET", f"/inquiries/{pending}", claims=ST).status == 404
    assert [i["id"] for i in listing(hq(), status="assigned")] == [pending]


def test_a_partner_hands_an_accepted_inquiry_to_a_colleague(accepted: str) -> None:
    answer = act(accepted, "assign", ST, {"user_id": "colleague-7"})

    assert answer.status == 200
    assert (answer.body["status"], answer.body["user_id"]) == ("accepted", "colleague-7")
    assert answer.body["partner_id"] == SOUTH_TYROL
    assert answer.body["events"][-1]["action"] == "assigned"
    assert view(accepted)["user_id"] == "colleague-7"


def test_a_partner_hands_on_a_pending_inquiry_with_its_deadline(pending: str) -> None:
    deadline = view(pending)["deadline"]

    answer = act(pending, "assign", ST, {"user_id": "colleague-7"})

    assert answer.status == 200, answer.text
    assert (answer.body["status"], answer.body["user_id"]) == ("pending", "colleague-7")
    assert answer.body["deadline"] == deadline


def test_a_partner_may_not_assign_to_a_partner(accepted: str) -> None:
    answer = act(accepted, "assign", ST, {"partner_id": BAVARIA})

    assert answer.status == 403
    assert view(accepted)["partner_id"] == SOUTH_TYROL


def test_assign_needs_exactly_one_target(pending: str) -> None:
    wrong: list[dict[str, Any]] = [
        {},
        {"partner_id": BAVARIA, "user_id": "hq-anna"},
        {"user_id": ""},
        {"partner_id": "a b"},
    ]

    for body in wrong:
        answer = act(pending, "assign", hq(), body)
        assert answer.status == 422, f"{body}: {answer.text}"
    assert view(pending)["partner_id"] == SOUTH_TYROL
    assert _actions(view(pending)) == ["received", "offered"]


def test_assign_to_an_unknown_partner_is_422(aws: dict[str, Any], pending: str) -> None:
    answer = act(pending, "assign", hq(), {"partner_id": "no-such-partner"})

    assert answer.status == 422
    assert answer.body["fields"] == ["partner_id"]
    assert len(offers_of(aws["dynamodb"], TABLE, pending)) == 1


def test_hq_cannot_take_an_accepted_inquiry_away(accepted: str) -> None:
    assert act(accepted, "assign", hq(), {"partner_id": BAVARIA}).status == 409
    assert act(accepted, "assign", hq(), {"user_id": "hq-anna"}).status == 409
    assert view(accepted)["status"] == "accepted"


# --- discard ------------------------------------------------------------------------------------


def test_hq_discards_unassigned_assigned_and_returned_inquiries(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    unassigned = submit(form(BERLIN))
    internal = submit()
    assign(internal, user_id="hq-anna")
    returned = submit()
    assert _reject(returned).status == 200

    answers = {
        name: act(inquiry_id, "discard", hq(), {"note": "duplicate of another"})
        for name, inquiry_id in (
            ("unassigned", unassigned),
            ("assigned", internal),
            ("returned", returned),
        )
    }

    for name, answer in answers.items():
        assert answer.status == 200, name
        assert answer.body["status"] == "discarded"
        assert answer.body["events"][-1]["action"] == "discarded"
        assert answer.body["events"][-1]["note"] == "duplicate of another"
    again = act(unassigned, "discard", hq(), {})
    assert again.status == 409
    assert again.body == {"message": "cannot discard an inquiry that is discarded"}
    handed = act(unassigned, "assign", hq(), {"user_id": "hq-anna"})
    assert handed.status == 409
    assert handed.body == {"message": "cannot hand a discarded inquiry to an HQ user"}
    assert {i["id"] for i in listing(hq(), status="discarded")} == {
        unassigned,
        internal,
        returned,
    }


def test_discard_without_a_body_is_fine(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    queued = submit(form(BERLIN))

    assert call("POST", f"/inquiries/{queued}/discard", claims=hq()).status == 200


def test_pending_and_accepted_inquiries_cannot_be_discarded(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    pending, taken = submit(), submit()
    accept(taken, SOUTH_TYROL)

    assert act(pending, "discard", hq(), {}).status == 409
    assert act(taken, "discard", hq(), {}).status == 409
    assert (_status(pending), _status(taken)) == ("pending", "accepted")


# --- progress -----------------------------------------------------------------------------------


def test_progress_steps_are_recorded_and_won_closes(accepted: str) -> None:
    steps = [
        act(accepted, "progress", ST, {"step": step, "note": f"{step} done"})
        for step in ("contacted", "offer_sent", "won")
    ]

    assert [a.status for a in steps] == [200, 200, 200]
    assert [a.body["status"] for a in steps] == ["accepted", "accepted", "closed"]
    final = view(accepted, ST)
    assert [p["step"] for p in final["progress"]] == ["contacted", "offer_sent", "won"]
    assert final["progress"][0]["note"] == "contacted done"
    assert final["progress"][0]["by"] == ST["sub"]
    assert final["contact"] is not None
    assert _actions(final)[-3:] == ["progress", "progress", "progress"]
    assert act(accepted, "progress", ST, {"step": "lost"}).status == 409


def test_lost_closes_too(accepted: str) -> None:
    assert act(accepted, "progress", ST, {"step": "lost"}).body["status"] == "closed"


def test_progress_on_a_pending_inquiry_is_409(pending: str) -> None:
    answer = act(pending, "progress", ST, {"step": "contacted"})

    assert answer.status == 409
    assert view(pending)["progress"] == []


def test_progress_needs_a_known_step(accepted: str) -> None:
    for body in ({}, {"step": "called"}, {"step": "won", "extra": 1}):
        answer = act(accepted, "progress", ST, body)
        assert answer.status == 422, f"{body}: {answer.text}"
    assert view(accepted)["progress"] == []


def test_a_colleague_of_the_partner_works_on_it_too(accepted: str) -> None:
    colleague = partner(SOUTH_TYROL, "colleague-9")

    answer = act(accepted, "progress", colleague, {"step": "contacted"})

    assert answer.status == 200
    assert answer.body["progress"][0]["by"] == "colleague-9"


def test_the_clock_of_actions_is_the_services(clock: FixedClock, accepted: str) -> None:
    clock.set(START + timedelta(hours=5))

    answer = act(accepted, "progress", ST, {"step": "contacted"})

    assert answer.body["progress"][0]["at"] == "2026-12-01T13:00:00Z"

"""The data subject's rights through API Gateway events: `q=`, `GET /subjects`,
`POST /subjects/erase` and retention, against moto.

After an erasure every item of the table (read from moto's in-memory backend, which
the product never does: it has no Scan) is searched for the person's values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.subjects import DynamoSubjects
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local.events import invoke
from tests.integration.conftest import ENVIRONMENT, GROUP, REGION, TABLE
from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    accept,
    act,
    form,
    listing,
    post_inquiry,
    put_partners,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

PERSON = {
    "first_name": "Wendelin",
    "last_name": "Oberhollenzer",
    "email": "Wendelin.Oberhollenzer@Example.org",
    "phone": "+39 0471 555 777",
    "street": "Via Grappoli 9",
    "postal_code": "39100",
    "city": "Bolzano",
    "country": "IT",
    "company": "Hollenzer Bau",
}
MESSAGE = "Sono Wendelin, chiamate +39 0471 555 777. Servono 8 finestre."
# Every value of the person that must be gone after an erasure, in the forms stored.
TRACES = [
    "Wendelin",
    "Oberhollenzer",
    "wendelin.oberhollenzer@example.org",
    "555 777",
    "0471555777",
    "Via Grappoli",
    "Hollenzer Bau",
    "Servono 8 finestre",
    "Private note about",
]
OTHER = {"last_name": "Rossi", "email": "anna.rossi@example.com"}


def _person(**changes: Any) -> dict[str, Any]:
    return form(contact=PERSON, message=MESSAGE, language="it", **changes)


def _table_text() -> str:
    """Every item of the table as JSON: moto's backend, read directly (test only)."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE]
    return "\n".join(json.dumps(item.to_json()) for item in table.all_items())


def _traces(text: str) -> list[str]:
    folded = text.casefold()
    found = [t for t in TRACES if t.casefold() in folded]
    if "0471555777" in "".join(ch for ch in text if ch.isdigit()):
        found.append("phone digits")
    return found


def _ok(answer: Answer, status: int = 200) -> Any:
    assert answer.status == status, answer.text
    return answer.body


def _subject(email: str) -> dict[str, Any]:
    return dict(_ok(call("GET", "/subjects", claims=hq(), query={"email": email})))


def _erase(email: str, **extra: Any) -> int:
    body = _ok(call("POST", "/subjects/erase", claims=hq(), body={"email": email, **extra}))
    return int(body["inquiries"])


def _stored(inquiry_id: str, dynamodb: Any) -> dict[str, Any]:
    return dict(
        dynamodb.get_item(
            TableName=TABLE, Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}}
        )["Item"]
    )


# --- the keyed-hash look-ups --------------------------------------------------------------------


def test_intake_files_the_inquiry_under_keyed_hashes_of_email_and_last_name(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    item = _stored(inquiry_id, aws["dynamodb"])
    secret = ENVIRONMENT["SUBJECT_KEY"].encode()

    def keyed(kind: str, value: str) -> str:
        return hmac.new(secret, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()

    assert item["gsi5pk"]["S"] == "EMAIL#" + keyed("email", "wendelin.oberhollenzer@example.org")
    assert item["gsi6pk"]["S"] == "NAME#" + keyed("last_name", "oberhollenzer")
    # A plain hash of the address (which anyone could compute) is not what is stored.
    plain = hashlib.sha256(b"wendelin.oberhollenzer@example.org").hexdigest()
    assert plain not in json.dumps(item)
    for kind in ("gsi5pk", "gsi6pk"):
        assert "oberhollenzer" not in item[kind]["S"].casefold()


def test_hq_searches_by_id_email_or_last_name_case_insensitively_and_exactly(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    first = submit(_person())
    clock.advance(minutes=1)
    second = submit(_person())
    clock.advance(minutes=1)
    other = submit(form(contact=OTHER))
    act(second, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})

    def found(**query: Any) -> list[str]:
        return [i["id"] for i in listing(hq(), **query)]

    assert found(q="  WENDELIN.oberhollenzer@example.ORG ") == [second, first]
    assert found(q="oBeRhOlLeNzEr") == [second, first]
    assert found(q="Rossi") == [other]
    assert found(q=other) == [other]
    # Exact, not a prefix or a part.
    assert found(q="Oberhollen") == []
    assert found(q="wendelin.oberhollenzer@example.or") == []
    # Combined with status.
    assert found(q="Oberhollenzer", status="returned") == [second]
    assert found(q="wendelin.oberhollenzer@example.org", status="pending") == [first]
    assert found(q=first, status="returned") == []
    # Combined with HQ's other filters (all must hold), on the keyed-hash indexes.
    assert found(q="Oberhollenzer", partner_id=SOUTH_TYROL) == [first]
    assert found(q="Oberhollenzer", return_reason="rejected") == [second]
    assert found(q="Oberhollenzer", return_reason="expired") == []
    assert found(q="Oberhollenzer", channel="website") == [second, first]
    assert found(q="Oberhollenzer", channel="dealer_page") == []
    assert found(q=first, partner_id="somebody-else") == []
    day = clock.now().date().isoformat()
    assert found(q="Oberhollenzer", **{"from": day, "to": day}) == [second, first]
    assert found(q="wendelin.oberhollenzer@example.org", to="2026-11-30") == []
    # Paged like every list: one by one through `next`.
    page = _ok(call("GET", "/inquiries", claims=hq(), query={"q": "Oberhollenzer", "limit": 1}))
    assert [i["id"] for i in page["items"]] == [second] and page["next"]
    rest = call(
        "GET",
        "/inquiries",
        claims=hq(),
        query={"q": "Oberhollenzer", "limit": 1, "cursor": page["next"]},
    )
    assert [i["id"] for i in _ok(rest)["items"]] == [first]


def test_a_filtered_search_pages_through_only_the_matching_inquiries(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    # The look-up indexes hold keys only: the filters are checked on the inquiries read
    # from the table, and a page still holds `limit` of them while more match.
    put_partners(SOUTH_TYROL)
    oldest = submit(_person())
    clock.advance(minutes=1)
    returned = submit(_person())
    clock.advance(minutes=1)
    newest = submit(_person())
    act(returned, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})
    query = {"q": "Oberhollenzer", "status": "pending", "limit": 1}
    page = _ok(call("GET", "/inquiries", claims=hq(), query=query))
    assert [i["id"] for i in page["items"]] == [newest] and page["next"]
    page = _ok(call("GET", "/inquiries", claims=hq(), query={**query, "cursor": page["next"]}))
    assert [i["id"] for i in page["items"]] == [oldest] and page["next"] is None
    both = _ok(call("GET", "/inquiries", claims=hq(), query={**query, "limit": 2}))
    assert [i["id"] for i in both["items"]] == [newest, oldest] and both["next"] is None
    # Whole rows, as in every list: the inquiry as HQ sees it.
    assert both["items"][0]["contact"]["last_name"] == PERSON["last_name"]


def test_a_partner_sending_q_is_422(aws: dict[str, Any], clock: FixedClock) -> None:
    put_partners(SOUTH_TYROL)
    submit(_person())
    answer = call("GET", "/inquiries", claims=partner(SOUTH_TYROL), query={"q": "Oberhollenzer"})
    assert answer.status == 422
    assert "q" in answer.body["fields"]
    assert "Oberhollenzer" not in answer.text
    both = call(
        "GET",
        "/inquiries",
        claims=partner(SOUTH_TYROL),
        query={"q": "Oberhollenzer", "channel": "website"},
    )
    assert both.status == 422 and {"q", "channel"} <= set(both.body["fields"])
    assert call("GET", "/inquiries", claims=hq(), query={"q": ""}).status == 422


# --- GET /subjects ------------------------------------------------------------------------------


def test_subjects_answers_everything_held_about_the_person(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    taken = post_inquiry(_person(), key="form-1").body["id"]
    contact = accept(taken, SOUTH_TYROL)["inquiry"]["contact_id"]
    assert contact  # no duplicate: accepting made the partner's contact
    clock.advance(hours=1)
    waiting = submit(_person())
    submit(form(contact=OTHER))

    held = _subject("WENDELIN.OBERHOLLENZER@example.org")
    assert held["email"] == "WENDELIN.OBERHOLLENZER@example.org"
    assert [i["id"] for i in held["inquiries"]] == [waiting, taken]
    for inquiry in held["inquiries"]:
        assert inquiry["contact"]["last_name"] == "Oberhollenzer"
        assert inquiry["message"] == MESSAGE
        assert inquiry["events"][0]["action"] == "received"
    assert held["contacts"] == [
        {
            "partner_id": SOUTH_TYROL,
            "contact_id": contact,
            "from_inquiry": taken,
            "contact": {**PERSON, "email": held["inquiries"][1]["contact"]["email"]},
        }
    ]
    assert [r["inquiry_id"] for r in held["idempotency_records"]] == [taken]
    assert held["erasures"] == []
    assert _subject("nobody@example.org")["inquiries"] == []


def test_subjects_routes_answer_401_403_and_422(aws: dict[str, Any], clock: FixedClock) -> None:
    assert call("GET", "/subjects", query={"email": "a@example.org"}).status == 401
    assert call("POST", "/subjects/erase", body={"email": "a@example.org"}).status == 401
    assert (
        call(
            "GET", "/subjects", claims=partner(SOUTH_TYROL), query={"email": "a@example.org"}
        ).status
        == 403
    )
    assert (
        call(
            "POST", "/subjects/erase", claims=partner(SOUTH_TYROL), body={"email": "a@x.org"}
        ).status
        == 403
    )
    assert call("GET", "/subjects", claims=hq()).status == 422
    assert call("GET", "/subjects", claims=hq(), query={"email": "not-an-address"}).status == 422
    unknown = {"email": "a@example.org", "name": "Rossi"}
    assert call("GET", "/subjects", claims=hq(), query=unknown).status == 422
    twice = [("email", "a@example.org"), ("email", "b@example.org")]
    answer = call("GET", "/subjects", claims=hq(), query=twice)
    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["email"]
    assert answer.body["message"] == "query parameter given more than once: email"
    assert call("POST", "/subjects/erase", claims=hq(), body={}).status == 422
    assert call("POST", "/subjects/erase", claims=hq(), body={"email": "x@"}).status == 422
    extra = {"email": "a@example.org", "everything": True}
    assert call("POST", "/subjects/erase", claims=hq(), body=extra).status == 422
    assert call("POST", "/subjects/erase", claims=hq(), raw=b"{not json").status == 400


# --- POST /subjects/erase -------------------------------------------------------------------------


def _story(clock: FixedClock) -> dict[str, str]:
    """The person's inquiries in every state a person's data can be in."""
    put_partners(SOUTH_TYROL, BAVARIA)
    taken = post_inquiry(_person(), key="form-1").body["id"]
    assert accept(taken, SOUTH_TYROL)["inquiry"]["contact_id"]
    note = {"step": "contacted", "note": "Private note about Wendelin Oberhollenzer"}
    _ok(act(taken, "progress", partner(SOUTH_TYROL), note))
    clock.advance(minutes=5)
    pending = submit(_person())
    clock.advance(minutes=5)
    returned = submit(_person())
    reject = {"reason": "other", "note": "Private note about +39 0471 555 777"}
    _ok(act(returned, "reject", partner(SOUTH_TYROL), reject))
    clock.advance(minutes=5)
    discarded = submit(_person())
    _ok(act(discarded, "reject", partner(SOUTH_TYROL), {"reason": "spam"}))
    _ok(act(discarded, "discard", hq(), {"note": "Private note about Via Grappoli 9"}))
    other = submit(form(contact=OTHER))
    return {
        "taken": taken,
        "pending": pending,
        "returned": returned,
        "discarded": discarded,
        "other": other,
    }


def _report() -> Any:
    period = {"from": "2026-12-01", "to": "2026-12-31"}
    return _ok(call("GET", "/reports/response-times", claims=hq(), query=period))


def test_erase_removes_the_person_from_every_inquiry_and_copy(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    ids = _story(clock)
    assert len(_traces(_table_text())) >= 8  # the search finds the person before
    clock.advance(hours=1)
    report = _report()

    erased = _erase("wendelin.oberhollenzer@EXAMPLE.org", partner_contacts=True)

    assert erased == 4
    table = _table_text()
    assert _traces(table) == [], _traces(table)
    # Not even a keyed hash of the person is left on an inquiry (the index entries).
    for name in ("taken", "pending", "returned", "discarded"):
        item = _stored(ids[name], aws["dynamodb"])
        assert not {"gsi5pk", "gsi6pk", "email_key", "message", "redacted_message"} & item.keys()
    # Others are untouched; statistics stay.
    assert view(ids["other"])["contact"]["last_name"] == "Rossi"
    assert "anna.rossi@example.com" in table
    # The figures stay; only the pending offer is no longer pending (it was withdrawn).
    report["total"]["pending"] -= 1
    report["partners"][0]["pending"] -= 1
    assert _report() == report
    # Nothing is found any more; the erasure itself is recorded, without personal data.
    held = _subject("wendelin.oberhollenzer@example.org")
    assert held["inquiries"] == held["contacts"] == held["idempotency_records"] == []
    assert [e["inquiries"] for e in held["erasures"]] == [4]
    assert [i["id"] for i in listing(hq(), q="Oberhollenzer")] == []
    assert _subject("anna.rossi@example.com")["inquiries"][0]["id"] == ids["other"]


def test_what_each_erased_inquiry_keeps_and_who_is_told(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    ids = _story(clock)
    clock.advance(hours=1)
    assert _erase("wendelin.oberhollenzer@example.org") == 4

    taken = view(ids["taken"])
    assert taken["status"] == "accepted" and taken["partner_id"] == SOUTH_TYROL
    assert taken["contact"] is None and taken["message"] is None
    assert taken["location"] == {"postal_code": "39100", "city": "Bolzano", "country": "IT"}
    assert taken["erased_at"] is not None
    assert taken["progress"][0]["step"] == "contacted" and taken["progress"][0]["note"] is None
    told = [e for e in taken["events"] if e["action"] == "erasure_requested"]
    assert told == [
        {
            "at": taken["erased_at"],
            "actor": "hq-user-1",
            "action": "erasure_requested",
            "partner_id": SOUTH_TYROL,
        }
    ]
    assert taken["events"][-1]["action"] == "erased"
    # The partner sees its accepted inquiry without the contact, too.
    mine = view(ids["taken"], partner(SOUTH_TYROL))
    assert mine["contact"] is None and mine["status"] == "accepted"

    # The pending offer is withdrawn (its schedule gone) and the inquiry discarded.
    pending = view(ids["pending"])
    assert pending["status"] == "discarded" and pending["partner_id"] is None
    withdrawn = [e for e in pending["events"] if e["action"] == "withdrawn"]
    assert withdrawn[0]["partner_id"] == SOUTH_TYROL and withdrawn[0]["reason"] == "erasure"
    assert not any(e["action"] == "erasure_requested" for e in pending["events"])
    scheduled = {schedule_input(s)["inquiry_id"] for s in schedules(aws["scheduler"], GROUP)}
    assert ids["pending"] not in scheduled
    assert call("GET", f"/inquiries/{ids['pending']}", claims=partner(SOUTH_TYROL)).status == 404
    assert view(ids["returned"])["status"] == "discarded"
    # Notes go; reasons stay.
    rejected = [e for e in view(ids["returned"])["events"] if e["action"] == "rejected"]
    assert rejected[0]["reason"] == "other" and "note" not in rejected[0]
    discard = [e for e in view(ids["discarded"])["events"] if e["action"] == "discarded"]
    assert discard and "note" not in discard[0]

    # Without `partner_contacts` the partner's own copy stays: it is the partner's to erase,
    # and HQ still sees it (test_subjects_book.py).
    table = _table_text()
    assert "wendelin.oberhollenzer@example.org" in table.casefold()
    copies = _subject("wendelin.oberhollenzer@example.org")["contacts"]
    assert [(c["partner_id"], c["from_inquiry"]) for c in copies] == [(SOUTH_TYROL, ids["taken"])]


@pytest.mark.parametrize(
    "flag", ["yes", "on", "true", "1", 1, "no", "false", "0", 0, None], ids=repr
)
def test_partner_contacts_must_be_true_or_false_and_nothing_else_is_erased(
    aws: dict[str, Any], clock: FixedClock, flag: Any
) -> None:
    """Erasing a partner's copy cannot be undone: only JSON `true` asks for it."""
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    assert accept(inquiry_id, SOUTH_TYROL)["inquiry"]["contact_id"]
    before = _table_text()

    answer = call(
        "POST",
        "/subjects/erase",
        claims=hq(),
        body={"email": PERSON["email"], "partner_contacts": flag},
    )

    assert answer.status == 422, answer.text
    assert answer.body["fields"] == ["partner_contacts"]
    assert answer.body["errors"][0]["type"] == "bool_type"
    assert _table_text() == before
    assert view(inquiry_id)["contact"]["email"] == "Wendelin.Oberhollenzer@example.org"


def test_a_second_erasure_answers_0_and_is_recorded_too(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    assert _erase(PERSON["email"]) == 1
    before = view(inquiry_id)
    clock.advance(minutes=1)
    assert _erase(PERSON["email"]) == 0
    assert view(inquiry_id) == before
    assert [e["inquiries"] for e in _subject(PERSON["email"])["erasures"]] == [1, 0]
    assert _erase("never.seen@example.org") == 0


def test_an_erasure_that_loses_a_race_with_a_decision_erases_what_it_left(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    original = DynamoSubjects.erase
    raced: list[int] = []

    def decision_first(self: DynamoSubjects, *args: Any) -> None:
        if not raced:  # the partner accepts between the erasure's read and its write
            raced.append(accept(inquiry_id, SOUTH_TYROL)["inquiry"]["contact"] is not None)
        original(self, *args)

    monkeypatch.setattr(DynamoSubjects, "erase", decision_first)
    assert _erase(PERSON["email"]) == 1
    after = view(inquiry_id)
    # Not half: the accept stands, and the erasure of the accepted inquiry followed it.
    assert after["status"] == "accepted" and after["contact"] is None
    actions = [e["action"] for e in after["events"]]
    assert actions[-3:] == ["contact_created", "erasure_requested", "erased"] or actions[-2:] == [
        "erasure_requested",
        "erased",
    ]
    assert "accepted" in actions


# --- retention ----------------------------------------------------------------------------------


def _sweep() -> int:
    return int(invoke("expire", {"sweep": True})["erased"])


def test_retention_erases_inquiries_at_rest_exactly_retention_days_after_they_left(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    returned = submit(_person())
    clock.advance(hours=1)
    act(returned, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})
    left = clock.now()
    nowhere = submit(form(contact={**PERSON, "postal_code": "10115", "country": "DE"}))
    taken = submit(_person())
    accept(taken, SOUTH_TYROL)
    back = submit(_person())
    act(back, "reject", partner(SOUTH_TYROL), {"reason": "other"})
    clock.advance(days=100)
    assert view(nowhere)["status"] == "unassigned"
    _ok(act(back, "assign", hq(), {"user_id": "hq-user-2"}))  # taken up again: kept

    clock.set(left + timedelta(days=180) - timedelta(microseconds=1))
    assert _sweep() == 0
    assert view(returned)["contact"] is not None
    clock.set(left + timedelta(days=180))
    assert _sweep() == 2  # the returned one and the one nobody covered
    assert _sweep() == 0
    for inquiry_id in (returned, nowhere):
        erased = view(inquiry_id)
        assert erased["contact"] is None and erased["message"] is None
        assert erased["events"][-1] == {
            "at": erased["erased_at"],
            "actor": "system",
            "action": "erased",
            "reason": "retention",
        }
    assert view(taken)["contact"]["last_name"] == "Oberhollenzer"
    assert view(back)["contact"]["last_name"] == "Oberhollenzer"
    # The held data is what is left: the accepted and the re-assigned inquiry.
    assert {i["id"] for i in _subject(PERSON["email"])["inquiries"]} == {taken, back}


def test_retention_days_is_a_setting(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inquiries import wiring  # noqa: PLC0415

    monkeypatch.setenv("RETENTION_DAYS", "30")
    wiring.reset()
    wiring.override(clock=clock)
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    act(inquiry_id, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})
    _ok(act(inquiry_id, "discard", hq(), {}))
    discarded_at = clock.now()
    clock.set(discarded_at + timedelta(days=29, hours=23))
    assert _sweep() == 0
    clock.set(discarded_at + timedelta(days=30))
    assert _sweep() == 1
    assert _traces(_table_text()) == []


# --- the backfill of inquiries stored before the look-up keys ---------------------------------


def _as_stored_before_the_keys(dynamodb: Any, inquiry_id: str) -> None:
    """The inquiry item as it was written before the look-up keys and retention existed."""
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"INQ#{inquiry_id}"}, "sk": {"S": "INQ"}},
        UpdateExpression=(
            "REMOVE gsi5pk, gsi5sk, gsi6pk, email_key, last_name_key, left_at, gsi4pk, gsi4sk"
        ),
    )


def test_the_backfill_files_older_inquiries_under_their_keys_once(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    from inquiries import wiring  # noqa: PLC0415
    from inquiries.backfill import main  # noqa: PLC0415
    from inquiries.service.backfill import backfill  # noqa: PLC0415

    put_partners(SOUTH_TYROL)
    waiting = submit(_person())
    returned = submit(_person())
    clock.advance(hours=2)
    act(returned, "reject", partner(SOUTH_TYROL), {"reason": "no_capacity"})
    rejected_at = clock.now()
    for inquiry_id in (waiting, returned):
        _as_stored_before_the_keys(aws["dynamodb"], inquiry_id)
    assert listing(hq(), q="Oberhollenzer") == []
    clock.advance(days=200)
    assert _sweep() == 0  # not filed for retention either

    deps = wiring.dependencies()
    assert deps.subject_secret is not None
    done = backfill(deps.repository, deps.subject_secret)
    assert (done.seen, done.keyed, done.at_rest) == (2, 2, 1)
    assert {i["id"] for i in listing(hq(), q="oberhollenzer")} == {waiting, returned}
    assert {i["id"] for i in _subject(PERSON["email"])["inquiries"]} == {waiting, returned}
    # Filed for retention from when it came to rest: overdue now.
    item = _stored(returned, aws["dynamodb"])
    assert item["gsi4sk"]["S"].startswith(rejected_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert _sweep() == 1
    # Once is enough: a second run (the command) changes nothing.
    before = _table_text()
    main()
    assert _table_text() == before


def test_an_inquiry_with_more_notes_than_one_transaction_takes_is_erased_whole(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    put_partners(SOUTH_TYROL)
    inquiry_id = submit(_person())
    accept(inquiry_id, SOUTH_TYROL)
    note = {"step": "contacted", "note": "Private note about Wendelin"}
    for _ in range(105):
        _ok(act(inquiry_id, "progress", partner(SOUTH_TYROL), note))
    assert _erase(PERSON["email"], partner_contacts=True) == 1
    assert _traces(_table_text()) == []
    events = view(inquiry_id)["events"]
    assert sum(e["action"] == "progress" for e in events) == 105
    assert events[-1]["action"] == "erased"

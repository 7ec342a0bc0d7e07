"""The whole lifecycle over real HTTP against `python -m local`, as a person would drive it.

The tests share one stack (one xdist group) in no fixed order: each makes its own
inquiries and moves the clock only forward past its own deadlines.
"""

from __future__ import annotations

import random
import string
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest

from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-local")]

SOUTH_TYROL = "alpin-bz"
BAVARIA = "bayern-muc"


def _name() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8)).capitalize()


def form(*, email: str | None = None, last_name: str | None = None) -> dict[str, Any]:
    """A website form from a prospect in Bolzano (routed to the South Tyrol partner)."""
    email = email or f"{uuid.uuid4().hex[:10]}@example.com"
    return {
        "product": "windows",
        "contact": {
            "first_name": "Anna",
            "last_name": last_name or _name(),
            "email": email,
            "phone": "+39 0471 " + "".join(random.choices(string.digits, k=6)),
            "street": "Via Roma 1",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": f"Please call +39 0471 987654 or write to {email}.",
        "language": "it",
        "consent": True,
    }


def submit(local: LocalStack, body: dict[str, Any] | None = None) -> str:
    answer = local.post("/inquiries", body or form())
    assert answer.status == 201, answer.text
    assert answer.body["status"] == "received"
    inquiry_id: str = answer.body["id"]
    return inquiry_id


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_submitted_inquiry_reaches_its_partner_anonymised(local: LocalStack) -> None:
    body = form()
    inquiry_id = submit(local, body)
    partner = local.token("partner", SOUTH_TYROL)

    listed = local.get("/inquiries", token=partner)
    assert listed.status == 200
    item = next(i for i in listed.body["items"] if i["id"] == inquiry_id)
    assert item["status"] == "pending"
    assert item["anonymized"] is True and item["contact"] is None
    assert item["deadline"] is not None
    assert item["location"] == {"postal_code": "39100", "city": "Bolzano", "country": "IT"}

    one = local.get(f"/inquiries/{inquiry_id}", token=partner)
    assert one.status == 200
    assert [e["action"] for e in one.body["events"]][:1] == ["received"]
    contact = body["contact"]
    for answer in (listed, one):
        for personal in (contact["email"], contact["last_name"], "987654", "Via Roma"):
            assert personal not in answer.text

    seen_by_hq = local.get(f"/inquiries/{inquiry_id}", token=local.token("hq"))
    assert seen_by_hq.body["contact"]["email"] == contact["email"]
    assert seen_by_hq.body["anonymized"] is False


def test_accepting_gives_the_contact_and_finds_a_duplicate(local: LocalStack) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    first = submit(local, form(email=email))
    second = submit(local, form(email=email.upper()))
    partner = local.token("partner", SOUTH_TYROL)

    accepted = local.post(f"/inquiries/{first}/accept", token=partner)
    assert accepted.status == 200, accepted.text
    assert accepted.body["duplicates"] == []
    assert accepted.body["inquiry"]["status"] == "accepted"
    assert accepted.body["inquiry"]["contact"]["email"] == email
    contact_id = accepted.body["inquiry"]["contact_id"]
    assert contact_id

    again = local.post(f"/inquiries/{second}/accept", token=partner)
    assert again.status == 200, again.text
    [duplicate] = again.body["duplicates"]
    assert {k: duplicate[k] for k in ("contact_id", "matched_on")} == {
        "contact_id": contact_id,
        "matched_on": ["email"],
    }
    # The candidate as the address book holds it, to compare with the inquiry's contact.
    assert duplicate["contact"]["contact_id"] == contact_id
    assert duplicate["contact"]["email"] == email
    assert duplicate["contact"]["source"] == "inquiry"

    linked = local.post(f"/inquiries/{second}/contact", {"contact_id": contact_id}, token=partner)
    assert linked.status == 200, linked.text
    assert linked.body["contact_id"] == contact_id

    progressed = local.post(f"/inquiries/{second}/progress", {"step": "contacted"}, token=partner)
    assert progressed.status == 200
    assert [p["step"] for p in progressed.body["progress"]] == ["contacted"]

    twice = local.post(f"/inquiries/{first}/accept", token=partner)
    assert twice.status == 409
    assert twice.body["message"]


def test_a_rejected_inquiry_goes_back_to_hq_who_reassigns_it(local: LocalStack) -> None:
    inquiry_id = submit(local)
    south_tyrol = local.token("partner", SOUTH_TYROL)
    bavaria = local.token("partner", BAVARIA)
    hq = local.token("hq")

    rejected = local.post(
        f"/inquiries/{inquiry_id}/reject", {"reason": "out_of_area"}, token=south_tyrol
    )
    assert rejected.status == 200, rejected.text
    assert rejected.body == {"id": inquiry_id, "status": "returned", "reason": "out_of_area"}
    assert local.get(f"/inquiries/{inquiry_id}", token=south_tyrol).status == 404

    returned = local.get(f"/inquiries/{inquiry_id}", token=hq)
    assert returned.body["status"] == "returned"
    assert returned.body["return_reason"] == "rejected"
    queue = local.get("/inquiries", token=hq, query={"status": "returned"})
    assert inquiry_id in [i["id"] for i in queue.body["items"]]

    assigned = local.post(f"/inquiries/{inquiry_id}/assign", {"partner_id": BAVARIA}, token=hq)
    assert assigned.status == 200, assigned.text
    assert assigned.body["status"] == "pending"
    assert assigned.body["partner_id"] == BAVARIA
    inbox = local.get("/inquiries", token=bavaria)
    assert inquiry_id in [i["id"] for i in inbox.body["items"]]
    assert local.get(f"/inquiries/{inquiry_id}", token=south_tyrol).status == 404


def test_hq_manages_partners_and_discards_what_nobody_takes(local: LocalStack) -> None:
    hq = local.token("hq")
    partner_id = f"linz-{uuid.uuid4().hex[:6]}"
    body = {
        "name": "Linzer Fenster",
        "country": "AT",
        "subdivision": "4",
        "timezone": "Europe/Vienna",
        "working_days": [1, 2, 3, 4],
        "territories": [{"country": "AT", "postal_prefixes": ["40"]}],
        "products": ["windows", "shading"],
    }
    put = local.request("PUT", f"/partners/{partner_id}", body=body, token=hq)
    assert put.status == 200, put.text
    assert put.body["id"] == partner_id and put.body["working_days"] == [1, 2, 3, 4]
    listed = local.get("/partners", token=hq)
    assert partner_id in [p["id"] for p in listed.body["items"]]
    bad = local.request(
        "PUT", f"/partners/{partner_id}", body={**body, "timezone": "Mars/Base"}, token=hq
    )
    assert bad.status == 422
    assert "timezone" in bad.body["fields"]

    inquiry_id = submit(local)
    partner = local.token("partner", SOUTH_TYROL)
    local.post(f"/inquiries/{inquiry_id}/reject", {"reason": "no_capacity"}, token=partner)
    discarded = local.post(f"/inquiries/{inquiry_id}/discard", {"note": "spam"}, token=hq)
    assert discarded.status == 200, discarded.text
    assert discarded.body["status"] == "discarded"
    assert discarded.body["events"][-1]["action"]
    again = local.post(f"/inquiries/{inquiry_id}/discard", token=hq)
    assert again.status == 409


def test_every_error_answers_as_documented(local: LocalStack) -> None:
    hq = local.token("hq")
    partner = local.token("partner", SOUTH_TYROL)
    inquiry_id = submit(local)

    # 401: no token, a token signed with another key, an expired token. The gateway
    # answers these itself, like API Gateway's JWT authorizer.
    for token in (
        None,
        local.forge({"sub": "x", "custom:role": "hq"}, key=b"not-the-key-" * 4),
        local.forge({"sub": "x", "custom:role": "hq", "exp": int(time.time()) - 10}),
        "not-a-jwt",
    ):
        answer = local.get("/inquiries", token=token)
        assert answer.status == 401, token
        assert answer.body == {"message": "Unauthorized"}
    assert "invalid_token" in local.get("/partners", token="x.y.z").headers["WWW-Authenticate"]
    assert local.get("/inquiries", token=local.forge({"sub": "x", "custom:role": "hq"})).status == (
        200
    )

    # 403: right token, wrong role.
    assert local.get("/partners", token=partner).status == 403
    assert local.post(f"/inquiries/{inquiry_id}/discard", token=partner).status == 403
    assert local.post(f"/inquiries/{inquiry_id}/accept", token=hq).status == 403

    # 404: someone else's inquiry, or none.
    assert local.get(f"/inquiries/{inquiry_id}", token=local.token("partner", BAVARIA)).status == (
        404
    )
    assert local.get("/inquiries/no-such-inquiry", token=hq).status == 404

    # 400, 413, 422 on the body.
    headers = {"Content-Type": "application/json"}
    not_json = local.request("POST", "/inquiries", raw=b'{"product": ', headers=headers)
    assert not_json.status == 400
    huge = local.request(
        "POST", "/inquiries", raw=b'{"message": "' + b"x" * (300 * 1024) + b'"}', headers=headers
    )
    assert huge.status == 413
    invalid = local.post("/inquiries", {"product": "doors", "consent": False})
    assert invalid.status == 422
    assert {"product", "contact", "consent"} <= set(invalid.body["fields"])

    # 409: an Idempotency-Key reused with another body; the same body answers as the first time.
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = form()
    first = local.post("/inquiries", body, headers=key)
    replay = local.post("/inquiries", body, headers=key)
    assert first.status == replay.status == 201
    assert replay.body["id"] == first.body["id"]
    assert local.post("/inquiries", form(), headers=key).status == 409

    # The gateway: no such route, or not with this method.
    assert local.get("/nowhere").status == 404
    wrong_method = local.request("DELETE", "/inquiries", token=hq)
    assert wrong_method.status == 405
    assert "GET" in wrong_method.headers["Allow"]


def test_local_tokens_carry_the_claims_of_their_role(local: LocalStack) -> None:
    token = local.token("partner", "not-registered", user_id="someone")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "someone"
    assert claims["custom:role"] == "partner"
    assert claims["custom:partner_id"] == "not-registered"
    listed = local.get("/inquiries", token=token)
    assert listed.status == 200 and listed.body["items"] == []

    hq = jwt.decode(local.token("hq"), options={"verify_signature": False})
    assert hq["custom:role"] == "hq" and "custom:partner_id" not in hq

    for bad in ({"role": "admin"}, {"role": "partner"}, {}, ["hq"], {"role": "hq", "x": 1}):
        assert local.post("/_local/token", bad).status == 422, bad
    raw = local.request("POST", "/_local/token", raw=b"{role")
    assert raw.status == 400
    assert local.get("/_local/token").status == 405


def test_the_simulated_clock_can_be_set_and_runs_at_real_speed(local: LocalStack) -> None:
    before = when(local.get("/_local/clock").body["now"])
    time.sleep(0.3)
    after = when(local.get("/_local/clock").body["now"])
    assert timedelta(seconds=0.25) <= after - before < timedelta(seconds=10)

    earlier = after - timedelta(hours=3)
    moved = local.post("/_local/clock", {"now": earlier.isoformat()})
    assert moved.status == 200
    assert abs(when(moved.body["now"]) - earlier) < timedelta(seconds=5)
    assert moved.body["fired"] == 0
    back = local.post("/_local/clock", {"advance_hours": 3})
    assert back.status == 200
    assert abs(when(back.body["now"]) - after) < timedelta(seconds=10)

    for bad in (
        {},
        {"now": "2026-12-01T08:00:00"},  # no offset
        {"now": "yesterday"},
        {"advance_hours": "1"},
        {"advance_hours": True},
        {"now": "2026-12-01T08:00:00Z", "advance_hours": 1},
    ):
        assert local.post("/_local/clock", bad).status == 422, bad
    assert local.request("POST", "/_local/clock", raw=b"{").status == 400


def test_an_unanswered_inquiry_expires_when_the_clock_passes_its_deadline(
    local: LocalStack,
) -> None:
    inquiry_id = submit(local)
    partner = local.token("partner", SOUTH_TYROL)
    hq = local.token("hq")
    pending = local.get(f"/inquiries/{inquiry_id}", token=hq).body
    assert pending["status"] == "pending"
    now = when(local.get("/_local/clock").body["now"])
    hours = (when(pending["deadline"]) - now).total_seconds() / 3600

    # A minute before the deadline nothing happens to it ...
    early = local.post("/_local/clock", {"advance_hours": hours - 1 / 60})
    assert early.status == 200
    assert local.get(f"/inquiries/{inquiry_id}", token=hq).body["status"] == "pending"

    # ... past it, the expiry has fired by the time the clock answers.
    moved = local.post("/_local/clock", {"advance_hours": 100})
    assert moved.status == 200
    assert moved.body["fired"] >= 1
    expired = local.get(f"/inquiries/{inquiry_id}", token=hq).body
    assert expired["status"] == "returned"
    assert expired["return_reason"] == "expired"
    assert expired["deadline"] is None
    assert local.get(f"/inquiries/{inquiry_id}", token=partner).status == 404
    # Nothing is left to fire.
    assert local.post("/_local/clock", {"advance_hours": 0}).body["fired"] == 0


def test_setting_the_clock_to_the_deadline_shown_expires_it_at_once(local: LocalStack) -> None:
    """The README's `{"now": "<deadline>"}`: the deadline shown is the deadline itself (whole
    seconds), so the clock set to it fires the expiry before it answers, every time."""
    hq = local.token("hq")
    for _ in range(5):
        inquiry_id = submit(local)
        deadline = local.get(f"/inquiries/{inquiry_id}", token=hq).body["deadline"]
        assert when(deadline).microsecond == 0, deadline
        local.post("/_local/clock", {"now": (when(deadline) - timedelta(seconds=1)).isoformat()})
        moved = local.post("/_local/clock", {"now": deadline})
        assert moved.body["fired"] >= 1, moved.body
        assert local.get(f"/inquiries/{inquiry_id}", token=hq).body["status"] == "returned"


def test_reports_count_what_happened(local: LocalStack) -> None:
    hq = local.token("hq")
    partner = local.token("partner", SOUTH_TYROL)
    start = when(local.get("/_local/clock").body["now"])
    accepted, rejected, expiring = submit(local), submit(local), submit(local)
    assert local.post(f"/inquiries/{accepted}/accept", token=partner).status == 200
    assert local.post(f"/inquiries/{accepted}/progress", {"step": "won"}, token=partner).status == (
        200
    )
    reject = local.post(f"/inquiries/{rejected}/reject", {"reason": "spam"}, token=partner)
    assert reject.status == 200
    assert local.post("/_local/clock", {"advance_hours": 24 * 10}).body["fired"] >= 1
    assert local.get(f"/inquiries/{expiring}", token=hq).body["return_reason"] == "expired"
    period = {
        "from": start.date().isoformat(),
        "to": (start + timedelta(days=1)).date().isoformat(),
    }

    report = local.get("/reports/response-times", token=hq, query=period)
    assert report.status == 200, report.text
    rows = {row["partner_id"]: row for row in report.body["partners"]}
    south_tyrol = rows[SOUTH_TYROL]
    assert south_tyrol["assigned"] >= 3
    assert south_tyrol["accepted"] >= 1
    assert south_tyrol["rejected"] >= 1
    assert south_tyrol["expired"] >= 1
    assert report.body["total"]["assigned"] >= south_tyrol["assigned"]

    csv = local.get("/reports/response-times", token=hq, query={**period, "format": "csv"})
    assert csv.status == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.text.startswith("\ufeff")  # for spreadsheets set to German: BOM and `;`
    lines = csv.text.removeprefix("\ufeff").strip().splitlines()
    assert lines[0].startswith("partner_id;assigned;accepted;rejected;expired;pending")
    assert lines[-1].startswith("total;")

    own = local.get("/reports/response-times", token=partner, query=period)
    assert [row["partner_id"] for row in own.body["partners"]] == [SOUTH_TYROL]
    other = local.get(
        "/reports/response-times", token=partner, query={**period, "partner_id": BAVARIA}
    )
    assert other.status == 403

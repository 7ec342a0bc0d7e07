"""Who next, through real API Gateway events against moto: HQ's suggestions, the
automatic re-routing after a rejection or an expiry, and a partner's hand-over of a
pending offer to a colleague.

Three partners cover Bolzano (39100): `meran` with the longest prefix (391), then
`alpin` and `trient` tied on 39 (the tie broken by fewest pending, then the id), and
`italia` with the whole country.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.dynamodb import DynamoRepository

from local.events import invoke
from tests.integration.conftest import GROUP, TABLE
from tests.support.api import call, hq, partner
from tests.support.demo import (
    PARTNERS,
    SOUTH_TYROL,
    act,
    form,
    offers_of,
    put_partner,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
    view,
)

MERAN, ALPIN, TRIENT, ITALIA = "meran", "alpin", "trient", "italia"


def _body(name: str, prefixes: list[str], **extra: Any) -> dict[str, Any]:
    return {
        **PARTNERS[SOUTH_TYROL],
        "name": name,
        "territories": [{"country": "IT", "postal_prefixes": prefixes}],
        **extra,
    }


def _partners() -> None:
    put_partner(MERAN, _body("Fenster Meran", ["391"]))
    put_partner(ALPIN, _body("Fenster Alpin", ["39"]))
    put_partner(TRIENT, _body("Trient Serramenti", ["39", "38"]))
    put_partner(ITALIA, _body("Serramenti Italia", [""]))


def _suggestions(inquiry_id: str, claims: dict[str, Any] | None = None) -> Any:
    return call("GET", f"/inquiries/{inquiry_id}/suggestions", claims=claims or hq())


def _ranked(inquiry_id: str) -> list[tuple[str, list[str]]]:
    answer = _suggestions(inquiry_id)
    assert answer.status == 200, answer.text
    return [(c["partner_id"], c["why"]) for c in answer.body["candidates"]]


def _reject(inquiry_id: str, partner_id: str, reason: str) -> Any:
    return act(inquiry_id, "reject", partner(partner_id), {"reason": reason})


def _reroute(monkeypatch: pytest.MonkeyPatch, clock: FixedClock, steps: int) -> None:
    monkeypatch.setenv("AUTO_REROUTE_MAX", str(steps))
    wiring.reset()
    wiring.override(clock=clock)


def _expire(aws: dict[str, Any], clock: FixedClock, inquiry_id: str) -> None:
    """The offer's own schedule fires at its deadline."""
    inquiry = view(inquiry_id)
    seq = max(int(o["seq"]) for o in offers_of(aws["dynamodb"], TABLE, inquiry_id))
    for schedule in schedules(aws["scheduler"], GROUP):
        event = schedule_input(schedule)
        if (event["inquiry_id"], event["offer"]) == (inquiry_id, seq):
            clock.set(datetime.fromisoformat(inquiry["deadline"]))
            assert invoke("expire", event)["expired"] == 1
            return
    raise AssertionError(f"offer {seq} of {inquiry_id} has no schedule")


def _trail(inquiry_id: str) -> list[tuple[str, Any]]:
    """What happened after intake: (action, the partner it names)."""
    return [
        (e["action"], e.get("to_partner_id") or e.get("partner_id") or e.get("reason"))
        for e in view(inquiry_id)["events"]
        if e["action"] != "received"
    ]


# --- suggestions ----------------------------------------------------------------------------


def test_suggestions_rank_as_routing_does_with_the_reasons(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    put_partner("other", _body("Other", ["39"], products=["sunrooms"]))  # not windows
    put_partner("asleep", _body("Asleep", ["391"], active=False))
    inquiry_id = submit()
    assert view(inquiry_id)["partner_id"] == MERAN  # the rule's first pick
    assert _reject(inquiry_id, MERAN, "no_capacity").status == 200
    # ALPIN gets one pending inquiry from elsewhere: TRIENT has fewer now.
    elsewhere = submit(form(contact={"postal_code": "38100"}))
    assert act(elsewhere, "assign", hq(), {"partner_id": ALPIN}).status == 200

    ranked = _ranked(inquiry_id)

    # Meran rejected it, `asleep` is inactive, `other` does not sell windows.
    assert ranked == [
        (TRIENT, ["territory", "product", "closest_territory", "fewest_pending"]),
        (ALPIN, ["territory", "product", "closest_territory"]),
        (ITALIA, ["territory", "product"]),
    ]
    first = _suggestions(inquiry_id).body["candidates"][0]
    assert (first["name"], first["postal_prefix"], first["pending"]) == (
        "Trient Serramenti",
        "39",
        0,
    )
    # HQ assigns from them in one call.
    assigned = act(inquiry_id, "assign", hq(), {"partner_id": TRIENT})
    assert assigned.status == 200, assigned.text
    assert assigned.body["partner_id"] == TRIENT


def test_suggestions_leave_out_the_partner_it_is_pending_with(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit()

    assert [p for p, _ in _ranked(inquiry_id)] == [ALPIN, TRIENT, ITALIA]


def test_suggestions_leave_out_who_let_it_expire(aws: dict[str, Any], clock: FixedClock) -> None:
    _partners()
    inquiry_id = submit()
    _expire(aws, clock, inquiry_id)

    assert view(inquiry_id)["return_reason"] == "expired"
    assert [p for p, _ in _ranked(inquiry_id)] == [ALPIN, TRIENT, ITALIA]


def test_suggestions_of_an_accepted_inquiry_are_409_and_of_an_unknown_one_404(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit()
    assert act(inquiry_id, "accept", partner(MERAN), {}).status == 200

    answer = _suggestions(inquiry_id)

    assert answer.status == 409, answer.text
    assert "accepted" in answer.body["message"]
    assert _suggestions("no-such-inquiry").status == 404


def test_only_hq_reads_suggestions(aws: dict[str, Any], clock: FixedClock) -> None:
    _partners()
    inquiry_id = submit()

    assert _suggestions(inquiry_id, partner(MERAN)).status == 403
    assert call("GET", f"/inquiries/{inquiry_id}/suggestions").status == 401


def test_with_nobody_covering_the_place_the_list_is_empty(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit(form(contact={"country": "AT", "postal_code": "1010"}))

    assert view(inquiry_id)["status"] == "unassigned"
    assert _ranked(inquiry_id) == []


# --- automatic re-routing -------------------------------------------------------------------


def test_re_routing_is_off_by_default(aws: dict[str, Any], clock: FixedClock) -> None:
    _partners()
    inquiry_id = submit()

    assert _reject(inquiry_id, MERAN, "out_of_area").status == 200

    returned = view(inquiry_id)
    assert (returned["status"], returned["partner_id"]) == ("returned", None)
    assert _trail(inquiry_id) == [("offered", MERAN), ("rejected", MERAN)]


def test_the_chain_goes_on_n_times_then_stops_at_hq(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 2)
    _partners()
    inquiry_id = submit()

    answer = _reject(inquiry_id, MERAN, "out_of_area")
    assert answer.status == 200, answer.text
    # The partner that declined learns what it did, not where it went.
    assert answer.body == {"id": inquiry_id, "status": "returned", "reason": "out_of_area"}
    assert call("GET", f"/inquiries/{inquiry_id}", claims=partner(MERAN)).status == 404
    step1 = view(inquiry_id)
    assert (step1["status"], step1["partner_id"]) == ("pending", ALPIN)

    _expire(aws, clock, inquiry_id)  # ALPIN lets it expire: on to TRIENT
    step2 = view(inquiry_id)
    assert (step2["status"], step2["partner_id"]) == ("pending", TRIENT)
    # The next partner sees its offer, nothing of the partners before it.
    seen = view(inquiry_id, partner(TRIENT))
    assert seen["anonymized"] is True
    assert [e["action"] for e in seen["events"]] == ["received", "offered"]

    assert _reject(inquiry_id, TRIENT, "product_not_offered").status == 200  # 2 done: HQ

    final = view(inquiry_id)
    assert (final["status"], final["return_reason"], final["partner_id"]) == (
        "returned",
        "rejected",
        None,
    )
    assert _trail(inquiry_id) == [
        ("offered", MERAN),
        ("rejected", MERAN),
        ("rerouted", ALPIN),
        ("offered", ALPIN),
        ("expired", ALPIN),
        ("rerouted", TRIENT),
        ("offered", TRIENT),
        ("rejected", TRIENT),
        ("reroute_ended", TRIENT),
    ]
    events = view(inquiry_id)["events"]
    rerouted = [e for e in events if e["action"] == "rerouted"]
    assert [(e["cause"], e["step"], e["of"], e["actor"]) for e in rerouted] == [
        ("out_of_area", 1, 2, "system"),
        ("expired", 2, 2, "system"),
    ]
    assert [e["reason"] for e in events if e["action"] == "reroute_ended"] == ["limit"]
    # Each partner had it once; every onward offer got its expiry schedule, like intake's.
    stored = offers_of(aws["dynamodb"], TABLE, inquiry_id)
    assert [
        (o["partner_id"], o["outcome"]) for o in sorted(stored, key=lambda o: int(o["seq"]))
    ] == [
        (MERAN, "rejected"),
        (ALPIN, "expired"),
        (TRIENT, "rejected"),
    ]
    assert _in_hq_queue(inquiry_id)


def _in_hq_queue(inquiry_id: str) -> bool:
    answer = call("GET", "/inquiries", claims=hq(), query={"status": "returned"})
    return inquiry_id in [i["id"] for i in answer.body["items"]]


def test_each_onward_offer_gets_an_expiry_schedule(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 3)
    _partners()
    inquiry_id = submit()

    assert _reject(inquiry_id, MERAN, "no_capacity").status == 200

    fired = {
        (e["inquiry_id"], e["offer"])
        for e in (schedule_input(s) for s in schedules(aws["scheduler"], GROUP))
    }
    assert (inquiry_id, 2) in fired
    assert (inquiry_id, 1) not in fired  # the rejected offer's schedule is gone
    deadline = datetime.fromisoformat(view(inquiry_id)["deadline"])
    assert deadline > clock.now() + timedelta(hours=24)  # a deadline of its own


def test_the_chain_never_offers_twice_and_ends_when_nobody_is_left(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 10)
    _partners()
    inquiry_id = submit()

    for holder in (MERAN, ALPIN, TRIENT, ITALIA):
        assert view(inquiry_id)["partner_id"] == holder
        assert _reject(inquiry_id, holder, "no_capacity").status == 200

    final = view(inquiry_id)
    assert final["status"] == "returned"
    assert final["events"][-1]["action"] == "reroute_ended"
    assert final["events"][-1]["reason"] == "no_candidate"
    partners = [o["partner_id"] for o in offers_of(aws["dynamodb"], TABLE, inquiry_id)]
    assert sorted(partners) == sorted({MERAN, ALPIN, TRIENT, ITALIA})


def test_spam_or_other_goes_straight_back_to_hq(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 3)
    _partners()
    spam, other = submit(), submit()

    assert _reject(spam, MERAN, "spam").status == 200
    assert _reject(other, MERAN, "other").status == 200

    for inquiry_id in (spam, other):
        assert view(inquiry_id)["status"] == "returned"
        assert [a for a, _ in _trail(inquiry_id)] == ["offered", "rejected"]


def test_a_dealer_page_inquiry_always_goes_back_to_hq(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 3)
    _partners()
    chosen = submit(form(partner_id=ALPIN))
    expired = submit(form(partner_id=ALPIN))

    assert _reject(chosen, ALPIN, "out_of_area").status == 200
    _expire(aws, clock, expired)

    for inquiry_id in (chosen, expired):
        final = view(inquiry_id)
        assert (final["status"], final["channel"]) == ("returned", "dealer_page")
        assert final["events"][-1]["reason"] == "dealer_page"
        assert len(offers_of(aws["dynamodb"], TABLE, inquiry_id)) == 1


def test_the_sweeper_re_routes_too(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reroute(monkeypatch, clock, 1)
    _partners()
    inquiry_id = submit()
    clock.set(datetime.fromisoformat(view(inquiry_id)["deadline"]))

    assert invoke("expire", {"sweep": True})["expired"] == 1

    assert view(inquiry_id)["partner_id"] == ALPIN
    assert [a for a, _ in _trail(inquiry_id)] == ["offered", "expired", "rerouted", "offered"]


def test_a_next_partner_deactivated_in_the_race_is_passed_over(
    aws: dict[str, Any], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Routing read ALPIN as active; it was deactivated before the write: the write's
    condition on ALPIN fails, nothing is stored, and the rejection is decided again."""
    _reroute(monkeypatch, clock, 3)
    _partners()
    inquiry_id = submit()
    covering = DynamoRepository.partners_covering

    def read_before_the_deactivation(self: DynamoRepository, country: str) -> Any:
        found = covering(self, country)
        monkeypatch.setattr(DynamoRepository, "partners_covering", covering)
        patched = call("PATCH", f"/partners/{ALPIN}", body={"active": False}, claims=hq())
        assert patched.status == 200
        return found

    monkeypatch.setattr(DynamoRepository, "partners_covering", read_before_the_deactivation)
    answer = _reject(inquiry_id, MERAN, "out_of_area")

    assert answer.status == 200, answer.text
    assert view(inquiry_id)["partner_id"] == TRIENT
    partners = {o["partner_id"] for o in offers_of(aws["dynamodb"], TABLE, inquiry_id)}
    assert partners == {MERAN, TRIENT}


# --- hand-over while pending ----------------------------------------------------------------


@pytest.mark.parametrize("accepted", [False, True])
def test_a_hand_over_to_whoever_holds_the_inquiry_is_409_and_records_nothing(
    clock: FixedClock, accepted: bool
) -> None:
    """A second click or a retry: no second hand-over, no event, no new version."""
    _partners()
    inquiry_id = submit()
    anna = partner(MERAN, "meran-anna")
    if accepted:
        assert act(inquiry_id, "accept", anna, {}).status == 200  # Anna holds it
    else:
        assert act(inquiry_id, "assign", anna, {"user_id": "meran-bert"}).status == 200
    holder = "meran-anna" if accepted else "meran-bert"
    before = view(inquiry_id)
    clock.advance(minutes=5)

    answer = act(inquiry_id, "assign", anna, {"user_id": holder})

    assert answer.status == 409, answer.text
    assert answer.body["message"] == f"the inquiry is already with user {holder}"
    assert view(inquiry_id) == before


def test_hq_handing_an_inquiry_to_the_hq_user_who_has_it_is_409(clock: FixedClock) -> None:
    _partners()
    inquiry_id = submit()
    assert act(inquiry_id, "assign", hq(), {"user_id": "hq-anna"}).status == 200
    before = view(inquiry_id)

    answer = act(inquiry_id, "assign", hq(), {"user_id": "hq-anna"})

    assert answer.status == 409, answer.text
    assert answer.body["message"] == "the inquiry is already with user hq-anna"
    assert view(inquiry_id) == before
    assert act(inquiry_id, "assign", hq(), {"user_id": "hq-bert"}).status == 200


def test_a_partner_hands_a_pending_offer_to_a_colleague_deadline_unchanged(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit()
    before = view(inquiry_id)
    clock.advance(hours=2)

    answer = act(inquiry_id, "assign", partner(MERAN, "meran-anna"), {"user_id": "meran-bert"})

    assert answer.status == 200, answer.text
    handed = answer.body
    assert (handed["status"], handed["user_id"], handed["deadline"]) == (
        "pending",
        "meran-bert",
        before["deadline"],
    )
    assert handed["anonymized"] is True and handed["contact"] is None  # still not accepted
    assert handed["events"][-1]["action"] == "assigned"
    # The colleague finds it in the partner's list with its name as the assignee.
    inbox = call("GET", "/inquiries", claims=partner(MERAN, "meran-bert")).body["items"]
    assert [(i["id"], i["user_id"]) for i in inbox] == [(inquiry_id, "meran-bert")]
    # The offer is the same: one offer, its deadline as it was.
    [offer] = offers_of(aws["dynamodb"], TABLE, inquiry_id)
    assert offer["outcome"] == "pending"
    accepted = act(inquiry_id, "accept", partner(MERAN, "meran-bert"), {})
    assert accepted.status == 200, accepted.text
    assert accepted.body["inquiry"]["user_id"] == "meran-bert"


def test_a_hand_over_after_the_deadline_is_409_and_returns_it(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit()
    clock.set(datetime.fromisoformat(view(inquiry_id)["deadline"]))

    answer = act(inquiry_id, "assign", partner(MERAN), {"user_id": "meran-bert"})

    assert answer.status == 409, answer.text
    assert view(inquiry_id)["return_reason"] == "expired"


def test_only_the_offered_partner_hands_over_and_only_to_a_user(
    aws: dict[str, Any], clock: FixedClock
) -> None:
    _partners()
    inquiry_id = submit()

    assert act(inquiry_id, "assign", partner(ALPIN), {"user_id": "x"}).status == 404
    assert act(inquiry_id, "assign", partner(MERAN), {"partner_id": ALPIN}).status == 403
    assert act(inquiry_id, "assign", partner(MERAN), {}).status == 422
    assert view(inquiry_id)["user_id"] is None

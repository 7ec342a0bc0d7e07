"""No Scan on the partner routes of issue 13: one partner read and patched, suggestions,
the automatic re-routing after a rejection and an expiry (fired and swept), and a
hand-over while pending. The guards are test_no_scan.py's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock

from bench._counting import Recorder
from local.events import invoke
from tests.integration.test_no_scan import scans  # noqa: F401  (the guards, as a fixture)
from tests.support.api import call, hq, partner
from tests.support.demo import PARTNERS, SOUTH_TYROL, form


def _ok(method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
    answer = call(method, path, **kwargs)
    assert answer.status == status, (answer.status, answer.text[:300])
    return answer.body


def test_the_partner_routes_and_re_routing_never_scan(
    scans: list[str],  # noqa: F811
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTO_REROUTE_MAX", "3")
    wiring.reset()
    wiring.override(clock=clock)
    recorder = Recorder()
    recorder.attach_to(wiring.dependencies())
    first, second, third = "first", "second", "third"
    with recorder.measuring() as tally:
        for partner_id, prefix in ((first, "391"), (second, "39"), (third, "3")):
            body = {
                **PARTNERS[SOUTH_TYROL],
                "territories": [{"country": "IT", "postal_prefixes": [prefix]}],
            }
            _ok("PUT", f"/partners/{partner_id}", body=body, claims=hq())
        _ok("PATCH", f"/partners/{third}", body={"name": "Third"}, claims=hq())
        assert _ok("GET", f"/partners/{third}", claims=hq())["name"] == "Third"
        rejected = _ok("POST", "/inquiries", 201, body=form())["id"]
        expiring = _ok("POST", "/inquiries", 201, body=form())["id"]
        suggested = _ok("GET", f"/inquiries/{rejected}/suggestions", claims=hq())
        assert [c["partner_id"] for c in suggested["candidates"]] == [second, third]
        _ok(
            "POST",
            f"/inquiries/{expiring}/assign",
            body={"user_id": "first-colleague"},
            claims=partner(first),
        )
        _ok(
            "POST",
            f"/inquiries/{rejected}/reject",
            body={"reason": "out_of_area"},
            claims=partner(first),
        )
        deadline = _ok("GET", f"/inquiries/{expiring}", claims=hq())["deadline"]
        clock.set(datetime.fromisoformat(deadline))
        assert invoke("expire", {"sweep": True})["expired"] == 2

    assert scans == []
    assert "Scan" not in tally.of("dynamodb")
    # Both deadlines came at once: the rejected one went on from `second`, the other from `first`.
    for inquiry_id, holder in ((rejected, third), (expiring, second)):
        assert _ok("GET", f"/inquiries/{inquiry_id}", claims=hq())["partner_id"] == holder

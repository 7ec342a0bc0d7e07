"""Demo data for a fresh local stack: four partners in the Alps, and a sample inquiry.

Their `notify_emails` use `.example` addresses: locally every mail lands in the outbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from local.events import http_event, match

SOUTH_TYROL = "alpin-bz"

# Partner id -> the body of `PUT /partners/{partner_id}`.
PARTNERS: dict[str, dict[str, Any]] = {
    SOUTH_TYROL: {
        "name": "Fenster Alpin (South Tyrol)",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        "notify_emails": ["sales@fenster-alpin.example"],
        "language": "de",
    },
    "bayern-muc": {
        "name": "Fensterbau Bayern (Munich)",
        "country": "DE",
        "subdivision": "BY",
        "timezone": "Europe/Berlin",
        "territories": [{"country": "DE", "postal_prefixes": ["8", "9"]}],
        "notify_emails": ["anfragen@fensterbau-bayern.example"],
        "language": "de",
    },
    "wien": {
        "name": "Wiener Fenster & Türen (Vienna)",
        "country": "AT",
        "subdivision": "9",
        "timezone": "Europe/Vienna",
        "territories": [{"country": "AT", "postal_prefixes": ["1"]}],
        "notify_emails": ["office@wiener-fenster.example"],
        "language": "de",
    },
    "zuerich": {
        "name": "Zürcher Fensterwerk (Zurich)",
        "country": "CH",
        "subdivision": "ZH",
        "timezone": "Europe/Zurich",
        "territories": [{"country": "CH", "postal_prefixes": ["80", "81"]}],
        "notify_emails": ["info@fensterwerk.example"],
        "language": "de",
    },
}


_HQ_SETUP = {"sub": "local-setup", "custom:role": "hq"}


def load_partners(invoke: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
    """Create the demo partners through the decide function, as HQ's console would."""
    for partner_id, body in PARTNERS.items():
        path = f"/partners/{partner_id}"
        found = match("PUT", path)
        assert found is not None, "the route table has no PUT /partners/{partner_id}"
        route, params = found
        event = http_event(
            route,
            path=path,
            path_parameters=params,
            headers={"content-type": "application/json"},
            body=json.dumps(body).encode(),
            claims=_HQ_SETUP,
        )
        answer = invoke(route.function, event)
        if answer.get("statusCode") != 200:
            raise RuntimeError(f"could not create demo partner {partner_id}: {answer.get('body')}")

"""Hostile inputs are answered with the right 4xx and change nothing.

Every route of api.md meets huge fields, wrong types, odd unicode, injection strings, the ids
of other partners and odd claims, through real API Gateway HTTP API v2 events: about 1,350
cases in a few table-driven tests, each case named in its assertion message. Each case gets
its exact status (never a 5xx) and a small JSON body with a `message`. Nothing changes: after
each POST or PUT, the versions of every inquiry (or partner) item are compared (one Query of
an index); after each table, the partitions of every inquiry and partner involved (Query,
never Scan), the territory and idempotency partitions, HQ's list of all inquiries and the
partners as the API shows them, and the expiry schedules.

What the contract leaves open, as these tests pin it down: a body is UTF-8 (a leading BOM is
ignored; anything else, lone surrogates included, is `400`); JSON nested deeper than the parser
goes, or with an integer of more digits than it reads, is `400`; a path parameter that
Powertools' route patterns refuse (`#`, `"`, NUL, CR, an emoji) is `404` like any unknown path;
free text takes any characters but control characters (a street, a message and a note keep line
breaks and tabs) and shows them back exactly; a name must show something.

Forged, expired or badly signed JWTs never reach a function: on AWS, API Gateway's JWT
authorizer checks signature, issuer, audience and expiry and answers `401` itself; locally the
local gateway does the same (`local/tokens.py`), and the end-to-end tests cover that. What a
function can meet is the claims of a token the authorizer accepted, however odd: those are
tested here, the way the authorizer delivers them (`requestContext.authorizer.jwt.claims`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import ALL_INQUIRIES, ALL_PARTNERS, SHARDS, book_pks, shard_of
from inquiries.adapters.lists import shards_of
from inquiries.adapters.table import index_keys
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local.events import http_event, invoke, match
from tests.integration.conftest import GROUP, REGION, TABLE
from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    ZURICH,
    accept,
    act,
    form,
    partner_body,
    put_partners,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    submit,
)

ST = partner(SOUTH_TYROL)
BY = partner(BAVARIA)
GHOST = "ghost-partner"  # a partner organisation that does not exist

MB = 1024 * 1024
REPORT = {"from": "2026-12-01", "to": "2026-12-31"}

INJECTIONS = (
    "' OR 1=1 --",
    '{"$ne": null}',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "#status = :s",
    "%00",
    "a\r\nSet-Cookie: x=y",
    "${jndi:ldap://example.invalid/a}",
)

# The same in a path, where a `/` can only come percent-encoded.
IN_PATHS = tuple(text.replace("/", "%2F") for text in INJECTIONS)


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    """Inquiries in every state a hostile request could aim at, and what to compare."""

    aws: dict[str, Any]
    inquiries: dict[str, str]
    by_contact: str  # a contact in Bavaria's partition
    keys: list[str] = field(default_factory=list)  # Idempotency-Keys whose claims to compare

    def __getitem__(self, name: str) -> str:
        return self.inquiries[name]


@pytest.fixture
def world(aws: dict[str, Any], clock: FixedClock) -> World:
    """South Tyrol and Bavaria with inquiries pending, accepted and returned, one unassigned.

    `st_duplicate` is accepted by South Tyrol but its contact is not linked yet (it matched
    the contact of `st_accepted`), so a valid contact link would change it.
    """
    put_partners(SOUTH_TYROL, BAVARIA)
    marco = {"first_name": "Marco", "last_name": "Bianchi", "email": "marco@example.com"}
    marco |= {"phone": "+39 0471 987654", "street": "Via Museo 3"}
    inquiries = {
        "st_pending": submit(),
        "st_accepted": submit(form(contact=marco)),
        "st_returned": submit(form(contact={"email": "r@example.com", "phone": None})),
        "by_pending": submit(form(BAVARIA)),
        "by_accepted": submit(form(BAVARIA, contact={"email": "b@example.de", "phone": None})),
        "unassigned": submit(form(ZURICH)),  # nobody covers Switzerland
    }
    accept(inquiries["st_accepted"], SOUTH_TYROL)
    inquiries["st_duplicate"] = submit(form(contact=marco))
    found = accept(inquiries["st_duplicate"], SOUTH_TYROL)
    assert found["duplicates"] and found["inquiry"]["contact_id"] is None
    answer = act(inquiries["st_returned"], "reject", ST, {"reason": "no_capacity"})
    assert answer.status == 200, answer.text
    by_contact = accept(inquiries["by_accepted"], BAVARIA)["inquiry"]["contact_id"]
    assert by_contact
    return World(aws, inquiries, by_contact)


def _partition(dynamodb: Any, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ConsistentRead=True,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def snapshot(world: World) -> dict[str, Any]:
    """Everything a hostile request could have changed: every partition involved (Query), HQ's
    list of all inquiries and the partners as the API shows them, and the schedules."""
    claims = [f"IDEMPOTENCY#{hashlib.sha256(k.encode()).hexdigest()}" for k in world.keys]
    partitions = [
        *(f"INQ#{i}" for i in world.inquiries.values()),
        *(f"PARTNER#{p}" for p in (SOUTH_TYROL, BAVARIA, ZURICH, GHOST)),
        *(pk for p in (SOUTH_TYROL, BAVARIA, ZURICH, GHOST) for pk in book_pks(p)),
        *(f"TERRITORY#{c}" for c in ("IT", "DE", "CH")),
        *claims,
    ]
    listed = call("GET", "/inquiries", claims=hq(), query={"limit": 100})
    partners = call("GET", "/partners", claims=hq())
    assert listed.status == partners.status == 200
    assert listed.body["next"] is None
    scheduled = world.aws["scheduler"].list_schedules(GroupName=GROUP, MaxResults=100)
    assert "NextToken" not in scheduled
    return {
        "partitions": {pk: _partition(world.aws["dynamodb"], pk) for pk in partitions},
        "versions": {kind: versions(world, kind) for kind in INDEXED},
        "listed": listed.body["items"],
        "partners": partners.body["items"],
        "schedules": sorted((s["Name"], s["State"]) for s in scheduled["Schedules"]),
    }


# Every inquiry item is in one of the `INQUIRIES#<n>` shards of gsi3, every partner item in
# the `PARTNERS` partition of gsi2.
INDEXED = {
    "inquiries": ("gsi3", "gsi3pk", shards_of(ALL_INQUIRIES)),
    "partners": ("gsi2", "gsi2pk", (ALL_PARTNERS,)),
}


def versions(world: World, kind: str) -> list[tuple[str, str]]:
    """The key and version of every inquiry (or partner) item, one Query per index shard.

    Every write to an inquiry bumps the version of its item (its offers, events and contacts
    are written in the same transaction), and so does every write to a partner: after each
    case, this shows in one call whether it wrote. A new inquiry shows here too.
    """
    index, pk_name, partitions = INDEXED[kind]
    found = []
    for pk in partitions:
        page = world.aws["dynamodb"].query(
            TableName=TABLE,
            IndexName=index,
            KeyConditionExpression=f"{pk_name} = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )
        assert "LastEvaluatedKey" not in page
        # The indexes hold keys: each item's version is read from the table.
        for entry in page["Items"]:
            item = world.aws["dynamodb"].get_item(
                TableName=TABLE,
                Key={"pk": entry["pk"], "sk": entry["sk"]},
                ConsistentRead=True,
                ProjectionExpression="pk, #version",
                ExpressionAttributeNames={"#version": "version"},
            )["Item"]
            found.append((item["pk"]["S"], item["version"]["N"]))
    return sorted(found)


def stored(world: World) -> dict[tuple[str, str], str | None]:
    """The key and version of every item of the table, read from moto's model in this process.

    What `versions` shows through the API, for every item of every kind at once, without a
    request: after each of a thousand cases, a Query per index shard and a read per item
    were most of this module's time. A new item shows by its key, a changed one by its
    version (every write bumps the version of the item it changes).
    """
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE]
    return {
        (item.hash_key.value, item.range_key.value): getattr(
            item.attrs.get("version"), "value", None
        )
        for partition in table.items.values()
        for item in partition.values()
    }


# --- cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile request and the status it must get."""

    name: str
    method: str
    path: str
    status: int
    claims: Any = None
    body: Any = None
    raw: bytes | None = None
    query: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    authorizer: Any = None  # the whole `requestContext.authorizer`, for shapes `claims` cannot give


def send(case: Case) -> Answer:
    """The request as API Gateway would deliver it to the function that serves the route."""
    if case.authorizer is None:
        return call(
            case.method,
            case.path,
            body=case.body,
            raw=case.raw,
            claims=case.claims,
            query=case.query,
            headers=case.headers,
        )
    found = match(case.method, case.path)
    assert found is not None, case.name
    route, params = found
    event = http_event(
        route,
        path=case.path,
        path_parameters=params,
        query=urlencode(case.query or {}),
        headers={"content-type": "application/json"},
        body=None if case.body is None else json.dumps(case.body).encode(),
    )
    event["requestContext"]["authorizer"] = case.authorizer
    response = invoke(route.function, event)
    text = response.get("body") or ""
    return Answer(response["statusCode"], json.loads(text), response.get("headers", {}), text)


def expect(world: World, cases: Iterable[Case]) -> None:
    """Each case gets its status with a small JSON `message`, and leaves the world as it was.

    After each case that could write (every POST and PUT), the keys and versions of all
    items are compared; after the whole run, everything in `snapshot`.
    """
    before = snapshot(world)
    items = stored(world)
    count = 0
    for case in cases:
        answer = send(case)
        shown = answer.text[:300]
        assert answer.status == case.status, f"{case.name}: {answer.status} {shown}"
        assert isinstance(answer.body, dict), f"{case.name}: not JSON: {shown}"
        message = answer.body.get("message")
        assert isinstance(message, str) and message, f"{case.name}: no message: {shown}"
        # However many mistakes a body has, the answer stays far below Lambda's 6 MB limit.
        assert len(answer.text) < 64 * 1024, f"{case.name}: a {len(answer.text)}-byte answer"
        if case.method != "GET":
            assert stored(world) == items, f"{case.name}: it wrote"
        count += 1
    assert count, "no cases"
    assert snapshot(world) == before, "the cases changed something"


@dataclass(frozen=True)
class Target:
    """A route and a caller that may use it on an inquiry it may see: the body decides."""

    name: str
    method: str
    path: str
    claims: Any
    valid: dict[str, Any]  # a body that would change something

    def case(self, name: str, status: int, body: Any = None, raw: bytes | None = None) -> Case:
        return Case(f"{self.name}: {name}", self.method, self.path, status, self.claims, body, raw)


def targets(world: World) -> list[Target]:
    """Every route with a body, each aimed where only the body stands in the way."""
    inquiry = {name: f"/inquiries/{world[name]}" for name in world.inquiries}
    return [
        Target("POST /inquiries", "POST", "/inquiries", None, form()),
        Target("accept", "POST", f"{inquiry['st_pending']}/accept", ST, {}),
        Target("reject", "POST", f"{inquiry['st_pending']}/reject", ST, {"reason": "spam"}),
        Target("contact", "POST", f"{inquiry['st_duplicate']}/contact", ST, {"new": True}),
        Target("assign (hq)", "POST", f"{inquiry['unassigned']}/assign", hq(), {"user_id": "h2"}),
        Target(
            "assign (partner)", "POST", f"{inquiry['st_accepted']}/assign", ST, {"user_id": "c"}
        ),
        Target("discard", "POST", f"{inquiry['unassigned']}/discard", hq(), {}),
        Target("progress", "POST", f"{inquiry['st_accepted']}/progress", ST, {"step": "won"}),
        Target("PUT /partners", "PUT", f"/partners/{SOUTH_TYROL}", hq(), partner_body(SOUTH_TYROL)),
    ]


def submission(status: int, name: str, body: Any = None, **kwargs: Any) -> Case:
    return Case(f"POST /inquiries: {name}", "POST", "/inquiries", status, None, body, **kwargs)


def action(status: int, name: str, path: str, claims: Any, body: Any = None) -> Case:
    return Case(f"POST {path}: {name}", "POST", path, status, claims, body)


def put(status: int, name: str, partner_id: str, body: Any, claims: Any = None) -> Case:
    path = f"/partners/{partner_id}"
    who = claims or hq()
    return Case(f"PUT /partners/{partner_id!r}: {name}", "PUT", path, status, who, body)


def get(code: int, name: str, path: str, claims: Any, **query: Any) -> Case:
    return Case(f"GET {path}: {name}", "GET", path, code, claims, query=query or None)


def contact(**changes: Any) -> dict[str, Any]:
    """A form whose contact has these fields changed."""
    return form(contact=changes)


def without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    """A deep copy of the body without the field at `path`."""
    copied = json.loads(json.dumps(body))
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return dict(copied)


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def fullwidth(text: str) -> str:
    """ASCII letters and digits as their full-width look-alikes (U+FF21 and on)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in text)


def arabic_indic(text: str) -> str:
    return text.translate({ord(str(d)): chr(0x660 + d) for d in range(10)})


def nested(depth: int) -> bytes:
    return ("[" * depth + "1" + "]" * depth).encode()


def nested_objects(depth: int) -> bytes:
    return ('{"a":' * depth + "1" + "}" * depth).encode()


# --- huge --------------------------------------------------------------------------------------


def test_huge_bodies_and_fields_are_413_or_422_on_every_route(world: World) -> None:
    huge = "x" * (10 * MB)
    extra_keys = dict.fromkeys((f"k{i}" for i in range(15_000)), 0)
    cases: list[Case] = []
    for target in targets(world):
        cases += [
            target.case("a 10 MB field", 413, {**target.valid, "note": huge}),
            target.case("256 KiB and a byte of spaces", 413, raw=b" " * (256 * 1024 + 1)),
            target.case("10,000 levels of arrays", 400, raw=nested(10_000)),
            target.case("10,000 levels of objects", 400, raw=nested_objects(10_000)),
            # Valid JSON, but more digits than Python reads an integer with.
            target.case("a 5,000-digit number", 400, raw=b'{"x": -' + b"9" * 5000 + b"}"),
            target.case(
                "900 levels in a field", 422, {**target.valid, "x": json.loads(nested(900))}
            ),
            target.case("15,000 unknown fields", 422, {**target.valid, **extra_keys}),
        ]
    st_accepted, alpin = f"/inquiries/{world['st_accepted']}", partner_body(SOUTH_TYROL)
    cases += [
        submission(413, "10 MB of invalid UTF-8", raw=b"\xff" * (10 * MB)),
        submission(422, "a 200 KiB message", form(message="m" * (200 * 1024))),
        submission(422, "a 5,001-character message", form(message="m" * 5001)),
        submission(422, "a 1,000-character last_name", contact(last_name="R" * 1000)),
        submission(422, "a 1,000-character first_name", contact(first_name="A" * 1000)),
        submission(422, "a 1,000-character street", contact(street="S" * 1000)),
        submission(422, "a 1,000-character e-mail", contact(email="a" * 990 + "@example.com")),
        submission(422, "a 100-character postal code", contact(postal_code="3" * 100)),
        submission(422, "a 1,000-character language", form(language="de-" + "x" * 997)),
        action(
            422,
            "a 2,001-character note",
            f"{st_accepted}/progress",
            ST,
            {"step": "won", "note": "n" * 2001},
        ),
        action(
            422, "a 1,000-character user_id", f"{st_accepted}/assign", ST, {"user_id": "u" * 1000}
        ),
        put(422, "a 1,000-character name", SOUTH_TYROL, {**alpin, "name": "n" * 1000}),
        put(
            422,
            "1,001 postal prefixes",
            SOUTH_TYROL,
            {**alpin, "territories": [{"country": "IT", "postal_prefixes": ["39"] * 1001}]},
        ),
        put(
            422,
            "a 1,000-character prefix",
            SOUTH_TYROL,
            {**alpin, "territories": [{"country": "IT", "postal_prefixes": ["3" * 1000]}]},
        ),
        put(
            422,
            "51 territories",
            SOUTH_TYROL,
            {**alpin, "territories": [{"country": "IT", "postal_prefixes": ["39"]}] * 51},
        ),
        put(
            422, "8 working days", SOUTH_TYROL, {**alpin, "working_days": [1, 2, 3, 4, 5, 6, 7, 1]}
        ),
        # Each wrong item is an error: the answer must still fit in a Lambda response.
        put(422, "80,000 wrong products", SOUTH_TYROL, {**alpin, "products": [1] * 80_000}),
        put(
            422, "a 1,000-character subdivision", SOUTH_TYROL, {**alpin, "subdivision": "B" * 1000}
        ),
        put(
            422,
            "a 1,000-character time zone",
            SOUTH_TYROL,
            {**alpin, "timezone": "Europe/" + "R" * 993},
        ),
        put(422, "a 65-character partner id", "p" * 65, alpin),
        get(422, "a 3 KiB cursor", "/inquiries", ST, cursor="A" * 3000),
        get(422, "a 100 KiB status", "/inquiries", hq(), status="s" * 100_000),
        get(
            422,
            "a 100 KiB date",
            "/reports/response-times",
            hq(),
            **{"from": "2" * 100_000, "to": "2026-12-31"},
        ),
        get(
            422,
            "a 100-year period",
            "/reports/response-times",
            hq(),
            **{"from": "1926-12-01", "to": "2026-12-31"},
        ),
        get(
            422,
            "the end of time",
            "/reports/response-times",
            hq(),
            **{"from": "9999-12-01", "to": "9999-12-31"},
        ),
        get(404, "a 65-character id", f"/inquiries/{'a' * 65}", hq()),
        action(404, "a 10,000-character id", f"/inquiries/{'a' * 10_000}/accept", ST),
        # Who may see the inquiry is decided before the body is read: 404 before 413.
        action(
            404,
            "10 MB on another's inquiry",
            f"/inquiries/{world['by_pending']}/accept",
            ST,
            {"note": huge},
        ),
    ]
    expect(world, cases)


# --- wrong types -------------------------------------------------------------------------------


def test_wrong_types_are_422_on_every_route(world: World) -> None:
    valid = form()
    st_pending = f"/inquiries/{world['st_pending']}"
    st_accepted = f"/inquiries/{world['st_accepted']}"
    st_duplicate = f"/inquiries/{world['st_duplicate']}"
    unassigned = f"/inquiries/{world['unassigned']}"
    alpin = partner_body(SOUTH_TYROL)
    cases: list[Case] = []
    for target in targets(world):
        # JSON, but not an object.
        for raw in (b"[]", b"[{}]", b'"x"', b"1", b"-1.5e300", b"null", b"true"):
            cases.append(target.case(f"a body of {raw.decode()}", 422, raw=raw))
    for name, wrong in {
        "a number": 1,
        "a float": 1.5,
        "a boolean": True,
        "null": None,
        "an array": ["windows"],
        "an object": {"$ne": None},
    }.items():
        cases += [
            submission(422, f"product as {name}", {**valid, "product": wrong}),
            submission(422, f"contact as {name}", {**valid, "contact": wrong}),
            submission(422, f"last_name as {name}", contact(last_name=wrong)),
            submission(422, f"email as {name}", contact(email=wrong)),
            submission(422, f"postal_code as {name}", contact(postal_code=wrong)),
            submission(422, f"country as {name}", contact(country=wrong)),
            action(422, f"reason as {name}", f"{st_pending}/reject", ST, {"reason": wrong}),
            action(422, f"step as {name}", f"{st_accepted}/progress", ST, {"step": wrong}),
            put(422, f"name as {name}", SOUTH_TYROL, {**alpin, "name": wrong}),
            put(422, f"country as {name}", SOUTH_TYROL, {**alpin, "country": wrong}),
            put(422, f"timezone as {name}", SOUTH_TYROL, {**alpin, "timezone": wrong}),
            put(422, f"working_days as {name}", SOUTH_TYROL, {**alpin, "working_days": wrong}),
            put(422, f"territories as {name}", SOUTH_TYROL, {**alpin, "territories": wrong}),
        ]
        if wrong is not None:  # null is "none given" for the optional fields
            cases += [
                submission(422, f"first_name as {name}", contact(first_name=wrong)),
                submission(422, f"phone as {name}", contact(phone=wrong)),
                submission(422, f"company as {name}", contact(company=wrong)),
                submission(422, f"message as {name}", {**valid, "message": wrong}),
                submission(422, f"language as {name}", {**valid, "language": wrong}),
                submission(422, f"partner_id as {name}", {**valid, "partner_id": wrong}),
                action(
                    422,
                    f"note as {name}",
                    f"{st_accepted}/progress",
                    ST,
                    {"step": "won", "note": wrong},
                ),
                action(422, f"note as {name}", f"{unassigned}/discard", hq(), {"note": wrong}),
                action(422, f"note as {name}", f"{st_pending}/accept", ST, {"note": wrong}),
                put(422, f"subdivision as {name}", SOUTH_TYROL, {**alpin, "subdivision": wrong}),
            ]
        if not isinstance(wrong, list):
            cases.append(put(422, f"products as {name}", SOUTH_TYROL, {**alpin, "products": wrong}))
        if not isinstance(wrong, str):
            cases += [
                action(
                    422,
                    f"contact_id as {name}",
                    f"{st_duplicate}/contact",
                    ST,
                    {"contact_id": wrong},
                ),
                action(422, f"user_id as {name}", f"{st_accepted}/assign", ST, {"user_id": wrong}),
                action(
                    422,
                    f"partner_id as {name}",
                    f"{unassigned}/assign",
                    hq(),
                    {"partner_id": wrong},
                ),
            ]
    cases += [
        # Strings, numbers and floats for booleans, and the other way round.
        *(
            submission(422, f"consent {v!r}", {**valid, "consent": v})
            for v in ("true", "yes", 1, 1.0, None, False, [True], {})
        ),
        submission(422, "no consent", without(valid, "consent")),
        submission(422, "no product", without(valid, "product")),
        submission(422, "no contact", without(valid, "contact")),
        submission(422, "no last_name", without(valid, "contact", "last_name")),
        submission(422, "no email", without(valid, "contact", "email")),
        submission(422, "no postal_code", without(valid, "contact", "postal_code")),
        submission(422, "no country", without(valid, "contact", "country")),
        submission(422, "a contact of arrays", {**valid, "contact": [["last_name", "Rossi"]]}),
        *(
            action(422, f"new {v!r}", f"{st_duplicate}/contact", ST, {"new": v})
            for v in ("true", 1, 1.0, [True], None, False)
        ),
        action(
            422,
            "contact_id and new",
            f"{st_duplicate}/contact",
            ST,
            {"contact_id": "c1", "new": True},
        ),
        action(422, "neither contact_id nor new", f"{st_duplicate}/contact", ST, {}),
        action(
            422,
            "partner_id and user_id",
            f"{unassigned}/assign",
            hq(),
            {"partner_id": BAVARIA, "user_id": "u"},
        ),
        action(422, "neither partner_id nor user_id", f"{unassigned}/assign", hq(), {}),
        action(422, "an empty user_id", f"{unassigned}/assign", hq(), {"user_id": "  "}),
        action(422, "no reason", f"{st_pending}/reject", ST, {"note": "busy"}),
        action(422, "no step", f"{st_accepted}/progress", ST, {}),
        *(
            put(422, f"working_days {v!r}", SOUTH_TYROL, {**alpin, "working_days": v})
            for v in (
                [1.0, 2.0],
                [1.5],
                [True, 2],
                ["1", "2"],
                "1,2,3",
                {"1": True},
                [],
                [0],
                [8],
                [-1],
            )
        ),
        put(
            422,
            "postal_prefixes as a string",
            SOUTH_TYROL,
            {**alpin, "territories": [{"country": "IT", "postal_prefixes": "39"}]},
        ),
        put(
            422,
            "postal_prefixes of numbers",
            SOUTH_TYROL,
            {**alpin, "territories": [{"country": "IT", "postal_prefixes": [39]}]},
        ),
        put(
            422, "a territory as an array", SOUTH_TYROL, {**alpin, "territories": [["IT", ["39"]]]}
        ),
        put(422, "products as a string", SOUTH_TYROL, {**alpin, "products": "windows"}),
        put(422, "no name", SOUTH_TYROL, without(alpin, "name")),
        put(422, "no timezone", SOUTH_TYROL, without(alpin, "timezone")),
        *(
            get(422, f"limit {v!r}", "/inquiries", ST, limit=v)
            for v in ("-1", "0", "101", "1e9", "abc", "1.5", "", "true", "0x10", "1,2", "9" * 30)
        ),
        *(
            get(422, f"status {v!r}", "/inquiries", hq(), status=v)
            for v in ("PENDING", "", "1", "null", "pending,accepted", "[]")
        ),
        *(
            get(422, f"from {v!r}", "/reports/response-times", hq(), **{**REPORT, "from": v})
            for v in ("", "abc", "2026-13-01", "2026-02-30", "01.12.2026", "null", "[]")
        ),
        get(422, "no dates", "/reports/response-times", hq()),
        get(
            422,
            "to before from",
            "/reports/response-times",
            hq(),
            **{"from": "2026-12-31", "to": "2026-12-01"},
        ),
        *(
            get(422, f"format {v!r}", "/reports/response-times", hq(), **REPORT, format=v)
            for v in ("xml", "CSV ", "", "json,csv")
        ),
    ]
    expect(world, cases)


# --- unicode -----------------------------------------------------------------------------------

NOT_UTF8 = {
    "a byte 0xff": b'{"note": "\xff"}',
    "an overlong '/'": b'{"note": "\xc0\xaf"}',
    "an encoded surrogate": b'{"note": "\xed\xa0\x80"}',
    "a truncated sequence": b'{"note": "\xe2\x82"}',
    "Latin-1": '{"note": "Müller"}'.encode("latin-1"),
    "UTF-16 with a BOM": '{"note": "x"}'.encode("utf-16"),
    "UTF-16 without a BOM": '{"note": "x"}'.encode("utf-16-le"),
    "a raw NUL in a string": b'{"note": "a\x00b"}',
    "a raw line feed in a string": b'{"note": "a\nb"}',
}


def test_broken_unicode_is_400_and_odd_unicode_in_ids_and_codes_is_refused(world: World) -> None:
    alpin, st_pending = partner_body(SOUTH_TYROL), f"/inquiries/{world['st_pending']}"
    cases: list[Case] = []
    for target in targets(world):
        cases += [target.case(f"body with {name}", 400, raw=raw) for name, raw in NOT_UTF8.items()]
        cases += [
            target.case("a lone high surrogate", 400, {**target.valid, "note": "\ud800"}),
            target.case("a lone low surrogate in a key", 400, {**target.valid, "\udc00": 1}),
            # A byte order mark is ignored (RFC 8259 allows it): what follows is judged.
            target.case("a BOM and an array", 422, raw="\ufeff[]".encode()),
            target.case("a BOM and an unknown field", 422, raw='\ufeff{"x": 1}'.encode()),
        ]
    # The odd character, and the status of a partner id that ends with it: Powertools routes
    # only letters, digits and URL punctuation, so the others never reach the handler (404).
    odd = {
        "a full-width letter": (fullwidth("s"), 422),
        "a NUL": ("\u0000", 404),
        "a zero-width space": ("\u200b", 404),
        "a combining mark": ("\u0301", 404),
        "a right-to-left override": ("\u202e", 404),
        "an emoji": ("\U0001f600", 404),
    }
    for name, (char, partner_id_status) in odd.items():
        cases += [
            submission(422, f"product with {name}", form(product="windows" + char)),
            submission(422, f"country with {name}", contact(country="I" + char)),
            submission(422, f"postal code with {name}", contact(postal_code="39100" + char)),
            submission(422, f"partner_id with {name}", form(partner_id=SOUTH_TYROL + char)),
            submission(422, f"language with {name}", form(language="de" + char)),
            action(
                422, f"reason with {name}", f"{st_pending}/reject", ST, {"reason": "spam" + char}
            ),
            put(
                422,
                f"timezone with {name}",
                SOUTH_TYROL,
                {**alpin, "timezone": "Europe/Rome" + char},
            ),
            put(partner_id_status, f"partner id with {name}", "alpin" + char, alpin),
            get(404, f"an id with {name}", f"/inquiries/{world['st_pending']}{char}", ST),
            get(404, f"an id with {name}", f"/inquiries/{world['st_pending']}{char}", hq()),
            get(422, f"status with {name}", "/inquiries", hq(), status="pending" + char),
            get(422, f"limit with {name}", "/inquiries", hq(), limit="10" + char),
        ]
    for name, char in (("a NUL", "\u0000"), ("a zero-width space", "\u200b"), ("an RLO", "\u202e")):
        cases.append(
            submission(422, f"email with {name}", contact(email=f"anna{char}@example.com"))
        )
    cases += [
        submission(422, "a full-width country", contact(country=fullwidth("IT"))),
        get(422, "full-width digits in limit", "/inquiries", hq(), limit=fullwidth("10")),
        get(
            422,
            "Arabic-Indic digits in a date",
            "/reports/response-times",
            hq(),
            **{"from": arabic_indic("2026-12-01"), "to": "2026-12-31"},
        ),
    ]
    expect(world, cases)


# --- injection ---------------------------------------------------------------------------------


def test_injection_strings_in_ids_codes_queries_and_headers_are_refused(world: World) -> None:
    alpin, valid = partner_body(SOUTH_TYROL), form()
    st_pending = f"/inquiries/{world['st_pending']}"
    st_accepted = f"/inquiries/{world['st_accepted']}"
    st_duplicate = f"/inquiries/{world['st_duplicate']}"
    unassigned = f"/inquiries/{world['unassigned']}"
    pending = world["st_pending"]
    path_ids = [
        *IN_PATHS,
        "..%2F..",
        "..%2F..%2Fpartners",
        "%2e%2e",
        f"{pending}%0D%0A",
        f"{pending}\r\nX-Injected: 1",
        f"{pending}%00",
        f"{pending}#",
        f"INQ#{pending}",
        f"{pending}~",
        f"{pending}.",
        "~",
        ".",
        "..",
        "*",
        "a" * 65,
    ]
    cases: list[Case] = []
    for inquiry_id in path_ids:
        path = f"/inquiries/{inquiry_id}"
        cases += [
            get(404, "a hostile id", path, hq()),
            get(404, "a hostile id", path, ST),
            action(404, "a hostile id", f"{path}/accept", ST, {}),
            action(404, "a hostile id", f"{path}/reject", ST, {"reason": "spam"}),
            action(404, "a hostile id", f"{path}/contact", ST, {"new": True}),
            action(404, "a hostile id", f"{path}/assign", hq(), {"user_id": "h2"}),
            action(404, "a hostile id", f"{path}/discard", hq(), {}),
            action(404, "a hostile id", f"{path}/progress", ST, {"step": "won"}),
        ]
    for partner_id in [*IN_PATHS, "..%2F..", "alpin-bz%00", "alpin-bz\r\n", "*", "p" * 65]:
        # Characters Powertools' route patterns do not take (`#`, `"`, CR, LF) never reach the
        # handler: 404 as for any path without a route. The others are an invalid id: 422.
        unroutable = any(c in partner_id for c in '#"\r\n')
        cases.append(put(404 if unroutable else 422, "a hostile id", partner_id, alpin))
    world.keys += ["k" * 256, "ключ", "a\x00b", "a\r\nb", "a\tb", "\x7f", "", " " * 300]
    for key in world.keys:
        cases.append(
            submission(
                422, f"Idempotency-Key {key[:20]!r}", valid, headers={"Idempotency-Key": key}
            )
        )
    for text in INJECTIONS:
        cases += [
            submission(422, f"product {text!r}", {**valid, "product": text}),
            submission(422, f"email {text!r}", contact(email=text)),
            submission(422, f"email {text!r}@…", contact(email=f"{text}@example.com"))
            if text != "%00"  # a valid local part (RFC 5321 allows `%`)
            else submission(422, "email @%00", contact(email="anna@%00")),
            submission(422, f"postal code {text!r}", contact(postal_code=text)),
            submission(422, f"country {text!r}", contact(country=text)),
            submission(422, f"phone {text!r}", contact(phone=text)),
            submission(422, f"language {text!r}", {**valid, "language": text}),
            submission(422, f"partner_id {text!r}", {**valid, "partner_id": text}),
            submission(422, f"field name {text!r}", {**valid, text: True}),
            action(422, f"reason {text!r}", f"{st_pending}/reject", ST, {"reason": text}),
            action(422, f"step {text!r}", f"{st_accepted}/progress", ST, {"step": text}),
            action(
                422, f"contact_id {text!r}", f"{st_duplicate}/contact", ST, {"contact_id": text}
            ),
            action(422, f"partner_id {text!r}", f"{unassigned}/assign", hq(), {"partner_id": text}),
            put(422, f"country {text!r}", SOUTH_TYROL, {**alpin, "country": text}),
            put(
                422, f"subdivision {text[:10]!r}", SOUTH_TYROL, {**alpin, "subdivision": text[:10]}
            ),
            put(422, f"timezone {text!r}", SOUTH_TYROL, {**alpin, "timezone": text}),
            put(422, f"product {text!r}", SOUTH_TYROL, {**alpin, "products": [text]}),
            put(
                422,
                f"territory country {text!r}",
                SOUTH_TYROL,
                {**alpin, "territories": [{"country": text, "postal_prefixes": ["39"]}]},
            ),
            get(422, f"status {text!r}", "/inquiries", hq(), status=text),
            get(422, f"status {text!r}", "/inquiries", ST, status=text),
            get(422, f"limit {text!r}", "/inquiries", ST, limit=text),
            get(422, f"cursor {text!r}", "/inquiries", ST, cursor=text),
            get(422, f"cursor {text!r}", "/inquiries", hq(), cursor=text),
            get(422, f"from {text!r}", "/reports/response-times", hq(), **{**REPORT, "from": text}),
            get(
                422,
                f"partner_id {text!r}",
                "/reports/response-times",
                hq(),
                **REPORT,
                partner_id=text,
            ),
            get(422, f"format {text!r}", "/reports/response-times", ST, **REPORT, format=text),
            # A partner naming anyone but itself is 403, whatever the name.
            get(
                403,
                f"partner_id {text!r}",
                "/reports/response-times",
                ST,
                **REPORT,
                partner_id=text,
            ),
        ]
    for timezone in (
        "/etc/passwd",
        "../../../../etc/passwd",
        "Europe/../../etc/passwd",
        "posixrules/../Rome",
    ):
        cases.append(
            put(422, f"timezone {timezone!r}", SOUTH_TYROL, {**alpin, "timezone": timezone})
        )
    expect(world, cases)


def test_cursors_cannot_lead_into_another_list(world: World) -> None:
    """A cursor is the last key of a page: forged ones must not reach another partition."""
    hq_cursor = call("GET", "/inquiries", claims=hq(), query={"limit": 1}).body["next"]
    st_cursor = call("GET", "/inquiries", claims=ST, query={"limit": 1}).body["next"]
    pending_cursor = call(
        "GET", "/inquiries", claims=hq(), query={"limit": 1, "status": "pending"}
    ).body["next"]
    assert hq_cursor and st_cursor and pending_cursor
    decoded = json.loads(base64.urlsafe_b64decode(st_cursor))
    # A position in HQ's list: the sort key of an entry of its index. (HQ's own cursor may
    # hold only shards not read yet, "" each: the start of a shard, which fits any list.)
    index, pk_name, partitions = INDEXED["inquiries"]
    entry = world.aws["dynamodb"].query(
        TableName=TABLE,
        IndexName=index,
        KeyConditionExpression=f"{pk_name} = :pk",
        ExpressionAttributeValues={":pk": {"S": partitions[shard_of(world["st_pending"])]}},
    )["Items"][0]
    hq_position = entry[index_keys(index)[1]]["S"]
    # A cursor holds the list it was made for and a position in each of its shards; the
    # partitions themselves come from the caller, never from the cursor.
    some_position = f"INBOX#1#{'0' * 18}#{world['st_pending']}"
    by_item = {**decoded, "p": {"0": f"INBOX#0#2026-12-01T00:00:00.000000Z#{world['by_pending']}"}}
    cases = [
        get(422, "Bavaria's cursor", "/inquiries", BY, cursor=st_cursor),
        get(422, "HQ's cursor", "/inquiries", ST, cursor=hq_cursor),
        get(422, "a partner's cursor", "/inquiries", hq(), cursor=st_cursor),
        get(
            422,
            "the cursor of all inquiries, filtered",
            "/inquiries",
            hq(),
            cursor=hq_cursor,
            status="pending",
        ),
        get(
            422,
            "the cursor of pending ones, for accepted ones",
            "/inquiries",
            hq(),
            cursor=pending_cursor,
            status="accepted",
        ),
        get(
            422, "the cursor of pending ones, unfiltered", "/inquiries", hq(), cursor=pending_cursor
        ),
        get(
            422,
            "HQ's positions under a partner's list",
            "/inquiries",
            ST,
            cursor=b64({**decoded, "p": {str(i): hq_position for i in range(SHARDS)}}),
        ),
        get(422, "a cursor without its list", "/inquiries", ST, cursor=b64({"p": decoded["p"]})),
        get(422, "a cursor without positions", "/inquiries", ST, cursor=b64({"l": decoded["l"]})),
        get(422, "a cursor of no shard", "/inquiries", ST, cursor=b64({**decoded, "p": {}})),
        get(
            422,
            "a cursor of a shard that is not there",
            "/inquiries",
            ST,
            cursor=b64({**decoded, "p": {"99": some_position}}),
        ),
        get(
            422,
            "a cursor with a position that is no key",
            "/inquiries",
            ST,
            cursor=b64({**decoded, "p": {"0": "no key"}}),
        ),
        get(
            422,
            "a cursor of numbers",
            "/inquiries",
            ST,
            cursor=b64({**decoded, "p": {"0": 1}}),
        ),
        get(422, "a cursor of a list", "/inquiries", ST, cursor=b64([decoded])),
        get(
            422,
            "a cursor of typed values",
            "/inquiries",
            ST,
            cursor=b64({k: {"S": v} for k, v in decoded.items()}),
        ),
        get(422, "a cursor of JSON null", "/inquiries", ST, cursor=b64(None)),
        get(
            422,
            "base64 of garbage",
            "/inquiries",
            ST,
            cursor=base64.b64encode(b"\xff\xfe\x00").decode(),
        ),
        get(
            422,
            "a cursor with padding missing",
            "/inquiries",
            ST,
            cursor=st_cursor.rstrip("=")[:-1],
        ),
    ]
    expect(world, cases)
    # HQ's position in a shard the partner's list has too is a place in the partner's own
    # partition (the partition comes from the caller): nothing but its own inquiries.
    forged = call(
        "GET", "/inquiries", claims=ST, query={"cursor": b64({**decoded, "p": {"0": hq_position}})}
    )
    assert forged.status in (200, 422), forged.text
    assert {i["partner_id"] for i in forged.body.get("items", [])} <= {SOUTH_TYROL}
    # A cursor of the partner's own list naming another partner's item still lists only its own.
    answer = call("GET", "/inquiries", claims=ST, query={"cursor": b64(by_item)})
    assert answer.status in (200, 422), answer.text
    if answer.status == 200:
        assert {i["partner_id"] for i in answer.body["items"]} <= {SOUTH_TYROL}, answer.text


# --- other partners' ids ----------------------------------------------------------------------


def test_ids_of_other_partners_are_404_403_or_422(world: World) -> None:
    foreign = {
        "Bavaria's pending inquiry": world["by_pending"],
        "Bavaria's accepted inquiry": world["by_accepted"],
        "an inquiry in the HQ queue": world["unassigned"],
        "an inquiry South Tyrol rejected": world["st_returned"],
    }
    cases: list[Case] = []
    for name, inquiry_id in foreign.items():
        path = f"/inquiries/{inquiry_id}"
        cases += [
            get(404, name, path, ST),
            action(404, name, f"{path}/accept", ST, {}),
            action(404, name, f"{path}/reject", ST, {"reason": "spam"}),
            action(404, name, f"{path}/contact", ST, {"new": True}),
            action(404, name, f"{path}/contact", ST, {"contact_id": world.by_contact}),
            action(404, name, f"{path}/assign", ST, {"user_id": "colleague"}),
            action(404, name, f"{path}/assign", ST, {"partner_id": SOUTH_TYROL}),
            action(404, name, f"{path}/progress", ST, {"step": "won"}),
        ]
    for name in ("st_pending", "st_accepted", "st_duplicate"):
        path = f"/inquiries/{world[name]}"
        cases += [
            get(404, f"South Tyrol's {name}", path, BY),
            action(404, f"South Tyrol's {name}", f"{path}/accept", BY, {}),
            action(404, f"South Tyrol's {name}", f"{path}/reject", BY, {"reason": "spam"}),
            action(404, f"South Tyrol's {name}", f"{path}/progress", BY, {"step": "lost"}),
            action(404, f"South Tyrol's {name}", f"{path}/assign", BY, {"user_id": "mine"}),
        ]
    st_duplicate = f"/inquiries/{world['st_duplicate']}"
    st_accepted = f"/inquiries/{world['st_accepted']}"
    cases += [
        # Another partner's contact, or something that is no contact, is not one of yours.
        action(
            422,
            "Bavaria's contact",
            f"{st_duplicate}/contact",
            ST,
            {"contact_id": world.by_contact},
        ),
        action(
            422,
            "an inquiry's id",
            f"{st_duplicate}/contact",
            ST,
            {"contact_id": world["st_accepted"]},
        ),
        action(422, "a partner's id", f"{st_duplicate}/contact", ST, {"contact_id": SOUTH_TYROL}),
        # Only HQ offers inquiries to partners: a partner naming one is 403, itself included.
        action(403, "to Bavaria", f"{st_accepted}/assign", ST, {"partner_id": BAVARIA}),
        action(403, "to itself", f"{st_accepted}/assign", ST, {"partner_id": SOUTH_TYROL}),
        action(403, "to nobody known", f"{st_accepted}/assign", ST, {"partner_id": GHOST}),
        action(
            422,
            "to a partner that does not exist",
            f"/inquiries/{world['unassigned']}/assign",
            hq(),
            {"partner_id": GHOST},
        ),
        submission(422, "a dealer page of a partner that does not exist", form(partner_id=GHOST)),
        get(403, "Bavaria's report", "/reports/response-times", ST, **REPORT, partner_id=BAVARIA),
        get(
            403,
            "Bavaria's report, bad dates",
            "/reports/response-times",
            ST,
            partner_id=BAVARIA,
            to="x",
        ),
        get(
            403,
            "an unknown partner's report",
            "/reports/response-times",
            ST,
            **REPORT,
            partner_id=GHOST,
        ),
        get(
            403,
            "a partner's report, differently cased",
            "/reports/response-times",
            ST,
            **REPORT,
            partner_id=SOUTH_TYROL.upper(),
        ),
        # The partner routes are HQ's.
        put(403, "as the partner itself", SOUTH_TYROL, partner_body(SOUTH_TYROL), ST),
        put(403, "as another partner", BAVARIA, partner_body(BAVARIA), ST),
        get(403, "the partner list as a partner", "/partners", ST),
        # HQ may not act for a partner.
        action(403, "HQ accepting", f"/inquiries/{world['st_pending']}/accept", hq(), {}),
        action(
            403,
            "HQ rejecting",
            f"/inquiries/{world['st_pending']}/reject",
            hq(),
            {"reason": "spam"},
        ),
        action(403, "HQ recording progress", f"{st_accepted}/progress", hq(), {"step": "won"}),
        action(403, "HQ linking a contact", f"{st_duplicate}/contact", hq(), {"new": True}),
        action(403, "a partner discarding", f"/inquiries/{world['st_pending']}/discard", ST, {}),
    ]
    expect(world, cases)
    # A partner's list is its own, whatever it filters by.
    for status in (None, "pending", "accepted", "returned", "unassigned"):
        query = {"status": status} if status else {}
        for claims, partner_id in ((ST, SOUTH_TYROL), (BY, BAVARIA)):
            answer = call("GET", "/inquiries", claims=claims, query=query)
            assert answer.status == 200, answer.text
            assert {i["partner_id"] for i in answer.body["items"]} <= {partner_id}, (
                status,
                answer.text,
            )
    assert world["st_returned"] not in {i["id"] for i in listing_of(ST)}
    # A partner's report is its own only.
    answer = call("GET", "/reports/response-times", claims=ST, query=REPORT)
    assert answer.status == 200, answer.text
    assert [row["partner_id"] for row in answer.body["partners"]] == [SOUTH_TYROL]


def listing_of(claims: Any) -> list[dict[str, Any]]:
    answer = call("GET", "/inquiries", claims=claims, query={"limit": 100})
    assert answer.status == 200 and answer.body["next"] is None, answer.text
    return list(answer.body["items"])


# --- claims ------------------------------------------------------------------------------------

HQ_SUB = {"sub": "hq-user-1"}
ODD_CLAIMS: list[tuple[str, dict[str, Any] | None, int]] = [
    ("no authorizer at all", None, 401),
    ("no claims", {}, 401),
    ("no sub", {"custom:role": "hq"}, 401),
    ("an empty sub", {"sub": "", "custom:role": "hq"}, 401),
    ("a numeric sub", {"sub": 42, "custom:role": "hq"}, 401),
    ("a null sub", {"sub": None, "custom:role": "hq"}, 401),
    ("no role", HQ_SUB, 403),
    ("role admin", {**HQ_SUB, "custom:role": "admin"}, 403),
    ("role HQ", {**HQ_SUB, "custom:role": "HQ"}, 403),
    ("role Partner", {**HQ_SUB, "custom:role": "Partner"}, 403),
    ("an empty role", {**HQ_SUB, "custom:role": ""}, 403),
    ("role 'hq '", {**HQ_SUB, "custom:role": "hq "}, 403),
    ("roles as the authorizer renders a list", {**HQ_SUB, "custom:role": "[hq partner]"}, 403),
    ("role as a list", {**HQ_SUB, "custom:role": ["hq"]}, 403),
    ("a partner without partner_id", {"sub": "u", "custom:role": "partner"}, 401),
    ("a partner with an empty partner_id", {**ST, "custom:partner_id": ""}, 401),
    ("a partner with a numeric partner_id", {**ST, "custom:partner_id": 7}, 401),
    ("a partner without sub", {k: v for k, v in ST.items() if k != "sub"}, 401),
]
ODD_AUTHORIZERS: list[tuple[str, Any, int]] = [
    ("claims as a string", {"jwt": {"claims": "sub=u,custom:role=hq", "scopes": None}}, 401),
    ("claims as a list", {"jwt": {"claims": ["hq"], "scopes": None}}, 401),
    ("claims null", {"jwt": {"claims": None, "scopes": None}}, 401),
    ("no jwt", {}, 401),
    ("a Lambda authorizer's context", {"lambda": {**HQ_SUB, "custom:role": "hq"}}, 401),
    ("IAM", {"iam": {"userId": "AIDA", "accountId": "123456789012"}}, 401),
]


def test_odd_claims_are_401_or_403_on_every_route(world: World) -> None:
    """Claims the authorizer could deliver, however odd: 401 or 403 before anything happens."""
    st_pending = f"/inquiries/{world['st_pending']}"
    routes = [
        ("GET", "/inquiries", None, None),
        ("GET", st_pending, None, None),
        ("POST", f"{st_pending}/accept", {}, None),
        ("POST", f"{st_pending}/reject", {"reason": "spam"}, None),
        ("POST", f"/inquiries/{world['st_duplicate']}/contact", {"new": True}, None),
        ("POST", f"/inquiries/{world['unassigned']}/assign", {"user_id": "u"}, None),
        ("POST", f"/inquiries/{world['unassigned']}/discard", {}, None),
        ("POST", f"/inquiries/{world['st_accepted']}/progress", {"step": "won"}, None),
        ("PUT", f"/partners/{SOUTH_TYROL}", partner_body(SOUTH_TYROL, name="Taken over"), None),
        ("GET", "/partners", None, None),
        ("GET", "/reports/response-times", None, REPORT),
    ]
    cases: list[Case] = []
    for method, path, body, query in routes:
        for name, claims, status in ODD_CLAIMS:
            cases.append(
                Case(f"{method} {path}: {name}", method, path, status, claims, body, query=query)
            )
        for name, authorizer, status in ODD_AUTHORIZERS:
            cases.append(
                Case(
                    f"{method} {path}: {name}",
                    method,
                    path,
                    status,
                    body=body,
                    query=query,
                    authorizer=authorizer,
                )
            )
    expect(world, cases)


def test_a_partner_that_does_not_exist_sees_nothing(world: World) -> None:
    """A token naming a partner organisation that is not registered (or only looks like one)."""
    for partner_id in (
        GHOST,
        SOUTH_TYROL.upper(),
        f"{SOUTH_TYROL} ",
        f" {SOUTH_TYROL}",
        "alpin",
        f"{SOUTH_TYROL}#",
        "*",
        "' OR 1=1 --",
    ):
        claims = partner(partner_id)
        assert listing_of(claims) == [], partner_id
        for status in ("pending", "accepted"):
            answer = call("GET", "/inquiries", claims=claims, query={"status": status})
            assert answer.status == 200 and answer.body == {"items": [], "next": None}, answer.text
        answer = call("GET", "/reports/response-times", claims=claims, query=REPORT)
        assert answer.status == 200, answer.text
        assert answer.body["partners"] == [] and answer.body["total"]["assigned"] == 0, answer.text
    ghost = partner(GHOST)
    cases: list[Case] = []
    for name, inquiry_id in world.inquiries.items():
        path = f"/inquiries/{inquiry_id}"
        cases += [
            get(404, name, path, ghost),
            action(404, name, f"{path}/accept", ghost, {}),
            action(404, name, f"{path}/reject", ghost, {"reason": "spam"}),
            action(404, name, f"{path}/contact", ghost, {"new": True}),
            action(404, name, f"{path}/assign", ghost, {"user_id": "u"}),
            action(404, name, f"{path}/progress", ghost, {"step": "won"}),
        ]
    cases.append(
        get(
            403,
            "South Tyrol's report",
            "/reports/response-times",
            ghost,
            **REPORT,
            partner_id=SOUTH_TYROL,
        )
    )
    expect(world, cases)


# --- what is text stays text ------------------------------------------------------------------

ODD_TEXT = (
    "Zoë 😀🏠 Ünal-Ørsted",
    "\u05e9\u05dc\u05d5\u05dd \u202eevil\u202c",  # Hebrew, and an RTL override
    "e\u0301\u0301\u0301 Z\u0335\u0321a\u0336lgo",  # combining marks
    "nul\u0000inside",
    "漢字かなカナ",
)


def test_injection_strings_and_odd_unicode_in_free_text_are_stored_as_text(world: World) -> None:
    """Free text takes any characters but control characters (a street, a message and a note
    keep line breaks): it is stored and shown back exactly, and routes as usual."""
    before = snapshot(world)
    stored: dict[str, str] = {}
    for text in (*INJECTIONS, *ODD_TEXT):
        if "\x00" in text:
            continue  # no field takes a NUL (the next test)
        one_line = text.replace("\r\n", " ")  # "a\r\nSet-Cookie: x=y" in a street only
        fields = {
            "first_name": one_line,
            "last_name": one_line,
            "street": text,
            "city": one_line,
            "company": one_line,
        }
        stored[submit(form(contact=fields, message=f"{text} | {text}"))] = text
    bom = "\ufeff" + json.dumps(form(message=ODD_TEXT[0]))
    answer = call("POST", "/inquiries", raw=bom.encode())
    assert answer.status == 201, answer.text
    stored[answer.body["id"]] = ODD_TEXT[0]
    for inquiry_id, text in stored.items():
        answer = call("GET", f"/inquiries/{inquiry_id}", claims=hq())
        assert answer.status == 200, answer.text
        shown = answer.body
        assert shown["status"] == "pending" and shown["partner_id"] == SOUTH_TYROL, text
        one_line = text.replace("\r\n", " ")
        if shown["contact"]["last_name"] != one_line:  # the BOM's form keeps the sample contact
            assert inquiry_id == list(stored)[-1]
            continue
        for name in ("first_name", "last_name", "city", "company"):
            assert shown["contact"][name] == one_line.strip(), (name, text)
        assert shown["contact"]["street"] == text.strip(), text
        assert shown["message"] == f"{text} | {text}", text
    # Notes and user ids take any text too.
    note = " | ".join(INJECTIONS)
    assert (
        act(world["st_accepted"], "progress", ST, {"step": "contacted", "note": note}).status == 200
    )
    assert act(world["unassigned"], "assign", hq(), {"user_id": INJECTIONS[0]}).status == 200
    shown = call("GET", f"/inquiries/{world['st_accepted']}", claims=ST).body
    assert shown["progress"][-1]["note"] == note
    assert (
        call("GET", f"/inquiries/{world['unassigned']}", claims=hq()).body["user_id"]
        == INJECTIONS[0]
    )
    # Nothing else changed: the other inquiries, the partners, the territories.
    after = snapshot(world)
    for pk, items in before["partitions"].items():
        if pk not in (f"INQ#{world['st_accepted']}", f"INQ#{world['unassigned']}"):
            assert after["partitions"][pk] == items, pk
    assert after["versions"]["partners"] == before["versions"]["partners"]
    assert {i["id"] for i in after["listed"]} - {i["id"] for i in before["listed"]} == set(stored)


def test_control_characters_and_names_that_show_nothing_are_refused(world: World) -> None:
    """Free text is what people type: a NUL or another control character is 422 in any text
    field and search term (a street, a message and a note keep line breaks and tabs), and a
    name of nothing but whitespace and format characters (zero-width, bidi marks) is as
    blank as spaces."""
    st_pending, st_accepted = f"/inquiries/{world['st_pending']}", world["st_accepted"]
    alpin = partner_body(SOUTH_TYROL)
    controls = {"a NUL": "a\u0000b", "an escape": "\u001b[31mred", "a C1 control": "a\u0085b"}
    line_breaks = {"a line break": "a\nb", "a CR LF": "a\r\nb", "a tab": "a\tb"}
    blanks = {"a zero-width space": "\u200b", "bidi marks": "\u200f\u200e", "a BOM": " \ufeff "}
    cases: list[Case] = []
    for name, text in {**controls, **line_breaks}.items():
        for one_line in ("first_name", "last_name", "city", "company"):
            cases.append(submission(422, f"{one_line} with {name}", contact(**{one_line: text})))
        cases += [
            put(422, f"name with {name}", SOUTH_TYROL, {**alpin, "name": text}),
            Case(
                f"PATCH name with {name}",
                "PATCH",
                f"/partners/{SOUTH_TYROL}",
                422,
                hq(),
                {"name": text},
            ),
            action(
                422,
                f"user_id with {name}",
                f"/inquiries/{world['unassigned']}/assign",
                hq(),
                {"user_id": text},
            ),
            get(422, f"HQ's q= with {name}", "/inquiries", hq(), q=text),
            get(422, f"a partner's q= with {name}", "/contacts", ST, q=text),
        ]
    for name, text in controls.items():
        cases += [
            submission(422, f"street with {name}", contact(street=text)),
            submission(422, f"message with {name}", form(message=text)),
            action(
                422,
                f"note with {name}",
                f"{st_pending}/reject",
                ST,
                {"reason": "other", "note": text},
            ),
            action(
                422,
                f"note with {name}",
                f"/inquiries/{st_accepted}/progress",
                ST,
                {"step": "contacted", "note": text},
            ),
            action(
                422,
                f"note with {name}",
                f"/inquiries/{world['unassigned']}/discard",
                hq(),
                {"note": text},
            ),
        ]
    for name, text in blanks.items():
        cases += [
            submission(422, f"last_name of {name}", contact(last_name=text)),
            submission(422, f"first_name of {name}", contact(first_name=text)),
            put(422, f"name of {name}", SOUTH_TYROL, {**alpin, "name": text}),
            action(
                422,
                f"user_id of {name}",
                f"/inquiries/{world['unassigned']}/assign",
                hq(),
                {"user_id": text},
            ),
        ]
    expect(world, cases)


def test_the_checks_see_a_change(world: World) -> None:
    """The checks of `expect` can fail: a valid request changes what they compare."""
    before = snapshot(world)
    assert act(world["st_pending"], "accept", ST).status == 200
    accepted = snapshot(world)
    assert accepted["versions"]["inquiries"] != before["versions"]["inquiries"]
    assert (
        accepted["partitions"] != before["partitions"]
        and accepted["schedules"] != before["schedules"]
    )
    with pytest.raises(AssertionError, match="it wrote"):
        expect(
            world,
            [
                action(
                    200,
                    "a valid progress",
                    f"/inquiries/{world['st_accepted']}/progress",
                    ST,
                    {"step": "contacted"},
                )
            ],
        )
    assert (
        call(
            "PUT", f"/partners/{BAVARIA}", body=partner_body(BAVARIA, name="B"), claims=hq()
        ).status
        == 200
    )
    assert snapshot(world)["versions"]["partners"] != accepted["versions"]["partners"]

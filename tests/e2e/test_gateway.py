"""The local gateway's translation, in process: requests to events, answers back to HTTP.

A recording function stands in for the handlers, so what API Gateway would hand a
function, and what it would make of the function's answer, can be seen directly.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest

from local.gateway import Gateway, Reply, Request, json_reply, own_origins
from local.scheduler import due_time
from local.snapshot import _decode, _encode
from local.tokens import TokenIssuer
from tests.support.probe import run_probe


class Recorder:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((function, event))
        return self.answer


@pytest.fixture
def tokens(tmp_path: Path) -> TokenIssuer:
    return TokenIssuer.in_folder(tmp_path)


def request(method: str, path: str, **kwargs: Any) -> Request:
    return Request(method=method, path=path, **kwargs)


def test_a_request_becomes_the_event_api_gateway_would_send(tokens: TokenIssuer) -> None:
    function = Recorder({"statusCode": 200, "body": "{}"})
    gateway = Gateway(tokens, function)
    token = tokens.mint("partner", partner_id="alpin-bz", user_id="u-1")
    gateway.handle(
        request(
            "POST",
            "/inquiries/abc%7E1/reject",
            query="a=1&a=2&b=",
            headers=(
                ("Authorization", f"Bearer {token}"),
                ("Content-Type", "application/json"),
                ("Cookie", "x=1"),
                ("Cookie", "y=2"),
                ("X-Twice", "one"),
                ("X-Twice", "two"),
            ),
            body=b'{"reason": "spam"}',
        )
    )
    [(name, event)] = function.calls
    assert name == "decide"
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /inquiries/{inquiry_id}/reject"
    assert event["pathParameters"] == {"inquiry_id": "abc~1"}
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["cookies"] == ["x=1", "y=2"]
    assert event["headers"]["x-twice"] == "one,two"
    assert event["body"] == '{"reason": "spam"}' and event["isBase64Encoded"] is False
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["sub"] == "u-1"
    assert claims["custom:role"] == "partner"
    assert claims["custom:partner_id"] == "alpin-bz"
    assert all(isinstance(value, str) for value in claims.values())  # as the authorizer passes them
    assert event["requestContext"]["stage"] == "$default"


def test_a_binary_body_arrives_base64_encoded(tokens: TokenIssuer) -> None:
    function = Recorder({"statusCode": 201, "body": "{}"})
    Gateway(tokens, function).handle(
        request(
            "POST",
            "/inquiries",
            headers=(("Content-Type", "application/octet-stream"),),
            body=b"\xff\x00raw",
        )
    )
    event = function.calls[0][1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00raw"
    assert "authorizer" not in event["requestContext"]  # a public route: no claims


def test_answers_pass_through_with_binary_bodies_and_cookies(tokens: TokenIssuer) -> None:
    function = Recorder(
        {
            "statusCode": 202,
            "headers": {"Content-Type": "application/pdf", "X-Custom": "kept"},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(b"%PDF\x00").decode(),
            "isBase64Encoded": True,
        }
    )
    reply = Gateway(tokens, function).handle(request("POST", "/inquiries", body=b"{}"))
    assert reply.status == 202
    assert reply.body == b"%PDF\x00"
    assert ("X-Custom", "kept") in reply.headers
    assert ("Content-Type", "application/pdf") in reply.headers
    assert [v for k, v in reply.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2"]


def test_a_bare_answer_is_json_and_a_failing_function_is_a_500(tokens: TokenIssuer) -> None:
    reply = Gateway(tokens, Recorder({"ok": True})).handle(request("POST", "/inquiries"))
    assert reply.status == 200 and json.loads(reply.body) == {"ok": True}

    def failing(function: str, event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    reply = Gateway(tokens, failing).handle(request("POST", "/inquiries"))
    assert reply.status == 500
    assert json.loads(reply.body) == {"message": "Internal Server Error"}


def test_a_protected_route_without_a_valid_token_never_reaches_the_function(
    tokens: TokenIssuer,
) -> None:
    function = Recorder({"statusCode": 200, "body": "{}"})
    gateway = Gateway(tokens, function)
    other = TokenIssuer(b"another key, long enough for HS256").mint("hq")
    for headers in ((), (("Authorization", f"Bearer {other}"),), (("Authorization", "Basic x"),)):
        reply = gateway.handle(request("GET", "/partners", headers=headers))
        assert reply.status == 401
    assert function.calls == []


def test_a_token_accepted_before_is_refused_once_it_expires(tokens: TokenIssuer) -> None:
    # The gateway keeps the tokens it checked: the kept ones still expire on time.
    function = Recorder({"statusCode": 200, "body": "{}"})
    gateway = Gateway(tokens, function)
    token = tokens.mint("hq", lifetime_s=1)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    sent = request("GET", "/partners", headers=(("Authorization", f"Bearer {token}"),))
    assert gateway.handle(sent).status == 200
    assert gateway.handle(sent).status == 200  # the kept one
    time.sleep(max(0.0, expires - time.time()) + 0.01)  # at most a second
    reply = gateway.handle(sent)
    assert reply.status == 401
    assert "expired" in dict(reply.headers)["WWW-Authenticate"]
    assert len(function.calls) == 2


def test_browsers_on_other_origins_get_cors_answers(tokens: TokenIssuer) -> None:
    function = Recorder({"statusCode": 201, "body": "{}"})
    gateway = Gateway(tokens, function)
    origin = ("Origin", "http://localhost:3000")
    preflight = gateway.handle(
        request(
            "OPTIONS",
            "/inquiries",
            headers=(origin, ("Access-Control-Request-Method", "POST")),
        )
    )
    assert preflight.status == 204
    allowed = dict(preflight.headers)
    assert allowed["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "idempotency-key" in allowed["Access-Control-Allow-Headers"]
    # The methods the deployed API allows (infra/concerns/api.py): PATCH of a partner and
    # DELETE of a contact included.
    methods = allowed["Access-Control-Allow-Methods"].split(", ")
    assert sorted(methods) == ["DELETE", "GET", "PATCH", "POST", "PUT"]
    assert function.calls == []
    answer = gateway.handle(request("POST", "/inquiries", headers=(origin,), body=b"{}"))
    assert ("Access-Control-Allow-Origin", "http://localhost:3000") in answer.headers
    plain = gateway.handle(request("POST", "/inquiries", body=b"{}"))
    assert not [k for k, _ in plain.headers if k.startswith("Access-Control")]

    # Only pages on this machine: a site elsewhere gets no CORS answer, so a browser stops it.
    for foreign in ("https://evil.example", "http://localhost.evil.example:80", "null"):
        headers = (("Origin", foreign), ("Access-Control-Request-Method", "POST"))
        refused = gateway.handle(request("OPTIONS", "/inquiries", headers=headers))
        assert not [k for k, _ in refused.headers if k.startswith("Access-Control")], foreign
        posted = gateway.handle(
            request("POST", "/inquiries", headers=(("Origin", foreign),), body=b"{}")
        )
        assert not [k for k, _ in posted.headers if k.startswith("Access-Control")], foreign
    for local_origin in ("http://127.0.0.1:5173", "http://localhost", "http://[::1]:8080"):
        answer = gateway.handle(
            request("POST", "/inquiries", headers=(("Origin", local_origin),), body=b"{}")
        )
        assert ("Access-Control-Allow-Origin", local_origin) in answer.headers


def test_local_routes_answer_only_the_local_apps_own_origin(tokens: TokenIssuer) -> None:
    served: list[str] = []

    def local_routes(req: Request) -> Reply | None:
        served.append(req.path)
        return json_reply(200, {"token": "t"})

    gateway = Gateway(
        tokens,
        Recorder({"statusCode": 200, "body": "{}"}),
        local_routes=local_routes,
        own_origins=own_origins("127.0.0.1", 8000),
    )
    # Another origin, even another port on this machine: 403, the route is not reached.
    for foreign in ("https://evil.example", "http://127.0.0.1:5173", "http://localhost:3000"):
        for method, extra in (
            ("POST", ()),
            ("GET", ()),
            ("OPTIONS", (("Access-Control-Request-Method", "POST"),)),
        ):
            answer = gateway.handle(
                request(method, "/_local/token", headers=(("Origin", foreign), *extra), body=b"{}")
            )
            assert answer.status == 403, (foreign, method)
            assert not [k for k, _ in answer.headers if k.startswith("Access-Control")]
    assert served == []
    # No Origin (curl, scripts) or the gateway's own (the app it serves): answered, no CORS echo.
    for headers in (
        (),
        (("Origin", "http://127.0.0.1:8000"),),
        (("Origin", "http://localhost:8000"),),
    ):
        answer = gateway.handle(request("POST", "/_local/token", headers=headers, body=b"{}"))
        assert answer.status == 200
        assert not [k for k, _ in answer.headers if k.startswith("Access-Control")]
    assert len(served) == 3


def test_one_time_schedules_fire_at_their_time_in_their_time_zone() -> None:
    assert due_time("at(2026-12-03T14:00:00)", "UTC") == datetime(2026, 12, 3, 14, tzinfo=UTC)
    assert due_time("at(2026-12-03T15:00:00)", "Europe/Rome") == datetime(
        2026, 12, 3, 14, tzinfo=UTC
    )
    assert due_time("rate(5 minutes)", "UTC") is None


def test_snapshot_items_keep_binary_values_and_nested_ones() -> None:
    item = {
        "pk": {"S": "x"},
        "blob": {"B": b"\x00\x01"},
        "blobs": {"BS": [b"a", b"b"]},
        "map": {"M": {"B": {"S": "a map key named B"}, "inner": {"B": b"\xff"}}},
        "list": {"L": [{"B": b"z"}, {"N": "1"}]},
    }
    stored = _encode(item)
    assert json.loads(json.dumps(stored)) == stored
    assert _decode(stored) == item


_ROLLBACK_PROBE = """
import boto3
from local import aws
from inquiries.adapters.table import create_table

server = aws.start_moto()
aws.configure_environment(server.endpoint)
import moto.dynamodb.models as models
assert models.DynamoDBBackend.transact_write_items.touched_only
db = boto3.client("dynamodb")
create_table(db, "t", stream=True)
def key(pk):
    return {"pk": {"S": pk}, "sk": {"S": "1"}}
def item(pk, v):
    return {**key(pk), "v": {"N": str(v)}, "gsi1pk": {"S": "all"}, "gsi1sk": {"S": pk}}
for pk in ("checked", "updated", "deleted", "other"):
    db.put_item(TableName="t", Item=item(pk, 1))
def state():
    # The index finds the items (its projection carries keys only); the table has their values.
    found = db.query(TableName="t", IndexName="gsi1", KeyConditionExpression="gsi1pk = :a",
                     ExpressionAttributeValues={":a": {"S": "all"}})["Items"]
    items = [db.get_item(TableName="t", Key=key(i["pk"]["S"]), ConsistentRead=True)["Item"]
             for i in found]
    return sorted((i["pk"]["S"], i["v"]["N"]) for i in items)
before = state()
streams = boto3.client("dynamodbstreams")
arn = db.describe_table(TableName="t")["Table"]["LatestStreamArn"]
shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
position = streams.get_shard_iterator(
    StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
update = {"TableName": "t", "Key": key("updated"), "UpdateExpression": "SET v = :v",
          "ExpressionAttributeValues": {":v": {"N": "5"}}}
def check(v):
    return {"ConditionCheck": {"TableName": "t", "Key": key("checked"),
            "ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"N": v}}}}
try:
    db.transact_write_items(TransactItems=[
        {"Put": {"TableName": "t", "Item": item("new", 1)}},
        {"Update": update},
        {"Delete": {"TableName": "t", "Key": key("deleted")}},
        # a new item in a partition that holds another one: that one stays, this one goes
        {"Put": {"TableName": "t", "Item": {"pk": {"S": "other"}, "sk": {"S": "2"}}}},
        check("2"),
    ])
    raise SystemExit("the transaction should have been cancelled")
except db.exceptions.TransactionCanceledException:
    pass
assert state() == before, state()
other = db.query(TableName="t", KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "other"}})["Items"]
assert [i["sk"]["S"] for i in other] == ["1"], other
# Nor does its stream carry a record of it (the notify function would mail a change that
# never happened).
answer = streams.get_records(ShardIterator=position)
assert answer["Records"] == [], answer["Records"]
position = answer["NextShardIterator"]
db.transact_write_items(TransactItems=[
    {"Put": {"TableName": "t", "Item": item("new", 1)}},
    {"Update": update},
    {"Delete": {"TableName": "t", "Key": key("deleted")}},
    check("1"),
])
assert state() == [("checked", "1"), ("new", "1"), ("other", "1"), ("updated", "5")], state()
records = streams.get_records(ShardIterator=position)["Records"]
assert sorted(r["eventName"] for r in records) == ["INSERT", "MODIFY", "REMOVE"], records
server.stop()
print("ok")
"""


def test_a_cancelled_transaction_in_the_local_emulator_changes_nothing() -> None:
    # In a process of its own: starting the emulator adjusts moto's transactions (local/aws.py).
    run_probe(_ROLLBACK_PROBE)


def test_the_log_names_the_route_that_answered_never_the_path_or_the_query(
    tokens: TokenIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    """As the deployed access log (its route key): an e-mail address or a name in a path
    or a query stays out of the stack's log."""
    gateway = Gateway(
        tokens,
        Recorder({"statusCode": 404, "body": '{"message": "not found"}'}),
        local_routes=lambda req: json_reply(404, {"message": "Not Found"}),
    )
    auth = (("Authorization", f"Bearer {tokens.mint('hq', user_id='hq-1')}"),)
    caplog.set_level(logging.INFO, logger="local.gateway")
    sent = [
        ("GET", "/contacts/juergen.mueller@gmail.com", "", auth),
        ("GET", "/inquiries/J%C3%BCrgen%20M%C3%BCller", "q=juergen.mueller@gmail.com", auth),
        ("GET", "/inquiries", "q=J%C3%BCrgen+M%C3%BCller", ()),  # 401, no token
        ("DELETE", "/inquiries/Juergen-Mueller", "", auth),  # 405
        ("GET", "/juergen.mueller@gmail.com/profile", "", ()),  # no route
        ("GET", "/_local/juergen.mueller", "", ()),  # no local route
        ("JUERGEN.MUELLER", "/inquiries", "", ()),
    ]
    for method, path, query, headers in sent:
        gateway.handle(request(method, path, query=query, headers=headers))

    lines = [r.getMessage() for r in caplog.records if r.name == "local.gateway"]
    logged = [line.rsplit(" ", 1)[0] for line in lines]  # without the milliseconds
    assert logged == [
        "GET /contacts/{contact_id} 404",
        "GET /inquiries/{inquiry_id} 404",
        "GET /inquiries 401",
        "DELETE /inquiries/{inquiry_id} 405",
        "GET (no route) 404",
        "GET (no route) 404",
        "(other method) /inquiries 405",
    ]
    text = "\n".join(lines).casefold()
    for piece in ("juergen", "mueller", "gmail", "%c3", "jürgen", "q="):
        assert piece not in text, piece

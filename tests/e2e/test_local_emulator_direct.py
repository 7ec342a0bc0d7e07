"""The stack's moto serves DynamoDB's requests straight to moto's handler (local/emulator.py
`DirectDynamo`), and answers them byte for byte as moto's own Flask application does.

The same requests (a table with an index and a stream, writes, a failed condition, a
cancelled transaction, reads, stream reads, malformed and unknown requests) go once
through `DirectDynamo` and once through moto's application, each on fresh backends;
every answer's status, headers (but the per-request id, checksum, date and length) and
body must be the same, but for the times moto stamps on a table or a stream.
Requests that make moto raise must raise the same error both ways (the server then
answers 500). The Scheduler's REST calls, and a browser's CORS request, are left to
moto's application.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto import mock_aws

from local.emulator import DirectDynamo

AUTH = (
    "AWS4-HMAC-SHA256 Credential=local/20261201/eu-central-1/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
)
DYNAMODB = "DynamoDB_20120810."
STREAMS = "DynamoDBStreams_20120810."
# Per request or per moment (the length: the names and times in the body): not compared.
VARYING_HEADERS = frozenset({"x-amzn-requestid", "x-amz-crc32", "date", "content-length"})
VARYING_BODY = re.compile(
    rb'"(CreationDateTime|CreationRequestDateTime|LatestStreamLabel|StreamLabel|ShardId|'
    rb'StartingSequenceNumber)"'
    rb':\s*("[^"]*"|[0-9.e+-]+)'
)
STREAM_TIME = re.compile(rb"/stream/[0-9T:.-]+")
Answer = tuple[str, list[tuple[str, str]], bytes]


@contextmanager
def _apps() -> Iterator[tuple[Any, DirectDynamo]]:
    """moto's server application and DirectDynamo in front of it, on fresh backends."""
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
        DomainDispatcherApplication,
        create_backend_app,
    )

    with mock_aws():  # moto's in-memory backends are reset before and after
        moto_app = DomainDispatcherApplication(create_backend_app)
        yield moto_app, DirectDynamo(moto_app)


def _environ(target: str, body: bytes, service: str = "dynamodb", **extra: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "5000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-amz-json-1.0",
        "HTTP_HOST": "127.0.0.1:5000",
        "HTTP_X_AMZ_TARGET": target,
        "HTTP_X_AMZ_DATE": "20261201T100000Z",
        "HTTP_AUTHORIZATION": AUTH.format(service=service),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(extra)
    return environ


def _call(app: Any, environ: dict[str, Any]) -> Answer | tuple[str, str]:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"], started["headers"] = status, headers
        return lambda data: None

    try:
        body = b"".join(app(environ, start_response))
    except Exception as error:  # moto raised: its server answers 500 either way
        return ("raised", type(error).__name__)
    headers = [(k, v) for k, v in started["headers"] if k.lower() not in VARYING_HEADERS]
    body = STREAM_TIME.sub(b"/stream/~", VARYING_BODY.sub(rb'"\1":"~"', body))
    return started["status"], headers, body


def _requests(table: str) -> list[tuple[str, bytes]]:
    """Every request of the probe, for one table (bytes: some are not JSON)."""
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    item = {**key, "g": {"S": "x"}, "n": {"N": "1.50"}, "b": {"B": "AAE="}, "l": {"L": []}}
    asked: list[tuple[str, Any]] = [
        (
            "CreateTable",
            {
                "TableName": table,
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "AttributeDefinitions": [
                    {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "g")
                ],
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "gsi",
                        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
            },
        ),
        ("DescribeTable", {"TableName": table}),
        ("PutItem", {"TableName": table, "Item": item}),
        (
            "PutItem",
            {"TableName": table, "Item": key, "ConditionExpression": "attribute_not_exists(pk)"},
        ),
        (
            "UpdateItem",
            {
                "TableName": table,
                "Key": key,
                "UpdateExpression": "SET n = n + :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
                "ReturnValues": "ALL_NEW",
            },
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": table, "Item": {**item, "sk": {"S": "2"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": table,
                            "Key": key,
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            },
        ),
        ("GetItem", {"TableName": table, "Key": key}),
        ("GetItem", {"TableName": table, "Key": {**key, "sk": {"S": "none"}}}),
        ("GetItem", {"TableName": "no-such-table", "Key": key}),
        (
            "Query",
            {
                "TableName": table,
                "IndexName": "gsi",
                "KeyConditionExpression": "g = :g",
                "ExpressionAttributeValues": {":g": {"S": "x"}},
            },
        ),
        ("Query", {"TableName": table, "KeyConditionExpression": "pk =="}),
        ("BatchGetItem", {"RequestItems": {table: {"Keys": [key]}}}),
        ("DeleteItem", {"TableName": table, "Key": key, "ReturnValues": "ALL_OLD"}),
        ("ListTables", {}),
        ("NoSuchAction", {}),
    ]
    sent = [(DYNAMODB + action, json.dumps(body).encode()) for action, body in asked]
    return [*sent, (DYNAMODB + "GetItem", b"{not json")]


def _stream_requests(app: Any, table: str) -> list[tuple[str, bytes]]:
    """The stream's reads for the table (its ARN is the table's own)."""
    described = json.dumps({"TableName": table}).encode()
    answer = _call(app, _environ(DYNAMODB + "DescribeTable", described))
    assert answer[0] == "200 OK", answer
    arn = json.loads(answer[2])["Table"]["LatestStreamArn"]
    return [
        (STREAMS + "ListStreams", json.dumps({"TableName": table}).encode()),
        (STREAMS + "DescribeStream", json.dumps({"StreamArn": arn}).encode()),
    ]


def test_dynamodb_requests_are_answered_as_moto_answers_them() -> None:
    answers: dict[str, list[Any]] = {}
    for way in ("moto", "direct"):
        with _apps() as (moto_app, direct):
            app = moto_app if way == "moto" else direct
            answers[way] = [_call(app, _environ(target, body)) for target, body in _requests("t")]
            answers[way] += [
                _call(app, _environ(target, body)) for target, body in _stream_requests(app, "t")
            ]

    assert answers["direct"] == answers["moto"]
    statuses = [answer[0] for answer in answers["direct"]]
    # The probe reached moto's answers of every kind: success, its errors, its raising.
    assert statuses.count("200 OK") >= 10 and statuses.count("400 BAD REQUEST") >= 4
    assert statuses.count("raised") == 2


def test_other_requests_go_to_motos_application() -> None:
    with _apps() as (moto_app, direct):
        _left_to_moto(moto_app, direct)


def _left_to_moto(moto_app: Any, direct: DirectDynamo) -> None:
    calls: list[str] = []

    class Counted:
        """moto's application, counting what reaches it."""

        def get_application(self, environ: dict[str, Any]) -> Any:
            return moto_app.get_application(environ)

        def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
            calls.append(environ["PATH_INFO"])
            return moto_app(environ, start_response)

    direct.app = Counted()
    body = json.dumps({"TableName": "t"}).encode()
    origin = _environ(DYNAMODB + "ListTables", body, HTTP_ORIGIN="http://localhost:3000")
    scheduler = _environ("", b"", "scheduler", REQUEST_METHOD="GET", PATH_INFO="/schedules")
    del scheduler["HTTP_X_AMZ_TARGET"]
    for environ in (origin, scheduler):
        _call(direct, environ)
    assert calls == ["/", "/schedules"]

"""Least privilege: no wildcard actions, named resources, one role per function."""

from __future__ import annotations

from typing import Any

import pytest
from inquiries.adapters.table import INDEXES
from inquiries.api.routes import FUNCTIONS

from tests.infra.conftest import Synthesis
from tests.infra.support import (
    actions,
    arn_of,
    as_list,
    function_ids,
    identity_statements,
    role_id,
    role_statements,
)

pytestmark = pytest.mark.xdist_group("cdk")

# The actions AWS offers no resource-level permission for (active tracing).
# X-Ray, and DynamoDB's ListStreams (the stream's event source of notify): no resource
# level permissions exist for these.
UNSCOPED = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}


def test_no_identity_policy_allows_a_wildcard_action(synthesized: Synthesis) -> None:
    statements = list(identity_statements(synthesized.template))
    assert len(statements) > 10  # the check looks at something
    offending = [
        (logical_id, statement)
        for logical_id, statement in statements
        if "NotAction" in statement or any("*" in action for action in actions(statement))
    ]
    assert offending == []


def test_only_tracing_has_a_wildcard_resource(synthesized: Synthesis) -> None:
    for logical_id, statement in identity_statements(synthesized.template):
        if "*" in as_list(statement.get("Resource", [])):
            assert set(actions(statement)) <= UNSCOPED, logical_id
        assert "NotResource" not in statement


def test_resource_policies_allow_no_wildcard_action(synthesized: Synthesis) -> None:
    kinds = ("AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::KMS::Key")
    for kind in kinds:
        for logical_id, resource in synthesized.resources(kind).items():
            document = resource["Properties"].get("PolicyDocument") or resource["Properties"].get(
                "KeyPolicy"
            )
            for statement in document["Statement"]:
                if statement["Effect"] != "Allow" or not any("*" in a for a in actions(statement)):
                    continue
                # The one exception: a key's administration by its own account (KMS default).
                assert kind == "AWS::KMS::Key", (logical_id, statement)
                assert statement["Principal"]["AWS"]["Fn::Join"][1][-1] == ":root"
    for permission in synthesized.resources("AWS::Lambda::Permission").values():
        assert permission["Properties"]["Action"] == "lambda:InvokeFunction"
        assert "SourceArn" in permission["Properties"]


def test_each_function_has_a_role_of_its_own(synthesized: Synthesis) -> None:
    template = synthesized.template
    roles = [role_id(template, f) for f in function_ids(template).values()]
    assert len(roles) == len(FUNCTIONS) and len(set(roles)) == len(FUNCTIONS) == 6
    for role in roles:
        assert "ManagedPolicyArns" not in template["Resources"][role]["Properties"]


def _allowed(synthesized: Synthesis, function: str) -> dict[str, list]:
    """Action -> resources the function's role allows."""
    template = synthesized.template
    role = role_id(template, function_ids(template)[function])
    allowed: dict[str, list] = {}
    for statement in role_statements(template, role):
        assert statement["Effect"] == "Allow"
        for action in actions(statement):
            allowed.setdefault(action, []).extend(as_list(statement["Resource"]))
    return allowed


def test_table_access_names_the_table_and_each_index(synthesized: Synthesis) -> None:
    (table_id,) = synthesized.resources("AWS::DynamoDB::Table")
    expected = [arn_of(table_id)] + [
        {"Fn::Join": ["", [arn_of(table_id), f"/index/{index.name}"]]} for index in INDEXES
    ]
    for function in ("intake", "decide", "contacts", "expire", "report"):
        allowed = _allowed(synthesized, function)
        table_actions = [a for a in allowed if a.startswith("dynamodb:")]
        assert "dynamodb:Query" in table_actions
        assert "dynamodb:Scan" not in table_actions  # the product never scans
        for action in table_actions:
            assert allowed[action] == expected, (function, action)
    # The report reads, and folds the rollup items it read (adapters/rollup_folds.py).
    assert [a for a in _allowed(synthesized, "report") if a.startswith("dynamodb:")] == [
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
    ]


def _scheduler_role(synthesized: Synthesis) -> str:
    found = [
        logical_id
        for logical_id, role in synthesized.resources("AWS::IAM::Role").items()
        if any(
            s["Principal"].get("Service") == "scheduler.amazonaws.com"
            for s in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        )
    ]
    assert len(found) == 1
    return found[0]


def test_the_scheduler_role_can_invoke_only_expire_and_notify(synthesized: Synthesis) -> None:
    template = synthesized.template
    role = _scheduler_role(synthesized)
    (trust,) = template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    expire = function_ids(template)["expire"]
    notify = function_ids(template)["notify"]  # the partners' reminders (issue 15)
    by_action: dict[str, list[Any]] = {}
    for statement in role_statements(template, role):
        for action in actions(statement):
            by_action.setdefault(action, []).extend(as_list(statement["Resource"]))
    assert by_action["lambda:InvokeFunction"] == [arn_of(expire), arn_of(notify)]
    assert [a for a in by_action if a.startswith("lambda:")] == ["lambda:InvokeFunction"]
    intake_env = template["Resources"][function_ids(template)["intake"]]["Properties"][
        "Environment"
    ]["Variables"]
    assert by_action["sqs:SendMessage"] == [intake_env["EXPIRY_DLQ_ARN"]]
    assert set(by_action) == {"lambda:InvokeFunction", "sqs:SendMessage"}
    # No other role may invoke a function (the sweeper's rule uses a resource policy).
    for logical_id, statement in identity_statements(template):
        if "lambda:InvokeFunction" in actions(statement):
            assert template["Resources"][logical_id]["Properties"]["Roles"] == [{"Ref": role}]


def test_only_intake_and_decide_create_schedules_and_pass_the_role(
    synthesized: Synthesis,
) -> None:
    (group,) = synthesized.resources("AWS::Scheduler::ScheduleGroup").values()
    group_name = group["Properties"]["Name"]
    scheduler_role = arn_of(_scheduler_role(synthesized))
    for function in ("intake", "decide", "contacts", "expire", "report"):
        allowed = _allowed(synthesized, function)
        # expire too: an expiry that re-routes schedules the next offer's expiry.
        creates = function in ("intake", "decide", "expire")
        assert ("scheduler:CreateSchedule" in allowed) is creates, function
        assert ("iam:PassRole" in allowed) is creates, function
        if creates:
            assert allowed["iam:PassRole"] == [scheduler_role]
        for action in ("scheduler:CreateSchedule", "scheduler:DeleteSchedule"):
            for schedules in allowed.get(action, []):
                assert schedules["Fn::Join"][1][-1] == f":schedule/{group_name}/*"
    # Deleting: decide (decided offers) and expire (schedules the sweeper overtook).
    assert "scheduler:DeleteSchedule" in _allowed(synthesized, "expire")
    assert "scheduler:DeleteSchedule" in _allowed(synthesized, "decide")
    for reader in ("report", "contacts"):
        allowed = _allowed(synthesized, reader)
        assert not [a for a in allowed if a.startswith(("scheduler:", "iam:"))], reader

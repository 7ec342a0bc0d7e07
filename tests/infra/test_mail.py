"""Mail on AWS: the table's stream into notify, its dead letters and alarm, SES, permissions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import names
from tests.infra.conftest import Synthesis
from tests.infra.support import actions, arn_of, function_ids, role_id, role_statements

pytestmark = pytest.mark.xdist_group("cdk")


def _resources(synthesized: Synthesis, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in synthesized.resources(kind).values()]


def _notify(synthesized: Synthesis) -> str:
    return function_ids(synthesized.template)["notify"]


def test_the_table_streams_new_images(synthesized: Synthesis) -> None:
    (table,) = _resources(synthesized, "AWS::DynamoDB::Table")
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_new_event_items_reach_notify_with_per_item_failures_retries_and_a_queue(
    synthesized: Synthesis,
) -> None:
    (mapping,) = _resources(synthesized, "AWS::Lambda::EventSourceMapping")
    assert mapping["FunctionName"] == {"Ref": _notify(synthesized)}
    assert mapping["EventSourceArn"]["Fn::GetAtt"][1] == "StreamArn"
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["MaximumRetryAttempts"] == names.STREAM_RETRY_ATTEMPTS
    assert mapping["MaximumRecordAgeInSeconds"] == names.STREAM_MAX_RECORD_AGE_HOURS * 3600
    (pattern,) = mapping["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"]) == {
        "eventName": ["INSERT"],
        "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}},
    }
    queue = mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert synthesized.template["Resources"][queue]["Type"] == "AWS::SQS::Queue"
    # Its first message raises an alarm.
    watched = [
        a["Properties"]
        for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
        if any(
            d.get("Value") == {"Fn::GetAtt": [queue, "QueueName"]}
            for d in a["Properties"].get("Dimensions", [])
        )
    ]
    assert watched and watched[0]["Threshold"] == 1


def test_notify_reads_the_stream_sends_only_from_our_identity_and_config_set(
    synthesized: Synthesis,
) -> None:
    statements = role_statements(
        synthesized.template, role_id(synthesized.template, _notify(synthesized))
    )
    (send,) = [s for s in statements if "ses:SendEmail" in actions(s)]
    assert actions(send) == ["ses:SendEmail"]
    resources = json.dumps(send["Resource"])
    assert f"identity/{names.DEFAULT_MAIL_FROM}" in resources
    assert f"configuration-set/{names.SES_CONFIGURATION_SET}" in resources
    assert "*" not in resources.replace('"*"', "")  # no wildcard in the resources
    stream = [s for s in statements if "dynamodb:GetRecords" in actions(s)]
    assert stream
    # No other function may send mail.
    for name, logical_id in function_ids(synthesized.template).items():
        if name == "notify":
            continue
        others = role_statements(synthesized.template, role_id(synthesized.template, logical_id))
        assert not [s for s in others if any(a.startswith("ses:") for a in actions(s))], name


def test_ses_has_the_sender_and_a_configuration_set_whose_feedback_reaches_notify(
    synthesized: Synthesis,
) -> None:
    (identity,) = _resources(synthesized, "AWS::SES::EmailIdentity")
    assert identity["EmailIdentity"] == names.DEFAULT_MAIL_FROM
    (configuration_set,) = _resources(synthesized, "AWS::SES::ConfigurationSet")
    assert configuration_set["Name"] == names.SES_CONFIGURATION_SET
    (destination,) = _resources(synthesized, "AWS::SES::ConfigurationSetEventDestination")
    target = destination["EventDestination"]
    assert sorted(target["MatchingEventTypes"]) == ["bounce", "complaint"]
    topic = target["SnsDestination"]["TopicARN"]["Ref"]
    topic_properties = synthesized.template["Resources"][topic]["Properties"]
    assert "KmsMasterKeyId" in topic_properties
    subscriptions = [
        s
        for s in _resources(synthesized, "AWS::SNS::Subscription")
        if s["TopicArn"] == {"Ref": topic}
    ]
    assert [s["Endpoint"] for s in subscriptions] == [arn_of(_notify(synthesized))]


def test_the_reminder_schedules_target_notify(synthesized: Synthesis) -> None:
    notify = arn_of(_notify(synthesized))
    ids = function_ids(synthesized.template)
    for name in ("intake", "decide"):
        variables = synthesized.template["Resources"][ids[name]]["Properties"]["Environment"][
            "Variables"
        ]
        assert variables["NOTIFY_FUNCTION_ARN"] == notify, name
    roles = synthesized.resources("AWS::IAM::Role")
    (scheduler_role,) = [
        logical_id
        for logical_id, role in roles.items()
        if "scheduler.amazonaws.com" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
    ]
    invokes = [
        s
        for s in role_statements(synthesized.template, scheduler_role)
        if "lambda:InvokeFunction" in actions(s)
    ]
    assert notify in [s["Resource"] for s in invokes]


def test_notify_knows_its_sender_hq_and_the_app(synthesized: Synthesis) -> None:
    variables = synthesized.template["Resources"][_notify(synthesized)]["Properties"][
        "Environment"
    ]["Variables"]
    assert variables["MAIL_FROM"] == names.DEFAULT_MAIL_FROM
    assert variables["HQ_EMAIL"] == names.DEFAULT_HQ_EMAIL
    assert variables["SES_CONFIGURATION_SET"] == names.SES_CONFIGURATION_SET
    assert "APP_URL" in variables
    assert "MAILER" not in variables  # SES, the default


def test_a_sender_that_is_no_address_is_refused() -> None:
    from aws_cdk import App  # noqa: PLC0415

    app = App(context={names.CONTEXT_MAIL_FROM: "not an address"})
    with pytest.raises(ValueError, match="mail_from"):
        names.settings_from(app)
    app = App(context={names.CONTEXT_HQ_LANGUAGE: "fr"})
    with pytest.raises(ValueError, match="hq_language"):
        names.settings_from(app)

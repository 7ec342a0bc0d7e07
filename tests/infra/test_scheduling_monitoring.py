"""Expiry scheduling, the sweeper, dead-letter queues and the alarms that watch them."""

from __future__ import annotations

import json

import pytest

from infra import names
from tests.infra.conftest import Synthesis
from tests.infra.support import arn_of, function_ids

pytestmark = pytest.mark.xdist_group("cdk")


def test_the_sweeper_runs_every_five_minutes_on_the_expire_function(
    synthesized: Synthesis,
) -> None:
    (rule,) = synthesized.resources("AWS::Events::Rule").values()
    properties = rule["Properties"]
    assert properties["ScheduleExpression"] == "rate(5 minutes)"
    assert properties["State"] == "ENABLED"
    (target,) = properties["Targets"]
    assert target["Arn"] == arn_of(function_ids(synthesized.template)["expire"])
    assert json.loads(target["Input"]) == {"sweep": True}
    queue = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert synthesized.template["Resources"][queue]["Type"] == "AWS::SQS::Queue"


def test_dead_letter_queues_are_encrypted_and_refuse_plain_http(synthesized: Synthesis) -> None:
    queues = synthesized.resources("AWS::SQS::Queue")
    # expiry deliveries, sweeper deliveries, expire and notify failures, mail stream failures
    assert len(queues) == 5
    policies = synthesized.resources("AWS::SQS::QueuePolicy").values()
    for logical_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        (policy,) = [p for p in policies if {"Ref": logical_id} in p["Properties"]["Queues"]]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )


def test_alarms_watch_functions_dead_letters_and_the_api(synthesized: Synthesis) -> None:
    alarms = list(synthesized.resources("AWS::CloudWatch::Alarm").values())
    (topic_id,) = (t for t in synthesized.resources("AWS::SNS::Topic") if "Alarms" in t)
    watched = set()
    for alarm in alarms:
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == [{"Ref": topic_id}]
        assert properties["Threshold"] == 1
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        if "Dimensions" not in properties:  # a metric of our own, from a log filter
            watched.add((properties["MetricName"], properties["Namespace"]))
            continue
        (dimension,) = properties["Dimensions"]
        value = dimension["Value"]
        target = value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
        watched.add((properties["MetricName"], target))
    for name, logical_id in function_ids(synthesized.template).items():
        assert ("Errors", logical_id) in watched, name
        assert ("Throttles", logical_id) in watched, name
    for queue in synthesized.resources("AWS::SQS::Queue"):
        assert ("ApproximateNumberOfMessagesVisible", queue) in watched, queue
    (api_id,) = synthesized.resources("AWS::ApiGatewayV2::Api")
    assert ("5xx", api_id) in watched
    assert ("ThrottledRequests", names.METRICS_NAMESPACE) in watched  # 429s (test_edge)


def test_the_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(
    synthesized: Synthesis,
) -> None:
    (topic,) = (t for i, t in synthesized.resources("AWS::SNS::Topic").items() if "Alarms" in i)
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synthesized.template["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    assert any(
        s["Principal"].get("Service") == "cloudwatch.amazonaws.com"
        for s in key["KeyPolicy"]["Statement"]
    )
    # Without alarm_email nobody is subscribed (docs/deploy.md says how to add one); the
    # only subscription is notify's, to SES's feedback topic (test_mail).
    subscribed = [
        s["Properties"]["Protocol"]
        for s in synthesized.resources("AWS::SNS::Subscription").values()
    ]
    assert subscribed == ["lambda"]


def test_the_schedule_group_has_the_name_the_functions_use(synthesized: Synthesis) -> None:
    (group,) = synthesized.resources("AWS::Scheduler::ScheduleGroup").values()
    assert group["Properties"]["Name"] == names.SCHEDULE_GROUP

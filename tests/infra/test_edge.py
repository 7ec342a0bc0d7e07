"""The public route under abuse: WAF's per-client limit, the route throttle, the alarms.

The web ACL lives in the edge stack (us-east-1, where CloudFront's web ACLs must be);
the distribution in the main stack takes it through a cross-region reference.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

import pytest

from infra import names
from infra.edge import INTAKE_PATH, INTAKE_RULE, WEB_ACL_NAME
from tests.infra.conftest import Synthesis

pytestmark = pytest.mark.xdist_group("cdk")


def _web_acl(synthesized: Synthesis) -> dict[str, Any]:
    (acl,) = synthesized.edge_resources("AWS::WAFv2::WebACL").values()
    return dict(acl["Properties"])


def _rule(synthesized: Synthesis) -> dict[str, Any]:
    (rule,) = _web_acl(synthesized)["Rules"]
    return dict(rule)


def test_the_edge_stack_is_in_us_east_1_and_the_main_stack_where_the_data_lives(
    synthesized: Synthesis,
) -> None:
    manifest = json.loads((synthesized.outdir / "manifest.json").read_text())
    regions = {
        name: artifact["environment"].rsplit("/", 1)[-1]
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert regions == {names.EDGE_STACK_ID: "us-east-1", names.STACK_ID: names.DEFAULT_REGION}
    edge = manifest["artifacts"][names.STACK_ID]
    assert names.EDGE_STACK_ID in edge["dependencies"]  # deployed first


def test_the_web_acl_is_for_cloudfront_and_lets_through_what_no_rule_blocks(
    synthesized: Synthesis,
) -> None:
    acl = _web_acl(synthesized)
    assert acl["Scope"] == "CLOUDFRONT"
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["MetricName"] == WEB_ACL_NAME
    # Sampled requests would keep IP addresses and headers: personal data.
    for config in (acl["VisibilityConfig"], _rule(synthesized)["VisibilityConfig"]):
        assert config["SampledRequestsEnabled"] is False
        assert config["CloudWatchMetricsEnabled"] is True


def test_each_client_ip_may_post_inquiries_at_the_limit_and_is_then_blocked_with_429(
    synthesized: Synthesis,
) -> None:
    rule = _rule(synthesized)
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == names.WAF_INTAKE_LIMIT == 10  # WAF's lowest
    assert rate["EvaluationWindowSec"] == names.WAF_INTAKE_WINDOW_S == 60
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429
    assert block["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "60"}]
    body = _web_acl(synthesized)["CustomResponseBodies"][block["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["message"].startswith("too many submissions")


def _normalize_path(path: str) -> str:
    """WAF's NORMALIZE_PATH: no repeated slashes, no `.` or `..` segments; a final `/` stays."""
    normal = re.sub("/+", "/", posixpath.normpath(re.sub("/+", "/", path)))
    return normal + "/" if path.endswith("/") and normal != "/" else normal


def _in_scope(scope: dict[str, Any], method: str, path: str) -> bool:
    """WAF's verdict on the scope-down statement, evaluated as WAF does."""
    checks = scope["AndStatement"]["Statements"]
    verdicts = []
    for check in checks:
        if "ByteMatchStatement" in check:
            byte = check["ByteMatchStatement"]
            assert byte["FieldToMatch"] == {"Method": {}}
            assert byte["PositionalConstraint"] == "EXACTLY"
            verdicts.append(method == byte["SearchString"])
        else:
            regex = check["RegexMatchStatement"]
            assert regex["FieldToMatch"] == {"UriPath": {}}
            assert regex["TextTransformations"] == [{"Priority": 0, "Type": "NORMALIZE_PATH"}]
            normal = re.sub("/+", "/", posixpath.normpath(path)) + (
                "/" if path.endswith("/") else ""
            )
            verdicts.append(re.search(regex["RegexString"], normal) is not None)
    return all(verdicts)


@pytest.mark.parametrize(
    ("method", "path", "counted"),
    [
        ("POST", "/inquiries", True),
        ("POST", "/inquiries/", True),
        ("POST", "//inquiries", True),
        ("POST", "/./inquiries", True),
        ("GET", "/inquiries", False),  # HQ's list: signed in, on the stage throttle
        ("POST", "/inquiries/abc123/accept", False),  # a partner deciding many at once
        ("POST", "/inquiries/abc123/progress", False),
        ("PUT", "/partners/alpin", False),
        ("GET", "/", False),
        ("GET", "/config.json", False),
    ],
)
def test_the_limit_counts_only_submissions_of_the_public_form(
    synthesized: Synthesis, method: str, path: str, counted: bool
) -> None:
    scope = _rule(synthesized)["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    assert _in_scope(scope, method, path) is counted
    assert scope["AndStatement"]["Statements"][1]["RegexMatchStatement"]["RegexString"] == (
        INTAKE_PATH
    )


def test_the_distribution_uses_the_edge_stacks_web_acl(synthesized: Synthesis) -> None:
    (distribution,) = synthesized.resources("AWS::CloudFront::Distribution").values()
    reference = distribution["Properties"]["DistributionConfig"]["WebACLId"]["Fn::GetAtt"]
    reader, export = reference
    assert synthesized.template["Resources"][reader]["Type"] == "Custom::CrossRegionExportReader"
    (writer,) = synthesized.edge_resources("Custom::CrossRegionExportWriter").values()
    exports = writer["Properties"]["WriterProps"]["exports"]
    (acl_id,) = synthesized.edge_resources("AWS::WAFv2::WebACL")
    assert exports[export] == {"Fn::GetAtt": [acl_id, "Arn"]}


def test_blocked_clients_raise_an_alarm_in_us_east_1(synthesized: Synthesis) -> None:
    (alarm,) = synthesized.edge_resources("AWS::CloudWatch::Alarm").values()
    properties = alarm["Properties"]
    assert properties["Namespace"] == "AWS/WAFV2"
    assert properties["MetricName"] == "BlockedRequests"
    dimensions = {d["Name"]: d["Value"] for d in properties["Dimensions"]}
    # The dimensions are the metric names of the web ACL and of its rule.
    assert dimensions == {
        "WebACL": _web_acl(synthesized)["VisibilityConfig"]["MetricName"],
        "Rule": _rule(synthesized)["VisibilityConfig"]["MetricName"],
    }
    assert dimensions["Rule"] == INTAKE_RULE
    assert properties["Threshold"] == 1 and properties["Statistic"] == "Sum"
    (topic_id,) = synthesized.edge_resources("AWS::SNS::Topic")
    assert properties["AlarmActions"] == [{"Ref": topic_id}]
    (topic,) = synthesized.edge_resources("AWS::SNS::Topic").values()
    assert "KmsMasterKeyId" in topic["Properties"]


def test_throttled_requests_raise_an_alarm(synthesized: Synthesis) -> None:
    (metric_filter,) = synthesized.resources("AWS::Logs::MetricFilter").values()
    properties = metric_filter["Properties"]
    assert properties["FilterPattern"] == "{ $.status = 429 }"
    (access_logs,) = (
        logical_id
        for logical_id in synthesized.resources("AWS::Logs::LogGroup")
        if logical_id.startswith("ApiAccessLogs")
    )
    assert properties["LogGroupName"] == {"Ref": access_logs}
    (transformation,) = properties["MetricTransformations"]
    assert transformation["MetricValue"] == "1"
    (alarm,) = (
        a["Properties"]
        for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == transformation["MetricName"]
    )
    assert alarm["Namespace"] == transformation["MetricNamespace"] == names.METRICS_NAMESPACE
    assert alarm["Threshold"] == 1 and alarm["Statistic"] == "Sum"


def test_the_route_throttle_is_sized_from_the_per_client_limit(synthesized: Synthesis) -> None:
    (stage,) = synthesized.resources("AWS::ApiGatewayV2::Stage").values()
    route = stage["Properties"]["RouteSettings"]["POST /inquiries"]
    # 1,000 prospects a second (the rate the keys are sized for, issue 12), plus 108
    # clients each just under WAF's limit.
    per_client = names.WAF_INTAKE_LIMIT / names.WAF_INTAKE_WINDOW_S
    assert route["ThrottlingRateLimit"] == pytest.approx(1000 + 108 * per_client) == 1018
    assert route["ThrottlingBurstLimit"] == 2036
    # Once WAF holds a client to its limit, it takes under 1% of the route.
    assert per_client / route["ThrottlingRateLimit"] < 0.01
    # Signed-in routes: each may take the busiest one's share at that rate (lists, 3 a
    # inquiry), not the 50 a second that capped the whole stack before.
    defaults = stage["Properties"]["DefaultRouteSettings"]
    assert defaults["ThrottlingRateLimit"] == 3000

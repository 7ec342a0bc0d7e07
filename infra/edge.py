"""The edge stack, in us-east-1: the WAF web ACL CloudFront uses, and the alarm on it.

CloudFront takes only web ACLs of scope CLOUDFRONT, which exist only in us-east-1, and
WAF reports their metrics there too, so the alarm on blocked requests (and the topic it
publishes to) live beside them. The main stack gets the web ACL's ARN through CDK's
cross-region references (an SSM parameter in the main region, written at deploy time).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import names
from infra.concerns.monitoring import PERIOD, AlarmTopic

WEB_ACL_NAME = "partner-inquiries-edge"
INTAKE_RULE = "intake-rate-per-client"
TOO_MANY = "too-many-submissions"
INTAKE_PATH = "^/inquiries/?$"
# What a blocked client reads: the API's own error shape, and when to come back.
TOO_MANY_BODY = {
    "message": "too many submissions from your network; please try again in a minute",
}


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    # Sampled requests would keep clients' IP addresses and headers: personal data.
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=False
    )


def intake_scope() -> wafv2.CfnWebACL.StatementProperty:
    """The requests the per-client limit counts: POST /inquiries, whatever the path's form."""
    method = wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(method={}),
            positional_constraint="EXACTLY",
            search_string="POST",
            text_transformations=[
                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
            ],
        )
    )
    path = wafv2.CfnWebACL.StatementProperty(
        regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
            regex_string=INTAKE_PATH,
            # Folds //inquiries and /./inquiries into /inquiries before matching.
            text_transformations=[
                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NORMALIZE_PATH")
            ],
        )
    )
    return wafv2.CfnWebACL.StatementProperty(
        and_statement=wafv2.CfnWebACL.AndStatementProperty(statements=[method, path])
    )


class EdgeStack(cdk.Stack):
    """The web ACL: a per-client rate limit on the public form route, and its alarm."""

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: names.Settings, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, description=names.EDGE_STACK_DESCRIPTION, **kwargs)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=WEB_ACL_NAME,
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(WEB_ACL_NAME),
            custom_response_bodies={
                TOO_MANY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=json.dumps(TOO_MANY_BODY)
                )
            },
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name=INTAKE_RULE,
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(
                        block=wafv2.CfnWebACL.BlockActionProperty(
                            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                                response_code=429,
                                custom_response_body_key=TOO_MANY,
                                response_headers=[
                                    wafv2.CfnWebACL.CustomHTTPHeaderProperty(
                                        name="Retry-After", value=str(names.WAF_INTAKE_WINDOW_S)
                                    )
                                ],
                            )
                        )
                    ),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            aggregate_key_type="IP",  # CloudFront's viewer: the client's IP
                            limit=names.WAF_INTAKE_LIMIT,
                            evaluation_window_sec=names.WAF_INTAKE_WINDOW_S,
                            scope_down_statement=intake_scope(),
                        )
                    ),
                    visibility_config=_visibility(INTAKE_RULE),
                )
            ],
        )
        self.alarms = AlarmTopic(self, "Monitoring", settings=settings)
        self.alarms.alarm(
            "IntakeClientsBlocked",
            cloudwatch.Metric(
                namespace="AWS/WAFV2",
                metric_name="BlockedRequests",
                # Web ACLs of CloudFront report without a Region dimension.
                dimensions_map={"WebACL": WEB_ACL_NAME, "Rule": INTAKE_RULE},
                statistic="Sum",
                period=PERIOD,
            ),
            "A client sent POST /inquiries faster than "
            f"{names.WAF_INTAKE_LIMIT} per {names.WAF_INTAKE_WINDOW_S} s and WAF blocked it: "
            "someone is flooding the form",
        )
        cdk.CfnOutput(self, "WebAclArn", value=self.web_acl.attr_arn)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn)

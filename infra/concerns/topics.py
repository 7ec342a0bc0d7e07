"""An SNS topic under its own KMS key that one AWS service may publish through.

CloudWatch alarms and SES notifications cannot publish to a topic under the AWS
managed SNS key, so each such topic gets a customer managed key whose policy lets
that service (from this account only) use it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct


def encrypted_topic(
    scope: Construct,
    *,
    key_id: str,
    topic_id: str,
    service: str,
    sid: str,
    key_description: str,
    display_name: str,
) -> tuple[kms.Key, sns.Topic]:
    """The key and the topic, as children of `scope`; `service` e.g. `ses.amazonaws.com`."""
    key = kms.Key(scope, key_id, description=key_description, enable_key_rotation=True)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(service)],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
        )
    )
    topic = sns.Topic(scope, topic_id, display_name=display_name, master_key=key, enforce_ssl=True)
    return key, topic

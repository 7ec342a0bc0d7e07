"""The one DynamoDB table, built from the same definition as the tests and the local stack."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from inquiries.adapters import table as definition


def _string(name: str) -> dynamodb.Attribute:
    # Every key attribute is a string (see table.key_attributes).
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Data(Construct):
    """The table: on demand, point-in-time recovery, encrypted, protected from deletion."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_string(definition.PARTITION_KEY),
            sort_key=_string(definition.SORT_KEY),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            # AWS owned keys cannot be audited; the AWS managed key shows up in CloudTrail
            # and needs no key policy of ours.
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            time_to_live_attribute=definition.TTL_ATTRIBUTE,
            # New items' images feed the notify function (mails follow stored changes).
            stream=dynamodb.StreamViewType(definition.STREAM_VIEW_TYPE),
        )
        for index in self.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string(index.partition_key),
                sort_key=_string(index.sort_key),
                **_projection(index),
            )

    @property
    def indexes(self) -> tuple[definition.Index, ...]:
        """The indexes to deploy: all, or the first `-c indexes=N` of them.

        CloudFormation creates at most one global secondary index per update of a table,
        so a table that lacks several gets them over successive deployments
        (docs/deploy.md, "Sized for 1,000 inquiries a second").
        """
        count = self.node.try_get_context("indexes")
        indexes = definition.INDEXES[: int(count)] if count else definition.INDEXES
        # `-c without=gsi3`: deploy the table without that index for one update, so that
        # the next creates it anew: CloudFormation cannot change an index's projection in
        # place (docs/deploy.md, "Index projections").
        without = set(str(self.node.try_get_context("without") or "").split(",")) - {""}
        return tuple(index for index in indexes if index.name not in without)

    @property
    def index_arns(self) -> list[str]:
        """The ARN of every index by name: IAM statements name them, never `index/*`."""
        return [f"{self.table.table_arn}/index/{index.name}" for index in self.indexes]


def _projection(index: definition.Index) -> dict[str, Any]:
    """ALL, KEYS_ONLY, or INCLUDE of the attributes the index names (table.py decides)."""
    if index.include is None:
        return {"projection_type": dynamodb.ProjectionType.ALL}
    if not index.include:
        return {"projection_type": dynamodb.ProjectionType.KEYS_ONLY}
    return {
        "projection_type": dynamodb.ProjectionType.INCLUDE,
        "non_key_attributes": list(index.include),
    }

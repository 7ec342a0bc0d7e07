"""The one stack: table, layer, functions, scheduling, API, monitoring."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from infra import names
from infra.concerns.api import Api
from infra.concerns.data import Data
from infra.concerns.functions import Functions
from infra.concerns.monitoring import Monitoring
from infra.concerns.scheduling import Scheduling
from infra.layer import CommonLayer


class InquiriesStack(cdk.Stack):
    """Everything the product needs on AWS, wired from the names in `infra.names`."""

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: names.Settings, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, description=names.STACK_DESCRIPTION, **kwargs)
        self.data = Data(self, "Data")
        self.common = CommonLayer(self, "Common")
        self.scheduling = Scheduling(self, "Scheduling")
        self.functions = Functions(
            self,
            "Functions",
            table=self.data.table,
            index_arns=self.data.index_arns,
            layer=self.common.layer,
            scheduling=self.scheduling,
            settings=settings,
        )
        self.scheduling.fire(self.functions.expire)
        self.api = Api(self, "Api", functions=dict(self.functions.by_name), settings=settings)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=dict(self.functions.by_name),
            dead_letter_queues={
                **self.scheduling.dead_letter_queues,
                **self.functions.dead_letter_queues,
            },
            http_api=self.api.http_api,
            settings=settings,
        )
        outputs = {
            "ApiUrl": self.api.url,
            "UserPoolId": self.api.users.pool.user_pool_id,
            "UserPoolClientId": self.api.users.client.user_pool_client_id,
            "TableName": self.data.table.table_name,
            "ScheduleGroup": self.scheduling.group_name,
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
        }
        for name, value in outputs.items():
            cdk.CfnOutput(self, name, value=value)

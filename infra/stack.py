"""The main stack: table, layer, functions, scheduling, API, web app, mail, monitoring."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import names
from infra.concerns.api import Api
from infra.concerns.data import Data
from infra.concerns.functions import Functions
from infra.concerns.mail import Mail
from infra.concerns.monitoring import Monitoring
from infra.concerns.scheduling import Scheduling
from infra.concerns.web import WebApp
from infra.layer import CommonLayer
from infra.nag import acknowledge


class InquiriesStack(cdk.Stack):
    """Everything the product needs on AWS, wired from the names in `infra.names`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: names.Settings,
        web_acl_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, description=names.STACK_DESCRIPTION, **kwargs)
        self.data = Data(self, "Data")
        self.common = CommonLayer(self, "Common")
        self.scheduling = Scheduling(self, "Scheduling")
        # What CloudFront tells the API with every request, so that submissions reach
        # intake only through CloudFront and its WAF (names.ORIGIN_VERIFY_HEADER).
        self.origin_secret = secretsmanager.Secret(
            self,
            "OriginVerify",
            description="Header value CloudFront sends to the HTTP API (origin verification)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
        )
        acknowledge(
            self.origin_secret,
            "AwsSolutions-SMG4",
            "The value is written into CloudFront's origin header and intake's environment "
            "at deployment; a rotation outside a deployment would lock the website out. "
            "Rotate it by redeploying with a new secret.",
        )
        origin_verify = self.origin_secret.secret_value.unsafe_unwrap()
        self.functions = Functions(
            self,
            "Functions",
            table=self.data.table,
            index_arns=self.data.index_arns,
            layer=self.common.layer,
            scheduling=self.scheduling,
            settings=settings,
            origin_verify=origin_verify,
        )
        self.scheduling.fire(self.functions.expire)
        self.scheduling.remind(self.functions.notify)
        self.api = Api(self, "Api", functions=dict(self.functions.by_name), settings=settings)
        self.web = WebApp(
            self,
            "Web",
            http_api=self.api.http_api,
            pool=self.api.users.pool,
            web_acl_arn=web_acl_arn,
            settings=settings,
            origin_verify=origin_verify,
        )
        self.api.serve(clients=[self.web.client])
        self.mail = Mail(
            self,
            "Mail",
            notify=self.functions.notify,
            role=self.functions.parts["notify"].role,
            table=self.data.table,
            settings=settings,
            app_url=self.web.url,
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=dict(self.functions.by_name),
            dead_letter_queues={
                **self.scheduling.dead_letter_queues,
                **self.functions.dead_letter_queues,
                **self.mail.dead_letter_queues,
            },
            http_api=self.api.http_api,
            access_logs=self.api.access_logs,
            settings=settings,
        )
        outputs = {
            # One origin for the app, its API and the website's form (behind WAF).
            "AppUrl": self.web.url,
            "ApiUrl": self.web.url,
            "LoginUrl": self.web.login.base_url(),
            "WebClientId": self.web.client.user_pool_client_id,
            "UserPoolId": self.api.users.pool.user_pool_id,
            "UserPoolClientId": self.api.users.client.user_pool_client_id,
            "TableName": self.data.table.table_name,
            "ScheduleGroup": self.scheduling.group_name,
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
            "MailFeedbackTopicArn": self.mail.feedback.topic_arn,
        }
        for name, value in outputs.items():
            cdk.CfnOutput(self, name, value=value)

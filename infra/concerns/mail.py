"""Mail (issue 15): the notify function's event sources, SES, and the feedback loop.

- The table's stream feeds notify with new event items only (a filter on the
  event source), in batches whose failed records are reported one by one and
  retried for up to a day; what still fails goes to an SQS queue (on-failure
  destination) whose first message raises an alarm.
- Mail goes out through SES from a verified sender identity, via a
  configuration set whose bounces and complaints go to an SNS topic (under our
  own key) that notify subscribes to: a partner address that bounces is
  reported to HQ.
- notify may send only from our identity through our configuration set.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from inquiries.service.stream import EVENT_FILTER

from infra import names
from infra.concerns.functions import MAIL_ACCESS
from infra.concerns.scheduling import dead_letter_queue
from infra.concerns.topics import encrypted_topic
from infra.nag import acknowledge


class Mail(Construct):
    """The stream's event source, SES's identity and configuration set, the feedback topic."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        notify: lambda_.Function,
        role: iam.IRole,
        table: dynamodb.ITable,
        settings: names.Settings,
        app_url: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        # Stream records that failed for a day (or 50 times) land here, for a person to see.
        self.stream_failures = dead_letter_queue(self, "StreamFailures")
        acknowledge(
            self.stream_failures,
            "AwsSolutions-SQS3",
            "This queue is itself the on-failure destination of the stream's event source; "
            "an alarm fires on its first message.",
        )
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and "
            "dynamodb:ListStreams (the stream's event source) support no resource-level "
            "permissions; no other statement has a wildcard resource.",
        )
        notify.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=names.STREAM_BATCH_SIZE,
                report_batch_item_failures=True,
                retry_attempts=names.STREAM_RETRY_ATTEMPTS,
                max_record_age=cdk.Duration.hours(names.STREAM_MAX_RECORD_AGE_HOURS),
                on_failure=sources.SqsDlq(self.stream_failures),
                filters=[lambda_.FilterCriteria.filter(EVENT_FILTER)],
            )
        )

        self.identity = ses.EmailIdentity(
            self, "Sender", identity=ses.Identity.email(settings.mail_from)
        )
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=names.SES_CONFIGURATION_SET,
            reputation_metrics=True,
        )
        self.key, self.feedback = encrypted_topic(
            self,
            key_id="FeedbackKey",
            topic_id="Feedback",
            service="ses.amazonaws.com",
            sid="SesPublishes",
            key_description="Encrypts SES's bounce and complaint notifications",
            display_name="Partner inquiries: mail bounces and complaints",
        )
        self.feedback.add_to_resource_policy(
            iam.PolicyStatement(
                sid="SesPublishes",
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.feedback.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )
        self.configuration_set.add_event_destination(
            "Feedback",
            destination=ses.EventDestination.sns_topic(self.feedback),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        self.feedback.add_subscription(subscriptions.LambdaSubscription(notify))

        identity_arn = stack.format_arn(
            service="ses", resource="identity", resource_name=settings.mail_from
        )
        configuration_set_arn = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=names.SES_CONFIGURATION_SET,
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="SendMail",
                actions=list(MAIL_ACCESS["notify"]),
                resources=[identity_arn, configuration_set_arn],
            )
        )
        for name, value in {
            "MAIL_FROM": settings.mail_from,
            "HQ_EMAIL": settings.hq_email,
            "HQ_LANGUAGE": settings.hq_language,
            "SES_CONFIGURATION_SET": names.SES_CONFIGURATION_SET,
            "APP_URL": app_url,
        }.items():
            notify.add_environment(name, value)

    @property
    def dead_letter_queues(self) -> dict[str, sqs.IQueue]:
        return {"MailStreamFailures": self.stream_failures}

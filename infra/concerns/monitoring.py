"""Alarms to an encrypted SNS topic: function errors and throttles, dead letters, API 5xx
and API throttling (429)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.concerns.topics import encrypted_topic

PERIOD = cdk.Duration.minutes(5)
THROTTLED_METRIC = "ThrottledRequests"


class AlarmTopic(Construct):
    """An SNS topic under its own KMS key, and alarms that publish to it.

    Also the base of the edge stack's monitoring: an alarm publishes only to a topic in
    its own region. The key and the topic are children of the construct itself.
    """

    def __init__(self, scope: Construct, construct_id: str, *, settings: names.Settings) -> None:
        super().__init__(scope, construct_id)
        self.key, self.topic = encrypted_topic(
            self,
            key_id="AlarmKey",
            topic_id="Alarms",
            service="cloudwatch.amazonaws.com",
            sid="CloudWatchAlarmsPublish",
            key_description="Encrypts the alarm topic of partner inquiries",
            display_name="Partner inquiries alarms",
        )
        if settings.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []

    def alarm(
        self, construct_id: str, metric: cloudwatch.IMetric, description: str
    ) -> cloudwatch.Alarm:
        """An alarm on the first occurrence in a period: each of these is worth a look."""
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm


class Monitoring(AlarmTopic):
    """Every alarm fires on the first occurrence: each of these is worth a look."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        dead_letter_queues: dict[str, sqs.IQueue],
        http_api: apigwv2.HttpApi,
        access_logs: logs.ILogGroup,
        settings: names.Settings,
    ) -> None:
        super().__init__(scope, construct_id, settings=settings)
        for name, function in functions.items():
            self.alarm(
                f"{name.title()}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                f"The {name} function failed",
            )
            self.alarm(
                f"{name.title()}Throttles",
                function.metric_throttles(period=PERIOD, statistic="Sum"),
                f"The {name} function was throttled",
            )
        for name, queue in dead_letter_queues.items():
            self.alarm(
                f"{name}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                f"A delivery failed for good and waits in a dead-letter queue ({name})",
            )
        self.alarm(
            "Api5xx",
            http_api.metric_server_error(period=PERIOD, statistic="Sum"),
            "The API answered with a server error",
        )
        # HTTP APIs publish no metric of their own for throttling: count the 429s of the
        # access log, whose lines carry the status and the route (never an IP address).
        throttled = logs.MetricFilter(
            self,
            "ThrottledRequests",
            log_group=access_logs,
            filter_pattern=logs.FilterPattern.number_value("$.status", "=", 429),
            metric_namespace=names.METRICS_NAMESPACE,
            metric_name=THROTTLED_METRIC,
            metric_value="1",
            default_value=0,
        )
        self.alarm(
            "ApiThrottled",
            throttled.metric(period=PERIOD, statistic="Sum"),
            "API Gateway throttled requests (429): the route limits were reached, so real "
            "prospects or users may have been turned away",
        )

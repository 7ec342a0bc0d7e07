"""Expiry scheduling: the schedule group, the role the scheduler uses, the sweeper's rule.

Each offer gets a one-time schedule in the group (created by intake and decide); it
invokes the expire function with the scheduler role. A periodic rule runs the sweeper,
which returns overdue inquiries whose schedule was lost or failed.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.nag import acknowledge


def dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    """An encrypted queue that keeps failed deliveries for two weeks, TLS only."""
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(names.DEAD_LETTER_RETENTION_DAYS),
    )
    return queue


def _is_a_dead_letter_queue(queue: sqs.Queue, of_what: str) -> None:
    # cdk-nag recognises queues named as DLQ by a queue or a function, not by a target.
    acknowledge(
        queue,
        "AwsSolutions-SQS3",
        f"This queue is itself the dead-letter queue {of_what}; an alarm fires on its "
        "first message.",
    )


class Scheduling(Construct):
    """The schedule group, the scheduler's role and its dead-letter queue."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.group_name = names.SCHEDULE_GROUP
        self.group = scheduler.CfnScheduleGroup(self, "Group", name=self.group_name)
        self.group_arn = stack.format_arn(
            service="scheduler",
            resource="schedule-group",
            resource_name=self.group_name,
        )
        # What intake and decide may create and delete: the schedules of this group only.
        self.schedules_arn = stack.format_arn(
            service="scheduler",
            resource="schedule",
            resource_name=f"{self.group_name}/*",
        )
        self.expiry_dead_letters = dead_letter_queue(self, "ExpiryDeadLetters")
        _is_a_dead_letter_queue(self.expiry_dead_letters, "of the expiry schedules")
        self.role = iam.Role(
            self,
            "SchedulerRole",
            description="EventBridge Scheduler: fire inquiry expiries at their deadline",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    # Confused-deputy guard: only schedules of this account and group.
                    "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn": self.group_arn},
                },
            ),
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="DeadLetters",
                actions=["sqs:SendMessage"],
                resources=[self.expiry_dead_letters.queue_arn],
            )
        )
        self.sweeper_dead_letters = dead_letter_queue(self, "SweeperDeadLetters")
        _is_a_dead_letter_queue(self.sweeper_dead_letters, "of the sweeper's rule target")
        self.sweeper: events.Rule | None = None

    def fire(self, expire: lambda_.IFunction) -> None:
        """Let the scheduler invoke the expire function (only it) and run the sweeper on it."""
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="InvokeExpire",
                actions=["lambda:InvokeFunction"],
                resources=[expire.function_arn],
            )
        )
        self.sweeper = events.Rule(
            self,
            "Sweeper",
            description="Return overdue inquiries whose expiry schedule was lost",
            schedule=events.Schedule.rate(cdk.Duration.minutes(names.SWEEP_EVERY_MINUTES)),
            targets=[
                targets.LambdaFunction(
                    expire,
                    event=events.RuleTargetInput.from_object(names.SWEEP_EVENT),
                    dead_letter_queue=self.sweeper_dead_letters,
                    retry_attempts=2,
                    # A sweep that waited longer is overtaken by the next one anyway.
                    max_event_age=cdk.Duration.minutes(names.SWEEP_EVERY_MINUTES * 2),
                )
            ],
        )

    def remind(self, notify: lambda_.IFunction) -> None:
        """Let the scheduler invoke the notify function: the partners' reminders (issue 15)."""
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="InvokeNotify",
                actions=["lambda:InvokeFunction"],
                resources=[notify.function_arn],
            )
        )

    @property
    def dead_letter_queues(self) -> dict[str, sqs.IQueue]:
        return {
            "ExpiryDeliveries": self.expiry_dead_letters,
            "SweeperDeliveries": self.sweeper_dead_letters,
        }

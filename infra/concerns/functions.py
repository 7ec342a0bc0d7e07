"""The functions, each with its own least-privilege role, and the layer they share.

A function's role names every action and every resource it needs: the table and its
indexes by ARN, the schedules of our group, the scheduler role it passes. No wildcard
actions; the only wildcard resources are the ones AWS gives no narrower form of.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from inquiries.api.routes import FUNCTIONS

from infra import names
from infra.concerns.scheduling import Scheduling, dead_letter_queue
from infra.nag import acknowledge

# What each function does to the table (see adapters/dynamodb.py). TransactWriteItems
# is authorised per item: Put, Update and Delete each need their own action.
# tests/infra/test_permissions.py runs every function on moto and checks that these
# grants cover each call made, and that none goes unused.
TABLE_ACCESS: dict[str, tuple[str, ...]] = {
    # get_partner, claim_of; territory and pending-count queries; the new inquiry and
    # its offer's report rollup (an Update that adds to the counters).
    "intake": ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"),
    # + duplicate candidates' contacts (BatchGetItem), old territories (Delete), the partner
    # still active when HQ's offer is written (ConditionCheck).
    "decide": (
        "dynamodb:ConditionCheckItem",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",  # the report rollups' counters
        "dynamodb:DeleteItem",
    ),
    # load the inquiry, the sweeper's index; the expiry transaction; when it re-routes,
    # the territory and pending-count queries and the next partner still active; the
    # offer's report rollup (Update); retention's erasure transaction, which deletes the
    # person's idempotency claims.
    "expire": (
        "dynamodb:ConditionCheckItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",  # the report rollups' counters
        "dynamodb:DeleteItem",
    ),
    # the address book: its list (Query and the page's BatchGetItem), one contact (GetItem),
    # the import (the book's Queries, then BatchWriteItem: contacts and their match keys,
    # put and deleted), a contact erased by its partner (a transaction of Deletes).
    "contacts": (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
    ),
    # the rollups (Query) and overdue offers; the fold of a day's rollup items into one,
    # a transaction that puts the folded item and deletes those it replaces
    # (adapters/rollup_folds.py).
    "report": ("dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"),
    # the inquiry and the events of a change (Query), partner and sent markers (GetItem),
    # a marker once its mail went (PutItem).
    "notify": ("dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem"),
}

# What a function sends through SES (infra/concerns/mail.py grants it on our identity and
# configuration set only).
MAIL_ACCESS: dict[str, tuple[str, ...]] = {"notify": ("ses:SendEmail",)}

# Who creates and deletes expiry schedules: intake only creates the first offer's;
# decide opens and closes offers; expire deletes the schedules the sweeper overtook and
# creates the next offer's when an expiry re-routes the inquiry (AUTO_REROUTE_MAX).
SCHEDULE_ACCESS: dict[str, tuple[str, ...]] = {
    "intake": ("scheduler:CreateSchedule",),
    "decide": ("scheduler:CreateSchedule", "scheduler:DeleteSchedule"),
    "expire": ("scheduler:CreateSchedule", "scheduler:DeleteSchedule"),
}

# Who reads the key of the data subject's keyed hashes: intake files each inquiry under
# them, decide looks people up (q=, /subjects, erasure). expire's retention erases by
# the stored keys and needs no secret; report never sees a person.
SUBJECT_KEY_READERS = ("intake", "decide")

RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def retention(days: int) -> logs.RetentionDays:
    """CloudWatch's retention for `days` (one of the RETENTION keys)."""
    if days not in RETENTION:
        raise ValueError(f"log retention must be one of {sorted(RETENTION)} days, not {days}")
    return RETENTION[days]


@dataclass(frozen=True)
class FunctionParts:
    function: lambda_.Function
    role: iam.Role
    log_group: logs.LogGroup


class Functions(Construct):
    """intake, decide, contacts, expire, report and notify from functions/<name>, `app.handler`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.Table,
        index_arns: list[str],
        layer: lambda_.ILayerVersion,
        scheduling: Scheduling,
        settings: names.Settings,
        origin_verify: str | None = None,
        subject_key: secretsmanager.ISecret | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._origin_verify = origin_verify
        self._subject_key = subject_key
        self._table = table
        self._index_arns = index_arns
        self._layer = layer
        self._scheduling = scheduling
        self._settings = settings
        # Failed asynchronous invocations of expire (scheduler, sweeper rule) end up here.
        self.expire_dead_letters = dead_letter_queue(self, "ExpireDeadLetters")
        # Failed asynchronous invocations of notify (reminders, SES feedback via SNS).
        self.notify_dead_letters = dead_letter_queue(self, "NotifyDeadLetters")
        self.parts: dict[str, FunctionParts] = {}
        # notify, then expire first: the others carry their ARNs (the schedules' targets);
        # expire creates schedules too (re-routing) and carries notify's (the reminders).
        first = ("notify", "expire")
        for name in (*first, *(n for n in FUNCTIONS if n not in first)):
            self.parts[name] = self._function(name)

    @property
    def by_name(self) -> dict[str, lambda_.Function]:
        return {name: parts.function for name, parts in self.parts.items()}

    @property
    def expire(self) -> lambda_.Function:
        return self.parts["expire"].function

    @property
    def notify(self) -> lambda_.Function:
        return self.parts["notify"].function

    def _environment(self, name: str) -> dict[str, str]:
        environment = {
            "POWERTOOLS_SERVICE_NAME": f"{names.SERVICE_PREFIX}-{name}",
            "POWERTOOLS_METRICS_NAMESPACE": names.METRICS_NAMESPACE,
            "LOG_LEVEL": self._settings.log_level,
            "TABLE_NAME": self._table.table_name,
            "SCHEDULE_GROUP": self._scheduling.group_name,
            "DEADLINE_HOURS": f"{self._settings.deadline_hours:g}",
            "AUTO_REROUTE_MAX": str(self._settings.auto_reroute_max),
            # No pydantic plugins are used: without this, the first validation of a cold
            # start reads the metadata of every installed package to look for some.
            "PYDANTIC_DISABLE_PLUGINS": "__all__",
        }
        if "scheduler:CreateSchedule" in SCHEDULE_ACCESS.get(name, ()):
            # Only the functions that create schedules need their target, role and DLQ;
            # expire cannot carry its own ARN (a circular reference): it reads it from
            # its invocation's context (functions/expire/app.py).
            environment |= {
                "SCHEDULER_ROLE_ARN": self._scheduling.role.role_arn,
                "EXPIRY_DLQ_ARN": self._scheduling.expiry_dead_letters.queue_arn,
                # The partner's reminder fires the notify function (issue 15).
                "NOTIFY_FUNCTION_ARN": self.notify.function_arn,
            }
            if name != "expire":
                environment["EXPIRE_FUNCTION_ARN"] = self.expire.function_arn
        if name == "intake" and self._origin_verify is not None:
            environment["ORIGIN_VERIFY"] = self._origin_verify
        if name in SUBJECT_KEY_READERS and self._subject_key is not None:
            environment["SUBJECT_KEY_SECRET_ARN"] = self._subject_key.secret_arn
        if name == "expire":
            environment["RETENTION_DAYS"] = str(self._settings.retention_days)
        if name == "intake" and self._settings.privacy_url:
            environment["PRIVACY_URL"] = self._settings.privacy_url  # GET /form's consent link
        return environment

    def _role(self, name: str, log_group: logs.LogGroup) -> iam.Role:
        role = iam.Role(
            self,
            f"{name.title()}Role",
            description=f"The {name} function: only what it does",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="Logs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="Table",
                actions=list(TABLE_ACCESS[name]),
                resources=[self._table.table_arn, *self._index_arns],
            )
        )
        schedule_actions = SCHEDULE_ACCESS.get(name, ())
        if schedule_actions:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="Schedules",
                    actions=list(schedule_actions),
                    resources=[self._scheduling.schedules_arn],
                )
            )
            region = cdk.Stack.of(role).region  # a literal once the app pins the region
            region = "<AWS::Region>" if cdk.Token.is_unresolved(region) else region
            acknowledge(
                role,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:{region}:"
                f"<AWS::AccountId>:schedule/{names.SCHEDULE_GROUP}/*]",
                "One schedule per offer, named at run time (expire-<inquiry>-<offer>); the "
                "statement is confined to the schedules of our own group.",
            )
        if "scheduler:CreateSchedule" in schedule_actions:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="PassSchedulerRole",
                    actions=["iam:PassRole"],
                    resources=[self._scheduling.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
                )
            )
        if name in SUBJECT_KEY_READERS and self._subject_key is not None:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="SubjectKey",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[self._subject_key.secret_arn],
                )
            )
        # Added by tracing (below, also pass-through): X-Ray has no resource-level permissions.
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "xray:PutTraceSegments and xray:PutTelemetryRecords (tracing) support no "
            "resource-level permissions; no other statement has a wildcard resource.",
        )
        return role

    def _function(self, name: str) -> FunctionParts:
        log_group = logs.LogGroup(
            self,
            f"{name.title()}Logs",
            retention=retention(self._settings.log_retention_days),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        role = self._role(name, log_group)
        asynchronous = {"expire": self.expire_dead_letters, "notify": self.notify_dead_letters}
        function = lambda_.Function(
            self,
            name.title(),
            description=f"Partner inquiries: {name}",
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="app.handler",
            code=lambda_.Code.from_asset(
                str(names.FUNCTIONS_DIR / name),
                exclude=["**/__pycache__", "**/*.pyc", "**/*.pyo"],
            ),
            layers=[self._layer],
            role=role,
            memory_size=names.MEMORY_MB[name],
            timeout=cdk.Duration.seconds(names.TIMEOUT_S[name]),
            tracing=(
                lambda_.Tracing.ACTIVE
                if self._settings.tracing == "active"
                else lambda_.Tracing.PASS_THROUGH
            ),
            log_group=log_group,
            # JSON lines (ours already are); Lambda's platform lines only from WARN up.
            logging_format=lambda_.LoggingFormat.JSON,
            system_log_level_v2=lambda_.SystemLogLevel(names.SYSTEM_LOG_LEVEL),
            application_log_level_v2=lambda_.ApplicationLogLevel(
                {"WARNING": "WARN", "CRITICAL": "FATAL"}.get(
                    self._settings.log_level, self._settings.log_level
                )
            ),
            environment=self._environment(name),
            dead_letter_queue=asynchronous.get(name),
            retry_attempts=2 if name in asynchronous else None,
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "Python 3.13 is the runtime the shared package is built and tested for "
            "(wheels in the layer are cp313); moving on is a deliberate upgrade.",
        )
        return FunctionParts(function, role, log_group)

    @property
    def dead_letter_queues(self) -> dict[str, sqs.IQueue]:
        return {
            "ExpireFailures": self.expire_dead_letters,
            "NotifyFailures": self.notify_dead_letters,
        }

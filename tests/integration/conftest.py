"""Integration fixtures: moto in-process, the table from the shared definition.

moto starts once per test module, with the table and the schedule group; each
test then gets them as new (every backend reset, the empty table put back as it
was created), new clients and a new composition root. Starting moto and creating
the table through its API (five calls, a waiter among them) for every test was
most of an integration test's set-up time.

moto answers here with the local stack's changes that only make it cheaper to ask
(`moto_speed_ups`): most of an integration test's CPU went into moto's serializer,
which walks botocore's shape model value by value for every answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import boto3
import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.table import create_table
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.base_backend import BackendDict
from moto.dynamodb.models import dynamodb_backends

from local import aws as local_aws
from local import emulator
from tests.conftest import START

T = TypeVar("T")
TABLE = "inquiries-test"
GROUP = "inquiries"
EXPIRE_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:inquiries-expire"
ROLE_ARN = "arn:aws:iam::123456789012:role/inquiries-scheduler"
REGION = "eu-central-1"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "TABLE_NAME": TABLE,
    "SCHEDULE_GROUP": GROUP,
    "EXPIRE_FUNCTION_ARN": EXPIRE_ARN,
    "SCHEDULER_ROLE_ARN": ROLE_ARN,
    # The secret of the data subject's keyed hashes (on AWS: a Secrets Manager secret).
    "SUBJECT_KEY": "integration-tests-subject-key-0123456789abcdef",
}


def _environment(patch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENT.items():
        patch.setenv(name, value)
    patch.delenv("AWS_ENDPOINT_URL", raising=False)


@dataclass(frozen=True)
class Moto:
    """moto, started for a module, and the table as `create_table` made it."""

    blank_table: Any  # moto's model of the empty table

    def reset(self) -> None:
        """Every backend as new, then the empty table as it was created."""
        BackendDict.reset()  # what starting moto does
        self.put_table(self.blank_table)

    def table(self) -> Any:
        """A copy of the table as it is now (for `put_table`)."""
        return copy.deepcopy(dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE])

    def put_table(self, table: Any) -> None:
        """The table as a copy of `table` holds it: data that several tests only read is
        made once per module and put back for each test."""
        dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE] = copy.deepcopy(table)

    def made_once(self, make: Callable[[FixedClock], T]) -> tuple[Any, datetime, T]:
        """Data several tests only read, made once for the module through the API: moto as
        new, the scheduler's group, the wiring on a clock at START, then `make(clock)`.

        Answers a copy of the table (for `put_table`), the clock's time after and what
        `make` answered; the wiring is reset either way."""
        self.reset()
        boto3.client("scheduler").create_schedule_group(Name=GROUP)
        wiring.reset()
        clock = FixedClock(START)
        wiring.override(clock=clock)
        try:
            made = make(clock)
            return self.table(), clock.now(), made
        finally:
            wiring.reset()


def moto_speed_ups() -> None:
    """The local stack's changes to moto that alter no answer, only what it costs.

    A Query reads the partition asked instead of sorting the whole table (a table put back
    as a copy, or restored by moto after a cancelled transaction, gets its look-ups made
    afresh), reads are answered with `json.dumps` of moto's result instead of its
    serializer, projections copy the attributes named, and moto's services and each
    handler's methods are listed once instead of on every request, and a new item's size
    is summed once instead of once per attribute. Each compares equal with stock moto in
    the e2e tests of the local emulator, which run both side by side; the stream dropping
    what was read stays with the local stack (its one reader never reads back). Applied
    once per process and left in place: they hold for every later answer.
    """
    emulator.moto_queries_read_partitions()
    emulator.moto_answers_reads_plainly()
    emulator.moto_projects_plainly()
    emulator.moto_finds_services_once()
    emulator.moto_knows_its_actions()
    emulator.moto_sizes_new_items_once()
    # moto deep-copies the whole table before each transaction, to put it back if one
    # fails: a test's every write got slower with each item stored. The local stack's
    # rollback saves only the items the transaction touches (and its stream records).
    local_aws.one_backup_per_transaction()


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    """moto for one module: the table is created through the API once."""
    moto_speed_ups()
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch)
        with mock_aws():
            create_table(boto3.client("dynamodb"), TABLE)
            blank = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE]
            yield Moto(copy.deepcopy(blank))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, moto: Moto) -> Iterator[dict[str, Any]]:
    """A new table and schedule group, with clients of their own."""
    _environment(monkeypatch)
    moto.reset()
    dynamodb = boto3.client("dynamodb")
    scheduler = boto3.client("scheduler")
    scheduler.create_schedule_group(Name=GROUP)
    wiring.reset()
    yield {"dynamodb": dynamodb, "scheduler": scheduler}
    wiring.reset()


@pytest.fixture
def clock(aws: dict[str, Any]) -> FixedClock:
    fixed = FixedClock(START)
    wiring.override(clock=fixed)
    return fixed

"""On AWS the keyed hashes' secret comes from Secrets Manager, once per process."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.session import get_session
from inquiries.adapters.secrets import subject_secret
from inquiries.config import Settings, SettingsError

SECRET = "a-secret-of-the-keyed-hashes-0123456789"


def _settings(**kwargs: Any) -> Settings:
    return Settings(
        table_name="t",
        schedule_group="g",
        expire_function_arn="arn:aws:lambda:eu-central-1:123456789012:function:expire",
        scheduler_role_arn="arn:aws:iam::123456789012:role/scheduler",
        expiry_dead_letter_arn=None,
        deadline_hours=48,
        **kwargs,
    )


def test_the_secret_is_read_from_secrets_manager_once(aws: dict[str, Any]) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="subject-key", SecretString=SECRET)["ARN"]
    secret = subject_secret(_settings(subject_key_secret_arn=arn), get_session())
    assert secret() == SECRET.encode()
    secrets.put_secret_value(SecretId=arn, SecretString="another-secret-0123456789-0123456789")
    assert secret() == SECRET.encode()  # read once: the hashes of one process stay comparable


def test_a_short_secret_is_refused(aws: dict[str, Any]) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="short", SecretString="short")["ARN"]
    with pytest.raises(SettingsError, match="at least 32"):
        subject_secret(_settings(subject_key_secret_arn=arn), get_session())()

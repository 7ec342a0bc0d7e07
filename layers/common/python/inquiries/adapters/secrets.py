"""The secret of the data subject's keyed hashes: from the setting, or Secrets Manager.

Read once per process, on first use (only submitting and HQ's look-ups need it), so a
function's cold start does not wait for Secrets Manager.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from inquiries.config import Settings, SettingsError

# A shorter secret would weaken the keyed hashes (HMAC-SHA256 wants 32 bytes or more).
MIN_SECRET_LENGTH = 32


def subject_secret(config: Settings, session: Any) -> Callable[[], bytes]:
    """A function answering the secret, fetched and checked on its first call."""
    lock = threading.Lock()
    found: list[bytes] = []

    def secret() -> bytes:
        with lock:
            if not found:
                found.append(_read(config, session))
            return found[0]

    return secret


def _read(config: Settings, session: Any) -> bytes:
    if config.subject_key is not None:
        value = config.subject_key
    elif config.subject_key_secret_arn is not None:
        client = session.create_client("secretsmanager")
        value = client.get_secret_value(SecretId=config.subject_key_secret_arn)["SecretString"]
    else:
        raise SettingsError("missing settings: SUBJECT_KEY or SUBJECT_KEY_SECRET_ARN")
    if len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(f"the subject key must be at least {MIN_SECRET_LENGTH} characters")
    return value.encode()

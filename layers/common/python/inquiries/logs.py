"""The functions' log lines: one JSON object each, without what CloudWatch already keeps.

Powertools' Logger writes, on every line, the function's name, ARN and memory size
and a timestamp. CloudWatch Logs keeps each function's lines in its own log group
(named after the function) and stamps every line when it is written, and the
memory size is the function's configuration: the copies cost about 190 bytes a
line and nobody queries them. What stays: level, location, message, service,
cold_start (with Lambda's REPORT lines off, the only record of a cold start),
function_request_id (ties the lines of one invocation together), the line's own
keys (ids, never personal data), and an exception's details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

if TYPE_CHECKING:
    from aws_lambda_powertools.logging.types import LogRecord

OMITTED = frozenset({"timestamp", "function_name", "function_arn", "function_memory_size"})


class LeanFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines without the keys in `OMITTED`."""

    def serialize(self, log: LogRecord) -> str:
        """The line as JSON, the omitted keys left out."""
        return super().serialize({k: v for k, v in log.items() if k not in OMITTED})


def function_logger(service: str | None = None) -> Logger:
    """The logger of a function's handler (its service from POWERTOOLS_SERVICE_NAME)."""
    return Logger(service=service, logger_formatter=LeanFormatter())

"""The functions' log lines: what operations read, without CloudWatch's own copies."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from inquiries.logs import function_logger


@dataclass
class Context:
    function_name: str = "inquiries-intake"
    memory_limit_in_mb: int = 640
    invoked_function_arn: str = "arn:aws:lambda:eu-central-1:123456789012:function:intake"
    aws_request_id: str = "4f1c9a52-0d7e-4e43-9a51-2f3b8f2d1c11"


def test_a_line_keeps_the_request_and_its_ids_and_drops_what_cloudwatch_knows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = function_logger(service=f"test-{uuid.uuid4().hex[:8]}")  # a fresh logger

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> None:
        logger.info("inquiry received", extra={"inquiry_id": "GEFRre_x77NQ"})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("unexpected error")

    handler({}, Context())
    received, failed = (json.loads(line) for line in capsys.readouterr().out.splitlines())

    assert received["level"] == "INFO"
    assert received["message"] == "inquiry received"
    assert received["inquiry_id"] == "GEFRre_x77NQ"
    assert received["function_request_id"] == Context.aws_request_id
    assert "cold_start" in received
    for redundant in ("timestamp", "function_name", "function_arn", "function_memory_size"):
        assert redundant not in received
    # An exception keeps its details: that line is the one someone reads.
    assert failed["level"] == "ERROR"
    assert failed["exception_name"] == "ValueError"
    assert "boom" in failed["exception"]
    assert len(json.dumps(received)) < 260

"""What every offline benchmark sets up before it imports boto3 or the product.

Import it first (`import _offline` from a script in bench/): it puts the layer and the
repository root on `sys.path` and gives boto3 the environment of
tests/integration/conftest.py (dummy credentials, the table and schedule names), so
nothing reaches AWS; moto answers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    p for p in (str(ROOT / "layers" / "common" / "python"), str(ROOT)) if p not in sys.path
]

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_NAME": "inquiries-bench",
    "SCHEDULE_GROUP": "inquiries",
    "EXPIRE_FUNCTION_ARN": "arn:aws:lambda:eu-central-1:123456789012:function:inquiries-expire",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/inquiries-scheduler",
    "POWERTOOLS_SERVICE_NAME": "inquiries",
    "POWERTOOLS_METRICS_NAMESPACE": "PartnerInquiries",
    # The keyed hashes of e-mail and last name (locally the stack generates one).
    "SUBJECT_KEY": "bench-subject-key-0123456789abcdef",
}


def use_moto_environment(**overrides: str) -> None:
    """Set the environment (with `overrides`), and never an endpoint of a running stack."""
    os.environ.update({**ENVIRONMENT, **overrides})
    os.environ.pop("AWS_ENDPOINT_URL", None)

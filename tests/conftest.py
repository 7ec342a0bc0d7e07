"""Fixtures: moto-backed AWS, a fixed clock, demo partners."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache

import pytest

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "inquiries")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "PartnerInquiries")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")

# A Tuesday, 09:00 in Bolzano.
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def one_botocore_loader() -> Iterator[None]:
    """One botocore data loader for every boto3 session of a test process.

    Each test's moto gets fresh clients, and the composition root a fresh
    `boto3.session.Session()`; each new session would parse the endpoint rules
    and service models from JSON again (about 1 MB for DynamoDB's endpoints alone).
    The models are read-only, so sharing the loader changes nothing but the time.
    """
    import botocore.loaders  # noqa: PLC0415  (unit tests never need it)
    import botocore.session  # noqa: PLC0415

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", cache(botocore.loaders.create_loader))
        yield

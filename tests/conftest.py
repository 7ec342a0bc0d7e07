"""Fixtures: moto-backed AWS, a fixed clock, demo partners."""

from __future__ import annotations

import os
from datetime import UTC, datetime

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "inquiries")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "PartnerInquiries")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")

# A Tuesday, 09:00 in Bolzano.
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

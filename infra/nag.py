"""Acknowledging cdk-nag findings: every one with its reason, next to what it is about.

cdk-nag runs as a CDK validation plugin (app.py). Every synthesis writes
`validation-report.json` into the cloud assembly: `violations` (unacknowledged: the
synthesis fails) and `suppressedViolations` (each with the reason given here).
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

PLUGIN = "AwsSolutions"


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Record that `rule` (e.g. `AwsSolutions-IAM5[Resource::*]`) is accepted here, and why."""
    if len(reason) < 20:
        raise ValueError(f"say why {rule} is acceptable, in a sentence")
    # The plugin's own prefix: without it CDK files the id under "Annotation::".
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{PLUGIN}::{rule}", reason=reason))

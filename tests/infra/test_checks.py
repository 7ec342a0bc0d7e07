"""cdk-nag (AwsSolutions, run by the app at every synthesis) and cfn-lint."""

from __future__ import annotations

import json

import pytest

from infra.nag import PLUGIN
from tests.infra.conftest import Synthesis

pytestmark = pytest.mark.xdist_group("cdk")

# cfn-lint rules we do not follow, each with its reason.
CFN_LINT_IGNORED = {
    # CDK makes each function depend on its role and the role's policy, so the policy
    # is attached before the function can run; the role part is redundant, not wrong.
    "W3005",
}


def _where(finding: dict) -> list[str]:
    return [c["constructPath"] for c in finding["violatingConstructs"]]


def test_cdk_nag_ran_and_leaves_no_finding_unacknowledged(synthesized: Synthesis) -> None:
    (plugin,) = synthesized.report["pluginReports"]
    assert plugin["pluginName"] == PLUGIN
    unacknowledged = [(f["ruleName"], _where(f)) for f in synthesized.findings("violations")]
    assert unacknowledged == []
    assert plugin["conclusion"] == "success"


def test_every_acknowledged_finding_has_a_reason(synthesized: Synthesis) -> None:
    suppressed = synthesized.findings("suppressedViolations")
    assert suppressed, "nothing acknowledged: did the checks run?"
    for finding in suppressed:
        assert finding["acknowledgedId"] == f"{PLUGIN}::{finding['ruleName']}"
        assert len(finding["reason"].split()) >= 8, (finding["ruleName"], _where(finding))


def test_every_acknowledgment_answers_a_real_finding(synthesized: Synthesis) -> None:
    """No stale acknowledgment: each one still suppresses a finding below its construct."""
    used = {
        (f["acknowledgedId"], f["acknowledgedAt"])
        for f in synthesized.findings("suppressedViolations")
    }
    acknowledged = set(synthesized.acknowledged)
    assert acknowledged
    assert acknowledged - used == set()


@pytest.mark.parametrize("stack", ["main", "edge"])
def test_cfn_lint_finds_nothing(synthesized: Synthesis, stack: str) -> None:
    from cfnlint.api import ManualArgs, lint  # noqa: PLC0415

    template, regions = (
        (synthesized.template, ["eu-central-1", "us-east-1"])
        if stack == "main"
        else (synthesized.edge, ["us-east-1"])  # where the edge stack must be
    )
    matches = lint(
        json.dumps(template),
        config=ManualArgs(regions=regions, ignore_checks=sorted(CFN_LINT_IGNORED)),
    )
    assert [f"{m.rule.id} {m.message} at {m.path}" for m in matches] == []


def test_cfn_lint_can_fail() -> None:
    """The lint is wired up: a broken template is reported."""
    from cfnlint.api import ManualArgs, lint  # noqa: PLC0415

    broken = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": "python3.13", "Handler": "app.handler"},
            }
        }
    }
    assert lint(json.dumps(broken), config=ManualArgs(regions=["eu-central-1"]))

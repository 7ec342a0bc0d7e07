"""The CDK app: `cdk deploy --all` (cdk.json) or `make synth` (python infra/app.py).

Two stacks: the edge stack in us-east-1 (the WAF web ACL CloudFront takes) and the
main stack where the data lives (everything else).

Checks run at every synthesis: cdk-nag's AwsSolutions pack as a validation plugin, so
a finding that nobody acknowledged (with a reason) stops the synthesis.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# Run as a script, Python puts infra/ first on the path; the repository root is what
# `infra.*` imports need.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import aws_cdk as cdk  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402

from infra import names  # noqa: E402
from infra.edge import EdgeStack  # noqa: E402
from infra.stack import InquiriesStack  # noqa: E402


def build(
    outdir: str | None = None, context: dict[str, Any] | None = None
) -> tuple[cdk.App, InquiriesStack]:
    """The app with its one stack and the nag checks, not yet synthesized."""
    app = cdk.App(
        outdir=outdir or os.environ.get("CDK_OUTDIR") or str(names.ROOT / "cdk.out"),
        context=context,
    )
    settings = names.settings_from(app)
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    # The web ACL must be in us-east-1 (CloudFront); everything else where the data lives.
    edge = EdgeStack(
        app,
        names.EDGE_STACK_ID,
        settings=settings,
        env=cdk.Environment(account=account, region=names.EDGE_REGION),
        cross_region_references=True,
    )
    stack = InquiriesStack(
        app,
        names.STACK_ID,
        settings=settings,
        web_acl_arn=edge.web_acl.attr_arn,
        env=cdk.Environment(account=account, region=settings.region),
        cross_region_references=True,
    )
    # The reference to the web ACL makes the main stack depend on the edge stack.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    app, _ = build()
    app.synth()


if __name__ == "__main__":
    main()

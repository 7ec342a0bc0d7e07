"""Synthesize the CDK app once per test session, offline, as `make synth` runs it.

The app runs as a script (`python infra/app.py`, what cdk.json and `make synth` run) in
a temporary outdir (CDK_OUTDIR) with bundling off (CDK_CONTEXT_JSON, the CLI's channel
for context). The tests then read the cloud assembly: the template, cdk-nag's
validation report, and the acknowledgments in the stack's metadata.

The infra modules are in the xdist group "cdk". pytest-xdist's loadgroup does not
group on every pytest version (pytest-dev/pytest-xdist#1386), so the synthesis is also
shared between workers through a file lock: whichever worker comes first runs it.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra import names

# jsii prints a banner on every start for an end-of-life Node; the tests need no reminder.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

if importlib.util.find_spec("aws_cdk") is None:  # `pip install -e '.[cdk]'` brings it
    collect_ignore_glob = ["test_*.py"]

# CDK's switch: bundle no stack's assets. The web app's files: a small fixture, so the
# tests need no `make web` (make synth builds the real one first).
WEB_FIXTURE = Path(__file__).parent / "fixtures" / "web-dist"
OFFLINE = {names.BUNDLING_STACKS_CONTEXT: [], names.CONTEXT_WEB_DIST: str(WEB_FIXTURE)}
ACKNOWLEDGED = "aws:cdk:acknowledged-rules"


@dataclass(frozen=True)
class Synthesis:
    """One synthesis, read back from its cloud assembly."""

    outdir: Path
    output: str  # what the app printed
    template: dict[str, Any]
    edge: dict[str, Any]  # the edge stack's template (us-east-1)
    report: dict[str, Any]  # validation-report.json: cdk-nag's findings
    metadata: dict[str, list[dict[str, Any]]]  # <stack>.metadata.json

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """The template's resources of one CloudFormation type, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == kind
        }

    def edge_resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """The edge stack's resources of one CloudFormation type, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.edge["Resources"].items()
            if resource["Type"] == kind
        }

    def findings(self, kind: str) -> list[dict[str, Any]]:
        """`violations` (unacknowledged) or `suppressedViolations` of every plugin."""
        return [f for plugin in self.report["pluginReports"] for f in plugin.get(kind, [])]

    @property
    def acknowledged(self) -> dict[tuple[str, str], str]:
        """(acknowledged id, construct path) -> reason, as recorded on the constructs."""
        return {
            (rule, path.lstrip("/")): reason
            for path, entries in self.metadata.items()
            for entry in entries
            if entry["type"] == ACKNOWLEDGED
            for rule, reason in entry["data"].items()
        }


def synthesize(outdir: Path, context: dict[str, Any] | None = None) -> Synthesis:
    """Run `python infra/app.py` into `outdir` with bundling off (plus `context`)."""
    if not (outdir / "manifest.json").exists():
        env = {
            **os.environ,
            "CDK_OUTDIR": str(outdir),
            "CDK_CONTEXT_JSON": json.dumps({**OFFLINE, **(context or {})}),
        }
        done = subprocess.run(
            [sys.executable, "infra/app.py"],
            cwd=names.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        (outdir / "output.txt").write_text(done.stdout + done.stderr)
    output = (outdir / "output.txt").read_text()
    template_file = outdir / f"{names.STACK_ID}.template.json"
    report_file = outdir / "validation-report.json"
    if not template_file.exists() or not report_file.exists():
        pytest.fail(f"infra/app.py wrote no cloud assembly:\n{output[-5000:]}")
    return Synthesis(
        outdir=outdir,
        output=output,
        template=json.loads(template_file.read_text()),
        edge=json.loads((outdir / f"{names.EDGE_STACK_ID}.template.json").read_text()),
        report=json.loads(report_file.read_text()),
        metadata={
            **json.loads((outdir / f"{names.STACK_ID}.metadata.json").read_text()),
            **json.loads((outdir / f"{names.EDGE_STACK_ID}.metadata.json").read_text()),
        },
    )


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Synthesis:
    """The app with its default context, synthesized once for all workers."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: the parent of each worker's basetemp is shared
        shared = shared.parent
    outdir = shared / "cdk-out"
    with (shared / "cdk-out.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        outdir.mkdir(exist_ok=True)
        return synthesize(outdir)


@pytest.fixture(scope="session")
def template(synthesized: Synthesis) -> Any:
    """The synthesized template as `aws_cdk.assertions.Template`."""
    from aws_cdk.assertions import Template  # noqa: PLC0415

    return Template.from_json(synthesized.template)

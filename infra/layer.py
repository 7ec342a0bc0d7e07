"""The common layer: the shared package and its dependencies, built without Docker.

CDK tries local bundling first. `LayerBundler` installs the runtime dependencies of
pyproject.toml as manylinux aarch64 wheels for CPython 3.13 (the functions run on
Graviton) with this machine's pip, then copies the shared package beside them. The
Docker image given to CDK is only a valid fallback; it is never reached here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import names

PACKAGE = "inquiries"
PYTHON_VERSION = "3.13"
PLATFORM = "manylinux2014_aarch64"
_IGNORE = ("__pycache__", "*.pyc", "*.pyo")

Runner = Callable[[Sequence[str]], None]


def runtime_dependencies(pyproject: Path = names.PYPROJECT) -> list[str]:
    """The requirement strings of `[project].dependencies`: what the functions import."""
    with pyproject.open("rb") as file:
        project = tomllib.load(file)["project"]
    return [str(requirement) for requirement in project.get("dependencies", [])]


def pip_command(target: Path, requirements: Sequence[str]) -> list[str]:
    """Install wheels for Lambda's platform (not this machine's) into `target`."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # bytecode of this interpreter would be dead weight on 3.13
        "--platform",
        PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        PYTHON_VERSION,
        "--only-binary=:all:",  # never build from source for the wrong platform
        "--target",
        str(target),
        *requirements,
    ]


def _run(command: Sequence[str]) -> None:
    subprocess.run(command, check=True)  # noqa: S603  (our own pip, no shell, fixed args)


@jsii.implements(cdk.ILocalBundling)
class LayerBundler:
    """Local bundling of the layer: pip for the target platform, then the package."""

    def __init__(
        self,
        requirements: Sequence[str],
        source: Path = names.LAYER_DIR / "python" / PACKAGE,
        run: Runner = _run,
    ) -> None:
        self._requirements = list(requirements)
        self._source = source
        self._run = run

    def try_bundle(self, output_dir: str, options: cdk.BundlingOptions | None = None) -> bool:
        """Build `<output_dir>/python/...`, Lambda's layout for Python layers; True when done."""
        target = Path(output_dir) / "python"
        target.mkdir(parents=True, exist_ok=True)
        if self._requirements:
            self._run(pip_command(target, self._requirements))
            # Console scripts of the dependencies: nothing on Lambda runs them.
            shutil.rmtree(target / "bin", ignore_errors=True)
        shutil.copytree(
            self._source,
            target / PACKAGE,
            ignore=shutil.ignore_patterns(*_IGNORE),
            dirs_exist_ok=True,
        )
        return True


def docker_fallback_command(requirements: Sequence[str]) -> list[str]:
    """The same build inside the SAM build image; CDK needs one, we never run it."""
    quoted = " ".join(f"'{r}'" for r in requirements)
    return [
        "bash",
        "-c",
        f"pip install --no-compile -t /asset-output/python {quoted}"
        f" && cp -r /asset-input/python/{PACKAGE} /asset-output/python/",
    ]


class CommonLayer(Construct):
    """The Lambda layer every function uses (python3.13, arm64)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        requirements = runtime_dependencies()
        runtime = lambda_.Runtime.PYTHON_3_13
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            description="The shared inquiries package and its dependencies",
            compatible_runtimes=[runtime],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            code=lambda_.Code.from_asset(
                str(names.LAYER_DIR),
                exclude=[f"**/{pattern}" for pattern in _IGNORE],
                bundling=cdk.BundlingOptions(
                    image=runtime.bundling_image,
                    platform="linux/arm64",
                    command=docker_fallback_command(requirements),
                    # jsii.implements registers the interface with jsii, not with mypy.
                    local=cast(cdk.ILocalBundling, LayerBundler(requirements)),
                ),
            ),
        )

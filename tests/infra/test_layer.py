"""The layer is built without Docker: pip for Lambda's platform, then the shared package."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest

from infra import layer, names

pytestmark = pytest.mark.xdist_group("cdk")


def test_the_layer_installs_exactly_the_projects_runtime_dependencies() -> None:
    with names.PYPROJECT.open("rb") as file:
        declared = tomllib.load(file)["project"]["dependencies"]
    assert layer.runtime_dependencies() == declared
    assert any(d.startswith("aws-lambda-powertools") for d in declared)


def test_pip_fetches_wheels_for_lambda_on_graviton_not_for_this_machine() -> None:
    command = layer.pip_command(Path("/out/python"), ["pydantic>=2"])
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    joined = " ".join(command)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--implementation cp" in joined
    assert "--python-version 3.13" in joined
    assert "--only-binary=:all:" in command
    assert "--target /out/python" in joined
    assert command[-1] == "pydantic>=2"


def test_local_bundling_builds_the_layer_layout(tmp_path: Path) -> None:
    source = tmp_path / "src" / "inquiries"
    (source / "domain" / "__pycache__").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "domain" / "model.py").write_text("X = 1\n")
    (source / "domain" / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"\0")
    ran: list[Sequence[str]] = []

    def fake_pip(command: Sequence[str]) -> None:
        ran.append(command)
        target = Path(command[command.index("--target") + 1])
        (target / "pydantic").mkdir(parents=True)

    out = tmp_path / "out"
    bundler = layer.LayerBundler(["pydantic>=2"], source=source, run=fake_pip)
    assert bundler.try_bundle(str(out)) is True
    assert len(ran) == 1 and ran[0][-1] == "pydantic>=2"
    assert (out / "python" / "pydantic").is_dir()
    assert (out / "python" / "inquiries" / "domain" / "model.py").read_text() == "X = 1\n"
    assert not list((out / "python").rglob("__pycache__"))


def test_a_failing_pip_fails_the_bundling(tmp_path: Path) -> None:
    def failing_pip(command: Sequence[str]) -> None:
        raise RuntimeError("no matching distribution")

    bundler = layer.LayerBundler(["nonexistent-package"], run=failing_pip)
    with pytest.raises(RuntimeError):
        bundler.try_bundle(str(tmp_path))


def test_the_docker_fallback_is_a_complete_command() -> None:
    command = layer.docker_fallback_command(["boto3>=1.35,<2"])
    assert command[:2] == ["bash", "-c"]
    assert "'boto3>=1.35,<2'" in command[2]
    assert "/asset-output/python" in command[2]

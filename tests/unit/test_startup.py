"""A function starts without cyclic garbage collection, and collects again after its first call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from inquiries.api.routes import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT / "layers" / "common" / "python"), str(ROOT)]),
        TABLE_NAME="t",
        AWS_DEFAULT_REGION="eu-central-1",
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    return done.stdout.strip()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_function_starts_without_collection_and_its_handler_ends_the_start(
    function: str,
) -> None:
    code = (
        "import gc\n"
        f"from functions.{function} import app\n"
        "from inquiries import startup\n"
        "ends_start = startup.ends_after_first_call(lambda event, context: None).__code__\n"
        "print(gc.isenabled(), app.handler.__code__ is ends_start)\n"
    )
    assert _run(code) == "False True"


def test_after_the_first_call_what_the_start_made_is_frozen_and_collection_resumes() -> None:
    code = (
        "import gc\n"
        "from inquiries import startup\n"
        "def fails(event, context):\n"
        "    raise RuntimeError('the first request failed')\n"
        "handler = startup.ends_after_first_call(fails)\n"
        "before = gc.isenabled()\n"
        "try:\n"
        "    handler({}, None)\n"
        "except RuntimeError:\n"
        "    pass\n"
        "print(before, gc.isenabled(), gc.get_freeze_count() > 1000)\n"
    )
    assert _run(code) == "False True True"

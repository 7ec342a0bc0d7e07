"""The local stack for the end-to-end tests: started once, fresh, with the demo partners."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import LocalStack

# The web tests' fixtures, registered here once for the directory (a module importing them
# would get fixtures of its own): one stack and one browser per test process for every
# web module.
from tests.e2e.web import app, browser, playwright, pytest_runtest_makereport, stack

__all__ = ["app", "browser", "local", "playwright", "pytest_runtest_makereport", "stack"]


@pytest.fixture(scope="session")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    data_dir: Path = tmp_path_factory.mktemp("local") / "data"
    stack = LocalStack.start(data_dir, "--reset")
    try:
        answer = stack.get("/openapi.json")
        assert answer.status == 200, answer.text
        stack.document = answer.body
        yield stack
    finally:
        if stack.process.poll() is None:
            stack.stop()
        stack.kill()
